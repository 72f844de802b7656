/**
 * The cases of kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go,
 * transcribed as facts (inputs and expected replicas, utilization and raw values) and run against
 * the pure functions. Each test name starts with the upstream test function (and subtest) name.
 * The fixtures (two containers per pod, both requesting the pod's CPU value, zero start times,
 * 2 min CPU initialization period, 10 s readiness delay) are in test/helpers/hpa-upstream.ts.
 *
 * Not transcribed, with why:
 * - the timestamp assertions: upstream checks the fake client's timestamp is passed through; the
 *   pure functions take samples with their timestamps and do not return one;
 * - TestReplicaCalcScaleUpCMExternal* variants that assert the label selector sent to the fake
 *   client: selector handling belongs to the fetch side (the CLI part of issue 12).
 */
import { describe, expect, it } from 'vitest';
import {
  averageValueReplicas,
  averageValueTargetReplicas,
  classifyPods,
  podRequest,
  resourceUtilizationReplicas,
  sampleMap,
  valueTargetReplicas,
  type HpaPod,
  type PodMetricOutcome,
  type PodSample,
  type Tolerances,
} from './index.js';
import {
  COOL,
  customSamples,
  DEFAULT_TOLERANCES,
  eachContainer,
  HOT,
  NOW,
  resourceSamples,
  UPSTREAM_OPTIONS,
  upstreamPods,
  type PodScenario,
} from '../../test/helpers/hpa-upstream.js';

const MAX_INT32 = 2147483647;
const MAX_INT64 = 9223372036854775807n;
const same = (n: number, v: string): string[] => Array.from({ length: n }, () => v);

interface ResourceCase {
  readonly name: string;
  readonly current: number;
  readonly pods?: Omit<PodScenario, 'count' | 'requests'>;
  readonly requests: readonly string[];
  readonly levels: readonly (readonly number[])[];
  readonly podNames?: readonly string[];
  readonly container?: string;
  readonly target: number;
  readonly tolerances?: Tolerances;
  readonly expected: { replicas: number; utilization: number; raw: bigint } | { error: string };
}

function runResource(c: ResourceCase): PodMetricOutcome {
  return resourceUtilizationReplicas({
    currentReplicas: c.current,
    pods: upstreamPods({ count: c.current, requests: c.requests, ...c.pods }),
    samples: resourceSamples(c.levels, { container: c.container, podNames: c.podNames }),
    now: NOW,
    tolerances: c.tolerances ?? DEFAULT_TOLERANCES,
    options: UPSTREAM_OPTIONS,
    resource: 'cpu',
    container: c.container,
    targetUtilization: c.target,
  });
}

function checkResource(c: ResourceCase): void {
  const result = runResource(c);
  if ('error' in c.expected) {
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(c.expected.error);
    return;
  }
  expect(result).toMatchObject({
    ok: true,
    replicas: c.expected.replicas,
    utilization: c.expected.utilization,
    currentAverageMilli: c.expected.raw,
  });
}

const T = 'True' as const;
const F = 'False' as const;

