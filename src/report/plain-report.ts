/**
 * The report model as plain JSON-ready objects, for the JSON, YAML and CSV printers and for HTTP
 * answers: no bigints, no class instances, `null` (not a missing key) for "unknown".
 *
 * Every amount carries both the canonical quantity string (exact, as Kubernetes writes it) and a
 * number in base units: cores for cpu (a decimal, `0.25`), whole bytes for memory, storage and huge
 * pages (rounded up like Go's `Quantity.Value()`), plain units otherwise. Percentages are the exact
 * ratio converted once to a float; printers round them for display. Byte amounts divisible by 1024
 * are written with binary suffixes (`1536Mi`), everything else with decimal ones (`1G`, `250m`),
 * because a sum no longer remembers how its parts were written.
 */
import { Quantity } from '../quantity/index.js';
import type {
  ClusterRow,
  ContainerRow,
  NamespaceRow,
  NodeRow,
  PodRow,
  ReportModel,
  ReportRow,
  WorkloadRow,
} from './aggregate.js';
import type { Percent } from './percent.js';
import { amountOf, isByteResource, type ResourceAmounts } from './resource-amounts.js';
import { hasCapacity, rowAmount, rowPercent, rowPodsPercent, usageOfLimits } from './row-values.js';
import { usageSource, type ReportScope, type UsageSource } from './scope.js';

/** One amount: canonical quantity string and base-unit number. */
export interface PlainQuantity {
  /** Canonical Kubernetes quantity, exact (`250m`, `1536Mi`). */
  readonly quantity: string;
  /** Cores for cpu, whole bytes for byte resources, units otherwise. */
  readonly value: number;
}

/** One resource of one row. Fields that do not apply to the row's level are left out. */
export interface PlainResource {
  /** Cluster and node rows only. */
  readonly capacity?: PlainQuantity | null;
  /** Cluster and node rows only (node: allocatable, or capacity when allocatable is empty). */
  readonly allocatable?: PlainQuantity | null;
  /** On pod and container rows `null` means "not set"; on aggregate rows it is never null. */
  readonly requests: PlainQuantity | null;
  /** On pod and container rows `null` means "no limit"; aggregate rows sum the limits that are set. */
  readonly limits: PlainQuantity | null;
  /**
   * `null`: no metrics for this row or resource. On cluster and node rows, what `usageFrom` says:
   * the nodes' NodeMetrics, or (pods selected) the PodMetrics of the same pods as `requests`.
   */
  readonly usage: PlainQuantity | null;
  /** Cluster and node rows: the whole nodes' usage (NodeMetrics), whatever pods are selected. */
  readonly nodeUsage?: PlainQuantity | null;
  /** Cluster and node rows: `nodeUsage` as a percentage of allocatable (of nodes with metrics). */
  readonly nodeUsagePercent?: number | null;
  /** Cluster and node rows: requests as a percentage of allocatable. */
  readonly requestsPercent?: number | null;
  /** Cluster and node rows: limits as a percentage of allocatable (may exceed 100). */
  readonly limitsPercent?: number | null;
  /** Usage percentage: of allocatable (cluster: of nodes with metrics; node), else of requests. */
  readonly usagePercent: number | null;
  /** Namespace, workload, pod and container rows: usage as a percentage of limits. */
  readonly usageOfLimitsPercent?: number | null;
}

/** Resource name → {@link PlainResource}, in `PlainReport.resources` order. */
export type PlainResources = Readonly<Record<string, PlainResource>>;

/** The cluster row as plain data (see `ClusterRow`). */
export interface PlainClusterRow {
  readonly name: string;
  readonly nodes: number;
  readonly readyNodes: number;
  readonly unschedulableNodes: number;
  readonly nodesWithoutMetrics: number;
  /** What `usage` sums: `NodeMetrics` (whole nodes) or `PodMetrics` (the selected pods). */
  readonly usageFrom: UsageSource;
  /** With `usageFrom` PodMetrics: selected pods without metrics; else `null`. */
  readonly podsWithoutMetrics: number | null;
  readonly pods: number;
  readonly podCapacity: number;
  readonly podsPercent: number | null;
  readonly pendingPods: number;
  readonly podsOnUnknownNodes: number;
  readonly resources: PlainResources;
  /** Requests and limits of pending pods and pods on unknown nodes, by resource. */
  readonly unplaced: Readonly<
    Record<string, { readonly requests: PlainQuantity | null; readonly limits: PlainQuantity | null }>
  >;
}

/** A node row as plain data (see `NodeRow`); `podsPercent` is pods of allocatable pods. */
export interface PlainNodeRow {
  readonly name: string;
  readonly roles: readonly string[];
  readonly ready: boolean;
  readonly unschedulable: boolean;
  readonly creationTimestamp: string | null;
  readonly pods: number;
  readonly podCapacity: number | null;
  readonly podsPercent: number | null;
  readonly hasMetrics: boolean;
  readonly usageTimestamp: string | null;
  /** What `usage` sums: `NodeMetrics` (the whole node) or `PodMetrics` (the selected pods on it). */
  readonly usageFrom: UsageSource;
  /** With `usageFrom` PodMetrics: selected pods on the node without metrics; else `null`. */
  readonly podsWithoutMetrics: number | null;
  readonly resources: PlainResources;
}

