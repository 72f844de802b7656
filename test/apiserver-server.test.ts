/**
 * The metrics API server over HTTP on 127.0.0.1: custom metrics v1beta1 and v1beta2 from one
 * provider, external and resource metrics, selector resolution, Status errors, failing and hanging
 * providers, auth hooks and health. Wire shapes per k8s.io/metrics types.go,
 * kubernetes-sigs/custom-metrics-apiserver and metrics-server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMetricsApiServer,
  ProviderUnavailableError,
  StaticObjectLister,
  StatusError,
} from '../src/apiserver/index.js';
import type {
  CustomMetricObjectQuery,
  CustomMetricSelectorQuery,
  CustomMetricsProvider,
  ExternalMetricsProvider,
  Logger,
  MetricsApiServer,
  MetricsApiServerOptions,
  RequestAttributes,
  ResourceMetricsProvider,
} from '../src/apiserver/index.js';
import { MemoryMetricsProvider } from '../src/providers/memory/index.js';
import { KubemetricsError } from '../src/errors.js';
import { parseQuantity } from '../src/quantity/index.js';

const T0 = new Date('2025-03-01T12:00:00.250Z');

/** The JSON fields the assertions read. */
interface WireItem {
  readonly [key: string]: unknown;
  readonly describedObject: { name: string };
  readonly metadata: { name: string; namespace: string };
  readonly value: string;
  readonly containers: readonly { name: string; usage: Record<string, string> }[];
}

interface WireBody {
  readonly [key: string]: unknown;
  readonly message: string;
  readonly items: readonly WireItem[];
  readonly resources: readonly { name: string }[];
  readonly containers: readonly { name: string; usage: Record<string, string> }[];
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: WireBody;
}

const servers: MetricsApiServer[] = [];

async function start(
  options: MetricsApiServerOptions,
): Promise<(path: string, init?: RequestInit) => Promise<Reply>> {
  const server = createMetricsApiServer({ now: () => T0, ...options });
  servers.push(server);
  const { url } = await server.listen();
  return async (path, init) => {
    const res = await fetch(url + path, init);
    const text = await res.text();
    let body = {} as WireBody;
    try {
      body = JSON.parse(text) as WireBody;
    } catch {
      // not JSON (health checks): assertions use `text`
    }
    return { status: res.status, headers: res.headers, text, body };
  };
}

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function shopMetrics(): MemoryMetricsProvider {
  const memory = new MemoryMetricsProvider();
  for (const [name, value, app] of [
    ['web-1', '250m', 'web'],
    ['web-2', '2', 'web'],
    ['db-1', '7', 'db'],
  ] as const)
    memory.setCustomMetric({
      groupResource: 'pods',
      namespace: 'shop',
      name,
      metric: 'http_requests',
      value,
      labels: { app },
      windowSeconds: 60,
    });
  memory.setCustomMetric({
    groupResource: 'deployments.apps',
    namespace: 'shop',
    name: 'web',
    metric: 'queue_length',
    value: 10,
    metricLabels: { queue: 'orders' },
    timestamp: new Date('2025-03-01T11:59:30Z'),
  });
  memory.setCustomMetric({
    groupResource: 'deployments.apps',
    namespace: 'shop',
    name: 'web',
    metric: 'queue_length',
    value: 5,
    metricLabels: { queue: 'refunds' },
  });
  memory.setCustomMetric({
    groupResource: 'nodes',
    name: 'node-1',
    metric: 'temperature',
    value: '45.5',
    labels: { pool: 'a' },
  });
  memory.setCustomMetric({ groupResource: 'namespaces', name: 'shop', metric: 'queue_length', value: 3 });
  memory.setExternalMetric({
    metric: 'queue_depth',
    labels: { queue: 'orders' },
    value: 42,
    windowSeconds: 30,
  });
  memory.setExternalMetric({ metric: 'queue_depth', labels: { queue: 'refunds' }, value: '1k' });
  memory.setExternalMetric({
    metric: 'queue_depth',
    namespace: 'other',
    labels: { queue: 'private' },
    value: 1,
  });
  memory.setNodeUsage({
    name: 'node-1',
    labels: { pool: 'a' },
    usage: { cpu: '1500m', memory: '6Gi' },
    windowSeconds: 20.033,
  });
  memory.setNodeUsage({
    name: 'node-2',
    labels: { pool: 'b' },
    usage: { cpu: '500m', memory: '2Gi' },
    windowSeconds: 30,
  });
  memory.setPodUsage({
    namespace: 'shop',
    name: 'web-1',
    labels: { app: 'web' },
    containers: [
      { name: 'app', usage: { cpu: '250m', memory: '128Mi' } },
      { name: 'sidecar', usage: { cpu: '10m', memory: '16Mi' } },
    ],
    windowSeconds: 30,
  });
  memory.setPodUsage({
    namespace: 'shop',
    name: 'db-1',
    labels: { app: 'db' },
    containers: [{ name: 'db', usage: { cpu: 1, memory: '1Gi' } }],
  });
  memory.setPodUsage({
    namespace: 'ops',
    name: 'agent',
    containers: [{ name: 'agent', usage: { cpu: '5m', memory: '8Mi' } }],
  });
  return memory;
}

