/**
 * The HTTP transport: keep-alive connections (undici, or node:https for short-lived processes:
 * transport-http.ts), the cluster's CA and the user's client certificate,
 * a deadline per call, bounded retries with exponential backoff and jitter for idempotent GETs,
 * and one `diagnostics_channel` event per attempt. Everything above it sees either parsed JSON or a
 * {@link KubemetricsError}.
 *
 * Requests go through the proxy the credentials name (`proxy-url` in the kubeconfig, `HTTPS_PROXY`),
 * and the call's deadline bounds the whole request: connecting and the TLS handshake included.
 */
import { channel } from 'node:diagnostics_channel';
import type * as Zlib from 'node:zlib';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { tlsFingerprint, type TlsMaterial } from './tls-material.js';
import { createHttpDispatcher, type HttpClientKind, type HttpDispatcher } from './transport-http.js';
import { KubemetricsError } from '../errors.js';
import { apiErrorFromResponse } from './api-error.js';
import { raceAbort } from './abortable.js';

/**
 * node:zlib is imported on the first gzipped answer only: a one-shot command against a server that
 * does not compress (or a small answer, which kube-apiserver sends plain) does not pay for loading it.
 */
async function zlib(): Promise<typeof Zlib> {
  return import('node:zlib');
}

/** Gunzips off the event loop (zlib's thread pool): servers read large lists through this too. */
async function gunzipBuffer(raw: Buffer): Promise<Buffer> {
  const { gunzip } = await zlib();
  return new Promise((resolve, reject) => {
    gunzip(raw, (error, result) => (error === null ? resolve(result) : reject(error)));
  });
}

/**
 * Milliseconds for the request log. Not `performance.now()`: the first touch of the `performance`
 * global loads Node's perf_hooks, a cost every one-shot command would pay for a log it rarely prints.
 */
