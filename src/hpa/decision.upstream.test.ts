/**
 * The controller cases of kubernetes/kubernetes pkg/controller/podautoscaler/horizontal_test.go
 * (TestScaleUp*, TestScaleDown*, TestTolerance*, min/max, stabilization, invalid metrics, behavior
 * rate limits), transcribed as facts and run through `decideHpa`. Upstream runs a whole controller
 * against fake clients; here the same pods, metric values, spec and controller memory are given as
 * plain inputs (test/helpers/hpa-upstream.ts rebuilds its fixtures: requests split over two
 * containers, readiness transition at the start time, samples taken now, scaleUpLimitFactor 8).
 *
 * The expected count is upstream's `expectedDesiredReplicas`: the count written to the scale (or
 * left unchanged when the controller gives up on the metrics).
 *
 * Not expressible with pure functions, with why:
 * - TestConditionInvalidSelectorMissing, TestConditionInvalidSelectorUnparsable,
 *   TestConditionNoAmbiguousSelectorWhenNoSelectorOverlapBetweenHPAs,
 *   TestConditionAmbiguousSelectorWhen{Full,Partial}SelectorOverlapBetweenHPAs: the scale
 *   subresource's selector and the HPA-to-pods map are read by the fetch side (issue 12's CLI);
 * - TestConditionFailedGetScale, TestConditionFailedUpdateScale: API failures of the scale
 *   subresource, no calculation involved (the update case computes 5 and fails to write it);
 * - TestAvoidUnnecessaryUpdates's "no status write" and TestEventCreated/TestEventNotCreated's
 *   event texts: writes and events, not numbers (their replica counts are checked below);
 * - TestMultipleHPAs: a concurrency test of the controller's work queue.
 */
import { describe, expect, it } from 'vitest';
import {
  decideHpa,
  type MetricObservation,
  type MetricSpec,
  type Recommendation,
  type ScalingRules,
} from './index.js';
import {
  CONTROLLER_TEST_OPTIONS,
  controllerCpuSamples,
  controllerPods,
  controllerPodSamples,
  COOL,
  HOT,
  NOW,
} from '../../test/helpers/hpa-upstream.js';
import type { PodPhase } from '../api/index.js';

const T = 'True' as const;
const F = 'False' as const;
const R: PodPhase = 'Running';
const ones = (n: number): string[] => Array.from({ length: n }, () => '1.0');

interface ControllerCase {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly spec: number;
  readonly status?: number;
  /** `CPUTarget`: a CPU Utilization metric first, when non-zero. */
  readonly cpu?: number;
  /** `metricsTarget`: appended after the CPU metric. */
  readonly metrics?: MetricSpec[];
  readonly scaleUp?: ScalingRules;
  readonly levels: number[];
  readonly requests?: string[];
  readonly readiness?: ('True' | 'False')[];
  readonly startTime?: number[];
  readonly phase?: PodPhase[];
  readonly deleting?: boolean[];
  /** undefined: the controller's first sight records the current count now (recordInitialRecommendation). */
  readonly recommendations?: Recommendation[];
  /** Metric indexes whose fetch fails ("something went wrong"). */
  readonly failing?: number[];
  readonly expected: number;
}

const qps = (averageValue: string): MetricSpec => ({
  type: 'Pods',
  pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue } },
});
const object = (target: { value?: string; averageValue?: string }): MetricSpec => ({
  type: 'Object',
  object: {
    describedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'some-deployment' },
    metric: { name: 'qps' },
    target: { type: target.value !== undefined ? 'Value' : 'AverageValue', ...target },
  },
});
const external = (target: { value?: string; averageValue?: string }): MetricSpec => ({
  type: 'External',
  external: {
    metric: { name: 'qps', selector: {} },
    target: { type: target.value !== undefined ? 'Value' : 'AverageValue', ...target },
  },
});
const containerCpu = (container: string, averageUtilization: number): MetricSpec => ({
  type: 'ContainerResource',
  containerResource: { name: 'cpu', container, target: { type: 'Utilization', averageUtilization } },
});
const cheddar = { type: 'CheddarCheese' } as unknown as MetricSpec;
const rules = (percent: number, percentPeriod: number, window: number): ScalingRules => ({
  stabilizationWindowSeconds: window,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: percent, periodSeconds: percentPeriod }],
});

