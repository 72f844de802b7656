/**
 * `/api/v1/hpas` of the report service over the test cluster's HPA fixture (every autoscaling/v2
 * metric type, custom and external metrics served by the project's metrics API server): the items
 * equal what the built binary's `hpa list -A -o json` prints for the same cluster, the route answers
 * 503 with a Status before the first replay, an HTTP request never reaches the cluster (the replay
 * runs on the service's interval only), and a cluster that forbids or does not serve HPAs gets a
 * Status naming the cause while the rest of the service keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountMetricsApis } from '../src/cli/demo-metrics-api.js';
import { loadKubeConfig, MetricsClient, resolveConnection } from '../src/client/index.js';
import { ClusterCache, HpaReplayLoop, startReportServer, type ReportServer } from '../src/service/index.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { assertBinaryBuilt, runBinary } from './helpers/cli.js';

interface Status {
  kind: string;
  code: number;
  reason: string;
  message: string;
}

interface HpaList {
  kind: string;
  replayedAt: string;
  items: { namespace: string; name: string; metrics: unknown[]; canCompute: boolean }[];
  data: { ageSeconds: number; intervalSeconds: number; stale: boolean; lastError: string | null };
}

/** Paths the HPA replay reads; the informers of the cache read nodes and pods only. */
const HPA_READS =
  /horizontalpodautoscalers|\/scale\b|custom\.metrics|external\.metrics|\/apis\/metrics\.k8s\.io/;

let cluster: TestCluster;
let client: MetricsClient;
let cache: ClusterCache;

/** Resolves after the loop's next finished run (an event, not a wait on the clock). */
function nextRun(loop: HpaReplayLoop): Promise<void> {
  return new Promise((resolve) => {
    const off = loop.onRun(() => {
      off();
      resolve();
    });
  });
}

async function get(server: ReportServer, path: string): Promise<{ code: number; body: unknown }> {
  const res = await fetch(`${server.url}${path}`);
  return { code: res.status, body: await res.json() };
}

beforeAll(async () => {
  assertBinaryBuilt();
  const fixture = buildCluster({ nodes: 8, podsPerNode: 12, seed: 7, hpas: 8, now: new Date() });
  cluster = await startTestCluster(fixture);
  mountMetricsApis(cluster, fixture);
  // The Object metrics describe Ingresses: the controller maps the kind through discovery.
  cluster.declareResources('networking.k8s.io', 'v1', [
    { name: 'ingresses', singularName: 'ingress', namespaced: true, kind: 'Ingress', verbs: ['get', 'list'] },
  ]);
  const kc = loadKubeConfig({ kubeconfig: cluster.kubeconfigPath, env: {} });
  client = new MetricsClient(kc, { retries: 0, timeoutMs: 10_000 });
  cache = new ClusterCache({ client, connection: resolveConnection(kc), metricsIntervalMs: 3_600_000 });
  cache.start();
}, 60_000);

afterAll(async () => {
  await cache?.stop();
  await client?.close();
  await cluster?.stop();
});

