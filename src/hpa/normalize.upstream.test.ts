/**
 * The pure-function cases of kubernetes/kubernetes pkg/controller/podautoscaler/horizontal_test.go
 * (stabilization, the legacy clamp, behavior policies and scale-event bookkeeping), transcribed as
 * facts. Each test name starts with the upstream test function (and subtest) name. Upstream builds
 * its timestamps from time.Now(); here every case uses one fixed `NOW`.
 */
import { describe, expect, it } from 'vitest';
import {
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  defaultedBehavior,
  recordScaleEvent,
  replicasChangePerPeriod,
  scaleDownLimit,
  scaleUpLimit,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  type DefaultedScalingRules,
  type Recommendation,
  type ScaleEvent,
  type ScalingRules,
} from './index.js';
import { NOW } from '../../test/helpers/hpa-upstream.js';

const MIN = 60_000;

/** upstream `generateScalingRules`: Max select policy, a Pods and/or a Percent policy. */
function rules(
  pods: number,
  podsPeriod: number,
  percent: number,
  percentPeriod: number,
  window: number,
): ScalingRules {
  const policies: ScalingRules['policies'] = [];
  if (pods !== 0) policies.push({ type: 'Pods', value: pods, periodSeconds: podsPeriod });
  if (percent !== 0) policies.push({ type: 'Percent', value: percent, periodSeconds: percentPeriod });
  return {
    stabilizationWindowSeconds: window,
    selectPolicy: 'Max',
    policies: policies.length > 0 ? policies : undefined,
  };
}

/** `GenerateHPAScaleUpRules` / `GenerateHPAScaleDownRules` through the spec defaulting. */
function defaulted(
  scaleUp?: ScalingRules,
  scaleDown?: ScalingRules,
): { scaleUp: DefaultedScalingRules; scaleDown: DefaultedScalingRules } {
  const behavior = defaultedBehavior(
    { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 1, behavior: { scaleUp, scaleDown } },
    300,
  );
  if (behavior === undefined) throw new Error('behavior expected');
  return behavior;
}

/** upstream `generateEventsUniformDistribution`: events centred in equal slices of the last period. */
function events(raw: number[], periodSeconds: number): ScaleEvent[] {
  const segment = periodSeconds / raw.length;
  return raw.map((replicaChange, i) => ({
    replicaChange,
    timestamp: NOW - Math.trunc(periodSeconds - segment * (i + 1) + segment / 2) * 1000,
  }));
}

describe('horizontal_test.go: TestConvertDesiredReplicasWithRules', () => {
  // Upstream's init() sets scaleUpLimitFactor to 8, so calculateScaleUpLimit(3) is 24.
  const cases: [string, number, number, number, number, number, string][] = [
    ['prenormalized desired replicas within range', 5, 7, 3, 8, 7, 'DesiredWithinRange'],
    ['prenormalized desired replicas < minReplicas', 3, 1, 2, 8, 2, 'TooFewReplicas'],
    ['prenormalized desired zeroed replicas within range', 1, 0, 0, 10, 0, 'DesiredWithinRange'],
    ['maxReplicas is the limit because maxReplicas < scaleUpLimit', 20, 1000, 1, 10, 10, 'TooManyReplicas'],
    ['scaleUpLimit is the limit because scaleUpLimit < maxReplicas', 3, 1000, 1, 2000, 24, 'ScaleUpLimit'],
  ];
  it.each(cases)(
    'TestConvertDesiredReplicasWithRules/%s',
    (_name, current, desired, min, max, replicas, reason) => {
      expect(convertDesiredReplicasWithRules(current, desired, min, max, 8)).toEqual({ replicas, reason });
    },
  );
});

describe('horizontal_test.go: scale limits with the Min select policy', () => {
  const minPolicy: DefaultedScalingRules = {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Min',
    policies: [
      { type: 'Pods', value: 2, periodSeconds: 60 },
      { type: 'Percent', value: 50, periodSeconds: 60 },
    ],
  };
  it('TestCalculateScaleUpLimitWithScalingRules', () => {
    expect(scaleUpLimit(1, { scaleUp: [], scaleDown: [] }, minPolicy, NOW)).toBe(2);
  });
  it('TestCalculateScaleDownLimitWithBehaviors', () => {
    expect(scaleDownLimit(5, { scaleUp: [], scaleDown: [] }, minPolicy, NOW)).toBe(3);
  });
});