const RESOURCE_SCALE: ResourceCase[] = [
  {
    name: 'scale up',
    current: 3,
    requests: same(3, '1.0'),
    levels: eachContainer(300, 500, 700),
    target: 30,
    expected: { replicas: 5, utilization: 50, raw: 1000n },
  },
  {
    name: 'scale up: container metric',
    current: 3,
    container: 'container2',
    requests: same(3, '1.0'),
    levels: [
      [1000, 300],
      [1000, 500],
      [1000, 700],
    ],
    target: 30,
    expected: { replicas: 5, utilization: 50, raw: 500n },
  },
  {
    name: 'scale up: unready pod scales less',
    current: 3,
    pods: { readiness: [F, T, T] },
    requests: same(3, '1.0'),
    levels: eachContainer(300, 500, 700),
    target: 30,
    expected: { replicas: 4, utilization: 60, raw: 1200n },
  },
  {
    name: 'scale up: hot-CPU container scales less',
    current: 3,
    pods: { startTime: [HOT, COOL, COOL] },
    container: 'container2',
    requests: same(3, '1.0'),
    levels: [
      [0, 300],
      [0, 500],
      [0, 700],
    ],
    target: 30,
    expected: { replicas: 4, utilization: 60, raw: 600n },
  },
  {
    name: 'scale up: hot-CPU pod scales less',
    current: 3,
    pods: { startTime: [HOT, COOL, COOL] },
    requests: same(3, '1.0'),
    levels: eachContainer(300, 500, 700),
    target: 30,
    expected: { replicas: 4, utilization: 60, raw: 1200n },
  },
  {
    name: 'no scale: unready pods ignored',
    current: 3,
    pods: { readiness: [T, F, F] },
    requests: same(3, '1.0'),
    levels: eachContainer(400, 500, 700),
    target: 30,
    expected: { replicas: 3, utilization: 40, raw: 800n },
  },
  {
    name: 'no scale: hot-CPU pods ignored',
    current: 3,
    pods: { readiness: [T, F, F], startTime: [COOL, HOT, HOT] },
    requests: same(3, '1.0'),
    levels: eachContainer(400, 500, 700),
    target: 30,
    expected: { replicas: 3, utilization: 40, raw: 800n },
  },
  {
    name: 'scale up: failed pods ignored',
    current: 2,
    pods: { readiness: [T, T, F, F], phase: ['Running', 'Running', 'Failed', 'Failed'] },
    requests: same(4, '1.0'),
    levels: eachContainer(500, 700),
    target: 30,
    expected: { replicas: 4, utilization: 60, raw: 1200n },
  },
  {
    name: 'scale up: failed pods ignored with missing container metric',
    current: 2,
    pods: { readiness: [T, T, F, F], phase: ['Running', 'Running', 'Failed', 'Failed'] },
    container: 'container2',
    requests: same(4, '1.0'),
    levels: [[1000, 500], [9000, 700], [1000], [9000]],
    target: 30,
    expected: { replicas: 4, utilization: 60, raw: 600n },
  },
  {
    name: 'scale up: container metrics with failed pods ignored',
    current: 2,
    pods: { readiness: [T, T, F, F], phase: ['Running', 'Running', 'Failed', 'Failed'] },
    container: 'container2',
    requests: same(4, '1.0'),
    levels: [
      [1000, 500],
      [9000, 700],
    ],
    target: 30,
    expected: { replicas: 4, utilization: 60, raw: 600n },
  },
  {
    name: 'scale up: pods being deleted are ignored',
    current: 2,
    pods: {
      readiness: [T, T, F, F],
      phase: ['Running', 'Running', 'Running', 'Running'],
      deleting: [false, false, true, true],
    },
    requests: same(4, '1.0'),
    levels: eachContainer(500, 700),
    target: 30,
    expected: { replicas: 4, utilization: 60, raw: 1200n },
  },
  {
    name: 'scale up: container metrics with pods being deleted ignored',
    current: 2,
    pods: {
      readiness: [T, T, F, F],
      phase: ['Running', 'Running', 'Running', 'Running'],
      deleting: [false, false, true, true],
    },
    container: 'container1',
    requests: same(4, '1.0'),
    levels: eachContainer(500, 700),
    target: 30,
    expected: { replicas: 4, utilization: 60, raw: 600n },
  },
  {
    name: 'scale down',
    current: 5,
    requests: same(5, '1.0'),
    levels: eachContainer(100, 300, 500, 250, 250),
    target: 50,
    expected: { replicas: 3, utilization: 28, raw: 560n },
  },
  {
    name: 'scale down: container metric',
    current: 5,
    container: 'container2',
    requests: same(5, '1.0'),
    levels: [
      [1000, 100],
      [1000, 300],
      [1000, 500],
      [1000, 250],
      [1000, 250],
    ],
    target: 50,
    expected: { replicas: 3, utilization: 28, raw: 280n },
  },
  {
    name: 'scale down: exclude unready pods',
    current: 5,
    pods: { readiness: [T, T, T, F, F] },
    requests: same(5, '1.0'),
    levels: eachContainer(100, 300, 500, 250, 250),
    target: 50,
    expected: { replicas: 2, utilization: 30, raw: 600n },
  },
  {
    name: 'scale down: container metric excludes unready pods',
    current: 5,
    pods: { readiness: [T, T, T, F, F] },
    container: 'container2',
    requests: same(5, '1.0'),
    levels: [
      [1000, 100],
      [1000, 300],
      [1000, 500],
      [1000, 250],
      [1000, 250],
    ],
    target: 50,
    expected: { replicas: 2, utilization: 30, raw: 300n },
  },
  {
    name: 'scale down: exclude unscheduled pods',
    current: 5,
    pods: { readiness: [T, F, F, F, F], phase: ['Running', 'Pending', 'Pending', 'Pending', 'Pending'] },
    requests: same(5, '1.0'),
    levels: eachContainer(100),
    target: 50,
    expected: { replicas: 1, utilization: 10, raw: 200n },
  },
  {
    name: 'scale down: container metric excludes unscheduled pods',
    current: 5,
    pods: { readiness: [T, F, F, F, F], phase: ['Running', 'Pending', 'Pending', 'Pending', 'Pending'] },
    container: 'container2',
    requests: same(5, '1.0'),
    levels: [
      [1000, 100],
      [1000, 300],
      [1000, 500],
      [1000, 250],
      [1000, 250],
    ],
    target: 50,
    expected: { replicas: 1, utilization: 10, raw: 100n },
  },
  {
    name: 'scale down: ignore hot-CPU pods',
    current: 5,
    pods: { startTime: [COOL, COOL, COOL, HOT, HOT] },
    requests: same(5, '1.0'),
    levels: eachContainer(100, 300, 500, 250, 250),
    target: 50,
    expected: { replicas: 2, utilization: 30, raw: 600n },
  },
  {
    name: 'scale down: container metric ignores hot-CPU pods',
    current: 5,
    pods: { startTime: [COOL, COOL, COOL, HOT, HOT] },
    container: 'container2',
    requests: same(5, '1.0'),
    levels: [
      [1000, 100],
      [1000, 300],
      [1000, 500],
      [1000, 1000],
      [1000, 1000],
    ],
    target: 50,
    expected: { replicas: 2, utilization: 30, raw: 300n },
  },
  {
    name: 'scale down: failed pods ignored',
    current: 5,
    pods: {
      readiness: [T, T, T, T, T, F, F],
      phase: ['Running', 'Running', 'Running', 'Running', 'Running', 'Failed', 'Failed'],
    },
    requests: same(7, '1.0'),
    levels: eachContainer(100, 300, 500, 250, 250),
    target: 50,
    expected: { replicas: 3, utilization: 28, raw: 560n },
  },
  {
    name: 'scale down: container metric with failed pods ignored',
    current: 5,
    pods: {
      readiness: [T, T, T, T, T, F, F],
      phase: ['Running', 'Running', 'Running', 'Running', 'Running', 'Failed', 'Failed'],
    },
    container: 'container2',
    requests: same(7, '1.0'),
    levels: [
      [1000, 100],
      [1000, 300],
      [1000, 500],
      [1000, 250],
      [1000, 250],
    ],
    target: 50,
    expected: { replicas: 3, utilization: 28, raw: 280n },
  },
  {
    name: 'scale down: pods being deleted are ignored',
    current: 5,
    pods: {
      readiness: [T, T, T, T, T, F, F],
      phase: same(7, 'Running') as 'Running'[],
      deleting: [false, false, false, false, false, true, true],
    },
    requests: same(7, '1.0'),
    levels: eachContainer(100, 300, 500, 250, 250),
    target: 50,
    expected: { replicas: 3, utilization: 28, raw: 560n },
  },
  {
    name: 'scale down: still-running pods being deleted are ignored',
    current: 5,
    pods: {
      readiness: [T, T, T, T, T, F, F],
      phase: same(7, 'Running') as 'Running'[],
      deleting: [false, false, false, false, false, true, true],
    },
    container: 'container2',
    requests: same(7, '1.0'),
    levels: [
      [1000, 100],
      [1000, 300],
      [1000, 500],
      [1000, 250],
      [1000, 250],
    ],
    target: 50,
    expected: { replicas: 3, utilization: 28, raw: 280n },
  },
];

