import { describe, expect, it } from 'vitest';
import { changedLines, extractWatch } from './watch.js';

describe('extractWatch', () => {
  it.each([
    [['nodes'], ['nodes'], undefined],
    [['nodes', '--watch'], ['nodes'], 5000],
    [['nodes', '-w', '--sort-by', 'cpu'], ['nodes', '--sort-by', 'cpu'], 5000],
    [['--watch', '10s', 'nodes'], ['nodes'], 10_000],
    [['--watch=2', 'nodes'], ['nodes'], 2000],
    [['--watch', '1m'], [], 60_000],
    [['--watch', '1500ms', 'pods'], ['pods'], 1500],
  ])('%j → args %j, interval %s', (args, rest, interval) => {
    expect(extractWatch(args, 'top')).toEqual({ args: rest, intervalMs: interval });
  });

  it.each([['--watch=soon'], ['--watch=100ms']])('rejects %s with a usage error', (arg) => {
    expect(() => extractWatch([arg], 'top')).toThrow(/--watch/);
  });
});

describe('changedLines', () => {
  it('marks nothing on the first frame and never the header', () => {
    expect(changedLines(undefined, ['H', 'a'])).toEqual([false, false]);
    expect(changedLines(['H', 'a', 'b'], ['H', 'a', 'c'])).toEqual([false, false, true]);
    expect(changedLines(['H1'], ['H2'])).toEqual([false]);
  });
});
