/**
 * Which pods count, by replica_calculator.go `groupPods`: every pod the scale target's selector
 * matches lands in exactly one group, with the reason.
 *
 * - ignored: being deleted, or Failed — left out of every sum;
 * - unready: Pending; or, for CPU only, without a Ready condition or start time, inside the CPU
 *   initialization period while not Ready or before a full metric window was collected since the
 *   last readiness change, or after it while not Ready and never ready since the readiness delay;
 * - missing: no sample for it;
 * - ready: counted.
 *
 * The CPU rules exist because a starting JVM (or similar) burns CPU it will not burn later; other
 * resources and custom metrics count any Running pod with a sample.
 */
import { GO_ZERO_TIME_MS, type HpaPod, type PodSample } from './inputs.js';
import type { ControllerOptions } from './options.js';

export type PodGroup = 'ready' | 'unready' | 'missing' | 'ignored';

export type PodReason =
  | 'Ready'
  | 'Deleting'
  | 'Failed'
  | 'Pending'
  | 'MissingMetrics'
  | 'NoReadyCondition'
  | 'NoStartTime'
  | 'NotReadyDuringCpuInitialization'
  | 'MetricNotFreshSinceReadinessChange'
  | 'NeverReadySinceReadinessDelay';

export interface PodClassification {
  readonly pod: string;
  readonly group: PodGroup;
  readonly reason: PodReason;
  /** One sentence for people. */
  readonly detail: string;
  /** The pod's sample, when the metric had one for it. */
  readonly sample?: PodSample | undefined;
}

export interface ClassificationInputs {
  readonly pods: readonly HpaPod[];
  readonly samples: ReadonlyMap<string, PodSample>;
  /** Only `cpu` triggers the readiness rules; `undefined` for custom metrics. */
  readonly resource?: string | undefined;
  readonly now: number;
  readonly options: Pick<ControllerOptions, 'cpuInitializationPeriodMs' | 'initialReadinessDelayMs'>;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

export function classifyPod(pod: HpaPod, inputs: ClassificationInputs): PodClassification {
  const base = { pod: pod.name };
  if (pod.deleting) return { ...base, group: 'ignored', reason: 'Deleting', detail: 'being deleted' };
  if (pod.phase === 'Failed') return { ...base, group: 'ignored', reason: 'Failed', detail: 'phase Failed' };
  if (pod.phase === 'Pending')
    return { ...base, group: 'unready', reason: 'Pending', detail: 'phase Pending' };
  const sample = inputs.samples.get(pod.name);
  if (sample === undefined) {
    return { ...base, group: 'missing', reason: 'MissingMetrics', detail: 'no metric sample for this pod' };
  }
  const withSample = { ...base, sample };
  if (inputs.resource === 'cpu') {
    const ready = pod.ready;
    if (ready === undefined) {
      return { ...withSample, group: 'unready', reason: 'NoReadyCondition', detail: 'no Ready condition' };
    }
    if (pod.startTime === undefined) {
      return { ...withSample, group: 'unready', reason: 'NoStartTime', detail: 'no status.startTime' };
    }
    const transition = ready.lastTransitionTime ?? GO_ZERO_TIME_MS;
    const { cpuInitializationPeriodMs, initialReadinessDelayMs } = inputs.options;
    if (pod.startTime + cpuInitializationPeriodMs > inputs.now) {
      if (ready.status === 'False') {
        return {
          ...withSample,
          group: 'unready',
          reason: 'NotReadyDuringCpuInitialization',
          detail: `not Ready, started less than ${seconds(cpuInitializationPeriodMs)} ago (CPU initialization period)`,
        };
      }
      if (sample.timestamp < transition + sample.windowMs) {
        return {
          ...withSample,
          group: 'unready',
          reason: 'MetricNotFreshSinceReadinessChange',
          detail: `inside the CPU initialization period and the sample window (${seconds(sample.windowMs)}) started before the last readiness change`,
        };
      }
    } else if (ready.status === 'False' && pod.startTime + initialReadinessDelayMs > transition) {
      return {
        ...withSample,
        group: 'unready',
        reason: 'NeverReadySinceReadinessDelay',
        detail: `not Ready and has not been Ready since ${seconds(initialReadinessDelayMs)} after start (initial readiness delay)`,
      };
    }
  }
  return { ...withSample, group: 'ready', reason: 'Ready', detail: 'counted' };
}

export function classifyPods(inputs: ClassificationInputs): PodClassification[] {
  return inputs.pods.map((pod) => classifyPod(pod, inputs));
}

/** Samples by pod name; a later sample for the same pod replaces an earlier one, as in a Go map. */
export function sampleMap(samples: readonly PodSample[]): Map<string, PodSample> {
  const map = new Map<string, PodSample>();
  for (const s of samples) map.set(s.pod, s);
  return map;
}
