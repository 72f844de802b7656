/**
 * The service's live picture of a cluster: nodes and pods kept by the client layer's
 * {@link Informer} (list + watch, bookmarks, idle timeout, backoff, fallback to periodic lists),
 * as trimmed report records; node and pod metrics refreshed on an interval (metrics.k8s.io has
 * no watch). HTTP handlers read only this memory, so no request ever causes a call to the API
 * server.
 *
 * Trouble is never hidden behind an empty-looking cluster: {@link CacheHealth} carries whether
 * the data was ever synced, the current cause of a failure per source (`nodes`, `pods`,
 * `metrics`) and the seconds since the data was last known current — a silent watch included —
 * and every change of a source's state is one {@link CacheTransition} (`onTransition`), which
 * the CLI logs as one line.
 */
import { EventEmitter } from 'node:events';
import type { Node, NodeMetrics, Pod, PodMetrics } from '../api/index.js';
import {
  classifyFailure,
  Informer,
  isKubernetesApiError,
  listWatchSource,
  type Connection,
  type FailureReason,
  type InformerStatus,
  type InformerStore,
  type InformerTransitionType,
  type MetricsClient,
} from '../client/index.js';
import {
  createRecordTrimmer,
  podKey,
  type NodeRecord,
  type NodeUsageRecord,
  type PodRecord,
  type PodUsageRecord,
  type RecordTrimmer,
  type ReportInput,
} from '../report/index.js';

/** The collections the cache watches. */
export type CachedResource = 'nodes' | 'pods';

/** Where the cache's data comes from: the two collections and metrics.k8s.io. */
export type CacheSource = CachedResource | 'metrics';

/** What the HTTP layer reads: records, freshness and change notifications. */
export interface ClusterView {
  /** The current records; the same object until the next change. */
  records(): CacheRecords;
  /** Freshness and health, computed now. */
  health(): CacheHealth;
  /** Called after every change with the new generation; returns an unsubscribe function. */
  onChange(listener: (generation: number) => void): () => void;
}

/** Report input plus a generation number that changes with every update. */
export interface CacheRecords extends ReportInput {
  readonly nodes: readonly NodeRecord[];
  readonly pods: readonly PodRecord[];
  readonly nodeMetrics: ReadonlyMap<string, NodeUsageRecord>;
  readonly podMetrics: ReadonlyMap<string, PodUsageRecord>;
  /** Increases on every change; lets readers cache what they compute from the records. */
  readonly generation: number;
}

/** Per-collection state of the list + watch loop. */
export interface InformerHealth {
  /** A list completed at least once. */
  readonly synced: boolean;
  /** A watch is open (or a list succeeded and the watch is starting). */
  readonly connected: boolean;
  /** Failed lists and watches since start (each retried with backoff). */
  readonly reconnects: number;
  /** Lists after the first one (410 Gone, a failure, or the periodic lists of the fallback). */
  readonly relists: number;
  readonly objects: number;
  /** Objects left out because they could not be decoded (see `lastError`). */
  readonly skipped: number;
  /** The current failure's cause, else the last object left out; undefined when all is well. */
  readonly lastError: string | undefined;
  /** `syncing`, `listed`, `watching`, `polling` (watch not allowed) or `failing`. */
  readonly state: InformerStatus['state'];
  /** The class of the current failure (`unreachable`, `unauthorized`, `watch-idle`, ...). */
  readonly failure: FailureReason | undefined;
  /** Periodic lists instead of a watch. */
  readonly fallback: boolean;
  /** Epoch ms of the last list, event, bookmark or stream the server ended. */
  readonly lastSuccess: number | undefined;
  /** Seconds since `lastSuccess`: grows while a watch is silent. */
  readonly staleSeconds: number | undefined;
}

