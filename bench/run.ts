/**
 * `npm run bench [-- name-filter]`: runs every bench/*.bench.ts (each exports `run()` returning rows)
 * and prints one table per benchmark. Rows are plain objects; the columns are the union of their keys,
 * so each benchmark reports what matters for it (ops/s, wall time, RSS, request counts, ratios).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

type Row = Record<string, string | number | undefined>;
interface BenchModule {
  run(): Promise<Row[]>;
}

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

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filter === undefined || f.includes(filter))
  .sort();

console.log(`node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString()}`);
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  console.log(`\n## ${file.replace('.bench.ts', '')}\n`);
  console.log(renderTable(await mod.run()));
}
