/**
 * The capacity report at scale: `kubemetrics capacity --util` against @kubernetes/client-node's
 * `topNodes` + `topPods` and against the floor (download the pod list once and JSON.parse it), on
 * test clusters of 500 nodes / 15,000 pods and 5,000 nodes / 150,000 pods.
 *
 *     npm run build && npm run bench -- report      # through bench/run.ts
 *     node --import tsx bench/report.bench.ts        # this benchmark alone
 *
 * Environment:
 *     BENCH_REPORT_SIZES=500          node counts to run (default 500,5000; 30 pods per node)
 *     BENCH_CLIENT_NODE_TIMEOUT_S=180 time limit of the client-node contender (it makes a request per node)
 *     BENCH_REPORT_TIMEOUT_S=600      time limit of every other contender
 *     BENCH_REPORT_REPEAT=3           rounds of floor/kubemetrics runs (interleaved; the median is reported)
 *     BENCH_REPORT_PHASES=1           also run kubemetrics step by step (connect, collect, buildReport, ...),
 *                                     with and without reading PodMetrics
 *     BENCH_REPORT_CPU_PROF=DIR       write --cpu-prof profiles of the kubemetrics processes into DIR
 *
 * Method: the test cluster (src/testing) runs in this process; every contender runs in a child
 * process of its own, so its peak RSS (getrusage maxRSS) is its own. The child is
 * bench/report-worker.ts transpiled to plain JavaScript and run with `node --eval`, so tsx's loader
 * (35-100 MB of RSS) is not measured. Requests are counted from the test cluster's request log,
 * reset before each contender. "work ms" is timed inside the child around the work (imports and
 * process start excluded); "CPU ms" is the child's user+system CPU over the same span (what the
 * contender itself costs, much less sensitive to a loaded machine than wall time); "server CPU ms"
 * is what the in-process test cluster spent serving it; "process ms" is spawn to exit.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import type { WorkerMode, WorkerResult } from './report-worker.js';
import { distStaleness } from './dist-staleness.js';
import { evalArgs } from './eval-script.js';
import { requestBreakdown } from './request-kinds.js';

type Row = Record<string, string | number | undefined>;

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const PODS_PER_NODE = 30;

const envNumber = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

function sizes(): number[] {
  const text = process.env.BENCH_REPORT_SIZES ?? '500,5000';
  return text
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Peak RSS from a preload, for the real `node dist/cli/main.js` (written to fd 3 at exit). */
const RSS_PRELOAD = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; const t0 = performance.now();" +
    'const cpu = () => { const u = process.resourceUsage(); return (u.userCPUTime + u.systemCPUTime) / 1000; };' +
    "const c0 = cpu(); process.on('exit', () => { try { writeSync(3, JSON.stringify({ ms: performance.now() - t0, " +
    "cpuMs: cpu() - c0, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\\n'); } catch {} });",
)}`;

/** Peak RSS of a running process (VmHWM), for children that get killed before they can tell. */
function vmHwmMB(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

interface ChildOutcome {
  result: WorkerResult | undefined;
  processMs: number;
  /** CPU this process (the test cluster serving the child) used meanwhile, in ms. */
  serverCpuMs: number;
  timedOut: boolean;
  /** Highest VmHWM polled while it ran. */
  polledRssMB: number | undefined;
  exitCode: number | null;
  stderr: string;
}

interface ChildSpec {
  args: string[];
  env?: Record<string, string>;
  timeoutMs: number;
  /** Where the JSON result line comes from: the worker's stdout or the preload's fd 3. */
  resultFd: 1 | 3;
}

function runChild(spec: ChildSpec): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const child = spawn(process.execPath, spec.args, {
      cwd: ROOT,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', spec.resultFd === 1 ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    const resultStream = (spec.resultFd === 1 ? child.stdout : child.stdio[3]) as Readable | null;
    resultStream?.setEncoding('utf8');
    resultStream?.on('data', (chunk: string) => (out += chunk));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
    let polledRssMB: number | undefined;
    const poll = setInterval(() => {
      const mb = child.pid === undefined ? undefined : vmHwmMB(child.pid);
      if (mb !== undefined) polledRssMB = Math.max(polledRssMB ?? 0, mb);
    }, 100);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, spec.timeoutMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearInterval(poll);
      clearTimeout(timer);
      const line = out
        .trim()
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{'));
      resolve({
        result: line === undefined ? undefined : (JSON.parse(line) as WorkerResult),
        processMs: performance.now() - start,
        serverCpuMs: ((u) => (u.user + u.system) / 1000)(process.cpuUsage(cpuStart)),
        timedOut,
        polledRssMB,
        exitCode,
        stderr,
      });
    });
  });
}

function cpuProfArgs(name: string): string[] {
  const dir = process.env.BENCH_REPORT_CPU_PROF;
  return dir === undefined
    ? []
    : ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`];
}

