import { appendFile, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRelevantEvent, watchFiles } from './file-watcher.js';
import type { FileWatch } from './file-watcher.js';

let dir = '';
let watch: FileWatch | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubemetrics-file-watch-'));
});

afterEach(async () => {
  watch?.close();
  watch = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Counts `onChange` calls and directory events, and lets a test wait for the next change. */
function recorder(): {
  changes: number;
  ignored: number;
  onChange: () => void;
  onEvent: (relevant: boolean) => void;
  next: () => Promise<void>;
} {
  let wake: (() => void) | undefined;
  const state = {
    changes: 0,
    ignored: 0,
    onChange: () => {
      state.changes++;
      wake?.();
    },
    onEvent: (relevant: boolean) => {
      if (!relevant) state.ignored++;
    },
    next: () => new Promise<void>((resolve) => (wake = resolve)),
  };
  return state;
}

describe('watchFiles (certificate and CA files, the metrics file)', () => {
  it('events about other files in the directory do not call onChange; the file replaced by rename does', async () => {
    const cert = join(dir, 'tls.crt');
    await writeFile(cert, 'one');
    const seen = recorder();
    watch = watchFiles([cert, join(dir, 'tls.key')], seen.onChange, {
      debounceMs: 5,
      pollIntervalMs: 0,
      onEvent: seen.onEvent,
    });
    for (let i = 0; i < 200; i++) await appendFile(join(dir, 'audit.log'), `line ${i}\n`);
    const changed = seen.next();
    await writeFile(join(dir, 'tls.crt.new'), 'two');
    await rename(join(dir, 'tls.crt.new'), cert);
    await changed;
    // Events arrive in order: every append was seen before the rename, and none called onChange.
    expect(seen.ignored).toBeGreaterThan(0);
    expect(seen.changes).toBe(1);
  });

  it('a Secret volume update (kubelet swaps the ..data symlink) calls onChange', async () => {
    await mkdir(join(dir, '..2026_12_07_14_00_00.000000001'));
    await writeFile(join(dir, '..2026_12_07_14_00_00.000000001', 'tls.crt'), 'one');
    await symlink('..2026_12_07_14_00_00.000000001', join(dir, '..data'));
    await symlink(join('..data', 'tls.crt'), join(dir, 'tls.crt'));
    const seen = recorder();
    watch = watchFiles([join(dir, 'tls.crt')], seen.onChange, { debounceMs: 5, pollIntervalMs: 0 });
    const changed = seen.next();
    await mkdir(join(dir, '..2026_12_07_14_05_00.000000002'));
    await writeFile(join(dir, '..2026_12_07_14_05_00.000000002', 'tls.crt'), 'two');
    await symlink('..2026_12_07_14_05_00.000000002', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await changed;
    expect(seen.changes).toBeGreaterThanOrEqual(1);
  });

  it('an event without a file name (some platforms) counts, to be safe', () => {
    const names = new Set(['tls.crt']);
    expect(isRelevantEvent(null, names)).toBe(true);
    expect(isRelevantEvent('tls.crt', names)).toBe(true);
    expect(isRelevantEvent('..data', names)).toBe(true);
    expect(isRelevantEvent('..data_tmp', names)).toBe(false);
    expect(isRelevantEvent('server.log', names)).toBe(false);
  });

  it('requireWatch: a directory that cannot be watched throws instead of relying on the poll', () => {
    const missing = join(dir, 'not-there', 'tls.crt');
    expect(() => watchFiles([missing], () => undefined, { pollIntervalMs: 0, requireWatch: true })).toThrow(
      /ENOENT/,
    );
    watch = watchFiles([missing], () => undefined, { pollIntervalMs: 0 });
  });
});
