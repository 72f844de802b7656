/**
 * Deterministic, realistic cluster fixtures: nodes from several pools (control plane, general,
 * large, high-memory with hugepages, arm64, GPU), pods owned by ReplicaSets, StatefulSets,
 * DaemonSets, Jobs, static mirror pods and bare pods, with the resource notations real manifests
 * use, init and sidecar containers, RuntimeClass overhead, pod-level resources, pending and
 * terminal pods — and metrics as metrics-server reports them (CPU in nanocores, memory in Ki).
 * Pods are placed as kube-scheduler would: a pod is bound to a node only if its effective requests
 * fit what the node has left (see fixture-scheduling.ts), else it stays Pending; containers are
 * sized so requests land around 60% of CPU, usage mostly below the requests.
 * The same options and seed give the same objects on every run (seeded PRNG, fixed default clock).
 */
import type {
  Container,
  ContainerStatus,
  Event,
  Namespace,
  Node,
  NodeMetrics,
  OwnerReference,
  Pod,
  PodCondition,
  PodMetrics,
  PodPhase,
  ResourceList,
  ResourceRequirements,
} from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import {
  APP_NAMES,
  APP_NAMESPACES,
  CONTROL_PLANE_POOL,
  CPU_CHOICES,
  GPU_CPU_CHOICES,
  GPU_MEMORY_CHOICES,
  GPU_POOL,
  JOB_NAMES,
  MEMORY_CHOICES,
  METRICS_WINDOWS,
  NAME_SUFFIX_ALPHABET,
  POD_LEVEL_CHOICES,
  REGION,
  STATEFUL_NAMES,
  WORKER_POOLS,
  ZONES,
  type NodePool,
} from './fixture-catalog.js';
import {
  CapacityLedger,
  NodePicker,
  aggregateContainerRequests,
  insufficientReason,
  podRequests,
  quantityNanos,
  type PodRequests,
} from './fixture-scheduling.js';
import { demoHpas } from './demo-hpas.js';
import { buildHpas, type HpaFixture } from './fixture-hpas.js';
import { workloadsFromPods, type FixtureWorkloads } from './fixture-workloads.js';
import { SeededRandom } from './seeded-random.js';

export interface BuildClusterOptions {
  /** Number of nodes (control plane and GPU nodes included). */
  nodes: number;
  /** Average pods per node, DaemonSet and terminal pods included (default 30). */
  podsPerNode?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Application namespaces besides kube-system, monitoring and logging (default 8). */
  namespaces?: number;
  /** "Now" for timestamps and ages (default 2025-06-01T12:00:00Z, so output is stable). */
  now?: Date | string;
  /** The last N worker nodes get no NodeMetrics (and their pods no PodMetrics), like unreachable kubelets. Default 0. */
  nodesWithoutMetrics?: number;
  /** Nodes with `nvidia.com/gpu` (default: 5% of nodes, at least 1 from 10 nodes on). */
  gpuNodes?: number;
  /** Control-plane nodes, tainted NoSchedule (default 3 from 30 nodes, 1 from 5, else 0). */
  controlPlaneNodes?: number;
  /** Nodes whose Ready condition is False (default 0); taken from the end of the worker list. */
  notReadyNodes?: number;
  /**
   * Pods without a node (Pending, Unschedulable); default 1% of application pods. Pods that fit on
   * no node stay Pending as well, on top of these (rare unless the cluster is packed).
   */
  pendingPods?: number;
  /** Job pods that Succeeded or Failed; default 2% of application pods. */
  terminalPods?: number;
  /**
   * HorizontalPodAutoscalers over Deployments whose pods are all Running, Ready and sampled, of
   * every autoscaling/v2 metric type, with their statuses and the custom and external metric values
   * they read (fixture-hpas.ts). Default 0. Drawn with their own PRNG: the rest of the fixture is
   * the same with or without them.
   */
  hpas?: number;
}

/** What {@link buildCluster} returns; spread it into `startTestCluster`'s options. */
export interface ClusterFixture extends FixtureWorkloads, HpaFixture {
  /** Events about the fixture's objects (the demo's stuck HPA); absent when there are none. */
  events?: Event[];
  nodes: Node[];
  pods: Pod[];
  nodeMetrics: NodeMetrics[];
  podMetrics: PodMetrics[];
  namespaces: Namespace[];
}

const DEFAULT_NOW = '2025-06-01T12:00:00Z';
const DAY = 86_400_000;

