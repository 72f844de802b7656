/**
 * Whether a per-object memo (a WeakMap from a provider's value objects to their encoding) is worth
 * writing. It pays when providers hand back the same value objects request after request (the
 * memory provider does); for providers that build new values per request (the Prometheus provider)
 * every entry is pure garbage-collector work: WeakMap entries are ephemerons, traced specially at
 * every collection. Measured with 500 fresh values per request: p50 2.5 -> 1.9 ms and p90 13.6 ->
 * 3.0 ms without the writes.
 *
 * So lookups are counted in windows; while fewer than one in eight hits, writes stop, and every
 * sixteenth window writes again to notice a provider that started reusing values.
 */

const WINDOW = 512;
const MIN_HIT_RATIO = 1 / 8;
const PROBE_EVERY = 16;

export class MemoPolicy {
  #lookups = 0;
  #hits = 0;
  #writing = true;
  #quietWindows = 0;

  /** Records one memo lookup. */
  lookup(hit: boolean): void {
    this.#lookups += 1;
    if (hit) this.#hits += 1;
    if (this.#lookups < WINDOW) return;
    if (this.#writing) this.#writing = this.#hits >= this.#lookups * MIN_HIT_RATIO;
    else if (this.#hits >= this.#lookups * MIN_HIT_RATIO || ++this.#quietWindows >= PROBE_EVERY) {
      this.#writing = true;
      this.#quietWindows = 0;
    }
    this.#lookups = 0;
    this.#hits = 0;
  }

  /** Whether to store new entries now. */
  get writing(): boolean {
    return this.#writing;
  }
}
