/**
 * One metric of the spec → one replica proposal, by horizontal.go `computeReplicasForMetric` and
 * the `computeStatusFor*Metric` functions: which calculator a metric type and target type select,
 * which replica count it is measured against (`scale.spec.replicas` for most, `scale.status.replicas`
 * for AverageValue targets on Object and External metrics), and the condition reason a failure sets.
 */
import { parseQuantity } from '../quantity/index.js';
import type { HpaPod, PodSample } from './inputs.js';
import type { ControllerOptions, Tolerances } from './options.js';
import {
  averageValueTargetReplicas,
  valueTargetReplicas,
  type ObjectMetricResult,
} from './object-metric-replicas.js';
import type { PodClassification } from './classify.js';
import {
  averageValueReplicas,
  resourceUtilizationReplicas,
  type PodMetricFailure,
  type PodMetricResult,
} from './pod-metric-replicas.js';
import type { MetricSpec, MetricTarget } from './spec.js';

/** What was fetched for one metric, the way the controller's metrics client returns it. */
export type MetricObservation =
  /** Resource, ContainerResource, Pods: one sample per pod (pods outside the selector may appear). */
  | { readonly samples: readonly PodSample[] }
  /** Object: the one value; External: every series the metric selector matched. Milli-units. */
  | { readonly values: readonly bigint[] }
  /** The fetch itself failed: the error the metrics API gave. */
  | { readonly error: string };

/** The `ScalingActive=False` reason the controller sets when this metric fails. */
export type MetricFailureReason =
  | 'FailedGetResourceMetric'
  | 'FailedGetContainerResourceMetric'
  | 'FailedGetPodsMetric'
  | 'FailedGetObjectMetric'
  | 'FailedGetExternalMetric'
  | 'InvalidMetricSourceType';

export interface MetricProposal {
  readonly index: number;
  readonly type: string;
  /** Resource name, `resource/container`, or the metric name. */
  readonly name: string;
  /** Which target the spec sets, as the controller reads it. */
  readonly targetType?: 'Utilization' | 'Value' | 'AverageValue' | undefined;
  /** The target: a percentage for Utilization, else milli-units. */
  readonly target?: number | bigint | undefined;
  readonly proposedReplicas?: number | undefined;
  readonly error?: { readonly reason: MetricFailureReason; readonly message: string } | undefined;
  /** Every intermediate number of the calculation. */
  readonly calculation?: PodMetricResult | ObjectMetricResult | undefined;
  /** On a failure after the pods were classified (e.g. every pod unready): each pod and why. */
  readonly pods?: readonly PodClassification[] | undefined;
}

export interface ProposalContext {
  readonly specReplicas: number;
  readonly statusReplicas: number;
  readonly pods: readonly HpaPod[];
  readonly now: number;
  readonly tolerances: Tolerances;
  readonly options: ControllerOptions;
}

const REASON: Record<string, MetricFailureReason> = {
  Resource: 'FailedGetResourceMetric',
  ContainerResource: 'FailedGetContainerResourceMetric',
  Pods: 'FailedGetPodsMetric',
  Object: 'FailedGetObjectMetric',
  External: 'FailedGetExternalMetric',
};

function milli(text: string): bigint {
  return parseQuantity(text).milliValue();
}

function metricName(spec: MetricSpec): string {
  switch (spec.type) {
    case 'Resource':
      return spec.resource?.name ?? '';
    case 'ContainerResource':
      return `${spec.containerResource?.name ?? ''}/${spec.containerResource?.container ?? ''}`;
    case 'Pods':
      return spec.pods?.metric.name ?? '';
    case 'Object':
      return spec.object?.metric.name ?? '';
    case 'External':
      return spec.external?.metric.name ?? '';
    default:
      return '';
  }
}

type Outcome = { ok: true; replicas: number } | { ok: false; message: string };

