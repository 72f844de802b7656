/**
 * One entry point for every read command: records from the live cluster or from a snapshot, with
 * the same filters, so offline reports equal live ones.
 */
// Not client/index.js: that would load the watch code and undici into every one-shot CLI command
// (scripts/build-cli.ts bundles by file).
import { isKubernetesApiError } from '../client/api-error.js';
import type { MetricsClient } from '../client/metrics-client.js';
import { KubemetricsError } from '../errors.js';
import { collectCluster, type CollectOptions, type CollectResult } from './collect.js';
import { createRecordSink, type ClusterRecords } from './collect-sink.js';
import { replaySnapshot, type Snapshot } from './snapshot.js';

export type ClusterSource =
  | { readonly kind: 'live'; readonly client: MetricsClient }
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot };

export interface ClusterData {
  readonly records: ClusterRecords;
  readonly info: CollectResult;
}

/** Collects (live) or replays (snapshot) into report records. */
export async function collectRecords(source: ClusterSource, options: CollectOptions): Promise<ClusterData> {
  const sink = createRecordSink(options.filter);
  if (source.kind === 'live') {
    const info = await collectCluster(source.client, sink, options);
    return { records: sink.records, info };
  }
  const { snapshot } = source;
  replaySnapshot(snapshot, sink);
  const hasMetrics = snapshot.nodeMetrics.length > 0 || snapshot.podMetrics.length > 0;
  const metricsError =
    snapshot.metricsError !== undefined
      ? new KubemetricsError('KUBEMETRICS_ERR_API', snapshot.metricsError.message, {
          hint: snapshot.metricsError.hint,
        })
      : hasMetrics
        ? undefined
        : new KubemetricsError(
            'KUBEMETRICS_ERR_ARGUMENT',
            `snapshot ${snapshot.source.file ?? ''} holds no metrics`,
            {
              hint: 'Pass the metrics with --metrics-file (kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods > pods-metrics.json).',
            },
          );
  return {
    records: sink.records,
    info: {
      collectedAt: snapshot.collectedAt,
      kubernetesVersion: snapshot.kubernetesVersion,
      metricsVersion: snapshot.metricsVersion,
      metricsError,
    },
  };
}

/**
 * Whether a namespace exists (`GET /api/v1/namespaces/NAME`), to tell "no such namespace" (a
 * typo) from "a namespace without pods" when a filtered report comes back empty. `undefined` when
 * it cannot be told: a snapshot records no namespaces, and reading one may be forbidden.
 */
export async function namespaceExists(
  source: ClusterSource,
  name: string,
  options: Pick<CollectOptions, 'signal' | 'timeoutMs'> = {},
): Promise<boolean | undefined> {
  if (source.kind !== 'live') return undefined;
  try {
    await source.client.getRaw(`/api/v1/namespaces/${encodeURIComponent(name)}`, options);
    return true;
  } catch (error) {
    if (isKubernetesApiError(error, 404)) return false;
    if (isKubernetesApiError(error, 403)) return undefined;
    throw error;
  }
}
