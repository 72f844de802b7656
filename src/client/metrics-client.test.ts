import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubemetricsError } from '../errors.js';
import { KubernetesApiError } from './api-error.js';
import { KubeConfig } from './credentials.js';
import { MetricsClient } from './metrics-client.js';
import type { MetricsClientOptions, NamespaceError } from './metrics-client.js';
import type { PodMetricsResult } from './metrics-model.js';

type Reply = { status?: number; body: unknown; delayMs?: number };
type Route = Reply | ((query: URLSearchParams) => Reply);

interface FakeApi {
  readonly client: MetricsClient;
  readonly log: string[];
  hits(path: string): number;
  readonly maxInFlight: () => number;
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

/** A loopback API server answering fixed routes (exact path match); anything else is a plain 404. */
async function fakeApi(routes: Record<string, Route>, options: MetricsClientOptions = {}): Promise<FakeApi> {
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    log.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const route = routes[url.pathname];
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
      return;
    }
    const reply = typeof route === 'function' ? route(url.searchParams) : route;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    }, reply.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: false }],
    users: [{ name: 'tester', token: 'secret' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'tester', namespace: 'team-a' }],
    currentContext: 'fake',
  });
  const client = new MetricsClient(kc, { retries: 0, ...options });
  cleanup.push(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    client,
    log,
    hits: (path) => log.filter((l) => l.split('?')[0] === path).length,
    maxInFlight: () => maxInFlight,
  };
}

const group = (versions: string[]): Reply => ({
  body: {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: 'metrics.k8s.io',
    versions: versions.map((v) => ({ groupVersion: `metrics.k8s.io/${v}`, version: v })),
    preferredVersion: { groupVersion: `metrics.k8s.io/${versions[0]}`, version: versions[0] },
  },
});

const nodeMetrics = (name: string, cpu = '250m'): Record<string, unknown> => ({
  metadata: { name, labels: { role: 'worker' } },
  timestamp: '2025-01-02T03:04:05Z',
  window: '20.033s',
  usage: { cpu, memory: '1Gi' },
});

const podMetrics = (namespace: string, name: string): Record<string, unknown> => ({
  metadata: { name, namespace },
  timestamp: '2025-01-02T03:04:05Z',
  window: '15s',
  containers: [{ name: 'app', usage: { cpu: '10m', memory: '16Mi' } }],
});

const list = (kind: string, items: unknown[]): Reply => ({
  body: { kind, apiVersion: 'x', metadata: {}, items },
});

function forbidden(ns: string): Reply {
  return {
    status: 403,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code: 403,
      reason: 'Forbidden',
      message: `pods.metrics.k8s.io is forbidden: User "tester" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "${ns}"`,
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<KubemetricsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KubemetricsError);
    return error as KubemetricsError;
  }
  throw new Error('expected a rejection');
}

describe('MetricsClient: construction', () => {
  it('exposes the resolved context and its namespace', async () => {
    const { client } = await fakeApi({});
    expect(client.context.contextName).toBe('fake');
    expect(client.context.userName).toBe('tester');
    expect(client.namespace).toBe('team-a');
  });

  it('an unknown context option → CONFIG error listing contexts', () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://c', skipTLSVerify: false }],
      users: [],
      contexts: [{ name: 'only', cluster: 'c', user: '' }],
      currentContext: 'only',
    });
    expect(() => new MetricsClient(kc, { context: 'other' })).toThrow(/available contexts: only/);
  });

  it('rejects a non-positive concurrency', () => {
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser({ name: 'c', server: 'https://c', skipTLSVerify: false }, { name: 'u' });
    expect(() => new MetricsClient(kc, { concurrency: 0 })).toThrow(/concurrency must be a positive integer/);
  });
});

