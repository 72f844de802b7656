/**
 * Limits both servers (`serve` and `apiserver`) put on what one client can hold: how long a
 * request's headers and the whole request may take to arrive, how long an idle keep-alive
 * connection stays open, how many connections are open at once, how large headers and bodies may
 * be. Node's own answers to what its parser refuses (431 for oversize headers, 400 for a malformed
 * request, 408 when a request does not arrive in time) are plain text; here they become Kubernetes
 * `Status` objects like every other error of these servers.
 *
 * The defaults follow kube-apiserver's secure serving (k8s.io/apiserver pkg/server/secure_serving.go:
 * `ReadHeaderTimeout` 32 s, `IdleTimeout` 90 s, the aggregator's keep-alive), with smaller header
 * and connection caps because these servers answer a handful of clients.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { failureStatus } from '../api/index.js';
import type { Status } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import type { RateLimitedLog } from './rate-limited-log.js';

/** Limits of one HTTP(S) server; every field is optional (see {@link DEFAULT_HTTP_SERVER_LIMITS}). */
export interface HttpServerLimits {
  /** Time from connect (or the previous answer) until a request's headers are complete, ms. */
  readonly headersTimeoutMs?: number | undefined;
  /** Time until a whole request (headers and body) has arrived, ms; at least `headersTimeoutMs`. */
  readonly receiveTimeoutMs?: number | undefined;
  /** How long an idle keep-alive connection stays open after an answer, ms. */
  readonly keepAliveTimeoutMs?: number | undefined;
  /** Connections open at once; more are closed as soon as they are accepted. */
  readonly maxConnections?: number | undefined;
  /** Size of a request's headers (request line included), bytes; more is answered 431. */
  readonly maxHeaderBytes?: number | undefined;
  /** A declared request body (`Content-Length`) above this is answered 413, bytes. */
  readonly maxBodyBytes?: number | undefined;
}

export type ResolvedHttpServerLimits = { readonly [K in keyof HttpServerLimits]-?: number };

export const DEFAULT_HTTP_SERVER_LIMITS: ResolvedHttpServerLimits = {
  headersTimeoutMs: 32_000,
  receiveTimeoutMs: 60_000,
  // Go's http.DefaultTransport (the aggregator's) keeps idle connections 90 s; closing them sooner
  // makes it race a request against our close.
  keepAliveTimeoutMs: 90_000,
  maxConnections: 1024,
  // Bearer tokens and front-proxy group headers are a few KB; Node's default is 16 KiB.
  maxHeaderBytes: 64 * 1024,
  // Neither server reads a request body: anything bigger than a stray form is refused unread.
  maxBodyBytes: 64 * 1024,
};

/**
 * `given` over the defaults, checked: every value a positive integer, `receiveTimeoutMs` not
 * below `headersTimeoutMs` (Node refuses that combination).
 * @throws KubemetricsError `KUBEMETRICS_ERR_ARGUMENT` naming `optionName.field`
 */
export function resolveHttpServerLimits(
  given: HttpServerLimits | undefined,
  optionName: string,
): ResolvedHttpServerLimits {
  const problems: string[] = [];
  const resolved = { ...DEFAULT_HTTP_SERVER_LIMITS };
  if (given !== undefined && (typeof given !== 'object' || given === null))
    problems.push(`"${optionName}" must be an object such as { headersTimeoutMs: 32000 }`);
  else
    for (const [key, value] of Object.entries(given ?? {})) {
      if (value === undefined) continue;
      if (!Object.hasOwn(DEFAULT_HTTP_SERVER_LIMITS, key)) {
        problems.push(
          `"${optionName}.${key}" is not a limit; use ${Object.keys(DEFAULT_HTTP_SERVER_LIMITS).join(', ')}`,
        );
        continue;
      }
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
        problems.push(`"${optionName}.${key}" must be a positive whole number, got ${String(value)}`);
        continue;
      }
      resolved[key as keyof ResolvedHttpServerLimits] = value;
    }
  if (problems.length === 0 && resolved.receiveTimeoutMs < resolved.headersTimeoutMs)
    problems.push(
      `"${optionName}.receiveTimeoutMs" (${resolved.receiveTimeoutMs}) must not be below "${optionName}.headersTimeoutMs" (${resolved.headersTimeoutMs})`,
    );
  if (problems.length > 0)
    throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', `invalid HTTP limits: ${problems.join('; ')}`, {
      hint: 'Give times in milliseconds and sizes in bytes, as positive whole numbers.',
    });
  return resolved;
}

/**
 * The `http.createServer` / `https.createServer` options for `limits`. The timeouts are checked
 * every `connectionsCheckingInterval`, which Node sets to 30 s by default (far coarser than the
 * timeouts it enforces); a tenth of the headers timeout keeps the enforcement close to the limit.
 */
export function httpServerOptions(limits: ResolvedHttpServerLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.receiveTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    connectionsCheckingInterval: Math.min(5_000, Math.max(25, Math.floor(limits.headersTimeoutMs / 10))),
  };
}

/**
 * The listen backlog for `limits`: the kernel's queue of connections not yet accepted. Node's
 * default (511) is smaller than the connection cap; a burst beyond it is dropped by the kernel
 * after the client already counts as connected (it then waits on a connection the server never
 * saw, which no server timeout can close). The kernel caps it at `net.core.somaxconn`.
 */
export function listenBacklog(limits: ResolvedHttpServerLimits): number {
  return Math.max(511, limits.maxConnections);
}

