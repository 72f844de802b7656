import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Quantity } from './quantity.js';
import { QuantityError } from './quantity-error.js';

const q = (s: string): Quantity => Quantity.parse(s);

describe('Quantity arithmetic', () => {
  // [a, b, a+b canonical, format of the sum]; format rule from apimachinery Quantity.Add.
  const SUMS: ReadonlyArray<readonly [string, string, string, Quantity['format']]> = [
    ['128Mi', '1G', '1134217728', 'BinarySI'],
    ['100m', '1', '1100m', 'DecimalSI'],
    ['500m', '500m', '1', 'DecimalSI'],
    ['1Ki', '1', '1025', 'BinarySI'],
    ['1', '1Ki', '1025', 'DecimalSI'],
    ['1Gi', '1Gi', '2Gi', 'BinarySI'],
    ['1G', '24Mi', '1025165824', 'DecimalSI'],
    ['1e3', '1k', '2e3', 'DecimalExponent'],
    // A zero receiver takes the other format (apimachinery TestQuantityAddZeroPreservesSuffix).
    ['0', '1Gi', '1Gi', 'BinarySI'],
    ['0', '100m', '100m', 'DecimalSI'],
    ['1Gi', '0', '1Gi', 'BinarySI'],
    ['0Ki', '1k', '1k', 'DecimalSI'],
    ['1.5Gi', '-1536Mi', '0', 'BinarySI'],
    ['999999999999999999', '1', '1E', 'DecimalSI'],
    ['9223372036854775807', '1', '9223372036854775808', 'DecimalSI'],
  ];

  it.each(SUMS)('%s + %s = %s (%s)', (a, b, sum, format) => {
    const result = q(a).add(q(b));
    expect(result.toString()).toBe(sum);
    expect(result.format).toBe(format);
  });

  // apimachinery TestSub / TestQuantitySubZeroPreservesSuffix.
  const DIFFERENCES: ReadonlyArray<readonly [string, string, string, Quantity['format']]> = [
    ['10', '1e1', '0', 'DecimalSI'],
    ['10', '1', '9', 'DecimalSI'],
    ['2Ki', '1', '2047', 'BinarySI'],
    ['0', '50', '-50', 'DecimalSI'],
    ['0', '1Gi', '-1Gi', 'BinarySI'],
    ['50', '0', '50', 'DecimalSI'],
    ['100m', '1', '-900m', 'DecimalSI'],
  ];

  it.each(DIFFERENCES)('%s - %s = %s (%s)', (a, b, difference, format) => {
    const result = q(a).sub(q(b));
    expect(result.toString()).toBe(difference);
    expect(result.format).toBe(format);
  });

  // apimachinery TestMul (without the int64 overflow flag: there is no overflow here).
  const PRODUCTS: ReadonlyArray<readonly [string, bigint | number, string]> = [
    ['10', 10, '100'],
    ['10', 1n, '10'],
    ['50', 0, '0'],
    ['10', -10, '-100'],
    ['-50', -50n, '2500'],
    ['9223372036854775807', 2, '18446744073709551614'],
    ['9223372036854775807', 10n, '92233720368547758070'],
    ['250m', 4, '1'],
    ['1.5Gi', 2, '3Gi'],
  ];

  it.each(PRODUCTS)('%s × %s = %s', (a, k, product) => {
    expect(q(a).mul(k).toString()).toBe(product);
  });

  it('mul keeps the format', () => {
    expect(q('1Ki').mul(3).format).toBe('BinarySI');
  });

  it.each([1.5, Number.NaN, Infinity, 2 ** 53])('mul rejects the non-safe-integer factor %s', (k) => {
    expect(() => q('1').mul(k)).toThrow(QuantityError);
  });

  it('neg flips the sign, keeps the format and never prints -0', () => {
    expect(q('1.5Gi').neg().toString()).toBe('-1536Mi');
    expect(q('-1Gi').neg().toString()).toBe('1Gi');
    expect(q('128Mi').neg().toString()).toBe('-128Mi'); // from the cached text
    expect(q('-128Mi').neg().toString()).toBe('128Mi');
    expect(q('0').neg().toString()).toBe('0');
    expect(q('1Ki').neg().format).toBe('BinarySI');
    expect(q('-9010m').neg().neg().equals(q('-9.01'))).toBe(true);
  });

  it('abs', () => {
    expect(q('-2Gi').abs().toString()).toBe('2Gi');
    const p = q('3');
    expect(p.abs()).toBe(p);
  });

  it('is immutable', () => {
    const a = q('1');
    a.add(q('1'));
    a.mul(5);
    expect(a.toString()).toBe('1');
  });
});

