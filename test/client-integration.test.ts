/**
 * kubemetrics/client against the local test cluster (src/testing) over TLS: bearer-token and
 * client-certificate auth, discovery, paging, retries, and the 401/403/404/410/503 hints.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { delimiter } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Pod } from '../src/api/index.js';
import {
  KubeConfig,
  KubernetesApiError,
  MetricsClient,
  REQUEST_CHANNEL,
  collect,
  getPodsMetricsInAllNamespaces,
  loadKubeConfig,
} from '../src/client/index.js';
import type {
  MetricsClientOptions,
  NamespaceError,
  PodMetricsResult,
  RequestEvent,
} from '../src/client/index.js';
import { KubemetricsError } from '../src/errors.js';
import { buildCluster, startTestCluster } from '../src/testing/index.js';
import type { TestCluster } from '../src/testing/index.js';

let cluster: TestCluster;
const clients: MetricsClient[] = [];

const fast: MetricsClientOptions = { retries: 2, transport: { retryBaseDelayMs: 5, retryMaxDelayMs: 50 } };

function clientFor(user: string, options: MetricsClientOptions = fast): MetricsClient {
  const client = new MetricsClient(
    loadKubeConfig({ kubeconfig: cluster.kubeconfigPathFor(user), env: {} }),
    options,
  );
  clients.push(client);
  return client;
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

function requestsTo(path: string): number {
  return cluster.requests.filter((r) => r.url.split('?')[0] === path).length;
}

const fixture = buildCluster({ nodes: 3, podsPerNode: 4, seed: 7 });
const namespaces = [...new Set(fixture.pods.map((p: Pod) => p.metadata.namespace ?? 'default'))];
/** The namespace the `limited` user may read pod metrics in; kube-system stays forbidden. */
const allowedNs = namespaces.find((ns) => ns !== 'kube-system') ?? 'default';

