/**
 * `MetricsClient`: one object per cluster context that reads resource metrics, custom and external
 * metrics, and the core objects reports need (paged). It owns a {@link Transport} (connections,
 * retries, timeouts) and a {@link Discovery} cache.
 */
import { JsonArrayStream } from './json-array-stream.js';
import { CUSTOM_METRICS_GROUP, EXTERNAL_METRICS_GROUP, METRICS_GROUP } from '../api/index.js';
import type { MetricsVersion, Namespace, Node, Pod, VersionInfo } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { checkName, checkNamespace, listPages } from './core-lists.js';
import type { ListOptions, ListPage } from './core-lists.js';
import { loadKubeConfig, resolveConnection } from './credentials.js';
import type { KubeConfig, LoadKubeConfigOptions, ResolvedContext } from './credentials.js';
import {
  customMetricPath,
  customMetricsFromDiscovery,
  decodeCustomMetricValue,
  decodeExternalMetricValue,
  externalMetricPath,
  externalMetricsFromDiscovery,
  namespaceMetricPath,
} from './custom-metrics.js';
import type {
  DiscoveredCustomMetric,
  CustomMetricTarget,
  CustomMetricResult,
  DiscoveredExternalMetric,
  ExternalMetricResult,
} from './custom-metrics.js';
import { Discovery } from './discovery.js';
import { decodeItems, decodeNodeMetrics, decodePodMetrics } from './metrics-model.js';
import type { NodeMetricsResult, PodMetricsResult } from './metrics-model.js';
import { resourceMetricsPath } from './metrics-paths.js';
import type { ResourceMetricsTarget } from './metrics-paths.js';
import { Transport } from './transport.js';
import type { CallOptions, Query, TransportOptions } from './transport.js';

/**
 * Lists up to this many characters are parsed whole (native JSON.parse) instead of scanned item by
 * item (json-array-stream.ts): the PodMetricsList of 15,000 pods (~6.6 MB) still is, the 66 MB one
 * of 150,000 pods is streamed, so memory stays bounded where it matters.
 */
const WHOLE_LIST_BELOW = 8 * 1024 * 1024;

/** Options of {@link MetricsClient}. */
export interface MetricsClientOptions {
  /** Context to use instead of the kubeconfig's current context. */
  readonly context?: string | undefined;
  /** Default deadline per call in ms (30 000); `0` disables it. Each call can override it. */
  readonly timeoutMs?: number | undefined;
  /** Retries for 429/5xx and connection resets on GETs (3). */
  readonly retries?: number | undefined;
  /** Parallel requests for fan-out calls such as {@link MetricsClient.podMetricsForNamespaces} (8). */
  readonly concurrency?: number | undefined;
  /** Lower-level transport tuning (backoff, connections, keep-alive, compression). */
  readonly transport?: Omit<TransportOptions, 'timeoutMs' | 'retries'> | undefined;
  /**
   * @internal Characters of a first list held while discovery has not answered before the guess
   * is given up (default 8 MiB; tests make it small to reach that path with a small list).
   */
  readonly speculationHoldLimit?: number | undefined;
}

/** Options of the resource-metrics list calls. */
export interface MetricsListOptions extends CallOptions {
  readonly labelSelector?: string | undefined;
}

/** Options of {@link MetricsClient.listPodMetrics}. */
export interface PodMetricsListOptions extends MetricsListOptions {
  /** Namespace to list; leave out for all namespaces. */
  readonly namespace?: string | undefined;
  readonly fieldSelector?: string | undefined;
}

/** The entry of a namespace whose request failed, in {@link MetricsClient.podMetricsForNamespaces}. */
export interface NamespaceError {
  readonly kind: 'Error';
  readonly error: KubemetricsError;
  /** HTTP status when the API answered with an error. */
  readonly status?: number;
}

/** Options of {@link MetricsClient.podMetricsForNamespaces}. */
export interface NamespacesOptions extends CallOptions {
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  /** Requests in flight at once (the client's `concurrency`, 8 by default). */
  readonly concurrency?: number | undefined;
}

