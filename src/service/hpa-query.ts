/**
 * `/api/v1/hpas[?namespace=NS]`: the last HPA replay (hpa-replays.ts) as `hpa list -o json` prints
 * it — `{"kind":"HpaList","replayedAt":...,"items":[...]}` — filtered to one namespace on request.
 * The per-request part (the result's age, the latest run's failure) goes into `data`, as on the
 * other data routes.
 */
import { NAME, QueryError } from './capacity-query.js';
import type { HpaProblem, HpaResult, HpaSource } from './hpa-replays.js';

/** Validates the query string. @throws QueryError naming every problem */
export function parseHpaQuery(params: URLSearchParams): { namespace: string | undefined } {
  const problems: string[] = [];
  for (const key of new Set(params.keys())) {
    if (key !== 'namespace') problems.push(`unknown parameter "${key}" (expected namespace)`);
    else if (params.getAll(key).length > 1) problems.push('parameter "namespace" is given more than once');
  }
  const value = params.get('namespace')?.trim();
  const namespace = value === undefined || value === '' ? undefined : value;
  if (namespace !== undefined && !NAME.test(namespace))
    problems.push(`namespace ${JSON.stringify(namespace)} is not a valid namespace name`);
  if (problems.length > 0) throw new QueryError(problems);
  return { namespace };
}

/** The answer's document without `data` (cached per result and query by the server). */
export function hpaDocument(result: HpaResult, namespace: string | undefined): Record<string, unknown> {
  return {
    kind: 'HpaList',
    replayedAt: new Date(result.replayedAt).toISOString(),
    items: namespace === undefined ? result.items : result.items.filter((i) => i['namespace'] === namespace),
  };
}

/** The freshness of a result, computed per request. */
export function hpaFreshness(source: HpaSource, result: HpaResult, now: number): Record<string, unknown> {
  const problem = source.problem();
  const ageSeconds = Math.max(0, (now - result.replayedAt) / 1000);
  return {
    generation: result.generation,
    ageSeconds: Math.round(ageSeconds * 10) / 10,
    intervalSeconds: source.intervalMs / 1000,
    // A failed run keeps the last result: it is served, flagged, with the cause.
    stale: problem !== undefined,
    lastError: problem?.message ?? null,
  };
}

/** Why `/api/v1/hpas` has no answer yet (or, without a live cluster, at all). */
export function noHpaResult(source: HpaSource | undefined): HpaProblem {
  if (source === undefined)
    return {
      code: 404,
      reason: 'NotFound',
      message:
        'HPAs are replayed only against a live cluster: this service serves a snapshot (run `kubemetrics serve` without --snapshot)',
    };
  return (
    source.problem() ?? {
      code: 503,
      reason: 'ServiceUnavailable',
      message: 'no HPA replay yet; retry shortly',
    }
  );
}
