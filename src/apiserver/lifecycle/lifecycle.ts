/**
 * Starting and stopping the server: `start()` serves HTTPS with TLS reload, delegated
 * authentication's informer and a startable object lister; `listen()` serves plain HTTP (tests,
 * a sidecar behind a TLS proxy). Both go through one listen path ({@link serve}): the same limits,
 * the same bind and the same error, and one shutdown ({@link shutdown}).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubemetricsError } from '../../errors.js';
import { applyHttpServerLimits, httpServerOptions, listenBacklog, RateLimitedLog } from '../../http/index.js';
import type { ResolvedHttpServerLimits } from '../../http/index.js';
import type { DelegatingAuthentication } from '../auth/authentication.js';
import type { Startable } from '../listers/startable.js';
import { addCertificateGauge } from '../metrics/gauges.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { Logger } from '../provider/logger.js';
import { describeThrown } from '../provider/status-error.js';
import { ServingTls } from '../tls/serving-tls.js';
import type { ServingTlsOptions } from '../tls/serving-tls.js';

export interface ListenOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** Default 0 (any free port). */
  readonly port?: number | undefined;
}

/** Where {@link Lifecycle.start} listens, and its CA when the certificate was generated. */
export interface StartedServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** PEM of the generated CA (the APIService's `caBundle`); undefined with certificate files. */
  readonly caBundle: string | undefined;
}

export interface Lifecycle {
  /**
   * Starts the production server: HTTPS (TLS 1.2+) with the `tls` options, client certificates
   * requested (never required), authentication and authorization as configured, the
   * `extension-apiserver-authentication` informer and a startable `objectLister`. Refuses to start
   * without authentication and authorization settings (use `{ anonymous: true }` /
   * `{ mode: 'AlwaysAllow' }` to ask for an open server). Default address 127.0.0.1, port 0.
   */
  start(options?: ListenOptions): Promise<StartedServer>;
  /** Stops what `start` started: no new connections, in-flight requests get 5 s, then the rest closes. */
  stop(): Promise<void>;
  /** Starts a plain-HTTP server on `host:port`; resolves with its URL. */
  listen(
    options?: ListenOptions,
  ): Promise<{ readonly url: string; readonly host: string; readonly port: number }>;
  /** Stops the server started by `listen` (if any), closing idle and active connections. */
  close(): Promise<void>;
}

export interface LifecycleOptions {
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  readonly limits: ResolvedHttpServerLimits;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  readonly tls: ServingTlsOptions | undefined;
  readonly delegating: DelegatingAuthentication | undefined;
  readonly lister: Startable | undefined;
  /** The auth settings `start()` still lacks (it refuses to start an open server by accident). */
  readonly missingAuth: readonly string[];
}

/** In-flight requests get this long after `stop()` before their connections are closed. */
const STOP_GRACE_MS = 5_000;

/**
 * The one listen path: limits applied, bound to `host:port`, the bound port returned. A failure to
 * bind runs `onFailure` (undo what the caller set up) and becomes a KUBEMETRICS_ERR_NETWORK naming
 * the address, with `hint`.
 */
async function serve(
  server: Server,
  limits: ResolvedHttpServerLimits,
  refusals: RateLimitedLog,
  address: { host: string; port: number },
  failure: { hint: string; onFailure: () => Promise<void> | void },
): Promise<number> {
  applyHttpServerLimits(server, limits, refusals);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, listenBacklog(limits), () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await failure.onFailure();
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_NETWORK',
      `cannot listen on ${address.host}:${address.port}: ${describeThrown(error)}`,
      { cause: error, hint: failure.hint },
    );
  }
  return (server.address() as AddressInfo).port;
}

/** `host` as it goes in a URL (IPv6 in brackets). */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * No new connections; idle ones close now, active ones after `graceMs` (0: now); resolves when
 * the server has closed.
 */
async function shutdown(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  if (graceMs === 0) {
    server.closeAllConnections();
    return closed;
  }
  const grace = setTimeout(() => server.closeAllConnections(), graceMs);
  grace.unref();
  await closed;
  clearTimeout(grace);
}

