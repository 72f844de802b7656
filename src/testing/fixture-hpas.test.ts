/**
 * The fixture's HPAs against the HPA calculation (src/hpa, checked against the controller's own unit
 * tests): the status the fixture writes (fixture-hpa-status.ts, an independent implementation of
 * the first pass) must be what a replay of the controller's decision over the same pods and metric
 * values agrees with.
 */
import { describe, expect, it } from 'vitest';
import { labelSelectorFromWire, type HorizontalPodAutoscaler, type MetricSpec } from '../api/index.js';
import {
  compareWithStatus,
  decideHpa,
  hpaPodFromPod,
  samplesFromPodMetrics,
  type MetricObservation,
} from '../hpa/index.js';
import { parseQuantity } from '../quantity/index.js';
import { buildCluster } from './fixtures.js';
import { demoCluster } from './fixtures.js';
import { DEMO_HPAS } from './demo-hpas.js';
import type { ClusterFixture } from './fixtures.js';

const NOW = '2025-06-01T12:00:00Z';
const fixture = buildCluster({ nodes: 30, podsPerNode: 30, seed: 3, hpas: 60, now: NOW });

function observations(
  f: ClusterFixture,
  namespace: string,
  podNames: Set<string>,
  spec: MetricSpec,
): MetricObservation {
  const now = Date.parse(NOW);
  const podMetrics = f.podMetrics.filter(
    (m) => m.metadata.namespace === namespace && podNames.has(m.metadata.name!),
  );
  switch (spec.type) {
    case 'Resource':
      return { samples: samplesFromPodMetrics(podMetrics, spec.resource!.name).samples };
    case 'ContainerResource':
      return {
        samples: samplesFromPodMetrics(
          podMetrics,
          spec.containerResource!.name,
          spec.containerResource!.container,
        ).samples,
      };
    case 'Pods':
      return {
        samples: f.customMetrics
          .filter((m) => m.namespace === namespace && m.groupResource === 'pods' && podNames.has(m.name))
          .map((m) => ({
            pod: m.name,
            milli: parseQuantity(m.value).milliValue(),
            timestamp: now,
            windowMs: 0,
          })),
      };
    case 'Object':
      return {
        values: f.customMetrics
          .filter(
            (m) =>
              m.namespace === namespace &&
              m.groupResource === 'ingresses.networking.k8s.io' &&
              m.name === spec.object!.describedObject.name,
          )
          .map((m) => parseQuantity(m.value).milliValue()),
      };
    default: {
      const selector = labelSelectorFromWire(spec.external!.metric.selector ?? {});
      return {
        values: f.externalMetrics
          .filter((m) => m.namespace === namespace && selector.matches(m.labels))
          .map((m) => parseQuantity(m.value).milliValue()),
      };
    }
  }
}

/** The controller's replay of one fixture HPA: its target, the pods its selector matches, the decision. */
function replay(f: ClusterFixture, hpa: HorizontalPodAutoscaler) {
  const namespace = hpa.metadata.namespace!;
  const target = f.deployments.find(
    (d) => d.metadata.namespace === namespace && d.metadata.name === hpa.spec.scaleTargetRef.name,
  )!;
  const selector = labelSelectorFromWire(target.spec.selector);
  const pods = f.pods.filter(
    (p) => p.metadata.namespace === namespace && selector.matches(p.metadata.labels),
  );
  const names = new Set(pods.map((p) => p.metadata.name!));
  const decision = decideHpa({
    spec: hpa.spec,
    scale: { specReplicas: target.spec.replicas!, statusReplicas: target.status!.replicas! },
    pods: pods.map(hpaPodFromPod),
    metrics: hpa.spec.metrics!.map((m) => observations(f, namespace, names, m)),
    now: Date.parse(NOW),
  });
  return { pods, decision, where: `${namespace}/${hpa.metadata.name}` };
}