describe('MetricsClient: discovery', () => {
  it('prefers metrics.k8s.io/v1 and asks discovery once (cached, shared by concurrent calls)', async () => {
    const api = await fakeApi({
      '/apis/metrics.k8s.io': group(['v1', 'v1beta1']),
      '/apis/metrics.k8s.io/v1/nodes': list('NodeMetricsList', [nodeMetrics('n1')]),
    });
    await Promise.all([api.client.listNodeMetrics(), api.client.listNodeMetrics()]);
    await api.client.listNodeMetrics();
    expect(await api.client.metricsVersion()).toBe('v1');
    expect(api.hits('/apis/metrics.k8s.io')).toBe(1);
    expect(api.hits('/apis/metrics.k8s.io/v1/nodes')).toBe(3);
  });

  it('falls back to v1beta1 when only it is served', async () => {
    const api = await fakeApi({
      '/apis/metrics.k8s.io': group(['v1beta1']),
      '/apis/metrics.k8s.io/v1beta1/nodes': list('NodeMetricsList', [nodeMetrics('n1')]),
    });
    const [node] = await api.client.listNodeMetrics();
    expect(node?.name).toBe('n1');
    expect(await api.client.metricsVersion()).toBe('v1beta1');
  });

  it('metrics API not served → 404 with the metrics-server hint; the failure is not cached', async () => {
    const api = await fakeApi({});
    const error = await failure(api.client.listNodeMetrics());
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect((error as KubernetesApiError).status).toBe(404);
    expect(error.hint).toContain('is metrics-server installed?');
    expect(error.hint).toContain('kubectl get apiservices v1beta1.metrics.k8s.io');
    await failure(api.client.listNodeMetrics());
    expect(api.hits('/apis/metrics.k8s.io')).toBe(2);
  });

  it('a served group without a supported version → API error naming the versions', async () => {
    const api = await fakeApi({ '/apis/metrics.k8s.io': group(['v2alpha1']) });
    const error = await failure(api.client.listNodeMetrics());
    expect(error.code).toBe('KUBEMETRICS_ERR_API');
    expect(error.message).toContain('v2alpha1');
  });

  it('invalidate() forgets the cached version', async () => {
    const api = await fakeApi({ '/apis/metrics.k8s.io': group(['v1']) });
    await api.client.metricsVersion();
    api.client.discovery.invalidate();
    await api.client.metricsVersion();
    expect(api.hits('/apis/metrics.k8s.io')).toBe(2);
  });

  it('one caller aborting does not fail a concurrent caller sharing the discovery request', async () => {
    const api = await fakeApi({ '/apis/metrics.k8s.io': { ...group(['v1']), delayMs: 50 } });
    const controller = new AbortController();
    const first = api.client.metricsVersion({ signal: controller.signal });
    const second = api.client.metricsVersion();
    controller.abort();
    expect((await failure(first)).code).toBe('KUBEMETRICS_ERR_ABORTED');
    expect(await second).toBe('v1');
  });
});

describe('MetricsClient: resource metrics', () => {
  const routes = (): Record<string, Route> => ({
    '/apis/metrics.k8s.io': group(['v1beta1']),
    '/apis/metrics.k8s.io/v1beta1/nodes': (q) =>
      list(
        'NodeMetricsList',
        q.get('labelSelector') === 'role=worker'
          ? [nodeMetrics('n2')]
          : [nodeMetrics('n1'), nodeMetrics('n2')],
      ),
    '/apis/metrics.k8s.io/v1beta1/nodes/n1': { body: nodeMetrics('n1', '1500m') },
    '/apis/metrics.k8s.io/v1beta1/pods': list('PodMetricsList', [
      podMetrics('a', 'p1'),
      podMetrics('b', 'p2'),
    ]),
    '/apis/metrics.k8s.io/v1beta1/namespaces/a/pods': (q) =>
      list('PodMetricsList', [podMetrics('a', q.get('fieldSelector') === 'metadata.name=p1' ? 'p1' : 'px')]),
    '/apis/metrics.k8s.io/v1beta1/namespaces/a/pods/p1': { body: podMetrics('a', 'p1') },
    '/apis/metrics.k8s.io/v1beta1/namespaces/bad/pods': list('PodMetricsList', [
      { ...podMetrics('bad', 'broken'), containers: [{ name: 'c', usage: { cpu: 'ten' } }] },
    ]),
  });

  it('lists node metrics, with a label selector', async () => {
    const api = await fakeApi(routes());
    expect((await api.client.listNodeMetrics()).map((n) => n.name)).toEqual(['n1', 'n2']);
    const selected = await api.client.listNodeMetrics({ labelSelector: 'role=worker' });
    expect(selected.map((n) => n.name)).toEqual(['n2']);
    expect(selected[0]?.usage['memory']?.toString()).toBe('1Gi');
    expect(selected[0]?.windowSeconds).toBe(20.033);
  });

  it('gets one node', async () => {
    const api = await fakeApi(routes());
    expect((await api.client.getNodeMetrics('n1')).usage['cpu']?.milliValue()).toBe(1500n);
  });

  it('lists pod metrics in all namespaces, or in one with a field selector', async () => {
    const api = await fakeApi(routes());
    expect((await api.client.listPodMetrics()).map((p) => `${p.namespace}/${p.name}`)).toEqual([
      'a/p1',
      'b/p2',
    ]);
    const one = await api.client.listPodMetrics({ namespace: 'a', fieldSelector: 'metadata.name=p1' });
    expect(one.map((p) => p.name)).toEqual(['p1']);
    expect((await api.client.getPodMetrics('a', 'p1')).usage['cpu']?.toString()).toBe('10m');
  });

  it('a bad quantity from the server → DECODE naming the pod and field', async () => {
    const api = await fakeApi(routes());
    const error = await failure(api.client.listPodMetrics({ namespace: 'bad' }));
    expect(error.code).toBe('KUBEMETRICS_ERR_DECODE');
    expect(error.message).toContain('pod metrics "bad/broken": containers[0].usage.cpu "ten"');
  });

  it('a node without metrics → 404 with a per-object hint', async () => {
    const api = await fakeApi({
      ...routes(),
      '/apis/metrics.k8s.io/v1beta1/nodes/n9': {
        status: 404,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          code: 404,
          reason: 'NotFound',
          message: 'nodemetrics.metrics.k8s.io "n9" not found',
          details: { name: 'n9', group: 'metrics.k8s.io', kind: 'nodes' },
        },
      },
    });
    const error = await failure(api.client.getNodeMetrics('n9'));
    expect(error.hint).toContain('no sample for node "n9"');
  });

  it.each([
    ['empty namespace', (c: MetricsClient) => c.listPodMetrics({ namespace: '' })],
    ['blank pod name', (c: MetricsClient) => c.getPodMetrics('a', ' ')],
    ['namespace with a slash', (c: MetricsClient) => c.getPodMetrics('a/b', 'p')],
  ])('%s → ARGUMENT error, nothing sent', async (_name, call) => {
    const api = await fakeApi(routes());
    expect((await failure(call(api.client))).code).toBe('KUBEMETRICS_ERR_ARGUMENT');
    expect(api.log).toEqual([]);
  });
});

