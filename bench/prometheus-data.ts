/**
 * Synthetic Prometheus data for the Prometheus provider's tests and benchmark: pods spread over
 * namespaces and nodes, each with `seriesPerPod` series in the shapes the provider's rules read,
 * plus two series per node:
 *
 *     slot  series (labels namespace, pod, node, app on every pod series)
 *     0     container_cpu_usage_seconds_total{container="app"}       counter, 0.010-0.500 cores
 *     1     container_memory_working_set_bytes{container="app"}      gauge, 32-1024 MiB
 *     2     http_requests_total{code="200",method="GET"}             counter, 0.1-20.0 /s
 *     3     http_requests_total{code="500",method="GET"}             counter, 0.0-2.0 /s
 *     4     http_requests_total{code="200",method="POST"}            counter, 0.1-5.0 /s
 *     5     queue_depth                                               gauge, 0-100
 *     6     container_cpu_usage_seconds_total{container="sidecar"}   counter, 0.001-0.050 cores
 *     7     container_memory_working_set_bytes{container="sidecar"}  gauge, 8-64 MiB
 *     8     http_requests_total{code="404",method="GET"}             counter, 0.0-1.0 /s
 *     9     process_open_fds                                          gauge, 10-1000
 *     10+   synthetic_gauge{slot="<n>"}                               gauge, 0-1000
 *     node_cpu_usage_seconds_total{node}     counter: its pods' container CPU + 0.100-0.500 cores
 *     node_memory_working_set_bytes{node}    gauge: its pods' container memory + 512-2048 MiB
 *
 * Pod `i` is `<app>-<i>` in namespace `ns-<i mod namespaces>` on node `node-<i mod nodes>`.
 * Every value is a pure function of (seed, pod, slot) and lands on a round grid (millicores,
 * MiB, tenths of a request per second, integers), so a test computes the expected answer with
 * {@link SyntheticPodData.podUsage} and friends instead of re-deriving it. Counters are written
 * with the harness' `counter()`, so `rate(x[5m])` equals the value (see its comment for when).
 *
 * Series are generated lazily and written grouped by metric name, as OpenMetrics wants:
 * `startPrometheus({ series: data.write })`.
 */
import type { Labels, SampleWindow, SeriesData } from '../test/helpers/prometheus.js';
import { counter, gauge, sampleWindow, writeOpenMetrics } from '../test/helpers/prometheus.js';

export interface SyntheticPodSeriesOptions {
  pods: number;
  seriesPerPod: number;
  namespaces: number;
  /** Default `ceil(pods / 30)`. */
  nodes?: number;
  /** Default 1. */
  seed?: number;
  /** Default `sampleWindow()` at the call (last sample 5 s ago, every 15 s over 10 minutes). */
  window?: SampleWindow;
}

export interface SyntheticPod {
  readonly index: number;
  readonly name: string;
  readonly namespace: string;
  readonly node: string;
  readonly app: string;
}

export interface SyntheticSeriesSpec {
  /** `__name__` included. */
  readonly labels: Labels;
  readonly kind: 'gauge' | 'counter';
  /** A gauge's value, a counter's per-second rate. */
  readonly value: number;
}

export interface SyntheticPodData {
  readonly pods: readonly SyntheticPod[];
  readonly namespaces: readonly string[];
  readonly nodes: readonly string[];
  readonly window: SampleWindow;
  /** pods x seriesPerPod + 2 x nodes. */
  readonly seriesCount: number;
  /** Sample lines written: seriesCount x samples per series. */
  readonly sampleCount: number;
  /** A pod's series, slot order. */
  podSeries(pod: SyntheticPod): SyntheticSeriesSpec[];
  /** A node's two series (cpu, memory). */
  nodeSeries(node: string): SyntheticSeriesSpec[];
  /** Every series, grouped by metric name (the order written). */
  specs(): Generator<SyntheticSeriesSpec>;
  /** Sum over the pod's containers of the CPU rate (cores) and working set (bytes); 0 when `seriesPerPod` omits them. */
  podUsage(pod: SyntheticPod): { cpuCores: number; memoryBytes: number };
  /** A container's usage, if the pod has that container's series. */
  containerUsage(
    pod: SyntheticPod,
    container: 'app' | 'sidecar',
  ): { cpuCores: number; memoryBytes: number } | undefined;
  nodeUsage(node: string): { cpuCores: number; memoryBytes: number };
  /** Writes the data as OpenMetrics lines: `startPrometheus({ series: data.write })`. */
  readonly write: (write: (line: string) => void) => void;
}