/** Options of {@link MetricsClient.listPods}. */
export interface PodListOptions<U> extends ListOptions<Pod, U> {
  /** Namespace to list; leave out for all namespaces. */
  readonly namespace?: string | undefined;
}

/** Options of {@link MetricsClient.getCustomMetric}. */
export interface CustomMetricRequest extends CustomMetricTarget, CallOptions {
  /** Name of the described object. */
  readonly name: string;
}

/** Options of {@link MetricsClient.getCustomMetricBySelector}. */
export interface CustomMetricSelectorRequest extends CustomMetricTarget, CallOptions {
  /** Label selector choosing the described objects (e.g. `app=web`). */
  readonly labelSelector: string;
}

/** Options of {@link MetricsClient.getNamespaceCustomMetric}. */
export interface NamespaceMetricRequest extends CallOptions {
  readonly namespace: string;
  readonly metric: string;
  readonly metricLabelSelector?: string | undefined;
}

/** Options of {@link MetricsClient.getExternalMetric}. */
export interface ExternalMetricRequest extends CallOptions {
  readonly namespace: string;
  readonly metric: string;
  readonly metricLabelSelector?: string | undefined;
}

const DEFAULT_CONCURRENCY = 8;

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v <= 0) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `${name} must be a positive integer, got ${String(value)}`,
    );
  }
  return v;
}

/**
 * The metrics.k8s.io version a first list is sent on before discovery has answered (see
 * `#streamWhileDiscovering`): the one metrics-server serves, and the one the API server prefers.
 */
const SPECULATIVE_METRICS_VERSION: MetricsVersion = 'v1beta1';

/** How much of a speculative body (characters) is held while discovery has not answered. */
const SPECULATION_HOLD_LIMIT = WHOLE_LIST_BELOW;

/** The `items` of a list body, handed to `onItem` one by one (held whole below WHOLE_LIST_BELOW). */
function itemParser<T extends object>(path: string, onItem: (item: T) => void): JsonArrayStream<T> {
  return new JsonArrayStream<T>('items', onItem, `GET ${path}: the response`, {
    wholeBelow: WHOLE_LIST_BELOW,
  });
}

/** Ends a list body: the number of items, or a DECODE error when it was not such a document. */
function endItems<T extends object>(parser: JsonArrayStream<T>, url: string): number {
  try {
    parser.end();
  } catch (error) {
    throw new KubemetricsError('KUBEMETRICS_ERR_DECODE', `${(error as Error).message} (${url})`, {
      hint: 'Something other than the Kubernetes API answered: check the server URL of the context and any proxy in front of it.',
      cause: error,
    });
  }
  return parser.count;
}

function call(options: CallOptions): CallOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs };
}

