/**
 * The provider contract of the metrics API server: everything a metrics source implements to be
 * served as `custom.metrics.k8s.io`, `external.metrics.k8s.io` or `metrics.k8s.io`.
 *
 * Modelled on kubernetes-sigs/custom-metrics-apiserver `pkg/provider/interfaces.go`
 * (`CustomMetricsProvider`, `ExternalMetricsProvider`) and metrics-server's storage for the
 * resource metrics API, with three differences: every call gets an `AbortSignal`, selectors arrive
 * parsed, and version-specific wire fields never reach a provider (the server encodes v1beta1 and
 * v1beta2 from the same values).
 *
 * Rules that hold for every method:
 * - **Providers never parse URLs or query strings.** The server hands over typed queries.
 * - **Namespaces**: `namespace === ''` means "not namespaced" for custom metrics (the object is
 *   cluster-scoped: a node, a namespace, a persistent volume) and "all namespaces" for pod usage.
 * - **Not found is not an error.** A method that has no value returns `undefined` (one object) or
 *   an empty array (many objects). The server turns that into the Kubernetes answer (a 404 Status
 *   such as `the server could not find the metric http_requests for pods`, or an empty list when
 *   the metric exists but no object matched). Do not throw for "no data".
 * - **Failures are errors.** Throw `ProviderUnavailableError` when the backend cannot be reached
 *   (the client gets 503 ServiceUnavailable and retries), `StatusError` for a specific Status
 *   (e.g. 400 for a metric selector the backend cannot express), anything else for a 500.
 * - **Cancellation**: `signal` aborts when the client disconnects or the request times out. Pass
 *   it to your I/O; once it has aborted, whatever you return is discarded.
 * - Methods may answer synchronously or with a promise.
 * - **Values are immutable once returned.** Return new objects for new data; never change an
 *   object after returning it. The server may reuse the encoding of a value object it has seen
 *   (a provider that keeps its values between requests, like the memory provider, is answered
 *   from that reuse), so a mutated object could be served with its old content.
 */
import type { LabelSelector } from '../../api/index.js';
import type { Quantity } from '../../quantity/index.js';

/** A value or a promise of it: providers backed by memory need not be async. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A resource in an API group, e.g. `{ group: 'apps', resource: 'deployments' }`. The core group is
 * `''` (`{ group: '', resource: 'pods' }`). Resources are plural and lowercase, as in URLs.
 */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** What every provider call receives. */
export interface ProviderRequest {
  /** Aborted when the client goes away or the request times out. */
  readonly signal: AbortSignal;
}

/**
 * Optional backend health: `false` (or a throw) is shown in `/readyz?verbose` (with the provider's
 * `lastError` string, if it has one) and `/metrics`; it never makes the server unready (health.ts).
 */
export interface ReadinessCheck {
  ready?(): MaybePromise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// custom.metrics.k8s.io

/** One custom metric the provider can serve, listed in discovery as `<resource>/<metric>`. */
export interface CustomMetricInfo {
  readonly groupResource: GroupResource;
  /** Metric name as it appears in URLs and in the HPA spec, e.g. `http_requests`. */
  readonly metric: string;
  /** True when it describes namespaced objects (pods, deployments.apps), false for nodes, namespaces… */
  readonly namespaced: boolean;
}

/** Common part of custom metric queries. */
export interface CustomMetricQuery extends ProviderRequest {
  readonly groupResource: GroupResource;
  /**
   * Namespace of the described object(s); `''` when the objects are cluster-scoped. Metrics about a
   * namespace itself (`/namespaces/<ns>/metrics/<metric>`) arrive as `groupResource`
   * `{ group: '', resource: 'namespaces' }`, `namespace: ''` and `name: <ns>`.
   */
  readonly namespace: string;
  readonly metric: string;
  /**
   * `?metricLabelSelector=`: selects among the metric's series by the metric's own labels (not the
   * object's). The empty selector (nothing asked) matches every series.
   */
  readonly metricSelector: LabelSelector;
}

/** A query for one named object: `/namespaces/<ns>/<resource>/<name>/<metric>`. */
export interface CustomMetricObjectQuery extends CustomMetricQuery {
  readonly name: string;
}

/** A query for every object matching a label selector: `<resource>/*\/<metric>?labelSelector=`. */
export interface CustomMetricSelectorQuery extends CustomMetricQuery {
  /** The objects' label selector; the empty selector means every object. */
  readonly selector: LabelSelector;
  /**
   * The names of the objects that match `selector`, when the server could resolve them through its
   * `ObjectLister` (it tries for non-empty selectors). Answer for exactly these objects (values for
   * other names are dropped). When `undefined` (no lister, a lister that does not know this
   * resource, or the empty selector), resolve `selector` yourself from labels your backend stores
   * or by asking the Kubernetes API; the empty selector means every object.
   */
  readonly names: readonly string[] | undefined;
}

/** One value of a custom metric for one object. */
export interface CustomMetricValue {
  /** Name of the described object; the HPA matches values to pods by this name. */
  readonly name: string;
  /** The value, exact. */
  readonly value: Quantity;
  /** End of the sample window; the time of the request when omitted. */
  readonly timestamp?: Date | undefined;
  /** Length of the window the value was computed over, in seconds (sent as an integer). */
  readonly windowSeconds?: number | undefined;
  /**
   * `describedObject.kind` / `.apiVersion` when the server's table of well-known resources does not
   * know the resource (custom resources). Built-in resources need neither.
   */
  readonly kind?: string | undefined;
  readonly apiVersion?: string | undefined;
}

/** A source of custom metrics (`custom.metrics.k8s.io` v1beta1 and v1beta2). */
export interface CustomMetricsProvider extends ReadinessCheck {
  /**
   * Every metric currently available, for discovery (`/apis/custom.metrics.k8s.io/<v>`) and to tell
   * "unknown metric" (404) from "no object matched" (empty list). Called often: keep it cheap
   * (answer from a cache your backend refreshes). When it throws, the server logs the error and
   * keeps serving the last list it got.
   */
  listCustomMetrics(request: ProviderRequest): MaybePromise<readonly CustomMetricInfo[]>;

