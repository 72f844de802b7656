import { appendFile, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
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

/** A provider watching `metrics.yaml` (written with cpu 1) in the test directory. */
async function watched(debounceMs: number): Promise<{
  path: string;
  m: MemoryMetricsProvider;
  log: ReturnType<typeof events>;
  w: MetricsFileWatch;
}> {
  const path = join(dir, 'metrics.yaml');
  await writeFile(path, nodeFile('1'));
  const m = new MemoryMetricsProvider();
  const log = events();
  const w = await m.watchFile(path, { debounceMs, onReload: log.onReload });
  watch = w;
  return { path, m, log, w };
}

/** Resolves once `condition` holds: waits on the watch's own counters, not on a time budget. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

/**
 * The next reload event, passing over refusals of an empty file: a file written in place is empty
 * between its truncation and the write, and a reload on a loaded machine can fall in between.
 */
async function nextPastEmpty(log: ReturnType<typeof events>): Promise<MetricsFileReload> {
  for (;;) {
    const event = await log.next();
    if (event.ok || !/ is empty$/.test(event.error.message)) return event;
  }
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
    const failed = await nextPastEmpty(log);
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.code).toBe('KUBEMETRICS_ERR_DECODE');
    expect(cpuOf(m)).toBe('2');

    await writeFile(path, nodeFile('3'));
    expect((await nextPastEmpty(log)).ok).toBe(true);
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
    // Renamed into place, so no reload can see a half-written file; and the second version is
    // written once the first was reloaded (a fixed pause could let both fall into one reload).
    await replaceFile(path, JSON.stringify({ nodes: [{ name: 'n1', usage: { cpu: '5' } }] }));
    await until(() => calls === 1);
    await replaceFile(path, JSON.stringify({ nodes: [{ name: 'n1', usage: { cpu: '6' } }] }));
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

  it('1,000 appends to another file in the directory read and parse the metrics file 0 times', async () => {
    const { path, m, log, w } = await watched(5);
    expect(w.stats).toMatchObject({ reads: 1, parses: 1 });
    // A log written next to the file (e.g. the server's own stderr redirected there).
    for (let i = 0; i < 1000; i++) await appendFile(join(dir, 'server.log'), `line ${i}\n`);
    // Events arrive in order: once this change is applied, every append's event was seen before it.
    await replaceFile(path, nodeFile('2'));
    expect(await log.next()).toEqual({ ok: true, path });
    expect(cpuOf(m)).toBe('2');
    expect(w.stats.ignoredEvents).toBeGreaterThan(0);
    expect(w.stats).toMatchObject({ reads: 2, parses: 2 });
  });

  it('a ConfigMap volume update (the ..data symlink swapped by rename) reloads once', async () => {
    // kubelet's atomic writer (pkg/volume/util/atomic_writer.go): the file is a symlink into
    // `..data`, a symlink to a timestamped directory; an update writes a new directory, points
    // `..data_tmp` at it, renames `..data_tmp` over `..data` and removes the old directory.
    let generation = 0;
    const publish = async (text: string): Promise<void> => {
      const stamp = `..2026_12_07_14_00_00.00000000${++generation}`;
      await mkdir(join(dir, stamp));
      await writeFile(join(dir, stamp, 'metrics.yaml'), text);
      await symlink(stamp, join(dir, '..data_tmp'));
      await rename(join(dir, '..data_tmp'), join(dir, '..data'));
      if (generation > 1)
        await rm(join(dir, `..2026_12_07_14_00_00.00000000${generation - 1}`), { recursive: true });
    };
    await publish(nodeFile('1'));
    const path = join(dir, 'metrics.yaml');
    await symlink(join('..data', 'metrics.yaml'), path);
    const m = new MemoryMetricsProvider();
    const log = events();
    const w = await m.watchFile(path, { debounceMs: 20, onReload: log.onReload });
    watch = w;
    expect(cpuOf(m)).toBe('1');

    await publish(nodeFile('2'));
    expect(await log.next()).toEqual({ ok: true, path });
    expect(cpuOf(m)).toBe('2');
    // A second update is the next event, and the counters grew by one each: the first update
    // was read and parsed exactly once.
    await publish(nodeFile('3'));
    expect(await log.next()).toEqual({ ok: true, path });
    expect(cpuOf(m)).toBe('3');
    expect(w.stats).toMatchObject({ reads: 3, parses: 3 });
  });

  it('an empty file (a half-written save) keeps the last values and is reported once', async () => {
    const { path, m, log, w } = await watched(20);

    await writeFile(path, '');
    const failed = await log.next();
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.message).toBe(`metrics file ${path} is empty`);
    expect(cpuOf(m)).toBe('1');
    const { reads, parses } = w.stats;
    // The same empty content again: read, but not decoded and not reported.
    await writeFile(path, '');
    await until(() => w.stats.reads > reads);
    expect(w.stats.parses).toBe(parses);
    await writeFile(path, nodeFile('4'));
    expect(await log.next()).toEqual({ ok: true, path });
    expect(cpuOf(m)).toBe('4');
    expect(w.stats.parses).toBe(parses + 1);
  });

  it('a bad file and a log of its warnings in the same directory: one warning, not a loop', async () => {
    const path = join(dir, 'metrics.yaml');
    await writeFile(path, nodeFile('1'));
    const m = new MemoryMetricsProvider();
    const seen: MetricsFileReload[] = [];
    const log = events();
    const w = await m.watchFile(path, {
      debounceMs: 5,
      onReload: (event) => {
        seen.push(event);
        // What `kubemetrics apiserver 2>>dir/server.log` does with the warning.
        void appendFile(join(dir, 'server.log'), `${JSON.stringify(event)}\n`).then(() =>
          log.onReload(event),
        );
      },
    });
    watch = w;
    // Renamed into place: written in place, a reload could see the truncated file first and warn
    // about an empty file too (a second warning, but not the loop this test is about).
    await replaceFile(path, 'nodes: [');
    expect((await log.next()).ok).toBe(false);
    // Rewriting the same bad text is an event about the file, but the same refusal: not repeated.
    const { reads } = w.stats;
    await replaceFile(path, 'nodes: [');
    await until(() => w.stats.reads > reads);
    await replaceFile(path, nodeFile('5'));
    expect((await log.next()).ok).toBe(true);
    expect(seen.map((e) => e.ok)).toEqual([false, true]);
    expect(cpuOf(m)).toBe('5');
  });

  it('an empty file is refused at the first load too', async () => {
    const path = join(dir, 'metrics.yaml');
    await writeFile(path, '  \n');
    await expect(new MemoryMetricsProvider().watchFile(path)).rejects.toThrow(/is empty/);
    await expect(new MemoryMetricsProvider().loadFile(path)).rejects.toMatchObject({
      code: 'KUBEMETRICS_ERR_DECODE',
    });
  });
});