describe('MetricsClient.podMetricsForNamespaces', () => {
  it('one namespace failing does not fail the others; concurrency is bounded', async () => {
    const routes: Record<string, Route> = { '/apis/metrics.k8s.io': group(['v1']) };
    const namespaces = ['ns0', 'ns1', 'ns2', 'ns3', 'ns4', 'ns5'];
    for (const ns of namespaces) {
      routes[`/apis/metrics.k8s.io/v1/namespaces/${ns}/pods`] =
        ns === 'ns3'
          ? forbidden(ns)
          : { ...list('PodMetricsList', [podMetrics(ns, `${ns}-pod`)]), delayMs: 20 };
    }
    const api = await fakeApi(routes);
    const result = await api.client.podMetricsForNamespaces([...namespaces, 'ns0'], { concurrency: 2 });
    expect([...result.keys()]).toEqual(namespaces);
    expect((result.get('ns0') as PodMetricsResult[])[0]?.name).toBe('ns0-pod');
    const error = result.get('ns3') as NamespaceError;
    expect(error.kind).toBe('Error');
    expect(error.status).toBe(403);
    expect(error.error.hint).toContain('resources: ["pods"]');
    expect(api.maxInFlight()).toBeLessThanOrEqual(2);
  });

  it('aborting rejects the whole call', async () => {
    const api = await fakeApi({
      '/apis/metrics.k8s.io': group(['v1']),
      '/apis/metrics.k8s.io/v1/namespaces/a/pods': { ...list('PodMetricsList', []), delayMs: 500 },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const error = await failure(api.client.podMetricsForNamespaces(['a'], { signal: controller.signal }));
    expect(error.code).toBe('KUBEMETRICS_ERR_ABORTED');
  });
});

describe('MetricsClient: core reads', () => {
  it('getNode, getPod and getVersion return the wire objects', async () => {
    const api = await fakeApi({
      '/api/v1/nodes/n1': { body: { kind: 'Node', metadata: { name: 'n1' } } },
      '/api/v1/namespaces/a/pods/p1': {
        body: { kind: 'Pod', metadata: { name: 'p1', namespace: 'a' }, spec: { containers: [] } },
      },
      '/version': { body: { major: '1', minor: '33', gitVersion: 'v1.33.1' } },
    });
    expect((await api.client.getNode('n1')).metadata.name).toBe('n1');
    expect((await api.client.getPod('a', 'p1')).metadata.namespace).toBe('a');
    expect((await api.client.getVersion()).gitVersion).toBe('v1.33.1');
  });

  it('a missing pod → 404 naming it', async () => {
    const api = await fakeApi({});
    const error = await failure(api.client.getPod('a', 'ghost'));
    expect((error as KubernetesApiError).status).toBe(404);
  });

  it('the client timeout applies to every call; a per-call timeout overrides it', async () => {
    const api = await fakeApi({ '/version': { body: {}, delayMs: 300 } }, { timeoutMs: 50 });
    expect((await failure(api.client.getVersion())).code).toBe('KUBEMETRICS_ERR_TIMEOUT');
    // Far above the 300 ms answer, so a loaded machine cannot make this one time out too.
    await expect(api.client.getVersion({ timeoutMs: 30_000 })).resolves.toEqual({});
  });
});

describe('MetricsClient: custom and external metrics', () => {
  const customGroup = (versions: string[]): Reply => ({
    body: {
      kind: 'APIGroup',
      name: 'custom.metrics.k8s.io',
      versions: versions.map((v) => ({ groupVersion: `custom.metrics.k8s.io/${v}`, version: v })),
    },
  });
  const v1beta1Value = (name: string): Record<string, unknown> => ({
    describedObject: { kind: 'Pod', namespace: 'web', name, apiVersion: '/v1' },
    metricName: 'rps',
    timestamp: '2025-01-02T03:04:05Z',
    window: 60,
    value: '2500m',
  });
  const v1beta2Value = (name: string): Record<string, unknown> => ({
    describedObject: { kind: 'Pod', namespace: 'web', name, apiVersion: '/v1' },
    metric: { name: 'rps' },
    timestamp: '2025-01-02T03:04:05Z',
    windowSeconds: 60,
    value: '2500m',
  });

  it.each([
    ['v1beta2 preferred over v1beta1', ['v1beta1', 'v1beta2'], 'v1beta2', v1beta2Value],
    ['v1beta1 when only it is served', ['v1beta1'], 'v1beta1', v1beta1Value],
  ])('%s: one object, by selector, decoded alike', async (_name, served, version, value) => {
    const base = `/apis/custom.metrics.k8s.io/${version}/namespaces/web/pods`;
    const api = await fakeApi({
      '/apis/custom.metrics.k8s.io': customGroup(served),
      [`${base}/web-0/rps`]: list('MetricValueList', [value('web-0')]),
      [`${base}/*/rps`]: (q) =>
        list('MetricValueList', q.get('labelSelector') === 'app=web' ? [value('web-0'), value('web-1')] : []),
    });
    const one = await api.client.getCustomMetric({ namespace: 'web', name: 'web-0', metric: 'rps' });
    expect(one.metricName).toBe('rps');
    expect(one.windowSeconds).toBe(60);
    expect(one.value.milliValue()).toBe(2500n);
    const many = await api.client.getCustomMetricBySelector({
      namespace: 'web',
      metric: 'rps',
      labelSelector: 'app=web',
    });
    expect(many.map((m) => m.describedObject.name)).toEqual(['web-0', 'web-1']);
  });

  it('namespace metric, metricLabelSelector, external metric and listings', async () => {
    const api = await fakeApi({
      '/apis/custom.metrics.k8s.io': customGroup(['v1beta2']),
      '/apis/custom.metrics.k8s.io/v1beta2': {
        body: {
          kind: 'APIResourceList',
          groupVersion: 'custom.metrics.k8s.io/v1beta2',
          resources: [
            { name: 'namespaces/queue', namespaced: false, kind: 'MetricValueList', verbs: ['get'] },
          ],
        },
      },
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/web/metrics/queue': (q) =>
        list('MetricValueList', [
          {
            describedObject: { kind: 'Namespace', name: 'web', apiVersion: '/v1' },
            metric: {
              name: 'queue',
              selector: q.get('metricLabelSelector') === 'q=a' ? { matchLabels: { q: 'a' } } : null,
            },
            timestamp: '2025-01-02T03:04:05Z',
            value: '7',
          },
        ]),
      '/apis/external.metrics.k8s.io': {
        body: {
          kind: 'APIGroup',
          name: 'external.metrics.k8s.io',
          versions: [{ groupVersion: 'external.metrics.k8s.io/v1beta1', version: 'v1beta1' }],
        },
      },
      '/apis/external.metrics.k8s.io/v1beta1': {
        body: {
          kind: 'APIResourceList',
          groupVersion: 'external.metrics.k8s.io/v1beta1',
          resources: [{ name: 'depth', namespaced: true }],
        },
      },
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/web/depth': list('ExternalMetricValueList', [
        {
          metricName: 'depth',
          metricLabels: { queue: 'orders' },
          timestamp: '2025-01-02T03:04:05Z',
          value: '12',
        },
      ]),
    });
    const [nsValue] = await api.client.getNamespaceCustomMetric({
      namespace: 'web',
      metric: 'queue',
      metricLabelSelector: 'q=a',
    });
    expect(nsValue?.selector).toEqual({ matchLabels: { q: 'a' } });
    expect(nsValue?.value.value()).toBe(7n);
    const [ext] = await api.client.getExternalMetric({ namespace: 'web', metric: 'depth' });
    expect(ext?.metricLabels).toEqual({ queue: 'orders' });
    expect(await api.client.listCustomMetrics()).toEqual([
      { name: 'namespaces/queue', resource: 'namespaces', group: '', metric: 'queue', namespaced: false },
    ]);
    expect(await api.client.listExternalMetrics()).toEqual([{ metric: 'depth', namespaced: true }]);
    await api.client.listCustomMetrics();
    expect(api.hits('/apis/custom.metrics.k8s.io/v1beta2')).toBe(1);
  });

  it('custom metrics API not served → 404 with the adapter hint', async () => {
    const api = await fakeApi({});
    const error = await failure(api.client.getCustomMetric({ namespace: 'web', name: 'p', metric: 'rps' }));
    expect(error.hint).toContain('prometheus-adapter');
    expect(error.hint).toContain('custom.metrics.k8s.io');
  });
});

