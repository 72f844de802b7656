import { describe, expect, it } from 'vitest';
import { Quantity } from './quantity.js';
import type { HumanizeOptions } from './humanize.js';
import { QuantityError } from './quantity-error.js';

const CASES: ReadonlyArray<readonly [string, HumanizeOptions | undefined, string]> = [
  // auto: largest unit of the family that is at most the value
  ['1.5Gi', undefined, '1.5Gi'],
  ['1536Mi', undefined, '1.5Gi'],
  ['250m', undefined, '250m'],
  ['1', undefined, '1'],
  ['1500m', undefined, '1.5'],
  ['0', undefined, '0'],
  ['123456789n', undefined, '123.46m'],
  ['16393244Ki', undefined, '15.63Gi'],
  ['512', { unit: 'auto' }, '512'],
  ['1Ki', undefined, '1Ki'],
  ['1023', undefined, '1.02k'], // DecimalSI: decimal units even near 1024
  ['2G', undefined, '2G'],
  ['1e9', undefined, '1G'], // exponent format uses decimal units
  ['0.5Ki', undefined, '512'],
  ['-1.5Gi', undefined, '-1.5Gi'],
  ['12000E', undefined, '12000E'],
  ['1n', undefined, '1n'],
  // rounding carries into the next unit
  ['999999k', undefined, '1G'],
  ['1048575Ki', undefined, '1Gi'],
  ['1048575Ki', { precision: 6 }, '1023.999023Mi'],
  // fixed units
  ['1.5Gi', { unit: 'Mi' }, '1536Mi'],
  ['1.5Gi', { unit: 'Gi', precision: 0 }, '2Gi'], // half away from zero
  ['1.4Gi', { unit: 'Gi', precision: 0 }, '1Gi'],
  ['-1.5Gi', { unit: 'Gi', precision: 0 }, '-2Gi'],
  ['100Mi', { unit: 'Gi' }, '0.1Gi'],
  ['100Mi', { unit: 'Gi', precision: 3 }, '0.098Gi'],
  ['1.005', { unit: '', precision: 2 }, '1.01'], // exact: a float would give 1.00
  ['1.5', { unit: 'm' }, '1500m'],
  ['1.5', { unit: '' }, '1.5'],
  ['250m', { unit: '', precision: 1 }, '0.3'],
  ['1n', { unit: 'Gi' }, '0Gi'],
  ['-1n', { unit: 'Gi' }, '0Gi'], // never -0
  ['1G', { unit: 'Gi' }, '0.93Gi'],
  ['1Gi', { unit: 'G' }, '1.07G'],
  ['5', { unit: 'k', precision: 4 }, '0.005k'],
  // fixed keeps trailing zeros
  ['1.5Gi', { fixed: true }, '1.50Gi'],
  ['2', { fixed: true, precision: 3 }, '2.000'],
  ['0', { fixed: true }, '0.00'],
];

describe('Quantity.humanize', () => {
  it.each(CASES)('%s with %j is %s', (input, options, expected) => {
    expect(Quantity.parse(input).humanize(options)).toBe(expected);
  });

  it.each([-1, 21, 1.5, Number.NaN])('rejects precision %s', (precision) => {
    expect(() => Quantity.parse('1').humanize({ precision })).toThrow(/invalid humanize precision/u);
  });

  it.each(['K', 'GB', 'auto ', 'i'])('rejects unit %j', (unit) => {
    expect(() => Quantity.parse('1').humanize({ unit })).toThrow(QuantityError);
    expect(() => Quantity.parse('1').humanize({ unit })).toThrow(/invalid humanize unit/u);
  });
});