  /**
   * The metric for one object, or `undefined` when there is no value for it (the server answers
   * 404 NotFound).
   */
  getMetricByName(query: CustomMetricObjectQuery): MaybePromise<CustomMetricValue | undefined>;

  /**
   * The metric for every object matching `query.selector` (or named in `query.names`), one value
   * per object, in any order. An empty array is a valid answer: no object had a value.
   */
  getMetricBySelector(query: CustomMetricSelectorQuery): MaybePromise<readonly CustomMetricValue[]>;
}

// ---------------------------------------------------------------------------------------------
// external.metrics.k8s.io

/** One external metric, listed in discovery by name. */
export interface ExternalMetricInfo {
  readonly metric: string;
}

/** `/apis/external.metrics.k8s.io/v1beta1/namespaces/<ns>/<metric>?labelSelector=`. */
export interface ExternalMetricQuery extends ProviderRequest {
  /**
   * The namespace of the asking HPA (never `''`). Use it to scope or authorize what a namespace may
   * read, or ignore it for cluster-wide metrics.
   */
  readonly namespace: string;
  readonly metric: string;
  /** Selects series by the metric's labels; the empty selector selects every series. */
  readonly selector: LabelSelector;
}

/** One series of an external metric. */
export interface ExternalMetricSample {
  /** The metric's labels for this series (`metricLabels` on the wire). */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: Quantity;
  readonly timestamp?: Date | undefined;
  readonly windowSeconds?: number | undefined;
}

/**
 * @deprecated Use {@link ExternalMetricSample}. Kept because docs/writing-a-provider.md named it;
 * `kubemetrics/api` uses the name for the wire type (`external.metrics.k8s.io` ExternalMetricValue).
 */
export type ExternalMetricValue = ExternalMetricSample;

/** A source of external metrics (`external.metrics.k8s.io` v1beta1). */
export interface ExternalMetricsProvider extends ReadinessCheck {
  /** Every external metric for discovery; same caching advice as `listCustomMetrics`. */
  listExternalMetrics(request: ProviderRequest): MaybePromise<readonly ExternalMetricInfo[]>;

  /**
   * Every series of `query.metric` whose labels match `query.selector`. An empty array means no
   * series matched; if the metric is not listed either, the server answers 404.
   */
  getExternalMetric(query: ExternalMetricQuery): MaybePromise<readonly ExternalMetricSample[]>;
}

// ---------------------------------------------------------------------------------------------
// metrics.k8s.io (resource metrics: what `kubectl top` and the HPA's Resource metrics read)

/** A resource name to amount map, e.g. `{ cpu: 250m, memory: 64Mi }` as exact quantities. */
export type ResourceUsage = Readonly<Record<string, Quantity>>;

/** Common part of node and pod usage queries. */
export interface UsageQuery extends ProviderRequest {
  /** `?labelSelector=` on the objects' labels; empty matches everything. */
  readonly selector: LabelSelector;
  /**
   * When defined, answer for these objects only: the one name of a `GET …/<name>`, a
   * `fieldSelector=metadata.name=…`, or the names an `ObjectLister` resolved for `selector` (then
   * `selector` is already applied). When `undefined`, apply `selector` yourself.
   */
  readonly names: readonly string[] | undefined;
}

/** Query for node usage (`/apis/metrics.k8s.io/<v>/nodes[/<name>]`). */
export type NodeUsageQuery = UsageQuery;

/** Query for pod usage (`/pods`, `/namespaces/<ns>/pods[/<name>]`). */
export interface PodUsageQuery extends UsageQuery {
  /** `''` means all namespaces. */
  readonly namespace: string;
}

export interface NodeUsage {
  readonly name: string;
  /** The node's labels, echoed in `metadata.labels`. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly usage: ResourceUsage;
  readonly timestamp?: Date | undefined;
  /** Sample window in seconds; fractions allowed (sent as a Go duration such as `20.5s`). */
  readonly windowSeconds?: number | undefined;
}

export interface ContainerUsage {
  readonly name: string;
  readonly usage: ResourceUsage;
}

export interface PodUsage {
  readonly namespace: string;
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly containers: readonly ContainerUsage[];
  readonly timestamp?: Date | undefined;
  readonly windowSeconds?: number | undefined;
}

/** A source of node and pod usage (`metrics.k8s.io` v1 and v1beta1). */
export interface ResourceMetricsProvider extends ReadinessCheck {
  /** Usage of the nodes asked for; nodes without data are left out (a `GET` for one answers 404). */
  getNodeUsage(query: NodeUsageQuery): MaybePromise<readonly NodeUsage[]>;
  /** Usage of the pods asked for; pods without data are left out. */
  getPodUsage(query: PodUsageQuery): MaybePromise<readonly PodUsage[]>;
}

/** The providers a server serves; each configured one enables its API group. */
export interface MetricsProviders {
  readonly custom?: CustomMetricsProvider | undefined;
  readonly external?: ExternalMetricsProvider | undefined;
  readonly resource?: ResourceMetricsProvider | undefined;
}
