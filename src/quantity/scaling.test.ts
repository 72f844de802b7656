import { describe, expect, it } from 'vitest';
import { POW10, decimalDigits, divideAwayFromZero, divideHalfAwayFromZero, pow10n } from './scaling.js';

describe('divideAwayFromZero', () => {
  it.each([
    [0n, 10n, 0n],
    [10n, 10n, 1n],
    [11n, 10n, 2n],
    [19n, 10n, 2n],
    [-11n, 10n, -2n],
    [-10n, 10n, -1n],
    [1n, 10n ** 30n, 1n],
    [-1n, 10n ** 30n, -1n],
  ])('%s / %s = %s', (n, d, expected) => {
    expect(divideAwayFromZero(n, d)).toBe(expected);
  });
});

describe('divideHalfAwayFromZero', () => {
  it.each([
    [14n, 10n, 1n],
    [15n, 10n, 2n],
    [16n, 10n, 2n],
    [-14n, 10n, -1n],
    [-15n, 10n, -2n],
    [25n, 10n, 3n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [0n, 7n, 0n],
  ])('%s / %s = %s', (n, d, expected) => {
    expect(divideHalfAwayFromZero(n, d)).toBe(expected);
  });
});

describe('powers of ten', () => {
  it('POW10 holds exact doubles up to 10^22', () => {
    POW10.forEach((p, k) => expect(BigInt(p)).toBe(10n ** BigInt(k)));
  });

  it.each([0, 1, 9, 63, 64, 200])('pow10n(%s)', (k) => {
    expect(pow10n(k)).toBe(10n ** BigInt(k));
  });

  it.each([
    [0n, 1],
    [9n, 1],
    [-10n, 2],
    [10n ** 40n, 41],
  ])('decimalDigits(%s) is %s', (n, digits) => {
    expect(decimalDigits(n)).toBe(digits);
  });
});
