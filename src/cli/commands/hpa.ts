/**
 * `kubemetrics hpa list|explain`: fetch what the HPA controller fetches (src/hpa-fetch), replay its
 * calculation (src/hpa) and print it. Under `--watch` one history is kept across refreshes, so the
 * desired range narrows the way the controller's own memory would decide it.
 */
import { parseArgs } from 'node:util';
import { goDurationMs, type ControllerOptions } from '../../hpa/index.js';
import type { HpaHistory, HpaReplay } from '../../hpa-fetch/index.js';
import { EXIT_OK, EXIT_RUNTIME_ERROR, type Command } from '../command.js';
import { CLUSTER_FLAGS, clusterOptions, connect } from '../cluster-options.js';
import { writeLine, type CliIO } from '../io.js';
import { parseOutput, writeStructured } from '../output.js';
import { parseChunkSize } from '../source.js';
import { renderTable } from '../table.js';
import { UsageError } from '../usage-error.js';
import { extractWatch, WATCH_FLAG, watchLoop } from '../watch.js';

const FLAGS = {
  ...CLUSTER_FLAGS,
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  selector: { type: 'string', short: 'l' },
  'no-headers': { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  'chunk-size': { type: 'string' },
  'horizontal-pod-autoscaler-tolerance': { type: 'string' },
  'horizontal-pod-autoscaler-cpu-initialization-period': { type: 'string' },
  'horizontal-pod-autoscaler-initial-readiness-delay': { type: 'string' },
  'horizontal-pod-autoscaler-downscale-stabilization': { type: 'string' },
  'horizontal-pod-autoscaler-sync-period': { type: 'string' },
} as const;

const DEFAULT_SYNC_PERIOD_MS = 15_000;

type Values = ReturnType<typeof parse>['values'];

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, 'hpa');
  }
}

function duration(values: Values, flag: keyof Values): number | undefined {
  const text = values[flag];
  if (text === undefined) return undefined;
  try {
    const ms = goDurationMs(String(text));
    if (ms < 0) throw new Error('negative');
    return ms;
  } catch {
    throw new UsageError(
      `--${flag} must be a duration such as 30s, 5m0s or 1m30s, got ${JSON.stringify(text)}`,
      'hpa',
    );
  }
}

/** The controller flags, validated; also the sync period (the default refresh of `--watch`). */
function controllerFlags(values: Values): { controller: Partial<ControllerOptions>; syncPeriodMs: number } {
  const controller: { -readonly [K in keyof ControllerOptions]?: ControllerOptions[K] } = {};
  const tolerance = values['horizontal-pod-autoscaler-tolerance'];
  if (tolerance !== undefined) {
    const value = Number(tolerance);
    if (tolerance.trim() === '' || !Number.isFinite(value) || value < 0) {
      throw new UsageError(
        `--horizontal-pod-autoscaler-tolerance must be a non-negative number such as 0.1, got ${JSON.stringify(tolerance)}`,
        'hpa',
      );
    }
    controller.tolerance = value;
  }
  const cpuInit = duration(values, 'horizontal-pod-autoscaler-cpu-initialization-period');
  if (cpuInit !== undefined) controller.cpuInitializationPeriodMs = cpuInit;
  const readiness = duration(values, 'horizontal-pod-autoscaler-initial-readiness-delay');
  if (readiness !== undefined) controller.initialReadinessDelayMs = readiness;
  const downscale = duration(values, 'horizontal-pod-autoscaler-downscale-stabilization');
  if (downscale !== undefined) controller.downscaleStabilizationSeconds = downscale / 1000;
  const sync = duration(values, 'horizontal-pod-autoscaler-sync-period');
  if (sync !== undefined && sync < 1000) {
    throw new UsageError('--horizontal-pod-autoscaler-sync-period must be at least 1s', 'hpa');
  }
  return { controller, syncPeriodMs: sync ?? DEFAULT_SYNC_PERIOD_MS };
}

interface Invocation {
  readonly mode: 'list' | 'explain';
  readonly name: string | undefined;
  readonly values: Values;
  readonly output: string;
  readonly controller: Partial<ControllerOptions>;
  readonly syncPeriodMs: number;
}