/** Freshness of the cache; `stale` drives the dashboard warning and `/readyz`. */
export interface CacheHealth {
  /** `live` (list + watch) or `snapshot` (a saved file, read-only). */
  readonly mode: 'live' | 'snapshot';
  readonly nodes: InformerHealth;
  readonly pods: InformerHealth;
  /** Epoch ms of the last successful metrics refresh; `undefined` before the first. */
  readonly metricsRefreshedAt: number | undefined;
  /** False when metrics.k8s.io is not served (no metrics-server): usage is then unknown, never 0. */
  readonly metricsAvailable: boolean;
  readonly metricsError: string | undefined;
  readonly metricsIntervalMs: number;
  /** Seconds since the data was last known current (the older of metrics and watch state). */
  readonly ageSeconds: number | undefined;
  /** Not synced, a watch down or silent, or metrics older than 3 intervals. */
  readonly stale: boolean;
  /** Both collections listed and metrics fresher than 3 intervals. */
  readonly ready: boolean;
  /** Why not ready or stale, for `/readyz`. */
  readonly reasons: readonly string[];
  /** Both collections listed at least once: before that no answer may look like a cluster. */
  readonly synced: boolean;
  /** The first current failure, naming its source (`pods: ...`); undefined when all is well. */
  readonly lastError: string | undefined;
  /** Epoch ms the cluster data was last known current (the older collection). */
  readonly lastSuccess: number | undefined;
  /** Seconds since `lastSuccess`, a silent watch included; undefined before the first sync. */
  readonly staleSeconds: number | undefined;
  /** Each source: up (serving current data) or failing, with the class of failure. */
  readonly sources: Readonly<Record<CacheSource, SourceHealth>>;
}

/** One source's state, for `/metrics`. */
export interface SourceHealth {
  readonly up: boolean;
  /** Why not up: a failure class, `syncing`, `stale` (silent), or `not-served` (no metrics API). */
  readonly reason: FailureReason | 'syncing' | 'stale' | 'not-served' | undefined;
}

/** One change of a source's state: a log line. */
export interface CacheTransition {
  readonly source: CacheSource;
  /** The informer's transition types; `unavailable` when metrics.k8s.io is not served. */
  readonly type: InformerTransitionType | 'unavailable';
  /** The informer's previous state (`syncing`, `listed`, `watching`, `polling`, `failing`). */
  readonly previous?: InformerStatus['state'] | undefined;
  readonly reason?: FailureReason | undefined;
  readonly cause?: string | undefined;
  readonly retryInMs?: number | undefined;
  readonly downMs?: number | undefined;
}

/** Options of {@link ClusterCache}. */
export interface ClusterCacheOptions {
  /** Lists and metrics go through this client (its retries and timeouts). */
  readonly client: MetricsClient;
  /** Watches open on this connection (`resolveConnection` of the same kubeconfig). */
  readonly connection: Connection;
  /** Metrics refresh interval in ms (default 15 000). */
  readonly metricsIntervalMs?: number | undefined;
  /** First reconnect delay in ms (default 800, client-go's), doubled per failure up to `maxBackoffMs`. */
  readonly initialBackoffMs?: number | undefined;
  /** Largest reconnect step in ms (default 30 000; a wait adds up to one step of jitter). */
  readonly maxBackoffMs?: number | undefined;
  /** Server-side lifetime of one watch stream in seconds (default: the watch's 300–600). */
  readonly watchTimeoutSeconds?: number | undefined;
  /** Interval of the periodic lists when the watch is not allowed, in ms (default 60 000). */
  readonly fallbackIntervalMs?: number | undefined;
  /** Page size of lists (default 500). */
  readonly pageSize?: number | undefined;
  /**
   * With more pods than this in the cache, PodMetrics are read one namespace at a time (two
   * requests in flight) instead of in one all-namespaces list (default 20 000). metrics.k8s.io has
   * no paging, and the one list of a 150 000-pod cluster is a 66 MB body that, decoded all at
   * once, takes ~400 MB; per namespace the service holds one namespace's answer at a time.
   * Costs one request per namespace with pods per refresh. `Infinity` = always one list.
   */
  readonly podMetricsPerNamespaceAbove?: number | undefined;
  /** Clock, for tests. */
  readonly now?: (() => number) | undefined;
}

const DEFAULT_INTERVAL_MS = 15_000;
const DEFAULT_PER_NAMESPACE_ABOVE = 20_000;
/** PodMetrics requests in flight at once when reading per namespace. */
const PER_NAMESPACE_CONCURRENCY = 2;
const STALE_INTERVALS = 3;