/** A namespace row as plain data (see `NamespaceRow`). */
export interface PlainNamespaceRow {
  readonly name: string;
  readonly pods: number;
  readonly pendingPods: number;
  readonly podsWithoutMetrics: number;
  readonly hasMetrics: boolean;
  readonly resources: PlainResources;
}

/** A workload row as plain data (see `WorkloadRow`). */
export interface PlainWorkloadRow {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  readonly pods: number;
  readonly pendingPods: number;
  readonly podsWithoutMetrics: number;
  readonly hasMetrics: boolean;
  readonly resources: PlainResources;
}

/** A pod row as plain data (see `PodRow`); `node` is `null` while pending. */
export interface PlainPodRow {
  readonly namespace: string;
  readonly name: string;
  readonly node: string | null;
  readonly phase: string | null;
  readonly workload: { readonly kind: string; readonly name: string };
  readonly hasMetrics: boolean;
  readonly resources: PlainResources;
}

/** A container row as plain data (see `ContainerRow`); `kind` is container, init or sidecar. */
export interface PlainContainerRow {
  readonly namespace: string;
  readonly pod: string;
  readonly name: string;
  readonly kind: string;
  readonly node: string | null;
  readonly hasMetrics: boolean;
  readonly resources: PlainResources;
}

/**
 * The scope of a report as plain data: the filters (`null`: not filtered) and where the usage of
 * cluster and node rows comes from. Capacity, allocatable and `nodeUsage` always cover whole nodes.
 */
export interface PlainScope {
  readonly namespace: string | null;
  readonly labelSelector: string | null;
  readonly nodeLabelSelector: string | null;
  readonly node: string | null;
  readonly usageFrom: UsageSource;
}

/** The whole report as plain data (`JSON.stringify`-safe). */
export interface PlainReport {
  /** Resource names, in column order. */
  readonly resources: readonly string[];
  readonly scope: PlainScope;
  readonly cluster: PlainClusterRow;
  readonly nodes: readonly PlainNodeRow[];
  readonly namespaces: readonly PlainNamespaceRow[];
  readonly workloads: readonly PlainWorkloadRow[];
  readonly pods: readonly PlainPodRow[];
  readonly containers: readonly PlainContainerRow[];
}

const BINARY_UNIT_NANOS = 1024n * 1_000_000_000n;

/**
 * One amount as plain data: the canonical quantity and the base-unit number (see the module
 * comment for units and suffix choice).
 */
export function toPlainQuantity(resource: string, nanos: bigint): PlainQuantity {
  const bytes = isByteResource(resource);
  const format = bytes && nanos !== 0n && nanos % BINARY_UNIT_NANOS === 0n ? 'BinarySI' : 'DecimalSI';
  const quantity = Quantity.fromNano(nanos, format);
  return { quantity: quantity.toString(), value: bytes ? Number(quantity.value()) : quantity.toNumber() };
}

/** Converts amounts with a small cache: requests and limits repeat across many rows. */
class PlainConverter {
  private readonly cache = new Map<string, Map<bigint, PlainQuantity>>();

  quantity(resource: string, nanos: bigint | undefined): PlainQuantity | null {
    if (nanos === undefined) return null;
    let byValue = this.cache.get(resource);
    if (byValue === undefined) {
      byValue = new Map();
      this.cache.set(resource, byValue);
    }
    let plain = byValue.get(nanos);
    if (plain === undefined) {
      plain = Object.freeze(toPlainQuantity(resource, nanos));
      if (byValue.size < 50_000) byValue.set(nanos, plain);
    }
    return plain;
  }

  resources(row: ReportRow, names: readonly string[]): PlainResources {
    const out: Record<string, PlainResource> = {};
    const capacityRow = hasCapacity(row);
    for (const name of names) {
      const requests = this.quantity(name, rowAmount(row, 'requests', name));
      const limits = this.quantity(name, rowAmount(row, 'limits', name));
      const usage = this.quantity(name, rowAmount(row, 'usage', name));
      const usagePercent = percentNumber(rowPercent(row, 'usage', name));
      out[name] = capacityRow
        ? {
            capacity: this.quantity(name, rowAmount(row, 'capacity', name)),
            allocatable: this.quantity(name, rowAmount(row, 'allocatable', name)),
            requests,
            limits,
            usage,
            nodeUsage: this.quantity(name, rowAmount(row, 'nodeUsage', name)),
            requestsPercent: percentNumber(rowPercent(row, 'requests', name)),
            limitsPercent: percentNumber(rowPercent(row, 'limits', name)),
            usagePercent,
            nodeUsagePercent: percentNumber(rowPercent(row, 'nodeUsage', name)),
          }
        : {
            requests,
            limits,
            usage,
            usagePercent,
            usageOfLimitsPercent: percentNumber(usageOfLimits(row, name)),
          };
    }
    return out;
  }

