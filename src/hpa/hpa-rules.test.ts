/**
 * The rules upstream's tests cover thinly: pod-level resources (KEP-2837) and RuntimeClass overhead,
 * sidecar (restartable init) containers, per-HPA tolerance (KEP-4951), every pod unready, missing
 * metrics on a scale-down, what one look cannot know about `behavior` (the range), and the
 * conversions from wire objects.
 */
import { describe, expect, it } from 'vitest';
import {
  compareWithStatus,
  decideHpa,
  desiredReplicas,
  goDurationMs,
  hpaPodFromPod,
  podRequest,
  resourceUtilizationReplicas,
  samplesFromPodMetrics,
  type HorizontalPodAutoscalerSpec,
  type HpaDecision,
  type HpaInputs,
  type HpaPod,
  type PodSample,
} from './index.js';
import { KubemetricsError } from '../errors.js';
import type { Pod } from '../api/index.js';

const NOW = Date.parse('2026-03-01T10:00:00Z');
const OLD = NOW - 3_600_000;
const TOL = { scaleDown: 0.1, scaleUp: 0.1 };
const OPTIONS = {
  cpuInitializationPeriodMs: 300_000,
  initialReadinessDelayMs: 30_000,
  podLevelResources: true,
};

function pod(name: string, fields: Partial<HpaPod> = {}): HpaPod {
  return {
    name,
    phase: 'Running',
    startTime: OLD,
    ready: { status: 'True', lastTransitionTime: OLD },
    containers: [{ name: 'app', requests: { cpu: '500m' } }],
    ...fields,
  };
}
const sample = (name: string, milli: number): PodSample => ({
  pod: name,
  milli: BigInt(milli),
  timestamp: NOW - 5_000,
  windowMs: 30_000,
});

describe('requests: pod-level resources and overhead', () => {
  const p = pod('p', {
    podRequests: { cpu: '1', memory: '1Gi' },
    overhead: { cpu: '250m' },
    containers: [{ name: 'app', requests: { cpu: '100m' } }, { name: 'log' }],
  });
  it('uses the pod-level request plus RuntimeClass overhead, like PodRequests', () => {
    expect(podRequest(p, 'cpu', undefined, true)).toEqual({ ok: true, milli: 1250n, source: 'pod-level' });
  });
  it('ignores pod-level requests when the feature gate is off (and then a container without a request fails)', () => {
    expect(podRequest(p, 'cpu', undefined, false)).toEqual({
      ok: false,
      message: 'missing request for cpu in container log of Pod p',
    });
  });
  it('a named container wins over pod-level requests', () => {
    expect(podRequest(p, 'cpu', 'app', true)).toEqual({ ok: true, milli: 100n, source: 'container' });
  });
  it('pod-level memory only: CPU comes from the container aggregate, raised to the init-container peak', () => {
    const q = pod('q', {
      podRequests: { memory: '1Gi' },
      containers: [{ name: 'app', requests: { cpu: '200m' } }],
      initContainers: [{ name: 'migrate', requests: { cpu: '700m' } }],
    });
    expect(podRequest(q, 'cpu', undefined, true)).toEqual({ ok: true, milli: 700n, source: 'pod-level' });
  });
  it('drives utilization: 600m used of a 1250m pod-level request is 48 %', () => {
    const result = resourceUtilizationReplicas({
      currentReplicas: 1,
      pods: [p],
      samples: [sample('p', 600)],
      now: NOW,
      tolerances: TOL,
      options: OPTIONS,
      resource: 'cpu',
      targetUtilization: 50,
    });
    expect(result).toMatchObject({ ok: true, utilization: 48, replicas: 1, withinTolerance: true });
  });
});

