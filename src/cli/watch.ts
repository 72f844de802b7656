/**
 * `--watch [interval]` for read commands: run the command every interval. On a terminal the frame
 * is redrawn in place, marking the rows that changed since the previous refresh. Off a terminal the
 * output stays machine-readable: `-o json` is JSON Lines (one document per refresh, with
 * `refreshedAt`), `-o yaml` a YAML stream (`---` between documents), `-o csv|tsv` one header and then
 * rows with a leading `timestamp` column; tables get a `--- <timestamp> ---` line per refresh so logs
 * stay readable. A failed refresh goes to stderr, never into the data.
 */
import { once as nextEvent } from 'node:events';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT_OK } from './command.js';
import { colorEnabled, type CliIO } from './io.js';
import { isUsageMistake, UsageError } from './usage-error.js';

const DEFAULT_INTERVAL_MS = 5_000;
const MIN_INTERVAL_MS = 1_000;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/** The watch flag as parseArgs would define it (it is taken out before parsing: its value is optional). */
export const WATCH_FLAG = { watch: { type: 'string', short: 'w' } } as const;

export interface WatchRequest {
  /** The arguments without the watch flag and its interval. */
  readonly args: string[];
  /** Undefined when --watch was not given. */
  readonly intervalMs: number | undefined;
  /** The `-o/--output` value among the arguments (validated by the command), if any. */
  readonly output?: string | undefined;
}

function parseInterval(text: string, command: string): number {
  const match = DURATION.exec(text);
  if (match === null)
    throw new UsageError(`invalid --watch interval "${text}": expected e.g. 5s, 1m or 2`, command);
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
  if (ms < MIN_INTERVAL_MS)
    throw new UsageError(`--watch interval must be at least 1s, got "${text}"`, command);
  return ms;
}

/**
 * Takes `--watch`, `--watch=5s`, `-w`, or `--watch 5s` (a following duration-looking token) out of
 * the arguments: node's parseArgs has no flags with optional values.
 */
export function extractWatch(args: readonly string[], command: string): WatchRequest {
  const rest: string[] = [];
  let intervalMs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--watch=')) {
      intervalMs = parseInterval(arg.slice('--watch='.length), command);
    } else if (arg === '--watch' || arg === '-w') {
      const next = args[i + 1];
      if (next !== undefined && DURATION.test(next)) {
        intervalMs = parseInterval(next, command);
        i++;
      } else {
        intervalMs = DEFAULT_INTERVAL_MS;
      }
    } else {
      rest.push(arg);
    }
  }
  return { args: rest, intervalMs, output: outputFormat(rest) };
}

/** The last `-o json`, `-ojson`, `--output json` or `--output=json` among the arguments. */
function outputFormat(args: readonly string[]): string | undefined {
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg === '-o' || arg === '--output') output = args[++i];
    else if (arg.startsWith('--output=')) output = arg.slice('--output='.length);
    else if (arg.startsWith('-o') && !arg.startsWith('--')) output = arg.slice(2);
  }
  return output;
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Lines of `current` that were not in `previous` (new or changed rows); the header is never marked. */
export function changedLines(previous: readonly string[] | undefined, current: readonly string[]): boolean[] {
  if (previous === undefined) return current.map(() => false);
  const before = new Set(previous);
  return current.map((line, i) => i > 0 && !before.has(line));
}

/** Writes refreshes off a terminal in a form a program can read (see the module comment). */
interface FrameWriter {
  write(text: string, at: Date): string;
}

function dataWriter(output: string | undefined): FrameWriter | undefined {
  if (output === 'json') {
    return {
      write(text, at) {
        const doc = JSON.parse(text) as unknown;
        const stamped =
          typeof doc === 'object' && doc !== null && !Array.isArray(doc)
            ? { ...doc, refreshedAt: at.toISOString() }
            : doc;
        return `${JSON.stringify(stamped)}\n`;
      },
    };
  }
  if (output === 'yaml') {
    return { write: (text, at) => `--- # refreshed ${at.toISOString()}\n${text}` };
  }
  if (output === 'csv' || output === 'tsv') {
    const separator = output === 'csv' ? ',' : '\t';
    let header: string | undefined;
    return {
      write(text, at) {
        const [first, ...rows] = text.split('\n').filter((l) => l !== '');
        if (first === undefined) return '';
        // The header again only if the columns changed (a new resource appeared in the cluster).
        const head = first === header ? '' : `timestamp${separator}${first}\n`;
        header = first;
        return head + rows.map((row) => `${at.toISOString()}${separator}${row}\n`).join('');
      },
    };
  }
  return undefined;
}

