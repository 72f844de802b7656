/**
 * Authentication (bearer token, client certificate, anonymous) and authorization (per-user
 * allow rules) for the test cluster, with the API server's answers: 401 `Unauthorized` when no
 * credential is valid, 403 `Forbidden` with kube-apiserver's message shape (see
 * k8s.io/apiserver pkg/endpoints/handlers/responsewriters/errors.go `forbiddenMessage`).
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { failureStatus, type Status, type StatusDetails } from '../api/index.js';
import type { AllowRule, TestUser } from './options.js';
import type { RequestInfo } from './request-info.js';

/** Who made a request. */
export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

export const ANONYMOUS: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

/** Paths every authenticated user may read (system:discovery, system:public-info-viewer). */
const PUBLIC_PATHS = /^\/(api|apis|version|healthz|livez|readyz|openapi)(\/|$)/;

export class Authenticator {
  private readonly byToken = new Map<string, TestUser>();
  private readonly byName = new Map<string, TestUser>();

  constructor(
    users: readonly TestUser[],
    private readonly anonymous: boolean,
    /** RBAC bindings of the cluster, consulted after the users' own allow rules. */
    private readonly rbac: (user: UserInfo, info: RequestInfo) => boolean = () => false,
  ) {
    for (const user of users) {
      this.byName.set(user.name, user);
      if (user.token !== undefined) this.byToken.set(user.token, user);
    }
  }

  /**
   * The requester, `undefined` for 401. A verified client certificate wins (as in
   * kube-apiserver's union authenticator, x509 comes first); then a bearer token; then anonymous.
   * A token that matches no user is a 401 even when anonymous requests are allowed.
   */
  authenticate(req: IncomingMessage): UserInfo | undefined {
    const socket = req.socket as Partial<TLSSocket>;
    if (socket.authorized === true && typeof socket.getPeerCertificate === 'function') {
      const cert = socket.getPeerCertificate();
      const cn = asArray(cert.subject?.CN)[0];
      if (cn !== undefined) return { name: cn, groups: withAuthenticated(asArray(cert.subject?.O)) };
    }
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const user = match?.[1] === undefined ? undefined : this.byToken.get(match[1]);
      return user === undefined
        ? undefined
        : { name: user.name, groups: withAuthenticated(user.groups ?? []) };
    }
    return this.anonymous ? ANONYMOUS : undefined;
  }

  /** The user a bearer token belongs to (the TokenReview API's question), or `undefined`. */
  reviewToken(token: string): UserInfo | undefined {
    const user = this.byToken.get(token);
    return user === undefined ? undefined : { name: user.name, groups: withAuthenticated(user.groups ?? []) };
  }

  /**
   * The SubjectAccessReview API's question: may a user with these groups (not necessarily one that
   * authenticated to this cluster) do what `info` describes? `system:masters` may do anything (the
   * cluster-admin binding); other users need to be declared, and then their allow rules decide.
   */
  reviewAccess(user: UserInfo, info: RequestInfo): boolean {
    if (user.groups.includes('system:masters')) return true;
    if (
      !info.isResourceRequest &&
      PUBLIC_PATHS.test(info.path) &&
      user.groups.includes('system:authenticated')
    )
      return true;
    return this.allowedByRules(user, info);
  }

  /** A declared user's allow rules (absent = everything), else the cluster's RBAC bindings. */
  private allowedByRules(user: UserInfo, info: RequestInfo): boolean {
    const declared = this.byName.get(user.name);
    if (declared?.allow === undefined && declared !== undefined) return true;
    return (declared?.allow ?? []).some((rule) => ruleAllows(rule, info)) || this.rbac(user, info);
  }

  /** True when `user` may do what `info` describes. */
  authorize(user: UserInfo, info: RequestInfo): boolean {
    if (user === ANONYMOUS) return this.anonymous;
    // The cluster-admin binding of system:masters; reached by an impersonated --as-group too.
    if (user.groups.includes('system:masters')) return true;
    if (!info.isResourceRequest && PUBLIC_PATHS.test(info.path)) return true;
    return this.allowedByRules(user, info);
  }
}

/** A request header as a list: repeated lines and comma-free values, as Go's Header reads them. */
function headerValues(req: IncomingMessage, name: string): string[] {
  const raw = req.headersDistinct[name];
  return raw === undefined ? [] : [...raw];
}