function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Hands a body to `onText` piece by piece, decoding UTF-8 across chunk boundaries (and gzip). */
async function streamText(
  body: AsyncIterable<Uint8Array>,
  gzipped: boolean,
  onText: (text: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let source: AsyncIterable<Uint8Array> = body;
  if (gzipped) {
    const gunzipper = (await zlib()).createGunzip();
    const feed = (async () => {
      try {
        for await (const chunk of body) if (!gunzipper.write(chunk)) await once(gunzipper, 'drain');
        gunzipper.end();
      } catch (error) {
        gunzipper.destroy(error as Error);
      }
    })();
    source = gunzipper;
    for await (const chunk of source) onText(decoder.decode(chunk, { stream: true }));
    await feed;
  } else for await (const chunk of source) onText(decoder.decode(chunk, { stream: true }));
  const rest = decoder.decode();
  if (rest !== '') onText(rest);
}

/** A whole body as one buffer. */
async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Name of the `node:diagnostics_channel` channel that gets one {@link RequestEvent} per attempt. */
export const REQUEST_CHANNEL = 'kubemetrics:client:request';

/** Published on {@link REQUEST_CHANNEL} after every attempt (successful or not). */
export interface RequestEvent {
  readonly method: string;
  readonly url: string;
  /** HTTP status; absent when no response arrived. */
  readonly status?: number;
  readonly durationMs: number;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** Error code (`ECONNRESET`, `KUBEMETRICS_ERR_TIMEOUT`, ...) when no response arrived. */
  readonly error?: string;
  /** Milliseconds the transport will wait before the next attempt, when it retries. */
  readonly retryInMs?: number;
}

const requestChannel = channel(REQUEST_CHANNEL);

/** TLS material, headers and route for one request, as the credentials layer computed them. */
export interface RequestAuth {
  /** Lower-case names; a list is sent as one header line per value (Impersonate-Group). */
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly tls: TlsMaterial;
  /** HTTP(S) proxy to tunnel through (`proxy-url`, `HTTPS_PROXY`); absent: connect directly. */
  readonly proxy?: string | undefined;
}

/** Where to send requests and how to authenticate them. */
export interface Connection {
  /** Server URL from the kubeconfig; may carry a path prefix (e.g. behind Rancher). */
  readonly server: string;
  readonly contextName?: string | undefined;
  readonly userName?: string | undefined;
  /** Called before every attempt; must be cheap when nothing changed. */
  authenticate(): Promise<RequestAuth>;
}

/** Per-call options every I/O method takes. */
export interface CallOptions {
  /** Cancels the call (and any retry wait); the call rejects with `KUBEMETRICS_ERR_ABORTED`. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Deadline for the whole call, retries and their waits included; `KUBEMETRICS_ERR_TIMEOUT`
   * when it passes. `0` disables it. Defaults to the client's `timeoutMs`.
   */
  readonly timeoutMs?: number | undefined;
}

/** Tuning of the transport; every field has a default. */
export interface TransportOptions {
  /** Default deadline per call in ms (30 000). `0` disables it. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt for 429/5xx and connection resets (3). */
  readonly retries?: number;
  /** First backoff step in ms (250); doubles per retry, full jitter. */
  readonly retryBaseDelayMs?: number;
  /** Upper bound of one backoff step and of an honoured `Retry-After`, in ms (10 000). */
  readonly retryMaxDelayMs?: number;
  /** Connections per origin (16). */
  readonly connections?: number;
  /** Idle keep-alive time of a connection in ms (30 000). */
  readonly keepAliveTimeoutMs?: number;
  /** Ask for gzip responses (true). The API server compresses large lists when asked. */
  readonly compression?: boolean;
  /** `User-Agent` header. */
  readonly userAgent?: string;
  /**
   * How the user sets the deadline, named in timeout hints (default `the timeoutMs option`; the
   * CLI says `--request-timeout`).
   */
  readonly timeoutSetting?: string;
  /**
   * The HTTP client: `undici` (default) or `node` (node:https, which loads in a fraction of the
   * time: for short-lived processes such as the CLI). Requests through a proxy use undici either way.
   */
  readonly httpClient?: HttpClientKind;
  /** @internal Sleep used between attempts (tests inject a fake clock). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** @internal Source of jitter in [0, 1). */
  readonly random?: () => number;
}

/** A query string map; `undefined` values are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** One GET request. */
export interface GetRequest extends CallOptions {
  /** Path relative to the server, e.g. `/apis/metrics.k8s.io/v1beta1/nodes`. */
  readonly path: string;
  readonly query?: Query | undefined;
  /**
   * Streams a 2xx body: each decoded (and gunzipped) piece of text goes here as it arrives and the
   * response's `body` is `''`. Error statuses are read whole as usual. Once a piece has been handed
   * over, a failure is not retried (the receiver would see the start twice).
   */
  readonly onText?: ((text: string) => void) | undefined;
}

/** A successful (2xx) response. */
export interface TextResponse {
  readonly status: number;
  readonly url: string;
  readonly body: string;
}

/** HTTP statuses retried for idempotent requests. 500 included: etcd leader changes surface as 500. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** Socket-level failures after which the request certainly or probably did not take effect. */
const RETRYABLE_NETWORK = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);
/** A refused connection is retried at most this many times: the server may be restarting. */
const MAX_REFUSED_RETRIES = 2;
const TLS_ERROR = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|ALTNAME/;
const MAX_DISPATCHERS = 4;

const DEFAULTS = {
  timeoutMs: 30_000,
  retries: 3,
  retryBaseDelayMs: 250,
  retryMaxDelayMs: 10_000,
  connections: 16,
  keepAliveTimeoutMs: 30_000,
  compression: true,
  userAgent: 'kubemetrics',
  timeoutSetting: 'the timeoutMs option',
  httpClient: 'undici' as HttpClientKind,
} as const;

