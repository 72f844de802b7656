/**
 * The replica calculator for metrics that describe one object or something outside the cluster
 * (replica_calculator.go): Object and External with a Value target (`GetObjectMetricReplicas`,
 * `GetExternalMetricReplicas`: the ratio times the number of Running and Ready pods; from zero
 * replicas, `ceil(ratio)`) and with an AverageValue target (`GetObjectPerPodMetricReplicas`,
 * `GetExternalPerPodMetricReplicas`: `ceil(total / target)`, tolerance measured against the
 * status replica count). External values are summed over every series the metric selector matched.
 */
import type { HpaPod } from './inputs.js';
import { isWithinTolerance, type Tolerances } from './options.js';
import { ceilReplicas, INT64_MAX, type Failure } from './usage-ratio.js';

export interface ObjectMetricResult {
  readonly ok: true;
  readonly replicas: number;
  readonly usageRatio: number;
  readonly withinTolerance: boolean;
  readonly tolerances: Tolerances;
  /** The value reported in the HPA status: the total (Value) or the per-pod average (AverageValue). */
  readonly currentMilli: bigint;
  /** The summed metric before any per-pod division. */
  readonly totalMilli: bigint;
  /** Value targets with a non-zero replica count: the Running and Ready pods the ratio is multiplied by. */
  readonly readyPods?: number | undefined;
  readonly explanation: string;
}

export type ObjectMetricOutcome = ObjectMetricResult | Failure;

/** `podutil.IsPodReady` on a Running pod: what `getReadyPodsCount` counts. */
export function runningAndReady(pods: readonly HpaPod[]): number {
  return pods.filter((p) => p.phase === 'Running' && p.ready?.status === 'True').length;
}

/** Sums external series like `GetExternalMetricReplicas`: a positive overflow caps at MaxInt64. */
function sumCapped(values: readonly bigint[]): bigint {
  let total = 0n;
  for (const v of values) {
    if (v > 0n && total > INT64_MAX - v) return INT64_MAX;
    total += v;
  }
  return total;
}

/** Sums like `GetExternalPerPodMetricReplicas`: an int64 sum that wraps negative caps at MaxInt64. */
function sumWrapCapped(values: readonly bigint[]): bigint {
  let total = 0n;
  for (const v of values) {
    total = BigInt.asIntN(64, total + v);
    if (total < 0n) return INT64_MAX;
  }
  return total;
}

/** The object's value, or the external series summed the calculator's way; undefined when none came back. */
function metricTotal(
  inputs: { readonly values: readonly bigint[]; readonly kind: 'object' | 'external' },
  sum: (values: readonly bigint[]) => bigint,
): bigint | undefined {
  if (inputs.values.length === 0) return undefined;
  return inputs.kind === 'external' ? sum(inputs.values) : inputs.values[0];
}

function noValues(kind: 'object' | 'external'): Failure {
  return {
    ok: false,
    message:
      kind === 'external'
        ? 'no metrics returned from external metrics API'
        : 'no metric value returned for the object',
  };
}

export interface ValueTargetInputs {
  /** `scale.spec.replicas`. */
  readonly currentReplicas: number;
  readonly targetMilli: bigint;
  /** Object: the one value; External: every series value. */
  readonly values: readonly bigint[];
  readonly kind: 'object' | 'external';
  /** The pods the scale target's selector matches. */
  readonly pods: readonly HpaPod[];
  readonly tolerances: Tolerances;
}

/** `GetObjectMetricReplicas` / `GetExternalMetricReplicas` via `getUsageRatioReplicaCount`. */
export function valueTargetReplicas(inputs: ValueTargetInputs): ObjectMetricOutcome {
  const totalMilli = metricTotal(inputs, sumCapped);
  if (totalMilli === undefined) return noValues(inputs.kind);
  const usageRatio = Number(totalMilli) / Number(inputs.targetMilli);
  const withinTolerance = isWithinTolerance(inputs.tolerances, usageRatio);
  const base = {
    ok: true as const,
    usageRatio,
    withinTolerance,
    tolerances: inputs.tolerances,
    currentMilli: totalMilli,
    totalMilli,
  };
  if (inputs.currentReplicas === 0) {
    // Scale from zero: no pods to count, no tolerance (HPAScaleToZero).
    const replicas = ceilReplicas(usageRatio);
    return {
      ...base,
      replicas,
      explanation: `from zero replicas: ceil(usage ratio ${usageRatio}) = ${replicas}`,
    };
  }
  if (withinTolerance) {
    return {
      ...base,
      replicas: inputs.currentReplicas,
      explanation: 'usage ratio within tolerance: keep the current count',
    };
  }
  if (inputs.pods.length === 0) {
    return {
      ok: false,
      message: 'unable to calculate ready pods: no pods returned by selector while calculating replica count',
    };
  }
  const readyPods = runningAndReady(inputs.pods);
  const replicas = ceilReplicas(usageRatio * readyPods);
  return {
    ...base,
    replicas,
    readyPods,
    explanation: `ceil(usage ratio ${usageRatio} x ${readyPods} running and ready pods) = ${replicas}`,
  };
}

export interface AverageValueTargetInputs {
  /** `scale.status.replicas`: the pods that exist, which the total is shared among. */
  readonly statusReplicas: number;
  readonly targetMilli: bigint;
  readonly values: readonly bigint[];
  readonly kind: 'object' | 'external';
  readonly tolerances: Tolerances;
}

/** `GetObjectPerPodMetricReplicas` / `GetExternalPerPodMetricReplicas`. */
export function averageValueTargetReplicas(inputs: AverageValueTargetInputs): ObjectMetricOutcome {
  const totalMilli = metricTotal(inputs, sumWrapCapped);
  if (totalMilli === undefined) return noValues(inputs.kind);
  const total = Number(totalMilli);
  const target = Number(inputs.targetMilli);
  const usageRatio = total / (target * inputs.statusReplicas);
  const withinTolerance = isWithinTolerance(inputs.tolerances, usageRatio);
  const replicas = withinTolerance ? inputs.statusReplicas : ceilReplicas(total / target);
  // Upstream reports MaxInt64 when the float total reaches it, else ceil(total / status replicas).
  const currentMilli =
    inputs.kind === 'external' && total >= Number(INT64_MAX)
      ? INT64_MAX
      : inputs.statusReplicas === 0
        ? totalMilli
        : BigInt(Math.ceil(total / inputs.statusReplicas));
  return {
    ok: true,
    replicas,
    usageRatio,
    withinTolerance,
    tolerances: inputs.tolerances,
    currentMilli,
    totalMilli,
    explanation: withinTolerance
      ? 'usage ratio within tolerance: keep the status replica count'
      : `ceil(total ${totalMilli}m / target ${inputs.targetMilli}m per pod) = ${replicas}`,
  };
}
