import { KubemetricsError } from '../errors.js';

/** A mistake in the command line itself: printed with the command's usage, exit code 2. */
export class UsageError extends KubemetricsError {
  readonly command: string | undefined;

  constructor(message: string, command?: string, hint?: string) {
    super('KUBEMETRICS_ERR_ARGUMENT', message, { hint });
    this.name = 'UsageError';
    this.command = command;
  }
}