describe('requests: sidecars (restartable init containers)', () => {
  const p = pod('p', {
    containers: [{ name: 'app', requests: { cpu: '300m' } }],
    initContainers: [
      { name: 'init', requests: { cpu: '2' } },
      { name: 'proxy', requests: { cpu: '100m' }, restartPolicy: 'Always' },
    ],
  });
  it('counts sidecars with the containers and leaves regular init containers out', () => {
    expect(podRequest(p, 'cpu', undefined, true)).toEqual({ ok: true, milli: 400n, source: 'containers' });
  });
  it('a ContainerResource metric may name the sidecar', () => {
    expect(podRequest(p, 'cpu', 'proxy', true)).toEqual({ ok: true, milli: 100n, source: 'container' });
  });
  it('a sidecar without a request fails the metric, naming it', () => {
    const q = pod('q', { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] });
    expect(podRequest(q, 'cpu', undefined, true)).toEqual({
      ok: false,
      message: 'missing request for cpu in container proxy of Pod q',
    });
  });
});

function spec(extra: Partial<HorizontalPodAutoscalerSpec> = {}): HorizontalPodAutoscalerSpec {
  return {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
      },
    ],
    ...extra,
  };
}
const pods3 = [pod('a'), pod('b'), pod('c')];
/** Three replicas of `web`, last rescaled long ago; each test overrides what it is about. */
const decide = (fields: Partial<HpaInputs>): HpaDecision =>
  decideHpa({
    spec: spec(),
    scale: { specReplicas: 3, statusReplicas: 3 },
    pods: pods3,
    metrics: [],
    now: NOW,
    lastScaleTime: OLD,
    ...fields,
  });
// 268m of 500m = 53 %: a 7 % excess, inside the default 10 % band.
const slightlyHot = { samples: [sample('a', 268), sample('b', 268), sample('c', 268)] };

describe('per-HPA tolerance (behavior.scaleUp/scaleDown.tolerance)', () => {
  it('the default 10 % band keeps 3 replicas at 53 % of a 50 % target', () => {
    const d = decide({
      metrics: [slightlyHot],
    });
    expect(d.metrics[0]?.proposedReplicas).toBe(3);
    expect(d.tolerances).toEqual(TOL);
  });
  it('a 5 % scale-up tolerance scales to 4', () => {
    const d = decide({
      spec: spec({ behavior: { scaleUp: { tolerance: '0.05' } } }),
      scale: { specReplicas: 3, statusReplicas: 3 },
      pods: pods3,
      metrics: [slightlyHot],
      now: NOW,
      lastScaleTime: OLD,
    });
    expect(d.tolerances).toEqual({ scaleDown: 0.1, scaleUp: 0.05 });
    expect(d.metrics[0]?.proposedReplicas).toBe(4);
    expect(d.desiredReplicas).toBe(4);
  });
  it('is ignored when the HPAConfigurableTolerance gate is off', () => {
    const d = decide({
      spec: spec({ behavior: { scaleUp: { tolerance: '0.05' } } }),
      scale: { specReplicas: 3, statusReplicas: 3 },
      pods: pods3,
      metrics: [slightlyHot],
      now: NOW,
      options: { configurableTolerance: false },
      lastScaleTime: OLD,
    });
    expect(d.metrics[0]?.proposedReplicas).toBe(3);
  });
  it('a negative tolerance is a clear input error', () => {
    const bad = (): unknown =>
      decide({
        spec: spec({ behavior: { scaleDown: { tolerance: '-0.1' } } }),
        scale: { specReplicas: 3, statusReplicas: 3 },
        pods: pods3,
        metrics: [slightlyHot],
        now: NOW,
      });
    expect(bad).toThrow(KubemetricsError);
    expect(bad).toThrow(/spec.behavior.scaleDown.tolerance must not be negative/);
  });
});

