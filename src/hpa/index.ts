/**
 * `kubemetrics/hpa`: the HorizontalPodAutoscaler controller's decision as pure functions over plain
 * inputs (pods, metric samples, the `autoscaling/v2` spec, `now`), with every intermediate number in
 * the result so a tool can show why an HPA scales or does not. The rules follow kube-controller-manager
 * (pkg/controller/podautoscaler: replica_calculator.go, metrics/utilization.go, horizontal.go) and
 * the tests transcribe its unit tests. docs/hpa.md is the reference.
 */
export { decideHpa } from './decision.js';
export type { HpaDecision, HpaInputs, Shortcut } from './decision.js';
export { compareWithStatus } from './status-agreement.js';
export type { HpaStatusSnapshot, StatusAgreement } from './status-agreement.js';
export { desiredReplicas } from './desired-replicas.js';
export type { ControllerMemory, DesiredBound, DesiredInputs, DesiredReplicas } from './desired-replicas.js';
export { proposeForMetric, recommendFromProposals } from './metric-proposal.js';
export type {
  MetricFailureReason,
  MetricObservation,
  MetricProposal,
  MetricsRecommendation,
  ProposalContext,
} from './metric-proposal.js';
export { averageValueReplicas, resourceUtilizationReplicas } from './pod-metric-replicas.js';
export type {
  AverageValueInputs,
  Cancellation,
  PodDetail,
  PodMetricFailure,
  PodMetricInputs,
  PodMetricOutcome,
  PodMetricResult,
  ResourceUtilizationInputs,
  SecondPass,
} from './pod-metric-replicas.js';
export {
  averageValueTargetReplicas,
  runningAndReady,
  valueTargetReplicas,
} from './object-metric-replicas.js';
export type {
  AverageValueTargetInputs,
  ObjectMetricOutcome,
  ObjectMetricResult,
  ValueTargetInputs,
} from './object-metric-replicas.js';
export { classifyPod, classifyPods, sampleMap } from './classify.js';
export type { ClassificationInputs, PodClassification, PodGroup, PodReason } from './classify.js';
export { podRequest } from './requests.js';
export type { PodRequest, RequestSource } from './requests.js';
export { metricUsageRatio, resourceUtilizationRatio } from './usage-ratio.js';
export type { Failure, UsageRatio, UtilizationRatio } from './usage-ratio.js';
export {
  applyRateLimit,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  legacyScaleUpLimit,
  policyLimit,
  recordScaleEvent,
  replicasChangePerPeriod,
  scaleDownLimit,
  scaleUpLimit,
  stabilizeBetween,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
} from './normalize.js';
export type {
  LimitReason,
  Limited,
  RateInputs,
  Recommendation,
  ScaleEvent,
  ScaleEvents,
  Stabilized,
  StabilizationWindows,
} from './normalize.js';
export {
  controllerOptions,
  DEFAULT_CONTROLLER_OPTIONS,
  isWithinTolerance,
  tolerancesFor,
} from './options.js';
export type { ControllerOptions, Tolerances } from './options.js';
export { GO_ZERO_TIME_MS, goDurationMs, hpaPodFromPod, samplesFromPodMetrics } from './inputs.js';
export type { HpaContainer, HpaPod, PodSample, SampleExtraction } from './inputs.js';
export {
  checkSpec,
  DEFAULT_CPU_UTILIZATION,
  defaultedBehavior,
  effectiveMetrics,
  effectiveMinReplicas,
} from './spec.js';
export type {
  Behavior,
  CrossVersionObjectReference,
  DefaultedBehavior,
  DefaultedScalingRules,
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
} from './spec.js';
