import { describe, expect, it } from 'vitest';
import { decodeContinueToken, encodeContinueToken, takePage } from './pagination.js';

const items = ['a', 'b', 'c', 'd', 'e', 'f'].map((key) => ({ key }));
const keys = (page: { items: readonly { key: string }[] }): string[] => page.items.map((i) => i.key);

describe('continue tokens (shape of k8s.io/apiserver pkg/storage/continue.go)', () => {
  it('round-trips and rejects what it did not issue', () => {
    const token = encodeContinueToken({ resourceVersion: 42, start: 'ns/pod\u0000' });
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual({
      v: 'meta.k8s.io/v1',
      rv: 42,
      start: 'ns/pod\u0000',
    });
    expect(decodeContinueToken(token)).toEqual({ resourceVersion: 42, start: 'ns/pod\u0000' });
    expect(
      decodeContinueToken(encodeContinueToken({ resourceVersion: -1, start: 'x' }))?.resourceVersion,
    ).toBe(-1);
    for (const bad of [
      '',
      'garbage',
      Buffer.from('{"v":"x","rv":1,"start":"a"}').toString('base64url'),
      Buffer.from('{"v":"meta.k8s.io/v1","rv":0,"start":"a"}').toString('base64url'),
    ]) {
      expect(decodeContinueToken(bad)).toBeUndefined();
    }
  });
});

describe('takePage', () => {
  it('slices without a predicate and reports the remaining count', () => {
    const first = takePage(items, 0, 6, undefined, 4);
    expect(keys(first)).toEqual(['a', 'b', 'c', 'd']);
    expect(first.remainingItemCount).toBe(2);
    const second = takePage(items, 0, 6, first.nextStart, 4);
    expect(keys(second)).toEqual(['e', 'f']);
    expect(second.nextStart).toBeUndefined();
    expect(second.remainingItemCount).toBeUndefined();
    expect(keys(takePage(items, 1, 3, undefined, 0))).toEqual(['b', 'c']);
  });

  it('with a predicate, looks ahead so the last page is never empty', () => {
    const vowels = (i: { key: string }): boolean => 'ae'.includes(i.key);
    const first = takePage(items, 0, 6, undefined, 1, vowels);
    expect(keys(first)).toEqual(['a']);
    expect(first.remainingItemCount).toBeUndefined();
    const second = takePage(items, 0, 6, first.nextStart, 1, vowels);
    expect(keys(second)).toEqual(['e']);
    expect(second.nextStart).toBeUndefined();
  });
});