const dayPrefixes = new Map<number, string>();
const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** RFC 3339 without fractional seconds, as the API server writes metav1.Time (day prefix cached: hot path). */
function iso(ms: number): string {
  const day = Math.floor(ms / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  const seconds = Math.floor((ms - day * DAY) / 1000);
  return `${prefix}${twoDigits(Math.floor(seconds / 3600))}:${twoDigits(Math.floor(seconds / 60) % 60)}:${twoDigits(seconds % 60)}Z`;
}

interface NodeDraft {
  readonly name: string;
  readonly pool: NodePool;
  readonly index: number;
  readonly internalIP: string;
  readonly podPrefix: string;
  readonly createdMs: number;
  readonly controlPlane: boolean;
  ready: boolean;
  metrics: boolean;
}

interface NodePlan extends NodeDraft {
  readonly node: Node;
  /** Pods bound to the node, terminal ones included (numbers pod IPs). */
  podCount: number;
  /** Sums of the usage of pods on the node. */
  cpuNano: number;
  memoryBytes: number;
}

interface ContainerPlan {
  readonly container: Container;
  readonly cpuMilli: number | undefined;
  readonly memoryBytes: number | undefined;
  readonly cpuLimitMilli: number | undefined;
  readonly memoryLimitBytes: number | undefined;
}

type CpuChoice = (typeof CPU_CHOICES)[number];
type MemoryChoice = (typeof MEMORY_CHOICES)[number];
const weights = <T extends readonly [string, number, string | undefined, number]>(
  choices: readonly T[],
): (readonly [T, number])[] => choices.map((c) => [c, c[3]] as const);
const CPU_TABLE = weights(CPU_CHOICES);
const MEMORY_TABLE = weights(MEMORY_CHOICES);
/** Helper containers (exporters, log shippers, reloaders) are small. */
const HELPER_CPU_TABLE = weights(CPU_CHOICES.filter((c) => c[1] <= 100));
const HELPER_MEMORY_TABLE = weights(MEMORY_CHOICES.filter((m) => m[1] <= 128 * 2 ** 20));
/** One-off init containers (migrations) ask for a bit more than the average container. */
const INIT_CPU_TABLE = weights(CPU_CHOICES.filter((c) => c[1] >= 100 && c[1] <= 500));
const INIT_MEMORY_TABLE = weights(MEMORY_CHOICES.filter((m) => m[1] >= 128 * 2 ** 20 && m[1] <= 2 ** 30));
const GPU_CPU_TABLE = weights(GPU_CPU_CHOICES);
const GPU_MEMORY_TABLE = weights(GPU_MEMORY_CHOICES);
/** Share of main application containers without requests (BestEffort). */
const MAIN_BEST_EFFORT_CHANCE = 0.08;
/** Share of the schedulable nodes' free CPU (after DaemonSets) that application pods request. */
const TARGET_CPU_REQUESTS = 0.6;
/** Millicores a pod asks on top of its main container, on average (helpers, sidecars, overhead). */
const EXTRA_CPU_PER_POD = 55;
/** How far sizing may tilt towards larger containers when a cluster has CPU to spare. */
const MAX_TILT = 0.5;

/**
 * The CPU choices re-weighted to `w·v^θ` (θ from -4 to {@link MAX_TILT}) so the mean request is
 * about `meanMilli`: dense clusters (many pods per core) get smaller containers, sparse ones
 * somewhat larger.
 */
function cpuTableWithMean(meanMilli: number): readonly (readonly [CpuChoice, number])[] {
  const meanAt = (theta: number): number => {
    let total = 0;
    let weighted = 0;
    for (const [choice, weight] of CPU_TABLE) {
      const w = weight * choice[1] ** theta;
      total += w;
      weighted += w * choice[1];
    }
    return weighted / total;
  };
  // Bisect θ; -4 (mostly the smallest choices) if even that is not small enough.
  let low = -4;
  let high = MAX_TILT;
  if (meanAt(high) <= meanMilli) low = high;
  else if (meanAt(low) < meanMilli) {
    for (let i = 0; i < 40; i++) {
      const mid = (low + high) / 2;
      if (meanAt(mid) < meanMilli) low = mid;
      else high = mid;
    }
  }
  return CPU_TABLE.map(([choice, weight]) => [choice, weight * choice[1] ** low] as const);
}

/** Limits as numbers (millicores, bytes), for usage that stays under them. */
const milliOf = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : Number(quantityNanos(text) / 1_000_000n);
const bytesOf = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : Number(quantityNanos(text) / 1_000_000_000n);

function containerPlanOf(
  container: Container,
  cpuMilli: number | undefined,
  memoryBytes: number | undefined,
): ContainerPlan {
  const limits = container.resources?.limits;
  return {
    container,
    cpuMilli,
    memoryBytes,
    cpuLimitMilli: milliOf(limits?.['cpu']),
    memoryLimitBytes: bytesOf(limits?.['memory']),
  };
}

interface Workload {
  readonly namespace: string;
  readonly name: string;
  readonly kind: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'Node' | 'None';
  readonly ownerName: string;
  readonly ownerUid: string;
  readonly labels: Record<string, string>;
  readonly containers: readonly ContainerPlan[];
  readonly initContainers: readonly ContainerPlan[];
  overhead?: ResourceList;
  podResources?: ResourceRequirements;
  readonly priorityClassName?: string;
  readonly restartPolicy: string;
  readonly tolerations?: Pod['spec']['tolerations'];
  readonly gpu: boolean;
  readonly createdMs: number;
}

function fail(message: string): never {
  throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', `buildCluster: ${message}`);
}

function checkCount(name: string, value: number | undefined, min = 0): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
    fail(`${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** Effective requests of a workload's pods (all replicas share one template), computed once. */
const workloadRequests = new WeakMap<Workload, PodRequests>();
function requestsOf(workload: Workload): PodRequests {
  let requests = workloadRequests.get(workload);
  if (requests === undefined) {
    requests = podRequests({
      containers: workload.containers.map((c) => c.container),
      initContainers: workload.initContainers.map((c) => c.container),
      resources: workload.podResources,
      overhead: workload.overhead,
    });
    workloadRequests.set(workload, requests);
  }
  return requests;
}

/**
 * The PodScheduled=False message kube-scheduler writes for a pod no node takes (FitError): taints
 * rule out control-plane, GPU (for other pods) and unreachable nodes, `insufficient` the rest.
 */
function unschedulableMessage(plans: readonly NodePlan[], gpu: boolean, insufficient: string): string {
  const reasons = new Map<string, number>();
  const preemption = new Map<string, number>();
  const count = (map: Map<string, number>, reason: string): void => {
    map.set(reason, (map.get(reason) ?? 0) + 1);
  };
  for (const plan of plans) {
    const taint = !plan.ready
      ? 'node.kubernetes.io/unreachable: '
      : plan.controlPlane
        ? 'node-role.kubernetes.io/control-plane: '
        : plan.pool === GPU_POOL && !gpu
          ? 'nvidia.com/gpu: true'
          : undefined;
    if (taint !== undefined) {
      count(reasons, `node(s) had untolerated taint {${taint}}`);
      count(preemption, 'Preemption is not helpful for scheduling');
    } else {
      count(reasons, gpu && plan.pool !== GPU_POOL ? 'Insufficient nvidia.com/gpu' : insufficient);
      count(preemption, 'No preemption victims found for incoming pod');
    }
  }
  const histogram = (map: Map<string, number>): string =>
    [...map]
      .map(([reason, n]) => `${n} ${reason}`)
      .sort()
      .join(', ');
  const total = `0/${plans.length} nodes are available`;
  return `${total}: ${histogram(reasons)}. preemption: ${total}: ${histogram(preemption)}.`;
}

/**
 * Builds a deterministic cluster: `{ nodes, pods, nodeMetrics, podMetrics, namespaces }`.
 *
 * @example
 * const cluster = await startTestCluster(buildCluster({ nodes: 50, podsPerNode: 40, seed: 7 }));
 */
export function buildCluster(options: BuildClusterOptions): ClusterFixture {
  checkCount('nodes', options.nodes, 1);
  checkCount('podsPerNode', options.podsPerNode);
  checkCount('namespaces', options.namespaces, 1);
  for (const key of [
    'nodesWithoutMetrics',
    'gpuNodes',
    'controlPlaneNodes',
    'notReadyNodes',
    'pendingPods',
    'terminalPods',
    'hpas',
  ] as const) {
    checkCount(key, options[key]);
  }
  const now = options.now === undefined ? Date.parse(DEFAULT_NOW) : new Date(options.now).getTime();
  if (Number.isNaN(now)) fail(`now is not a valid date: ${String(options.now)}`);
  const rng = new SeededRandom(options.seed ?? 1);
  const nowIso = iso(now);
  const nodeCount = options.nodes;
  const podsPerNode = options.podsPerNode ?? 30;
  const controlPlanes = Math.min(
    nodeCount,
    options.controlPlaneNodes ?? (nodeCount >= 30 ? 3 : nodeCount >= 5 ? 1 : 0),
  );
  const gpus = Math.min(
    nodeCount - controlPlanes,
    options.gpuNodes ?? (nodeCount >= 10 ? Math.max(1, Math.floor(nodeCount * 0.05)) : 0),
  );
  const clusterCreated = now - 400 * DAY;

  // --- nodes ------------------------------------------------------------------------------------
  const width = Math.max(3, String(nodeCount).length);
  const poolCounters = new Map<string, number>();
  const drafts: NodeDraft[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const controlPlane = i < controlPlanes;
    const pool = controlPlane
      ? CONTROL_PLANE_POOL
      : i < controlPlanes + gpus
        ? GPU_POOL
        : rng.weighted(WORKER_POOLS);
    const n = (poolCounters.get(pool.name) ?? 0) + 1;
    poolCounters.set(pool.name, n);
    const name = `${pool.name}-${String(n).padStart(width, '0')}`;
    const createdMs = controlPlane
      ? clusterCreated + i * 60_000
      : clusterCreated + rng.int(1, 399) * DAY - rng.int(0, DAY);
    drafts.push({
      name,
      pool,
      index: i,
      internalIP: `10.0.${Math.floor(i / 250)}.${(i % 250) + 4}`,
      podPrefix: `10.${64 + Math.floor(i / 256)}.${i % 256}.`,
      createdMs,
      controlPlane,
      ready: true,
      metrics: true,
    });
  }
  const workerDrafts = drafts.filter((p) => !p.controlPlane);
  const notReady = Math.min(options.notReadyNodes ?? 0, workerDrafts.length);
  const withoutMetrics = Math.min(options.nodesWithoutMetrics ?? 0, workerDrafts.length);
  for (const draft of workerDrafts.slice(workerDrafts.length - notReady)) draft.ready = false;
  for (const draft of workerDrafts.slice(workerDrafts.length - withoutMetrics)) draft.metrics = false;
  const plans: NodePlan[] = drafts.map((d) => ({
    ...d,
    node: buildNode(d, rng, now),
    podCount: 0,
    cpuNano: 0,
    memoryBytes: 0,
  }));
  // What each node (by index) has and what its bound, non-terminal pods request.
  const ledger = new CapacityLedger(plans.map((p) => p.node.status?.allocatable ?? {}));
  const workers = plans.filter((p) => !p.controlPlane);

  // --- workloads and pods -------------------------------------------------------------------------
  const pods: Pod[] = [];
  const podMetrics: PodMetrics[] = [];
  const names = new Map<string, Set<string>>();
  const nextSuffix = new Map<string, number>();
  const takenIn = (namespace: string): Set<string> => {
    let taken = names.get(namespace);
    if (taken === undefined) names.set(namespace, (taken = new Set<string>()));
    return taken;
  };
  /** Pod names carry random suffixes: a clash is rare, so just check and number on a clash. */
  const podName = (namespace: string, name: string): string => {
    const taken = takenIn(namespace);
    let unique = name;
    for (let k = 2; taken.has(unique); k++) unique = `${name}-${k}`;
    taken.add(unique);
    return unique;
  };
  const uniqueName = (namespace: string, base: string): string => {
    const taken = takenIn(namespace);
    // Remember the next free number per base name: large fixtures reuse a base name thousands of times.
    const counterKey = `${namespace}/${base}`;
    let k = nextSuffix.get(counterKey) ?? 1;
    let name = k === 1 ? base : `${base}-${k}`;
    while (taken.has(name)) name = `${base}-${++k}`;
    nextSuffix.set(counterKey, k + 1);
    taken.add(name);
    return name;
  };
  const suffix = (length: number): string => rng.string(length, NAME_SUFFIX_ALPHABET);

  /**
   * Adds the pod. A node means it is bound there; a non-terminal pod then takes its requests from
   * the node (callers check the fit first, except for DaemonSet and static pods, which always run).
   */
  const place = (
    workload: Workload,
    podName: string,
    node: NodePlan | undefined,
    phase: PodPhase,
    pendingMessage?: string,
  ): void => {
    const pod = buildPod(workload, podName, node, phase, rng, now, pendingMessage);
    pods.push(pod);
    if (node === undefined) return;
    node.podCount++;
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    if (!terminal) ledger.bind(node.index, requestsOf(workload));
    if (phase !== 'Running' || !node.metrics || !node.ready) return;
    if (rng.chance(0.002)) return; // just started: metrics-server has no sample yet
    const metrics = buildPodMetrics(pod, workload, rng, now, nowIso);
    podMetrics.push(metrics.metrics);
    node.cpuNano += metrics.cpuNano;
    node.memoryBytes += metrics.memoryBytes;
  };

  // DaemonSet and static pods first: they run on their node whatever else is there.
  const daemonSets: [namespace: string, name: string, cpu: string, memory: string][] = [
    ['kube-system', 'kube-proxy', '100m', '64Mi'],
    ['monitoring', 'node-exporter', '50m', '32Mi'],
    ['logging', 'fluent-bit', '100m', '128Mi'],
  ];
  const daemonSetCount = podsPerNode >= 10 ? 3 : podsPerNode >= 4 ? 1 : 0;
  for (const [namespace, name, cpu, memory] of daemonSets.slice(0, daemonSetCount)) {
    const workload = daemonSetWorkload(namespace, name, cpu, memory, rng, clusterCreated);
    for (const node of plans) place(workload, podName(namespace, `${name}-${suffix(5)}`), node, 'Running');
  }
  if (daemonSetCount > 0 && gpus > 0) {
    const workload = daemonSetWorkload(
      'kube-system',
      'nvidia-device-plugin',
      '50m',
      '64Mi',
      rng,
      clusterCreated,
    );
    for (const node of plans.filter((p) => p.pool === GPU_POOL)) {
      place(workload, podName('kube-system', `nvidia-device-plugin-${suffix(5)}`), node, 'Running');
    }
  }
  for (const node of plans.filter((p) => p.controlPlane)) {
    for (const component of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      place(staticPodWorkload(component, node, rng), `${component}-${node.name}`, node, 'Running');
    }
  }

  const appNamespaces = namespaceNames(options.namespaces ?? 8);
  const target = nodeCount * podsPerNode;
  const appPods = Math.max(0, target - pods.length);
  const terminal = Math.min(appPods, options.terminalPods ?? Math.floor(appPods * 0.02));
  const pending = Math.min(appPods - terminal, options.pendingPods ?? Math.floor(appPods * 0.01));
  const running = appPods - terminal - pending;

  // Application pods go where the scheduler would put them: untainted, Ready workers with room
  // for their requests (GPU pods on GPU nodes); a pod that fits nowhere stays Pending.
  const schedulable = workers.filter((p) => p.pool !== GPU_POOL && p.ready);
  const fallback = schedulable.length > 0 ? schedulable : workers.length > 0 ? workers : plans;
  const gpuNodes = plans.filter((p) => p.pool === GPU_POOL && p.ready);
  const picker = new NodePicker(
    ledger,
    fallback.map((p) => p.index),
    rng.int(0, fallback.length - 1),
  );
  const gpuPicker = new NodePicker(
    ledger,
    gpuNodes.map((p) => p.index),
    0,
  );
  let gpusLeft = gpuNodes.reduce((sum, p) => sum + (p.pool.gpus ?? 0), 0);
  // Size application containers to the cluster, as teams do: the CPU the schedulable nodes have
  // left after the DaemonSets fills to about TARGET_CPU_REQUESTS. Each workload is sized from what
  // is left per pod still to come, so a few large workloads early do not overfill the cluster.
  let cpuBudgetMilli =
    TARGET_CPU_REQUESTS *
    fallback.reduce(
      (sum, p) => sum + ledger.allocatableOf(p.index, 'cpu') - ledger.requestedOf(p.index, 'cpu'),
      0,
    );
  let placed = 0;
  const cpuTables = new Map<number, readonly (readonly [CpuChoice, number])[]>();
  const cpuTableNow = (): readonly (readonly [CpuChoice, number])[] => {
    const perPod = cpuBudgetMilli / Math.max(1, running - placed - gpusLeft);
    const mainMean = (perPod - EXTRA_CPU_PER_POD) / (1 - MAIN_BEST_EFFORT_CHANCE);
    const bucket = Math.round(Math.log(Math.max(1, mainMean)) * 50); // 2% steps
    let table = cpuTables.get(bucket);
    if (table === undefined) cpuTables.set(bucket, (table = cpuTableWithMean(Math.exp(bucket / 50))));
    return table;
  };
  let terminalCursor = 0;
  const messages = new Map<string, string>();
  const unschedulable = (gpu: boolean, insufficient: string): string => {
    const key = `${gpu}/${insufficient}`;
    let message = messages.get(key);
    if (message === undefined) {
      message = unschedulableMessage(plans, gpu, insufficientReason(insufficient));
      messages.set(key, message);
    }
    return message;
  };

  let made = 0;
  let pendingLeft = pending;
  while (made < running + pending) {
    const namespace = rng.pick(appNamespaces);
    const kind = rng.weighted([
      ['ReplicaSet', 85],
      ['StatefulSet', 10],
      ['None', 5],
    ] as const);
    // Teams ask for the GPUs there are (one per pod), not more.
    const wantsGpu = gpusLeft > 0 && namespace === 'ml' && rng.chance(0.5);
    const workload = appWorkload(
      namespace,
      kind,
      wantsGpu,
      cpuTableNow(),
      rng,
      clusterCreated,
      now,
      uniqueName,
    );
    let replicas = Math.min(
      running + pending - made,
      kind === 'None'
        ? 1
        : kind === 'StatefulSet'
          ? rng.int(1, 5)
          : rng.weighted([
              [1, 20],
              [2, 30],
              [3, 25],
              [5, 12],
              [8, 8],
              [12, 5],
            ]),
    );
    if (wantsGpu) {
      replicas = Math.min(replicas, gpusLeft);
      gpusLeft -= replicas;
    }
    const hash = workload.labels['pod-template-hash'];
    for (let r = 0; r < replicas; r++) {
      const name =
        kind === 'StatefulSet'
          ? podName(namespace, `${workload.name}-${r}`)
          : kind === 'None'
            ? workload.name
            : podName(namespace, `${workload.name}-${hash ?? suffix(10)}-${suffix(5)}`);
      // Spread pending pods over the run; the odds reach 1 when only pending slots are left.
      const isPending = pendingLeft > 0 && rng.chance(pendingLeft / (running + pending - made));
      if (isPending) {
        pendingLeft--;
        place(workload, name, undefined, 'Pending', unschedulable(workload.gpu, 'cpu'));
      } else {
        const requests = requestsOf(workload);
        const nodePicker = workload.gpu ? gpuPicker : picker;
        const index = nodePicker.pick(requests);
        const node = index >= 0 ? plans[index] : undefined;
        if (node !== undefined) place(workload, name, node, 'Running');
        else
          place(workload, name, undefined, 'Pending', unschedulable(workload.gpu, nodePicker.insufficient));
        if (!workload.gpu) {
          placed++;
          if (node !== undefined) cpuBudgetMilli -= requests.cpuMilli;
        }
      }
      made++;
    }
  }
  // Finished Job pods stay bound to the node they ran on but no longer take any of its resources.
  let terminalMade = 0;
  while (terminalMade < terminal) {
    const namespace = rng.pick(appNamespaces);
    const workload = jobWorkload(namespace, rng, now, uniqueName);
    const count = Math.min(terminal - terminalMade, rng.int(1, 3));
    for (let r = 0; r < count; r++) {
      const phase: PodPhase = r === count - 1 && !rng.chance(0.2) ? 'Succeeded' : 'Failed';
      const node = fallback[terminalCursor++ % fallback.length];
      place(workload, podName(namespace, `${workload.name}-${suffix(5)}`), node, phase);
      terminalMade++;
    }
  }

  // --- node metrics and namespaces --------------------------------------------------------------------
  const nodeMetrics: NodeMetrics[] = [];
  for (const plan of plans) {
    if (!plan.metrics || !plan.ready) continue;
    const systemCpu = rng.int(150, 600) * 1e6;
    const systemMemory = rng.int(800, 2048) * 2 ** 20;
    const cpuNano = Math.min(plan.pool.cpu * 1e9 * 0.98, plan.cpuNano + systemCpu);
    const memoryBytes = Math.min(plan.pool.memoryGiB * 2 ** 30 * 0.97, plan.memoryBytes + systemMemory);
    nodeMetrics.push({
      metadata: { name: plan.name, creationTimestamp: nowIso, labels: { ...plan.node.metadata.labels } },
      timestamp: iso(now - rng.int(1, 15) * 1000),
      window: rng.pick(METRICS_WINDOWS),
      usage: { cpu: `${Math.round(cpuNano)}n`, memory: `${Math.round(memoryBytes / 1024)}Ki` },
    });
  }

  const namespaceSet = new Set([
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    ...pods.map((p) => p.metadata.namespace ?? 'default'),
  ]);
  const namespaces: Namespace[] = [...namespaceSet].sort().map((name) => ({
    metadata: {
      name,
      uid: rng.uuid(),
      creationTimestamp: iso(clusterCreated),
      labels: { 'kubernetes.io/metadata.name': name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  }));

  const workloads = workloadsFromPods(pods);
  const hpas = buildHpas({
    count: options.hpas ?? 0,
    // A PRNG of their own (seed offset by the ASCII of "HPA"), so adding HPAs changes nothing else.
    seed: (options.seed ?? 1) + 0x485041,
    now,
    pods,
    podMetrics,
    deployments: workloads.deployments,
  });
  return {
    nodes: plans.map((p) => p.node),
    pods,
    nodeMetrics,
    podMetrics,
    namespaces,
    ...workloads,
    ...hpas,
  };
}

/**
 * The cluster the CLI demo shows: 20 nodes, about 600 pods in 8 namespaces, one node without
 * metrics, and three HPAs (demo-hpas.ts: two working, one stuck). Timestamps are relative to `now` (default: the current time) so ages look fresh.
 */
export function demoCluster(options: { now?: Date; seed?: number } = {}): ClusterFixture {
  const seed = options.seed ?? 42;
  const now = options.now ?? new Date();
  const fixture = buildCluster({
    nodes: 20,
    podsPerNode: 30,
    namespaces: 8,
    seed,
    now,
    nodesWithoutMetrics: 1,
  });
  return { ...fixture, ...demoHpas({ ...fixture, now: now.getTime(), seed }) };
}

function namespaceNames(count: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push(APP_NAMESPACES[i] ?? `team-${String(i + 1).padStart(3, '0')}`);
  return names;
}

function buildNode(plan: NodeDraft, rng: SeededRandom, now: number): Node {
  const { pool, name } = plan;
  const zone = ZONES[plan.index % ZONES.length] ?? 'eu-west-1a';
  const memoryCapacityKi = Math.floor(pool.memoryGiB * 1048576 * 0.985) - rng.int(0, 60_000);
  const hugepages = pool.hugepages2Mi ?? '0';
  const hugepagesKi = hugepages === '1Gi' ? 1048576 : 0;
  const reservedKi = 102_400 + Math.floor(pool.memoryGiB * 1048576 * 0.03);
  const cpuAllocatable =
    pool.cpu <= 8
      ? `${pool.cpu * 1000 - 90}m`
      : pool.cpu >= 48
        ? `${pool.cpu * 1000 - 190}m`
        : String(pool.cpu);
  const storageKi = 101_430_960;
  const capacity: ResourceList = {
    cpu: String(pool.cpu),
    'ephemeral-storage': `${storageKi}Ki`,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': hugepages,
    memory: `${memoryCapacityKi}Ki`,
    pods: String(pool.maxPods),
  };
  const allocatable: ResourceList = {
    cpu: cpuAllocatable,
    'ephemeral-storage': String(Math.floor(storageKi * 1024 * 0.9)),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': hugepages,
    memory: `${memoryCapacityKi - reservedKi - hugepagesKi}Ki`,
    pods: String(pool.maxPods),
  };
  if (pool.gpus !== undefined) {
    capacity['nvidia.com/gpu'] = String(pool.gpus);
    allocatable['nvidia.com/gpu'] = String(pool.gpus);
  }
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': pool.architecture,
    'beta.kubernetes.io/instance-type': pool.instanceType,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': pool.architecture,
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': pool.instanceType,
    'node-pool': pool.name,
    'topology.kubernetes.io/region': REGION,
    'topology.kubernetes.io/zone': zone,
  };
  if (plan.controlPlane) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  if (pool.gpus !== undefined) {
    labels['node-role.kubernetes.io/gpu'] = '';
    labels['nvidia.com/gpu.present'] = 'true';
  }
  const heartbeat = iso(now - rng.int(1, 40) * 1000);
  const since = iso(plan.createdMs + 30_000);
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: since,
    reason,
    message,
  });
  const node: Node = {
    metadata: {
      name,
      uid: rng.uuid(),
      creationTimestamp: iso(plan.createdMs),
      labels,
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: `${plan.podPrefix}0/24`,
      providerID: `aws:///${zone}/i-0${rng.hex(16)}`,
    },
    status: {
      capacity,
      allocatable,
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        plan.ready
          ? condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
          : condition('Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'),
      ],
      addresses: [
        { type: 'InternalIP', address: plan.internalIP },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        machineID: rng.hex(32),
        systemUUID: rng.uuid().toUpperCase(),
        bootID: rng.uuid(),
        kernelVersion:
          pool.architecture === 'arm64'
            ? '6.1.128-136.201.amzn2023.aarch64'
            : '6.1.128-136.201.amzn2023.x86_64',
        osImage: 'Amazon Linux 2023.6.20250303',
        containerRuntimeVersion: 'containerd://1.7.25',
        kubeletVersion: 'v1.32.4',
        kubeProxyVersion: 'v1.32.4',
        operatingSystem: 'linux',
        architecture: pool.architecture,
      },
    },
  };
  if (plan.controlPlane)
    node.spec!.taints = [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }];
  if (pool.gpus !== undefined)
    node.spec!.taints = [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }];
  if (!plan.ready) {
    node.spec!.taints = [
      ...(node.spec!.taints ?? []),
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
    ];
  }
  return node;
}

