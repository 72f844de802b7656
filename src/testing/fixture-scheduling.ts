/**
 * Scheduler-style bookkeeping for the fixture builder, so generated clusters are ones a real
 * cluster could be in: a pod's effective requests by the Kubernetes rule (component-helpers
 * `PodRequests`), each node's remaining allocatable, and a bounded NodeResourcesFit filter with
 * LeastAllocated + BalancedAllocation scoring. Requests are aggregated exactly (bigint nanos from
 * {@link parseQuantity}), then kept in the scheduler's own integer units (millicores for cpu,
 * whole units, rounded up, for everything else), and a pick probes a bounded number of nodes,
 * so building stays O(1) per pod.
 */
import type { PodSpec, ResourceList } from '../api/index.js';
import { parseQuantity } from '../quantity/index.js';

/** A pod's effective requests. */
export interface PodRequests {
  /** Exact amounts in nanos (10^-9 of the unit) by resource name, zero amounts left out. */
  readonly amounts: ReadonlyMap<string, bigint>;
  /** The CPU request in millicores (0 when none). */
  readonly cpuMilli: number;
  /** `[slot, amount, slot, amount, ...]` in scheduler units (see {@link schedulerUnits}). */
  readonly slots: readonly number[];
  /** CPU (cores) and memory (bytes) for scoring, with the scheduler's non-zero defaults (100m, 200Mi). */
  readonly scoreCpu: number;
  readonly scoreMemory: number;
}

const NANOS_CACHE_LIMIT = 20_000;
const nanosCache = new Map<string, bigint>();

/** The exact value of quantity text in nanos (fixture notations repeat, so parses are cached). */
export function quantityNanos(text: string): bigint {
  let nanos = nanosCache.get(text);
  if (nanos === undefined) {
    nanos = parseQuantity(text).nanos;
    if (nanosCache.size < NANOS_CACHE_LIMIT) nanosCache.set(text, nanos);
  }
  return nanos;
}

/**
 * An amount as kube-scheduler's `framework.Resource` holds it: millicores for cpu (`MilliValue`),
 * whole units for the rest (`Value`), both rounded up. Integers far below 2^53, so exact as numbers.
 */
export function schedulerUnits(resource: string, nanos: bigint): number {
  const unit = resource === 'cpu' ? 1_000_000n : 1_000_000_000n;
  return Number((nanos + unit - 1n) / unit);
}

type Amounts = Map<string, bigint>;

function addList(into: Amounts, list: ResourceList | undefined): void {
  if (list === undefined) return;
  for (const name in list) into.set(name, (into.get(name) ?? 0n) + quantityNanos(list[name]!));
}

function addAmounts(into: Amounts, from: Amounts): void {
  for (const [name, nanos] of from) into.set(name, (into.get(name) ?? 0n) + nanos);
}

function maxAmounts(into: Amounts, from: Amounts): void {
  for (const [name, nanos] of from) if (nanos > (into.get(name) ?? 0n)) into.set(name, nanos);
}

/** Resources that pod-level `spec.resources` may set (PodLevelResources). */
const POD_LEVEL_RESOURCES = new Set(['cpu', 'memory']);

/**
 * The container aggregate of component-helpers `AggregateContainerRequests`: regular containers
 * plus sidecars (init containers with `restartPolicy: Always`), or, if larger per resource, a
 * regular init container's request plus the sidecars started before it.
 */
export function aggregateContainerRequests(spec: Pick<PodSpec, 'containers' | 'initContainers'>): Amounts {
  const requests: Amounts = new Map();
  for (const container of spec.containers) addList(requests, container.resources?.requests);
  const sidecars: Amounts = new Map();
  const initMax: Amounts = new Map();
  for (const container of spec.initContainers ?? []) {
    if (container.restartPolicy === 'Always') {
      addList(requests, container.resources?.requests);
      addList(sidecars, container.resources?.requests);
      maxAmounts(initMax, sidecars);
    } else {
      const during: Amounts = new Map();
      addList(during, container.resources?.requests);
      addAmounts(during, sidecars);
      maxAmounts(initMax, during);
    }
  }
  maxAmounts(requests, initMax);
  return requests;
}

