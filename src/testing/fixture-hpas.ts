/**
 * HorizontalPodAutoscalers over a fixture's Deployments, of every autoscaling/v2 metric type —
 * Resource (Utilization and AverageValue), ContainerResource, Pods, Object (Value and AverageValue),
 * External (Value and AverageValue, with a metricSelector) — with the values the custom and external
 * metrics APIs must serve for them, and the status the controller would have written
 * (fixture-hpa-status.ts). Targets are drawn around the observed values so that most HPAs sit
 * inside the tolerance band and some are held at maxReplicas or minReplicas; every HPA's
 * desiredReplicas is its target's current count, as its pods are.
 */
import {
  labelSelectorFromWire,
  type Deployment,
  type HorizontalPodAutoscaler,
  type MetricSpec,
  type Pod,
  type PodMetrics,
} from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { Quantity } from '../quantity/index.js';
import { metricOutcome, steadyConditions, type MetricInputs } from './fixture-hpa-status.js';
import { SeededRandom } from './seeded-random.js';

/** One custom metric value (custom.metrics.k8s.io), in the memory provider's entry shape. */
export interface FixtureCustomMetric {
  /** `pods`, or `<resource>.<group>` such as `ingresses.networking.k8s.io`. */
  groupResource: string;
  namespace: string;
  name: string;
  metric: string;
  /** Quantity text. */
  value: string;
  labels?: Record<string, string>;
}

/** One series of an external metric (external.metrics.k8s.io), visible in `namespace` only. */
export interface FixtureExternalMetric {
  metric: string;
  namespace: string;
  labels: Record<string, string>;
  value: string;
}

export interface HpaFixture {
  horizontalPodAutoscalers: HorizontalPodAutoscaler[];
  customMetrics: FixtureCustomMetric[];
  externalMetrics: FixtureExternalMetric[];
}

/** The metric names the fixture's HPAs use, for docs and tests. */
export const FIXTURE_METRICS = {
  pods: 'http_requests',
  object: 'requests_per_second',
  external: 'queue_messages_ready',
} as const;

/** Pods this much older than `now` are past the controller's CPU initialization period (5 min). */
const SETTLED_MS = 10 * 60_000;

const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const milliOf = (text: string | undefined): bigint =>
  text === undefined ? 0n : Quantity.parse(text).milliValue();

/** A Deployment with its selected pods and their PodMetrics (same order). */
export interface HpaTarget {
  readonly deployment: Deployment;
  readonly pods: readonly Pod[];
  readonly metrics: readonly PodMetrics[];
  /** Every container and sidecar of every pod requests CPU (and no pod-level resources). */
  readonly cpuRequests: boolean;
}

const ready = (pod: Pod): boolean =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** Containers whose requests the controller adds up: regular ones and restartable init containers. */
const countedContainers = (pod: Pod) => [
  ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ...pod.spec.containers,
];

/** Deployments whose pods are all Running, Ready past the CPU initialization period, and sampled. */
export function settledTargets(
  deployments: readonly Deployment[],
  pods: readonly Pod[],
  podMetrics: readonly PodMetrics[],
  now: number,
): HpaTarget[] {
  const metricsByPod = new Map(podMetrics.map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, m]));
  const byInstance = new Map<string, Pod[]>();
  for (const pod of pods) {
    const key = `${pod.metadata.namespace}/${pod.metadata.labels?.['app.kubernetes.io/instance'] ?? ''}`;
    const list = byInstance.get(key);
    if (list === undefined) byInstance.set(key, [pod]);
    else list.push(pod);
  }
  const targets: HpaTarget[] = [];
  for (const deployment of deployments) {
    const { namespace, name } = deployment.metadata;
    const selector = labelSelectorFromWire(deployment.spec.selector);
    const instance = deployment.spec.selector.matchLabels?.['app.kubernetes.io/instance'] ?? '';
    const selected = (byInstance.get(`${namespace}/${instance}`) ?? []).filter((p) =>
      selector.matches(p.metadata.labels),
    );
    const metrics = selected.map((p) => metricsByPod.get(`${namespace}/${p.metadata.name}`));
    const settled = selected.every(
      (p, i) =>
        p.status?.phase === 'Running' &&
        ready(p) &&
        p.status.startTime !== undefined &&
        Date.parse(p.status.startTime) < now - SETTLED_MS &&
        metrics[i] !== undefined,
    );
    if (selected.length === 0 || !settled || name === undefined) continue;
    const cpuRequests = selected.every(
      (p) =>
        p.spec.resources === undefined &&
        countedContainers(p).every((c) => c.resources?.requests?.['cpu'] !== undefined),
    );
    targets.push({ deployment, pods: selected, metrics: metrics as PodMetrics[], cpuRequests });
  }
  return targets;
}

