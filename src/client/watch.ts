/**
 * Watch: a collection's changes as an async iterable of {@link WatchEvent}s, read from the API
 * server's `?watch=true` stream (newline-delimited JSON).
 *
 * It tracks the `resourceVersion` of the last event (bookmarks included) and, when the server ends
 * a stream cleanly (`timeoutSeconds` passed, a load balancer recycled the connection), opens the
 * next one from there, as client-go's RetryWatcher does (k8s.io/client-go/tools/watch). What it
 * does not hide is the one thing the caller must act on: a resourceVersion too old to resume
 * from, thrown as a 410 {@link KubernetesApiError} (`isExpiredError(error)` is true) — list again
 * and watch from the list's resourceVersion, as client-go's Reflector does. Network failures are
 * thrown too (`KUBEMETRICS_ERR_NETWORK`), so the caller decides about backoff.
 *
 * A stream that stays silent (no event, no bookmark) for longer than its own `timeoutSeconds` plus
 * a margin is ended with a `KUBEMETRICS_ERR_TIMEOUT` error (see {@link watchIdleTimeoutMs}): the
 * server ends every stream at `timeoutSeconds` and kube-apiserver sends a bookmark every minute
 * and right before that deadline (k8s.io/apiserver pkg/storage/cacher/cacher.go,
 * `defaultBookmarkFrequency`), so such silence means a half-open connection (a frozen proxy, a
 * dead node in between) that TCP alone would notice only after many minutes.
 *
 * Aborting `signal` ends the iteration quietly (no error): a watch is stopped, not failed.
 */
import { isStatus } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { apiErrorFromResponse } from './api-error.js';
import { RotatingAgent } from './tls-dispatcher.js';
import type { Connection, Query } from './transport.js';

// Re-exported so the package index (one export line for this module) offers what watch needs: a
// Connection for a kubeconfig context, which callers also use for their own requests.
export { resolveConnection } from './credentials.js';

/** Event types of a watch stream; `ERROR` events are thrown, never yielded. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/** One change. For `BOOKMARK` only `object.metadata.resourceVersion` is meaningful. */
export interface WatchEvent<T> {
  readonly type: WatchEventType;
  readonly object: T;
}

/** Options of {@link watch}. */
export interface WatchOptions {
  /** Collection path, e.g. `/api/v1/pods` or `/apis/apps/v1/namespaces/shop/deployments`. */
  readonly path: string;
  /**
   * Start after this version (from a list's `metadata.resourceVersion`). Without it the server
   * first sends every current object as `ADDED`.
   */
  readonly resourceVersion?: string | undefined;
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  /** Ask for `BOOKMARK` events (default true): they move the resourceVersion on in quiet periods. */
  readonly allowWatchBookmarks?: boolean | undefined;
  /**
   * Server-side lifetime of one stream in seconds; the next stream resumes from the last
   * resourceVersion. Default: random between 300 and 600, as the Reflector spreads reconnects.
   */
  readonly timeoutSeconds?: number | undefined;
  /** Reopen after a clean end of stream (default true); false ends the iteration instead. */
  readonly resume?: boolean | undefined;
  /** How long to wait for the response headers of each stream, in ms (default 30 000). */
  readonly connectTimeoutMs?: number | undefined;
  /**
   * Longest silence (no event, no bookmark) a stream may have, in ms, before it is ended with a
   * `KUBEMETRICS_ERR_TIMEOUT` error. Default {@link watchIdleTimeoutMs} of the stream's
   * `timeoutSeconds`.
   */
  readonly idleTimeoutMs?: number | undefined;
  /** Called when a stream's response headers arrived with 2xx (the stream is open). */
  readonly onOpen?: (() => void) | undefined;
  /** Stops the watch; the iteration then ends without an error. */
  readonly signal?: AbortSignal | undefined;
}

interface EventLine {
  readonly type?: unknown;
  readonly object?: { readonly metadata?: { readonly resourceVersion?: unknown } };
}

/** A stream stayed silent past its idle timeout (code `KUBEMETRICS_ERR_TIMEOUT`). */
export class WatchIdleError extends KubemetricsError {
  constructor(message: string) {
    super('KUBEMETRICS_ERR_TIMEOUT', message, {
      hint: 'A proxy or network device between here and the API server may hold the connection open without forwarding data.',
    });
    this.name = 'WatchIdleError';
  }
}

/**
 * The idle timeout of a stream that the server ends after `timeoutSeconds`: that time plus a
 * margin of a tenth of it (at least 1 s, at most 30 s) for a late final bookmark and slow links.
 */
export function watchIdleTimeoutMs(timeoutSeconds: number): number {
  const margin = Math.min(30, Math.max(1, Math.ceil(timeoutSeconds / 10)));
  return (timeoutSeconds + margin) * 1000;
}

/** A running watch: iterate it once; `resourceVersion` is where a new watch would resume. */
export class Watch<T> implements AsyncIterable<WatchEvent<T>> {
  readonly #connection: Connection;
  readonly #options: WatchOptions;
  #resourceVersion: string | undefined;
  readonly #agents = new RotatingAgent({ connections: 1 });
  #iterated = false;

  constructor(connection: Connection, options: WatchOptions) {
    this.#connection = connection;
    this.#options = options;
    this.#resourceVersion = options.resourceVersion;
  }

