/**
 * Reading one number out of a report row: an amount or a percentage for a resource, with the
 * "unknown" cases kept apart from zero. Printers and the sorter both go through these, so a
 * column always means the same thing.
 *
 * Percentage bases:
 *
 * | row                                  | requests%         | limits%           | usage%                           |
 * | ------------------------------------ | ----------------- | ----------------- | -------------------------------- |
 * | cluster                              | of allocatable    | of allocatable    | of allocatable of nodes with metrics (usage from PodMetrics: of allocatable) |
 * | node                                 | of allocatable    | of allocatable    | of allocatable                   |
 * | namespace, workload, pod, container  | –                 | –                 | of requests (`usageOfLimits`: of limits) |
 *
 * `nodeUsage` (cluster and node rows: the NodeMetrics, whole nodes whatever the scope) is a share of
 * the allocatable of the nodes with metrics.
 */
import type { ReportRow } from './aggregate.js';
import { kubectlPercent, kubectlUsagePercent, percentOf, type Percent } from './percent.js';
import { amountOf, type ResourceAmounts } from './resource-amounts.js';

/**
 * Which amount of a row: `capacity`, `allocatable` and `nodeUsage` (NodeMetrics) exist on cluster
 * and node rows only; `usage` is what the row's scope sums (scope.ts).
 */
export type Measure = 'capacity' | 'allocatable' | 'requests' | 'limits' | 'usage' | 'nodeUsage';

/** Every measure, in column order. */
export const MEASURES: readonly Measure[] = [
  'capacity',
  'allocatable',
  'requests',
  'limits',
  'usage',
  'nodeUsage',
];

/** The measures of cluster and node rows only. */
export const NODE_MEASURES: ReadonlySet<Measure> = new Set(['capacity', 'allocatable', 'nodeUsage']);

const NANOS_PER_UNIT = 1_000_000_000n;

/** True for rows that sum pods (cluster, node, namespace, workload). */
export function isAggregateRow(row: ReportRow): boolean {
  return row.level !== 'pod' && row.level !== 'container';
}

/** True for cluster and node rows, the ones with capacity and allocatable. */
export function hasCapacity(row: ReportRow): row is Extract<ReportRow, { level: 'cluster' | 'node' }> {
  return row.level === 'cluster' || row.level === 'node';
}

/**
 * The amount of `resource` in nanos, or `undefined` when it is unknown or does not apply:
 * - requests/limits: on aggregate rows a missing name is `0n` (nothing added up); on pod and
 *   container rows it is `undefined` (not set; for limits, unbounded).
 * - usage: `undefined` when the row has no metrics or the metrics do not measure `resource`.
 * - capacity/allocatable: cluster and node rows only (a missing name is `0n`).
 */
export function rowAmount(row: ReportRow, measure: Measure, resource: string): bigint | undefined {
  switch (measure) {
    case 'capacity':
    case 'allocatable':
      return hasCapacity(row) ? (amountOf(row[measure], resource) ?? 0n) : undefined;
    case 'requests':
    case 'limits': {
      const value = amountOf(row[measure], resource);
      return value === undefined && isAggregateRow(row) ? 0n : value;
    }
    case 'usage':
      return row.usage === undefined ? undefined : amountOf(row.usage, resource);
    case 'nodeUsage':
      return hasCapacity(row) && row.nodeUsage !== undefined ? amountOf(row.nodeUsage, resource) : undefined;
  }
}

function basis(row: ReportRow, measure: Measure): ResourceAmounts | undefined {
  if (row.level === 'cluster') {
    if (measure === 'nodeUsage') return row.allocatableWithMetrics;
    if (measure === 'usage') {
      return row.usageFrom === 'PodMetrics' ? row.allocatable : row.allocatableWithMetrics;
    }
    return measure === 'requests' || measure === 'limits' ? row.allocatable : undefined;
  }
  if (row.level === 'node') {
    return measure === 'capacity' || measure === 'allocatable' ? undefined : row.allocatable;
  }
  return measure === 'usage' ? row.requests : undefined;
}

/**
 * The percentage of a measure against the row's basis (see the module table), exact; `undefined`
 * when the measure is unknown, has no basis on this row, or the basis is zero or missing.
 */
export function rowPercent(row: ReportRow, measure: Measure, resource: string): Percent | undefined {
  const whole = basis(row, measure);
  if (whole === undefined) return undefined;
  return percentOf(rowAmount(row, measure, resource), amountOf(whole, resource));
}

/**
 * The integer percentage a table shows, computed the way kubectl computes the ones it prints
 * (percent.ts): requests and limits with `kubectl describe node`'s rule, usage with
 * `kubectl top node`'s, both truncated, so a table agrees with kubectl to the point. The basis is
 * the row's (see the module table), or the row's capacity with `ofCapacity` (cluster and node rows,
 * like `kubectl top node --show-capacity`). JSON, YAML and CSV keep the exact {@link rowPercent}.
 */
export function rowKubectlPercent(
  row: ReportRow,
  measure: Measure,
  resource: string,
  ofCapacity = false,
): number | undefined {
  const part = rowAmount(row, measure, resource);
  const whole =
    ofCapacity && hasCapacity(row)
      ? rowAmount(row, 'capacity', resource)
      : amountOf(basis(row, measure) ?? {}, resource);
  if (part === undefined || whole === undefined) return undefined;
  const p =
    measure === 'usage' || measure === 'nodeUsage'
      ? kubectlUsagePercent(part, whole)
      : kubectlPercent(part, whole, resource);
  // Nothing of nothing: kubectl prints `0 (0%)` for a resource the node lists at 0 (hugepages).
  // Something of nothing stays "no percentage", never a misleading 0%.
  return p === undefined && part === 0n ? 0 : p;
}

/** Usage as a percentage of limits, for pod-like rows (namespace, workload, pod, container). */
export function usageOfLimits(row: ReportRow, resource: string): Percent | undefined {
  if (hasCapacity(row)) return undefined;
  return percentOf(rowAmount(row, 'usage', resource), amountOf(row.limits, resource));
}

/** The pod count of aggregate rows; `undefined` on pod and container rows. */
export function rowPods(row: ReportRow): number | undefined {
  return 'pods' in row && typeof row.pods === 'number' ? row.pods : undefined;
}

/** {@link rowPodsPercent} as a table shows it: an integer, truncated like kubectl's percentages. */
export function rowPodsKubectlPercent(row: ReportRow): number | undefined {
  if (!hasCapacity(row) || row.podCapacity === undefined || row.podCapacity === 0) return undefined;
  return Math.trunc((row.pods / row.podCapacity) * 100);
}

/** Pods as a percentage of allocatable pods, for cluster and node rows. */
export function rowPodsPercent(row: ReportRow): Percent | undefined {
  if (!hasCapacity(row) || row.podCapacity === undefined) return undefined;
  return percentOf(BigInt(row.pods) * NANOS_PER_UNIT, BigInt(row.podCapacity) * NANOS_PER_UNIT);
}