describe('replica_calculator_test.go: GetResourceReplicas', () => {
  it.each(RESOURCE_SCALE.map((c) => [c.name, c] as const))('TestReplicaCalcResourceScale/%s', (_name, c) =>
    checkResource(c),
  );

  const single: ResourceCase[] = [
    {
      name: 'TestReplicaCalcDisjointResourcesMetrics',
      current: 1,
      requests: ['1.0'],
      levels: eachContainer(100),
      podNames: ['an-older-pod-name'],
      target: 100,
      expected: { error: 'no metrics returned matched known pods' },
    },
    {
      name: 'TestReplicaCalcTolerance',
      current: 3,
      requests: ['0.9', '1.0', '1.1'],
      levels: eachContainer(1010, 1030, 1020),
      target: 100,
      expected: { replicas: 3, utilization: 102, raw: 2040n },
    },
    {
      name: 'TestReplicaCalcConfigurableTolerance/Outside of a 0% tolerance',
      current: 3,
      tolerances: { scaleDown: 0, scaleUp: 0 },
      requests: ['0.9', '1.0', '1.1'],
      levels: eachContainer(909, 1010, 1111),
      target: 100,
      expected: { replicas: 4, utilization: 101, raw: 2020n },
    },
    {
      name: 'TestReplicaCalcConfigurableTolerance/Within a 200% scale-up tolerance',
      current: 3,
      tolerances: { scaleDown: 0.1, scaleUp: 2 },
      requests: ['0.9', '1.0', '1.1'],
      levels: eachContainer(1890, 1910, 1900),
      target: 100,
      expected: { replicas: 3, utilization: 190, raw: 3800n },
    },
    {
      name: 'TestReplicaCalcConfigurableTolerance/Outside 8% scale-up tolerance (and superfuous scale-down tolerance)',
      current: 3,
      tolerances: { scaleDown: 2, scaleUp: 0.08 },
      requests: ['0.9', '1.0', '1.1'],
      levels: eachContainer(1100, 1080, 1090),
      target: 100,
      expected: { replicas: 4, utilization: 109, raw: 2180n },
    },
    {
      name: 'TestReplicaCalcConfigurableTolerance/Within a 36% scale-down tolerance',
      current: 3,
      tolerances: { scaleDown: 0.36, scaleUp: 0.1 },
      requests: ['0.9', '1.0', '1.1'],
      levels: eachContainer(660, 640, 650),
      target: 100,
      expected: { replicas: 3, utilization: 65, raw: 1300n },
    },
    {
      name: 'TestReplicaCalcConfigurableTolerance/Outside a 34% scale-down tolerance',
      current: 3,
      tolerances: { scaleDown: 0.34, scaleUp: 0.1 },
      requests: ['0.9', '1.0', '1.1'],
      levels: eachContainer(660, 640, 650),
      target: 100,
      expected: { replicas: 2, utilization: 65, raw: 1300n },
    },
    {
      name: 'TestReplicaCalcSuperfluousMetrics',
      current: 4,
      requests: same(4, '1.0'),
      levels: eachContainer(4000, 9500, 3000, 7000, 3200, 2000),
      target: 100,
      expected: { replicas: 24, utilization: 587, raw: 11750n },
    },
    {
      name: 'TestReplicaCalcMissingMetrics',
      current: 4,
      requests: same(4, '1.0'),
      levels: eachContainer(400, 95),
      target: 100,
      expected: { replicas: 3, utilization: 24, raw: 495n },
    },
    {
      name: 'TestReplicaCalcEmptyMetrics',
      current: 4,
      requests: same(3, '1.0'),
      levels: [],
      target: 100,
      expected: {
        error: 'unable to get metrics for resource cpu: no metrics returned from resource metrics API',
      },
    },
    {
      name: 'TestReplicaCalcEmptyCPURequest',
      current: 1,
      requests: [],
      levels: eachContainer(200),
      target: 100,
      expected: { error: 'missing request for' },
    },
    {
      name: 'TestReplicaCalcMissingMetricsNoChangeEq',
      current: 2,
      requests: same(2, '1.0'),
      levels: eachContainer(1000),
      target: 100,
      expected: { replicas: 2, utilization: 100, raw: 2000n },
    },
    {
      name: 'TestReplicaCalcMissingMetricsNoChangeGt',
      current: 2,
      requests: same(2, '1.0'),
      levels: eachContainer(1900),
      target: 100,
      expected: { replicas: 2, utilization: 190, raw: 3800n },
    },
    {
      name: 'TestReplicaCalcMissingMetricsNoChangeLt',
      current: 2,
      requests: same(2, '1.0'),
      levels: eachContainer(600),
      target: 100,
      expected: { replicas: 2, utilization: 60, raw: 1200n },
    },
    {
      name: 'TestReplicaCalcMissingMetricsUnreadyChange',
      current: 3,
      pods: { readiness: [F, T, T] },
      requests: same(3, '1.0'),
      levels: eachContainer(100, 450),
      target: 50,
      expected: { replicas: 3, utilization: 45, raw: 900n },
    },
    {
      name: 'TestReplicaCalcMissingMetricsHotCpuNoChange',
      current: 3,
      pods: { startTime: [HOT, COOL, COOL] },
      requests: same(3, '1.0'),
      levels: eachContainer(100, 450),
      target: 50,
      expected: { replicas: 3, utilization: 45, raw: 900n },
    },
    {
      name: 'TestReplicaCalcMissingMetricsUnreadyScaleUp',
      current: 3,
      pods: { readiness: [F, T, T] },
      requests: same(3, '1.0'),
      levels: eachContainer(100, 2000),
      target: 50,
      expected: { replicas: 4, utilization: 200, raw: 4000n },
    },
    {
      name: 'TestReplicaCalcMissingMetricsHotCpuScaleUp',
      current: 3,
      pods: { readiness: [F, T, T], startTime: [HOT, COOL, COOL] },
      requests: same(3, '1.0'),
      levels: eachContainer(100, 2000),
      target: 50,
      expected: { replicas: 4, utilization: 200, raw: 4000n },
    },
    {
      name: 'TestReplicaCalcMissingMetricsUnreadyScaleDown',
      current: 4,
      pods: { readiness: [F, T, T, T] },
      requests: same(4, '1.0'),
      levels: eachContainer(100, 100, 100),
      target: 50,
      expected: { replicas: 3, utilization: 10, raw: 200n },
    },
    {
      name: 'TestReplicaCalcMissingMetricsScaleDownTargetOver100',
      current: 4,
      pods: { readiness: [F, T, T, T] },
      requests: ['1.0', '1.0', '2.0', '2.0'],
      levels: eachContainer(200, 100, 100),
      target: 300,
      expected: { replicas: 2, utilization: 6, raw: 200n },
    },
    {
      name: 'TestReplicaCalcDuringRollingUpdateWithMaxSurge',
      current: 2,
      pods: { phase: ['Running', 'Running', 'Running'] },
      requests: same(3, '1.0'),
      levels: eachContainer(100, 100),
      target: 50,
      expected: { replicas: 2, utilization: 10, raw: 200n },
    },
  ];
  it.each(single.map((c) => [c.name, c] as const))('%s', (_name, c) => checkResource(c));

  // TestReplicaCalcComputedToleranceAlgImplementation: 10 pods using 150m per container against
  // requests spread around 300m; the test derives its targets from the tolerance: 56 % (just
  // outside the band: 50/56 = 0.893 → ceil(8.93) = 9) and 55 % (just inside: 50/55 = 0.909 → 10).
  const spread = [400, 200, 310, 290, 302, 298, 301, 299, 300, 300].map((m) => `${m}m`);
  const computed = (target: number, replicas: number): ResourceCase => ({
    name: '',
    current: 10,
    requests: spread,
    levels: eachContainer(...same(10, '150').map(Number)),
    target,
    expected: { replicas, utilization: 50, raw: 300n },
  });
  it('TestReplicaCalcComputedToleranceAlgImplementation (breaches the tolerance)', () =>
    checkResource(computed(56, 9)));
  it('TestReplicaCalcComputedToleranceAlgImplementation (within the tolerance)', () =>
    checkResource(computed(55, 10)));
});

