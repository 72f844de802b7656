/**
 * Custom and external metric requests turned into PromQL, run, and read back into values.
 *
 * Reading back is strict where the adapter is lenient: a sample whose value is NaN or infinite is
 * no value (the object is left out, a single object answers 404); two samples for the same object
 * mean the rule's query does not aggregate by `<<.GroupBy>>` and the request fails with a message
 * saying so, instead of the HPA receiving two values for one pod.
 */
import type { LabelSelector } from '../../api/index.js';
import { formatGroupResource } from '../../apiserver/index.js';
import { StatusError } from '../../apiserver/index.js';
import type { CustomMetricValue, ExternalMetricSample } from '../../apiserver/index.js';
import type { DiscoveredMetric, CustomMetricEntry } from './discovery.js';
import { PrometheusQueryError, type QueryAnswer } from './prometheus-http.js';
import { rangeDurations } from './prometheus-duration.js';
import { batchNames, matchersForSelector, namesMatcher, type LabelMatcher } from './promql.js';
import { renderQuery, selectorValues } from './query-template.js';
import type { QueryRunner, Trace } from './query-runner.js';
import { sampleQuantity } from './sample-value.js';

export interface QueryContext {
  readonly runner: QueryRunner;
  readonly maxRegexLength: number;
  readonly signal: AbortSignal;
  readonly trace?: Trace | undefined;
}

/** The window a query computes over, when it has exactly one range (`rate(x[2m])` → 120 s). */
export function windowSecondsOf(promql: string): number | undefined {
  const ranges = [...new Set(rangeDurations(promql))];
  return ranges.length === 1 && ranges[0] !== undefined ? ranges[0] / 1000 : undefined;
}

/** Re-throws a query error with the rule it came from (a template produced PromQL Prometheus refused). */
export function withRule<T>(rule: string, promise: Promise<T>): Promise<T> {
  return promise.catch((error: unknown) => {
    if (error instanceof PrometheusQueryError)
      throw new StatusError(
        500,
        `the query built by ${rule} failed: ${error.message}; query: ${error.promql}`,
        {
          hint: error.hint,
        },
      );
    throw error;
  });
}

export interface CustomRequest {
  readonly entry: CustomMetricEntry;
  /** `''` for cluster-scoped objects. */
  readonly namespace: string;
  readonly metricSelector: LabelSelector;
  /** Object names; `undefined` for every object that has the metric. */
  readonly names: readonly string[] | undefined;
}

/** Values of a custom metric for the objects asked for (objects without a value are left out). */
export async function queryCustomMetric(
  request: CustomRequest,
  ctx: QueryContext,
): Promise<CustomMetricValue[]> {
  const { entry, namespace, names } = request;
  const { rule } = entry;
  const resourceLabel = rule.resources.labelFor(entry.resource);
  if (resourceLabel === undefined)
    throw new StatusError(500, `${rule.path} maps no label to ${formatGroupResource(entry.resource)}`);
  const base: LabelMatcher[] = matchersForSelector(request.metricSelector, 'metricLabelSelector');
  const valuesByName = selectorValues(request.metricSelector);
  if (namespace !== '') {
    const namespaceLabel = rule.resources.namespaceLabel;
    if (namespaceLabel === undefined)
      throw new StatusError(
        500,
        `${rule.path} maps no label to namespaces, so it cannot answer for namespace ${namespace}`,
      );
    base.push({ label: namespaceLabel, op: '=', value: namespace });
    valuesByName[namespaceLabel] = namespace;
  }
  const batches: (readonly string[] | undefined)[] =
    names === undefined ? [undefined] : batchNames(names, ctx.maxRegexLength);
  const queries = batches.map((batch) =>
    renderQuery(rule.metricsQuery, {
      series: entry.seriesName,
      matchers: [...base, namesMatcher(resourceLabel, batch)],
      valuesByName: { ...valuesByName, [resourceLabel]: batch === undefined ? '' : batch.join('|') },
      groupBy: [resourceLabel],
    }),
  );
  if (batches.length > 1)
    ctx.trace?.notes.push(
      `${names?.length ?? 0} object names split into ${batches.length} queries (maxRegexLength ${ctx.maxRegexLength})`,
    );
  const answers = await withRule(rule.path, ctx.runner.runAll(queries, ctx.signal, ctx.trace));
  const wanted = names === undefined ? undefined : new Set(names);
  const values = new Map<string, CustomMetricValue>();
  answers.forEach((answer, i) => {
    expectVector(answer, rule.path, queries[i] ?? '');
    const windowSeconds = windowSecondsOf(queries[i] ?? '');
    for (const sample of answer.samples) {
      const name = sample.labels[resourceLabel];
      if (name === undefined || name === '') {
        ctx.trace?.notes.push(
          `a sample without the ${resourceLabel} label was ignored: ${JSON.stringify(sample.labels)}`,
        );
        continue;
      }
      if (wanted !== undefined && !wanted.has(name)) continue;
      if (values.has(name))
        throw new StatusError(
          500,
          `the query of ${rule.path} returned several samples for ${formatGroupResource(entry.resource)} ${name}: its metricsQuery must aggregate by (<<.GroupBy>>); query: ${queries[i] ?? ''}`,
        );
      const value = sampleQuantity(sample.value);
      if (value === undefined) {
        ctx.trace?.notes.push(`${name}: value ${sample.value} is not a number; reported as no value`);
        continue;
      }
      values.set(name, { name, value, timestamp: new Date(sample.timestampMs), windowSeconds });
    }
  });
  return [...values.values()];
}

