import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fakePrometheus, type Handler } from '../../../test/helpers/fake-prometheus.js';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { KubemetricsError } from '../../errors.js';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
} from '../../testing/index.js';
import {
  PrometheusHttp,
  PrometheusQueryError,
  PrometheusUnavailableError,
  type PrometheusConnectionOptions,
} from './prometheus-http.js';

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const success = (data: unknown, extra: Record<string, unknown> = {}) => ({
  status: 'success',
  data,
  ...extra,
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const dir = mkdtempSync(join(tmpdir(), 'prometheus-http-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake server and a client for it. */
async function setup(handler: Handler, options: Partial<PrometheusConnectionOptions> = {}) {
  const server = await fakePrometheus(handler);
  const http = new PrometheusHttp({ url: server.url, timeoutMs: 5_000, ...options });
  cleanups.push(server.close, () => http.close());
  return { server, http };
}

const never = new AbortController().signal;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('PrometheusHttp requests', () => {
  it('sends a short query as a GET', async () => {
    const { server, http } = await setup((_, res) =>
      json(res, 200, success({ resultType: 'vector', result: [] })),
    );
    await http.query('sum(rate(x[5m])) by (pod)', never);
    const [request] = server.requests;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe('/api/v1/query');
    expect(request?.params.get('query')).toBe('sum(rate(x[5m])) by (pod)');
    expect(request?.body).toBe('');
    expect(request?.headers['accept']).toBe('application/json');
    expect(request?.headers['content-type']).toBeUndefined();
  });

  it('sends a query whose URL would be longer than postThreshold as a form POST', async () => {
    const { server, http } = await setup(
      (_, res) => json(res, 200, success({ resultType: 'vector', result: [] })),
      {
        postThreshold: 200,
      },
    );
    const long = `sum(x{pod=~"${Array.from({ length: 30 }, (_, i) => `web-${i}`).join('|')}"})`;
    await http.query(long, never);
    await http.query('up', never);
    const [post, get] = server.requests;
    expect(post?.method).toBe('POST');
    expect(post?.search).toBe('');
    expect(post?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(post?.body).toBe(new URLSearchParams({ query: long }).toString());
    expect(post?.params.get('query')).toBe(long);
    expect(get?.method).toBe('GET');
  });

  it('switches to POST at 2,048 characters by default', async () => {
    const { server, http } = await setup((_, res) =>
      json(res, 200, success({ resultType: 'vector', result: [] })),
    );
    await http.query(`x{a="${'y'.repeat(1900)}"}`, never);
    await http.query(`x{a="${'y'.repeat(2100)}"}`, never);
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('keeps a path prefix of the URL', async () => {
    const server = await fakePrometheus((_, res) =>
      json(res, 200, success({ resultType: 'vector', result: [] })),
    );
    const http = new PrometheusHttp({ url: `${server.url}/prometheus/`, timeoutMs: 5_000 });
    cleanups.push(server.close, () => http.close());
    expect(http.url).toBe(`${server.url}/prometheus`);
    await http.query('up', never);
    expect(server.requests[0]?.path).toBe('/prometheus/api/v1/query');
  });

  it('sends extra headers', async () => {
    const { server, http } = await setup(
      (_, res) => json(res, 200, success({ resultType: 'vector', result: [] })),
      {
        headers: { 'X-Scope-OrgID': 'tenant-a' },
      },
    );
    await http.query('up', never);
    expect(server.requests[0]?.headers['x-scope-orgid']).toBe('tenant-a');
    expect(server.requests[0]?.headers['authorization']).toBeUndefined();
  });

  it('sends the bearer token of its file, re-reading the file after a minute', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'token-1\n');
    const { server, http } = await setup(
      (_, res) => json(res, 200, success({ resultType: 'vector', result: [] })),
      {
        bearerTokenFile: tokenFile,
      },
    );
    await http.query('up', never);
    writeFileSync(tokenFile, 'token-2\n');
    await http.query('up', never);
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 61_000);
    await http.query('up', never);
    expect(server.requests.map((r) => r.headers['authorization'])).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });
});

describe('PrometheusHttp.query answers', () => {
  it('reads an instant vector, keeping values as text', async () => {
    const body = JSON.stringify(
      success(
        {
          resultType: 'vector',
          result: [
            { metric: { pod: 'web-1' }, value: [1_700_000_000.123, '0.30000000000000004'] },
            { metric: {}, value: [1_700_000_000, 'NaN'] },
            { metric: { pod: 'no-value' } },
            { value: [1_700_000_001.5, '+Inf'] },
          ],
        },
        { warnings: ['PromQL info: metric might not be a counter'] },
      ),
    );
    const { http } = await setup((_, res) => json(res, 200, body));
    const answer = await http.query('x', never);
    expect(answer).toEqual({
      resultType: 'vector',
      samples: [
        { labels: { pod: 'web-1' }, timestampMs: 1_700_000_000_123, value: '0.30000000000000004' },
        { labels: {}, timestampMs: 1_700_000_000_000, value: 'NaN' },
        { labels: {}, timestampMs: 1_700_000_001_500, value: '+Inf' },
      ],
      warnings: ['PromQL info: metric might not be a counter'],
      body,
    });
  });

  it('reads a scalar', async () => {
    const { http } = await setup((_, res) =>
      json(res, 200, success({ resultType: 'scalar', result: [1_700_000_000.25, '42'] })),
    );
    const answer = await http.query('scalar(x)', never);
    expect(answer.resultType).toBe('scalar');
    expect(answer.samples).toEqual([{ labels: {}, timestampMs: 1_700_000_000_250, value: '42' }]);
    expect(answer.warnings).toEqual([]);
  });

  it('gives no samples for other result types', async () => {
    const { http } = await setup((_, res) =>
      json(res, 200, success({ resultType: 'matrix', result: [{ metric: {}, values: [[1, '1']] }] })),
    );
    const answer = await http.query('x[5m]', never);
    expect(answer).toMatchObject({ resultType: 'matrix', samples: [] });
  });
});

describe('PrometheusHttp failures', () => {
  it('turns 400 bad_data into a PrometheusQueryError with the query', async () => {
    const { http, server } = await setup((_, res) =>
      json(res, 400, { status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected "}"' }),
    );
    const error = await rejection(http.query('sum(}', never));
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect(error).toMatchObject({ errorType: 'bad_data', promql: 'sum(}' });
    expect(error.message).toBe(
      `Prometheus at ${server.url} rejected the query (bad_data): 1:5: parse error: unexpected "}"`,
    );
  });

  it('turns 422 execution into a PrometheusQueryError', async () => {
    const { http } = await setup((_, res) =>
      json(res, 422, { status: 'error', errorType: 'execution', error: 'many-to-many matching not allowed' }),
    );
    const error = await rejection(http.query('a / b', never));
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect(error).toMatchObject({ errorType: 'execution', promql: 'a / b' });
    expect(error.message).toContain('many-to-many matching not allowed');
  });

  it.each([
    [
      503,
      { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' },
      'failed (unavailable): TSDB not ready',
    ],
    [503, '<html>Service Unavailable</html>', 'answered HTTP 503: <html>Service Unavailable</html>'],
    [500, { status: 'error', errorType: 'internal', error: 'boom' }, 'failed (internal): boom'],
    [500, 'Internal Server Error', 'answered HTTP 500: Internal Server Error'],
    [429, 'slow down', 'answered HTTP 429: slow down'],
    [
      401,
      { status: 'error', errorType: 'unauthorized', error: 'no token' },
      'failed (unauthorized): no token',
    ],
    [
      200,
      { status: 'error', errorType: 'timeout', error: 'query timed out' },
      'failed (timeout): query timed out',
    ],
  ])('turns HTTP %d %j into PrometheusUnavailableError naming the URL', async (status, body, detail) => {
    const { http, server } = await setup((_, res) => json(res, status, body));
    const error = await rejection(http.query('up', never));
    expect(error).toBeInstanceOf(PrometheusUnavailableError);
    expect(error.message).toBe(`Prometheus at ${server.url} ${detail}`);
  });

  it('says a non-JSON 200 answer is not from the Prometheus API', async () => {
    const { http, server } = await setup((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Grafana</title>');
    });
    const error = await rejection(http.query('up', never));
    expect(error).toBeInstanceOf(PrometheusUnavailableError);
    expect(error.message).toContain(
      `Prometheus at ${server.url} answered HTTP 200 with a body that is not the Prometheus API's JSON`,
    );
    expect(error.message).toContain('(is the URL a Prometheus server?)');
    expect(error.message).toContain('<!doctype html>');
  });

  it('reports a refused connection as unavailable, naming the URL', async () => {
    const server = await fakePrometheus(() => undefined);
    await server.close();
    const http = new PrometheusHttp({ url: server.url, timeoutMs: 2_000 });
    cleanups.push(() => http.close());
    const error = await rejection(http.query('up', never));
    expect(error).toBeInstanceOf(PrometheusUnavailableError);
    expect(error.message).toContain(`Prometheus at ${server.url} is unreachable`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('gives up after timeoutMs on a server that never answers', async () => {
    const { http, server } = await setup(() => undefined, { timeoutMs: 200 });
    const started = performance.now();
    const error = await rejection(http.query('up', never));
    // By the 200 ms deadline, not a default (undici waits 300 s for headers); the margin is for a
    // loaded machine, where a timer can fire seconds late.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(PrometheusUnavailableError);
    expect(error.message).toBe(`Prometheus at ${server.url} did not answer within 200 ms`);
  });

  it('gives up after timeoutMs on an answer that stops half-way', async () => {
    const { http, server } = await setup(
      (_, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"status":"success","data":[{"__name__":"up"},');
      },
      { timeoutMs: 200 },
    );
    const error = await rejection(http.series('up', 0, never, () => undefined));
    expect(error).toBeInstanceOf(PrometheusUnavailableError);
    expect(error.message).toContain(`Prometheus at ${server.url}`);
  });

  it('rejects with the caller’s reason when the caller aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('the client went away');
    const { http } = await setup(() => controller.abort(reason));
    await expect(http.query('up', controller.signal)).rejects.toBe(reason);
    await expect(http.series('up', 0, controller.signal, () => undefined)).rejects.toBe(reason);
  });
});

describe('PrometheusHttp.series', () => {
  it('sends match[] and start, and hands over each series', async () => {
    const { http, server } = await setup((_, res) =>
      json(
        res,
        200,
        success(
          [
            { __name__: 'up', job: 'a' },
            { __name__: 'up', job: 'b' },
          ],
          { warnings: [] },
        ),
      ),
    );
    const seen: Record<string, string>[] = [];
    const count = await http.series('{__name__="up"}', 1_700_000_000_123, never, (labels) =>
      seen.push({ ...labels }),
    );
    expect(count).toBe(2);
    expect(seen).toEqual([
      { __name__: 'up', job: 'a' },
      { __name__: 'up', job: 'b' },
    ]);
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/api/v1/series' });
    expect(server.requests[0]?.params.get('match[]')).toBe('{__name__="up"}');
    expect(server.requests[0]?.params.get('start')).toBe('1700000000.123');
  });

  it('posts a long match[]', async () => {
    const { http, server } = await setup((_, res) => json(res, 200, success([])), { postThreshold: 100 });
    const match = `{__name__=~"${'a|'.repeat(60)}b"}`;
    expect(await http.series(match, 0, never, () => undefined)).toBe(0);
    expect(server.requests[0]?.method).toBe('POST');
    expect(server.requests[0]?.params.get('match[]')).toBe(match);
    expect(server.requests[0]?.params.get('start')).toBe('0.000');
  });

  it('hands series over while the answer is still arriving, across split UTF-8 characters', async () => {
    let release!: () => void;
    const firstSeen = new Promise<void>((resolve) => (release = resolve));
    /** Whether the client saw the first series while the rest was held back (streamed, not buffered). */
    let seenWhileHeld = false;
    const { http } = await setup(async (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"success","data":[{"__name__":"first"},');
      // Nothing more until the client has seen the first series; a client that waits for the whole
      // answer never does, and gets the rest after 10 s. The order of events is the check, not a
      // duration a loaded machine could stretch.
      seenWhileHeld = await Promise.race([
        firstSeen.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000)),
      ]);
      const rest = Buffer.from('{"__name__":"café","pod":"ünïcode"}]}');
      const cut = rest.indexOf(0xc3) + 1; // inside the two bytes of "é"
      res.write(rest.subarray(0, cut));
      setTimeout(() => res.end(rest.subarray(cut)), 5);
    });
    const seen: string[] = [];
    const count = await http.series('x', 0, never, (labels) => {
      seen.push(`${labels['__name__']}/${labels['pod'] ?? ''}`);
      release();
    });
    expect(seenWhileHeld).toBe(true);
    expect(count).toBe(2);
    expect(seen).toEqual(['first/', 'café/ünïcode']);
  });

  it('turns a 400 into a PrometheusQueryError for the match', async () => {
    const { http } = await setup((_, res) =>
      json(res, 400, { status: 'error', errorType: 'bad_data', error: 'bad match[]' }),
    );
    const error = await rejection(http.series('{', 0, never, () => undefined));
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect(error).toMatchObject({ errorType: 'bad_data', promql: '{' });
  });

  it('turns a 503 into PrometheusUnavailableError', async () => {
    const { http, server } = await setup((_, res) => json(res, 503, 'no'));
    const error = await rejection(http.series('up', 0, never, () => undefined));
    expect(error).toBeInstanceOf(PrometheusUnavailableError);
    expect(error.message).toBe(`Prometheus at ${server.url} answered HTTP 503: no`);
  });

  it('fails on an answer cut off or not JSON, naming the URL', async () => {
    const { http, server } = await setup((request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        request.params.get('match[]') === 'cut'
          ? '{"status":"success","data":[{"__name__":"up"}'
          : '<html></html>',
      );
    });
    const cut = await rejection(http.series('cut', 0, never, () => undefined));
    expect(cut).toBeInstanceOf(PrometheusUnavailableError);
    expect(cut.message).toContain(`Prometheus at ${server.url}`);
    expect(cut.message).toContain('ended in the middle of the JSON document');
    const html = await rejection(http.series('html', 0, never, () => undefined));
    expect(html).toBeInstanceOf(PrometheusUnavailableError);
    expect(html.message).toContain(`Prometheus at ${server.url}`);
    expect(html.message).toContain('not a JSON object');
  });
});

describe('PrometheusHttp configuration', () => {
  it('refuses URLs that are not http(s)', () => {
    for (const url of ['not a url', 'ftp://prometheus:9090', ''])
      expect(() => new PrometheusHttp({ url, timeoutMs: 1_000 })).toThrow(KubemetricsError);
  });

  it('reads its files at construction, failing with the path', () => {
    const missing = join(dir, 'missing.pem');
    for (const option of ['caFile', 'bearerTokenFile'] as const) {
      let error: unknown;
      try {
        new PrometheusHttp({ url: 'http://127.0.0.1:9', timeoutMs: 1_000, [option]: missing });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KubemetricsError);
      expect((error as KubemetricsError).code).toBe('KUBEMETRICS_ERR_CONFIG');
      expect((error as Error).message).toContain(missing);
    }
  });
});

describe('PrometheusHttp over HTTPS', () => {
  it('verifies Prometheus with caFile, presents the client certificate, and fails clearly without the CA', async () => {
    const ca = createCertificateAuthority('prometheus-test-ca');
    const serving = issueServerCertificate(ca, { ipAddresses: ['127.0.0.1'] });
    const client = issueClientCertificate(ca, 'kubemetrics');
    const dir = mkdtempSync(join(tmpdir(), 'kubemetrics-prom-tls-'));
    const files = { ca: join(dir, 'ca.crt'), cert: join(dir, 'client.crt'), key: join(dir, 'client.key') };
    writeFileSync(files.ca, ca.certPem);
    writeFileSync(files.cert, client.certPem);
    writeFileSync(files.key, client.keyPem);
    const seen: (string | undefined)[] = [];
    const server = createHttpsServer(
      {
        cert: serving.certPem,
        key: serving.keyPem,
        ca: ca.certPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
        seen.push(Array.isArray(cn) ? cn.join(',') : cn);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '1'] } }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const trusted = new PrometheusHttp({
      url,
      caFile: files.ca,
      certFile: files.cert,
      keyFile: files.key,
      timeoutMs: 5_000,
    });
    const untrusted = new PrometheusHttp({ url, timeoutMs: 5_000 });
    try {
      const answer = await trusted.query('1', AbortSignal.timeout(5_000));
      expect(answer.samples[0]?.value).toBe('1');
      expect(seen).toEqual(['kubemetrics']);
      const error = await untrusted.query('1', AbortSignal.timeout(5_000)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PrometheusUnavailableError);
      expect((error as Error).message).toContain(url);
      expect((error as Error).message).toMatch(/certificate/i);
    } finally {
      await trusted.close();
      await untrusted.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
