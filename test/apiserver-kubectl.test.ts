/**
 * The real kubectl against the metrics API server: over TLS (the generated serving certificate's
 * CA in the kubeconfig, a client certificate the server trusts, no anonymous access) `kubectl get
 * --raw` on every route shape and discovery document and `kubectl api-versions`; over plain HTTP
 * the OpenAPI documents, Status errors, `api-resources` and `top pod`. Needs kubectl
 * (test/helpers/peers.ts: fails in CI without it, skipped with a notice elsewhere).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createMetricsApiServer } from '../src/apiserver/index.js';
import { createCertificateAuthority, issueClientCertificate } from '../src/testing/index.js';
import type { MetricsApiServer } from '../src/apiserver/index.js';
import { MemoryMetricsProvider } from '../src/providers/memory/index.js';
import { KUBECTL, needPeer } from './helpers/peers.js';

const kubectlPeer = needPeer(KUBECTL);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dir = '';
const servers: MetricsApiServer[] = [];
const stops: (() => Promise<void>)[] = [];

async function kubeconfigFor(server: MetricsApiServer, name: string): Promise<string> {
  const { url } = await server.listen();
  const path = join(dir, `${name}.kubeconfig`);
  await writeFile(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server: url } }],
      users: [{ name: 'anonymous', user: {} }],
      contexts: [{ name, context: { cluster: name, user: 'anonymous' } }],
      'current-context': name,
    }),
  );
  return path;
}

function kubectl(kubeconfig: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      kubectlPeer.path!,
      [...args, `--cache-dir=${join(dir, 'cache')}`],
      {
        timeout: 20_000,
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: dir,
          KUBECONFIG: kubeconfig,
          NO_PROXY: '127.0.0.1',
        },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let full = '';
let empty = '';
let secure = '';
let noCertificate = '';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

beforeAll(async () => {
  if (kubectlPeer.path === undefined) return;
  dir = await mkdtemp(join(tmpdir(), 'kubemetrics-kubectl-'));
  const m = new MemoryMetricsProvider();
  m.setCustomMetric({
    groupResource: 'pods',
    namespace: 'shop',
    name: 'web-1',
    metric: 'http_requests',
    value: '250m',
    labels: { app: 'web' },
  });
  m.setCustomMetric({
    groupResource: 'pods',
    namespace: 'shop',
    name: 'web-2',
    metric: 'http_requests',
    value: '2',
    labels: { app: 'web' },
  });
  m.setCustomMetric({
    groupResource: 'deployments.apps',
    namespace: 'shop',
    name: 'web',
    metric: 'queue_length',
    value: 3,
  });
  m.setCustomMetric({ groupResource: 'nodes', name: 'node-1', metric: 'temperature', value: '45' });
  m.setCustomMetric({ groupResource: 'namespaces', name: 'shop', metric: 'budget', value: '1k' });
  m.setExternalMetric({ metric: 'queue_depth', labels: { queue: 'orders' }, value: 42 });
  m.setNodeUsage({ name: 'node-1', usage: { cpu: '1500m', memory: '6Gi' }, windowSeconds: 30 });
  m.setPodUsage({
    namespace: 'shop',
    name: 'web-1',
    labels: { app: 'web' },
    containers: [{ name: 'app', usage: { cpu: '250m', memory: '128Mi' } }],
  });
  const server = createMetricsApiServer({
    providers: { custom: m, external: m, resource: m },
    objectLister: m.objectLister,
  });
  const nothing = new MemoryMetricsProvider();
  const bare = createMetricsApiServer({ providers: { custom: nothing, external: nothing } });
  servers.push(server, bare);
  full = await kubeconfigFor(server, 'full');
  empty = await kubeconfigFor(bare, 'empty');

  // Over TLS: only a client certificate from this CA gets in (anonymous access is off).
  const clientCA = createCertificateAuthority('kubectl-client-ca');
  const client = issueClientCertificate(clientCA, 'jane', ['system:masters']);
  const tlsServer = createMetricsApiServer({
    providers: { custom: m, external: m, resource: m },
    objectLister: m.objectLister,
    authentication: { clientCA: { caPem: clientCA.certPem } },
    authorization: { mode: 'AlwaysAllow' },
  });
  const started = await tlsServer.start({ host: '127.0.0.1' });
  stops.push(() => tlsServer.stop());
  const config = (user: Record<string, string>) =>
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'tls',
          cluster: { server: started.url, 'certificate-authority-data': b64(started.caBundle ?? '') },
        },
      ],
      users: [{ name: 'jane', user }],
      contexts: [{ name: 'tls', context: { cluster: 'tls', user: 'jane' } }],
      'current-context': 'tls',
    });
  secure = join(dir, 'secure.kubeconfig');
  await writeFile(
    secure,
    config({ 'client-certificate-data': b64(client.certPem), 'client-key-data': b64(client.keyPem) }),
  );
  noCertificate = join(dir, 'no-certificate.kubeconfig');
  // kubectl would prompt for a password with no credentials at all; a token the server cannot check is as good.
  await writeFile(noCertificate, config({ token: 'not-a-token-this-server-accepts' }));
});

afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), ...stops.map((stop) => stop())]);
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

/** `kubectl get --raw <path>` → the kind of the answer. */
const RAW: readonly [string, string][] = [
  ['/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests', 'MetricValueList'],
  [
    '/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/pods/*/http_requests?labelSelector=app%3Dweb',
    'MetricValueList',
  ],
  [
    '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/%2A/http_requests?labelSelector=app%3Dweb',
    'MetricValueList',
  ],
  [
    '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/deployments.apps/web/queue_length',
    'MetricValueList',
  ],
  ['/apis/custom.metrics.k8s.io/v1beta2/nodes/node-1/temperature', 'MetricValueList'],
  ['/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/metrics/budget', 'MetricValueList'],
  [
    '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth?labelSelector=queue%3Dorders',
    'ExternalMetricValueList',
  ],
  ['/apis/metrics.k8s.io/v1beta1/nodes', 'NodeMetricsList'],
  ['/apis/metrics.k8s.io/v1/nodes/node-1', 'NodeMetrics'],
  ['/apis/metrics.k8s.io/v1beta1/pods', 'PodMetricsList'],
  ['/apis/metrics.k8s.io/v1/namespaces/shop/pods?labelSelector=app%3Dweb', 'PodMetricsList'],
  ['/apis/metrics.k8s.io/v1/namespaces/shop/pods/web-1', 'PodMetrics'],
  ['/apis', 'APIGroupList'],
  ['/apis/custom.metrics.k8s.io', 'APIGroup'],
  ['/apis/custom.metrics.k8s.io/v1beta2', 'APIResourceList'],
  ['/apis/external.metrics.k8s.io/v1beta1', 'APIResourceList'],
  ['/apis/metrics.k8s.io/v1', 'APIResourceList'],
  ['/api', 'APIVersions'],
];

