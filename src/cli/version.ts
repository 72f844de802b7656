import { readFileSync } from 'node:fs';

/**
 * Set by scripts/build-cli.ts (esbuild `define`) to package.json's version, so the bundled binary
 * answers `--version` without reading a file; undefined when run from tsc's output or from source.
 */
declare const KUBEMETRICS_BUILD_VERSION: string | undefined;

/** The package version: built in, or read from package.json next to dist/ (or src/). */
export function packageVersion(): string {
  if (typeof KUBEMETRICS_BUILD_VERSION === 'string') return KUBEMETRICS_BUILD_VERSION;
  const raw = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const parsed = JSON.parse(raw) as { version?: unknown };
  return typeof parsed.version === 'string' ? parsed.version : '0.0.0';
}