describe('custom.metrics.k8s.io: one provider, both versions', () => {
  const memory = shopMetrics();
  let get: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    get = await start({ providers: { custom: memory } });
  });

  it('v1beta2 MetricValue: describedObject, metric{name}, timestamp, windowSeconds, value', async () => {
    const r = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.body).toEqual({
      kind: 'MetricValueList',
      apiVersion: 'custom.metrics.k8s.io/v1beta2',
      metadata: {},
      items: [
        {
          describedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1', apiVersion: 'v1' },
          metric: { name: 'http_requests' },
          timestamp: '2025-03-01T12:00:00Z',
          windowSeconds: 60,
          value: '250m',
        },
      ],
    });
  });

  it('v1beta1 MetricValue: describedObject, metricName, timestamp, window, value, selector: null', async () => {
    const r = await get('/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/pods/web-1/http_requests');
    expect(r.body).toEqual({
      kind: 'MetricValueList',
      apiVersion: 'custom.metrics.k8s.io/v1beta1',
      metadata: {},
      items: [
        {
          describedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1', apiVersion: 'v1' },
          metricName: 'http_requests',
          timestamp: '2025-03-01T12:00:00Z',
          window: 60,
          value: '250m',
          selector: null,
        },
      ],
    });
  });

  it('the HPA Pods metric: * (and %2A) with labelSelector, values keyed by describedObject.name', async () => {
    for (const star of ['*', '%2A']) {
      const r = await get(
        `/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/${star}/http_requests?labelSelector=app%3Dweb`,
      );
      expect(r.status).toBe(200);
      const byName = Object.fromEntries(r.body.items.map((i) => [i.describedObject.name, i.value]));
      expect(byName).toEqual({ 'web-1': '250m', 'web-2': '2' });
    }
    const all = await get('/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/pods/*/http_requests');
    expect(all.body.items).toHaveLength(3);
  });

  it('the HPA Object metric on deployments.apps with metricLabelSelector: series summed, selector echoed', async () => {
    const base = '/apis/custom.metrics.k8s.io/%s/namespaces/shop/deployments.apps/web/queue_length';
    const v2 = await get(`${base.replace('%s', 'v1beta2')}?metricLabelSelector=queue%3Dorders`);
    expect(v2.body.items).toEqual([
      {
        describedObject: { kind: 'Deployment', namespace: 'shop', name: 'web', apiVersion: 'apps/v1' },
        metric: { name: 'queue_length', selector: { matchLabels: { queue: 'orders' } } },
        timestamp: '2025-03-01T11:59:30Z',
        value: '10',
      },
    ]);
    const v1 = await get(`${base.replace('%s', 'v1beta1')}?metricLabelSelector=queue+in+(orders,refunds)`);
    expect(v1.body.items[0]).toMatchObject({
      metricName: 'queue_length',
      value: '15',
      selector: { matchExpressions: [{ key: 'queue', operator: 'In', values: ['orders', 'refunds'] }] },
    });
    const sum = await get(base.replace('%s', 'v1beta2'));
    expect(sum.body.items[0]?.value).toBe('15');
  });

  it('cluster-scoped objects and metrics about a namespace', async () => {
    const node = await get('/apis/custom.metrics.k8s.io/v1beta2/nodes/node-1/temperature');
    expect(node.body.items[0]?.describedObject).toEqual({ kind: 'Node', name: 'node-1', apiVersion: 'v1' });
    expect(node.body.items[0]?.value).toBe('45500m');
    const nodes = await get('/apis/custom.metrics.k8s.io/v1beta2/nodes/*/temperature?labelSelector=pool%3Da');
    expect(nodes.body.items).toHaveLength(1);
    const ns = await get('/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/metrics/queue_length');
    expect(ns.body.items[0]?.describedObject).toEqual({ kind: 'Namespace', name: 'shop', apiVersion: 'v1' });
    expect(ns.body.items[0]?.value).toBe('3');
  });

  it('404 NotFound Status in custom-metrics-apiserver words; an empty list when only objects are missing', async () => {
    const unknown = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the metric nope for pods',
      reason: 'NotFound',
      details: { group: 'custom.metrics.k8s.io', kind: 'pods' },
      code: 404,
    });
    const one = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-9/http_requests');
    expect(one.status).toBe(404);
    expect(one.body.message).toBe('the server could not find the metric http_requests for pods web-9');
    const none = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests?labelSelector=app%3Dnone',
    );
    expect(none.status).toBe(200);
    expect(none.body.items).toEqual([]);
  });

  it('400 BadRequest for selectors that do not parse', async () => {
    const r = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests?labelSelector=app+in+(',
    );
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(r.body.message).toContain('invalid label selector');
    const m = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests?metricLabelSelector=%3D%3D',
    );
    expect(m.status).toBe(400);
  });

  it('groups without a provider are 404; other verbs are 405; watch is 405', async () => {
    expect((await get('/apis/metrics.k8s.io/v1beta1/nodes')).status).toBe(404);
    expect((await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/a/m')).status).toBe(404);
    const post = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests', {
      method: 'POST',
      body: '{}',
    });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect(post.body).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
    const watch = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests?watch=true',
    );
    expect(watch.status).toBe(405);
  });

  it('pretty=true indents; every answer carries Audit-Id', async () => {
    const r = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests?pretty=true',
      {
        headers: { 'Audit-Id': 'abc-123' },
      },
    );
    expect(r.text).toContain('\n  "kind": "MetricValueList"');
    expect(r.headers.get('audit-id')).toBe('abc-123');
    expect((await get('/nope')).headers.get('audit-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('selector resolution through an ObjectLister', () => {
  const seen: CustomMetricSelectorQuery[] = [];
  const memory = shopMetrics();
  const spy: CustomMetricsProvider = {
    listCustomMetrics: () => memory.listCustomMetrics(),
    getMetricByName: (q: CustomMetricObjectQuery) => memory.getMetricByName(q),
    getMetricBySelector: (q) => {
      seen.push(q);
      // Also answers for an object that was not asked for: the server must drop it.
      return [...memory.getMetricBySelector(q), { name: 'intruder', value: parseQuantity('1') }];
    },
  };
  afterEach(() => {
    seen.length = 0;
  });

  it('resolved names reach the provider; values for other objects are dropped', async () => {
    const lister = new StaticObjectLister([
      {
        groupResource: { group: '', resource: 'pods' },
        namespace: 'shop',
        name: 'web-1',
        labels: { app: 'web' },
      },
      {
        groupResource: { group: '', resource: 'pods' },
        namespace: 'shop',
        name: 'web-2',
        labels: { app: 'web' },
      },
      {
        groupResource: { group: '', resource: 'pods' },
        namespace: 'other',
        name: 'web-3',
        labels: { app: 'web' },
      },
    ]);
    const get = await start({ providers: { custom: spy }, objectLister: lister });
    const r = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests?labelSelector=app%3Dweb',
    );
    expect(seen[0]?.names).toEqual(['web-1', 'web-2']);
    expect(seen[0]?.selector.toString()).toBe('app=web');
    expect(r.body.items.map((i) => i.describedObject.name).sort()).toEqual(['web-1', 'web-2']);
  });

  it('a lister that does not know the resource leaves resolution to the provider', async () => {
    const get = await start({ providers: { custom: spy }, objectLister: new StaticObjectLister() });
    const r = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests?labelSelector=app%3Ddb',
    );
    expect(seen[0]?.names).toBeUndefined();
    expect(r.body.items.map((i) => i.describedObject.name)).toEqual(['db-1', 'intruder']);
  });

  it('nothing matches: the provider is not asked', async () => {
    const lister = new StaticObjectLister();
    lister.declare({ group: '', resource: 'pods' });
    const get = await start({ providers: { custom: spy }, objectLister: lister });
    const r = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests?labelSelector=app%3Dweb',
    );
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([]);
    expect(seen).toHaveLength(0);
  });
});

