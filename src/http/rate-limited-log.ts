/**
 * Log lines limited to one per cause per interval, for failures that can repeat on every request
 * or connection. Used by both servers' loggers (the library never logs on its own; the callback
 * is the server's logger).
 */

/** Causes remembered at once by a {@link RateLimitedLog}; the oldest is forgotten beyond this. */
const MAX_CAUSES = 256;

interface CauseWindow {
  readonly since: number;
  suppressed: number;
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * One log line per cause per interval. A failure that repeats on every request (a TokenReview
 * endpoint that is down, a client sending garbage) must not write a line per request: the first
 * occurrence of a cause is logged at once; repeats within `intervalMs` are only counted, and the
 * count is logged (`repeated: n`, with the first occurrence's fields) once the interval is over,
 * on the next call or on {@link flush}.
 */
export class RateLimitedLog {
  readonly #windows = new Map<string, CauseWindow>();

  /** `write` is the logger's method (e.g. `(fields, msg) => logger.warn(fields, msg)`). */
  constructor(
    readonly write: (fields: Readonly<Record<string, unknown>>, message: string) => void,
    readonly message: string,
    readonly intervalMs = 60_000,
    readonly now: () => number = Date.now,
  ) {}

  log(cause: string, fields: Readonly<Record<string, unknown>>): void {
    const now = this.now();
    this.#flushExpired(now);
    const window = this.#windows.get(cause);
    if (window !== undefined) {
      window.suppressed++;
      return;
    }
    if (this.#windows.size >= MAX_CAUSES) {
      const oldest = this.#windows.keys().next();
      if (oldest.done !== true) this.#close(oldest.value, now);
    }
    this.#windows.set(cause, { since: now, suppressed: 0, fields });
    this.write({ ...fields, cause }, this.message);
  }

  /** Writes the counts of every open window (call on shutdown). */
  flush(): void {
    const now = this.now();
    for (const cause of [...this.#windows.keys()]) this.#close(cause, now);
  }

  #flushExpired(now: number): void {
    for (const [cause, window] of this.#windows)
      if (now - window.since >= this.intervalMs) this.#close(cause, now);
  }

  #close(cause: string, now: number): void {
    const window = this.#windows.get(cause);
    if (window === undefined) return;
    this.#windows.delete(cause);
    if (window.suppressed > 0)
      this.write(
        {
          ...window.fields,
          cause,
          repeated: window.suppressed,
          seconds: Math.round((now - window.since) / 1000),
        },
        `${this.message} (repeated)`,
      );
  }
}
