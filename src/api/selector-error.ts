import { KubemetricsError } from '../errors.js';

/** Where a selector failed to parse, so callers (and our servers' 400 answers) can point at it. */
export interface SelectorErrorOptions {
  /** The whole selector text as given. */
  readonly selector: string;
  /** Zero-based character offset of the offending token, when the failure has one. */
  readonly position?: number | undefined;
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/**
 * A label or field selector that does not parse or validate. `code` is always
 * `KUBEMETRICS_ERR_SELECTOR`; the message quotes the selector and says what was found and what
 * was expected at which position.
 */
export class SelectorError extends KubemetricsError {
  /** The selector text that failed. */
  readonly selector: string;
  /** Zero-based offset of the offending token, or `undefined` when the problem is the whole term. */
  readonly position: number | undefined;

  constructor(message: string, options: SelectorErrorOptions) {
    super('KUBEMETRICS_ERR_SELECTOR', message, { hint: options.hint, cause: options.cause });
    this.name = 'SelectorError';
    this.selector = options.selector;
    this.position = options.position;
  }
}