describe('external.metrics.k8s.io', () => {
  let get: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    get = await start({ providers: { external: shopMetrics() } });
  });

  it('ExternalMetricValue: metricName, metricLabels, timestamp, window, value; selector on metric labels', async () => {
    const r = await get(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth?labelSelector=queue%3Dorders',
    );
    expect(r.body).toEqual({
      kind: 'ExternalMetricValueList',
      apiVersion: 'external.metrics.k8s.io/v1beta1',
      metadata: {},
      items: [
        {
          metricName: 'queue_depth',
          metricLabels: { queue: 'orders' },
          timestamp: '2025-03-01T12:00:00Z',
          window: 30,
          value: '42',
        },
      ],
    });
    const all = await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth');
    expect(all.body.items.map((i) => i.value)).toEqual(['42', '1k']);
    const other = await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/other/queue_depth');
    expect(other.body.items).toHaveLength(3);
  });

  it('unknown metric: 404; known metric, nothing matched: empty list', async () => {
    const r = await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/nope');
    expect(r.status).toBe(404);
    expect(r.body.message).toBe('the server could not find the external metric nope');
    const empty = await get(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth?labelSelector=queue%3Dx',
    );
    expect(empty.status).toBe(200);
    expect(empty.body.items).toEqual([]);
  });
});