describe('MetricsClient.streamItems', () => {
  it('hands each list item over (nested objects, query sent) and counts them', async () => {
    const items = [
      {
        metadata: { name: 'a', namespace: 'x' },
        containers: [{ name: 'c', usage: { cpu: '1m', memory: '1Ki' } }],
      },
      { metadata: { name: 'b', namespace: 'x' }, containers: [] },
    ];
    const api = await fakeApi({
      '/apis/metrics.k8s.io/v1beta1/pods': (query) => {
        expect(query.get('labelSelector')).toBe('app=web');
        return { body: { kind: 'PodMetricsList', metadata: { resourceVersion: '1' }, items } };
      },
    });
    const seen: unknown[] = [];
    const count = await api.client.streamItems(
      '/apis/metrics.k8s.io/v1beta1/pods',
      (item) => seen.push(item),
      {
        query: { labelSelector: 'app=web' },
      },
    );
    expect(count).toBe(2);
    expect(seen).toEqual(items);
  });

  it('says when the body is not a list document', async () => {
    const api = await fakeApi({ '/x': { body: ['not', 'a', 'list'] } });
    const error = await api.client.streamItems('/x', () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubemetricsError);
    expect((error as KubemetricsError).code).toBe('KUBEMETRICS_ERR_DECODE');
    expect((error as Error).message).toMatch(/GET \/x: the response is not a JSON object/);
  });
});

