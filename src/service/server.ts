/**
 * The report service's HTTP server (node:http, no framework): every answer is computed from the
 * {@link ClusterView} in memory. Routes:
 *
 * | route                          | answer                                                    |
 * | ------------------------------ | --------------------------------------------------------- |
 * | `GET /healthz`                 | 200 while the process runs (no auth)                       |
 * | `GET /readyz`                  | 200 once nodes and pods were listed, else 503 (no auth)    |
 * | `GET /` (Accept: text/html)    | the dashboard; any other Accept gets the nodes summary     |
 * | `GET /dashboard`               | the dashboard                                              |
 * | `GET /api/v1/nodes-summary`    | the per-node summary (nodes-summary.ts)                    |
 * | `GET /api/v1/capacity`         | the report (capacity-query.ts)                             |
 * | `GET /api/v1/dashboard`        | what the dashboard draws                                   |
 * | `GET /api/v1/hpas`             | the last HPA replay (hpa-replays.ts, hpa-query.ts)         |
 * | `GET /api/v1/events`           | server-sent events: `change` on every update, `health`     |
 * | `GET /metrics`                 | Prometheus text (prometheus-metrics.ts)                    |
 *
 * Errors are Kubernetes `Status` objects (`{"kind":"Status","code":400,"reason":"BadRequest",...}`),
 * including what Node's parser refuses (431 oversize headers, 400 malformed, 408 too slow) and a
 * declared body too large (413). A handler failure answers 500 and never takes the server down.
 *
 * Readiness means "route traffic to me": the cache listed nodes and pods once. metrics-server
 * being slow or failing, or the API server being unreachable later, does not make the service
 * unready: its only replica would leave the Service and hide the last-known data exactly when it
 * is most wanted. That trouble is shown instead where a reader sees it: `stale` and `reasons` in
 * every answer's `data`, the `/readyz` body (still 200), the dashboard's warning and `/metrics`.
 *
 * Bounded per client: header/request/keep-alive timeouts and a connection cap (http/http-limits),
 * and at most `maxEventStreams` dashboard event streams at once (429 beyond).
 *
 * Answers are computed once per data generation: the nodes summary, each capacity query and the
 * dashboard data are kept as encoded bytes until the cache changes, so a dashboard or a poller
 * hammering the service costs a memory copy per request, not a report (see {@link AnswerCache}).
 * Only the small `data` freshness object is written per request.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { failureStatus } from '../api/index.js';
import {
  applyHttpServerLimits,
  httpServerOptions,
  listenBacklog,
  RateLimitedLog,
  redactRequestTarget,
  refuseRequestBody,
  resolveHttpServerLimits,
  type HttpServerLimits,
} from '../http/index.js';
import { buildReport, createPlainRowConverter, type ReportModel } from '../report/index.js';
import type { BearerTokenCheck } from './bearer-token.js';
import { capacityDocument, parseCapacityQuery, QueryError } from './capacity-query.js';
import type { CacheHealth, CacheRecords, ClusterView, InformerHealth } from './cluster-cache.js';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from './dashboard-assets.js';
import { hpaDocument, hpaFreshness, noHpaResult, parseHpaQuery } from './hpa-query.js';
import type { HpaSource } from './hpa-replays.js';
import { notSyncedMessage, staleWarning } from './data-freshness.js';
import { encodeNodesSummary, nodesSummary } from './nodes-summary.js';
import { createServiceMetrics } from './prometheus-metrics.js';

/** One structured log entry (the CLI decides where it goes). */
export interface ServiceLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly requestId?: string;
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly ms?: number;
  readonly error?: string;
}

