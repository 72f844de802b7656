/**
 * Delegated authentication and authorization end to end, against the test cluster's TokenReview,
 * SubjectAccessReview and `extension-apiserver-authentication` ConfigMap: the front-proxy flow as
 * kube-aggregator performs it (k8s.io/apiserver authentication/request/headerrequest), client
 * certificates (authentication/request/x509), bearer tokens (TokenReview, cached) and
 * SubjectAccessReview decisions (authorizerfactory delegating authorizer, cached).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAccess, createMetricsApiServer } from '../src/apiserver/index.js';
import type { Logger, MetricsApiServer } from '../src/apiserver/index.js';
import { loadKubeConfig } from '../src/client/index.js';
import { MemoryMetricsProvider } from '../src/providers/memory/index.js';
import {
  createCertificateAuthority,
  EXTENSION_APISERVER_AUTHENTICATION,
  issueClientCertificate,
  issueServerCertificate,
  startTestCluster,
} from '../src/testing/index.js';
import type { KeyPair, TestCluster } from '../src/testing/index.js';
import { eventually, httpsGet } from './helpers/https.js';
import type { HttpsRequestOptions } from './helpers/https.js';

const frontProxyCA = createCertificateAuthority('front-proxy-ca');
const otherCA = createCertificateAuthority('some-other-ca');
const aggregator = issueClientCertificate(frontProxyCA, 'front-proxy-client');
const wrongName = issueClientCertificate(frontProxyCA, 'not-the-front-proxy');
const impostor = issueClientCertificate(otherCA, 'front-proxy-client');
const serverCertAsClient = issueServerCertificate(frontProxyCA, { dnsNames: ['front-proxy-client'] });

const HTTP_REQUESTS =
  '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests?labelSelector=app%3Dweb';
const AGGREGATOR_HEADERS = { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' };

let cluster: TestCluster;
let access: ClusterAccess;
let server: MetricsApiServer;
let url = '';
let ca = '';

const get = (path: string, options: Omit<HttpsRequestOptions, 'ca'> = {}) =>
  httpsGet(`${url}${path}`, { ca, ...options });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const reviews = (kind: 'tokenreviews' | 'subjectaccessreviews') =>
  cluster.requests.filter((r) => r.method === 'POST' && r.url.endsWith(`/${kind}`)).length;

beforeAll(async () => {
  cluster = await startTestCluster({
    users: [
      { name: 'admin', groups: ['system:masters'], token: 'admin-token' },
      {
        name: 'alice',
        token: 'alice-token',
        allow: [
          {
            verbs: ['get'],
            groups: ['custom.metrics.k8s.io'],
            resources: ['pods/http_requests'],
            namespaces: ['shop'],
          },
        ],
      },
      { name: 'bob', token: 'bob-token', allow: [] },
      { name: 'dave', token: 'dave-token', allow: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }] },
      { name: 'carol', clientCert: true, groups: ['team-a'] },
    ],
    frontProxy: { caPem: frontProxyCA.certPem, allowedNames: ['front-proxy-client'] },
  });
  access = ClusterAccess.fromKubeConfig(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath, env: {} }));
  const memory = new MemoryMetricsProvider();
  for (const name of ['web-1', 'web-2'])
    memory.setCustomMetric({
      groupResource: 'pods',
      namespace: 'shop',
      name,
      metric: 'http_requests',
      value: '1500m',
      labels: { app: 'web' },
    });
  server = createMetricsApiServer({
    providers: { custom: memory, external: memory, resource: memory },
    objectLister: memory.objectLister,
    cluster: access,
    authentication: {},
    authorization: { mode: 'Webhook' },
  });
  const started = await server.start({ host: '127.0.0.1', port: 0 });
  url = started.url;
  ca = started.caBundle ?? '';
  await eventually(async () => (await get('/readyz')).status === 200);
});

afterAll(async () => {
  await server.stop();
  await access.close();
  await cluster.stop();
});

describe('front-proxy authentication (as kube-aggregator forwards requests)', () => {
  it('a front-proxy certificate with an allowed CN and X-Remote-* headers is the named user: 200, no review for system:masters', async () => {
    cluster.resetRequestLog();
    const answer = await get(HTTP_REQUESTS, { cert: aggregator, headers: AGGREGATOR_HEADERS });
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as { items: unknown[] }).items).toHaveLength(2);
    expect(reviews('subjectaccessreviews')).toBe(0);
    expect(reviews('tokenreviews')).toBe(0);
  });

  it.each<[string, KeyPair | undefined]>([
    ['no client certificate (spoofed headers)', undefined],
    ['a certificate from another CA with the right CN', impostor],
    ['a front-proxy CA certificate whose CN is not in requestheader-allowed-names', wrongName],
    ['a front-proxy CA certificate without the clientAuth usage', serverCertAsClient],
  ])('the same headers with %s: 401', async (_what, cert) => {
    const answer = await get(HTTP_REQUESTS, { cert, headers: AGGREGATOR_HEADERS });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
  });

  it("a forwarded user the SubjectAccessReview denies: 403 in the API server's words", async () => {
    const answer = await get(HTTP_REQUESTS, {
      cert: aggregator,
      headers: { 'X-Remote-User': 'bob', 'X-Remote-Group': 'team-b' },
    });
    expect(answer.status).toBe(403);
    const status = JSON.parse(answer.body) as { message: string; reason: string };
    expect(status.reason).toBe('Forbidden');
    expect(status.message).toMatch(
      /^pods\.custom\.metrics\.k8s\.io "\*" is forbidden: User "bob" cannot get resource "pods\/http_requests" in API group "custom\.metrics\.k8s\.io" in the namespace "shop"/,
    );
  });

  it('a forwarded user the SubjectAccessReview allows: 200; the same request again uses the cached decision', async () => {
    cluster.resetRequestLog();
    const headers = { 'X-Remote-User': 'alice', 'X-Remote-Group': 'devs', 'X-Remote-Extra-Scopes': 'read' };
    expect((await get(HTTP_REQUESTS, { cert: aggregator, headers })).status).toBe(200);
    expect((await get(HTTP_REQUESTS, { cert: aggregator, headers })).status).toBe(200);
    expect(reviews('subjectaccessreviews')).toBe(1);
    // Outside what alice's rules allow:
    const other = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/prod/pods/*/http_requests', {
      cert: aggregator,
      headers,
    });
    expect(other.status).toBe(403);
  });
});

