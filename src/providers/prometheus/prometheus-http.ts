/**
 * The Prometheus HTTP API as the provider uses it: instant queries (`/api/v1/query`) and series
 * discovery (`/api/v1/series`), over HTTP or HTTPS with a CA, a client certificate, a bearer token
 * file (re-read every minute, so rotated tokens are picked up) and extra headers.
 *
 * Short requests are GETs (readable in Prometheus' and proxies' logs); a request whose URL would
 * exceed `postThreshold` characters is sent as a form POST, which every Prometheus-compatible API
 * accepts for these two endpoints, so long queries never hit a URL length limit.
 *
 * Failures are classified for the API server: Prometheus unreachable, too slow or answering 5xx →
 * {@link PrometheusUnavailableError} (503 to the client, retried); Prometheus rejecting a query
 * (400/422, a PromQL error coming from a rule's template) → {@link PrometheusQueryError}.
 */
import { readFileSync } from 'node:fs';
import { request, type Agent, type Dispatcher } from 'undici';
import { RotatingAgent, type TlsMaterial } from '../../client/index.js';
import { ProviderUnavailableError } from '../../apiserver/index.js';
import { KubemetricsError } from '../../errors.js';
import { SeriesStreamParser } from './series-stream.js';

export interface PrometheusConnectionOptions {
  /** Base URL, e.g. `http://prometheus.monitoring.svc:9090` (a path prefix is kept). */
  readonly url: string;
  /** CA bundle (PEM) to verify an HTTPS Prometheus. */
  readonly caFile?: string | undefined;
  /** Client certificate and key (PEM) for mutual TLS. */
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly insecureSkipTLSVerify?: boolean | undefined;
  /** A file holding a bearer token (a projected service account token, say); re-read every minute. */
  readonly bearerTokenFile?: string | undefined;
  /** Extra request headers (`X-Scope-OrgID` for Cortex/Mimir tenants…). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Deadline of one request. */
  readonly timeoutMs: number;
  /** URLs longer than this are sent as POST (default 2,048). */
  readonly postThreshold?: number | undefined;
}

/** One sample of an instant vector. */
export interface PromSample {
  readonly labels: Readonly<Record<string, string>>;
  /** Sample time, ms since the epoch. */
  readonly timestampMs: number;
  /** The value as Prometheus wrote it (`"0.25"`, `"NaN"`, `"+Inf"`): kept as text to stay exact. */
  readonly value: string;
}

export interface QueryAnswer {
  readonly resultType: string;
  readonly samples: readonly PromSample[];
  readonly warnings: readonly string[];
  /** The answer's body as received (for explanations). */
  readonly body: string;
}

/** Prometheus cannot be reached or failed; the API server answers 503 and the HPA retries. */
export class PrometheusUnavailableError extends ProviderUnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, {
      retryAfterSeconds: 5,
      hint: 'Check that Prometheus is running and reachable at the configured URL (--prometheus-url), and its TLS and token settings.',
      cause,
    });
    this.name = 'PrometheusUnavailableError';
  }
}

/** Prometheus rejected a query: the rule's template produced PromQL it cannot run. */
export class PrometheusQueryError extends KubemetricsError {
  constructor(
    message: string,
    readonly errorType: string,
    readonly promql: string,
  ) {
    super('KUBEMETRICS_ERR_API', message, {
      hint: 'Run `kubemetrics apiserver explain <metric path>` to see the rule and the query it built.',
    });
    this.name = 'PrometheusQueryError';
  }
}

const TOKEN_REFRESH_MS = 60_000;
const TLS_REFRESH_MS = 60_000;

function readPem(path: string | undefined, what: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `cannot read the Prometheus ${what} ${path}: ${(error as Error).message}`,
    );
  }
}

export class PrometheusHttp {
  readonly url: string;
  readonly #base: URL;
  readonly #options: PrometheusConnectionOptions;
  readonly #agents = new RotatingAgent({ connections: 64, keepAliveTimeout: 30_000 });
  #tls: { material: TlsMaterial; loaded: number } | undefined;
  #token: { value: string; loaded: number } | undefined;