function resources(
  cpu: CpuChoice | undefined,
  memory: MemoryChoice | undefined,
  limits: boolean,
): ResourceRequirements {
  const requests: ResourceList = {};
  const limitList: ResourceList = {};
  if (cpu !== undefined) {
    requests.cpu = cpu[0];
    if (limits && cpu[2] !== undefined) limitList.cpu = cpu[2];
  }
  if (memory !== undefined) {
    requests.memory = memory[0];
    if (limits && memory[2] !== undefined) limitList.memory = memory[2];
  }
  const result: ResourceRequirements = {};
  if (Object.keys(requests).length > 0) result.requests = requests;
  if (Object.keys(limitList).length > 0) result.limits = limitList;
  return result;
}

function containerPlan(
  name: string,
  image: string,
  rng: SeededRandom,
  options: {
    bestEffortChance?: number;
    gpu?: boolean;
    helper?: boolean;
    cpuTable?: readonly (readonly [CpuChoice, number])[];
  } = {},
): ContainerPlan {
  if (options.gpu !== true && rng.chance(options.bestEffortChance ?? MAIN_BEST_EFFORT_CHANCE)) {
    return containerPlanOf({ name, image, resources: {} }, undefined, undefined);
  }
  const [cpuTable, memoryTable] =
    options.gpu === true
      ? [GPU_CPU_TABLE, GPU_MEMORY_TABLE]
      : options.helper === true
        ? [HELPER_CPU_TABLE, HELPER_MEMORY_TABLE]
        : [options.cpuTable ?? CPU_TABLE, MEMORY_TABLE];
  const cpu = rng.weighted(cpuTable);
  const memory = rng.weighted(memoryFor(cpu[1], memoryTable, rng));
  const container: Container = { name, image, resources: resources(cpu, memory, rng.chance(0.6)) };
  if (options.gpu === true) {
    container.resources!.requests = { ...container.resources!.requests, 'nvidia.com/gpu': '1' };
    container.resources!.limits = { ...container.resources!.limits, 'nvidia.com/gpu': '1' };
  }
  return containerPlanOf(container, cpu[1], memory[1]);
}