describe('horizontal_test.go: TestNormalizeDesiredReplicas (stabilizeRecommendation)', () => {
  const cases: [string, Recommendation[], number, number, number][] = [
    ['empty log', [], 5, 5, 1],
    [
      'stabilize',
      [
        { replicas: 4, timestamp: NOW - 2 * MIN },
        { replicas: 5, timestamp: NOW - MIN },
      ],
      3,
      5,
      3,
    ],
    [
      'no stabilize',
      [
        { replicas: 1, timestamp: NOW - 2 * MIN },
        { replicas: 2, timestamp: NOW - MIN },
      ],
      3,
      3,
      3,
    ],
    [
      'no stabilize - old recommendations',
      [
        { replicas: 10, timestamp: NOW - 10 * MIN },
        { replicas: 9, timestamp: NOW - 9 * MIN },
      ],
      3,
      3,
      2,
    ],
    [
      'stabilize - old recommendations',
      [
        { replicas: 10, timestamp: NOW - 10 * MIN },
        { replicas: 4, timestamp: NOW - MIN },
        { replicas: 5, timestamp: NOW - 2 * MIN },
        { replicas: 9, timestamp: NOW - 9 * MIN },
      ],
      3,
      5,
      4,
    ],
  ];
  it.each(cases)('TestNormalizeDesiredReplicas/%s', (_name, history, proposal, stabilized, logLength) => {
    const result = stabilizeRecommendation(history, proposal, 300, NOW);
    expect(result.stabilized).toBe(stabilized);
    expect(result.history).toHaveLength(logLength);
  });
});

describe('horizontal_test.go: TestNormalizeDesiredReplicasWithBehavior (stabilizeRecommendationWithBehaviors)', () => {
  const r = (replicas: number, ago: number): Recommendation => ({ replicas, timestamp: NOW - ago });
  const cases: {
    name: string;
    history: Recommendation[];
    current: number;
    proposal: number;
    expected: number;
    stored?: number[];
    up?: number;
    down?: number;
  }[] = [
    {
      name: 'empty recommendations for scaling down',
      history: [],
      current: 100,
      proposal: 5,
      expected: 5,
      stored: [5],
    },
    {
      name: 'simple scale down stabilization',
      history: [r(4, 2 * MIN), r(5, MIN)],
      current: 100,
      proposal: 3,
      expected: 5,
      stored: [4, 5, 3],
      down: 180,
    },
    {
      name: 'simple scale up stabilization',
      history: [r(4, 2 * MIN), r(5, MIN)],
      current: 1,
      proposal: 7,
      expected: 4,
      stored: [4, 5, 7],
      up: 300,
    },
    {
      name: 'no scale down stabilization',
      history: [r(1, 2 * MIN), r(2, MIN)],
      current: 100,
      proposal: 3,
      expected: 3,
      stored: [1, 2, 3],
      up: 300,
    },
    {
      name: 'no scale up stabilization',
      history: [r(4, 2 * MIN), r(5, MIN)],
      current: 1,
      proposal: 3,
      expected: 3,
      stored: [4, 5, 3],
      down: 300,
    },
    {
      name: 'no scale down stabilization, reuse recommendation element',
      history: [r(10, 10 * MIN), r(9, 9 * MIN)],
      current: 100,
      proposal: 3,
      expected: 3,
      stored: [10, 3],
    },
    {
      name: 'no scale up stabilization, reuse recommendation element',
      history: [r(10, 10 * MIN), r(9, 9 * MIN)],
      current: 1,
      proposal: 100,
      expected: 100,
      stored: [10, 100],
    },
    {
      name: 'scale down stabilization, reuse one of obsolete recommendation element',
      history: [r(10, 10 * MIN), r(4, MIN), r(5, 2 * MIN), r(9, 9 * MIN)],
      current: 100,
      proposal: 3,
      expected: 5,
      stored: [10, 4, 5, 3],
      down: 180,
    },
    {
      name: 'scale up stabilization, reuse one of obsolete recommendation element',
      history: [r(10, 100 * MIN), r(6, MIN), r(5, 2 * MIN), r(9, 3 * MIN)],
      current: 1,
      proposal: 100,
      expected: 5,
      stored: [100, 6, 5, 9],
      up: 300,
    },
    {
      name: 'scale up and down stabilization, do not scale up when prenormalized rec goes down',
      history: [r(2, 100 * MIN), r(3, 3 * MIN)],
      current: 2,
      proposal: 1,
      expected: 2,
      up: 300,
      down: 300,
    },
    {
      name: 'scale up and down stabilization, do not scale down when prenormalized rec goes up',
      history: [r(2, 100 * MIN), r(1, 3 * MIN)],
      current: 2,
      proposal: 3,
      expected: 2,
      up: 300,
      down: 300,
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))(
    'TestNormalizeDesiredReplicasWithBehavior/%s',
    (_name, c) => {
      const result = stabilizeRecommendationWithBehaviors(
        c.history,
        c.current,
        c.proposal,
        { scaleUpSeconds: c.up ?? 0, scaleDownSeconds: c.down ?? 0 },
        NOW,
      );
      expect(result.replicas).toBe(c.expected);
      if (c.stored !== undefined) expect(result.history.map((h) => h.replicas)).toEqual(c.stored);
    },
  );
});

