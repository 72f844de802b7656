/**
 * Series discovery: which custom and external metrics exist, from the rules and Prometheus'
 * `/api/v1/series` (one call per distinct `seriesQuery`, shared by the rules that use it).
 *
 * Memory is proportional to the distinct metric names and resources, not to the series: each
 * answer is streamed (series-stream.ts) and a series is reduced to its name and the set of its
 * label *names* before anything is kept; 50,000 series of 20 metric names leave 20 entries. The
 * per-rule counters below are what `explain` shows when a metric is missing.
 */
import type { CustomMetricInfo, ExternalMetricInfo } from '../../apiserver/index.js';
import { formatGroupResource } from '../../apiserver/index.js';
import type { AdapterConfig, DiscoveryRule } from './adapter-config.js';
import { expandGoTemplate } from './go-regexp.js';
import type { PrometheusHttp } from './prometheus-http.js';
import { NAMESPACES, type ResourceName } from './resource-names.js';

/** A metric found by a rule: the API name and the Prometheus series it reads. */
export interface DiscoveredMetric {
  readonly rule: DiscoveryRule;
  /** The Prometheus metric name, `<<.Series>>` in the rule's query. */
  readonly seriesName: string;
  /** The name in the API (`name.as` applied). */
  readonly metric: string;
}

export interface CustomMetricEntry extends DiscoveredMetric {
  readonly resource: ResourceName;
  readonly namespaced: boolean;
}

/** What one rule saw in the last discovery, for `explain`. */
export interface RuleDiscoveryStats {
  readonly rule: string;
  readonly seriesQuery: string;
  /** Series the seriesQuery returned (0 also when the call failed: see `error`). */
  series: number;
  /** Distinct series names among them. */
  names: number;
  /** Names dropped by seriesFilters or name.matches, a few of them. */
  readonly filteredOut: Set<string>;
  /** Names kept but with no label mapping to a resource (custom rules), a few of them. */
  readonly withoutResources: Set<string>;
  /** Metrics the rule produced. */
  metrics: number;
  error: string | undefined;
}

export interface DiscoveryResult {
  readonly custom: ReadonlyMap<string, CustomMetricEntry>;
  readonly external: ReadonlyMap<string, DiscoveredMetric>;
  readonly customInfos: readonly CustomMetricInfo[];
  readonly externalInfos: readonly ExternalMetricInfo[];
  readonly stats: readonly RuleDiscoveryStats[];
  /** Metrics two rules (or two series of one rule) both produced; the earlier rule (series) wins. */
  readonly conflicts: readonly string[];
  readonly at: Date;
  /** The first failure, when a seriesQuery could not be run (its rules then have no metrics). */
  readonly error: unknown;
}

/** Key of a custom metric: resource, metric and scope (`pods/http_requests/ns`). */
export function customKey(
  resource: { group: string; resource: string },
  metric: string,
  namespaced: boolean,
): string {
  return `${formatGroupResource(resource)}/${metric}/${namespaced ? 'ns' : 'root'}`;
}

const SAMPLE_LIMIT = 5;
const note = (set: Set<string>, value: string): void => {
  if (set.size < SAMPLE_LIMIT) set.add(value);
};

/** Which filter of a rule drops a series name (`rules[1].seriesFilters[0].isNot`), if one does. */
export function droppedBy(rule: DiscoveryRule, seriesName: string): string | undefined {
  return rule.filters.find((filter) => filter.regex.test(seriesName) !== filter.keep)?.source;
}

/** The API name of a series for a rule, or `undefined` when the rule's filters drop it. */
export function metricNameFor(rule: DiscoveryRule, seriesName: string): string | undefined {
  for (const filter of rule.filters) if (filter.regex.test(seriesName) !== filter.keep) return undefined;
  const match = rule.nameMatches.exec(seriesName);
  if (match === null) return undefined;
  const name = expandGoTemplate(rule.nameAs, match);
  return name === '' ? undefined : name;
}

