/**
 * The three quantity formats and the canonical string form, following apimachinery's
 * `Quantity.CanonicalizeBytes`: an integer mantissa with the largest suffix (or exponent) that
 * keeps it integral, in the family the quantity was written in.
 */
import { BINARY_SUFFIXES, DECIMAL_SUFFIXES } from './suffix.js';
import { MAX_SAFE_BIGINT, NANOS_PER_UNIT } from './scaling.js';

/**
 * How a quantity is written back out, remembered from the input like Kubernetes does:
 * - `DecimalSI`: powers of 1000 with n u m k M G T P E (`1500m`, `2G`);
 * - `BinarySI`: powers of 1024 with Ki Mi Gi Ti Pi Ei (`128Mi`), for integers of at least 1024;
 * - `DecimalExponent`: a power of ten written as `e<n>` with n a multiple of 3 (`12e6`, `1e-3`).
 */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** Every {@link QuantityFormat}, for validation and for generators in tests. */
export const QUANTITY_FORMATS: readonly QuantityFormat[] = Object.freeze([
  'DecimalSI',
  'BinarySI',
  'DecimalExponent',
]);

/** True when `value` is one of the three {@link QuantityFormat} names. */
export function isQuantityFormat(value: unknown): value is QuantityFormat {
  return value === 'DecimalSI' || value === 'BinarySI' || value === 'DecimalExponent';
}

/** 1Ki in nanos: the smallest value a binary suffix can express with an integral mantissa. */
const BINARY_MIN_NANOS = 1024n * NANOS_PER_UNIT;
const LARGEST_DECIMAL_GROUP = DECIMAL_SUFFIXES.length - 1;
const LARGEST_BINARY_POWER = BINARY_SUFFIXES.length - 1;

/**
 * The canonical text of a value given in nanos (units of 10^-9), in `format`'s family:
 *
 * - zero is `0` whatever the format;
 * - `BinarySI` uses the largest binary suffix that keeps the mantissa integral when the value is
 *   an integer multiple of 1024 (`1536Mi`, `16393244Ki`); any other BinarySI value prints as
 *   DecimalSI (`1536`, `512`, `2k`, `1181116006400m`). Go would print an integral 2000 as `2000`;
 *   `2k` is what the text re-parses to, so the canonical text is a fixed point;
 * - `DecimalSI` uses the largest of n u m "" k M G T P E that keeps the mantissa integral. E is the
 *   largest suffix, so 10^21 prints as `1000E` (recent apimachinery prints `1e21` instead);
 * - `DecimalExponent` uses `e<n>` with n the largest multiple of 3 that keeps the mantissa
 *   integral, and no suffix at all when n is 0 (`5e2` prints as `500`).
 */
export function canonicalString(nanos: bigint, format: QuantityFormat): string {
  if (nanos === 0n) return '0';
  const negative = nanos < 0n;
  const magnitude = negative ? -nanos : nanos;
  const sign = negative ? '-' : '';

  if (format === 'BinarySI' && magnitude % BINARY_MIN_NANOS === 0n) {
    return sign + binaryMantissaAndSuffix(magnitude / BINARY_MIN_NANOS);
  }

  // Trailing decimal zeros of the nano count decide the suffix: every three of them move the
  // mantissa one power of 1000 up. Counting characters avoids a bigint division per step.
  const digits = magnitude.toString();
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48 /* '0' */) end--;
  let groups = Math.floor((digits.length - end) / 3);

  if (format === 'DecimalExponent') {
    const exponent = groups * 3 - 9;
    const mantissa = digits.slice(0, digits.length - groups * 3);
    return exponent === 0 ? sign + mantissa : `${sign}${mantissa}e${exponent}`;
  }
  if (groups > LARGEST_DECIMAL_GROUP) groups = LARGEST_DECIMAL_GROUP;
  return sign + digits.slice(0, digits.length - groups * 3) + (DECIMAL_SUFFIXES[groups] ?? '');
}

/** `kibis` (a positive count of 1024s) as mantissa + the largest binary suffix that divides it. */
function binaryMantissaAndSuffix(kibis: bigint): string {
  let power = 1;
  if (kibis <= MAX_SAFE_BIGINT) {
    // Number arithmetic is exact below 2^53 and much cheaper than bigint division.
    let n = Number(kibis);
    while (power < LARGEST_BINARY_POWER && n % 1024 === 0) {
      n /= 1024;
      power++;
    }
    return String(n) + (BINARY_SUFFIXES[power] ?? '');
  }
  let n = kibis;
  while (power < LARGEST_BINARY_POWER && (n & 1023n) === 0n) {
    n >>= 10n;
    power++;
  }
  return n.toString() + (BINARY_SUFFIXES[power] ?? '');
}
