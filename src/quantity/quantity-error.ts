import { KubemetricsError } from '../errors.js';

/** Optional structured detail attached to a {@link QuantityError}. */
export interface QuantityErrorOptions {
  /** Zero-based offset of the offending character in `input`, when the problem has one. */
  readonly position?: number | undefined;
  /** What the user can do about it (the message already names the specific fix). */
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/**
 * The general shape of a quantity, attached as `hint` to every parse error so a CLI can print it
 * under the specific message.
 */
export const QUANTITY_SYNTAX_HINT =
  'A quantity is a number with an optional suffix: n u m k M G T P E (powers of 1000), ' +
  'Ki Mi Gi Ti Pi Ei (powers of 1024) or an exponent such as e3; for example 250m, 1.5, 128Mi, 2G, 1e9.';

/**
 * A string that is not a Kubernetes quantity, or a quantity operation with an invalid argument
 * (a non-integer factor, an unknown humanize unit). `code` is always `KUBEMETRICS_ERR_QUANTITY`.
 *
 * The message quotes the input, says what was wrong and how to fix it, e.g.
 * `invalid quantity "1K": unknown suffix 'K'; did you mean 'k' (10^3) or 'Ki' (2^10)?`.
 */
export class QuantityError extends KubemetricsError {
  /** The text (or, for an invalid argument, the argument rendered as text) that was rejected. */
  readonly input: string;
  /** Zero-based offset of the offending character in `input`, or `undefined` for the whole input. */
  readonly position: number | undefined;

  constructor(input: string, message: string, options: QuantityErrorOptions = {}) {
    super('KUBEMETRICS_ERR_QUANTITY', message, { hint: options.hint, cause: options.cause });
    this.name = 'QuantityError';
    this.input = input;
    this.position = options.position;
  }
}

/** True for a {@link QuantityError}; narrows `unknown` in `catch` blocks. */
export function isQuantityError(error: unknown): error is QuantityError {
  return error instanceof QuantityError;
}

// Quoting a multi-megabyte input in a message helps nobody and bloats logs, so messages show
// a bounded prefix; the `input` field still carries the whole text.
const MAX_QUOTED = 64;

/** `"text"` with JSON escaping (so control characters and spaces are visible), truncated. */
export function quoteInput(input: string): string {
  const shown = input.length > MAX_QUOTED ? `${input.slice(0, MAX_QUOTED)}…` : input;
  return JSON.stringify(shown);
}
