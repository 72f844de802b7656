import type { Readable, Writable } from 'node:stream';

/**
 * Everything a command may touch of the outside world, injected so tests run commands in-process
 * and library code never reaches for process.stdout or process.env itself.
 */
export interface CliIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal: enables colours (unless NO_COLOR) and in-place redraws. */
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Resolves on Ctrl-C (or when a test aborts): long-running commands stop cleanly on it. */
  readonly signal: AbortSignal;
  /** Standard input, for `-` arguments (`snapshot info -`); absent when a caller gives none. */
  readonly stdin?: Readable;
}

/** Writes one line (adds the newline) to a stream. */
export function writeLine(stream: Writable, line = ''): void {
  stream.write(`${line}\n`);
}

/** Colours only on a terminal and never with NO_COLOR (https://no-color.org). */
export function colorEnabled(io: CliIO, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  const tty = stream === 'stdout' ? io.stdoutIsTTY : io.stderrIsTTY;
  return tty && (io.env.NO_COLOR === undefined || io.env.NO_COLOR === '');
}
