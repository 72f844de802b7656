/**
 * `metrics.k8s.io` answers joined with the pods and nodes that exist, as metrics-server
 * (pkg/api/pod.go, node.go) and prometheus-adapter (pkg/resourceprovider/provider.go) build them
 * from informers: a real Prometheus holds series of a pod deleted a moment ago, of a pod and a node
 * of another cluster sharing that Prometheus; the test cluster holds the real ones. Ghosts are
 * absent from lists, a `GET` of one is the lister's 404, `kubectl top pods` does not show them, and
 * every answer carries the object's labels from the cluster. The memory provider gets the same
 * join, with the cluster's lister or with its own (no cluster access).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../src/api/index.js';
import type { Node, Pod } from '../src/api/index.js';
import {
  ClusterAccess,
  ClusterObjectLister,
  createMetricsApiServer,
  StaticObjectLister,
} from '../src/apiserver/index.js';
import type { Logger, MetricsApiServer, ResourceMetricsProvider } from '../src/apiserver/index.js';
import { loadKubeConfig } from '../src/client/index.js';
import { MemoryMetricsProvider } from '../src/providers/memory/index.js';
import { loadAdapterConfig, PrometheusProvider } from '../src/providers/prometheus/index.js';
import { startTestCluster } from '../src/testing/index.js';
import type { TestCluster } from '../src/testing/index.js';
import { startApiserverCli } from './helpers/apiserver-cli.js';
import { eventually, httpsGet } from './helpers/https.js';
import { columns, lines, plainHttpKubeconfig, runKubectl } from './helpers/kubectl.js';
import type { RunningPrometheus, SeriesData } from './helpers/prometheus.js';
import { counter, gauge, sampleWindow, startPrometheus } from './helpers/prometheus.js';
import { KUBECTL, needPeer, PROMETHEUS } from './helpers/peers.js';

const RULES = new URL('./fixtures/prometheus-adapter-default-rules.yaml', import.meta.url).pathname;
const window = sampleWindow({ futureMs: 120_000 });
const PODS = { group: '', resource: 'pods' };

/** cadvisor-style series for one container of a pod. */
const containerSeries = (namespace: string, pod: string, node: string, cores: number): SeriesData[] => [
  counter('container_cpu_usage_seconds_total', { namespace, pod, container: 'app', node }, cores, window),
  gauge(
    'container_memory_working_set_bytes',
    { namespace, pod, container: 'app', node },
    64 * 2 ** 20,
    window,
  ),
];
/** node-exporter-style series for one node. */
const nodeSeries = (node: string): SeriesData[] => [
  counter('node_cpu_seconds_total', { node, cpu: '0', mode: 'user' }, 0.5, window),
  gauge('node_memory_MemTotal_bytes', { node }, 8 * 2 ** 30, window),
  gauge('node_memory_MemAvailable_bytes', { node }, 6 * 2 ** 30, window),
];

const SERIES: SeriesData[] = [
  ...containerSeries('shop', 'web-1', 'n1', 0.25),
  ...containerSeries('shop', 'web-2', 'n1', 0.5),
  // Deleted during the test, while its series are still inside the rate window.
  ...containerSeries('shop', 'gone-1', 'n1', 0.125),
  // Another cluster writing to the same Prometheus: same namespace names, other pods and nodes.
  ...containerSeries('shop', 'ghost-1', 'other-node', 1),
  ...containerSeries('blog', 'web-1', 'other-node', 1),
  ...nodeSeries('n1'),
  ...nodeSeries('other-node'),
];

const pod = (namespace: string, name: string, labels: Record<string, string>): Pod => ({
  metadata: { namespace, name, labels },
  spec: { containers: [{ name: 'app' }] },
});
const NODE: Node = { metadata: { name: 'n1', labels: { pool: 'general', 'kubernetes.io/os': 'linux' } } };

interface Item {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}
const namesOf = (body: unknown): string[] =>
  (body as { items: Item[] }).items.map((i) => `${i.metadata.namespace ?? ''}/${i.metadata.name}`);

/** A logger that keeps the messages of warnings. */
function warnings(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const ignore = (): void => undefined;
  return {
    messages,
    logger: {
      debug: ignore,
      info: ignore,
      error: ignore,
      warn: (_fields, message) => messages.push(message),
    },
  };
}

let cluster: TestCluster;
let access: ClusterAccess;
let dir: string;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubemetrics-join-'));
  cluster = await startTestCluster({
    tls: false,
    users: [{ name: 'admin', token: 'admin-token', groups: ['system:masters'] }],
    nodes: [NODE],
    pods: [
      pod('shop', 'web-1', { app: 'web', tier: 'front' }),
      pod('shop', 'web-2', { app: 'web' }),
      pod('shop', 'gone-1', { app: 'batch' }),
    ],
  });
  access = ClusterAccess.fromKubeConfig(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath, env: {} }));
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await access?.close();
  await cluster?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** A plain-HTTP server over `resource`, joined with informers on the test cluster. */
