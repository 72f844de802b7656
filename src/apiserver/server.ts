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
import type { AddressInfo } from 'node:net';
import { failureStatus } from '../api/index.js';
import type { VersionInfo } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { callAbortable, ClientDisconnectedError, RequestTimeoutError } from './abortable.js';
import { forbiddenStatus, requestAttributes, unauthorizedStatus } from './auth.js';
import type { AuthorizationDecision, Authenticator, Authorizer, UserInfo } from './auth.js';
import { getCustomMetric } from './custom-metrics-handler.js';
import { answerDiscovery } from './discovery-handler.js';
import { isServed, servedGroups } from './discovery.js';
import type { ServedGroup } from './discovery.js';
import { getExternalMetric } from './external-metrics-handler.js';
import type { Answer, HandlerContext, HandlerDependencies } from './handler-context.js';
import { answerHealth } from './health.js';
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
import { answerForError, describeThrown } from './status-error.js';

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
   * Authentication hook; without it every request is anonymous and allowed through. Production
   * servers behind kube-apiserver need it (front-proxy client certificates or TokenReview).
   */
  readonly authenticate?: Authenticator | undefined;
  /** Authorization hook (SubjectAccessReview in production); without it everything is allowed. */
  readonly authorize?: Authorizer | undefined;
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
  /** `GET /version`. Defaults describe a v1.32-compatible server (what kubectl checks skew against). */
  readonly version?: Partial<VersionInfo> | undefined;
  /** Clock, for tests. */
  readonly now?: (() => Date) | undefined;
}

export interface ListenOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** Default 0 (any free port). */
  readonly port?: number | undefined;
}

export interface MetricsApiServer {
  /** The request listener: pass it to `http.createServer` or `https.createServer`. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
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
  const providers = options.providers;
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
        return answerHealth(route.check, providers, ctx, logger);
      case 'version':
        return { kind: 'json', value: versionInfo };
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
    const etag = result.headers?.['ETag'];
    if (etag !== undefined && req.headers['if-none-match'] === etag && (result.code ?? 200) === 200) {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache, private', ...result.headers });
        res.end();
      }
      return;
    }
    if (result.kind === 'text') sendBody(res, result.code, result.body, result.contentType, result.headers);
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
      const open = alwaysAllow.has(parsed.path);
      if (!open && options.authenticate !== undefined) {
        const authenticate = options.authenticate;
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
      if (!open && options.authorize !== undefined) {
        const authorize = options.authorize;
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
      const { status, serverFault, headers } = answerForError(error);
      if (serverFault)
        logger.error(
          { reqId: id, path: parsed.path, code: status.code, error: describeThrown(error) },
          'request failed',
        );
      sendStatus(res, status, headers);
    } finally {
      clearTimeout(timer);
      res.off('close', onClose);
      logger.debug(
        {
          reqId: id,
          method: req.method,
          path: parsed.path,
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
      logger.error({ error: describeThrown(error) }, 'unhandled error in the request pipeline');
      try {
        sendStatus(
          res,
          failureStatus(500, 'Internal error occurred: unhandled error in the request pipeline'),
        );
      } catch {
        res.destroy();
      }
    });
  };

  let server: Server | undefined;

  return {
    handler,
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
      const created = createServer(handler);
      server = created;
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(listenOptions.port ?? 0, host, () => {
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
    },
  };
}