  constructor(options: PrometheusConnectionOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_CONFIG',
        `the Prometheus URL ${JSON.stringify(options.url)} is not a valid URL`,
        {
          hint: 'Use the form http://prometheus.monitoring.svc:9090.',
        },
      );
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_CONFIG',
        `the Prometheus URL ${options.url} must use http or https`,
      );
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.#base = base;
    this.url = options.url.replace(/\/+$/, '');
    this.#options = options;
    this.#dispatcher(); // read the TLS files now: a wrong path is a startup error
    this.#bearer();
  }

  /** An instant query at the server's current time. */
  async query(promql: string, signal: AbortSignal): Promise<QueryAnswer> {
    const { status, body } = await this.#call('api/v1/query', { query: promql }, signal, async (b) =>
      b.text(),
    );
    const parsed = this.#decode(status, body, promql);
    const data = parsed.data as { resultType?: unknown; result?: unknown } | undefined;
    const resultType = typeof data?.resultType === 'string' ? data.resultType : 'unknown';
    const samples: PromSample[] = [];
    if (resultType === 'vector' && Array.isArray(data?.result))
      for (const item of data.result as { metric?: Record<string, string>; value?: [number, string] }[]) {
        const [time, value] = item.value ?? [];
        if (typeof time !== 'number' || typeof value !== 'string') continue;
        samples.push({ labels: item.metric ?? {}, timestampMs: Math.round(time * 1000), value });
      }
    else if (resultType === 'scalar' && Array.isArray(data?.result)) {
      const [time, value] = data.result as [number, string];
      samples.push({ labels: {}, timestampMs: Math.round(time * 1000), value });
    }
    const warnings = Array.isArray(parsed.warnings) ? parsed.warnings.map(String) : [];
    return { resultType, samples, warnings, body };
  }

  /**
   * Every series matching `match` with samples since `startMs`, handed to `onSeries` one at a time
   * while the answer streams in. Resolves with the number of series.
   */
  async series(
    match: string,
    startMs: number,
    signal: AbortSignal,
    onSeries: (labels: Readonly<Record<string, string>>) => void,
  ): Promise<number> {
    const params = { 'match[]': match, start: (startMs / 1000).toFixed(3) };
    const result = await this.#call(
      'api/v1/series',
      params,
      signal,
      async (body, status): Promise<{ error?: string; count: number }> => {
        if (status !== 200) return { error: await body.text(), count: 0 };
        const parser = new SeriesStreamParser(onSeries);
        const decoder = new TextDecoder();
        for await (const chunk of body) parser.push(decoder.decode(chunk as Uint8Array, { stream: true }));
        parser.push(decoder.decode());
        parser.end();
        return { count: parser.count };
      },
    );
    if (result.body.error !== undefined) this.#decode(result.status, result.body.error, match);
    return result.body.count;
  }

  async close(): Promise<void> {
    await this.#agents.close();
  }

  #decode(status: number, body: string, promql: string): { data?: unknown; warnings?: unknown[] } {
    let parsed: {
      status?: unknown;
      data?: unknown;
      errorType?: unknown;
      error?: unknown;
      warnings?: unknown[];
    };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      if (status >= 500 || status === 429)
        throw new PrometheusUnavailableError(
          `Prometheus at ${this.url} answered HTTP ${status}: ${body.slice(0, 200)}`,
        );
      throw new PrometheusUnavailableError(
        `Prometheus at ${this.url} answered HTTP ${status} with a body that is not the Prometheus API's JSON (is the URL a Prometheus server?): ${body.slice(0, 200)}`,
      );
    }
    if (status === 200 && parsed.status === 'success') return parsed;
    const errorType = typeof parsed.errorType === 'string' ? parsed.errorType : `HTTP ${status}`;
    const message = typeof parsed.error === 'string' ? parsed.error : body.slice(0, 200);
    // 400 bad_data and 422 execution are the query's fault; timeouts, cancellations and 5xx are
    // Prometheus being unable to answer right now.
    if (status === 400 || status === 422)
      throw new PrometheusQueryError(
        `Prometheus at ${this.url} rejected the query (${errorType}): ${message}`,
        errorType,
        promql,
      );
    throw new PrometheusUnavailableError(`Prometheus at ${this.url} failed (${errorType}): ${message}`);
  }

  async #call<T>(
    path: string,
    params: Readonly<Record<string, string>>,
    signal: AbortSignal,
    read: (body: Dispatcher.ResponseData['body'], status: number) => Promise<T>,
  ): Promise<{ status: number; body: T }> {
    const url = new URL(path, this.#base);
    const form = new URLSearchParams(params).toString();
    const usePost = url.href.length + 1 + form.length > (this.#options.postThreshold ?? 2048);
    if (!usePost) url.search = form;
    const headers: Record<string, string> = { accept: 'application/json', ...this.#options.headers };
    const token = this.#bearer();
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    if (usePost) headers['content-type'] = 'application/x-www-form-urlencoded';
    const deadline = AbortSignal.timeout(this.#options.timeoutMs);
    const combined = AbortSignal.any([signal, deadline]);
    try {
      const response = await request(url, {
        method: usePost ? 'POST' : 'GET',
        headers,
        body: usePost ? form : undefined,
        signal: combined,
        dispatcher: this.#dispatcher(),
      });
      return { status: response.statusCode, body: await read(response.body, response.statusCode) };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (error instanceof KubemetricsError) throw error;
      if (deadline.aborted)
        throw new PrometheusUnavailableError(
          `Prometheus at ${this.url} did not answer within ${this.#options.timeoutMs} ms`,
          error,
        );
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new PrometheusUnavailableError(
        `Prometheus at ${this.url} is unreachable: ${(error as Error).message}${cause !== undefined ? ` (${cause})` : ''}`,
        error,
      );
    }
  }

  #bearer(): string | undefined {
    const file = this.#options.bearerTokenFile;
    if (file === undefined) return undefined;
    const now = Date.now();
    if (this.#token === undefined || now - this.#token.loaded > TOKEN_REFRESH_MS) {
      const value = (readPem(file, 'bearer token file') ?? '').trim();
      this.#token = { value, loaded: now };
    }
    return this.#token.value;
  }

  /** TLS files are re-read every minute so renewed certificates are used (a new agent then). */
  #dispatcher(): Agent {
    const now = Date.now();
    if (this.#tls === undefined || now - this.#tls.loaded > TLS_REFRESH_MS) {
      const { caFile, certFile, keyFile, insecureSkipTLSVerify } = this.#options;
      const material: TlsMaterial = {
        ca: readPem(caFile, 'CA file'),
        cert: readPem(certFile, 'client certificate file'),
        key: readPem(keyFile, 'client key file'),
        rejectUnauthorized: insecureSkipTLSVerify === true ? false : undefined,
      };
      this.#tls = { material, loaded: now };
    }
    return this.#agents.get({ tls: this.#tls.material });
  }
}
