import { describe, expect, it } from 'vitest';
import { QUANTITY_FORMATS, canonicalString, isQuantityFormat } from './format.js';
import type { QuantityFormat } from './format.js';

const E9 = 10n ** 9n;

// Values built directly (not parsed), mirroring apimachinery quantity_test.go TestQuantityString:
// [nanos, format, canonical text].
const CASES: ReadonlyArray<readonly [bigint, QuantityFormat, string]> = [
  [1024n ** 3n * E9, 'BinarySI', '1Gi'],
  [300n * 1024n ** 2n * E9, 'BinarySI', '300Mi'],
  [6n * 1024n * E9, 'BinarySI', '6Ki'],
  [1001n * 1024n ** 3n * E9, 'BinarySI', '1001Gi'],
  [1024n ** 4n * E9, 'BinarySI', '1Ti'],
  [5n * E9, 'BinarySI', '5'],
  [500_000_000n, 'BinarySI', '500m'],
  [1234567n * 1_000_000n, 'BinarySI', '1234567m'],
  [1025n * E9, 'BinarySI', '1025'],
  [1023n * E9, 'BinarySI', '1023'],
  [2000n * E9, 'BinarySI', '2k'], // Go prints "2000"; "2k" is what that re-parses to
  [1536n * E9, 'BinarySI', '1536'],
  [1024n * 1000n * E9, 'BinarySI', '1000Ki'],
  [1024n * 1000n * E9, 'DecimalSI', '1024k'],
  [1536n * E9 + 1n, 'BinarySI', '1536000000001n'], // not integral: printed as DecimalSI
  [2n ** 70n * E9, 'BinarySI', '1024Ei'],
  [10n ** 9n * E9, 'DecimalSI', '1G'],
  [1n * 1_000_000n, 'DecimalSI', '1m'],
  [80n * 1_000_000n, 'DecimalSI', '80m'],
  [1080n * 1_000_000n, 'DecimalSI', '1080m'],
  [300n * 10n ** 6n * E9, 'DecimalSI', '300M'],
  [10n ** 12n * E9, 'DecimalSI', '1T'],
  [10n ** 18n * E9, 'DecimalSI', '1E'],
  [10n ** 21n * E9, 'DecimalSI', '1000E'], // recent Go: "1e21"
  [5n * 10n ** 21n * E9, 'DecimalSI', '5000E'],
  [1234567n * 10n ** 6n * E9, 'DecimalSI', '1234567M'],
  [3n * 1000n * E9, 'DecimalSI', '3k'],
  [1n, 'DecimalSI', '1n'],
  [80n, 'DecimalSI', '80n'],
  [1080n, 'DecimalSI', '1080n'],
  [1000n, 'DecimalSI', '1u'],
  [1080n * 1000n, 'DecimalSI', '1080u'],
  [10n ** 9n * E9, 'DecimalExponent', '1e9'],
  [1_000_000n, 'DecimalExponent', '1e-3'],
  [1n, 'DecimalExponent', '1e-9'],
  [80_000_000n, 'DecimalExponent', '80e-3'],
  [300n * 10n ** 6n * E9, 'DecimalExponent', '300e6'],
  [10n ** 12n * E9, 'DecimalExponent', '1e12'],
  [3000n * E9, 'DecimalExponent', '3e3'],
  [500n * E9, 'DecimalExponent', '500'],
  [10n ** 30n * E9, 'DecimalExponent', '1e30'],
  [0n, 'DecimalSI', '0'],
  [0n, 'BinarySI', '0'],
  [0n, 'DecimalExponent', '0'],
];

describe('canonicalString', () => {
  it.each(CASES)('%s nanos as %s is %s', (nanos, format, text) => {
    expect(canonicalString(nanos, format)).toBe(text);
  });

  // apimachinery prints the negation of every non-zero case with a leading '-'.
  it.each(CASES.filter(([n]) => n !== 0n))('-%s nanos as %s is -%s', (nanos, format, text) => {
    expect(canonicalString(-nanos, format)).toBe(`-${text}`);
  });

  it('uses bigint arithmetic above 2^53 for binary mantissas', () => {
    expect(canonicalString((2n ** 60n + 1024n) * E9, 'BinarySI')).toBe('1125899906842625Ki');
  });
});

describe('QuantityFormat', () => {
  it('lists the three formats', () => {
    expect(QUANTITY_FORMATS).toEqual(['DecimalSI', 'BinarySI', 'DecimalExponent']);
    expect(Object.isFrozen(QUANTITY_FORMATS)).toBe(true);
  });

  it.each([
    ['DecimalSI', true],
    ['BinarySI', true],
    ['DecimalExponent', true],
    ['decimalSI', false],
    ['', false],
    [undefined, false],
  ])('isQuantityFormat(%j) is %s', (value, expected) => {
    expect(isQuantityFormat(value)).toBe(expected);
  });
});
