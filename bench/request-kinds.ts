/**
 * Requests a benchmark's contender made, by kind, from the test cluster's request log: e.g.
 * "pods 31, nodes 1, metrics 3, other 1". Shows that a report pages lists instead of asking per node.
 */
import type { RequestRecord } from '../src/testing/index.js';

export function requestBreakdown(requests: ReadonlyArray<Pick<RequestRecord, 'url'>>): string {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const path = r.url.split('?')[0] ?? '';
    const kind = path.startsWith('/apis/metrics.k8s.io')
      ? 'metrics'
      : /^\/api\/v1\/(namespaces\/[^/]+\/)?pods$/.test(path)
        ? 'pods'
        : /^\/api\/v1\/nodes/.test(path)
          ? 'nodes'
          : 'other';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}