/** One collection: its informer, the records it keeps, and the objects it left out. */
class Collection<T extends Node | Pod, R> implements InformerStore<R> {
  readonly items = new Map<string, R>();
  readonly informer: Informer<T, R>;
  skipped = 0;
  lastSkip: string | undefined;

  constructor(
    readonly resource: CachedResource,
    make: (collection: Collection<T, R>) => Informer<T, R>,
  ) {
    this.informer = make(this);
  }

  replace(items: ReadonlyMap<string, R>): void {
    this.items.clear();
    for (const [key, value] of items) this.items.set(key, value);
  }

  upsert(key: string, item: R): void {
    this.items.set(key, item);
  }

  delete(key: string): void {
    this.items.delete(key);
  }

  /**
   * One object into its record. An object the engine cannot decode (a malformed quantity) is left
   * out and reported in `health()`, instead of failing the whole list + watch loop over and over.
   */
  trimmer(trim: (object: T) => R): (object: T) => R | undefined {
    return (object) => {
      try {
        return trim(object);
      } catch (error) {
        this.skipped++;
        this.lastSkip = message(error);
        return undefined;
      }
    };
  }

  health(now: number): InformerHealth {
    const status = this.informer.status();
    return {
      synced: status.synced,
      connected: status.state === 'watching' || status.state === 'listed',
      reconnects: status.failures,
      relists: Math.max(0, status.lists - 1),
      skipped: this.skipped,
      objects: this.items.size,
      lastError: status.lastError ?? this.lastSkip,
      state: status.state,
      failure: status.lastErrorReason,
      fallback: status.fallback,
      lastSuccess: status.lastSuccessAt,
      staleSeconds:
        status.lastSuccessAt === undefined ? undefined : Math.max(0, now - status.lastSuccessAt) / 1000,
    };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** What a source's state says about the data, for `reasons`. */
function informerReason(resource: CachedResource, status: InformerStatus): string | undefined {
  if (status.state === 'syncing')
    return status.lastError === undefined
      ? `${resource} not listed yet`
      : `${resource} not listed yet: ${status.lastError}`;
  if (status.state === 'failing')
    return `${resource} ${status.lastErrorReason ?? 'failing'}: ${status.lastError ?? ''}`;
  if (status.stale && status.staleMs !== undefined)
    return `${resource}: no event or list for ${Math.round(status.staleMs / 1000)}s`;
  return undefined;
}

/**
 * A live cache of one cluster. `start()` begins listing and watching; `stop()` ends every loop.
 * Events: `change` (generation) after any update, `transition` on a change of a source's state.
 */
export class ClusterCache implements ClusterView {
  readonly #client: MetricsClient;
  readonly #intervalMs: number;
  readonly #perNamespaceAbove: number;
  readonly #now: () => number;
  readonly #trimmer: RecordTrimmer = createRecordTrimmer();
  readonly #events = new EventEmitter();
  readonly #nodes: Collection<Node, NodeRecord>;
  readonly #pods: Collection<Pod, PodRecord>;
  #nodeMetrics = new Map<string, NodeUsageRecord>();
  #podMetrics = new Map<string, PodUsageRecord>();
  #metricsRefreshedAt: number | undefined;
  #metricsAvailable = true;
  #metricsError: string | undefined;
  #metricsFailure: FailureReason | undefined;
  #metricsFailingSince: number | undefined;
  #generation = 0;
  #records: CacheRecords | undefined;
  #controller: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: ClusterCacheOptions) {
    this.#client = options.client;
    this.#intervalMs = positive(options.metricsIntervalMs, DEFAULT_INTERVAL_MS, 'metricsIntervalMs');
    this.#perNamespaceAbove =
      options.podMetricsPerNamespaceAbove === Infinity
        ? Infinity
        : positive(
            options.podMetricsPerNamespaceAbove,
            DEFAULT_PER_NAMESPACE_ABOVE,
            'podMetricsPerNamespaceAbove',
          );
    this.#now = options.now ?? Date.now;
    this.#events.setMaxListeners(0);
    const source = listWatchSource(options.client.transport, options.connection);
    const common = {
      source,
      pageSize: options.pageSize,
      watchTimeoutSeconds: options.watchTimeoutSeconds,
      fallbackIntervalMs: options.fallbackIntervalMs,
      backoff: {
        initialMs: positive(options.initialBackoffMs, 800, 'initialBackoffMs'),
        maxMs: positive(options.maxBackoffMs, 30_000, 'maxBackoffMs'),
      },
      onChange: () => this.#changed(),
    };
    const trimmer = this.#trimmer;
    this.#nodes = new Collection<Node, NodeRecord>(
      'nodes',
      (collection) =>
        new Informer<Node, NodeRecord>({
          ...common,
          name: 'nodes',
          path: '/api/v1/nodes',
          keyOf: (node) => node.metadata.name ?? '',
          transform: collection.trimmer((node) => trimmer.trimNode(node)),
          store: collection,
          onTransition: (t) => this.#transition({ ...t, source: 'nodes' }),
        }),
    );
    this.#pods = new Collection<Pod, PodRecord>(
      'pods',
      (collection) =>
        new Informer<Pod, PodRecord>({
          ...common,
          name: 'pods',
          path: '/api/v1/pods',
          keyOf: (pod) => podKey(pod.metadata.namespace ?? '', pod.metadata.name ?? ''),
          transform: collection.trimmer((pod) => trimmer.trimPod(pod)),
          store: collection,
          onTransition: (t) => this.#transition({ ...t, source: 'pods' }),
        }),
    );
  }

  /** Starts the informers and the metrics refresher; idempotent. */
  start(): void {
    if (this.#controller !== undefined) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#nodes.informer.start();
    this.#pods.informer.start();
    this.#loop = this.#runMetrics(controller.signal);
  }

  /** Stops every loop and waits for them to end. */
  async stop(): Promise<void> {
    this.#controller?.abort();
    await Promise.all([this.#nodes.informer.stop(), this.#pods.informer.stop(), this.#loop]);
  }

  /** Called on every change of a source's state; returns an unsubscribe function. */
  onTransition(listener: (transition: CacheTransition) => void): () => void {
    this.#events.on('transition', listener);
    return () => this.#events.off('transition', listener);
  }

  #transition(transition: CacheTransition): void {
    this.#events.emit('transition', transition);
  }

  /** Refreshes metrics now (also done on the interval). Never throws; failures land in `health()`. */
  async refreshMetrics(signal?: AbortSignal): Promise<void> {
    try {
      const nodeMetrics = new Map<string, NodeUsageRecord>();
      const [, podMetrics] = await Promise.all([
        this.#client.streamResourceMetrics(
          { kind: 'nodes' },
          (item) => {
            const usage = this.#trimmer.trimNodeMetrics(item as NodeMetrics);
            nodeMetrics.set(usage.name, usage);
          },
          { signal },
        ),
        this.#readPodMetrics(signal),
      ]);
      this.#nodeMetrics = nodeMetrics;
      this.#podMetrics = podMetrics;
      const before = this.#metricsRefreshedAt;
      const wasAvailable = this.#metricsAvailable;
      this.#metricsAvailable = true;
      this.#metricsError = undefined;
      this.#metricsRefreshedAt = this.#now();
      if (this.#metricsFailure !== undefined || !wasAvailable) {
        const since = this.#metricsFailingSince;
        this.#metricsFailure = undefined;
        this.#metricsFailingSince = undefined;
        this.#transition({
          source: 'metrics',
          type: 'recovered',
          downMs: since === undefined ? undefined : this.#now() - since,
        });
      } else if (before === undefined) this.#transition({ source: 'metrics', type: 'synced' });
      this.#changed();
    } catch (error) {
      if (signal?.aborted === true) return;
      if (isKubernetesApiError(error) && error.status === 404) {
        // No metrics API (no metrics-server): a known state, not a failure. Usage is unknown.
        this.#nodeMetrics = new Map();
        this.#podMetrics = new Map();
        this.#metricsError = `metrics.k8s.io is not served: ${message(error)}`;
        this.#metricsRefreshedAt = this.#now();
        if (this.#metricsAvailable)
          this.#transition({
            source: 'metrics',
            type: 'unavailable',
            reason: 'not-found',
            cause: this.#metricsError,
          });
        this.#metricsAvailable = false;
        this.#metricsFailure = undefined;
        this.#changed();
        return;
      }
      // Keep the last metrics: they age, and turn stale after 3 intervals.
      const failure = classifyFailure(error, false);
      this.#metricsError = failure.message;
      this.#metricsFailingSince ??= this.#now();
      if (failure.reason !== this.#metricsFailure)
        this.#transition({
          source: 'metrics',
          type: 'failing',
          reason: failure.reason,
          cause: failure.message,
          retryInMs: this.#intervalMs,
        });
      this.#metricsFailure = failure.reason;
      this.#changed();
    }
  }

  /**
   * PodMetrics of every namespace: one list, or one namespace at a time for a large cluster (see
   * `podMetricsPerNamespaceAbove`). The lists are read raw and trimmed item by item (the client's
   * decoded model, parsed quantities next to raw strings, would be thrown away at once), and each
   * namespace's answer is trimmed before the next is read. A failed namespace fails the refresh
   * (the last metrics are kept), as a failed single list would.
   */
  async #readPodMetrics(signal: AbortSignal | undefined): Promise<Map<string, PodUsageRecord>> {
    const podMetrics = new Map<string, PodUsageRecord>();
    const read = async (namespace: string | undefined): Promise<void> => {
      await this.#client.streamResourceMetrics(
        { kind: 'pods', namespace },
        (item) => {
          const usage = this.#trimmer.trimPodMetrics(item as PodMetrics);
          podMetrics.set(podKey(usage.namespace, usage.name), usage);
        },
        { signal },
      );
    };
    const pods = this.#pods.items;
    if (!this.#pods.informer.synced || pods.size <= this.#perNamespaceAbove) {
      await read(undefined);
      return podMetrics;
    }
    const namespaces = [...new Set(Array.from(pods.values(), (pod) => pod.namespace))].sort();
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < namespaces.length) {
        const namespace = namespaces[next++]!;
        try {
          await read(namespace);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: PER_NAMESPACE_CONCURRENCY }, worker));
    return podMetrics;
  }

  records(): CacheRecords {
    this.#records ??= {
      nodes: [...this.#nodes.items.values()],
      pods: [...this.#pods.items.values()],
      nodeMetrics: this.#nodeMetrics,
      podMetrics: this.#podMetrics,
      generation: this.#generation,
    };
    return this.#records;
  }

  health(): CacheHealth {
    const now = this.#now();
    const reasons: string[] = [];
    const statuses = [this.#nodes, this.#pods].map((c) => ({ c, status: c.informer.status() }));
    for (const { c, status } of statuses) {
      const reason = informerReason(c.resource, status);
      if (reason !== undefined) reasons.push(reason);
    }
    const limit = STALE_INTERVALS * this.#intervalMs;
    const metricsAt = this.#metricsRefreshedAt;
    const metricsFresh = metricsAt !== undefined && now - metricsAt <= limit;
    if (metricsAt === undefined)
      reasons.push(
        this.#metricsError === undefined
          ? 'metrics not refreshed yet'
          : `metrics not refreshed yet: ${this.#metricsError}`,
      );
    else if (!metricsFresh)
      reasons.push(
        `metrics last refreshed ${Math.round((now - metricsAt) / 1000)}s ago (limit ${limit / 1000}s)${this.#metricsError === undefined ? '' : `: ${this.#metricsError}`}`,
      );
    const synced = statuses.every(({ status }) => status.synced);
    // Current as of now while an informer is healthy; else as of its last list or event.
    const currentAt = statuses.map(({ status }) => (status.stale ? (status.lastSuccessAt ?? now) : now));
    const since = Math.min(metricsAt ?? now, ...currentAt);
    const successes = statuses.flatMap(({ status }) => status.lastSuccessAt ?? []);
    const lastSuccess = successes.length === statuses.length ? Math.min(...successes) : undefined;
    const failing = statuses.find(({ status }) => status.lastError !== undefined);
    const lastError =
      failing !== undefined
        ? `${failing.c.resource}: ${failing.status.lastError ?? ''}`
        : this.#metricsFailure !== undefined
          ? `metrics: ${this.#metricsError ?? ''}`
          : undefined;
    const sourceOf = (status: InformerStatus): SourceHealth => {
      const up = status.synced && status.state !== 'failing' && !status.stale;
      return {
        up,
        reason: up ? undefined : (status.lastErrorReason ?? (status.synced ? 'stale' : 'syncing')),
      };
    };
    return {
      mode: 'live',
      nodes: this.#nodes.health(now),
      pods: this.#pods.health(now),
      metricsRefreshedAt: metricsAt,
      metricsAvailable: this.#metricsAvailable,
      metricsError: this.#metricsError,
      metricsIntervalMs: this.#intervalMs,
      ageSeconds: synced || metricsAt !== undefined ? Math.max(0, (now - since) / 1000) : undefined,
      stale: reasons.length > 0,
      ready: synced && metricsFresh,
      reasons,
      synced,
      lastError,
      lastSuccess,
      staleSeconds: lastSuccess === undefined ? undefined : Math.max(0, now - lastSuccess) / 1000,
      sources: {
        nodes: sourceOf(statuses[0]!.status),
        pods: sourceOf(statuses[1]!.status),
        metrics: {
          up: this.#metricsFailure === undefined && this.#metricsAvailable && metricsFresh,
          reason: !this.#metricsAvailable
            ? 'not-served'
            : (this.#metricsFailure ??
              (metricsAt === undefined ? 'syncing' : metricsFresh ? undefined : 'stale')),
        },
      },
    };
  }

  onChange(listener: (generation: number) => void): () => void {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }

  #changed(): void {
    this.#generation++;
    this.#records = undefined;
    this.#events.emit('change', this.#generation);
  }

  async #runMetrics(signal: AbortSignal): Promise<void> {
    // The first refresh waits (at most one interval) for the pod list, which tells how to read
    // PodMetrics (one list or per namespace) and which namespaces there are.
    await this.#pods.informer.waitForSync(this.#intervalMs, signal);
    while (!signal.aborted) {
      await this.refreshMetrics(signal);
      await sleep(this.#intervalMs, signal);
    }
  }
}

/**
 * A read-only view of fixed records (a saved snapshot): always synced; its age is the time since
 * the snapshot was taken, and it is stale by definition once older than 3 intervals.
 */
export class StaticClusterView implements ClusterView {
  readonly #records: CacheRecords;
  readonly #collectedAt: number | undefined;
  readonly #now: () => number;

  constructor(
    input: ReportInput & { readonly collectedAt?: string | undefined },
    now: () => number = Date.now,
  ) {
    this.#records = {
      nodes: [...input.nodes],
      pods: [...input.pods],
      nodeMetrics: input.nodeMetrics ?? new Map(),
      podMetrics: input.podMetrics ?? new Map(),
      generation: 1,
    };
    const at = input.collectedAt === undefined ? NaN : Date.parse(input.collectedAt);
    this.#collectedAt = Number.isNaN(at) ? undefined : at;
    this.#now = now;
  }

  records(): CacheRecords {
    return this.#records;
  }

  health(): CacheHealth {
    const at = this.#collectedAt;
    const ageSeconds = at === undefined ? undefined : Math.max(0, (this.#now() - at) / 1000);
    const informer = (objects: number): InformerHealth => ({
      synced: true,
      connected: true,
      reconnects: 0,
      relists: 0,
      skipped: 0,
      objects,
      lastError: undefined,
      state: 'listed',
      failure: undefined,
      fallback: false,
      lastSuccess: at,
      staleSeconds: ageSeconds,
    });
    const up: SourceHealth = { up: true, reason: undefined };
    return {
      mode: 'snapshot',
      nodes: informer(this.#records.nodes.length),
      pods: informer(this.#records.pods.length),
      metricsRefreshedAt: at,
      metricsAvailable: this.#records.nodeMetrics.size > 0 || this.#records.podMetrics.size > 0,
      metricsError: undefined,
      metricsIntervalMs: 0,
      ageSeconds,
      // A snapshot never changes: it is served as saved and always "stale" in the live sense.
      stale: true,
      ready: true,
      reasons: [],
      synced: true,
      lastError: undefined,
      lastSuccess: at,
      staleSeconds: ageSeconds,
      sources: { nodes: up, pods: up, metrics: up },
    };
  }

  onChange(): () => void {
    return () => undefined;
  }
}
