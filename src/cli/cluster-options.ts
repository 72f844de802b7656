/**
 * The flags every cluster-reading command shares — the kubeconfig flags kubectl users type
 * (`--kubeconfig`, `--context`, `--cluster`, `--user`, `--server`, `--token`, `--as`,
 * `--as-group`, `--certificate-authority`, `--insecure-skip-tls-verify`, `--tls-server-name`,
 * `--request-timeout`, `-v`) — and how they become a MetricsClient. Parsed here, validated once,
 * then passed down as options. The override flags act like kubectl's (k8s.io/client-go
 * tools/clientcmd overrides.go, RecommendedConfigOverrideFlags).
 */
import path from 'node:path';
import type {
  KubeConfig,
  KubeConfigOverrides,
  MetricsClient,
  MetricsClientOptions,
} from '../client/index.js';
import type { CliIO } from './io.js';
import { UsageError } from './usage-error.js';
import { parseVerbosity, REQUEST_LOG_LEVEL } from './verbosity.js';

/** parseArgs definitions of the shared flags. */
export const CLUSTER_FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  cluster: { type: 'string' },
  user: { type: 'string' },
  server: { type: 'string', short: 's' },
  token: { type: 'string' },
  as: { type: 'string' },
  'as-group': { type: 'string', multiple: true },
  'certificate-authority': { type: 'string' },
  'insecure-skip-tls-verify': { type: 'boolean' },
  'tls-server-name': { type: 'string' },
  'request-timeout': { type: 'string' },
  v: { type: 'string', short: 'v' },
} as const;

export const CLUSTER_FLAGS_HELP = `Cluster flags (as in kubectl):
      --kubeconfig FILE         Path to the kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)
      --context NAME            The kubeconfig context to use
      --cluster NAME            The kubeconfig cluster to use (instead of the context's)
      --user NAME               The kubeconfig user to use (instead of the context's)
  -s, --server URL              The address of the API server
      --token TOKEN             Bearer token for the API server
      --as USER                 Username to impersonate
      --as-group GROUP          Group to impersonate (repeat for several); needs --as
      --certificate-authority FILE  CA certificate file for the server
      --insecure-skip-tls-verify    Do not verify the server's certificate (insecure)
      --tls-server-name NAME    Server name to verify the certificate against (instead of the host)
      --request-timeout DURATION  How long to wait for one request, connecting included:
                                0 (no limit), 30s, 1m, or seconds (default 30s)
  -v, --v N                     Log level; 6 or more logs every request (method, URL, status, time) to stderr`;

export interface ClusterOptions {
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  readonly overrides: KubeConfigOverrides;
  readonly timeoutMs: number;
  /** `-v` level (0 when not given). */
  readonly verbosity: number;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration flag the way kubectl parses `--request-timeout`: a bare number is seconds,
 * otherwise a number with a unit (ms, s, m, h). Returns milliseconds.
 */
export function parseDurationFlag(text: string, flag: string, command: string): number {
  const match = DURATION.exec(text.trim());
  if (match === null) {
    throw new UsageError(`invalid ${flag} "${text}": expected a duration such as 30s, 1m or 500ms`, command);
  }
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
}

/** kubectl's `--request-timeout` (see {@link parseDurationFlag}); 0 means no timeout. */
export function parseRequestTimeout(text: string | undefined, command: string): number {
  if (text === undefined) return 30_000;
  try {
    return parseDurationFlag(text, '--request-timeout', command);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}, or 0 for no limit`, command);
  }
}

/** `--server` as kubectl takes it: a URL, or host[:port] meaning https (client-go DefaultServerURL). */
function parseServer(text: string, command: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`invalid --server "${text}": expected a URL such as https://10.0.0.1:6443`, command);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(
      `invalid --server "${text}": only https:// and http:// servers are supported`,
      command,
    );
  }
  return withScheme;
}

