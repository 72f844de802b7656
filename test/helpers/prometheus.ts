/**
 * A real Prometheus server (Debian's `prometheus` 2.42 and its `promtool`) on 127.0.0.1, holding
 * data the test wrote: the series are written as OpenMetrics text, backfilled into TSDB blocks
 * with `promtool tsdb create-blocks-from openmetrics`, and served by a `prometheus` process with no
 * scrape jobs, so nothing but the test's data is in it and the data never changes.
 *
 *     const prometheus = await startPrometheus({
 *       series: [gauge('queue_depth', { namespace: 'a', pod: 'p' }, 7), counter('c_total', {}, 2.5)],
 *     });
 *     await prometheus.query('rate(c_total[5m])'); // {"status":"success","data":{"resultType":"vector",...}}
 *     await prometheus.close();
 *
 * Timing: the provider under test queries at "now" (no `time` parameter), so the helpers write
 * samples on a grid of whole seconds ending a few seconds before now ({@link sampleWindow}: every
 * 15 s over the last 10 minutes, last sample 5 s ago). Prometheus runs with a 2 h lookback delta,
 * so an instant selector keeps answering with the last sample during a long test.
 *
 * Behaviour of promtool 2.42 this relies on or guards against (checked by
 * test/prometheus-harness.test.ts):
 * - Sample names are stored exactly as written: `# TYPE` lines do not rename anything (a counter
 *   family `x` with samples `x_total` stays `x_total`; `# TYPE y counter` with samples `y` stays `y`).
 *   TSDB blocks keep no metadata, so the types matter only to the parser.
 * - Timestamps are float seconds, converted with `int64(seconds * 1000)`, a truncation. For
 *   today's epoch milliseconds the product rounds to the exact integer; {@link formatTimestamp}
 *   checks that anyway and appends half a millisecond where it would not.
 * - Out-of-order and duplicate-timestamp samples are dropped silently with exit code 0. Arrays of
 *   {@link SeriesData} are checked before writing; for every source the harness compares the
 *   number of samples written with the `NUM SAMPLES` promtool reports and fails on a difference.
 * - Blocks in the current 2 h window, or in the future, are fine: 2.42 always allows overlapping
 *   blocks, and the empty head starts after the newest block. Retention is relative to the newest
 *   block, and set to 100y anyway.
 *
 * Processes never outlive the test process: an `exit` hook SIGKILLs every running server and
 * removes its directory, and each server has a watchdog shell reading a pipe from this process, so
 * even a SIGKILLed test process takes its servers (and their temp dirs) with it.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingPeerError, PROMETHEUS } from './peer-lookup.js';

// Empty counts as unset, as in test/helpers/peers.ts.
export const PROMETHEUS_BINARY = process.env['PROMETHEUS_BIN'] || '/usr/bin/prometheus';
export const PROMTOOL_BINARY = process.env['PROMTOOL_BIN'] || '/usr/bin/promtool';

/** Both binaries are present and executable (for the benchmarks; tests use `needPeer(PROMETHEUS)`). */
export const hasPrometheus = (): boolean => 'path' in PROMETHEUS.find(process.env);

// --- data -------------------------------------------------------------------------------------

/** A series' labels, `__name__` included. */
export type Labels = Readonly<Record<string, string>>;
/** `[timestamp in milliseconds (integer), value]`; the value may be NaN or ±Infinity. */
export type Sample = readonly [timestampMs: number, value: number];

export interface SeriesData {
  readonly labels: Labels;
  /** Only chooses the `# TYPE` line; Prometheus keeps no type in backfilled blocks. Default 'unknown'. */
  readonly type?: 'gauge' | 'counter' | 'unknown';
  /** Strictly increasing timestamps. */
  readonly samples: readonly Sample[];
}

/**
 * What {@link startPrometheus} backfills: series, or a function writing OpenMetrics lines (no
 * newline, no `# EOF`: the harness adds both) for data sets too large to hold as objects. Such a
 * writer must keep each metric family's lines together and each series' samples in time order;
 * {@link writeOpenMetrics} does the formatting.
 */
