/**
 * `kubemetrics/apiserver`: a framework for metrics API servers (`custom.metrics.k8s.io`,
 * `external.metrics.k8s.io`, `metrics.k8s.io`). Implement a provider (provider.ts), pass it to
 * {@link createMetricsApiServer}, and the server does routing, discovery, OpenAPI, selectors,
 * version-specific encoding and Kubernetes `Status` errors. docs/apiserver.md is the reference,
 * docs/writing-a-provider.md the guide.
 */
export { createMetricsApiServer, DEFAULT_ALWAYS_ALLOW_PATHS, DEFAULT_REQUEST_TIMEOUT_MS } from './server.js';
export { DEFAULT_LIST_METRICS_TIMEOUT_MS } from './metric-catalog.js';
export type { ListenOptions, MetricsApiServer, MetricsApiServerOptions } from './server.js';
export type {
  ContainerUsage,
  CustomMetricInfo,
  CustomMetricObjectQuery,
  CustomMetricQuery,
  CustomMetricSelectorQuery,
  CustomMetricsProvider,
  CustomMetricValue,
  ExternalMetricInfo,
  ExternalMetricQuery,
  ExternalMetricsProvider,
  ExternalMetricValue,
  GroupResource,
  MaybePromise,
  MetricsProviders,
  NodeUsage,
  NodeUsageQuery,
  PodUsage,
  PodUsageQuery,
  ProviderRequest,
  ReadinessCheck,
  ResourceMetricsProvider,
  ResourceUsage,
  UsageQuery,
} from './provider.js';
export { ProviderUnavailableError, StatusError } from './status-error.js';
export type { ProviderUnavailableErrorOptions, StatusErrorOptions } from './status-error.js';
export { StaticObjectLister } from './object-lister.js';
export type { ListedObject, ObjectLister, StaticObject } from './object-lister.js';
export type {
  AuthorizationDecision,
  Authenticator,
  Authorizer,
  RequestAttributes,
  UserInfo,
} from './auth.js';
export type { LogMethod, Logger } from './logger.js';
export { formatGroupResource, objectKindFor, parseGroupResource } from './group-resource.js';
export type { ObjectKind } from './group-resource.js';
