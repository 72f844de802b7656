import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kubectlPercent, kubectlUsagePercent, Percent, percentOf } from './percent.js';

const G = 1_000_000_000n;

describe('percentOf', () => {
  it('is exact and rounds only when formatted', () => {
    const p = percentOf(1n, 3n);
    expect(p?.numerator).toBe(1n);
    expect(p?.denominator).toBe(3n);
    expect(p?.format(0)).toBe('33%');
    expect(p?.format(2)).toBe('33.33%');
    expect(percentOf(2n, 3n)?.format(1)).toBe('66.7%');
    expect(p?.toNumber()).toBeCloseTo(33.333333333, 8);
  });

  it.each([
    [undefined, 1n],
    [1n, undefined],
    [1n, 0n],
    [0n, 0n],
  ])('percentOf(%s, %s) is undefined: no NaN or Infinity', (part, whole) => {
    expect(percentOf(part, whole)).toBeUndefined();
  });

  it.each([
    [1n, 8n, 0, '13%'], // 12.5 rounds half away from zero
    [1n, 8n, 1, '12.5%'],
    [1n, 200n, 0, '1%'], // 0.5
    [1n, 201n, 0, '0%'],
    [0n, 5n, 2, '0.00%'],
    [3n, 2n, 0, '150%'],
    [-1n, 8n, 0, '-13%'],
    [1n, -8n, 1, '-12.5%'],
    [1n, 3000n, 2, '0.03%'],
  ])('format(%s / %s, %i decimals) = %s', (n, d, decimals, text) => {
    expect(new Percent(n, d).format(decimals)).toBe(text);
  });

  it('stays precise beyond 2^53 (huge byte amounts in nanos)', () => {
    const whole = 1n << 80n;
    const p = new Percent(whole / 4n + 1n, whole);
    expect(p.toNumber()).toBe(25);
    expect(p.format(3)).toBe('25.000%');
  });

  it('compares exactly and serialises as a number', () => {
    expect(new Percent(1n, 3n).compare(new Percent(333_333_333n, 1_000_000_000n))).toBe(1);
    expect(new Percent(2n, 4n).compare(new Percent(1n, 2n))).toBe(0);
    expect(JSON.stringify({ p: new Percent(1n, 4n) })).toBe('{"p":25}');
    expect(String(new Percent(1n, 4n))).toBe('25%');
  });

  it('rejects a zero denominator and bad decimals', () => {
    expect(() => new Percent(1n, 0n)).toThrow(RangeError);
    expect(() => new Percent(1n, 2n).format(-1)).toThrow(RangeError);
  });

  it('format(0) matches Math.round of the exact value for non-negative ratios', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        (n, d) => {
          const scaled = n * 100n;
          const expected = scaled / d + ((scaled % d) * 2n >= d ? 1n : 0n);
          expect(new Percent(n, d).format(0)).toBe(`${expected}%`);
        },
      ),
    );
  });
});

describe('kubectlPercent (kubectl describe node "Allocated resources")', () => {
  it.each([
    ['cpu 750m of 2 cores', 750_000_000n, 2n * G, 'cpu', 37],
    ['cpu 290m of 1 core: float64 gives 28.999…, truncated to 28', 290_000_000n, G, 'cpu', 28],
    ['cpu rounds part and whole up to millicores first (1n of 1m is 100%)', 1n, 1_000_000n, 'cpu', 100],
    ['memory 1Gi of 3Gi', 1024n ** 3n * G, 3n * 1024n ** 3n * G, 'memory', 33],
    ['memory over 100% (limits overcommit)', 5n * G, 4n * G, 'memory', 125],
    ['hugepages use whole units', 2n * 1024n ** 2n * G, 4n * 1024n ** 2n * G, 'hugepages-2Mi', 50],
  ])('%s → %i', (_name, part, whole, resource, expected) => {
    expect(kubectlPercent(part, whole, resource)).toBe(expected);
  });

  it('is undefined for a zero allocatable (kubectl prints 0%)', () => {
    expect(kubectlPercent(1n, 0n, 'cpu')).toBeUndefined();
    expect(kubectlPercent(0n, 0n, 'memory')).toBeUndefined();
  });

  it('differs from the exact value by at most one point below it', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 6n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (partMilli, wholeMilli) => {
          const exact = Number((partMilli * 100n) / wholeMilli);
          const k = kubectlPercent(partMilli * 1_000_000n, wholeMilli * 1_000_000n, 'cpu');
          expect(k === exact || k === exact - 1).toBe(true);
        },
      ),
    );
  });
});

describe('kubectlUsagePercent (kubectl top node, metricsutil/metrics_printer.go printNodeMetrics)', () => {
  it.each([
    ['cpu 1234567n of 4 cores: millis rounded up first (2m)', 1_234_567n, 4n * G, 0],
    ['cpu 3999m of 4 cores truncates to 99', 3_999_000_000n, 4n * G, 99],
    ['memory compares millibytes, same ratio as bytes', 3n * 1024n ** 3n * G, 4n * 1024n ** 3n * G, 75],
    ['cpu 290m of 1 core: float64 gives 28.999…, truncated to 28', 290_000_000n, G, 28],
  ])('%s → %i', (_name, part, whole, expected) => {
    expect(kubectlUsagePercent(part, whole)).toBe(expected);
  });

  it('is undefined for a zero basis', () => {
    expect(kubectlUsagePercent(5n, 0n)).toBeUndefined();
  });
});