/** GiB of memory asked per core of CPU, by weight: services ask 2–5, caches and JVMs more. */
const MEMORY_PER_CORE: readonly (readonly [number, number])[] = [
  [2, 2],
  [3, 3],
  [5, 4],
  [8, 2],
  [12, 1],
];
type MemoryTable = readonly (readonly [MemoryChoice, number])[];
const memoryTables = new WeakMap<MemoryTable, Map<number, MemoryTable>>();

/**
 * The memory choices re-weighted around what a container asking for `cpuMilli` typically asks
 * (memory grows with CPU, at a per-core ratio drawn from {@link MEMORY_PER_CORE}).
 */
function memoryFor(cpuMilli: number, table: MemoryTable, rng: SeededRandom): MemoryTable {
  const perCore = rng.weighted(MEMORY_PER_CORE);
  let byTarget = memoryTables.get(table);
  if (byTarget === undefined) memoryTables.set(table, (byTarget = new Map<number, MemoryTable>()));
  const key = cpuMilli * 1000 + perCore;
  let weighted = byTarget.get(key);
  if (weighted === undefined) {
    const target = Math.log2((cpuMilli / 1000) * perCore * 2 ** 30);
    weighted = table.map(([choice, weight]) => {
      const distance = Math.log2(choice[1]) - target;
      return [choice, weight * Math.exp(-(distance * distance) / 2)] as const;
    });
    byTarget.set(key, weighted);
  }
  return weighted;
}

