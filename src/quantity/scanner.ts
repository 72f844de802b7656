/**
 * The quantity scanner: one left-to-right pass over the character codes, no regular expression and
 * no substrings on the common path. It turns text into an exact nano count plus the format the
 * text was written in; explaining a rejected input is left to ./syntax-error.ts, which only runs
 * on failure and so may be as slow and thorough as it likes.
 *
 * Grammar (apimachinery's, minus the inputs Go silently reads as zero):
 *
 *     quantity ::= sign? number suffix
 *     number   ::= digits | digits "." | "." digits | digits "." digits
 *     suffix   ::= "" | n u m k M G T P E | Ki Mi Gi Ti Pi Ei | (e | E) sign? digits
 *
 * `E` alone is exa (10^18); `E` followed by a sign or digit is an exponent.
 */
import type { QuantityFormat } from './format.js';
import { QuantityError, QUANTITY_SYNTAX_HINT, quoteInput } from './quantity-error.js';
import { MAX_SAFE_BIGINT, POW10, decimalDigits, divideAwayFromZero, pow10n } from './scaling.js';
import { explainNoNumber, explainSuffix } from './syntax-error.js';

/** What a scan produces; the Quantity class wraps it. */
export interface ScannedQuantity {
  /** The exact value in units of 10^-9, already rounded away from zero to a whole nano. */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
  /**
   * The input itself when it already is the canonical form (`100m`, `128Mi`, `2`), so `toString`
   * can return it without formatting. Unlike Go, which keeps some non-canonical inputs verbatim,
   * this is only set when the text is exactly what the formatter would produce.
   */
  readonly canonical: string | undefined;
}

/**
 * Largest positive decimal exponent accepted. A quantity is stored as a plain bigint of nanos, so
 * `1e100000000` would allocate a huge integer; no real resource amount comes near 10^1000.
 * Negative exponents need no limit: past the nano precision they all round to 1n.
 */
export const MAX_EXPONENT = 1000;

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const LOWER_I = 105;

// Significant digits that still fit a double exactly (10^15 < 2^53), so the common inputs are
// accumulated as a number and turned into one bigint at the end.
const FAST_DIGITS = 15;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// Suffix families, as plain numbers (a const enum does not survive isolatedModules builds).
const Kind = { Decimal: 0, Binary: 1, Exponent: 2 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/** 2^(10k) as exact doubles, k = 0..6 (Ki..Ei). */
const BINARY_FACTORS: readonly number[] = [1, 2 ** 10, 2 ** 20, 2 ** 30, 2 ** 40, 2 ** 50, 2 ** 60];

/** Scans `input`; throws {@link QuantityError} with a specific message when it is not a quantity. */
export function scanQuantity(input: string): ScannedQuantity {
  if (typeof input !== 'string') throw notAString(input);
  const len = input.length;
  let i = 0;
  let negative = false;
  const first = input.charCodeAt(0);
  if (first === PLUS || first === MINUS) {
    negative = first === MINUS;
    i = 1;
  }

  // Digits before and after the point. `mantissa` holds the significant digits (leading zeros
  // skipped) while there are at most FAST_DIGITS of them; `significant` keeps counting after that.
  let mantissa = 0;
  let significant = 0;
  const intStart = i;
  for (; i < len; i++) {
    const d = input.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) break;
    if (significant !== 0 || d !== 0) {
      if (++significant <= FAST_DIGITS) mantissa = mantissa * 10 + d;
    }
  }
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  let dot = false;
  if (i < len && input.charCodeAt(i) === DOT) {
    dot = true;
    fracStart = ++i;
    for (; i < len; i++) {
      const d = input.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) break;
      if (significant !== 0 || d !== 0) {
        if (++significant <= FAST_DIGITS) mantissa = mantissa * 10 + d;
      }
    }
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) throw explainNoNumber(input, i);
  const numberEnd = i;

  // Suffix. `power` is the decimal exponent (Decimal, Exponent) or the power of 1024 (Binary).
  let kind: Kind = Kind.Decimal;
  let power = 0;
  if (i < len) {
    const c = input.charCodeAt(i);
    const next = i + 1 < len ? input.charCodeAt(i + 1) : 0;
    switch (c) {
      case 110 /* n */:
        power = -9;
        i++;
        break;
      case 117 /* u */:
        power = -6;
        i++;
        break;
      case 109 /* m */:
        power = -3;
        i++;
        break;
      case 107 /* k */:
        power = 3;
        i++;
        break;
      case 75 /* K */:
        if (next !== LOWER_I) throw explainSuffix(input, numberEnd);
        kind = Kind.Binary;
        power = 1;
        i += 2;
        break;
      case 77 /* M */:
      case 71 /* G */:
      case 84 /* T */:
      case 80 /* P */: {
        const step = c === 77 ? 2 : c === 71 ? 3 : c === 84 ? 4 : 5;
        if (next === LOWER_I) {
          kind = Kind.Binary;
          power = step;
          i += 2;
        } else {
          power = step * 3;
          i++;
        }
        break;
      }
      case 69 /* E */:
        if (next === LOWER_I) {
          kind = Kind.Binary;
          power = 6;
          i += 2;
        } else if (next === PLUS || next === MINUS || (next >= ZERO && next <= ZERO + 9)) {
          kind = Kind.Exponent;
          i = scanExponent(input, i + 1);
          if (i < 0) throw explainSuffix(input, numberEnd);
          power = exponentValue;
        } else {
          power = 18; // exa: "1E" is 10^18, not an exponent missing its digits
          i++;
        }
        break;
      case 101 /* e */:
        kind = Kind.Exponent;
        i = scanExponent(input, i + 1);
        if (i < 0) throw explainSuffix(input, numberEnd);
        power = exponentValue;
        break;
      default:
        throw explainSuffix(input, numberEnd);
    }
    if (i !== len) throw explainSuffix(input, numberEnd);
  }

  // Value. nanos = digits × 10^-fractionDigits × base^power × 10^9, rounded away from zero.
  const fractionDigits = fracEnd - fracStart;
  const shift = (kind === Kind.Binary ? 0 : power) + 9 - fractionDigits;
  let nanos: bigint;
  if (significant <= FAST_DIGITS) {
    let m = mantissa;
    if (kind === Kind.Binary) m *= BINARY_FACTORS[power] ?? 1; // exact: scaling by a power of two
    nanos = m <= MAX_SAFE ? scaleNumber(m, shift) : scaleBigint(BigInt(m), shift);
    if (negative) nanos = -nanos;
  } else {
    let digits = BigInt(input.slice(intStart, intEnd) + input.slice(fracStart, fracEnd));
    if (kind === Kind.Binary) digits <<= BigInt(power * 10);
    nanos = scaleBigint(digits, shift);
    if (negative) nanos = -nanos;
  }

  let format: QuantityFormat =
    kind === Kind.Decimal ? 'DecimalSI' : kind === Kind.Binary ? 'BinarySI' : 'DecimalExponent';
  // Like Go: a binary input strictly between -1 and 1 (".5Mi" is fine, "0.0001Ki" is not) has no
  // integral binary form, so it is remembered as DecimalSI; this matters for the format of sums.
  if (format === 'BinarySI' && nanos !== 0n && nanos > -1_000_000_000n && nanos < 1_000_000_000n) {
    format = 'DecimalSI';
  }

  // The input already is canonical when it has no '+', no point, no leading zero, and its
  // mantissa cannot move to a larger suffix (or the suffix is the largest of its family).
  let canonical: string | undefined;
  if (!dot && kind !== Kind.Exponent && significant <= FAST_DIGITS && first !== PLUS) {
    if (mantissa === 0) {
      if (len === 1) canonical = input; // "0"; "-0", "00" and "0Ki" all print as "0"
    } else if (input.charCodeAt(intStart) !== ZERO) {
      const movable =
        kind === Kind.Decimal ? mantissa % 1000 === 0 && power !== 18 : mantissa % 1024 === 0 && power !== 6;
      if (!movable) canonical = input;
    }
  }
  return { nanos, format, canonical };
}

