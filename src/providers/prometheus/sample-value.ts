/**
 * Prometheus sample values (float64 written as decimal text: `"0.25"`, `"1234"`,
 * `"0.30000000000000004"`, `"NaN"`, `"+Inf"`) as exact Kubernetes quantities.
 *
 * The text is converted digit by digit, never through a JavaScript number, and rounded to the
 * nearest nano unit (half to even): quantities carry at most nine decimals, and Go's parser would
 * round `0.30000000000000004` *up* to `300000001n` where the value Prometheus computed is 0.3.
 * prometheus-adapter instead truncates `value*1000` to an int64 of milli-units, which turns
 * 0.0004 requests per second into 0 and loses CPU below a millicore.
 *
 * NaN and infinities have no quantity: they come back `undefined` and the object is reported as
 * having no value (404 or left out of a list), never as 0.
 */
import { Quantity, type QuantityFormat } from '../../quantity/index.js';

/** `12`, `-0.25`: no exponent, at most 16 digits. */
const SIMPLE = /^(-?)(\d{1,16})(?:\.(\d{1,16}))?$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The value in nano units, rounded half to even; `undefined` for NaN, ±Inf and non-numbers. */
export function sampleNanos(text: string, scale = 9): bigint | undefined {
  // Fast path for the common case (a few digits, at most `scale` decimals): exact in a double
  // while below 2^53, so no BigInt arithmetic and no rounding are needed.
  const simple = SIMPLE.exec(text);
  if (simple !== null) {
    const [, sign, whole = '', fraction = ''] = simple;
    if (whole.length + scale <= 15 && fraction.length <= scale) {
      const units = Number(whole) * 10 ** scale + (fraction === '' ? 0 : Number(fraction.padEnd(scale, '0')));
      return BigInt(sign === '-' ? -units : units);
    }
  }
  const match = DECIMAL.exec(text.trim());
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return undefined;
  // float64 text has exponents within ±324; a larger one is not a sample (and 10^n would not end).
  if (Math.abs(Number(exponent)) > 400) return undefined;
  const digits = BigInt(`${whole}${fraction}` || '0');
  // value = digits × 10^power, scaled to 10^-scale units.
  const power = Number(exponent) - fraction.length + scale;
  let scaled: bigint;
  if (power >= 0) scaled = digits * 10n ** BigInt(power);
  else {
    const divisor = 10n ** BigInt(-power);
    const quotient = digits / divisor;
    const remainder = digits % divisor;
    const twice = remainder * 2n;
    scaled = twice > divisor || (twice === divisor && quotient % 2n === 1n) ? quotient + 1n : quotient;
  }
  return sign === '-' ? -scaled : scaled;
}

/** A sample as a quantity (`DecimalSI` unless told), or `undefined` when it has no number. */
export function sampleQuantity(text: string, format: QuantityFormat = 'DecimalSI'): Quantity | undefined {
  const nanos = sampleNanos(text);
  return nanos === undefined ? undefined : Quantity.fromNano(nanos, format);
}

/** Memory in bytes: whole bytes (`BinarySI`, so 128Mi reads as 128Mi), as metrics-server reports. */
export function bytesQuantity(text: string): Quantity | undefined {
  const bytes = sampleNanos(text, 0);
  return bytes === undefined ? undefined : Quantity.fromInt(bytes, 'BinarySI');
}
