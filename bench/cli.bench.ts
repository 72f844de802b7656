/**
 * The `kubemetrics` binary as a user runs it, side by side with the real kubectl binary and with the
 * floor (bench/cli-floor.ts), on test clusters of 50 nodes / 1,500 pods and 500 nodes / 15,000 pods,
 * plus 5,000 nodes / 150,000 pods for `capacity`.
 *
 *     npm run build && npm run bench -- cli      # through bench/run.ts
 *     node --import tsx bench/cli.bench.ts       # this benchmark alone
 *
 * Environment:
 *     BENCH_CLI_RUNS=5                measured rounds per comparison, after one warm-up round
 *     BENCH_CLI_SIZES=50,500          node counts of the `top` and `capacity` sizes (30 pods per node)
 *     BENCH_CLI_LARGE=0               skip the 5,000-node / 150,000-pod `capacity` size (it costs
 *                                     10-20 minutes on a busy 2-core machine)
 *     BENCH_CLI_LARGE_RUNS=5          measured rounds at that size
 *     BENCH_CLI_TIMEOUT_S=600         time limit of one run
 *     BENCH_CLI_DESCRIBE_LIMIT_S=120  time limit of the one `kubectl describe nodes` run at 5,000 nodes
 *                                     (5 requests per node: 15-60 minutes here, by load), reported as
 *                                     "> limit" and extrapolated from the nodes it described
 *     BENCH_KUBECTL=/path/to/kubectl  the kubectl binary to compare with (default: see `realKubectl`)
 *     BENCH_CLI_ONLY=start,top        only these groups: `start` (--version, --help), `top` (top nodes,
 *                                     top pods -A), `capacity` (capacity --util); default all three
 *     BENCH_DIST=/other/checkout/dist  measure another build's binary (<dist>/cli/main.js), e.g. the
 *                                     base of a change, with the same cluster, kubectl and method
 *     BENCH_CLI_BASE_DIST=/base/dist  also run that build's binary in the same `top` rounds (ours
 *                                     against it: a change's effect, interleaved)
 *     BENCH_CLI_LATENCY_MS=20         reach the test cluster through bench/latency-proxy.mjs, which
 *                                     delays every chunk that much each way (round trips of 2×),
 *                                     as a real API server is reached; default 0 (loopback)
 *
 * Method: every command is a child process of this one, spawned through GNU time
 * (`/usr/bin/time -f %M`, Debian's `time` package) for its peak RSS; wall time is measured here,
 * spawn to exit. The test cluster runs in a process of its own (bench/cluster-process.ts), so
 * neither the measured command nor this clock shares an event loop with the server. Measured runs
 * write to /dev/null; the warm-up round writes to files, to check that each command succeeded and
 * to report its output size and the requests it made (counted by the test cluster). Rounds
 * interleave the contenders of a comparison (A B A B ...), so a burst of load from elsewhere on
 * this shared machine hits a round rather than one contender; "ratio" is the median of the
 * per-round ratios ours / theirs.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startClusterProcess, type ClusterProcess } from './cluster-process.js';
import { distStaleness } from './dist-staleness.js';
import { evalArgs } from './eval-script.js';
import type { FloorResult } from './cli-floor.js';
import type { TopFloorResult } from './top-floor.js';
import { renderTable, type Row } from './markdown-table.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const PODS_PER_NODE = 30;
const LARGE_NODES = 5000;
const GNU_TIME = '/usr/bin/time';
const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist');
const CLI = join(DIST, 'cli/main.js');
const GROUPS = ['start', 'top', 'capacity'] as const;
/** The groups of BENCH_CLI_ONLY (all when unset); an unknown name is an error, not a silent skip. */
const ONLY: ReadonlySet<string> = (() => {
  const raw = process.env.BENCH_CLI_ONLY;
  if (raw === undefined || raw.trim() === '') return new Set(GROUPS);
  const names = raw.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !(GROUPS as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(`BENCH_CLI_ONLY: unknown group ${unknown.join(', ')}; use ${GROUPS.join(', ')}`);
  return new Set(names);
})();
const FLOOR = join(ROOT, 'bench/cli-floor.ts');
const TOP_FLOOR = join(ROOT, 'bench/top-floor.ts');
const EMPTY_MODULE = join(ROOT, 'bench/empty-module.mjs');

const envNumber = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const RUNS = Math.floor(envNumber('BENCH_CLI_RUNS', 5));
const LATENCY_MS = envNumber('BENCH_CLI_LATENCY_MS', 0);
/** BENCH_CLI_BASE_DIST: another build's binary, measured beside ours in the `top` rounds. */
const BASE_CLI =
  process.env.BENCH_CLI_BASE_DIST === undefined || process.env.BENCH_CLI_BASE_DIST === ''
    ? undefined
    : join(process.env.BENCH_CLI_BASE_DIST, 'cli/main.js');
const LATENCY_PROXY = join(ROOT, 'bench/latency-proxy.mjs');
const LARGE_RUNS = Math.floor(envNumber('BENCH_CLI_LARGE_RUNS', RUNS));
const TIMEOUT_MS = envNumber('BENCH_CLI_TIMEOUT_S', 600) * 1000;
const DESCRIBE_LIMIT_MS = envNumber('BENCH_CLI_DESCRIBE_LIMIT_S', 120) * 1000;

const progress = (message: string): void => void process.stderr.write(`[cli] ${message}\n`);

// --- the real kubectl --------------------------------------------------------------------------

/**
 * The kubectl binary to compare with: BENCH_KUBECTL; else, when PATH's kubectl resolves into a
 * Google Cloud SDK (a dispatcher that makes a request of its own before it starts a versioned
 * binary), the newest `kubectl.1.NN` beside it; else PATH's kubectl.
 */
export function realKubectl(): { path: string; why: string } {
  const forced = process.env.BENCH_KUBECTL;
  if (forced !== undefined && forced !== '') return { path: forced, why: 'BENCH_KUBECTL' };
  const onPath = (process.env.PATH ?? '')
    .split(':')
    .map((dir) => join(dir, 'kubectl'))
    .find((file) => existsSync(file) && statSync(file).isFile());
  if (onPath === undefined) {
    throw new Error('no kubectl on PATH: install it, or set BENCH_KUBECTL=/path/to/kubectl');
  }
  const resolved = realpathSync(onPath);
  if (resolved.includes('google-cloud-sdk')) {
    const dir = dirname(resolved);
    const newest = readdirSync(dir)
      .map((name) => ({ name, minor: Number(/^kubectl\.1\.(\d+)$/.exec(name)?.[1]) }))
      .filter((v) => Number.isInteger(v.minor))
      .sort((a, b) => b.minor - a.minor)[0];
    if (newest !== undefined) {
      return {
        path: join(dir, newest.name),
        why: `newest versioned binary beside the Cloud SDK's ${resolved}`,
      };
    }
  }
  return { path: onPath, why: 'kubectl on PATH' };
}

// --- one run -----------------------------------------------------------------------------------

interface Command {
  /** As shown in the table, e.g. `kubectl top nodes`. */
  readonly label: string;
  readonly file: string;
  readonly args: readonly string[];
  /** Added to the benchmark's environment; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * For a command that takes many minutes: run it once, without a warm-up, stopped after `limitMs`;
   * `partial` says from its output so far how far it got.
   */
  readonly once?: {
    readonly limitMs: number;
    readonly partial: (stdout: string) => { readonly text: string; readonly fractionDone: number };
  };
  /** From the warm-up's output, what the command read or printed, e.g. "12 requests, 3 MB read". */
  readonly describeOutput?: (stdout: string) => string;
}

interface RunResult {
  readonly ms: number;
  /** Peak RSS (GNU time's %M); undefined without /usr/bin/time. */
  readonly rssMB: number | undefined;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly stderr: string;
}

const HAS_GNU_TIME = existsSync(GNU_TIME);

/** Runs `command` once through GNU time; stdout to `stdoutFile`, or to /dev/null. */
function runOnce(
  command: Command,
  env: NodeJS.ProcessEnv,
  limitMs: number,
  stdoutFile?: string,
): Promise<RunResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'kubemetrics-cli-bench-'));
  const rssFile = join(scratch, 'rss');
  const [file, args] = HAS_GNU_TIME
    ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command.file, ...command.args]]
    : [command.file, [...command.args]];
  const out = stdoutFile === undefined ? 'ignore' : openSync(stdoutFile, 'w');
  return new Promise((resolve, reject) => {
    const start = performance.now();
    // A process group of its own, so a time limit stops GNU time and the command it runs.
    const child = spawn(file, args, {
      cwd: ROOT,
      env: { ...env, ...command.env },
      stdio: ['ignore', out, 'pipe'],
      detached: true,
    });
    if (typeof out === 'number') closeSync(out);
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, limitMs);
    let ms = 0;
    child.on('error', reject);
    child.on('exit', () => (ms = performance.now() - start));
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      let rssMB: number | undefined;
      try {
        // %M is the last line; GNU time writes "Command exited with non-zero status N" before it.
        const last = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1) ?? '';
        rssMB = /^\d+$/.test(last) ? Number(last) / 1024 : undefined;
      } catch {
        rssMB = undefined;
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({ ms, rssMB, exitCode, timedOut, stderr });
    });
  });
}

