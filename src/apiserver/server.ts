/**
 * The metrics API server: a Node request listener plus `listen`/`close` helpers.
 *
 * Pipeline of every request (the order kube-apiserver's filters use):
 *   request id → authenticate → authorize → route (404/400) → method (405) → handler → encode.
 * `handler` is a plain `(req, res)` listener, so TLS is `https.createServer(tlsOptions, handler)`.
 * Nothing a request or a provider does can take the process down: every failure becomes a
 * Kubernetes `Status` (or, when the client has already gone, is only logged).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { failureStatus } from '../api/index.js';
import type { VersionInfo } from '../api/index.js';
import {
  applyHttpServerLimits,
  httpServerOptions,
  listenBacklog,
  RateLimitedLog,
  redactRequestTarget,
  refuseRequestBody,
  resolveHttpServerLimits,
} from '../http/index.js';
import type { HttpServerLimits, ResolvedHttpServerLimits } from '../http/index.js';
import { KubemetricsError } from '../errors.js';
import { callAbortable, ClientDisconnectedError, RequestTimeoutError } from './abortable.js';
import { forbiddenStatus, requestAttributes, unauthorizedStatus } from './auth.js';
import { DelegatingAuthentication } from './authentication.js';
import type { AuthenticationOptions } from './authentication.js';
import { createAuthorizer } from './authorization.js';
import type { AuthorizationOptions } from './authorization.js';
import type { ClusterAccess } from './cluster-access.js';
import type { AuthorizationDecision, Authenticator, Authorizer, UserInfo } from './auth.js';
import { getCustomMetric } from './custom-metrics-handler.js';
import { answerDiscovery } from './discovery-handler.js';
import { isServed, servedGroups } from './discovery.js';
import type { ServedGroup } from './discovery.js';
import { getExternalMetric } from './external-metrics-handler.js';
import type { Answer, HandlerContext, HandlerDependencies } from './handler-context.js';
import { answerHealth, ProviderBackends } from './health.js';
import type { ServerReadinessCheck } from './health.js';
import { instrumentProviders } from './instrumented-providers.js';
import { SILENT_LOGGER } from './logger.js';
import type { Logger } from './logger.js';
import { DEFAULT_LIST_METRICS_TIMEOUT_MS, MetricCatalog } from './metric-catalog.js';
import type { ObjectLister } from './object-lister.js';
import { buildOpenApiDocuments } from './openapi.js';
import type { OpenApiDocument, OpenApiDocuments } from './openapi.js';
import type { MetricsProviders } from './provider.js';
import { getNodeMetrics, getPodMetrics } from './resource-metrics-handler.js';
import { sendBody, sendJson, sendStatus } from './response.js';
import { parseRoute } from './route.js';
import type { Route, RouteMatch } from './route.js';
import { ServerMetrics } from './server-metrics.js';
import { ServingTls } from './serving-tls.js';
import type { ServingTlsOptions } from './serving-tls.js';
import { answerForError, describeThrown } from './status-error.js';
import { serializeEncoded } from './wire-serializer.js';

/** Options of {@link createMetricsApiServer}. */
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

/** A `/debug/<name>` route: its query parameters and the request's signal in, JSON out. */
export type DebugHandler = (query: URLSearchParams, signal: AbortSignal) => Promise<unknown>;

export interface ListenOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** Default 0 (any free port). */
  readonly port?: number | undefined;
}

/** Where {@link MetricsApiServer.start} listens, and its CA when the certificate was generated. */
export interface StartedServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** PEM of the generated CA (the APIService's `caBundle`); undefined with certificate files. */
  readonly caBundle: string | undefined;
}

/** Something the server starts and stops with itself (e.g. `ClusterObjectLister`). */
interface Startable {
  start(): void;
  stop(): Promise<void>;
  synced?(): boolean;
  stats?(): readonly {
    readonly name: string;
    readonly objects: number;
    readonly stats: {
      readonly synced: boolean;
      readonly lists: number;
      readonly failures: number;
      readonly lastUpdate: number;
    };
  }[];
}

function isStartable(value: unknown): value is Startable {
  return (
    typeof (value as Partial<Startable> | undefined)?.start === 'function' &&
    typeof (value as Partial<Startable> | undefined)?.stop === 'function'
  );
}

