/**
 * Exact integer scaling by powers of ten and division with an explicit rounding rule. Everything
 * here is bigint or integer-valued number arithmetic; nothing goes through a float fraction.
 */

/** 10^k as a number for k = 0..22: every one of these is exactly representable as a double. */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);

// Parsing and formatting ask for small powers of ten over and over (shifts of 0..30 cover every
// realistic input); caching them saves a bigint exponentiation per call.
const POW10N_CACHE: bigint[] = Array.from({ length: 64 }, (_, k) => 10n ** BigInt(k));

/** 10^k as a bigint (k >= 0). */
export function pow10n(k: number): bigint {
  return POW10N_CACHE[k] ?? 10n ** BigInt(k);
}

/** One unit in nanos: a quantity stores its value multiplied by this. */
export const NANOS_PER_UNIT = 1_000_000_000n;

/** Largest integer a double holds exactly, as a bigint (for range checks before `Number()`). */
export const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * `n / d` rounded away from zero (`d > 0`): the magnitude is rounded up, so any non-zero
 * remainder moves the result one step further from zero. This is how Kubernetes rounds a value
 * finer than its precision ("0.9n" is 1n) and how Go's `ScaledValue` rounds (-1.5 is -2).
 */
export function divideAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d; // truncates toward zero
  if (q * d === n) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/**
 * `n / d` rounded to nearest, ties away from zero (`d > 0`): the rounding most people expect
 * when a value is shown with fewer digits (1.25 → 1.3, -1.25 → -1.3).
 */
export function divideHalfAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n - q * d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < d) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/** Number of decimal digits of `|n|` (1 for zero). */
export function decimalDigits(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}