export interface ExternalRequest {
  readonly entry: DiscoveredMetric;
  readonly namespace: string;
  readonly selector: LabelSelector;
}

/** Every series of an external metric matching the selector. */
export async function queryExternalMetric(
  request: ExternalRequest,
  ctx: QueryContext,
): Promise<ExternalMetricSample[]> {
  const { entry, namespace, selector } = request;
  const { rule } = entry;
  const matchers = matchersForSelector(selector, 'labelSelector');
  let valuesByName = selectorValues(selector);
  const namespaceLabel = rule.resources.namespaceLabel;
  if (rule.namespaced && namespaceLabel !== undefined) {
    matchers.push({ label: namespaceLabel, op: '=', value: namespace });
    valuesByName[namespaceLabel] = namespace;
  }
  // labelValueReplacements apply to the raw values templates read (as in the adapter).
  if (rule.labelValueReplacements.length > 0)
    valuesByName = Object.fromEntries(
      Object.entries(valuesByName).map(([k, v]) => [
        k,
        rule.labelValueReplacements.reduce((text, r) => text.split(r.find).join(r.replace), v),
      ]),
    );
  const promql = renderQuery(rule.metricsQuery, {
    series: entry.seriesName,
    matchers,
    valuesByName,
    groupBy: [],
  });
  const answer = await withRule(rule.path, ctx.runner.run(promql, ctx.signal, ctx.trace));
  // A scalar (`scalar(...)`, `vector(1)` folded) is one series without labels.
  if (answer.resultType !== 'scalar') expectVector(answer, rule.path, promql);
  const windowSeconds = windowSecondsOf(promql);
  const values: ExternalMetricSample[] = [];
  for (const sample of answer.samples) {
    const value = sampleQuantity(sample.value);
    const { __name__: _name, ...labels } = sample.labels;
    if (value === undefined) {
      ctx.trace?.notes.push(
        `series ${JSON.stringify(labels)}: value ${sample.value} is not a number; left out`,
      );
      continue;
    }
    values.push({ labels, value, timestamp: new Date(sample.timestampMs), windowSeconds });
  }
  return values;
}

/** Scalars and strings cannot be matched to objects. */
export function expectVector(answer: QueryAnswer, rule: string, promql: string): void {
  if (answer.resultType !== 'vector')
    throw new StatusError(
      500,
      `the query of ${rule} returned a ${answer.resultType}, not an instant vector; wrap it in an aggregation such as sum(...) by (<<.GroupBy>>); query: ${promql}`,
    );
}