export interface MetricsApiServer {
  /** The request listener: pass it to `http.createServer` or `https.createServer`. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** The server's own metrics (served at `/metrics`). */
  readonly metrics: ServerMetrics;
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

/** Default `requestTimeoutMs`: kube-apiserver's default `--request-timeout`. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** Default `alwaysAllowPaths`: the health checks, which kubelet probes without credentials. */
export const DEFAULT_ALWAYS_ALLOW_PATHS: readonly string[] = ['/healthz', '/livez', '/readyz'];

const DEFAULT_VERSION: VersionInfo = {
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

function checkOptions(options: MetricsApiServerOptions): void {
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

const AUDIT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(req: IncomingMessage): string {
  const given = req.headers['audit-id'];
  return typeof given === 'string' && AUDIT_ID.test(given) ? given : randomUUID();
}

/** Serves a pre-serialized document with its ETag, answering 304 to a matching `If-None-Match`. */
function documentAnswer(doc: OpenApiDocument, extraHeaders: Record<string, string> = {}): Answer {
  return {
    kind: 'text',
    code: 200,
    body: doc.body,
    contentType: 'application/json',
    headers: { ETag: doc.etag, ...extraHeaders },
  };
}

function openApiAnswer(route: Route, match: RouteMatch, docs: OpenApiDocuments): Answer {
  if (route.kind === 'openapi-v2') return documentAnswer(docs.v2);
  if (route.kind === 'openapi-v3') return documentAnswer(docs.v3Index);
  if (route.kind !== 'openapi-v3-group-version') throw new Error('unreachable');
  const doc = docs.v3.get(`${route.group}/${route.version}`);
  if (doc === undefined)
    return {
      kind: 'json',
      code: 404,
      value: failureStatus(404, 'the server could not find the requested resource'),
    };
  const hash = match.query.get('hash');
  if (hash === null || hash === '') return documentAnswer(doc);
  // kube-openapi handler3: an outdated hash redirects to the current one; a current hash is immutable.
  if (hash !== doc.hash) {
    const location = `/openapi/v3/apis/${route.group}/${route.version}?hash=${doc.hash}`;
    return {
      kind: 'text',
      code: 301,
      body: '',
      contentType: 'text/plain; charset=utf-8',
      headers: { Location: location },
    };
  }
  return documentAnswer(doc, { 'Cache-Control': 'public, immutable' });
}

/** Creates a metrics API server for the given providers. See docs/apiserver.md. */
export function createMetricsApiServer(options: MetricsApiServerOptions): MetricsApiServer {
  checkOptions(options);
  const logger = options.logger ?? SILENT_LOGGER;
  const metrics = new ServerMetrics();
  const providers = instrumentProviders(options.providers, metrics);
  const delegating =
    options.authentication === undefined
      ? undefined
      : new DelegatingAuthentication(options.authentication, { cluster: options.cluster, logger, metrics });
  const authenticate: Authenticator | undefined = options.authenticate ?? delegating?.authenticate;
  const authorize: Authorizer | undefined =
    options.authorize ??
    (options.authorization === undefined
      ? undefined
      : createAuthorizer(options.authorization, options.cluster, metrics));
  const startable = isStartable(options.objectLister) ? options.objectLister : undefined;
  const limits: ResolvedHttpServerLimits = resolveHttpServerLimits(options.limits, 'limits');
  // The providers as given (not the instrumented wrappers), so a provider's `lastError` is visible.
  const backends = new ProviderBackends(options.providers);
  metrics.addGauge(
    'kubemetrics_apiserver_provider_backend_up',
    "Whether each provider's backend answers (1) or not (0), from the provider's ready(); does not affect /readyz.",
    () => backends.snapshot().map((b) => ({ labels: { provider: b.provider }, value: b.up ? 1 : 0 })),
  );
  const refusals = new RateLimitedLog((fields, message) => logger.warn(fields, message), 'refused a client');
  const serverChecks: ServerReadinessCheck[] = [];
  if (delegating !== undefined)
    serverChecks.push({ name: 'authentication-config', ready: () => delegating.ready() });
  if (startable?.synced !== undefined) {
    const lister = startable;
    serverChecks.push({ name: 'object-lister-synced', ready: () => lister.synced?.() ?? true });
  }
  if (startable?.stats !== undefined) {
    const stats = (): ReturnType<NonNullable<Startable['stats']>> => startable.stats?.() ?? [];
    metrics.addGauge(
      'kubemetrics_apiserver_lister_synced',
      'Whether each informer of the object lister has listed once (1) or not (0).',
      () => stats().map((s) => ({ labels: { informer: s.name }, value: s.stats.synced ? 1 : 0 })),
    );
    metrics.addGauge('kubemetrics_apiserver_lister_objects', 'Objects held by each informer.', () =>
      stats().map((s) => ({ labels: { informer: s.name }, value: s.objects })),
    );
    metrics.addGauge(
      'kubemetrics_apiserver_lister_last_update_timestamp_seconds',
      'Data freshness of the object lister: Unix time of the last list or watch event of each informer.',
      () => stats().map((s) => ({ labels: { informer: s.name }, value: s.stats.lastUpdate / 1000 })),
    );
    metrics.addGauge(
      'kubemetrics_apiserver_lister_failures',
      'Failed lists and watches of each informer since start.',
      () => stats().map((s) => ({ labels: { informer: s.name }, value: s.stats.failures })),
    );
  }
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const alwaysAllow = new Set(options.alwaysAllowPaths ?? DEFAULT_ALWAYS_ALLOW_PATHS);
  const now = options.now ?? ((): Date => new Date());
  const versionInfo: VersionInfo = { ...DEFAULT_VERSION, ...options.version };
  const groups: readonly ServedGroup[] = servedGroups(providers);
  const openapi = buildOpenApiDocuments(groups);
  const deps: HandlerDependencies = {
    providers,
    objectLister: options.objectLister,
    catalog: new MetricCatalog(
      providers,
      logger,
      options.listMetricsTimeoutMs ?? DEFAULT_LIST_METRICS_TIMEOUT_MS,
    ),
    logger,
  };

  async function answer(route: Route, match: RouteMatch, ctx: HandlerContext): Promise<Answer> {
    switch (route.kind) {
      case 'health':
        return answerHealth(route.check, backends, ctx, serverChecks);
      case 'metrics':
        return {
          kind: 'text',
          code: 200,
          body: metrics.render(),
          contentType: 'text/plain; version=0.0.4; charset=utf-8',
        };
      case 'version':
        return { kind: 'json', value: versionInfo };
      case 'debug': {
        const debug = options.debugHandlers?.[route.name];
        if (debug === undefined || !Object.hasOwn(options.debugHandlers ?? {}, route.name)) break;
        return { kind: 'json', value: await debug(ctx.query, ctx.signal) };
      }
      case 'core-api-versions':
      case 'core-resources':
      case 'api-groups':
      case 'api-group':
      case 'api-resources':
        return answerDiscovery(route, groups, ctx, deps);
      case 'openapi-v2':
      case 'openapi-v3':
      case 'openapi-v3-group-version':
        return openApiAnswer(route, match, openapi);
      case 'custom-metric':
        if (!isServed(groups, 'custom.metrics.k8s.io', route.version)) break;
        return { kind: 'json', value: await getCustomMetric(route, ctx, deps) };
      case 'external-metric':
        if (!isServed(groups, 'external.metrics.k8s.io', route.version)) break;
        return { kind: 'json', value: await getExternalMetric(route, ctx, deps) };
      case 'node-metrics':
        if (!isServed(groups, 'metrics.k8s.io', route.version)) break;
        return { kind: 'json', value: await getNodeMetrics(route, ctx, deps) };
      case 'pod-metrics':
        if (!isServed(groups, 'metrics.k8s.io', route.version)) break;
        return { kind: 'json', value: await getPodMetrics(route, ctx, deps) };
    }
    return {
      kind: 'json',
      code: 404,
      value: failureStatus(404, 'the server could not find the requested resource'),
    };
  }

  function send(req: IncomingMessage, res: ServerResponse, result: Answer, pretty: boolean): void {
    let fast: Buffer | undefined;
    const etag = result.headers?.['ETag'];
    if (etag !== undefined && req.headers['if-none-match'] === etag && (result.code ?? 200) === 200) {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache, private', ...result.headers });
        res.end();
      }
      return;
    }
    if (result.kind === 'text') sendBody(res, result.code, result.body, result.contentType, result.headers);
    else if (!pretty && (fast = serializeEncoded(result.value)) !== undefined)
      sendBody(res, result.code ?? 200, fast, result.contentType ?? 'application/json', result.headers);
    else
      sendJson(res, result.code ?? 200, result.value, {
        pretty,
        contentType: result.contentType,
        headers: result.headers,
      });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const id = requestId(req);
    res.setHeader('Audit-Id', id);
    const controller = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) controller.abort(new ClientDisconnectedError());
    };
    res.once('close', onClose);
    const signal = controller.signal;
    const parsed = parseRoute(req.url ?? '/');
    const timer = setTimeout(() => controller.abort(new RequestTimeoutError(timeoutMs)), timeoutMs);
    let user: UserInfo | undefined;
    try {
      // No route reads a body: one declared too large is refused before anything else.
      const tooLarge = refuseRequestBody(req, res, limits);
      if (tooLarge !== undefined) {
        sendStatus(res, tooLarge);
        return;
      }
      const open = alwaysAllow.has(parsed.path);
      if (!open && authenticate !== undefined) {
        const authenticated: unknown = await callAbortable(() => authenticate(req, signal), signal);
        if (authenticated === undefined || authenticated === null) {
          sendStatus(res, unauthorizedStatus());
          return;
        }
        if (typeof (authenticated as Partial<UserInfo>).username !== 'string')
          throw new Error(
            `authenticate() returned ${describeThrown(authenticated)} instead of { username } or undefined`,
          );
        user = authenticated as UserInfo;
      }
      if (!open && authorize !== undefined) {
        const attributes = requestAttributes(parsed.ok ? parsed : undefined, parsed.path, user);
        const decision: unknown = await callAbortable(() => authorize(attributes, signal), signal);
        const allowed = (decision as Partial<AuthorizationDecision> | null | undefined)?.allowed;
        if (allowed !== true) {
          const reason = allowed === false ? (decision as { reason?: unknown }).reason : undefined;
          sendStatus(res, forbiddenStatus(attributes, typeof reason === 'string' ? reason : undefined));
          return;
        }
      }
      if (!parsed.ok) {
        sendStatus(res, failureStatus(parsed.code, parsed.message));
        return;
      }
      if (req.method !== 'GET') {
        sendStatus(
          res,
          failureStatus(
            405,
            `the server does not allow this method on the requested resource (${String(req.method)})`,
          ),
          { Allow: 'GET' },
        );
        return;
      }
      if (parsed.query.get('watch') === 'true' || parsed.query.get('watch') === '1') {
        sendStatus(
          res,
          failureStatus(405, 'watch is not supported by the metrics APIs; poll with GET instead'),
          {
            Allow: 'GET',
          },
        );
        return;
      }
      const ctx: HandlerContext = { id, signal, query: parsed.query, headers: req.headers, now: now() };
      const result = await answer(parsed.route, parsed, ctx);
      const pretty = parsed.query.get('pretty') === 'true' || parsed.query.get('pretty') === '1';
      send(req, res, result, pretty);
    } catch (error) {
      if (signal.aborted && signal.reason instanceof ClientDisconnectedError) {
        logger.debug({ reqId: id, path: parsed.path }, 'client disconnected; request abandoned');
        return;
      }
      if (signal.aborted && signal.reason instanceof RequestTimeoutError) {
        logger.warn({ reqId: id, path: parsed.path, timeoutMs }, 'request timed out');
        sendStatus(
          res,
          failureStatus(
            504,
            `Timeout: request did not complete within the allotted timeout of ${timeoutMs}ms`,
            {},
            'Timeout',
          ),
        );
        return;
      }
      const { status, serverFault, headers } = answerForError(error, id);
      if (serverFault)
        logger.error(
          { reqId: id, path: parsed.path, code: status.code, error: describeThrown(error) },
          'request failed',
        );
      sendStatus(res, status, headers);
    } finally {
      clearTimeout(timer);
      res.off('close', onClose);
      const seconds = (performance.now() - started) / 1000;
      metrics.observeRequest(parsed.ok ? parsed.route.kind : 'invalid', res.statusCode, seconds);
      logger.debug(
        {
          reqId: id,
          method: req.method,
          path: parsed.path,
          // The query as sent, credentials redacted (a token passed as ?access_token= stays out).
          url: redactRequestTarget(req.url ?? '/'),
          code: res.statusCode,
          user: user?.username,
          ms: Math.round((performance.now() - started) * 1000) / 1000,
        },
        'request',
      );
    }
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      // Last resort: a bug in the pipeline itself. Answer if we still can, never rethrow.
      const id = String(res.getHeader('Audit-Id') ?? '');
      logger.error({ reqId: id, error: describeThrown(error) }, 'unhandled error in the request pipeline');
      try {
        sendStatus(
          res,
          failureStatus(
            500,
            `Internal error occurred: unhandled error in the request pipeline; the server log has the cause under request id ${id}`,
          ),
        );
      } catch {
        res.destroy();
      }
    });
  };

  let server: Server | undefined;
  let secure: { server: HttpsServer; tls: ServingTls } | undefined;
  let tlsGaugeAdded = false;

  async function start(listenOptions: ListenOptions = {}): Promise<StartedServer> {
    if (secure !== undefined)
      throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', 'the metrics API server is already started', {
        hint: 'Call stop() before start() again.',
      });
    const missing: string[] = [];
    if (authenticate === undefined)
      missing.push(
        'authentication (e.g. { requestHeader, clientCA, tokenReview } with cluster access, or { anonymous: true } for an open server)',
      );
    if (authorize === undefined)
      missing.push(
        "authorization ({ mode: 'Webhook' } with cluster access, or { mode: 'AlwaysAllow' } for an open server)",
      );
    if (missing.length > 0)
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_ARGUMENT',
        `refusing to start a server that lets everyone in: configure ${missing.join(' and ')}`,
        { hint: 'See "Authentication" and "Authorization" in docs/apiserver.md.' },
      );
    const tls = new ServingTls(options.tls ?? {});
    const clientCAs = (): string[] => delegating?.clientCAs() ?? [];
    const created = createHttpsServer(
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
    applyHttpServerLimits(created, limits, refusals);
    const refresh = (): void => {
      if (secure?.server !== created) return;
      try {
        created.setSecureContext(tls.contextOptions(clientCAs()));
      } catch (error) {
        logger.error(
          { error: describeThrown(error) },
          'cannot apply the new TLS settings; keeping the previous ones',
        );
      }
    };
    tls.watch(
      () => {
        metrics.certificateReloads.add({ source: 'serving-certificate', result: 'success' });
        logger.info({ notAfter: new Date(tls.notAfter).toISOString() }, 'reloaded the serving certificate');
        refresh();
      },
      (error) => {
        metrics.certificateReloads.add({ source: 'serving-certificate', result: 'error' });
        logger.warn(
          { error: describeThrown(error) },
          'cannot reload the serving certificate; keeping the previous one',
        );
      },
    );
    delegating?.onChange(refresh);
    if (!tlsGaugeAdded) {
      tlsGaugeAdded = true;
      metrics.addGauge(
        'kubemetrics_apiserver_certificate_expiration_timestamp_seconds',
        'Unix time at which the serving certificate expires.',
        () =>
          secure === undefined
            ? []
            : [{ labels: { certificate: 'serving' }, value: secure.tls.notAfter / 1000 }],
      );
    }
    secure = { server: created, tls };
    delegating?.start();
    startable?.start();
    const host = listenOptions.host ?? '127.0.0.1';
    const port = listenOptions.port ?? 0;
    try {
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(port, host, listenBacklog(limits), () => {
          created.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await stop();
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_NETWORK',
        `cannot listen on ${host}:${port}: ${describeThrown(error)}`,
        {
          cause: error,
          hint: 'Choose another port (--secure-port) or stop the process using it.',
        },
      );
    }
    const bound = (created.address() as AddressInfo).port;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    logger.info(
      { address: `${urlHost}:${bound}`, ...delegating?.describe() },
      'metrics API server listening',
    );
    return { url: `https://${urlHost}:${bound}`, host, port: bound, caBundle: tls.caBundle };
  }

  async function stop(): Promise<void> {
    const running = secure;
    secure = undefined;
    if (running === undefined) return;
    running.tls.close();
    const closed = new Promise<void>((resolve) => running.server.close(() => resolve()));
    running.server.closeIdleConnections();
    const grace = setTimeout(() => running.server.closeAllConnections(), 5_000);
    grace.unref();
    await Promise.all([closed, delegating?.stop(), startable?.stop()]);
    clearTimeout(grace);
    refusals.flush();
    delegating?.flushLogs();
  }

  return {
    handler,
    metrics,
    start,
    stop,
    async listen(listenOptions: ListenOptions = {}) {
      if (server !== undefined)
        throw new KubemetricsError(
          'KUBEMETRICS_ERR_ARGUMENT',
          'the metrics API server is already listening',
          {
            hint: 'Call close() before listen() again, or create another server.',
          },
        );
      const host = listenOptions.host ?? '127.0.0.1';
      const created = createServer(httpServerOptions(limits), handler);
      applyHttpServerLimits(created, limits, refusals);
      server = created;
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(listenOptions.port ?? 0, host, listenBacklog(limits), () => {
          created.off('error', reject);
          resolve();
        });
      }).catch((error: unknown) => {
        server = undefined;
        throw new KubemetricsError(
          'KUBEMETRICS_ERR_NETWORK',
          `cannot listen on ${host}:${listenOptions.port ?? 0}: ${describeThrown(error)}`,
          {
            cause: error,
            hint: 'Choose another port (0 picks a free one) or stop the process using it.',
          },
        );
      });
      const port = (created.address() as AddressInfo).port;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      return { url: `http://${urlHost}:${port}`, host, port };
    },
    async close() {
      const running = server;
      server = undefined;
      if (running === undefined) return;
      await new Promise<void>((resolve) => {
        running.close(() => resolve());
        running.closeAllConnections();
      });
      refusals.flush();
    },
  };
}
