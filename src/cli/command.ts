import type { ParseArgsConfig } from 'node:util';
import type { CliIO } from './io.js';

/**
 * What the CLI knows about a command without loading it: name, help and how to load it.
 * `--help`, `--version`, `<command> --help` and shell completion read only this, so they start in
 * the time node itself takes; the implementation (and the client, report or server code under it)
 * is imported only when the command runs.
 */
export interface CommandInfo {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full help: usage, flags, examples. Shell completion takes the flags from it. */
  readonly help: string;
  /** The words that may follow the command name (sub-commands, resource kinds), for completion. */
  readonly words: readonly string[];
  /** Imports the implementation (a dynamic `import()`, so nothing loads before it is needed). */
  load(): Promise<Command>;
}

/**
 * A command's implementation: a run function that parses its own options, validates them (throwing
 * UsageError for mistakes) and returns an exit code. Commands print only through `io`.
 */
export interface Command {
  readonly name: string;
  /** Every flag it parses (node:util parseArgs options), for the help-versus-flags check. */
  readonly flags: NonNullable<ParseArgsConfig['options']>;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_RUNTIME_ERROR = 1;
export const EXIT_USAGE = 2;
/**
 * Interrupted by SIGINT (128 + 2, what a shell reports for a command killed by Ctrl-C). The binary
 * then ends by the signal it received itself, as kubectl does, so a shell sees 130 or 143.
 */
export const EXIT_INTERRUPTED = 130;
