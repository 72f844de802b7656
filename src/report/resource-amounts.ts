/**
 * Resource amounts: the exact value of each named resource, as bigint nanos (value × 10^9), in a
 * small plain object. A plain object rather than a `Map` because a 150,000-pod report holds
 * hundreds of thousands of them: V8 stores a two-key object literal in about 20 bytes plus its
 * bigints, a `Map` in several hundred (see docs/report-rules.md, "Memory").
 *
 * A missing key means "not set" (a container without a cpu limit), which is not the same as `0n`
 * (a limit of zero). Records share and freeze these objects; never mutate one you did not create.
 */

/** Resource name → exact amount in nanos (`250m` cpu is `250_000_000n`, `1Ki` memory is `1024n * 10n**9n`). */
export type ResourceAmounts = Readonly<Record<string, bigint>>;

/** A writable {@link ResourceAmounts}, for accumulating sums. */
export type MutableResourceAmounts = Record<string, bigint>;

/** The shared empty amounts object (frozen). */
export const EMPTY_AMOUNTS: ResourceAmounts = Object.freeze({});

/** The resource name prefix of huge pages (`hugepages-2Mi`, `hugepages-1Gi`). */
export const HUGEPAGES_PREFIX = 'hugepages-';

/**
 * The amount of `name`, or `undefined` when it is not set. Use this rather than `amounts[name]`
 * for names that come from users: it never returns an inherited property such as `toString`.
 */
export function amountOf(amounts: ResourceAmounts, name: string): bigint | undefined {
  const value = amounts[name];
  return typeof value === 'bigint' ? value : undefined;
}

/** Adds every amount of `source` into `target` (a missing key in `target` starts at zero). */
export function addInto(target: MutableResourceAmounts, source: ResourceAmounts): void {
  for (const name in source) {
    const value = source[name] as bigint;
    const current = target[name];
    target[name] = current === undefined ? value : current + value;
  }
}

/** Like {@link addInto}, but only for the names in `only`. */
export function addSelectedInto(
  target: MutableResourceAmounts,
  source: ResourceAmounts,
  only: ReadonlySet<string>,
): void {
  for (const name in source) {
    if (!only.has(name)) continue;
    const value = source[name] as bigint;
    const current = target[name];
    target[name] = current === undefined ? value : current + value;
  }
}

/** Raises every amount of `target` to at least the one in `source`; names only in `source` are copied. */
export function maxInto(target: MutableResourceAmounts, source: ResourceAmounts): void {
  for (const name in source) {
    const value = source[name] as bigint;
    const current = target[name];
    if (current === undefined || value > current) target[name] = value;
  }
}

/** The sum of several amounts objects, as a new frozen object. */
export function sumAmounts(list: Iterable<ResourceAmounts>): ResourceAmounts {
  const total: MutableResourceAmounts = {};
  for (const amounts of list) addInto(total, amounts);
  return Object.freeze(total);
}

/** True when `a` and `b` have the same names with the same amounts. */
export function amountsEqual(a: ResourceAmounts, b: ResourceAmounts): boolean {
  let count = 0;
  for (const name in a) {
    if (amountOf(b, name) !== a[name]) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}

/** True for `hugepages-<size>` resource names. */
export function isHugePagesResource(name: string): boolean {
  return name.startsWith(HUGEPAGES_PREFIX);
}

/**
 * True for resources counted in bytes: `memory`, `ephemeral-storage`, `storage` and huge pages.
 * Their plain values are whole bytes; everything else (cpu cores, GPUs, pods) may be fractional.
 */
export function isByteResource(name: string): boolean {
  return name === 'memory' || name === 'ephemeral-storage' || name === 'storage' || isHugePagesResource(name);
}

function resourceRank(name: string): number {
  if (name === 'cpu') return 0;
  if (name === 'memory') return 1;
  if (name === 'ephemeral-storage') return 2;
  if (isHugePagesResource(name)) return 3;
  return 4;
}

/**
 * The column order of resource names in reports: cpu, memory, ephemeral-storage, then huge pages,
 * then everything else (extended resources such as `nvidia.com/gpu`), each group by name.
 */
export function compareResourceNames(a: string, b: string): number {
  const rank = resourceRank(a) - resourceRank(b);
  if (rank !== 0) return rank;
  return a < b ? -1 : a > b ? 1 : 0;
}
