/**
 * The informer's backoff between failed lists and watches, as client-go's Reflector has it
 * (k8s.io/client-go/tools/cache/reflector.go, `NewReflectorWithOptions`:
 * `wait.NewExponentialBackoffManager(800ms, 30s, 2min, 2.0, 1.0)`): the step starts at 800 ms and
 * doubles up to 30 s; each wait is the step plus up to one more step of jitter, so a failing
 * informer settles at one attempt every 30–60 s; and the step goes back to the start only when no
 * wait was asked for during 2 minutes. A list that succeeds between two failed watches therefore
 * does not reset it (the relist storm of a refused watch); a watch that stayed healthy does.
 */

import { KubemetricsError } from '../errors.js';

/** Bounds of {@link Backoff}; every field has client-go's default. */
export interface BackoffOptions {
  /** First step in ms (800). */
  readonly initialMs?: number | undefined;
  /** Largest step in ms (30 000). */
  readonly maxMs?: number | undefined;
  /** Quiet time after which the step resets, in ms (120 000). */
  readonly resetAfterMs?: number | undefined;
}

export const DEFAULT_BACKOFF = { initialMs: 800, maxMs: 30_000, resetAfterMs: 120_000 } as const;

export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #resetAfterMs: number;
  readonly #now: () => number;
  readonly #random: () => number;
  #step: number;
  #lastAt: number | undefined;

  constructor(
    options: BackoffOptions = {},
    now: () => number = Date.now,
    random: () => number = Math.random,
  ) {
    this.#initialMs = positive(options.initialMs, DEFAULT_BACKOFF.initialMs, 'initialMs');
    this.#maxMs = Math.max(this.#initialMs, positive(options.maxMs, DEFAULT_BACKOFF.maxMs, 'maxMs'));
    this.#resetAfterMs = positive(options.resetAfterMs, DEFAULT_BACKOFF.resetAfterMs, 'resetAfterMs');
    this.#now = now;
    this.#random = random;
    this.#step = this.#initialMs;
  }

  /** The next wait in ms (and moves the step on). */
  next(): number {
    const now = this.#now();
    if (this.#lastAt !== undefined && now - this.#lastAt > this.#resetAfterMs) this.#step = this.#initialMs;
    this.#lastAt = now;
    const wait = this.#step + this.#random() * this.#step;
    this.#step = Math.min(this.#step * 2, this.#maxMs);
    return Math.round(wait);
  }
}

/** An optional positive option (the fallback when absent); a bad value is an argument error. */
export function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `informer option ${name} must be a positive number, got ${String(value)}`,
    );
  return value;
}