describe('every pod unready', () => {
  const starting = ['a', 'b', 'c'].map((n) =>
    pod(n, { startTime: NOW - 60_000, ready: { status: 'False', lastTransitionTime: NOW - 60_000 } }),
  );
  const hot = { samples: ['a', 'b', 'c'].map((n) => sample(n, 900)) };
  it('CPU: no counted pod → the metric fails with the controller message and each pod says why', () => {
    const d = decide({
      pods: starting,
      metrics: [hot],
    });
    expect(d.metrics[0]?.error).toEqual({
      reason: 'FailedGetResourceMetric',
      message: 'did not receive metrics for targeted pods (pods might be unready)',
    });
    expect(d.metrics[0]?.pods?.map((p) => [p.pod, p.group, p.reason])).toEqual([
      ['a', 'unready', 'NotReadyDuringCpuInitialization'],
      ['b', 'unready', 'NotReadyDuringCpuInitialization'],
      ['c', 'unready', 'NotReadyDuringCpuInitialization'],
    ]);
    expect(d.recommendation?.blocked).toBe('all-metrics-invalid');
    expect(d.desiredReplicas).toBeUndefined();
    expect(d.summary).toMatch(/cannot compute/);
  });
  it('a Pods metric does not apply the CPU readiness rules: the same pods count', () => {
    const d = decide({
      spec: spec({
        metrics: [
          {
            type: 'Pods',
            pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '300m' } },
          },
        ],
      }),
      scale: { specReplicas: 3, statusReplicas: 3 },
      pods: starting,
      metrics: [hot],
      now: NOW,
      lastScaleTime: OLD,
    });
    expect(d.metrics[0]?.proposedReplicas).toBe(9);
  });
});

describe('missing metrics on a scale-down, and the second pass', () => {
  const pods4 = [pod('a'), pod('b'), pod('c'), pod('d')];
  it('a pod without a sample counts at its full request on a scale-down (and the explanation shows it)', () => {
    const result = resourceUtilizationReplicas({
      currentReplicas: 4,
      pods: pods4,
      samples: [sample('a', 50), sample('b', 50), sample('c', 50)],
      now: NOW,
      tolerances: TOL,
      options: OPTIONS,
      resource: 'cpu',
      targetUtilization: 50,
    });
    // First pass 150m / 1500m = 10 % → ratio 0.2; second pass (150 + 500) / 2000 = 32 % → 0.64 → ceil(2.56) = 3.
    expect(result).toMatchObject({ ok: true, replicas: 3, utilization: 10, usageRatio: 0.2 });
    if (!result.ok) return;
    expect(result.secondPass).toEqual({
      missingFilledWith: 'request',
      unreadyCountedAtZero: false,
      usageRatio: 0.64,
      consideredValues: 4,
      proposal: 3,
    });
    expect(result.pods.find((p) => p.pod === 'd')).toMatchObject({
      group: 'missing',
      reason: 'MissingMetrics',
      secondPassMilli: 500n,
      requestMilli: 500n,
    });
  });
  it('a scale-down that the filled-in pods turn into a scale-up is cancelled', () => {
    const result = resourceUtilizationReplicas({
      currentReplicas: 2,
      pods: [pod('a'), pod('b', { containers: [{ name: 'app', requests: { cpu: '4' } }] })],
      samples: [sample('a', 200)],
      now: NOW,
      tolerances: TOL,
      options: OPTIONS,
      resource: 'cpu',
      targetUtilization: 50,
    });
    // 200m of 500m = 40 % → 0.8; with b at its 4000m request: 4200 / 4500 = 93 % → 1.86: direction changed.
    expect(result).toMatchObject({
      ok: true,
      replicas: 2,
      secondPass: { cancelled: 'direction-changed', missingFilledWith: 'request' },
    });
  });
});