describe('Quantity comparison', () => {
  // apimachinery TestQuantityCmp.
  const ORDER: ReadonlyArray<readonly [string, string, -1 | 0 | 1]> = [
    ['0', '0', 0],
    ['100m', '50m', 1],
    ['50m', '100m', -1],
    ['10000T', '100Gi', 1],
    ['1Ki', '1024', 0],
    ['1G', '1Gi', -1],
    ['-1', '1n', -1],
    ['1000000000000000000001', '1E', 1],
  ];

  it.each(ORDER)('cmp(%s, %s) = %s', (a, b, expected) => {
    expect(q(a).cmp(q(b))).toBe(expected);
    expect(q(b).cmp(q(a))).toBe(-expected || 0);
    expect(Quantity.compare(q(a), q(b))).toBe(expected);
    expect(q(a).equals(q(b))).toBe(expected === 0);
  });

  it('sorts with Quantity.compare', () => {
    const sorted = ['1Gi', '100Mi', '2G', '0', '-1'].map(q).sort(Quantity.compare);
    expect(sorted.map(String)).toEqual(['-1', '0', '100Mi', '1Gi', '2G']);
  });

  it.each([
    ['0', true, 0],
    ['0Ki', true, 0],
    ['-0', true, 0],
    ['1n', false, 1],
    ['-1n', false, -1],
  ] as const)('%s: isZero %s, sign %s', (s, zero, sign) => {
    expect(q(s).isZero()).toBe(zero);
    expect(q(s).sign()).toBe(sign);
  });

  it('equal values compare equal with toEqual only when the formats match too', () => {
    expect(q('1Ki')).toEqual(q('1024Ki').mul(1).sub(q('1023Ki')));
    expect(q('2')).toEqual(q('2000m')); // same value, same format
    const parsed = q('128Mi');
    parsed.toString(); // caching the text must not change equality
    expect(parsed).toEqual(Quantity.fromInt(128n * 1024n * 1024n, 'BinarySI'));
  });
});

describe('Quantity constructors', () => {
  it('fromNano', () => {
    expect(Quantity.fromNano(1n).toString()).toBe('1n');
    expect(Quantity.fromNano(1_500_000_000n).toString()).toBe('1500m');
    expect(Quantity.fromNano(1024n * 10n ** 9n, 'BinarySI').toString()).toBe('1Ki');
    expect(Quantity.fromNano(10n ** 9n, 'DecimalExponent').toString()).toBe('1');
  });

  // apimachinery TestMilliNewSet (the invalid-format row aside: we throw instead).
  it.each([
    [1, 'DecimalSI', '1m'],
    [1000, 'DecimalSI', '1'],
    [1234000, 'DecimalSI', '1234'],
    [1024, 'BinarySI', '1024m'],
    [1024 * 1024, 'BinarySI', '1048576m'],
    [1_000_000n, 'DecimalExponent', '1e3'],
    [-250, 'DecimalSI', '-250m'],
  ] as const)('fromMilli(%s, %s) is %s', (n, format, text) => {
    expect(Quantity.fromMilli(n, format).toString()).toBe(text);
  });

  // apimachinery TestNewSet.
  it.each([
    [1, 'DecimalSI', '1'],
    [1000, 'DecimalSI', '1k'],
    [1234000, 'DecimalSI', '1234k'],
    [1024, 'BinarySI', '1Ki'],
    [1000000, 'DecimalExponent', '1e6'],
    [1024 * 1024, 'BinarySI', '1Mi'],
    [2n ** 70n, 'BinarySI', '1024Ei'],
    [-5, 'BinarySI', '-5'],
  ] as const)('fromInt(%s, %s) is %s', (n, format, text) => {
    const value = Quantity.fromInt(n, format);
    expect(value.toString()).toBe(text);
    expect(Quantity.parse(value.toString()).value()).toBe(BigInt(n));
  });

  it('defaults to DecimalSI', () => {
    expect(Quantity.fromInt(1).format).toBe('DecimalSI');
    expect(Quantity.fromMilli(1).format).toBe('DecimalSI');
    expect(Quantity.fromNano(1n).format).toBe('DecimalSI');
  });

  it.each([0.5, Number.NaN, 2 ** 53, -Infinity])('fromInt rejects %s', (n) => {
    expect(() => Quantity.fromInt(n)).toThrow(/expected a bigint or a safe integer/u);
  });

  it('fromMilli rejects a fraction', () => {
    expect(() => Quantity.fromMilli(0.5)).toThrow(QuantityError);
  });

  it('rejects an unknown format', () => {
    expect(() => Quantity.fromInt(1, 'Decimal' as Quantity['format'])).toThrow(
      /invalid quantity format "Decimal": expected 'DecimalSI', 'BinarySI' or 'DecimalExponent'/u,
    );
    expect(() => Quantity.zero('x' as Quantity['format'])).toThrow(QuantityError);
  });

  it('zero', () => {
    expect(Quantity.zero().toString()).toBe('0');
    expect(Quantity.zero().format).toBe('DecimalSI');
    expect(Quantity.zero('BinarySI').format).toBe('BinarySI');
    // A zero receiver adopts the other operand's format, as in Go.
    expect(Quantity.zero('BinarySI').add(q('1024')).toString()).toBe('1024');
    expect(Quantity.zero('BinarySI').add(q('1Ki')).toString()).toBe('1Ki');
  });

  it('isQuantity', () => {
    expect(Quantity.isQuantity(q('1'))).toBe(true);
    expect(Quantity.isQuantity('1')).toBe(false);
    expect(Quantity.isQuantity({ nanos: 1n, format: 'DecimalSI' })).toBe(false);
  });
});

