import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesQuantity, sampleNanos, sampleQuantity } from './sample-value.js';

/**
 * Reference: moves the decimal point in the digit string (no BigInt division), then rounds half
 * to even on the dropped digits.
 */
function referenceNanos(sign: string, whole: string, fraction: string, exponent: number, scale = 9): bigint {
  let digits = `${whole}${fraction}`;
  let point = whole.length + exponent + scale;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  const kept = BigInt(digits.slice(0, point) || '0');
  const dropped = digits.slice(point);
  const first = dropped[0] ?? '0';
  const restNonZero = /[1-9]/.test(dropped.slice(1));
  const up = first > '5' || (first === '5' && (restNonZero || kept % 2n === 1n));
  const magnitude = up ? kept + 1n : kept;
  return sign === '-' ? -magnitude : magnitude;
}

const FLOAT_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/;

describe('sampleNanos / sampleQuantity', () => {
  it('reads 0.30000000000000004 as exactly 300m', () => {
    expect(sampleNanos('0.30000000000000004')).toBe(300_000_000n);
    expect(sampleQuantity('0.30000000000000004')?.toString()).toBe('300m');
  });

  it('reads plain values', () => {
    expect(sampleQuantity('0.25')?.toString()).toBe('250m');
    expect(sampleQuantity('1234')?.toString()).toBe('1234');
    expect(sampleQuantity('0')?.toString()).toBe('0');
    expect(sampleQuantity('+2')?.toString()).toBe('2');
    expect(sampleNanos('.5')).toBe(500_000_000n);
    expect(sampleNanos('5.')).toBe(5_000_000_000n);
    expect(sampleNanos('0.0004')).toBe(400_000n);
  });

  it('rounds half to even at the ninth decimal', () => {
    expect(sampleNanos('0.0000000005')).toBe(0n);
    expect(sampleNanos('0.0000000015')).toBe(2n);
    expect(sampleNanos('0.0000000025')).toBe(2n);
    expect(sampleNanos('0.0000000035')).toBe(4n);
    expect(sampleNanos('0.00000000250000001')).toBe(3n);
    expect(sampleNanos('0.0000000024999999')).toBe(2n);
    expect(sampleNanos('1.0000000004')).toBe(1_000_000_000n);
    expect(sampleNanos('1.0000000006')).toBe(1_000_000_001n);
  });

  it('reads negative values, rounding them symmetrically', () => {
    expect(sampleQuantity('-1.5')?.toString()).toBe('-1500m');
    expect(sampleNanos('-0.0000000015')).toBe(-2n);
    expect(sampleNanos('-0.0000000025')).toBe(-2n);
    expect(sampleNanos('-0.0000000005')).toBe(0n);
    expect(sampleNanos('-0')).toBe(0n);
  });

  it('reads exponents', () => {
    expect(sampleNanos('1e+06')).toBe(1_000_000_000_000_000n);
    expect(sampleQuantity('1e+06')?.toString()).toBe('1M');
    expect(sampleNanos('1.5e-7')).toBe(150n);
    expect(sampleQuantity('1.5e-7')?.toString()).toBe('150n');
    expect(sampleNanos('2.5E3')).toBe(2_500_000_000_000n);
    expect(sampleNanos('1e-10')).toBe(0n);
    expect(sampleNanos('5e-10')).toBe(0n);
    expect(sampleNanos('6e-10')).toBe(1n);
    expect(sampleNanos('1.7976931348623157e+308')).toBe(17976931348623157n * 10n ** 301n);
  });

  it('gives no value for NaN, infinities, empty and garbage text', () => {
    for (const text of [
      'NaN',
      '+Inf',
      '-Inf',
      'Inf',
      'Infinity',
      '',
      ' ',
      '.',
      '-',
      'e5',
      '1e',
      '1.2.3',
      '0x10',
      '1,5',
      'abc',
      '12abc',
      '1e999999999',
      '1e-999999999',
    ]) {
      expect(sampleNanos(text), text).toBeUndefined();
      expect(sampleQuantity(text), text).toBeUndefined();
    }
  });

  it('uses the format asked for', () => {
    expect(sampleQuantity('1024', 'BinarySI')?.toString()).toBe('1Ki');
    expect(sampleQuantity('1024')?.toString()).toBe('1024');
  });

  it('agrees with a digit-shifting reference on any decimal text', () => {
    const digits = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: max });
    fc.assert(
      fc.property(
        fc.constantFrom('', '+', '-'),
        digits(20),
        fc.option(digits(20), { nil: undefined }),
        fc.option(fc.integer({ min: -40, max: 40 }), { nil: undefined }),
        (sign, whole, fraction, exponent) => {
          const text = `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}${exponent === undefined ? '' : `e${exponent}`}`;
          const expected =
            whole === '' && (fraction ?? '') === ''
              ? undefined
              : referenceNanos(sign, whole, fraction ?? '', exponent ?? 0);
          expect(sampleNanos(text)).toBe(expected);
        },
      ),
    );
  });

  it('agrees with the reference on float64 text as JavaScript and Go write it', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        for (const text of [
          String(x),
          x.toExponential(),
          x.toExponential().replace(/e([+-])(\d)$/, (_, sign: string, digit: string) => `e${sign}0${digit}`),
        ]) {
          const [, sign = '', whole = '', fraction = '', exponent = '0'] = FLOAT_TEXT.exec(text) ?? [];
          expect(sampleNanos(text)).toBe(referenceNanos(sign, whole, fraction, Number(exponent)));
        }
      }),
    );
  });
});

describe('bytesQuantity', () => {
  it('reads bytes as a BinarySI quantity', () => {
    expect(bytesQuantity('134217728')?.toString()).toBe('128Mi');
    expect(bytesQuantity('134217728')?.format).toBe('BinarySI');
    expect(bytesQuantity('4.294967296e+09')?.toString()).toBe('4Gi');
    // Below 1Ki Kubernetes writes BinarySI in decimal form.
    expect(bytesQuantity('1000')?.toString()).toBe('1k');
    expect(bytesQuantity('1500000000')?.toString()).toBe('1500M');
    expect(bytesQuantity('0')?.toString()).toBe('0');
  });

  it('rounds fractional bytes to whole bytes, half to even', () => {
    expect(bytesQuantity('1023.5')?.toString()).toBe('1Ki');
    expect(bytesQuantity('1024.4')?.toString()).toBe('1Ki');
    expect(bytesQuantity('1024.5')?.toString()).toBe('1Ki');
    expect(bytesQuantity('1.5')?.nanos).toBe(2_000_000_000n);
    expect(bytesQuantity('2.5')?.nanos).toBe(2_000_000_000n);
    expect(bytesQuantity('0.5')?.nanos).toBe(0n);
    expect(sampleNanos('2.5000001', 0)).toBe(3n);
  });

  it('gives no value for NaN, infinities and garbage', () => {
    for (const text of ['NaN', '+Inf', '-Inf', '', 'lots']) expect(bytesQuantity(text)).toBeUndefined();
  });

  it('agrees with the reference at scale 0', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 6 }),
        (whole, fraction) => {
          const text = fraction === '' ? `${whole}` : `${whole}.${fraction}`;
          const expected = referenceNanos('', `${whole}`, fraction, 0, 0);
          expect(sampleNanos(text, 0)).toBe(expected);
          expect(bytesQuantity(text)?.nanos).toBe(expected * 1_000_000_000n);
        },
      ),
    );
  });
});