describe('behavior that one look cannot know: desiredReplicas ranges', () => {
  const base = {
    minReplicas: 1,
    maxReplicas: 6,
    downscaleStabilizationSeconds: 300,
    now: NOW,
    behavior: undefined,
  };
  it('no behavior, history unknown: the downscale window may hold the count anywhere up to the step limit', () => {
    const d = desiredReplicas({ ...base, currentReplicas: 5, recommendation: 3 });
    expect(d.exact).toBe(false);
    expect([d.min.replicas, d.max.replicas]).toEqual([3, 6]);
    expect(d.unknowns[0]).toMatch(/last 300s/);
  });
  const watched = (completeSince: number) => ({
    recommendations: [{ replicas: 4, timestamp: NOW - 60_000 }],
    scaleUpEvents: [],
    scaleDownEvents: [],
    completeSince,
  });
  it('a watcher whose history covers the window makes it exact', () => {
    const d = desiredReplicas({
      ...base,
      currentReplicas: 5,
      recommendation: 3,
      memory: watched(NOW - 301_000),
    });
    expect(d).toMatchObject({ exact: true, min: { replicas: 4 }, max: { replicas: 4 }, unknowns: [] });
  });
  it('a watcher that started inside the window narrows the lower end only', () => {
    const d = desiredReplicas({
      ...base,
      currentReplicas: 5,
      recommendation: 3,
      memory: watched(NOW - 120_000),
    });
    expect([d.exact, d.min.replicas, d.max.replicas]).toEqual([false, 4, 6]);
  });
  const behavior = {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max' as const,
      policies: [{ type: 'Pods' as const, value: 2, periodSeconds: 60 }],
    },
    scaleDown: {
      stabilizationWindowSeconds: 300,
      selectPolicy: 'Max' as const,
      policies: [{ type: 'Percent' as const, value: 100, periodSeconds: 15 }],
    },
  };
  it('behavior, scale-down: between the proposal and the current count', () => {
    const d = desiredReplicas({
      ...base,
      behavior,
      currentReplicas: 5,
      recommendation: 3,
      lastScaleTime: OLD,
    });
    expect([d.min.replicas, d.max.replicas]).toEqual([3, 5]);
  });
  it('behavior, scale-up with a recent rescale: the policy budget may be used up', () => {
    const d = desiredReplicas({
      ...base,
      behavior,
      currentReplicas: 2,
      recommendation: 6,
      lastScaleTime: NOW - 10_000,
    });
    expect([d.min.replicas, d.max.replicas]).toEqual([2, 6]);
    expect(d.unknowns.join(' ')).toMatch(/scale-up events/);
  });
  it('behavior, scale-up, last rescale older than every policy period: exact (2 pods per minute)', () => {
    const d = desiredReplicas({
      ...base,
      behavior,
      currentReplicas: 2,
      recommendation: 6,
      lastScaleTime: NOW - 61_000,
    });
    expect(d).toMatchObject({ exact: true, min: { replicas: 4, limitReason: 'ScaleUpLimit' } });
  });
});

describe('inputs from wire objects', () => {
  it('hpaPodFromPod reads phase, deletion, start time, the Ready condition and sidecars', () => {
    const wire: Pod = {
      metadata: { name: 'web-1', deletionTimestamp: '2026-03-01T09:59:00Z' },
      spec: {
        containers: [{ name: 'app', resources: { requests: { cpu: '250m' } } }],
        initContainers: [{ name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } }],
      },
      status: {
        phase: 'Running',
        startTime: '2026-03-01T09:00:00Z',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-03-01T09:00:30Z' }],
      },
    };
    const p = hpaPodFromPod(wire);
    expect(p).toMatchObject({
      name: 'web-1',
      phase: 'Running',
      deleting: true,
      startTime: Date.parse('2026-03-01T09:00:00Z'),
      ready: { status: 'True', lastTransitionTime: Date.parse('2026-03-01T09:00:30Z') },
    });
    expect(podRequest(p, 'cpu', undefined, true)).toEqual({ ok: true, milli: 300n, source: 'containers' });
  });
  it('a malformed time names the field', () => {
    expect(() =>
      hpaPodFromPod({
        metadata: { name: 'x' },
        spec: { containers: [] },
        status: { startTime: 'yesterday' },
      }),
    ).toThrow(/pod x status.startTime is not an RFC 3339 time/);
  });
  it('samplesFromPodMetrics sums containers, picks a named one, and says why a pod has none', () => {
    const items = [
      {
        metadata: { name: 'a' },
        timestamp: '2026-03-01T10:00:00Z',
        window: '30s',
        containers: [
          { name: 'app', usage: { cpu: '100m' } },
          { name: 'proxy', usage: { cpu: '20m' } },
        ],
      },
      {
        metadata: { name: 'b' },
        timestamp: '2026-03-01T10:00:00Z',
        window: '1m0s',
        containers: [{ name: 'app', usage: { memory: '1Mi' } }],
      },
    ];
    expect(samplesFromPodMetrics(items, 'cpu')).toEqual({
      samples: [{ pod: 'a', milli: 120n, timestamp: Date.parse('2026-03-01T10:00:00Z'), windowMs: 30_000 }],
      skipped: [{ pod: 'b', reason: 'container app has no cpu usage' }],
    });
    expect(samplesFromPodMetrics(items, 'cpu', 'proxy').skipped).toEqual([
      { pod: 'b', reason: 'container proxy not present in its metrics' },
    ]);
  });
  it('goDurationMs reads the metrics API window format', () => {
    expect([
      goDurationMs('30s'),
      goDurationMs('1m0s'),
      goDurationMs('20.033s'),
      goDurationMs('1h2m'),
      goDurationMs('0'),
    ]).toEqual([30_000, 60_000, 20_033, 3_720_000, 0]);
    expect(() => goDurationMs('soon')).toThrow(/not a Go duration/);
  });
});