function observe(spec: MetricSpec, c: ControllerCase): MetricObservation {
  switch (spec.type) {
    case 'Resource':
      return { samples: controllerCpuSamples(c.levels) };
    case 'ContainerResource':
      return { samples: controllerCpuSamples(c.levels, spec.containerResource?.container) };
    case 'Pods':
      return { samples: controllerPodSamples(c.levels) };
    case 'Object':
      return { values: c.levels.slice(0, 1).map(BigInt) };
    default:
      return { values: c.levels.map(BigInt) };
  }
}

function run(c: ControllerCase): number {
  const metrics: MetricSpec[] = [
    ...(c.cpu
      ? [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: c.cpu } },
          } as MetricSpec,
        ]
      : []),
    ...(c.metrics ?? []),
  ];
  const decision = decideHpa({
    spec: {
      scaleTargetRef: { apiVersion: 'v1', kind: 'ReplicationController', name: 'test-rc' },
      minReplicas: c.min,
      maxReplicas: c.max,
      metrics,
      behavior: c.scaleUp === undefined ? undefined : { scaleUp: c.scaleUp },
    },
    scale: { specReplicas: c.spec, statusReplicas: c.status ?? c.spec },
    pods: controllerPods({
      statusReplicas: c.status ?? c.spec,
      requests: c.requests,
      readiness: c.readiness,
      startTime: c.startTime,
      phase: c.phase,
      deleting: c.deleting,
    }),
    metrics: metrics.map((m, i) =>
      c.failing?.includes(i) ? { error: 'something went wrong' } : observe(m, c),
    ),
    now: NOW,
    options: CONTROLLER_TEST_OPTIONS,
    memory: {
      recommendations: c.recommendations ?? [{ replicas: c.spec, timestamp: NOW }],
      scaleUpEvents: [],
      scaleDownEvents: [],
    },
  });
  // The controller leaves the scale alone when it cannot compute; otherwise the count is exact.
  if (decision.recommendation?.blocked !== undefined) return c.spec;
  expect(decision.desired?.exact ?? true).toBe(true);
  return decision.desiredReplicas as number;
}

