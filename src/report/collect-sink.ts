/**
 * Where collected objects go. Collection (live, or replayed from a snapshot) pushes wire objects
 * into a sink as pages arrive; the record sink trims them into report records at once, so the
 * wire objects can be dropped and memory stays flat on very large clusters.
 */
import type { Node, NodeMetrics, Pod, PodMetrics } from '../api/index.js';
import type { CollectFilter } from './collect-filter.js';
import {
  createRecordTrimmer,
  podKey,
  type NodeRecord,
  type NodeUsageRecord,
  type PodRecord,
  type PodUsageRecord,
} from './records.js';
import type { ReportInput } from './aggregate.js';

export interface ClusterSink {
  node(node: Node): void;
  pod(pod: Pod): void;
  nodeMetrics(metrics: NodeMetrics): void;
  podMetrics(metrics: PodMetrics): void;
  /** The pod list restarted from scratch (expired continue token): forget the pods seen so far. */
  restartPods(): void;
}

/** Report records, ready for `buildReport`. */
export interface ClusterRecords extends ReportInput {
  readonly nodes: NodeRecord[];
  readonly pods: PodRecord[];
  readonly nodeMetrics: Map<string, NodeUsageRecord>;
  readonly podMetrics: Map<string, PodUsageRecord>;
}

/** A sink that filters (see collect-filter.ts) and trims into {@link ClusterRecords}. */
export function createRecordSink(filter: CollectFilter): ClusterSink & { readonly records: ClusterRecords } {
  const trimmer = createRecordTrimmer();
  const records: ClusterRecords = { nodes: [], pods: [], nodeMetrics: new Map(), podMetrics: new Map() };
  return {
    records,
    node(node) {
      if (filter.node(node)) records.nodes.push(trimmer.trimNode(node));
    },
    pod(pod) {
      if (filter.pod(pod)) records.pods.push(trimmer.trimPod(pod));
    },
    nodeMetrics(metrics) {
      if (!filter.nodeMetrics(metrics)) return;
      const usage = trimmer.trimNodeMetrics(metrics);
      records.nodeMetrics.set(usage.name, usage);
    },
    podMetrics(metrics) {
      if (!filter.podMetrics(metrics)) return;
      const usage = trimmer.trimPodMetrics(metrics);
      records.podMetrics.set(podKey(usage.namespace, usage.name), usage);
    },
    restartPods() {
      records.pods.length = 0;
    },
  };
}

/** Wire objects already in memory: a test fixture, decoded lists. */
export interface ClusterObjects {
  readonly nodes: readonly Node[];
  readonly pods: readonly Pod[];
  readonly nodeMetrics?: readonly NodeMetrics[] | undefined;
  readonly podMetrics?: readonly PodMetrics[] | undefined;
}

/**
 * Report records from objects already in memory, filtered and trimmed exactly as collected ones
 * (the same sink), e.g. a `buildCluster` fixture for the service or a test.
 */
export function recordsFromObjects(objects: ClusterObjects, filter: CollectFilter): ClusterRecords {
  const sink = createRecordSink(filter);
  objects.nodes.forEach((n) => sink.node(n));
  objects.pods.forEach((p) => sink.pod(p));
  objects.nodeMetrics?.forEach((m) => sink.nodeMetrics(m));
  objects.podMetrics?.forEach((m) => sink.podMetrics(m));
  return sink.records;
}
