/**
 * kubemetrics/testing over real HTTP(S) on 127.0.0.1: discovery, lists and pagination, selectors,
 * metrics.k8s.io, watch, authentication and authorization answers, Tables, faults.
 * Expected wire shapes follow kube-apiserver (k8s.io/apiserver) and metrics-server behaviour.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   Response bodies are decoded JSON asserted structurally with expect(); typing every wire shape here would only restate the assertions. */
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Pod } from '../src/api/index.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';

const fixture = buildCluster({ nodes: 4, podsPerNode: 6, seed: 11, namespaces: 2 });
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({
    ...fixture,
    watchWindow: 50,
    users: [
      { name: 'admin', groups: ['system:masters'], token: 'admin-token' },
      { name: 'cert-user', clientCert: true, groups: ['team-a', 'team-b'] },
      {
        name: 'viewer',
        token: 'viewer-token',
        allow: [
          { verbs: ['get', 'list', 'watch'], groups: [''], resources: ['pods'], namespaces: ['shop'] },
          { verbs: ['get'], nonResourceURLs: ['/metrics'] },
        ],
      },
    ],
  });
});

afterAll(async () => {
  await cluster?.stop();
});

const podsIn = (namespace: string): Pod[] => fixture.pods.filter((p) => p.metadata.namespace === namespace);

