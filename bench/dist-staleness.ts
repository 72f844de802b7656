/**
 * Benchmarks that run `dist/` (the built CLI) measure old code when it is older than the sources:
 * this says so, for a warning row in their table.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `undefined` when `dist/cli/main.js` is newer than every non-test `.ts` file under `sources`
 * (folders or files relative to `root`), else a note naming how many are newer and one of them.
 * Throws when dist/ has not been built.
 */
export function distStaleness(root: string, sources: readonly string[] = ['src']): string | undefined {
  let dist: number;
  try {
    dist = statSync(join(root, 'dist/cli/main.js')).mtimeMs;
  } catch {
    throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  }
  const files = sources.flatMap((source) => {
    const path = join(root, source);
    if (!existsSync(path)) return [];
    if (!statSync(path).isDirectory()) return [source];
    return readdirSync(path, { recursive: true, encoding: 'utf8' }).map((f) => join(source, f));
  });
  const stale = files.filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && statSync(join(root, file)).mtimeMs > dist,
  );
  return stale.length === 0 ? undefined : `dist older than ${stale.length} src file(s), e.g. ${stale[0]}`;
}
