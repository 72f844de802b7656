/**
 * The plain inputs of the calculation: pods as the replica calculator reads them, and metric
 * samples as the controller's metrics client hands them over (milli-values, one per pod, with the
 * sample's timestamp and window). Times are milliseconds since the epoch.
 *
 * `hpaPodFromPod` and `samplesFromPodMetrics` turn wire objects into these inputs by the
 * controller's rules (pkg/controller/podautoscaler/metrics/client.go `getPodMetrics` and
 * `getContainerMetrics`), so callers with a cluster do not re-implement them.
 */
import type { Pod, PodMetrics, PodPhase, ResourceList } from '../api/index.js';
import { parseQuantity } from '../quantity/index.js';
import { KubemetricsError } from '../errors.js';

/**
 * Go's zero `time.Time` (0001-01-01T00:00:00Z) in epoch ms. A Ready condition without
 * `lastTransitionTime` compares like this in the controller, so it is used for that case.
 */
export const GO_ZERO_TIME_MS = -62135596800000;

export interface HpaContainer {
  readonly name: string;
  readonly requests?: ResourceList | undefined;
  /** `Always` on an init container makes it a sidecar, whose requests count. */
  readonly restartPolicy?: string | undefined;
}

export interface HpaPod {
  readonly name: string;
  /** `status.phase`; absent counts as neither Pending, Running nor Failed. */
  readonly phase?: PodPhase | undefined;
  /** `metadata.deletionTimestamp` is set. */
  readonly deleting?: boolean | undefined;
  /** `status.startTime`, or absent. */
  readonly startTime?: number | undefined;
  /** The `Ready` condition, or absent when the pod has none. */
  readonly ready?: { readonly status: string; readonly lastTransitionTime?: number | undefined } | undefined;
  readonly containers: readonly HpaContainer[];
  readonly initContainers?: readonly HpaContainer[] | undefined;
  /** Pod-level `spec.resources.requests` (PodLevelResources). */
  readonly podRequests?: ResourceList | undefined;
  /** `spec.overhead` (RuntimeClass): counted with pod-level requests, as `PodRequests` does. */
  readonly overhead?: ResourceList | undefined;
}

/** One value of a per-pod metric, as a milli-value (`Quantity.MilliValue()`). */
export interface PodSample {
  readonly pod: string;
  readonly milli: bigint;
  /** End of the sample window. */
  readonly timestamp: number;
  /** Length of the sample window in ms (resource metrics only; 0 when unknown). */
  readonly windowMs: number;
}

function time(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_DECODE',
      `${what} is not an RFC 3339 time: ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

/** The fields of a core/v1 Pod the replica calculator reads. */
export function hpaPodFromPod(pod: Pod): HpaPod {
  const name = pod.metadata.name ?? '';
  const condition = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const container = (c: Pod['spec']['containers'][number]): HpaContainer => ({
    name: c.name,
    requests: c.resources?.requests,
    restartPolicy: c.restartPolicy,
  });
  return {
    name,
    phase: pod.status?.phase,
    deleting: pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
    startTime: time(pod.status?.startTime, `pod ${name} status.startTime`),
    ready:
      condition === undefined
        ? undefined
        : {
            status: condition.status,
            lastTransitionTime: time(condition.lastTransitionTime, `pod ${name} Ready lastTransitionTime`),
          },
    containers: pod.spec.containers.map(container),
    initContainers: pod.spec.initContainers?.map(container),
    podRequests: pod.spec.resources?.requests,
    overhead: pod.spec.overhead,
  };
}

/** A Go duration string as metrics.k8s.io writes it (`30s`, `1m0s`, `20.033s`, `1h2m3.5s`) in ms. */
export function goDurationMs(text: string): number {
  const unitMs: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
    us: 0.001,
    µs: 0.001,
    ns: 0.000001,
  };
  const re = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * (unitMs[m[2] as string] as number);
    matched = re.lastIndex;
  }
  if (text === '0') return 0;
  if (matched !== text.length || text.length === 0) {
    throw new KubemetricsError('KUBEMETRICS_ERR_DECODE', `not a Go duration: ${JSON.stringify(text)}`);
  }
  return total;
}

/** What became of one PodMetrics entry for the resource (and container) the HPA asks about. */
export interface SampleExtraction {
  readonly samples: PodSample[];
  /** Pods in the metrics answer that gave no sample, and why. */
  readonly skipped: { readonly pod: string; readonly reason: string }[];
}

/**
 * Per-pod samples of `resource` from a metrics.k8s.io PodMetrics list, by the metrics client's
 * rules: without a container, the sum over the pod's containers, and no sample when any container
 * lacks the resource or the pod lists none; with a container, that container's usage.
 *
 * A pod whose metrics do not list the named container gives no sample (it counts as "missing
 * metrics"): upstream's `replica_calculator_test.go` ("failed pods ignored with missing container
 * metric") expects that, while older `getContainerMetrics` failed the whole metric instead.
 */
export function samplesFromPodMetrics(
  items: readonly PodMetrics[],
  resource: string,
  container?: string,
): SampleExtraction {
  const samples: PodSample[] = [];
  const skipped: { pod: string; reason: string }[] = [];
  for (const item of items) {
    const pod = item.metadata.name ?? '';
    const timestamp = time(item.timestamp, `PodMetrics ${pod} timestamp`) ?? GO_ZERO_TIME_MS;
    const windowMs = goDurationMs(item.window);
    let milli = 0n;
    let missing: string | undefined;
    const picked =
      container === undefined || container === ''
        ? item.containers
        : item.containers.filter((c) => c.name === container);
    if (picked.length === 0) {
      missing = container
        ? `container ${container} not present in its metrics`
        : 'no containers in its metrics';
    }
    for (const c of picked) {
      const usage = c.usage[resource];
      if (usage === undefined) {
        missing = `container ${c.name} has no ${resource} usage`;
        break;
      }
      milli += parseQuantity(usage).milliValue();
    }
    if (missing === undefined) samples.push({ pod, milli, timestamp, windowMs });
    else skipped.push({ pod, reason: missing });
  }
  return { samples, skipped };
}
