/**
 * GET of one object and of a collection (list), as JSON or as a Table. Lists are built by
 * concatenating each object's cached JSON; pages come from a pinned snapshot so that `continue`
 * tokens see one consistent list, and an expired token gets the API server's 410 with a fresh,
 * inconsistent continue token attached.
 */
import type { ServerResponse } from 'node:http';
import { failureStatus } from '../api/index.js';
import { matcherFor, parseListOptions } from './list-options.js';
import { decodeContinueToken, encodeContinueToken, takePage } from './pagination.js';
import { apiVersionOf, type AnyObject, type ResourceEndpoint } from './resources.js';
import { sendJson, sendStatus } from './response.js';
import { namespaceRange, type StoredObject } from './store.js';
import { encodeTable, type IncludeObject, type TableVersion } from './table.js';

/** How the client wants the answer. */
export interface Rendering {
  readonly table: TableVersion | undefined;
  readonly includeObject: IncludeObject;
  readonly now: number;
}

const STREAM_THRESHOLD = 2000;
const STREAM_CHUNK = 1000;

/** kube-apiserver's message for a continue token whose resourceVersion was compacted away. */
const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export function serveGet(
  endpoint: ResourceEndpoint,
  namespace: string,
  name: string,
  rendering: Rendering,
  res: ServerResponse,
): void {
  const stored = endpoint.store.get(endpoint.namespaced ? namespace : '', name);
  if (stored === undefined) return sendStatus(res, endpoint.notFound(namespace, name));
  const apiVersion = apiVersionOf(endpoint);
  if (rendering.table !== undefined) {
    const meta = endpoint.store.options.tracked ? `{"resourceVersion":"${stored.resourceVersion}"}` : '{}';
    const body = encodeTable(
      endpoint.table,
      rendering.table,
      [stored],
      meta,
      rendering.includeObject,
      { kind: endpoint.kind, apiVersion },
      rendering.now,
    );
    return sendJson(res, 200, body);
  }
  sendJson(res, 200, stored.typedJson(endpoint.kind, apiVersion));
}

export function serveList(
  endpoint: ResourceEndpoint,
  namespace: string,
  url: URL,
  rendering: Rendering,
  res: ServerResponse,
): void {
  const options = parseListOptions(url, endpoint);
  if ('kind' in options) return sendStatus(res, options);
  const store = endpoint.store;

  let snapshot = store.snapshot();
  let start: string | undefined;
  let limit = options.limit;
  if (!endpoint.paginated) limit = 0;
  else if (options.continueToken !== undefined) {
    const token = decodeContinueToken(options.continueToken);
    if (token === undefined) {
      return sendStatus(
        res,
        failureStatus(
          400,
          `invalid continue token "${options.continueToken}": it was not issued by this server`,
        ),
      );
    }
    start = token.start;
    if (token.resourceVersion !== -1) {
      const pinned = store.snapshotAt(token.resourceVersion);
      if (pinned === undefined) {
        const expired = failureStatus(410, INCONSISTENT_CONTINUE);
        expired.metadata.continue = encodeContinueToken({ resourceVersion: -1, start: token.start });
        return sendStatus(res, expired);
      }
      snapshot = pinned;
    }
  }

  let scope = endpoint.namespaced ? namespace : '';
  const pinnedNamespace = options.fieldSelector.exactMatch('metadata.namespace');
  if (endpoint.namespaced && scope === '' && pinnedNamespace !== undefined) scope = pinnedNamespace;
  const [from, to] = endpoint.namespaced ? namespaceRange(snapshot.items, scope) : [0, snapshot.items.length];
  const page = takePage(snapshot.items, from, to, start, limit, matcherFor(endpoint, options));

  const meta: string[] = [];
  if (store.options.tracked) meta.push(`"resourceVersion":"${snapshot.resourceVersion}"`);
  if (page.nextStart !== undefined) {
    const token = encodeContinueToken({ resourceVersion: snapshot.resourceVersion, start: page.nextStart });
    meta.push(`"continue":"${token}"`);
  }
  if (page.remainingItemCount !== undefined) meta.push(`"remainingItemCount":${page.remainingItemCount}`);
  const metadata = `{${meta.join(',')}}`;
  const apiVersion = apiVersionOf(endpoint);

  if (rendering.table !== undefined) {
    const body = encodeTable(
      endpoint.table,
      rendering.table,
      page.items,
      metadata,
      rendering.includeObject,
      { kind: endpoint.kind, apiVersion },
      rendering.now,
    );
    return sendJson(res, 200, body);
  }
  const head = `{"kind":"${endpoint.listKind}","apiVersion":"${apiVersion}","metadata":${metadata},"items":[`;
  if (page.items.length <= STREAM_THRESHOLD) {
    return sendJson(res, 200, `${head}${joinJson(page.items, 0, page.items.length)}]}`);
  }
  // Very large unpaginated lists are written in chunks rather than as one giant string.
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.write(head);
  for (let i = 0; i < page.items.length; i += STREAM_CHUNK) {
    res.write((i === 0 ? '' : ',') + joinJson(page.items, i, Math.min(page.items.length, i + STREAM_CHUNK)));
  }
  res.end(']}');
}

function joinJson(items: readonly StoredObject<AnyObject>[], from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++)
    out += (i === from ? '' : ',') + (items[i] as StoredObject<AnyObject>).json();
  return out;
}
