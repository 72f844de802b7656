/**
 * "Why is my metric empty?": runs one metrics API request through the Prometheus provider and
 * reports every step: the rule that matched (or why none did, from discovery's per-rule counts),
 * the PromQL sent, Prometheus' raw answer, and the values served. Used by
 * `kubemetrics apiserver explain <path>` and the server's `/debug/prometheus/explain?path=` route.
 */
import { parseLabelSelector, type LabelSelector } from '../../api/index.js';
import { answerForError, didYouMean, formatGroupResource, parseRoute } from '../../apiserver/index.js';
import { customKey, type DiscoveryResult } from './discovery.js';
import type { PrometheusProvider } from './prometheus-provider.js';
import type { QueryTrace, Trace } from './query-runner.js';
import { normalizeResource } from './resource-names.js';

export interface Explanation {
  readonly path: string;
  /** `custom.metrics.k8s.io pods/http_requests (namespace default)` and the like. */
  readonly request: string;
  readonly rule?:
    | {
        readonly path: string;
        readonly seriesQuery: string;
        readonly metricsQuery: string;
        /** The Prometheus series (`<<.Series>>`). */
        readonly series: string;
      }
    | undefined;
  readonly queries: readonly QueryTrace[];
  /** What the API server would serve (values as canonical quantities). */
  readonly served: unknown;
  /** Set when the request fails: the Status code and message the client gets. */
  readonly error?: { readonly code: number; readonly message: string } | undefined;
  readonly notes: readonly string[];
  readonly discoveredAt: string;
}

const selectorParam = (query: URLSearchParams, name: string): LabelSelector =>
  parseLabelSelector(query.get(name) ?? '');

/** Explains `target` (a metrics API path with its query string). Never throws for a bad path. */
export async function explainRequest(
  provider: PrometheusProvider,
  target: string,
  options: { readonly signal: AbortSignal; readonly refresh?: boolean | undefined },
): Promise<Explanation> {
  const trace: Trace = { queries: [], notes: [] };
  const base = { path: target, queries: trace.queries, notes: trace.notes };
  if (options.refresh === true)
    await provider.refresh().catch((error: unknown) => {
      trace.notes.push(`discovery failed: ${(error as Error).message}`);
    });
  const discovery = provider.discovery;
  const discoveredAt = discovery.at.toISOString();
  const parsed = parseRoute(target);
  if (!parsed.ok)
    return {
      ...base,
      request: 'not a metrics API path',
      served: null,
      discoveredAt,
      error: { code: parsed.code, message: parsed.message },
    };
  const route = parsed.route;
  const signal = options.signal;
  let request = '';
  let rule: Explanation['rule'];
  try {
    switch (route.kind) {
      case 'custom-metric': {
        const resource = normalizeResource(route.groupResource.group, route.groupResource.resource);
        const namespaced = route.namespace !== '';
        request = `custom.metrics.k8s.io ${formatGroupResource(resource)}/${route.metric}${namespaced ? ` in namespace ${route.namespace}` : ' (cluster-scoped)'}${route.name === undefined ? '' : `, object ${route.name}`}`;
        const entry = discovery.custom.get(customKey(resource, route.metric, namespaced));
        if (entry === undefined) {
          whyMissing(
            trace,
            discovery,
            `${formatGroupResource(resource)}/${route.metric}`,
            [...discovery.custom.values()].map((e) => `${formatGroupResource(e.resource)}/${e.metric}`),
            'custom',
          );
          if (discovery.custom.has(customKey(resource, route.metric, !namespaced)))
            trace.notes.push(
              `the metric exists ${namespaced ? 'without' : 'with'} a namespace: the series ${namespaced ? 'have no' : 'have a'} namespace label`,
            );
          return {
            ...base,
            request,
            served: null,
            discoveredAt,
            error: {
              code: 404,
              message: `the server could not find the metric ${route.metric} for ${formatGroupResource(resource)}`,
            },
          };
        }
        rule = {
          path: entry.rule.path,
          seriesQuery: entry.rule.seriesQuery,
          metricsQuery: entry.rule.metricsQuery.source,
          series: entry.seriesName,
        };
        const metricSelector = selectorParam(parsed.query, 'metricLabelSelector');
        const common = {
          signal,
          groupResource: route.groupResource,
          namespace: route.namespace,
          metric: route.metric,
          metricSelector,
        };
        if (route.name !== undefined) {
          const value = await provider.getMetricByName({ ...common, name: route.name }, trace);
          if (value === undefined) trace.notes.push(`no value for ${route.name}: the API server answers 404`);
          return { ...base, request, rule, served: value ?? null, discoveredAt };
        }
        const selector = selectorParam(parsed.query, 'labelSelector');
        if (!selector.isEmpty())
          trace.notes.push(
            `labelSelector "${selector.toString()}": the server resolves it to object names through its object lister; explain asks for every object instead`,
          );
        const values = await provider.getMetricBySelector({ ...common, selector, names: undefined }, trace);
        if (values.length === 0)
          trace.notes.push('no object has a value: the API server answers an empty list');
        return { ...base, request, rule, served: values, discoveredAt };
      }
      case 'external-metric': {
        request = `external.metrics.k8s.io ${route.metric} in namespace ${route.namespace}`;
        const entry = discovery.external.get(route.metric);
        if (entry === undefined) {
          whyMissing(trace, discovery, route.metric, [...discovery.external.keys()], 'external');
          return {
            ...base,
            request,
            served: null,
            discoveredAt,
            error: { code: 404, message: `the server could not find the external metric ${route.metric}` },
          };
        }
        rule = {
          path: entry.rule.path,
          seriesQuery: entry.rule.seriesQuery,
          metricsQuery: entry.rule.metricsQuery.source,
          series: entry.seriesName,
        };
        const values = await provider.getExternalMetric(
          {
            signal,
            namespace: route.namespace,
            metric: route.metric,
            selector: selectorParam(parsed.query, 'labelSelector'),
          },
          trace,
        );
        if (values.length === 0) trace.notes.push('no series matched: the API server answers an empty list');
        return { ...base, request, rule, served: values, discoveredAt };
      }
      case 'node-metrics':
      case 'pod-metrics': {
        const rules = provider.config.resourceRules;
        request =
          route.kind === 'node-metrics'
            ? `metrics.k8s.io nodes${route.name === undefined ? '' : `/${route.name}`}`
            : `metrics.k8s.io pods${route.namespace === '' ? '' : ` in namespace ${route.namespace}`}${route.name === undefined ? '' : `/${route.name}`}`;
        if (rules === undefined)
          return {
            ...base,
            request,
            served: null,
            discoveredAt,
            error: { code: 404, message: 'the config has no resourceRules' },
          };
        rule = {
          path:
            route.kind === 'node-metrics'
              ? 'resourceRules.{cpu,memory}.nodeQuery'
              : 'resourceRules.{cpu,memory}.containerQuery',
          seriesQuery: '',
          metricsQuery:
            route.kind === 'node-metrics' ? rules.cpu.nodeQuery.source : rules.cpu.containerQuery.source,
          series: '',
        };
        const names = route.name === undefined ? undefined : [route.name];
        const selector = selectorParam(parsed.query, 'labelSelector');
        const served =
          route.kind === 'node-metrics'
            ? await provider.getNodeUsage(
                { signal, selector: names === undefined ? selector : parseLabelSelector(''), names },
                trace,
              )
            : await provider.getPodUsage(
                {
                  signal,
                  namespace: route.namespace,
                  selector: names === undefined ? selector : parseLabelSelector(''),
                  names,
                },
                trace,
              );
        if (served.length === 0) trace.notes.push('no object has both cpu and memory values');
        return { ...base, request, rule, served, discoveredAt };
      }
      default:
        return {
          ...base,
          request: 'not a metric path',
          served: null,
          discoveredAt,
          error: {
            code: 400,
            message:
              'explain takes a custom, external or resource metrics path, e.g. /apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests',
          },
        };
    }
  } catch (error) {
    const { status } = answerForError(error);
    return {
      ...base,
      request,
      rule,
      served: null,
      discoveredAt,
      error: { code: status.code ?? 500, message: status.message ?? String(error) },
    };
  }
}

