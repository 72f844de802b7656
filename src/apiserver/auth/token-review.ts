/**
 * Bearer tokens checked with the cluster's TokenReview API (`authentication.k8s.io/v1`), as
 * k8s.io/apiserver's delegating authenticator does (`authenticatorfactory`, webhook token
 * authenticator). Answers are cached by a hash of the token (never the token itself) for 10 s,
 * valid and invalid alike, and concurrent requests with the same token share one review.
 */
import { createHash } from 'node:crypto';
import type { UserInfo } from './auth.js';
import type { ClusterAccess } from './cluster-access.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { TtlCache } from '../provider/ttl-cache.js';

export const TOKEN_REVIEW_PATH = '/apis/authentication.k8s.io/v1/tokenreviews';
/** k8s.io/apiserver's default `--authentication-token-webhook-cache-ttl` for delegated servers. */
export const DEFAULT_TOKEN_CACHE_TTL_MS = 10_000;

export interface TokenReviewOptions {
  /** How long an answer (valid or invalid) is reused, in ms; default 10 000. 0 disables caching. */
  readonly cacheTtlMs?: number | undefined;
  /** `spec.audiences`; default none (the API server's own audience). */
  readonly audiences?: readonly string[] | undefined;
}

interface TokenReviewAnswer {
  readonly status?: {
    readonly authenticated?: boolean;
    readonly error?: string;
    readonly user?: {
      readonly username?: string;
      readonly uid?: string;
      readonly groups?: readonly string[];
      readonly extra?: Readonly<Record<string, readonly string[]>>;
    };
  };
}

export class TokenReviewAuthenticator {
  readonly #cluster: ClusterAccess;
  readonly #ttlMs: number;
  readonly #audiences: readonly string[] | undefined;
  readonly #cache = new TtlCache<UserInfo | null>();
  readonly #metrics: ServerMetrics | undefined;

  constructor(cluster: ClusterAccess, options: TokenReviewOptions = {}, metrics?: ServerMetrics) {
    this.#cluster = cluster;
    this.#ttlMs = options.cacheTtlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS;
    this.#audiences = options.audiences;
    this.#metrics = metrics;
  }

  /** The token's user, `undefined` for an invalid token; throws when the review itself fails. */
  async authenticate(token: string): Promise<UserInfo | undefined> {
    const key = createHash('sha256').update(token).digest('base64url');
    try {
      const { value, hit } = await this.#cache.getOrLoad(
        key,
        () => this.#review(token),
        () => this.#ttlMs,
      );
      this.#metrics?.countTokenReview(hit ? 'cache_hit' : value === null ? 'invalid' : 'valid');
      return value ?? undefined;
    } catch (error) {
      this.#metrics?.countTokenReview('error');
      throw error;
    }
  }

  async #review(token: string): Promise<UserInfo | null> {
    const answer = await this.#cluster.postJSON<TokenReviewAnswer>(TOKEN_REVIEW_PATH, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token, ...(this.#audiences === undefined ? {} : { audiences: this.#audiences }) },
    });
    const status = answer.status;
    const username = status?.user?.username;
    if (status?.authenticated !== true || typeof username !== 'string' || username === '') return null;
    const user = status.user;
    return {
      username,
      uid: user?.uid,
      groups: Array.isArray(user?.groups)
        ? user.groups.filter((g): g is string => typeof g === 'string')
        : [],
      extra: user?.extra,
    };
  }
}
