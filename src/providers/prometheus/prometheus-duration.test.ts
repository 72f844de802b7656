import { describe, expect, it } from 'vitest';
import { parsePrometheusDuration, rangeDurations } from './prometheus-duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parsePrometheusDuration', () => {
  it.each([
    ['5m', 5 * M],
    ['30s', 30 * S],
    ['1h30m', H + 30 * M],
    ['2d', 2 * D],
    ['1w', 7 * D],
    ['1y', 365 * D],
    ['500ms', 500],
    ['1m500ms', M + 500],
    ['1y2w3d4h5m6s7ms', 365 * D + 14 * D + 3 * D + 4 * H + 5 * M + 6 * S + 7],
    ['90m', 90 * M],
    ['0', 0],
    ['0s', 0],
    ['00m', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parsePrometheusDuration(text)).toBe(ms);
  });

  it.each([
    '1.5m', // no fractions
    '5m1h', // units from largest to smallest
    '1h1h', // each unit once
    '1s1m',
    '5ms5s',
    '5', // a number needs a unit
    'm',
    '',
    '-5m',
    '+5m',
    '5M',
    '5 m',
    ' 5m',
    '5m ',
    '5mm',
    '5min',
    '1h30',
    '1x',
  ])('%j is not a duration', (text) => {
    expect(parsePrometheusDuration(text)).toBeUndefined();
  });
});

describe('rangeDurations', () => {
  it('finds the range of a rate', () => {
    expect(rangeDurations('sum(rate(http_requests_total{pod!=""}[5m])) by (pod)')).toEqual([5 * M]);
  });

  it('takes the range of a subquery, not its resolution', () => {
    expect(rangeDurations('max_over_time(up[1h:30s])')).toEqual([H]);
    expect(rangeDurations('max_over_time(up[10m:])')).toEqual([10 * M]);
  });

  it('finds several ranges, in order', () => {
    expect(rangeDurations('rate(a[5m]) / rate(b[1h]) + increase(c[2m])')).toEqual([5 * M, H, 2 * M]);
    expect(rangeDurations('max_over_time(rate(x[1m])[10m:1m])')).toEqual([M, 10 * M]);
  });

  it('allows spaces inside the brackets', () => {
    expect(rangeDurations('rate(x[ 2m ])')).toEqual([2 * M]);
  });

  it('ignores queries without ranges and brackets that hold no duration', () => {
    expect(rangeDurations('sum(up) by (pod)')).toEqual([]);
    expect(rangeDurations('up{pod=~"web-[0-9]+",zone=~"[abc]"}')).toEqual([]);
    expect(rangeDurations('rate(x[1.5m])')).toEqual([]);
  });
});