function daemonSetWorkload(
  namespace: string,
  name: string,
  cpu: string,
  memory: string,
  rng: SeededRandom,
  createdMs: number,
): Workload {
  const hash = rng.string(10, NAME_SUFFIX_ALPHABET);
  const cpuChoice: CpuChoice = CPU_CHOICES.find((c) => c[0] === cpu) ?? [cpu, 100, undefined, 0];
  const memoryChoice: MemoryChoice = MEMORY_CHOICES.find((m) => m[0] === memory) ?? [
    memory,
    64 * 2 ** 20,
    undefined,
    0,
  ];
  return {
    namespace,
    name,
    kind: 'DaemonSet',
    ownerName: name,
    ownerUid: rng.uuid(),
    labels: {
      'app.kubernetes.io/name': name,
      'controller-revision-hash': hash,
      'pod-template-generation': '1',
    },
    containers: [
      containerPlanOf(
        {
          name,
          image: `registry.k8s.io/${name}:v1.32.4`,
          resources: resources(cpuChoice, memoryChoice, true),
        },
        cpuChoice[1],
        memoryChoice[1],
      ),
    ],
    initContainers: [],
    priorityClassName: 'system-node-critical',
    restartPolicy: 'Always',
    tolerations: [{ operator: 'Exists' }],
    gpu: false,
    createdMs: createdMs + 3_600_000,
  };
}

