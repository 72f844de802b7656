/**
 * The flags every cluster-reading command shares (`--kubeconfig`, `--context`, `--request-timeout`)
 * and how they become a MetricsClient. Parsed here, validated once, then passed down as options.
 */
import type { MetricsClient } from '../client/index.js';
import type { CliIO } from './io.js';
import { UsageError } from './usage-error.js';

/** parseArgs definitions of the shared flags. */
export const CLUSTER_FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'request-timeout': { type: 'string' },
} as const;

export const CLUSTER_FLAGS_HELP = `Cluster flags:
      --kubeconfig FILE         Path to the kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)
      --context NAME            The kubeconfig context to use
      --request-timeout DURATION  How long to wait for one request: 0 (no limit), 30s, 1m, or seconds (default 30s)`;

export interface ClusterOptions {
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  readonly timeoutMs: number;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses kubectl's `--request-timeout`: a bare number is seconds, otherwise a number with a unit
 * (ms, s, m, h); 0 means no timeout.
 */
export function parseRequestTimeout(text: string | undefined, command: string): number {
  if (text === undefined) return 30_000;
  const match = DURATION.exec(text.trim());
  if (match === null) {
    throw new UsageError(
      `invalid --request-timeout "${text}": expected a duration such as 30s, 1m or 500ms, or 0 for no limit`,
      command,
    );
  }
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
}

/** Reads the shared flags out of parseArgs values. */
export function clusterOptions(values: Record<string, unknown>, command: string): ClusterOptions {
  const str = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  return {
    kubeconfig: str('kubeconfig'),
    context: str('context'),
    timeoutMs: parseRequestTimeout(str('request-timeout'), command),
  };
}

/** Builds a client the way kubectl finds its credentials, with the environment the CLI was given. */
export async function connect(options: ClusterOptions, io: CliIO): Promise<MetricsClient> {
  // Imported here, not at the top: `--help` reads this module's flag help and must not load the client.
  const { MetricsClient } = await import('../client/index.js');
  return MetricsClient.fromKubeConfig({
    kubeconfig: options.kubeconfig,
    context: options.context,
    env: io.env,
    timeoutMs: options.timeoutMs,
  });
}
