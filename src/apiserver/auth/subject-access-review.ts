/**
 * Authorization by SubjectAccessReview (`authorization.k8s.io/v1`) against the cluster, as
 * k8s.io/apiserver's delegating authorizer does (`authorizerfactory`, webhook authorizer): the
 * request's attributes go to kube-apiserver, whose RBAC decides. Allowed and denied answers are
 * each cached for 10 s (the defaults of `--authorization-webhook-cache-authorized-ttl` and
 * `-unauthorized-ttl` for delegated servers); failures are not cached.
 */
import type { AuthorizationDecision, RequestAttributes } from './auth.js';
import type { ClusterAccess } from './cluster-access.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { TtlCache } from '../provider/ttl-cache.js';

export const SUBJECT_ACCESS_REVIEW_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
export const DEFAULT_ALLOW_CACHE_TTL_MS = 10_000;
export const DEFAULT_DENY_CACHE_TTL_MS = 10_000;

export interface SubjectAccessReviewOptions {
  readonly allowCacheTtlMs?: number | undefined;
  readonly denyCacheTtlMs?: number | undefined;
}

interface ReviewAnswer {
  readonly status?: {
    readonly allowed?: boolean;
    readonly denied?: boolean;
    readonly reason?: string;
    readonly evaluationError?: string;
  };
}

/** The `spec` of a SubjectAccessReview for a request. */
export function subjectAccessReviewSpec(attributes: RequestAttributes): Record<string, unknown> {
  const user = attributes.user;
  const spec: Record<string, unknown> = {
    user: user?.username ?? 'system:anonymous',
    groups: user?.groups ?? ['system:unauthenticated'],
  };
  if (user?.uid !== undefined) spec['uid'] = user.uid;
  if (user?.extra !== undefined) spec['extra'] = user.extra;
  if (attributes.resourceRequest)
    spec['resourceAttributes'] = {
      namespace: attributes.namespace,
      verb: attributes.verb,
      group: attributes.apiGroup,
      version: attributes.apiVersion,
      resource: attributes.resource,
      subresource: attributes.subresource,
      name: attributes.name,
    };
  else spec['nonResourceAttributes'] = { path: attributes.path, verb: attributes.verb };
  return spec;
}

export class SubjectAccessReviewAuthorizer {
  readonly #cluster: ClusterAccess;
  readonly #allowTtlMs: number;
  readonly #denyTtlMs: number;
  readonly #cache = new TtlCache<AuthorizationDecision>();
  readonly #metrics: ServerMetrics | undefined;

  constructor(cluster: ClusterAccess, options: SubjectAccessReviewOptions = {}, metrics?: ServerMetrics) {
    this.#cluster = cluster;
    this.#allowTtlMs = options.allowCacheTtlMs ?? DEFAULT_ALLOW_CACHE_TTL_MS;
    this.#denyTtlMs = options.denyCacheTtlMs ?? DEFAULT_DENY_CACHE_TTL_MS;
    this.#metrics = metrics;
  }

  /** Allowed or denied (with the reviewer's reason); throws when the review itself fails. */
  async authorize(attributes: RequestAttributes): Promise<AuthorizationDecision> {
    const spec = subjectAccessReviewSpec(attributes);
    const key = JSON.stringify(spec);
    try {
      const { value, hit } = await this.#cache.getOrLoad(
        key,
        () => this.#review(spec),
        (decision) => (decision.allowed ? this.#allowTtlMs : this.#denyTtlMs),
      );
      this.#metrics?.countSubjectAccessReview(hit ? 'cache_hit' : value.allowed ? 'allowed' : 'denied');
      return value;
    } catch (error) {
      this.#metrics?.countSubjectAccessReview('error');
      throw error;
    }
  }

  async #review(spec: Record<string, unknown>): Promise<AuthorizationDecision> {
    const answer = await this.#cluster.postJSON<ReviewAnswer>(SUBJECT_ACCESS_REVIEW_PATH, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec,
    });
    const status = answer.status;
    if (status?.allowed === true && status.denied !== true) return { allowed: true };
    const reason = status?.reason || status?.evaluationError || undefined;
    return { allowed: false, reason };
  }
}