describe('bad input is named, never a silent zero', () => {
  it('maxReplicas below 1', () => {
    expect(() =>
      decide({ spec: spec({ maxReplicas: 0 }), scale: { specReplicas: 1, statusReplicas: 1 }, pods: [] }),
    ).toThrow(/HPA spec.maxReplicas must be an integer >= 1/);
  });
  it('one observation per metric', () => {
    expect(() =>
      decide({
        metrics: [],
      }),
    ).toThrow(/1 metric\(s\) in the HPA spec but 0 observation\(s\) given/);
  });
  it('a spec without metrics gets the API default (CPU at 80 %)', () => {
    const d = decide({ spec: spec({ metrics: [] }), metrics: [slightlyHot] });
    expect(d.metrics[0]).toMatchObject({
      type: 'Resource',
      name: 'cpu',
      targetType: 'Utilization',
      target: 80,
    });
  });
});

describe('agreement with the HPA status', () => {
  it('an exact replay agrees only with the same count', () => {
    const d = decide({
      metrics: [slightlyHot],
      memory: { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] },
    });
    expect(compareWithStatus(d, { desiredReplicas: 3 })).toEqual({
      agrees: true,
      reason: 'status.desiredReplicas 3, replayed 3',
    });
    expect(compareWithStatus(d, { desiredReplicas: 4 }).agrees).toBe(false);
  });
  it('a range agrees with any count inside it', () => {
    const d = decide({
      spec: spec({ minReplicas: 1 }),
      metrics: [{ samples: [sample('a', 50), sample('b', 50), sample('c', 50)] }],
    });
    expect(d.desiredReplicasRange).toEqual({ min: 1, max: 6 });
    expect(compareWithStatus(d, { desiredReplicas: 3 })).toEqual({
      agrees: true,
      reason: 'status.desiredReplicas 3 is inside the replayed range 1..6',
    });
    expect(compareWithStatus(d, { desiredReplicas: 7 }).agrees).toBe(false);
  });
  it('when no metric can be computed, it compares the ScalingActive condition', () => {
    const d = decide({ metrics: [{ error: 'the server is currently unable to handle the request' }] });
    const failing = { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric' };
    expect(compareWithStatus(d, { desiredReplicas: 3, conditions: [failing] }).agrees).toBe(true);
    expect(
      compareWithStatus(d, {
        desiredReplicas: 3,
        conditions: [{ ...failing, status: 'True', reason: 'ValidMetricFound' }],
      }).agrees,
    ).toBe(false);
    expect(compareWithStatus(d, { desiredReplicas: 3 }).agrees).toBeUndefined();
  });
});
