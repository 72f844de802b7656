/**
 * Live collection: a fixed, small number of requests whatever the cluster size. Nodes (paged), all
 * non-terminal pods in one paged pass, node metrics and pod metrics (one list each), run
 * concurrently. Never one request per node. Objects go into a sink as pages arrive.
 */
import type { NodeMetrics, PodMetrics, VersionInfo } from '../api/index.js';
// Not client/index.js: that would load the watch code and undici into every one-shot CLI command
// (scripts/build-cli.ts bundles by file).
import { isKubernetesApiError } from '../client/api-error.js';
import type { MetricsClient } from '../client/metrics-client.js';
import type { ResourceMetricsTarget } from '../client/metrics-paths.js';
import { KubemetricsError } from '../errors.js';
import type { CollectFilter } from './collect-filter.js';
import type { ClusterSink } from './collect-sink.js';

/** Pods that still hold resources: what `kubectl describe node` and the scheduler count. */
export const NON_TERMINAL_PODS = 'status.phase!=Succeeded,status.phase!=Failed';

/** Which kinds of objects a command needs (top nodes needs no pods, top pods no nodes). */
export interface CollectParts {
  readonly nodes?: boolean;
  readonly pods?: boolean;
  readonly nodeMetrics?: boolean;
  readonly podMetrics?: boolean;
  /** `GET /version` (kept in snapshots). */
  readonly version?: boolean;
}

export interface CollectProgress {
  readonly podPages: number;
  readonly podsSeen: number;
  /** Pods left according to the server (`remainingItemCount`), when it says. */
  readonly podsRemaining: number | undefined;
  readonly nodesSeen: number;
  /** How often the pod list restarted after an expired continue token. */
  readonly restarts: number;
}

export interface CollectOptions {
  readonly filter: CollectFilter;
  readonly parts: CollectParts;
  /** Page size of node and pod lists (500). */
  readonly limit?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Per-request deadline (the client's default when unset). */
  readonly timeoutMs?: number | undefined;
  /** Called after every page of pods or nodes. */
  readonly onProgress?: ((progress: CollectProgress) => void) | undefined;
}

/** What collection learned besides the objects. */
export interface CollectResult {
  readonly collectedAt: string;
  readonly kubernetesVersion: VersionInfo | undefined;
  /** The metrics.k8s.io version used, when metrics were read. */
  readonly metricsVersion: string | undefined;
  /**
   * Why metrics could not be read (metrics API not served, forbidden, unavailable). Reports go on
   * without usage ("no metrics", never zero) and show this error's message and hint.
   */
  readonly metricsError: KubemetricsError | undefined;
}

function joinSelectors(...parts: (string | undefined)[]): string | undefined {
  const present = parts.filter((p): p is string => p !== undefined && p.trim() !== '');
  return present.length === 0 ? undefined : present.join(',');
}

/**
 * Collects what `parts` asks for into `sink`.
 * @throws KubemetricsError for node/pod list failures (metrics failures are returned instead)
 */
export async function collectCluster(
  client: MetricsClient,
  sink: ClusterSink,
  options: CollectOptions,
): Promise<CollectResult> {
  const { filter, parts } = options;
  const f = filter.options;
  const controller = new AbortController();
  const signal =
    options.signal === undefined ? controller.signal : AbortSignal.any([options.signal, controller.signal]);
  const call = { signal, timeoutMs: options.timeoutMs };
  const progress = {
    podPages: 0,
    podsSeen: 0,
    podsRemaining: undefined as number | undefined,
    nodesSeen: 0,
    restarts: 0,
  };
  const report = () => options.onProgress?.({ ...progress });
  let metricsError: KubemetricsError | undefined;
  let metricsVersion: string | undefined;

  const nodes = async () => {
    if (f.nodeName !== undefined) {
      sink.node(await client.getNode(f.nodeName, call));
      progress.nodesSeen = 1;
      return;
    }
    for await (const page of client.listNodes({
      ...call,
      labelSelector: f.nodeLabelSelector,
      limit: options.limit,
    })) {
      for (const node of page.items) sink.node(node);
      progress.nodesSeen += page.items.length;
      report();
    }
  };

  const pods = async () => {
    const pages = client.listPods({
      ...call,
      namespace: f.namespace,
      labelSelector: f.labelSelector,
      fieldSelector: joinSelectors(
        NON_TERMINAL_PODS,
        f.fieldSelector,
        f.podName === undefined ? undefined : `metadata.name=${f.podName}`,
      ),
      limit: options.limit,
      onExpired: 'restart',
    });
    for await (const page of pages) {
      if (page.restarted) {
        sink.restartPods();
        progress.restarts++;
        progress.podsSeen = 0;
      }
      for (const pod of page.items) sink.pod(pod);
      progress.podPages++;
      progress.podsSeen += page.items.length;
      progress.podsRemaining = page.remainingItemCount;
      report();
    }
  };

  // The client owns the metrics API (version choice, paths, streaming); the sink decodes each
  // object with the client's decoder as it arrives (see records.ts), so no list is ever held.
  const readMetrics = async (
    target: ResourceMetricsTarget,
    onItem: (item: unknown) => void,
    selectors: { labelSelector?: string | undefined; fieldSelector?: string | undefined },
  ) => {
    // Not awaited before the read: the client sends a first list while discovery is in flight
    // (one round trip, not two). A discovery failure fails the read with the same error.
    const version = client.metricsVersion(call).then(
      (v) => {
        metricsVersion ??= v;
        return true;
      },
      () => false,
    );
    try {
      await client.streamResourceMetrics(target, onItem, { ...call, ...selectors });
    } catch (error) {
      // One object without a sample is "no metrics" for it, not a failure of the report.
      if (target.name !== undefined && (await version) && isKubernetesApiError(error, 404)) return;
      if (signal.aborted) throw error;
      metricsError ??= asKubemetricsError(error);
    }
    await version;
  };

  const nodeMetrics = () =>
    readMetrics({ kind: 'nodes', name: f.nodeName }, (item) => sink.nodeMetrics(item as NodeMetrics), {
      labelSelector: f.nodeLabelSelector,
    });

  // One pod by name only within a namespace (the API has no cluster-wide path for one pod).
  const podMetrics = () =>
    readMetrics(
      { kind: 'pods', namespace: f.namespace, name: f.namespace === undefined ? undefined : f.podName },
      (item) => sink.podMetrics(item as PodMetrics),
      { labelSelector: f.labelSelector, fieldSelector: f.fieldSelector },
    );

  let kubernetesVersion: VersionInfo | undefined;
  const version = async () => {
    kubernetesVersion = await client.getVersion(call);
  };

  const tasks: Promise<void>[] = [];
  if (parts.nodes === true) tasks.push(nodes());
  if (parts.pods === true) tasks.push(pods());
  if (parts.nodeMetrics === true) tasks.push(nodeMetrics());
  if (parts.podMetrics === true) tasks.push(podMetrics());
  if (parts.version === true) tasks.push(version());
  try {
    await Promise.all(tasks);
  } catch (error) {
    // Stop the other lists at once instead of letting them page through the rest of the cluster.
    controller.abort();
    await Promise.allSettled(tasks);
    throw error;
  }
  return { collectedAt: new Date().toISOString(), kubernetesVersion, metricsVersion, metricsError };
}

function asKubemetricsError(error: unknown): KubemetricsError {
  if (error instanceof KubemetricsError) return error;
  return new KubemetricsError('KUBEMETRICS_ERR_NETWORK', `reading metrics failed: ${String(error)}`, {
    cause: error,
  });
}