// --- comparisons -------------------------------------------------------------------------------

interface Target {
  readonly text: string;
  /** Whether the pair meets it; undefined when it cannot be told (a contender failed). */
  readonly met: (pair: PairFigures) => boolean | undefined;
}

/** What a row shows about one contender of a pair. */
interface PairFigures {
  readonly oursMs: number | undefined;
  readonly oursRssMB: number | undefined;
  /** Upper bound of the ratio when their command was stopped at its time limit. */
  readonly ratio: number | undefined;
  readonly ratioIsUpperBound: boolean;
}

interface Pair {
  readonly ours: number;
  readonly theirs: number;
  readonly target?: Target;
  /** A floor row: only the faster floor of a comparison carries the floor target. */
  readonly floor?: boolean;
}

interface Comparison {
  readonly size: string;
  readonly contenders: readonly Command[];
  readonly pairs: readonly Pair[];
  readonly runs: number;
}

interface Samples {
  /** Per measured round; undefined where the run failed or was not made. */
  readonly ms: (number | undefined)[];
  readonly rssMB: number[];
  timedOut: boolean;
  /** Why the warm-up failed: the contender is then left out of the measured rounds. */
  failure?: string;
  /** Measured runs that failed (timed out or exited non-zero), with the last error. */
  failedRuns: number;
  lastError?: string;
  /** For a run stopped at its limit: the whole run's time extrapolated from the part done. */
  estimatedMs?: number;
  note: string;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)];
}