/** Resource names by slot: ledgers index arrays by slot rather than by name. */
const slotNames: string[] = ['pods', 'cpu', 'memory'];
const slots = new Map(slotNames.map((name, i) => [name, i]));
const CPU = 1;
const MEMORY = 2;

function slotOf(name: string): number {
  let slot = slots.get(name);
  if (slot === undefined) {
    slot = slotNames.push(name) - 1;
    slots.set(name, slot);
  }
  return slot;
}

/**
 * A pod's effective requests as the scheduler sees them (component-helpers `PodRequests`): the
 * container aggregate, pod-level `spec.resources.requests` replacing it for cpu and memory when
 * set, plus `spec.overhead`.
 */
export function podRequests(
  spec: Pick<PodSpec, 'containers' | 'initContainers' | 'resources' | 'overhead'>,
): PodRequests {
  const requests = aggregateContainerRequests(spec);
  const podLevel = spec.resources?.requests;
  if (podLevel !== undefined) {
    for (const name in podLevel) {
      if (POD_LEVEL_RESOURCES.has(name)) requests.set(name, quantityNanos(podLevel[name]!));
    }
  }
  addList(requests, spec.overhead);
  const amounts = new Map([...requests].filter(([, nanos]) => nanos !== 0n));
  const flat: number[] = [];
  for (const [name, nanos] of amounts) flat.push(slotOf(name), schedulerUnits(name, nanos));
  const cpu = amounts.get('cpu');
  const memory = amounts.get('memory');
  return {
    amounts,
    cpuMilli: cpu === undefined ? 0 : schedulerUnits('cpu', cpu),
    slots: flat,
    scoreCpu: cpu === undefined ? 0.1 : schedulerUnits('cpu', cpu) / 1000,
    scoreMemory: memory === undefined ? 200 * 2 ** 20 : schedulerUnits('memory', memory),
  };
}

/** What the scheduler's FitError calls a resource a node has too little of. */
export function insufficientReason(resource: string): string {
  return resource === 'pods' ? 'Too many pods' : `Insufficient ${resource}`;
}

/**
 * Every node's allocatable and what its bound, non-terminal pods request, in scheduler units:
 * one flat array per quantity (node-major), so probing consecutive nodes reads contiguous memory.
 */
export class CapacityLedger {
  /** Slots known when the ledger was made: every resource any of its nodes has. */
  private readonly width: number;
  private readonly allocatable: Float64Array;
  private readonly requested: Float64Array;
  /** Per node: cpu cores and memory bytes allocatable, then requested with non-zero defaults. */
  private readonly scoring: Float64Array;

  constructor(allocatables: readonly ResourceList[]) {
    for (const list of allocatables) for (const name in list) slotOf(name);
    const width = (this.width = slotNames.length);
    this.allocatable = new Float64Array(allocatables.length * width);
    this.requested = new Float64Array(allocatables.length * width);
    this.scoring = new Float64Array(allocatables.length * 4);
    allocatables.forEach((list, node) => {
      for (const name in list) {
        this.allocatable[node * width + slotOf(name)] = schedulerUnits(name, quantityNanos(list[name]!));
      }
      this.scoring[node * 4] = this.allocatable[node * width + CPU]! / 1000;
      this.scoring[node * 4 + 1] = this.allocatable[node * width + MEMORY]!;
    });
  }

  /** Allocatable `resource` of a node in scheduler units (0 when it has none). */
  allocatableOf(node: number, resource: string): number {
    const slot = slotOf(resource);
    return slot < this.width ? this.allocatable[node * this.width + slot]! : 0;
  }

  /** What the node's bound pods request of `resource`, in scheduler units; `pods` counts them. */
  requestedOf(node: number, resource: string): number {
    const slot = slotOf(resource);
    return slot < this.width ? this.requested[node * this.width + slot]! : 0;
  }