describe('metrics.k8s.io v1 and v1beta1 (metrics-server shapes)', () => {
  let get: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    get = await start({ providers: { resource: shopMetrics() } });
  });

  it.each(['v1', 'v1beta1'])('%s NodeMetricsList and NodeMetrics', async (version) => {
    const list = await get(`/apis/metrics.k8s.io/${version}/nodes`);
    expect(list.body).toEqual({
      kind: 'NodeMetricsList',
      apiVersion: `metrics.k8s.io/${version}`,
      metadata: {},
      items: [
        {
          metadata: { name: 'node-1', creationTimestamp: '2025-03-01T12:00:00Z', labels: { pool: 'a' } },
          timestamp: '2025-03-01T12:00:00Z',
          window: '20.033s',
          usage: { cpu: '1500m', memory: '6Gi' },
        },
        {
          metadata: { name: 'node-2', creationTimestamp: '2025-03-01T12:00:00Z', labels: { pool: 'b' } },
          timestamp: '2025-03-01T12:00:00Z',
          window: '30s',
          usage: { cpu: '500m', memory: '2Gi' },
        },
      ],
    });
    const one = await get(`/apis/metrics.k8s.io/${version}/nodes/node-2`);
    expect(one.body).toMatchObject({
      kind: 'NodeMetrics',
      apiVersion: `metrics.k8s.io/${version}`,
      metadata: { name: 'node-2' },
    });
  });

  it('pods: all namespaces, one namespace, one pod, label and field selectors', async () => {
    const all = await get('/apis/metrics.k8s.io/v1beta1/pods');
    expect(all.body.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'ops/agent',
      'shop/db-1',
      'shop/web-1',
    ]);
    const shop = await get('/apis/metrics.k8s.io/v1/namespaces/shop/pods?labelSelector=app%3Dweb');
    expect(shop.body.items).toEqual([
      {
        metadata: {
          name: 'web-1',
          namespace: 'shop',
          creationTimestamp: '2025-03-01T12:00:00Z',
          labels: { app: 'web' },
        },
        timestamp: '2025-03-01T12:00:00Z',
        window: '30s',
        containers: [
          { name: 'app', usage: { cpu: '250m', memory: '128Mi' } },
          { name: 'sidecar', usage: { cpu: '10m', memory: '16Mi' } },
        ],
      },
    ]);
    const pod = await get('/apis/metrics.k8s.io/v1/namespaces/shop/pods/db-1');
    expect(pod.body).toMatchObject({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1', window: '0s' });
    expect(pod.body.containers[0]?.usage.cpu).toBe('1');
    const byField = await get('/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.namespace%3Dops');
    expect(byField.body.items.map((p) => p.metadata.name)).toEqual(['agent']);
    const notName = await get(
      '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?fieldSelector=metadata.name!%3Dweb-1',
    );
    expect(notName.body.items.map((p) => p.metadata.name)).toEqual(['db-1']);
  });

  it('404s say what metrics-server says; unsupported field selectors are 400', async () => {
    const node = await get('/apis/metrics.k8s.io/v1beta1/nodes/node-9');
    expect(node.status).toBe(404);
    expect(node.body).toMatchObject({
      message: 'nodemetrics.metrics.k8s.io "node-9" not found',
      reason: 'NotFound',
      details: { name: 'node-9', group: 'metrics.k8s.io', kind: 'nodemetrics' },
    });
    const pod = await get('/apis/metrics.k8s.io/v1/namespaces/shop/pods/nope');
    expect(pod.body.message).toBe('podmetrics.metrics.k8s.io "shop/nope" not found');
    const field = await get('/apis/metrics.k8s.io/v1/pods?fieldSelector=spec.nodeName%3Dn1');
    expect(field.status).toBe(400);
    expect(field.body.message).toBe(
      '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    const badField = await get('/apis/metrics.k8s.io/v1/pods?fieldSelector=metadata.name');
    expect(badField.status).toBe(400);
  });
});

