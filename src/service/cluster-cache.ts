/**
 * The service's live picture of a cluster: nodes and pods kept by list + watch (as trimmed report
 * records), node and pod metrics refreshed on an interval (metrics.k8s.io has no watch). HTTP
 * handlers read only this memory, so no request ever causes a call to the API server.
 *
 * Each collection runs the loop client-go's Reflector runs (k8s.io/client-go/tools/cache): list,
 * then watch from the list's resourceVersion; a 410 Gone (`isExpiredError`) lists again at once;
 * any other failure (API server restarting, network) waits with exponential backoff and lists
 * again, because events may have been missed while disconnected.
 */
import { EventEmitter } from 'node:events';
import type { Node, Pod, PodMetrics } from '../api/index.js';
import {
  isExpiredError,
  isKubernetesApiError,
  watch,
  type Connection,
  type MetricsClient,
  type WatchEvent,
} from '../client/index.js';
import {
  createRecordTrimmer,
  podKey,
  type NodeRecord,
  type NodeUsage,
  type PodRecord,
  type PodUsage,
  type RecordTrimmer,
  type ReportInput,
} from '../report/index.js';

/** The collections the cache watches. */
export type CachedResource = 'nodes' | 'pods';

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
  readonly nodeMetrics: ReadonlyMap<string, NodeUsage>;
  readonly podMetrics: ReadonlyMap<string, PodUsage>;
  /** Increases on every change; lets readers cache what they compute from the records. */
  readonly generation: number;
}

/** Per-collection state of the list + watch loop. */
export interface InformerHealth {
  /** A list completed at least once. */
  readonly synced: boolean;
  /** A watch is open (or a list succeeded and the watch is starting). */
  readonly connected: boolean;
  /** Times the loop lost its connection and reconnected with backoff. */
  readonly reconnects: number;
  /** Lists after a 410 Gone. */
  readonly relists: number;
  readonly objects: number;
  /** Objects left out because they could not be decoded (see `lastError`). */
  readonly skipped: number;
  readonly lastError: string | undefined;
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
  /** Not synced, a watch disconnected, or metrics older than 3 intervals. */
  readonly stale: boolean;
  /** Both collections listed and metrics fresher than 3 intervals. */
  readonly ready: boolean;
  /** Why not ready, for `/readyz`. */
  readonly reasons: readonly string[];
}

/** Options of {@link ClusterCache}. */
export interface ClusterCacheOptions {
  /** Lists and metrics go through this client (its retries and timeouts). */
  readonly client: MetricsClient;
  /** Watches open on this connection (`resolveConnection` of the same kubeconfig). */
  readonly connection: Connection;
  /** Metrics refresh interval in ms (default 15 000). */
  readonly metricsIntervalMs?: number | undefined;
  /** First reconnect delay in ms (default 500), doubled per failure up to `maxBackoffMs`. */
  readonly initialBackoffMs?: number | undefined;
  /** Largest reconnect delay in ms (default 30 000). */
  readonly maxBackoffMs?: number | undefined;
  /** Server-side lifetime of one watch stream in seconds (default: the watch's 300–600). */
  readonly watchTimeoutSeconds?: number | undefined;
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

class Informer<T, R> {
  readonly items = new Map<string, R>();
  synced = false;
  connected = false;
  reconnects = 0;
  relists = 0;
  skipped = 0;
  lastError: string | undefined;
  /** Epoch ms since which the watch has been down; undefined while connected. */
  downSince: number | undefined;

  constructor(
    readonly resource: CachedResource,
    readonly path: string,
    readonly list: (
      signal: AbortSignal,
    ) => AsyncIterable<{ items: T[]; resourceVersion: string; restarted: boolean }>,
    readonly keyOf: (object: T) => string,
    readonly trim: (object: T) => R,
  ) {}

  health(): InformerHealth {
    return {
      synced: this.synced,
      connected: this.connected,
      reconnects: this.reconnects,
      relists: this.relists,
      skipped: this.skipped,
      objects: this.items.size,
      lastError: this.lastError,
    };
  }
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

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/**
 * A live cache of one cluster. `start()` begins listing and watching; `stop()` ends every loop.
 * Events: `change` (generation) after any update.
 */
export class ClusterCache implements ClusterView {
  readonly #client: MetricsClient;
  readonly #connection: Connection;
  readonly #intervalMs: number;
  readonly #initialBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #watchTimeoutSeconds: number | undefined;
  readonly #pageSize: number | undefined;
  readonly #perNamespaceAbove: number;
  readonly #now: () => number;
  readonly #trimmer: RecordTrimmer = createRecordTrimmer();
  readonly #events = new EventEmitter();
  readonly #nodes: Informer<Node, NodeRecord>;
  readonly #pods: Informer<Pod, PodRecord>;
  #nodeMetrics = new Map<string, NodeUsage>();
  #podMetrics = new Map<string, PodUsage>();
  #metricsRefreshedAt: number | undefined;
  #metricsAvailable = true;
  #metricsError: string | undefined;
  #generation = 0;
  #records: CacheRecords | undefined;
  #controller: AbortController | undefined;
  #loops: Promise<void>[] = [];