function staticPodWorkload(component: string, node: NodePlan, rng: SeededRandom): Workload {
  const cpu = component === 'kube-apiserver' ? '250m' : component === 'etcd' ? '100m' : '200m';
  const cpuChoice: CpuChoice = CPU_CHOICES.find((c) => c[0] === cpu) ?? ['100m', 100, undefined, 0];
  const memoryChoice = component === 'etcd' ? MEMORY_CHOICES.find((m) => m[0] === '100Mi') : undefined;
  return {
    namespace: 'kube-system',
    name: `${component}-${node.name}`,
    kind: 'Node',
    ownerName: node.name,
    ownerUid: node.node.metadata.uid ?? rng.uuid(),
    labels: { component, tier: 'control-plane' },
    containers: [
      containerPlanOf(
        {
          name: component,
          image: `registry.k8s.io/${component}:${component === 'etcd' ? '3.5.16-0' : 'v1.32.4'}`,
          resources: resources(cpuChoice, memoryChoice, false),
        },
        cpuChoice[1],
        memoryChoice?.[1],
      ),
    ],
    initContainers: [],
    priorityClassName: 'system-node-critical',
    restartPolicy: 'Always',
    tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
    gpu: false,
    createdMs: node.createdMs + 60_000,
  };
}

function appWorkload(
  namespace: string,
  kind: 'ReplicaSet' | 'StatefulSet' | 'None',
  gpu: boolean,
  cpuTable: readonly (readonly [CpuChoice, number])[],
  rng: SeededRandom,
  clusterCreated: number,
  now: number,
  uniqueName: (namespace: string, base: string) => string,
): Workload {
  const base = kind === 'StatefulSet' ? rng.pick(STATEFUL_NAMES) : gpu ? 'trainer' : rng.pick(APP_NAMES);
  const name = uniqueName(namespace, kind === 'None' ? `${base}-debug` : base);
  const hash = rng.string(10, NAME_SUFFIX_ALPHABET);
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': base,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/part-of': namespace,
    tier: rng.pick(['frontend', 'backend', 'backend', 'cache', 'data']),
  };
  if (kind === 'ReplicaSet') labels['pod-template-hash'] = hash;
  if (kind === 'StatefulSet')
    labels['controller-revision-hash'] = `${name}-${rng.string(10, NAME_SUFFIX_ALPHABET)}`;
  const containerCount = rng.weighted([
    [1, 70],
    [2, 22],
    [3, 8],
  ] as const);
  const image = `registry.example.com/${namespace}/${base}:${rng.int(1, 4)}.${rng.int(0, 30)}.${rng.int(0, 9)}`;
  const containers = [containerPlan(base, image, rng, { gpu, cpuTable })];
  const helpers = ['metrics-exporter', 'log-shipper', 'config-reloader'];
  for (let c = 1; c < containerCount; c++) {
    // Container names are unique within a pod.
    const helper = helpers.splice(rng.int(0, helpers.length - 1), 1)[0] ?? `helper-${c}`;
    containers.push(
      containerPlan(helper, `registry.example.com/tools/helper:1.${c}`, rng, {
        bestEffortChance: 0.25,
        helper: true,
      }),
    );
  }
  const initContainers: ContainerPlan[] = [];
  if (rng.chance(0.15)) {
    const cpu = rng.weighted(INIT_CPU_TABLE);
    const memory = rng.weighted(INIT_MEMORY_TABLE);
    initContainers.push(
      containerPlanOf(
        { name: 'migrate', image: `${image}-migrations`, resources: resources(cpu, memory, false) },
        cpu[1],
        memory[1],
      ),
    );
  }
  if (rng.chance(0.1)) {
    initContainers.push(
      containerPlanOf(
        {
          name: 'istio-proxy',
          image: 'docker.io/istio/proxyv2:1.24.2',
          restartPolicy: 'Always',
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
        },
        100,
        128 * 2 ** 20,
      ),
    );
  }
  const workload: Workload = {
    namespace,
    name,
    kind,
    ownerName: kind === 'ReplicaSet' ? `${name}-${hash}` : name,
    ownerUid: rng.uuid(),
    labels,
    containers,
    initContainers,
    restartPolicy: 'Always',
    gpu,
    createdMs: Math.max(clusterCreated, now - rng.int(1, 90) * DAY - rng.int(0, DAY)),
    ...(gpu ? { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] } : {}),
  };
  // RuntimeClass overhead (e.g. Kata) and pod-level resources on a few workloads.
  if (rng.chance(0.03)) workload.overhead = { cpu: '250m', memory: '160Mi' };
  if (rng.chance(0.02)) {
    const podResources = podLevelResources(workload);
    if (podResources !== undefined) workload.podResources = podResources;
  }
  return workload;
}

