/**
 * The function forms of parsing: a throwing `parseQuantity` for code that treats bad input as a
 * bug or a user error to report, and `tryParseQuantity` for hot loops over API data that must skip
 * a bad value without paying for an exception's stack trace on the happy path.
 */
import { Quantity } from './quantity.js';
import { QuantityError } from './quantity-error.js';

/** The outcome of {@link tryParseQuantity}. */
export type QuantityParseResult = { ok: true; value: Quantity } | { ok: false; error: QuantityError };

/**
 * Parses Kubernetes quantity text (`250m`, `1.5`, `128Mi`, `1e3`) into an exact {@link Quantity}.
 *
 * @throws {@link QuantityError} naming the input, what is wrong and how to fix it, e.g.
 *   `invalid quantity "1K": unknown suffix 'K'; did you mean 'k' (10^3) or 'Ki' (2^10)?`
 * @example
 * ```ts
 * parseQuantity('1.5Gi').toString(); // '1536Mi'
 * parseQuantity('100m').nanos;       // 100_000_000n
 * ```
 */
export function parseQuantity(input: string): Quantity {
  return Quantity.parse(input);
}

/**
 * Like {@link parseQuantity} but returns `{ ok: false, error }` instead of throwing.
 *
 * @example
 * ```ts
 * const r = tryParseQuantity(pod.spec.containers[0].resources.requests.cpu);
 * if (r.ok) total = total.add(r.value); else warnings.push(r.error.message);
 * ```
 */
export function tryParseQuantity(input: string): QuantityParseResult {
  try {
    return { ok: true, value: Quantity.parse(input) };
  } catch (error) {
    if (error instanceof QuantityError) return { ok: false, error };
    throw error;
  }
}