  constructor(options: ClusterCacheOptions) {
    this.#client = options.client;
    this.#connection = options.connection;
    this.#intervalMs = positive(options.metricsIntervalMs, DEFAULT_INTERVAL_MS, 'metricsIntervalMs');
    this.#initialBackoffMs = positive(options.initialBackoffMs, 500, 'initialBackoffMs');
    this.#maxBackoffMs = positive(options.maxBackoffMs, 30_000, 'maxBackoffMs');
    this.#watchTimeoutSeconds = options.watchTimeoutSeconds;
    this.#pageSize = options.pageSize;
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
    const trimmer = this.#trimmer;
    this.#nodes = new Informer<Node, NodeRecord>(
      'nodes',
      '/api/v1/nodes',
      (signal) => this.#client.listNodes({ signal, limit: this.#pageSize, onExpired: 'restart' }),
      (node) => node.metadata.name ?? '',
      (node) => trimmer.trimNode(node),
    );
    this.#pods = new Informer<Pod, PodRecord>(
      'pods',
      '/api/v1/pods',
      (signal) => this.#client.listPods({ signal, limit: this.#pageSize, onExpired: 'restart' }),
      (pod) => podKey(pod.metadata.namespace ?? '', pod.metadata.name ?? ''),
      (pod) => trimmer.trimPod(pod),
    );
  }

  /** Starts the list + watch loops and the metrics refresher; idempotent. */
  start(): void {
    if (this.#controller !== undefined) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#loops = [
      this.#runInformer(this.#nodes, controller.signal),
      this.#runInformer(this.#pods, controller.signal),
      this.#runMetrics(controller.signal),
    ];
  }

