/**
 * One name per meaning across the subpath exports: a name exported by two subpaths (say
 * `kubemetrics/client` and `kubemetrics/apiserver`) is the same declaration in both, so a user who
 * imports from both never renames on import. A deprecated alias kept for a documented name is the
 * only exception, and only while it is marked `@deprecated`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = path.resolve('.');
const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
  exports: Record<string, { types?: string } | string>;
};

/** `./client` → src/client/index.ts (the root export re-exports other subpaths, so it is left out). */
function subpathSources(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath === '.' || typeof target === 'string' || target.types === undefined) continue;
    const source = target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
    out.set(subpath, path.join(repo, source));
  }
  return out;
}

/**
 * Clashes outside issue 14's list, left for a follow-up: each must still exist (so the list cannot
 * go stale) and no new one may appear.
 */
const KNOWN_CLASHES = new Set([
  // The k8s.io/apiserver RequestInfo idea twice: the client's RBAC hint vs the authorizer's input.
  'RequestAttributes',
  // A watch event on the wire (api) vs the client's decoded one.
  'WatchEvent',
  // An informer's failure (client) vs an HPA metric's failure (hpa).
  'Failure',
]);

describe('public names', () => {
  // Building the program parses every module once: seconds on a quiet machine, more under load.
  it(
    'a name shared by two subpath exports means one thing (deprecated aliases aside)',
    { timeout: 300_000 },
    () => {
      const sources = subpathSources();
      expect(sources.size).toBeGreaterThan(5);
      const options: ts.CompilerOptions = {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        noEmit: true,
        types: [],
        noLib: true,
      };
      // Only our own declarations are compared, so libraries are read as empty files: the program
      // then parses our ~200 modules instead of ~450.
      const host = ts.createCompilerHost(options);
      const read = host.getSourceFile.bind(host);
      host.getSourceFile = (name, language, ...rest) =>
        name.includes(`${path.sep}node_modules${path.sep}`)
          ? ts.createSourceFile(name, '', language)
          : read(name, language, ...rest);
      const program = ts.createProgram([...sources.values()], options, host);
      const checker = program.getTypeChecker();
      const byName = new Map<
        string,
        { subpath: string; declaration: ts.Declaration | undefined; deprecated: boolean }[]
      >();
      for (const [subpath, file] of sources) {
        const source = program.getSourceFile(file);
        const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
        expect(moduleSymbol, file).toBeDefined();
        for (const exported of checker.getExportsOfModule(moduleSymbol!)) {
          const target =
            (exported.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(exported) : exported;
          const declaration = target.declarations?.[0];
          const deprecated =
            declaration !== undefined &&
            ts.getJSDocTags(declaration).some((t) => t.tagName.text === 'deprecated');
          const list = byName.get(exported.name) ?? [];
          list.push({ subpath, declaration, deprecated });
          byName.set(exported.name, list);
        }
      }
      const clashes: string[] = [];
      for (const [name, exports] of byName) {
        const meanings = new Set(exports.filter((e) => !e.deprecated).map((e) => e.declaration));
        if (meanings.size > 1)
          clashes.push(
            `${name}: ${exports.map((e) => `${e.subpath} (${path.relative(repo, e.declaration?.getSourceFile().fileName ?? '?')})`).join(', ')}`,
          );
      }
      expect(clashes.filter((c) => !KNOWN_CLASHES.has(c.split(':')[0] ?? ''))).toEqual([]);
      expect(new Set(clashes.map((c) => c.split(':')[0]))).toEqual(KNOWN_CLASHES);
    },
  );
});