/** Reads the shared flags out of parseArgs values. */
export function clusterOptions(values: Record<string, unknown>, command: string): ClusterOptions {
  const str = (name: string) =>
    typeof values[name] === 'string' && values[name] !== '' ? values[name] : undefined;
  const groups = Array.isArray(values['as-group'])
    ? (values['as-group'] as string[]).filter((g) => g !== '')
    : [];
  const as = str('as');
  if (groups.length > 0 && as === undefined) {
    // kube-apiserver refuses groups without a user; kubectl says the same before sending.
    throw new UsageError(
      '--as-group needs --as: groups can only be impersonated together with a user',
      command,
    );
  }
  const ca = str('certificate-authority');
  const insecure = values['insecure-skip-tls-verify'] === true;
  if (ca !== undefined && insecure) {
    throw new UsageError(
      'give --certificate-authority or --insecure-skip-tls-verify, not both (a CA file with the insecure flag is not allowed)',
      command,
    );
  }
  const server = str('server');
  const overrides: KubeConfigOverrides = {
    cluster: str('cluster'),
    user: str('user'),
    server: server === undefined ? undefined : parseServer(server, command),
    token: str('token'),
    impersonate: as,
    impersonateGroups: groups,
    certificateAuthority: ca === undefined ? undefined : path.resolve(ca),
    insecureSkipTlsVerify: insecure,
    tlsServerName: str('tls-server-name'),
  };
  return {
    kubeconfig: str('kubeconfig'),
    context: str('context'),
    overrides,
    timeoutMs: parseRequestTimeout(str('request-timeout'), command),
    verbosity: parseVerbosity(values['v'], command),
  };
}

/** The kubeconfig the flags select, and the `-v` request log that goes with it. */
export interface ClusterConfig {
  readonly kubeConfig: KubeConfig;
  /** Stops the request log (a no-op below `-v=6`). A plain function: callers keep it apart. */
  readonly stopLog: () => void;
}

/**
 * Loads the kubeconfig the way kubectl finds its credentials (KUBECONFIG, ~/.kube/config, the
 * in-cluster service account), with the override flags on top and the environment the CLI was
 * given. With `-v=6` or more the config source is printed and every request logged to stderr until
 * `stopLog()`. For commands that need more than a MetricsClient (the servers' watches).
 */
export async function loadClusterConfig(options: ClusterOptions, io: CliIO): Promise<ClusterConfig> {
  // Imported here, not at the top: `--help` reads this module's flag help and must not load the
  // client. The module itself, not client/index.js: a dynamic import of the index keeps every
  // export of it in the bundle's chunk (the watch and undici among them), used or not.
  const { kubeConfigSource, loadKubeConfig } = await import('../client/kubeconfig-files.js');
  const kubeConfig = loadKubeConfig({
    kubeconfig: options.kubeconfig,
    context: options.context,
    env: io.env,
    overrides: options.overrides,
  });
  if (options.verbosity < REQUEST_LOG_LEVEL) return { kubeConfig, stopLog: () => undefined };
  const source = kubeConfigSource(kubeConfig);
  if (source?.kind === 'files')
    for (const file of source.files) io.stderr.write(`Config loaded from file: ${file}\n`);
  if (source?.kind === 'in-cluster')
    io.stderr.write(`Config loaded from the in-cluster service account ${source.dir}\n`);
  const { startRequestLog } = await import('./verbose-log.js');
  return { kubeConfig, stopLog: startRequestLog(options.verbosity, io) };
}

/** Whether any cluster flag was given (commands that can also run without a cluster refuse them then). */
export function clusterFlagsGiven(values: Record<string, unknown>): string[] {
  return Object.keys(CLUSTER_FLAGS).filter((name) => values[name] !== undefined);
}

/**
 * Builds a client for a one-shot command. With `-v=6` or more the config source and every request
 * are logged to stderr until the client is closed.
 */
export async function connect(
  options: ClusterOptions,
  io: CliIO,
  /** A config already loaded with {@link loadClusterConfig}, and client options to add (e.g. `retries`). */
  preloaded?: { readonly config: ClusterConfig; readonly client?: MetricsClientOptions },
): Promise<MetricsClient> {
  const [{ kubeConfig, stopLog }, { MetricsClient }] = await Promise.all([
    preloaded?.config ?? loadClusterConfig(options, io),
    import('../client/metrics-client.js'),
  ]);
  const client = new MetricsClient(kubeConfig, {
    ...preloaded?.client,
    timeoutMs: options.timeoutMs,
    // Timeout hints name the flag the user can change, not the library option; node:https, not
    // undici: a one-shot command would spend more time loading undici than on its requests
    // (transport-http.ts). Servers keep undici, shared with their watches.
    transport: { timeoutSetting: '--request-timeout', httpClient: 'node' },
  });
  const close = client.close.bind(client);
  client.close = async () => {
    stopLog();
    await close();
  };
  return client;
}
