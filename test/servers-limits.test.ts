/**
 * What one client may hold on either server (issue 11, "bounded work per request" and item 8):
 * idle connections closed by our timeouts, a cap on connections and on the dashboard's event
 * streams, oversize headers and bodies answered with a `Status` (431, 413) instead of Node's plain
 * text, security headers on the dashboard, credentials kept out of request logs.
 *
 * Timeouts are set short through the servers' options and every test waits on events (a socket's
 * `close`, an answer), never on a wall-clock budget.
 */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsApiServer } from '../src/apiserver/index.js';
import type { Logger, MetricsApiServer } from '../src/apiserver/index.js';
import type { HttpServerLimits } from '../src/http/index.js';
import { MemoryMetricsProvider } from '../src/providers/memory/index.js';
import { StaticClusterView, startReportServer } from '../src/service/index.js';
import type { ReportServer, ServiceLogEntry } from '../src/service/index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

function memoryProvider(): MemoryMetricsProvider {
  const memory = new MemoryMetricsProvider();
  memory.setCustomMetric({
    groupResource: 'pods',
    namespace: 'shop',
    name: 'web-1',
    metric: 'rps',
    value: '3',
  });
  return memory;
}

/** The metrics API server over plain HTTP (`listen`), with `limits`. */
async function apiserverHttp(
  limits: HttpServerLimits = {},
  logger?: Logger,
): Promise<{ port: number; url: string; server: MetricsApiServer }> {
  const memory = memoryProvider();
  const server = createMetricsApiServer({ providers: { custom: memory }, limits, logger });
  const { port, url } = await server.listen();
  cleanups.push(() => server.close());
  return { port, url, server };
}

/** The report service on a fixed, empty snapshot, with `limits`. */
async function service(
  options: { limits?: HttpServerLimits; maxEventStreams?: number; log?: (e: ServiceLogEntry) => void } = {},
): Promise<{ port: number; url: string; server: ReportServer }> {
  const view = new StaticClusterView({ nodes: [], pods: [], collectedAt: new Date().toISOString() });
  const server = await startReportServer({ view, host: '127.0.0.1', port: 0, ...options });
  cleanups.push(() => server.close());
  return { port: Number(new URL(server.url).port), url: server.url, server };
}

/** Opens `count` TCP connections that never send a byte; resolves once all are connected. */
async function openIdle(port: number, count: number): Promise<Socket[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ port, host: '127.0.0.1' });
          socket.once('connect', () => resolve(socket));
          socket.once('error', reject);
          // A reset when the server closes is fine: only the close matters.
          socket.on('error', () => undefined);
        }),
    ),
  );
}

const closed = (socket: Socket): Promise<void> =>
  socket.destroyed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));

/** Sends raw bytes on a new connection; resolves with everything the server wrote until it closed. */
function rawExchange(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.once('connect', () => socket.write(request));
    socket.setTimeout(30_000, () => reject(new Error('no answer')));
  });
}

function parseRaw(answer: string): { code: number; headers: Record<string, string>; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { code: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as unknown };
}

const SHORT: HttpServerLimits = { headersTimeoutMs: 300, receiveTimeoutMs: 600, keepAliveTimeoutMs: 300 };

describe('idle connections are closed by our timeouts', () => {
  it('kubemetrics apiserver (HTTPS, as started in production): 2,000 idle connections all close', async () => {
    const memory = memoryProvider();
    const server = createMetricsApiServer({
      providers: { custom: memory },
      authentication: { anonymous: true },
      authorization: { mode: 'AlwaysAllow' },
      limits: { ...SHORT, maxConnections: 2_500 },
    });
    const { port } = await server.start();
    cleanups.push(() => server.stop());
    // Node's defaults (a 120 s TLS handshake timeout, 60 s for headers) would keep them open far
    // beyond this test's own timeout.
    const sockets = await openIdle(port, 2_000);
    await Promise.all(sockets.map(closed));
    expect(sockets.every((s) => s.destroyed)).toBe(true);
    // Node's own defaults (60 s for headers, 120 s for a TLS handshake) take longer than this.
  }, 45_000);

  it('kubemetrics serve: 2,000 idle connections all close, and a kept-alive one after its answer', async () => {
    const { port } = await service({ limits: { ...SHORT, maxConnections: 2_500 } });
    const sockets = await openIdle(port, 2_000);
    await Promise.all(sockets.map(closed));
    expect(sockets.every((s) => s.destroyed)).toBe(true);
    // A request answered, then the connection left idle: closed by the keep-alive timeout.
    const answer = await rawExchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    // Node's own defaults (60 s for headers, 120 s for a TLS handshake) take longer than this.
  }, 45_000);

  it('a request whose headers never finish gets a 408 Status, then the connection closes', async () => {
    const { port } = await apiserverHttp(SHORT);
    const answer = parseRaw(await rawExchange(port, 'GET /apis HTTP/1.1\r\nHost: x\r\n'));
    expect(answer.code).toBe(408);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body).toMatchObject({ kind: 'Status', code: 408, reason: 'Timeout' });
  });
});

