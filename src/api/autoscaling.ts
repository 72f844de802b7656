/**
 * autoscaling/v2 HorizontalPodAutoscaler and autoscaling/v1 Scale as they appear on the wire
 * (k8s.io/api autoscaling/v2 types.go, autoscaling/v1 types.go). Quantities stay strings; the HPA
 * calculation (src/hpa) reads the spec types, the test cluster serves the whole object.
 */
import type { ObjectMeta } from './meta.js';
import type { LabelSelectorWire } from './metrics.js';

export type MetricSourceType = 'Resource' | 'ContainerResource' | 'Pods' | 'Object' | 'External';
export type MetricTargetType = 'Utilization' | 'Value' | 'AverageValue';

/** A target: quantities stay strings (the wire form); `averageUtilization` is a percentage. */
export interface MetricTarget {
  type: MetricTargetType;
  value?: string;
  averageValue?: string;
  averageUtilization?: number;
}

export interface MetricIdentifier {
  name: string;
  selector?: LabelSelectorWire | null;
}

export interface CrossVersionObjectReference {
  kind: string;
  name: string;
  apiVersion?: string;
}

export interface MetricSpec {
  type: MetricSourceType;
  resource?: { name: string; target: MetricTarget };
  containerResource?: { name: string; container: string; target: MetricTarget };
  pods?: { metric: MetricIdentifier; target: MetricTarget };
  object?: { describedObject: CrossVersionObjectReference; metric: MetricIdentifier; target: MetricTarget };
  external?: { metric: MetricIdentifier; target: MetricTarget };
}

export type ScalingPolicyType = 'Pods' | 'Percent';
export type ScalingPolicySelect = 'Max' | 'Min' | 'Disabled';

export interface ScalingPolicy {
  type: ScalingPolicyType;
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: ScalingPolicySelect;
  policies?: ScalingPolicy[];
  /** Per-HPA tolerance (HPAConfigurableTolerance, KEP-4951), a quantity such as `0.05`. */
  tolerance?: string;
}

export interface Behavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

export interface HorizontalPodAutoscalerSpec {
  scaleTargetRef: CrossVersionObjectReference;
  minReplicas?: number;
  maxReplicas: number;
  metrics?: MetricSpec[];
  behavior?: Behavior | null;
}

/** What the controller measured for one metric (`MetricValueStatus`). */
export interface MetricValueStatus {
  value?: string;
  averageValue?: string;
  averageUtilization?: number;
}

/**
 * One entry of `status.currentMetrics`, in the order of `spec.metrics`. Type `''` is the empty entry
 * the controller leaves for a metric it could not compute (the zero `MetricStatus`).
 */
export interface MetricStatus {
  type: MetricSourceType | '';
  resource?: { name: string; current: MetricValueStatus };
  containerResource?: { name: string; container: string; current: MetricValueStatus };
  pods?: { metric: MetricIdentifier; current: MetricValueStatus };
  object?: {
    describedObject: CrossVersionObjectReference;
    metric: MetricIdentifier;
    current: MetricValueStatus;
  };
  external?: { metric: MetricIdentifier; current: MetricValueStatus };
}

/** AbleToScale, ScalingActive, ScalingLimited. */
export interface HorizontalPodAutoscalerCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface HorizontalPodAutoscalerStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas: number;
  currentMetrics?: MetricStatus[];
  conditions?: HorizontalPodAutoscalerCondition[];
}

export interface HorizontalPodAutoscaler {
  kind?: string;
  apiVersion?: string;
  metadata: ObjectMeta;
  spec: HorizontalPodAutoscalerSpec;
  status?: HorizontalPodAutoscalerStatus;
}

/**
 * autoscaling/v1 Scale, the `scale` subresource of Deployments, ReplicaSets and StatefulSets.
 * `status.selector` is the label selector in its string form (`app=web,tier in (a,b)`), which is
 * what the HPA controller parses to find the pods.
 */
export interface Scale {
  kind?: string;
  apiVersion?: string;
  metadata: ObjectMeta;
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}
