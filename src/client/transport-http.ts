/**
 * The HTTP layer under {@link Transport}: one GET on a pool of keep-alive connections. Two
 * implementations behind one small interface:
 *
 * - `undici` (the default): undici Agents (tls-dispatcher.ts), the same connection code as the
 *   watches and the servers, and the only one that tunnels through a proxy.
 * - `node`: node:https (or node:http) with a keep-alive Agent. It needs no module outside Node
 *   itself: undici is ~95 CommonJS modules and a WebAssembly HTTP parser, and loading and compiling
 *   them costs a short-lived process more than its requests do (bench/README.md "cli": about
 *   0.2 s of CPU and 35 MB for a three-request `top nodes`). The CLI's one-shot commands use it.
 *
 * Both give the response body as a stream of bytes; the transport reads, gunzips and decodes it.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { TlsMaterial } from './tls-material.js';

/** Which HTTP client a transport uses (see the module comment). */
export type HttpClientKind = 'undici' | 'node';

export interface HttpRequest {
  readonly origin: string;
  /** Path and query. */
  readonly path: string;
  readonly method: 'GET';
  /** Lower-case names; a list is sent as one header line per value. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** Aborts the request at any stage: connecting, the TLS handshake, waiting, reading the body. */
  readonly signal: AbortSignal;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  /** Must be read to the end (or the request aborted) for the connection to be reused. */
  readonly body: AsyncIterable<Uint8Array>;
}

export interface HttpDispatcher {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Waits for requests in flight, then closes every connection. */
  close(): Promise<void>;
}

/** Connection pool settings, shared by both implementations. */
export interface HttpPoolOptions {
  readonly connections: number;
  readonly keepAliveTimeoutMs: number;
  /** Bound on connecting plus the TLS handshake (the call's deadline). */
  readonly connectTimeoutMs: number;
}

/** A dispatcher for `auth`: node:https for a direct connection when asked, else undici. */
export async function createHttpDispatcher(
  kind: HttpClientKind,
  auth: { readonly tls: TlsMaterial; readonly proxy?: string | undefined },
  origin: string,
  options: HttpPoolOptions,
): Promise<HttpDispatcher> {
  if (kind === 'node' && auth.proxy === undefined) return new NodeHttpDispatcher(origin, auth.tls, options);
  // Imported on first use, so a process that never takes this path never loads undici.
  const { createDispatcher } = await import('./tls-dispatcher.js');
  const agent = createDispatcher(auth, {
    connections: options.connections,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs, 60_000),
    // The deadline covers connect and handshake; undici's own connect timeout must not outlive
    // it, or a server that accepts and never completes the handshake holds the process open.
    connectTimeoutMs: options.connectTimeoutMs,
  });
  return {
    request: async (request) => {
      const response = await agent.request({ ...request });
      return { statusCode: response.statusCode, headers: response.headers, body: response.body };
    },
    close: () => agent.close(),
  };
}

/** GETs over node:https (or node:http) with one keep-alive Agent per TLS material. */
class NodeHttpDispatcher implements HttpDispatcher {
  readonly #agent: HttpAgent;
  readonly #secure: boolean;
  #inFlight = 0;
  #idle: (() => void) | undefined;

  constructor(origin: string, tls: TlsMaterial, options: HttpPoolOptions) {
    this.#secure = new URL(origin).protocol === 'https:';
    const pool = {
      keepAlive: true,
      maxSockets: options.connections,
      // Idle connections are closed after this long (the server may close them first: a GET on
      // a connection it closed fails with ECONNRESET, which the transport retries).
      timeout: options.keepAliveTimeoutMs,
      scheduling: 'lifo' as const,
    };
    const { ca, cert, key, rejectUnauthorized, servername } = tls;
    this.#agent = this.#secure
      ? new HttpsAgent({
          ...pool,
          ...(ca === undefined ? {} : { ca }),
          ...(cert === undefined ? {} : { cert }),
          ...(key === undefined ? {} : { key }),
          ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
          ...(servername === undefined ? {} : { servername }),
        })
      : new HttpAgent(pool);
  }

  request(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.path, request.origin);
    const send = this.#secure ? httpsRequest : httpRequest;
    this.#inFlight++;
    return new Promise<HttpResponse>((resolve, reject) => {
      const req = send(url, { method: request.method, headers: request.headers, agent: this.#agent });
      // Aborting ends the request whatever stage it is in: connect and handshake (the request is
      // destroyed), or the body (the response is, which ends its reader and the connection). Not
      // through http.request's `signal` option: once the whole body has been received the socket
      // is back in the pool before the reader has seen it all, and that option then destroys the
      // pooled socket with an error nobody listens to (an uncaught exception ends the process).
      const signal = request.signal;
      let response: IncomingMessage | undefined;
      const onAbort = (): void => {
        const error = new Error('The operation was aborted', { cause: signal?.reason });
        error.name = 'AbortError';
        if (response === undefined) req.destroy(error);
        else response.destroy(error);
      };
      const release = (): void => signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      let responded = false;
      req.once('response', (res) => {
        responded = true;
        response = res;
        res.once('end', release);
        res.once('close', () => {
          release();
          this.#done();
        });
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res });
      });
      req.once('error', (error) => {
        // Before a response: the request failed. After one, the body stream reports it.
        release();
        if (!responded) this.#done();
        reject(error);
      });
      req.end();
    });
  }

  #done(): void {
    this.#inFlight--;
    if (this.#inFlight === 0) this.#idle?.();
  }

  async close(): Promise<void> {
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    this.#agent.destroy();
  }
}