kubectlPeer.describe('real kubectl over TLS with a client certificate', () => {
  it('kubectl get --raw on every route shape and discovery document', async () => {
    const runs = await Promise.all(RAW.map(([path]) => kubectl(secure, 'get', '--raw', path)));
    runs.forEach((run, i) => {
      const [path, kind] = RAW[i] ?? ['', ''];
      expect({ path, code: run.code, stderr: run.stderr }).toEqual({ path, code: 0, stderr: '' });
      expect((JSON.parse(run.stdout) as { kind: string }).kind, path).toBe(kind);
    });
    const pods = JSON.parse(runs[1]?.stdout ?? '{}') as {
      items: { describedObject: { name: string }; metricName: string }[];
    };
    expect(pods.items.map((i) => i.describedObject.name).sort()).toEqual(['web-1', 'web-2']);
  });

  it('kubectl api-versions lists the served groups', async () => {
    const versions = await kubectl(secure, 'api-versions');
    expect(versions).toMatchObject({ code: 0, stderr: '' });
    expect(versions.stdout.trim().split('\n')).toEqual([
      'custom.metrics.k8s.io/v1beta1',
      'custom.metrics.k8s.io/v1beta2',
      'external.metrics.k8s.io/v1beta1',
      'metrics.k8s.io/v1',
      'metrics.k8s.io/v1beta1',
    ]);
  });

  it('without the client certificate kubectl gets 401', async () => {
    const run = await kubectl(noCertificate, 'get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Unauthorized/);
  });
});

kubectlPeer.describe('real kubectl over plain HTTP', () => {
  it('kubectl get --raw on the OpenAPI documents', async () => {
    const index = await kubectl(full, 'get', '--raw', '/openapi/v3');
    expect(index.code).toBe(0);
    const paths = (JSON.parse(index.stdout) as { paths: Record<string, { serverRelativeURL: string }> })
      .paths;
    const url = paths['apis/custom.metrics.k8s.io/v1beta2']?.serverRelativeURL ?? '';
    const [doc, v2] = await Promise.all([
      kubectl(full, 'get', '--raw', url),
      kubectl(full, 'get', '--raw', '/openapi/v2'),
    ]);
    expect((JSON.parse(doc?.stdout ?? '{}') as { openapi: string }).openapi).toBe('3.0.0');
    expect((JSON.parse(v2?.stdout ?? '{}') as { swagger: string }).swagger).toBe('2.0');
  });

  it('errors come back as Kubernetes Status messages', async () => {
    const [metric, node, selector] = await Promise.all([
      kubectl(full, 'get', '--raw', '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/nope'),
      kubectl(full, 'get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes/node-9'),
      kubectl(full, 'get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods?labelSelector=a%20in%20('),
    ]);
    expect(metric?.code).toBe(1);
    expect(metric?.stderr.trim()).toBe(
      'Error from server (NotFound): the server could not find the metric nope for pods',
    );
    // node-9 does not exist (the object lister does not have it): metrics-server's answer, the
    // node lister's NotFound.
    expect(node?.stderr.trim()).toBe('Error from server (NotFound): node "node-9" not found');
    expect(selector?.stderr).toContain('Error from server (BadRequest): invalid label selector');
  });

  it('kubectl api-versions lists the served groups; api-resources and top work without warnings', async () => {
    const [versions, resources, top] = await Promise.all([
      kubectl(full, 'api-versions'),
      kubectl(full, 'api-resources'),
      kubectl(full, 'top', 'pod', '-n', 'shop'),
    ]);
    expect(versions).toMatchObject({ code: 0, stderr: '' });
    expect(versions?.stdout.trim().split('\n')).toEqual([
      'custom.metrics.k8s.io/v1beta1',
      'custom.metrics.k8s.io/v1beta2',
      'external.metrics.k8s.io/v1beta1',
      'metrics.k8s.io/v1',
      'metrics.k8s.io/v1beta1',
    ]);
    expect(resources).toMatchObject({ code: 0, stderr: '' });
    expect(resources?.stdout).toMatch(
      /queue_depth\s+external\.metrics\.k8s\.io\/v1beta1\s+true\s+ExternalMetricValueList/,
    );
    expect(resources?.stdout).toMatch(/nodes\s+metrics\.k8s\.io\/v1\s+false\s+NodeMetrics/);
    expect(top).toMatchObject({ code: 0, stderr: '' });
    expect(top?.stdout).toMatch(/web-1\s+250m\s+128Mi/);
  });

  it('providers with nothing yet: no empty-resource-list warnings', async () => {
    const [versions, resources] = await Promise.all([
      kubectl(empty, 'api-versions'),
      kubectl(empty, 'api-resources'),
    ]);
    expect(versions).toMatchObject({ code: 0, stderr: '' });
    expect(resources).toMatchObject({ code: 0, stderr: '' });
    expect(resources?.stdout).toContain('externalmetrics');
  });
});
