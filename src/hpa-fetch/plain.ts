/**
 * The one converter from replays (which hold bigint milli-values and epoch-ms times) to plain
 * JSON/YAML documents, exact and without floats invented on the way:
 *
 * - a bigint amount is a milli-value (the calculation's unit) and becomes a Kubernetes quantity
 *   string (`1500m`, `2`, `1073741824`); its key loses the `Milli` suffix (`currentAverageMilli` →
 *   `currentAverage`, `milli` → `value`);
 * - times (epoch ms) become RFC 3339 strings;
 * - ratios stay JSON numbers: the float64 the controller compares with its tolerance, printed with
 *   the shortest digits that read back as the same float (a non-finite ratio is a string).
 *
 * `replayToPlain` is `hpa explain -o json`, `replaySummary` one item of `hpa list -o json` and of the
 * service's `/api/v1/hpas`.
 */
import { Quantity } from '../quantity/index.js';
import { effectiveMetrics, type HorizontalPodAutoscalerSpec, type MetricProposal } from '../hpa/index.js';
import type { HpaReplay } from './replay.js';

const TIME_KEYS = new Set(['timestamp', 'startTime', 'lastTransitionTime', 'completeSince']);

/** Deep conversion by the rules above; `undefined` fields are dropped. */
export function toPlain(value: unknown, key = ''): unknown {
  if (typeof value === 'bigint') return Quantity.fromMilli(value).toString();
  if (typeof value === 'number') {
    if (TIME_KEYS.has(key)) return new Date(value).toISOString();
    return Number.isFinite(value) ? value : String(value);
  }
  if (Array.isArray(value)) return value.map((v) => toPlain(v));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const name = typeof v === 'bigint' || (Array.isArray(v) && typeof v[0] === 'bigint') ? plainKey(k) : k;
      out[name] = toPlain(v, k);
    }
    return out;
  }
  return value;
}

function plainKey(key: string): string {
  if (key === 'milli') return 'value';
  return key.endsWith('Milli') ? key.slice(0, -'Milli'.length) : key;
}

/**
 * A metric's target as the spec writes it (`80%`, `100Mi`): the quantity string itself, so
 * `100Mi` stays `100Mi` as `kubectl get hpa` prints it; the milli-value only when the spec has none.
 */
export function targetText(p: MetricProposal, spec?: HorizontalPodAutoscalerSpec): string {
  if (p.target === undefined) return '<unset>';
  if (p.targetType === 'Utilization') return `${String(p.target)}%`;
  const m = spec === undefined ? undefined : effectiveMetrics(spec)[p.index];
  const source = m?.resource ?? m?.containerResource ?? m?.pods ?? m?.object ?? m?.external;
  const written = p.targetType === 'Value' ? source?.target.value : source?.target.averageValue;
  if (written !== undefined) return written;
  const milli = typeof p.target === 'bigint' ? p.target : BigInt(p.target);
  return Quantity.fromMilli(milli).toString();
}

/**
 * A metric's current value the way the controller writes it into `status.currentMetrics`: a
 * percentage, or `NewMilliQuantity(value, DecimalSI)` (so 150Mi of memory reads 157286400).
 */
export function currentText(p: MetricProposal): string | undefined {
  const c = p.calculation;
  if (c === undefined) return undefined;
  if ('utilization' in c && c.utilization !== undefined && p.targetType === 'Utilization')
    return `${c.utilization}%`;
  if ('currentAverageMilli' in c) return Quantity.fromMilli(c.currentAverageMilli).toString();
  if ('currentMilli' in c) return Quantity.fromMilli(c.currentMilli).toString();
  return undefined;
}

/** One metric, summarized: what it measured against what target, and what it proposes. */
function metricSummary(p: MetricProposal, hint: string | undefined, spec: HorizontalPodAutoscalerSpec) {
  return {
    type: p.type,
    name: p.name,
    targetType: p.targetType,
    target: p.target === undefined ? undefined : targetText(p, spec),
    current: currentText(p),
    usageRatio: p.calculation?.usageRatio,
    withinTolerance: p.calculation?.withinTolerance,
    proposedReplicas: p.proposedReplicas,
    error: p.error === undefined ? undefined : { ...p.error, hint },
  };
}

function statusPart(replay: HpaReplay) {
  const s = replay.hpa.status;
  return {
    currentReplicas: s?.currentReplicas,
    desiredReplicas: s?.desiredReplicas,
    lastScaleTime: s?.lastScaleTime,
    conditions: s?.conditions,
  };
}

