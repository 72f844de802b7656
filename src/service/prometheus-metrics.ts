/**
 * `GET /metrics`: Prometheus text exposition from the cache, on a registry of its own (no global
 * default registry, no process metrics). Names and labels follow kube-state-metrics'
 * `kube_node_status_allocatable{node,resource,unit}` style: one series per object and resource,
 * `unit` is `core` for cpu, `byte` for byte resources and `integer` otherwise, values in those
 * units. Values are read from memory at scrape time; a scrape never calls the cluster.
 *
 * The server scrapes through {@link createServiceMetrics}: the cluster families (one series per
 * node, namespace and resource: ~125 000 lines at 5 000 nodes) are rendered once per data
 * generation and kept as text, and their series and the report are dropped right after; only the
 * service's own health families are rendered on every scrape.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import {
  buildReport,
  isByteResource,
  rowAmount,
  type Measure,
  type ReportModel,
  type ReportRow,
} from '../report/index.js';
import type { CacheRecords, ClusterView } from './cluster-cache.js';

/** Options of {@link createServiceRegistry}. */
export interface ServiceRegistryOptions {
  /** Per-pod series (`kubemetrics_pod_resource_*`); off by default (cardinality). */
  readonly podMetrics?: boolean | undefined;
}

const NANOS_PER_UNIT = 1_000_000_000n;

function unitOf(resource: string): string {
  if (resource === 'cpu') return 'core';
  return isByteResource(resource) ? 'byte' : 'integer';
}

function toUnits(nanos: bigint): number {
  return Number(nanos / NANOS_PER_UNIT) + Number(nanos % NANOS_PER_UNIT) / 1e9;
}

type Labels = Record<string, string>;

/** What `/metrics` answers: text format 0.0.4, in two parts. */
export interface ServiceMetrics {
  readonly contentType: string;
  /**
   * The exposition text: the cluster families as UTF-8 bytes (the same Buffer until the data
   * changes), then the health families; the answer is `cluster` followed by `health`.
   */
  metrics(): Promise<{ readonly cluster: Buffer; readonly health: string }>;
}

/**
 * A registry whose collectors read `view` at scrape time. The report is rebuilt only when the
 * cache's generation changed since the last scrape.
 */
export function createServiceRegistry(view: ClusterView, options: ServiceRegistryOptions = {}): Registry {
  return Registry.merge([clusterRegistry(view, options).registry, healthRegistry(view)]);
}

/**
 * The `/metrics` answer for the server. The cluster families are rendered once per generation
 * and kept as bytes, not as prom-client series: at 5 000 nodes the series and the report behind
 * them take ~80 MB, the text ~12 MB.
 */
export function createServiceMetrics(
  view: ClusterView,
  options: ServiceRegistryOptions = {},
): ServiceMetrics {
  const cluster = clusterRegistry(view, options);
  const health = healthRegistry(view);
  // A promise, so concurrent scrapes of a new generation render it once. Bytes, not the string:
  // the help texts are not all Latin-1, so V8 would hold the whole text as UTF-16 (twice the size).
  let cached: { generation: number; bytes: Promise<Buffer> } | undefined;
  const none = Buffer.alloc(0);
  return {
    contentType: health.contentType,
    async metrics() {
      // Before the first sync the cluster families would say `kubemetrics_cluster_nodes 0`,
      // exactly what an empty cluster says: they are absent until there is data (the health
      // families say why: kubemetrics_cluster_synced 0, kubemetrics_source_up).
      if (!view.health().synced) return { cluster: none, health: await health.metrics() };
      const generation = view.records().generation;
      if (cached?.generation !== generation) {
        const bytes = cluster.registry
          .metrics()
          // A blank line between families, as one registry writes them.
          .then((text) => Buffer.from(`${text}\n`))
          .finally(() => cluster.release());
        cached = { generation, bytes };
        bytes.catch(() => {
          if (cached?.bytes === bytes) cached = undefined;
        });
      }
      return { cluster: await cached.bytes, health: await health.metrics() };
    },
  };
}