/** Per-pod usage of `resource` as the metrics client sums it (each container's MilliValue). */
function usage(metrics: PodMetrics, resource: string, container?: string): bigint {
  let total = 0n;
  for (const c of metrics.containers)
    if (container === undefined || c.name === container) total += milliOf(c.usage[resource]);
  return total;
}

/** A target quantity near `milli / ratio`, in whole units when that is at least 1. */
function niceQuantity(milli: number, ratio: number): string {
  const scaled = milli / ratio;
  return scaled >= 1000
    ? String(Math.max(1, Math.round(scaled / 1000)))
    : `${Math.max(1, Math.round(scaled))}m`;
}

export interface BuildHpasOptions {
  readonly count: number;
  readonly seed: number;
  readonly now: number;
  readonly pods: readonly Pod[];
  readonly podMetrics: readonly PodMetrics[];
  readonly deployments: readonly Deployment[];
}

/** `count` HPAs, one per Deployment whose pods are all settled, Ready and sampled. */
export function buildHpas(options: BuildHpasOptions): HpaFixture {
  const result: HpaFixture = { horizontalPodAutoscalers: [], customMetrics: [], externalMetrics: [] };
  if (options.count === 0) return result;
  const rng = new SeededRandom(options.seed);
  const { now } = options;
  const targets = settledTargets(options.deployments, options.pods, options.podMetrics, now);
  if (targets.length < options.count) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `buildCluster: hpas: ${options.count} HPAs asked for, but only ${targets.length} Deployments have all their pods Running, Ready and with metrics; build a larger cluster (nodes, podsPerNode)`,
    );
  }
  // A seeded partial shuffle picks which Deployments get one; output stays in namespace/name order.
  const pool = targets.slice();
  for (let i = 0; i < options.count; i++) {
    const j = i + rng.int(0, pool.length - 1 - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const chosen = pool
    .slice(0, options.count)
    .sort((a, b) => key(a.deployment).localeCompare(key(b.deployment)));
  chosen.forEach((target, index) =>
    result.horizontalPodAutoscalers.push(hpaFor(target, MIX[index % MIX.length]!, rng, now, result)),
  );
  return result;
}

const key = (d: Deployment): string => `${d.metadata.namespace}/${d.metadata.name}`;

/** The metrics of one generated HPA; CPU ones fall back when the pods lack CPU requests. */
export type MetricPlan = 'cpu' | 'cpu+memory' | 'container-cpu' | 'pods' | 'object' | 'external';
/** The rotation that gives every metric type in any six consecutive HPAs. */
const MIX: readonly MetricPlan[] = ['cpu', 'cpu+memory', 'container-cpu', 'pods', 'object', 'external'];

/**
 * One HPA over `target` (named after it unless `name` is given), adding the metric values it reads
 * to `out`, with a steady status.
 */
export function hpaFor(
  target: HpaTarget,
  plan: MetricPlan,
  rng: SeededRandom,
  now: number,
  out: HpaFixture,
  hpaName?: string,
): HorizontalPodAutoscaler {
  const deployment = target.deployment;
  const namespace = deployment.metadata.namespace ?? 'default';
  const name = deployment.metadata.name ?? '';
  const replicas = target.pods.length;
  // Where the observed values sit against the targets: mostly inside the tolerance band.
  const ratio = rng.weighted([
    [0.93 + rng.next() * 0.14, 70],
    [1.3 + rng.next() * 0.7, 15],
    [0.3 + rng.next() * 0.4, 15],
  ] as const);
  const pairs: [MetricSpec, MetricInputs][] = [];
  const utilization = (container?: string): void => {
    const usages = target.metrics.map((m) => usage(m, 'cpu', container));
    const requests = target.pods.map((p) =>
      (container === undefined ? countedContainers(p) : p.spec.containers.filter((c) => c.name === container))
        .map((c) => milliOf(c.resources?.requests?.['cpu']))
        .reduce((a, b) => a + b, 0n),
    );
    const observed = Number(
      (usages.reduce((a, b) => a + b, 0n) * 100n) / requests.reduce((a, b) => a + b, 0n),
    );
    const goal = {
      type: 'Utilization' as const,
      averageUtilization: Math.max(1, Math.round(observed / ratio)),
    };
    const spec: MetricSpec =
      container === undefined
        ? { type: 'Resource', resource: { name: 'cpu', target: goal } }
        : { type: 'ContainerResource', containerResource: { name: 'cpu', container, target: goal } };
    pairs.push([spec, { kind: 'utilization', usage: usages, requests }]);
  };
  const memory = (): void => {
    const values = target.metrics.map((m) => usage(m, 'memory'));
    const average = Number(values.reduce((a, b) => a + b, 0n) / BigInt(values.length));
    const mi = Math.max(1, Math.round(average / 1000 / ratio / 2 ** 20));
    pairs.push([
      {
        type: 'Resource',
        resource: { name: 'memory', target: { type: 'AverageValue', averageValue: `${mi}Mi` } },
      },
      { kind: 'average', values },
    ]);
  };
  const podsMetric = (): void => {
    const values = target.pods.map(() => BigInt(rng.int(500, 40_000)));
    target.pods.forEach((pod, i) =>
      out.customMetrics.push({
        groupResource: 'pods',
        namespace,
        name: pod.metadata.name ?? '',
        metric: FIXTURE_METRICS.pods,
        value: Quantity.fromMilli(values[i]!).toString(),
        labels: { ...pod.metadata.labels },
      }),
    );
    const average = Number(values.reduce((a, b) => a + b, 0n) / BigInt(values.length));
    pairs.push([
      {
        type: 'Pods',
        pods: {
          metric: { name: FIXTURE_METRICS.pods },
          target: { type: 'AverageValue', averageValue: niceQuantity(average, ratio) },
        },
      },
      { kind: 'average', values },
    ]);
  };
  const objectMetric = (): void => {
    const total = BigInt(rng.int(20, 2000) * 1000);
    out.customMetrics.push({
      groupResource: 'ingresses.networking.k8s.io',
      namespace,
      name,
      metric: FIXTURE_METRICS.object,
      value: Quantity.fromMilli(total).toString(),
      labels: { ...deployment.metadata.labels },
    });
    const average = rng.chance(0.5);
    pairs.push([
      {
        type: 'Object',
        object: {
          describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name },
          metric: { name: FIXTURE_METRICS.object },
          target: average
            ? { type: 'AverageValue', averageValue: niceQuantity(Number(total) / replicas, ratio) }
            : { type: 'Value', value: niceQuantity(Number(total), ratio) },
        },
      },
      { kind: 'total', total },
    ]);
  };
  const externalMetric = (): void => {
    const queue = `${namespace}-${name}`;
    let total = 0n;
    const partitions = rng.int(1, 3);
    for (let partition = 0; partition < partitions; partition++) {
      const value = BigInt(rng.int(0, 500) * 1000);
      total += value;
      out.externalMetrics.push({
        metric: FIXTURE_METRICS.external,
        namespace,
        labels: { queue, partition: String(partition) },
        value: Quantity.fromMilli(value).toString(),
      });
    }
    const average = rng.chance(0.5);
    const observed = Math.max(1000, Number(total));
    pairs.push([
      {
        type: 'External',
        external: {
          metric: { name: FIXTURE_METRICS.external, selector: { matchLabels: { queue } } },
          target: average
            ? { type: 'AverageValue', averageValue: niceQuantity(observed / replicas, ratio) }
            : { type: 'Value', value: niceQuantity(observed, ratio) },
        },
      },
      { kind: 'total', total },
    ]);
  };

  const main = target.pods[0]?.spec.containers[0]?.name;
  const mainHasRequest = target.pods.every(
    (p) => p.spec.containers[0]?.resources?.requests?.['cpu'] !== undefined,
  );
  switch (plan) {
    case 'cpu':
      if (target.cpuRequests) utilization();
      else memory();
      break;
    case 'cpu+memory':
      if (target.cpuRequests) utilization();
      memory();
      break;
    case 'container-cpu':
      if (mainHasRequest && main !== undefined) utilization(main);
      else podsMetric();
      break;
    case 'pods':
      podsMetric();
      break;
    case 'object':
      objectMetric();
      break;
    case 'external':
      externalMetric();
  }

  const outcomes = pairs.map(([spec, inputs]) => metricOutcome(spec, inputs, replicas));
  const recommended = Math.max(...outcomes.map((o) => o.proposal));
  // Held where the pods are: at the recommendation, or clamped back to it by max or min.
  const min = recommended < replicas ? replicas : rng.int(1, replicas);
  const max = recommended > replicas ? replicas : replicas + rng.int(recommended < replicas ? 0 : 1, 10);
  const created = Math.min(
    now - 3_600_000,
    Date.parse(deployment.metadata.creationTimestamp ?? iso(now)) + 60_000,
  );
  const changed = iso(now - rng.int(2, 600) * 60_000);
  return {
    metadata: {
      name: hpaName ?? name,
      namespace,
      generation: 1,
      creationTimestamp: iso(created),
      labels: { ...deployment.metadata.labels },
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: min,
      maxReplicas: max,
      metrics: pairs.map(([spec]) => spec),
    },
    status: {
      observedGeneration: 1,
      currentReplicas: replicas,
      desiredReplicas: replicas,
      currentMetrics: outcomes.map((o) => o.current),
      conditions: steadyConditions(outcomes, replicas, { min, max }, changed),
    },
  };
}
