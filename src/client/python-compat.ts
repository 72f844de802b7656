/**
 * Counterparts of the Python client's metrics helpers (kubernetes-client/python,
 * kubernetes/utils/metrics.py: get_nodes_metrics, get_pods_metrics,
 * get_pods_metrics_in_all_namespaces) for people porting scripts. Like those, they return the wire
 * lists as plain JSON objects (quantities stay strings) and report per-namespace failures as
 * `{ kind: 'Error', error }` entries. Unlike those, they use the metrics.k8s.io version
 * discovery picks (the server's preferred one), so `apiVersion` may read `metrics.k8s.io/v1`; and they
 * take a `KubeConfig` (or a `MetricsClient` to reuse its connections) instead of an ApiClient.
 */
import { resourceMetricsPath } from './metrics-paths.js';
import type { NodeMetricsList, PodMetricsList } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import type { KubeConfig } from './credentials.js';
import { MetricsClient, mapConcurrent } from './metrics-client.js';
import type { CallOptions } from './transport.js';

/** What the helpers accept: a kubeconfig (a client is made and closed per call) or a client. */
export type MetricsSource = KubeConfig | MetricsClient;

/** The entry for a namespace whose request failed, shaped like the Python helper's. */
export interface PodsMetricsError {
  readonly kind: 'Error';
  /** The error message (what the Python helper stores as `str(e)`). */
  readonly error: string;
  /** The kubemetrics error code, e.g. `KUBEMETRICS_ERR_API`. */
  readonly code: string;
  /** HTTP status when the API answered with an error. */
  readonly status?: number;
  readonly hint?: string;
}

async function withClient<T>(source: MetricsSource, run: (client: MetricsClient) => Promise<T>): Promise<T> {
  if (source instanceof MetricsClient) return run(source);
  const client = new MetricsClient(source);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

function checkPythonNamespace(namespace: unknown): string {
  if (typeof namespace !== 'string' || namespace.trim() === '') {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `getPodsMetrics: namespace is required and cannot be empty or blank (got ${JSON.stringify(namespace)})`,
      {
        hint: 'Pass a namespace such as "default"; for every namespace use getPodsMetricsInAllNamespaces(kc, namespaces) or MetricsClient.listPodMetrics() without a namespace.',
      },
    );
  }
  return namespace;
}

async function podsList(
  client: MetricsClient,
  namespace: string,
  labelSelector: string | undefined,
  options: CallOptions,
): Promise<PodMetricsList> {
  const version = await client.metricsVersion(options);
  return client.getRaw<PodMetricsList>(resourceMetricsPath(version, { kind: 'pods', namespace }), {
    ...options,
    query: { labelSelector: labelSelector || undefined },
  });
}

/**
 * Usage of every node, as the raw `NodeMetricsList` (like Python's `get_nodes_metrics`).
 *
 * @example
 * const list = await getNodesMetrics(loadKubeConfig());
 * for (const node of list.items) console.log(node.metadata.name, node.usage.cpu);
 */
export function getNodesMetrics(source: MetricsSource, options: CallOptions = {}): Promise<NodeMetricsList> {
  return withClient(source, async (client) => {
    const version = await client.metricsVersion(options);
    return client.getRaw<NodeMetricsList>(resourceMetricsPath(version, { kind: 'nodes' }), options);
  });
}

/**
 * Usage of the pods of `namespace`, as the raw `PodMetricsList` (like Python's `get_pods_metrics`).
 * An empty or blank namespace is a `KUBEMETRICS_ERR_ARGUMENT` error (Python raises ValueError).
 *
 * @example
 * const list = await getPodsMetrics(kc, 'default', 'app=nginx');
 */
export function getPodsMetrics(
  source: MetricsSource,
  namespace: string,
  labelSelector?: string,
  options: CallOptions = {},
): Promise<PodMetricsList> {
  return new Promise<string>((resolve) => resolve(checkPythonNamespace(namespace))).then((ns) =>
    withClient(source, (client) => podsList(client, ns, labelSelector, options)),
  );
}

/**
 * Pod usage for each of `namespaces` (like Python's `get_pods_metrics_in_all_namespaces`): an
 * object keyed by namespace, in the order given, holding the raw list or a
 * {@link PodsMetricsError} entry. Requests run concurrently (the client's concurrency); a failing
 * namespace never fails the others. Aborting `signal` rejects the whole call.
 *
 * @example
 * const result = await getPodsMetricsInAllNamespaces(kc, ['default', 'kube-system']);
 * for (const [ns, entry] of Object.entries(result)) {
 *   if (entry.kind === 'Error') console.log(`${ns}: ERROR - ${entry.error}`);
 *   else console.log(`${ns}: ${entry.items.length} pods`);
 * }
 */
export function getPodsMetricsInAllNamespaces(
  source: MetricsSource,
  namespaces: readonly string[],
  labelSelector?: string,
  options: CallOptions & { readonly concurrency?: number } = {},
): Promise<Record<string, PodMetricsList | PodsMetricsError>> {
  return withClient(source, async (client) => {
    const entries = await mapConcurrent(
      namespaces,
      options.concurrency ?? client.concurrency,
      async (namespace) => {
        try {
          return await podsList(client, checkPythonNamespace(namespace), labelSelector, options);
        } catch (error) {
          if (options.signal?.aborted === true || !(error instanceof KubemetricsError)) throw error;
          const status = (error as { status?: unknown }).status;
          const entry: PodsMetricsError = {
            kind: 'Error',
            error: error.message,
            code: error.code,
            ...(typeof status === 'number' ? { status } : {}),
            ...(error.hint === undefined ? {} : { hint: error.hint }),
          };
          return entry;
        }
      },
    );
    const result: Record<string, PodMetricsList | PodsMetricsError> = {};
    namespaces.forEach((namespace, i) => {
      Object.defineProperty(result, namespace, {
        value: entries[i],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    return result;
  });
}