/** Options of {@link startReportServer}. */
export interface ReportServerOptions {
  readonly view: ClusterView;
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number | undefined;
  /** When set, every route but `/healthz` and `/readyz` needs `Authorization: Bearer <token>`. */
  readonly auth?: BearerTokenCheck | undefined;
  /** Per-pod series on `/metrics`. */
  readonly podMetrics?: boolean | undefined;
  /** Minimum gap between two `change` events on `/api/v1/events`, in ms (default 1000). */
  readonly eventThrottleMs?: number | undefined;
  /** Structured logger; default: none. */
  readonly log?: ((entry: ServiceLogEntry) => void) | undefined;
  /** Timeouts, connection cap, header and body sizes (`DEFAULT_HTTP_SERVER_LIMITS` of the client layer). */
  readonly limits?: HttpServerLimits | undefined;
  /** Open `/api/v1/events` streams at once (default 100); more are answered 429. */
  readonly maxEventStreams?: number | undefined;
  /** The HPA replays behind `/api/v1/hpas` (live clusters); without it the route says why not. */
  readonly hpas?: HpaSource | undefined;
}

/** A running server. */
export interface ReportServer {
  /** e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly server: Server;
  /** Stops accepting, ends event streams and closes connections. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Routes that answer with cluster data: 503 before the first sync, a `Warning` when stale. */
const DATA_ROUTES = new Set(['/', '/api/v1/nodes-summary', '/api/v1/capacity', '/api/v1/dashboard']);
/** Default {@link ReportServerOptions.maxEventStreams}: a dashboard tab holds one stream. */
export const DEFAULT_MAX_EVENT_STREAMS = 100;
/**
 * An event stream whose client stopped reading is ended once this much is queued for it: the
 * heartbeat and change events would otherwise pile up in memory for as long as it stays connected.
 */
const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024;

/** Sent with every answer: none of them is meant to be sniffed, framed or to leak its URL. */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The dashboard page: only its own script, styles and API (no inline code, nothing from elsewhere),
 * never inside a frame (clickjacking), no form posts or `<base>` rewrites. The script's
 * `el.style.cssText` writes are CSSOM, which `style-src 'self'` allows.
 */
const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};

/** Answers larger than this are not kept (a `by=pod` report of a huge cluster is rare and big). */
const MAX_CACHED_BYTES = 8 * 1024 * 1024;
/** Distinct queries kept per generation. */
const MAX_CACHED_ANSWERS = 64;

/**
 * Encoded answers of one data generation, by key (route and query). Everything is dropped when
 * the generation changes; a new answer is computed on first use. Kept as bytes, not strings:
 * sending a Buffer skips the UTF-8 encoding of the whole body on every request. An answer too
 * large to keep is returned as computed, without a copy into a Buffer.
 */
class AnswerCache {
  #generation = -1;
  readonly #answers = new Map<string, Buffer>();