describe('horizontal_test.go: TestScalingWithRules (convertDesiredReplicasWithBehaviorRate)', () => {
  interface Case {
    name: string;
    up?: ScaleEvent[];
    down?: ScaleEvent[];
    min: number;
    max: number;
    scaleUp?: ScalingRules;
    scaleDown?: ScalingRules;
    current: number;
    desired: number;
    expected: number;
    reason: string;
  }
  const cases: Case[] = [
    {
      name: 'prenormalized desired replicas within range',
      current: 5,
      desired: 7,
      min: 3,
      max: 8,
      expected: 7,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'prenormalized desired replicas < minReplicas',
      current: 3,
      desired: 1,
      min: 2,
      max: 8,
      expected: 2,
      reason: 'TooFewReplicas',
    },
    {
      name: 'prenormalized desired replicas within range when minReplicas is 0',
      current: 1,
      desired: 0,
      min: 0,
      max: 10,
      expected: 0,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'maxReplicas is the limit because maxReplicas < scaleUpLimit',
      current: 20,
      desired: 1000,
      min: 1,
      max: 10,
      expected: 10,
      reason: 'TooManyReplicas',
    },
    {
      name: 'desired replica count is more than the maximum replica count',
      current: 100,
      desired: 1000,
      min: 100,
      max: 150,
      expected: 150,
      reason: 'TooManyReplicas',
    },
    {
      name: 'scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies',
      current: 3,
      desired: 1000,
      min: 1,
      max: 2000,
      scaleUp: rules(0, 0, 1, 60, 0),
      expected: 4,
      reason: 'ScaleUpLimit',
    },
    // Upstream marks this case testThis and returns early; the numbers still hold (1000 - 20).
    {
      name: 'scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies',
      current: 1000,
      desired: 3,
      min: 3,
      max: 2000,
      scaleDown: rules(20, 60, 0, 0, 0),
      expected: 980,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleUp with default behavior',
      min: 1,
      max: 1000,
      current: 10,
      desired: 50,
      expected: 20,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with pods policy larger than percent policy',
      min: 1,
      max: 1000,
      scaleUp: rules(100, 60, 100, 60, 0),
      current: 10,
      desired: 500,
      expected: 110,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy larger than pods policy',
      min: 1,
      max: 1000,
      scaleUp: rules(2, 60, 100, 60, 0),
      current: 10,
      desired: 500,
      expected: 20,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large pod policy',
      min: 1,
      max: 1000,
      scaleUp: rules(100, 60, 0, 0, 0),
      current: 10,
      desired: 50,
      expected: 50,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large percent policy',
      min: 1,
      max: 1000,
      scaleUp: rules(10000, 60, 0, 0, 0),
      current: 10,
      desired: 50,
      expected: 50,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleUp with pod policy limitation',
      min: 1,
      max: 1000,
      scaleUp: rules(30, 60, 0, 0, 0),
      current: 10,
      desired: 50,
      expected: 40,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy limitation',
      min: 1,
      max: 1000,
      scaleUp: rules(0, 0, 200, 60, 0),
      current: 10,
      desired: 50,
      expected: 30,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleDown with percent policy larger than pod policy',
      min: 1,
      max: 1000,
      scaleDown: rules(20, 60, 1, 60, 300),
      current: 100,
      desired: 2,
      expected: 80,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with pod policy larger than percent policy',
      min: 1,
      max: 1000,
      scaleDown: rules(2, 60, 1, 60, 300),
      current: 100,
      desired: 2,
      expected: 98,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with spec MinReplicas=nil limitation with large pod policy',
      min: 1,
      max: 1000,
      scaleDown: rules(100, 60, 0, 0, 300),
      current: 10,
      desired: 0,
      expected: 1,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large pod policy',
      min: 1,
      max: 1000,
      scaleDown: rules(100, 60, 0, 0, 300),
      current: 10,
      desired: 0,
      expected: 1,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large percent policy',
      min: 5,
      max: 1000,
      scaleDown: rules(0, 0, 100, 60, 300),
      current: 10,
      desired: 2,
      expected: 5,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with pod policy limitation',
      min: 1,
      max: 1000,
      scaleDown: rules(5, 60, 0, 0, 300),
      current: 10,
      desired: 2,
      expected: 5,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with percent policy limitation',
      min: 1,
      max: 1000,
      scaleDown: rules(0, 0, 50, 60, 300),
      current: 10,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large pod policy and events',
      up: events([1, 5, 9], 120),
      min: 1,
      max: 200,
      scaleUp: rules(300, 60, 0, 0, 0),
      current: 100,
      desired: 500,
      expected: 200,
      reason: 'TooManyReplicas',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large percent policy and events',
      up: events([1, 5, 9], 120),
      min: 1,
      max: 200,
      scaleUp: rules(0, 0, 10000, 60, 0),
      current: 100,
      desired: 500,
      expected: 200,
      reason: 'TooManyReplicas',
    },
    {
      name: 'scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events',
      up: events([1, 5, 9], 120),
      min: 1,
      max: 1000,
      scaleUp: rules(5, 120, 0, 0, 0),
      current: 100,
      desired: 500,
      expected: 100,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with pod policy and previous scale up events',
      up: events([1, 5, 9], 120),
      min: 1,
      max: 1000,
      scaleUp: rules(150, 120, 0, 0, 0),
      current: 100,
      desired: 500,
      expected: 235,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy and previous scale up events',
      up: events([1, 5, 9], 120),
      min: 1,
      max: 1000,
      scaleUp: rules(0, 0, 200, 120, 0),
      current: 100,
      desired: 500,
      expected: 255,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy and previous scale up and down events',
      up: events([4], 120),
      down: events([2], 120),
      min: 1,
      max: 1000,
      scaleUp: rules(0, 0, 300, 300, 0),
      current: 6,
      desired: 24,
      expected: 16,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleDown with default policy and previous events',
      down: events([1, 5, 9], 120),
      min: 1,
      max: 1000,
      current: 10,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events',
      down: events([1, 5, 9], 120),
      min: 1,
      max: 1000,
      scaleDown: rules(115, 120, 0, 0, 300),
      current: 100,
      desired: 0,
      expected: 1,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large pod policy and previous events',
      down: events([1, 5, 9], 120),
      min: 5,
      max: 1000,
      scaleDown: rules(130, 120, 0, 0, 300),
      current: 100,
      desired: 0,
      expected: 5,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large percent policy and previous events',
      down: events([1, 5, 9], 120),
      min: 5,
      max: 1000,
      scaleDown: rules(0, 0, 100, 120, 300),
      current: 100,
      desired: 2,
      expected: 5,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with pod policy limitation and previous events',
      down: events([1, 5, 9], 120),
      min: 1,
      max: 1000,
      scaleDown: rules(5, 120, 0, 0, 300),
      current: 100,
      desired: 2,
      expected: 100,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with percent policy limitation and previous events',
      down: events([2, 4, 6], 120),
      min: 1,
      max: 1000,
      scaleDown: rules(0, 0, 50, 120, 300),
      current: 100,
      desired: 0,
      expected: 56,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with percent policy and previous scale up and down events',
      up: events([2], 120),
      down: events([4], 120),
      min: 1,
      max: 1000,
      scaleDown: rules(0, 0, 50, 180, 0),
      current: 10,
      desired: 1,
      expected: 6,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with previous events preventing further scale down',
      down: events([10, 10, 10], 120),
      min: 1,
      max: 1000,
      scaleDown: rules(0, 0, 10, 120, 300),
      current: 100,
      desired: 0,
      expected: 100,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with with previous events still allowing more scale down',
      down: events([10, 10, 10], 120),
      min: 1,
      max: 1000,
      scaleDown: rules(0, 0, 1000, 120, 300),
      current: 10,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check 'outdated' flag for events for one behavior for up",
      up: events([8, 12, 9, 11], 120),
      min: 1,
      max: 1000,
      scaleUp: rules(1000, 60, 0, 0, 0),
      current: 100,
      desired: 200,
      expected: 200,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check that events were not marked 'outdated' for two different policies in the behavior for up",
      up: events([8, 12, 9, 11], 120),
      min: 1,
      max: 1000,
      scaleUp: rules(1000, 120, 100, 60, 0),
      current: 100,
      desired: 200,
      expected: 200,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check that events were marked 'outdated' for two different policies in the behavior for up",
      up: events([8, 12, 9, 11], 120),
      min: 1,
      max: 1000,
      scaleUp: rules(1000, 30, 100, 60, 0),
      current: 100,
      desired: 200,
      expected: 200,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check 'outdated' flag for events for one behavior for down",
      down: events([8, 12, 9, 11], 120),
      min: 1,
      max: 1000,
      scaleDown: rules(1000, 60, 0, 0, 300),
      current: 100,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check that events were not marked 'outdated' for two different policies in the behavior for down",
      down: events([8, 12, 9, 11], 120),
      min: 1,
      max: 1000,
      scaleDown: rules(1000, 120, 100, 60, 300),
      current: 100,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check that events were marked 'outdated' for two different policies in the behavior for down",
      down: events([8, 12, 9, 11], 120),
      min: 1,
      max: 1000,
      scaleDown: rules(1000, 30, 100, 60, 300),
      current: 100,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('TestScalingWithRules/%s', (_name, c) => {
    const behavior = defaulted(c.scaleUp, c.scaleDown);
    const result = convertDesiredReplicasWithBehaviorRate(
      {
        currentReplicas: c.current,
        desiredReplicas: c.desired,
        minReplicas: c.min,
        maxReplicas: c.max,
        ...behavior,
      },
      { scaleUp: c.up ?? [], scaleDown: c.down ?? [] },
      NOW,
    );
    expect(result).toEqual({ replicas: c.expected, reason: c.reason });
  });
});

describe('horizontal_test.go: TestStoreScaleEvents', () => {
  const e = (replicaChange: number, agoSeconds: number): ScaleEvent => ({
    replicaChange,
    timestamp: NOW - agoSeconds * 1000,
  });
  const cases: {
    name: string;
    prev: ScaleEvent[];
    next: [number, boolean][];
    rules?: ScalingRules;
    change: number;
  }[] = [
    { name: 'empty entries with default behavior', prev: [], next: [], change: 0 },
    {
      name: 'empty entries with two-policy-behavior',
      prev: [],
      next: [[5, false]],
      rules: rules(10, 60, 100, 60, 0),
      change: 0,
    },
    {
      name: 'one outdated entry to be kept untouched without behavior',
      prev: [e(7, 61)],
      next: [[7, false]],
      change: 0,
    },
    {
      name: 'one outdated entry to be replaced with behavior',
      prev: [e(7, 61)],
      next: [[5, false]],
      rules: rules(10, 60, 100, 60, 0),
      change: 0,
    },
    {
      name: 'one actual entry to be not touched with behavior',
      prev: [e(7, 58)],
      next: [
        [7, false],
        [5, false],
      ],
      rules: rules(10, 60, 100, 60, 0),
      change: 7,
    },
    {
      name: 'two entries, one of them to be replaced',
      prev: [e(7, 61), e(6, 59)],
      next: [
        [5, false],
        [6, false],
      ],
      rules: rules(10, 60, 0, 0, 0),
      change: 6,
    },
    {
      name: 'replace one entry, use policies with different periods',
      prev: [e(8, 29), e(6, 59), e(7, 61), e(9, 61)],
      next: [
        [8, false],
        [6, false],
        [7, true],
        [5, false],
      ],
      rules: rules(10, 60, 100, 30, 0),
      change: 14,
    },
    {
      name: 'two entries, both actual',
      prev: [e(7, 58), e(6, 59)],
      next: [
        [7, false],
        [6, false],
        [5, false],
      ],
      rules: rules(10, 120, 100, 30, 0),
      change: 13,
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('TestStoreScaleEvents/%s', (_name, c) => {
    for (const direction of ['up', 'down'] as const) {
      expect(replicasChangePerPeriod(60, c.prev, NOW)).toBe(c.change);
      const behavior =
        c.rules === undefined
          ? undefined
          : direction === 'up'
            ? defaulted(c.rules, undefined)
            : defaulted(undefined, c.rules);
      const start = {
        scaleUp: direction === 'up' ? c.prev : [],
        scaleDown: direction === 'down' ? c.prev : [],
      };
      const stored = recordScaleEvent(start, behavior, 10, direction === 'up' ? 15 : 5, NOW);
      const list = direction === 'up' ? stored.scaleUp : stored.scaleDown;
      expect(list.map((ev) => [ev.replicaChange, ev.outdated ?? false])).toEqual(c.next);
    }
  });
});
