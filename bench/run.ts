/**
 * `npm run bench [-- name-filter]`: runs every bench/*.bench.ts (each exports `run()` returning rows)
 * and prints one table per benchmark. Rows are plain objects; the columns are the union of their keys,
 * so each benchmark reports what matters for it (ops/s, wall time, RSS, request counts, ratios).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { renderTable, type Row } from './markdown-table.js';

interface BenchModule {
  run(): Promise<Row[]>;
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