  get(generation: number, key: string, compute: () => string): Buffer | string {
    if (generation !== this.#generation) {
      this.#answers.clear();
      this.#generation = generation;
    }
    const cached = this.#answers.get(key);
    if (cached !== undefined) return cached;
    const text = compute();
    // Bytes are at most 3 per UTF-16 unit, and at least 1.
    if (text.length > MAX_CACHED_BYTES || this.#answers.size >= MAX_CACHED_ANSWERS) return text;
    const answer = Buffer.from(text);
    if (answer.length <= MAX_CACHED_BYTES) this.#answers.set(key, answer);
    return answer;
  }
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

function send(
  res: ServerResponse,
  code: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', ...COMMON_HEADERS, ...headers });
  res.end(body);
}

function sendJSON(res: ServerResponse, code: number, value: unknown): void {
  send(res, code, JSON_TYPE, `${JSON.stringify(value)}\n`);
}

/** A 200 JSON answer from cached bytes. */
function sendBytes(res: ServerResponse, body: Buffer | string): void {
  if (typeof body === 'string') return send(res, 200, JSON_TYPE, body);
  res.writeHead(200, {
    'content-type': JSON_TYPE,
    'cache-control': 'no-store',
    ...COMMON_HEADERS,
    'content-length': body.length,
  });
  res.end(body);
}

/**
 * A 200 JSON answer: a cached object (its encoding without the closing brace) followed by
 * `,"data":{...}}`, the freshness computed now.
 */
function sendWithData(res: ServerResponse, open: Buffer | string, data: Record<string, unknown>): void {
  const tail = Buffer.from(`,"data":${JSON.stringify(data)}}\n`);
  res.writeHead(200, {
    'content-type': JSON_TYPE,
    'cache-control': 'no-store',
    ...COMMON_HEADERS,
    'content-length': (typeof open === 'string' ? Buffer.byteLength(open) : open.length) + tail.length,
  });
  res.write(open);
  res.end(tail);
}

/** `{...}` as JSON without its closing brace, for {@link sendWithData}. */
function openObject(value: object): string {
  const text = JSON.stringify(value);
  if (!text.endsWith('}') || text === '{}') throw new Error('expected a non-empty JSON object');
  return text.slice(0, -1);
}

function sendStatus(
  res: ServerResponse,
  code: number,
  message: string,
  reason?: string,
  headers?: Record<string, string>,
): void {
  const status = failureStatus(code, message, undefined, reason);
  send(res, code, JSON_TYPE, `${JSON.stringify(status)}\n`, headers);
}

/** What the data's freshness looks like in JSON answers. */
function freshness(health: CacheHealth, generation: number): Record<string, unknown> {
  return {
    mode: health.mode,
    generation,
    ageSeconds: health.ageSeconds ?? null,
    stale: health.stale,
    metricsAvailable: health.metricsAvailable,
    metricsRefreshedAt:
      health.metricsRefreshedAt === undefined ? null : new Date(health.metricsRefreshedAt).toISOString(),
    reasons: health.reasons,
  };
}

/**
 * A collection's state for `/readyz`: its `lastError` only while the trouble lasts (not synced,
 * watch down, or objects skipped), so an error from before a recovery is not shown as current.
 */
function currentInformerState(informer: InformerHealth): InformerHealth {
  const troubled = !informer.synced || !informer.connected || informer.skipped > 0;
  return troubled ? informer : { ...informer, lastError: undefined };
}

/**
 * Ready = nodes and pods listed once (a cache that may grow a `synced` flag of its own is read
 * through it). Nothing that happens after that makes the service unready; see the module comment.
 */
function syncedOnce(health: CacheHealth): boolean {
  const own = (health as { readonly synced?: unknown }).synced;
  if (typeof own === 'boolean') return own;
  return health.nodes.synced && health.pods.synced;
}

function wantsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return /\btext\/html\b/i.test(accept);
}

/** Starts the server and resolves once it listens. */
export async function startReportServer(options: ReportServerOptions): Promise<ReportServer> {
  const { view, auth, log } = options;
  const limits = resolveHttpServerLimits(options.limits, 'limits');
  const maxStreams = options.maxEventStreams ?? DEFAULT_MAX_EVENT_STREAMS;
  if (!Number.isSafeInteger(maxStreams) || maxStreams < 0)
    throw new RangeError(`maxEventStreams must be a whole number >= 0, got ${String(maxStreams)}`);
  const prometheus = createServiceMetrics(view, { podMetrics: options.podMetrics });
  const throttleMs = options.eventThrottleMs ?? 1000;
  const streams = new Set<ServerResponse>();
  const answers = new AnswerCache();
  // Its own cache: HPA results change on the replay's interval, not with the cache's generation.
  const hpaAnswers = new AnswerCache();

  const summaryBytes = (): Buffer | string => {
    const records = view.records();
    return answers.get(
      records.generation,
      'nodes-summary',
      () => `${encodeNodesSummary(nodesSummary(records))}\n`,
    );
  };

  const dashboardBody = (records: CacheRecords): Record<string, unknown> => {
    const model: ReportModel = buildReport(records, {
      resources: ['cpu', 'memory'],
      levels: ['cluster', 'node', 'namespace', 'workload'],
    });
    const convert = createPlainRowConverter(model.resourceNames);
    const byCpuRequests = <R extends { requests: Readonly<Record<string, bigint>> }>(
      rows: readonly R[],
    ): R[] =>
      [...rows].sort((a, b) => {
        const x = a.requests['cpu'] ?? 0n;
        const y = b.requests['cpu'] ?? 0n;
        return x < y ? 1 : x > y ? -1 : 0;
      });
    return {
      cluster: convert.cluster(model.cluster),
      nodes: model.nodes.map((row) => convert.node(row)),
      namespaces: byCpuRequests(model.namespaces)
        .slice(0, 10)
        .map((row) => convert.namespace(row)),
      workloads: byCpuRequests(model.workloads)
        .slice(0, 10)
        .map((row) => convert.workload(row)),
    };
  };

  const routes: Record<
    string,
    (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void
  > = {
    '/': (req, res) => {
      if (wantsHtml(req)) send(res, 200, 'text/html; charset=utf-8', DASHBOARD_HTML, DASHBOARD_HEADERS);
      else sendBytes(res, summaryBytes());
    },
    '/dashboard': (_req, res) =>
      send(res, 200, 'text/html; charset=utf-8', DASHBOARD_HTML, DASHBOARD_HEADERS),
    '/assets/dashboard.css': (_req, res) => send(res, 200, 'text/css; charset=utf-8', DASHBOARD_CSS),
    '/assets/dashboard.js': (_req, res) => send(res, 200, 'text/javascript; charset=utf-8', DASHBOARD_JS),
    '/api/v1/nodes-summary': (_req, res) => sendBytes(res, summaryBytes()),
    '/api/v1/capacity': (_req, res, url) => {
      // Validated on every request (a bad query is never cached); the report once per generation.
      const query = parseCapacityQuery(url.searchParams);
      const records = view.records();
      const open = answers.get(records.generation, `capacity${url.search}`, () =>
        openObject(capacityDocument(records, query)),
      );
      sendWithData(res, open, freshness(view.health(), records.generation));
    },
    '/api/v1/dashboard': (_req, res) => {
      const records = view.records();
      const open = answers.get(records.generation, 'dashboard', () => openObject(dashboardBody(records)));
      sendWithData(res, open, freshness(view.health(), records.generation));
    },
    '/api/v1/hpas': (_req, res, url) => {
      // Reads the last replay only: no request to the cluster is made for an HTTP request.
      const query = parseHpaQuery(url.searchParams);
      const source = options.hpas;
      const result = source?.result();
      if (source === undefined || result === undefined) {
        const problem = noHpaResult(source);
        throw new HttpError(problem.code, problem.message, problem.reason);
      }
      const open = hpaAnswers.get(result.generation, `hpas${url.search}`, () =>
        openObject(hpaDocument(result, query.namespace)),
      );
      sendWithData(res, open, hpaFreshness(source, result, Date.now()));
    },
    '/api/v1/events': (req, res) => {
      if (streams.size >= maxStreams)
        throw new HttpError(
          429,
          `too many event streams open (${maxStreams}); close another dashboard or poll /api/v1/dashboard`,
          'TooManyRequests',
          { 'retry-after': '10' },
        );
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        ...COMMON_HEADERS,
        connection: 'keep-alive',
      });
      streams.add(res);
      const write = (text: string): void => {
        if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) {
          res.destroy();
          return;
        }
        res.write(text);
      };
      const health = (): void => {
        write(
          `event: health\ndata: ${JSON.stringify(freshness(view.health(), view.records().generation))}\n\n`,
        );
      };
      let pending: NodeJS.Timeout | undefined;
      let last = 0;
      const emit = (): void => {
        pending = undefined;
        last = Date.now();
        write(`event: change\ndata: ${JSON.stringify({ generation: view.records().generation })}\n\n`);
      };
      const unsubscribe = view.onChange(() => {
        if (pending !== undefined) return;
        pending = setTimeout(emit, Math.max(0, last + throttleMs - Date.now()));
      });
      const heartbeat = setInterval(health, 5000);
      health();
      const end = (): void => {
        unsubscribe();
        clearInterval(heartbeat);
        if (pending !== undefined) clearTimeout(pending);
        streams.delete(res);
      };
      req.on('close', end);
      res.on('close', end);
    },
    '/metrics': async (_req, res) => {
      const { cluster, health } = await prometheus.metrics();
      const tail = Buffer.from(health);
      res.writeHead(200, {
        'content-type': prometheus.contentType,
        'cache-control': 'no-store',
        'content-length': cluster.length + tail.length,
      });
      res.write(cluster);
      res.end(tail);
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // No route reads a body: one declared too large is refused first.
    const tooLarge = refuseRequestBody(req, res, limits);
    if (tooLarge !== undefined)
      throw new HttpError(tooLarge.code, tooLarge.message ?? 'request body too large', tooLarge.reason);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError(
        405,
        `${req.method ?? ''} is not supported; this service only answers GET`,
        'MethodNotAllowed',
      );
    if (path === '/healthz') return send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
    if (path === '/readyz') {
      // The same details with or without `?verbose` (kube's flag is accepted): readiness itself is
      // the code; `stale` and `reasons` say what a reader of the data should know.
      const health = view.health();
      const ready = syncedOnce(health);
      return sendJSON(res, ready ? 200 : 503, {
        ready,
        ...freshness(health, view.records().generation),
        metricsError: health.metricsError ?? null,
        nodes: currentInformerState(health.nodes),
        pods: currentInformerState(health.pods),
      });
    }
    if (auth !== undefined && !auth.verify(req.headers.authorization))
      throw new HttpError(
        401,
        'missing or wrong bearer token: send "Authorization: Bearer <token>" with the token from --auth-token-file',
        'Unauthorized',
      );
    const route = routes[path];
    if (route === undefined)
      throw new HttpError(404, `no route ${path}; see docs/service.md for the routes`, 'NotFound');
    if (DATA_ROUTES.has(path) && !(path === '/' && wantsHtml(req))) {
      const health = view.health();
      const unavailable = notSyncedMessage(health);
      if (unavailable !== undefined) throw new HttpError(503, unavailable, 'ServiceUnavailable');
      const warning = staleWarning(health);
      if (warning !== undefined) res.setHeader('warning', warning);
    }
    await route(req, res, url);
  };