export type SeriesSource = readonly SeriesData[] | ((write: (line: string) => void) => void);

/** The time grid the helpers write samples on: `lastMs`, `lastMs - stepMs`, ... down to `firstMs`. */
export interface SampleWindow {
  readonly firstMs: number;
  readonly lastMs: number;
  readonly stepMs: number;
}

export interface SampleWindowOptions {
  /** Default `Date.now()`. */
  now?: number;
  /** How long before `now` the last sample is (rounded down to a whole second). Default 5,000. */
  endAgoMs?: number;
  /** How far back the samples go. Default 600,000 (10 minutes: enough for `rate(x[5m])`). */
  durationMs?: number;
  /** Default 15,000. */
  stepMs?: number;
  /**
   * Also write samples up to this far after the last sample before now (default 0). An instant
   * query at time T only reads samples at or before T, so the newest sample it sees then stays
   * within one step of T for this long: `rate()` stays exact during a long test (see
   * {@link counter}), but the sample timestamp moves on with the clock ({@link latestSampleAt}).
   */
  futureMs?: number;
}

export function sampleWindow(options: SampleWindowOptions = {}): SampleWindow {
  const now = options.now ?? Date.now();
  const stepMs = options.stepMs ?? 15_000;
  const durationMs = options.durationMs ?? 600_000;
  const futureMs = options.futureMs ?? 0;
  if (!(stepMs > 0) || !Number.isInteger(stepMs))
    throw new RangeError(`stepMs must be a positive integer, got ${stepMs}`);
  if (!(durationMs >= 0)) throw new RangeError(`durationMs must be >= 0, got ${durationMs}`);
  const anchor = Math.floor((now - (options.endAgoMs ?? 5_000)) / 1000) * 1000;
  const lastMs = anchor + Math.ceil(futureMs / stepMs) * stepMs;
  const firstMs = anchor - Math.floor(durationMs / stepMs) * stepMs;
  return { firstMs, lastMs, stepMs };
}

/** The window's sample times, oldest first. */
export function sampleTimes(window: SampleWindow): number[] {
  const times: number[] = [];
  for (let t = window.firstMs; t <= window.lastMs; t += window.stepMs) times.push(t);
  return times;
}

/** The newest sample time at or before `timeMs` (what an instant query at that time reads), if any. */
export function latestSampleAt(window: SampleWindow, timeMs: number): number | undefined {
  if (timeMs < window.firstMs) return undefined;
  if (timeMs >= window.lastMs) return window.lastMs;
  return window.firstMs + Math.floor((timeMs - window.firstMs) / window.stepMs) * window.stepMs;
}

const withName = (name: string, labels: Labels): Labels => ({ ...labels, __name__: name });

/** A constant gauge: `value` (NaN allowed) at every time of the window. */
export function gauge(
  name: string,
  labels: Labels,
  value: number,
  window: SampleWindow = sampleWindow(),
): SeriesData {
  return {
    labels: withName(name, labels),
    type: 'gauge',
    samples: sampleTimes(window).map((t) => [t, value] as const),
  };
}

/**
 * A counter growing by exactly `perSecondRate` per second: `base + perSecondRate * (t - firstMs) / 1000`,
 * with `base` = an hour's worth (`perSecondRate * 3600`, so the zero-point clamp of `rate()`
 * never applies). `rate(name[5m])` then equals `perSecondRate` up to float rounding (relative
 * error about 1e-15) when the query time T has samples back to T - 5m and is less than 1.1 steps
 * (16.5 s by default) after the newest sample at or before T. Later, Prometheus extrapolates only
 * half a step past that sample and the rate reads low by (T - newest sample - step / 2) / 5m; use
 * `sampleWindow({ futureMs })` for tests that query for longer than that, or pass `time`.
 */
export function counter(
  name: string,
  labels: Labels,
  perSecondRate: number,
  window: SampleWindow = sampleWindow(),
): SeriesData {
  const base = perSecondRate * 3600;
  return {
    labels: withName(name, labels),
    type: 'counter',
    samples: sampleTimes(window).map(
      (t) => [t, base + (perSecondRate * (t - window.firstMs)) / 1000] as const,
    ),
  };
}