export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const { handler, limits, logger, metrics, delegating, lister } = options;
  const refusals = new RateLimitedLog((fields, message) => logger.warn(fields, message), 'refused a client');
  let plain: Server | undefined;
  let secure: { server: HttpsServer; tls: ServingTls } | undefined;
  let certificateGauge = false;

  /** Serving TLS whose certificate and client CAs follow their files and the cluster's ConfigMap. */
  function createSecureServer(): { server: HttpsServer; tls: ServingTls } {
    const tls = new ServingTls(options.tls ?? {});
    const clientCAs = (): string[] => delegating?.clientCAs() ?? [];
    const server = createHttpsServer(
      {
        ...tls.contextOptions(clientCAs()),
        requestCert: true,
        rejectUnauthorized: false,
        ...httpServerOptions(limits),
        // A connection that never completes its handshake is closed like one that never sends headers.
        handshakeTimeout: limits.headersTimeoutMs,
      },
      handler,
    );
    const refresh = (): void => {
      if (secure?.server !== server) return;
      try {
        server.setSecureContext(tls.contextOptions(clientCAs()));
      } catch (error) {
        logger.error(
          { error: describeThrown(error) },
          'cannot apply the new TLS settings; keeping the previous ones',
        );
      }
    };
    tls.watch(
      () => {
        metrics.certificateReloads.inc({ source: 'serving-certificate', result: 'success' });
        logger.info({ notAfter: new Date(tls.notAfter).toISOString() }, 'reloaded the serving certificate');
        refresh();
      },
      (error) => {
        metrics.certificateReloads.inc({ source: 'serving-certificate', result: 'error' });
        logger.warn(
          { error: describeThrown(error) },
          'cannot reload the serving certificate; keeping the previous one',
        );
      },
    );
    delegating?.onChange(refresh);
    return { server, tls };
  }

  async function start(listenOptions: ListenOptions = {}): Promise<StartedServer> {
    if (secure !== undefined)
      throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', 'the metrics API server is already started', {
        hint: 'Call stop() before start() again.',
      });
    if (options.missingAuth.length > 0)
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_ARGUMENT',
        `refusing to start a server that lets everyone in: configure ${options.missingAuth.join(' and ')}`,
        { hint: 'See "Authentication" and "Authorization" in docs/apiserver.md.' },
      );
    const created = createSecureServer();
    if (!certificateGauge) {
      certificateGauge = true;
      addCertificateGauge(metrics, () => secure?.tls.notAfter);
    }
    secure = created;
    delegating?.start();
    lister?.start();
    const host = listenOptions.host ?? '127.0.0.1';
    const port = await serve(
      created.server,
      limits,
      refusals,
      { host, port: listenOptions.port ?? 0 },
      { hint: 'Choose another port (--secure-port) or stop the process using it.', onFailure: stop },
    );
    logger.info(
      { address: `${urlHost(host)}:${port}`, ...delegating?.describe() },
      'metrics API server listening',
    );
    return { url: `https://${urlHost(host)}:${port}`, host, port, caBundle: created.tls.caBundle };
  }

  async function stop(): Promise<void> {
    const running = secure;
    secure = undefined;
    if (running === undefined) return;
    running.tls.close();
    await Promise.all([shutdown(running.server, STOP_GRACE_MS), delegating?.stop(), lister?.stop()]);
    refusals.flush();
    delegating?.flushLogs();
  }

  async function listen(
    listenOptions: ListenOptions = {},
  ): Promise<{ readonly url: string; readonly host: string; readonly port: number }> {
    if (plain !== undefined)
      throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', 'the metrics API server is already listening', {
        hint: 'Call close() before listen() again, or create another server.',
      });
    const host = listenOptions.host ?? '127.0.0.1';
    const created = createServer(httpServerOptions(limits), handler);
    plain = created;
    const port = await serve(
      created,
      limits,
      refusals,
      { host, port: listenOptions.port ?? 0 },
      {
        hint: 'Choose another port (0 picks a free one) or stop the process using it.',
        onFailure: () => {
          plain = undefined;
        },
      },
    );
    return { url: `http://${urlHost(host)}:${port}`, host, port };
  }

  async function close(): Promise<void> {
    const running = plain;
    plain = undefined;
    if (running === undefined) return;
    await shutdown(running, 0);
    refusals.flush();
  }

  return { start, stop, listen, close };
}