/** The node, namespace, cluster (and pod) families; `release()` drops their series and report. */
function clusterRegistry(
  view: ClusterView,
  options: ServiceRegistryOptions,
): { registry: Registry; release(): void } {
  const registry = new Registry();
  const withPods = options.podMetrics === true;
  let cached: { generation: number; model: ReportModel } | undefined;
  const model = (): ReportModel => {
    const records: CacheRecords = view.records();
    if (cached?.generation !== records.generation) {
      const levels = withPods
        ? (['cluster', 'node', 'namespace', 'pod'] as const)
        : (['cluster', 'node', 'namespace'] as const);
      cached = { generation: records.generation, model: buildReport(records, { levels }) };
    }
    return cached.model;
  };

  const family = (scope: 'node' | 'namespace' | 'cluster' | 'pod', measure: Measure, help: string): void => {
    const keyLabels =
      scope === 'node'
        ? ['node']
        : scope === 'namespace'
          ? ['namespace']
          : scope === 'pod'
            ? ['namespace', 'pod', 'node']
            : [];
    new Gauge({
      name: `kubemetrics_${scope}_resource_${measure}`,
      help,
      labelNames: [...keyLabels, 'resource', 'unit'],
      registers: [registry],
      collect() {
        this.reset();
        const m = model();
        const rows: readonly ReportRow[] =
          scope === 'node'
            ? m.nodes
            : scope === 'namespace'
              ? m.namespaces
              : scope === 'pod'
                ? m.pods
                : [m.cluster];
        for (const row of rows) {
          const key: Labels =
            row.level === 'node'
              ? { node: row.name }
              : row.level === 'namespace'
                ? { namespace: row.name }
                : row.level === 'pod'
                  ? { namespace: row.namespace, pod: row.name, node: row.nodeName ?? '' }
                  : {};
          for (const resource of m.resourceNames) {
            const nanos = rowAmount(row, measure, resource);
            // No series for unknown values (no metrics, no limit set on a pod): absent, not 0.
            if (nanos === undefined) continue;
            this.set({ ...key, resource, unit: unitOf(resource) }, toUnits(nanos));
          }
        }
      },
    });
  };

  family('node', 'capacity', 'Node capacity (status.capacity) by resource.');
  family('node', 'allocatable', 'Node allocatable (status.allocatable, else capacity) by resource.');
  family('node', 'requests', 'Sum of effective requests of the non-terminal pods on the node.');
  family('node', 'limits', 'Sum of the limits set on the non-terminal pods on the node.');
  family('node', 'usage', 'Node usage from metrics.k8s.io; absent for a node without metrics.');
  family('namespace', 'requests', 'Sum of effective requests of the namespace’s non-terminal pods.');
  family('namespace', 'limits', 'Sum of the limits set on the namespace’s non-terminal pods.');
  family('namespace', 'usage', 'Sum of pod usage in the namespace; absent when no pod has metrics.');
  family('cluster', 'capacity', 'Sum of node capacity.');
  family('cluster', 'allocatable', 'Sum of node allocatable.');
  family('cluster', 'requests', 'Sum of requests of pods placed on listed nodes.');
  family('cluster', 'limits', 'Sum of limits set on pods placed on listed nodes.');
  family('cluster', 'usage', 'Sum of node usage over nodes that have metrics.');
  if (withPods) {
    family('pod', 'requests', 'Effective requests of a non-terminal pod.');
    family('pod', 'limits', 'Limits of a non-terminal pod; absent for a resource without a limit.');
    family('pod', 'usage', 'Pod usage from metrics.k8s.io; absent without metrics.');
  }

  new Gauge({
    name: 'kubemetrics_cluster_nodes',
    help: 'Nodes in the cache.',
    registers: [registry],
    collect() {
      this.set(model().cluster.nodes);
    },
  });
  new Gauge({
    name: 'kubemetrics_cluster_pods',
    help: 'Non-terminal pods on listed nodes.',
    registers: [registry],
    collect() {
      this.set(model().cluster.pods);
    },
  });
  return {
    registry,
    release() {
      registry.resetMetrics();
      cached = undefined;
    },
  };
}

