/**
 * A real prometheus-adapter configuration, unchanged: the rules the Helm chart renders by default
 * (test/fixtures/prometheus-adapter-default-rules.yaml: cadvisor container metrics, `_total`
 * counters turned into rates, `_seconds_total` into seconds per second, gauges as they are, and
 * the container cpu/memory resourceRules), against a real Prometheus with cadvisor-, node- and
 * application-style series. The metric names the adapter would serve appear, their values equal
 * the PromQL the rules describe, and the real kubectl reads them (`get --raw`, `top pod`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createMetricsApiServer } from '../src/apiserver/index.js';
import type { MetricsApiServer } from '../src/apiserver/index.js';
import { loadAdapterConfig, PrometheusProvider } from '../src/providers/prometheus/index.js';
import type { RunningPrometheus, SeriesData } from './helpers/prometheus.js';
import { counter, gauge, sampleWindow, startPrometheus, vectorOf } from './helpers/prometheus.js';
import { KUBECTL, needPeer, PROMETHEUS } from './helpers/peers.js';

const kubectlPeer = needPeer(KUBECTL);
const RULES = new URL('./fixtures/prometheus-adapter-default-rules.yaml', import.meta.url).pathname;
const window = sampleWindow({ futureMs: 120_000 });
const web1 = { namespace: 'shop', pod: 'web-1' };
const web2 = { namespace: 'shop', pod: 'web-2' };

const SERIES: SeriesData[] = [
  counter('container_cpu_usage_seconds_total', { ...web1, container: 'app', node: 'n1' }, 0.5, window),
  counter('container_cpu_usage_seconds_total', { ...web2, container: 'app', node: 'n1' }, 0.125, window),
  gauge(
    'container_memory_working_set_bytes',
    { ...web1, container: 'app', node: 'n1' },
    256 * 2 ** 20,
    window,
  ),
  gauge(
    'container_memory_working_set_bytes',
    { ...web2, container: 'app', node: 'n1' },
    64 * 2 ** 20,
    window,
  ),
  counter('container_network_receive_bytes_total', { ...web1, container: 'app' }, 1000, window),
  counter('container_fs_reads_total', { ...web1, container: 'app' }, 3, window),
  counter('http_requests_total', { ...web1, service: 'web' }, 4, window),
  counter('process_cpu_seconds_total', { ...web1 }, 0.1, window),
  gauge('queue_length', { namespace: 'shop', service: 'web' }, 12, window),
  counter('node_cpu_seconds_total', { node: 'n1', cpu: '0', mode: 'user' }, 0.75, window),
  counter('node_cpu_seconds_total', { node: 'n1', cpu: '0', mode: 'idle' }, 0.25, window),
  gauge('node_memory_MemTotal_bytes', { node: 'n1' }, 8 * 2 ** 30, window),
  gauge('node_memory_MemAvailable_bytes', { node: 'n1' }, 6 * 2 ** 30, window),
];

needPeer(PROMETHEUS).describe('the prometheus-adapter Helm chart default rules, unchanged', () => {
  let prometheus: RunningPrometheus;
  let provider: PrometheusProvider;
  let server: MetricsApiServer;
  let base: string;
  let dir: string;

  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const items = (body: Record<string, unknown>) => body['items'] as Record<string, unknown>[];

  beforeAll(async () => {
    prometheus = await startPrometheus({ series: SERIES });
    provider = new PrometheusProvider({
      // Far above a query's time on a loaded machine: a timeout would be a failure no test expects.
      connection: { url: prometheus.url, timeoutMs: 15_000 },
      config: loadAdapterConfig(RULES),
    });
    await provider.start();
    server = createMetricsApiServer({ providers: { custom: provider, resource: provider } });
    base = (await server.listen()).url;
    dir = mkdtempSync(join(tmpdir(), 'kubemetrics-adapter-'));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await provider?.stop();
    await prometheus?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the metric names the adapter would serve', async () => {
    const { body } = await get('/apis/custom.metrics.k8s.io/v1beta1');
    const names = (body['resources'] as { name: string }[]).map((r) => r.name).sort();
    expect(names).toEqual([
      'namespaces/cpu_usage',
      'namespaces/fs_reads',
      'namespaces/http_requests',
      'namespaces/memory_working_set_bytes',
      'namespaces/network_receive_bytes',
      'namespaces/process_cpu',
      'namespaces/queue_length',
      'pods/cpu_usage',
      'pods/fs_reads',
      'pods/http_requests',
      'pods/memory_working_set_bytes',
      'pods/network_receive_bytes',
      'pods/process_cpu',
      'services/http_requests',
      'services/queue_length',
    ]);
  });

  it('values equal the PromQL of the rules', async () => {
    const cases: [path: string, promql: string][] = [
      [
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/cpu_usage',
        'sum(rate(container_cpu_usage_seconds_total{namespace="shop",pod="web-1",container!="POD"}[5m])) by (pod)',
      ],
      [
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests',
        'sum(rate(http_requests_total{namespace="shop",pod="web-1"}[5m])) by (pod)',
      ],
      [
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/services/web/queue_length',
        'sum(queue_length{namespace="shop",service="web"}) by (service)',
      ],
      [
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/memory_working_set_bytes',
        'sum(container_memory_working_set_bytes{namespace="shop",pod="web-1",container!="POD"}) by (pod)',
      ],
    ];
    for (const [path, promql] of cases) {
      const { status, body } = await get(path);
      expect(status, path).toBe(200);
      const expected = Number(vectorOf(await prometheus.query(promql))[0]?.value[1]);
      const served = items(body)[0]?.['value'] as string;
      expect(Number(served.replace(/m$/, '')) / (served.endsWith('m') ? 1000 : 1), path).toBeCloseTo(
        expected,
        6,
      );
    }
  });

  it('resource metrics from resourceRules: pods per container, nodes', async () => {
    const pods = await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods');
    const usage = Object.fromEntries(
      items(pods.body).map((p) => [
        (p['metadata'] as { name: string }).name,
        (p['containers'] as { usage: Record<string, string> }[])[0]?.usage,
      ]),
    );
    expect(usage).toEqual({
      'web-1': { cpu: '500m', memory: '256Mi' },
      'web-2': { cpu: '125m', memory: '64Mi' },
    });
    const node = await get('/apis/metrics.k8s.io/v1beta1/nodes/n1');
    expect(node.body).toMatchObject({ usage: { cpu: '750m', memory: '2Gi' }, window: '3m0s' });
  });

  kubectlPeer.it('the real kubectl reads them: get --raw and top pod', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'm', cluster: { server: base } }],
        users: [{ name: 'u', user: {} }],
        contexts: [{ name: 'm', context: { cluster: 'm', user: 'u' } }],
        'current-context': 'm',
      }),
    );
    const kubectl = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          kubectlPeer.path!,
          [...args, `--cache-dir=${join(dir, 'cache')}`],
          {
            timeout: 20_000,
            env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig },
          },
          (error, stdout, stderr) =>
            resolve({
              code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1,
              stdout,
              stderr,
            }),
        );
      });
    const [raw, top] = await Promise.all([
      kubectl('get', '--raw', '/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/pods/*/http_requests'),
      kubectl('top', 'pod', '-n', 'shop'),
    ]);
    expect(raw.code, raw.stderr).toBe(0);
    expect(JSON.parse(raw.stdout)).toMatchObject({ kind: 'MetricValueList', items: [{ value: '4' }] });
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toMatch(/web-1\s+500m\s+256Mi/);
    expect(top.stdout).toMatch(/web-2\s+125m\s+64Mi/);
  });
});
