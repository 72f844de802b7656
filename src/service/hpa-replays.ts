/**
 * The service's HPA picture: one replay of the HPA controller's sync (`replayHpas` of hpa-fetch,
 * the same fetch and calculation as `kubemetrics hpa list`) on the service's metrics interval, kept
 * as `hpa list -o json` items (`replaySummary`, the one converter). HTTP requests read the last
 * result and never start a replay, so a poller cannot multiply the requests to the cluster and the
 * metrics APIs; runs never overlap (the next one is scheduled when the previous one ends, so a slow
 * cluster stretches the interval instead of piling runs up).
 *
 * Pods are listed by the replay itself (one list per run, as `hpa list -A` does), not read from
 * the informer cache: the cache keeps trimmed pod records without the labels, readiness conditions
 * and start times the controller's classification needs.
 *
 * A cluster without the autoscaling API, or RBAC that forbids listing HPAs, is a state of this
 * source only: the rest of the service keeps answering, and `/api/v1/hpas` says which it is.
 */
import type { CallOptions, MetricsClient } from '../client/index.js';
import { isKubernetesApiError } from '../client/index.js';
import type { ControllerOptions } from '../hpa/index.js';
import {
  HpaHistory,
  replayHpas,
  replaySummary,
  type HpaReplay,
  type ReplayRequest,
} from '../hpa-fetch/index.js';

/** One finished replay, as the route serves it. */
export interface HpaResult {
  /** `hpa list -o json` items, every namespace, in the replay's order. */
  readonly items: readonly Record<string, unknown>[];
  /** Epoch ms the replay was computed at. */
  readonly replayedAt: number;
  /** Counts finished runs with a result: the route's encoded answers are kept per generation. */
  readonly generation: number;
}

/** Why there is no (current) result: the route's Status, with the HTTP code that fits the cause. */
export interface HpaProblem {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

/** What `/api/v1/hpas` reads; {@link HpaReplayLoop} in a live service. */
export interface HpaSource {
  /** The last successful result, undefined before the first one. */
  result(): HpaResult | undefined;
  /** The latest run's failure (kept until a run succeeds), or why there is no result yet. */
  problem(): HpaProblem | undefined;
  readonly intervalMs: number;
}

export interface HpaReplayLoopOptions {
  readonly client: MetricsClient;
  /** The service's metrics interval. */
  readonly intervalMs: number;
  readonly controller?: Partial<ControllerOptions> | undefined;
  /** Page size of the HPA and pod lists. */
  readonly pageSize?: number | undefined;
  readonly now?: (() => number) | undefined;
  /** The replay (tests count or fail runs through it); default `replayHpas`. */
  readonly replay?: ((client: MetricsClient, request: ReplayRequest) => Promise<HpaReplay[]>) | undefined;
}

/** The cause of a failed run in words a reader can act on. */
export function hpaProblemOf(error: unknown): HpaProblem {
  if (isKubernetesApiError(error, 404)) {
    return {
      code: 503,
      reason: 'ServiceUnavailable',
      message: `the cluster does not serve HorizontalPodAutoscalers (autoscaling/v2): ${error.message}; HPAs need Kubernetes 1.23 or later`,
    };
  }
  if (isKubernetesApiError(error, 403)) {
    return {
      code: 503,
      reason: 'ServiceUnavailable',
      message: `RBAC forbids the service what the HPA replay reads: ${error.message}; grant its service account list on horizontalpodautoscalers.autoscaling and pods, get on the targets' scale subresources and the metrics APIs (see docs/service.md)`,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 503, reason: 'ServiceUnavailable', message: `the last HPA replay failed: ${message}` };
}

export class HpaReplayLoop implements HpaSource {
  readonly intervalMs: number;
  readonly #options: HpaReplayLoopOptions;
  readonly #now: () => number;
  /** The controller's memory as far as this service observed it (it narrows desired ranges). */
  readonly #history: HpaHistory;
  #result: HpaResult | undefined;
  #problem: HpaProblem | undefined = {
    code: 503,
    reason: 'ServiceUnavailable',
    message: 'no HPA replay yet: the first one is running; retry shortly',
  };
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #abort = new AbortController();
  #stopped = false;
  readonly #listeners = new Set<() => void>();

  constructor(options: HpaReplayLoopOptions) {
    if (!Number.isFinite(options.intervalMs) || options.intervalMs <= 0)
      throw new RangeError(`intervalMs must be a positive number of ms, got ${String(options.intervalMs)}`);
    this.#options = options;
    this.intervalMs = options.intervalMs;
    this.#now = options.now ?? Date.now;
    this.#history = new HpaHistory(options.controller?.downscaleStabilizationSeconds ?? 300);
  }

  result(): HpaResult | undefined {
    return this.#result;
  }

  problem(): HpaProblem | undefined {
    return this.#problem;
  }

  /** Called after every run (success or failure). */
  onRun(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts the first run now and the next ones one interval after each ends. */
  start(): void {
    this.#stopped = false;
    this.#cycle();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#running;
    this.#abort = new AbortController();
  }

  /** One run; a call while one runs joins it (one run at a time). */
  refresh(): Promise<void> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
      for (const listener of this.#listeners) listener();
    });
    return this.#running;
  }

  #cycle(): void {
    void this.refresh().then(() => {
      if (!this.#stopped) this.#timer = setTimeout(() => this.#cycle(), this.intervalMs);
    });
  }

  async #run(): Promise<void> {
    const call: CallOptions = { signal: this.#abort.signal };
    const now = this.#now();
    try {
      const replays = await (this.#options.replay ?? replayHpas)(this.#options.client, {
        ...call,
        now,
        controller: this.#options.controller,
        limit: this.#options.pageSize,
        history: this.#history,
      });
      this.#result = {
        items: replays.map(replaySummary),
        replayedAt: now,
        generation: (this.#result?.generation ?? 0) + 1,
      };
      this.#problem = undefined;
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      this.#problem = hpaProblemOf(error);
    }
  }
}