  unplaced(
    requests: ResourceAmounts,
    limits: ResourceAmounts,
    names: readonly string[],
  ): PlainClusterRow['unplaced'] {
    const out: Record<string, { requests: PlainQuantity | null; limits: PlainQuantity | null }> = {};
    for (const name of names) {
      out[name] = {
        requests: this.quantity(name, amountOf(requests, name) ?? 0n),
        limits: this.quantity(name, amountOf(limits, name) ?? 0n),
      };
    }
    return out;
  }
}

function percentNumber(percent: Percent | undefined): number | null {
  return percent === undefined ? null : percent.toNumber();
}

/** Converts single rows to plain objects; see {@link createPlainRowConverter}. */
export interface PlainRowConverter {
  cluster(row: ClusterRow): PlainClusterRow;
  node(row: NodeRow): PlainNodeRow;
  namespace(row: NamespaceRow): PlainNamespaceRow;
  workload(row: WorkloadRow): PlainWorkloadRow;
  pod(row: PodRow): PlainPodRow;
  container(row: ContainerRow): PlainContainerRow;
}

/**
 * Row-by-row conversion to plain objects for the given resource columns, for printers that
 * stream (one JSON line or CSV record per row) instead of materialising the whole
 * {@link PlainReport}: with 150,000 pods that saves a few hundred MB.
 */
export function createPlainRowConverter(resourceNames: readonly string[]): PlainRowConverter {
  const names = [...resourceNames];
  const convert = new PlainConverter();
  return {
    cluster: (c) => ({
      name: c.name,
      nodes: c.nodes,
      readyNodes: c.readyNodes,
      unschedulableNodes: c.unschedulableNodes,
      nodesWithoutMetrics: c.nodesWithoutMetrics,
      usageFrom: c.usageFrom,
      podsWithoutMetrics: c.podsWithoutMetrics ?? null,
      pods: c.pods,
      podCapacity: c.podCapacity,
      podsPercent: percentNumber(rowPodsPercent(c)),
      pendingPods: c.pendingPods,
      podsOnUnknownNodes: c.podsOnUnknownNodes,
      resources: convert.resources(c, names),
      unplaced: convert.unplaced(c.unplacedRequests, c.unplacedLimits, names),
    }),
    node: (n) => ({
      name: n.name,
      roles: [...n.roles],
      ready: n.ready,
      unschedulable: n.unschedulable,
      creationTimestamp: n.creationTimestamp ?? null,
      pods: n.pods,
      podCapacity: n.podCapacity ?? null,
      podsPercent: percentNumber(rowPodsPercent(n)),
      hasMetrics: n.usage !== undefined,
      usageTimestamp: n.usageTimestamp ?? null,
      usageFrom: n.usageFrom,
      podsWithoutMetrics: n.podsWithoutMetrics ?? null,
      resources: convert.resources(n, names),
    }),
    namespace: (n) => ({
      name: n.name,
      pods: n.pods,
      pendingPods: n.pendingPods,
      podsWithoutMetrics: n.podsWithoutMetrics,
      hasMetrics: n.usage !== undefined,
      resources: convert.resources(n, names),
    }),
    workload: (w) => ({
      namespace: w.namespace,
      kind: w.kind,
      name: w.name,
      pods: w.pods,
      pendingPods: w.pendingPods,
      podsWithoutMetrics: w.podsWithoutMetrics,
      hasMetrics: w.usage !== undefined,
      resources: convert.resources(w, names),
    }),
    pod: (p) => ({
      namespace: p.namespace,
      name: p.name,
      node: p.nodeName ?? null,
      phase: p.phase ?? null,
      workload: { kind: p.workload.kind, name: p.workload.name },
      hasMetrics: p.usage !== undefined,
      resources: convert.resources(p, names),
    }),
    container: (k) => ({
      namespace: k.namespace,
      pod: k.pod,
      name: k.name,
      kind: k.kind,
      node: k.nodeName ?? null,
      hasMetrics: k.usage !== undefined,
      resources: convert.resources(k, names),
    }),
  };
}

/** {@link PlainScope} of a report's scope. */
export function plainScope(scope: ReportScope): PlainScope {
  return {
    namespace: scope.namespace ?? null,
    labelSelector: scope.labelSelector ?? null,
    nodeLabelSelector: scope.nodeLabelSelector ?? null,
    node: scope.node ?? null,
    usageFrom: usageSource(scope),
  };
}

/**
 * The report model as plain objects (see {@link PlainReport}), ready for `JSON.stringify`, a YAML
 * writer or a CSV flattener. Only `model.resourceNames` are included. For large pod or container
 * lists prefer {@link createPlainRowConverter} and write rows as you convert them.
 */
export function reportToPlain(model: ReportModel): PlainReport {
  const convert = createPlainRowConverter(model.resourceNames);
  return {
    resources: [...model.resourceNames],
    scope: plainScope(model.scope),
    cluster: convert.cluster(model.cluster),
    nodes: model.nodes.map((row) => convert.node(row)),
    namespaces: model.namespaces.map((row) => convert.namespace(row)),
    workloads: model.workloads.map((row) => convert.workload(row)),
    pods: model.pods.map((row) => convert.pod(row)),
    containers: model.containers.map((row) => convert.container(row)),
  };
}