  const server = createServer(httpServerOptions(limits), (req, res) => {
    const started = performance.now();
    const requestId =
      typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID();
    res.setHeader('x-request-id', requestId);
    const fail = (error: unknown): void => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        const headers: Record<string, string> =
          error.code === 401
            ? { ...error.headers, 'www-authenticate': 'Bearer realm="kubemetrics"' }
            : { ...error.headers };
        sendStatus(res, error.code, error.message, error.reason, headers);
      } else if (error instanceof QueryError) {
        sendStatus(res, 400, error.message, 'BadRequest');
      } else {
        log?.({
          level: 'error',
          msg: 'request failed',
          requestId,
          path: redactRequestTarget(req.url ?? '/'),
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        sendStatus(
          res,
          500,
          'internal error while answering from the cache; see the service log',
          'InternalError',
        );
      }
    };
    res.on('finish', () =>
      log?.({
        level: 'info',
        msg: 'request',
        requestId,
        method: req.method,
        // The query as sent, credentials redacted (a token passed as ?access_token= stays out).
        path: redactRequestTarget(req.url ?? '/'),
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      }),
    );
    try {
      handle(req, res).catch(fail);
    } catch (error) {
      fail(error);
    }
  });
  // One line per cause a minute: a client (or a scanner) repeating a bad request gets a count.
  const refusals = new RateLimitedLog(
    (fields, msg) => log?.({ ...fields, level: 'warn', msg }),
    'refused a client',
  );
  applyHttpServerLimits(server, limits, refusals);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', listenBacklog(limits), () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        refusals.flush();
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
