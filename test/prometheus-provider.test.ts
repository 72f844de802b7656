/**
 * The Prometheus provider against a real Prometheus (Debian's 2.42, started on 127.0.0.1 with
 * backfilled data): custom metrics (pods by selector, one object, a namespace, a Deployment),
 * external and resource metrics served by our API server equal what the same PromQL returns from
 * Prometheus directly; Prometheus stopped mid-test gives 503 and readiness false, and the server
 * recovers by itself when it comes back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createMetricsApiServer,
  parseServerConfig,
  SILENT_LOGGER,
  StaticObjectLister,
} from '../src/apiserver/index.js';
import { PROVIDER_TYPES } from '../src/cli/commands/apiserver-providers.js';
import { parseQuantity } from '../src/quantity/index.js';
import type { MetricsApiServer } from '../src/apiserver/index.js';
import { explainRequest, loadAdapterConfig, PrometheusProvider } from '../src/providers/prometheus/index.js';
import {
  createCertificateAuthority,
  issueClientCertificate,
  startTestCluster,
} from '../src/testing/index.js';
import { startApiserverCli } from './helpers/apiserver-cli.js';
import { cli } from './helpers/cli.js';
import { httpsGet } from './helpers/https.js';
import type { RunningPrometheus, SeriesData } from './helpers/prometheus.js';
import { counter, gauge, rawSeries, sampleWindow, startPrometheus, vectorOf } from './helpers/prometheus.js';
import { needPeer, PROMETHEUS } from './helpers/peers.js';

const prometheusPeer = needPeer(PROMETHEUS);

// Samples run a minute into the future so rate() stays exact while the tests run (see the harness).
const window = sampleWindow({ futureMs: 120_000 });
const pod = (name: string, namespace = 'shop') => ({ namespace, pod: name });

const SERIES: SeriesData[] = [
  counter('http_requests_total', { ...pod('web-1'), app: 'web' }, 2, window),
  counter('http_requests_total', { ...pod('web-2'), app: 'web' }, 3.5, window),
  counter('http_requests_total', { ...pod('api-1'), app: 'api' }, 0.25, window),
  counter('http_requests_total', { ...pod('web-1', 'other'), app: 'web' }, 9, window),
  gauge('queue_depth', { ...pod('web-1') }, 7, window),
  gauge('queue_depth', { ...pod('web-2') }, NaN, window),
  gauge('deployment_ready_replicas', { namespace: 'shop', deployment: 'web' }, 3, window),
  gauge('namespace_budget_ratio', { namespace: 'shop' }, 0.125, window),
  gauge('queue_messages_ready', { namespace: 'shop', queue: 'orders' }, 42, window),
  gauge('queue_messages_ready', { namespace: 'shop', queue: 'billing' }, 7, window),
  gauge('queue_messages_ready', { namespace: 'other', queue: 'orders' }, 1000, window),
  gauge('cloud_queue_depth', { queue: 'global' }, 11, window),
  // Resource metrics, cadvisor/kubelet style.
  counter(
    'container_cpu_usage_seconds_total',
    { ...pod('web-1'), container: 'app', node: 'n1' },
    0.25,
    window,
  ),
  counter(
    'container_cpu_usage_seconds_total',
    { ...pod('web-1'), container: 'proxy', node: 'n1' },
    0.005,
    window,
  ),
  gauge(
    'container_memory_working_set_bytes',
    { ...pod('web-1'), container: 'app', node: 'n1' },
    128 * 2 ** 20,
    window,
  ),
  gauge(
    'container_memory_working_set_bytes',
    { ...pod('web-1'), container: 'proxy', node: 'n1' },
    16 * 2 ** 20,
    window,
  ),
  counter(
    'container_cpu_usage_seconds_total',
    { ...pod('web-2'), container: 'app', node: 'n2' },
    1.5,
    window,
  ),
  gauge(
    'container_memory_working_set_bytes',
    { ...pod('web-2'), container: 'app', node: 'n2' },
    300 * 2 ** 20,
    window,
  ),
  counter('node_cpu_usage_seconds_total', { node: 'n1' }, 1.25, window),
  gauge('node_memory_working_set_bytes', { node: 'n1' }, 4 * 2 ** 30, window),
  counter('node_cpu_usage_seconds_total', { node: 'n2' }, 0.75, window),
  gauge('node_memory_working_set_bytes', { node: 'n2' }, 3 * 2 ** 30, window),
  rawSeries('unrelated_metric', { job: 'x' }, [[window.lastMs, 1]]),
];

const ADAPTER_CONFIG = `
rules:
- seriesQuery: '{__name__=~"^http_requests_total$",namespace!="",pod!=""}'
  resources:
    overrides:
      namespace: {resource: namespace}
      pod: {resource: pod}
  name:
    matches: "^(.*)_total$"
    as: "\${1}_per_second"
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)'
- seriesQuery: '{__name__="queue_depth",namespace!=""}'
  resources:
    template: <<.Resource>>
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
- seriesQuery: '{__name__=~"deployment_ready_replicas|namespace_budget_ratio",namespace!=""}'
  resources:
    overrides:
      namespace: {resource: namespace}
      deployment: {group: apps, resource: deployment}
  metricsQuery: max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
externalRules:
- seriesQuery: '{__name__="queue_messages_ready",queue!=""}'
  resources:
    overrides:
      namespace: {resource: namespace}
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (queue)
- seriesQuery: '{__name__="cloud_queue_depth"}'
  resources:
    namespaced: false
  metricsQuery: max(<<.Series>>{<<.LabelMatchers>>}) by (queue)
resourceRules:
  cpu:
    containerQuery: |
      sum by (<<.GroupBy>>) (
        rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>,container!="",pod!=""}[2m])
      )
    nodeQuery: sum by (<<.GroupBy>>) (rate(node_cpu_usage_seconds_total{<<.LabelMatchers>>}[2m]))
    resources:
      overrides:
        node: {resource: node}
        namespace: {resource: namespace}
        pod: {resource: pod}
    containerLabel: container
  memory:
    containerQuery: sum by (<<.GroupBy>>) (container_memory_working_set_bytes{<<.LabelMatchers>>,container!="",pod!=""})
    nodeQuery: sum by (<<.GroupBy>>) (node_memory_working_set_bytes{<<.LabelMatchers>>})
    resources:
      overrides:
        node: {resource: node}
        namespace: {resource: namespace}
        pod: {resource: pod}
    containerLabel: container
  window: 2m
`;

const pods = (namespace: string, entries: [string, Record<string, string>][]) =>
  entries.map(([name, labels]) => ({
    groupResource: { group: '', resource: 'pods' },
    namespace,
    name,
    labels,
  }));

prometheusPeer.describe('Prometheus provider against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let provider: PrometheusProvider;
  let server: MetricsApiServer;
  let base: string;
  let dir: string;
  let rulesFile: string;
  let badRulesFile: string;

  const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** What Prometheus itself answers for `promql`: labels → value. */
  const direct = async (promql: string, label: string): Promise<Record<string, number>> => {
    const samples = vectorOf(await prometheus.query(promql));
    return Object.fromEntries(samples.map((s) => [s.metric[label] ?? '', Number(s.value[1])]));
  };
  const items = (body: Record<string, unknown>) => body['items'] as Record<string, unknown>[];

  beforeAll(async () => {
    prometheus = await startPrometheus({ series: SERIES });
    dir = mkdtempSync(join(tmpdir(), 'kubemetrics-prom-'));
    rulesFile = join(dir, 'adapter.yaml');
    writeFileSync(rulesFile, ADAPTER_CONFIG);
    badRulesFile = join(dir, 'bad.yaml');
    writeFileSync(badRulesFile, ADAPTER_CONFIG.replace('metricsQuery', 'metricQuery'));
    provider = new PrometheusProvider({
      // Far above a query's time on a loaded machine: a timeout would be a failure no test expects.
      connection: { url: prometheus.url, timeoutMs: 15_000 },
      config: loadAdapterConfig(rulesFile),
      probeIntervalMs: 200,
      queryCacheTtlMs: 0,
    });
    await provider.start();
    const lister = new StaticObjectLister(
      pods('shop', [
        ['web-1', { app: 'web' }],
        ['web-2', { app: 'web' }],
        ['api-1', { app: 'api' }],
      ]),
    );
    server = createMetricsApiServer({
      providers: { custom: provider, external: provider, resource: provider },
      objectLister: lister,
    });
    base = (await server.listen()).url;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await provider?.stop();
    await prometheus?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('discovers the metrics the rules describe, one call per distinct seriesQuery', async () => {
    const { body } = await get('/apis/custom.metrics.k8s.io/v1beta2');
    const names = (body['resources'] as { name: string }[]).map((r) => r.name).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'pods/http_requests_per_second',
        'namespaces/http_requests_per_second',
        'pods/queue_depth',
        'deployments.apps/deployment_ready_replicas',
        'namespaces/namespace_budget_ratio',
      ]),
    );
    expect(names).not.toContain('pods/unrelated_metric');
    const external = await get('/apis/external.metrics.k8s.io/v1beta1');
    expect((external.body['resources'] as { name: string }[]).map((r) => r.name).sort()).toEqual([
      'cloud_queue_depth',
      'queue_messages_ready',
    ]);
    expect(provider.ready()).toBe(true);
  });

  it('pods by label selector equal the same PromQL sent to Prometheus', async () => {
    const { status, body } = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests_per_second?labelSelector=app%3Dweb',
    );
    expect(status).toBe(200);
    const served = Object.fromEntries(
      items(body).map((i) => [(i['describedObject'] as { name: string }).name, i['value'] as string]),
    );
    const expected = await direct(
      'sum(rate(http_requests_total{namespace="shop",pod=~"web-1|web-2"}[2m])) by (pod)',
      'pod',
    );
    expect(Object.keys(served).sort()).toEqual(['web-1', 'web-2']);
    for (const [name, value] of Object.entries(expected))
      expect(Number(parseQuantityText(served[name]))).toBeCloseTo(value, 6);
    // The value's window is the query's range; the timestamp is the answer's, not the server's clock.
    const first = items(body)[0] as { windowSeconds?: number; timestamp: string };
    expect(first.windowSeconds).toBe(120);
  });

  it('metricLabelSelector narrows the series; set selectors become escaped regexes', async () => {
    const narrowed = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests_per_second?metricLabelSelector=app%20in%20(api)',
    );
    expect(items(narrowed.body).map((i) => (i['describedObject'] as { name: string }).name)).toEqual([
      'api-1',
    ]);
    const expected = await direct(
      'sum(rate(http_requests_total{app=~"api|web",namespace="shop"}[2m])) by (pod)',
      'pod',
    );
    const both = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests_per_second?metricLabelSelector=app%20in%20(api,web)',
    );
    expect(items(both.body)).toHaveLength(Object.keys(expected).length);
    const external = await get(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_messages_ready?labelSelector=queue%20notin%20(orders)',
    );
    expect(items(external.body).map((i) => i['metricLabels'])).toEqual([{ queue: 'billing' }]);
    const unsupported = await get(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_messages_ready?labelSelector=queue%3E3',
    );
    expect(unsupported.status).toBe(400);
  });

  it('one object: its value, or 404 when the value is NaN (never 0)', async () => {
    const one = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/api-1/http_requests_per_second',
    );
    expect(one.status).toBe(200);
    expect(Number(parseQuantityText(items(one.body)[0]?.['value'] as string))).toBeCloseTo(0.25, 6);
    const ok = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/queue_depth');
    expect(items(ok.body)[0]?.['value']).toBe('7');
    const nan = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-2/queue_depth');
    expect(nan.status).toBe(404);
    const list = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/queue_depth');
    expect(items(list.body).map((i) => (i['describedObject'] as { name: string }).name)).toEqual(['web-1']);
  });

  it('namespace metrics and a Deployment object metric', async () => {
    const ns = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/metrics/namespace_budget_ratio',
    );
    expect(ns.status).toBe(200);
    expect(items(ns.body)[0]?.['value']).toBe('125m');
    expect(items(ns.body)[0]?.['describedObject']).toMatchObject({ kind: 'Namespace', name: 'shop' });
    const total = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/metrics/http_requests_per_second',
    );
    const expected = await direct(
      'sum(rate(http_requests_total{namespace="shop"}[2m])) by (namespace)',
      'namespace',
    );
    expect(Number(parseQuantityText(items(total.body)[0]?.['value'] as string))).toBeCloseTo(
      expected['shop'] ?? NaN,
      6,
    );
    const deployment = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/deployments.apps/web/deployment_ready_replicas',
    );
    expect(deployment.status).toBe(200);
    expect(items(deployment.body)[0]).toMatchObject({
      describedObject: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'web', namespace: 'shop' },
      value: '3',
    });
  });

  it('external metrics: scoped to the HPA namespace, or not with namespaced: false', async () => {
    const shop = await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_messages_ready');
    const served = Object.fromEntries(
      items(shop.body).map((i) => [(i['metricLabels'] as { queue: string }).queue, i['value']]),
    );
    const expected = await direct('sum(queue_messages_ready{namespace="shop"}) by (queue)', 'queue');
    expect(served).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, String(v)])));
    const selected = await get(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_messages_ready?labelSelector=queue%3Dorders',
    );
    expect(items(selected.body).map((i) => i['value'])).toEqual(['42']);
    const global = await get('/apis/external.metrics.k8s.io/v1beta1/namespaces/anywhere/cloud_queue_depth');
    expect(items(global.body).map((i) => i['value'])).toEqual(['11']);
  });

  it('resource metrics: nodes and pods equal the resourceRules queries, cpu in nano-cores, memory in bytes', async () => {
    const nodes = await get('/apis/metrics.k8s.io/v1beta1/nodes');
    expect(nodes.status).toBe(200);
    const expectedCpu = await direct('sum by (node) (rate(node_cpu_usage_seconds_total[2m]))', 'node');
    const byNode = Object.fromEntries(
      items(nodes.body).map((i) => [
        (i['metadata'] as { name: string }).name,
        i['usage'] as Record<string, string>,
      ]),
    );
    expect(Object.keys(byNode).sort()).toEqual(['n1', 'n2']);
    expect(Number(parseQuantityText(byNode['n1']?.['cpu'] ?? ''))).toBeCloseTo(expectedCpu['n1'] ?? NaN, 6);
    expect(byNode['n1']?.['memory']).toBe('4Gi');
    expect(items(nodes.body)[0]?.['window']).toBe('2m0s');

    const podMetrics = await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-1');
    expect(podMetrics.status).toBe(200);
    const containers = podMetrics.body['containers'] as { name: string; usage: Record<string, string> }[];
    expect(containers.map((c) => c.name)).toEqual(['app', 'proxy']);
    expect(containers[0]?.usage).toEqual({ cpu: '250m', memory: '128Mi' });
    expect(containers[1]?.usage).toEqual({ cpu: '5m', memory: '16Mi' });
  });

  it('explain shows the rule, the PromQL, the raw answer and the values; and why a metric is missing', async () => {
    const signal = AbortSignal.timeout(10_000);
    const found = await explainRequest(
      provider,
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests_per_second',
      { signal },
    );
    expect(found.rule?.path).toBe('rules[0]');
    expect(found.queries[0]?.promql).toBe(
      'sum(rate(http_requests_total{namespace="shop",pod="web-1"}[2m])) by (pod)',
    );
    expect(found.queries[0]?.answer).toMatchObject({ status: 'success' });
    expect(found.error).toBeUndefined();
    const missing = await explainRequest(
      provider,
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_request_per_second',
      { signal },
    );
    expect(missing.error?.code).toBe(404);
    expect(missing.notes.join('\n')).toMatch(/did you mean "pods\/http_requests_per_second"/);
    expect(missing.notes.join('\n')).toMatch(/rules\[0\]: seriesQuery .* matched 4 series/);
  });

  it('`kubemetrics apiserver explain` prints the rule, the query, the answer and the values', async () => {
    const args = [
      'apiserver',
      'explain',
      '--prometheus-url',
      prometheus.url,
      '--prometheus-adapter-config',
      rulesFile,
    ];
    const found = await cli([
      ...args,
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/queue_depth',
    ]);
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toContain('rule      rules[1]');
    expect(found.stdout).toContain('query 1   sum(queue_depth{namespace="shop",pod!=""}) by (pod)');
    expect(found.stdout).toMatch(/note\s+web-2: value NaN is not a number; reported as no value/);
    expect(found.stdout).toMatch(/"value": "7"/);
    const json = await cli([
      ...args,
      '-o',
      'json',
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/nope',
    ]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 404 } });
    const bad = await cli([
      'apiserver',
      'explain',
      '--prometheus-url',
      prometheus.url,
      '--prometheus-adapter-config',
      badRulesFile,
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/x',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('rules[0].metricQuery: unknown field (did you mean "metricsQuery"?)');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('the debug route (off by default) explains a request through the server', async () => {
    const { config, problems } = parseServerConfig(
      { providers: [{ type: 'prometheus', url: prometheus.url, rulesFile, debugRoute: true }] },
      PROVIDER_TYPES,
    );
    expect(problems).toEqual([]);
    const entry = config?.providers[0];
    expect(entry?.apis).toEqual(['custom', 'external', 'resource']);
    const created = await PROVIDER_TYPES['prometheus']!.create(entry!.settings as never, entry!.apis, {
      logger: SILENT_LOGGER,
      signal: AbortSignal.timeout(30_000),
    });
    const debugServer = createMetricsApiServer({
      providers: created.providers,
      debugHandlers: created.debugHandlers,
    });
    const { url } = await debugServer.listen();
    try {
      const target = encodeURIComponent(
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/queue_depth',
      );
      const response = await fetch(`${url}/debug/prometheus/explain?path=${target}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        rule: { path: 'rules[1]' },
        served: { name: 'web-1', value: '7' },
      });
      const off = createMetricsApiServer({ providers: created.providers });
      const offUrl = (await off.listen()).url;
      expect((await fetch(`${offUrl}/debug/prometheus/explain?path=${target}`)).status).toBe(404);
      await off.close();
    } finally {
      await debugServer.close();
      await created.close();
    }
  });

  it('`kubemetrics apiserver --prometheus-url … --enable-debug-explain`: a full run, aggregated and authorized', async () => {
    const frontProxyCA = createCertificateAuthority('prometheus-cli-front-proxy');
    const proxy = issueClientCertificate(frontProxyCA, 'front-proxy-client');
    const cluster = await startTestCluster({
      users: [
        { name: 'admin', groups: ['system:masters'] },
        { name: 'viewer', token: 'viewer-token', allow: [] },
      ],
      pods: [
        { metadata: { namespace: 'shop', name: 'web-1', labels: { app: 'web' } }, spec: { containers: [] } },
        { metadata: { namespace: 'shop', name: 'web-2', labels: { app: 'web' } }, spec: { containers: [] } },
      ],
      frontProxy: { caPem: frontProxyCA.certPem, allowedNames: ['front-proxy-client'] },
    });
    const server = await startApiserverCli({
      kubeconfig: cluster.kubeconfigPath,
      caBundleFile: join(dir, 'cli-ca.crt'),
      args: [
        '--prometheus-url',
        prometheus.url,
        '--prometheus-adapter-config',
        rulesFile,
        '--enable-debug-explain',
      ],
    }).catch(async (error: unknown) => {
      await cluster.stop();
      throw error;
    });
    const { url, ca, stdout, stderr } = server;
    try {
      const aggregator = { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' };
      const path =
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/queue_depth?labelSelector=app%3Dweb';
      const served = await httpsGet(`${url}${path}`, { ca, cert: proxy, headers: aggregator });
      expect(served.status).toBe(200);
      expect((JSON.parse(served.body) as { items: { value: string }[] }).items.map((i) => i.value)).toEqual([
        '7',
      ]);
      const explain = await httpsGet(`${url}/debug/prometheus/explain?path=${encodeURIComponent(path)}`, {
        ca,
        cert: proxy,
        headers: aggregator,
      });
      expect(explain.status).toBe(200);
      expect(JSON.parse(explain.body)).toMatchObject({ rule: { path: 'rules[1]' } });
      // The debug route is authorized like any request: a user without rights gets 403.
      const denied = await httpsGet(`${url}/debug/prometheus/explain?path=${encodeURIComponent(path)}`, {
        ca,
        headers: { authorization: 'Bearer viewer-token' },
      });
      expect(denied.status).toBe(403);
      expect(stderr.text).toContain('"msg":"discovered Prometheus series"');
    } finally {
      expect(await server.stop()).toBe(0);
      await cluster.stop();
    }
    expect(stdout.text).toBe('');
  }, 60_000);

  it('Prometheus stopped: 503 naming its URL, /readyz still 200 with ?verbose naming Prometheus (issue 11); restarted: served again without a restart', async () => {
    await prometheus.stop();
    const down = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests_per_second',
    );
    expect(down.status).toBe(503);
    expect(down.body['message']).toContain(prometheus.url);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const verbose = await fetch(`${base}/readyz?verbose`);
    expect(verbose.status).toBe(200);
    expect(await verbose.text()).toContain(
      `[!]provider-custom backend unavailable (readiness unaffected): Prometheus at ${prometheus.url}`,
    );
    expect(provider.ready()).toBe(false);

    await prometheus.start();
    const deadline = Date.now() + 15_000;
    while (!provider.ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(provider.ready()).toBe(true);
    const up = await get(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests_per_second',
    );
    expect(up.status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz?verbose`)).text()).not.toContain('[!]');
  }, 30_000);
});

/** A served quantity as a number, for comparison with Prometheus' float. */
function parseQuantityText(text: string | undefined): number {
  return text === undefined ? NaN : parseQuantity(text).toNumber();
}
