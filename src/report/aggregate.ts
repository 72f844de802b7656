/**
 * Aggregation: trimmed records in, report rows out, per cluster, node, namespace, workload, pod and
 * container. Pure and synchronous; one pass over the pods.
 *
 * The rules (docs/report-rules.md has examples):
 * - Terminal pods (`Succeeded`, `Failed`) hold no resources and are left out entirely.
 * - A pod counts toward the node in `spec.nodeName`, as in `kubectl describe node` (so a
 *   scheduled but still `Pending` pod counts). A pod without a node (pending) counts toward its
 *   namespace and workload but no node; so does a pod whose node is not in the node list. The
 *   cluster row reports both kinds and their requests separately ("unplaced").
 * - Sums add only what is set: a pod without a cpu limit adds nothing to the limits total (the
 *   "Limits" column of `kubectl describe node` works the same way).
 * - Usage `undefined` means "no metrics", never zero. A node's usage is its NodeMetrics; the
 *   cluster's is the sum over nodes that have metrics, with `nodesWithoutMetrics` saying how many
 *   do not. Namespace and workload usage sum the pods that have metrics (`podsWithoutMetrics`
 *   counts scheduled pods that have none).
 * - When the scope selects pods (scope.ts), node and cluster usage sum the selected pods'
 *   PodMetrics instead, like their requests; `nodeUsage` keeps the NodeMetrics.
 */
import { KubemetricsError } from '../errors.js';
import type { ContainerKind } from './pod-resources.js';
import {
  podKey,
  type NodeRecord,
  type NodeUsageRecord,
  type PodRecord,
  type PodResources,
  type PodUsageRecord,
} from './records.js';
import {
  addInto,
  addSelectedInto,
  compareResourceNames,
  EMPTY_AMOUNTS,
  type MutableResourceAmounts,
  type ResourceAmounts,
} from './resource-amounts.js';
import { usageSource, type ReportScope, type UsageSource } from './scope.js';
import type { WorkloadRef } from './workload-owner.js';

/** The levels a report has rows for. */
export type RowLevel = 'cluster' | 'node' | 'namespace' | 'workload' | 'pod' | 'container';

/** Every row level, in report order. */
export const ROW_LEVELS: readonly RowLevel[] = [
  'cluster',
  'node',
  'namespace',
  'workload',
  'pod',
  'container',
];

/** What the aggregation reads. Build the maps with the trimmers in records.ts. */
export interface ReportInput {
  readonly nodes: readonly NodeRecord[];
  readonly pods: readonly PodRecord[];
  /** Node usage by node name; absent or empty when metrics.k8s.io is not available. */
  readonly nodeMetrics?: ReadonlyMap<string, NodeUsageRecord> | undefined;
  /** Pod usage by `namespace/name` (see `podKey`). */
  readonly podMetrics?: ReadonlyMap<string, PodUsageRecord> | undefined;
}

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /**
   * Resource names to report, in column order (e.g. `['cpu', 'memory']`). Default: every name
   * seen in capacity, allocatable, requests, limits or usage (except `pods`, which is the pod count
   * column), ordered cpu, memory, ephemeral-storage, hugepages-*, then the rest by name. A name
   * nobody uses is still reported (as zero requests, no usage). Sums cover only these names.
   */
  readonly resources?: readonly string[] | undefined;
  /** Row lists to build (default all). The cluster row is always built. */
  readonly levels?: readonly RowLevel[] | undefined;
  /** Name of the cluster row (default `cluster`), e.g. the kubeconfig context. */
  readonly clusterName?: string | undefined;
  /**
   * The filters the input was made with (apply them with `scopeInput`). Decides where node and
   * cluster usage come from: with pods selected, from those pods' PodMetrics (scope.ts).
   */
  readonly scope?: ReportScope | undefined;
}

/** Fields every row has. */
export interface RowBase {
  readonly level: RowLevel;
  /** Namespace of namespaced rows (namespace, workload, pod, container); `undefined` otherwise. */
  readonly namespace: string | undefined;
  /** Cluster name, node name, namespace, workload name, pod name or container name. */
  readonly name: string;
  /** Effective requests; on aggregate rows the sum (a missing name means zero). */
  readonly requests: ResourceAmounts;
  /** Effective limits; on aggregate rows the sum of the limits that are set. */
  readonly limits: ResourceAmounts;
  /** Usage from metrics.k8s.io; `undefined` when there are no metrics for this row at all. */
  readonly usage: ResourceAmounts | undefined;
}

