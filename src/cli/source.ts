/**
 * Where a read command gets its data: the live cluster (kubeconfig flags) or a saved snapshot
 * (`--snapshot FILE`, optionally `--metrics-file FILE`). Every read command takes both.
 */
import type { MetricsClient } from '../client/index.js';
import type { ClusterSource } from '../report/index.js';
import { CLUSTER_FLAGS, CLUSTER_FLAGS_HELP, clusterOptions, connect } from './cluster-options.js';
import type { CliIO } from './io.js';
import { UsageError } from './usage-error.js';

export const SOURCE_FLAGS = {
  ...CLUSTER_FLAGS,
  snapshot: { type: 'string' },
  'metrics-file': { type: 'string' },
  'chunk-size': { type: 'string' },
} as const;

export const SOURCE_FLAGS_HELP = `${CLUSTER_FLAGS_HELP}
      --snapshot FILE           Read a saved snapshot (kubemetrics snapshot save, or kubectl get nodes,pods -A -o json) instead of the cluster
      --metrics-file FILE       With --snapshot: metrics to add (kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods)
      --chunk-size N            Objects per page when listing nodes and pods (default 500), like kubectl`;

export interface OpenedSource {
  readonly source: ClusterSource;
  /** The kubeconfig context's namespace (or `default`), for commands scoped to one namespace. */
  readonly defaultNamespace: string;
  /** The live client, when not reading a snapshot. */
  readonly client: MetricsClient | undefined;
  readonly timeoutMs: number | undefined;
  /** Page size of node and pod lists (`--chunk-size`). */
  readonly limit: number | undefined;
  close(): Promise<void>;
}

/** Parses `--chunk-size` (a positive integer, as kubectl takes it). */
export function parseChunkSize(value: unknown, command: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`--chunk-size must be a positive integer, got ${JSON.stringify(value)}`, command);
  }
  return Number(value);
}

export async function openSource(
  values: Record<string, unknown>,
  command: string,
  io: CliIO,
): Promise<OpenedSource> {
  const limit = parseChunkSize(values['chunk-size'], command);
  const snapshotFile = typeof values['snapshot'] === 'string' ? values['snapshot'] : undefined;
  const metricsFile = typeof values['metrics-file'] === 'string' ? values['metrics-file'] : undefined;
  if (snapshotFile !== undefined) {
    if (values['kubeconfig'] !== undefined || values['context'] !== undefined) {
      throw new UsageError(
        '--snapshot reads a file; it cannot be combined with --kubeconfig or --context',
        command,
      );
    }
    // Imported here, not at the top: `--help` reads this module's flag help and must not load reports.
    const { readSnapshot } = await import('../report/index.js');
    const snapshot = await readSnapshot(snapshotFile, metricsFile);
    return {
      source: { kind: 'snapshot', snapshot },
      defaultNamespace: 'default',
      client: undefined,
      timeoutMs: undefined,
      limit,
      close: () => Promise.resolve(),
    };
  }
  if (metricsFile !== undefined) throw new UsageError('--metrics-file goes with --snapshot', command);
  const options = clusterOptions(values, command);
  const client = await connect(options, io);
  return {
    source: { kind: 'live', client },
    defaultNamespace: client.namespace,
    client,
    timeoutMs: options.timeoutMs,
    limit,
    close: () => client.close(),
  };
}
