/**
 * A bench script as plain JavaScript (types erased), for `node --input-type=module --eval`: the
 * measured child then runs without tsx's loader, which costs 35-100 MB of RSS and a few hundred
 * milliseconds of start-up that no contender should be charged for. The script may import only
 * `node:` modules and packages (resolved from the working directory), not other bench files.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const cache = new Map<string, string>();

/** `file` (absolute, or relative to the working directory) transpiled once per process. */
export function evalScript(file: string): string {
  let js = cache.get(file);
  if (js === undefined) {
    js = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    cache.set(file, js);
  }
  return js;
}

/** The arguments of `node` that run `file` as an eval'd module. */
export const evalArgs = (file: string): string[] => ['--input-type=module', '--eval', evalScript(file)];