async function serve(
  resource: ResourceMetricsProvider,
  logger?: Logger,
): Promise<{ url: string; lister: ClusterObjectLister; get: (path: string) => Promise<Answer> }> {
  const lister = new ClusterObjectLister({ cluster: access, resources: ['pods', 'nodes'] });
  lister.start();
  stops.push(() => lister.stop());
  const server: MetricsApiServer = createMetricsApiServer({
    providers: { resource },
    objectLister: lister,
    logger,
  });
  const { url } = await server.listen();
  stops.push(() => server.close());
  return { url, lister, get: (path) => getJson(`${url}${path}`) };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}
async function getJson(url: string): Promise<Answer> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

needPeer(PROMETHEUS).describe('metrics.k8s.io from Prometheus, joined with the cluster', () => {
  let prometheus: RunningPrometheus;
  let provider: PrometheusProvider;
  let url: string;
  let lister: ClusterObjectLister;
  let get: (path: string) => Promise<Answer>;

  beforeAll(async () => {
    prometheus = await startPrometheus({ series: SERIES });
    stops.push(() => prometheus.close());
    provider = new PrometheusProvider({
      connection: { url: prometheus.url, timeoutMs: 5_000 },
      config: loadAdapterConfig(RULES),
      queryCacheTtlMs: 0,
    });
    await provider.start();
    stops.push(() => provider.stop());
    ({ url, lister, get } = await serve(provider));
  }, 60_000);

  it('Prometheus itself has the ghosts (the join, not the data, removes them)', async () => {
    expect(
      await provider.getPodUsage({
        signal: AbortSignal.timeout(10_000),
        namespace: '',
        selector: parseLabelSelector(''),
        names: undefined,
      }),
    ).toHaveLength(5);
  });

  it('lists hold only pods and nodes of the cluster, with their labels', async () => {
    const pods = await get('/apis/metrics.k8s.io/v1beta1/pods');
    expect(pods.status).toBe(200);
    expect(namesOf(pods.body)).toEqual(['shop/gone-1', 'shop/web-1', 'shop/web-2']);
    const web1 = (pods.body['items'] as Item[]).find((i) => i.metadata.name === 'web-1');
    expect(web1?.metadata.labels).toEqual({ app: 'web', tier: 'front' });

    const shop = await get('/apis/metrics.k8s.io/v1/namespaces/shop/pods');
    expect(namesOf(shop.body)).toEqual(['shop/gone-1', 'shop/web-1', 'shop/web-2']);
    const blog = await get('/apis/metrics.k8s.io/v1beta1/namespaces/blog/pods');
    expect(blog.status).toBe(200);
    expect(namesOf(blog.body)).toEqual([]);

    const nodes = await get('/apis/metrics.k8s.io/v1beta1/nodes');
    expect(namesOf(nodes.body)).toEqual(['/n1']);
    expect((nodes.body['items'] as Item[])[0]?.metadata.labels).toEqual(NODE.metadata?.labels);
  });

  it('a single object that is not in the cluster is a 404 Status; one that is has its labels', async () => {
    const ghost = await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/ghost-1');
    expect(ghost.status).toBe(404);
    expect(ghost.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'pods "ghost-1" not found',
      details: { name: 'ghost-1', kind: 'pods' },
    });
    const node = await get('/apis/metrics.k8s.io/v1beta1/nodes/other-node');
    expect(node.status).toBe(404);
    expect(node.body).toMatchObject({ reason: 'NotFound', message: 'node "other-node" not found' });

    const web1 = await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-1');
    expect(web1.status).toBe(200);
    expect(web1.body['metadata']).toMatchObject({ labels: { app: 'web', tier: 'front' } });
    const n1 = await get('/apis/metrics.k8s.io/v1beta1/nodes/n1');
    expect(n1.body['metadata']).toMatchObject({ labels: { pool: 'general' } });
  });

  it('labelSelector is resolved from the pods’ labels in the cluster (Prometheus has none)', async () => {
    const front = await get('/apis/metrics.k8s.io/v1beta1/pods?labelSelector=tier%3Dfront');
    expect(namesOf(front.body)).toEqual(['shop/web-1']);
    const web = await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb');
    expect(namesOf(web.body)).toEqual(['shop/web-1', 'shop/web-2']);
    const linux = await get('/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=kubernetes.io%2Fos%3Dlinux');
    expect(namesOf(linux.body)).toEqual(['/n1']);
  });

  it('a pod deleted within the rate window disappears as soon as the informer sees the deletion', async () => {
    expect((await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/gone-1')).status).toBe(200);
    cluster.deletePod('shop', 'gone-1');
    await eventually(async () => {
      const listed = await lister.list(PODS, 'shop', parseLabelSelector(''));
      return listed !== undefined && !listed.some((o) => o.name === 'gone-1');
    });
    const list = await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods');
    expect(namesOf(list.body)).toEqual(['shop/web-1', 'shop/web-2']);
    const single = await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/gone-1');
    expect(single.status).toBe(404);
    expect(single.body['message']).toBe('pods "gone-1" not found');
  });

  const kubectl = needPeer(KUBECTL);
  kubectl.it('`kubectl top pods -A` shows no ghost', async () => {
    const kubeconfig = join(dir, 'top.kubeconfig');
    await writeFile(kubeconfig, plainHttpKubeconfig(url));
    const top = await runKubectl(kubectl.path!, ['top', 'pods', '-A', `--cache-dir=${join(dir, 'cache')}`], {
      home: dir,
      kubeconfig,
    });
    expect(top.stderr).toBe('');
    expect(top.code).toBe(0);
    const rows = lines(top.stdout).map(columns);
    expect(rows[0]).toEqual(['NAMESPACE', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    expect(rows.slice(1).map((r) => `${r[0]}/${r[1]}`)).toEqual(['shop/web-1', 'shop/web-2']);
  });

  it('`kubemetrics apiserver --prometheus-url`: the shipped config joins pods and nodes too', async () => {
    const server = await startApiserverCli({
      kubeconfig: cluster.kubeconfigPath,
      caBundleFile: join(dir, 'cli-ca.crt'),
      args: ['--prometheus-url', prometheus.url, '--prometheus-adapter-config', RULES],
    });
    try {
      const headers = { authorization: 'Bearer admin-token' };
      const nodes = await httpsGet(`${server.url}/apis/metrics.k8s.io/v1beta1/nodes`, {
        ca: server.ca,
        headers,
      });
      expect(nodes.status).toBe(200);
      expect(namesOf(JSON.parse(nodes.body))).toEqual(['/n1']);
      // Before, the default config listed only pods: Prometheus cannot resolve node labels (500).
      const general = await httpsGet(
        `${server.url}/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=pool%3Dgeneral`,
        {
          ca: server.ca,
          headers,
        },
      );
      expect(general.status).toBe(200);
      expect(namesOf(JSON.parse(general.body))).toEqual(['/n1']);
      const ghost = await httpsGet(`${server.url}/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/ghost-1`, {
        ca: server.ca,
        headers,
      });
      expect(ghost.status).toBe(404);
      const pods = await httpsGet(`${server.url}/apis/metrics.k8s.io/v1beta1/pods`, {
        ca: server.ca,
        headers,
      });
      expect(namesOf(JSON.parse(pods.body))).toEqual(['shop/web-1', 'shop/web-2']);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);
});

describe('the memory provider gets the same join', () => {
  const memory = (): MemoryMetricsProvider => {
    const m = new MemoryMetricsProvider();
    for (const [namespace, name] of [
      ['shop', 'web-1'],
      ['shop', 'ghost-2'],
    ] as const)
      m.setPodUsage({
        namespace,
        name,
        labels: { from: 'file' },
        containers: [{ name: 'app', usage: { cpu: '10m', memory: '1Mi' } }],
      });
    m.setNodeUsage({ name: 'n1', usage: { cpu: '1', memory: '1Gi' } });
    m.setNodeUsage({ name: 'ghost-node', usage: { cpu: '1', memory: '1Gi' } });
    return m;
  };

  it('with the cluster’s informers: ghosts left out, labels from the cluster', async () => {
    const { get } = await serve(memory());
    const pods = await get('/apis/metrics.k8s.io/v1beta1/pods');
    expect(namesOf(pods.body)).toEqual(['shop/web-1']);
    expect((pods.body['items'] as Item[])[0]?.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(namesOf((await get('/apis/metrics.k8s.io/v1beta1/nodes')).body)).toEqual(['/n1']);
    const ghost = await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/ghost-2');
    expect(ghost.status).toBe(404);
    expect(ghost.body['message']).toBe('pods "ghost-2" not found');
  });

  it('without cluster access (its own lister): every object it holds, with the labels it was given', async () => {
    const m = memory();
    const server = createMetricsApiServer({ providers: { resource: m }, objectLister: m.objectLister });
    const { url } = await server.listen();
    stops.push(() => server.close());
    const pods = await getJson(`${url}/apis/metrics.k8s.io/v1beta1/pods`);
    expect(namesOf(pods.body)).toEqual(['shop/ghost-2', 'shop/web-1']);
    expect((pods.body['items'] as Item[])[0]?.metadata.labels).toEqual({ from: 'file' });
    const missing = await getJson(`${url}/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-9`);
    expect(missing.status).toBe(404);
    expect(missing.body['message']).toBe('pods "web-9" not found');
  });

  it('a lister that does not list nodes: nodes served as the provider answers, logged once', async () => {
    const { logger, messages } = warnings();
    const lister = new StaticObjectLister([
      { groupResource: PODS, namespace: 'shop', name: 'web-1', labels: { app: 'web' } },
    ]);
    const server = createMetricsApiServer({
      providers: { resource: memory() },
      objectLister: lister,
      logger,
    });
    const { url } = await server.listen();
    stops.push(() => server.close());
    for (let i = 0; i < 3; i++)
      expect(namesOf((await getJson(`${url}/apis/metrics.k8s.io/v1beta1/nodes`)).body)).toEqual([
        '/ghost-node',
        '/n1',
      ]);
    expect(messages.filter((m) => m.includes('metrics.k8s.io nodes'))).toHaveLength(1);
    expect(namesOf((await getJson(`${url}/apis/metrics.k8s.io/v1beta1/pods`)).body)).toEqual(['shop/web-1']);
  });
});
