/**
 * Serving the OpenAPI documents: `/openapi/v2`, `/openapi/v3` and `/openapi/v3/apis/<g>/<v>`,
 * pre-serialized with their ETags (kube-openapi handler3 semantics for `?hash=`).
 */
import { failureStatus } from '../../api/index.js';
import type { Answer } from '../handlers/handler-context.js';
import type { Route, RouteMatch } from '../pipeline/route.js';
import type { OpenApiDocument, OpenApiDocuments } from './openapi.js';

/** Serves a pre-serialized document with its ETag, answering 304 to a matching `If-None-Match`. */
function documentAnswer(doc: OpenApiDocument, extraHeaders: Record<string, string> = {}): Answer {
  return {
    kind: 'text',
    code: 200,
    body: doc.body,
    contentType: 'application/json',
    headers: { ETag: doc.etag, ...extraHeaders },
  };
}

export function answerOpenApi(route: Route, match: RouteMatch, docs: OpenApiDocuments): Answer {
  if (route.kind === 'openapi-v2') return documentAnswer(docs.v2);
  if (route.kind === 'openapi-v3') return documentAnswer(docs.v3Index);
  if (route.kind !== 'openapi-v3-group-version') throw new Error('unreachable');
  const doc = docs.v3.get(`${route.group}/${route.version}`);
  if (doc === undefined)
    return {
      kind: 'json',
      code: 404,
      value: failureStatus(404, 'the server could not find the requested resource'),
    };
  const hash = match.query.get('hash');
  if (hash === null || hash === '') return documentAnswer(doc);
  // kube-openapi handler3: an outdated hash redirects to the current one; a current hash is immutable.
  if (hash !== doc.hash) {
    const location = `/openapi/v3/apis/${route.group}/${route.version}?hash=${doc.hash}`;
    return {
      kind: 'text',
      code: 301,
      body: '',
      contentType: 'text/plain; charset=utf-8',
      headers: { Location: location },
    };
  }
  return documentAnswer(doc, { 'Cache-Control': 'public, immutable' });
}