interface PlainCase {
  readonly name: string;
  readonly current: number;
  readonly pods?: Omit<PodScenario, 'count'>;
  readonly levels: readonly number[];
  readonly target: number;
  readonly tolerances?: Tolerances;
  readonly replicas: number;
  readonly usage: bigint;
}

describe('replica_calculator_test.go: GetMetricReplicas (Pods metrics)', () => {
  const cases: PlainCase[] = [
    {
      name: 'TestReplicaCalcScaleUpCM',
      current: 3,
      levels: [20000, 10000, 30000],
      target: 15000,
      replicas: 4,
      usage: 20000n,
    },
    {
      name: 'TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale',
      current: 3,
      pods: { readiness: [T, T, F], startTime: [COOL, COOL, HOT] },
      levels: [50000, 10000, 30000],
      target: 15000,
      replicas: 6,
      usage: 30000n,
    },
    {
      name: 'TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown',
      current: 3,
      pods: { readiness: [F, T, F], startTime: [HOT, COOL, HOT] },
      levels: [50000, 15000, 30000],
      target: 15000,
      replicas: 7,
      usage: 31666n,
    },
    {
      name: 'TestReplicaCalcScaleDownCM',
      current: 5,
      levels: [12000, 12000, 12000, 12000, 12000],
      target: 20000,
      replicas: 3,
      usage: 12000n,
    },
    {
      name: 'TestReplicaCalcToleranceCM',
      current: 3,
      levels: [20000, 21000, 21000],
      target: 20000,
      replicas: 3,
      usage: 20666n,
    },
    {
      name: 'TestReplicaCalcConfigurableToleranceCM',
      current: 3,
      tolerances: { scaleDown: 0.1, scaleUp: 0.01 },
      levels: [20000, 21000, 21000],
      target: 20000,
      replicas: 4,
      usage: 20666n,
    },
    {
      name: 'TestPlainMetricReplicaCalcMissingMetricsNoChangeEq',
      current: 5,
      levels: [20000, 19000, 21000],
      target: 20000,
      replicas: 5,
      usage: 20000n,
    },
    {
      name: 'TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM',
      current: 2,
      pods: { phase: ['Running', 'Running', 'Running'] },
      levels: [10000, 10000],
      target: 17000,
      replicas: 2,
      usage: 10000n,
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = averageValueReplicas({
      currentReplicas: c.current,
      pods: upstreamPods({ count: c.current, ...c.pods }),
      samples: customSamples(c.levels),
      now: NOW,
      tolerances: c.tolerances ?? DEFAULT_TOLERANCES,
      options: UPSTREAM_OPTIONS,
      targetMilli: BigInt(c.target),
      source: 'custom',
    });
    expect(result).toMatchObject({ ok: true, replicas: c.replicas, currentAverageMilli: c.usage });
  });
});

