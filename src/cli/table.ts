/**
 * Column-aligned text tables laid out like kubectl's (Go tabwriter with min width 6 and padding 3),
 * except that trailing spaces are trimmed so output diffs cleanly.
 */

const MIN_WIDTH = 6;
const PADDING = 3;

export interface TableOptions {
  /** Omit the header row (`--no-headers`). */
  readonly noHeaders?: boolean;
  /** Columns aligned right (numbers in wide tables); default left, as kubectl. */
  readonly alignRight?: ReadonlySet<number>;
}

/** Renders rows under headers; every row must have as many cells as there are headers. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const all = options.noHeaders === true ? rows : [headers, ...rows];
  if (all.length === 0) return '';
  const widths = headers.map(
    (_, i) => Math.max(MIN_WIDTH, ...all.map((row) => (row[i] ?? '').length)) + PADDING,
  );
  const lines = all.map((row) =>
    headers
      .map((_, i) => {
        const cell = row[i] ?? '';
        const width = widths[i]!;
        return options.alignRight?.has(i) === true
          ? cell.padStart(width - PADDING).padEnd(width)
          : cell.padEnd(width);
      })
      .join('')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
