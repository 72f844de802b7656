/**
 * The replica calculator for metrics measured per pod: Resource and ContainerResource
 * (`GetResourceReplicas` for Utilization, `GetRawResourceReplicas` for AverageValue) and Pods
 * metrics (`GetMetricReplicas`), from replica_calculator.go.
 *
 * First pass: ready pods only. When there are neither missing nor unready-on-scale-up pods, the
 * answer is `ceil(ratio * ready)`, or the current count inside the tolerance band. Otherwise a
 * second pass fills in what the controller cannot see, always against the direction of the change:
 * on a scale-down a missing pod counts at its request (or at the target, if the target is above
 * 100 %; plain metrics: at the target), on a scale-up at 0, and unready pods count at 0 on a
 * scale-up. The change is cancelled when the refilled ratio is within tolerance or points the
 * other way, or when the refilled pod count would turn it around.
 */
import { classifyPods, sampleMap, type PodClassification } from './classify.js';
import type { HpaPod, PodSample } from './inputs.js';
import { isWithinTolerance, type ControllerOptions, type Tolerances } from './options.js';
import { podRequest, type RequestSource } from './requests.js';
import { ceilReplicas, metricUsageRatio, resourceUtilizationRatio, type Failure } from './usage-ratio.js';

export interface PodMetricInputs {
  readonly currentReplicas: number;
  readonly pods: readonly HpaPod[];
  /** Every sample the metrics API returned for the selector (pods outside it included). */
  readonly samples: readonly PodSample[];
  readonly now: number;
  readonly tolerances: Tolerances;
  readonly options: Pick<
    ControllerOptions,
    'cpuInitializationPeriodMs' | 'initialReadinessDelayMs' | 'podLevelResources'
  >;
}

/** One pod's line in an explanation. */
export interface PodDetail extends PodClassification {
  /** The request the usage is divided by (Utilization targets only). */
  readonly requestMilli?: bigint | undefined;
  readonly requestSource?: RequestSource | undefined;
  /** The value this pod got in the second pass (filled-in for missing and unready pods). */
  readonly secondPassMilli?: bigint | undefined;
}

export type Cancellation = 'within-tolerance' | 'direction-changed' | 'pod-count-reversed';

export interface SecondPass {
  /** What missing pods were counted at: their request share, the target, 0, or untouched (ratio exactly 1). */
  readonly missingFilledWith: 'request' | 'target' | 'zero' | 'none';
  readonly unreadyCountedAtZero: boolean;
  readonly usageRatio: number;
  /** Values that entered the second pass (samples of pods outside the selector included). */
  readonly consideredValues: number;
  /** `ceil(usageRatio * consideredValues)`, before the cancellation rules. */
  readonly proposal?: number | undefined;
  readonly cancelled?: Cancellation | undefined;
}

export interface PodMetricResult {
  readonly ok: true;
  readonly replicas: number;
  /** First-pass ratio of current to target. */
  readonly usageRatio: number;
  readonly withinTolerance: boolean;
  readonly tolerances: Tolerances;
  /** Utilization targets: percent of requests. */
  readonly utilization?: number | undefined;
  /** Average per pod (milli-units): the raw value for Utilization, the usage otherwise. */
  readonly currentAverageMilli: bigint;
  readonly readyPods: number;
  readonly pods: readonly PodDetail[];
  /** Samples for pods the selector does not match (upstream counts them in plain averages). */
  readonly superfluousSamples: readonly string[];
  readonly secondPass?: SecondPass | undefined;
  /** Why this number, in one sentence. */
  readonly explanation: string;
}

/** A failure after the pods were classified carries them, so an explanation can say why each pod did not count. */
export type PodMetricFailure = Failure & { readonly pods?: readonly PodClassification[] | undefined };

export type PodMetricOutcome = PodMetricResult | PodMetricFailure;

interface RatioResult {
  readonly ok: true;
  readonly ratio: number;
}

interface Strategy<R extends RatioResult> {
  ratio(values: ReadonlyMap<string, bigint>): R | Failure;
  /** The value a missing pod gets on a scale-down. */
  scaleDownFill(pod: string): bigint;
  readonly scaleDownFillKind: 'request' | 'target';
}