const defined = (values: readonly (number | undefined)[]): number[] =>
  values.filter((v): v is number => v !== undefined);

const seconds = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : (ms / 1000).toFixed(ms < 10_000 ? 3 : 1);
const megabytes = (mb: number | undefined): number | undefined =>
  mb === undefined ? undefined : Math.round(mb);
const size = (bytes: number): string =>
  bytes >= 1e6
    ? `${(bytes / 1e6).toFixed(1)} MB`
    : bytes >= 1e3
      ? `${(bytes / 1e3).toFixed(0)} kB`
      : `${bytes} B`;

/** A failed run in one line: the exit status and the error's own line of stderr (not its stack). */
function failureText(result: RunResult): string {
  if (result.timedOut) return `stopped after ${seconds(TIMEOUT_MS)} s`;
  const lines = result.stderr.trim().split('\n');
  const error = lines.find((line) => /^\w*Error\b|^error:/i.test(line.trim())) ?? lines.at(-1) ?? '';
  return `exit ${result.exitCode}: ${error.trim()}`;
}

async function runComparison(
  comparison: Comparison,
  cluster: ClusterProcess | undefined,
  env: NodeJS.ProcessEnv,
) {
  const { contenders } = comparison;
  const samples: Samples[] = contenders.map(() => ({
    ms: [],
    rssMB: [],
    timedOut: false,
    failedRuns: 0,
    note: '',
  }));
  const scratch = mkdtempSync(join(tmpdir(), 'kubemetrics-cli-bench-out-'));
  const say = (text: string): void => progress(`${comparison.size}: ${text}`);
  try {
    // Warm-up: output to a file (checked, and measured for the note), requests counted.
    for (const [i, command] of contenders.entries()) {
      const s = samples[i]!;
      const stdoutFile = join(scratch, `out-${i}`);
      await cluster?.resetRequests();
      const limitMs = command.once?.limitMs ?? TIMEOUT_MS;
      const result = await runOnce(command, env, limitMs, stdoutFile);
      const output = readFileSync(stdoutFile, 'utf8');
      const requests = await cluster?.requests();
      const made = requests === undefined ? '' : `${requests.count} requests (${requests.breakdown})`;
      if (command.once !== undefined) {
        // The one run is the measurement.
        s.ms.push(result.timedOut || result.exitCode !== 0 ? undefined : result.ms);
        if (result.rssMB !== undefined) s.rssMB.push(result.rssMB);
        s.timedOut = result.timedOut;
        if (result.timedOut) {
          const partial = command.once.partial(output);
          if (partial.fractionDone > 0) s.estimatedMs = limitMs / partial.fractionDone;
          const estimate =
            s.estimatedMs === undefined ? '' : ` (all at that rate: ~${seconds(s.estimatedMs)} s)`;
          s.note = `stopped after ${seconds(limitMs)} s: ${partial.text}${estimate}; ${made}`;
        } else {
          s.note = `one run; ${made}`;
        }
      } else {
        const out = command.describeOutput?.(output) ?? `${size(Buffer.byteLength(output))} out`;
        s.note = [made, out].filter((t) => t !== '').join(', ');
      }
      if (!result.timedOut && result.exitCode !== 0) {
        s.failure = failureText(result);
      }
      say(
        `warm-up ${command.label}: ${seconds(result.ms)} s${result.timedOut ? ' (stopped)' : ''}, ${s.note}${s.failure === undefined ? '' : `, FAILED ${s.failure}`}`,
      );
    }
    for (let round = 0; round < comparison.runs; round++) {
      for (const [i, command] of contenders.entries()) {
        const s = samples[i]!;
        if (command.once !== undefined || s.failure !== undefined) continue;
        const result = await runOnce(command, env, TIMEOUT_MS);
        const ok = !result.timedOut && result.exitCode === 0;
        s.ms[round] = ok ? result.ms : undefined;
        if (ok && result.rssMB !== undefined) s.rssMB.push(result.rssMB);
        if (!ok) {
          s.failedRuns += 1;
          s.lastError = failureText(result);
        }
        say(
          `round ${round + 1}/${comparison.runs} ${command.label}: ${ok ? `${seconds(result.ms)} s, ${megabytes(result.rssMB) ?? '?'} MB` : `FAILED ${s.lastError}`}`,
        );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return samples;
}

function comparisonRows(comparison: Comparison, samples: readonly Samples[]): Row[] {
  const { contenders } = comparison;
  const medianMs = samples.map((s) => median(defined(s.ms)));
  // Of the floors, the faster one is the reference the floor target is judged against.
  const floors = comparison.pairs.filter((p) => p.floor === true);
  const fastestFloor = floors
    .filter((p) => medianMs[p.theirs] !== undefined)
    .sort((a, b) => medianMs[a.theirs]! - medianMs[b.theirs]!)[0];
  return comparison.pairs.map((pair): Row => {
    const ours = samples[pair.ours]!;
    const theirs = samples[pair.theirs]!;
    const oursMs = medianMs[pair.ours];
    const theirsMs = medianMs[pair.theirs];
    let ratio: number | undefined;
    let ratioIsUpperBound = false;
    const once = contenders[pair.theirs]!.once;
    if (once !== undefined) {
      // Their one run against our median; stopped at the limit, ours / limit bounds the ratio from above.
      ratioIsUpperBound = theirs.timedOut;
      const theirsOrLimit = theirs.timedOut ? once.limitMs : theirsMs;
      ratio = oursMs === undefined || theirsOrLimit === undefined ? undefined : oursMs / theirsOrLimit;
    } else {
      const perRound = ours.ms.map((ms, i) => {
        const other = theirs.ms[i];
        return ms === undefined || other === undefined ? undefined : ms / other;
      });
      ratio = median(defined(perRound));
    }
    const oursRssMB = median(ours.rssMB);
    const figures: PairFigures = { oursMs, oursRssMB, ratio, ratioIsUpperBound };
    const judged = pair.target !== undefined && (pair.floor !== true || pair === fastestFloor);
    let met = judged ? pair.target.met(figures) : undefined;
    // A bound that does not settle the target: judge the run extrapolated from the part it did.
    const estimatedRatio =
      ratioIsUpperBound && oursMs !== undefined && theirs.estimatedMs !== undefined
        ? oursMs / theirs.estimatedMs
        : undefined;
    let metText = met === undefined ? (judged ? '?' : '') : met ? 'yes' : '**no**';
    if (judged && met !== true && estimatedRatio !== undefined) {
      met = pair.target.met({ ...figures, ratio: estimatedRatio, ratioIsUpperBound: false });
      metText = `${met === true ? 'yes' : '**no**'} (estimated)`;
    }
    const estimate = (text: string, value: string | undefined): string =>
      value === undefined ? text : `${text} (~${value} est.)`;
    const failures = (who: string, s: Samples): string =>
      s.failure !== undefined
        ? `${who} failed in the warm-up: ${s.failure}`
        : s.failedRuns > 0
          ? `${who}: ${s.failedRuns} of ${comparison.runs} runs failed (${s.lastError})`
          : '';
    return {
      size: comparison.size,
      command: contenders[pair.ours]!.label,
      'compared with': contenders[pair.theirs]!.label,
      'ours s': seconds(oursMs),
      'theirs s':
        theirs.timedOut && once !== undefined
          ? estimate(`> ${seconds(once.limitMs)}`, seconds(theirs.estimatedMs))
          : seconds(theirsMs),
      ratio:
        ratio === undefined
          ? undefined
          : ratioIsUpperBound
            ? estimate(`< ${ratio.toFixed(2)}`, estimatedRatio?.toFixed(3))
            : ratio.toFixed(2),
      'ours MB': megabytes(oursRssMB),
      'theirs MB': megabytes(median(theirs.rssMB)),
      target:
        pair.target === undefined
          ? ''
          : judged
            ? pair.target.text
            : `(${pair.target.text} vs the faster floor)`,
      'met?': metText,
      note: [
        failures('ours', ours),
        failures('theirs', theirs),
        `ours: ${ours.note}`,
        `theirs: ${theirs.note}`,
        `ours runs ${defined(ours.ms)
          .map((ms) => seconds(ms))
          .join('/')} s`,
      ]
        .filter((t) => t !== '')
        .join('; '),
    };
  });
}

// --- targets (issue 10, "Benchmark") -------------------------------------------------------------

const atMostTimes = (max: number): Target => ({
  text: `≤ ${max}×`,
  met: (f) => (f.ratio === undefined ? undefined : f.ratio <= max),
});
const timesFaster = (factor: number): Target => ({
  text: `≥ ${factor}× faster`,
  met: (f) => (f.ratio === undefined ? undefined : f.ratio <= 1 / factor),
});
const withPeakRss = (target: Target, maxMB: number): Target => ({
  text: `${target.text}, ≤ ${maxMB} MB`,
  met: (f) => {
    const time = target.met(f);
    return time === undefined || f.oursRssMB === undefined ? undefined : time && f.oursRssMB <= maxMB;
  },
});
const START_TARGET: Target = {
  text: '≤ 0.15 s, ≤ 70 MB',
  met: (f) =>
    f.oursMs === undefined || f.oursRssMB === undefined ? undefined : f.oursMs <= 150 && f.oursRssMB <= 70,
};

/** Targets by cluster size (node count); other sizes are measured without one. */
const TARGETS: Record<number, { topNodes?: Target; topPods?: Target; describe?: Target; floor?: Target }> = {
  50: { topNodes: atMostTimes(1.5), topPods: atMostTimes(1.5) },
  500: {
    topNodes: atMostTimes(1.3),
    topPods: atMostTimes(1),
    describe: timesFaster(2.5),
    floor: atMostTimes(1.2),
  },
  [LARGE_NODES]: { describe: timesFaster(4), floor: withPeakRss(atMostTimes(1.2), 400) },
};

/** The targets of a size; none through the latency proxy (issue 10 set them for the loopback). */
const targetsFor = (nodes: number): (typeof TARGETS)[number] =>
  LATENCY_MS > 0 ? {} : (TARGETS[nodes] ?? {});

// --- the commands --------------------------------------------------------------------------------

const kubemetrics = (label: string, args: string[]): Command => ({
  label: `kubemetrics ${label}`,
  file: process.execPath,
  args: [CLI, ...args],
});

/**
 * A floor script (bench/cli-floor.ts, bench/top-floor.ts) run as its own process against `cluster`;
 * it prints one JSON line of what it read, which `describe` turns into the row's note.
 */
function floorProcess<T>(
  label: string,
  script: string,
  cluster: ClusterProcess,
  env: Record<string, string>,
  describe: (result: T) => string,
): Command {
  return {
    label,
    file: process.execPath,
    args: evalArgs(script),
    env: {
      ...env,
      BENCH_FLOOR_SERVER: cluster.url,
      BENCH_FLOOR_CA: cluster.caPem,
      BENCH_FLOOR_TOKEN: cluster.token,
    },
    describeOutput: (stdout) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      return last.startsWith('{') ? describe(JSON.parse(last) as T) : 'no result line';
    },
  };
}

function floorCommand(cluster: ClusterProcess, mode: 'sequential' | 'concurrent'): Command {
  return floorProcess<FloorResult>(
    `floor, ${mode === 'sequential' ? 'one list at a time' : 'the 4 lists in flight at once'}`,
    FLOOR,
    cluster,
    { BENCH_FLOOR_MODE: mode },
    (read) => {
      const retried =
        read.retries === 0 ? '' : `, ${read.retries} GET(s) sent again after a connection reset`;
      return `${read.items} items, ${size(read.bytes)} read${retried}`;
    },
  );
}

/** `capacity --util` against `kubectl describe nodes` and the two floors. */
function capacityComparison(
  sizeLabel: string,
  nodes: number,
  cluster: ClusterProcess,
  kubectl: string,
): Comparison {
  const kc = ['--kubeconfig', cluster.kubeconfigPath];
  const targets = targetsFor(nodes);
  const describe: Command = {
    label: 'kubectl describe nodes',
    file: kubectl,
    args: [...kc, 'describe', 'nodes'],
    // At 5,000 nodes one run takes about 15 minutes (5 requests per node): once, with a limit.
    ...(nodes >= LARGE_NODES
      ? {
          once: {
            limitMs: DESCRIBE_LIMIT_MS,
            partial: (out: string) => {
              const done = out.match(/^Name:/gm)?.length ?? 0;
              return {
                text: `${done} of ${nodes.toLocaleString('en-US')} nodes described`,
                fractionDone: done / nodes,
              };
            },
          },
        }
      : {}),
  };
  return {
    size: sizeLabel,
    contenders: [
      kubemetrics('capacity --util', ['capacity', '--util', ...kc]),
      describe,
      floorCommand(cluster, 'sequential'),
      floorCommand(cluster, 'concurrent'),
    ],
    pairs: [
      { ours: 0, theirs: 1, ...(targets.describe ? { target: targets.describe } : {}) },
      { ours: 0, theirs: 2, floor: true, ...(targets.floor ? { target: targets.floor } : {}) },
      { ours: 0, theirs: 3, floor: true, ...(targets.floor ? { target: targets.floor } : {}) },
    ],
    runs: nodes >= LARGE_NODES ? LARGE_RUNS : RUNS,
  };
}

/**
 * NODE_EXTRA_CA_CERTS makes Node 20 build its root certificate store (the bundled roots plus the
 * file's) while starting, before any script runs: ~90 ms on this machine for every Node process,
 * none for kubectl (Go reads its roots when a TLS connection needs them). When it is set here, the
 * start and top rows are measured both with it (what this shell gives every Node program) and
 * without it (what most users' shells give).
 */
const EXTRA_CA_SET = process.env.NODE_EXTRA_CA_CERTS !== undefined && process.env.NODE_EXTRA_CA_CERTS !== '';
const WITHOUT_EXTRA_CA = { NODE_EXTRA_CA_CERTS: undefined };

/** bench/top-floor.ts: the same GETs as `top nodes` / `top pods -A` from a bare Node process. */
function topFloorCommand(cluster: ClusterProcess, kind: 'nodes' | 'pods'): Command {
  return floorProcess<TopFloorResult>(
    `Node floor of top ${kind} (node:https, the GETs, JSON.parse)`,
    TOP_FLOOR,
    cluster,
    { BENCH_TOP_FLOOR: kind },
    (read) => `${read.items} items in ${read.requests} GETs, ${size(read.bytes)} read`,
  );
}

function topComparisons(
  sizeLabel: string,
  nodes: number,
  cluster: ClusterProcess,
  kubectl: string,
): Comparison[] {
  const kc = ['--kubeconfig', cluster.kubeconfigPath];
  const targets = targetsFor(nodes);
  // Ours against kubectl (the target), ours against the Node floor, and the Node floor against
  // kubectl: how much of the first ratio any Node program would show.
  // With NODE_EXTRA_CA_CERTS set here, ours and the floor are measured without it too (contenders
  // 3 and 4): what a shell without it gives, where kubectl is unchanged.
  const pairs = (target: Target | undefined): Pair[] => [
    { ours: 0, theirs: 1, ...(target ? { target } : {}) },
    { ours: 0, theirs: 2, floor: true },
    { ours: 2, theirs: 1 },
    ...(EXTRA_CA_SET
      ? [
          { ours: 3, theirs: 1, ...(target ? { target } : {}) },
          { ours: 4, theirs: 1 },
        ]
      : []),
  ];
  const withoutExtraCa = (command: Command): Command[] =>
    EXTRA_CA_SET
      ? [
          {
            ...command,
            label: `${command.label}, without NODE_EXTRA_CA_CERTS`,
            env: { ...command.env, ...WITHOUT_EXTRA_CA },
          },
        ]
      : [];
  const comparison = (kind: 'nodes' | 'pods', args: string[], target: Target | undefined): Comparison => {
    const ours = kubemetrics(`top ${args.join(' ')}`, ['top', ...args, ...kc]);
    const floor = topFloorCommand(cluster, kind);
    const contenders: Command[] = [
      ours,
      { label: `kubectl top ${args.join(' ')}`, file: kubectl, args: [...kc, 'top', ...args] },
      floor,
      ...withoutExtraCa(ours),
      ...withoutExtraCa(floor),
    ];
    const allPairs = pairs(target);
    if (BASE_CLI !== undefined) {
      // The base build in the same rounds: a change's effect without a second run's noise.
      const base: Command = {
        label: `${ours.label} (base build)`,
        file: process.execPath,
        args: [BASE_CLI, ...ours.args.slice(1)],
      };
      contenders.push(base, ...withoutExtraCa(base));
      allPairs.push({ ours: 0, theirs: contenders.indexOf(base) });
      if (EXTRA_CA_SET) allPairs.push({ ours: 3, theirs: contenders.length - 1 });
    }
    return { size: sizeLabel, contenders, pairs: allPairs, runs: RUNS };
  };
  return [
    comparison('nodes', ['nodes'], targets.topNodes),
    comparison('pods', ['pods', '-A'], targets.topPods),
  ];
}

// --- where the time of one `top` goes --------------------------------------------------------------

const PHASE_MARKS = join(ROOT, 'bench/phase-marks.mjs');

interface PhaseMarks {
  readonly userCode: number;
  readonly tlsStart?: number;
  readonly tlsMs?: number;
  readonly lastBody?: number;
  readonly firstOut?: number;
  readonly exit: number;
}

/** The phases of one run, in ms, from bench/phase-marks.mjs's marks (see that file). */
function phasesOf(m: PhaseMarks): Record<string, number> | undefined {
  if (m.tlsStart === undefined || m.tlsMs === undefined || m.lastBody === undefined) return undefined;
  const firstOut = m.firstOut ?? m.exit;
  return {
    'Node start': m.userCode,
    'to the first TLS context': m.tlsStart - m.userCode,
    'TLS context (root store)': m.tlsMs,
    'connections, requests, bodies': m.lastBody - (m.tlsStart + m.tlsMs),
    'last body to first output': firstOut - m.lastBody,
    'output and exit': m.exit - firstOut,
    'in all': m.exit,
  };
}

/**
 * `top nodes` / `top pods -A` and their Node floors with bench/phase-marks.mjs preloaded, RUNS
 * interleaved rounds, without NODE_EXTRA_CA_CERTS (the first TLS context then pays for the root
 * store, as it does in most shells): the median of each phase, so the table shows which part of
 * the gap to kubectl is Node's (start, TLS store: the floor pays them too) and which is ours.
 */
async function phaseRows(sizeLabel: string, cluster: ClusterProcess, env: NodeJS.ProcessEnv): Promise<Row[]> {
  const kc = ['--kubeconfig', cluster.kubeconfigPath];
  const scratch = mkdtempSync(join(tmpdir(), 'kubemetrics-cli-bench-phases-'));
  const marked = (command: Command, name: string): Command & { readonly marksFile: string } => {
    const marksFile = join(scratch, name);
    return {
      ...command,
      args: ['--import', PHASE_MARKS, ...command.args],
      env: { ...command.env, ...WITHOUT_EXTRA_CA, BENCH_PHASES_FILE: marksFile },
      marksFile,
    };
  };
  const contenders = [
    marked(kubemetrics('top nodes', ['top', 'nodes', ...kc]), 'ours-nodes'),
    marked(topFloorCommand(cluster, 'nodes'), 'floor-nodes'),
    marked(kubemetrics('top pods -A', ['top', 'pods', '-A', ...kc]), 'ours-pods'),
    marked(topFloorCommand(cluster, 'pods'), 'floor-pods'),
  ];
  try {
    for (let round = 0; round < RUNS; round++) {
      for (const command of contenders) {
        const result = await runOnce(command, env, TIMEOUT_MS);
        if (result.exitCode !== 0) throw new Error(`${command.label}: ${failureText(result)}`);
      }
    }
    progress(`${sizeLabel}: phases measured`);
    return contenders.map((command): Row => {
      const runs = readFileSync(command.marksFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => phasesOf(JSON.parse(line) as PhaseMarks))
        .filter((p): p is Record<string, number> => p !== undefined);
      const names = Object.keys(runs[0] ?? {});
      const phases = names.map((name) => `${name} ${Math.round(median(runs.map((r) => r[name]!))!)}`);
      return {
        size: sizeLabel,
        command: command.label,
        'compared with': 'its phases, ms (medians; without NODE_EXTRA_CA_CERTS)',
        note: `${phases.join(' · ')} (${runs.length} runs)`,
      };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function startComparison(kubectl: string): Comparison {
  const emptyModule = (label: string, env?: Command['env']): Command => ({
    label,
    file: process.execPath,
    args: [EMPTY_MODULE],
    ...(env === undefined ? {} : { env }),
  });
  const contenders: Command[] = [
    kubemetrics('--version', ['--version']),
    kubemetrics('--help', ['--help']),
    { label: 'kubectl version --client', file: kubectl, args: ['version', '--client'] },
    // The floor of any Node CLI: Node's own start with an empty ES module.
    emptyModule('node, an empty module (the Node floor)'),
  ];
  const pairs: Pair[] = [
    { ours: 0, theirs: 2, target: START_TARGET },
    { ours: 1, theirs: 2, target: START_TARGET },
    { ours: 0, theirs: 3, floor: true },
    { ours: 3, theirs: 2 },
  ];
  if (EXTRA_CA_SET) {
    contenders.push(
      { ...kubemetrics('--version, without NODE_EXTRA_CA_CERTS', ['--version']), env: WITHOUT_EXTRA_CA },
      emptyModule('node, an empty module, without NODE_EXTRA_CA_CERTS', WITHOUT_EXTRA_CA),
    );
    pairs.push({ ours: 4, theirs: 2, target: START_TARGET }, { ours: 5, theirs: 2 });
  }
  return { size: 'no cluster', contenders, pairs, runs: RUNS };
}

// --- the run -------------------------------------------------------------------------------------

function sizes(): number[] {
  const small = (process.env.BENCH_CLI_SIZES ?? '50,500')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  return process.env.BENCH_CLI_LARGE === '0' ? small : [...small, LARGE_NODES];
}

/**
 * The cluster as the commands see it through bench/latency-proxy.mjs (its own process, so its
 * timers share no event loop with this clock): the proxy's URL in a copy of the kubeconfig and in
 * the floors' server. The request log and stop() stay the cluster's own.
 */
async function throughLatencyProxy(
  cluster: ClusterProcess,
  oneWayMs: number,
): Promise<{ readonly cluster: ClusterProcess; readonly stop: () => void }> {
  const target = new URL(cluster.url);
  const proxy = spawn(process.execPath, [LATENCY_PROXY, target.port, String(oneWayMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.once('exit', (code) => reject(new Error(`latency proxy exited (${code})`)));
    proxy.stdout.once('data', (chunk: Buffer) =>
      resolve((JSON.parse(chunk.toString()) as { port: number }).port),
    );
  });
  const url = `${target.protocol}//${target.hostname}:${port}`;
  const kubeconfigPath = `${cluster.kubeconfigPath}.latency-${oneWayMs}ms`;
  writeFileSync(kubeconfigPath, readFileSync(cluster.kubeconfigPath, 'utf8').replaceAll(cluster.url, url));
  return {
    cluster: { ...cluster, url, kubeconfigPath },
    stop: () => {
      proxy.kill();
      rmSync(kubeconfigPath, { force: true });
    },
  };
}

const loadNow = (): string =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');

/** Runs the benchmark and returns one row per compared pair, then the machine's load. */
export async function run(): Promise<Row[]> {
  const started = performance.now();
  const loadAtStart = loadNow();
  // Another build (BENCH_DIST) is measured as it is: its sources are not these.
  const stale = process.env.BENCH_DIST === undefined ? distStaleness(ROOT) : undefined;
  if (stale !== undefined) progress(`warning: ${stale}; run \`npm run build\` to measure the current code`);
  const kubectl = realKubectl();
  progress(`kubemetrics: ${CLI}`);
  progress(`kubectl: ${kubectl.path} (${kubectl.why})`);
  progress(
    HAS_GNU_TIME
      ? `peak RSS from ${GNU_TIME}`
      : `no ${GNU_TIME}: peak RSS not measured (apt-get install time)`,
  );
  progress(`load average (1, 5, 15 min) at start: ${loadAtStart}`);
  if (EXTRA_CA_SET) {
    progress(
      `NODE_EXTRA_CA_CERTS is set: every Node process here (ours, the floors) builds its root store at start; the start and top rows are measured without it too`,
    );
  }
  // kubectl caches discovery per server; a fresh cache here, filled by the warm-up rounds.
  const kubeCache = mkdtempSync(join(tmpdir(), 'kubemetrics-cli-bench-kubecache-'));
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECACHEDIR: kubeCache };
  delete env.NODE_OPTIONS;
  delete env.KUBECONFIG;
  const rows: Row[] = [];
  try {
    const measure = async (comparison: Comparison, cluster?: ClusterProcess): Promise<void> => {
      const samples = await runComparison(comparison, cluster, env);
      const made = comparisonRows(comparison, samples);
      for (const row of made) progress(JSON.stringify(row));
      rows.push(...made);
    };
    if (ONLY.has('start')) await measure(startComparison(kubectl.path));
    for (const nodes of ONLY.has('top') || ONLY.has('capacity') ? sizes() : []) {
      if (nodes >= LARGE_NODES && !ONLY.has('capacity')) continue;
      const buildStart = performance.now();
      const started = await startClusterProcess({ nodes, podsPerNode: PODS_PER_NODE });
      const latency = LATENCY_MS > 0 ? await throughLatencyProxy(started, LATENCY_MS) : undefined;
      const cluster = latency?.cluster ?? started;
      const label = `${nodes.toLocaleString('en-US')} nodes / ${cluster.pods.toLocaleString('en-US')} pods${LATENCY_MS > 0 ? `, ${LATENCY_MS} ms each way` : ''}`;
      progress(
        `${label}: test cluster up in ${Math.round(performance.now() - buildStart)} ms (pid ${cluster.pid}), load ${loadNow()}`,
      );
      try {
        if (nodes < LARGE_NODES && ONLY.has('top')) {
          for (const comparison of topComparisons(label, nodes, cluster, kubectl.path))
            await measure(comparison, cluster);
          rows.push(...(await phaseRows(label, cluster, env)));
        }
        if (ONLY.has('capacity'))
          await measure(capacityComparison(label, nodes, cluster, kubectl.path), cluster);
      } finally {
        latency?.stop();
        await started.stop();
      }
    }
  } finally {
    rmSync(kubeCache, { recursive: true, force: true });
  }
  const tookS = Math.round((performance.now() - started) / 1000);
  rows.push({
    size: 'machine',
    note: `${cpus().length} cores, ${process.version}; ${CLI}; ${kubectl.path}; load average (1, 5, 15 min) ${loadAtStart} at start, ${loadNow()} at end; ${tookS} s in all`,
  });
  if (stale !== undefined) rows.push({ size: 'warning', note: stale });
  return rows;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  // bench/run.ts renders the tables of the benchmarks it imports; alone, render here.
  console.log(renderTable(await run()));
}