function runWorker(mode: WorkerMode, cluster: TestCluster, timeoutMs: number, size: number) {
  const profile = mode.startsWith('kubemetrics') ? cpuProfArgs(`${mode}-${size}`) : [];
  return runChild({
    args: [...profile, ...evalArgs(join(ROOT, 'bench/report-worker.ts'))],
    env: {
      BENCH_REPORT_MODE: mode,
      BENCH_REPORT_KUBECONFIG: cluster.kubeconfigPath,
      BENCH_REPORT_ROOT: ROOT,
    },
    timeoutMs,
    resultFd: 1,
  });
}

function runCliProcess(cluster: TestCluster, timeoutMs: number, size: number) {
  return runChild({
    args: [
      ...cpuProfArgs(`cli-${size}`),
      '--import',
      RSS_PRELOAD,
      join(ROOT, 'dist/cli/main.js'),
      'capacity',
      '--util',
      '--kubeconfig',
      cluster.kubeconfigPath,
    ],
    timeoutMs,
    resultFd: 3,
  });
}

const round = (n: number | undefined): number | undefined => (n === undefined ? undefined : Math.round(n));

function phasesNote(result: WorkerResult | undefined): string {
  if (result?.phases === undefined) return '';
  return Object.entries(result.phases)
    .map(([name, ms]) => {
      const rss = result.phaseRssMB?.[name];
      return `${name} ${Math.round(ms)} ms${rss === undefined ? '' : ` (${Math.round(rss)} MB)`}`;
    })
    .join(', ');
}

interface Sample {
  outcome: ChildOutcome;
  requests: number;
  breakdown: string;
}

interface Contender {
  name: string;
  run: (cluster: TestCluster, nodes: number) => Promise<ChildOutcome>;
  note: (result: WorkerResult | undefined) => string;
}

function contenders(timeoutMs: number): Contender[] {
  return [
    {
      name: 'floor: GET /api/v1/pods + JSON.parse',
      run: (cluster, nodes) => runWorker('floor', cluster, timeoutMs, nodes),
      note: (r) => (r === undefined ? '' : `${((r.bytes ?? 0) / 1e6).toFixed(0)} MB body; ${phasesNote(r)}`),
    },
    {
      name: 'floor-paged: limit=500 pages + JSON.parse',
      run: (cluster, nodes) => runWorker('floor-paged', cluster, timeoutMs, nodes),
      note: () => 'informative: the cost of paging',
    },
    {
      name: 'kubemetrics capacity --util (runCli)',
      run: (cluster, nodes) => runWorker('kubemetrics', cluster, timeoutMs, nodes),
      note: (r) => (r === undefined ? '' : `${r.bytes ?? 0} bytes of table`),
    },
    {
      name: 'node dist/cli/main.js capacity --util',
      run: (cluster, nodes) => runCliProcess(cluster, timeoutMs, nodes),
      note: () => 'the real binary, stdout to /dev/null; work ms includes module loading',
    },
  ];
}

