/**
 * Folding many quantities into one: totals and extremes for reports over thousands of pods.
 */
import { Quantity } from './quantity.js';

/**
 * The exact sum of `qs`; zero (DecimalSI) when there are none. The format follows Go's running
 * `Add`: the total takes the format of the first non-zero term, so summing memory written as
 * `Mi` gives a BinarySI total.
 *
 * @example
 * ```ts
 * sumQuantities(['100m', '250m', '1'].map(parseQuantity)).toString(); // '1350m'
 * ```
 */
export function sumQuantities(qs: Iterable<Quantity>): Quantity {
  // Accumulate the raw bigint rather than allocating a Quantity per term.
  let nanos = 0n;
  let format: Quantity['format'] = 'DecimalSI';
  for (const q of qs) {
    if (nanos === 0n) format = q.format;
    nanos += q.nanos;
  }
  return Quantity.fromNano(nanos, format);
}

/** The larger of two quantities; `a` when they are equal. */
export function maxQuantity(a: Quantity, b: Quantity): Quantity {
  return b.nanos > a.nanos ? b : a;
}

/** The smaller of two quantities; `a` when they are equal. */
export function minQuantity(a: Quantity, b: Quantity): Quantity {
  return b.nanos < a.nanos ? b : a;
}
