/**
 * The review APIs an aggregated API server calls back into the cluster with:
 * `POST /apis/authentication.k8s.io/v1/tokenreviews` (is this bearer token valid, and whose is it?)
 * and `POST /apis/authorization.k8s.io/v1/subjectaccessreviews` (may this user do this?), answered
 * from the test cluster's own users and allow rules. Shapes follow k8s.io/api authentication/v1
 * and authorization/v1; kube-apiserver answers both with 201 Created and the review echoed back
 * with its `status` filled in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { failureStatus, isStatus } from '../api/index.js';
import type { Authenticator, UserInfo } from './auth.js';
import type { RequestInfo } from './request-info.js';
import { sendJson, sendStatus } from './response.js';

/** Reviews are small; anything larger is a client bug. */
const MAX_BODY_BYTES = 1 << 20;

type Json = Record<string, unknown>;

function readJson(req: IncomingMessage, done: (body: Json | string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES && !failed) {
      failed = true;
      done('request body too large');
    }
    if (!failed) chunks.push(chunk);
  });
  req.on('error', () => undefined);
  req.on('end', () => {
    if (failed) return;
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        done('the body is not a JSON object');
      else done(parsed as Json);
    } catch (error) {
      done(`the body is not valid JSON: ${(error as Error).message}`);
    }
  });
}

const object = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** True when the request is a review this module answers (only POST creates reviews). */
export function isReview(info: RequestInfo): boolean {
  return (
    info.isResourceRequest &&
    info.namespace === '' &&
    info.name === '' &&
    info.apiVersion === 'v1' &&
    ((info.apiGroup === 'authentication.k8s.io' && info.resource === 'tokenreviews') ||
      (info.apiGroup === 'authorization.k8s.io' &&
        (info.resource === 'subjectaccessreviews' || info.resource === 'selfsubjectaccessreviews')))
  );
}

export function serveReview(
  authenticator: Authenticator,
  info: RequestInfo,
  req: IncomingMessage,
  res: ServerResponse,
  requester: UserInfo,
): void {
  if (req.method !== 'POST') {
    sendStatus(
      res,
      failureStatus(405, 'the server does not allow this method on the requested resource', {}),
    );
    return;
  }
  readJson(req, (body) => {
    if (typeof body === 'string') {
      sendStatus(res, failureStatus(400, body));
      return;
    }
    const review =
      info.resource === 'tokenreviews'
        ? tokenReview(authenticator, body)
        : info.resource === 'selfsubjectaccessreviews'
          ? selfSubjectAccessReview(authenticator, body, requester)
          : subjectAccessReview(authenticator, body);
    if (isStatus(review)) sendStatus(res, review);
    else sendJson(res, 201, JSON.stringify(review));
  });
}

function tokenReview(authenticator: Authenticator, body: Json): Json | ReturnType<typeof failureStatus> {
  if (body['kind'] !== 'TokenReview')
    return failureStatus(400, `expected kind TokenReview, got ${JSON.stringify(body['kind'])}`);
  const spec = object(body['spec']);
  const token = text(spec['token']);
  const user = token === '' ? undefined : authenticator.reviewToken(token);
  const status: Json =
    user === undefined
      ? { authenticated: false, user: {}, error: 'invalid bearer token' }
      : {
          authenticated: true,
          user: { username: user.name, uid: `uid-${user.name}`, groups: [...user.groups] },
          audiences: strings(spec['audiences']),
        };
  return {
    kind: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status,
  };
}

function subjectAccessReview(
  authenticator: Authenticator,
  body: Json,
): Json | ReturnType<typeof failureStatus> {
  if (body['kind'] !== 'SubjectAccessReview')
    return failureStatus(400, `expected kind SubjectAccessReview, got ${JSON.stringify(body['kind'])}`);
  const spec = object(body['spec']);
  const user = text(spec['user']);
  const groups = strings(spec['groups']);
  if (user === '' && groups.length === 0)
    return failureStatus(
      422,
      'SubjectAccessReview.authorization.k8s.io is invalid: spec.user: at least one of user or group must be specified',
    );
  const info = requestAttributes(spec);
  if (isStatus(info)) return info;
  const allowed = authenticator.reviewAccess({ name: user, groups }, info);
  return {
    kind: 'SubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: allowed
      ? { allowed: true, reason: "allowed by the test cluster's rules" }
      : { allowed: false, reason: `no allow rule of the test cluster matches user "${user}"` },
  };
}

/** The request a (Self)SubjectAccessReview asks about: exactly one of resource or non-resource attributes. */
function requestAttributes(
  spec: Json,
  kind = 'SubjectAccessReview',
): RequestInfo | ReturnType<typeof failureStatus> {
  const resource = spec['resourceAttributes'];
  const nonResource = spec['nonResourceAttributes'];
  if ((resource === undefined) === (nonResource === undefined))
    return failureStatus(
      422,
      `${kind}.authorization.k8s.io is invalid: exactly one of nonResourceAttributes or resourceAttributes must be specified`,
    );
  let info: RequestInfo;
  if (resource !== undefined) {
    const r = object(resource);
    info = {
      isResourceRequest: true,
      path: '',
      verb: text(r['verb']),
      apiGroup: text(r['group']),
      apiVersion: text(r['version']),
      namespace: text(r['namespace']),
      resource: text(r['resource']),
      subresource: text(r['subresource']),
      name: text(r['name']),
    };
  } else {
    const n = object(nonResource);
    info = {
      isResourceRequest: false,
      path: text(n['path']),
      verb: text(n['verb']),
      apiGroup: '',
      apiVersion: '',
      namespace: '',
      resource: '',
      subresource: '',
      name: '',
    };
  }
  return info;
}

/** SelfSubjectAccessReview: the same question about the requester itself (201 with `status`). */
function selfSubjectAccessReview(
  authenticator: Authenticator,
  body: Json,
  requester: UserInfo,
): Json | ReturnType<typeof failureStatus> {
  if (body['kind'] !== 'SelfSubjectAccessReview')
    return failureStatus(400, `expected kind SelfSubjectAccessReview, got ${JSON.stringify(body['kind'])}`);
  const spec = object(body['spec']);
  const info = requestAttributes(spec, 'SelfSubjectAccessReview');
  if (isStatus(info)) return info;
  const allowed = authenticator.authorize(requester, info);
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: allowed
      ? { allowed: true, reason: "allowed by the test cluster's rules" }
      : { allowed: false, reason: `no rule of the test cluster allows user "${requester.name}"` },
  };
}
