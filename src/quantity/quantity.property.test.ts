/**
 * Property tests: laws that must hold for every quantity, checked on generated values and texts.
 * The parser is also checked against a deliberately naive oracle (regular expression + bigint
 * only), so the scanner's number fast path cannot silently diverge from exact arithmetic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QUANTITY_FORMATS } from './format.js';
import { parseQuantity, tryParseQuantity } from './parse.js';
import { Quantity } from './quantity.js';
import { QuantityError } from './quantity-error.js';

const E9 = 10n ** 9n;

/** Quantities of every shape: plain nanos, and values that hit binary and decimal suffixes. */
const quantityArb: fc.Arbitrary<Quantity> = fc
  .tuple(
    fc.oneof(
      fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
      fc
        .tuple(fc.bigInt({ min: -100_000n, max: 100_000n }), fc.integer({ min: 0, max: 7 }))
        .map(([m, k]) => m * 1024n ** BigInt(k) * E9),
      fc
        .tuple(fc.bigInt({ min: -100_000n, max: 100_000n }), fc.integer({ min: 0, max: 30 }))
        .map(([m, k]) => m * 10n ** BigInt(k)),
    ),
    fc.constantFrom(...QUANTITY_FORMATS),
  )
  .map(([nanos, format]) => Quantity.fromNano(nanos, format));

const digits = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength });

const SUFFIXES = ['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Valid quantity text following the grammar, including the odd corners (".5", "1.", "+0", "E-3"). */
const textArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '+', '-'),
    digits(22),
    fc.option(digits(22), { nil: undefined }),
    fc.oneof(
      fc.constantFrom(...SUFFIXES),
      fc
        .tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 40 }))
        .map(([e, sign, n]) => `${e}${sign}${n}`),
    ),
  )
  .filter(([, int, frac]) => int.length + (frac?.length ?? 0) > 0)
  .map(([sign, int, frac, suffix]) => `${sign}${int}${frac === undefined ? '' : `.${frac}`}${suffix}`);

/** The oracle: exact nanos by the most obvious route, rounding away from zero to 1n. */
function oracleNanos(text: string): bigint {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/u.exec(text);
  if (!match) throw new Error(`oracle cannot read ${text}`);
  const [, sign = '', int = '', frac = '', suffix = ''] = match;
  let numerator = BigInt(`0${int}${frac}`) * E9;
  let denominator = 10n ** BigInt(frac.length);
  const binary = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'].indexOf(suffix);
  const decimal = ['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E'].indexOf(suffix);
  let exponent: number;
  if (binary >= 0) {
    numerator *= 1024n ** BigInt(binary + 1);
    exponent = 0;
  } else if (decimal >= 0) {
    exponent = 3 * decimal - 9;
  } else {
    exponent = Number(suffix.slice(1));
  }
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  const magnitude = (numerator + denominator - 1n) / denominator; // ceil: away from zero
  return sign === '-' ? -magnitude : magnitude;
}

