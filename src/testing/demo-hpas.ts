/**
 * The demo cluster's HorizontalPodAutoscalers (docs/hpa.md "Demo HPAs"): two that work and one that
 * is stuck for a reason `kubemetrics hpa explain` shows at once.
 *
 * - `frontend`: CPU utilization and memory average value over a Deployment whose pods request CPU.
 * - `api-requests`: the `http_requests` Pods metric, served by the metrics API server.
 * - `reports`: CPU utilization over a Deployment where a container requests no CPU. The controller
 *   cannot compute a utilization (replica_calculator.go calculateRequests: "missing request for
 *   cpu in container X of Pod Y"), so it sets ScalingActive=False/FailedGetResourceMetric, leaves an
 *   empty currentMetrics entry and desiredReplicas 0 (never computed), and records Warning events —
 *   what `kubectl describe hpa` shows for such an HPA.
 */
import type { Deployment, Event, HorizontalPodAutoscaler, Pod, PodMetrics } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { hpaFor, settledTargets, type HpaFixture, type HpaTarget } from './fixture-hpas.js';
import { SeededRandom } from './seeded-random.js';
import { deterministicUid } from './store.js';

/** The names of the demo's HPAs, by role. */
export const DEMO_HPAS = { cpu: 'frontend', custom: 'api-requests', stuck: 'reports' } as const;

const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export interface DemoHpaFixture extends HpaFixture {
  /** The stuck HPA's Warning events. */
  events: Event[];
}

function fail(message: string): never {
  throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', `demo HPAs: ${message}`);
}

/** The first counted container of the target's pods without a CPU request, and its pod. */
function missingCpuRequest(target: HpaTarget): { container: string; pod: string } | undefined {
  for (const pod of target.pods) {
    const counted = [
      ...pod.spec.containers,
      ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
    ];
    const bare = counted.find((c) => c.resources?.requests?.['cpu'] === undefined);
    if (bare !== undefined) return { container: bare.name, pod: pod.metadata.name ?? '' };
  }
  return undefined;
}

export function demoHpas(input: {
  readonly pods: readonly Pod[];
  readonly podMetrics: readonly PodMetrics[];
  readonly deployments: readonly Deployment[];
  readonly now: number;
  readonly seed: number;
}): DemoHpaFixture {
  const { now } = input;
  const rng = new SeededRandom(input.seed + 0x485041);
  const targets = settledTargets(input.deployments, input.pods, input.podMetrics, now);
  const out: DemoHpaFixture = {
    horizontalPodAutoscalers: [],
    customMetrics: [],
    externalMetrics: [],
    events: [],
  };
  const used = new Set<HpaTarget>();
  const take = (want: (t: HpaTarget) => boolean, what: string): HpaTarget => {
    const found = targets.find((t) => !used.has(t) && want(t));
    if (found === undefined) fail(`the demo cluster has no Deployment with ${what}`);
    used.add(found);
    return found;
  };
  const cpu = take((t) => t.cpuRequests && t.pods.length >= 2, 'CPU requests on every container');
  const custom = take((t) => t.pods.length >= 3, 'three ready pods');
  const stuck = take((t) => missingCpuRequest(t) !== undefined, 'a container without a CPU request');
  out.horizontalPodAutoscalers.push(hpaFor(cpu, 'cpu+memory', rng, now, out, DEMO_HPAS.cpu));
  out.horizontalPodAutoscalers.push(hpaFor(custom, 'pods', rng, now, out, DEMO_HPAS.custom));
  out.horizontalPodAutoscalers.push(stuckHpa(stuck, now, out.events));
  return out;
}

function stuckHpa(target: HpaTarget, now: number, events: Event[]): HorizontalPodAutoscaler {
  const namespace = target.deployment.metadata.namespace ?? 'default';
  const name = DEMO_HPAS.stuck;
  const missing = missingCpuRequest(target)!;
  // The error chain as the controller formats it (replica_calculator.go, horizontal.go).
  const error = `failed to get cpu utilization: missing request for cpu in container ${missing.container} of Pod ${missing.pod}`;
  const created = now - 20 * 60_000;
  const uid = deterministicUid('HorizontalPodAutoscaler', namespace, name);
  const involvedObject = {
    kind: 'HorizontalPodAutoscaler',
    namespace,
    name,
    uid,
    apiVersion: 'autoscaling/v2',
  };
  // One sync every 15 s since creation, each recording both events (the recorder aggregates counts).
  const count = Math.floor((now - created) / 15_000);
  const event = (reason: string, message: string, suffix: string): Event =>
    ({
      metadata: { name: `${name}.${suffix}`, namespace, creationTimestamp: iso(created + 15_000) },
      involvedObject,
      reason,
      message,
      type: 'Warning',
      count,
      firstTimestamp: iso(created + 15_000),
      lastTimestamp: iso(created + count * 15_000),
      source: { component: 'horizontal-pod-autoscaler' },
      reportingComponent: 'horizontal-pod-autoscaler',
    }) as Event;
  events.push(
    event('FailedGetResourceMetric', error, '18a2b3c4d5e6f701'),
    event(
      'FailedComputeMetricsReplicas',
      `invalid metrics (1 invalid out of 1), first error is: ${error}`,
      '18a2b3c4d5e6f702',
    ),
  );
  const transition = iso(created + 15_000);
  return {
    metadata: { name, namespace, uid, generation: 1, creationTimestamp: iso(created) },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: target.deployment.metadata.name ?? '',
      },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
    status: {
      observedGeneration: 1,
      currentReplicas: target.pods.length,
      desiredReplicas: 0,
      currentMetrics: [{ type: '' }],
      conditions: [
        {
          type: 'AbleToScale',
          status: 'True',
          lastTransitionTime: transition,
          reason: 'SucceededGetScale',
          message: "the HPA controller was able to get the target's current scale",
        },
        {
          type: 'ScalingActive',
          status: 'False',
          lastTransitionTime: transition,
          reason: 'FailedGetResourceMetric',
          message: `the HPA was unable to compute the replica count: ${error}`,
        },
      ],
    },
  };
}