describe('/api/v1/hpas', () => {
  let server: ReportServer;
  let loop: HpaReplayLoop;

  afterAll(async () => {
    await loop?.stop();
    await server?.close();
  });

  it('answers 503 with a Status before the first replay, then the same items as `hpa list -A -o json`', async () => {
    // An hour's interval: the one run of this test is the first, started by start().
    loop = new HpaReplayLoop({ client, intervalMs: 3_600_000 });
    server = await startReportServer({ view: cache, host: '127.0.0.1', port: 0, hpas: loop });
    const before = await get(server, '/api/v1/hpas');
    expect(before.code).toBe(503);
    expect(before.body).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
    expect((before.body as Status).message).toMatch(/no HPA replay yet/);

    const ran = nextRun(loop);
    loop.start();
    await ran;
    const cli = await runBinary(['hpa', 'list', '-A', '-o', 'json', '--kubeconfig', cluster.kubeconfigPath]);
    expect(cli.stderr.toString()).toBe('');
    expect(cli.code).toBe(0);
    const expected = JSON.parse(cli.stdout.toString()) as HpaList;

    const answer = await get(server, '/api/v1/hpas');
    expect(answer.code).toBe(200);
    const list = answer.body as HpaList;
    expect(list.kind).toBe('HpaList');
    expect(list.items).toHaveLength(8);
    expect(list.items.every((i) => i.canCompute)).toBe(true);
    expect(list.items).toEqual(expected.items);
    expect(list.data).toMatchObject({ intervalSeconds: 3600, stale: false, lastError: null });
    expect(list.data.ageSeconds).toBeGreaterThanOrEqual(0);

    const namespace = list.items[0]!.namespace;
    const one = (await get(server, `/api/v1/hpas?namespace=${namespace}`)).body as HpaList;
    expect(one.items.length).toBeGreaterThan(0);
    expect(one.items).toEqual(expected.items.filter((i) => i.namespace === namespace));
  }, 60_000);

  it('makes no request to the cluster per HTTP request', async () => {
    cluster.resetRequestLog();
    for (let i = 0; i < 5; i++) expect((await get(server, '/api/v1/hpas')).code).toBe(200);
    expect((await get(server, '/api/v1/hpas?namespace=default')).code).toBe(200);
    expect(cluster.requests.filter((r) => HPA_READS.test(r.url))).toEqual([]);
  });

  it('keeps serving the last result, flagged stale with the cause, when a later run fails', async () => {
    const before = (await get(server, '/api/v1/hpas')).body as HpaList;
    cluster.injectFault({
      path: /horizontalpodautoscalers/,
      status: 500,
      message: 'etcd is down',
      times: Infinity,
    });
    try {
      await loop.refresh();
    } finally {
      cluster.clearFaults();
    }
    const after = await get(server, '/api/v1/hpas');
    expect(after.code).toBe(200);
    const list = after.body as HpaList;
    expect(list.items).toEqual(before.items);
    expect(list.replayedAt).toBe(before.replayedAt);
    expect(list.data.stale).toBe(true);
    expect(list.data.lastError).toMatch(/the last HPA replay failed: .*etcd is down/);
    // The next good run clears it.
    await loop.refresh();
    const recovered = (await get(server, '/api/v1/hpas')).body as HpaList;
    expect(recovered.data).toMatchObject({ stale: false, lastError: null });
  }, 60_000);

  it('refuses a bad query with a 400 Status naming it', async () => {
    const bad = await get(server, '/api/v1/hpas?namespace=Not_A_Name&x=1');
    expect(bad.code).toBe(400);
    expect((bad.body as Status).message).toMatch(/"Not_A_Name" is not a valid namespace name/);
    expect((bad.body as Status).message).toMatch(/unknown parameter "x"/);
  });
});

describe.each([
  [403, /RBAC forbids/],
  [404, /does not serve HorizontalPodAutoscalers/],
])('/api/v1/hpas when the HPA list answers %i', (status, cause) => {
  it('says why in a Status, and the rest of the service is unaffected', async () => {
    cluster.injectFault({ path: /horizontalpodautoscalers/, status, times: Infinity });
    const loop = new HpaReplayLoop({ client, intervalMs: 3_600_000 });
    const server = await startReportServer({ view: cache, host: '127.0.0.1', port: 0, hpas: loop });
    try {
      const ran = nextRun(loop);
      loop.start();
      await ran;
      const answer = await get(server, '/api/v1/hpas');
      expect(answer.code).toBe(503);
      expect(answer.body).toMatchObject({ kind: 'Status', code: 503 });
      expect((answer.body as Status).message).toMatch(cause);
      // Nodes and pods come from the cache, which the HPA failure does not touch.
      for (;;) {
        const summary = await fetch(`${server.url}/api/v1/nodes-summary`);
        await summary.arrayBuffer();
        if (summary.status !== 503) {
          expect(summary.status).toBe(200);
          break;
        }
        await new Promise<void>((resolve) => cache.onChange(() => resolve()));
      }
    } finally {
      cluster.clearFaults();
      await loop.stop();
      await server.close();
    }
  });
});
