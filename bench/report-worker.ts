/**
 * One contender of the capacity benchmark (bench/report.bench.ts), run in its own process so its
 * peak RSS is its own. Prints progress on stderr and, at the end, one JSON line on stdout:
 * `{ "ms": <work time>, "maxRssMB": <peak RSS>, ... }`.
 *
 *     node --import tsx bench/report-worker.ts <mode> <kubeconfig>   # by hand (tsx adds ~35-100 MB RSS)
 *
 * The benchmark does not load tsx into the measured process: it transpiles this file and runs it
 * with `node --input-type=module --eval`, passing the mode, kubeconfig and repository root in
 * BENCH_REPORT_MODE, BENCH_REPORT_KUBECONFIG and BENCH_REPORT_ROOT.
 *
 * Modes:
 * - floor              one unpaged GET /api/v1/pods with undici, then JSON.parse of the body
 * - floor-paged        the same list in pages of 500 (limit/continue), each page parsed, items kept
 * - kubemetrics        runCli(['capacity', '--util', '--kubeconfig', kc]) from dist/, output to a null stream
 * - kubemetrics-phases the same steps as `capacity --util`, each timed (connect, collect, report, table, render)
 * - kubemetrics-phases-no-pod-metrics  the same without reading PodMetrics (the by-node table does not show them)
 * - client-node        @kubernetes/client-node 1.4: topPods(core, metrics), metrics.getNodeMetrics(), topNodes(core)
 */
// Libraries are imported in the mode that uses them, so no mode pays another's RSS (client-node
// alone is ~80 MB).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Agent } from 'undici';
import type * as RunModule from '../src/cli/run.js';
import type * as SourceModule from '../src/cli/source.js';
import type * as TableModule from '../src/cli/table.js';
import type * as ReportModule from '../src/report/index.js';
import type { CliIO } from '../src/cli/io.js';

export const WORKER_MODES = [
  'floor',
  'floor-paged',
  'kubemetrics',
  'kubemetrics-phases',
  'kubemetrics-phases-no-pod-metrics',
  'client-node',
] as const;
export type WorkerMode = (typeof WORKER_MODES)[number];

/** What the worker prints as its last stdout line. */
export interface WorkerResult {
  ms: number;
  /** CPU time (user + system) of this process during the work, in ms: less sensitive to load than `ms`. */
  cpuMs?: number;
  maxRssMB: number;
  /** Objects the contender ended up with (pods parsed, pod rows, ...). */
  items?: number;
  /** Bytes downloaded (floor modes) or written (kubemetrics modes). */
  bytes?: number;
  /** Named phases in milliseconds, in order. */
  phases?: Record<string, number>;
  /** Peak RSS (MB) seen right after each phase. */
  phaseRssMB?: Record<string, number>;
  /** SHA-1 of the printed table, to check that two ways of computing it agree. */
  tableSha1?: string;
}

const started = performance.now();
/** CPU time used so far, in ms. */
const cpuMsNow = (): number => {
  const { userCPUTime, systemCPUTime } = process.resourceUsage();
  return (userCPUTime + systemCPUTime) / 1000;
};
let workCpuStart: number | undefined;
/** Starts the work clock (wall and CPU), after the mode's imports. */
const startWork = (): number => {
  workCpuStart = cpuMsNow();
  return performance.now();
};
const maxRssMB = (): number => process.resourceUsage().maxRSS / 1024;
const log = (message: string): void => {
  process.stderr.write(`[${(performance.now() - started).toFixed(0)} ms] ${message}\n`);
};

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users?: {
    name: string;
    user: { token?: string; 'client-certificate-data'?: string; 'client-key-data'?: string };
  }[];
}

interface Endpoint {
  server: string;
  dispatcher: Agent;
  headers: Record<string, string>;
}

const fromBase64 = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : Buffer.from(text, 'base64').toString('utf8');

/** The current context's server, CA and credentials, for a bare undici client. */
async function endpointOf(kubeconfigPath: string): Promise<Endpoint> {
  const { parse: parseYaml } = await import('yaml');
  const { Agent } = await import('undici');
  const config = parseYaml(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigFile;
  const context = config.contexts?.find((c) => c.name === config['current-context'])?.context;
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === context?.user)?.user;
  if (cluster === undefined) throw new Error(`${kubeconfigPath}: no cluster for the current context`);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (user?.token !== undefined) headers.authorization = `Bearer ${user.token}`;
  const dispatcher = new Agent({
    connect: {
      ca: fromBase64(cluster['certificate-authority-data']),
      cert: fromBase64(user?.['client-certificate-data']),
      key: fromBase64(user?.['client-key-data']),
    },
  });
  return { server: cluster.server, dispatcher, headers };
}

