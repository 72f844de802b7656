/**
 * `kubemetrics serve`: the report service. Options are parsed and validated here (every problem
 * at once), then passed down as plain values: a ClusterCache (live) or a StaticClusterView
 * (`--snapshot`), and the HTTP server. Runs until Ctrl-C (`io.signal`).
 */
import { parseArgs } from 'node:util';
import { loadKubeConfig, MetricsClient, parseGoDuration, resolveConnection } from '../../client/index.js';
import { createCollectFilter, createRecordSink, readSnapshot, replaySnapshot } from '../../report/index.js';
import {
  bearerTokenFromFile,
  ClusterCache,
  startReportServer,
  StaticClusterView,
  type BearerTokenCheck,
  type ClusterView,
  type ServiceLogEntry,
} from '../../service/index.js';
import { EXIT_OK, type Command } from '../command.js';
import { parseRequestTimeout } from '../cluster-options.js';
import { writeLine, type CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';

const HELP = `Serve capacity reports over HTTP from a live, in-memory picture of the cluster.

Usage:
  kubemetrics serve [--listen HOST:PORT] [--kubeconfig FILE] [--context NAME]
                    [--metrics-interval DURATION] [--auth-token-file FILE] [--pod-metrics]
  kubemetrics serve --snapshot FILE [--metrics-file FILE] [--listen HOST:PORT]

Nodes and pods are listed once and then watched; metrics.k8s.io is read every --metrics-interval.
Every HTTP request is answered from memory (docs/service.md lists the routes and metrics):
  /                       dashboard in a browser; JSON per-node summary otherwise
  /api/v1/nodes-summary   per-node CPU (millicores) and RAM (bytes): capacity, requests, limits, usage
  /api/v1/capacity        ?by=node|namespace|workload|pod&namespace=&labelSelector=&sort=&limit=
  /metrics                Prometheus text
  /healthz, /readyz       liveness; readiness (listed once; stale data stays ready, marked stale)

Flags:
      --listen HOST:PORT          Address to listen on (default 127.0.0.1:8080; 0.0.0.0:8080 in a pod)
      --kubeconfig FILE           Path to the kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)
      --context NAME              The kubeconfig context to use
      --request-timeout DURATION  Timeout of one list or metrics request (default 30s)
      --metrics-interval DURATION How often to read metrics.k8s.io (default 15s; at least 1s)
      --auth-token-file FILE      Require "Authorization: Bearer <token>" (all routes but /healthz and /readyz);
                                  the file is re-read when it changes
      --pod-metrics               Add per-pod series to /metrics (one series per pod and resource)
      --snapshot FILE             Serve a saved snapshot, read-only, instead of a cluster
      --metrics-file FILE         With --snapshot: metrics to add
      --quiet                     Do not log each request

Examples:
  kubemetrics serve
  kubemetrics serve --listen 0.0.0.0:9090 --metrics-interval 30s --auth-token-file /etc/kubemetrics/token
  kubemetrics serve --snapshot prod.json.gz`;

const FLAGS = {
  listen: { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'request-timeout': { type: 'string' },
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
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  readonly timeoutMs: number;
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
    for (const flag of ['kubeconfig', 'context', 'metrics-interval', 'request-timeout'] as const)
      if (values[flag] !== undefined)
        problems.push(`--snapshot serves a file; it cannot be combined with --${flag}`);
  } else if (values['metrics-file'] !== undefined) problems.push('--metrics-file goes with --snapshot');
  let timeoutMs = 30_000;
  try {
    timeoutMs = parseRequestTimeout(values['request-timeout'], 'serve');
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0 || listen === undefined) throw new UsageError(problems.join('; '), 'serve');
  return {
    ...listen,
    kubeconfig: values.kubeconfig,
    context: values.context,
    timeoutMs,
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
  let stopView: () => Promise<void> = () => Promise.resolve();
  if (options.snapshot !== undefined) {
    view = await snapshotView(options.snapshot, options.metricsFile);
  } else {
    const kubeConfig = loadKubeConfig({
      kubeconfig: options.kubeconfig,
      context: options.context,
      env: io.env,
    });
    const client = new MetricsClient(kubeConfig, { context: options.context, timeoutMs: options.timeoutMs });
    const cache = new ClusterCache({
      client,
      connection: resolveConnection(kubeConfig, options.context),
      metricsIntervalMs: options.metricsIntervalMs,
    });
    cache.start();
    view = cache;
    stopView = async () => {
      await cache.stop();
      await client.close();
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

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve capacity reports, Prometheus metrics and a dashboard over HTTP',
  help: HELP,
  run,
};
