/**
 * The fixtures of kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go and
 * horizontal_test.go, rebuilt as plain inputs for `kubemetrics/hpa` (facts, not code): pods
 * `test-pod-N` with two containers `container1`/`container2` that both request the pod's CPU
 * value, Ready and Running unless told otherwise, a start time and readiness transition at Go's
 * zero time unless told otherwise, and resource samples built as PodMetrics objects (window 1 min,
 * timestamp at Go's zero time) so the metrics-client rules are exercised too.
 */
import type { ContainerMetrics, PodMetrics, PodPhase } from '../../src/api/index.js';
import { GO_ZERO_TIME_MS, samplesFromPodMetrics, type HpaPod, type PodSample } from '../../src/hpa/index.js';
import { parseQuantity } from '../../src/quantity/index.js';

/** A fixed "now" for every upstream case (upstream uses time.Now()). */
export const NOW = Date.parse('2026-01-01T12:00:00Z');
/** upstream `hotCPUCreationTime`: started just now. */
export const HOT = NOW;
/** upstream `coolCPUCreationTime`: started 3 minutes ago. */
export const COOL = NOW - 3 * 60_000;

/** replica_calculator.go's testing defaults: 2 min CPU initialization, 10 s readiness delay, 0.1 tolerance. */
export const UPSTREAM_OPTIONS = {
  tolerance: 0.1,
  cpuInitializationPeriodMs: 2 * 60_000,
  initialReadinessDelayMs: 10_000,
  downscaleStabilizationSeconds: 300,
  podLevelResources: true,
  configurableTolerance: true,
  scaleUpLimitFactor: 2,
} as const;

/** horizontal_test.go's `init()` raises `scaleUpLimitFactor` to 8 for every controller test. */
export const CONTROLLER_TEST_OPTIONS = { ...UPSTREAM_OPTIONS, scaleUpLimitFactor: 8 } as const;

export const DEFAULT_TOLERANCES = { scaleDown: 0.1, scaleUp: 0.1 } as const;

export interface PodScenario {
  /** Pods listed: `currentReplicas`, or more when `phase` is longer (failed pods are extra). */
  readonly count: number;
  /** Per-pod CPU request of each container (upstream `resource.requests`); missing = no request. */
  readonly requests?: readonly string[] | undefined;
  readonly readiness?: readonly ('True' | 'False')[] | undefined;
  readonly startTime?: readonly number[] | undefined;
  readonly phase?: readonly PodPhase[] | undefined;
  readonly deleting?: readonly boolean[] | undefined;
}

/** upstream `buildFakePod` / `prepareTestClientSet`. */
export function upstreamPods(s: PodScenario): HpaPod[] {
  const count = Math.max(s.count, s.phase?.length ?? 0);
  return Array.from({ length: count }, (_, i) => {
    const request = s.requests?.[i];
    const requests = request === undefined ? undefined : { cpu: request };
    return {
      name: `test-pod-${i}`,
      phase: s.phase?.[i] ?? 'Running',
      deleting: s.deleting?.[i] ?? false,
      startTime: s.startTime?.[i] ?? GO_ZERO_TIME_MS,
      ready: { status: s.readiness?.[i] ?? 'True' },
      containers: [
        { name: 'container1', requests },
        { name: 'container2', requests },
      ],
    };
  });
}

/** upstream `makePodMetricLevels`: both containers of pod i use `values[i]`. */
export function eachContainer(...values: number[]): number[][] {
  return values.map((v) => [v, v]);
}

/**
 * upstream `prepareTestMetricsClient`: PodMetrics for pod i with `levels[i][j]` milli-CPU on
 * `container{j+1}`; a row shorter than two leaves an unnamed container without usage, as the fake
 * does. Then the metrics client's extraction (sum per pod, or the named container).
 */
export function resourceSamples(
  levels: readonly (readonly number[])[],
  options: { container?: string; podNames?: readonly string[]; timestamp?: number } = {},
): PodSample[] {
  const timestamp = new Date(options.timestamp ?? GO_ZERO_TIME_MS).toISOString();
  const items: PodMetrics[] = levels.map((row, i) => ({
    metadata: { name: options.podNames?.[i] ?? `test-pod-${i}`, namespace: 'test-namespace' },
    timestamp,
    window: '1m0s',
    containers: [0, 1].map((j): ContainerMetrics =>
      j < row.length ? { name: `container${j + 1}`, usage: { cpu: `${row[j]}m` } } : { name: '', usage: {} },
    ),
  }));
  return samplesFromPodMetrics(items, 'cpu', options.container).samples;
}

/** upstream custom-metrics fake: one value per pod `test-pod-i`, in milli-units. */
export function customSamples(levels: readonly number[]): PodSample[] {
  return levels.map((milli, i) => ({
    pod: `test-pod-${i}`,
    milli: BigInt(milli),
    timestamp: GO_ZERO_TIME_MS,
    windowMs: 60_000,
  }));
}

/**
 * horizontal_test.go `prepareTestClient` pods: `reportedCPURequests` pods (or `statusReplicas`
 * pods of 1 CPU when no requests are given), each request split over two containers (integer
 * halves), the Ready condition's transition time equal to the start time (Go's zero time unless
 * given).
 */
export function controllerPods(
  s: Omit<PodScenario, 'count'> & { readonly statusReplicas: number },
): HpaPod[] {
  const count = s.requests === undefined ? s.statusReplicas : s.requests.length;
  return Array.from({ length: count }, (_, i) => {
    const request = s.requests?.[i] ?? '1.0';
    const half = `${parseQuantity(request).milliValue() / 2n}m`;
    const start = s.startTime?.[i] ?? GO_ZERO_TIME_MS;
    return {
      name: `test-pod-${i}`,
      phase: s.phase?.[i] ?? 'Running',
      deleting: s.deleting?.[i] ?? false,
      startTime: start,
      ready: { status: s.readiness?.[i] ?? 'True', lastTransitionTime: start },
      containers: [
        { name: 'container1', requests: { cpu: half } },
        { name: 'container2', requests: { cpu: half } },
      ],
    };
  });
}

/** horizontal_test.go resource metrics: pod i reports `levels[i] / 2` (integer) on each container, now. */
export function controllerCpuSamples(levels: readonly number[], container?: string): PodSample[] {
  return resourceSamples(
    levels.map((l) => [Math.floor(l / 2), Math.floor(l / 2)]),
    { container, timestamp: NOW },
  );
}

/** horizontal_test.go custom metrics: pod i reports `levels[i]` milli-units, now. */
export function controllerPodSamples(levels: readonly number[]): PodSample[] {
  return levels.map((milli, i) => ({
    pod: `test-pod-${i}`,
    milli: BigInt(milli),
    timestamp: NOW,
    windowMs: 60_000,
  }));
}