beforeAll(async () => {
  cluster = await startTestCluster({
    ...fixture,
    // The server prefers v1 here (first listed), so the calls below use v1 paths.
    metricsVersions: ['v1', 'v1beta1'],
    users: [
      { name: 'admin', groups: ['system:masters'], token: 'admin-token' },
      { name: 'cert-user', clientCert: true },
      {
        name: 'limited',
        token: 'limited-token',
        allow: [
          { verbs: ['list'], groups: ['metrics.k8s.io'], resources: ['pods'], namespaces: [allowedNs] },
        ],
      },
    ],
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await cluster?.stop();
});

describe('client ↔ test cluster over TLS', () => {
  it('token auth: reads node and pod metrics on the version the server prefers (v1 here), discovery asked once', async () => {
    expect(cluster.url.startsWith('https://')).toBe(true);
    expect(cluster.credentials('admin').token).toBe('admin-token');
    const client = clientFor('admin');
    const nodes = await client.listNodeMetrics();
    expect(nodes).toHaveLength(3);
    expect(nodes.every((n) => n.usage['cpu'] !== undefined && n.timestamp instanceof Date)).toBe(true);
    const pods = await client.listPodMetrics();
    expect(pods.length).toBeGreaterThan(0);
    await client.listPodMetrics({ namespace: allowedNs });
    expect(await client.metricsVersion()).toBe('v1');
    expect(requestsTo('/apis/metrics.k8s.io')).toBe(1);
    expect(cluster.requests.some((r) => r.url.startsWith('/apis/metrics.k8s.io/v1/nodes'))).toBe(true);
    expect((await client.getVersion()).major).toBe('1');
  });

  it('KUBECONFIG with two files: the first definition of the shared context wins (kubectl merge rules)', async () => {
    const env = {
      KUBECONFIG: [cluster.kubeconfigPathFor('limited'), cluster.kubeconfigPathFor('admin')].join(delimiter),
    };
    const client = await MetricsClient.fromKubeConfig({ env, ...fast });
    clients.push(client);
    expect(client.context.userName).toBe('limited');
    expect(await failure(client.listNodeMetrics())).toMatchObject({ status: 403 });
  });

  it('client-certificate auth: the server sees the certificate user', async () => {
    const credentials = cluster.credentials('cert-user');
    expect(credentials.certPem).toBeDefined();
    expect(credentials.token).toBeUndefined();
    cluster.resetRequestLog();
    const client = clientFor('cert-user');
    expect(await client.listNodeMetrics()).toHaveLength(3);
    expect(cluster.requests.every((r) => r.user === 'cert-user')).toBe(true);
  });

  it('pages of pods follow continue with a transform', async () => {
    const client = clientFor('admin');
    cluster.resetRequestLog();
    const names: string[] = [];
    let pages = 0;
    for await (const page of client.listPods({
      limit: 5,
      transform: (p) => `${p.metadata.namespace}/${p.metadata.name}`,
    })) {
      pages++;
      names.push(...page.items);
    }
    expect(names).toHaveLength(fixture.pods.length);
    expect(new Set(names).size).toBe(names.length);
    expect(pages).toBe(Math.ceil(names.length / 5));
    expect(await collect(client.listNodes({ transform: (n) => n.metadata.name }))).toHaveLength(3);
  });

  it('410 Expired after a compaction: typed error by default, clean restart on request', async () => {
    const client = clientFor('admin');
    const thrown = await failure(
      (async () => {
        for await (const page of client.listPods({ limit: 5 })) {
          if (!page.restarted) cluster.compact();
        }
      })(),
    );
    expect(thrown).toBeInstanceOf(KubernetesApiError);
    expect(thrown).toMatchObject({ status: 410, reason: 'Expired' });
    expect(thrown.hint).toContain('continue token');

    let compacted = false;
    const seen: boolean[] = [];
    const items: string[] = [];
    for await (const page of client.listPods({
      limit: 5,
      onExpired: 'restart',
      transform: (p) => p.metadata.name!,
    })) {
      seen.push(page.restarted);
      if (page.restarted) items.length = 0;
      items.push(...page.items);
      if (!compacted) {
        compacted = true;
        cluster.compact();
      }
    }
    expect(seen.filter(Boolean)).toHaveLength(1);
    expect(items).toHaveLength(fixture.pods.length);
  });

  it('429 with Retry-After and a connection reset are retried', async () => {
    const client = clientFor('admin');
    await client.metricsVersion();
    cluster.injectFault({
      path: '/apis/metrics.k8s.io/v1/nodes',
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    cluster.injectFault({ path: '/apis/metrics.k8s.io/v1/nodes', reset: true, times: 1 });
    cluster.resetRequestLog();
    expect(await client.listNodeMetrics()).toHaveLength(3);
    expect(requestsTo('/apis/metrics.k8s.io/v1/nodes')).toBe(3);
  });

  it('401: a rejected token says to check the credentials', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfigFor('admin').replace('admin-token', 'expired-token'));
    const client = new MetricsClient(kc, fast);
    clients.push(client);
    const error = await failure(client.getVersion());
    expect(error).toMatchObject({ code: 'KUBEMETRICS_ERR_API', status: 401, reason: 'Unauthorized' });
    expect(error.hint).toContain('kubectl auth whoami');
  });

  it('403: the hint is the missing RBAC rule; other namespaces still answer', async () => {
    const client = clientFor('limited');
    const error = await failure(client.listNodeMetrics());
    expect(error).toMatchObject({ status: 403, reason: 'Forbidden' });
    expect(error.hint).toContain('apiGroups: ["metrics.k8s.io"]');
    expect(error.hint).toContain('resources: ["nodes"]');
    expect(error.hint).toContain('verbs: ["list"]');
    expect(error.hint).toContain('--user=limited');

    const byNs = await client.podMetricsForNamespaces([allowedNs, 'kube-system']);
    expect(Array.isArray(byNs.get(allowedNs))).toBe(true);
    expect((byNs.get(allowedNs) as PodMetricsResult[]).length).toBeGreaterThan(0);
    const denied = byNs.get('kube-system') as NamespaceError;
    expect(denied).toMatchObject({ kind: 'Error', status: 403 });
    expect(denied.error.hint).toContain('-n kube-system');

    const kc = loadKubeConfig({ kubeconfig: cluster.kubeconfigPathFor('limited'), env: {} });
    const python = await getPodsMetricsInAllNamespaces(kc, [allowedNs, 'kube-system']);
    expect(python[allowedNs]).toMatchObject({ kind: 'PodMetricsList' });
    expect(python['kube-system']).toMatchObject({ kind: 'Error', status: 403 });
  });

  it('503 from the metrics APIService: retried, then the APIService hint', async () => {
    const client = clientFor('admin', { retries: 1, transport: { retryBaseDelayMs: 5 } });
    await client.metricsVersion();
    cluster.injectFault({ path: '/apis/metrics.k8s.io/v1/nodes', status: 503, times: 2 });
    cluster.resetRequestLog();
    const error = await failure(client.listNodeMetrics());
    expect(error).toMatchObject({ status: 503, reason: 'ServiceUnavailable' });
    expect(error.hint).toContain('kubectl get apiservice v1.metrics.k8s.io -o yaml');
    expect(requestsTo('/apis/metrics.k8s.io/v1/nodes')).toBe(2);
  });
});

describe('client ↔ test clusters with other metrics setups', () => {
  it('404 without metrics-server: the hint says to install it', async () => {
    const bare = await startTestCluster({
      ...buildCluster({ nodes: 1, podsPerNode: 1, seed: 1 }),
      metricsVersions: [],
    });
    try {
      const client = new MetricsClient(loadKubeConfig({ kubeconfig: bare.kubeconfigPath, env: {} }), fast);
      clients.push(client);
      const error = await failure(client.listNodeMetrics());
      expect(error).toMatchObject({ status: 404 });
      expect(error.hint).toContain('is metrics-server installed?');
      expect(error.hint).toContain('kubectl get apiservices v1beta1.metrics.k8s.io');
    } finally {
      await bare.stop();
    }
  });

  it.each([
    ['only v1beta1 served: the client uses it and decodes the same model', ['v1beta1']],
    [
      "both served, v1beta1 preferred by the server: the client follows the server's preferredVersion",
      ['v1beta1', 'v1'],
    ],
  ] as const)('%s', async (_title, metricsVersions) => {
    const other = await startTestCluster({
      ...buildCluster({ nodes: 2, podsPerNode: 1, seed: 3 }),
      metricsVersions: [...metricsVersions],
    });
    try {
      const client = new MetricsClient(loadKubeConfig({ kubeconfig: other.kubeconfigPath, env: {} }), fast);
      clients.push(client);
      expect(await client.listNodeMetrics()).toHaveLength(2);
      expect(await client.metricsVersion()).toBe('v1beta1');
      expect(other.requests.some((r) => r.url.startsWith('/apis/metrics.k8s.io/v1beta1/nodes'))).toBe(true);
      expect(other.requests.some((r) => r.url.startsWith('/apis/metrics.k8s.io/v1/'))).toBe(false);
    } finally {
      await other.stop();
    }
  });

  it('custom metrics through a registered APIService (v1beta2)', async () => {
    cluster.registerAPIService({
      group: 'custom.metrics.k8s.io',
      version: 'v1beta2',
      resources: [
        { name: 'pods/rps', singularName: '', namespaced: true, kind: 'MetricValueList', verbs: ['get'] },
      ],
      handler: (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'MetricValueList',
            apiVersion: 'custom.metrics.k8s.io/v1beta2',
            metadata: {},
            items: [
              {
                describedObject: { kind: 'Pod', namespace: 'web', name: 'web-0', apiVersion: '/v1' },
                metric: { name: 'rps' },
                timestamp: '2025-01-02T03:04:05Z',
                windowSeconds: 30,
                value: req.url?.includes('/web-0/') === true ? '1500m' : '0',
              },
            ],
          }),
        );
      },
    });
    const client = clientFor('admin');
    const value = await client.getCustomMetric({ namespace: 'web', name: 'web-0', metric: 'rps' });
    expect(value.value.milliValue()).toBe(1500n);
    expect(value.windowSeconds).toBe(30);
    expect(await client.listCustomMetrics()).toEqual([
      { name: 'pods/rps', resource: 'pods', group: '', metric: 'rps', namespaced: true },
    ]);
  });
});