describe('failing providers: Status answers, never a crash', () => {
  const failing = (thrown: () => unknown): CustomMetricsProvider => ({
    listCustomMetrics: () => [
      { groupResource: { group: '', resource: 'pods' }, metric: 'm', namespaced: true },
    ],
    getMetricByName: () => {
      throw thrown();
    },
    getMetricBySelector: () => Promise.reject(thrown()), // eslint-disable-line @typescript-eslint/prefer-promise-reject-errors
  });

  it('ProviderUnavailableError → 503 with Retry-After', async () => {
    const get = await start({
      providers: {
        custom: failing(() => new ProviderUnavailableError('prometheus is down', { retryAfterSeconds: 5 })),
      },
    });
    const r = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/a/pods/*/m');
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('5');
    expect(r.body).toMatchObject({
      kind: 'Status',
      reason: 'ServiceUnavailable',
      code: 503,
      message: 'the server is currently unable to handle the request: prometheus is down',
      details: { retryAfterSeconds: 5 },
    });
  });

  it('StatusError → its own Status', async () => {
    const get = await start({
      providers: { custom: failing(() => new StatusError(403, 'tenant may not read m')) },
    });
    const r = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/a/pods/x/m');
    expect(r.body).toMatchObject({ reason: 'Forbidden', code: 403, message: 'tenant may not read m' });
  });

  it.each([
    ['an Error', () => new Error('boom'), 'boom'],
    ['a string', () => 'down', 'down'],
    ['undefined', () => undefined, 'undefined'],
    ['null', () => null, 'null'],
    ['an object', () => ({ code: 7 }), '{"code":7}'],
    ['a cyclic object', () => { const o: { self?: unknown } = {}; o.self = o; return o; }, 'object'], // prettier-ignore
    ['a symbol', () => Symbol('s'), 'symbol'],
  ])(
    'a provider throwing %s → 500 InternalError naming only the request id; the cause is logged under it',
    async (_what, thrown, cause) => {
      const errors: Record<string, unknown>[] = [];
      const logger: Logger = {
        debug: () => {},
        info: () => {},
        warn: () => {},
        error: (fields) => errors.push(fields),
      };
      const get = await start({ providers: { custom: failing(thrown) }, logger });
      for (const path of [
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/a/pods/x/m',
        '/apis/custom.metrics.k8s.io/v1beta1/namespaces/a/pods/*/m',
      ]) {
        const r = await get(path);
        expect(r.status).toBe(500);
        const id = r.headers.get('audit-id') ?? '';
        expect(id).not.toBe('');
        expect(r.body).toMatchObject({
          kind: 'Status',
          reason: 'InternalError',
          code: 500,
          message: `Internal error occurred: the request failed; the server log has the cause under request id ${id}`,
        });
        expect(errors.at(-1)).toMatchObject({ reqId: id, error: cause });
      }
      expect(errors.length).toBe(2);
      expect((await get('/healthz')).status).toBe(200);
    },
  );

  it('a provider breaking the contract → 500; the log names the method and field', async () => {
    const errors: Record<string, unknown>[] = [];
    const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (f) => errors.push(f) };
    const get = await start({
      logger,
      providers: {
        custom: {
          listCustomMetrics: () => [],
          getMetricByName: () => ({ name: 'x', value: '250m' }) as never,
          getMetricBySelector: () => null as never,
        },
        resource: {
          getNodeUsage: () => [{ name: 'n', usage: { cpu: 5 } }] as never,
          getPodUsage: () => [{ namespace: 'a', name: 'p', containers: 'x' }] as never,
        },
      },
    });
    // The client gets the request id only; the provider's author finds the method and field in the log.
    const byName = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/a/pods/x/m');
    expect(byName.status).toBe(500);
    expect(byName.body.message).toContain(byName.headers.get('audit-id') ?? 'no id');
    const logged = (): string => JSON.stringify(errors.at(-1));
    expect(logged()).toContain('getMetricByName returned an invalid answer: value.value must be a Quantity');
    await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/a/pods/*/m');
    expect(logged()).toContain('getMetricBySelector returned an invalid answer: expected an array');
    await get('/apis/metrics.k8s.io/v1/nodes');
    expect(logged()).toContain('node.usage.cpu must be a Quantity');
    expect((await get('/apis/metrics.k8s.io/v1/pods')).status).toBe(500);
  });

  it('a hanging provider is aborted when the client disconnects; the server keeps serving', async () => {
    let aborted: (reason: unknown) => void = () => {};
    const sawAbort = new Promise<unknown>((resolve) => (aborted = resolve));
    let called: () => void = () => {};
    const wasCalled = new Promise<void>((resolve) => (called = resolve));
    const hanging: ResourceMetricsProvider = {
      getNodeUsage: ({ signal }) => {
        called();
        signal.addEventListener('abort', () => aborted(signal.reason));
        return new Promise(() => {}); // never settles, ignores the signal
      },
      getPodUsage: () => [],
    };
    const get = await start({ providers: { resource: hanging } });
    const client = new AbortController();
    const pending = get('/apis/metrics.k8s.io/v1/nodes', { signal: client.signal }).catch((e: unknown) => e);
    await wasCalled;
    client.abort();
    expect(await pending).toBeInstanceOf(Error);
    expect(String(await sawAbort)).toContain('client disconnected');
    expect((await get('/apis/metrics.k8s.io/v1/pods')).status).toBe(200);
  });

  it('a provider slower than requestTimeoutMs → 504 Timeout and an aborted signal', async () => {
    let signalSeen: AbortSignal | undefined;
    const get = await start({
      requestTimeoutMs: 50,
      providers: {
        external: {
          listExternalMetrics: () => [],
          getExternalMetric: ({ signal }) => {
            signalSeen = signal;
            return new Promise(() => {});
          },
        } satisfies ExternalMetricsProvider,
      },
    });
    const r = await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/a/m');
    expect(r.status).toBe(504);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'Timeout', code: 504 });
    expect(signalSeen?.aborted).toBe(true);
  });

  it('a hanging listExternalMetrics: discovery answers by its own deadline with the last good list', async () => {
    let hang = false;
    const get = await start({
      listMetricsTimeoutMs: 50,
      providers: {
        external: {
          listExternalMetrics: () => (hang ? new Promise<never>(() => {}) : [{ metric: 'q' }]),
          getExternalMetric: () => [],
        },
      },
    });
    const names = async (): Promise<string[]> =>
      (await get('/apis/external.metrics.k8s.io/v1beta1')).body.resources.map((r) => r.name);
    expect(await names()).toEqual(['q']);
    hang = true;
    const started = Date.now();
    expect(await names()).toEqual(['q']);
    // By its own 50 ms deadline, not the 60 s request timeout (which would answer 504); the margin
    // is for a loaded machine, where a timer can fire seconds late.
    expect(Date.now() - started).toBeLessThan(10_000);
    // The 404 check uses the same list: a known metric with no series is an empty list.
    expect((await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/a/q')).status).toBe(200);
  });

  it('listCustomMetrics failing keeps discovery up with the last good list', async () => {
    let fail = false;
    const warnings: string[] = [];
    const get = await start({
      logger: { debug: () => {}, info: () => {}, error: () => {}, warn: (_f, m) => warnings.push(m) },
      providers: {
        custom: {
          listCustomMetrics: () => {
            if (fail) throw new ProviderUnavailableError('down');
            return [{ groupResource: { group: '', resource: 'pods' }, metric: 'm', namespaced: true }];
          },
          getMetricByName: () => undefined,
          getMetricBySelector: () => [],
        },
      },
    });
    const names = async (): Promise<string[]> =>
      (await get('/apis/custom.metrics.k8s.io/v1beta2')).body.resources.map((r) => r.name);
    expect(await names()).toEqual(['pods/m']);
    fail = true;
    expect(await names()).toEqual(['pods/m']);
    expect(warnings[0]).toContain('listCustomMetrics failed');
  });
});

describe('auth hooks', () => {
  const seen: RequestAttributes[] = [];
  let get: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    get = await start({
      providers: { resource: shopMetrics() },
      authenticate: (req) => {
        const auth = req.headers.authorization;
        if (auth === 'Bearer boom') throw new StatusError(401, 'token review failed');
        return auth === 'Bearer good' || auth === 'Bearer limited'
          ? { username: auth.slice(7), groups: ['dev'] }
          : undefined;
      },
      authorize: async (attributes) => {
        seen.push(attributes);
        await Promise.resolve();
        if (attributes.user?.username === 'good') return { allowed: true };
        return { allowed: false, reason: 'RBAC: no rule' };
      },
    });
  });

  it('401 without credentials, 403 with a kube-apiserver style message, 200 when allowed', async () => {
    const anonymous = await get('/apis/metrics.k8s.io/v1beta1/nodes');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    const denied = await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods', {
      headers: { authorization: 'Bearer limited' },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe(
      'pods.metrics.k8s.io is forbidden: User "limited" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "shop": RBAC: no rule',
    );
    const deniedPath = await get('/apis', { headers: { authorization: 'Bearer limited' } });
    expect(deniedPath.body.message).toBe('forbidden: User "limited" cannot get path "/apis": RBAC: no rule');
    const ok = await get('/apis/metrics.k8s.io/v1beta1/nodes/node-1', {
      headers: { authorization: 'Bearer good' },
    });
    expect(ok.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({
      verb: 'get',
      resource: 'nodes',
      name: 'node-1',
      user: { username: 'good' },
    });
    const hookError = await get('/apis', { headers: { authorization: 'Bearer boom' } });
    expect(hookError.body).toMatchObject({ code: 401, message: 'token review failed' });
  });

  it('health paths skip the hooks (kubelet probes carry no credentials)', async () => {
    const before = seen.length;
    expect((await get('/livez')).status).toBe(200);
    expect((await get('/readyz')).text).toBe('ok');
    expect(seen.length).toBe(before);
  });

  it('authorization runs before routing: unknown paths are 403 for the denied', async () => {
    expect((await get('/nope', { headers: { authorization: 'Bearer limited' } })).status).toBe(403);
    expect((await get('/nope', { headers: { authorization: 'Bearer good' } })).status).toBe(404);
  });
});

describe('health, version, lifecycle', () => {
  it('readyz does not follow providers ready() (issue 11): verbose shows the backend as degraded, /metrics as down', async () => {
    const memory = shopMetrics();
    const get = await start({ providers: { custom: memory, resource: memory } });
    expect((await get('/readyz')).text).toBe('ok');
    expect((await get('/healthz?verbose')).text).toBe('[+]ping ok\nhealthz check passed\n');
    expect((await get('/readyz?verbose')).text).toBe(
      '[+]ping ok\n[+]provider-resource ok\n[+]provider-custom ok\nreadyz check passed\n',
    );
    memory.setReady(false);
    const degraded = await get('/readyz');
    expect(degraded.status).toBe(200);
    expect(degraded.text).toBe('ok');
    const verbose = await get('/readyz?verbose');
    expect(verbose.status).toBe(200);
    expect(verbose.text).toBe(
      '[+]ping ok\n' +
        '[!]provider-resource backend unavailable (readiness unaffected): ready() returned false\n' +
        '[!]provider-custom backend unavailable (readiness unaffected): ready() returned false\n' +
        'readyz check passed\n',
    );
    const metrics = (await get('/metrics')).text;
    expect(metrics).toContain('kubemetrics_apiserver_provider_backend_up{provider="custom"} 0');
    memory.setReady(true);
    expect((await get('/metrics')).text).toContain(
      'kubemetrics_apiserver_provider_backend_up{provider="custom"} 1',
    );
    expect((await get('/readyz?verbose')).text).not.toContain('[!]');
    expect((await get('/livez')).status).toBe(200);
  });

  it('/version and /api answer like a Kubernetes server', async () => {
    const get = await start({
      providers: { resource: shopMetrics() },
      version: { gitVersion: 'v1.32.1-test' },
    });
    expect((await get('/version')).body).toMatchObject({
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.1-test',
    });
    expect((await get('/api')).body).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [],
    });
    expect((await get('/api/v1')).body).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
  });

  it('options are checked up front, every problem at once', () => {
    expect(() => createMetricsApiServer({ providers: {} })).toThrow(/at least one of providers.custom/);
    try {
      createMetricsApiServer({
        providers: { custom: {} as never, resource: { getNodeUsage: () => [] } as never },
        requestTimeoutMs: -1,
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KubemetricsError);
      expect((error as KubemetricsError).code).toBe('KUBEMETRICS_ERR_ARGUMENT');
      const message = (error as Error).message;
      for (const part of [
        'providers.custom has no listCustomMetrics()',
        'providers.resource has no getPodUsage()',
        '"requestTimeoutMs"',
      ])
        expect(message).toContain(part);
    }
  });

  it('listen twice is an error; close is idempotent; the handler works without listen', async () => {
    const server = createMetricsApiServer({ providers: { resource: shopMetrics() } });
    await server.listen();
    await expect(server.listen()).rejects.toThrow(/already listening/);
    await server.close();
    await server.close();
    expect(typeof server.handler).toBe('function');
  });
});
