/**
 * The informer-backed ObjectLister against the test cluster: selectors resolved from memory,
 * changes followed by watch, a relist after 410 Gone, discovery of a named group's version and
 * scope, namespace-restricted informers, and the server answering `pods/*\/<metric>` without a
 * request to the cluster per request.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../src/api/index.js';
import type { Node, Pod } from '../src/api/index.js';
import { ClusterAccess, ClusterObjectLister, createMetricsApiServer } from '../src/apiserver/index.js';
import { loadKubeConfig } from '../src/client/index.js';
import { MemoryMetricsProvider } from '../src/providers/memory/index.js';
import { startTestCluster } from '../src/testing/index.js';
import type { TestCluster } from '../src/testing/index.js';
import { eventually } from './helpers/https.js';

const pod = (namespace: string, name: string, labels: Record<string, string>): Pod => ({
  metadata: { namespace, name, labels },
  spec: { containers: [{ name: 'app' }] },
});
const node = (name: string): Node => ({ metadata: { name, labels: { pool: 'general' } } });
const PODS = { group: '', resource: 'pods' };
const names = (objects: readonly { name: string }[] | undefined): string[] | undefined =>
  objects?.map((o) => o.name).sort();

let cluster: TestCluster;
let access: ClusterAccess;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  cluster = await startTestCluster({
    tls: false,
    nodes: [node('node-1'), node('node-2')],
    pods: [
      pod('shop', 'web-1', { app: 'web' }),
      pod('shop', 'web-2', { app: 'web' }),
      pod('shop', 'db-1', { app: 'db' }),
      pod('blog', 'web-1', { app: 'web' }),
    ],
  });
  access = ClusterAccess.fromKubeConfig(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath, env: {} }));
});

// Each test's informers stop with it: one left running (the 410 test's 1 s watches) could relist
// during a later test when a loaded machine delivers a watch's end past its idle timeout, and add
// to the requests that test counts.
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

afterAll(async () => {
  await access.close();
  await cluster.stop();
});

function lister(
  options: Partial<ConstructorParameters<typeof ClusterObjectLister>[0]> = {},
): ClusterObjectLister {
  const created = new ClusterObjectLister({ cluster: access, ...options });
  created.start();
  stops.push(() => created.stop());
  return created;
}

describe('ClusterObjectLister', () => {
  it('resolves label selectors from memory and follows changes by watch', async () => {
    const pods = lister();
    const web = parseLabelSelector('app=web');
    expect(names(await pods.list(PODS, 'shop', web))).toEqual(['web-1', 'web-2']);
    expect(names(await pods.list(PODS, '', web))).toEqual(['web-1', 'web-1', 'web-2']);
    expect(pods.synced()).toBe(true);

    cluster.upsertPod(pod('shop', 'web-3', { app: 'web' }));
    cluster.upsertPod(pod('shop', 'web-1', { app: 'canary' }));
    cluster.deletePod('shop', 'web-2');
    await eventually(async () => names(await pods.list(PODS, 'shop', web))?.join() === 'web-3');
    expect(await pods.list({ group: 'apps', resource: 'deployments' }, 'shop', web)).toBeUndefined();
  });

  it('lists again after 410 Gone (the watch resumed from a compacted resourceVersion)', async () => {
    const pods = lister({ watchTimeoutSeconds: 1 });
    await pods.list(PODS, 'shop', parseLabelSelector(''));
    cluster.compact();
    await eventually(() => (pods.stats()[0]?.stats.lists ?? 0) >= 2);
    cluster.upsertPod(pod('shop', 'after-relist', { app: 'late' }));
    await eventually(
      async () =>
        names(await pods.list(PODS, 'shop', parseLabelSelector('app=late')))?.join() === 'after-relist',
    );
  });

  it('cluster-scoped resources and named groups found by discovery (leases.coordination.k8s.io)', async () => {
    const objects = lister({ resources: ['nodes', 'leases.coordination.k8s.io'] });
    expect(
      names(await objects.list({ group: '', resource: 'nodes' }, '', parseLabelSelector('pool=general'))),
    ).toEqual(['node-1', 'node-2']);
    const leases = await objects.list(
      { group: 'coordination.k8s.io', resource: 'leases' },
      'kube-node-lease',
      parseLabelSelector(''),
    );
    expect(names(leases)).toEqual(['node-1', 'node-2']);
  });

  it('namespace-restricted informers answer only for their namespaces', async () => {
    cluster.resetRequestLog();
    const pods = lister({ namespaces: ['blog'] });
    expect(names(await pods.list(PODS, 'blog', parseLabelSelector('app=web')))).toEqual(['web-1']);
    expect(await pods.list(PODS, 'shop', parseLabelSelector('app=web'))).toBeUndefined();
    expect(cluster.requests.some((r) => r.url.startsWith('/api/v1/namespaces/blog/pods?'))).toBe(true);
  });
});

describe('the server with an informer-backed lister', () => {
  it('answers pods/*/<metric> from the informer: provider values for unmatched pods are dropped, no list per request', async () => {
    const memory = new MemoryMetricsProvider();
    for (const name of ['web-3', 'db-1', 'ghost'])
      memory.setCustomMetric({ groupResource: 'pods', namespace: 'shop', name, metric: 'rps', value: 7 });
    const pods = new ClusterObjectLister({ cluster: access });
    const server = createMetricsApiServer({ providers: { custom: memory }, objectLister: pods });
    const started = await server.start({ host: '127.0.0.1' }).catch((e: unknown) => e);
    // start() refuses without auth settings; the plain listener is enough for this test.
    expect(started).toBeInstanceOf(Error);
    // Reset before the informer starts, so its one list is counted wherever it falls.
    cluster.resetRequestLog();
    pods.start();
    stops.push(() => pods.stop());
    const { url } = await server.listen();
    stops.push(() => server.close());
    for (let i = 0; i < 3; i++) {
      const response = await fetch(
        `${url}/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/rps?labelSelector=app%3Dweb`,
      );
      const body = (await response.json()) as { items: { describedObject: { name: string } }[] };
      expect(body.items.map((i) => i.describedObject.name)).toEqual(['web-3']);
    }
    const lists = cluster.requests.filter(
      (r) => r.url.startsWith('/api/v1/pods?') && !r.url.includes('watch=true'),
    );
    expect(lists).toHaveLength(1);
    const ready = await fetch(`${url}/readyz?verbose`);
    expect(await ready.text()).toContain('[+]object-lister-synced ok');
  });
});
