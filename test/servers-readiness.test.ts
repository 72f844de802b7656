/**
 * Readiness means "route traffic to me" (issue 11, item 5), for both servers run as a user runs
 * them: ready once certificates are loaded and the informers / the cache synced once; a backend's
 * trouble afterwards (Prometheus down, metrics-server failing, the API server unreachable) never
 * turns the server NotReady. It shows in `/readyz?verbose` (still 200), in `/metrics` and in the
 * answers themselves (the 503 `Status` naming Prometheus; `data.stale` of the report service).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.js';
import { startTestCluster, type TestCluster } from '../src/testing/index.js';
import { startApiserverCli, type RunningApiserverCli } from './helpers/apiserver-cli.js';
import { Capture } from './helpers/cli.js';
import { fakePrometheus } from './helpers/fake-prometheus.js';
import { eventually, httpsGet } from './helpers/https.js';

const ADMIN_TOKEN = 'readiness-admin-token';

const ADAPTER_CONFIG = `
rules:
- seriesQuery: '{__name__="queue_depth",namespace!="",pod!=""}'
  resources:
    template: <<.Resource>>
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
`;

const METRIC_PATH = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/queue_depth';

describe('kubemetrics apiserver: Prometheus down keeps /readyz 200', () => {
  let cluster: TestCluster;
  let dir: string;
  let server: RunningApiserverCli;
  /** While true the fake Prometheus resets every connection, as a stopped Prometheus would. */
  let down = false;
  let prometheus: Awaited<ReturnType<typeof fakePrometheus>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubemetrics-readiness-'));
    prometheus = await fakePrometheus((request, res) => {
      if (down) {
        res.socket?.destroy();
        return;
      }
      res.setHeader('content-type', 'application/json');
      if (request.path === '/api/v1/series')
        res.end(
          JSON.stringify({
            status: 'success',
            data: [{ __name__: 'queue_depth', namespace: 'shop', pod: 'web-1' }],
          }),
        );
      else
        res.end(
          JSON.stringify({
            status: 'success',
            data: {
              resultType: 'vector',
              result: [{ metric: { namespace: 'shop', pod: 'web-1' }, value: [Date.now() / 1000, '7'] }],
            },
          }),
        );
    });
    cluster = await startTestCluster({
      users: [{ name: 'admin', token: ADMIN_TOKEN, groups: ['system:masters'] }],
      pods: [
        { metadata: { namespace: 'shop', name: 'web-1', labels: { app: 'web' } }, spec: { containers: [] } },
      ],
    });
    const rules = join(dir, 'adapter.yaml');
    writeFileSync(rules, ADAPTER_CONFIG);
    server = await startApiserverCli({
      kubeconfig: cluster.kubeconfigPath,
      caBundleFile: join(dir, 'ca.crt'),
      args: ['--prometheus-url', prometheus.url, '--prometheus-adapter-config', rules],
    });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await cluster?.stop();
    await prometheus?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string) =>
    httpsGet(`${server.url}${path}`, { ca: server.ca, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  it('Prometheus stopped → /readyz 200, the metric 503 naming Prometheus, ?verbose and /metrics name it; back → cleared', async () => {
    expect((await get(METRIC_PATH)).status).toBe(200);
    down = true;
    // The provider's 5 s query cache may answer once more; then Prometheus' absence shows.
    let failing = await get(METRIC_PATH);
    await eventually(async () => (failing = await get(METRIC_PATH)).status !== 200, 20_000);
    expect(failing.status).toBe(503);
    expect(JSON.parse(failing.body)).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable' });
    expect((JSON.parse(failing.body) as { message: string }).message).toContain(
      `Prometheus at ${prometheus.url}`,
    );

    // kubelet's probe: no credentials, and still ready.
    const probe = await httpsGet(`${server.url}/readyz`, { ca: server.ca });
    expect(probe.status).toBe(200);
    expect(probe.body).toBe('ok');
    const verbose = await httpsGet(`${server.url}/readyz?verbose`, { ca: server.ca });
    expect(verbose.status).toBe(200);
    expect(verbose.body).toMatch(
      new RegExp(
        `^\\[!\\]provider-custom backend unavailable \\(readiness unaffected\\): Prometheus at ${prometheus.url.replace(/\./g, '\\.')}`,
        'm',
      ),
    );
    expect(verbose.body).toContain('readyz check passed');
    expect((await get('/metrics')).body).toContain(
      'kubemetrics_apiserver_provider_backend_up{provider="custom"} 0',
    );
    expect((await httpsGet(`${server.url}/livez`, { ca: server.ca })).status).toBe(200);

    down = false;
    // The provider probes Prometheus every 2 s; once it answers, the error is gone from /readyz.
    await eventually(
      async () => !(await httpsGet(`${server.url}/readyz?verbose`, { ca: server.ca })).body.includes('[!]'),
      20_000,
    );
    expect((await get(METRIC_PATH)).status).toBe(200);
    expect((await get('/metrics')).body).toContain(
      'kubemetrics_apiserver_provider_backend_up{provider="custom"} 1',
    );
  }, 60_000);
});