/** A series with explicit samples (`[timestamp ms, value]`, strictly increasing timestamps). */
export function rawSeries(
  name: string,
  labels: Labels,
  samples: readonly Sample[],
  type: SeriesData['type'] = 'unknown',
): SeriesData {
  return { labels: withName(name, labels), type, samples };
}

// --- OpenMetrics text -------------------------------------------------------------------------

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Seconds with a fractional part that promtool reads back as exactly `ms`. It computes
 * `int64(float * 1000)`, a truncation: should the product land just below the integer, a trailing
 * 5 (half a millisecond) keeps it above.
 */
export function formatTimestamp(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0)
    throw new RangeError(`sample timestamps are non-negative integer milliseconds, got ${ms}`);
  const seconds = Math.floor(ms / 1000);
  const text = `${seconds}.${String(ms - seconds * 1000).padStart(3, '0')}`;
  return Math.trunc(Number(text) * 1000) === ms ? text : `${text}5`;
}

/** OpenMetrics number text: NaN is stored as a plain (not stale-marker) NaN. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

const escapeLabelValue = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** `name{a="1",b="2"}` for a series' labels; throws on invalid names. */
export function formatSeriesName(labels: Labels): string {
  const name = labels['__name__'];
  if (name === undefined || !METRIC_NAME.test(name))
    throw new Error(`invalid or missing __name__ ${JSON.stringify(name)} in ${JSON.stringify(labels)}`);
  const pairs: string[] = [];
  for (const [label, value] of Object.entries(labels)) {
    if (label === '__name__') continue;
    if (!LABEL_NAME.test(label) || label.startsWith('__'))
      throw new Error(`invalid label name ${JSON.stringify(label)} on ${name}`);
    pairs.push(`${label}="${escapeLabelValue(value)}"`);
  }
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

/**
 * The `# TYPE` line for a series' family. A counter's family is its name without `_total` (the
 * samples keep the `_total` name); a counter named otherwise is declared `unknown`, whose family
 * name is the sample name, so the text stays valid OpenMetrics and names stay as written.
 */
function typeLine(name: string, type: SeriesData['type']): string {
  if (type === 'counter' && name.endsWith('_total') && name.length > '_total'.length)
    return `# TYPE ${name.slice(0, -'_total'.length)} counter`;
  return `# TYPE ${name} ${type === 'gauge' ? 'gauge' : 'unknown'}`;
}

/**
 * Writes series as OpenMetrics lines (without `# EOF`). Series of one metric name must come
 * together (a `# TYPE` line starts each run of one name). Throws on invalid names, on timestamps
 * that are not strictly increasing (promtool would drop those samples silently) and on mixed types.
 */
export function writeOpenMetrics(series: Iterable<SeriesData>, write: (line: string) => void): void {
  let family: string | undefined;
  let familyType: SeriesData['type'];
  // Series on one time grid share their timestamps' text.
  const timestamps = new Map<number, string>();
  for (const s of series) {
    const head = formatSeriesName(s.labels);
    const name = s.labels['__name__']!;
    const type = s.type ?? 'unknown';
    if (name !== family) {
      family = name;
      familyType = type;
      write(typeLine(name, type));
    } else if (type !== familyType) {
      throw new Error(`series of ${name} are declared both ${familyType} and ${type}`);
    }
    let previous = -Infinity;
    for (const [t, v] of s.samples) {
      if (!(t > previous))
        throw new Error(`${head}: sample timestamps must strictly increase (${previous} then ${t})`);
      previous = t;
      let time = timestamps.get(t);
      if (time === undefined) {
        if (timestamps.size >= 10_000) timestamps.clear();
        time = formatTimestamp(t);
        timestamps.set(t, time);
      }
      write(`${head} ${formatValue(v)} ${time}`);
    }
  }
}

/** Groups series by name (stable, first appearance order), as OpenMetrics wants families together. */
function groupByName(series: readonly SeriesData[]): SeriesData[] {
  const groups = new Map<string, SeriesData[]>();
  for (const s of series) {
    const name = s.labels['__name__'] ?? '';
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [s]);
    else group.push(s);
  }
  return [...groups.values()].flat();
}

