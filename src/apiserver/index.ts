/**
 * `kubemetrics/apiserver`: a framework for metrics API servers (`custom.metrics.k8s.io`,
 * `external.metrics.k8s.io`, `metrics.k8s.io`). Implement a provider (provider.ts), pass it to
 * {@link createMetricsApiServer}, and the server does routing, discovery, OpenAPI, selectors,
 * version-specific encoding and Kubernetes `Status` errors; `start()` adds what an aggregated API
 * server needs in a cluster: TLS with certificate reload, delegated authentication (front proxy,
 * client certificates, TokenReview) and authorization (SubjectAccessReview), an informer-backed
 * object lister and `/metrics`. docs/apiserver.md is the reference, docs/writing-a-provider.md the
 * guide.
 */
export { createMetricsApiServer, DEFAULT_ALWAYS_ALLOW_PATHS, DEFAULT_REQUEST_TIMEOUT_MS } from './server.js';
export { DEFAULT_LIST_METRICS_TIMEOUT_MS } from './metric-catalog.js';
export type {
  DebugHandler,
  ListenOptions,
  MetricsApiServer,
  MetricsApiServerOptions,
  StartedServer,
} from './server.js';
export { ClusterAccess } from './cluster-access.js';
export type { ClusterAccessOptions } from './cluster-access.js';
export { ClusterObjectLister } from './cluster-object-lister.js';
export type { ClusterObjectListerOptions, ListedResource } from './cluster-object-lister.js';
export { DelegatingAuthentication } from './authentication.js';
export type { AuthenticationOptions, RequestHeaderOptions } from './authentication.js';
export { createAuthorizer, DEFAULT_ALWAYS_ALLOW_GROUPS } from './authorization.js';
export type { AuthorizationMode, AuthorizationOptions } from './authorization.js';
export type { TokenReviewOptions } from './token-review.js';
export type { SubjectAccessReviewOptions } from './subject-access-review.js';
export { generateServingCertificate, servingHosts } from './serving-certificate.js';
export type { ServingCertificate, ServingCertificateOptions } from './serving-certificate.js';
export type { ServingTlsOptions } from './serving-tls.js';
export { ServerMetrics } from './server-metrics.js';
export {
  CertificateBundle,
  MAX_CHAIN_DEPTH,
  peerCertificateChain,
  verifyClientChain,
} from './client-certificate.js';
export type { ChainVerification } from './client-certificate.js';
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
export { answerForError, ProviderUnavailableError, StatusError } from './status-error.js';
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
export { SILENT_LOGGER } from './logger.js';
export { formatGroupResource, objectKindFor, parseGroupResource } from './group-resource.js';
export type { ObjectKind } from './group-resource.js';
export { parseRoute } from './route.js';
export type { Route, RouteMatch, RouteResult } from './route.js';
export { ConfigFields, describeConfigValue, didYouMean, readYamlFile } from './config-fields.js';
export { needsCluster, parseServerConfig, PROVIDER_APIS, SERVER_CONFIG_DEFAULTS } from './server-config.js';
export type { ProviderApi, ProviderConfig, ProviderConfigType, ServerConfig } from './server-config.js';
