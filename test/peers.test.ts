/**
 * test/helpers/peers.ts: how kubectl and Prometheus are found, and what a test needing a missing
 * one does. The gate is checked as people meet it: vitest runs the fixtures in
 * test/fixtures/peers/ in a child process with an injected PATH and environment, with CI unset
 * (skipped, one notice per peer for the whole run) and with CI=true (failed, naming the package).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isCI, KUBECTL, PROMETHEUS } from './helpers/peers.js';

const root = mkdtempSync(join(tmpdir(), 'kubemetrics-peers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A directory holding the given files, executable or not. */
function binDir(name: string, files: Record<string, 'executable' | 'plain'>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, kind] of Object.entries(files)) {
    writeFileSync(join(dir, file), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, file), kind === 'executable' ? 0o755 : 0o644);
  }
  return dir;
}

const empty = binDir('empty', {});
const plain = binDir('plain', { kubectl: 'plain', prometheus: 'plain' });
const fake = binDir('fake', { kubectl: 'executable', prometheus: 'executable', promtool: 'executable' });

describe('finding the peers', () => {
  it('kubectl: the first executable kubectl on PATH, skipping empty entries and plain files', () => {
    expect(KUBECTL.find({ PATH: ['', plain, fake].join(delimiter) })).toEqual({
      path: join(fake, 'kubectl'),
    });
    expect(KUBECTL.find({ PATH: [empty, plain].join(delimiter) })).toEqual({
      missing: 'no executable kubectl on PATH',
    });
    expect(KUBECTL.find({})).toEqual({ missing: 'no executable kubectl on PATH' });
  });

  it('kubectl: $KUBECTL wins over PATH, and a wrong $KUBECTL is named rather than passed over', () => {
    const chosen = join(fake, 'kubectl');
    expect(KUBECTL.find({ KUBECTL: chosen, PATH: empty })).toEqual({ path: chosen });
    expect(KUBECTL.find({ KUBECTL: join(plain, 'kubectl'), PATH: fake })).toEqual({
      missing: `KUBECTL=${join(plain, 'kubectl')} is not an executable file`,
    });
    expect(KUBECTL.find({ KUBECTL: '', PATH: fake })).toEqual({ path: join(fake, 'kubectl') });
  });

  it('prometheus: both $PROMETHEUS_BIN and $PROMTOOL_BIN must be executable; the missing one is named', () => {
    const server = join(fake, 'prometheus');
    const promtool = join(fake, 'promtool');
    expect(PROMETHEUS.find({ PROMETHEUS_BIN: server, PROMTOOL_BIN: promtool })).toEqual({ path: server });
    expect(PROMETHEUS.find({ PROMETHEUS_BIN: join(plain, 'prometheus'), PROMTOOL_BIN: promtool })).toEqual({
      missing: `PROMETHEUS_BIN=${join(plain, 'prometheus')} is not an executable file`,
    });
    expect(PROMETHEUS.find({ PROMETHEUS_BIN: server, PROMTOOL_BIN: join(empty, 'promtool') })).toEqual({
      missing: `PROMTOOL_BIN=${join(empty, 'promtool')} is not an executable file`,
    });
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['0', false],
    ['', false],
    [undefined, false],
  ])('CI=%s counts as CI: %s', (value, expected) => {
    expect(isCI(value === undefined ? {} : { CI: value })).toBe(expected);
  });
});

it('the lookups load outside vitest: the benchmarks import test/helpers/prometheus.ts with plain node', async () => {
  const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', "await import('./test/helpers/prometheus.ts');"],
      (error, _stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stderr }),
    );
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
});

interface Run {
  code: number;
  output: string;
}

const VITEST = createRequire(import.meta.url).resolve('vitest/vitest.mjs');

/**
 * vitest on the fixtures (3 tests needing kubectl in one file; 1 needing kubectl, 1 needing
 * Prometheus and 1 needing nothing in another), with only `env` set of what the peers read.
 */
function runFixtures(env: Record<string, string>): Promise<Run> {
  const inherited: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The outer run's CI, peer paths and vitest worker variables must not leak into the child.
    if (/^(CI|KUBECTL|PROMETHEUS_BIN|PROMTOOL_BIN|VITEST.*|TEST|NODE_ENV)$/.test(key)) continue;
    inherited[key] = value;
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VITEST, 'run', '--config', 'test/fixtures/peers/vitest.config.ts'],
      { env: { ...inherited, NO_COLOR: '1', ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('a test that needs a peer, in a vitest run', { timeout: 120_000 }, () => {
  const missing = {
    PATH: empty,
    PROMETHEUS_BIN: join(fake, 'prometheus'),
    PROMTOOL_BIN: join(empty, 'promtool'),
  };

  it('without CI it is skipped, and the run says once per peer how many tests and how to install it', async () => {
    const run = await runFixtures(missing);
    expect(run.code, run.output).toBe(0);
    expect(
      count(
        run.output,
        'skipping 4 tests: kubectl not found; install with: apt-get install kubernetes-client\n',
      ),
    ).toBe(1);
    expect(
      count(run.output, 'skipping 1 test: prometheus not found; install with: apt-get install prometheus\n'),
    ).toBe(1);
    expect(count(run.output, 'not found; install with')).toBe(2);
    expect(run.output).toMatch(/Tests +1 passed \| 5 skipped \(6\)/);
  });

  it('with CI=true it fails, naming the peer, what was looked at and the Debian package', async () => {
    const run = await runFixtures({ ...missing, CI: 'true' });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain(
      'CI is set, so a missing peer fails the run: kubectl not found (no executable kubectl on PATH); install with: apt-get install kubernetes-client',
    );
    expect(run.output).toContain(
      `CI is set, so a missing peer fails the run: prometheus not found (PROMTOOL_BIN=${join(empty, 'promtool')} is not an executable file); install with: apt-get install prometheus`,
    );
    // The block fails as one test named after the peer; the single tests fail under their own names.
    expect(run.output).toContain('a block that needs kubectl > needs kubectl');
    expect(run.output).toMatch(/Tests +3 failed \| 1 passed \(4\)/);
    expect(run.output).not.toContain('skipping');
  });

  it('with the peers present (CI=1) every test runs with the path that was found', async () => {
    const run = await runFixtures({
      PATH: [plain, fake].join(delimiter),
      PROMETHEUS_BIN: join(fake, 'prometheus'),
      PROMTOOL_BIN: join(fake, 'promtool'),
      EXPECTED_KUBECTL: join(fake, 'kubectl'),
      CI: '1',
    });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/Tests +6 passed \(6\)/);
    expect(run.output).not.toContain('not found');
  });
});