/** The whole cluster: the sum of the node rows, plus what is not on any listed node. */
export interface ClusterRow extends RowBase {
  readonly level: 'cluster';
  readonly namespace: undefined;
  readonly nodes: number;
  readonly readyNodes: number;
  readonly unschedulableNodes: number;
  /** Nodes without NodeMetrics; their usage is missing from `nodeUsage`. */
  readonly nodesWithoutMetrics: number;
  /**
   * What `usage` sums: the nodes' NodeMetrics (every pod and the system daemons; then equal to
   * `nodeUsage`), or with pods selected the PodMetrics of the selected pods on listed nodes.
   */
  readonly usageFrom: UsageSource;
  /** Sum of the nodes' NodeMetrics (nodes that have them): whole-node usage, whatever the scope. */
  readonly nodeUsage: ResourceAmounts | undefined;
  /** With `usageFrom` PodMetrics: selected pods on listed nodes without metrics; else `undefined`. */
  readonly podsWithoutMetrics: number | undefined;
  readonly capacity: ResourceAmounts;
  /** Sum of the node rows' `allocatable`. */
  readonly allocatable: ResourceAmounts;
  /** Allocatable of the nodes that have metrics: the basis of the cluster's usage percentage. */
  readonly allocatableWithMetrics: ResourceAmounts;
  /** Pods on listed nodes. */
  readonly pods: number;
  /** Sum of the nodes' allocatable `pods`. */
  readonly podCapacity: number;
  /** Pods without `spec.nodeName`. */
  readonly pendingPods: number;
  /** Pods whose `spec.nodeName` is not in the node list (e.g. a node deleted since). */
  readonly podsOnUnknownNodes: number;
  /** Requests of pending pods and pods on unknown nodes (not in `requests`). */
  readonly unplacedRequests: ResourceAmounts;
  /** Limits of pending pods and pods on unknown nodes (not in `limits`). */
  readonly unplacedLimits: ResourceAmounts;
}

/** One node: its capacity and the pods placed on it. */
export interface NodeRow extends RowBase {
  readonly level: 'node';
  readonly namespace: undefined;
  readonly roles: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly ready: boolean;
  readonly unschedulable: boolean;
  readonly creationTimestamp: string | undefined;
  readonly capacity: ResourceAmounts;
  /**
   * `status.allocatable`, or `status.capacity` when allocatable is empty (as
   * `kubectl describe node` falls back); the basis of the node's percentages.
   */
  readonly allocatable: ResourceAmounts;
  /** Non-terminal pods with `spec.nodeName` equal to this node. */
  readonly pods: number;
  /** Allocatable `pods`, or `undefined` when the node does not report it. */
  readonly podCapacity: number | undefined;
  /** NodeMetrics `timestamp` when there are metrics. */
  readonly usageTimestamp: string | undefined;
  /** What `usage` sums (see `ClusterRow.usageFrom`). */
  readonly usageFrom: UsageSource;
  /** The node's NodeMetrics: the whole node's usage, whatever the scope. */
  readonly nodeUsage: ResourceAmounts | undefined;
  /** With `usageFrom` PodMetrics: selected pods on this node without metrics; else `undefined`. */
  readonly podsWithoutMetrics: number | undefined;
}

/** Fields of the namespace and workload rows. */
export interface PodGroupRow extends RowBase {
  readonly namespace: string;
  /** Non-terminal pods, scheduled or not. */
  readonly pods: number;
  /** Pods without a node. */
  readonly pendingPods: number;
  /** Scheduled pods without PodMetrics (their usage is missing from `usage`). */
  readonly podsWithoutMetrics: number;
}

/** One namespace (only namespaces with non-terminal pods appear). */
export interface NamespaceRow extends PodGroupRow {
  readonly level: 'namespace';
}

/** One workload (see workload-owner.ts for how pods map to workloads). */
export interface WorkloadRow extends PodGroupRow {
  readonly level: 'workload';
  readonly kind: string;
}

/** One non-terminal pod. */
export interface PodRow extends RowBase {
  readonly level: 'pod';
  readonly namespace: string;
  readonly nodeName: string | undefined;
  readonly phase: string | undefined;
  readonly workload: WorkloadRef;
  /** The record the row was made from. */
  readonly record: PodRecord;
}