/** Runs `task` over `inputs` with at most `limit` in flight; results keep the input order. */
export async function mapConcurrent<I, O>(
  inputs: readonly I[],
  limit: number,
  task: (input: I, index: number) => Promise<O>,
): Promise<O[]> {
  const results = new Array<O>(inputs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await task(inputs[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}

/**
 * Reads metrics and core objects from one cluster context.
 *
 * @example
 * const client = await MetricsClient.fromKubeConfig({ context: 'prod' });
 * try {
 *   for (const node of await client.listNodeMetrics()) {
 *     console.log(node.name, node.usage.cpu?.toString(), node.usage.memory?.toString());
 *   }
 * } finally {
 *   await client.close();
 * }
 */
export class MetricsClient {
  /** The context, cluster, user and server this client talks to. */
  readonly context: ResolvedContext;
  /** Low-level GETs with this client's retries and timeouts (for paths the client has no method for). */
  readonly transport: Transport;
  /** Served metrics API versions, cached per client. */
  readonly discovery: Discovery;
  readonly #concurrency: number;
  readonly #holdLimit: number;

  /**
   * Builds a client for `kubeConfig`'s current context (or `options.context`). Throws a
   * `KUBEMETRICS_ERR_CONFIG` error when the context, its cluster or its user is missing.
   */
  constructor(kubeConfig: KubeConfig, options: MetricsClientOptions = {}) {
    const connection = resolveConnection(kubeConfig, options.context);
    this.context = connection.resolved;
    this.#concurrency = positiveInteger(options.concurrency, DEFAULT_CONCURRENCY, 'concurrency');
    this.#holdLimit = options.speculationHoldLimit ?? SPECULATION_HOLD_LIMIT;
    this.transport = new Transport(connection, {
      ...options.transport,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.retries === undefined ? {} : { retries: options.retries }),
    });
    this.discovery = new Discovery(this.transport);
  }

  /**
   * Loads the kubeconfig like kubectl (see `loadKubeConfig`) and builds a client for it.
   *
   * @example
   * const client = await MetricsClient.fromKubeConfig({ kubeconfig: '/tmp/kc.yaml', context: 'kind' });
   */
  static fromKubeConfig(options: LoadKubeConfigOptions & MetricsClientOptions = {}): Promise<MetricsClient> {
    // The executor turns a synchronous CONFIG error into a rejection.
    return new Promise((resolve) => resolve(new MetricsClient(loadKubeConfig(options), options)));
  }

  /** Default parallelism of fan-out calls. */
  get concurrency(): number {
    return this.#concurrency;
  }

  /** The namespace of the context (`default` when it names none). */
  get namespace(): string {
    return this.context.namespace;
  }

  /** The version of metrics.k8s.io in use: the server's preferred one (see `Discovery`). */
  metricsVersion(options: CallOptions = {}): Promise<MetricsVersion> {
    return this.discovery.version(METRICS_GROUP, options);
  }

  /** GET `path` and return the parsed JSON, with this client's auth, retries and timeout. */
  getRaw<T = unknown>(path: string, options: CallOptions & { readonly query?: Query } = {}): Promise<T> {
    return this.transport.getJSON<T>({ path, query: options.query, ...call(options) });
  }

  /**
   * GETs a list (`{"items":[…]}`) and hands each item to `onItem` while the body streams in, so a
   * large unpaged list (metrics.k8s.io PodMetrics) is never held whole; resolves with the number
   * of items. A body that is not such a document is a `KUBEMETRICS_ERR_DECODE`.
   */
  async streamItems<T extends object>(
    path: string,
    onItem: (item: T) => void,
    options: CallOptions & { readonly query?: Query } = {},
  ): Promise<number> {
    const parser = itemParser(path, onItem);
    const response = await this.transport.get({
      path,
      query: options.query,
      ...call(options),
      onText: (text) => parser.push(text),
    });
    return endItems(parser, response.url);
  }

  async #metricsPath(options: CallOptions, target: ResourceMetricsTarget): Promise<string> {
    return resourceMetricsPath(await this.metricsVersion(options), target);
  }

  /** Usage of every node (or those matching `labelSelector`). */
  async listNodeMetrics(options: MetricsListOptions = {}): Promise<NodeMetricsResult[]> {
    const path = await this.#metricsPath(options, { kind: 'nodes' });
    const body = await this.getRaw(path, {
      ...call(options),
      query: { labelSelector: options.labelSelector || undefined },
    });
    return decodeItems(body, 'NodeMetricsList', decodeNodeMetrics);
  }

  /** Usage of one node. A node without a sample is a 404 `KubernetesApiError`. */
  async getNodeMetrics(name: string, options: CallOptions = {}): Promise<NodeMetricsResult> {
    checkName(name, 'getNodeMetrics');
    const path = await this.#metricsPath(options, { kind: 'nodes', name });
    return decodeNodeMetrics(await this.getRaw(path, call(options)));
  }

  /** Usage of the pods of one namespace, or of all namespaces when `namespace` is left out. */
  async listPodMetrics(options: PodMetricsListOptions = {}): Promise<PodMetricsResult[]> {
    const namespace =
      options.namespace === undefined ? undefined : checkNamespace(options.namespace, 'listPodMetrics');
    const path = await this.#metricsPath(options, { kind: 'pods', namespace });
    const body = await this.getRaw(path, {
      ...call(options),
      query: {
        labelSelector: options.labelSelector || undefined,
        fieldSelector: options.fieldSelector || undefined,
      },
    });
    return decodeItems(body, 'PodMetricsList', decodePodMetrics);
  }

  /** Usage of one pod. */
  async getPodMetrics(namespace: string, name: string, options: CallOptions = {}): Promise<PodMetricsResult> {
    checkNamespace(namespace, 'getPodMetrics');
    checkName(name, 'getPodMetrics');
    const path = await this.#metricsPath(options, { kind: 'pods', namespace, name });
    return decodePodMetrics(await this.getRaw(path, call(options)));
  }

  /**
   * Hands the NodeMetrics or PodMetrics objects of `target`, as the server sent them, to `onItem`
   * while the body streams in (one named object is read whole), and resolves with their number. For
   * readers that decode each object at once with their own `ResourceMetricsLeaves` (metrics-model.ts) and drop
   * it (reports over 150,000 pods), so no list and no second model is ever held; the version
   * (the server's preferred one) and the path are chosen here like for the decoded calls; a first
   * list does not wait for discovery (see `#streamWhileDiscovering`).
   * Selectors are sent only for lists.
   */
  async streamResourceMetrics(
    target: ResourceMetricsTarget,
    onItem: (item: unknown) => void,
    options: CallOptions & {
      readonly labelSelector?: string | undefined;
      readonly fieldSelector?: string | undefined;
    } = {},
  ): Promise<number> {
    if (target.name !== undefined) checkName(target.name, 'streamResourceMetrics');
    if (target.kind === 'pods' && target.namespace !== undefined) {
      checkNamespace(target.namespace, 'streamResourceMetrics');
    }
    const query = {
      labelSelector: options.labelSelector || undefined,
      fieldSelector: target.kind === 'pods' ? options.fieldSelector || undefined : undefined,
    };
    if (
      target.name === undefined &&
      this.discovery.known(METRICS_GROUP) === undefined &&
      !this.discovery.failedLastTime(METRICS_GROUP)
    ) {
      return this.#streamWhileDiscovering(target, onItem, { ...call(options), query });
    }
    const path = await this.#metricsPath(options, target);
    if (target.name !== undefined) {
      onItem(await this.getRaw(path, call(options)));
      return 1;
    }
    return this.streamItems<object>(path, onItem, { ...call(options), query });
  }

  /**
   * A first list read while the metrics version is not known yet: the list is sent on the version
   * every metrics-server serves (v1beta1) at the same time as the discovery request, instead of
   * after it, which saves a round trip to the API server (kubectl saves it with its on-disk
   * discovery cache). The body is held back until discovery confirms that version, so nothing is
   * handed to `onItem` that the version choice would not have read. When discovery picks another
   * version, or takes so long that more than SPECULATION_HOLD_LIMIT characters pile up, the guess
   * is aborted and the list read again on the discovered version; a discovery error is the error.
   */
  async #streamWhileDiscovering(
    target: ResourceMetricsTarget,
    onItem: (item: unknown) => void,
    options: CallOptions & { readonly query: Query },
  ): Promise<number> {
    const discovered = this.metricsVersion(options);
    const path = resourceMetricsPath(SPECULATIVE_METRICS_VERSION, target);
    const parser = itemParser<object>(path, onItem);
    const abandon = new AbortController();
    // 'holding' until discovery answers; 'dropped' once too much piled up (the guess is aborted
    // and its text thrown away); 'passing' once v1beta1 is confirmed.
    // (Asserted, not annotated: the callback changes it, which TypeScript's narrowing cannot see.)
    let state = 'holding' as 'holding' | 'dropped' | 'passing';
    let held: string[] = [];
    let heldChars = 0;
    const guess = this.transport
      .get({
        path,
        query: options.query,
        timeoutMs: options.timeoutMs,
        signal:
          options.signal === undefined ? abandon.signal : AbortSignal.any([options.signal, abandon.signal]),
        onText: (text) => {
          if (state === 'passing') parser.push(text);
          else if (state === 'holding') {
            held.push(text);
            heldChars += text.length;
            if (heldChars > this.#holdLimit) {
              state = 'dropped';
              held = [];
              abandon.abort();
            }
          }
        },
      })
      .then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      );
    let version: MetricsVersion;
    try {
      version = await discovered;
    } catch (error) {
      abandon.abort();
      await guess;
      throw error;
    }
    if (version !== SPECULATIVE_METRICS_VERSION || state === 'dropped') {
      abandon.abort();
      await guess;
      return this.streamItems<object>(resourceMetricsPath(version, target), onItem, options);
    }
    state = 'passing';
    for (const text of held) parser.push(text);
    held = [];
    const outcome = await guess;
    if ('error' in outcome) throw outcome.error;
    return endItems(parser, outcome.response.url);
  }

  /**
   * Pod usage for several namespaces, `concurrency` at a time. A namespace that fails gets an
   * `{ kind: 'Error', error, status? }` entry instead of failing the others. Aborting `signal`
   * rejects the whole call.
   */
  async podMetricsForNamespaces(
    namespaces: readonly string[],
    options: NamespacesOptions = {},
  ): Promise<Map<string, PodMetricsResult[] | NamespaceError>> {
    const limit = positiveInteger(options.concurrency, this.#concurrency, 'concurrency');
    const unique = [...new Set(namespaces)];
    const results = await mapConcurrent(unique, limit, async (namespace) => {
      try {
        return await this.listPodMetrics({ ...options, namespace });
      } catch (error) {
        if (options.signal?.aborted === true) throw error;
        if (!(error instanceof KubemetricsError)) throw error;
        const status = (error as { status?: unknown }).status;
        const entry: NamespaceError =
          typeof status === 'number' ? { kind: 'Error', error, status } : { kind: 'Error', error };
        return entry;
      }
    });
    return new Map(unique.map((ns, i) => [ns, results[i]!]));
  }

  /** Pages of nodes. */
  listNodes<U = Node>(options: ListOptions<Node, U> = {}): AsyncIterable<ListPage<U>> {
    return listPages(this.transport, '/api/v1/nodes', options);
  }

  /** Pages of pods of one namespace, or of all namespaces when `namespace` is left out. */
  listPods<U = Pod>(options: PodListOptions<U> = {}): AsyncIterable<ListPage<U>> {
    const path =
      options.namespace === undefined
        ? '/api/v1/pods'
        : `/api/v1/namespaces/${encodeURIComponent(checkNamespace(options.namespace, 'listPods'))}/pods`;
    return listPages(this.transport, path, options);
  }

  /** Pages of namespaces. */
  listNamespaces<U = Namespace>(options: ListOptions<Namespace, U> = {}): AsyncIterable<ListPage<U>> {
    return listPages(this.transport, '/api/v1/namespaces', options);
  }

  /** One node, as the server sent it. */
  getNode(name: string, options: CallOptions = {}): Promise<Node> {
    checkName(name, 'getNode');
    return this.getRaw<Node>(`/api/v1/nodes/${encodeURIComponent(name)}`, call(options));
  }

  /** One pod, as the server sent it. */
  getPod(namespace: string, name: string, options: CallOptions = {}): Promise<Pod> {
    checkNamespace(namespace, 'getPod');
    checkName(name, 'getPod');
    return this.getRaw<Pod>(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
      call(options),
    );
  }

  /** `GET /version`: the API server's build. */
  getVersion(options: CallOptions = {}): Promise<VersionInfo> {
    return this.getRaw<VersionInfo>('/version', call(options));
  }

  /**
   * One custom metric of one object, e.g. `{ resource: 'pods', namespace: 'web', name: 'web-0',
   * metric: 'http_requests' }`. Leave `namespace` out for cluster-scoped resources.
   */
  async getCustomMetric(request: CustomMetricRequest): Promise<CustomMetricResult> {
    checkName(request.name, 'getCustomMetric');
    const values = await this.#customMetric(request, request.name);
    const first = values[0];
    if (first === undefined) {
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_DECODE',
        `custom metric "${request.metric}" of ${request.resource ?? 'pods'} "${request.name}": the server returned an empty list`,
        { hint: 'The adapter answered without a value; check its configuration for this metric.' },
      );
    }
    return first;
  }

  /** One custom metric of every object matching `labelSelector` (name `*`). */
  getCustomMetricBySelector(request: CustomMetricSelectorRequest): Promise<CustomMetricResult[]> {
    return this.#customMetric(request, '*', request.labelSelector);
  }

  async #customMetric(
    target: CustomMetricTarget & CallOptions,
    name: string,
    labelSelector?: string,
  ): Promise<CustomMetricResult[]> {
    if (target.namespace !== undefined) checkNamespace(target.namespace, 'custom metric');
    checkName(target.metric, 'custom metric');
    const version = await this.discovery.version(CUSTOM_METRICS_GROUP, target);
    const body = await this.getRaw(customMetricPath(version, target, name), {
      ...call(target),
      query: { labelSelector, metricLabelSelector: target.metricLabelSelector || undefined },
    });
    return decodeItems(body, 'MetricValueList', decodeCustomMetricValue);
  }

  /** A custom metric that describes a namespace itself (`/namespaces/<ns>/metrics/<metric>`). */
  async getNamespaceCustomMetric(request: NamespaceMetricRequest): Promise<CustomMetricResult[]> {
    checkNamespace(request.namespace, 'getNamespaceCustomMetric');
    checkName(request.metric, 'getNamespaceCustomMetric');
    const version = await this.discovery.version(CUSTOM_METRICS_GROUP, request);
    const body = await this.getRaw(namespaceMetricPath(version, request.namespace, request.metric), {
      ...call(request),
      query: { metricLabelSelector: request.metricLabelSelector || undefined },
    });
    return decodeItems(body, 'MetricValueList', decodeCustomMetricValue);
  }

  /** Values of an external metric in a namespace. */
  async getExternalMetric(request: ExternalMetricRequest): Promise<ExternalMetricResult[]> {
    checkNamespace(request.namespace, 'getExternalMetric');
    checkName(request.metric, 'getExternalMetric');
    const version = await this.discovery.version(EXTERNAL_METRICS_GROUP, request);
    const body = await this.getRaw(externalMetricPath(version, request.namespace, request.metric), {
      ...call(request),
      // external.metrics.k8s.io takes the metric's selector as `labelSelector` (k8s.io/metrics
      // external_metrics client `List`), not `metricLabelSelector` as custom metrics do.
      query: { labelSelector: request.metricLabelSelector || undefined },
    });
    return decodeItems(body, 'ExternalMetricValueList', decodeExternalMetricValue);
  }

  /** The metrics the custom metrics API serves (from discovery, cached). */
  async listCustomMetrics(options: CallOptions = {}): Promise<DiscoveredCustomMetric[]> {
    const version = await this.discovery.version(CUSTOM_METRICS_GROUP, options);
    return customMetricsFromDiscovery(await this.discovery.resources(CUSTOM_METRICS_GROUP, version, options));
  }

  /** The metrics the external metrics API serves (from discovery, cached). */
  async listExternalMetrics(options: CallOptions = {}): Promise<DiscoveredExternalMetric[]> {
    const version = await this.discovery.version(EXTERNAL_METRICS_GROUP, options);
    return externalMetricsFromDiscovery(
      await this.discovery.resources(EXTERNAL_METRICS_GROUP, version, options),
    );
  }

  /** Closes the client's connections. In-flight requests finish first; later calls are rejected. */
  close(): Promise<void> {
    return this.transport.close();
  }
}