describe('discovery and version', () => {
  it('serves legacy discovery as plain JSON even when aggregated discovery is preferred', async () => {
    const aggregated = {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    };
    const api = await call(cluster, '/api', { headers: aggregated });
    expect(api.headers['content-type']).toBe('application/json');
    expect(api.json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const apis = await call(cluster, '/apis', { headers: aggregated });
    expect(apis.json.kind).toBe('APIGroupList');
    const metrics = apis.json.groups.find((g: { name: string }) => g.name === 'metrics.k8s.io');
    expect(metrics).toEqual({
      name: 'metrics.k8s.io',
      versions: [
        { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' },
        { groupVersion: 'metrics.k8s.io/v1', version: 'v1' },
      ],
      preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' },
    });
    const core = await call(cluster, '/api/v1');
    expect(core.json.resources.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining(['nodes', 'pods', 'namespaces', 'events']),
    );
    const group = await call(cluster, '/apis/metrics.k8s.io/v1');
    expect(group.json).toMatchObject({ kind: 'APIResourceList', groupVersion: 'metrics.k8s.io/v1' });
    expect((await call(cluster, '/apis/metrics.k8s.io')).json.kind).toBe('APIGroup');
    expect((await call(cluster, '/version')).json).toMatchObject({ major: '1', minor: '32' });
    const health = await call(cluster, '/healthz');
    expect([health.status, health.text]).toEqual([200, 'ok']);
  });
});

describe('objects and lists', () => {
  it('GET one object carries kind/apiVersion; list items do not (as from kube-apiserver)', async () => {
    const pod = podsIn('shop')[0]!;
    const one = await call(cluster, `/api/v1/namespaces/shop/pods/${pod.metadata.name}`);
    expect(one.json).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { name: pod.metadata.name } });
    expect(Number(one.json.metadata.resourceVersion)).toBeGreaterThan(0);
    const list = await call(cluster, '/api/v1/nodes');
    expect(list.json).toMatchObject({ kind: 'NodeList', apiVersion: 'v1' });
    expect(list.json.items).toHaveLength(fixture.nodes.length);
    expect(list.json.items[0].kind).toBeUndefined();
    expect(Number(list.json.metadata.resourceVersion)).toBeGreaterThan(0);
    const ns = await call(cluster, '/api/v1/namespaces/shop');
    expect(ns.json).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'shop' },
      status: { phase: 'Active' },
    });
  });

  it('answers 404 and 405 as Status objects', async () => {
    const missing = await call(cluster, '/api/v1/namespaces/shop/pods/nope');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
    const unknown = await call(cluster, '/apis/example.com/v1/widgets');
    expect([unknown.status, unknown.json.reason, unknown.json.message]).toEqual([
      404,
      'NotFound',
      'the server could not find the requested resource',
    ]);
    const post = await call(cluster, '/api/v1/namespaces/shop/pods', { method: 'POST' });
    expect([post.status, post.json.reason]).toEqual([405, 'MethodNotAllowed']);
  });

  it('paginates with limit/continue/remainingItemCount over a consistent snapshot', async () => {
    const total = fixture.pods.length;
    const seen: string[] = [];
    let path = '/api/v1/pods?limit=7';
    let remaining: number | undefined;
    let first = true;
    for (;;) {
      const page = await call(cluster, path);
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`));
      remaining = page.json.metadata.remainingItemCount;
      if (first) {
        expect(remaining).toBe(total - 7);
        // A write between pages is not visible to the rest of this list.
        cluster.upsertPod({
          metadata: { name: 'zz-late', namespace: 'zz' },
          spec: { containers: [{ name: 'c' }] },
        });
        first = false;
      }
      const token = page.json.metadata.continue;
      if (token === undefined) break;
      path = `/api/v1/pods?limit=7&continue=${encodeURIComponent(token)}`;
    }
    expect(remaining).toBeUndefined();
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual([...seen].sort());
    expect(seen).not.toContain('zz/zz-late');
    cluster.deletePod('zz', 'zz-late');
  });

  it('expires continue tokens after compact() with 410 and an inconsistent continue token; rejects foreign tokens with 400', async () => {
    const page = await call(cluster, '/api/v1/pods?limit=5');
    cluster.compact();
    const expired = await call(
      cluster,
      `/api/v1/pods?limit=5&continue=${encodeURIComponent(page.json.metadata.continue)}`,
    );
    expect(expired.status).toBe(410);
    expect(expired.json).toMatchObject({ reason: 'Expired', code: 410 });
    expect(expired.json.message).toContain('The provided continue parameter is too old');
    const resumed = await call(
      cluster,
      `/api/v1/pods?limit=5&continue=${encodeURIComponent(expired.json.metadata.continue)}`,
    );
    expect(resumed.status).toBe(200);
    expect(resumed.json.items[0].metadata.name).not.toBe(page.json.items[0].metadata.name);
    const bogus = await call(cluster, '/api/v1/pods?limit=5&continue=not-a-token');
    expect([bogus.status, bogus.json.reason]).toEqual([400, 'BadRequest']);
  });

  it('filters by label selector (full grammar) and field selector; rejects unsupported fields', async () => {
    const shop = podsIn('shop');
    const byNs = await call(cluster, '/api/v1/namespaces/shop/pods');
    expect(byNs.json.items).toHaveLength(shop.length);

    const tier = shop[0]!.metadata.labels!['tier']!;
    const expected = fixture.pods.filter(
      (p) => p.metadata.labels?.['tier'] === tier || p.metadata.labels?.['tier'] === 'nope',
    );
    const set = await call(
      cluster,
      `/api/v1/pods?labelSelector=${encodeURIComponent(`tier in (${tier}, nope)`)}`,
    );
    expect(set.json.items).toHaveLength(expected.length);
    expect(set.json.metadata.remainingItemCount).toBeUndefined();

    const node = fixture.nodes[1]!.metadata.name!;
    const describeNode = `spec.nodeName=${node},status.phase!=Succeeded,status.phase!=Failed`;
    const onNode = await call(
      cluster,
      `/api/v1/pods?fieldSelector=${encodeURIComponent(describeNode)}&limit=2`,
    );
    const wanted = fixture.pods.filter(
      (p) => p.spec.nodeName === node && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
    );
    expect(onNode.json.items.length).toBe(Math.min(2, wanted.length));
    expect(onNode.json.items.every((p: Pod) => p.spec.nodeName === node)).toBe(true);

    const pending = await call(cluster, '/api/v1/pods?fieldSelector=spec.nodeName%3D');
    expect(pending.json.items.every((p: Pod) => p.status?.phase === 'Pending')).toBe(true);

    const bad = await call(cluster, '/api/v1/pods?fieldSelector=spec.foo%3Dbar');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: spec.foo' });
    const badLabels = await call(cluster, `/api/v1/pods?labelSelector=${encodeURIComponent('app in web')}`);
    expect(badLabels.status).toBe(400);
    expect(badLabels.json.message).toContain("at position 7 found 'web', expected '('");
    const nsField = await call(cluster, '/api/v1/pods?fieldSelector=metadata.namespace%3Dshop');
    expect(nsField.json.items).toHaveLength(shop.length);
  });
});

describe('metrics.k8s.io', () => {
  it('serves node and pod metrics with the kind/apiVersion of the version asked', async () => {
    for (const version of ['v1beta1', 'v1']) {
      const nodes = await call(cluster, `/apis/metrics.k8s.io/${version}/nodes`);
      expect(nodes.json).toMatchObject({
        kind: 'NodeMetricsList',
        apiVersion: `metrics.k8s.io/${version}`,
        metadata: {},
      });
      expect(nodes.json.items).toHaveLength(fixture.nodeMetrics.length);
      const name = fixture.nodeMetrics[0]!.metadata.name!;
      const one = await call(cluster, `/apis/metrics.k8s.io/${version}/nodes/${name}`);
      expect(one.json).toMatchObject({ kind: 'NodeMetrics', apiVersion: `metrics.k8s.io/${version}` });
      expect(one.json.usage.cpu).toMatch(/^\d+n$/);
      expect(one.json.usage.memory).toMatch(/^\d+Ki$/);
      const pods = await call(cluster, `/apis/metrics.k8s.io/${version}/namespaces/shop/pods`);
      expect(pods.json.kind).toBe('PodMetricsList');
      expect(pods.json.items.length).toBeGreaterThan(0);
      expect(pods.json.items.every((m: Pod) => m.metadata.namespace === 'shop')).toBe(true);
    }
    const tier = fixture.podMetrics.find((m) => m.metadata.labels?.['tier'] !== undefined)!.metadata.labels![
      'tier'
    ]!;
    const selected = await call(cluster, `/apis/metrics.k8s.io/v1beta1/pods?labelSelector=tier%3D${tier}`);
    expect(selected.json.items).toHaveLength(
      fixture.podMetrics.filter((m) => m.metadata.labels?.['tier'] === tier).length,
    );
    const missing = await call(cluster, '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/nope');
    expect([missing.status, missing.json.message]).toEqual([
      404,
      'podmetrics.metrics.k8s.io "shop/nope" not found',
    ]);
  });

  it('is absent (404, not in discovery) with metricsVersions: []', async () => {
    const bare = await startTestCluster({ metricsVersions: [], tls: false });
    try {
      expect(bare.url.startsWith('http://')).toBe(true);
      const nodes = await call(bare, '/apis/metrics.k8s.io/v1beta1/nodes');
      expect([nodes.status, nodes.json.reason]).toEqual([404, 'NotFound']);
      const apis = await call(bare, '/apis');
      expect(apis.json.groups.map((g: { name: string }) => g.name)).not.toContain('metrics.k8s.io');
    } finally {
      await bare.stop();
    }
  });
});

describe('watch', () => {
  it('streams ADDED/MODIFIED/DELETED after a list resourceVersion', async () => {
    const list = await call(cluster, '/api/v1/namespaces/web/pods');
    const rv = list.json.metadata.resourceVersion;
    const stream = await watch(cluster, `/api/v1/namespaces/web/pods?watch=1&resourceVersion=${rv}`);
    expect(stream.status).toBe(200);
    const pod: Pod = {
      metadata: { name: 'watched', namespace: 'web', labels: { a: '1' } },
      spec: { containers: [{ name: 'c' }] },
    };
    cluster.upsertPod(pod);
    cluster.upsertPod({ ...pod, metadata: { ...pod.metadata, labels: { a: '2' } } });
    cluster.upsertPod({ ...pod, metadata: { ...pod.metadata, namespace: 'shop' } }); // other namespace: not seen
    cluster.deletePod('web', 'watched');
    const events = await stream.next(3);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[0].object).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'watched' } });
    expect(Number(events[2].object.metadata.resourceVersion)).toBeGreaterThan(
      Number(events[1].object.metadata.resourceVersion),
    );
    stream.close();
    cluster.deletePod('shop', 'watched');
  });

  it('starts with synthetic ADDED events without resourceVersion, and maps selector changes to ADDED/DELETED', async () => {
    cluster.upsertPod({
      metadata: { name: 'sel', namespace: 'web', labels: { watched: 'yes' } },
      spec: { containers: [{ name: 'c' }] },
    });
    const stream = await watch(
      cluster,
      '/api/v1/pods?watch=true&labelSelector=watched%3Dyes&sendInitialEvents=true',
    );
    const [initial, bookmark] = await stream.next(2);
    expect(initial.type).toBe('ADDED');
    expect(bookmark).toMatchObject({
      type: 'BOOKMARK',
      object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
    cluster.upsertPod({
      metadata: { name: 'sel', namespace: 'web', labels: { watched: 'no' } },
      spec: { containers: [{ name: 'c' }] },
    });
    cluster.upsertPod({
      metadata: { name: 'sel', namespace: 'web', labels: { watched: 'yes' } },
      spec: { containers: [{ name: 'c' }] },
    });
    const events = await stream.next(4);
    expect(events.slice(2).map((e) => e.type)).toEqual(['DELETED', 'ADDED']);
    stream.close();
    cluster.deletePod('web', 'sel');
  });

  it('sends an ERROR event with a 410 Expired Status for a too old resourceVersion', async () => {
    const stream = await watch(cluster, '/api/v1/pods?watch=1&resourceVersion=1');
    await stream.ended;
    expect(stream.status).toBe(200);
    expect(stream.events).toHaveLength(1);
    expect(stream.events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 },
    });
    expect(stream.events[0].object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  it('honours timeoutSeconds and watches nodes', async () => {
    const list = await call(cluster, '/api/v1/nodes');
    const started = Date.now();
    const stream = await watch(
      cluster,
      `/api/v1/nodes?watch=1&timeoutSeconds=1&resourceVersion=${list.json.metadata.resourceVersion}`,
    );
    const node = fixture.nodes[0]!;
    cluster.upsertNode({ ...node, spec: { ...node.spec, unschedulable: true } });
    await stream.ended;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(stream.events.map((e) => e.type)).toEqual(['MODIFIED']);
    cluster.upsertNode(node);
  });
});

describe('authentication and authorization', () => {
  it('authenticates with a client certificate (user = CN)', async () => {
    cluster.resetRequestLog();
    const answer = await call(cluster, '/api/v1/nodes', { user: 'cert-user' });
    expect(answer.status).toBe(200);
    expect(cluster.credentials('cert-user').token).toBeUndefined();
    expect(cluster.requests).toEqual([
      { method: 'GET', url: '/api/v1/nodes', user: 'cert-user', status: 200 },
    ]);
  });

  it('401 without or with a wrong token', async () => {
    for (const options of [{ anonymous: true }, { token: 'wrong' }]) {
      const answer = await call(cluster, '/api/v1/nodes', options);
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });

  it('403 in the API server words, for cluster scope, namespaces, named objects and paths', async () => {
    const cases: [string, string][] = [
      [
        '/api/v1/nodes',
        'nodes is forbidden: User "viewer" cannot list resource "nodes" in API group "" at the cluster scope',
      ],
      [
        '/api/v1/pods',
        'pods is forbidden: User "viewer" cannot list resource "pods" in API group "" at the cluster scope',
      ],
      [
        '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods',
        'pods.metrics.k8s.io is forbidden: User "viewer" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "shop"',
      ],
      [
        '/api/v1/namespaces/web/pods/x',
        'pods "x" is forbidden: User "viewer" cannot get resource "pods" in API group "" in the namespace "web"',
      ],
      ['/logs', 'forbidden: User "viewer" cannot get path "/logs"'],
    ];
    for (const [path, message] of cases) {
      const answer = await call(cluster, path, { user: 'viewer' });
      expect(answer.status, path).toBe(403);
      expect(answer.json).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403, message });
    }
    const forbidden = await call(cluster, '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods', {
      user: 'viewer',
    });
    expect(forbidden.json.details).toEqual({ group: 'metrics.k8s.io', kind: 'pods' });
    expect((await call(cluster, '/api/v1/namespaces/shop/pods', { user: 'viewer' })).status).toBe(200);
    expect((await call(cluster, '/apis', { user: 'viewer' })).status).toBe(200);
    expect((await call(cluster, '/metrics', { user: 'viewer' })).status).toBe(404);
  });

  it('allows anonymous requests only when asked to', async () => {
    const open = await startTestCluster({ anonymous: true, users: [] });
    try {
      expect((await call(open, '/api/v1/nodes', { anonymous: true })).status).toBe(200);
      expect(open.requests[0]?.user).toBe('system:anonymous');
      expect(parseYaml(open.kubeconfig).users[0].name).toBe('anonymous');
    } finally {
      await open.stop();
    }
  });
});

describe('tables, faults, API services, kubeconfig', () => {
  const tableAccept = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };

  it('answers meta.k8s.io/v1 Tables when asked', async () => {
    const nodes = await call(cluster, '/api/v1/nodes?limit=2', { headers: tableAccept });
    expect(nodes.json).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(nodes.json.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Status',
      'Roles',
      'Age',
      'Version',
    ]);
    expect(nodes.json.rows).toHaveLength(2);
    expect(nodes.json.rows[0].cells.slice(0, 2)).toEqual([
      fixture.nodes.map((n) => n.metadata.name).sort()[0],
      'Ready',
    ]);
    expect(nodes.json.rows[0].object.kind).toBe('PartialObjectMetadata');
    expect(nodes.json.metadata.continue).toBeDefined();
    const pods = await call(cluster, '/api/v1/namespaces/shop/pods?includeObject=Object', {
      headers: tableAccept,
    });
    expect(pods.json.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    expect(pods.json.rows[0].object.kind).toBe('Pod');
  });

  it('injects faults: status with Retry-After, then a reset, then normal answers', async () => {
    cluster.injectFault({ path: '/api/v1/nodes', status: 429, retryAfterSeconds: 3, times: 2 });
    cluster.injectFault({ path: /\/api\/v1\/namespaces\/shop\/pods\?limit=1$/, reset: true });
    for (let i = 0; i < 2; i++) {
      const limited = await call(cluster, '/api/v1/nodes');
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBe('3');
      expect(limited.json).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
    }
    expect((await call(cluster, '/api/v1/nodes')).status).toBe(200);
    await expect(call(cluster, '/api/v1/namespaces/shop/pods?limit=1')).rejects.toThrow();
    expect((await call(cluster, '/api/v1/namespaces/shop/pods?limit=1')).status).toBe(200);
  });

  it('routes a registered API service after authentication and lists it in discovery', async () => {
    cluster.registerAPIService({
      group: 'custom.metrics.k8s.io',
      version: 'v1beta2',
      resources: [
        { name: 'pods/rps', singularName: '', namespaced: true, kind: 'MetricValueList', verbs: ['get'] },
      ],
      handler: (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ path: req.url }));
      },
    });
    const apis = await call(cluster, '/apis');
    expect(apis.json.groups.map((g: { name: string }) => g.name)).toContain('custom.metrics.k8s.io');
    const list = await call(cluster, '/apis/custom.metrics.k8s.io/v1beta2');
    expect(list.json.resources[0].name).toBe('pods/rps');
    const answer = await call(cluster, '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/rps');
    expect(answer.json).toEqual({ path: '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/rps' });
    expect(
      (
        await call(cluster, '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/rps', {
          anonymous: true,
        })
      ).status,
    ).toBe(401);
  });

  it('stop ends every connection, also one that has not finished its TLS handshake', async () => {
    const other = await startTestCluster({});
    // A TCP connection that never sends a ClientHello: not an HTTP connection yet, so the HTTP
    // server's closeAllConnections() does not know it (a client that gave up while connecting).
    const socket = connect(Number(new URL(other.url).port), '127.0.0.1');
    await once(socket, 'connect');
    const closed = once(socket, 'close');
    await other.stop();
    await closed;
  });

  it('writes kubeconfigs per user and removes them on stop', async () => {
    const other = await startTestCluster({ users: [{ name: 'a' }, { name: 'b', clientCert: true }] });
    const config = parseYaml(readFileSync(other.kubeconfigPath, 'utf8'));
    expect(config['current-context']).toBe('kubemetrics-test');
    expect(config.clusters[0].cluster.server).toBe(other.url);
    expect(config.users[0]).toMatchObject({ name: 'a', user: { token: other.credentials('a').token } });
    const path = other.kubeconfigPathFor('b');
    expect(parseYaml(readFileSync(path, 'utf8')).users[0].user['client-certificate-data']).toBeDefined();
    expect(() => other.kubeconfigFor('nobody')).toThrow(/no user "nobody"/);
    await other.stop();
    expect(existsSync(other.kubeconfigPath)).toBe(false);
    expect(existsSync(path)).toBe(false);
    await expect(startTestCluster({ tls: false, users: [{ name: 'x', clientCert: true }] })).rejects.toThrow(
      /user "x" has clientCert: true but tls is false/,
    );
  });
});

// --- a minimal client: node:https with the cluster CA and a user's token or client certificate ---

interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly text: string;
  readonly json: any;
}

interface CallOptions {
  readonly user?: string;
  /** Send no credentials at all. */
  readonly anonymous?: boolean;
  readonly token?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
}

function open(
  cluster: TestCluster,
  path: string,
  options: CallOptions,
  onResponse: (res: IncomingMessage) => void,
) {
  const credentials = options.anonymous === true ? {} : cluster.credentials(options.user);
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = options.token ?? credentials.token;
  if (options.anonymous !== true && token !== undefined) headers.authorization = `Bearer ${token}`;
  const url = new URL(path, cluster.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = request(
    url,
    {
      method: options.method ?? 'GET',
      headers,
      ca: cluster.caPem,
      cert: options.anonymous === true ? undefined : credentials.certPem,
      key: options.anonymous === true ? undefined : credentials.keyPem,
      agent: false,
    },
    onResponse,
  );
  return req;
}

/** One request, whole body. */
function call(cluster: TestCluster, path: string, options: CallOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = open(cluster, path, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** An open watch: collects decoded events; `next(n)` waits until n events arrived. */
interface WatchStream {
  readonly status: number;
  readonly events: any[];
  next(count: number, timeoutMs?: number): Promise<any[]>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

function watch(cluster: TestCluster, path: string, options: CallOptions = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const req = open(cluster, path, options, (res) => {
      const events: unknown[] = [];
      const waiters: (() => void)[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.trim() !== '') events.push(JSON.parse(line));
        }
        for (const wake of waiters.splice(0)) wake();
      });
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      resolve({
        status: res.statusCode ?? 0,
        events,
        ended,
        close: () => req.destroy(),
        // The bound only stops a hung test (the events are pushed at once; a loaded machine may
        // still take seconds to deliver them).
        next(count, timeoutMs = 20_000) {
          return new Promise((done, fail) => {
            const deadline = setTimeout(
              () =>
                fail(
                  new Error(
                    `watch: expected ${count} events, got ${events.length}: ${JSON.stringify(events)}`,
                  ),
                ),
              timeoutMs,
            );
            const check = (): void => {
              if (events.length >= count) {
                clearTimeout(deadline);
                done(events.slice(0, count));
              } else waiters.push(check);
            };
            check();
          });
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}