describe('MetricsClient.streamResourceMetrics (the raw objects reports decode themselves)', () => {
  it('streams a list on the preferred version with the selectors, and reads one named object whole', async () => {
    const api = await fakeApi({
      '/apis/metrics.k8s.io': group(['v1', 'v1beta1']),
      '/apis/metrics.k8s.io/v1/namespaces/shop/pods': list('PodMetricsList', [
        podMetrics('shop', 'a'),
        podMetrics('shop', 'b'),
      ]),
      '/apis/metrics.k8s.io/v1/nodes/node%201': { body: nodeMetrics('node 1') },
    });
    const pods: unknown[] = [];
    const count = await api.client.streamResourceMetrics(
      { kind: 'pods', namespace: 'shop' },
      (item) => pods.push(item),
      { labelSelector: 'app=web', fieldSelector: 'metadata.name!=c' },
    );
    expect(count).toBe(2);
    expect(pods).toEqual([podMetrics('shop', 'a'), podMetrics('shop', 'b')]);
    const nodes: unknown[] = [];
    expect(
      await api.client.streamResourceMetrics({ kind: 'nodes', name: 'node 1' }, (i) => nodes.push(i)),
    ).toBe(1);
    expect(nodes).toEqual([nodeMetrics('node 1')]);
    expect(api.log).toContain(
      '/apis/metrics.k8s.io/v1/namespaces/shop/pods?labelSelector=app%3Dweb&fieldSelector=metadata.name%21%3Dc',
    );
    expect(api.log).toContain('/apis/metrics.k8s.io/v1/nodes/node%201');
  });

  it('rejects a bad namespace before sending anything', async () => {
    const api = await fakeApi({ '/apis/metrics.k8s.io': group(['v1beta1']) });
    const error = await failure(
      api.client.streamResourceMetrics({ kind: 'pods', namespace: '' }, () => undefined),
    );
    expect(error.code).toBe('KUBEMETRICS_ERR_ARGUMENT');
    expect(api.log).toEqual([]);
  });
});
