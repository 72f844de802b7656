/**
 * handlers/: the handler stage — one module per API (custom, external, resource metrics) and the
 * health checks, each turning a route and its providers' answers into an {@link Answer}.
 */
export { getCustomMetric } from './custom-metrics-handler.js';
export { CustomMetricsMemo } from './custom-metrics-memo.js';
export { getExternalMetric } from './external-metrics-handler.js';
export type { Answer, HandlerContext, HandlerDependencies } from './handler-context.js';
export { answerHealth, ProviderBackends } from './health.js';
export type { ServerReadinessCheck } from './health.js';
export { DEFAULT_LIST_METRICS_TIMEOUT_MS, MetricCatalog } from './metric-catalog.js';
export { getNodeMetrics, getPodMetrics } from './resource-metrics-handler.js';
