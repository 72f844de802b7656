import { isKubemetricsError, KubemetricsError } from '../errors.js';

/** A mistake in the command line itself: printed with the command's usage, exit code 2. */
export class UsageError extends KubemetricsError {
  readonly command: string | undefined;

  constructor(message: string, command?: string, hint?: string) {
    super('KUBEMETRICS_ERR_ARGUMENT', message, { hint });
    this.name = 'UsageError';
    this.command = command;
  }
}

/**
 * A mistake in what the user typed: UsageError, and a label or field selector that does not parse
 * (`-l 'app in ('`), wherever the command parsed it; the CLI only takes selectors from flags.
 */
export function isUsageMistake(error: unknown): boolean {
  return (
    error instanceof UsageError || (isKubemetricsError(error) && error.code === 'KUBEMETRICS_ERR_SELECTOR')
  );
}
