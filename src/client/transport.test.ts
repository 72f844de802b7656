import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubemetricsError } from '../errors.js';
import { KubernetesApiError } from './api-error.js';
import { REQUEST_CHANNEL, Transport, parseRetryAfter } from './transport.js';
import type { Connection, RequestEvent, TransportOptions } from './transport.js';
import type { HttpClientKind } from './transport-http.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

interface Loopback {
  readonly url: string;
  readonly seen: string[];
  readonly headers: IncomingMessage['headers'][];
  close(): Promise<void>;
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

async function serve(handler: Handler): Promise<Loopback> {
  const seen: string[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    headers.push(req.headers);
    handler(req, res, seen.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  open.push(close);
  return { url: `http://127.0.0.1:${port}`, seen, headers, close };
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function status(code: number, reason: string, message = reason): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message };
}

function connection(server: string, headers: Record<string, string> = {}): Connection {
  return {
    server,
    contextName: 'test',
    userName: 'tester',
    authenticate: () => Promise.resolve({ headers, tls: {} }),
  };
}

/**
 * Every behaviour below holds for both HTTP clients (transport-http.ts): each describe runs once
 * with undici and once with node:https; `httpClient` is the one of the running block.
 */
const HTTP_CLIENTS: readonly HttpClientKind[] = ['undici', 'node'];
let httpClient: HttpClientKind = 'undici';

/** A transport whose waits are recorded instead of slept (a fake clock). */
function transport(server: string, options: TransportOptions = {}): { t: Transport; waits: number[] } {
  const waits: number[] = [];
  const t = new Transport(connection(server, { authorization: 'Bearer abc' }), {
    httpClient,
    random: () => 0.5,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    ...options,
  });
  open.push(() => t.close());
  return { t, waits };
}

async function rejection(promise: Promise<unknown>): Promise<KubemetricsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KubemetricsError);
    return error as KubemetricsError;
  }
  throw new Error('expected a rejection');
}

describe('parseRetryAfter', () => {
  it.each([
    ['5', 5],
    ['0', 0],
    [' 12 ', 12],
    ['', undefined],
    ['soon', undefined],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(expected);
  });
});

describe('Transport: options', () => {
  it('rejects negative numbers', async () => {
    expect(() => new Transport(connection('http://127.0.0.1:1'), { retries: -1 })).toThrow(/retries/);
    const t = new Transport(connection('http://127.0.0.1:1'));
    open.push(() => t.close());
    expect((await rejection(t.getJSON({ path: '/', timeoutMs: -5 }))).code).toBe('KUBEMETRICS_ERR_ARGUMENT');
  });
});