describe('Quantity conversions', () => {
  // [input, value(), milliValue()]; Go's Value/MilliValue round away from zero
  // (apimachinery amount.go negativeScaleInt64; quantity_test.go TestQuantityRoundUp).
  const INTEGERS: ReadonlyArray<readonly [string, bigint, bigint]> = [
    ['0', 0n, 0n],
    ['1', 1n, 1000n],
    ['1.5', 2n, 1500n],
    ['1001m', 2n, 1001n],
    ['1n', 1n, 1n],
    ['999n', 1n, 1n],
    ['1000001n', 1n, 2n],
    ['9.01', 10n, 9010n],
    ['-9.01', -10n, -9010n],
    ['-1.5', -2n, -1500n],
    ['-1n', -1n, -1n],
    ['-1', -1n, -1000n],
    ['1Ki', 1024n, 1_024_000n],
    ['1.1Ki', 1127n, 1_126_400n],
    ['16393244Ki', 16_393_244n * 1024n, 16_393_244n * 1024n * 1000n],
    ['10E', 10n ** 19n, 10n ** 22n],
    ['9Ei', 9n * 2n ** 60n, 9n * 2n ** 60n * 1000n],
  ];

  it.each(INTEGERS)('%s: value %s, milliValue %s', (s, value, milli) => {
    expect(q(s).value()).toBe(value);
    expect(q(s).milliValue()).toBe(milli);
    expect(q(s).bytes()).toBe(value);
    expect(q(s).millicores()).toBe(milli);
  });

  // apimachinery TestScaledValue / TestNewScaledSet.
  const SCALED: ReadonlyArray<readonly [string, number, bigint]> = [
    ['1n', -9, 1n],
    ['1n', -6, 1n],
    ['1n', 0, 1n],
    ['1u', -9, 1000n],
    ['1m', -9, 1_000_000n],
    ['1', -9, 1_000_000_000n],
    ['1', -3, 1000n],
    ['100', -2, 10_000n],
    ['1500', 3, 2n],
    ['-1500', 3, -2n],
    ['1', 1000, 1n],
    ['-1', 1000, -1n],
    ['0', 1000, 0n],
    ['1', -20, 10n ** 20n],
    ['1234567', 6, 2n],
  ];

  it.each(SCALED)('%s.scaledValue(%s) = %s', (s, scale, expected) => {
    expect(q(s).scaledValue(scale)).toBe(expected);
  });

  it.each([1.5, 1001, -1001, Number.NaN])('scaledValue rejects scale %s', (scale) => {
    expect(() => q('1').scaledValue(scale)).toThrow(QuantityError);
  });

  it.each([
    ['0', 0],
    ['250m', 0.25],
    ['0.1', 0.1],
    ['1.5Gi', 1610612736],
    ['-1n', -1e-9],
    ['123456789n', 0.123456789],
    ['9007199254740993', 9007199254740992], // above 2^53: the nearest double
    ['1.000000000000000001E', 1e18],
    ['12E', 1.2e19],
  ] as const)('toNumber(%s) is %s', (s, expected) => {
    expect(q(s).toNumber()).toBe(expected);
  });

  it('cores', () => {
    expect(q('1500m').cores()).toBe(1.5);
  });

  it.each([
    ['0', '0'],
    ['1500m', '1.5'],
    ['1n', '0.000000001'],
    ['-1.5Gi', '-1610612736'],
    ['-1001n', '-0.000001001'],
    ['12E', '12000000000000000000'],
  ])('toDecimal(%s) is %s', (s, expected) => {
    expect(q(s).toDecimal()).toBe(expected);
  });
});

describe('Quantity text', () => {
  it('toJSON is the canonical form, so JSON.stringify writes what the API writes', () => {
    expect(JSON.stringify({ cpu: q('0.25'), memory: q('1024Mi') })).toBe('{"cpu":"250m","memory":"1Gi"}');
  });

  it('converts to a string implicitly but refuses numeric coercion', () => {
    const a = q('2');
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the coercion is under test
    expect(`${a}`).toBe('2');
    expect(String(q('1.5'))).toBe('1500m');
    expect(() => +a).toThrow(/compare with q.cmp\(other\) or convert with q.toNumber\(\)/u);
    // Without this guard `q('2') < q('10')` would compare the strings "2" and "10".
    expect(() => (a as unknown as number) < (q('10') as unknown as number)).toThrow(QuantityError);
  });

  it('shows its canonical form in console.log', () => {
    expect(inspect(q('1.5Gi'))).toBe('Quantity <1536Mi>');
    expect(inspect({ cpu: q('100m') })).toBe('{ cpu: Quantity <100m> }');
  });

  it('toString is stable across calls', () => {
    const a = q('1.5').add(q('1'));
    expect(a.toString()).toBe('2500m');
    expect(a.toString()).toBe('2500m');
  });
});