  /** Stops every loop and waits for them to end. */
  async stop(): Promise<void> {
    this.#controller?.abort();
    await Promise.all(this.#loops);
    this.#loops = [];
  }

  /** Refreshes metrics now (also done on the interval). Never throws; failures land in `health()`. */
  async refreshMetrics(signal?: AbortSignal): Promise<void> {
    try {
      const [nodes, podMetrics] = await Promise.all([
        this.#client.listNodeMetrics({ signal }),
        this.#readPodMetrics(signal),
      ]);
      const nodeMetrics = new Map<string, NodeUsage>();
      for (const result of nodes) {
        const usage = this.#trimmer.trimNodeMetrics(result.raw);
        nodeMetrics.set(usage.name, usage);
      }
      this.#nodeMetrics = nodeMetrics;
      this.#podMetrics = podMetrics;
      this.#metricsAvailable = true;
      this.#metricsError = undefined;
      this.#metricsRefreshedAt = this.#now();
      this.#changed();
    } catch (error) {
      if (signal?.aborted === true) return;
      if (isKubernetesApiError(error) && error.status === 404) {
        // No metrics API (no metrics-server): a known state, not a failure. Usage is unknown.
        this.#nodeMetrics = new Map();
        this.#podMetrics = new Map();
        this.#metricsAvailable = false;
        this.#metricsError = `metrics.k8s.io is not served: ${message(error)}`;
        this.#metricsRefreshedAt = this.#now();
        this.#changed();
        return;
      }
      // Keep the last metrics: they age, and turn stale after 3 intervals.
      this.#metricsError = message(error);
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
  async #readPodMetrics(signal: AbortSignal | undefined): Promise<Map<string, PodUsage>> {
    const podMetrics = new Map<string, PodUsage>();
    const version = await this.#client.metricsVersion({ signal });
    const read = async (namespace: string | undefined): Promise<void> => {
      const scope = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
      await this.#client.streamItems<PodMetrics>(
        `/apis/metrics.k8s.io/${version}${scope}/pods`,
        (item) => {
          const usage = this.#trimmer.trimPodMetrics(item);
          podMetrics.set(podKey(usage.namespace, usage.name), usage);
        },
        { signal },
      );
    };
    if (!this.#pods.synced || this.#pods.items.size <= this.#perNamespaceAbove) {
      await read(undefined);
      return podMetrics;
    }
    const namespaces = [...new Set(Array.from(this.#pods.items.values(), (pod) => pod.namespace))].sort();
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
    for (const informer of [this.#nodes, this.#pods]) {
      if (!informer.synced) reasons.push(`${informer.resource} not listed yet`);
      else if (!informer.connected) reasons.push(`${informer.resource} watch disconnected`);
    }
    const limit = STALE_INTERVALS * this.#intervalMs;
    const metricsAt = this.#metricsRefreshedAt;
    const metricsFresh = metricsAt !== undefined && now - metricsAt <= limit;
    if (metricsAt === undefined) reasons.push('metrics not refreshed yet');
    else if (!metricsFresh)
      reasons.push(
        `metrics last refreshed ${Math.round((now - metricsAt) / 1000)}s ago (limit ${limit / 1000}s)`,
      );
    const downSince = Math.min(this.#nodes.downSince ?? now, this.#pods.downSince ?? now);
    const since = metricsAt === undefined ? downSince : Math.min(metricsAt, downSince);
    const synced = this.#nodes.synced && this.#pods.synced;
    return {
      mode: 'live',
      nodes: this.#nodes.health(),
      pods: this.#pods.health(),
      metricsRefreshedAt: metricsAt,
      metricsAvailable: this.#metricsAvailable,
      metricsError: this.#metricsError,
      metricsIntervalMs: this.#intervalMs,
      ageSeconds: synced || metricsAt !== undefined ? Math.max(0, (now - since) / 1000) : undefined,
      stale: reasons.length > 0,
      ready: synced && metricsFresh,
      reasons,
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
    await this.#podsListed(signal, this.#intervalMs);
    while (!signal.aborted) {
      await this.refreshMetrics(signal);
      await sleep(this.#intervalMs, signal);
    }
  }

  /** Resolves when pods are listed, `timeoutMs` passed or `signal` aborted. */
  #podsListed(signal: AbortSignal, timeoutMs: number): Promise<void> {
    if (this.#pods.synced || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      const unsubscribe = this.onChange(() => {
        if (this.#pods.synced) done();
      });
      signal.addEventListener('abort', done, { once: true });
    });
  }

  async #runInformer<T, R>(informer: Informer<T, R>, signal: AbortSignal): Promise<void> {
    let backoff = this.#initialBackoffMs;
    informer.downSince = this.#now();
    while (!signal.aborted) {
      try {
        // List: replace the whole collection at once (objects deleted while we were away go).
        const fresh = new Map<string, R>();
        let resourceVersion = '';
        for await (const page of informer.list(signal)) {
          if (page.restarted) fresh.clear();
          for (const item of page.items) {
            const record = this.#trim(informer, item);
            if (record !== undefined) fresh.set(informer.keyOf(item), record);
          }
          resourceVersion = page.resourceVersion;
        }
        informer.items.clear();
        for (const [key, value] of fresh) informer.items.set(key, value);
        informer.synced = true;
        informer.connected = true;
        informer.downSince = undefined;
        backoff = this.#initialBackoffMs;
        this.#changed();

        const events = watch<T>(this.#connection, {
          path: informer.path,
          resourceVersion: resourceVersion === '' ? undefined : resourceVersion,
          timeoutSeconds: this.#watchTimeoutSeconds,
          signal,
        });
        for await (const event of events) this.#apply(informer, event);
        // The watch ended without an error (no version to resume from): list again.
      } catch (error) {
        if (signal.aborted) break;
        informer.lastError = message(error);
        if (isExpiredError(error)) {
          informer.relists++;
          continue;
        }
        informer.connected = false;
        informer.downSince ??= this.#now();
        informer.reconnects++;
        this.#changed();
        await sleep(backoff, signal);
        // Full jitter would spread a fleet's reconnects; one replica per cluster does not need it.
        backoff = Math.min(backoff * 2, this.#maxBackoffMs);
      }
    }
    informer.connected = false;
  }

  #apply<T, R>(informer: Informer<T, R>, event: WatchEvent<T>): void {
    if (event.type === 'BOOKMARK') return;
    const key = informer.keyOf(event.object);
    if (event.type === 'DELETED') informer.items.delete(key);
    else {
      const record = this.#trim(informer, event.object);
      if (record === undefined) informer.items.delete(key);
      else informer.items.set(key, record);
    }
    this.#changed();
  }

  /**
   * One object into its record. An object the engine cannot decode (a malformed quantity) is left
   * out and reported in `health()`, instead of failing the whole list + watch loop over and over.
   */
  #trim<T, R>(informer: Informer<T, R>, object: T): R | undefined {
    try {
      return informer.trim(object);
    } catch (error) {
      informer.skipped++;
      informer.lastError = message(error);
      return undefined;
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
    const informer = (objects: number): InformerHealth => ({
      synced: true,
      connected: true,
      reconnects: 0,
      relists: 0,
      skipped: 0,
      objects,
      lastError: undefined,
    });
    const at = this.#collectedAt;
    return {
      mode: 'snapshot',
      nodes: informer(this.#records.nodes.length),
      pods: informer(this.#records.pods.length),
      metricsRefreshedAt: at,
      metricsAvailable: this.#records.nodeMetrics.size > 0 || this.#records.podMetrics.size > 0,
      metricsError: undefined,
      metricsIntervalMs: 0,
      ageSeconds: at === undefined ? undefined : Math.max(0, (this.#now() - at) / 1000),
      // A snapshot never changes: it is served as saved and always "stale" in the live sense.
      stale: true,
      ready: true,
      reasons: [],
    };
  }

  onChange(): () => void {
    return () => undefined;
  }
}