/**
 * The smallest pod-level resources of `POD_LEVEL_CHOICES` that API validation accepts: requests at
 * least the container aggregate, limits at least every container's limit.
 */
function podLevelResources(workload: Workload): ResourceRequirements | undefined {
  const containers = [...workload.containers, ...workload.initContainers].map((c) => c.container);
  const aggregate = aggregateContainerRequests({
    containers: workload.containers.map((c) => c.container),
    initContainers: workload.initContainers.map((c) => c.container),
  });
  const atLeast = (text: string, amount: bigint | undefined): boolean =>
    amount === undefined || quantityNanos(text) >= amount;
  for (const [cpu, memory, cpuLimit, memoryLimit] of POD_LEVEL_CHOICES) {
    const fits =
      atLeast(cpu, aggregate.get('cpu')) &&
      atLeast(memory, aggregate.get('memory')) &&
      containers.every((c) => {
        const limits = c.resources?.limits;
        const cpuMax = limits?.['cpu'];
        const memoryMax = limits?.['memory'];
        return (
          atLeast(cpuLimit, cpuMax === undefined ? undefined : quantityNanos(cpuMax)) &&
          atLeast(memoryLimit, memoryMax === undefined ? undefined : quantityNanos(memoryMax))
        );
      });
    if (fits) return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
  }
  return undefined;
}

function jobWorkload(
  namespace: string,
  rng: SeededRandom,
  now: number,
  uniqueName: (namespace: string, base: string) => string,
): Workload {
  const base = rng.pick(JOB_NAMES);
  const createdMs = now - rng.int(10, 60 * 24 * 3) * 60_000;
  const name = uniqueName(namespace, `${base}-${Math.floor(createdMs / 60_000)}`);
  const cpu = rng.weighted(CPU_TABLE);
  const memory = rng.weighted(MEMORY_TABLE);
  return {
    namespace,
    name,
    kind: 'Job',
    ownerName: name,
    ownerUid: rng.uuid(),
    labels: { 'batch.kubernetes.io/job-name': name, 'job-name': name, 'app.kubernetes.io/name': base },
    containers: [
      containerPlanOf(
        {
          name: base,
          image: `registry.example.com/jobs/${base}:2.1.0`,
          resources: resources(cpu, memory, true),
        },
        cpu[1],
        memory[1],
      ),
    ],
    initContainers: [],
    restartPolicy: 'Never',
    gpu: false,
    createdMs,
  };
}

/** The tolerations admission adds to every pod; shared (fixtures are read-only) to save memory. */
const DEFAULT_TOLERATIONS: NonNullable<Pod['spec']['tolerations']> = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
];

const OWNER_API_VERSION: Readonly<Record<string, string>> = {
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  Node: 'v1',
};