/** Replays that cannot compute, and why, in one phrase (empty when the decision is complete). */
export function problemOf(replay: HpaReplay): string | undefined {
  if (replay.failure !== undefined) return `${replay.failure.reason}: ${replay.failure.message}`;
  const rec = replay.decision?.recommendation;
  if (rec?.blocked !== undefined)
    return `${rec.firstError?.reason ?? 'FailedGetMetrics'}: ${rec.firstError?.message ?? rec.blocked}`;
  const failed = replay.decision?.metrics.find((m) => m.error !== undefined);
  if (failed?.error !== undefined) return `${failed.error.reason}: ${failed.error.message}`;
  return undefined;
}

/** `hpa list -o json` item (also `/api/v1/hpas`): every metric's numbers, no per-pod detail. */
export function replaySummary(replay: HpaReplay): Record<string, unknown> {
  const d = replay.decision;
  const hints = new Map(replay.fetches.map((f) => [f.index, f.error?.hint]));
  const range = d?.desiredReplicasRange;
  return toPlain({
    namespace: replay.namespace,
    name: replay.name,
    scaleTargetRef: {
      kind: replay.target.kind,
      name: replay.target.name,
      apiVersion: replay.target.apiVersion,
    },
    minReplicas: d?.minReplicas ?? replay.hpa.spec.minReplicas ?? 1,
    maxReplicas: replay.hpa.spec.maxReplicas,
    currentReplicas: replay.target.specReplicas,
    metrics: (d?.metrics ?? []).map((p) => metricSummary(p, hints.get(p.index), replay.hpa.spec)),
    recommendedReplicas: d?.recommendedReplicas,
    desiredReplicas: d?.desiredReplicas,
    desiredReplicasRange: range !== undefined && range.min !== range.max ? range : undefined,
    canCompute: problemOf(replay) === undefined,
    problem: problemOf(replay),
    failure: replay.failure,
    status: {
      desiredReplicas: replay.hpa.status?.desiredReplicas,
      currentReplicas: replay.hpa.status?.currentReplicas,
    },
    agreesWithStatus: replay.agreement?.agrees ?? null,
    agreement: replay.agreement?.reason,
  }) as Record<string, unknown>;
}

/** `hpa explain -o json|yaml`: every intermediate number. */
export function replayToPlain(replay: HpaReplay): Record<string, unknown> {
  const d = replay.decision;
  const fetchOf = new Map(replay.fetches.map((f) => [f.index, f]));
  const range = d?.desiredReplicasRange;
  return toPlain({
    kind: 'HpaExplanation',
    namespace: replay.namespace,
    name: replay.name,
    replayedAt: new Date(replay.now).toISOString(),
    scaleTarget: replay.target,
    failure: replay.failure,
    currentReplicas: replay.target.specReplicas,
    minReplicas: d?.minReplicas ?? replay.hpa.spec.minReplicas ?? 1,
    maxReplicas: replay.hpa.spec.maxReplicas,
    tolerances: d?.tolerances,
    controller: d?.options,
    shortcut: d?.shortcut,
    pods: replay.pods.map((p) => ({
      name: p.name,
      phase: p.phase,
      deleting: p.deleting === true ? true : undefined,
      ready: p.ready?.status,
      startTime: p.startTime,
    })),
    metrics: (d?.metrics ?? []).map((p) => {
      const fetch = fetchOf.get(p.index);
      return {
        ...metricSummary(p, fetch?.error?.hint, replay.hpa.spec),
        request: fetch?.request,
        skippedSamples: fetch?.skipped !== undefined && fetch.skipped.length > 0 ? fetch.skipped : undefined,
        calculation: p.calculation,
        pods: p.pods,
      };
    }),
    recommendedReplicas: d?.recommendedReplicas,
    recommendation: d?.recommendation,
    desiredReplicas: d?.desiredReplicas,
    desiredReplicasRange: range !== undefined && range.min !== range.max ? range : undefined,
    desired: d?.desired,
    watchedSeconds: replay.watchedMs === undefined ? undefined : Math.floor(replay.watchedMs / 1000),
    summary: d?.summary,
    status: statusPart(replay),
    agreesWithStatus: replay.agreement?.agrees ?? null,
    agreement: replay.agreement?.reason,
  }) as Record<string, unknown>;
}
