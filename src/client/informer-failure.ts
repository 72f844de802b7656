/**
 * Why a list or watch failed, in the few classes an operator acts on differently: the cluster is
 * unreachable, our credentials are refused, RBAC lacks a verb, the watch is not allowed at all,
 * the server errs, a watch went silent or was cut at once. The informer reports a change of
 * state only when this class changes, not on every retry.
 */
import { KubemetricsError } from '../errors.js';
import { isKubernetesApiError } from './api-error.js';
import { WatchIdleError } from './watch.js';

export type FailureReason =
  /** Connection refused, reset, DNS, TLS, or a request that timed out. */
  | 'unreachable'
  /** 401: the token or certificate is not accepted. */
  | 'unauthorized'
  /** 403 on list (RBAC lacks `list`). */
  | 'forbidden'
  /** 404: the resource is not served. */
  | 'not-found'
  /** 405 or 403 on the watch: the informer falls back to periodic lists. */
  | 'watch-refused'
  /** A watch kept answering 410 Gone right after a fresh list. */
  | 'watch-expired'
  /** A stream opened and ended at once, again and again (a proxy that cuts long requests). */
  | 'watch-cut'
  /** No event nor bookmark for longer than the stream's own timeout: a half-open connection. */
  | 'watch-idle'
  /** 429 or 5xx. */
  | 'server-error'
  /** Anything else (an undecodable answer, an unexpected status). */
  | 'error';

export interface Failure {
  readonly reason: FailureReason;
  /** One line naming the cause, for logs and health answers. */
  readonly message: string;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Classifies a failed list (or the start of a watch, with `watch` true). */
export function classifyFailure(error: unknown, watch: boolean): Failure {
  const message = messageOf(error);
  if (isKubernetesApiError(error)) {
    const status = error.status;
    if (status === 401) return { reason: 'unauthorized', message };
    if (watch && (status === 405 || status === 403)) return { reason: 'watch-refused', message };
    if (status === 403) return { reason: 'forbidden', message };
    if (status === 404) return { reason: 'not-found', message };
    if (status === 429 || status >= 500) return { reason: 'server-error', message };
    return { reason: 'error', message };
  }
  if (error instanceof WatchIdleError) return { reason: 'watch-idle', message };
  if (
    error instanceof KubemetricsError &&
    (error.code === 'KUBEMETRICS_ERR_NETWORK' || error.code === 'KUBEMETRICS_ERR_TIMEOUT')
  )
    return { reason: 'unreachable', message };
  return { reason: 'error', message };
}