/** `kubemetrics serve ARGS` in-process; resolves once it listens. */
async function serve(args: string[]): Promise<{ url: string; stderr: Capture; stop: () => Promise<number> }> {
  const controller = new AbortController();
  const stderr = new Capture();
  const exit = runCli(['serve', '--listen', '127.0.0.1:0', ...args], {
    stdout: new Capture(),
    stderr,
    env: {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    signal: controller.signal,
  });
  const stop = async (): Promise<number> => {
    controller.abort();
    return exit;
  };
  try {
    await eventually(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(stderr.text));
  } catch (error) {
    await stop();
    throw new Error(`serve did not start: ${(error as Error).message}\n${stderr.text}`);
  }
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr.text)?.[1] ?? '';
  return { url, stderr, stop };
}

interface Readyz {
  ready: boolean;
  metricsRefreshedAt: string | null;
  stale: boolean;
  reasons: string[];
  metricsError: string | null;
  nodes: { synced: boolean; connected: boolean; lastError?: string };
  pods: { synced: boolean; connected: boolean; lastError?: string };
}

async function readyz(url: string, verbose = false): Promise<{ status: number; body: Readyz }> {
  const res = await fetch(`${url}/readyz${verbose ? '?verbose' : ''}`);
  return { status: res.status, body: (await res.json()) as Readyz };
}

describe('kubemetrics serve: ready once synced, never NotReady afterwards', () => {
  const users = [{ name: 'admin', token: 'serve-readiness-token', groups: ['system:masters'] }];
  const seed = {
    nodes: [
      {
        metadata: { name: 'node-1', labels: {} },
        status: {
          allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
          capacity: { cpu: '2', memory: '4Gi' },
        },
      },
    ],
    nodeMetrics: [
      {
        metadata: { name: 'node-1', labels: {} },
        timestamp: '2025-06-01T12:00:00Z',
        window: '30s',
        usage: { cpu: '100m', memory: '1Gi' },
      },
    ],
  };

  it('is not ready before the first list (cluster unreachable from the start)', async () => {
    const cluster = await startTestCluster({ tls: false, users, ...seed });
    const dir = mkdtempSync(join(tmpdir(), 'kubemetrics-readiness-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfig);
    await cluster.stop();
    const server = await serve(['--kubeconfig', kubeconfig]);
    try {
      const { status, body } = await readyz(server.url);
      expect(status).toBe(503);
      expect(body.ready).toBe(false);
      expect(body.reasons.join(' ')).toMatch(/not listed yet/);
    } finally {
      expect(await server.stop()).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('metrics-server failing and the API server going away: /readyz stays 200 with stale data and the reasons; lastError cleared after recovery', async () => {
    const first = await startTestCluster({ tls: false, users, ...seed });
    const port = Number(new URL(first.url).port);
    const dir = mkdtempSync(join(tmpdir(), 'kubemetrics-readiness-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, first.kubeconfig);
    const server = await serve(['--kubeconfig', kubeconfig, '--metrics-interval', '1s']);
    let second: TestCluster | undefined;
    try {
      // Ready as soon as nodes and pods are listed; wait for the first metrics too.
      await eventually(async () => {
        const { status, body } = await readyz(server.url);
        return status === 200 && !body.stale;
      }, 20_000);

      // metrics-server starts failing: the data turns stale after 3 intervals, the service stays ready.
      first.injectFault({ path: /metrics\.k8s\.io/, status: 503, times: 1_000_000 });
      await eventually(async () => (await readyz(server.url)).body.stale, 15_000);
      const metricsDown = await readyz(server.url, true);
      expect(metricsDown.status).toBe(200);
      expect(metricsDown.body.ready).toBe(true);
      expect(metricsDown.body.reasons.join(' ')).toContain('metrics last refreshed');
      const summary = await fetch(`${server.url}/api/v1/capacity`);
      expect(summary.status).toBe(200);
      expect(((await summary.json()) as { data: { stale: boolean } }).data.stale).toBe(true);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^kubemetrics_data_stale 1$/m);

      // The API server goes away: still ready, last-known data served, the watch error shown.
      await first.stop();
      await eventually(async () => !(await readyz(server.url)).body.nodes.connected, 15_000);
      const clusterDown = await readyz(server.url, true);
      expect(clusterDown.status).toBe(200);
      expect(clusterDown.body.reasons.join(' ')).toMatch(/nodes unreachable/);
      expect(clusterDown.body.nodes.lastError).toEqual(expect.any(String));
      const nodes = (await (await fetch(`${server.url}/`)).json()) as { Nodes: unknown[] };
      expect(nodes.Nodes).toHaveLength(1);

      // Back: the error from the outage is not shown as current any more.
      second = await startTestCluster({ tls: false, users, port, ...seed });
      await eventually(async () => {
        const { body } = await readyz(server.url);
        return body.nodes.connected && body.pods.connected && !body.stale;
      }, 20_000);
      const recovered = await readyz(server.url, true);
      expect(recovered.status).toBe(200);
      expect(recovered.body.nodes.lastError).toBeUndefined();
      expect(recovered.body.pods.lastError).toBeUndefined();
      expect(recovered.body.metricsError).toBeNull();
    } finally {
      expect(await server.stop()).toBe(0);
      await second?.stop();
      await first.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
