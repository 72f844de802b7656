/**
 * Fuzzing the request pipeline: thousands of random paths (valid shapes with random segments,
 * percent-escapes good and bad, `.`/`..`), selectors, methods and headers. Every answer must be a
 * success or a 400/404/405 `Status` (never a 5xx, never HTML), and the server must stay up. A
 * second run goes through TLS with delegated authentication and authorization in front (random
 * front-proxy headers with and without the proxy's certificate, random bearer tokens checked by
 * TokenReview, SubjectAccessReview against the test cluster): 401 and 403 join the allowed answers.
 * Deterministic: a seeded generator, so a failure reproduces.
 */
import { Agent, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAccess, createMetricsApiServer } from '../src/apiserver/index.js';
import type { MetricsApiServer } from '../src/apiserver/index.js';
import { loadKubeConfig } from '../src/client/index.js';
import { MemoryMetricsProvider } from '../src/providers/memory/index.js';
import {
  createCertificateAuthority,
  issueClientCertificate,
  startTestCluster,
} from '../src/testing/index.js';
import type { TestCluster } from '../src/testing/index.js';

/** mulberry32: small, fast, seeded. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = random(20250301);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const chance = (p: number): boolean => rand() < p;

const PREFIXES = [
  '/apis/custom.metrics.k8s.io/v1beta2',
  '/apis/custom.metrics.k8s.io/v1beta1',
  '/apis/external.metrics.k8s.io/v1beta1',
  '/apis/metrics.k8s.io/v1',
  '/apis/metrics.k8s.io/v1beta1',
  '/apis/metrics.k8s.io/v2',
  '/apis',
  '/api',
  '/openapi/v3/apis/metrics.k8s.io',
  '/openapi',
  '',
];
const SEGMENTS = [
  'namespaces', 'shop', 'pods', 'nodes', 'metrics', 'deployments.apps', 'web-1', 'node-1', '*', '%2A', '%2a',
  'http_requests', 'queue_depth', 'temperature', 'v1', 'v2', 'version', 'healthz', 'readyz', 'openapi',
  '%zz', '%', '..', '.', '%2E%2E', '%2F', 'a%2Fb', '%00', '%C3%A9', '%E2%82', '.apps', 'x.', '__proto__',
  'constructor', 'hasOwnProperty', 'toString',
]; // prettier-ignore
const SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";
const SELECTORS = [
  'app=web', 'app!=web', 'app==web', 'app in (web,db)', 'app notin (x)', '!app', 'app', 'a>1', 'a<2',
  'a in (', '(', ')', '=', '==x', ',', 'a,', ',a', 'a=b=c', 'metadata.name=web-1', 'metadata.namespace=shop',
  'spec.nodeName=x', 'metadata.name', 'a\\,b=c', '\\', 'queue=orders', 'x'.repeat(300), 'é=1', '\u0000',
]; // prettier-ignore
const PARAMS = [
  'labelSelector',
  'fieldSelector',
  'metricLabelSelector',
  'watch',
  'pretty',
  'hash',
  'verbose',
  'limit',
];
const ACCEPTS = [
  'application/json',
  '*/*',
  'text/html',
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json;q=abc',
  'application/vnd.kubernetes.protobuf',
  ';;;,,,/',
];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

function randomText(max: number): string {
  let text = '';
  const length = Math.floor(rand() * max);
  for (let i = 0; i < length; i++) text += pick([...SAFE]);
  return text;
}

function printable(max: number): string {
  let text = '';
  const length = Math.floor(rand() * max);
  for (let i = 0; i < length; i++) text += String.fromCharCode(32 + Math.floor(rand() * 95));
  return text;
}

function randomPath(): string {
  let path = pick(PREFIXES);
  const count = Math.floor(rand() * 6);
  for (let i = 0; i < count; i++) path += `/${chance(0.8) ? pick(SEGMENTS) : randomText(12)}`;
  if (chance(0.05)) path += '/';
  if (chance(0.03)) path += '//x';
  if (path === '') path = '/';
  if (chance(0.6)) {
    const params: string[] = [];
    const n = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) {
      const value = chance(0.7) ? pick(SELECTORS) : printable(20);
      params.push(`${pick(PARAMS)}=${chance(0.8) ? encodeURIComponent(value) : randomText(10)}`);
    }
    path += `?${params.join('&')}`;
  }
  return path;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