async function getText(endpoint: Endpoint, path: string): Promise<string> {
  const { request } = await import('undici');
  const response = await request(`${endpoint.server}${path}`, {
    dispatcher: endpoint.dispatcher,
    headers: endpoint.headers,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200)
    throw new Error(`GET ${path}: ${response.statusCode} ${text.slice(0, 200)}`);
  return text;
}

interface PodList {
  metadata: { continue?: string };
  items: unknown[];
}

async function floor(kubeconfigPath: string): Promise<WorkerResult> {
  const endpoint = await endpointOf(kubeconfigPath);
  const start = startWork();
  const text = await getText(endpoint, '/api/v1/pods');
  const downloaded = performance.now();
  const list = JSON.parse(text) as PodList;
  const ms = performance.now() - start;
  await endpoint.dispatcher.close();
  return {
    ms,
    maxRssMB: maxRssMB(),
    items: list.items.length,
    bytes: Buffer.byteLength(text),
    phases: { download: downloaded - start, parse: ms - (downloaded - start) },
  };
}

async function floorPaged(kubeconfigPath: string): Promise<WorkerResult> {
  const endpoint = await endpointOf(kubeconfigPath);
  const start = startWork();
  const items: unknown[] = [];
  let bytes = 0;
  let token: string | undefined;
  do {
    const query = `limit=500${token === undefined ? '' : `&continue=${encodeURIComponent(token)}`}`;
    const text = await getText(endpoint, `/api/v1/pods?${query}`);
    bytes += Buffer.byteLength(text);
    const page = JSON.parse(text) as PodList;
    for (const item of page.items) items.push(item);
    token = page.metadata.continue === '' ? undefined : page.metadata.continue;
  } while (token !== undefined);
  const ms = performance.now() - start;
  await endpoint.dispatcher.close();
  return { ms, maxRssMB: maxRssMB(), items: items.length, bytes };
}

/** A stdout that counts bytes and drops them, like `> /dev/null` without the syscalls. */
function nullStream(): Writable & { bytes: number } {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      stream.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      callback();
    },
  }) as Writable & { bytes: number };
  stream.bytes = 0;
  return stream;
}

