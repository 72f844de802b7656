/**
 * `-v`/`--v=N` as a number. Kept apart from verbose-log.ts (which subscribes to the client's request
 * channel) so that parsing flags and printing `--help` never load the client.
 */
import { UsageError } from './usage-error.js';

/** The level from which requests are logged, as in kubectl. */
export const REQUEST_LOG_LEVEL = 6;

/** Parses `-v`/`--v`: a non-negative integer (`-v=6` arrives as `=6` from parseArgs). */
export function parseVerbosity(value: unknown, command: string): number {
  if (value === undefined) return 0;
  const text = typeof value === 'string' ? value.replace(/^=/, '') : '';
  if (!/^\d+$/.test(text)) {
    throw new UsageError(`invalid -v/--v ${JSON.stringify(value)}: expected a log level such as 6`, command);
  }
  return Number(text);
}
