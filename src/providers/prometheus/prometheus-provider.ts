/**
 * The Prometheus provider: custom, external and resource metrics served from Prometheus with a
 * prometheus-adapter config (adapter-config.ts), for the metrics API server.
 *
 * Lifecycle: `start()` runs the first discovery and then re-discovers on an interval (default
 * 1 min); `refresh()` does it on demand. Readiness follows Prometheus: it turns false on the first
 * failed discovery or query because Prometheus is unreachable or failing, a probe then asks every
 * few seconds, and the first success turns it true again and re-runs discovery, so the server
 * recovers without a restart. Requests made while Prometheus is down get 503 naming its URL.
 */
import { StatusError } from '../../apiserver/index.js';
import type {
  CustomMetricInfo,
  CustomMetricObjectQuery,
  CustomMetricSelectorQuery,
  CustomMetricValue,
  CustomMetricsProvider,
  ExternalMetricInfo,
  ExternalMetricQuery,
  ExternalMetricSample,
  ExternalMetricsProvider,
  Logger,
  NodeUsage,
  NodeUsageQuery,
  PodUsage,
  PodUsageQuery,
  ResourceMetricsProvider,
} from '../../apiserver/index.js';
import { formatGroupResource } from '../../apiserver/index.js';
import type { LabelSelector } from '../../api/index.js';
import type { AdapterConfig } from './adapter-config.js';
import { customKey, discover, type DiscoveryResult } from './discovery.js';
import { queryCustomMetric, queryExternalMetric, type QueryContext } from './metric-queries.js';
import {
  PrometheusHttp,
  PrometheusUnavailableError,
  type PrometheusConnectionOptions,
} from './prometheus-http.js';
import { QueryRunner, type Trace } from './query-runner.js';
import { normalizeResource } from './resource-names.js';
import { queryNodeUsage, queryPodUsage } from './usage-queries.js';

export interface PrometheusProviderOptions {
  readonly connection: PrometheusConnectionOptions;
  readonly config: AdapterConfig;
  /** How often series are re-discovered (default 60 s, the adapter's `--metrics-relist-interval`). */
  readonly discoveryIntervalMs?: number | undefined;
  /** Series with samples in this window are discovered (default 10 min). */
  readonly seriesMaxAgeMs?: number | undefined;
  /** Identical queries within this window are sent once (default 5 s; 0 disables). */
  readonly queryCacheTtlMs?: number | undefined;
  /** Longest regex of object names in one query; longer lists are split (default 2,000 characters). */
  readonly maxRegexLength?: number | undefined;
  /** Queries of one request in flight at once (default 4). */
  readonly batchConcurrency?: number | undefined;
  /** While Prometheus is down, how often it is probed (default 2 s). */
  readonly probeIntervalMs?: number | undefined;
  readonly logger?: Logger | undefined;
}

export const PROMETHEUS_PROVIDER_DEFAULTS = {
  discoveryIntervalMs: 60_000,
  seriesMaxAgeMs: 600_000,
  queryCacheTtlMs: 5_000,
  maxRegexLength: 2_000,
  batchConcurrency: 4,
  probeIntervalMs: 2_000,
} as const;

const EMPTY_DISCOVERY: DiscoveryResult = {
  custom: new Map(),
  external: new Map(),
  customInfos: [],
  externalInfos: [],
  stats: [],
  conflicts: [],
  at: new Date(0),
  error: undefined,
};