/** The service's own health: read at every scrape (staleness changes without a data change). */
function healthRegistry(view: ClusterView): Registry {
  const registry = new Registry();
  new Counter({
    name: 'kubemetrics_watch_reconnects_total',
    help: 'Failed lists and watches of a list+watch loop (each retried with backoff).',
    labelNames: ['resource'],
    registers: [registry],
    collect() {
      this.reset();
      const health = view.health();
      this.inc({ resource: 'nodes' }, health.nodes.reconnects);
      this.inc({ resource: 'pods' }, health.pods.reconnects);
    },
  });
  new Counter({
    name: 'kubemetrics_watch_relists_total',
    help: 'Lists after the first one (410 Gone, a failure, or the periodic lists of the fallback when the watch is not allowed).',
    labelNames: ['resource'],
    registers: [registry],
    collect() {
      this.reset();
      const health = view.health();
      this.inc({ resource: 'nodes' }, health.nodes.relists);
      this.inc({ resource: 'pods' }, health.pods.relists);
    },
  });
  new Gauge({
    name: 'kubemetrics_watch_synced',
    help: '1 when the collection has been listed and its watch is connected.',
    labelNames: ['resource'],
    registers: [registry],
    collect() {
      const health = view.health();
      this.set({ resource: 'nodes' }, health.nodes.synced && health.nodes.connected ? 1 : 0);
      this.set({ resource: 'pods' }, health.pods.synced && health.pods.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kubemetrics_cache_objects',
    help: 'Objects held in the cache.',
    labelNames: ['resource'],
    registers: [registry],
    collect() {
      const records = view.records();
      this.set({ resource: 'nodes' }, records.nodes.length);
      this.set({ resource: 'pods' }, records.pods.length);
      this.set({ resource: 'nodemetrics' }, records.nodeMetrics.size);
      this.set({ resource: 'podmetrics' }, records.podMetrics.size);
    },
  });
  new Gauge({
    name: 'kubemetrics_cache_skipped_objects',
    help: 'Objects left out of the cache because they could not be decoded (a malformed quantity).',
    labelNames: ['resource'],
    registers: [registry],
    collect() {
      const health = view.health();
      this.set({ resource: 'nodes' }, health.nodes.skipped);
      this.set({ resource: 'pods' }, health.pods.skipped);
    },
  });
  new Gauge({
    name: 'kubemetrics_metrics_last_refresh_timestamp_seconds',
    help: 'Unix time of the last successful metrics.k8s.io refresh; absent before the first.',
    registers: [registry],
    collect() {
      this.reset();
      const at = view.health().metricsRefreshedAt;
      if (at !== undefined) this.set(at / 1000);
    },
  });
  const sources = ['nodes', 'pods', 'metrics'] as const;
  new Gauge({
    name: 'kubemetrics_cluster_synced',
    help: '1 once nodes and pods have been listed; before that no cluster series are exposed.',
    registers: [registry],
    collect() {
      this.set(view.health().synced ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kubemetrics_cluster_up',
    help: '1 when nodes and pods are listed and kept current (watch or periodic lists), 0 while either fails or is silent.',
    registers: [registry],
    collect() {
      const { nodes, pods } = view.health().sources;
      this.set(nodes.up && pods.up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kubemetrics_cluster_sync_age_seconds',
    help: 'Seconds since the last list, watch event or bookmark of the collection (grows while a watch is silent); absent before the first list.',
    labelNames: ['resource'],
    registers: [registry],
    collect() {
      this.reset();
      const health = view.health();
      for (const resource of ['nodes', 'pods'] as const) {
        const age = health[resource].staleSeconds;
        if (age !== undefined) this.set({ resource }, age);
      }
    },
  });
  new Gauge({
    name: 'kubemetrics_informer_state',
    help: 'State of each list+watch loop: 1 for the current one of syncing, listed, watching, polling (watch not allowed), failing.',
    labelNames: ['resource', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      const health = view.health();
      for (const resource of ['nodes', 'pods'] as const)
        for (const state of ['syncing', 'listed', 'watching', 'polling', 'failing'] as const)
          this.set({ resource, state }, health[resource].state === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kubemetrics_source_up',
    help: '1 when the source (nodes, pods, metrics) serves current data.',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      const health = view.health();
      for (const source of sources) this.set({ source }, health.sources[source].up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kubemetrics_source_error',
    help: 'Why a source is not up: 1 for its failure class (unreachable, unauthorized, forbidden, watch-idle, watch-refused, not-served, syncing, ...); absent while up.',
    labelNames: ['source', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      const health = view.health();
      for (const source of sources) {
        const { up, reason } = health.sources[source];
        if (!up && reason !== undefined) this.set({ source, reason }, 1);
      }
    },
  });
  new Gauge({
    name: 'kubemetrics_data_stale',
    help: '1 when the data is stale (not synced, a watch down, or metrics older than 3 intervals).',
    registers: [registry],
    collect() {
      this.set(view.health().stale ? 1 : 0);
    },
  });
  return registry;
}
