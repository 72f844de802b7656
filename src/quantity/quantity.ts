/**
 * The Quantity value type: Kubernetes' resource.Quantity as an immutable, exact value. The value is
 * one bigint count of nanos (10^-9, the precision Kubernetes keeps), so arithmetic and comparison
 * are plain integer operations and can never drift the way floats do.
 */
import { canonicalString, isQuantityFormat } from './format.js';
import type { QuantityFormat } from './format.js';
import { humanizeNanos } from './humanize.js';
import type { HumanizeOptions } from './humanize.js';
import { QuantityError } from './quantity-error.js';
import { MAX_SAFE_BIGINT, NANOS_PER_UNIT, decimalDigits, divideAwayFromZero, pow10n } from './scaling.js';
import { scanQuantity } from './scanner.js';

const NANOS_PER_MILLI = 1_000_000n;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** `scaledValue` accepts scales in this range; wider ones are certainly mistakes. */
const MAX_SCALE = 1000;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function checkFormat(format: unknown): QuantityFormat {
  if (isQuantityFormat(format)) return format;
  throw new QuantityError(
    String(format),
    `invalid quantity format ${JSON.stringify(format) ?? String(format)}: expected 'DecimalSI', 'BinarySI' or 'DecimalExponent'`,
  );
}

/** A bigint, or a number that is a safe integer, as a bigint; anything else is a QuantityError. */
function toInteger(n: bigint | number, what: string): bigint {
  if (typeof n === 'bigint') return n;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return BigInt(n);
  throw new QuantityError(
    String(n),
    `invalid ${what} ${String(n)}: expected a bigint or a safe integer number ` +
      `(|n| <= ${MAX_SAFE}); pass a bigint for larger values`,
  );
}

/**
 * An exact Kubernetes resource quantity (`250m`, `1.5`, `128Mi`, `1e3`), with the format it was
 * written in. Immutable: every operation returns a new Quantity.
 *
 * @example
 * ```ts
 * const a = Quantity.parse('1.5Gi');
 * a.toString();                      // '1536Mi' (canonical, as Kubernetes writes it)
 * a.add(Quantity.parse('512Mi')).toString(); // '2Gi'
 * a.humanize();                      // '1.5Gi'
 * Quantity.parse('100m').millicores(); // 100n
 * ```
 */
export class Quantity {
  /**
   * The exact value multiplied by 10^9. Kubernetes keeps nano precision, so this is always an
   * integer: `Quantity.parse('1.5').nanos === 1_500_000_000n`.
   */
  readonly nanos: bigint;
  /** The family `toString` writes the value in; parsed from the suffix, kept through arithmetic. */
  readonly format: QuantityFormat;
  // The canonical text, computed at most once. A true private field, so deep-equality helpers
  // (vitest's toEqual, node:assert) compare only value and format, whether or not it is cached.
  #text: string | undefined;

  private constructor(nanos: bigint, format: QuantityFormat, text: string | undefined) {
    this.nanos = nanos;
    this.format = format;
    this.#text = text;
  }

  /** Parses Kubernetes quantity text; same as {@link parseQuantity}. Throws {@link QuantityError}. */
  static parse(input: string): Quantity {
    const scanned = scanQuantity(input);
    return new Quantity(scanned.nanos, scanned.format, scanned.canonical);
  }

