/**
 * Our published types stand on their own: a strict TypeScript consumer (`strict`,
 * `skipLibCheck: false`, NodeNext resolution) importing every subpath export of package.json from
 * the built dist/ compiles without errors. Before the kubeconfig loader was our own, the client
 * types re-exported @kubernetes/client-node's, whose isomorphic-ws types broke such consumers.
 */
import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve('.');
const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, unknown>;
};
const consumer = mkdtempSync(path.join(tmpdir(), 'kubemetrics-consumer-'));
afterAll(() => rmSync(consumer, { recursive: true, force: true }));

function tsc(project: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', project],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : 1, output: stdout + stderr }),
    );
  });
}

describe('published types', () => {
  it('a strict consumer with skipLibCheck: false compiles against every subpath export', async () => {
    const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json');
    expect(subpaths.length).toBeGreaterThan(5);
    mkdirSync(path.join(consumer, 'node_modules'), { recursive: true });
    symlinkSync(repo, path.join(consumer, 'node_modules', pkg.name), 'dir');
    const imports = subpaths.map((subpath, i) => {
      const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
      return `import * as m${i} from '${specifier}';\nexport const keys${i}: string[] = Object.keys(m${i});`;
    });
    writeFileSync(path.join(consumer, 'index.ts'), `${imports.join('\n')}\n`);
    writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          noEmit: true,
          types: ['node'],
          typeRoots: [path.join(repo, 'node_modules/@types')],
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
        },
        files: ['index.ts'],
      }),
    );
    const result = await tsc(consumer);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
    // Type-checking every library's declarations (skipLibCheck: false) takes a while on a busy machine.
  }, 300_000);

  it('nothing in dist/ imports @kubernetes/client-node (it is only a dev dependency of the benchmarks)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (
          /\.(js|d\.ts)$/.test(entry.name) &&
          /from ['"]@kubernetes\/client-node/.test(readFileSync(file, 'utf8'))
        )
          offenders.push(path.relative(repo, file));
      }
    };
    walk(path.join(repo, 'dist'));
    expect(offenders).toEqual([]);
  });
});
