/**
 * The options of {@link createMetricsApiServer}, checked up front (every problem at once), and the
 * server it returns.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VersionInfo } from '../api/index.js';
import type { HttpServerLimits } from '../http/index.js';
import { KubemetricsError } from '../errors.js';
import type { Authenticator, Authorizer } from './auth/auth.js';
import type { AuthenticationOptions } from './auth/authentication.js';
import type { AuthorizationOptions } from './auth/authorization.js';
import type { ClusterAccess } from './auth/cluster-access.js';
import type { Lifecycle } from './lifecycle/lifecycle.js';
import type { ObjectLister } from './listers/object-lister.js';
import type { ServerMetrics } from './metrics/server-metrics.js';
import type { DebugHandler } from './pipeline/router.js';
import type { Logger } from './provider/logger.js';
import type { MetricsProviders } from './provider/provider.js';
import type { ServingTlsOptions } from './tls/serving-tls.js';

export type { DebugHandler } from './pipeline/router.js';
export type { ListenOptions, StartedServer } from './lifecycle/lifecycle.js';

/** Options of `createMetricsApiServer`. */
export interface MetricsApiServerOptions {
  /** Each configured provider enables its API group; at least one is required. */
  readonly providers: MetricsProviders;
  /**
   * Resolves `labelSelector`s to object names for custom metrics (`*` requests) and for node/pod
   * usage, so providers get names. Without one, providers resolve selectors themselves.
   */
  readonly objectLister?: ObjectLister | undefined;
  /**
   * Authentication hook; without it (and without `authentication`) every request is anonymous and
   * allowed through. Prefer `authentication`, which implements what kube-apiserver expects.
   */
  readonly authenticate?: Authenticator | undefined;
  /** Authorization hook; without it (and without `authorization`) everything is allowed. */
  readonly authorize?: Authorizer | undefined;
  /**
   * Delegated authentication: front-proxy client certificates, client certificates, bearer tokens
   * via TokenReview, anonymous (authentication.ts). Not together with `authenticate`.
   */
  readonly authentication?: AuthenticationOptions | undefined;
  /**
   * Delegated authorization: `{ mode: 'Webhook' }` (SubjectAccessReview, cached; `system:masters`
   * allowed without a call) or `{ mode: 'AlwaysAllow' }`. Not together with `authorize`.
   */
  readonly authorization?: AuthorizationOptions | undefined;
  /**
   * The cluster the server is aggregated into, for TokenReview, SubjectAccessReview and the
   * `extension-apiserver-authentication` ConfigMap (`ClusterAccess.fromKubeConfig(loadKubeConfig())`).
   * The server does not close it.
   */
  readonly cluster?: ClusterAccess | undefined;
  /** TLS for {@link MetricsApiServer.start}: certificate files (reloaded), PEM, or generated. */
  readonly tls?: ServingTlsOptions | undefined;
  /** Structured logger (pino-compatible); silent by default. */
  readonly logger?: Logger | undefined;
  /**
   * How long a request may take before it is answered 504 Timeout and its provider call aborted.
   * Default 60 s (kube-apiserver's `--request-timeout` default).
   */
  readonly requestTimeoutMs?: number | undefined;
  /**
   * Deadline of one `listCustomMetrics` / `listExternalMetrics` call (discovery and 404 checks);
   * a late or failed call is logged and the last good list served. Default 3 s.
   */
  readonly listMetricsTimeoutMs?: number | undefined;
  /**
   * Paths answered without calling the auth hooks (kube-apiserver's
   * `--authorization-always-allow-paths`). Default `/healthz`, `/livez`, `/readyz`, so probes work
   * without credentials.
   */
  readonly alwaysAllowPaths?: readonly string[] | undefined;
  /**
   * Extra read-only routes under `/debug/<name>` (e.g. the Prometheus provider's `explain`), off
   * unless given. They go through authentication and authorization like every request (a
   * non-resource `get` on the path, so grant `nonResourceURLs: ["/debug/*"]` to who may use them).
   * A handler returns any JSON value; thrown errors are answered like provider errors.
   */
  readonly debugHandlers?: Readonly<Record<string, DebugHandler>> | undefined;
  /**
   * What one client may hold: header/request/keep-alive timeouts, open connections, header and
   * body sizes (`DEFAULT_HTTP_SERVER_LIMITS` from `kubemetrics/client`). Applies to `start` and
   * `listen`; the TLS handshake gets `headersTimeoutMs` too.
   */
  readonly limits?: HttpServerLimits | undefined;
  /** `GET /version`. Defaults describe a v1.32-compatible server (what kubectl checks skew against). */
  readonly version?: Partial<VersionInfo> | undefined;
  /** Clock, for tests. */
  readonly now?: (() => Date) | undefined;
}

/** The server: its request listener, its metrics, and starting and stopping it (lifecycle.ts). */
export interface MetricsApiServer extends Lifecycle {
  /** The request listener: pass it to `http.createServer` or `https.createServer`. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** The server's own metrics (served at `/metrics`). */
  readonly metrics: ServerMetrics;
}

/** Default `requestTimeoutMs`: kube-apiserver's default `--request-timeout`. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** Default `alwaysAllowPaths`: the health checks, which kubelet probes without credentials. */
export const DEFAULT_ALWAYS_ALLOW_PATHS: readonly string[] = ['/healthz', '/livez', '/readyz'];

export const DEFAULT_VERSION: VersionInfo = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kubemetrics',
  gitCommit: '',
  gitTreeState: '',
  buildDate: '',
  goVersion: '',
  compiler: 'node',
  platform: `${process.platform}/${process.arch}`,
};

export function checkOptions(options: MetricsApiServerOptions): void {
  const problems: string[] = [];
  const providers = (options as Partial<MetricsApiServerOptions>).providers;
  if (typeof providers !== 'object' || providers === null) {
    problems.push('"providers" must be an object such as { custom, external, resource }');
  } else {
    const methods: Record<keyof MetricsProviders, string[]> = {
      custom: ['listCustomMetrics', 'getMetricByName', 'getMetricBySelector'],
      external: ['listExternalMetrics', 'getExternalMetric'],
      resource: ['getNodeUsage', 'getPodUsage'],
    };
    let configured = 0;
    for (const [name, required] of Object.entries(methods) as [keyof MetricsProviders, string[]][]) {
      const provider = providers[name] as unknown;
      if (provider === undefined) continue;
      configured++;
      for (const method of required)
        if (typeof (provider as Record<string, unknown> | null)?.[method] !== 'function')
          problems.push(`providers.${name} has no ${method}() method`);
    }
    if (configured === 0)
      problems.push('configure at least one of providers.custom, providers.external, providers.resource');
  }
  for (const name of ['requestTimeoutMs', 'listMetricsTimeoutMs'] as const) {
    const timeout = options[name];
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0))
      problems.push(`"${name}" must be a positive number of milliseconds, got ${String(timeout)}`);
  }
  if (options.authenticate !== undefined && options.authentication !== undefined)
    problems.push('give "authenticate" (a hook) or "authentication" (settings), not both');
  if (options.authorize !== undefined && options.authorization !== undefined)
    problems.push('give "authorize" (a hook) or "authorization" (settings), not both');
  if (problems.length > 0)
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `invalid metrics API server options: ${problems.join('; ')}`,
      {
        hint: 'See docs/apiserver.md for the options of createMetricsApiServer and docs/writing-a-provider.md for the provider methods.',
      },
    );
}
