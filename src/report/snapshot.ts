/**
 * Snapshots: everything a report reads, saved to one JSON file (gzip when the name ends in `.gz`)
 * so a user can capture a cluster once and run every report offline, anywhere. Reading also accepts
 * `kubectl get nodes,pods -A -o json` (a `List`) plus an optional metrics file.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Zlib from 'node:zlib';
import type { Node, NodeMetrics, Pod, PodMetrics, VersionInfo } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import type { ClusterSink } from './collect-sink.js';
import { writeFileSafely } from './file-target.js';
import { projectNode, projectNodeMetrics, projectPod, projectPodMetrics } from './snapshot-projection.js';

/**
 * node:zlib when a snapshot is gzip, loaded then (synchronously: encodeSnapshot is synchronous
 * public API): every command imports this module through report/index.ts, few read or write gzip.
 */
function zlib(): typeof Zlib {
  return createRequire(import.meta.url)('node:zlib') as typeof Zlib;
}

export const SNAPSHOT_KIND = 'KubemetricsSnapshot';
export const SNAPSHOT_API_VERSION = 'kubemetrics/v1';

/** The snapshot file's content. */
export interface Snapshot {
  readonly kind: typeof SNAPSHOT_KIND;
  readonly apiVersion: typeof SNAPSHOT_API_VERSION;
  readonly collectedAt: string;
  /** Where it was taken from: the API server URL and kubeconfig context, when known. */
  readonly source: {
    readonly server?: string | undefined;
    readonly context?: string | undefined;
    readonly file?: string;
  };
  readonly kubernetesVersion?: VersionInfo | undefined;
  readonly metricsVersion?: string | undefined;
  /** Why there are no metrics in the snapshot (message and hint), when metrics could not be read. */
  readonly metricsError?: { readonly message: string; readonly hint?: string | undefined } | undefined;
  readonly nodes: Node[];
  readonly pods: Pod[];
  readonly nodeMetrics: NodeMetrics[];
  readonly podMetrics: PodMetrics[];
}

/** A sink that keeps projected objects for a snapshot. */
export function createSnapshotSink(): ClusterSink & {
  readonly nodes: Node[];
  readonly pods: Pod[];
  readonly nodeMetricsItems: NodeMetrics[];
  readonly podMetricsItems: PodMetrics[];
} {
  const nodes: Node[] = [];
  const pods: Pod[] = [];
  const nodeMetricsItems: NodeMetrics[] = [];
  const podMetricsItems: PodMetrics[] = [];
  return {
    nodes,
    pods,
    nodeMetricsItems,
    podMetricsItems,
    node: (n) => nodes.push(projectNode(n)),
    pod: (p) => pods.push(projectPod(p)),
    nodeMetrics: (m) => nodeMetricsItems.push(projectNodeMetrics(m)),
    podMetrics: (m) => podMetricsItems.push(projectPodMetrics(m)),
    restartPods: () => {
      pods.length = 0;
    },
  };
}

/** The bytes of a snapshot file: JSON, gzip-compressed when `gzip`. */
export function encodeSnapshot(snapshot: Snapshot, gzip: boolean): string | Buffer {
  const json = JSON.stringify(snapshot);
  return gzip ? zlib().gzipSync(json) : json;
}

/**
 * Writes a snapshot to `file` (gzip when the name ends in `.gz`): through symlinks to their target,
 * atomically for a regular file (temp file + rename in its directory), streamed into a FIFO or
 * /dev/null; directories and other devices are refused (see file-target.ts).
 */
export async function writeSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  await writeFileSafely(file, encodeSnapshot(snapshot, file.endsWith('.gz')));
}

function fileError(file: string, problem: string, cause?: unknown): KubemetricsError {
  return new KubemetricsError('KUBEMETRICS_ERR_DECODE', `snapshot file ${file}: ${problem}`, {
    hint: `Give a file written by 'kubemetrics snapshot save', or the output of 'kubectl get nodes,pods -A -o json' (with --metrics-file for usage).`,
    cause,
  });
}

async function readFileBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      code === 'ENOENT'
        ? `snapshot file ${file} does not exist`
        : `cannot read snapshot file ${file}: ${(error as Error).message}`,
      { hint: 'Check the path given with --snapshot / --metrics-file.', cause: error },
    );
  }
}