/** What a server was told about a client it refused (for its log). */
export interface ClientRefusal {
  /** HTTP code answered, or 0 when the connection was only closed. */
  readonly code: number;
  /** Node's error code, e.g. `HPE_HEADER_OVERFLOW`, `ERR_HTTP_REQUEST_TIMEOUT`. */
  readonly cause: string;
}

const JSON_TYPE = 'application/json';

function clientErrorStatus(cause: string, limits: ResolvedHttpServerLimits): Status {
  switch (cause) {
    case 'HPE_HEADER_OVERFLOW':
      return failureStatus(
        431,
        `the request headers are larger than this server accepts (${limits.maxHeaderBytes} bytes)`,
        undefined,
        'RequestHeaderFieldsTooLarge',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return failureStatus(
        408,
        `the request did not arrive in time (headers within ${limits.headersTimeoutMs} ms, the whole request within ${limits.receiveTimeoutMs} ms)`,
        undefined,
        'Timeout',
      );
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return failureStatus(
        413,
        'the request has chunk extensions larger than Node accepts',
        undefined,
        'RequestEntityTooLarge',
      );
    default:
      return failureStatus(400, `malformed HTTP request (${cause})`);
  }
}

/** Connections already answered by {@link answerClientError}. */
const answered = new WeakSet<Duplex>();

/**
 * Answers what Node's HTTP parser refused with a `Status` (instead of Node's plain-text answer) and
 * closes the connection. Nothing is written when an answer has already begun on the connection
 * (it would corrupt it) or when the client never sent a byte (an idle connection reaching the
 * headers timeout is simply closed, as Go's server does).
 */
export function answerClientError(
  error: Error & { readonly code?: string },
  socket: Duplex,
  limits: ResolvedHttpServerLimits,
): ClientRefusal {
  const cause = typeof error.code === 'string' ? error.code : 'UNKNOWN';
  // The parser reports again for the rest of what the client is still sending: the answer is
  // already on its way and the socket closes on its own (below); destroying it now would reset the
  // connection and the client could lose the answer.
  if (answered.has(socket)) return { code: 0, cause };
  // The answer in progress on this connection, if any (Node's own field; a TLS socket's byte
  // counters include the handshake, so they cannot tell whether an answer has begun).
  const inFlight = (socket as { readonly _httpMessage?: { readonly headersSent?: boolean } | null })
    ._httpMessage;
  const idle = (socket as { readonly bytesRead?: number }).bytesRead === 0;
  if (cause === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true || idle) {
    socket.destroy();
    return { code: 0, cause };
  }
  const status = clientErrorStatus(cause, limits);
  const body = `${JSON.stringify(status)}\n`;
  const head = [
    `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}`,
    `Content-Type: ${JSON_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
  ];
  answered.add(socket);
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  // Keep reading (and dropping) what the client still sends, so the close is a FIN after our
  // answer rather than a reset that can discard it ("lingering close"); a client that neither
  // stops sending nor closes loses the socket after a second.
  socket.resume();
  setTimeout(() => socket.destroy(), 1_000).unref();
  return { code: status.code, cause };
}

/**
 * Puts `limits` on a server created with {@link httpServerOptions}: the connection cap and the
 * `Status` answers to parser errors. Refused clients and dropped connections are written to
 * `refusals` (one line per cause per interval); an idle connection closed by the headers timeout
 * is routine (probes, scanners, pooled connections) and not logged.
 */
export function applyHttpServerLimits(
  server: Server,
  limits: ResolvedHttpServerLimits,
  refusals?: RateLimitedLog,
): void {
  server.maxConnections = limits.maxConnections;
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    const refusal = answerClientError(error, socket, limits);
    if (refusal.code !== 0) refusals?.log(`${refusal.cause}:${refusal.code}`, { ...refusal });
  });
  server.on('drop', () =>
    refusals?.log('MAX_CONNECTIONS', { cause: 'MAX_CONNECTIONS', maxConnections: limits.maxConnections }),
  );
}

/**
 * The body rule of servers that read no request body: a declared body larger than
 * `maxBodyBytes` gets a 413 `Status` (returned, for the caller to send before anything else) and
 * the connection is closed after it instead of drained. A smaller body is read and dropped, which
 * keeps the connection for the client's next request (Node's http client sends `req.write` bodies
 * chunked, without a length; closing after each would cost a new TLS handshake per request). A
 * chunked body that grows beyond `maxBodyBytes` ends the connection.
 */
export function refuseRequestBody(
  req: IncomingMessage,
  res: ServerResponse,
  limits: ResolvedHttpServerLimits,
): Status | undefined {
  const declared = req.headers['content-length'];
  const length = Number(declared ?? 0);
  if (length > limits.maxBodyBytes) {
    res.setHeader('Connection', 'close');
    return failureStatus(
      413,
      `the request body (${declared} bytes) is larger than this server accepts (${limits.maxBodyBytes} bytes)`,
      undefined,
      'RequestEntityTooLarge',
    );
  }
  if (req.headers['transfer-encoding'] !== undefined) {
    let seen = 0;
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen <= limits.maxBodyBytes) return;
      // Stop reading; the answer (usually already under way) still goes out, then the socket ends.
      req.off('data', onData);
      req.pause();
      if (res.writableFinished) req.socket.destroy();
      else {
        if (!res.headersSent) res.setHeader('Connection', 'close');
        res.once('finish', () => req.socket.destroy());
      }
    };
    req.on('data', onData);
  }
  return undefined;
}