/** Notes for a metric discovery did not produce: per-rule counts and near names. */
function whyMissing(
  trace: Trace,
  discovery: DiscoveryResult,
  wanted: string,
  known: readonly string[],
  kind: 'custom' | 'external',
): void {
  trace.notes.push(
    `no ${kind === 'custom' ? 'rules' : 'externalRules'} entry produced ${wanted} in the last discovery (${discovery.at.toISOString()})`,
  );
  const near = didYouMean(wanted, known);
  if (near !== '') trace.notes.push(`a similar metric exists${near}`);
  for (const s of discovery.stats) {
    if (!s.rule.startsWith(kind === 'custom' ? 'rules[' : 'externalRules[')) continue;
    if (s.error !== undefined) {
      trace.notes.push(`${s.rule}: the seriesQuery failed: ${s.error}`);
      continue;
    }
    const parts = [
      `${s.rule}: seriesQuery ${s.seriesQuery} matched ${s.series} series (${s.names} names), produced ${s.metrics} metrics`,
    ];
    if (s.filteredOut.size > 0)
      parts.push(`names dropped by its filters include ${[...s.filteredOut].join(', ')}`);
    if (s.withoutResources.size > 0)
      parts.push(`names with no label mapped to a resource include ${[...s.withoutResources].join(', ')}`);
    trace.notes.push(parts.join('; '));
  }
  for (const conflict of discovery.conflicts) trace.notes.push(`conflict: ${conflict}`);
}

const value = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The explanation as text for a terminal. */
export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  const row = (label: string, text: string): void => {
    lines.push(`${label.padEnd(9)} ${text}`);
  };
  row('path', e.path);
  row('request', e.request);
  if (e.rule !== undefined) {
    row('rule', e.rule.path);
    if (e.rule.seriesQuery !== '') row('series', `${e.rule.series}  (seriesQuery ${e.rule.seriesQuery})`);
    row('template', e.rule.metricsQuery.trim().replace(/\s*\n\s*/g, ' '));
  }
  e.queries.forEach((q, i) => {
    row(`query ${i + 1}`, q.promql.trim().replace(/\s*\n\s*/g, ' '));
    row(
      '',
      q.error !== undefined
        ? `failed after ${q.ms} ms: ${q.error}`
        : `${q.resultType ?? '?'} of ${q.samples ?? 0} samples in ${q.ms} ms${q.cached ? ' (from the 5 s cache)' : ''}`,
    );
    if (q.answer !== undefined) row('', `answer ${value(q.answer)}`);
  });
  if (e.error !== undefined) row('result', `HTTP ${e.error.code}: ${e.error.message}`);
  else row('served', JSON.stringify(e.served, null, 2).replace(/\n/g, `\n${' '.repeat(10)}`));
  for (const note of e.notes) row('note', note);
  row('discovery', e.discoveredAt);
  return lines.join('\n');
}
