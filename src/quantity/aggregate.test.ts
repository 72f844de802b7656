import { describe, expect, it } from 'vitest';
import { maxQuantity, minQuantity, sumQuantities } from './aggregate.js';
import { Quantity } from './quantity.js';

const q = (s: string): Quantity => Quantity.parse(s);

describe('sumQuantities', () => {
  it.each([
    [[], '0', 'DecimalSI'],
    [['100m', '250m', '1'], '1350m', 'DecimalSI'],
    [['128Mi', '1G'], '1134217728', 'BinarySI'],
    [['0', '128Mi', '128Mi'], '256Mi', 'BinarySI'], // takes the first non-zero format
    [['1Gi', '-1Gi', '1G'], '1G', 'DecimalSI'], // like Go's Add on a zero running total
    [['0.1', '0.2'], '300m', 'DecimalSI'], // floats would give 0.30000000000000004
    [['9223372036854775807', '9223372036854775807'], '18446744073709551614', 'DecimalSI'],
  ] as const)('%j sums to %s (%s)', (terms, total, format) => {
    const sum = sumQuantities(terms.map(q));
    expect(sum.toString()).toBe(total);
    expect(sum.format).toBe(format);
  });

  it('accepts any iterable, including a generator', () => {
    function* terms(): Generator<Quantity> {
      for (let i = 0; i < 1000; i++) yield q('1m');
    }
    expect(sumQuantities(terms()).toString()).toBe('1');
  });

  it('equals folding with add', () => {
    const terms = ['1Ki', '3', '0.5', '2Mi'].map(q);
    const folded = terms.reduce((a, b) => a.add(b), Quantity.zero());
    expect(sumQuantities(terms)).toEqual(folded);
  });
});

describe('maxQuantity / minQuantity', () => {
  it.each([
    ['1Gi', '1G', '1Gi', '1G'],
    ['100m', '0.1', '100m', '100m'],
    ['-1', '0', '0', '-1'],
  ])('max(%s, %s) is %s, min is %s', (a, b, max, min) => {
    expect(maxQuantity(q(a), q(b)).toString()).toBe(max);
    expect(minQuantity(q(a), q(b)).toString()).toBe(min);
  });

  it('returns the first argument on a tie', () => {
    const a = q('1Ki');
    const b = q('1024');
    expect(maxQuantity(a, b)).toBe(a);
    expect(minQuantity(a, b)).toBe(a);
  });
});
