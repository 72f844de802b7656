/**
 * A small expiring cache for review answers (TokenReview, SubjectAccessReview), shaped like
 * k8s.io/apiserver's cached token authenticator and webhook authorizer caches: each entry lives
 * for its own TTL, concurrent lookups of the same key share one call (a "singleflight"), failed
 * calls are not cached, and the cache holds a bounded number of entries (oldest evicted first).
 *
 * Expired entries are also swept on a timer (every `sweepIntervalMs` while the cache holds
 * anything): without it, a burst of unique keys (6,000 distinct paths, each its own
 * SubjectAccessReview) would stay in memory long after its answers expired, since an entry is
 * otherwise only dropped when its own key is asked again. The timer is unref'd and only runs while
 * there are entries, so an idle cache holds no timer and nothing keeps the process alive.
 */

interface Entry<V> {
  readonly value: V;
  readonly expires: number;
}

export interface TtlCacheOptions {
  /** Most entries kept (default 4096). */
  readonly maxEntries?: number | undefined;
  /** How often expired entries are swept, in ms (default 30 000). */
  readonly sweepIntervalMs?: number | undefined;
  /** Clock in ms, for tests. */
  readonly now?: (() => number) | undefined;
}

export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #inflight = new Map<string, Promise<V>>();
  readonly #maxEntries: number;
  readonly #sweepIntervalMs: number;
  readonly #now: () => number;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: TtlCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 4096;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /** Drops every expired entry now. */
  sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) if (entry.expires <= now) this.#entries.delete(key);
  }

  #scheduleSweep(): void {
    if (this.#sweeper !== undefined) return;
    this.#sweeper = setTimeout(() => {
      this.#sweeper = undefined;
      this.sweep();
      if (this.#entries.size > 0) this.#scheduleSweep();
    }, this.#sweepIntervalMs);
    this.#sweeper.unref();
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
    this.#scheduleSweep();
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
    clearTimeout(this.#sweeper);
    this.#sweeper = undefined;
  }
}