/** Marker reasons for the internal abort controller, to tell a deadline from a caller's abort. */
class DeadlineReached extends Error {}
class CallerAborted extends Error {}

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `Retry-After` in seconds (delta-seconds or HTTP-date), or undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Waits for a shared promise (a cached discovery request) on behalf of one caller: rejects with
 * `KUBEMETRICS_ERR_ABORTED` when that caller's signal aborts, without cancelling the shared work.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return promise;
  return raceAbort(
    promise,
    signal,
    () => new KubemetricsError('KUBEMETRICS_ERR_ABORTED', `${what} was aborted`),
  );
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal });
}

/**
 * Sends GET requests to one API server. Reuses connections (one connection pool per distinct set of
 * TLS material, so rotating exec-plugin client certificates get fresh connections), and closes
 * them on {@link Transport.close}.
 */
export class Transport {
  readonly #connection: Connection;
  readonly #options: Required<Omit<TransportOptions, 'sleep' | 'random'>>;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #origin: string;
  readonly #basePath: string;
  /** Keyed by TLS fingerprint; the promise, so concurrent first requests share one pool. */
  readonly #dispatchers = new Map<string, Promise<HttpDispatcher>>();
  #closed = false;

  constructor(connection: Connection, options: TransportOptions = {}) {
    this.#connection = connection;
    const merged = { ...DEFAULTS };
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined && key in DEFAULTS) (merged as Record<string, unknown>)[key] = value;
    }
    for (const key of ['timeoutMs', 'retries', 'retryBaseDelayMs', 'retryMaxDelayMs'] as const) {
      const value = merged[key];
      if (!Number.isFinite(value) || value < 0) {
        throw new KubemetricsError(
          'KUBEMETRICS_ERR_ARGUMENT',
          `${key} must be a non-negative number, got ${String(value)}`,
        );
      }
    }
    this.#options = merged;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
    const server = new URL(connection.server);
    this.#origin = server.origin;
    this.#basePath = server.pathname.replace(/\/+$/, '');
  }

  /** The server URL requests go to. */
  get server(): string {
    return this.#connection.server;
  }

  /** The default deadline per call in ms. */
  get timeoutMs(): number {
    return this.#options.timeoutMs;
  }

  /** Full URL of a request. */
  url(path: string, query?: Query): string {
    return this.#origin + this.#requestPath(path, query);
  }

  #requestPath(path: string, query?: Query): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const qs = params.toString();
    return this.#basePath + path + (qs === '' ? '' : `?${qs}`);
  }

  /** GET and parse the JSON body. Decode failures are `KUBEMETRICS_ERR_DECODE`. */
  async getJSON<T>(request: GetRequest): Promise<T> {
    const response = await this.get(request);
    try {
      return JSON.parse(response.body) as T;
    } catch (error) {
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_DECODE',
        `GET ${response.url}: the response is not valid JSON (${errorText(error)}); it starts with ${JSON.stringify(response.body.slice(0, 80))}`,
        {
          hint: 'Something other than the Kubernetes API answered: check the server URL of the context and any proxy or load balancer in front of it.',
          cause: error,
        },
      );
    }
  }

  /**
   * GET with retries. Resolves with a 2xx response; rejects with a {@link KubemetricsError}:
   * `KUBEMETRICS_ERR_API` (a `KubernetesApiError`) for error statuses, `_NETWORK`, `_TIMEOUT`,
   * `_ABORTED` or `_CONFIG` (credentials could not be obtained).
   */
  async get(request: GetRequest): Promise<TextResponse> {
    if (this.#closed) {
      throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', 'the client was closed; create a new one');
    }
    const requestPath = this.#requestPath(request.path, request.query);
    const url = this.#origin + requestPath;
    const timeoutMs = request.timeoutMs ?? this.#options.timeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_ARGUMENT',
        `timeoutMs must be a non-negative number of milliseconds (0 = no deadline), got ${String(timeoutMs)}`,
      );
    }
    const started = Date.now();
    const controller = new AbortController();
    const onCallerAbort = (): void => controller.abort(new CallerAborted());
    const callerSignal = request.signal;
    if (callerSignal?.aborted === true) throw this.#abortedError(url);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const timer =
      timeoutMs > 0 ? setTimeout(() => controller.abort(new DeadlineReached()), timeoutMs) : undefined;
    try {
      return await this.#attempts(request, requestPath, url, controller.signal, started, timeoutMs);
    } catch (error) {
      if (controller.signal.aborted && !(error instanceof KubemetricsError)) {
        throw controller.signal.reason instanceof DeadlineReached
          ? this.#timeoutError(url, timeoutMs, error)
          : this.#abortedError(url, error);
      }
      throw error;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  async #attempts(
    request: GetRequest,
    requestPath: string,
    url: string,
    signal: AbortSignal,
    started: number,
    timeoutMs: number,
  ): Promise<TextResponse> {
    const { retries } = this.#options;
    let refused = 0;
    for (let attempt = 1; ; attempt++) {
      const auth = await raceAbort(this.#connection.authenticate(), signal);
      const attemptStart = nowMs();
      let status: number;
      let body: string;
      let retryAfterHeader: string | string[] | undefined;
      let streamed = false;
      try {
        const dispatcher = await this.#dispatcher(auth);
        const response = await dispatcher.request({
          origin: this.#origin,
          path: requestPath,
          method: 'GET',
          headers: {
            ...auth.headers,
            accept: 'application/json',
            'user-agent': this.#options.userAgent,
            ...(this.#options.compression ? { 'accept-encoding': 'gzip' } : {}),
          },
          signal,
        });
        status = response.statusCode;
        retryAfterHeader = response.headers['retry-after'];
        const gzipped = response.headers['content-encoding'] === 'gzip';
        if (request.onText !== undefined && status >= 200 && status < 300) {
          streamed = true;
          await streamText(response.body, gzipped, request.onText);
          body = '';
        } else {
          const raw = await readAll(response.body);
          body = (gzipped ? await gunzipBuffer(raw) : raw).toString('utf8');
        }
      } catch (error) {
        const code = signal.aborted ? undefined : errorCode(error);
        const retryable =
          code !== undefined &&
          !streamed &&
          attempt <= retries &&
          (RETRYABLE_NETWORK.has(code) || (code === 'ECONNREFUSED' && refused++ < MAX_REFUSED_RETRIES));
        const wait = retryable ? this.#backoff(attempt) : undefined;
        this.#publish({
          method: 'GET',
          url,
          durationMs: nowMs() - attemptStart,
          attempt,
          error: code ?? (signal.aborted ? 'ABORTED' : 'UNKNOWN'),
          ...(wait === undefined ? {} : { retryInMs: wait }),
        });
        if (signal.aborted) throw signal.reason;
        if (wait === undefined || !this.#fits(wait, started, timeoutMs)) {
          throw this.#networkError(url, code, error);
        }
        await this.#sleep(wait, signal);
        continue;
      }

      if (status >= 200 && status < 300) {
        this.#publish({ method: 'GET', url, status, durationMs: nowMs() - attemptStart, attempt });
        return { status, url, body };
      }
      const retryAfter = parseRetryAfter(retryAfterHeader);
      const apiError = apiErrorFromResponse(
        status,
        body,
        {
          url,
          path: request.path,
          isContinue: request.query?.['continue'] !== undefined,
          contextName: this.#connection.contextName,
          userName: this.#connection.userName,
        },
        retryAfter,
      );
      const retryable = RETRYABLE_STATUS.has(status) && attempt <= retries;
      const wait = retryable
        ? apiError.retryAfterSeconds !== undefined
          ? Math.min(apiError.retryAfterSeconds * 1000, this.#options.retryMaxDelayMs)
          : this.#backoff(attempt)
        : undefined;
      this.#publish({
        method: 'GET',
        url,
        status,
        durationMs: nowMs() - attemptStart,
        attempt,
        ...(wait === undefined ? {} : { retryInMs: wait }),
      });
      if (wait === undefined || !this.#fits(wait, started, timeoutMs)) throw apiError;
      await this.#sleep(wait, signal);
    }
  }

  /** Whether waiting `wait` ms still leaves time before the deadline. */
  #fits(wait: number, started: number, timeoutMs: number): boolean {
    return timeoutMs === 0 || Date.now() - started + wait < timeoutMs;
  }

  /** Full-jitter exponential backoff: uniform in [0, min(max, base * 2^(attempt-1))]. */
  #backoff(attempt: number): number {
    const { retryBaseDelayMs, retryMaxDelayMs } = this.#options;
    const ceiling = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** (attempt - 1));
    return Math.round(this.#random() * ceiling);
  }

  #publish(event: RequestEvent): void {
    if (requestChannel.hasSubscribers) requestChannel.publish(event);
  }

  #dispatcher(auth: RequestAuth): Promise<HttpDispatcher> {
    const fingerprint = tlsFingerprint(auth.tls, auth.proxy);
    let agent = this.#dispatchers.get(fingerprint);
    if (agent !== undefined) return agent;
    agent = createHttpDispatcher(this.#options.httpClient, auth, this.#origin, {
      connections: this.#options.connections,
      keepAliveTimeoutMs: this.#options.keepAliveTimeoutMs,
      connectTimeoutMs: this.#options.timeoutMs,
    });
    this.#dispatchers.set(fingerprint, agent);
    if (this.#dispatchers.size > MAX_DISPATCHERS) {
      const [oldest, old] = this.#dispatchers.entries().next().value as [string, Promise<HttpDispatcher>];
      this.#dispatchers.delete(oldest);
      // close() lets in-flight requests finish first.
      void old.then((d) => d.close()).catch(() => undefined);
    }
    return agent;
  }

  #networkError(url: string, code: string | undefined, cause: unknown): KubemetricsError {
    const context = this.#connection.contextName;
    const server = this.#connection.server;
    if (code !== undefined && TLS_ERROR.test(code)) {
      return new KubemetricsError(
        'KUBEMETRICS_ERR_NETWORK',
        `TLS handshake with ${server} failed (${code}): ${errorText(cause)}`,
        {
          hint: `Check the cluster's certificate-authority(-data) and tls-server-name in the kubeconfig${context === undefined ? '' : ` (context "${context}")`}, and that the client certificate and key belong together. insecure-skip-tls-verify turns verification off (not recommended).`,
          cause,
        },
      );
    }
    return new KubemetricsError(
      'KUBEMETRICS_ERR_NETWORK',
      `cannot reach the API server ${server} (GET ${url}): ${code === undefined ? '' : `${code} `}${errorText(cause)}`,
      {
        hint: `Is the cluster running and is the server address in the kubeconfig right? Try \`kubectl cluster-info${context === undefined ? '' : ` --context ${context}`}\`.`,
        cause,
      },
    );
  }

  #timeoutError(url: string, timeoutMs: number, cause: unknown): KubemetricsError {
    return new KubemetricsError(
      'KUBEMETRICS_ERR_TIMEOUT',
      `GET ${url} did not complete within ${timeoutMs} ms`,
      {
        hint: `Raise the timeout (${this.#options.timeoutSetting}) or lower the page size (limit) for large lists; a slow metrics API usually means metrics-server is overloaded.`,
        cause,
      },
    );
  }

  #abortedError(url: string, cause?: unknown): KubemetricsError {
    return new KubemetricsError('KUBEMETRICS_ERR_ABORTED', `GET ${url} was aborted`, {
      cause: cause instanceof CallerAborted ? undefined : cause,
    });
  }

  /** Closes idle connections and waits for in-flight requests. Later calls are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    const agents = [...this.#dispatchers.values()];
    this.#dispatchers.clear();
    await Promise.all(agents.map(async (a) => (await a).close()));
  }
}