interface ObjectCase {
  readonly name: string;
  readonly kind: 'object' | 'external';
  readonly perPod: boolean;
  readonly current: number;
  readonly readiness?: readonly ('True' | 'False')[];
  readonly levels: readonly bigint[];
  readonly target: bigint;
  readonly tolerances?: Tolerances;
  readonly replicas: number;
  readonly usage: bigint;
}

describe('replica_calculator_test.go: Object and External metrics', () => {
  const cases: ObjectCase[] = [
    {
      name: 'TestReplicaCalcScaleUpOverflow',
      kind: 'object',
      perPod: false,
      current: 3,
      levels: [MAX_INT64],
      target: 1n,
      replicas: MAX_INT32,
      usage: MAX_INT64,
    },
    {
      name: 'TestExternalPerPodMetricReplicaOverflow',
      kind: 'external',
      perPod: true,
      current: 1,
      levels: [MAX_INT64],
      target: 1n,
      replicas: MAX_INT32,
      usage: MAX_INT64,
    },
    {
      name: 'TestExternalPerPodMetricUsageOverflow',
      kind: 'external',
      perPod: true,
      current: 1,
      levels: [MAX_INT64],
      target: MAX_INT64,
      replicas: 1,
      usage: MAX_INT64,
    },
    {
      name: 'TestReplicaCalcScaleUpCMObject',
      kind: 'object',
      perPod: false,
      current: 3,
      levels: [20000n],
      target: 15000n,
      replicas: 4,
      usage: 20000n,
    },
    {
      name: 'TestReplicaCalcScaleUpCMPerPodObject',
      kind: 'object',
      perPod: true,
      current: 3,
      levels: [20000n],
      target: 5000n,
      replicas: 4,
      usage: 6667n,
    },
    {
      name: 'TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods',
      kind: 'object',
      perPod: false,
      current: 3,
      readiness: [F, T, F],
      levels: [50000n],
      target: 10000n,
      replicas: 5,
      usage: 50000n,
    },
    {
      name: 'TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods',
      kind: 'external',
      perPod: false,
      current: 3,
      readiness: [F, T, F],
      levels: [8600n],
      target: 4400n,
      replicas: 2,
      usage: 8600n,
    },
    {
      name: 'TestReplicaCalcScaleUpPerPodCMExternal',
      kind: 'external',
      perPod: true,
      current: 3,
      levels: [8600n],
      target: 2150n,
      replicas: 4,
      usage: 2867n,
    },
    {
      name: 'TestReplicaCalcScaleDownPerPodCMObject',
      kind: 'object',
      perPod: true,
      current: 5,
      levels: [6000n],
      target: 2000n,
      replicas: 3,
      usage: 1200n,
    },
    {
      name: 'TestReplicaCalcScaleDownCMObject',
      kind: 'object',
      perPod: false,
      current: 5,
      levels: [12000n],
      target: 20000n,
      replicas: 3,
      usage: 12000n,
    },
    {
      name: 'TestReplicaCalcScaleDownCMExternal',
      kind: 'external',
      perPod: false,
      current: 5,
      levels: [8600n],
      target: 14334n,
      replicas: 3,
      usage: 8600n,
    },
    {
      name: 'TestReplicaCalcScaleDownPerPodCMExternal',
      kind: 'external',
      perPod: true,
      current: 5,
      levels: [8600n],
      target: 2867n,
      replicas: 3,
      usage: 1720n,
    },
    {
      name: 'TestReplicaCalcToleranceCMObject',
      kind: 'object',
      perPod: false,
      current: 3,
      levels: [20666n],
      target: 20000n,
      replicas: 3,
      usage: 20666n,
    },
    {
      name: 'TestReplicaCalcTolerancePerPodCMObject',
      kind: 'object',
      perPod: true,
      current: 4,
      levels: [20166n],
      target: 5000n,
      replicas: 4,
      usage: 5042n,
    },
    {
      name: 'TestReplicaCalcToleranceCMExternal',
      kind: 'external',
      perPod: false,
      current: 3,
      levels: [8600n],
      target: 8888n,
      replicas: 3,
      usage: 8600n,
    },
    {
      name: 'TestReplicaCalcTolerancePerPodCMExternal',
      kind: 'external',
      perPod: true,
      current: 3,
      levels: [8600n],
      target: 2900n,
      replicas: 3,
      usage: 2867n,
    },
    {
      name: 'TestReplicaCalcConfigurableToleranceCMObject',
      kind: 'object',
      perPod: false,
      current: 3,
      tolerances: { scaleDown: 0.1, scaleUp: 0.01 },
      levels: [20666n],
      target: 20000n,
      replicas: 4,
      usage: 20666n,
    },
    {
      name: 'TestReplicaCalcConfigurableTolerancePerPodCMObject',
      kind: 'object',
      perPod: true,
      current: 4,
      tolerances: { scaleDown: 0.1, scaleUp: 0.01 },
      levels: [20208n],
      target: 5000n,
      replicas: 5,
      usage: 5052n,
    },
    {
      name: 'TestReplicaCalcConfigurableToleranceCMExternal',
      kind: 'external',
      perPod: false,
      current: 3,
      tolerances: { scaleDown: 0.1, scaleUp: 0.01 },
      levels: [8900n],
      target: 8800n,
      replicas: 4,
      usage: 8900n,
    },
    {
      name: 'TestReplicaCalcConfigurableTolerancePerPodCMExternal',
      kind: 'external',
      perPod: true,
      current: 3,
      tolerances: { scaleDown: 0.1, scaleUp: 0.01 },
      levels: [8600n],
      target: 2800n,
      replicas: 4,
      usage: 2867n,
    },
    {
      name: 'TestReplicaCalcExternalMetricUsageOverflow',
      kind: 'external',
      perPod: false,
      current: 3,
      levels: [MAX_INT64 / 2n + 1n, MAX_INT64 / 2n + 1n],
      target: MAX_INT64,
      replicas: 3,
      usage: MAX_INT64,
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const tolerances = c.tolerances ?? DEFAULT_TOLERANCES;
    // upstream runTest passes tc.currentReplicas as both spec and status replicas.
    const result = c.perPod
      ? averageValueTargetReplicas({
          statusReplicas: c.current,
          targetMilli: c.target,
          values: c.levels,
          kind: c.kind,
          tolerances,
        })
      : valueTargetReplicas({
          currentReplicas: c.current,
          targetMilli: c.target,
          values: c.levels,
          kind: c.kind,
          pods: upstreamPods({ count: c.current, readiness: c.readiness }),
          tolerances,
        });
    expect(result).toMatchObject({ ok: true, replicas: c.replicas, currentMilli: c.usage });
  });
});