function qosClass(workload: Workload): string {
  const all = [...workload.containers, ...workload.initContainers].map((c) => c.container.resources ?? {});
  if (all.every((r) => r.requests === undefined && r.limits === undefined)) return 'BestEffort';
  const guaranteed = all.every(
    (r) =>
      r.limits?.cpu !== undefined &&
      r.limits.memory !== undefined &&
      r.requests?.cpu === r.limits.cpu &&
      r.requests.memory === r.limits.memory,
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function buildPod(
  workload: Workload,
  name: string,
  node: NodePlan | undefined,
  phase: PodPhase,
  rng: SeededRandom,
  now: number,
  pendingMessage?: string,
): Pod {
  const createdMs = Math.min(
    now - 60_000,
    Math.max(workload.createdMs, node?.createdMs ?? 0) + rng.int(0, 3_600_000),
  );
  const startedMs = createdMs + rng.int(2, 40) * 1000;
  const metadata: Pod['metadata'] = {
    name,
    namespace: workload.namespace,
    uid: rng.uuid(),
    creationTimestamp: iso(createdMs),
    labels: { ...workload.labels },
  };
  if (workload.kind === 'StatefulSet') metadata.labels!['statefulset.kubernetes.io/pod-name'] = name;
  if (workload.kind !== 'None') {
    const owner: OwnerReference = {
      apiVersion: OWNER_API_VERSION[workload.kind] ?? 'v1',
      kind: workload.kind,
      name: workload.ownerName,
      uid: workload.ownerUid,
      controller: true,
    };
    if (workload.kind !== 'Node') owner.blockOwnerDeletion = true;
    metadata.ownerReferences = [owner];
  }
  if (workload.kind === 'Node') {
    metadata.annotations = {
      'kubernetes.io/config.source': 'file',
      'kubernetes.io/config.mirror': rng.hex(32),
    };
  }

  const spec: Pod['spec'] = {
    containers: workload.containers.map((c) => c.container),
    restartPolicy: workload.restartPolicy,
    schedulerName: 'default-scheduler',
    serviceAccountName: workload.kind === 'Node' ? undefined : 'default',
    tolerations: workload.tolerations ?? DEFAULT_TOLERATIONS,
  };
  if (spec.serviceAccountName === undefined) delete spec.serviceAccountName;
  if (node !== undefined) spec.nodeName = node.name;
  if (workload.initContainers.length > 0)
    spec.initContainers = workload.initContainers.map((c) => c.container);
  if (workload.overhead !== undefined) spec.overhead = workload.overhead;
  if (workload.podResources !== undefined) spec.resources = workload.podResources;
  if (workload.priorityClassName !== undefined) spec.priorityClassName = workload.priorityClassName;

  const time = iso(startedMs);
  const status: NonNullable<Pod['status']> = { phase, qosClass: qosClass(workload) };
  if (node === undefined) {
    const unschedulable: PodCondition & { reason: string; message: string } = {
      type: 'PodScheduled',
      status: 'False',
      lastTransitionTime: iso(createdMs),
      reason: 'Unschedulable',
      message:
        pendingMessage ??
        '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    };
    status.conditions = [unschedulable];
    return { metadata, spec, status };
  }
  status.hostIP = node.internalIP;
  status.podIP =
    workload.kind === 'Node' || (workload.kind === 'DaemonSet' && workload.name === 'kube-proxy')
      ? node.internalIP
      : `${node.podPrefix}${(node.podCount % 253) + 2}`;
  status.startTime = iso(createdMs + 1000);

  const crashLooping = phase === 'Running' && workload.kind !== 'Node' && rng.chance(0.005);
  const terminated = phase === 'Succeeded' || phase === 'Failed';
  const ready = phase === 'Running' && !crashLooping && node.ready;
  status.initContainerStatuses =
    workload.initContainers.length > 0
      ? workload.initContainers.map((c) => initStatus(c.container, time))
      : undefined;
  if (status.initContainerStatuses === undefined) delete status.initContainerStatuses;
  status.containerStatuses = workload.containers.map((c, i): ContainerStatus => {
    const restartCount = crashLooping && i === 0 ? rng.int(12, 300) : rng.chance(0.05) ? rng.int(1, 5) : 0;
    let state: Record<string, unknown>;
    if (terminated) {
      state = {
        terminated: {
          exitCode: phase === 'Succeeded' ? 0 : 1,
          reason: phase === 'Succeeded' ? 'Completed' : 'Error',
          startedAt: time,
          finishedAt: iso(startedMs + rng.int(5, 1800) * 1000),
        },
      };
    } else if (crashLooping && i === 0) {
      state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off 5m0s restarting failed container=${c.container.name} pod=${name}_${workload.namespace}(${metadata.uid ?? ''})`,
        },
      };
    } else {
      state = { running: { startedAt: time } };
    }
    return {
      name: c.container.name,
      ready: ready,
      restartCount,
      image: c.container.image,
      state,
    };
  });
  const condition = (type: string, value: boolean): PodCondition => ({
    type,
    status: value ? 'True' : 'False',
    lastTransitionTime: time,
  });
  status.conditions = [
    condition('PodReadyToStartContainers', !terminated),
    condition('Initialized', true),
    condition('Ready', ready),
    condition('ContainersReady', ready),
    condition('PodScheduled', true),
  ];
  return { metadata, spec, status };
}

function initStatus(container: Container, time: string): ContainerStatus {
  if (container.restartPolicy === 'Always') {
    return {
      name: container.name,
      ready: true,
      restartCount: 0,
      image: container.image,
      state: { running: { startedAt: time } },
    };
  }
  return {
    name: container.name,
    ready: true,
    restartCount: 0,
    image: container.image,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: time, finishedAt: time } },
  };
}

/**
 * CPU a container uses: mostly 10–90% of its request, sometimes bursting above it (up to the
 * limit, or 1.5× the request without one); a few dozen millicores without a request.
 */
function containerCpuNano(c: ContainerPlan, rng: SeededRandom): number {
  if (c.cpuMilli === undefined) return rng.int(1, 40) * 1e6;
  const request = c.cpuMilli * 1e6;
  if (rng.chance(0.1)) {
    const ceiling = c.cpuLimitMilli === undefined ? request * 1.5 : c.cpuLimitMilli * 1e6;
    if (ceiling > request) return request + rng.next() * (ceiling - request);
  }
  return request * (0.1 + rng.next() * 0.8);
}

function buildPodMetrics(
  pod: Pod,
  workload: Workload,
  rng: SeededRandom,
  now: number,
  nowIso: string,
): { metrics: PodMetrics; cpuNano: number; memoryBytes: number } {
  let cpuNano = 0;
  let memoryBytes = 0;
  const running = [
    ...workload.initContainers.filter((c) => c.container.restartPolicy === 'Always'),
    ...workload.containers,
  ];
  const containers = running.map((c) => {
    const cpuLimit = c.cpuLimitMilli === undefined ? Infinity : c.cpuLimitMilli * 1e6;
    const cpu = Math.min(cpuLimit, containerCpuNano(c, rng) + rng.int(0, 999_999));
    const memoryLimit = c.memoryLimitBytes === undefined ? Infinity : c.memoryLimitBytes * 0.98;
    const memory = Math.min(
      memoryLimit,
      c.memoryBytes === undefined ? rng.int(20, 200) * 2 ** 20 : c.memoryBytes * (0.3 + rng.next() * 0.8),
    );
    const cpuRounded = Math.max(1, Math.round(cpu));
    const memoryKi = Math.max(1, Math.round(memory / 1024));
    cpuNano += cpuRounded;
    memoryBytes += memoryKi * 1024;
    return { name: c.container.name, usage: { cpu: `${cpuRounded}n`, memory: `${memoryKi}Ki` } };
  });
  return {
    metrics: {
      metadata: {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        creationTimestamp: nowIso,
        labels: { ...pod.metadata.labels },
      },
      timestamp: iso(now - rng.int(1, 20) * 1000),
      window: rng.pick(METRICS_WINDOWS),
      containers,
    },
    cpuNano,
    memoryBytes,
  };
}