const MiB = 1024 * 1024;
const APPS = ['web', 'api', 'worker', 'cache', 'gateway'] as const;

interface Slot {
  readonly name: string;
  readonly kind: 'gauge' | 'counter';
  readonly labels: Labels;
  /** From a uniform integer draw `n` in [0, range). */
  readonly range: number;
  readonly value: (n: number) => number;
}

const SLOTS: readonly Slot[] = [
  {
    name: 'container_cpu_usage_seconds_total',
    kind: 'counter',
    labels: { container: 'app' },
    range: 491,
    value: (n) => (10 + n) / 1000,
  },
  {
    name: 'container_memory_working_set_bytes',
    kind: 'gauge',
    labels: { container: 'app' },
    range: 993,
    value: (n) => (32 + n) * MiB,
  },
  {
    name: 'http_requests_total',
    kind: 'counter',
    labels: { code: '200', method: 'GET' },
    range: 200,
    value: (n) => (1 + n) / 10,
  },
  {
    name: 'http_requests_total',
    kind: 'counter',
    labels: { code: '500', method: 'GET' },
    range: 21,
    value: (n) => n / 10,
  },
  {
    name: 'http_requests_total',
    kind: 'counter',
    labels: { code: '200', method: 'POST' },
    range: 50,
    value: (n) => (1 + n) / 10,
  },
  { name: 'queue_depth', kind: 'gauge', labels: {}, range: 101, value: (n) => n },
  {
    name: 'container_cpu_usage_seconds_total',
    kind: 'counter',
    labels: { container: 'sidecar' },
    range: 50,
    value: (n) => (1 + n) / 1000,
  },
  {
    name: 'container_memory_working_set_bytes',
    kind: 'gauge',
    labels: { container: 'sidecar' },
    range: 57,
    value: (n) => (8 + n) * MiB,
  },
  {
    name: 'http_requests_total',
    kind: 'counter',
    labels: { code: '404', method: 'GET' },
    range: 11,
    value: (n) => n / 10,
  },
  { name: 'process_open_fds', kind: 'gauge', labels: {}, range: 991, value: (n) => 10 + n },
];

const slotAt = (slot: number): Slot =>
  SLOTS[slot] ?? {
    name: 'synthetic_gauge',
    kind: 'gauge',
    labels: { slot: String(slot) },
    range: 1001,
    value: (n) => n,
  };

