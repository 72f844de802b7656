import { describe, expect, it } from 'vitest';
import {
  addInto,
  amountOf,
  amountsEqual,
  compareResourceNames,
  isByteResource,
  maxInto,
  sumAmounts,
  type MutableResourceAmounts,
} from './resource-amounts.js';

describe('resource amounts', () => {
  it('adds and maxes by name, copying names that are missing', () => {
    const target: MutableResourceAmounts = { cpu: 1n };
    addInto(target, { cpu: 2n, memory: 5n });
    expect(target).toEqual({ cpu: 3n, memory: 5n });
    maxInto(target, { cpu: 1n, memory: 7n, gpu: 0n });
    expect(target).toEqual({ cpu: 3n, memory: 7n, gpu: 0n });
    expect(sumAmounts([{ a: 1n }, { a: 2n, b: 3n }])).toEqual({ a: 3n, b: 3n });
  });

  it('never reads inherited properties as amounts (regression: "toString" as a resource filter)', () => {
    expect(amountOf({ cpu: 1n }, 'toString')).toBeUndefined();
    expect(amountOf({ cpu: 1n }, 'constructor')).toBeUndefined();
    expect(amountOf({ cpu: 0n }, 'cpu')).toBe(0n);
  });

  it('compares by value', () => {
    expect(amountsEqual({ a: 1n, b: 2n }, { b: 2n, a: 1n })).toBe(true);
    expect(amountsEqual({ a: 1n }, { a: 1n, b: 0n })).toBe(false);
    expect(amountsEqual({ a: 1n }, { a: 2n })).toBe(false);
  });

  it('orders columns cpu, memory, ephemeral-storage, hugepages, then the rest', () => {
    const names = [
      'nvidia.com/gpu',
      'hugepages-2Mi',
      'memory',
      'example.com/x',
      'ephemeral-storage',
      'cpu',
      'hugepages-1Gi',
    ];
    expect(names.sort(compareResourceNames)).toEqual([
      'cpu',
      'memory',
      'ephemeral-storage',
      'hugepages-1Gi',
      'hugepages-2Mi',
      'example.com/x',
      'nvidia.com/gpu',
    ]);
  });

  it.each([
    ['memory', true],
    ['ephemeral-storage', true],
    ['storage', true],
    ['hugepages-1Gi', true],
    ['cpu', false],
    ['pods', false],
    ['nvidia.com/gpu', false],
  ])('isByteResource(%s) = %s', (name, expected) => {
    expect(isByteResource(name)).toBe(expected);
  });
});