/** `m × 10^shift` for a safe integer m, rounding a fractional result away from zero. */
function scaleNumber(m: number, shift: number): bigint {
  if (shift >= 0) {
    if (shift < POW10.length) {
      const product = m * (POW10[shift] ?? 1);
      // A true product above 2^53 rounds to a double above 2^53 too, so this test is exact.
      if (product <= MAX_SAFE) return BigInt(product);
    }
    return BigInt(m) * pow10n(shift);
  }
  if (m === 0) return 0n;
  const divisor = POW10[-shift];
  if (divisor === undefined) return 1n; // m < 10^16 <= divisor: a sliver above zero rounds to 1n
  const remainder = m % divisor; // exact for doubles
  const quotient = (m - remainder) / divisor; // exact: divisible, and the result is an integer
  return BigInt(remainder === 0 ? quotient : quotient + 1);
}

/** `n × 10^shift` for a non-negative bigint n, rounding a fractional result away from zero. */
function scaleBigint(n: bigint, shift: number): bigint {
  if (shift >= 0) return n * pow10n(shift);
  if (n === 0n) return 0n;
  // Any value below the divisor rounds to 1n; checking the digit count first avoids building
  // 10^100000 for an input like "1e-99999".
  if (n <= MAX_SAFE_BIGINT ? -shift > 16 : -shift > decimalDigits(n)) return 1n;
  return divideAwayFromZero(n, pow10n(-shift));
}

// The exponent scanner reports its value through this slot rather than an allocated pair; the
// scanner is synchronous and not re-entrant, so a module-level slot is safe.
let exponentValue = 0;

/**
 * Scans `[+-]?digits` from `start` into {@link exponentValue}; returns the index after it, or -1
 * when there are no digits. Throws when the exponent is out of range.
 */
function scanExponent(input: string, start: number): number {
  const len = input.length;
  let i = start;
  let negative = false;
  const c = input.charCodeAt(i);
  if (c === PLUS || c === MINUS) {
    negative = c === MINUS;
    i++;
  }
  const digitsStart = i;
  let value = 0;
  for (; i < len; i++) {
    const d = input.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) break;
    // Saturate: anything past 10^9 is out of range upward and rounds to 1n downward alike.
    if (value < 1e9) value = value * 10 + d;
  }
  if (i === digitsStart) return -1;
  if (!negative && value > MAX_EXPONENT) {
    throw new QuantityError(
      input,
      `invalid quantity ${quoteInput(input)}: exponent ${input.slice(start, i)} is too large; ` +
        `kubemetrics accepts exponents up to ${MAX_EXPONENT}`,
      { position: start - 1, hint: QUANTITY_SYNTAX_HINT },
    );
  }
  exponentValue = negative ? -value : value;
  return i;
}

function notAString(input: unknown): QuantityError {
  const kind = input === null ? 'null' : typeof input;
  return new QuantityError(
    String(input),
    `invalid quantity: expected a string, received ${kind}; pass the text as Kubernetes writes it ` +
      `(e.g. "500m"), or build a value with Quantity.fromInt / Quantity.fromMilli`,
    { hint: QUANTITY_SYNTAX_HINT },
  );
}
