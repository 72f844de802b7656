import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

describe('renderTable (kubectl tabwriter layout: min width 6, padding 3)', () => {
  it('pads every column to its widest cell plus 3, trimming line ends', () => {
    const out = renderTable(
      ['NAME', 'CPU(cores)'],
      [
        ['node-1', '250m'],
        ['a-much-longer-node', '1m'],
      ],
    );
    expect(out).toBe(
      ['NAME                 CPU(cores)', 'node-1               250m', 'a-much-longer-node   1m', ''].join(
        '\n',
      ),
    );
  });

  it('applies the minimum width of 6 to short columns', () => {
    expect(renderTable(['A', 'B'], [['x', 'y']])).toBe('A        B\nx        y\n');
  });

  it('omits headers with noHeaders and prints nothing for no rows', () => {
    expect(renderTable(['NAME'], [['n1']], { noHeaders: true })).toBe('n1\n');
    expect(renderTable(['NAME'], [], { noHeaders: true })).toBe('');
  });

  it('right-aligns the chosen columns', () => {
    expect(
      renderTable(
        ['NAME', 'PCT'],
        [
          ['a', '5%'],
          ['b', '100%'],
        ],
        { alignRight: new Set([1]) },
      ),
    ).toBe('NAME        PCT\na            5%\nb          100%\n');
  });
});