let server: MetricsApiServer;
let port = 0;
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  secure?: { port: number; agent: HttpsAgent },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', method, path, headers };
    const onResponse = (res: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'] ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    };
    const req =
      secure === undefined
        ? request({ ...options, port, agent }, onResponse)
        : httpsRequest({ ...options, port: secure.port, agent: secure.agent }, onResponse);
    req.on('error', reject);
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') req.write(printable(100));
    req.end();
  });
}

let memory: MemoryMetricsProvider;

beforeAll(async () => {
  const m = new MemoryMetricsProvider();
  memory = m;
  m.setCustomMetric({
    groupResource: 'pods',
    namespace: 'shop',
    name: 'web-1',
    metric: 'http_requests',
    value: '250m',
    labels: { app: 'web' },
  });
  m.setCustomMetric({ groupResource: 'nodes', name: 'node-1', metric: 'temperature', value: 45 });
  m.setExternalMetric({ metric: 'queue_depth', labels: { queue: 'orders' }, value: 42 });
  m.setNodeUsage({ name: 'node-1', usage: { cpu: '1', memory: '1Gi' } });
  m.setPodUsage({
    namespace: 'shop',
    name: 'web-1',
    labels: { app: 'web' },
    containers: [{ name: 'app', usage: { cpu: '1m' } }],
  });
  server = createMetricsApiServer({
    providers: { custom: m, external: m, resource: m },
    objectLister: m.objectLister,
  });
  port = (await server.listen()).port;
});

afterAll(async () => {
  agent.destroy();
  await server.close();
});

describe('fuzzing the request pipeline', () => {
  it('3000 random requests: only successes or 400/404/405 Status answers, and the server stays up', async () => {
    const unexpected: string[] = [];
    const seen = new Map<number, number>();
    const jobs = Array.from({ length: 3000 }, () => {
      const headers: Record<string, string> = {};
      if (chance(0.7)) headers['accept'] = chance(0.8) ? pick(ACCEPTS) : printable(40);
      if (chance(0.2)) headers['audit-id'] = printable(40);
      if (chance(0.1)) headers['if-none-match'] = printable(20);
      if (chance(0.1)) headers['authorization'] = `Bearer ${randomText(20)}`;
      return { method: pick(METHODS), path: randomPath(), headers };
    });
    for (let i = 0; i < jobs.length; i += 32) {
      await Promise.all(
        jobs.slice(i, i + 32).map(async ({ method, path, headers }) => {
          const answer = await send(method, path, headers);
          seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
          const where = `${method} ${path} → ${answer.status}`;
          if (![200, 301, 304, 400, 404, 405].includes(answer.status)) {
            unexpected.push(`${where}: ${answer.body.slice(0, 200)}`);
            return;
          }
          if (answer.status >= 400) {
            const status = JSON.parse(answer.body) as { kind: string; code: number; status: string };
            if (status.kind !== 'Status' || status.code !== answer.status || status.status !== 'Failure')
              unexpected.push(`${where}: not a Status: ${answer.body.slice(0, 200)}`);
          } else if (answer.status === 200 && !answer.contentType.startsWith('text/plain')) {
            JSON.parse(answer.body);
          }
        }),
      );
    }
    expect(unexpected).toEqual([]);
    // The generator reaches every kind of answer, not just 404s.
    for (const code of [200, 400, 404, 405])
      expect(seen.get(code) ?? 0, `answers with ${code}`).toBeGreaterThan(20);
    expect((await send('GET', '/healthz', {})).body).toBe('ok');
  });
});