  /** NodeResourcesFit: the first resource the pod does not fit in (`pods` for a pod slot), else undefined. */
  misfit(node: number, pod: PodRequests): string | undefined {
    const { allocatable, requested, width } = this;
    const base = node * width;
    if (requested[base]! + 1 > allocatable[base]!) return 'pods';
    const amounts = pod.slots;
    for (let i = 0; i < amounts.length; i += 2) {
      const slot = amounts[i]!;
      if (slot >= width || requested[base + slot]! + amounts[i + 1]! > allocatable[base + slot]!) {
        return slotNames[slot];
      }
    }
    return undefined;
  }

  /** Binds the pod: its requests (and a pod slot) are taken from the node, fitting or not. */
  bind(node: number, pod: PodRequests): void {
    const { requested, width } = this;
    const base = node * width;
    requested[base]!++;
    const amounts = pod.slots;
    for (let i = 0; i < amounts.length; i += 2) {
      const slot = amounts[i]!;
      if (slot < width) requested[base + slot]! += amounts[i + 1]!;
    }
    this.scoring[node * 4 + 2]! += pod.scoreCpu;
    this.scoring[node * 4 + 3]! += pod.scoreMemory;
  }

  /** NodeResourcesLeastAllocated + NodeResourcesBalancedAllocation (cpu, memory) after adding the pod, 0..2. */
  score(node: number, pod: PodRequests): number {
    const s = this.scoring;
    const at = node * 4;
    const cpuCores = s[at]!;
    const memoryBytes = s[at + 1]!;
    const cpu = cpuCores > 0 ? Math.min(1, (s[at + 2]! + pod.scoreCpu) / cpuCores) : 1;
    const memory = memoryBytes > 0 ? Math.min(1, (s[at + 3]! + pod.scoreMemory) / memoryBytes) : 1;
    return 1 - (cpu + memory) / 2 + (1 - Math.abs(cpu - memory) / 2);
  }
}

/**
 * Picks nodes like kube-scheduler on a large cluster: starting where the last pick stopped, it
 * filters the candidate nodes (indices into the ledger) until it has found `feasible` that fit
 * (or probed `maxProbes`) and returns the best-scoring one; the caller binds the pod. Bounded work
 * per pod, whatever the cluster size.
 */
export class NodePicker {
  /** After a pick found no node: the resource most probed nodes lacked (`pods` for pod slots). */
  insufficient = 'cpu';
  private cursor: number;

  constructor(
    private readonly ledger: CapacityLedger,
    private readonly nodes: readonly number[],
    start: number,
    private readonly feasible = 6,
    private readonly maxProbes = 48,
  ) {
    this.cursor = nodes.length > 0 ? start % nodes.length : 0;
  }

  /** The node (ledger index) for the pod, or -1 when none of the probed nodes fits it (see {@link insufficient}). */
  pick(pod: PodRequests): number {
    const { ledger, nodes } = this;
    const count = nodes.length;
    const probes = Math.min(count, this.maxProbes);
    let best = -1;
    let bestScore = -Infinity;
    let found = 0;
    let probed = 0;
    let misses: Map<string, number> | undefined;
    while (probed < probes && found < this.feasible) {
      let index = this.cursor + probed++;
      if (index >= count) index -= count;
      const node = nodes[index]!;
      const missing = ledger.misfit(node, pod);
      if (missing !== undefined) {
        misses ??= new Map();
        misses.set(missing, (misses.get(missing) ?? 0) + 1);
        continue;
      }
      found++;
      const score = ledger.score(node, pod);
      if (score > bestScore) {
        best = node;
        bestScore = score;
      }
    }
    if (count > 0) this.cursor = (this.cursor + probed) % count;
    if (best >= 0) return best;
    let most = 0;
    for (const [resource, n] of misses ?? []) {
      if (n > most) [this.insufficient, most] = [resource, n];
    }
    return -1;
  }
}