/** The JSON in a snapshot's bytes (gzip or plain); `file` names it in errors. */
function decodeJson(bytes: Buffer, file: string): unknown {
  let data = bytes;
  // Detect gzip by its magic bytes rather than the name, so a renamed file still reads.
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = zlib().gunzipSync(data);
    } catch (error) {
      throw fileError(
        file,
        `is gzip but cannot be decompressed (truncated or corrupt): ${(error as Error).message}`,
        error,
      );
    }
  }
  const text = data.toString('utf8');
  if (text.trim() === '') throw fileError(file, 'is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    const truncated = !/[}\]]\s*$/.test(text);
    throw fileError(
      file,
      `is not valid JSON${truncated ? ' (it looks truncated)' : ''}: ${(error as Error).message}`,
      error,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayField(file: string, body: Record<string, unknown>, field: string): unknown[] {
  const value = body[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw fileError(file, `field "${field}" must be an array`);
  return value;
}

function checkItem(file: string, where: string, item: unknown, needsSpec: boolean): void {
  if (!isObject(item) || !isObject(item.metadata) || typeof item.metadata.name !== 'string') {
    throw fileError(file, `${where} has no metadata.name`);
  }
  if (needsSpec && !isObject(item.spec))
    throw fileError(file, `${where} (${item.metadata.name}) has no spec`);
}

interface Sorted {
  nodes: Node[];
  pods: Pod[];
  nodeMetrics: NodeMetrics[];
  podMetrics: PodMetrics[];
}

/** Sorts the items of a `List` (or a typed list) by kind. */
function sortItems(file: string, items: unknown[], into: Sorted, defaultKind?: string): void {
  items.forEach((item, i) => {
    const kind = isObject(item) && typeof item.kind === 'string' ? item.kind : defaultKind;
    const where = `items[${i}]`;
    switch (kind) {
      case 'Node':
        checkItem(file, where, item, false);
        into.nodes.push(item as Node);
        break;
      case 'Pod':
        checkItem(file, where, item, true);
        into.pods.push(item as Pod);
        break;
      case 'NodeMetrics':
        checkItem(file, where, item, false);
        into.nodeMetrics.push(item as NodeMetrics);
        break;
      case 'PodMetrics':
        checkItem(file, where, item, false);
        into.podMetrics.push(item as PodMetrics);
        break;
      default:
        // Other kinds in a `kubectl get all -o json` List (services, deployments...) carry no resources.
        break;
    }
  });
}

const LIST_ITEM_KIND: Readonly<Record<string, string>> = {
  NodeList: 'Node',
  PodList: 'Pod',
  NodeMetricsList: 'NodeMetrics',
  PodMetricsList: 'PodMetrics',
};

function fromKubectlList(file: string, body: Record<string, unknown>, into: Sorted): void {
  const kind = body.kind as string;
  sortItems(file, arrayField(file, body, 'items'), into, LIST_ITEM_KIND[kind]);
}

/**
 * Reads a snapshot file (ours, or a kubectl List) and, optionally, a metrics file (a
 * `NodeMetricsList`, `PodMetricsList`, or a `List` of them, e.g. from
 * `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods`).
 */
export async function readSnapshot(file: string, metricsFile?: string): Promise<Snapshot> {
  return parseSnapshot(await readFileBytes(file), file, metricsFile);
}

/**
 * A snapshot from bytes already read (plain or gzip JSON, ours or a kubectl List), e.g. standard
 * input; `name` stands for the file in errors and in `source.file`. See {@link readSnapshot}.
 */
export async function parseSnapshot(data: Buffer, name: string, metricsFile?: string): Promise<Snapshot> {
  const file = name;
  const body = decodeJson(data, file);
  if (!isObject(body)) throw fileError(file, 'must hold a JSON object');
  let snapshot: Snapshot;
  if (body.kind === SNAPSHOT_KIND) {
    if (body.apiVersion !== SNAPSHOT_API_VERSION) {
      throw fileError(
        file,
        `has apiVersion ${JSON.stringify(body.apiVersion)}; this version of kubemetrics reads ${SNAPSHOT_API_VERSION}`,
      );
    }
    const sorted: Sorted = { nodes: [], pods: [], nodeMetrics: [], podMetrics: [] };
    sortItems(file, arrayField(file, body, 'nodes'), sorted, 'Node');
    sortItems(file, arrayField(file, body, 'pods'), sorted, 'Pod');
    sortItems(file, arrayField(file, body, 'nodeMetrics'), sorted, 'NodeMetrics');
    sortItems(file, arrayField(file, body, 'podMetrics'), sorted, 'PodMetrics');
    snapshot = { ...(body as unknown as Snapshot), ...sorted, source: { ...(body.source as object), file } };
  } else if (typeof body.kind === 'string' && (body.kind === 'List' || body.kind in LIST_ITEM_KIND)) {
    const sorted: Sorted = { nodes: [], pods: [], nodeMetrics: [], podMetrics: [] };
    fromKubectlList(file, body, sorted);
    snapshot = {
      kind: SNAPSHOT_KIND,
      apiVersion: SNAPSHOT_API_VERSION,
      collectedAt: new Date().toISOString(),
      source: { file },
      ...sorted,
    };
  } else {
    throw fileError(
      file,
      `has kind ${JSON.stringify(body.kind)}; expected ${SNAPSHOT_KIND} or a List of nodes and pods`,
    );
  }
  if (metricsFile === undefined) return snapshot;
  const metrics = decodeJson(await readFileBytes(metricsFile), metricsFile);
  if (
    !isObject(metrics) ||
    typeof metrics.kind !== 'string' ||
    !(metrics.kind === 'List' || metrics.kind in LIST_ITEM_KIND)
  ) {
    throw fileError(metricsFile, 'must be a NodeMetricsList, PodMetricsList or a List of them');
  }
  const sorted: Sorted = { nodes: [], pods: [], nodeMetrics: [], podMetrics: [] };
  fromKubectlList(metricsFile, metrics, sorted);
  return {
    ...snapshot,
    nodeMetrics: [...snapshot.nodeMetrics, ...sorted.nodeMetrics],
    podMetrics: [...snapshot.podMetrics, ...sorted.podMetrics],
    metricsError: undefined,
  };
}

/** Feeds a snapshot's objects into a sink, as live collection would. */
export function replaySnapshot(snapshot: Snapshot, sink: ClusterSink): void {
  for (const node of snapshot.nodes) sink.node(node);
  for (const pod of snapshot.pods) {
    // kubectl's List includes terminal pods; live collection never sees them.
    const phase = pod.status?.phase;
    if (phase !== 'Succeeded' && phase !== 'Failed') sink.pod(pod);
  }
  for (const m of snapshot.nodeMetrics) sink.nodeMetrics(m);
  for (const m of snapshot.podMetrics) sink.podMetrics(m);
}