describe('client certificates and bearer tokens', () => {
  it("a client certificate from the cluster's client CA (client-ca-file) is its CN: 200", async () => {
    const { certPem, keyPem } = cluster.credentials('carol');
    const answer = await get(HTTP_REQUESTS, { cert: { certPem: certPem ?? '', keyPem: keyPem ?? '' } });
    expect(answer.status).toBe(200);
  });

  it('TokenReview: valid token → SubjectAccessReview decides (200 / 403); invalid token → 401', async () => {
    expect((await get(HTTP_REQUESTS, { headers: bearer('alice-token') })).status).toBe(200);
    expect((await get(HTTP_REQUESTS, { headers: bearer('bob-token') })).status).toBe(403);
    expect((await get(HTTP_REQUESTS, { headers: bearer('no-such-token') })).status).toBe(401);
    expect((await get(HTTP_REQUESTS, { headers: { authorization: 'Basic YTpi' } })).status).toBe(401);
  });

  it('TokenReview cache: two requests with one token → one TokenReview (also for invalid tokens)', async () => {
    cluster.resetRequestLog();
    const [first, second] = await Promise.all([
      get('/metrics', { headers: bearer('dave-token') }),
      get('/metrics', { headers: bearer('dave-token') }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await get('/metrics', { headers: bearer('dave-token') })).status).toBe(200);
    expect(reviews('tokenreviews')).toBe(1);
    cluster.resetRequestLog();
    await get('/metrics', { headers: bearer('forged') });
    await get('/metrics', { headers: bearer('forged') });
    expect(reviews('tokenreviews')).toBe(1);
  });

  it('a bearer token never borrows front-proxy headers', async () => {
    const answer = await get('/apis/custom.metrics.k8s.io/v1beta2/namespaces/prod/pods/*/http_requests', {
      headers: { ...bearer('alice-token'), ...AGGREGATOR_HEADERS },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('User \\"alice\\"');
  });

  it('no credentials: 401 (anonymous access is off); health paths need none', async () => {
    expect((await get(HTTP_REQUESTS)).status).toBe(401);
    for (const path of ['/healthz', '/livez', '/readyz']) expect((await get(path)).status, path).toBe(200);
  });

  it('/metrics is Prometheus text with request, auth and provider series', async () => {
    const answer = await get('/metrics', { headers: bearer('admin-token') });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const series of [
      /kubemetrics_apiserver_requests_total\{route="custom-metric",code="200"\} \d+/,
      /kubemetrics_apiserver_requests_total\{route="custom-metric",code="401"\} \d+/,
      /kubemetrics_apiserver_request_duration_seconds_bucket\{route="custom-metric",le="0\.005"\} \d+/,
      /kubemetrics_apiserver_authentications_total\{method="front-proxy",result="success"\} \d+/,
      /kubemetrics_apiserver_token_reviews_total\{result="cache_hit"\} \d+/,
      /kubemetrics_apiserver_subject_access_reviews_total\{result="always_allow_group"\} \d+/,
      /kubemetrics_apiserver_provider_calls_total\{provider="custom",method="getMetricBySelector"\} \d+/,
      /kubemetrics_apiserver_provider_sample_age_seconds\{provider="custom"\} [\d.e-]+/,
      /kubemetrics_apiserver_certificate_expiration_timestamp_seconds\{certificate="serving"\} \d+/,
    ])
      expect(answer.body).toMatch(series);
  });
});

describe('extension-apiserver-authentication ConfigMap', () => {
  it('follows changes: a new front-proxy CA is trusted and the old one no longer', async () => {
    const nextCA = createCertificateAuthority('front-proxy-ca-2');
    const nextProxy = issueClientCertificate(nextCA, 'front-proxy-client');
    cluster.upsertConfigMap({
      metadata: { ...EXTENSION_APISERVER_AUTHENTICATION },
      data: {
        'requestheader-client-ca-file': nextCA.certPem,
        'requestheader-allowed-names': '["front-proxy-client"]',
        'requestheader-username-headers': '["X-Remote-User"]',
        'requestheader-group-headers': '["X-Remote-Group"]',
        'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
        'client-ca-file': cluster.caPem ?? '',
      },
    });
    await eventually(
      async () => (await get(HTTP_REQUESTS, { cert: nextProxy, headers: AGGREGATOR_HEADERS })).status === 200,
    );
    expect((await get(HTTP_REQUESTS, { cert: aggregator, headers: AGGREGATOR_HEADERS })).status).toBe(401);
  });
});

describe('configuration mistakes', () => {
  it('refuses to start without authentication or authorization settings', async () => {
    const memory = new MemoryMetricsProvider();
    const open = createMetricsApiServer({ providers: { custom: memory } });
    await expect(open.start()).rejects.toThrow(/refusing to start a server that lets everyone in/);
    expect(() =>
      createMetricsApiServer({ providers: { custom: memory }, authorization: { mode: 'Webhook' } }),
    ).toThrow(/needs cluster access/);
    expect(() =>
      createMetricsApiServer({
        providers: { custom: memory },
        authentication: { anonymous: true },
        authenticate: () => undefined,
      }),
    ).toThrow(/not both/);
  });

  it('anonymous access, when asked for, is system:anonymous with AlwaysAllow', async () => {
    const memory = new MemoryMetricsProvider();
    const open = createMetricsApiServer({
      providers: { custom: memory },
      authentication: { anonymous: true },
      authorization: { mode: 'AlwaysAllow' },
    });
    const started = await open.start({ host: '127.0.0.1' });
    try {
      const answer = await httpsGet(`${started.url}/apis/custom.metrics.k8s.io/v1beta2`, {
        ca: started.caBundle ?? '',
      });
      expect(answer.status).toBe(200);
    } finally {
      await open.stop();
    }
  });
});

describe('when the reviews fail (issue 11, item 8)', () => {
  function recordingLogger(): {
    logger: Logger;
    lines: { level: string; fields: Record<string, unknown>; msg: string }[];
  } {
    const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
    const at =
      (level: string) =>
      (fields: Readonly<Record<string, unknown>>, msg: string): void =>
        void lines.push({ level, fields: { ...fields }, msg });
    return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
  }

  async function startWith(logger: Logger): Promise<{ url: string; ca: string; stop: () => Promise<void> }> {
    const memory = new MemoryMetricsProvider();
    const second = createMetricsApiServer({
      providers: { custom: memory },
      cluster: access,
      authentication: {},
      authorization: { mode: 'Webhook' },
      logger,
    });
    const started = await second.start({ host: '127.0.0.1', port: 0 });
    const ca = started.caBundle ?? '';
    await eventually(async () => (await httpsGet(`${started.url}/readyz`, { ca })).status === 200);
    return { url: started.url, ca, stop: () => second.stop() };
  }

  it('a failing TokenReview is logged once per cause per minute, with the count; every request is 401', async () => {
    const { logger, lines } = recordingLogger();
    const { url: base, ca: serverCA, stop } = await startWith(logger);
    const failures = 40;
    cluster.injectFault({
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      status: 500,
      times: failures,
    });
    try {
      for (let i = 0; i < failures; i++) {
        // A new token each time: no cached answer, a TokenReview that fails.
        const answer = await httpsGet(`${base}/apis/custom.metrics.k8s.io/v1beta2`, {
          ca: serverCA,
          headers: bearer(`unknown-token-${i}`),
        });
        expect(answer.status).toBe(401);
      }
    } finally {
      await stop();
    }
    const reviewLines = lines.filter((l) => l.msg.startsWith('TokenReview failed'));
    expect(reviewLines.map((l) => l.msg)).toEqual(['TokenReview failed', 'TokenReview failed (repeated)']);
    expect(reviewLines[1]?.fields).toMatchObject({ repeated: failures - 1 });
  });

  it('a SubjectAccessReview that cannot be sent: 500 naming only the request id, the cause logged under it', async () => {
    const { logger, lines } = recordingLogger();
    const { url: base, ca: serverCA, stop } = await startWith(logger);
    cluster.injectFault({
      path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      reset: true,
      times: 1,
    });
    let answer: Awaited<ReturnType<typeof httpsGet>>;
    try {
      answer = await httpsGet(`${base}/apis/custom.metrics.k8s.io/v1beta2/namespaces/elsewhere/pods/*/x`, {
        ca: serverCA,
        headers: bearer('alice-token'),
      });
    } finally {
      await stop();
    }
    expect(answer.status).toBe(500);
    const id = String(answer.headers['audit-id']);
    const status = JSON.parse(answer.body) as { message: string; reason: string };
    expect(status).toMatchObject({ reason: 'InternalError' });
    expect(status.message).toBe(
      `Internal error occurred: the request failed; the server log has the cause under request id ${id}`,
    );
    const clusterAddress = new URL(cluster.url).host;
    expect(answer.body).not.toContain(clusterAddress);
    expect(answer.body).not.toContain('subjectaccessreviews');
    const logged = lines.find((l) => l.level === 'error' && l.fields['reqId'] === id);
    expect(JSON.stringify(logged)).toContain('subjectaccessreviews');
  });
});