/** Writes the source to `file` with `# EOF`; returns the number of sample lines. */
function writeOpenMetricsFile(file: string, source: SeriesSource): number {
  const fd = openSync(file, 'w');
  let samples = 0;
  let buffer: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (buffer.length === 0) return;
    writeSync(fd, buffer.join(''));
    buffer = [];
    size = 0;
  };
  const write = (line: string): void => {
    if (line === '# EOF' || line.trim() === '') return;
    if (!line.startsWith('#')) samples += 1;
    buffer.push(line, '\n');
    size += line.length + 1;
    if (size >= 1 << 20) flush();
  };
  try {
    if (typeof source === 'function') source(write);
    else writeOpenMetrics(groupByName(source), write);
    buffer.push('# EOF\n');
    flush();
  } finally {
    closeSync(fd);
  }
  return samples;
}

// --- processes --------------------------------------------------------------------------------

const tail = (text: string, chars = 4000): string =>
  text.length > chars ? `...${text.slice(-chars)}` : text;

function unref(stream: unknown): void {
  if (
    typeof stream === 'object' &&
    stream !== null &&
    'unref' in stream &&
    typeof stream.unref === 'function'
  )
    (stream as { unref(): void }).unref();
}

interface ProcessOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a short-lived command to completion (killed after `timeoutMs`). */
function run(command: string, args: string[], timeoutMs: number): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout = tail(stdout + c, 1 << 20)));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = tail(stderr + c, 1 << 16)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port from listen(0)'));
      });
    });
  });
}

interface HttpAnswer {
  status: number;
  body: string;
}

/** One GET on a fresh connection (no pooled sockets to go stale across stop/start). */
function httpGet(url: string, timeoutMs = 30_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Kills `pid` when this process goes away (its end of the pipe closes), then removes `dir`. */
const WATCHDOG = `read -r _ignored
kill -TERM "$1" 2>/dev/null
i=0
while kill -0 "$1" 2>/dev/null; do
  case "$(cat "/proc/$1/stat" 2>/dev/null)" in *') Z '*) break ;; esac
  i=$((i + 1))
  if [ "$i" -gt 50 ]; then kill -KILL "$1" 2>/dev/null; sleep 0.1; break; fi
  sleep 0.1
done
rm -rf -- "$2"`;

interface Live {
  prometheus: ChildProcess;
  watchdog: ChildProcess | undefined;
  dir: string;
}

const live = new Set<Live>();
/** Temp dirs of servers not closed yet, stopped ones included. */
const openDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const entry of live) {
      entry.watchdog?.kill('SIGKILL');
      entry.prometheus.kill('SIGKILL');
    }
    for (const dir of openDirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort while exiting: the OS temp dir keeps it
      }
    }
  });
}

// --- the server -------------------------------------------------------------------------------

export interface PrometheusResponse<T = unknown> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

export interface VectorSample {
  metric: Record<string, string>;
  /** `[evaluation time in seconds, value text]` (not the sample's time: use `timestamp(x)`). */
  value: [number, string];
}

