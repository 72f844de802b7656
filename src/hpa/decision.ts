/**
 * One HPA, one sync: horizontal.go `reconcileAutoscaler` from the scale subresource onwards.
 *
 * 1. A target at 0 replicas with `minReplicas > 0` is not autoscaled; one above `maxReplicas` or
 *    below `minReplicas` is brought back inside without looking at metrics.
 * 2. Otherwise every metric proposes a count (`proposeForMetric`) and the highest valid one is the
 *    recommendation, unless all metrics failed or some failed and the rest would scale down.
 * 3. The recommendation is stabilized and rate-limited (`desiredReplicas`): exactly when the
 *    controller's memory is given, else as a range.
 */
import { desiredReplicas, type ControllerMemory, type DesiredReplicas } from './desired-replicas.js';
import type { HpaPod } from './inputs.js';
import {
  proposeForMetric,
  recommendFromProposals,
  type MetricObservation,
  type MetricProposal,
  type MetricsRecommendation,
} from './metric-proposal.js';
import { controllerOptions, tolerancesFor, type ControllerOptions, type Tolerances } from './options.js';
import {
  checkSpec,
  defaultedBehavior,
  effectiveMetrics,
  effectiveMinReplicas,
  type HorizontalPodAutoscalerSpec,
} from './spec.js';
import { KubemetricsError } from '../errors.js';

export interface HpaInputs {
  readonly spec: HorizontalPodAutoscalerSpec;
  /** The scale subresource: `spec.replicas` (current) and `status.replicas` (pods that exist). */
  readonly scale: { readonly specReplicas: number; readonly statusReplicas: number };
  /** The pods `scale.status.selector` matches in the HPA's namespace. */
  readonly pods: readonly HpaPod[];
  /** One observation per metric of the spec (or of the CPU default when the spec has none), in order. */
  readonly metrics: readonly MetricObservation[];
  readonly now: number;
  readonly options?: Partial<ControllerOptions> | undefined;
  /** The controller's memory, when known (e.g. accumulated by a watcher). */
  readonly memory?: ControllerMemory | undefined;
  /** `status.lastScaleTime` in epoch ms. */
  readonly lastScaleTime?: number | undefined;
}

export type Shortcut = 'ScalingDisabled' | 'AboveMaxReplicas' | 'BelowMinReplicas';

export interface HpaDecision {
  readonly currentReplicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly tolerances: Tolerances;
  readonly options: ControllerOptions;
  /** Set when step 1 decided without metrics. */
  readonly shortcut?: Shortcut | undefined;
  readonly metrics: readonly MetricProposal[];
  readonly recommendation?: MetricsRecommendation | undefined;
  /** The maximum over valid metrics, before min/max and behavior; undefined when none is usable. */
  readonly recommendedReplicas?: number | undefined;
  /** The count the controller sets this sync, when it can be known. */
  readonly desiredReplicas?: number | undefined;
  /** Both ends, always present when a count is computed. */
  readonly desiredReplicasRange?: { readonly min: number; readonly max: number } | undefined;
  readonly desired?: DesiredReplicas | undefined;
  /** One line: what the controller does and why. */
  readonly summary: string;
}

function checkReplicas(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `${field} must be a non-negative integer, got ${String(value)}`,
      {
        hint: 'read it from the scale subresource (kubectl get --raw .../scale)',
      },
    );
  }
}

export function decideHpa(inputs: HpaInputs): HpaDecision {
  checkSpec(inputs.spec);
  checkReplicas(inputs.scale.specReplicas, 'scale.spec.replicas');
  checkReplicas(inputs.scale.statusReplicas, 'scale.status.replicas');
  const options = controllerOptions(inputs.options);
  const behavior = defaultedBehavior(inputs.spec, options.downscaleStabilizationSeconds);
  const tolerances = tolerancesFor(behavior, options);
  const current = inputs.scale.specReplicas;
  const minReplicas = effectiveMinReplicas(inputs.spec);
  const maxReplicas = inputs.spec.maxReplicas;
  const base = { currentReplicas: current, minReplicas, maxReplicas, tolerances, options };
  const fixed = (shortcut: Shortcut, replicas: number, summary: string): HpaDecision => ({
    ...base,
    shortcut,
    metrics: [],
    desiredReplicas: replicas,
    desiredReplicasRange: { min: replicas, max: replicas },
    summary,
  });

  if (current === 0 && minReplicas !== 0) {
    return fixed('ScalingDisabled', 0, 'scaling is disabled since the replica count of the target is zero');
  }
  if (current > maxReplicas)
    return fixed(
      'AboveMaxReplicas',
      maxReplicas,
      `current replicas above maxReplicas: set to ${maxReplicas}`,
    );
  if (current < minReplicas)
    return fixed(
      'BelowMinReplicas',
      minReplicas,
      `current replicas below minReplicas: set to ${minReplicas}`,
    );

  const specs = effectiveMetrics(inputs.spec);
  if (inputs.metrics.length !== specs.length) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `${specs.length} metric(s) in the HPA spec but ${inputs.metrics.length} observation(s) given`,
      {
        hint: 'pass one observation per spec.metrics entry (or one for the CPU default when the spec has none)',
      },
    );
  }
  const ctx = {
    specReplicas: current,
    statusReplicas: inputs.scale.statusReplicas,
    pods: inputs.pods,
    now: inputs.now,
    tolerances,
    options,
  };
  const metrics = specs.map((spec, i) => proposeForMetric(spec, i, inputs.metrics[i], ctx));
  const recommendation = recommendFromProposals(metrics, current);
  if (recommendation.replicas === undefined) {
    const why =
      recommendation.blocked === 'all-metrics-invalid'
        ? 'no metric could be computed'
        : 'some metrics failed and the others would scale down';
    return {
      ...base,
      metrics,
      recommendation,
      summary: `cannot compute: ${why} (first error: ${recommendation.firstError?.message ?? 'unknown'}); the replica count stays`,
    };
  }
  const desired = desiredReplicas({
    currentReplicas: current,
    recommendation: recommendation.replicas,
    minReplicas,
    maxReplicas,
    behavior,
    downscaleStabilizationSeconds: options.downscaleStabilizationSeconds,
    scaleUpLimitFactor: options.scaleUpLimitFactor,
    now: inputs.now,
    memory: inputs.memory,
    lastScaleTime: inputs.lastScaleTime,
  });
  const range = { min: desired.min.replicas, max: desired.max.replicas };
  return {
    ...base,
    metrics,
    recommendation,
    recommendedReplicas: recommendation.replicas,
    desiredReplicas: desired.exact ? desired.min.replicas : undefined,
    desiredReplicasRange: range,
    desired,
    summary: desired.exact
      ? `recommended ${recommendation.replicas} (from ${recommendation.metric ?? 'metrics'}), desired ${desired.min.replicas}`
      : `recommended ${recommendation.replicas} (from ${recommendation.metric ?? 'metrics'}), desired between ${range.min} and ${range.max}: ${desired.unknowns.join('; ')}`,
  };
}
