import { describe, expect, it } from 'vitest';
import { KubemetricsError, isKubemetricsError } from '../errors.js';
import { QuantityError, isQuantityError, quoteInput } from './quantity-error.js';

describe('QuantityError', () => {
  it('is a KubemetricsError with the quantity code, input, position and hint', () => {
    const cause = new Error('inner');
    const error = new QuantityError('1K', 'invalid quantity "1K": unknown suffix', {
      position: 1,
      hint: 'use k',
      cause,
    });
    expect(error).toBeInstanceOf(KubemetricsError);
    expect(error).toBeInstanceOf(Error);
    expect(isKubemetricsError(error)).toBe(true);
    expect(isQuantityError(error)).toBe(true);
    expect(error.name).toBe('QuantityError');
    expect(error.code).toBe('KUBEMETRICS_ERR_QUANTITY');
    expect(error.input).toBe('1K');
    expect(error.position).toBe(1);
    expect(error.hint).toBe('use k');
    expect(error.cause).toBe(cause);
  });

  it('defaults position and hint to undefined', () => {
    const error = new QuantityError('x', 'bad');
    expect(error.position).toBeUndefined();
    expect(error.hint).toBeUndefined();
    expect(isQuantityError(new Error('x'))).toBe(false);
  });

  it.each([
    ['1K', '"1K"'],
    [' 1\t', '" 1\\t"'],
    ['x'.repeat(65), `"${'x'.repeat(64)}…"`],
  ])('quoteInput(%j) is %s', (input, quoted) => {
    expect(quoteInput(input)).toBe(quoted);
  });
});
