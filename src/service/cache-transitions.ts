/**
 * The log line of a {@link CacheTransition}: what an operator reads when the cluster becomes
 * unreachable or comes back, rejects the credentials, refuses the watch, or the metrics source
 * fails. One line per change of state (the informer reports no retries), with the cause.
 */
import type { CacheTransition } from './cluster-cache.js';

/** A structured log entry for one transition. */
export interface CacheTransitionLogEntry {
  readonly level: 'info' | 'warn';
  readonly msg: string;
  readonly source: CacheTransition['source'];
  readonly reason?: string;
  readonly cause?: string;
  readonly retryInMs?: number;
  readonly downMs?: number;
}

const FAILING: Readonly<Record<string, string>> = {
  unreachable: 'cluster unreachable',
  unauthorized: 'cluster rejected our credentials (401)',
  forbidden: 'not allowed to list (403: RBAC lacks "list")',
  'not-found': 'resource not served (404)',
  'watch-idle': 'watch silent past its timeout (connection presumed dead); reconnecting',
  'server-error': 'API server errors',
};

/** The entry to log for `transition`, or undefined for one not worth a line (a watch opening). */
export function cacheTransitionLogEntry(transition: CacheTransition): CacheTransitionLogEntry | undefined {
  const { source, reason, cause, retryInMs, downMs } = transition;
  const details = {
    source,
    ...(reason === undefined ? {} : { reason }),
    ...(cause === undefined ? {} : { cause }),
    ...(retryInMs === undefined ? {} : { retryInMs }),
    ...(downMs === undefined ? {} : { downMs }),
  };
  const what = source === 'metrics' ? 'metrics source (metrics.k8s.io)' : source;
  switch (transition.type) {
    case 'synced':
      return { level: 'info', msg: `${what} synced`, ...details };
    case 'watching':
      // Opening the watch after a list is routine; worth a line only when leaving the fallback.
      return transition.previous === 'polling'
        ? { level: 'info', msg: `${what}: watch works again; periodic lists stopped`, ...details }
        : undefined;
    case 'fallback':
      return { level: 'warn', msg: `${what}: cannot watch; listing periodically instead`, ...details };
    case 'failing':
      return {
        level: 'warn',
        msg:
          source === 'metrics'
            ? `${what} failing (${reason ?? 'error'}); keeping the last metrics`
            : `${what}: ${FAILING[reason ?? ''] ?? `list/watch failing (${reason ?? 'error'})`}`,
        ...details,
      };
    case 'recovered':
      return {
        level: 'info',
        msg: source === 'metrics' ? `${what} back` : `${what}: cluster reachable again`,
        ...details,
      };
    case 'unavailable':
      return { level: 'warn', msg: `${what} is not served: usage is unknown until it is`, ...details };
  }
}
