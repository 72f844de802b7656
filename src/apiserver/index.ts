/**
 * `kubemetrics/apiserver`: a framework for metrics API servers (`custom.metrics.k8s.io`,
 * `external.metrics.k8s.io`, `metrics.k8s.io`). Implement a provider (provider.ts), pass it to
 * {@link createMetricsApiServer}, and the server does routing, discovery, OpenAPI, selectors,
 * version-specific encoding and Kubernetes `Status` errors; `start()` adds what an aggregated API
 * server needs in a cluster: TLS with certificate reload, delegated authentication (front proxy,
 * client certificates, TokenReview) and authorization (SubjectAccessReview), an informer-backed
 * object lister and `/metrics`. docs/apiserver.md is the reference, docs/writing-a-provider.md the
 * guide. docs/architecture.md maps the folders behind it (one per stage of the pipeline); this file
 * is the only way in for providers and other layers (`npm run layers` enforces it for providers).
 */
export { createMetricsApiServer, DEFAULT_ALWAYS_ALLOW_PATHS, DEFAULT_REQUEST_TIMEOUT_MS } from './server.js';
export type {
  DebugHandler,
  ListenOptions,
  MetricsApiServer,
  MetricsApiServerOptions,
  StartedServer,
} from './server.js';
export { DEFAULT_LIST_METRICS_TIMEOUT_MS } from './handlers/index.js';

// The provider contract and what providers are written with.
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
  ExternalMetricSample,
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
} from './provider/index.js';
export { answerForError, ProviderUnavailableError, StatusError } from './provider/index.js';
export type { ProviderUnavailableErrorOptions, StatusErrorOptions } from './provider/index.js';
export { formatGroupResource, objectKindFor, parseGroupResource } from './provider/index.js';
export type { ObjectKind } from './provider/index.js';
export type { LogMethod, Logger } from './provider/index.js';
export { SILENT_LOGGER } from './provider/index.js';
export { TtlCache } from './provider/index.js';
export type { TtlCacheOptions } from './provider/index.js';
export { callAbortable } from './pipeline/index.js';
export { ConfigFields, describeConfigValue, didYouMean, readYamlFile, watchFiles } from './config/index.js';
export type { FileWatch, FileWatchOptions } from './config/index.js';

// Object listers.
export { ClusterObjectLister, StaticObjectLister } from './listers/index.js';
export type {
  ClusterObjectListerOptions,
  ListedObject,
  ListedResource,
  ObjectLister,
  StaticObject,
} from './listers/index.js';

// Authentication and authorization.
export { ClusterAccess } from './auth/index.js';
export type { ClusterAccessOptions } from './auth/index.js';
export { DelegatingAuthentication } from './auth/index.js';
export type { AuthenticationOptions, RequestHeaderOptions } from './auth/index.js';
export { createAuthorizer, DEFAULT_ALWAYS_ALLOW_GROUPS } from './auth/index.js';
export type { AuthorizationMode, AuthorizationOptions } from './auth/index.js';
export type { TokenReviewOptions } from './auth/index.js';
export type { SubjectAccessReviewOptions } from './auth/index.js';
export { CertificateBundle, MAX_CHAIN_DEPTH, peerCertificateChain, verifyClientChain } from './auth/index.js';
export type { ChainVerification } from './auth/index.js';
export type {
  AuthorizationDecision,
  Authenticator,
  Authorizer,
  RequestAttributes,
  UserInfo,
} from './auth/index.js';

// TLS, metrics, routes, the server configuration file.
export { generateServingCertificate, servingHosts } from './tls/index.js';
export type { ServingCertificate, ServingCertificateOptions } from './tls/index.js';
export type { ServingTlsOptions } from './tls/index.js';
export { ServerMetrics } from './metrics/index.js';
export { parseRoute } from './pipeline/index.js';
export type { Route, RouteMatch, RouteResult } from './pipeline/index.js';
export { needsCluster, parseServerConfig, PROVIDER_APIS, SERVER_CONFIG_DEFAULTS } from './config/index.js';
export type { ProviderApi, ProviderConfig, ProviderConfigType, ServerConfig } from './config/index.js';