export function proposeForMetric(
  spec: MetricSpec,
  index: number,
  observation: MetricObservation | undefined,
  ctx: ProposalContext,
): MetricProposal {
  const base = { index, type: spec.type, name: metricName(spec) };
  const reason = REASON[spec.type];
  if (reason === undefined) {
    return {
      ...base,
      error: { reason: 'InvalidMetricSourceType', message: `unknown metric source type "${spec.type}"` },
    };
  }
  const fail = (message: string, extra: Partial<MetricProposal> = {}): MetricProposal => ({
    ...base,
    ...extra,
    error: { reason, message },
  });
  if (observation === undefined) return fail('no observation was given for this metric');
  if ('error' in observation) return fail(observation.error);
  const finish = (
    extra: Pick<MetricProposal, 'targetType' | 'target'>,
    outcome: (PodMetricResult | ObjectMetricResult) | { ok: false; message: string },
  ): MetricProposal => {
    const result = outcome as Outcome;
    if (!result.ok) return fail(result.message, { ...extra, pods: (outcome as PodMetricFailure).pods });
    return {
      ...base,
      ...extra,
      proposedReplicas: result.replicas,
      calculation: outcome as PodMetricResult | ObjectMetricResult,
    };
  };
  const samples = 'samples' in observation ? observation.samples : undefined;
  const values = 'values' in observation ? observation.values : undefined;
  const perPod = {
    currentReplicas: ctx.specReplicas,
    pods: ctx.pods,
    now: ctx.now,
    tolerances: ctx.tolerances,
    options: ctx.options,
  };

  if (spec.type === 'Resource' || spec.type === 'ContainerResource') {
    const source = spec.type === 'Resource' ? spec.resource : spec.containerResource;
    if (source === undefined)
      return fail(
        `spec.metrics[${index}].${spec.type === 'Resource' ? 'resource' : 'containerResource'} is missing`,
      );
    const container = spec.type === 'ContainerResource' ? spec.containerResource?.container : undefined;
    if (samples === undefined) return fail('a per-pod metric needs samples, not values');
    const target: MetricTarget = source.target;
    // computeStatusForResourceMetricGeneric: an average value wins over a utilization.
    if (target.averageValue !== undefined) {
      const targetMilli = milli(target.averageValue);
      return finish(
        { targetType: 'AverageValue', target: targetMilli },
        averageValueReplicas({ ...perPod, samples, resource: source.name, targetMilli, source: 'resource' }),
      );
    }
    if (target.averageUtilization === undefined) {
      return fail(
        'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set',
      );
    }
    return finish(
      { targetType: 'Utilization', target: target.averageUtilization },
      resourceUtilizationReplicas({
        ...perPod,
        samples,
        resource: source.name,
        container,
        targetUtilization: target.averageUtilization,
      }),
    );
  }

  if (spec.type === 'Pods') {
    const averageValue = spec.pods?.target.averageValue;
    if (averageValue === undefined)
      return fail('invalid pods metric source: no average value target was set');
    if (samples === undefined) return fail('a per-pod metric needs samples, not values');
    const targetMilli = milli(averageValue);
    return finish(
      { targetType: 'AverageValue', target: targetMilli },
      averageValueReplicas({ ...perPod, samples, targetMilli, source: 'custom' }),
    );
  }

  const kind: 'object' | 'external' = spec.type === 'Object' ? 'object' : 'external';
  const target = spec.type === 'Object' ? spec.object?.target : spec.external?.target;
  if (target === undefined) return fail(`spec.metrics[${index}].${kind} is missing`);
  if (values === undefined) return fail(`an ${kind} metric needs values, not samples`);
  // Object checks the target type; External takes an average value first, as upstream does.
  const useAverage =
    spec.type === 'Object'
      ? target.type === 'AverageValue' && target.averageValue !== undefined
      : target.averageValue !== undefined;
  const useValue =
    spec.type === 'Object'
      ? target.type === 'Value' && target.value !== undefined
      : target.value !== undefined;
  if (useAverage || useValue) {
    const targetMilli = milli((useAverage ? target.averageValue : target.value) as string);
    const common = { targetMilli, values, kind, tolerances: ctx.tolerances };
    return finish(
      { targetType: useAverage ? 'AverageValue' : 'Value', target: targetMilli },
      useAverage
        ? averageValueTargetReplicas({ ...common, statusReplicas: ctx.statusReplicas })
        : valueTargetReplicas({ ...common, currentReplicas: ctx.specReplicas, pods: ctx.pods }),
    );
  }
  return fail(`invalid ${kind} metric source: neither a value target nor an average value target was set`);
}

export interface MetricsRecommendation {
  /** The highest valid proposal; undefined when the controller gives up (see `invalid`). */
  readonly replicas?: number | undefined;
  /** The metric that gave it. */
  readonly metric?: string | undefined;
  readonly invalidCount: number;
  /** The first failure, as the controller reports it. */
  readonly firstError?: MetricProposal['error'] | undefined;
  /**
   * Why the controller does not act: every metric failed, or some failed and the valid ones would
   * scale below the current count (it never scales down on partial information).
   */
  readonly blocked?: 'all-metrics-invalid' | 'invalid-metrics-block-scale-down' | undefined;
}

/** `computeReplicasForMetrics`: the maximum over valid proposals, and the invalid-metric rules. */
export function recommendFromProposals(
  proposals: readonly MetricProposal[],
  specReplicas: number,
): MetricsRecommendation {
  let replicas = 0;
  let metric: string | undefined;
  let invalidCount = 0;
  let firstError: MetricProposal['error'];
  for (const p of proposals) {
    if (p.error !== undefined || p.proposedReplicas === undefined) {
      if (invalidCount === 0) firstError = p.error;
      invalidCount++;
      continue;
    }
    if (replicas === 0 || p.proposedReplicas > replicas) {
      replicas = p.proposedReplicas;
      metric = `${p.type} ${p.name}`;
    }
  }
  if (invalidCount >= proposals.length) return { invalidCount, firstError, blocked: 'all-metrics-invalid' };
  if (invalidCount > 0 && replicas < specReplicas) {
    return { invalidCount, firstError, blocked: 'invalid-metrics-block-scale-down' };
  }
  return { replicas, metric, invalidCount, firstError };
}
