import { describe, expect, it } from 'vitest';
import { MemoPolicy } from './memo-policy.js';

describe('MemoPolicy', () => {
  it('keeps writing while lookups hit', () => {
    const policy = new MemoPolicy();
    for (let i = 0; i < 10_000; i++) policy.lookup(i % 4 !== 0);
    expect(policy.writing).toBe(true);
  });

  it('stops writing after a window without hits, and probes again later', () => {
    const policy = new MemoPolicy();
    for (let i = 0; i < 512; i++) policy.lookup(false);
    expect(policy.writing).toBe(false);
    // Fifteen quiet windows later it is still off; the sixteenth turns writing back on.
    for (let i = 0; i < 15 * 512; i++) policy.lookup(false);
    expect(policy.writing).toBe(false);
    for (let i = 0; i < 512; i++) policy.lookup(false);
    expect(policy.writing).toBe(true);
  });

  it('turns writing back on at once when hits come back', () => {
    const policy = new MemoPolicy();
    for (let i = 0; i < 512; i++) policy.lookup(false);
    expect(policy.writing).toBe(false);
    for (let i = 0; i < 512; i++) policy.lookup(true);
    expect(policy.writing).toBe(true);
  });
});
