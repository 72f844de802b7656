import { describe, expect, it } from 'vitest';
import { RateLimitedLog } from './rate-limited-log.js';

describe('RateLimitedLog', () => {
  it('one line per cause per interval; the repeats are counted on the next line after the interval', () => {
    let now = 0;
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    const log = new RateLimitedLog(
      (fields, message) => lines.push({ fields: { ...fields }, message }),
      'TokenReview failed',
      60_000,
      () => now,
    );
    for (let i = 0; i < 500; i++) log.log('connection refused', { error: 'connection refused' });
    log.log('timeout', { error: 'timeout' });
    expect(lines).toEqual([
      { fields: { error: 'connection refused', cause: 'connection refused' }, message: 'TokenReview failed' },
      { fields: { error: 'timeout', cause: 'timeout' }, message: 'TokenReview failed' },
    ]);
    now = 60_000;
    log.log('connection refused', { error: 'connection refused' });
    expect(lines.slice(2)).toEqual([
      {
        fields: { error: 'connection refused', cause: 'connection refused', repeated: 499, seconds: 60 },
        message: 'TokenReview failed (repeated)',
      },
      { fields: { error: 'connection refused', cause: 'connection refused' }, message: 'TokenReview failed' },
    ]);
    // The timeout happened once: nothing to add for it.
    log.flush();
    expect(lines).toHaveLength(4);
  });

  it('flush writes the counts still open; the number of causes held is bounded', () => {
    const lines: Record<string, unknown>[] = [];
    const log = new RateLimitedLog(
      (fields) => lines.push({ ...fields }),
      'refused a client',
      60_000,
      () => 0,
    );
    for (let i = 0; i < 1_000; i++) {
      log.log(`cause-${i}`, {});
      log.log(`cause-${i}`, {});
    }
    // 1,000 first lines, and the counts of the causes forgotten to stay bounded.
    const repeated = lines.filter((l) => l['repeated'] !== undefined);
    expect(lines.length - repeated.length).toBe(1_000);
    log.flush();
    expect(lines.filter((l) => l['repeated'] === 1)).toHaveLength(1_000);
  });
});
