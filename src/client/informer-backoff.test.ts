import { describe, expect, it } from 'vitest';
import { KubemetricsError } from '../errors.js';
import { Backoff } from './informer-backoff.js';

describe('Backoff (client-go reflector.go: NewExponentialBackoffManager(800ms, 30s, 2min, 2.0, 1.0))', () => {
  it('doubles the step from 800 ms to 30 s, each wait the step plus up to one step of jitter', () => {
    let now = 0;
    const low = new Backoff(
      {},
      () => now,
      () => 0,
    );
    const high = new Backoff(
      {},
      () => now,
      () => 0.999,
    );
    const steps = [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000];
    for (const step of steps) {
      now += 1000;
      expect(low.next()).toBe(step);
      expect(high.next()).toBe(Math.round(step * 1.999));
    }
  });

  it('resets only after 2 minutes without a wait asked for, not on a success in between', () => {
    let now = 0;
    const backoff = new Backoff(
      {},
      () => now,
      () => 0,
    );
    expect(backoff.next()).toBe(800);
    now += 60_000;
    expect(backoff.next()).toBe(1600);
    now += 120_000;
    expect(backoff.next()).toBe(3200);
    now += 120_001;
    expect(backoff.next()).toBe(800);
  });

  it('rejects a bounds option that is not a positive number, naming it', () => {
    expect(() => new Backoff({ initialMs: 0 })).toThrow(KubemetricsError);
    expect(() => new Backoff({ maxMs: Number.NaN })).toThrow(
      /informer option maxMs must be a positive number, got NaN/,
    );
  });
});
