/**
 * `createMetricsApiServer`: the options checked, then three parts put together —
 *   the request pipeline (pipeline/: authenticate → authorize → route → handler → encode),
 *   the lifecycle (lifecycle/: listen, TLS, reload, close; one listen path for HTTP and HTTPS),
 *   the gauges (metrics/gauges.ts: provider backends, the object lister's informers, the
 *   serving certificate).
 * docs/architecture.md maps the folders; docs/apiserver.md is the reference.
 */
import { resolveHttpServerLimits } from '../http/index.js';
import type { Authenticator, Authorizer } from './auth/auth.js';
import { DelegatingAuthentication } from './auth/authentication.js';
import { createAuthorizer } from './auth/authorization.js';
import { servedGroups } from './discovery/discovery.js';
import { CustomMetricsMemo } from './handlers/custom-metrics-memo.js';
import { ProviderBackends } from './handlers/health.js';
import type { ServerReadinessCheck } from './handlers/health.js';
import { DEFAULT_LIST_METRICS_TIMEOUT_MS, MetricCatalog } from './handlers/metric-catalog.js';
import { createLifecycle } from './lifecycle/lifecycle.js';
import { isStartable } from './listers/startable.js';
import { addBackendGauge, addListerGauges } from './metrics/gauges.js';
import { instrumentProviders } from './metrics/instrumented-providers.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import { buildOpenApiDocuments } from './openapi/openapi.js';
import { createRequestPipeline } from './pipeline/request-pipeline.js';
import { createRouter } from './pipeline/router.js';
import { SILENT_LOGGER } from './provider/logger.js';
import {
  checkOptions,
  DEFAULT_ALWAYS_ALLOW_PATHS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_VERSION,
} from './server-options.js';
import type { MetricsApiServer, MetricsApiServerOptions } from './server-options.js';

export { DEFAULT_ALWAYS_ALLOW_PATHS, DEFAULT_REQUEST_TIMEOUT_MS } from './server-options.js';
export type {
  DebugHandler,
  ListenOptions,
  MetricsApiServer,
  MetricsApiServerOptions,
  StartedServer,
} from './server-options.js';

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
  const lister = isStartable(options.objectLister) ? options.objectLister : undefined;
  const limits = resolveHttpServerLimits(options.limits, 'limits');

  // The gauges. The providers as given (not the instrumented wrappers), so a provider's
  // `lastError` is visible.
  const backends = new ProviderBackends(options.providers);
  addBackendGauge(metrics, backends);
  if (lister !== undefined) addListerGauges(metrics, lister);

  // The request pipeline.
  const serverChecks: ServerReadinessCheck[] = [];
  if (delegating !== undefined)
    serverChecks.push({ name: 'authentication-config', ready: () => delegating.ready() });
  if (lister?.synced !== undefined)
    serverChecks.push({ name: 'object-lister-synced', ready: () => lister.synced?.() ?? true });
  const groups = servedGroups(providers);
  const router = createRouter({
    groups,
    openapi: buildOpenApiDocuments(groups),
    deps: {
      providers,
      objectLister: options.objectLister,
      catalog: new MetricCatalog(
        providers,
        logger,
        options.listMetricsTimeoutMs ?? DEFAULT_LIST_METRICS_TIMEOUT_MS,
      ),
      customMetricsMemo: new CustomMetricsMemo(),
      logger,
    },
    backends,
    serverChecks,
    metrics,
    version: { ...DEFAULT_VERSION, ...options.version },
    debugHandlers: options.debugHandlers,
  });
  const handler = createRequestPipeline({
    authenticate,
    authorize,
    alwaysAllow: new Set(options.alwaysAllowPaths ?? DEFAULT_ALWAYS_ALLOW_PATHS),
    router,
    limits,
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    now: options.now ?? ((): Date => new Date()),
    metrics,
    logger,
  });

  // The lifecycle.
  const missingAuth: string[] = [];
  if (authenticate === undefined)
    missingAuth.push(
      'authentication (e.g. { requestHeader, clientCA, tokenReview } with cluster access, or { anonymous: true } for an open server)',
    );
  if (authorize === undefined)
    missingAuth.push(
      "authorization ({ mode: 'Webhook' } with cluster access, or { mode: 'AlwaysAllow' } for an open server)",
    );
  const lifecycle = createLifecycle({
    handler,
    limits,
    logger,
    metrics,
    tls: options.tls,
    delegating,
    lister,
    missingAuth,
  });
  return { handler, metrics, ...lifecycle };
}