/** Parses and validates everything before any request, so a mistake is exit 2 without a cluster. */
function invocation(args: readonly string[]): Invocation {
  const { values, positionals } = parse(args);
  const [mode, name, ...extra] = positionals;
  if (mode !== 'list' && mode !== 'explain') {
    throw new UsageError(
      `hpa needs "list" or "explain"${mode === undefined ? '' : `, got ${JSON.stringify(mode)}`}`,
      'hpa',
    );
  }
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`, 'hpa');
  if (values['all-namespaces'] === true && values.namespace !== undefined)
    throw new UsageError('give -n/--namespace or -A, not both', 'hpa');
  let output: string;
  if (mode === 'list') {
    if (name !== undefined)
      throw new UsageError(
        `hpa list takes no NAME (got ${JSON.stringify(name)}); use hpa explain NAME`,
        'hpa',
      );
    output = parseOutput(values.output, ['wide', 'json', 'yaml', 'csv', 'tsv'] as const, 'hpa');
  } else {
    if (name === undefined) throw new UsageError('hpa explain needs the NAME of an HPA', 'hpa');
    for (const flag of ['all-namespaces', 'selector', 'no-headers'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to hpa list only`, 'hpa');
    }
    output =
      values.output === 'text' ? 'table' : parseOutput(values.output, ['json', 'yaml'] as const, 'hpa');
  }
  parseChunkSize(values['chunk-size'], 'hpa');
  return { mode, name, values, output, ...controllerFlags(values) };
}

async function runOnce(inv: Invocation, io: CliIO, history: HpaHistory | undefined): Promise<number> {
  const { values } = inv;
  const options = clusterOptions(values, 'hpa');
  // Imported here: --help and completion must not load the client or the calculation.
  const { replayHpas, replaySummary, replayToPlain } = await import('../../hpa-fetch/index.js');
  const client = await connect(options, io);
  try {
    const all = inv.mode === 'list' && values['all-namespaces'] === true;
    const namespace = all ? undefined : (values.namespace ?? client.namespace);
    const replays = await replayHpas(client, {
      namespace,
      name: inv.name,
      labelSelector: values.selector,
      controller: inv.controller,
      limit: parseChunkSize(values['chunk-size'], 'hpa'),
      timeoutMs: options.timeoutMs,
      signal: io.signal,
      history,
    });
    if (inv.mode === 'explain') {
      const replay = replays[0]!;
      if (inv.output === 'json' || inv.output === 'yaml')
        await writeStructured(io, inv.output, replayToPlain(replay));
      else {
        const { explainText } = await import('./hpa-explain-text.js');
        io.stdout.write(explainText(replay));
      }
      return explainExit(replay, io);
    }
    if (inv.output === 'json' || inv.output === 'yaml') {
      await writeStructured(io, inv.output, {
        kind: 'HpaList',
        replayedAt: new Date(replays[0]?.now ?? Date.now()).toISOString(),
        items: replays.map(replaySummary),
      });
      return EXIT_OK;
    }
    const { listColumns, listDelimited } = await import('./hpa-list-view.js');
    if (inv.output === 'csv' || inv.output === 'tsv') {
      io.stdout.write(listDelimited(replays, inv.output === 'csv' ? ',' : '\t'));
      return EXIT_OK;
    }
    if (replays.length === 0) {
      writeLine(
        io.stderr,
        all ? 'No resources found' : `No resources found in ${namespace ?? 'default'} namespace.`,
      );
      return EXIT_OK;
    }
    const table = listColumns(replays, { namespaces: all, wide: inv.output === 'wide' });
    io.stdout.write(renderTable(table.headers, table.rows, { noHeaders: values['no-headers'] === true }));
    return EXIT_OK;
  } finally {
    await client.close();
  }
}

/**
 * explain prints its explanation in every case; a missing scale target is also an error (exit 1,
 * message and fix on stderr): nothing about the HPA can be computed until it is fixed.
 */
function explainExit(replay: HpaReplay, io: CliIO): number {
  if (replay.failure?.reason !== 'FailedGetScale') return EXIT_OK;
  writeLine(io.stderr, `error: ${replay.failure.message}`);
  if (replay.failure.hint !== undefined) writeLine(io.stderr, `hint: ${replay.failure.hint}`);
  return EXIT_RUNTIME_ERROR;
}

/** True when `--watch`/`-w` was given without an interval (the sync period is then the default). */
function watchWithoutInterval(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--watch=')) return false;
    if (arg === '--watch' || arg === '-w') return !/^\d+(?:\.\d+)?(ms|s|m)?$/.test(args[i + 1] ?? '');
  }
  return false;
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  const watch = extractWatch(args, 'hpa');
  const inv = invocation(watch.args);
  if (watch.intervalMs === undefined) return runOnce(inv, io, undefined);
  const { HpaHistory } = await import('../../hpa-fetch/index.js');
  const history = new HpaHistory(inv.controller.downscaleStabilizationSeconds ?? 300);
  const intervalMs = watchWithoutInterval(args) ? inv.syncPeriodMs : watch.intervalMs;
  return watchLoop(io, { ...watch, intervalMs }, (frameIo) => runOnce(inv, frameIo, history));
}

export const hpaCommand: Command = { name: 'hpa', flags: { ...FLAGS, ...WATCH_FLAG }, run };
