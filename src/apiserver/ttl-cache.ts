/**
 * A small expiring cache for review answers (TokenReview, SubjectAccessReview), shaped like
 * k8s.io/apiserver's cached token authenticator and webhook authorizer caches: each entry lives
 * for its own TTL, concurrent lookups of the same key share one call (a "singleflight"), failed
 * calls are not cached, and the cache holds a bounded number of entries (oldest evicted first).
 */

interface Entry<V> {
  readonly value: V;
  readonly expires: number;
}

export interface TtlCacheOptions {
  /** Most entries kept (default 4096). */
  readonly maxEntries?: number | undefined;
  /** Clock in ms, for tests. */
  readonly now?: (() => number) | undefined;
}

export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #inflight = new Map<string, Promise<V>>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: TtlCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 4096;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value, if still fresh. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Caches `value` for `ttlMs` (0 or less: not cached). */
  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.#now() + ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  /**
   * The cached value, or the result of `load` (shared by concurrent callers of the same key),
   * cached for `ttlOf(value)` ms. `hit` tells whether the answer came from the cache.
   */
  async getOrLoad(
    key: string,
    load: () => Promise<V>,
    ttlOf: (value: V) => number,
  ): Promise<{ value: V; hit: boolean }> {
    const cached = this.get(key);
    if (cached !== undefined) return { value: cached, hit: true };
    let pending = this.#inflight.get(key);
    if (pending === undefined) {
      pending = load().then(
        (value) => {
          this.#inflight.delete(key);
          this.set(key, value, ttlOf(value));
          return value;
        },
        (error: unknown) => {
          this.#inflight.delete(key);
          throw error;
        },
      );
      this.#inflight.set(key, pending);
    }
    return { value: await pending, hit: false };
  }

  clear(): void {
    this.#entries.clear();
  }
}
