import { describe, expect, it } from 'vitest';
import { formatGoDuration, formatGoDurationNanos, parseGoDuration } from './go-duration.js';

describe('formatGoDuration (Go time.Duration.String)', () => {
  it.each([
    [0, '0s'],
    [30, '30s'],
    [20.033, '20.033s'],
    [90, '1m30s'],
    [60, '1m0s'],
    [3600, '1h0m0s'],
    [3723.5, '1h2m3.5s'],
    [0.5, '500ms'],
    [0.0015, '1.5ms'],
    [0.000002, '2µs'],
    [-1.5, '-1.5s'],
  ] as const)('%s s → %s', (seconds, text) => {
    expect(formatGoDuration(seconds)).toBe(text);
  });

  it('nanoseconds', () => {
    expect(formatGoDurationNanos(1n)).toBe('1ns');
    expect(formatGoDurationNanos(1_000_000_001n)).toBe('1.000000001s');
  });
});

describe('parseGoDuration (Go time.ParseDuration)', () => {
  it('reads back what formatGoDuration writes, to the nanosecond', () => {
    for (const seconds of [0, 0.000000001, 0.000002, 0.0015, 0.5, 20.033, 90, 3723.5, 86_400 * 3, -1.5])
      expect(parseGoDuration(formatGoDuration(seconds))).toBe(seconds);
  });

  it('days, weeks and bare numbers other than 0 are not Go durations', () => {
    for (const text of ['1d', '1w', '20', '1y'] as const) expect(parseGoDuration(text)).toBeUndefined();
  });
});