export type QueryData =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'matrix'; result: { metric: Record<string, string>; values: [number, string][] }[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

/** The samples of a successful vector answer; throws with Prometheus' error otherwise. */
export function vectorOf(response: PrometheusResponse<QueryData>): VectorSample[] {
  if (response.status !== 'success' || response.data === undefined)
    throw new Error(`Prometheus answered ${response.errorType ?? response.status}: ${response.error ?? ''}`);
  if (response.data.resultType !== 'vector')
    throw new Error(`expected a vector, got a ${response.data.resultType}`);
  return response.data.result;
}

export interface StartPrometheusOptions {
  series: SeriesSource;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** `--query.lookback-delta`, default '2h'. */
  lookbackDelta?: string;
  /** Per start, default 30,000. */
  readyTimeoutMs?: number;
  /** Default 300,000. */
  backfillTimeoutMs?: number;
  /** More `prometheus` flags. */
  args?: readonly string[];
}

export interface RunningPrometheus {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The TSDB directory (`--storage.tsdb.path`). */
  readonly dataDir: string;
  /** What the start took, in milliseconds: writing the OpenMetrics file, promtool, first start to ready. */
  readonly timings: { readonly writeMs: number; readonly backfillMs: number; readonly startMs: number };
  /** Samples written (and, checked, stored by promtool). */
  readonly samples: number;
  /** The server's recent stderr (its log). */
  stderr(): string;
  /** SIGTERM and wait for the exit (SIGKILL after 10 s). No-op when stopped. */
  stop(): Promise<void>;
  /** Starts again on the same port and data, waits until ready. No-op when running. */
  start(): Promise<void>;
  /** `GET /api/v1/query` (at `time`, default the server's now): the parsed JSON, errors included. */
  query(promql: string, time?: Date): Promise<PrometheusResponse<QueryData>>;
  /** `GET /api/v1/series?match[]=...`: the parsed JSON. */
  series(match: string | readonly string[]): Promise<PrometheusResponse<Record<string, string>[]>>;
  /** Stops and removes the temp dir. Idempotent. */
  close(): Promise<void>;
}

const CONFIG = `# Written by test/helpers/prometheus.ts: no scrape jobs, the data is backfilled.
global:
  scrape_interval: 1h
  evaluation_interval: 1h
scrape_configs: []
`;

function parseJson<T>(answer: HttpAnswer, what: string): PrometheusResponse<T> {
  try {
    return JSON.parse(answer.body) as PrometheusResponse<T>;
  } catch {
    throw new Error(`${what}: HTTP ${answer.status}, not JSON: ${tail(answer.body, 500)}`);
  }
}

/**
 * Writes the series, backfills them and starts Prometheus on 127.0.0.1 (see the file comment).
 * Throws, with promtool's or Prometheus' stderr, when either fails; nothing is left behind then.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<RunningPrometheus> {
  const found = PROMETHEUS.find(process.env);
  if ('missing' in found) throw missingPeerError(PROMETHEUS, found.missing);
  installExitHook();
  const dir = await mkdtemp(join(tmpdir(), 'kubemetrics-prometheus-'));
  openDirs.add(dir);
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'prometheus.yml');
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;

  let current: Live | undefined;
  let exited: Promise<void> | undefined;
  let stderr = '';
  let closed = false;
  let port = options.port ?? 0;

  const spawnServer = (): void => {
    const child = spawn(
      PROMETHEUS_BINARY,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${dataDir}`,
        `--storage.tsdb.retention.time=100y`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--query.lookback-delta=${options.lookbackDelta ?? '2h'}`,
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = tail(stderr + c, 1 << 16)));
    const entry: Live = { prometheus: child, watchdog: undefined, dir };
    exited = new Promise((resolve) => {
      child.on('error', (error) => {
        stderr += `\nspawn ${PROMETHEUS_BINARY}: ${error.message}`;
      });
      child.on('close', () => {
        entry.watchdog?.kill('SIGKILL');
        live.delete(entry);
        if (current === entry) current = undefined;
        resolve();
      });
    });
    if (child.pid !== undefined) {
      const watchdog = spawn('/bin/sh', ['-c', WATCHDOG, 'prometheus-watchdog', String(child.pid), dir], {
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      watchdog.on('error', () => undefined);
      watchdog.unref();
      unref(watchdog.stdin);
      entry.watchdog = watchdog;
    }
    // A test that forgets close() must not keep its worker alive: the exit hook kills the server.
    child.unref();
    unref(child.stderr);
    live.add(entry);
    current = entry;
  };

  const stop = async (): Promise<void> => {
    const entry = current;
    if (entry === undefined) return;
    entry.watchdog?.kill('SIGKILL');
    entry.prometheus.kill('SIGTERM');
    const escalate = setTimeout(() => entry.prometheus.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(escalate);
  };

  const waitReady = async (): Promise<void> => {
    const deadline = Date.now() + readyTimeoutMs;
    const entry = current;
    for (;;) {
      if (entry === undefined || current !== entry) {
        const code = entry?.prometheus.exitCode ?? null;
        const signal = entry?.prometheus.signalCode ?? null;
        throw new Error(
          `prometheus exited before it was ready (exit ${code ?? signal ?? '?'}) on 127.0.0.1:${port}; stderr:\n${tail(stderr)}`,
        );
      }
      try {
        const answer = await httpGet(`http://127.0.0.1:${port}/-/ready`, 2_000);
        if (answer.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `prometheus on 127.0.0.1:${port} was not ready after ${readyTimeoutMs} ms; stderr:\n${tail(stderr)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const start = async (): Promise<void> => {
    if (closed) throw new Error('this Prometheus was closed');
    if (current !== undefined) return;
    spawnServer();
    await waitReady();
  };

  try {
    const t0 = performance.now();
    const file = join(dir, 'data.om');
    const samples = writeOpenMetricsFile(file, options.series);
    writeFileSync(configFile, CONFIG);
    const t1 = performance.now();
    const backfill = await run(
      PROMTOOL_BINARY,
      ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir],
      options.backfillTimeoutMs ?? 300_000,
    );
    if (backfill.code !== 0)
      throw new Error(
        `promtool tsdb create-blocks-from openmetrics failed (${backfill.code === null ? `signal ${backfill.signal}` : `exit ${backfill.code}`}): ${tail(backfill.stderr.trim() || backfill.stdout.trim())}`,
      );
    const stored = storedSamples(backfill.stdout);
    if (stored !== samples)
      throw new Error(
        `promtool stored ${stored} of the ${samples} samples written (it drops out-of-order and duplicate-timestamp samples silently):\n${tail(backfill.stdout)}`,
      );
    await rm(file, { force: true });
    const t2 = performance.now();

    // A port picked by listen(0) can be taken before Prometheus binds it: pick again, twice.
    for (let attempt = 0; ; attempt++) {
      if (options.port === undefined) port = await freePort();
      try {
        await start();
        break;
      } catch (error) {
        if (options.port !== undefined || attempt >= 2 || !stderr.includes('address already in use'))
          throw error;
      }
    }
    const t3 = performance.now();

    const url = `http://127.0.0.1:${port}`;
    return {
      url,
      port,
      dataDir,
      samples,
      timings: { writeMs: t1 - t0, backfillMs: t2 - t1, startMs: t3 - t2 },
      stderr: () => stderr,
      stop,
      start,
      async query(promql, time) {
        const params = new URLSearchParams({ query: promql });
        if (time !== undefined) params.set('time', (time.getTime() / 1000).toFixed(3));
        return parseJson<QueryData>(
          await httpGet(`${url}/api/v1/query?${params.toString()}`),
          `query ${promql}`,
        );
      },
      async series(match) {
        const params = new URLSearchParams();
        for (const m of typeof match === 'string' ? [match] : match) params.append('match[]', m);
        return parseJson<Record<string, string>[]>(
          await httpGet(`${url}/api/v1/series?${params.toString()}`),
          'series',
        );
      },
      async close() {
        closed = true;
        await stop();
        await rm(dir, { recursive: true, force: true });
        openDirs.delete(dir);
      },
    };
  } catch (error) {
    closed = true;
    await stop();
    await rm(dir, { recursive: true, force: true });
    openDirs.delete(dir);
    throw error;
  }
}

/** The sum of the NUM SAMPLES column of promtool's block table. */
function storedSamples(stdout: string): number {
  let total = 0;
  for (const line of stdout.split('\n')) {
    const columns = line.trim().split(/\s+/);
    // ULID  MIN TIME  MAX TIME  DURATION  NUM SAMPLES  NUM CHUNKS  NUM SERIES  SIZE
    if (columns.length >= 8 && /^[0-9A-Z]{26}$/.test(columns[0]!)) total += Number(columns[4]);
  }
  return total;
}
