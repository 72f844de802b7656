/**
 * Delegated authorization (k8s.io/apiserver `DelegatingAuthorizationOptions`): members of an
 * always-allowed group (`system:masters`, kube-apiserver's default) pass without a call; everyone
 * else is decided by a SubjectAccessReview against the cluster, cached (subject-access-review.ts).
 * `AlwaysAllow` skips all of it and must be asked for by name. The always-allowed paths (health
 * checks) never reach this stage.
 */
import { KubemetricsError } from '../../errors.js';
import type { Authorizer } from './auth.js';
import type { ClusterAccess } from './cluster-access.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { SubjectAccessReviewAuthorizer } from './subject-access-review.js';
import type { SubjectAccessReviewOptions } from './subject-access-review.js';

/** `Webhook`: SubjectAccessReview against the cluster (the default); `AlwaysAllow`: no checks. */
export type AuthorizationMode = 'Webhook' | 'AlwaysAllow';

export interface AuthorizationOptions extends SubjectAccessReviewOptions {
  readonly mode: AuthorizationMode;
  /** Groups allowed everything without a review; default `['system:masters']`. */
  readonly alwaysAllowGroups?: readonly string[] | undefined;
}

export const DEFAULT_ALWAYS_ALLOW_GROUPS: readonly string[] = ['system:masters'];

/** Builds the authorizer hook for `options`. */
export function createAuthorizer(
  options: AuthorizationOptions,
  cluster: ClusterAccess | undefined,
  metrics: ServerMetrics,
): Authorizer {
  if (options.mode === 'AlwaysAllow') {
    return () => {
      metrics.countAuthorization('allowed');
      return { allowed: true };
    };
  }
  if ((options.mode as string) !== 'Webhook')
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `authorization.mode must be Webhook or AlwaysAllow, got ${JSON.stringify(options.mode)}`,
    );
  if (cluster === undefined)
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      'authorization mode Webhook (SubjectAccessReview) needs cluster access (a kubeconfig or the in-cluster service account)',
      {
        hint: 'Pass cluster access, or choose authorization mode AlwaysAllow explicitly (not for production).',
      },
    );
  const reviews = new SubjectAccessReviewAuthorizer(cluster, options, metrics);
  const alwaysAllow = new Set(options.alwaysAllowGroups ?? DEFAULT_ALWAYS_ALLOW_GROUPS);
  return async (attributes) => {
    if (attributes.user?.groups?.some((g) => alwaysAllow.has(g)) === true) {
      metrics.countSubjectAccessReview('always_allow_group');
      metrics.countAuthorization('allowed');
      return { allowed: true };
    }
    try {
      const decision = await reviews.authorize(attributes);
      metrics.countAuthorization(decision.allowed ? 'allowed' : 'denied');
      return decision;
    } catch (error) {
      metrics.countAuthorization('error');
      throw error;
    }
  };
}