describe('buildCluster({ hpas })', () => {
  it('covers every autoscaling/v2 metric source and target type', () => {
    const kinds = new Set(
      fixture.horizontalPodAutoscalers.flatMap((h) =>
        (h.spec.metrics ?? []).map(
          (m) =>
            `${m.type}/${(m.resource ?? m.containerResource ?? m.pods ?? m.object ?? m.external)!.target.type}`,
        ),
      ),
    );
    expect([...kinds].sort()).toEqual([
      'ContainerResource/Utilization',
      'External/AverageValue',
      'External/Value',
      'Object/AverageValue',
      'Object/Value',
      'Pods/AverageValue',
      'Resource/AverageValue',
      'Resource/Utilization',
    ]);
    const limits = new Set(
      fixture.horizontalPodAutoscalers.map(
        (h) => h.status!.conditions!.find((c) => c.type === 'ScalingLimited')!.reason,
      ),
    );
    expect([...limits].sort()).toEqual(['DesiredWithinRange', 'TooFewReplicas', 'TooManyReplicas']);
  });

  it('leaves the rest of the fixture unchanged, and is deterministic', () => {
    const without = buildCluster({ nodes: 30, podsPerNode: 30, seed: 3, now: NOW });
    expect(without.pods).toEqual(fixture.pods);
    expect(without.horizontalPodAutoscalers).toEqual([]);
    expect(
      buildCluster({ nodes: 30, podsPerNode: 30, seed: 3, hpas: 60, now: NOW }).horizontalPodAutoscalers,
    ).toEqual(fixture.horizontalPodAutoscalers);
  });

  it('says how many Deployments qualify when asked for too many HPAs', () => {
    expect(() => buildCluster({ nodes: 2, podsPerNode: 10, hpas: 500, now: NOW })).toThrow(
      /buildCluster: hpas: 500 HPAs asked for, but only \d+ Deployments have all their pods Running, Ready and with metrics/,
    );
  });

  it('writes statuses a replay of the controller agrees with (replica_calculator.go, horizontal.go)', () => {
    for (const hpa of fixture.horizontalPodAutoscalers) {
      const { pods, decision, where } = replay(fixture, hpa);
      expect(compareWithStatus(decision, hpa.status!).agrees, where).toBe(true);
      expect(hpa.status!.currentReplicas, where).toBe(pods.length);
      // ScalingLimited says which way the recommendation points; the replay must point the same way.
      const limited = hpa.status!.conditions!.find((c) => c.type === 'ScalingLimited')!.reason;
      const recommended = decision.recommendedReplicas!;
      const direction =
        recommended > pods.length
          ? 'TooManyReplicas'
          : recommended < pods.length
            ? 'TooFewReplicas'
            : 'DesiredWithinRange';
      expect(limited, where).toBe(direction);
      for (const proposal of decision.metrics) expect(proposal.error, where).toBeUndefined();
    }
  });
});

describe('demoCluster HPAs', () => {
  const demo = demoCluster({ now: new Date(NOW) });
  it('has the documented names, the stuck one failing for a missing CPU request', () => {
    expect(demo.horizontalPodAutoscalers.map((h) => h.metadata.name)).toEqual([
      DEMO_HPAS.cpu,
      DEMO_HPAS.custom,
      DEMO_HPAS.stuck,
    ]);
    const stuck = demo.horizontalPodAutoscalers[2]!;
    const { decision } = replay(demo, stuck);
    expect(decision.metrics[0]!.error?.reason).toBe('FailedGetResourceMetric');
    const active = stuck.status!.conditions!.find((c) => c.type === 'ScalingActive')!;
    expect(active.message).toBe(
      `the HPA was unable to compute the replica count: failed to get cpu utilization: ${decision.metrics[0]!.error!.message.replace(/^failed to get cpu utilization: /, '')}`,
    );
    expect(compareWithStatus(decision, stuck.status!).agrees).toBe(true);
    expect(demo.events?.map((e) => e.reason)).toEqual([
      'FailedGetResourceMetric',
      'FailedComputeMetricsReplicas',
    ]);
  });
});