  /** The quantity `n × 10^-9` exactly; format defaults to DecimalSI. */
  static fromNano(n: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toInteger(n, 'nano count'), checkFormat(format), undefined);
  }

  /** The quantity `n / 1000` exactly (`fromMilli(250)` is `250m`); a number must be a safe integer. */
  static fromMilli(n: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toInteger(n, 'milli count') * NANOS_PER_MILLI, checkFormat(format), undefined);
  }

  /**
   * The integer quantity `n` (`fromInt(1024, 'BinarySI')` is `1Ki`). A number must be a safe
   * integer, else {@link QuantityError}: a float here is almost always a unit mix-up.
   */
  static fromInt(n: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toInteger(n, 'integer') * NANOS_PER_UNIT, checkFormat(format), undefined);
  }

  /** Zero in the given format (DecimalSI by default). Adding to a zero adopts the other's format. */
  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, checkFormat(format), '0');
  }

  /** True when `value` is a Quantity (from this copy of the module). */
  static isQuantity(value: unknown): value is Quantity {
    return value instanceof Quantity;
  }

  /** A comparator for `Array.prototype.sort`: ascending by value. */
  static compare(this: void, a: Quantity, b: Quantity): -1 | 0 | 1 {
    return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
  }

  /**
   * The canonical form, as Kubernetes writes it: an integer mantissa with the largest suffix that
   * keeps it integral, in the quantity's family (`1.5` → `1500m`, `1024Mi` → `1Gi`,
   * `1.5Gi` → `1536Mi`, `10e2` → `1e3`). Parsing the result gives back an equal quantity.
   */
  toString(): string {
    return (this.#text ??= canonicalString(this.nanos, this.format));
  }

  /** The canonical form, so `JSON.stringify` writes quantities the way the Kubernetes API does. */
  toJSON(): string {
    return this.toString();
  }

  /**
   * The sum. Like Go's `Quantity.Add`, the result keeps this quantity's format, unless this one
   * is zero, in which case it takes `o`'s (so a running total adopts the first real format).
   */
  add(o: Quantity): Quantity {
    return new Quantity(this.nanos + o.nanos, this.nanos === 0n ? o.format : this.format, undefined);
  }

  /** The difference; the format follows the same rule as {@link Quantity.add}. */
  sub(o: Quantity): Quantity {
    return new Quantity(this.nanos - o.nanos, this.nanos === 0n ? o.format : this.format, undefined);
  }

  /** The product with an integer (bigint, or a safe-integer number); keeps this format. */
  mul(k: bigint | number): Quantity {
    return new Quantity(this.nanos * toInteger(k, 'factor'), this.format, undefined);
  }

  /** The negation; keeps this format. */
  neg(): Quantity {
    const text = this.#text;
    // Reuse the cached text: negation only toggles the sign in the canonical form.
    const negated =
      text === undefined || text === '0' ? text : text.startsWith('-') ? text.slice(1) : `-${text}`;
    return new Quantity(-this.nanos, this.format, negated);
  }

  /** The absolute value; keeps this format. */
  abs(): Quantity {
    return this.nanos < 0n ? this.neg() : this;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `o`. Formats do not matter. */
  cmp(o: Quantity): -1 | 0 | 1 {
    return this.nanos < o.nanos ? -1 : this.nanos > o.nanos ? 1 : 0;
  }

  /** Same value (`1Ki` equals `1024`); the format is not compared. */
  equals(o: Quantity): boolean {
    return this.nanos === o.nanos;
  }

  /** True for zero, whatever the format (`0`, `0Ki`, `-0`). */
  isZero(): boolean {
    return this.nanos === 0n;
  }

  /** -1, 0 or 1 for negative, zero, positive. */
  sign(): -1 | 0 | 1 {
    return this.nanos < 0n ? -1 : this.nanos > 0n ? 1 : 0;
  }

  /**
   * The value as the nearest double. Lossy by nature: `Quantity.parse('0.1').toNumber()` is the
   * double nearest 0.1, and integers above 2^53 lose their low digits. Use it for charts and
   * ratios, never to compute a quantity you write back.
   */
  toNumber(): number {
    const n = this.nanos;
    // Below 2^53 both operands are exact, so the single division rounds correctly.
    if (n <= MAX_SAFE_BIGINT && n >= -MAX_SAFE_BIGINT) return Number(n) / 1e9;
    // Beyond that, let the decimal parser do the one correctly rounded conversion.
    return Number(this.toDecimal());
  }

  /**
   * The exact value as a plain decimal without suffix or exponent (`1536Mi` → `'1610612736'`,
   * `1500m` → `'1.5'`, `1n` → `'0.000000001'`), e.g. for CSV or for other decimal libraries.
   */
  toDecimal(): string {
    const negative = this.nanos < 0n;
    const magnitude = negative ? -this.nanos : this.nanos;
    const whole = magnitude / NANOS_PER_UNIT;
    const fraction = magnitude % NANOS_PER_UNIT;
    const sign = negative ? '-' : '';
    if (fraction === 0n) return `${sign}${whole}`;
    const digits = fraction.toString().padStart(9, '0').replace(/0+$/u, '');
    return `${sign}${whole}.${digits}`;
  }

  /**
   * Like Go's `Value()`: the value in whole units, rounded away from zero when it has a fraction
   * (`1.5` → 2, `-1.5` → -2, `1n` → 1). Not capped at int64.
   */
  value(): bigint {
    return divideAwayFromZero(this.nanos, NANOS_PER_UNIT);
  }

  /** Like Go's `MilliValue()`: the value in thousandths, rounded away from zero (`1n` → 1). */
  milliValue(): bigint {
    return divideAwayFromZero(this.nanos, NANOS_PER_MILLI);
  }

  /**
   * Like Go's `ScaledValue(scale)`: the value in units of 10^scale, rounded away from zero
   * (`parse('1').scaledValue(-3)` is 1000n, `parse('1500').scaledValue(3)` is 2n).
   * Go's int64 path rounds negative values away from zero too (-1.5 → -2); this matches it.
   * `scale` must be an integer from -1000 to 1000.
   */
  scaledValue(scale: number): bigint {
    if (!Number.isInteger(scale) || scale < -MAX_SCALE || scale > MAX_SCALE) {
      throw new QuantityError(
        String(scale),
        `invalid scale ${String(scale)}: expected an integer from -${MAX_SCALE} to ${MAX_SCALE} ` +
          '(e.g. -3 for milli, 0 for units, 6 for mega)',
      );
    }
    const shift = scale + 9; // nanos are units of 10^-9
    if (shift <= 0) return this.nanos * pow10n(-shift);
    const n = this.nanos;
    if (n === 0n) return 0n;
    // A divisor with more digits than |n| always leaves a sliver: ±1 without building 10^shift.
    if (shift > decimalDigits(n)) return n < 0n ? -1n : 1n;
    return divideAwayFromZero(n, pow10n(shift));
  }

  /** CPU as a (lossy) number of cores: `250m` → 0.25. */
  cores(): number {
    return this.toNumber();
  }

  /** CPU in millicores, rounded away from zero like Go's `MilliValue()`: `250m` → 250n, `1n` → 1n. */
  millicores(): bigint {
    return this.milliValue();
  }

  /** Memory or storage in bytes, rounded away from zero like Go's `Value()`: `1Ki` → 1024n. */
  bytes(): bigint {
    return this.value();
  }

  /**
   * A short human form such as `1.5Gi` or `250m`, rounded half away from zero to `precision`
   * digits (default 2, trailing zeros dropped unless `fixed`). See {@link HumanizeOptions}.
   */
  humanize(options?: HumanizeOptions): string {
    return humanizeNanos(this.nanos, this.format, options);
  }

  /**
   * `${q}` and `'' + q` give the canonical text; numeric coercion (`q1 < q2`, `+q`) throws, because
   * it would silently compare strings or go through a float. Use `cmp` or `toNumber` instead.
   */
  [Symbol.toPrimitive](hint: string): string {
    if (hint === 'number') {
      throw new QuantityError(
        this.toString(),
        `cannot convert quantity ${this.toString()} to a number implicitly; ` +
          'compare with q.cmp(other) or convert with q.toNumber()',
      );
    }
    return this.toString();
  }

  /** Shows `Quantity <1536Mi>` in `console.log` and the Node REPL instead of the private fields. */
  [INSPECT](): string {
    return `Quantity <${this.toString()}>`;
  }
}