describe('quantity properties', () => {
  it('parse(toString(q)) equals q, and the canonical text is a fixed point', () => {
    fc.assert(
      fc.property(quantityArb, (q) => {
        const text = q.toString();
        const reparsed = parseQuantity(text);
        expect(reparsed.nanos).toBe(q.nanos);
        expect(reparsed.toString()).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('parses every grammatical text to exactly what the bigint oracle computes', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const q = parseQuantity(text);
        expect(q.nanos).toBe(oracleNanos(text));
        // ... and its canonical form reads back to the same value.
        expect(parseQuantity(q.toString()).nanos).toBe(q.nanos);
      }),
      { numRuns: 3000 },
    );
  });

  it('canonical text is the same whether kept from the input or formatted from the value', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const canonical = parseQuantity(text).toString();
        // Canonical text must be its own canonical form, whichever path (cached or formatted) ran.
        expect(parseQuantity(canonical).toString()).toBe(canonical);
        expect(
          Quantity.fromNano(parseQuantity(canonical).nanos, parseQuantity(canonical).format).toString(),
        ).toBe(canonical);
      }),
      { numRuns: 2000 },
    );
  });

  it('add and sub are inverse', () => {
    fc.assert(
      fc.property(quantityArb, quantityArb, (a, b) => {
        expect(a.add(b).sub(b).equals(a)).toBe(true);
        expect(a.sub(b).add(b).equals(a)).toBe(true);
        expect(a.add(b).equals(b.add(a))).toBe(true);
        expect(a.neg().neg().equals(a)).toBe(true);
        expect(a.add(a.neg()).isZero()).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('ordering is consistent with subtraction and antisymmetric', () => {
    fc.assert(
      fc.property(quantityArb, quantityArb, (a, b) => {
        expect(a.cmp(b)).toBe(a.sub(b).sign());
        expect(b.cmp(a)).toBe(-a.cmp(b) || 0);
        expect(a.equals(b)).toBe(a.cmp(b) === 0);
      }),
      { numRuns: 1000 },
    );
  });

  it('ordering is transitive', () => {
    fc.assert(
      fc.property(quantityArb, quantityArb, quantityArb, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort(Quantity.compare) as [Quantity, Quantity, Quantity];
        expect(x.cmp(y)).toBeLessThanOrEqual(0);
        expect(y.cmp(z)).toBeLessThanOrEqual(0);
        expect(x.cmp(z)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('value() rounds away from zero by less than one unit', () => {
    fc.assert(
      fc.property(quantityArb, (q) => {
        const v = q.value() * E9;
        const abs = (n: bigint): bigint => (n < 0n ? -n : n);
        expect(abs(v) >= abs(q.nanos)).toBe(true);
        expect(abs(v) - abs(q.nanos) < E9).toBe(true);
        if (q.nanos !== 0n) expect(q.value() < 0n).toBe(q.nanos < 0n);
      }),
    );
  });

  it('humanize never throws, and its output parses back within half a unit of the last digit', () => {
    const units = [
      'auto',
      '',
      'n',
      'u',
      'm',
      'k',
      'M',
      'G',
      'T',
      'P',
      'E',
      'Ki',
      'Mi',
      'Gi',
      'Ti',
      'Pi',
      'Ei',
    ];
    fc.assert(
      fc.property(
        quantityArb,
        fc.constantFrom(...units),
        fc.integer({ min: 0, max: 20 }),
        fc.boolean(),
        (q, unit, precision, fixed) => {
          const text = q.humanize({ unit, precision, fixed });
          expect(typeof text).toBe('string');
          const back = parseQuantity(text);
          if (unit !== 'auto') {
            // |back - q| <= unit × 10^-precision / 2 (the display rounding) + 1n (parsing the
            // displayed text rounds to a whole nano again), compared in integers.
            const unitNanos = parseQuantity(`1${unit}`).nanos;
            const scale = 10n ** BigInt(precision);
            const error = back.nanos - q.nanos;
            expect((error < 0n ? -error : error) * 2n * scale <= unitNanos + 2n * scale).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('toNumber is the nearest double of the exact decimal', () => {
    fc.assert(
      fc.property(quantityArb, (q) => {
        expect(q.toNumber()).toBe(Number(q.toDecimal()));
      }),
    );
  });

  it('never throws anything but QuantityError on arbitrary text', () => {
    const noisy = fc.string({
      unit: fc.constantFrom(...'0123456789.+-eEinumkKMGTPB i\t'.split('')),
      maxLength: 12,
    });
    fc.assert(
      fc.property(fc.oneof(noisy, fc.string()), (text) => {
        const r = tryParseQuantity(text);
        if (!r.ok) {
          expect(r.error).toBeInstanceOf(QuantityError);
          expect(r.error.message.startsWith('invalid quantity ')).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
