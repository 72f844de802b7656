/**
 * Builds the `kubemetrics` binary, dist/cli/main.js, as an esbuild bundle over the tsc output.
 *
 *     npm run build            # tsc (the library, dist/**), then this script (the binary)
 *
 * Why: a command used to read ~400 files at every start (our ~250 ESM modules, undici's ~95 and
 * yaml's ~72 CommonJS modules), and resolving, reading and compiling them one by one cost Node
 * 0.3-0.4 s before any work (bench/README.md "cli"). A bundle reads a handful of files.
 *
 * What stays as it was:
 * - Lazy loading. Only src/cli/main.ts is an entry; every `import()` in the code (each command's
 *   `load()` in src/cli/commands/<name>-info.ts, the client in cluster-options.ts, ...) becomes a
 *   chunk of its own (`splitting`), so `--version` and `--help` read the entry and nothing else,
 *   and a new command needs no change here.
 * - The library. tsc's dist/<layer>/*.js and .d.ts are left alone (package.json `exports`); only
 *   dist/cli/main.js is replaced, and the chunks sit beside it in dist/cli/.
 * - `import.meta.url`. Code that finds a file relative to its own module (package.json, assets)
 *   would otherwise resolve from the chunk it landed in; each module's `import.meta.url` is
 *   rewritten to the URL of its tsc output file, so it finds what it finds in the unbundled build.
 *
 * dist/cli/bundle.json lists each output file and the sources in it: the next build deletes the
 * previous build's chunks through it, and test/cli-process.test.ts checks through it what a
 * command loads.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT_DIR = join(ROOT, 'dist/cli');
const MANIFEST = join(OUT_DIR, 'bundle.json');

/** dist/cli/bundle.json: each output file (relative to dist/cli) and the sources bundled into it. */
export interface BundleManifest {
  readonly outputs: Record<string, { readonly inputs: readonly string[] }>;
}

const toPosix = (path: string): string => path.split(sep).join('/');

/** Deletes what the previous bundle wrote (chunk names carry content hashes, so they pile up). */
function removePreviousBundle(): void {
  if (!existsSync(MANIFEST)) return;
  const previous = JSON.parse(readFileSync(MANIFEST, 'utf8')) as BundleManifest;
  for (const file of Object.keys(previous.outputs)) {
    // main.js is tsc's again by now (tsc runs first); only chunks are the bundle's alone.
    if (file !== 'main.js') rmSync(join(OUT_DIR, file), { force: true });
    rmSync(join(OUT_DIR, `${file}.map`), { force: true });
  }
}

/**
 * Gives every source module under src/ the `import.meta.url` of its tsc output file: all bundle
 * files are in dist/cli/, so the module's own dist path is a fixed path relative to that.
 */
const moduleUrls: Plugin = {
  name: 'module-urls',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromSrc = toPosix(relative(join(ROOT, 'src'), args.path)).replace(/\.ts$/, '.js');
      const fromChunk = toPosix(relative(OUT_DIR, join(ROOT, 'dist', fromSrc)));
      const own = `new URL(${JSON.stringify(fromChunk)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', own), loader: 'ts' };
    });
  },
};

function manifestOf(metafile: Metafile): BundleManifest {
  const outputs: Record<string, { inputs: string[] }> = {};
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    const name = toPosix(relative(OUT_DIR, join(ROOT, file)));
    outputs[name] = { inputs: Object.keys(output.inputs).sort() };
  }
  return { outputs };
}

function packageJsonVersion(): string {
  const parsed = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  return parsed.version;
}

removePreviousBundle();
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Whitespace only: a smaller file parses faster, and names stay readable in an internal error's
  // stack trace (with `node --enable-source-maps`, the .map files give source lines).
  minifyWhitespace: true,
  sourcemap: 'linked',
  chunkNames: '[name]-[hash]',
  // Dependencies are bundled too (undici and yaml are most of the files read at start); their
  // CommonJS modules call require() for Node built-ins, which an ES module lacks.
  banner: {
    js: "import { createRequire as __kmCreateRequire } from 'node:module';\nconst require = __kmCreateRequire(import.meta.url);",
  },
  plugins: [moduleUrls],
  // src/cli/version.ts: `--version` without reading package.json at run time.
  define: { KUBEMETRICS_BUILD_VERSION: JSON.stringify(packageJsonVersion()) },
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(MANIFEST, `${JSON.stringify(manifestOf(result.metafile), null, 1)}\n`);
// The binary is run as a program (`npx kubemetrics`, the package's `bin`): it needs its executable
// bit, which tsc's main.js (overwritten in place by the bundle) never had.
chmodSync(join(OUT_DIR, 'main.js'), 0o755);