function nullIO(): CliIO & { stdout: Writable & { bytes: number } } {
  return {
    stdout: nullStream(),
    stderr: process.stderr,
    env: {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    signal: new AbortController().signal,
  };
}

const distModule = <T>(root: string, path: string): Promise<T> =>
  import(pathToFileURL(join(root, 'dist', path)).href) as Promise<T>;

async function kubemetrics(kubeconfigPath: string, root: string): Promise<WorkerResult> {
  const { runCli } = await distModule<typeof RunModule>(root, 'cli/run.js');
  const io = nullIO();
  const start = startWork();
  const code = await runCli(['capacity', '--util', '--kubeconfig', kubeconfigPath], io);
  const ms = performance.now() - start;
  if (code !== 0) throw new Error(`kubemetrics capacity --util exited with ${code}`);
  return { ms, maxRssMB: maxRssMB(), bytes: io.stdout.bytes };
}

/** `capacity --util` (default table, by node) step by step, as src/cli/commands/capacity.ts runs it. */
async function kubemetricsPhases(
  kubeconfigPath: string,
  root: string,
  podMetrics: boolean,
): Promise<WorkerResult> {
  const report = await distModule<typeof ReportModule>(root, 'report/index.js');
  const { openSource } = await distModule<typeof SourceModule>(root, 'cli/source.js');
  const { renderTable } = await distModule<typeof TableModule>(root, 'cli/table.js');
  const io = nullIO();
  const phases: Record<string, number> = {};
  const phaseRssMB: Record<string, number> = {};
  let last = startWork();
  const start = last;
  const mark = (name: string): void => {
    const now = performance.now();
    phases[name] = now - last;
    phaseRssMB[name] = maxRssMB();
    last = now;
    log(`${name}: ${phases[name].toFixed(0)} ms, peak RSS ${phaseRssMB[name].toFixed(0)} MB`);
  };
  const view: ReportModule.CapacityView = {
    by: 'node',
    pods: false,
    containers: false,
    util: true,
    wide: false,
    ofCapacity: false,
    sort: undefined,
  };
  const filter = report.createCollectFilter({});
  const opened = await openSource({ kubeconfig: kubeconfigPath }, 'capacity', io);
  mark('connect');
  const { records } = await report.collectRecords(opened.source, {
    filter,
    parts: { nodes: true, pods: true, nodeMetrics: true, podMetrics },
    timeoutMs: opened.timeoutMs,
  });
  mark('collect');
  const model = report.buildReport(
    {
      nodes: records.nodes,
      pods: records.pods,
      nodeMetrics: records.nodeMetrics,
      podMetrics: records.podMetrics,
    },
    { resources: ['cpu', 'memory'], levels: ['cluster', 'node'] },
  );
  mark('buildReport');
  const table = report.capacityTable(model, view, model.resourceNames);
  mark('capacityTable');
  const text = renderTable(table.headers, table.rows);
  io.stdout.write(text);
  mark('render+write');
  await opened.close();
  mark('close');
  return {
    ms: performance.now() - start,
    maxRssMB: maxRssMB(),
    items: records.pods.length,
    bytes: io.stdout.bytes,
    phases,
    phaseRssMB,
    tableSha1: createHash('sha1').update(text).digest('hex'),
  };
}

async function clientNode(kubeconfigPath: string): Promise<WorkerResult> {
  const { CoreV1Api, KubeConfig, Metrics, topNodes, topPods } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  const core = config.makeApiClient(CoreV1Api);
  const metrics = new Metrics(config);
  const phases: Record<string, number> = {};
  const start = startWork();
  let last = start;
  const mark = (name: string): void => {
    const now = performance.now();
    phases[name] = now - last;
    last = now;
    log(`${name} done: ${phases[name].toFixed(0)} ms, peak RSS ${maxRssMB().toFixed(0)} MB`);
  };
  // Cheapest first, so a run stopped by the time limit still says how far it got.
  const pods = await topPods(core, metrics);
  mark('topPods');
  const nodeMetrics = await metrics.getNodeMetrics();
  mark('getNodeMetrics');
  const nodes = await topNodes(core);
  mark('topNodes');
  return {
    ms: performance.now() - start,
    maxRssMB: maxRssMB(),
    items: pods.length + nodes.length + nodeMetrics.items.length,
    phases,
  };
}

function isMode(value: string | undefined): value is WorkerMode {
  return (WORKER_MODES as readonly (string | undefined)[]).includes(value);
}

async function main(): Promise<void> {
  const [argMode, argKubeconfig] = process.argv.slice(2);
  const mode = process.env.BENCH_REPORT_MODE ?? argMode;
  const kubeconfigPath = process.env.BENCH_REPORT_KUBECONFIG ?? argKubeconfig;
  const root = process.env.BENCH_REPORT_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
  if (!isMode(mode) || kubeconfigPath === undefined) {
    throw new Error(`usage: report-worker.ts <${WORKER_MODES.join('|')}> <kubeconfig>`);
  }
  const run: Record<WorkerMode, () => Promise<WorkerResult>> = {
    floor: () => floor(kubeconfigPath),
    'floor-paged': () => floorPaged(kubeconfigPath),
    kubemetrics: () => kubemetrics(kubeconfigPath, root),
    'kubemetrics-phases': () => kubemetricsPhases(kubeconfigPath, root, true),
    'kubemetrics-phases-no-pod-metrics': () => kubemetricsPhases(kubeconfigPath, root, false),
    'client-node': () => clientNode(kubeconfigPath),
  };
  const result = await run[mode]();
  // Each mode starts its clock after its imports; CPU is counted from here on the same span.
  if (result.cpuMs === undefined && workCpuStart !== undefined) result.cpuMs = cpuMsNow() - workCpuStart;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Only as a process of its own (by hand, or the benchmark's --eval), never when imported for types.
if (process.env.BENCH_REPORT_MODE !== undefined || process.argv[1]?.endsWith('report-worker.ts') === true) {
  await main();
  // client-node and undici may keep sockets open; the result is out, so leave now.
  process.exit(0);
}
