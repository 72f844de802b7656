/**
 * `kubemetrics/providers/prometheus`: custom, external and resource metrics from Prometheus for
 * the metrics API server, configured with prometheus-adapter's rules file unchanged.
 * docs/prometheus-provider.md is the reference.
 */
export { PrometheusProvider, PROMETHEUS_PROVIDER_DEFAULTS } from './prometheus-provider.js';
export type { PrometheusProviderOptions } from './prometheus-provider.js';
export { loadAdapterConfig, parseAdapterConfig } from './adapter-config.js';
export type {
  AdapterConfig,
  DiscoveryRule,
  ResourceRule,
  ResourceRules,
  SeriesFilter,
} from './adapter-config.js';
export { PrometheusHttp, PrometheusQueryError, PrometheusUnavailableError } from './prometheus-http.js';
export type { PrometheusConnectionOptions, PromSample, QueryAnswer } from './prometheus-http.js';
export { explainRequest, formatExplanation } from './explain.js';
export type { Explanation } from './explain.js';
export type { DiscoveryResult, RuleDiscoveryStats } from './discovery.js';
export type { QueryTrace } from './query-runner.js';
export { parsePrometheusDuration } from './prometheus-duration.js';
