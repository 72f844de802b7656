/**
 * The fetch side of `hpa` against a loopback API server that records every request: what is
 * fetched (paths, selectors, API versions), how often (the request count must not grow with the
 * number of HPAs beyond the scale and metrics requests the controller makes too), and the numbers
 * that come out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  cpu,
  cpuWorld,
  hpa,
  NOW,
  serve,
  startFakeApi,
  type Handler,
} from '../../test/helpers/hpa-fake-api.js';
import { KubeConfig, MetricsClient } from '../client/index.js';
import { HpaHistory } from './history.js';
import { replayHpas } from './replay.js';
import { replaySummary, replayToPlain } from './plain.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function fakeApi(handler: Handler): Promise<{ client: MetricsClient; log: string[] }> {
  const api = await startFakeApi(handler);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: api.url, skipTLSVerify: false }],
    users: [{ name: 'tester', token: 'secret' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'tester', namespace: 'shop' }],
    currentContext: 'fake',
  });
  const client = new MetricsClient(kc, { retries: 0 });
  cleanup.push(async () => {
    await client.close();
    await api.close();
  });
  return { client, log: api.log };
}

const path = (line: string) => line.split('?')[0]!;

describe('replayHpas: what is fetched, and how often', () => {
  it('one HPA list and one pod list for the whole sync; discovery once per kind; scale and metrics per HPA', async () => {
    const counts: Record<string, number>[] = [];
    for (const n of [3, 30]) {
      const { client, log } = await fakeApi(serve(cpuWorld(n)));
      const replays = await replayHpas(client, { namespace: 'shop', now: NOW });
      expect(replays).toHaveLength(n);
      const kinds: Record<string, number> = {};
      for (const line of log) {
        const p = path(line);
        const kind = p.endsWith('/scale')
          ? 'scale'
          : p.startsWith('/apis/metrics.k8s.io/v1beta1/')
            ? 'podMetrics'
            : p;
        kinds[kind] = (kinds[kind] ?? 0) + 1;
      }
      counts.push(kinds);
    }
    const [small, large] = counts as [Record<string, number>, Record<string, number>];
    expect(large['scale']).toBe(30);
    expect(large['podMetrics']).toBe(30);
    // Everything else is the same for 3 and 30 HPAs.
    const rest = (c: Record<string, number>) =>
      Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'scale' && k !== 'podMetrics'));
    expect(rest(large)).toEqual(rest(small));
    expect(rest(large)).toEqual({
      '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers': 1,
      '/apis/apps': 1,
      '/apis/apps/v1': 1,
      '/api/v1/namespaces/shop/pods': 1,
      '/apis/metrics.k8s.io': 1,
    });
  });

  it('replays the CPU calculation: 2 pods at 80 % of requests against 50 % → 4 (replica_calculator_test.go "scale up")', async () => {
    const { client, log } = await fakeApi(serve(cpuWorld(1)));
    const [replay] = await replayHpas(client, { namespace: 'shop', now: NOW });
    expect(replay!.pods.map((p) => p.name)).toEqual(['web-0-0', 'web-0-1']);
    const metric = replay!.decision!.metrics[0]!;
    expect(metric.proposedReplicas).toBe(4);
    expect(metric.calculation).toMatchObject({ utilization: 80, usageRatio: 1.6, readyPods: 2 });
    // The metrics request carries the scale's selector, as the controller sends it.
    expect(log).toContain('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb-0');
    const plain = replaySummary(replay!);
    expect(plain).toMatchObject({
      currentReplicas: 2,
      recommendedReplicas: 4,
      metrics: [{ type: 'Resource', name: 'cpu', target: '50%', current: '80%', proposedReplicas: 4 }],
      agreesWithStatus: false,
    });
    // No stabilization history: the downscale window cannot hold a scale-up back, so the range is exact.
    expect(plain['desiredReplicas']).toBe(4);
  });

  it('explain: lists the namespace HPAs, reads the pods by the selector, not the whole namespace', async () => {
    const { client, log } = await fakeApi(serve(cpuWorld(3)));
    const replays = await replayHpas(client, { namespace: 'shop', name: 'hpa-1', now: NOW });
    expect(replays.map((r) => r.name)).toEqual(['hpa-1']);
    expect(log).toContain('/api/v1/namespaces/shop/pods?limit=500&labelSelector=app%3Dweb-1');
    expect(log.filter((l) => l.startsWith('/apis/metrics.k8s.io/v1beta1/'))).toHaveLength(1);
  });

  it('a missing HPA is reported in kubectl words', async () => {
    const { client } = await fakeApi(serve(cpuWorld(1)));
    await expect(replayHpas(client, { namespace: 'shop', name: 'nope', now: NOW })).rejects.toThrow(
      'horizontalpodautoscalers.autoscaling "nope" not found',
    );
  });

  it('a missing scale target is FailedGetScale with a hint naming the workload', async () => {
    const world = cpuWorld(1);
    world.hpas.push(hpa('orphan', 'shop', 'gone', [cpu(50)]));
    const { client, log } = await fakeApi(serve(world));
    const replays = await replayHpas(client, { namespace: 'shop', now: NOW });
    const orphan = replays.find((r) => r.name === 'orphan')!;
    expect(orphan.failure).toMatchObject({ condition: 'AbleToScale', reason: 'FailedGetScale' });
    expect(orphan.failure!.message).toContain(
      `the HPA controller was unable to get the target's current scale`,
    );
    expect(orphan.failure!.hint).toContain('Deployment "gone" does not exist');
    // No metrics were asked for it.
    expect(log.filter((l) => l.includes('gone') && !l.endsWith('/scale'))).toEqual([]);
  });

  it('two HPAs whose selectors pick the same pods: AmbiguousSelector for both (horizontal.go validateAndParseSelector)', async () => {
    const world = cpuWorld(1);
    world.hpas.push(hpa('twin', 'shop', 'web-0', [cpu(50)]));
    const { client } = await fakeApi(serve(world));
    const replays = await replayHpas(client, { namespace: 'shop', now: NOW });
    for (const r of replays) {
      expect(r.failure?.reason).toBe('AmbiguousSelector');
      expect(r.failure?.message).toBe(
        'pods by selector app=web-0 are controlled by multiple HPAs: [shop/hpa-0 shop/twin]',
      );
    }
  });

  it('metrics API not registered: the metric fails with the controller message and a hint; the HPA cannot compute', async () => {
    const world = cpuWorld(1);
    world.metricsServed = false;
    const { client } = await fakeApi(serve(world));
    const [replay] = await replayHpas(client, { namespace: 'shop', now: NOW });
    const metric = replay!.decision!.metrics[0]!;
    expect(metric.error?.reason).toBe('FailedGetResourceMetric');
    expect(metric.error?.message).toMatch(/^unable to get metrics for resource cpu: /);
    expect(replay!.fetches[0]!.error?.hint).toContain('metrics-server');
    expect(replay!.decision!.recommendation?.blocked).toBe('all-metrics-invalid');
    expect(replaySummary(replay!)).toMatchObject({ canCompute: false });
  });

  it('custom metrics: the server-preferred version (client-go apiVersionsFromDiscovery), Pods and Object paths with selectors', async () => {
    const world = cpuWorld(1);
    world.customGroup = { preferred: 'v1beta1', versions: ['v1beta2', 'v1beta1'] };
    world.objects = { 'services/front/requests': '30' };
    world.hpas = [
      hpa('custom', 'shop', 'web-0', [
        {
          type: 'Pods',
          pods: {
            metric: { name: 'qps', selector: { matchLabels: { verb: 'GET' } } },
            target: { type: 'AverageValue', averageValue: '1' },
          },
        },
        {
          type: 'Object',
          object: {
            describedObject: { apiVersion: 'v1', kind: 'Service', name: 'front' },
            metric: { name: 'requests' },
            target: { type: 'Value', value: '10' },
          },
        },
      ]),
    ];
    const handler = serve(world);
    const { client, log } = await fakeApi((url) =>
      url.pathname === '/api'
        ? { body: { kind: 'APIVersions', versions: ['v1'] } }
        : url.pathname === '/api/v1'
          ? {
              body: {
                groupVersion: 'v1',
                resources: [{ name: 'services', kind: 'Service', namespaced: true }],
              },
            }
          : handler(url),
    );
    const [replay] = await replayHpas(client, { namespace: 'shop', now: NOW });
    expect(log).toContain(
      '/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/pods/*/qps?labelSelector=app%3Dweb-0&metricLabelSelector=verb%3DGET',
    );
    expect(log).toContain('/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/services/front/requests');
    const [pods, object] = replay!.decision!.metrics;
    // 2 per pod against 1: ratio 2 → ceil(2 × 2) = 4; the object at 30 against 10 with 2 ready pods → 6.
    expect(pods!.proposedReplicas).toBe(4);
    expect(object!.proposedReplicas).toBe(6);
    expect(replay!.decision!.recommendedReplicas).toBe(6);
  });

  it('external metrics send the metric selector as labelSelector and sum every series', async () => {
    const world = cpuWorld(1);
    world.external = [
      { labels: { queue: 'a' }, value: '30' },
      { labels: { queue: 'a', shard: '2' }, value: '15' },
      { labels: { queue: 'b' }, value: '1000' },
    ];
    world.hpas = [
      hpa('queue', 'shop', 'web-0', [
        {
          type: 'External',
          external: {
            metric: { name: 'depth', selector: { matchLabels: { queue: 'a' } } },
            target: { type: 'AverageValue', averageValue: '10' },
          },
        },
      ]),
    ];
    const { client, log } = await fakeApi(serve(world));
    const [replay] = await replayHpas(client, { namespace: 'shop', now: NOW });
    expect(log).toContain(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/depth?labelSelector=queue%3Da',
    );
    const metric = replay!.decision!.metrics[0]!;
    // ceil(45 / 10) = 5; the reported average is ceil(45 / 2 status replicas) = 23 (22.5 rounded up).
    expect(metric.proposedReplicas).toBe(5);
    expect(replaySummary(replay!)).toMatchObject({ metrics: [{ current: '22500m', target: '10' }] });
  });

  it('explain JSON is exact: quantities as strings, times as RFC 3339, no bigint left', async () => {
    const { client } = await fakeApi(serve(cpuWorld(1)));
    const [replay] = await replayHpas(client, { namespace: 'shop', now: NOW });
    const plain = replayToPlain(replay!);
    const text = JSON.stringify(plain); // throws on a bigint
    expect(text).toContain('"requestSource"');
    const metric = (plain['metrics'] as Record<string, unknown>[])[0]!;
    const pods = (metric['calculation'] as { pods: Record<string, unknown>[] }).pods;
    expect(pods[0]).toMatchObject({
      pod: 'web-0-0',
      group: 'ready',
      request: '500m',
      sample: { value: '400m', timestamp: '2026-01-01T11:59:30.000Z' },
    });
    expect(plain).toMatchObject({
      currentReplicas: 2,
      recommendedReplicas: 4,
      desiredReplicas: 4,
      agreesWithStatus: false,
    });
  });
});

describe('HpaHistory: watching narrows the range', () => {
  it('a scale-down is a range at first and exact once the stabilization window has been watched', async () => {
    const world = cpuWorld(1);
    // 2 pods at 100m of 500m = 20 % against 50 %: the metric wants 1 replica.
    world.podMetrics = world.podMetrics.map((m) => ({
      ...(m as object),
      containers: [{ name: 'main', usage: { cpu: '100m' } }],
    }));
    const { client } = await fakeApi(serve(world));
    const history = new HpaHistory(300);
    const first = (await replayHpas(client, { namespace: 'shop', now: NOW, history }))[0]!;
    expect(first.decision!.recommendedReplicas).toBe(1);
    expect(first.decision!.desiredReplicas).toBeUndefined();
    // The window may hold a higher recommendation: up to max(2 × current, 4) in one step (no behavior).
    expect(first.decision!.desiredReplicasRange).toEqual({ min: 1, max: 4 });
    const later = (await replayHpas(client, { namespace: 'shop', now: NOW + 301_000, history }))[0]!;
    expect(later.decision!.desiredReplicas).toBe(1);
    expect(later.watchedMs).toBe(301_000);
  });
});
