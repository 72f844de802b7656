/**
 * `--watch [interval]` for read commands: run the command every interval and redraw in place on a
 * terminal, marking the rows that changed since the previous refresh. Off a terminal, frames are
 * appended with a timestamp line, so logs stay readable.
 */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT_OK } from './command.js';
import { colorEnabled, type CliIO } from './io.js';
import { UsageError } from './usage-error.js';

const DEFAULT_INTERVAL_MS = 5_000;
const MIN_INTERVAL_MS = 1_000;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

export interface WatchRequest {
  /** The arguments without the watch flag and its interval. */
  readonly args: string[];
  /** Undefined when --watch was not given. */
  readonly intervalMs: number | undefined;
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
  return { args: rest, intervalMs };
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

/**
 * Runs `once` every `intervalMs` until `io.signal` aborts. A failing refresh is shown and retried
 * at the next tick instead of ending the watch (an API server restart should not kill a dashboard).
 */
export async function watchLoop(
  io: CliIO,
  intervalMs: number,
  once: (io: CliIO) => Promise<number>,
): Promise<number> {
  const tty = io.stdoutIsTTY;
  const color = colorEnabled(io);
  let previous: string[] | undefined;
  while (!io.signal.aborted) {
    const out = new Capture();
    const err = new Capture();
    const started = new Date();
    let code: number;
    try {
      code = await once({ ...io, stdout: out, stderr: err, stdoutIsTTY: false, stderrIsTTY: false });
    } catch (error) {
      code = 1;
      err.text += `error: ${(error as Error).message}\n`;
    }
    const lines = out.text.split('\n').filter((l) => l !== '');
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
    frame += `\n${err.text}${tty ? `\n${status}\n` : ''}`;
    io.stdout.write(frame);
    if (code === EXIT_OK) previous = lines;
    try {
      await sleep(intervalMs, undefined, { signal: io.signal });
    } catch {
      break; // aborted: Ctrl-C ends the watch normally
    }
  }
  return EXIT_OK;
}