function counts(pods: readonly PodClassification[]): Record<PodClassification['group'], string[]> {
  const groups: Record<PodClassification['group'], string[]> = {
    ready: [],
    unready: [],
    missing: [],
    ignored: [],
  };
  for (const p of pods) groups[p.group].push(p.pod);
  return groups;
}

function run<R extends RatioResult>(
  inputs: PodMetricInputs,
  classified: readonly PodClassification[],
  strategy: Strategy<R>,
  describe: (first: R) => Pick<PodMetricResult, 'utilization' | 'currentAverageMilli'>,
  requests: ReadonlyMap<string, { milli: bigint; source: RequestSource }> | undefined,
  /** Runs once the metric is known to have usable values (upstream computes requests there). */
  beforeRatio?: () => Failure | undefined,
): PodMetricOutcome {
  const groups = counts(classified);
  const values = new Map<string, bigint>();
  for (const s of sampleMap(inputs.samples).values()) values.set(s.pod, s.milli);
  for (const pod of [...groups.ignored, ...groups.unready]) values.delete(pod);
  if (values.size === 0) {
    return {
      ok: false,
      message: 'did not receive metrics for targeted pods (pods might be unready)',
      pods: classified,
    };
  }
  const failed = beforeRatio?.();
  if (failed !== undefined) return { ...failed, pods: classified };
  const first = strategy.ratio(values);
  if (!first.ok) return first;
  const known = new Set(classified.map((p) => p.pod));
  const superfluousSamples = [...values.keys()].filter((pod) => !known.has(pod));
  const usageRatio = first.ratio;
  const current = inputs.currentReplicas;
  const withinTolerance = isWithinTolerance(inputs.tolerances, usageRatio);
  const scaleUpWithUnready = groups.unready.length > 0 && usageRatio > 1.0;
  const podDetails = (second?: ReadonlyMap<string, bigint>): PodDetail[] =>
    classified.map((p) => ({
      ...p,
      requestMilli: requests?.get(p.pod)?.milli,
      requestSource: requests?.get(p.pod)?.source,
      secondPassMilli: p.group === 'missing' || p.group === 'unready' ? second?.get(p.pod) : undefined,
    }));
  const common = {
    ok: true as const,
    usageRatio,
    withinTolerance,
    tolerances: inputs.tolerances,
    readyPods: groups.ready.length,
    superfluousSamples,
    ...describe(first),
  };

  if (!scaleUpWithUnready && groups.missing.length === 0) {
    if (withinTolerance) {
      return {
        ...common,
        replicas: current,
        pods: podDetails(),
        explanation: 'usage ratio within tolerance: keep the current count',
      };
    }
    const replicas = ceilReplicas(usageRatio * groups.ready.length);
    return {
      ...common,
      replicas,
      pods: podDetails(),
      explanation: `ceil(usage ratio ${usageRatio} x ${groups.ready.length} ready pods) = ${replicas}`,
    };
  }

  let missingFilledWith: SecondPass['missingFilledWith'] = 'none';
  if (groups.missing.length > 0) {
    if (usageRatio < 1.0) {
      missingFilledWith = strategy.scaleDownFillKind;
      for (const pod of groups.missing) values.set(pod, strategy.scaleDownFill(pod));
    } else if (usageRatio > 1.0) {
      missingFilledWith = 'zero';
      for (const pod of groups.missing) values.set(pod, 0n);
    }
  }
  if (scaleUpWithUnready) for (const pod of groups.unready) values.set(pod, 0n);

  const second = strategy.ratio(values);
  if (!second.ok) return second;
  const newRatio = second.ratio;
  const pass = {
    missingFilledWith,
    unreadyCountedAtZero: scaleUpWithUnready,
    usageRatio: newRatio,
    consideredValues: values.size,
  };
  const cancel = (cancelled: Cancellation, proposal: number | undefined, why: string): PodMetricResult => ({
    ...common,
    replicas: current,
    pods: podDetails(values),
    secondPass: { ...pass, proposal, cancelled },
    explanation: why,
  });
  if (isWithinTolerance(inputs.tolerances, newRatio)) {
    return cancel(
      'within-tolerance',
      undefined,
      `after filling in missing/unready pods the ratio ${newRatio} is within tolerance: keep the current count`,
    );
  }
  if ((usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0)) {
    return cancel(
      'direction-changed',
      undefined,
      `filling in missing/unready pods turns the ratio from ${usageRatio} to ${newRatio}: keep the current count`,
    );
  }
  const proposal = ceilReplicas(newRatio * values.size);
  if ((newRatio < 1.0 && proposal > current) || (newRatio > 1.0 && proposal < current)) {
    return cancel(
      'pod-count-reversed',
      proposal,
      `ceil(${newRatio} x ${values.size}) = ${proposal} would move against the ratio: keep the current count`,
    );
  }
  return {
    ...common,
    replicas: proposal,
    pods: podDetails(values),
    secondPass: { ...pass, proposal },
    explanation: `after filling in missing/unready pods: ceil(${newRatio} x ${values.size}) = ${proposal}`,
  };
}