/**
 * A first metrics list is sent while discovery is still in flight (on v1beta1, what metrics-server
 * serves), so it costs one round trip instead of two; what discovery decides still decides.
 */
describe('the first metrics list and discovery in flight together', () => {
  async function withCluster(
    metricsVersions: ('v1' | 'v1beta1')[],
    body: (c: TestCluster, client: MetricsClient, kubeconfig: string) => Promise<void>,
  ): Promise<void> {
    const c = await startTestCluster({
      ...buildCluster({ nodes: 2, podsPerNode: 3, seed: 5 }),
      metricsVersions,
    });
    const client = new MetricsClient(loadKubeConfig({ kubeconfig: c.kubeconfigPath, env: {} }), fast);
    try {
      await body(c, client, c.kubeconfigPath);
    } finally {
      await client.close();
      await c.stop();
    }
  }
  const paths = (c: TestCluster): string[] => c.requests.map((r) => r.url.split('?')[0]!);
  /** Every pod metrics list item's name, in the order handed over, and the count the read returns. */
  async function readPods(client: MetricsClient): Promise<{ count: number; names: string[] }> {
    const names: string[] = [];
    const count = await client.streamResourceMetrics({ kind: 'pods' }, (item) =>
      names.push((item as { metadata: { name: string } }).metadata.name),
    );
    return { count, names };
  }

  it('the list reaches the server before discovery has answered; nothing is handed over until it does', async () => {
    await withCluster(['v1beta1', 'v1'], async (c, client) => {
      c.injectFault({ path: '/apis/metrics.k8s.io', hang: true, times: 1 });
      const items: unknown[] = [];
      const read = failure(
        client.streamResourceMetrics({ kind: 'pods' }, (item) => items.push(item), { timeoutMs: 2000 }),
      );
      // Discovery hangs; the list is asked for all the same.
      await vi.waitFor(() => expect(paths(c)).toContain('/apis/metrics.k8s.io/v1beta1/pods'), {
        timeout: 30_000,
      });
      const error = await read;
      // The discovery's failure is the read's failure, and no item of the unconfirmed guess got out.
      expect(error.code).toBe('KUBEMETRICS_ERR_TIMEOUT');
      expect(items).toEqual([]);
    });
  });

  it('v1beta1 confirmed: one list request, each pod once', async () => {
    await withCluster(['v1beta1', 'v1'], async (c, client) => {
      const { count, names } = await readPods(client);
      expect(count).toBe(6);
      expect(new Set(names).size).toBe(6);
      expect(paths(c).filter((p) => p.startsWith('/apis/metrics.k8s.io'))).toEqual(
        expect.arrayContaining(['/apis/metrics.k8s.io', '/apis/metrics.k8s.io/v1beta1/pods']),
      );
      expect(paths(c).filter((p) => p === '/apis/metrics.k8s.io/v1beta1/pods')).toHaveLength(1);
      // Known now: the next read does not guess.
      c.resetRequestLog();
      await client.streamResourceMetrics({ kind: 'nodes' }, () => undefined);
      expect(paths(c)).toEqual(['/apis/metrics.k8s.io/v1beta1/nodes']);
    });
  });

  it('the server prefers v1: the guess is dropped and the list read on v1, each pod once', async () => {
    await withCluster(['v1', 'v1beta1'], async (c, client) => {
      const { count, names } = await readPods(client);
      expect(count).toBe(6);
      expect(names).toHaveLength(6);
      expect(new Set(names).size).toBe(6);
      expect(paths(c)).toContain('/apis/metrics.k8s.io/v1/pods');
    });
  });

  it('too much text before discovery answers: the guess is dropped and the list read again, each pod once', async () => {
    await withCluster(['v1beta1', 'v1'], async (c, _client, kubeconfig) => {
      // Discovery's first attempt fails (503) and its retry waits until the guess's attempt has
      // ended (the transport's request event), so the guess's first piece comes while discovery
      // has not answered: with a hold limit of 1 character, the guess is given up at once.
      c.injectFault({ path: '/apis/metrics.k8s.io', status: 503, times: 1 });
      const guessEnded = new Promise<void>((resolve) => {
        const listener = (message: unknown): void => {
          if ((message as RequestEvent).url.includes('/apis/metrics.k8s.io/v1beta1/pods')) {
            unsubscribe(REQUEST_CHANNEL, listener);
            resolve();
          }
        };
        subscribe(REQUEST_CHANNEL, listener);
      });
      const client = new MetricsClient(loadKubeConfig({ kubeconfig, env: {} }), {
        retries: 2,
        speculationHoldLimit: 1,
        transport: { sleep: () => guessEnded },
      });
      try {
        const names: string[] = [];
        const count = await client.streamResourceMetrics({ kind: 'pods' }, (item) =>
          names.push((item as { metadata: { name: string } }).metadata.name),
        );
        expect(count).toBe(6);
        expect(new Set(names).size).toBe(6);
        expect(names).toHaveLength(6);
        expect(paths(c).filter((p) => p === '/apis/metrics.k8s.io/v1beta1/pods')).toHaveLength(2);
      } finally {
        await client.close();
      }
    });
  });

  it('after a failed discovery the next read waits for discovery instead of guessing', async () => {
    await withCluster([], async (c, client) => {
      await failure(client.streamResourceMetrics({ kind: 'nodes' }, () => undefined));
      // The first read's guess is logged when the server is done with it, maybe after the read.
      await vi.waitFor(() => expect(paths(c)).toContain('/apis/metrics.k8s.io/v1beta1/nodes'), {
        timeout: 30_000,
      });
      c.resetRequestLog();
      await failure(client.streamResourceMetrics({ kind: 'nodes' }, () => undefined));
      expect(paths(c), JSON.stringify(paths(c))).toEqual(['/apis/metrics.k8s.io']);
    });
  });

  it("no metrics API: the error is discovery's 404 with the install hint, not the guess's", async () => {
    await withCluster([], async (_c, client) => {
      const error = await failure(client.streamResourceMetrics({ kind: 'nodes' }, () => undefined));
      expect(error).toMatchObject({ status: 404 });
      expect(error.hint).toContain('is metrics-server installed?');
    });
  });
});
