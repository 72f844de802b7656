/**
 * What a watcher learns about the controller's memory. The controller remembers each sync's
 * recommendation (for the stabilization windows) and each rescale (for the policy periods), in
 * memory only. A watcher that replays every sync from some moment on and records the same things
 * knows that memory from then on (`completeSince`), so once it has watched longer than the longest
 * window and period the desired count is one number instead of a range.
 *
 * The recorded recommendations are ours, computed from the metrics at our syncs, not the
 * controller's own (its syncs fall at other instants); a metric that moves between the two is the
 * remaining uncertainty. A rescale is dated by `status.lastScaleTime` when the HPA reports one
 * inside the interval, else at the sync that saw it.
 */
import {
  defaultedBehavior,
  recordScaleEvent,
  type ControllerMemory,
  type HorizontalPodAutoscalerSpec,
  type Recommendation,
  type ScaleEvents,
} from '../hpa/index.js';

interface Entry {
  completeSince: number;
  recommendations: Recommendation[];
  events: ScaleEvents;
  lastReplicas: number | undefined;
  lastSeen: number;
}

/** Recommendations older than this cannot matter (longer than any window the API allows: 1 h). */
const KEEP_MS = 3_600_000;

export class HpaHistory {
  readonly #entries = new Map<string, Entry>();
  readonly #downscaleStabilizationSeconds: number;

  constructor(downscaleStabilizationSeconds: number) {
    this.#downscaleStabilizationSeconds = downscaleStabilizationSeconds;
  }

  /**
   * The memory to replay the sync at `now` with. The first call for an HPA starts its history:
   * nothing before `now` is known.
   */
  memory(
    key: string,
    spec: HorizontalPodAutoscalerSpec,
    specReplicas: number,
    lastScaleTime: number | undefined,
    now: number,
  ): ControllerMemory {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = {
        completeSince: now,
        recommendations: [],
        events: { scaleUp: [], scaleDown: [] },
        lastReplicas: specReplicas,
        lastSeen: now,
      };
      this.#entries.set(key, entry);
    } else if (entry.lastReplicas !== undefined && entry.lastReplicas !== specReplicas) {
      // The controller rescaled since our last sync.
      const at =
        lastScaleTime !== undefined && lastScaleTime > entry.lastSeen && lastScaleTime <= now
          ? lastScaleTime
          : now;
      entry.events = recordScaleEvent(
        entry.events,
        defaultedBehavior(spec, this.#downscaleStabilizationSeconds),
        entry.lastReplicas,
        specReplicas,
        at,
      );
    }
    entry.lastReplicas = specReplicas;
    entry.lastSeen = now;
    return {
      recommendations: entry.recommendations,
      scaleUpEvents: entry.events.scaleUp,
      scaleDownEvents: entry.events.scaleDown,
      completeSince: entry.completeSince,
    };
  }

  /** Records this sync's recommendation (what the controller stores after stabilizing). */
  record(key: string, recommendation: number | undefined, now: number): void {
    const entry = this.#entries.get(key);
    if (entry === undefined || recommendation === undefined) return;
    entry.recommendations = entry.recommendations.filter((r) => r.timestamp > now - KEEP_MS);
    entry.recommendations.push({ replicas: recommendation, timestamp: now });
  }

  /** How long the history of `key` has been complete at `now`, in ms (0 when unknown). */
  watchedMs(key: string, now: number): number {
    const entry = this.#entries.get(key);
    return entry === undefined ? 0 : now - entry.completeSince;
  }
}