export async function discover(
  http: PrometheusHttp,
  config: AdapterConfig,
  options: { readonly startMs: number; readonly signal: AbortSignal },
): Promise<DiscoveryResult> {
  const custom = new Map<string, CustomMetricEntry>();
  const external = new Map<string, DiscoveredMetric>();
  const conflicts: string[] = [];
  const allRules = [...config.rules, ...config.externalRules];
  const stats = new Map<DiscoveryRule, RuleDiscoveryStats>(
    allRules.map((rule) => [
      rule,
      {
        rule: rule.path,
        seriesQuery: rule.seriesQuery,
        series: 0,
        names: 0,
        filteredOut: new Set<string>(),
        withoutResources: new Set<string>(),
        metrics: 0,
        error: undefined,
      },
    ]),
  );
  const byQuery = new Map<string, DiscoveryRule[]>();
  for (const rule of allRules)
    byQuery.set(rule.seriesQuery, [...(byQuery.get(rule.seriesQuery) ?? []), rule]);

  // Rules sharing a seriesQuery run together, so a metric two rules produce is settled by rule
  // order, not by the order queries ran or series came back in: the earlier rule wins.
  const order = new Map(allRules.map((rule, i) => [rule, i] as const));
  const settle = <T extends DiscoveredMetric>(
    map: Map<string, T>,
    key: string,
    what: string,
    candidate: T,
  ): void => {
    const existing = map.get(key);
    const s = stats.get(candidate.rule);
    if (existing === undefined) {
      map.set(key, candidate);
      if (s !== undefined) s.metrics += 1;
      return;
    }
    if (existing.seriesName === candidate.seriesName && existing.rule === candidate.rule) return;
    const replace = (order.get(candidate.rule) ?? 0) < (order.get(existing.rule) ?? 0);
    if (replace) {
      map.set(key, candidate);
      if (s !== undefined) s.metrics += 1;
      const lost = stats.get(existing.rule);
      if (lost !== undefined) lost.metrics -= 1;
    }
    const [first, second] = replace ? [candidate, existing] : [existing, candidate];
    conflicts.push(
      `${what}: ${first.rule.path} (series ${first.seriesName}) and ${second.rule.path} (series ${second.seriesName}); serving the first`,
    );
  };

  let firstError: unknown;
  for (const [seriesQuery, rules] of byQuery) {
    // Series of one name differ in label values; only label names decide resources, so each
    // (name, label names) shape is processed once.
    const shapes = new Map<string, string[]>();
    const names = new Set<string>();
    try {
      const count = await http.series(seriesQuery, options.startMs, options.signal, (labels) => {
        const name = labels['__name__'];
        if (name === undefined) return;
        const labelNames = Object.keys(labels)
          .filter((l) => l !== '__name__')
          .sort();
        const shape = `${name}\u0000${labelNames.join('\u0000')}`;
        if (!shapes.has(shape)) shapes.set(shape, [name, ...labelNames]);
        names.add(name);
      });
      for (const rule of rules) {
        const s = stats.get(rule);
        if (s !== undefined) {
          s.series = count;
          s.names = names.size;
        }
      }
    } catch (error) {
      if (options.signal.aborted) throw error;
      firstError ??= error;
      for (const rule of rules) {
        const s = stats.get(rule);
        if (s !== undefined) s.error = (error as Error).message;
      }
      continue;
    }
    for (const [name, ...labelNames] of shapes.values()) {
      if (name === undefined) continue;
      for (const rule of rules) {
        const s = stats.get(rule);
        if (s === undefined) continue;
        const metric = metricNameFor(rule, name);
        if (metric === undefined) {
          const by = droppedBy(rule, name);
          note(s.filteredOut, by === undefined ? name : `${name} (by ${by})`);
          continue;
        }
        const found: DiscoveredMetric = { rule, seriesName: name, metric };
        if (rule.kind === 'external') {
          settle(external, metric, `external metric ${metric}`, found);
          continue;
        }
        const resources = labelNames
          .map((label) => rule.resources.resourceFor(label))
          .filter((r): r is ResourceName => r !== undefined);
        if (resources.length === 0) {
          note(s.withoutResources, name);
          continue;
        }
        const hasNamespace = resources.some((r) => r === NAMESPACES);
        for (const resource of resources) {
          const namespaced = resource.namespaced && hasNamespace;
          settle(
            custom,
            customKey(resource, metric, namespaced),
            `${formatGroupResource(resource)}/${metric}`,
            {
              ...found,
              resource,
              namespaced,
            },
          );
        }
      }
    }
  }
  const customInfos: CustomMetricInfo[] = [...custom.values()].map((e) => ({
    groupResource: { group: e.resource.group, resource: e.resource.resource },
    metric: e.metric,
    namespaced: e.namespaced,
  }));
  const externalInfos: ExternalMetricInfo[] = [...external.keys()].map((metric) => ({ metric }));
  return {
    custom,
    external,
    customInfos,
    externalInfos,
    stats: [...stats.values()],
    conflicts: [...new Set(conflicts)],
    at: new Date(),
    error: firstError,
  };
}