describe('replica_calculator_test.go: TestGroupPods', () => {
  const pod = (name: string, fields: Partial<HpaPod>): HpaPod => ({
    name,
    containers: [],
    phase: 'Succeeded',
    ...fields,
  });
  const sample = (name: string, timestamp: number, windowMs: number): PodSample => ({
    pod: name,
    milli: 1n,
    timestamp,
    windowMs,
  });
  const ZERO = -62135596800000;
  const cases: {
    name: string;
    pods: HpaPod[];
    samples: PodSample[];
    resource: string;
    ready: string[];
    unready: string[];
    missing: string[];
    ignored: string[];
  }[] = [
    {
      name: 'void',
      pods: [],
      samples: [],
      resource: 'cpu',
      ready: [],
      unready: [],
      missing: [],
      ignored: [],
    },
    {
      name: 'count in a ready pod - memory',
      pods: [pod('bentham', {})],
      samples: [sample('bentham', NOW, 60_000)],
      resource: 'memory',
      ready: ['bentham'],
      unready: [],
      missing: [],
      ignored: [],
    },
    {
      name: 'unready a pod without ready condition - CPU',
      pods: [pod('lucretius', { startTime: NOW })],
      samples: [sample('lucretius', ZERO, 0)],
      resource: 'cpu',
      ready: [],
      unready: ['lucretius'],
      missing: [],
      ignored: [],
    },
    {
      name: 'count in a ready pod with fresh metrics during initialization period - CPU',
      pods: [
        pod('bentham', {
          startTime: NOW - 60_000,
          ready: { status: 'True', lastTransitionTime: NOW - 30_000 },
        }),
      ],
      samples: [sample('bentham', NOW, 30_000)],
      resource: 'cpu',
      ready: ['bentham'],
      unready: [],
      missing: [],
      ignored: [],
    },
    {
      name: 'unready a ready pod without fresh metrics during initialization period - CPU',
      pods: [
        pod('bentham', {
          startTime: NOW - 60_000,
          ready: { status: 'True', lastTransitionTime: NOW - 30_000 },
        }),
      ],
      samples: [sample('bentham', NOW, 60_000)],
      resource: 'cpu',
      ready: [],
      unready: ['bentham'],
      missing: [],
      ignored: [],
    },
    {
      name: 'unready an unready pod during initialization period - CPU',
      pods: [
        pod('lucretius', {
          startTime: NOW - 600_000,
          ready: { status: 'False', lastTransitionTime: NOW - 594_000 },
        }),
      ],
      samples: [sample('lucretius', ZERO, 0)],
      resource: 'cpu',
      ready: [],
      unready: ['lucretius'],
      missing: [],
      ignored: [],
    },
    {
      name: 'count in a ready pod without fresh metrics after initialization period - CPU',
      pods: [
        pod('bentham', {
          startTime: NOW - 180_000,
          ready: { status: 'True', lastTransitionTime: NOW - 180_000 },
        }),
      ],
      samples: [sample('bentham', NOW - 120_000, 60_000)],
      resource: 'cpu',
      ready: ['bentham'],
      unready: [],
      missing: [],
      ignored: [],
    },
    {
      name: 'count in an unready pod that was ready after initialization period - CPU',
      pods: [
        pod('lucretius', {
          startTime: NOW - 600_000,
          ready: { status: 'False', lastTransitionTime: NOW - 540_000 },
        }),
      ],
      samples: [sample('lucretius', ZERO, 0)],
      resource: 'cpu',
      ready: ['lucretius'],
      unready: [],
      missing: [],
      ignored: [],
    },
    {
      name: 'unready pod that has never been ready after initialization period - CPU',
      pods: [
        pod('lucretius', {
          startTime: NOW - 600_000,
          ready: { status: 'False', lastTransitionTime: NOW - 590_000 },
        }),
      ],
      samples: [sample('lucretius', ZERO, 0)],
      resource: 'cpu',
      ready: ['lucretius'],
      unready: [],
      missing: [],
      ignored: [],
    },
    {
      name: 'a missing pod',
      pods: [pod('epicurus', { startTime: NOW - 180_000 })],
      samples: [],
      resource: 'cpu',
      ready: [],
      unready: [],
      missing: ['epicurus'],
      ignored: [],
    },
    {
      name: 'several pods',
      pods: [
        pod('lucretius', { startTime: NOW }),
        pod('niccolo', {
          startTime: NOW - 180_000,
          ready: { status: 'True', lastTransitionTime: NOW - 180_000 },
        }),
        pod('epicurus', { startTime: NOW - 180_000 }),
      ],
      samples: [sample('lucretius', ZERO, 0), sample('niccolo', ZERO, 0)],
      resource: 'cpu',
      ready: ['niccolo'],
      unready: ['lucretius'],
      missing: ['epicurus'],
      ignored: [],
    },
    {
      name: 'pending pods are unreadied',
      pods: [pod('unscheduled', { phase: 'Pending' })],
      samples: [],
      resource: 'cpu',
      ready: [],
      unready: ['unscheduled'],
      missing: [],
      ignored: [],
    },
    {
      name: 'ignore pods with deletion timestamps',
      pods: [pod('deleted', { phase: 'Pending', deleting: true })],
      samples: [sample('deleted', ZERO, 0)],
      resource: 'cpu',
      ready: [],
      unready: [],
      missing: [],
      ignored: ['deleted'],
    },
    {
      name: 'ignore pods in a failed state',
      pods: [pod('failed', { phase: 'Failed' })],
      samples: [sample('failed', ZERO, 0)],
      resource: 'cpu',
      ready: [],
      unready: [],
      missing: [],
      ignored: ['failed'],
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('TestGroupPods/%s', (_name, c) => {
    const classified = classifyPods({
      pods: c.pods,
      samples: sampleMap(c.samples),
      resource: c.resource,
      now: NOW,
      options: UPSTREAM_OPTIONS,
    });
    const group = (g: string): string[] => classified.filter((p) => p.group === g).map((p) => p.pod);
    expect({
      ready: group('ready'),
      unready: group('unready'),
      missing: group('missing'),
      ignored: group('ignored'),
    }).toEqual({
      ready: c.ready,
      unready: c.unready,
      missing: c.missing,
      ignored: c.ignored,
    });
  });
});

describe('replica_calculator_test.go: TestCalculateRequests', () => {
  const c = (name: string, cpu?: string, restartPolicy?: string) => ({
    name,
    requests: cpu === undefined ? undefined : { cpu },
    restartPolicy,
  });
  const testPod = (fields: Partial<HpaPod>): HpaPod => ({
    name: 'test-pod',
    containers: [c('container1', '100m'), c('container2', '50m')],
    ...fields,
  });
  const cases: {
    name: string;
    pod: HpaPod;
    container?: string;
    podLevel: boolean;
    expected: bigint | string;
  }[] = [
    {
      name: 'Sum container requests if pod-level feature is disabled',
      pod: testPod({}),
      podLevel: false,
      expected: 150n,
    },
    {
      name: 'Pod-level resources are enabled, but not set: fallback to sum container requests',
      pod: testPod({}),
      podLevel: true,
      expected: 150n,
    },
    {
      name: 'Pod-level resources override container requests when feature enabled and pod resources specified',
      pod: testPod({ podRequests: { cpu: '800m' } }),
      podLevel: true,
      expected: 800n,
    },
    {
      name: 'Fail if at least one of the containers is missing requests and pod-level feature/requests are not set',
      pod: testPod({ containers: [c('container1'), c('container2', '50m')] }),
      podLevel: false,
      expected: 'missing request for cpu in container container1 of Pod test-pod',
    },
    {
      name: 'Pod-level resources override missing container requests when feature enabled and pod resources specified',
      pod: testPod({ podRequests: { cpu: '800m' }, containers: [c('container1'), c('container2', '50m')] }),
      podLevel: true,
      expected: 800n,
    },
    {
      name: 'Container: if a container name is specified, calculate requests only for that container',
      pod: testPod({}),
      container: 'container1',
      podLevel: false,
      expected: 100n,
    },
    {
      name: 'Container: if a container name is specified, calculate requests only for that container and ignore pod-level requests',
      pod: testPod({ podRequests: { cpu: '800m' } }),
      container: 'container1',
      podLevel: true,
      expected: 100n,
    },
    {
      name: 'pod with restartable init containers',
      pod: testPod({
        containers: [c('container1', '100m')],
        initContainers: [c('init-container1', '20m'), c('restartable-container1', '50m', 'Always')],
      }),
      podLevel: false,
      expected: 150n,
    },
  ];
  it.each(cases.map((k) => [k.name, k] as const))('TestCalculateRequests/%s', (_name, k) => {
    const result = podRequest(k.pod, 'cpu', k.container, k.podLevel);
    if (typeof k.expected === 'string') expect(result).toEqual({ ok: false, message: k.expected });
    else expect(result).toMatchObject({ ok: true, milli: k.expected });
  });
  it('TestCalculateRequests/void: no pods, no requests', () => {
    const result = resourceUtilizationReplicas({
      currentReplicas: 1,
      pods: [],
      samples: customSamples([1]),
      now: NOW,
      tolerances: DEFAULT_TOLERANCES,
      options: UPSTREAM_OPTIONS,
      resource: 'cpu',
      targetUtilization: 50,
    });
    expect(result).toEqual({
      ok: false,
      message: 'no pods returned by selector while calculating replica count',
    });
  });
  it('TestCalculatePodRequestsFromContainers_NonExistentContainer', () => {
    expect(
      podRequest(testPod({ containers: [c('container1', '100m')] }), 'cpu', 'non-existent-container', true),
    ).toEqual({
      ok: false,
      message: 'container non-existent-container not found in Pod test-pod',
    });
  });
});
