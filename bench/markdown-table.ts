/** The Markdown table every benchmark's rows are printed as (bench/run.ts, or a benchmark run alone). */

export type Row = Record<string, string | number | undefined>;

function formatCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value.toLocaleString('en-US');
    return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3);
  }
  return value;
}

/** Markdown table, so the output pastes straight into bench/README.md. */
export function renderTable(rows: Row[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => columns.map((c) => formatCell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