  /** The resourceVersion of the last event seen (or the starting one). */
  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    if (this.#iterated)
      throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', 'a Watch can be iterated only once', {
        hint: 'Create a new watch (from watch.resourceVersion) to follow the same collection again.',
      });
    this.#iterated = true;
    return this.#events();
  }

  async *#events(): AsyncGenerator<WatchEvent<T>> {
    const signal = this.#options.signal;
    try {
      for (;;) {
        if (signal?.aborted === true) return;
        const ended = yield* this.#stream();
        if (ended === 'aborted' || this.#options.resume === false) return;
        // A stream that ended before any version was known cannot be resumed without replaying
        // every object; the caller's list + watch loop handles that (a fresh watch from scratch).
        if (this.#resourceVersion === undefined) return;
      }
    } finally {
      void this.#agents.close().catch(() => undefined);
    }
  }

  /** One HTTP stream; resolves `'ended'` on a clean end, `'aborted'` when the signal fired. */
  async *#stream(): AsyncGenerator<WatchEvent<T>, 'ended' | 'aborted'> {
    const options = this.#options;
    const signal = options.signal;
    const timeoutSeconds = options.timeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
    const query: Query = {
      watch: 'true',
      resourceVersion: this.#resourceVersion,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      allowWatchBookmarks: options.allowWatchBookmarks ?? true,
      timeoutSeconds,
    };
    const server = new URL(this.#connection.server);
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const requestPath = `${server.pathname.replace(/\/+$/, '')}${options.path}?${params.toString()}`;
    const url = `${server.origin}${requestPath}`;
    const idleTimeoutMs = options.idleTimeoutMs ?? watchIdleTimeoutMs(timeoutSeconds);

    let body: AsyncIterable<Buffer> & { destroy?: (error?: Error) => void };
    try {
      const auth = await this.#connection.authenticate();
      const response = await this.#agents.get(auth).request({
        origin: server.origin,
        path: requestPath,
        method: 'GET',
        headers: { ...auth.headers, accept: 'application/json', 'user-agent': 'kubemetrics-watch' },
        signal,
        headersTimeout: options.connectTimeoutMs ?? 30_000,
        // Silence is detected by the idle timer below (with a clear error); undici's own body
        // timeout stays as a backstop only.
        bodyTimeout: idleTimeoutMs + 5_000,
      });
      if (response.statusCode < 200 || response.statusCode > 299) {
        const text = await response.body.text();
        throw apiErrorFromResponse(response.statusCode, text, {
          url,
          path: options.path,
          contextName: this.#connection.contextName,
          userName: this.#connection.userName,
        });
      }
      body = response.body;
    } catch (error) {
      if (signal?.aborted === true) return 'aborted';
      throw this.#networkError(url, error);
    }
    options.onOpen?.();

    // Any bytes (an event, a bookmark) prove the connection alive; silence past the stream's own
    // deadline means nothing will come (a half-open TCP connection never errors by itself).
    let idle: NodeJS.Timeout | undefined;
    const armIdleTimer = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        body.destroy?.(
          new WatchIdleError(
            `watch ${url}: no event or bookmark for ${idleTimeoutMs / 1000}s (the stream's timeoutSeconds is ${timeoutSeconds}); the connection is presumed dead`,
          ),
        );
      }, idleTimeoutMs);
      idle.unref();
    };
    armIdleTimer();

    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of body) {
        armIdleTimer();
        pending += decoder.decode(chunk, { stream: true });
        let start = 0;
        for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
          const line = pending.slice(start, end);
          start = end + 1;
          if (line.trim() === '') continue;
          yield this.#decode(line, url);
        }
        pending = pending.slice(start);
      }
    } catch (error) {
      if (signal?.aborted === true) return 'aborted';
      throw this.#networkError(url, error);
    } finally {
      clearTimeout(idle);
      body.destroy?.();
    }
    if (pending.trim() !== '') yield this.#decode(pending, url);
    return signal?.aborted === true ? 'aborted' : 'ended';
  }

  #decode(line: string, url: string): WatchEvent<T> {
    let event: EventLine;
    try {
      event = JSON.parse(line) as EventLine;
    } catch (error) {
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_DECODE',
        `watch ${url}: an event is not valid JSON (${(error as Error).message}); it starts with ${JSON.stringify(line.slice(0, 80))}`,
        { cause: error },
      );
    }
    if (event.type === 'ERROR') {
      const status = event.object;
      const code = isStatus(status) ? status.code : 500;
      throw apiErrorFromResponse(code, JSON.stringify(status), {
        url,
        path: this.#options.path,
        contextName: this.#connection.contextName,
        userName: this.#connection.userName,
      });
    }
    const type = event.type;
    if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED' && type !== 'BOOKMARK')
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_DECODE',
        `watch ${url}: unknown event type ${JSON.stringify(type)}`,
      );
    const version = event.object?.metadata?.resourceVersion;
    if (typeof version === 'string' && version !== '') this.#resourceVersion = version;
    return { type, object: event.object as T };
  }

  #networkError(url: string, error: unknown): KubemetricsError {
    if (error instanceof KubemetricsError) return error;
    const code = (error as { code?: unknown }).code;
    return new KubemetricsError(
      'KUBEMETRICS_ERR_NETWORK',
      `watch ${url} failed: ${typeof code === 'string' ? `${code} ` : ''}${error instanceof Error ? error.message : String(error)}`,
      { cause: error, hint: 'Watches are long-lived: reconnect with backoff, and list again on 410 Gone.' },
    );
  }
}

/**
 * Watches a collection through `connection` (from {@link resolveConnection}).
 *
 * @example
 * const connection = resolveConnection(loadKubeConfig());
 * const pods = watch<Pod>(connection, { path: '/api/v1/pods', resourceVersion: list.metadata.resourceVersion, signal });
 * for await (const event of pods) console.log(event.type, event.object.metadata.name);
 */
export function watch<T>(connection: Connection, options: WatchOptions): Watch<T> {
  if (!options.path.startsWith('/'))
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `watch path must start with "/", got ${JSON.stringify(options.path)}`,
    );
  return new Watch<T>(connection, options);
}
