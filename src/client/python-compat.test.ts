import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from './credentials.js';
import { MetricsClient } from './metrics-client.js';
import { getNodesMetrics, getPodsMetrics, getPodsMetricsInAllNamespaces } from './python-compat.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

const podList = (ns: string): Record<string, unknown> => ({
  kind: 'PodMetricsList',
  apiVersion: 'metrics.k8s.io/v1beta1',
  metadata: {},
  items: [
    {
      metadata: { name: `${ns}-pod`, namespace: ns },
      timestamp: '2025-01-02T03:04:05Z',
      window: '15s',
      containers: [{ name: 'c', usage: { cpu: '5m', memory: '8Mi' } }],
    },
  ],
});

/** A metrics-server stand-in serving v1beta1 only (as the Python helpers assume). */
async function metricsServer(): Promise<{ kc: KubeConfig; log: string[] }> {
  const log: string[] = [];
  const server = createServer((req, res) => {
    log.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/apis/metrics.k8s.io') {
      return send(200, {
        kind: 'APIGroup',
        name: 'metrics.k8s.io',
        versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }],
      });
    }
    if (url.pathname === '/apis/metrics.k8s.io/v1beta1/nodes') {
      return send(200, {
        kind: 'NodeMetricsList',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {},
        items: [
          {
            metadata: { name: 'n1' },
            timestamp: '2025-01-02T03:04:05Z',
            window: '20s',
            usage: { cpu: '1', memory: '1Gi' },
          },
        ],
      });
    }
    const match = /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
    if (match?.[1] === 'locked') {
      return send(403, {
        kind: 'Status',
        code: 403,
        reason: 'Forbidden',
        message: 'User "u" cannot list resource "pods"',
      });
    }
    if (match !== null) {
      const body = podList(match[1]!);
      if (url.searchParams.get('labelSelector') === 'app=none') body['items'] = [];
      return send(200, body);
    }
    send(404, { kind: 'Status', code: 404, reason: 'NotFound', message: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    { name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: false },
    { name: 'u', token: 't' },
  );
  return { kc, log };
}

// Counterparts of kubernetes-client/python kubernetes/utils/metrics.py.
describe('Python-compatible helpers', () => {
  it('getNodesMetrics returns the raw NodeMetricsList (quantities stay strings)', async () => {
    const { kc } = await metricsServer();
    const result = await getNodesMetrics(kc);
    expect(result.kind).toBe('NodeMetricsList');
    expect(result.items[0]?.usage['memory']).toBe('1Gi');
  });

  it('getPodsMetrics passes the label selector', async () => {
    const { kc, log } = await metricsServer();
    expect((await getPodsMetrics(kc, 'default')).items[0]?.metadata.name).toBe('default-pod');
    expect((await getPodsMetrics(kc, 'default', 'app=none')).items).toEqual([]);
    expect(log).toContain('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dnone');
  });

  it.each(['', '   ', '\t'])(
    'getPodsMetrics with namespace %j → ARGUMENT error, nothing sent',
    async (ns) => {
      const { kc, log } = await metricsServer();
      await expect(getPodsMetrics(kc, ns)).rejects.toMatchObject({
        code: 'KUBEMETRICS_ERR_ARGUMENT',
        message: expect.stringContaining('namespace is required and cannot be empty') as unknown,
      });
      expect(log).toEqual([]);
    },
  );

  it('getPodsMetricsInAllNamespaces: keyed in the given order, failures as Error entries', async () => {
    const { kc } = await metricsServer();
    const result = await getPodsMetricsInAllNamespaces(kc, ['default', 'locked', ' ', 'kube-system']);
    expect(Object.keys(result)).toEqual(['default', 'locked', ' ', 'kube-system']);
    expect(result['default']).toMatchObject({ kind: 'PodMetricsList' });
    expect(result['locked']).toMatchObject({ kind: 'Error', code: 'KUBEMETRICS_ERR_API', status: 403 });
    expect(result['locked']).toHaveProperty('error', expect.stringContaining('Forbidden'));
    expect(result[' ']).toMatchObject({ kind: 'Error', code: 'KUBEMETRICS_ERR_ARGUMENT' });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('accepts a MetricsClient and reuses it (one discovery request)', async () => {
    const { kc, log } = await metricsServer();
    const client = new MetricsClient(kc);
    cleanup.push(() => client.close());
    await getNodesMetrics(client);
    await getPodsMetrics(client, 'a');
    expect(log.filter((l) => l === '/apis/metrics.k8s.io')).toHaveLength(1);
  });
});