describe.each(HTTP_CLIENTS)('over %s', (client) => {
  beforeEach(() => {
    httpClient = client;
  });

  describe('Transport: success path', () => {
    it('sends auth, accept and query, and parses JSON', async () => {
      const s = await serve((_req, res) => json(res, 200, { ok: true }));
      const { t } = transport(s.url);
      const body = await t.getJSON<{ ok: boolean }>({
        path: '/api/v1/pods',
        query: { limit: 5, skip: undefined },
      });
      expect(body).toEqual({ ok: true });
      expect(s.seen).toEqual(['/api/v1/pods?limit=5']);
      expect(s.headers[0]?.authorization).toBe('Bearer abc');
      expect(s.headers[0]?.accept).toBe('application/json');
    });

    it('keeps a server path prefix (clusters behind a proxy such as Rancher)', async () => {
      const s = await serve((_req, res) => json(res, 200, {}));
      const { t } = transport(`${s.url}/k8s/clusters/c-1/`);
      await t.getJSON({ path: '/version' });
      expect(s.seen).toEqual(['/k8s/clusters/c-1/version']);
    });

    it('decodes gzip responses', async () => {
      const s = await serve((req, res) => {
        expect(req.headers['accept-encoding']).toBe('gzip');
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify({ items: [1, 2, 3] })));
      });
      const { t } = transport(s.url);
      expect(await t.getJSON({ path: '/x' })).toEqual({ items: [1, 2, 3] });
    });

    it('reuses keep-alive connections for sequential requests', async () => {
      const ports = new Set<number | undefined>();
      const s = await serve((req, res) => {
        ports.add(req.socket.remotePort);
        json(res, 200, {});
      });
      const { t } = transport(s.url);
      for (let i = 0; i < 20; i++) await t.getJSON({ path: '/x' });
      // undici may open a second socket while the first is being released; never one per request.
      expect(ports.size).toBeLessThanOrEqual(2);
    });
  });

  describe('Transport: retries', () => {
    const retried: Array<[string, number, Record<string, string>, number[]]> = [
      // [case, status, headers, expected waits]; random() = 0.5, base 250 ms
      ['503 with Retry-After: 2 waits 2 s', 503, { 'retry-after': '2' }, [2000]],
      ['429 with Retry-After: 1 waits 1 s', 429, { 'retry-after': '1' }, [1000]],
      ['503 without Retry-After backs off with jitter', 503, {}, [125]],
      ['Retry-After above the cap waits the cap (retryMaxDelayMs)', 503, { 'retry-after': '3600' }, [10_000]],
    ];
    it.each(retried)('%s', async (_name, code, headers, waits) => {
      const s = await serve((_req, res, n) =>
        n === 1 ? json(res, code, status(code, 'ServiceUnavailable'), headers) : json(res, 200, { ok: 1 }),
      );
      const { t, waits: seen } = transport(s.url, { timeoutMs: 0 });
      expect(await t.getJSON({ path: '/x' })).toEqual({ ok: 1 });
      expect(seen).toEqual(waits);
      expect(s.seen).toHaveLength(2);
    });

    it('honours Status.details.retryAfterSeconds when there is no header', async () => {
      const s = await serve((_req, res, n) =>
        n === 1
          ? json(res, 429, { ...status(429, 'TooManyRequests'), details: { retryAfterSeconds: 3 } })
          : json(res, 200, {}),
      );
      const { t, waits } = transport(s.url);
      await t.getJSON({ path: '/x' });
      expect(waits).toEqual([3000]);
    });

    it('backs off exponentially and gives up after `retries` with the last API error', async () => {
      const s = await serve((_req, res) => json(res, 503, status(503, 'ServiceUnavailable', 'down')));
      const { t, waits } = transport(s.url, { retries: 3 });
      const error = await rejection(t.getJSON({ path: '/apis/metrics.k8s.io/v1beta1/nodes' }));
      expect(error).toBeInstanceOf(KubernetesApiError);
      expect((error as KubernetesApiError).status).toBe(503);
      expect(waits).toEqual([125, 250, 500]);
      expect(s.seen).toHaveLength(4);
    });

    it('does not retry 404, 403, 401 or 410', async () => {
      for (const code of [404, 403, 401, 410]) {
        const s = await serve((_req, res) => json(res, code, status(code, 'X')));
        const { t, waits } = transport(s.url);
        const error = await rejection(t.getJSON({ path: '/x' }));
        expect((error as KubernetesApiError).status).toBe(code);
        expect(waits).toEqual([]);
        expect(s.seen).toHaveLength(1);
      }
    });

    it('fails at once when Retry-After does not fit in the deadline', async () => {
      const s = await serve((_req, res) =>
        json(res, 503, status(503, 'ServiceUnavailable'), { 'retry-after': '5' }),
      );
      const { t, waits } = transport(s.url, { timeoutMs: 2000 });
      const error = await rejection(t.getJSON({ path: '/x' }));
      expect(error.code).toBe('KUBEMETRICS_ERR_API');
      expect(waits).toEqual([]);
    });

    it('retries a connection reset (ECONNRESET / socket closed) and succeeds', async () => {
      const s = await serve((req, res, n) => {
        if (n === 1) req.socket.destroy();
        else json(res, 200, { ok: true });
      });
      const { t, waits } = transport(s.url);
      expect(await t.getJSON({ path: '/x' })).toEqual({ ok: true });
      expect(waits).toHaveLength(1);
    });

    it('retries a refused connection at most twice, then names the server', async () => {
      const s = await serve(() => undefined);
      await s.close();
      const events: RequestEvent[] = [];
      const listener = (message: unknown): void => {
        events.push(message as RequestEvent);
      };
      subscribe(REQUEST_CHANNEL, listener);
      try {
        const { t, waits } = transport(s.url, { retries: 5 });
        const error = await rejection(t.getJSON({ path: '/x' }));
        expect(error.code).toBe('KUBEMETRICS_ERR_NETWORK');
        expect(error.message).toContain(s.url);
        expect(error.message).toContain('ECONNREFUSED');
        expect(error.hint).toContain('kubectl cluster-info --context test');
        expect(waits).toHaveLength(2);
        expect(events.map((e) => e.error)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
      } finally {
        unsubscribe(REQUEST_CHANNEL, listener);
      }
    });
  });

  describe('Transport: timeouts, abort, decode', () => {
    it('times out with KUBEMETRICS_ERR_TIMEOUT', async () => {
      const s = await serve(() => undefined); // never answers
      const { t } = transport(s.url, { timeoutMs: 100 });
      const error = await rejection(t.getJSON({ path: '/slow' }));
      expect(error.code).toBe('KUBEMETRICS_ERR_TIMEOUT');
      expect(error.message).toContain('100 ms');
    });

    it('a per-call timeoutMs overrides the default', async () => {
      const s = await serve(() => undefined);
      const { t } = transport(s.url, { timeoutMs: 60_000 });
      const error = await rejection(t.getJSON({ path: '/slow', timeoutMs: 50 }));
      expect(error.code).toBe('KUBEMETRICS_ERR_TIMEOUT');
    });

    it('times out while the body is still streaming', async () => {
      const s = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items": [');
      });
      const { t } = transport(s.url, { timeoutMs: 100 });
      expect((await rejection(t.getJSON({ path: '/x' }))).code).toBe('KUBEMETRICS_ERR_TIMEOUT');
    });

    it('aborts with KUBEMETRICS_ERR_ABORTED', async () => {
      const s = await serve(() => undefined);
      const { t } = transport(s.url);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const error = await rejection(t.getJSON({ path: '/x', signal: controller.signal }));
      expect(error.code).toBe('KUBEMETRICS_ERR_ABORTED');
    });

    it('an already-aborted signal sends nothing', async () => {
      const s = await serve((_req, res) => json(res, 200, {}));
      const { t } = transport(s.url);
      const error = await rejection(t.getJSON({ path: '/x', signal: AbortSignal.abort() }));
      expect(error.code).toBe('KUBEMETRICS_ERR_ABORTED');
      expect(s.seen).toHaveLength(0);
    });

    it('aborting during a retry wait stops the retries', async () => {
      // A 10 s wait, so that ending well before it tells an interrupted wait from a finished one
      // even on a loaded machine (a 1 s wait against a 900 ms bound was a wall-clock bet).
      const s = await serve((_req, res) =>
        json(res, 503, status(503, 'ServiceUnavailable'), { 'retry-after': '10' }),
      );
      const t = new Transport(connection(s.url), { httpClient });
      open.push(() => t.close());
      const controller = new AbortController();
      // Aborted once the 503 was answered and the wait began (a fixed 50 ms could fall before the
      // answer on a loaded machine: then the abort would cut the request, not the wait).
      let started = 0;
      const listener = (message: unknown): void => {
        if ((message as RequestEvent).retryInMs === undefined) return;
        started = Date.now();
        setTimeout(() => controller.abort(), 50);
      };
      subscribe(REQUEST_CHANNEL, listener);
      try {
        const error = await rejection(t.getJSON({ path: '/x', signal: controller.signal }));
        expect(error.code).toBe('KUBEMETRICS_ERR_ABORTED');
        expect(started).toBeGreaterThan(0);
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(s.seen).toHaveLength(1);
      } finally {
        unsubscribe(REQUEST_CHANNEL, listener);
      }
    });

    it('reports a non-JSON body as KUBEMETRICS_ERR_DECODE', async () => {
      const s = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login</html>');
      });
      const { t } = transport(s.url);
      const error = await rejection(t.getJSON({ path: '/x' }));
      expect(error.code).toBe('KUBEMETRICS_ERR_DECODE');
      expect(error.message).toContain('<html>login');
    });

    it('passes credential failures through as they are (CONFIG)', async () => {
      const t = new Transport({
        server: 'http://127.0.0.1:9',
        authenticate: () =>
          Promise.reject(new KubemetricsError('KUBEMETRICS_ERR_CONFIG', 'exec plugin failed')),
      });
      open.push(() => t.close());
      expect((await rejection(t.getJSON({ path: '/x' }))).code).toBe('KUBEMETRICS_ERR_CONFIG');
    });

    it('rejects calls after close()', async () => {
      const s = await serve((_req, res) => json(res, 200, {}));
      const { t } = transport(s.url);
      await t.close();
      expect((await rejection(t.getJSON({ path: '/x' }))).code).toBe('KUBEMETRICS_ERR_ARGUMENT');
    });
  });

  describe('Transport: diagnostics channel', () => {
    it('publishes one event per attempt with method, url, status, durationMs and attempt', async () => {
      const s = await serve((_req, res, n) =>
        n === 1 ? json(res, 503, status(503, 'X')) : json(res, 200, {}),
      );
      const events: RequestEvent[] = [];
      const listener = (message: unknown): void => {
        events.push(message as RequestEvent);
      };
      subscribe(REQUEST_CHANNEL, listener);
      try {
        const { t } = transport(s.url);
        await t.getJSON({ path: '/apis' });
      } finally {
        unsubscribe(REQUEST_CHANNEL, listener);
      }
      expect(events.map((e) => [e.method, e.url, e.status, e.attempt])).toEqual([
        ['GET', `${s.url}/apis`, 503, 1],
        ['GET', `${s.url}/apis`, 200, 2],
      ]);
      expect(events[0]?.retryInMs).toBe(125);
      expect(events.every((e) => typeof e.durationMs === 'number' && e.durationMs >= 0)).toBe(true);
    });
  });

  describe('Transport: streamed bodies (onText)', () => {
    const document = {
      kind: 'PodMetricsList',
      items: Array.from({ length: 300 }, (_, i) => ({ name: `p-é-${i}` })),
    };

    it('hands the body over piece by piece, plain or gzip, with UTF-8 split across chunks', async () => {
      for (const gzip of [false, true]) {
        const text = JSON.stringify(document);
        const s = await serve((_req, res) => {
          res.writeHead(200, {
            'content-type': 'application/json',
            ...(gzip ? { 'content-encoding': 'gzip' } : {}),
          });
          const bytes = gzip ? gzipSync(text) : Buffer.from(text);
          // Two writes apart in time split the body (at an odd offset, inside a two-byte "é").
          const cut = bytes.indexOf(Buffer.from('é')) + 1;
          res.write(bytes.subarray(0, cut));
          setTimeout(() => res.end(bytes.subarray(cut)), 30);
        });
        const { t } = transport(s.url);
        const pieces: string[] = [];
        const response = await t.get({ path: '/x', onText: (piece) => pieces.push(piece) });
        expect(response.body).toBe('');
        expect(pieces.join('')).toBe(text);
        if (!gzip) expect(pieces.length).toBeGreaterThan(1);
      }
    });

    it('aborted from onText after the whole body arrived: no crash, and the pooled connection still serves', async () => {
      // With node:https, an abort through http.request's own `signal` option, once the body had
      // ended and the socket was back in the pool, destroyed that socket with an error nobody
      // listened to: an uncaught exception (found in review of the speculative metrics list).
      const s = await serve((_req, res) => json(res, 200, document));
      const { t } = transport(s.url);
      const controller = new AbortController();
      await t
        .get({ path: '/x', signal: controller.signal, onText: () => controller.abort() })
        .catch((error: unknown) => expect((error as KubemetricsError).code).toBe('KUBEMETRICS_ERR_ABORTED'));
      // Let anything the abort set off (a destroyed pooled socket's 'error') happen now.
      await new Promise((resolve) => setImmediate(resolve));
      expect(await t.getJSON({ path: '/y' })).toEqual(document);
    });

    it('reads error statuses whole (no onText), and does not retry once pieces were handed over', async () => {
      const failing = await serve((_req, res) => json(res, 404, status(404, 'NotFound', 'not here')));
      const pieces: string[] = [];
      const error = await rejection(
        transport(failing.url).t.get({ path: '/x', onText: (p) => pieces.push(p) }),
      );
      expect(error.message).toContain('not here');
      expect(pieces).toEqual([]);

      const cut = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items":[{"a":1},');
        setTimeout(() => res.destroy(), 20);
      });
      const seenPieces: string[] = [];
      await rejection(transport(cut.url).t.get({ path: '/x', onText: (p) => seenPieces.push(p) }));
      expect(cut.seen).toHaveLength(1); // not retried
      expect(seenPieces.join('')).toBe('{"items":[{"a":1},');
    });
  });
});
