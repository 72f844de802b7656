/**
 * `kubemetrics/service`: the report service behind `kubemetrics serve`. A live in-memory picture
 * of the cluster (list + watch of nodes and pods, metrics on an interval) and an HTTP server that
 * answers only from it: the per-node summary, capacity reports, Prometheus metrics, a dashboard
 * and health routes. docs/service.md describes the routes and metrics.
 */
export { ClusterCache, StaticClusterView } from './cluster-cache.js';
export { cacheTransitionLogEntry } from './cache-transitions.js';
export type { CacheTransitionLogEntry } from './cache-transitions.js';
export type {
  CachedResource,
  CacheHealth,
  CacheSource,
  CacheTransition,
  SourceHealth,
  CacheRecords,
  ClusterCacheOptions,
  ClusterView,
  InformerHealth,
} from './cluster-cache.js';
export { bearerTokenFromFile } from './bearer-token.js';
export type { BearerTokenCheck } from './bearer-token.js';
export { capacityDocument, parseCapacityQuery, QueryError } from './capacity-query.js';
export type { CapacityBy, CapacityDocument, CapacityQuery } from './capacity-query.js';
export { encodeNodesSummary, nodesSummary } from './nodes-summary.js';
export type { NodesSummary, SummaryAmount, SummaryNode, SummaryResource } from './nodes-summary.js';
export { createServiceMetrics, createServiceRegistry } from './prometheus-metrics.js';
export type { ServiceMetrics, ServiceRegistryOptions } from './prometheus-metrics.js';
export { HpaReplayLoop, hpaProblemOf } from './hpa-replays.js';
export type { HpaProblem, HpaReplayLoopOptions, HpaResult, HpaSource } from './hpa-replays.js';
export { startReportServer } from './server.js';
export type { ReportServer, ReportServerOptions, ServiceLogEntry } from './server.js';
export { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from './dashboard-assets.js';