describe('fuzzing with authentication and authorization in front', () => {
  const frontProxyCA = createCertificateAuthority('fuzz-front-proxy');
  const proxy = issueClientCertificate(frontProxyCA, 'front-proxy-client');
  let cluster: TestCluster;
  let access: ClusterAccess;
  let secureServer: MetricsApiServer;
  let withCert: HttpsAgent;
  let withoutCert: HttpsAgent;
  let securePort = 0;

  beforeAll(async () => {
    cluster = await startTestCluster({
      tls: false,
      users: [
        { name: 'admin', groups: ['system:masters'], token: 'admin-token' },
        { name: 'reader', token: 'reader-token', allow: [{ verbs: ['get', 'list'] }] },
        { name: 'nobody', token: 'nobody-token', allow: [] },
      ],
      frontProxy: { caPem: frontProxyCA.certPem, allowedNames: ['front-proxy-client'] },
    });
    access = ClusterAccess.fromKubeConfig(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath, env: {} }));
    secureServer = createMetricsApiServer({
      providers: { custom: memory, external: memory, resource: memory },
      objectLister: memory.objectLister,
      cluster: access,
      authentication: {},
      authorization: { mode: 'Webhook' },
    });
    const started = await secureServer.start({ host: '127.0.0.1' });
    securePort = started.port;
    const ca = started.caBundle ?? '';
    withCert = new HttpsAgent({ keepAlive: true, maxSockets: 8, ca, cert: proxy.certPem, key: proxy.keyPem });
    withoutCert = new HttpsAgent({ keepAlive: true, maxSockets: 8, ca });
    const probe = (): Promise<Answer> => send('GET', '/readyz', {}, { port: securePort, agent: withoutCert });
    // Ready before the fuzzing (it allows no 503): waited for, not assumed after a hundred tries,
    // which a loaded machine can use up (the bound only stops a hung start).
    const deadline = Date.now() + 45_000;
    let ready = await probe();
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      ready = await probe();
    }
    expect(ready.status, ready.body).toBe(200);
  });

  afterAll(async () => {
    withCert.destroy();
    withoutCert.destroy();
    await secureServer.stop();
    await access.close();
    await cluster.stop();
  });

  it('1000 random requests: only successes or 400/401/403/404/405 Status answers', async () => {
    const USERS = ['system:kube-aggregator', 'admin', 'reader', 'nobody', 'mallory', printable(12), ''];
    const GROUPS = ['system:masters', 'system:authenticated', 'devs', printable(8)];
    const TOKENS = ['admin-token', 'reader-token', 'nobody-token', randomText(20), '', 'x y'];
    const unexpected: string[] = [];
    const seen = new Map<number, number>();
    const jobs = Array.from({ length: 1000 }, () => {
      const headers: Record<string, string> = {};
      if (chance(0.5)) headers['x-remote-user'] = pick(USERS);
      if (chance(0.5)) headers['x-remote-group'] = pick(GROUPS);
      if (chance(0.1))
        headers[`x-remote-extra-${randomText(6).replace(/[^a-z0-9]/gi, '') || 'k'}`] = printable(10);
      if (chance(0.3)) headers['authorization'] = `Bearer ${pick(TOKENS)}`;
      if (chance(0.5)) headers['accept'] = pick(ACCEPTS);
      return { method: pick(METHODS), path: randomPath(), headers, cert: chance(0.5) };
    });
    for (let i = 0; i < jobs.length; i += 16) {
      await Promise.all(
        jobs.slice(i, i + 16).map(async ({ method, path, headers, cert }) => {
          const answer = await send(method, path, headers, {
            port: securePort,
            agent: cert ? withCert : withoutCert,
          });
          seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
          const where = `${method} ${path} ${JSON.stringify(headers)} cert=${cert} → ${answer.status}`;
          if (![200, 301, 304, 400, 401, 403, 404, 405].includes(answer.status)) {
            unexpected.push(`${where}: ${answer.body.slice(0, 200)}`);
            return;
          }
          if (answer.status >= 400) {
            const status = JSON.parse(answer.body) as { kind: string; code: number };
            if (status.kind !== 'Status' || status.code !== answer.status)
              unexpected.push(`${where}: not a Status: ${answer.body.slice(0, 200)}`);
          }
        }),
      );
    }
    expect(unexpected).toEqual([]);
    // Seeded, so these counts are the same on every run; each kind of answer is reached.
    for (const code of [200, 401, 403, 404])
      expect(seen.get(code) ?? 0, `answers with ${code}`).toBeGreaterThan(code === 200 ? 5 : 20);
    expect((await send('GET', '/healthz', {}, { port: securePort, agent: withoutCert })).body).toBe('ok');
  });
});