describe('connection cap', () => {
  it.each(['apiserver', 'service'] as const)(
    '%s: connections beyond maxConnections are closed at once, the others kept',
    async (which) => {
      const limits: HttpServerLimits = { maxConnections: 3 };
      const { port } = which === 'apiserver' ? await apiserverHttp(limits) : await service({ limits });
      const kept = await openIdle(port, 3);
      const [extra] = await openIdle(port, 1);
      await closed(extra!);
      expect(kept.some((s) => s.destroyed)).toBe(false);
      for (const socket of kept) socket.destroy();
    },
  );
});

describe('431 and 413 are Status objects', () => {
  const bigHeader = `GET /apis HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(100_000)}\r\n\r\n`;

  it.each(['apiserver', 'service'] as const)(
    "%s: oversize headers → JSON Status 431 (not Node's plain text)",
    async (which) => {
      const { port } = which === 'apiserver' ? await apiserverHttp() : await service();
      const answer = parseRaw(await rawExchange(port, bigHeader));
      expect(answer.code).toBe(431);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.headers['connection']).toBe('close');
      expect(answer.body).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code: 431,
        reason: 'RequestHeaderFieldsTooLarge',
      });
      expect((answer.body as { message: string }).message).toContain('65536 bytes');
    },
  );

  it.each(['apiserver', 'service'] as const)('%s: a malformed request → JSON Status 400', async (which) => {
    const { port } = which === 'apiserver' ? await apiserverHttp() : await service();
    const answer = parseRaw(await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n'));
    expect(answer.code).toBe(400);
    expect(answer.body).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
  });

  it.each(['apiserver', 'service'] as const)(
    '%s: a declared body above maxBodyBytes → 413 Status before anything is read',
    async (which) => {
      const limits: HttpServerLimits = { maxBodyBytes: 1024 };
      const { url } = which === 'apiserver' ? await apiserverHttp(limits) : await service({ limits });
      const res = await fetch(`${url}/healthz`, { method: 'POST', body: 'x'.repeat(4096) });
      expect(res.status).toBe(413);
      expect(res.headers.get('connection')).toBe('close');
      expect(await res.json()).toMatchObject({ kind: 'Status', code: 413, reason: 'RequestEntityTooLarge' });
    },
  );

  it.each(['apiserver', 'service'] as const)(
    '%s: a chunked body growing beyond maxBodyBytes ends the connection (it is not drained)',
    async (which) => {
      const limits: HttpServerLimits = { maxBodyBytes: 1024 };
      const { port } = which === 'apiserver' ? await apiserverHttp(limits) : await service({ limits });
      // The body never ends (no last chunk): only the cap can close this connection in time.
      const chunk = 'x'.repeat(4096);
      const answer = await rawExchange(
        port,
        `POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(4096).toString(16)}\r\n${chunk}\r\n`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    },
  );

  it('the TLS server answers 431 as a Status too', async () => {
    const memory = memoryProvider();
    const server = createMetricsApiServer({
      providers: { custom: memory },
      authentication: { anonymous: true },
      authorization: { mode: 'AlwaysAllow' },
    });
    const { port, caBundle } = await server.start();
    cleanups.push(() => server.stop());
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect({ port, host: '127.0.0.1', ca: caBundle, servername: 'localhost' }, () =>
        socket.write(bigHeader),
      );
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    expect(parseRaw(answer)).toMatchObject({ code: 431, body: { kind: 'Status', code: 431 } });
  });

  it('limits are checked up front, naming the option', async () => {
    const memory = memoryProvider();
    expect(() =>
      createMetricsApiServer({ providers: { custom: memory }, limits: { headersTimeoutMs: -1 } }),
    ).toThrow('"limits.headersTimeoutMs" must be a positive whole number, got -1');
    expect(() =>
      createMetricsApiServer({
        providers: { custom: memory },
        limits: { headersTimeoutMs: 5000, receiveTimeoutMs: 10 },
      }),
    ).toThrow('"limits.receiveTimeoutMs" (10) must not be below "limits.headersTimeoutMs" (5000)');
    await expect(service({ limits: { maxConnection: 5 } as HttpServerLimits })).rejects.toThrow(
      '"limits.maxConnection" is not a limit',
    );
  });
});