/** A uniform integer in [0, range) from (seed, a, b): a mulberry32-style hash, stateless. */
function draw(seed: number, a: number, b: number, range: number): number {
  let t =
    (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) +
      Math.imul(a + 1, 0xc2b2ae35) +
      Math.imul(b + 1, 0x27d4eb2f)) >>>
    0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * range);
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function syntheticPodSeries(options: SyntheticPodSeriesOptions): SyntheticPodData {
  const { pods: podCount, seriesPerPod, namespaces: namespaceCount } = options;
  for (const [key, value] of Object.entries({ pods: podCount, seriesPerPod, namespaces: namespaceCount }))
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${key} must be a positive integer, got ${value}`);
  const nodeCount = options.nodes ?? Math.ceil(podCount / 30);
  const seed = options.seed ?? 1;
  const window = options.window ?? sampleWindow();
  const samplesPerSeries = Math.floor((window.lastMs - window.firstMs) / window.stepMs) + 1;

  const namespaces = Array.from(
    { length: namespaceCount },
    (_, i) => `ns-${pad(i, String(namespaceCount - 1).length)}`,
  );
  const nodes = Array.from({ length: nodeCount }, (_, i) => `node-${pad(i, String(nodeCount - 1).length)}`);
  const pods: SyntheticPod[] = Array.from({ length: podCount }, (_, index) => {
    const app = APPS[index % APPS.length]!;
    return {
      index,
      app,
      name: `${app}-${pad(index, String(podCount - 1).length)}`,
      namespace: namespaces[index % namespaceCount]!,
      node: nodes[index % nodeCount]!,
    };
  });
  const podsByNode = new Map<string, SyntheticPod[]>(nodes.map((n) => [n, []]));
  for (const pod of pods) podsByNode.get(pod.node)!.push(pod);

  const podSpec = (pod: SyntheticPod, slot: number): SyntheticSeriesSpec => {
    const s = slotAt(slot);
    return {
      labels: {
        __name__: s.name,
        namespace: pod.namespace,
        pod: pod.name,
        node: pod.node,
        app: pod.app,
        ...s.labels,
      },
      kind: s.kind,
      value: s.value(draw(seed, pod.index, slot, s.range)),
    };
  };
  const podSeries = (pod: SyntheticPod): SyntheticSeriesSpec[] =>
    Array.from({ length: seriesPerPod }, (_, slot) => podSpec(pod, slot));

  const containerUsage = (pod: SyntheticPod, container: 'app' | 'sidecar') => {
    const [cpuSlot, memorySlot] = container === 'app' ? [0, 1] : [6, 7];
    if (memorySlot >= seriesPerPod) return undefined;
    return { cpuCores: podSpec(pod, cpuSlot).value, memoryBytes: podSpec(pod, memorySlot).value };
  };
  const podUsage = (pod: SyntheticPod) => {
    let millicores = 0;
    let memoryBytes = 0;
    for (const container of ['app', 'sidecar'] as const) {
      const usage = containerUsage(pod, container);
      millicores += Math.round((usage?.cpuCores ?? 0) * 1000);
      memoryBytes += usage?.memoryBytes ?? 0;
    }
    return { cpuCores: millicores / 1000, memoryBytes };
  };
  const nodeIndex = new Map(nodes.map((n, i) => [n, i]));
  const nodeUsage = (node: string) => {
    const index = nodeIndex.get(node);
    if (index === undefined) throw new Error(`no node ${node}`);
    // Millicores and MiB as integers while summing, so the totals are exact.
    let millicores = 100 + draw(seed, -1 - index, 0, 401);
    let mebibytes = 512 + draw(seed, -1 - index, 1, 1537);
    for (const pod of podsByNode.get(node)!) {
      const usage = podUsage(pod);
      millicores += Math.round(usage.cpuCores * 1000);
      mebibytes += Math.round(usage.memoryBytes / MiB);
    }
    return { cpuCores: millicores / 1000, memoryBytes: mebibytes * MiB };
  };
  const nodeSeries = (node: string): SyntheticSeriesSpec[] => {
    const usage = nodeUsage(node);
    return [
      { labels: { __name__: 'node_cpu_usage_seconds_total', node }, kind: 'counter', value: usage.cpuCores },
      {
        labels: { __name__: 'node_memory_working_set_bytes', node },
        kind: 'gauge',
        value: usage.memoryBytes,
      },
    ];
  };

  // Slots grouped by metric name, in order of first appearance.
  const slotGroups = new Map<string, number[]>();
  for (let slot = 0; slot < seriesPerPod; slot++) {
    const name = slotAt(slot).name;
    const group = slotGroups.get(name);
    if (group === undefined) slotGroups.set(name, [slot]);
    else group.push(slot);
  }

  function* specs(): Generator<SyntheticSeriesSpec> {
    for (const slots of slotGroups.values())
      for (const pod of pods) for (const slot of slots) yield podSpec(pod, slot);
    const perNode = nodes.map(nodeSeries);
    for (const series of perNode) yield series[0]!;
    for (const series of perNode) yield series[1]!;
  }

  function* seriesData(): Generator<SeriesData> {
    for (const spec of specs()) {
      const { __name__: name, ...labels } = spec.labels;
      yield spec.kind === 'counter'
        ? counter(name!, labels, spec.value, window)
        : gauge(name!, labels, spec.value, window);
    }
  }

  const seriesCount = podCount * seriesPerPod + 2 * nodeCount;
  return {
    pods,
    namespaces,
    nodes,
    window,
    seriesCount,
    sampleCount: seriesCount * samplesPerSeries,
    podSeries,
    nodeSeries,
    specs,
    podUsage,
    containerUsage,
    nodeUsage,
    write: (write) => writeOpenMetrics(seriesData(), write),
  };
}