export interface ResourceUtilizationInputs extends PodMetricInputs {
  readonly resource: string;
  /** ContainerResource: the container; Resource: undefined. */
  readonly container?: string | undefined;
  readonly targetUtilization: number;
}

/** `GetResourceReplicas`: a Utilization target on a Resource or ContainerResource metric. */
export function resourceUtilizationReplicas(inputs: ResourceUtilizationInputs): PodMetricOutcome {
  if (inputs.samples.length === 0) {
    return {
      ok: false,
      message: `unable to get metrics for resource ${inputs.resource}: no metrics returned from resource metrics API`,
    };
  }
  if (inputs.pods.length === 0)
    return { ok: false, message: 'no pods returned by selector while calculating replica count' };
  const classified = classifyPods({ ...inputs, samples: sampleMap(inputs.samples) });
  const requests = new Map<string, { milli: bigint; source: RequestSource }>();
  const requestMilli = new Map<string, bigint>();
  const computeRequests = (): Failure | undefined => {
    for (const pod of inputs.pods) {
      const request = podRequest(pod, inputs.resource, inputs.container, inputs.options.podLevelResources);
      if (!request.ok) return request;
      requests.set(pod.name, request);
      requestMilli.set(pod.name, request.milli);
    }
    return undefined;
  };
  const fallback = BigInt(Math.max(100, inputs.targetUtilization));
  return run(
    inputs,
    classified,
    {
      ratio: (values) => resourceUtilizationRatio(values, requestMilli, inputs.targetUtilization),
      scaleDownFill: (pod) => ((requestMilli.get(pod) ?? 0n) * fallback) / 100n,
      scaleDownFillKind: 'request',
    },
    (first) => ({ utilization: first.utilization, currentAverageMilli: first.rawAverageMilli }),
    requests,
    computeRequests,
  );
}

export interface AverageValueInputs extends PodMetricInputs {
  /** The resource for AverageValue on Resource/ContainerResource (drives the CPU readiness rules); undefined for Pods metrics. */
  readonly resource?: string | undefined;
  readonly targetMilli: bigint;
  /** Which API the samples came from, for the "no metrics" message. */
  readonly source: 'resource' | 'custom';
}

/** `GetRawResourceReplicas` and `GetMetricReplicas`: an AverageValue target on per-pod values. */
export function averageValueReplicas(inputs: AverageValueInputs): PodMetricOutcome {
  if (inputs.samples.length === 0) {
    return {
      ok: false,
      message: `no metrics returned from ${inputs.source === 'resource' ? 'resource' : 'custom'} metrics API`,
    };
  }
  if (inputs.pods.length === 0)
    return { ok: false, message: 'no pods returned by selector while calculating replica count' };
  const classified = classifyPods({ ...inputs, samples: sampleMap(inputs.samples) });
  return run(
    inputs,
    classified,
    {
      ratio: (values) => ({ ok: true as const, ...metricUsageRatio(values, inputs.targetMilli) }),
      scaleDownFill: () => inputs.targetMilli,
      scaleDownFillKind: 'target',
    },
    (first) => ({ currentAverageMilli: first.usageMilli }),
    undefined,
  );
}