describe('dashboard event streams are capped', () => {
  it('beyond maxEventStreams: 429 Status with Retry-After; a closed stream frees its place', async () => {
    const { url } = await service({ maxEventStreams: 2 });
    const open = async (): Promise<{ res: Response; controller: AbortController }> => {
      const controller = new AbortController();
      const res = await fetch(`${url}/api/v1/events`, { signal: controller.signal });
      return { res, controller };
    };
    const first = await open();
    const second = await open();
    expect([first.res.status, second.res.status]).toEqual([200, 200]);
    const third = await open();
    expect(third.res.status).toBe(429);
    expect(third.res.headers.get('retry-after')).toBe('10');
    expect(await third.res.json()).toMatchObject({ kind: 'Status', code: 429, reason: 'TooManyRequests' });
    // The server hears the close asynchronously: retry until the place is free.
    first.controller.abort();
    let fourth = await open();
    while (fourth.res.status === 429) {
      await fourth.res.body?.cancel();
      await new Promise((resolve) => setImmediate(resolve));
      fourth = await open();
    }
    expect(fourth.res.status).toBe(200);
    second.controller.abort();
    fourth.controller.abort();
  });
});

describe('headers and logs', () => {
  it('the dashboard sends a Content-Security-Policy with frame-ancestors none, nosniff everywhere', async () => {
    const { url } = await service();
    const page = await fetch(`${url}/dashboard`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    for (const path of [
      '/dashboard',
      '/api/v1/nodes-summary',
      '/readyz',
      '/healthz',
      '/nope',
      '/assets/dashboard.js',
    ])
      expect((await fetch(`${url}${path}`)).headers.get('x-content-type-options'), path).toBe('nosniff');
    const { url: apiUrl } = await apiserverHttp();
    for (const path of ['/apis', '/readyz', '/nope'])
      expect((await fetch(`${apiUrl}${path}`)).headers.get('x-content-type-options'), path).toBe('nosniff');
  });

  it('query strings are logged with credentials redacted, by both servers', async () => {
    const entries: ServiceLogEntry[] = [];
    const { url } = await service({ log: (e) => entries.push(e) });
    await (
      await fetch(`${url}/api/v1/nodes-summary?access_token=SECRET-1&by=node&db_password=SECRET-2`)
    ).text();
    const logged = JSON.stringify(entries);
    expect(logged).toContain('/api/v1/nodes-summary?access_token=REDACTED&by=node&db_password=REDACTED');
    expect(logged).not.toContain('SECRET');

    const lines: Record<string, unknown>[] = [];
    const keep = (fields: Readonly<Record<string, unknown>>): void => void lines.push({ ...fields });
    const { url: apiUrl } = await apiserverHttp({}, { debug: keep, info: keep, warn: keep, error: keep });
    await (await fetch(`${apiUrl}/apis?token=SECRET-3&client_secret=SECRET-4&pretty=true`)).text();
    const apiLogged = JSON.stringify(lines);
    expect(apiLogged).toContain('/apis?token=REDACTED&client_secret=REDACTED&pretty=true');
    expect(apiLogged).not.toContain('SECRET');
  });
});