function median<T>(items: T[], key: (item: T) => number): T | undefined {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

async function benchSize(nodes: number): Promise<Row[]> {
  const size = `${nodes.toLocaleString('en-US')} nodes / ${(nodes * PODS_PER_NODE).toLocaleString('en-US')} pods`;
  const buildStart = performance.now();
  const fixture = buildCluster({ nodes, podsPerNode: PODS_PER_NODE, seed: 1 });
  const cluster = await startTestCluster({ ...fixture });
  console.error(
    `${size}: ${fixture.pods.length} pods, cluster up in ${Math.round(performance.now() - buildStart)} ms`,
  );
  const timeoutMs = envNumber('BENCH_REPORT_TIMEOUT_S', 600) * 1000;
  const clientNodeTimeoutS = envNumber('BENCH_CLIENT_NODE_TIMEOUT_S', 180);
  const repeat = Math.floor(envNumber('BENCH_REPORT_REPEAT', 3));
  const rows: Row[] = [];
  let floorMs: number | undefined;

  const measure = async (run: () => Promise<ChildOutcome>): Promise<Sample> => {
    cluster.resetRequestLog();
    const outcome = await run();
    return { outcome, requests: cluster.requests.length, breakdown: requestBreakdown(cluster.requests) };
  };
  let floorCpuMs: number | undefined;
  const record = (name: string, samples: Sample[], note: (r: WorkerResult | undefined) => string): void => {
    const done = samples.filter((s) => s.outcome.result !== undefined);
    // Each column is the median of its own values over the runs that finished.
    const med = (value: (s: Sample) => number | undefined): number | undefined => {
      const values = done.map(value).filter((v): v is number => v !== undefined);
      return median(values, (v) => v);
    };
    const sample = median(done, (s) => s.outcome.result?.ms ?? 0) ?? samples[0]!;
    const { outcome, requests, breakdown } = sample;
    const ms = med((s) => s.outcome.result?.ms);
    const cpuMs = med((s) => s.outcome.result?.cpuMs);
    if (name.startsWith('floor:')) {
      floorMs = ms;
      floorCpuMs = cpuMs;
    }
    const rss = med((s) => s.outcome.result?.maxRssMB) ?? outcome.polledRssMB;
    const spread =
      done.length > 1
        ? `${done.length} runs: ${done
            .map((s) => Math.round(s.outcome.result?.ms ?? 0))
            .sort((a, b) => a - b)
            .join('/')} ms`
        : '';
    let text = note(outcome.result);
    if (outcome.timedOut) {
      text = `timeout after ${Math.round(outcome.processMs / 1000)} s, ${requests} requests so far; ${text}`;
    } else if (outcome.result === undefined) {
      text = `failed (exit ${outcome.exitCode}): ${outcome.stderr.trim().split('\n').slice(-3).join(' / ')}`;
    }
    const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
      a !== undefined && b !== undefined ? Number((a / b).toFixed(2)) : undefined;
    rows.push({
      size,
      contender: name,
      'work ms': round(ms),
      'x floor': ratio(ms, floorMs),
      'CPU ms': round(cpuMs),
      'x floor CPU': ratio(cpuMs, floorCpuMs),
      'server CPU ms': round(med((s) => s.outcome.serverCpuMs) ?? outcome.serverCpuMs),
      'process ms': round(med((s) => s.outcome.processMs) ?? outcome.processMs),
      'peak RSS MB':
        rss === undefined ? undefined : `${outcome.result === undefined ? '>= ' : ''}${Math.round(rss)}`,
      requests,
      note: [text, breakdown, spread].filter((s) => s !== '').join('; '),
    });
    console.error(`  ${JSON.stringify(rows.at(-1))}`);
  };

  try {
    // Rounds interleave the contenders, so a burst of load from elsewhere hits one round, not one contender.
    const list = contenders(timeoutMs);
    const samples = list.map((): Sample[] => []);
    for (let round = 0; round < repeat; round++) {
      for (const [i, c] of list.entries()) samples[i]!.push(await measure(() => c.run(cluster, nodes)));
    }
    list.forEach((c, i) => record(c.name, samples[i]!, c.note));

    if (process.env.BENCH_REPORT_PHASES === '1') {
      const phases = await measure(() => runWorker('kubemetrics-phases', cluster, timeoutMs, nodes));
      record('kubemetrics, step by step', [phases], phasesNote);
      const lean = await measure(() =>
        runWorker('kubemetrics-phases-no-pod-metrics', cluster, timeoutMs, nodes),
      );
      record('kubemetrics, step by step, no PodMetrics read', [lean], (r) => {
        const same = r?.tableSha1 !== undefined && r.tableSha1 === phases.outcome.result?.tableSha1;
        return `experiment: table ${same ? 'identical' : 'DIFFERENT'}; ${phasesNote(r)}`;
      });
    }

    const theirs = await measure(() => runWorker('client-node', cluster, clientNodeTimeoutS * 1000, nodes));
    record('client-node topPods + getNodeMetrics + topNodes', [theirs], () => {
      const reached = [...theirs.outcome.stderr.matchAll(/\] (\w+) done: (\d+) ms/g)].map(
        (m) => `${m[1]} ${m[2]} ms`,
      );
      return reached.length === 0 ? '' : `done: ${reached.join(', ')}`;
    });
  } finally {
    await cluster.stop();
  }
  return rows;
}

/** Runs the benchmark and returns one row per size and contender. */
export async function run(): Promise<Row[]> {
  const stale = distStaleness(ROOT);
  if (stale !== undefined)
    console.error(`warning: ${stale}; run \`npm run build\` to measure the current code`);
  const rows: Row[] = [];
  for (const nodes of sizes()) {
    rows.push(...(await benchSize(nodes)));
    (globalThis as { gc?: () => void }).gc?.();
  }
  if (stale !== undefined) rows.push({ size: 'warning', note: stale });
  return rows;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  // bench/run.ts runs every benchmark when imported, so render here.
  const rows = await run();
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  console.log(line(columns));
  console.log(line(columns.map(() => '---')));
  for (const r of rows) console.log(line(columns.map((c) => String(r[c] ?? ''))));
}
