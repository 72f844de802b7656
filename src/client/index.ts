/**
 * kubemetrics/client: credentials (kubeconfig loading like kubectl), an HTTP transport with
 * retries and timeouts, discovery of the served metrics APIs, `MetricsClient` for resource, custom
 * and external metrics and paged core lists, typed API errors with hints, and helpers shaped like
 * the Python client's metrics utilities.
 */
export { loadKubeConfig, kubeConfigSource, KubeConfig, SERVICE_ACCOUNT_DIR } from './credentials.js';
export type { KubeConfigSource, LoadKubeConfigOptions, ResolvedContext } from './credentials.js';
export type {
  AuthProviderConfig,
  Cluster,
  Context,
  ExecConfig,
  ExecEnvVar,
  ExecInteractiveMode,
  KubeConfigOptions,
  User,
} from './kubeconfig-model.js';
export type { KubeConfigOverrides } from './kubeconfig-overrides.js';
export { REQUEST_CHANNEL, Transport, parseRetryAfter } from './transport.js';
export { raceAbort } from './abortable.js';
export { createDispatcher, RotatingAgent, tlsConnectOptions, tlsFingerprint } from './tls-dispatcher.js';
export { JsonArrayStream } from './json-array-stream.js';
export type { DispatcherOptions, TlsMaterial } from './tls-dispatcher.js';
export type {
  CallOptions,
  Connection,
  GetRequest,
  Query,
  RequestAuth,
  RequestEvent,
  TextResponse,
  TransportOptions,
} from './transport.js';
export {
  KubernetesApiError,
  apiErrorFromResponse,
  hintForStatus,
  isExpiredError,
  isKubernetesApiError,
  rbacRuleFor,
  requestAttributes,
} from './api-error.js';
export type { ApiErrorContext, KubernetesApiErrorInit, RequestAttributes } from './api-error.js';
export { Discovery, pickVersion } from './discovery.js';
export type { MetricsGroup, MetricsGroupVersions } from './discovery.js';
export { parseGoDuration, readNodeMetrics, readPodMetrics } from './metrics-model.js';
export type {
  ContainerMetricsResult,
  NodeMetricsFields,
  NodeMetricsResult,
  PodMetricsFields,
  PodMetricsResult,
  ResourceMetricsLeaves,
} from './metrics-model.js';
export { resourceMetricsPath } from './metrics-paths.js';
export type { ResourceMetricsTarget } from './metrics-paths.js';
export { collect } from './core-lists.js';
export type { ListOptions, ListPage } from './core-lists.js';
export type {
  CustomMetricResult,
  CustomMetricTarget,
  CustomMetricValue,
  DiscoveredCustomMetric,
  DiscoveredExternalMetric,
  ExternalMetricResult,
} from './custom-metrics.js';
export { MetricsClient, mapConcurrent } from './metrics-client.js';
export type {
  CustomMetricRequest,
  CustomMetricSelectorRequest,
  ExternalMetricRequest,
  MetricsClientOptions,
  MetricsListOptions,
  NamespaceError,
  NamespaceMetricRequest,
  NamespacesOptions,
  PodListOptions,
  PodMetricsListOptions,
} from './metrics-client.js';
export { getNodesMetrics, getPodsMetrics, getPodsMetricsInAllNamespaces } from './python-compat.js';
export type { MetricsSource, PodsMetricsError } from './python-compat.js';
export {
  resolveConnection,
  watch,
  Watch,
  type WatchEvent,
  type WatchEventType,
  type WatchOptions,
} from './watch.js';
export {
  Informer,
  listWatchSource,
  objectKey,
  type InformerOptions,
  type InformerState,
  type InformerStats,
  type InformerStatus,
  type InformerStore,
  type InformerTransition,
  type InformerTransitionType,
  type KubernetesObject,
  type ListWatchSource,
} from './informer.js';
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './informer-backoff.js';
export { classifyFailure, type Failure, type FailureReason } from './informer-failure.js';
export { WatchIdleError, watchIdleTimeoutMs } from './watch.js';
export { parseGroupVersion, RestMapper, versionPriority, type RestMapping } from './rest-mapper.js';
export { decodeScale, getScale, scalePath, type ScaleResult } from './scale.js';
export { chooseCustomMetricsVersion, HpaMetricsReader, type DescribedResource } from './hpa-metrics.js';
export {
  getHorizontalPodAutoscaler,
  listHorizontalPodAutoscalers,
  type HpaListOptions,
} from './autoscaling.js';
