/**
 * What the HPA controller writes into `status` for the fixture's HPAs, computed on its arithmetic
 * (k8s.io/kubernetes pkg/controller/podautoscaler: replica_calculator.go, horizontal.go) for the
 * case the fixture guarantees: every selected pod Running, Ready for longer than the CPU
 * initialization period, with a sample. That case needs no second pass, so each metric is the first
 * pass only: a usage ratio against the tolerance band [0.9, 1.1], then `ceil(ratio × pods)`.
 * Kept independent of src/hpa on purpose: the fixture is what `hpa explain` is checked against.
 */
import type {
  HorizontalPodAutoscalerCondition,
  LabelSelectorWire,
  MetricSpec,
  MetricStatus,
} from '../api/index.js';
import { Quantity } from '../quantity/index.js';

const TOLERANCE = 0.1;

/** One metric's observed inputs, as milli-values (`Quantity.MilliValue()`), one per pod where per-pod. */
export type MetricInputs =
  | { readonly kind: 'utilization'; readonly usage: readonly bigint[]; readonly requests: readonly bigint[] }
  | { readonly kind: 'average'; readonly values: readonly bigint[] }
  | { readonly kind: 'total'; readonly total: bigint };

export interface MetricOutcome {
  readonly proposal: number;
  readonly current: MetricStatus;
  /** horizontal.go's `metricNameProposal`, used in the ValidMetricFound message. */
  readonly description: string;
}

const within = (ratio: number): boolean => 1 - TOLERANCE <= ratio && ratio <= 1 + TOLERANCE;
const milli = (value: bigint): string => Quantity.fromMilli(value).toString();
const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);
const milliOf = (text: string | undefined): bigint =>
  text === undefined ? 0n : Quantity.parse(text).milliValue();

/** `%+v` of a `*metav1.LabelSelector` (its generated String method), as in the External metric name. */
function goSelector(selector: LabelSelectorWire | null | undefined): string {
  if (selector === undefined || selector === null) return '<nil>';
  const labels = Object.keys(selector.matchLabels ?? {})
    .sort()
    .map((k) => `${k}: ${selector.matchLabels![k]!},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{},}`;
}

/**
 * One metric of an HPA whose target has `replicas` pods, all ready and sampled.
 * `GetResourceReplicas`, `GetRawResourceReplicas`, `GetMetricReplicas`, `GetObjectMetricReplicas`,
 * `GetObjectPerPodMetricReplicas`, `GetExternalMetricReplicas`, `GetExternalPerPodMetricReplicas`.
 */
export function metricOutcome(spec: MetricSpec, inputs: MetricInputs, replicas: number): MetricOutcome {
  const perPod = (ratio: number, pods: number): number =>
    within(ratio) ? replicas : Math.ceil(ratio * pods);
  switch (inputs.kind) {
    case 'utilization': {
      const total = sum(inputs.usage);
      const utilization = Number((total * 100n) / sum(inputs.requests));
      const raw = total / BigInt(inputs.usage.length);
      const source = spec.resource ?? spec.containerResource;
      const target = source?.target.averageUtilization ?? 0;
      const current = { averageUtilization: utilization, averageValue: milli(raw) };
      const name = source?.name ?? '';
      return {
        proposal: perPod(utilization / target, inputs.usage.length),
        current:
          spec.type === 'ContainerResource'
            ? {
                type: spec.type,
                containerResource: { name, container: spec.containerResource!.container, current },
              }
            : { type: 'Resource', resource: { name, current } },
        description: `${name} ${spec.type === 'ContainerResource' ? 'container resource' : 'resource'} utilization (percentage of request)`,
      };
    }
    case 'average': {
      const average = sum(inputs.values) / BigInt(inputs.values.length);
      const ratio = Number(average) / Number(milliOf(averageTarget(spec)));
      const current = { averageValue: milli(average) };
      const proposal = perPod(ratio, inputs.values.length);
      if (spec.type === 'Pods')
        return {
          proposal,
          current: { type: 'Pods', pods: { metric: spec.pods!.metric, current } },
          description: `pods metric ${spec.pods!.metric.name}`,
        };
      return {
        proposal,
        current: { type: 'Resource', resource: { name: spec.resource!.name, current } },
        description: `${spec.resource!.name} resource`,
      };
    }
    case 'total': {
      const source = spec.object ?? spec.external;
      const target = source!.target;
      const description =
        spec.type === 'Object'
          ? `${spec.object!.describedObject.kind} metric ${spec.object!.metric.name}`
          : `external metric ${spec.external!.metric.name}(${goSelector(spec.external!.metric.selector)})`;
      let proposal: number;
      let current: { value: string } | { averageValue: string };
      if (target.averageValue !== undefined) {
        // Per pod: divided by the scale's status replicas; outside tolerance ceil(total / target).
        const perPodTarget = Number(milliOf(target.averageValue));
        const ratio = Number(inputs.total) / (perPodTarget * replicas);
        proposal = within(ratio) ? replicas : Math.ceil(Number(inputs.total) / perPodTarget);
        current = { averageValue: milli(BigInt(Math.ceil(Number(inputs.total) / replicas))) };
      } else {
        proposal = perPod(Number(inputs.total) / Number(milliOf(target.value)), replicas);
        current = { value: milli(inputs.total) };
      }
      const status: MetricStatus =
        spec.type === 'Object'
          ? {
              type: 'Object',
              object: { describedObject: spec.object!.describedObject, metric: spec.object!.metric, current },
            }
          : { type: 'External', external: { metric: spec.external!.metric, current } };
      return { proposal, current: status, description };
    }
  }
}

function averageTarget(spec: MetricSpec): string | undefined {
  return (spec.pods ?? spec.resource)?.target.averageValue;
}

/**
 * The conditions and counts of a sync that did not rescale: the recommendation (the highest
 * proposal, the first metric reaching it named) either equals the current count or is clamped back
 * to it by minReplicas/maxReplicas (`convertDesiredReplicasWithRules`), so `desiredReplicas` is the
 * current count, as the fixture's pods are.
 */
export function steadyConditions(
  outcomes: readonly MetricOutcome[],
  current: number,
  limits: { readonly min: number; readonly max: number },
  time: string,
): HorizontalPodAutoscalerCondition[] {
  let best: MetricOutcome | undefined;
  for (const o of outcomes) if (best === undefined || o.proposal > best.proposal) best = o;
  const recommended = best?.proposal ?? current;
  const condition = (
    type: string,
    status: 'True' | 'False',
    reason: string,
    message: string,
  ): HorizontalPodAutoscalerCondition => ({ type, status, lastTransitionTime: time, reason, message });
  const limited =
    recommended > limits.max
      ? condition(
          'ScalingLimited',
          'True',
          'TooManyReplicas',
          'the desired replica count is more than the maximum replica count',
        )
      : recommended < limits.min
        ? condition(
            'ScalingLimited',
            'True',
            'TooFewReplicas',
            'the desired replica count is less than the minimum replica count',
          )
        : condition(
            'ScalingLimited',
            'False',
            'DesiredWithinRange',
            'the desired count is within the acceptable range',
          );
  return [
    condition('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size'),
    condition(
      'ScalingActive',
      'True',
      'ValidMetricFound',
      `the HPA was able to successfully calculate a replica count from ${best?.description ?? 'cpu resource utilization (percentage of request)'}`,
    ),
    limited,
  ];
}
