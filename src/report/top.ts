/**
 * `top nodes` / `top pods` rows with the exact numbers `kubectl top` prints, so users can switch
 * without surprises. kubectl's rules (k8s.io/kubectl pkg/metricsutil/metrics_printer.go):
 * cpu is `MilliValue()` (rounded up to whole millicores), memory is `Value()` (rounded up to bytes)
 * divided by 2^20 and truncated, and a node percentage is
 * `int64(float64(usage.MilliValue()) / float64(available.MilliValue()) * 100)` — a float division
 * truncated, reproduced here bit for bit (JS numbers are IEEE doubles like Go's float64).
 */
import { kubectlUsagePercent, percentOf, type Percent } from './percent.js';
import type { ResourceAmounts } from './resource-amounts.js';
import type { NodeRecord, NodeUsageRecord, PodUsageRecord } from './records.js';

const NANOS_PER_MILLI = 1_000_000n;
const NANOS_PER_UNIT = 1_000_000_000n;

/** Go `Quantity.MilliValue()`: whole millis, rounded away from zero. */
export function milliValue(nanos: bigint): bigint {
  const q = nanos / NANOS_PER_MILLI;
  return nanos % NANOS_PER_MILLI === 0n ? q : nanos > 0n ? q + 1n : q - 1n;
}

/** Go `Quantity.Value()`: whole units, rounded away from zero. */
export function unitValue(nanos: bigint): bigint {
  const q = nanos / NANOS_PER_UNIT;
  return nanos % NANOS_PER_UNIT === 0n ? q : nanos > 0n ? q + 1n : q - 1n;
}

/** kubectl's node percentage (see the file comment); undefined when there is nothing to divide by. */
export function kubectlTopPercent(
  usageNanos: bigint,
  availableNanos: bigint | undefined,
): number | undefined {
  if (availableNanos === undefined) return undefined;
  return kubectlUsagePercent(usageNanos, availableNanos) ?? 0;
}

/** `250m` as kubectl prints cpu. */
export function formatTopCpu(nanos: bigint): string {
  return `${milliValue(nanos)}m`;
}

/** `512Mi` as kubectl prints memory (bytes / 2^20, truncated). */
export function formatTopMemory(nanos: bigint): string {
  return `${unitValue(nanos) / 1048576n}Mi`;
}

export interface TopNodeRow {
  readonly name: string;
  /** `undefined` when the node has no metrics (kubectl prints `<unknown>`). */
  readonly usage: ResourceAmounts | undefined;
  /** Allocatable (or capacity with showCapacity) the percentages are taken of. */
  readonly available: ResourceAmounts | undefined;
  /** kubectl's integer percentage, for tables. */
  readonly cpuPercent: number | undefined;
  readonly memoryPercent: number | undefined;
  /** The exact percentages, for JSON/YAML (tables show kubectl's truncated integers). */
  readonly exactPercent: { readonly cpu: Percent | undefined; readonly memory: Percent | undefined };
  readonly timestamp: string | undefined;
  readonly window: string | undefined;
}

export type TopSortBy = 'cpu' | 'memory' | undefined;

export interface TopNodesInput {
  readonly nodes: readonly NodeRecord[];
  readonly nodeMetrics: ReadonlyMap<string, NodeUsageRecord>;
  /** Percentages of capacity instead of allocatable (`--show-capacity`). */
  readonly showCapacity?: boolean;
  readonly sortBy?: TopSortBy;
}

function byUsage(sortBy: TopSortBy, a: ResourceAmounts | undefined, b: ResourceAmounts | undefined): number {
  if (sortBy === undefined) return 0;
  const x = a?.[sortBy] ?? -1n;
  const y = b?.[sortBy] ?? -1n;
  return x === y ? 0 : x > y ? -1 : 1;
}

/**
 * Rows of `top nodes`: nodes with metrics first (by name, or by usage descending with sortBy),
 * then nodes without metrics (by name), as kubectl prints them. Metrics of nodes that are not in
 * the node list (deleted since) are shown without percentages.
 */
export function topNodeRows(input: TopNodesInput): TopNodeRow[] {
  const byName = new Map(input.nodes.map((n) => [n.name, n]));
  const withMetrics: TopNodeRow[] = [];
  for (const usage of input.nodeMetrics.values()) {
    const node = byName.get(usage.name);
    const available =
      node === undefined ? undefined : input.showCapacity === true ? node.capacity : node.allocatable;
    withMetrics.push({
      name: usage.name,
      usage: usage.usage,
      available,
      cpuPercent:
        available === undefined ? undefined : kubectlTopPercent(usage.usage['cpu'] ?? 0n, available['cpu']),
      memoryPercent:
        available === undefined
          ? undefined
          : kubectlTopPercent(usage.usage['memory'] ?? 0n, available['memory']),
      exactPercent: {
        cpu: percentOf(usage.usage['cpu'] ?? 0n, available?.['cpu']),
        memory: percentOf(usage.usage['memory'] ?? 0n, available?.['memory']),
      },
      timestamp: usage.timestamp,
      window: usage.window,
    });
  }
  withMetrics.sort((a, b) => byUsage(input.sortBy, a.usage, b.usage) || compareStrings(a.name, b.name));
  const without: TopNodeRow[] = input.nodes
    .filter((n) => !input.nodeMetrics.has(n.name))
    .map((n) => ({
      name: n.name,
      usage: undefined,
      available: input.showCapacity === true ? n.capacity : n.allocatable,
      cpuPercent: undefined,
      memoryPercent: undefined,
      exactPercent: { cpu: undefined, memory: undefined },
      timestamp: undefined,
      window: undefined,
    }))
    .sort((a, b) => compareStrings(a.name, b.name));
  return [...withMetrics, ...without];
}

export interface TopPodRow {
  readonly namespace: string;
  readonly name: string;
  /** Sum over the pod's containers (kubectl sums every container the metrics report). */
  readonly usage: ResourceAmounts;
  readonly containers: readonly { readonly name: string; readonly usage: ResourceAmounts }[];
  readonly timestamp: string | undefined;
  readonly window: string | undefined;
}

export interface TopPodsInput {
  readonly podMetrics: ReadonlyMap<string, PodUsageRecord>;
  readonly sortBy?: TopSortBy;
  /** Sort containers within a pod too (`--containers`). */
  readonly withNamespace?: boolean;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Rows of `top pods`: by usage descending with sortBy, otherwise by namespace (with -A) and name;
 * containers by name or by usage with sortBy.
 */
export function topPodRows(input: TopPodsInput): TopPodRow[] {
  const rows: TopPodRow[] = [...input.podMetrics.values()].map((m) => ({
    namespace: m.namespace,
    name: m.name,
    usage: m.total,
    containers: [...m.containers].sort(
      (a, b) => byUsage(input.sortBy, a.usage, b.usage) || compareStrings(a.name, b.name),
    ),
    timestamp: m.timestamp,
    window: m.window,
  }));
  return rows.sort(
    (a, b) =>
      byUsage(input.sortBy, a.usage, b.usage) ||
      (input.withNamespace === true ? compareStrings(a.namespace, b.namespace) : 0) ||
      compareStrings(a.name, b.name),
  );
}
