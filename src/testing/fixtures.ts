/**
 * Deterministic, realistic cluster fixtures: nodes from several pools (control plane, general,
 * large, high-memory with hugepages, arm64, GPU), pods owned by ReplicaSets, StatefulSets,
 * DaemonSets, Jobs, static mirror pods and bare pods, with the resource notations real manifests
 * use, init and sidecar containers, RuntimeClass overhead, pod-level resources, pending and
 * terminal pods — and metrics as metrics-server reports them (CPU in nanocores, memory in Ki).
 * The same options and seed give the same objects on every run (seeded PRNG, fixed default clock).
 */
import type {
  Container,
  ContainerStatus,
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
  GPU_POOL,
  JOB_NAMES,
  MEMORY_CHOICES,
  METRICS_WINDOWS,
  NAME_SUFFIX_ALPHABET,
  REGION,
  STATEFUL_NAMES,
  WORKER_POOLS,
  ZONES,
  type NodePool,
} from './fixture-catalog.js';
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
  /** Pods without a node (Pending, Unschedulable); default 1% of application pods. */
  pendingPods?: number;
  /** Job pods that Succeeded or Failed; default 2% of application pods. */
  terminalPods?: number;
}

/** What {@link buildCluster} returns; spread it into `startTestCluster`'s options. */
export interface ClusterFixture {
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
  podCount: number;
  /** Sums of the usage of pods on the node. */
  cpuNano: number;
  memoryBytes: number;
}

interface ContainerPlan {
  readonly container: Container;
  readonly cpuMilli: number | undefined;
  readonly memoryBytes: number | undefined;
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

  const place = (workload: Workload, podName: string, node: NodePlan | undefined, phase: PodPhase): void => {
    const pod = buildPod(workload, podName, node, phase, rng, now);
    pods.push(pod);
    if (node !== undefined) node.podCount++;
    if (node === undefined || phase !== 'Running' || !node.metrics || !node.ready) return;
    if (rng.chance(0.002)) return; // just started: metrics-server has no sample yet
    const metrics = buildPodMetrics(pod, workload, rng, now, nowIso);
    podMetrics.push(metrics.metrics);
    node.cpuNano += metrics.cpuNano;
    node.memoryBytes += metrics.memoryBytes;
  };

  // DaemonSets run on every node; GPU nodes also run the device plugin.
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

