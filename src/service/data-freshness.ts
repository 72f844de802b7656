/**
 * What the data routes say about the cache's freshness besides their body: before the first sync
 * there is no answer (an empty node list would look exactly like an empty cluster), and stale
 * data is flagged in a `Warning` header, the way the Kubernetes API server sends warnings
 * (`299 - "text"`, RFC 7234 §5.5), since the nodes-summary shape has no room for a flag.
 */
import type { CacheHealth } from './cluster-cache.js';

/** Why no data can be served yet (the `Status` message of a 503), or undefined once synced. */
export function notSyncedMessage(health: CacheHealth): string | undefined {
  if (health.synced) return undefined;
  const why = health.reasons.filter((reason) => !reason.startsWith('metrics')).join('; ');
  return `no cluster data yet: ${why === '' ? 'nodes and pods are being listed' : why}; retry shortly`;
}

/** The `Warning` header value for stale data, or undefined when fresh. */
export function staleWarning(health: CacheHealth): string | undefined {
  if (!health.stale || health.mode === 'snapshot') return undefined;
  // A header value: printable ASCII, no double quote inside the quoted text.
  const text = `stale data: ${health.reasons.join('; ')}`.replace(/[^\x20-\x7e]|"/g, "'").slice(0, 500);
  return `299 - "${text}"`;
}