/** One container of a non-terminal pod (init containers included; they rarely have usage). */
export interface ContainerRow extends RowBase {
  readonly level: 'container';
  readonly namespace: string;
  readonly pod: string;
  readonly kind: ContainerKind;
  readonly nodeName: string | undefined;
}

/** Any report row. */
export type ReportRow = ClusterRow | NodeRow | NamespaceRow | WorkloadRow | PodRow | ContainerRow;

/**
 * The computed report: what printers (table, JSON, YAML, CSV) consume. Amounts are exact bigint
 * nanos; `reportToPlain` turns the model into JSON-ready objects. Rows of levels not requested in
 * {@link ReportOptions.levels} are empty arrays.
 */
export interface ReportModel {
  /** The resource columns, in order. Rows may carry more names; show only these. */
  readonly resourceNames: readonly string[];
  /** The filters the report was made with (`ReportOptions.scope`). */
  readonly scope: ReportScope;
  readonly cluster: ClusterRow;
  /** In input order. */
  readonly nodes: readonly NodeRow[];
  /** By namespace name. */
  readonly namespaces: readonly NamespaceRow[];
  /** By namespace, kind, name. */
  readonly workloads: readonly WorkloadRow[];
  /** In input order. */
  readonly pods: readonly PodRow[];
  /** In pod input order, init containers first within a pod. */
  readonly containers: readonly ContainerRow[];
}

const NANOS_PER_UNIT = 1_000_000_000n;

function isTerminal(pod: PodRecord): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}

function hasAny(amounts: ResourceAmounts): boolean {
  for (const _ in amounts) return true;
  return false;
}

function podCount(amounts: ResourceAmounts): number | undefined {
  const pods = amounts['pods'];
  return typeof pods === 'bigint' ? Number(pods / NANOS_PER_UNIT) : undefined;
}

/**
 * Pods per shared {@link PodResources}: replicas of a workload share one object, so a group adds
 * each distinct spec once, multiplied by its count, instead of once per pod (fewer bigint adds).
 */
type SpecCounts = Map<PodResources, number>;

function countSpec(counts: SpecCounts, resources: PodResources): void {
  counts.set(resources, (counts.get(resources) ?? 0) + 1);
}

class GroupAcc {
  pods = 0;
  pendingPods = 0;
  podsWithoutMetrics = 0;
  readonly specs: SpecCounts = new Map();
  usage: MutableResourceAmounts | undefined;
}

interface NodeAcc {
  readonly record: NodeRecord;
  readonly allocatable: ResourceAmounts;
  pods: number;
  readonly specs: SpecCounts;
  /** With usage from PodMetrics: the sum over its pods that have them. */
  podUsage: MutableResourceAmounts | undefined;
  podsWithoutMetrics: number;
}

function validateResources(resources: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const name of resources) {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_ARGUMENT',
        `resources must be non-empty resource names, got ${JSON.stringify(name)}`,
        { hint: 'Pass names such as cpu, memory, ephemeral-storage, hugepages-2Mi or nvidia.com/gpu.' },
      );
    }
    seen.add(name);
  }
  return [...seen];
}

function validateLevels(levels: readonly RowLevel[]): ReadonlySet<RowLevel> {
  for (const level of levels) {
    if (!ROW_LEVELS.includes(level)) {
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_ARGUMENT',
        `unknown report level ${JSON.stringify(level)}; expected one of ${ROW_LEVELS.join(', ')}`,
      );
    }
  }
  return new Set(levels);
}

function collectNames(names: Set<string>, amounts: ResourceAmounts | undefined): void {
  if (amounts === undefined) return;
  for (const name in amounts) names.add(name);
}

/**
 * Builds the report model from trimmed records. Pure: the same input gives the same model.
 *
 * @throws KubemetricsError `KUBEMETRICS_ERR_ARGUMENT` for an empty resource name or unknown level
 */