/**
 * Runs `once` every `intervalMs` until `io.signal` aborts. A failing refresh is shown and retried
 * at the next tick instead of ending the watch (an API server restart should not kill a dashboard).
 */
export async function watchLoop(
  io: CliIO,
  watch: WatchRequest,
  once: (io: CliIO) => Promise<number>,
): Promise<number> {
  const intervalMs = watch.intervalMs ?? DEFAULT_INTERVAL_MS;
  const tty = io.stdoutIsTTY;
  const color = colorEnabled(io);
  const data = tty ? undefined : dataWriter(watch.output);
  let previous: string[] | undefined;
  while (!io.signal.aborted) {
    const out = new Capture();
    const err = new Capture();
    const started = new Date();
    let code: number;
    try {
      code = await once({ ...io, stdout: out, stderr: err, stdoutIsTTY: false, stderrIsTTY: false });
    } catch (error) {
      // A mistake in the command line (a bad -o, flag or selector) is the same at every refresh:
      // end the watch with the usage exit code, as kubectl does, rather than repeat it forever.
      if (isUsageMistake(error)) throw error;
      code = 1;
      err.text += `error: ${(error as Error).message}\n`;
    }
    // Stopped mid-refresh (Ctrl-C, or the reader went away): its error is not news.
    if (io.signal.aborted) break;
    if (data !== undefined) {
      if (code === EXIT_OK && out.text !== '') io.stdout.write(data.write(out.text, started));
      io.stderr.write(err.text);
    } else {
      previous = writeFrame(io, {
        text: out.text,
        errors: err.text,
        code,
        started,
        previous,
        tty,
        color,
        intervalMs,
      });
    }
    try {
      // A reader slower than the refreshes (a pipe into a busy program) is waited for, not buffered
      // without bound.
      if (io.stdout.writableNeedDrain) await nextEvent(io.stdout, 'drain', { signal: io.signal });
      await sleep(intervalMs, undefined, { signal: io.signal });
    } catch {
      break; // aborted: Ctrl-C ends the watch normally
    }
  }
  return EXIT_OK;
}

interface Frame {
  readonly text: string;
  readonly errors: string;
  readonly code: number;
  readonly started: Date;
  readonly previous: string[] | undefined;
  readonly tty: boolean;
  readonly color: boolean;
  readonly intervalMs: number;
}

/** Writes a table frame (redrawn in place on a terminal); returns the lines to compare next time. */
function writeFrame(io: CliIO, f: Frame): string[] | undefined {
  const { previous, tty, color, intervalMs, started, code } = f;
  const lines = f.text.split('\n').filter((l) => l !== '');
  const changed = changedLines(previous, lines);
  const count = changed.filter(Boolean).length;
  const stamp = started.toISOString().slice(11, 19);
  const status = `every ${intervalMs / 1000}s, refreshed ${stamp}${previous === undefined ? '' : `, ${count} row${count === 1 ? '' : 's'} changed`}${code === EXIT_OK ? '' : ', last refresh failed'}`;
  let frame = tty ? '\u001b[H\u001b[2J' : `--- ${started.toISOString()} ---\n`;
  frame += lines
    .map((line, i) => {
      const mark = previous === undefined ? '' : changed[i] ? '* ' : '  ';
      return changed[i] && color ? `\u001b[1;33m${mark}${line}\u001b[0m` : `${mark}${line}`;
    })
    .join('\n');
  frame += `\n${f.errors}${tty ? `\n${status}\n` : ''}`;
  io.stdout.write(frame);
  return code === EXIT_OK ? lines : previous;
}
