/**
 * `kubemetrics serve`: the report service. Options are parsed and validated here (every problem
 * at once), then passed down as plain values: a ClusterCache (live) or a StaticClusterView
 * (`--snapshot`), and the HTTP server. Runs until Ctrl-C (`io.signal`).
 */
import { parseArgs } from 'node:util';
import { MetricsClient, parseGoDuration, resolveConnection } from '../../client/index.js';
import { createCollectFilter, createRecordSink, readSnapshot, replaySnapshot } from '../../report/index.js';
import {
  bearerTokenFromFile,
  cacheTransitionLogEntry,
  ClusterCache,
  HpaReplayLoop,
  startReportServer,
  StaticClusterView,
  type BearerTokenCheck,
  type ClusterView,
  type ServiceLogEntry,
} from '../../service/index.js';
import { EXIT_OK, type Command } from '../command.js';
import {
  CLUSTER_FLAGS,
  clusterFlagsGiven,
  clusterOptions,
  loadClusterConfig,
  type ClusterOptions,
} from '../cluster-options.js';
import { writeLine, type CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';

const FLAGS = {
  listen: { type: 'string' },
  // The kubectl cluster flags, as on top/capacity/snapshot (cluster-options.ts).
  ...CLUSTER_FLAGS,
  'metrics-interval': { type: 'string' },
  'auth-token-file': { type: 'string' },
  'pod-metrics': { type: 'boolean' },
  snapshot: { type: 'string' },
  'metrics-file': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/** The validated options of one `serve` run. */
export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** Which cluster, as whom, and the request deadline (the kubectl flags). */
  readonly cluster: ClusterOptions;
  readonly metricsIntervalMs: number;
  readonly authTokenFile: string | undefined;
  readonly podMetrics: boolean;
  readonly snapshot: string | undefined;
  readonly metricsFile: string | undefined;
  readonly quiet: boolean;
}

/** `host:port`, `[v6]:port` or `:port`. */
function parseListen(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  const host = match[1] ?? (match[2] === '' || match[2] === undefined ? '0.0.0.0' : match[2]);
  return { host, port };
}

/** Parses and validates the command line, reporting every problem at once. */
export function parseServeOptions(args: readonly string[], env: NodeJS.ProcessEnv): ServeOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, 'serve');
  }
  const { values, positionals } = parsed;
  const problems: string[] = [];
  if (positionals.length > 0) problems.push(`unexpected arguments: ${positionals.join(' ')}`);
  const inCluster = env['KUBERNETES_SERVICE_HOST'] !== undefined && env['KUBERNETES_SERVICE_HOST'] !== '';
  const listenText = values.listen ?? (inCluster ? '0.0.0.0:8080' : '127.0.0.1:8080');
  const listen = parseListen(listenText);
  if (listen === undefined)
    problems.push(
      `--listen must be HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got ${JSON.stringify(listenText)}`,
    );
  let metricsIntervalMs = 15_000;
  if (values['metrics-interval'] !== undefined) {
    const seconds = parseGoDuration(values['metrics-interval']);
    if (seconds === undefined || seconds < 1)
      problems.push(
        `--metrics-interval must be a duration of at least 1s such as 15s or 1m, got ${JSON.stringify(values['metrics-interval'])}`,
      );
    else metricsIntervalMs = seconds * 1000;
  }
  if (values.snapshot !== undefined) {
    const given = clusterFlagsGiven(values);
    if (values['metrics-interval'] !== undefined) given.push('metrics-interval');
    for (const flag of given) problems.push(`--snapshot serves a file; it cannot be combined with --${flag}`);
  } else if (values['metrics-file'] !== undefined) problems.push('--metrics-file goes with --snapshot');
  let cluster: ClusterOptions | undefined;
  try {
    cluster = clusterOptions(values, 'serve');
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0 || listen === undefined || cluster === undefined)
    throw new UsageError(problems.join('; '), 'serve');
  return {
    ...listen,
    cluster,
    metricsIntervalMs,
    authTokenFile: values['auth-token-file'],
    podMetrics: values['pod-metrics'] === true,
    snapshot: values.snapshot,
    metricsFile: values['metrics-file'],
    quiet: values.quiet === true,
  };
}

async function snapshotView(file: string, metricsFile: string | undefined): Promise<StaticClusterView> {
  const snapshot = await readSnapshot(file, metricsFile);
  const sink = createRecordSink(createCollectFilter({}));
  replaySnapshot(snapshot, sink);
  return new StaticClusterView({ ...sink.records, collectedAt: snapshot.collectedAt });
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  const options = parseServeOptions(args, io.env);
  const auth: BearerTokenCheck | undefined =
    options.authTokenFile === undefined ? undefined : bearerTokenFromFile(options.authTokenFile);
  let view: ClusterView;
  let hpas: HpaReplayLoop | undefined;
  let stopView: () => Promise<void> = () => Promise.resolve();
  if (options.snapshot !== undefined) {
    view = await snapshotView(options.snapshot, options.metricsFile);
  } else {
    // The flags' context and overrides are part of the loaded kubeconfig (its current context).
    const { kubeConfig, stopLog } = await loadClusterConfig(options.cluster, io);
    const client = new MetricsClient(kubeConfig, { timeoutMs: options.cluster.timeoutMs });
    const cache = new ClusterCache({
      client,
      connection: resolveConnection(kubeConfig),
      metricsIntervalMs: options.metricsIntervalMs,
    });
    // One line per change of state of the cluster or the metrics source, with the cause.
    cache.onTransition((transition) => {
      const entry = cacheTransitionLogEntry(transition);
      if (entry !== undefined)
        writeLine(io.stderr, JSON.stringify({ time: new Date().toISOString(), ...entry }));
    });
    cache.start();
    view = cache;
    // The HPA replay (`/api/v1/hpas`) on the same interval as the metrics, independent of the cache.
    hpas = new HpaReplayLoop({ client, intervalMs: options.metricsIntervalMs });
    hpas.start();
    stopView = async () => {
      await hpas?.stop();
      await cache.stop();
      await client.close();
      stopLog();
    };
  }
  const log = (entry: ServiceLogEntry): void => {
    if (options.quiet && entry.msg === 'request') return;
    writeLine(io.stderr, JSON.stringify({ time: new Date().toISOString(), ...entry }));
  };
  try {
    const server = await startReportServer({
      view,
      host: options.host,
      port: options.port,
      auth,
      podMetrics: options.podMetrics,
      hpas,
      log,
    });
    log({
      level: 'info',
      msg: `listening on ${server.url}${options.snapshot === undefined ? '' : ` (snapshot ${options.snapshot})`}`,
    });
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
    return EXIT_OK;
  } finally {
    auth?.close();
    await stopView();
  }
}

export const serveCommand: Command = { name: 'serve', flags: FLAGS, run };