export function buildReport(input: ReportInput, options: ReportOptions = {}): ReportModel {
  const levels = validateLevels(options.levels ?? ROW_LEVELS);
  const selected =
    options.resources === undefined ? undefined : new Set(validateResources(options.resources));
  const add: (target: MutableResourceAmounts, source: ResourceAmounts) => void =
    selected === undefined ? addInto : (target, source) => addSelectedInto(target, source, selected);
  const scope = options.scope ?? {};
  const usageFrom = usageSource(scope);
  const fromPods = usageFrom === 'PodMetrics';
  /** Names any pod's metrics measure: a node with none of the selected pods used 0 of each. */
  const podMeasured = new Set<string>();
  const nodeMetrics = input.nodeMetrics ?? new Map<string, NodeUsageRecord>();
  const podMetrics = input.podMetrics ?? new Map<string, PodUsageRecord>();
  const seenNames = new Set<string>();

  // Nodes first, so pods can find their node.
  const nodeAccs = new Map<string, NodeAcc>();
  const nodeOrder: NodeAcc[] = [];
  for (const record of input.nodes) {
    const allocatable = hasAny(record.allocatable) ? record.allocatable : record.capacity;
    const acc: NodeAcc = {
      record,
      allocatable,
      pods: 0,
      specs: new Map(),
      podUsage: undefined,
      podsWithoutMetrics: 0,
    };
    if (selected === undefined) {
      collectNames(seenNames, record.capacity);
      collectNames(seenNames, allocatable);
    }
    nodeAccs.set(record.name, acc);
    nodeOrder.push(acc);
  }

  const namespaceAccs = new Map<string, GroupAcc>();
  const workloadAccs = new Map<string, Map<string, Map<string, GroupAcc>>>();
  const addToGroup = (
    group: GroupAcc,
    scheduled: boolean,
    resources: PodResources,
    usage: PodUsageRecord | undefined,
  ): void => {
    group.pods++;
    if (!scheduled) group.pendingPods++;
    countSpec(group.specs, resources);
    if (usage !== undefined) {
      group.usage ??= {};
      add(group.usage, usage.total);
    } else if (scheduled) {
      group.podsWithoutMetrics++;
    }
  };
  const podRows: PodRow[] = [];
  const containerRows: ContainerRow[] = [];
  const wantPods = levels.has('pod');
  const wantContainers = levels.has('container');
  const seenSpecs = new Set<object>();
  let pendingPods = 0;
  let podsOnUnknownNodes = 0;
  const unplacedSpecs: SpecCounts = new Map();

  for (const pod of input.pods) {
    if (isTerminal(pod)) continue;
    const resources = pod.resources;
    const requests = resources.requests;
    const limits = resources.limits;
    if (selected === undefined && !seenSpecs.has(resources)) {
      seenSpecs.add(resources);
      collectNames(seenNames, requests);
      collectNames(seenNames, limits);
    }
    const usage = podMetrics.get(podKey(pod.namespace, pod.name));
    if (selected === undefined && usage !== undefined) collectNames(seenNames, usage.total);

    // Node.
    const scheduled = pod.nodeName !== undefined;
    const node = scheduled ? nodeAccs.get(pod.nodeName) : undefined;
    if (node !== undefined) {
      node.pods++;
      countSpec(node.specs, resources);
      if (fromPods) {
        if (usage !== undefined) {
          node.podUsage ??= {};
          add(node.podUsage, usage.total);
          collectNames(podMeasured, usage.total);
        } else {
          node.podsWithoutMetrics++;
        }
      }
    } else {
      if (scheduled) podsOnUnknownNodes++;
      else pendingPods++;
      countSpec(unplacedSpecs, resources);
    }

    // Namespace and workload.
    let ns = namespaceAccs.get(pod.namespace);
    if (ns === undefined) {
      ns = new GroupAcc();
      namespaceAccs.set(pod.namespace, ns);
    }
    let kinds = workloadAccs.get(pod.namespace);
    if (kinds === undefined) {
      kinds = new Map();
      workloadAccs.set(pod.namespace, kinds);
    }
    let names = kinds.get(pod.owner.kind);
    if (names === undefined) {
      names = new Map();
      kinds.set(pod.owner.kind, names);
    }
    let workload = names.get(pod.owner.name);
    if (workload === undefined) {
      workload = new GroupAcc();
      names.set(pod.owner.name, workload);
    }
    addToGroup(ns, scheduled, resources, usage);
    addToGroup(workload, scheduled, resources, usage);

    if (wantPods) {
      podRows.push({
        level: 'pod',
        namespace: pod.namespace,
        name: pod.name,
        nodeName: pod.nodeName,
        phase: pod.phase,
        workload: pod.owner,
        requests,
        limits,
        usage: usage?.total,
        record: pod,
      });
    }
    if (wantContainers) {
      for (const container of resources.containers) {
        let containerUsage: ResourceAmounts | undefined;
        if (usage !== undefined) {
          for (const c of usage.containers) {
            if (c.name === container.name) {
              containerUsage = c.usage;
              break;
            }
          }
        }
        containerRows.push({
          level: 'container',
          namespace: pod.namespace,
          pod: pod.name,
          name: container.name,
          kind: container.kind,
          nodeName: pod.nodeName,
          requests: container.requests,
          limits: container.limits,
          usage: containerUsage,
        });
      }
    }
  }

  // Node rows and the cluster totals.
  const nodeRows: NodeRow[] = [];
  const capacity: MutableResourceAmounts = {};
  const allocatable: MutableResourceAmounts = {};
  const allocatableWithMetrics: MutableResourceAmounts = {};
  const clusterRequests: MutableResourceAmounts = {};
  const clusterLimits: MutableResourceAmounts = {};
  let clusterUsage: MutableResourceAmounts | undefined;
  let clusterPodUsage: MutableResourceAmounts | undefined;
  let clusterPodsWithoutMetrics = 0;
  let readyNodes = 0;
  let unschedulableNodes = 0;
  let nodesWithoutMetrics = 0;
  let clusterPods = 0;
  let podCapacity = 0;
  const sums = (counts: SpecCounts): { requests: ResourceAmounts; limits: ResourceAmounts } => {
    const requests: MutableResourceAmounts = {};
    const limits: MutableResourceAmounts = {};
    for (const [resources, count] of counts) {
      addScaledInto(requests, resources.requests, count, selected);
      addScaledInto(limits, resources.limits, count, selected);
    }
    return {
      requests: hasAny(requests) ? Object.freeze(requests) : EMPTY_AMOUNTS,
      limits: hasAny(limits) ? Object.freeze(limits) : EMPTY_AMOUNTS,
    };
  };

  for (const acc of nodeOrder) {
    const record = acc.record;
    const nodeSums = sums(acc.specs);
    const metrics = nodeMetrics.get(record.name);
    let wholeNodeUsage: ResourceAmounts | undefined;
    if (metrics !== undefined) {
      if (selected === undefined) {
        collectNames(seenNames, metrics.usage);
        wholeNodeUsage = metrics.usage;
      } else {
        const filtered: MutableResourceAmounts = {};
        add(filtered, metrics.usage);
        wholeNodeUsage = Object.freeze(filtered);
      }
      clusterUsage ??= {};
      addInto(clusterUsage, wholeNodeUsage);
      add(allocatableWithMetrics, acc.allocatable);
    } else {
      nodesWithoutMetrics++;
    }
    let usage = wholeNodeUsage;
    if (fromPods) {
      usage = acc.podUsage === undefined ? undefined : Object.freeze(acc.podUsage);
      // None of the selected pods here: they used exactly nothing of what pod metrics measure.
      if (acc.pods === 0 && podMeasured.size > 0) usage = zeros(podMeasured, selected);
      if (usage !== undefined) {
        clusterPodUsage ??= {};
        addInto(clusterPodUsage, usage);
      }
      clusterPodsWithoutMetrics += acc.podsWithoutMetrics;
    }
    if (record.ready) readyNodes++;
    if (record.unschedulable) unschedulableNodes++;
    clusterPods += acc.pods;
    const nodePodCapacity = podCount(acc.allocatable);
    podCapacity += nodePodCapacity ?? 0;
    add(capacity, record.capacity);
    add(allocatable, acc.allocatable);
    addInto(clusterRequests, nodeSums.requests);
    addInto(clusterLimits, nodeSums.limits);
    if (levels.has('node')) {
      nodeRows.push({
        level: 'node',
        namespace: undefined,
        name: record.name,
        roles: record.roles,
        labels: record.labels,
        ready: record.ready,
        unschedulable: record.unschedulable,
        creationTimestamp: record.creationTimestamp,
        capacity: record.capacity,
        allocatable: acc.allocatable,
        pods: acc.pods,
        podCapacity: nodePodCapacity,
        requests: nodeSums.requests,
        limits: nodeSums.limits,
        usage,
        usageTimestamp: metrics?.timestamp,
        usageFrom,
        nodeUsage: wholeNodeUsage,
        podsWithoutMetrics: fromPods ? acc.podsWithoutMetrics : undefined,
      });
    }
  }

  const unplaced = sums(unplacedSpecs);
  const cluster: ClusterRow = {
    level: 'cluster',
    namespace: undefined,
    name: options.clusterName ?? 'cluster',
    nodes: nodeOrder.length,
    readyNodes,
    unschedulableNodes,
    nodesWithoutMetrics,
    capacity: Object.freeze(capacity),
    allocatable: Object.freeze(allocatable),
    allocatableWithMetrics: Object.freeze(allocatableWithMetrics),
    requests: Object.freeze(clusterRequests),
    limits: Object.freeze(clusterLimits),
    usage: fromPods
      ? clusterPodUsage === undefined
        ? undefined
        : Object.freeze(clusterPodUsage)
      : clusterUsage === undefined
        ? undefined
        : Object.freeze(clusterUsage),
    usageFrom,
    nodeUsage: clusterUsage === undefined ? undefined : Object.freeze(clusterUsage),
    podsWithoutMetrics: fromPods ? clusterPodsWithoutMetrics : undefined,
    pods: clusterPods,
    podCapacity,
    pendingPods,
    podsOnUnknownNodes,
    unplacedRequests: unplaced.requests,
    unplacedLimits: unplaced.limits,
  };

  const namespaceRows: NamespaceRow[] = [];
  if (levels.has('namespace')) {
    for (const name of [...namespaceAccs.keys()].sort(compareStrings)) {
      const acc = namespaceAccs.get(name) as GroupAcc;
      namespaceRows.push({ level: 'namespace', namespace: name, name, ...groupFields(acc, sums(acc.specs)) });
    }
  }

  const workloadRows: WorkloadRow[] = [];
  if (levels.has('workload')) {
    for (const namespace of [...workloadAccs.keys()].sort(compareStrings)) {
      const kinds = workloadAccs.get(namespace) as Map<string, Map<string, GroupAcc>>;
      for (const kind of [...kinds.keys()].sort(compareStrings)) {
        const names = kinds.get(kind) as Map<string, GroupAcc>;
        for (const name of [...names.keys()].sort(compareStrings)) {
          const acc = names.get(name) as GroupAcc;
          workloadRows.push({
            level: 'workload',
            namespace,
            kind,
            name,
            ...groupFields(acc, sums(acc.specs)),
          });
        }
      }
    }
  }

  const resourceNames =
    selected !== undefined
      ? [...selected]
      : [...seenNames].filter((name) => name !== 'pods').sort(compareResourceNames);

  return {
    resourceNames: Object.freeze(resourceNames),
    scope,
    cluster,
    nodes: nodeRows,
    namespaces: namespaceRows,
    workloads: workloadRows,
    pods: podRows,
    containers: containerRows,
  };
}