const CASES: ControllerCase[] = [
  {
    name: 'TestScaleUp',
    min: 2,
    max: 6,
    spec: 3,
    cpu: 30,
    levels: [300, 500, 700],
    requests: ones(3),
    expected: 5,
  },
  {
    name: 'TestScaleUpContainer',
    min: 2,
    max: 6,
    spec: 3,
    metrics: [containerCpu('container1', 30)],
    levels: [300, 500, 700],
    requests: ones(3),
    expected: 5,
  },
  {
    name: 'TestScaleUpUnreadyLessScale',
    min: 2,
    max: 6,
    spec: 3,
    cpu: 30,
    levels: [300, 500, 700],
    requests: ones(3),
    readiness: [F, T, T],
    expected: 4,
  },
  {
    name: 'TestScaleUpHotCpuLessScale',
    min: 2,
    max: 6,
    spec: 3,
    cpu: 30,
    levels: [300, 500, 700],
    requests: ones(3),
    startTime: [HOT, COOL, COOL],
    expected: 4,
  },
  {
    name: 'TestScaleUpUnreadyNoScale',
    min: 2,
    max: 6,
    spec: 3,
    cpu: 30,
    levels: [400, 500, 700],
    requests: ones(3),
    readiness: [T, F, F],
    expected: 3,
  },
  {
    name: 'TestScaleUpHotCpuNoScale',
    min: 2,
    max: 6,
    spec: 3,
    cpu: 30,
    levels: [400, 500, 700],
    requests: ones(3),
    readiness: [T, F, F],
    startTime: [COOL, HOT, HOT],
    expected: 3,
  },
  {
    name: 'TestScaleUpIgnoresFailedPods',
    min: 2,
    max: 6,
    spec: 2,
    cpu: 30,
    levels: [500, 700],
    requests: ones(4),
    readiness: [T, T, F, F],
    phase: [R, R, 'Failed', 'Failed'],
    expected: 4,
  },
  {
    name: 'TestScaleUpIgnoresDeletionPods',
    min: 2,
    max: 6,
    spec: 2,
    cpu: 30,
    levels: [500, 700],
    requests: ones(4),
    readiness: [T, T, F, F],
    phase: [R, R, R, R],
    deleting: [false, false, true, true],
    expected: 4,
  },
  {
    name: 'TestScaleUpDeployment',
    min: 2,
    max: 6,
    spec: 3,
    cpu: 30,
    levels: [300, 500, 700],
    requests: ones(3),
    expected: 5,
  },
  {
    name: 'TestScaleUpReplicaSet',
    min: 2,
    max: 6,
    spec: 3,
    cpu: 30,
    levels: [300, 500, 700],
    requests: ones(3),
    expected: 5,
  },
  {
    name: 'TestScaleUpCM',
    min: 2,
    max: 6,
    spec: 3,
    metrics: [qps('15.0')],
    levels: [20000, 10000, 30000],
    requests: ones(3),
    expected: 4,
  },
  {
    name: 'TestScaleUpCMUnreadyAndHotCpuNoLessScale',
    min: 2,
    max: 6,
    spec: 3,
    metrics: [qps('15.0')],
    levels: [50000, 10000, 30000],
    readiness: [T, T, F],
    startTime: [COOL, COOL, HOT],
    requests: ones(3),
    expected: 6,
  },
  {
    name: 'TestScaleUpCMUnreadyandCpuHot',
    min: 2,
    max: 6,
    spec: 3,
    metrics: [qps('15.0')],
    levels: [50000, 15000, 30000],
    readiness: [F, T, F],
    startTime: [HOT, COOL, HOT],
    requests: ones(3),
    expected: 6,
  },
  {
    name: 'TestScaleUpHotCpuNoScaleWouldScaleDown',
    min: 2,
    max: 6,
    spec: 3,
    metrics: [qps('15.0')],
    levels: [50000, 15000, 30000],
    startTime: [HOT, COOL, HOT],
    requests: ones(3),
    expected: 6,
  },
  {
    name: 'TestScaleUpCMObject',
    min: 2,
    max: 6,
    spec: 3,
    metrics: [object({ value: '15.0' })],
    levels: [20000],
    expected: 4,
  },
  {
    name: 'TestScaleUpFromZeroCMObject',
    min: 0,
    max: 6,
    spec: 0,
    metrics: [object({ value: '15.0' })],
    levels: [20000],
    expected: 2,
  },
  {
    name: 'TestScaleUpFromZeroIgnoresToleranceCMObject',
    min: 0,
    max: 6,
    spec: 0,
    metrics: [object({ value: '1.0' })],
    levels: [1000],
    expected: 1,
  },
  {
    name: 'TestScaleUpPerPodCMObject',
    min: 2,
    max: 6,
    spec: 3,
    metrics: [object({ averageValue: '10.0' })],
    levels: [40000],
    expected: 4,
  },
  {
    name: 'TestScaleUpCMExternal',
    min: 2,
    max: 6,
    spec: 3,
    metrics: [external({ value: '6666m' })],
    levels: [8600],
    expected: 4,
  },
  {
    name: 'TestScaleUpPerPodCMExternal',
    min: 2,
    max: 6,
    spec: 3,
    metrics: [external({ averageValue: '2222m' })],
    levels: [8600],
    expected: 4,
  },
  {
    name: 'TestScaleDown',
    min: 2,
    max: 6,
    spec: 5,
    cpu: 50,
    levels: [100, 300, 500, 250, 250],
    requests: ones(5),
    recommendations: [],
    expected: 3,
  },
  {
    name: 'TestScaleDownContainerResource',
    min: 2,
    max: 6,
    spec: 5,
    metrics: [containerCpu('container2', 50)],
    levels: [100, 300, 500, 250, 250],
    requests: ones(5),
    recommendations: [],
    expected: 3,
  },
  {
    name: 'TestScaleDownWithScalingRules',
    min: 2,
    max: 6,
    spec: 5,
    scaleUp: rules(100, 15, 30),
    cpu: 50,
    levels: [100, 300, 500, 250, 250],
    requests: ones(5),
    recommendations: [],
    expected: 3,
  },
  {
    name: 'TestScaleUpOneMetricInvalid',
    min: 2,
    max: 6,
    spec: 3,
    cpu: 30,
    metrics: [cheddar],
    levels: [300, 400, 500],
    requests: ones(3),
    expected: 4,
  },
  {
    name: 'TestScaleUpFromZeroOneMetricInvalid',
    min: 0,
    max: 6,
    spec: 0,
    cpu: 30,
    metrics: [cheddar],
    levels: [300, 400, 500],
    requests: ones(3),
    recommendations: [],
    expected: 4,
  },
  {
    name: 'TestScaleUpBothMetricsEmpty',
    min: 2,
    max: 6,
    spec: 3,
    metrics: [cheddar],
    levels: [],
    requests: ones(3),
    expected: 3,
  },
  {
    name: 'TestScaleDownStabilizeInitialSize',
    min: 2,
    max: 6,
    spec: 5,
    cpu: 50,
    levels: [100, 300, 500, 250, 250],
    requests: ones(5),
    expected: 5,
  },
  {
    name: 'TestScaleDownCM',
    min: 2,
    max: 6,
    spec: 5,
    metrics: [qps('20.0')],
    levels: [12000, 12000, 12000, 12000, 12000],
    requests: ones(5),
    recommendations: [],
    expected: 3,
  },
  {
    name: 'TestScaleDownCMObject',
    min: 2,
    max: 6,
    spec: 5,
    metrics: [object({ value: '20.0' })],
    levels: [12000],
    requests: ones(5),
    recommendations: [],
    expected: 3,
  },
  {
    name: 'TestScaleDownToZeroCMObject',
    min: 0,
    max: 6,
    spec: 5,
    metrics: [object({ value: '20.0' })],
    levels: [0],
    requests: ones(5),
    recommendations: [],
    expected: 0,
  },
  {
    name: 'TestScaleDownPerPodCMObject',
    min: 2,
    max: 6,
    spec: 5,
    metrics: [object({ averageValue: '20.0' })],
    levels: [60000],
    requests: ones(5),
    recommendations: [],
    expected: 3,
  },
  {
    name: 'TestScaleDownCMExternal',
    min: 2,
    max: 6,
    spec: 5,
    metrics: [external({ value: '14400m' })],
    levels: [8600],
    recommendations: [],
    expected: 3,
  },
  {
    name: 'TestScaleDownToZeroCMExternal',
    min: 0,
    max: 6,
    spec: 5,
    metrics: [external({ value: '14400m' })],
    levels: [0],
    recommendations: [],
    expected: 0,
  },
  {
    name: 'TestScaleDownPerPodCMExternal',
    min: 2,
    max: 6,
    spec: 5,
    metrics: [external({ averageValue: '3000m' })],
    levels: [8600],
    recommendations: [],
    expected: 3,
  },
  {
    name: 'TestScaleDownIncludeUnreadyPods',
    min: 2,
    max: 6,
    spec: 5,
    cpu: 50,
    levels: [100, 300, 500, 250, 250],
    requests: ones(5),
    readiness: [T, T, T, F, F],
    recommendations: [],
    expected: 2,
  },
  {
    name: 'TestScaleDownIgnoreHotCpuPods',
    min: 2,
    max: 6,
    spec: 5,
    cpu: 50,
    levels: [100, 300, 500, 250, 250],
    requests: ones(5),
    startTime: [COOL, COOL, COOL, HOT, HOT],
    recommendations: [],
    expected: 2,
  },
  {
    name: 'TestScaleDownIgnoresFailedPods',
    min: 2,
    max: 6,
    spec: 5,
    cpu: 50,
    levels: [100, 300, 500, 250, 250],
    requests: ones(7),
    readiness: [T, T, T, T, T, F, F],
    phase: [R, R, R, R, R, 'Failed', 'Failed'],
    recommendations: [],
    expected: 3,
  },
  {
    name: 'TestScaleDownIgnoresDeletionPods',
    min: 2,
    max: 6,
    spec: 5,
    cpu: 50,
    levels: [100, 300, 500, 250, 250],
    requests: ones(7),
    readiness: [T, T, T, T, T, F, F],
    phase: [R, R, R, R, R, R, R],
    deleting: [false, false, false, false, false, true, true],
    recommendations: [],
    expected: 3,
  },
  {
    name: 'TestTolerance',
    min: 1,
    max: 5,
    spec: 3,
    cpu: 100,
    levels: [1010, 1030, 1020],
    requests: ['0.9', '1.0', '1.1'],
    expected: 3,
  },
  {
    name: 'TestToleranceCM',
    min: 1,
    max: 5,
    spec: 3,
    metrics: [qps('20.0')],
    levels: [20000, 20001, 21000],
    requests: ['0.9', '1.0', '1.1'],
    expected: 3,
  },
  {
    name: 'TestToleranceCMObject',
    min: 1,
    max: 5,
    spec: 3,
    metrics: [object({ value: '20.0' })],
    levels: [20050],
    requests: ['0.9', '1.0', '1.1'],
    expected: 3,
  },
  {
    name: 'TestToleranceCMExternal',
    min: 2,
    max: 6,
    spec: 4,
    metrics: [external({ value: '8666m' })],
    levels: [8600],
    expected: 4,
  },
  {
    name: 'TestTolerancePerPodCMObject',
    min: 2,
    max: 6,
    spec: 4,
    metrics: [object({ averageValue: '2200m' })],
    levels: [8600],
    expected: 4,
  },
  {
    name: 'TestTolerancePerPodCMExternal',
    min: 2,
    max: 6,
    spec: 4,
    metrics: [external({ averageValue: '2200m' })],
    levels: [8600],
    expected: 4,
  },
  {
    name: 'TestMinReplicas',
    min: 2,
    max: 5,
    spec: 3,
    cpu: 90,
    levels: [10, 95, 10],
    requests: ['0.9', '1.0', '1.1'],
    recommendations: [],
    expected: 2,
  },
  {
    name: 'TestZeroMinReplicasDesiredZero',
    min: 0,
    max: 5,
    spec: 3,
    cpu: 90,
    levels: [0, 0, 0],
    requests: ['0.9', '1.0', '1.1'],
    recommendations: [],
    expected: 0,
  },
  {
    name: 'TestMinReplicasDesiredZero',
    min: 2,
    max: 5,
    spec: 3,
    cpu: 90,
    levels: [0, 0, 0],
    requests: ['0.9', '1.0', '1.1'],
    recommendations: [],
    expected: 2,
  },
  { name: 'TestZeroReplicas', min: 3, max: 5, spec: 0, cpu: 90, levels: [], requests: [], expected: 0 },
  { name: 'TestTooFewReplicas', min: 3, max: 5, spec: 2, cpu: 90, levels: [], requests: [], expected: 3 },
  { name: 'TestTooManyReplicas', min: 3, max: 5, spec: 10, cpu: 90, levels: [], requests: [], expected: 5 },
  {
    name: 'TestMaxReplicas',
    min: 2,
    max: 5,
    spec: 3,
    cpu: 90,
    levels: [8000, 9500, 1000],
    requests: ['0.9', '1.0', '1.1'],
    expected: 5,
  },
  {
    name: 'TestSuperfluousMetrics',
    min: 2,
    max: 6,
    spec: 4,
    cpu: 100,
    levels: [4000, 9500, 3000, 7000, 3200, 2000],
    requests: ones(4),
    expected: 6,
  },
  {
    name: 'TestMissingMetrics',
    min: 2,
    max: 6,
    spec: 4,
    cpu: 100,
    levels: [400, 95],
    requests: ones(4),
    recommendations: [],
    expected: 3,
  },
  { name: 'TestEmptyMetrics', min: 2, max: 6, spec: 4, cpu: 100, levels: [], requests: ones(4), expected: 4 },
  {
    name: 'TestEmptyCPURequest',
    min: 1,
    max: 5,
    spec: 1,
    cpu: 100,
    levels: [200],
    requests: [],
    expected: 1,
  },
  {
    name: 'TestEventCreated',
    min: 1,
    max: 5,
    spec: 1,
    cpu: 50,
    levels: [200],
    requests: ['0.2'],
    expected: 2,
  },
  {
    name: 'TestEventNotCreated',
    min: 1,
    max: 5,
    spec: 2,
    cpu: 50,
    levels: [200, 200],
    requests: ['0.4', '0.4'],
    expected: 2,
  },
  {
    name: 'TestMissingReports',
    min: 1,
    max: 5,
    spec: 4,
    cpu: 50,
    levels: [200],
    requests: ['0.2'],
    recommendations: [],
    expected: 2,
  },
  {
    name: 'TestUpscaleCap',
    min: 1,
    max: 100,
    spec: 3,
    scaleUp: rules(700, 60, 0),
    cpu: 10,
    levels: [100, 200, 300],
    requests: ['0.1', '0.1', '0.1'],
    expected: 24,
  },
  {
    name: 'TestUpscaleCapGreaterThanMaxReplicas',
    min: 1,
    max: 20,
    spec: 3,
    scaleUp: rules(700, 60, 0),
    cpu: 10,
    levels: [100, 200, 300],
    requests: ['0.1', '0.1', '0.1'],
    expected: 20,
  },
  {
    name: 'TestMoreReplicasThanSpecNoScale',
    min: 1,
    max: 8,
    spec: 4,
    status: 5,
    cpu: 50,
    levels: [500, 500, 500, 500, 500],
    requests: ones(5),
    expected: 4,
  },
  {
    name: 'TestConditionFailedGetMetrics/FailedGetResourceMetric',
    min: 1,
    max: 100,
    spec: 3,
    cpu: 10,
    levels: [100, 200, 300],
    requests: ['0.1', '0.1', '0.1'],
    failing: [0],
    expected: 3,
  },
  {
    name: 'TestConditionFailedGetMetrics/FailedGetPodsMetric',
    min: 1,
    max: 100,
    spec: 3,
    metrics: [qps('15.0')],
    levels: [100, 200, 300],
    requests: ['0.1', '0.1', '0.1'],
    failing: [0],
    expected: 3,
  },
  {
    name: 'TestConditionFailedGetMetrics/FailedGetObjectMetric',
    min: 1,
    max: 100,
    spec: 3,
    metrics: [object({ value: '15.0' })],
    levels: [100, 200, 300],
    requests: ['0.1', '0.1', '0.1'],
    failing: [0],
    expected: 3,
  },
  {
    name: 'TestConditionFailedGetMetrics/FailedGetExternalMetric',
    min: 1,
    max: 100,
    spec: 3,
    metrics: [external({ value: '300m' })],
    levels: [100, 200, 300],
    requests: ['0.1', '0.1', '0.1'],
    failing: [0],
    expected: 3,
  },
  {
    name: 'TestConditionInvalidSourceType',
    min: 2,
    max: 6,
    spec: 3,
    metrics: [cheddar],
    levels: [20000],
    expected: 3,
  },
  {
    name: 'TestNoBackoffUpscaleCM',
    min: 1,
    max: 5,
    spec: 3,
    metrics: [qps('15.0')],
    levels: [20000, 10000, 30000],
    requests: ones(3),
    expected: 4,
  },
  {
    name: 'TestNoBackoffUpscaleCMNoBackoffCpu',
    min: 1,
    max: 5,
    spec: 3,
    cpu: 10,
    metrics: [qps('15.0')],
    levels: [20000, 10000, 30000],
    requests: ones(3),
    expected: 5,
  },
  {
    name: 'TestStabilizeDownscale',
    min: 1,
    max: 5,
    spec: 4,
    cpu: 100,
    levels: [50, 50, 50],
    requests: ['0.1', '0.1', '0.1'],
    recommendations: [
      { replicas: 10, timestamp: NOW - 600_000 },
      { replicas: 4, timestamp: NOW - 60_000 },
    ],
    expected: 4,
  },
  {
    name: 'TestScaleUpRCImmediately',
    min: 2,
    max: 6,
    spec: 1,
    levels: [0, 0, 0, 0],
    requests: ones(4),
    expected: 2,
  },
  {
    name: 'TestScaleDownRCImmediately',
    min: 2,
    max: 5,
    spec: 6,
    cpu: 50,
    levels: [8000, 9500, 1000],
    requests: ['0.9', '1.0', '1.1'],
    expected: 5,
  },
  // The HPA served by this test's own lister targets 80 % (see its TODO), not tc.CPUTarget.
  {
    name: 'TestAvoidUnnecessaryUpdates',
    min: 2,
    max: 6,
    spec: 2,
    cpu: 80,
    levels: [400, 500, 700],
    requests: ones(3),
    startTime: [COOL, HOT, HOT],
    recommendations: [],
    expected: 2,
  },
  {
    name: 'TestScaleUpOneMetricEmpty',
    min: 2,
    max: 6,
    spec: 3,
    cpu: 30,
    metrics: [external({ value: '100m' })],
    levels: [300, 400, 500],
    requests: ones(3),
    failing: [1],
    expected: 4,
  },
  {
    name: 'TestNoScaleDownOneMetricInvalid',
    min: 2,
    max: 6,
    spec: 5,
    cpu: 50,
    metrics: [cheddar],
    levels: [100, 300, 500, 250, 250],
    requests: ones(5),
    recommendations: [],
    expected: 5,
  },
  {
    name: 'TestNoScaleDownOneMetricEmpty',
    min: 2,
    max: 6,
    spec: 5,
    cpu: 50,
    metrics: [external({ value: '1000m' })],
    levels: [100, 300, 500, 250, 250],
    requests: ones(5),
    recommendations: [],
    failing: [1],
    expected: 5,
  },
];

describe('horizontal_test.go: the controller decision', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(run(c)).toBe(c.expected);
  });

  // TestComputedToleranceAlgImplementation: 10 pods of 150m against requests spread around 300m
  // (halved per container, so 301m and 299m lose half a milli-CPU each); targets 56 % (just
  // outside the band → 9) and 55 % (just inside → 10).
  const spread = [400, 200, 310, 290, 302, 298, 301, 299, 300, 300].map((m) => `${m}m`);
  const computed = (cpu: number, expected: number): ControllerCase => ({
    name: '',
    min: 0,
    max: 1000,
    spec: 10,
    cpu,
    levels: Array.from({ length: 10 }, () => 150),
    requests: spread,
    recommendations: [],
    expected,
  });
  it('TestComputedToleranceAlgImplementation (breaches the tolerance)', () =>
    expect(run(computed(56, 9))).toBe(9));
  it('TestComputedToleranceAlgImplementation (within the tolerance)', () =>
    expect(run(computed(55, 10))).toBe(10));
});