  const schedulable = workers.filter((p) => p.pool !== GPU_POOL && p.ready);
  const fallback = schedulable.length > 0 ? schedulable : workers.length > 0 ? workers : plans;
  const gpuNodes = plans.filter((p) => p.pool === GPU_POOL && p.ready);
  let cursor = rng.int(0, fallback.length - 1);
  let gpuCursor = 0;
  const nextNode = (gpu: boolean): NodePlan => {
    if (gpu && gpuNodes.length > 0) return gpuNodes[gpuCursor++ % gpuNodes.length]!;
    return fallback[cursor++ % fallback.length]!;
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
    const wantsGpu = gpuNodes.length > 0 && namespace === 'ml' && rng.chance(0.5);
    const workload = appWorkload(namespace, kind, wantsGpu, rng, clusterCreated, now, uniqueName);
    const replicas = Math.min(
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
      if (isPending) pendingLeft--;
      place(
        workload,
        name,
        isPending ? undefined : nextNode(workload.gpu),
        isPending ? 'Pending' : 'Running',
      );
      made++;
    }
  }
  let terminalMade = 0;
  while (terminalMade < terminal) {
    const namespace = rng.pick(appNamespaces);
    const workload = jobWorkload(namespace, rng, now, uniqueName);
    const count = Math.min(terminal - terminalMade, rng.int(1, 3));
    for (let r = 0; r < count; r++) {
      const phase: PodPhase = r === count - 1 && !rng.chance(0.2) ? 'Succeeded' : 'Failed';
      place(workload, podName(namespace, `${workload.name}-${suffix(5)}`), nextNode(false), phase);
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

  return { nodes: plans.map((p) => p.node), pods, nodeMetrics, podMetrics, namespaces };
}

/**
 * The cluster the CLI demo shows: 20 nodes, about 600 pods in 8 namespaces, one node without
 * metrics. Timestamps are relative to `now` (default: the current time) so ages look fresh.
 */
export function demoCluster(options: { now?: Date; seed?: number } = {}): ClusterFixture {
  return buildCluster({
    nodes: 20,
    podsPerNode: 30,
    namespaces: 8,
    seed: options.seed ?? 42,
    now: options.now ?? new Date(),
    nodesWithoutMetrics: 1,
  });
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
  cpu: (typeof CPU_CHOICES)[number] | undefined,
  memory: (typeof MEMORY_CHOICES)[number] | undefined,
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
  options: { bestEffortChance?: number; gpu?: boolean } = {},
): ContainerPlan {
  if (rng.chance(options.bestEffortChance ?? 0.08)) {
    return { container: { name, image, resources: {} }, cpuMilli: undefined, memoryBytes: undefined };
  }
  const cpu = rng.pick(CPU_CHOICES);
  const memory = rng.pick(MEMORY_CHOICES);
  const container: Container = { name, image, resources: resources(cpu, memory, rng.chance(0.6)) };
  if (options.gpu === true) {
    container.resources!.requests = { ...container.resources!.requests, 'nvidia.com/gpu': '1' };
    container.resources!.limits = { ...container.resources!.limits, 'nvidia.com/gpu': '1' };
  }
  return { container, cpuMilli: cpu[1], memoryBytes: memory[1] };
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
  const cpuChoice = CPU_CHOICES.find((c) => c[0] === cpu) ?? ([cpu, 100, undefined] as const);
  const memoryChoice =
    MEMORY_CHOICES.find((m) => m[0] === memory) ?? ([memory, 64 * 2 ** 20, undefined] as const);
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
      {
        container: {
          name,
          image: `registry.k8s.io/${name}:v1.32.4`,
          resources: resources(cpuChoice, memoryChoice, true),
        },
        cpuMilli: cpuChoice[1],
        memoryBytes: memoryChoice[1],
      },
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
  const cpuChoice = CPU_CHOICES.find((c) => c[0] === cpu) ?? (['100m', 100, undefined] as const);
  const memoryChoice = component === 'etcd' ? MEMORY_CHOICES.find((m) => m[0] === '100Mi') : undefined;
  return {
    namespace: 'kube-system',
    name: `${component}-${node.name}`,
    kind: 'Node',
    ownerName: node.name,
    ownerUid: node.node.metadata.uid ?? rng.uuid(),
    labels: { component, tier: 'control-plane' },
    containers: [
      {
        container: {
          name: component,
          image: `registry.k8s.io/${component}:${component === 'etcd' ? '3.5.16-0' : 'v1.32.4'}`,
          resources: resources(cpuChoice, memoryChoice, false),
        },
        cpuMilli: cpuChoice[1],
        memoryBytes: memoryChoice?.[1],
      },
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
  const containers = [containerPlan(base, image, rng, { gpu })];
  for (let c = 1; c < containerCount; c++) {
    containers.push(
      containerPlan(
        rng.pick(['metrics-exporter', 'log-shipper', 'config-reloader']),
        `registry.example.com/tools/helper:1.${c}`,
        rng,
        { bestEffortChance: 0.25 },
      ),
    );
  }
  const initContainers: ContainerPlan[] = [];
  if (rng.chance(0.15)) {
    const cpu = rng.pick(CPU_CHOICES.filter((c) => c[1] >= 500));
    const memory = rng.pick(MEMORY_CHOICES.filter((m) => m[1] >= 256 * 2 ** 20));
    initContainers.push({
      container: { name: 'migrate', image: `${image}-migrations`, resources: resources(cpu, memory, false) },
      cpuMilli: cpu[1],
      memoryBytes: memory[1],
    });
  }
  if (rng.chance(0.1)) {
    initContainers.push({
      container: {
        name: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:1.24.2',
        restartPolicy: 'Always',
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
      },
      cpuMilli: 100,
      memoryBytes: 128 * 2 ** 20,
    });
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
    workload.podResources = { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } };
  }
  return workload;
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
  const cpu = rng.pick(CPU_CHOICES);
  const memory = rng.pick(MEMORY_CHOICES);
  return {
    namespace,
    name,
    kind: 'Job',
    ownerName: name,
    ownerUid: rng.uuid(),
    labels: { 'batch.kubernetes.io/job-name': name, 'job-name': name, 'app.kubernetes.io/name': base },
    containers: [
      {
        container: {
          name: base,
          image: `registry.example.com/jobs/${base}:2.1.0`,
          resources: resources(cpu, memory, true),
        },
        cpuMilli: cpu[1],
        memoryBytes: memory[1],
      },
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
    const cpu =
      c.cpuMilli === undefined ? rng.int(1, 50) * 1e6 : c.cpuMilli * 1e6 * (0.05 + rng.next() * 1.2);
    const memory =
      c.memoryBytes === undefined ? rng.int(20, 200) * 2 ** 20 : c.memoryBytes * (0.3 + rng.next() * 0.8);
    const cpuRounded = Math.max(1, Math.round(cpu + rng.int(0, 999_999)));
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