function groupFields(
  acc: GroupAcc,
  totals: { requests: ResourceAmounts; limits: ResourceAmounts },
): {
  pods: number;
  pendingPods: number;
  podsWithoutMetrics: number;
  requests: ResourceAmounts;
  limits: ResourceAmounts;
  usage: ResourceAmounts | undefined;
} {
  return {
    pods: acc.pods,
    pendingPods: acc.pendingPods,
    podsWithoutMetrics: acc.podsWithoutMetrics,
    requests: totals.requests,
    limits: totals.limits,
    usage: acc.usage === undefined ? undefined : Object.freeze(acc.usage),
  };
}

/** Zero of every name in `names` (of those in `only`, when given). */
function zeros(names: ReadonlySet<string>, only: ReadonlySet<string> | undefined): ResourceAmounts {
  const out: MutableResourceAmounts = {};
  for (const name of names) if (only === undefined || only.has(name)) out[name] = 0n;
  return Object.freeze(out);
}

/** `target += source × count`, for the names in `only` when given. */
function addScaledInto(
  target: MutableResourceAmounts,
  source: ResourceAmounts,
  count: number,
  only: ReadonlySet<string> | undefined,
): void {
  const factor = BigInt(count);
  for (const name in source) {
    if (only !== undefined && !only.has(name)) continue;
    const value = (source[name] as bigint) * factor;
    const current = target[name];
    target[name] = current === undefined ? value : current + value;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