/**
 * Impersonation as kube-apiserver's filter does it (k8s.io/apiserver pkg/endpoints/filters/
 * impersonation.go): `Impersonate-User` and every `Impersonate-Group` must each be allowed to the
 * requester (verb `impersonate` on resource `users` / `groups`, named), groups need a user, and the
 * request then runs as that user with those groups plus system:authenticated. Returns the user
 * to serve as, or the Status to answer with.
 */
export function impersonate(
  authenticator: Authenticator,
  req: IncomingMessage,
  requester: UserInfo,
): UserInfo | Status {
  const users = headerValues(req, 'impersonate-user');
  const groups = headerValues(req, 'impersonate-group');
  if (users.length === 0) {
    return groups.length === 0
      ? requester
      : failureStatus(400, `requested ${JSON.stringify(groups)} without impersonating a user`);
  }
  const checks: Array<[string, string]> = [
    ['users', users[0]!],
    ...groups.map((g): [string, string] => ['groups', g]),
  ];
  for (const [resource, name] of checks) {
    const info: RequestInfo = {
      isResourceRequest: true,
      path: '',
      verb: 'impersonate',
      apiGroup: '',
      apiVersion: 'v1',
      namespace: '',
      resource,
      subresource: '',
      name,
    };
    if (!authenticator.reviewAccess(requester, info)) return forbiddenStatus(requester, info);
  }
  return { name: users[0]!, groups: withAuthenticated(groups) };
}

function asArray(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function withAuthenticated(groups: readonly string[]): string[] {
  return groups.includes('system:authenticated') ? [...groups] : [...groups, 'system:authenticated'];
}

const matchesAny = (allowed: readonly string[] | undefined, value: string): boolean =>
  allowed === undefined || allowed.includes('*') || allowed.includes(value);

function ruleAllows(rule: AllowRule, info: RequestInfo): boolean {
  if (!info.isResourceRequest) {
    if (rule.nonResourceURLs === undefined) return false;
    if (!matchesAny(rule.verbs, info.verb)) return false;
    return rule.nonResourceURLs.some((pattern) =>
      pattern.endsWith('*') ? info.path.startsWith(pattern.slice(0, -1)) : info.path === pattern,
    );
  }
  if (rule.nonResourceURLs !== undefined && rule.resources === undefined && rule.groups === undefined)
    return false;
  const resource = info.subresource === '' ? info.resource : `${info.resource}/${info.subresource}`;
  if (!matchesAny(rule.verbs, info.verb)) return false;
  if (!matchesAny(rule.groups, info.apiGroup)) return false;
  if (!matchesAny(rule.resources, resource)) return false;
  if (rule.namespaces !== undefined && !rule.namespaces.includes('*')) {
    if (info.namespace === '' || !rule.namespaces.includes(info.namespace)) return false;
  }
  return true;
}

export function unauthorizedStatus(): Status {
  return failureStatus(401, 'Unauthorized');
}

/**
 * 403 in kube-apiserver's words, e.g. `nodes is forbidden: User "x" cannot list resource "nodes"
 * in API group "" at the cluster scope`; the qualified resource is `pods.metrics.k8s.io` for a
 * named group, and a name is quoted after it for single objects.
 */
export function forbiddenStatus(user: UserInfo, info: RequestInfo): Status {
  if (!info.isResourceRequest) {
    return failureStatus(403, `forbidden: User "${user.name}" cannot ${info.verb} path "${info.path}"`, {});
  }
  const resource = info.subresource === '' ? info.resource : `${info.resource}/${info.subresource}`;
  const scope = info.namespace === '' ? 'at the cluster scope' : `in the namespace "${info.namespace}"`;
  const reason = `User "${user.name}" cannot ${info.verb} resource "${resource}" in API group "${info.apiGroup}" ${scope}`;
  const qualified = info.apiGroup === '' ? info.resource : `${info.resource}.${info.apiGroup}`;
  const subject = info.name === '' ? qualified : `${qualified} "${info.name}"`;
  const details: StatusDetails = {};
  if (info.name !== '') details.name = info.name;
  if (info.apiGroup !== '') details.group = info.apiGroup;
  details.kind = info.resource;
  return failureStatus(403, `${subject} is forbidden: ${reason}`, details);
}
