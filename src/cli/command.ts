import type { CliIO } from './io.js';

/**
 * A CLI command: its help text and a run function that parses its own options, validates them
 * (throwing UsageError for mistakes) and returns an exit code. Commands print only through `io`.
 */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full help: usage, flags, examples. */
  readonly help: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_RUNTIME_ERROR = 1;
export const EXIT_USAGE = 2;
