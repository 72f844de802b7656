/**
 * The authentication and authorization stages of the request pipeline, as hooks. The server runs
 * `authenticate` on every request (except the always-allowed health paths), then `authorize` with
 * the request's attributes, then routes. Without hooks every request is allowed, which is right
 * for tests and for a server only reachable through a trusted proxy; production behind
 * kube-apiserver needs both (front-proxy client certificates or TokenReview, SubjectAccessReview).
 *
 * Attributes follow k8s.io/apiserver `RequestInfoFactory`: `/apis/custom.metrics.k8s.io/v1beta2/
 * namespaces/ns/pods/*\/http_requests` is verb `get` on resource `pods`, name `*`, subresource
 * `http_requests` in namespace `ns` (which is why the HPA's RBAC grants `resources: ["*"]`);
 * `/apis/metrics.k8s.io/v1beta1/nodes` is `list` on `nodes`. Discovery, OpenAPI, `/version` and
 * health are non-resource requests (RBAC `nonResourceURLs`).
 */
import type { IncomingMessage } from 'node:http';
import { failureStatus } from '../../api/index.js';
import type { Status } from '../../api/index.js';
import type { MaybePromise } from '../provider/provider.js';
import type { RouteMatch } from '../pipeline/route.js';

/** Who is asking, as an authenticator (front-proxy headers, TokenReview) established it. */
export interface UserInfo {
  readonly username: string;
  readonly uid?: string | undefined;
  readonly groups?: readonly string[] | undefined;
  readonly extra?: Readonly<Record<string, readonly string[]>> | undefined;
}

/**
 * Returns the user, or `undefined` when the request carries no valid credentials (the server
 * answers 401 Unauthorized). Throw a `StatusError` for any other answer.
 */
export type Authenticator = (
  request: IncomingMessage,
  signal: AbortSignal,
) => MaybePromise<UserInfo | undefined>;

/** What a request does, in SubjectAccessReview terms. */
export interface RequestAttributes {
  /** `undefined` when no authenticator is configured. */
  readonly user: UserInfo | undefined;
  /** `get` for a named object (custom metrics always name one, possibly `*`), `list` otherwise. */
  readonly verb: 'get' | 'list';
  /** The request path as sent (still percent-encoded). */
  readonly path: string;
  /** False for discovery, OpenAPI, version, health and unknown paths (authorize them by `path`). */
  readonly resourceRequest: boolean;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
}

export type AuthorizationDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** Why, appended to the 403 message. */ readonly reason?: string | undefined;
    };

/** Decides whether `attributes.user` may do what the request does. Throwing answers 500. */
export type Authorizer = (
  attributes: RequestAttributes,
  signal: AbortSignal,
) => MaybePromise<AuthorizationDecision>;

/** The request attributes of a request, from its decoded path segments. */
export function requestAttributes(
  match: RouteMatch | undefined,
  path: string,
  user: UserInfo | undefined,
): RequestAttributes {
  const nonResource: RequestAttributes = {
    user,
    verb: 'get',
    path,
    resourceRequest: false,
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  if (match === undefined) return nonResource;
  const kind = match.route.kind;
  if (
    kind !== 'custom-metric' &&
    kind !== 'external-metric' &&
    kind !== 'node-metrics' &&
    kind !== 'pod-metrics'
  )
    return nonResource;
  // segments: apis, group, version, ...parts
  const [, apiGroup = '', apiVersion = '', ...rest] = match.segments;
  let parts = rest;
  let namespace = '';
  if (parts[0] === 'namespaces' && parts[1] !== undefined) {
    namespace = parts[1];
    parts = parts.length > 2 ? parts.slice(2) : ['namespaces', parts[1]];
  }
  const [resource = '', name = '', subresource = ''] = parts;
  return {
    user,
    verb: name === '' ? 'list' : 'get',
    path,
    resourceRequest: true,
    apiGroup,
    apiVersion,
    namespace,
    resource,
    subresource,
    name,
  };
}

/** The 401 answer (kube-apiserver's body for a failed authentication). */
export function unauthorizedStatus(): Status {
  return failureStatus(401, 'Unauthorized');
}

/**
 * The 403 answer, worded as kube-apiserver's RBAC denials, e.g. `pods.metrics.k8s.io is forbidden:
 * User "bob" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "prod"`.
 */
export function forbiddenStatus(attributes: RequestAttributes, reason: string | undefined): Status {
  const who = attributes.user === undefined ? 'system:anonymous' : attributes.user.username;
  const suffix = reason === undefined || reason === '' ? '' : `: ${reason}`;
  if (!attributes.resourceRequest) {
    return failureStatus(
      403,
      `forbidden: User "${who}" cannot ${attributes.verb} path "${attributes.path}"${suffix}`,
      {},
    );
  }
  const qualified = `${attributes.resource}.${attributes.apiGroup}`;
  const subject = attributes.name === '' ? qualified : `${qualified} "${attributes.name}"`;
  const resource =
    attributes.subresource === '' ? attributes.resource : `${attributes.resource}/${attributes.subresource}`;
  const scope =
    attributes.namespace === '' ? 'at the cluster scope' : `in the namespace "${attributes.namespace}"`;
  const message = `${subject} is forbidden: User "${who}" cannot ${attributes.verb} resource "${resource}" in API group "${attributes.apiGroup}" ${scope}${suffix}`;
  const details =
    attributes.name === ''
      ? { group: attributes.apiGroup, kind: attributes.resource }
      : { name: attributes.name, group: attributes.apiGroup, kind: attributes.resource };
  return failureStatus(403, message, details);
}
