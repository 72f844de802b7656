import { afterEach, describe, expect, it, vi } from 'vitest';
import { TtlCache } from './ttl-cache.js';

describe('TtlCache', () => {
  it('expires entries after their TTL, evicts the oldest beyond maxEntries', () => {
    let now = 0;
    const cache = new TtlCache<string>({ now: () => now, maxEntries: 2 });
    cache.set('a', 'A', 10);
    cache.set('b', 'B', 100);
    now = 10;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe('B');
    cache.set('c', 'C', 100);
    cache.set('d', 'D', 100);
    expect([cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([undefined, 'C', 'D']);
  });

  it('getOrLoad shares one load among concurrent callers and does not cache failures', async () => {
    const cache = new TtlCache<number>();
    let loads = 0;
    const load = async (): Promise<number> => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      return 42;
    };
    // A TTL on the real clock far above the test's time: the last call must be a hit even when a
    // loaded machine pauses the process between the calls.
    const results = await Promise.all([1, 2, 3].map(() => cache.getOrLoad('k', load, () => 60_000)));
    expect(loads).toBe(1);
    expect(results.map((r) => r.value)).toEqual([42, 42, 42]);
    expect((await cache.getOrLoad('k', load, () => 60_000)).hit).toBe(true);
    await expect(
      cache.getOrLoad(
        'bad',
        () => Promise.reject(new Error('down')),
        () => 1000,
      ),
    ).rejects.toThrow('down');
    expect(cache.get('bad')).toBeUndefined();
  });

  describe('sweeping (issue 11: expired review answers never left memory)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('6,000 unique entries are gone after they expire, without their keys being asked again', () => {
      vi.useFakeTimers();
      const cache = new TtlCache<string>({ maxEntries: 10_000, sweepIntervalMs: 1_000 });
      for (let i = 0; i < 6_000; i++) cache.set(`/path/${i}`, 'allowed', 10_000);
      expect(cache.size).toBe(6_000);
      vi.advanceTimersByTime(9_000);
      expect(cache.size).toBe(6_000); // not expired yet: kept
      vi.advanceTimersByTime(2_000);
      expect(cache.size).toBe(0);
      // Nothing left to sweep: no timer keeps running for an empty cache.
      expect(vi.getTimerCount()).toBe(0);
    });

    it('sweeps only what expired; the timer runs while entries remain', () => {
      vi.useFakeTimers();
      const cache = new TtlCache<string>({ sweepIntervalMs: 1_000 });
      cache.set('short', 's', 500);
      cache.set('long', 'l', 5_000);
      vi.advanceTimersByTime(1_000);
      expect(cache.size).toBe(1);
      expect(cache.get('long')).toBe('l');
      vi.advanceTimersByTime(5_000);
      expect(cache.size).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