export class PrometheusProvider
  implements CustomMetricsProvider, ExternalMetricsProvider, ResourceMetricsProvider
{
  readonly http: PrometheusHttp;
  readonly config: AdapterConfig;
  readonly #options: Required<Omit<PrometheusProviderOptions, 'logger' | 'connection' | 'config'>>;
  readonly #logger: Logger | undefined;
  readonly #runner: QueryRunner;
  #discovery: DiscoveryResult = EMPTY_DISCOVERY;
  #discovered = false;
  #refreshing: Promise<DiscoveryResult> | undefined;
  #healthy = false;
  #lastError: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #probe: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #lifetime = new AbortController();

  constructor(options: PrometheusProviderOptions) {
    this.config = options.config;
    this.http = new PrometheusHttp(options.connection);
    const D = PROMETHEUS_PROVIDER_DEFAULTS;
    this.#options = {
      discoveryIntervalMs: options.discoveryIntervalMs ?? D.discoveryIntervalMs,
      seriesMaxAgeMs: options.seriesMaxAgeMs ?? D.seriesMaxAgeMs,
      queryCacheTtlMs: options.queryCacheTtlMs ?? D.queryCacheTtlMs,
      maxRegexLength: options.maxRegexLength ?? D.maxRegexLength,
      batchConcurrency: options.batchConcurrency ?? D.batchConcurrency,
      probeIntervalMs: options.probeIntervalMs ?? D.probeIntervalMs,
    };
    this.#logger = options.logger;
    this.#runner = new QueryRunner(this.http, {
      cacheTtlMs: this.#options.queryCacheTtlMs,
      concurrency: this.#options.batchConcurrency,
      onOutcome: (error) => this.#outcome(error),
    });
  }

  /** First discovery (a failure is logged, not thrown: the probe retries), then the interval. */
  async start(): Promise<void> {
    await this.refresh().catch(() => undefined);
    if (this.#stopped) return;
    this.#timer = setInterval(
      () => void this.refresh().catch(() => undefined),
      this.#options.discoveryIntervalMs,
    );
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearInterval(this.#probe);
    this.#lifetime.abort(new Error('the Prometheus provider was stopped'));
    this.#runner.close();
    await this.http.close();
  }

  /** Re-discovers series now (concurrent calls share one run). */
  refresh(): Promise<DiscoveryResult> {
    this.#refreshing ??= this.#discover().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** The last discovery: metrics, per-rule counts, conflicts. */
  get discovery(): DiscoveryResult {
    return this.#discovery;
  }

  /** Why readiness is false, if it is. */
  get lastError(): string | undefined {
    return this.#healthy ? undefined : (this.#lastError ?? 'discovery has not completed yet');
  }

  ready(): boolean {
    return this.#healthy && this.#discovered;
  }

  async #discover(): Promise<DiscoveryResult> {
    const started = performance.now();
    const result = await discover(this.http, this.config, {
      startMs: Date.now() - this.#options.seriesMaxAgeMs,
      signal: this.#lifetime.signal,
    });
    if (result.error !== undefined) {
      this.#outcome(result.error);
      // Keep serving what the last good discovery found.
      if (this.#discovered) {
        this.#logger?.warn(
          { error: (result.error as Error).message },
          'series discovery failed; keeping the last metric list',
        );
        throw result.error as Error;
      }
    } else this.#outcome(undefined);
    this.#discovery = result;
    if (result.error === undefined) this.#discovered = true;
    for (const conflict of result.conflicts)
      this.#logger?.warn({ conflict }, 'two rules produce the same metric');
    this.#logger?.info(
      {
        custom: result.customInfos.length,
        external: result.externalInfos.length,
        ms: Math.round(performance.now() - started),
      },
      'discovered Prometheus series',
    );
    if (result.error !== undefined) throw result.error as Error;
    return result;
  }

  /** Readiness bookkeeping: only "Prometheus is unreachable or failing" makes the provider unready. */
  #outcome(error: unknown): void {
    if (error === undefined) {
      if (!this.#healthy && this.#lastError !== undefined)
        this.#logger?.info({ url: this.http.url }, 'Prometheus is answering again');
      const recovered = !this.#healthy && this.#lastError !== undefined;
      this.#healthy = true;
      clearInterval(this.#probe);
      this.#probe = undefined;
      // The first success after an outage re-runs discovery (the rules may have found nothing).
      if (recovered && !this.#stopped) void this.refresh().catch(() => undefined);
      return;
    }
    if (!(error instanceof PrometheusUnavailableError)) return;
    if (this.#healthy || this.#lastError === undefined)
      this.#logger?.warn({ url: this.http.url, error: error.message }, 'Prometheus is unavailable');
    this.#healthy = false;
    this.#lastError = error.message;
    if (this.#probe === undefined && !this.#stopped) {
      this.#probe = setInterval(() => {
        this.http.query('1', this.#lifetime.signal).then(
          () => this.#outcome(undefined),
          (probeError: unknown) => {
            if (probeError instanceof PrometheusUnavailableError) this.#lastError = probeError.message;
          },
        );
      }, this.#options.probeIntervalMs);
      this.#probe.unref();
    }
  }

  #context(signal: AbortSignal, trace?: Trace): QueryContext {
    return { runner: this.#runner, maxRegexLength: this.#options.maxRegexLength, signal, trace };
  }

  // -------------------------------------------------------------------------------------------
  // custom.metrics.k8s.io

  listCustomMetrics(): readonly CustomMetricInfo[] {
    return this.#discovery.customInfos;
  }

  #customEntry(query: {
    groupResource: { group: string; resource: string };
    namespace: string;
    metric: string;
  }) {
    const resource = normalizeResource(query.groupResource.group, query.groupResource.resource);
    // Metrics about a namespace object arrive with namespace '' and are not namespaced.
    return this.#discovery.custom.get(customKey(resource, query.metric, query.namespace !== ''));
  }

  async getMetricByName(
    query: CustomMetricObjectQuery,
    trace?: Trace,
  ): Promise<CustomMetricValue | undefined> {
    const entry = this.#customEntry(query);
    if (entry === undefined) return undefined;
    const values = await queryCustomMetric(
      { entry, namespace: query.namespace, metricSelector: query.metricSelector, names: [query.name] },
      this.#context(query.signal, trace),
    );
    return values[0];
  }

  async getMetricBySelector(
    query: CustomMetricSelectorQuery,
    trace?: Trace,
  ): Promise<readonly CustomMetricValue[]> {
    const entry = this.#customEntry(query);
    if (entry === undefined) return [];
    const names = resolveNames(query.names, query.selector, formatGroupResource(query.groupResource));
    if (names !== undefined && names.length === 0) return [];
    return queryCustomMetric(
      { entry, namespace: query.namespace, metricSelector: query.metricSelector, names },
      this.#context(query.signal, trace),
    );
  }

  // -------------------------------------------------------------------------------------------
  // external.metrics.k8s.io

  listExternalMetrics(): readonly ExternalMetricInfo[] {
    return this.#discovery.externalInfos;
  }

  async getExternalMetric(
    query: ExternalMetricQuery,
    trace?: Trace,
  ): Promise<readonly ExternalMetricSample[]> {
    const entry = this.#discovery.external.get(query.metric);
    if (entry === undefined) return [];
    return queryExternalMetric(
      { entry, namespace: query.namespace, selector: query.selector },
      this.#context(query.signal, trace),
    );
  }

  // -------------------------------------------------------------------------------------------
  // metrics.k8s.io

  async getNodeUsage(query: NodeUsageQuery, trace?: Trace): Promise<readonly NodeUsage[]> {
    const rules = this.#resourceRules();
    const names = resolveNames(query.names, query.selector, 'nodes');
    if (names !== undefined && names.length === 0) return [];
    return queryNodeUsage(rules, names, this.#context(query.signal, trace));
  }

  async getPodUsage(query: PodUsageQuery, trace?: Trace): Promise<readonly PodUsage[]> {
    const rules = this.#resourceRules();
    const names = resolveNames(query.names, query.selector, 'pods');
    if (names !== undefined && names.length === 0) return [];
    return queryPodUsage(rules, query.namespace, names, this.#context(query.signal, trace));
  }

  #resourceRules(): NonNullable<AdapterConfig['resourceRules']> {
    const rules = this.config.resourceRules;
    if (rules === undefined)
      throw new StatusError(
        404,
        'the Prometheus provider has no resourceRules in its config, so it serves no resource metrics',
      );
    return rules;
  }
}

/**
 * The object names to ask Prometheus about: those the server resolved, or every object for the
 * empty selector. Prometheus does not know Kubernetes labels, so a non-empty selector the server
 * could not resolve (no object lister for this resource) cannot be answered correctly.
 */
function resolveNames(
  names: readonly string[] | undefined,
  selector: LabelSelector,
  resource: string,
): readonly string[] | undefined {
  if (names !== undefined || selector.isEmpty()) return names;
  throw new StatusError(
    500,
    `cannot select ${resource} by labelSelector "${selector.toString()}": Prometheus does not store object labels, and the server has no object lister for ${resource}`,
    { hint: `Add ${resource} to objectLister.resources in the server config (needs cluster access).` },
  );
}
