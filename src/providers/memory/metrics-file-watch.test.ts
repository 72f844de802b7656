import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../../api/index.js';
import { MemoryMetricsProvider } from './memory-provider.js';
import type { MetricsFileReload, MetricsFileWatch } from './metrics-file-watch.js';

let dir = '';
let watch: MetricsFileWatch | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubemetrics-memory-'));
});

afterEach(async () => {
  watch?.close();
  watch = undefined;
  await rm(dir, { recursive: true, force: true });
});

const nodeFile = (cpu: string): string => `nodes:\n  - name: n1\n    usage: { cpu: ${cpu} }\n`;

function cpuOf(m: MemoryMetricsProvider): string | undefined {
  const [node] = m.getNodeUsage({
    signal: new AbortController().signal,
    selector: parseLabelSelector(''),
    names: undefined,
  });
  return node?.usage['cpu']?.toString();
}

/** Collects reload events and lets a test wait for the next one. */
function events(): { onReload: (e: MetricsFileReload) => void; next: () => Promise<MetricsFileReload> } {
  const queue: MetricsFileReload[] = [];
  const waiting: ((e: MetricsFileReload) => void)[] = [];
  return {
    onReload: (e) => {
      const w = waiting.shift();
      if (w !== undefined) w(e);
      else queue.push(e);
    },
    next: () => {
      const e = queue.shift();
      return e !== undefined ? Promise.resolve(e) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** Writes like an editor or a ConfigMap update: a new file renamed over the old one. */
async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${Math.random().toString(16).slice(2)}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

describe('MemoryMetricsProvider file loading and watching', () => {
  it('loadFile replaces the values; a bad file rejects and changes nothing', async () => {
    const path = join(dir, 'metrics.yaml');
    await writeFile(path, nodeFile('1'));
    const m = new MemoryMetricsProvider();
    await m.loadFile(path);
    expect(cpuOf(m)).toBe('1');
    await writeFile(path, nodeFile('nonsense'));
    await expect(m.loadFile(path)).rejects.toThrow(/nodes\[0\].usage.cpu: invalid quantity/);
    expect(cpuOf(m)).toBe('1');
    await expect(m.loadFile(join(dir, 'missing.yaml'))).rejects.toMatchObject({
      code: 'KUBEMETRICS_ERR_CONFIG',
    });
  });

  it('reloads on change (in place and by rename); a bad file keeps the last good values and is reported', async () => {
    const path = join(dir, 'metrics.yaml');
    await writeFile(path, nodeFile('1'));
    const m = new MemoryMetricsProvider();
    const log = events();
    watch = await m.watchFile(path, { debounceMs: 20, onReload: log.onReload });
    expect(cpuOf(m)).toBe('1');

    await replaceFile(path, nodeFile('2'));
    expect(await log.next()).toEqual({ ok: true, path });
    expect(cpuOf(m)).toBe('2');

    await writeFile(path, 'nodes: [');
    const failed = await log.next();
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.code).toBe('KUBEMETRICS_ERR_DECODE');
    expect(cpuOf(m)).toBe('2');

    await writeFile(path, nodeFile('3'));
    expect((await log.next()).ok).toBe(true);
    expect(cpuOf(m)).toBe('3');
  });

  it('a listener that throws does not stop the watch; close stops it', async () => {
    const path = join(dir, 'metrics.json');
    await writeFile(path, '{}');
    const m = new MemoryMetricsProvider();
    let calls = 0;
    let resolveSecond: () => void = () => {};
    const second = new Promise<void>((resolve) => (resolveSecond = resolve));
    watch = await m.watchFile(path, {
      debounceMs: 10,
      onReload: () => {
        calls++;
        if (calls === 2) resolveSecond();
        throw new Error('listener bug');
      },
    });
    await writeFile(path, JSON.stringify({ nodes: [{ name: 'n1', usage: { cpu: '5' } }] }));
    await new Promise((r) => setTimeout(r, 150));
    await writeFile(path, JSON.stringify({ nodes: [{ name: 'n1', usage: { cpu: '6' } }] }));
    await second;
    expect(cpuOf(m)).toBe('6');
    watch.close();
    await writeFile(path, JSON.stringify({ nodes: [{ name: 'n1', usage: { cpu: '7' } }] }));
    await new Promise((r) => setTimeout(r, 100));
    expect(cpuOf(m)).toBe('6');
  });

  it('an initial bad file rejects watchFile; an aborted signal stops watching', async () => {
    const path = join(dir, 'metrics.yaml');
    await writeFile(path, 'pods: 7');
    const m = new MemoryMetricsProvider();
    await expect(m.watchFile(path)).rejects.toThrow(/pods: expected a list/);
    await writeFile(path, nodeFile('1'));
    const controller = new AbortController();
    const w = await m.watchFile(path, { signal: controller.signal, debounceMs: 10 });
    controller.abort();
    await writeFile(path, nodeFile('9'));
    await new Promise((r) => setTimeout(r, 80));
    expect(cpuOf(m)).toBe('1');
    w.close();
  });
});
