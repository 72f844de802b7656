/**
 * The `autoscaling/v2` HorizontalPodAutoscaler spec as the controller reads it (k8s.io/api
 * autoscaling/v2 types.go), plus the API server's defaulting (pkg/apis/autoscaling/v2 defaults.go)
 * so the calculation always sees what the controller sees: an HPA stored without `metrics` gets
 * CPU at 80 % utilization, and a `behavior` gets its missing policies filled in.
 */
import { KubemetricsError } from '../errors.js';

// The wire types live in src/api (the test cluster serves them too); re-exported for this package's users.
import type {
  HorizontalPodAutoscalerSpec,
  MetricSpec,
  ScalingPolicy,
  ScalingPolicySelect,
  ScalingRules,
} from '../api/index.js';
export type {
  Behavior,
  CrossVersionObjectReference,
  HorizontalPodAutoscalerSpec,
  MetricIdentifier,
  MetricSourceType,
  MetricSpec,
  MetricTarget,
  MetricTargetType,
  ScalingPolicy,
  ScalingPolicySelect,
  ScalingPolicyType,
  ScalingRules,
} from '../api/index.js';

/** A direction's rules after defaulting: every field set except the optional tolerance. */
export interface DefaultedScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: ScalingPolicySelect;
  readonly policies: readonly ScalingPolicy[];
  readonly tolerance?: string | undefined;
}

export interface DefaultedBehavior {
  readonly scaleUp: DefaultedScalingRules;
  readonly scaleDown: DefaultedScalingRules;
}

/** autoscaling/v2 `SetDefaults_HorizontalPodAutoscaler`: no metrics means CPU at 80 %. */
export const DEFAULT_CPU_UTILIZATION = 80;

/** `GenerateHPAScaleUpRules` defaults: 4 pods or 100 % per 15 s, whichever is more. */
const SCALE_UP_POLICIES: readonly ScalingPolicy[] = [
  { type: 'Pods', value: 4, periodSeconds: 15 },
  { type: 'Percent', value: 100, periodSeconds: 15 },
];
/** `GenerateHPAScaleDownRules` defaults: 100 % per 15 s. */
const SCALE_DOWN_POLICIES: readonly ScalingPolicy[] = [{ type: 'Percent', value: 100, periodSeconds: 15 }];

/** The metrics the controller evaluates: the spec's, or the API server's CPU default. */
export function effectiveMetrics(spec: HorizontalPodAutoscalerSpec): readonly MetricSpec[] {
  if (spec.metrics !== undefined && spec.metrics.length > 0) return spec.metrics;
  return [
    {
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } },
    },
  ];
}

/**
 * The behavior after API defaulting plus the controller's own fill-in: a scale-down rule without a
 * window takes the controller's `--horizontal-pod-autoscaler-downscale-stabilization`
 * (horizontal.go `maybeInitScaleDownStabilizationWindow`). `undefined` when the HPA has no
 * behavior: the controller then uses its older stabilization-only path.
 */
export function defaultedBehavior(
  spec: HorizontalPodAutoscalerSpec,
  downscaleStabilizationSeconds: number,
): DefaultedBehavior | undefined {
  const behavior = spec.behavior;
  if (behavior === undefined || behavior === null) return undefined;
  return {
    scaleUp: defaultRules(behavior.scaleUp, 0, SCALE_UP_POLICIES),
    scaleDown: defaultRules(behavior.scaleDown, downscaleStabilizationSeconds, SCALE_DOWN_POLICIES),
  };
}

function defaultRules(
  rules: ScalingRules | undefined,
  window: number,
  policies: readonly ScalingPolicy[],
): DefaultedScalingRules {
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? window,
    selectPolicy: rules?.selectPolicy ?? 'Max',
    policies: rules?.policies ?? policies,
    tolerance: rules?.tolerance,
  };
}

/** `minReplicas` defaults to 1. */
export function effectiveMinReplicas(spec: HorizontalPodAutoscalerSpec): number {
  return spec.minReplicas ?? 1;
}

/** Rejects a spec the API server would not have stored, naming the field. */
export function checkSpec(spec: HorizontalPodAutoscalerSpec): void {
  const fail = (field: string, why: string): never => {
    throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', `HPA spec.${field} ${why}`, {
      hint: 'pass the spec as stored by the API server (kubectl get hpa NAME -o json | jq .spec)',
    });
  };
  if (!Number.isInteger(spec.maxReplicas) || spec.maxReplicas < 1)
    fail('maxReplicas', 'must be an integer >= 1');
  const min = effectiveMinReplicas(spec);
  if (!Number.isInteger(min) || min < 0) fail('minReplicas', 'must be an integer >= 0');
  if (min > spec.maxReplicas)
    fail('minReplicas', `(${min}) must not exceed maxReplicas (${spec.maxReplicas})`);
}
