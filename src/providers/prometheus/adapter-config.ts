/**
 * The prometheus-adapter configuration file (kubernetes-sigs/prometheus-adapter `pkg/config`,
 * documented in its docs/config.md), read unchanged: `rules` (custom metrics), `externalRules`
 * and `resourceRules` (cpu and memory for metrics.k8s.io).
 *
 * Everything is checked when the file is loaded, and every problem is reported with the rule and
 * field it is in (`rules[3].metricQuery: unknown field (did you mean "metricsQuery"?)`). The
 * adapter itself ignores unknown fields and fails at query time (an empty answer or a bare
 * "unable to fetch metrics"); a typo is the most common cause of "why is my metric empty?".
 */
import { ConfigFields, describeConfigValue, readYamlFile } from '../../apiserver/index.js';
import { KubemetricsError } from '../../errors.js';
import { compileGoRegexp, subexpNames } from './go-regexp.js';
import { compileGoTemplate, type GoTemplate } from './go-template.js';
import { parsePrometheusDuration } from './prometheus-duration.js';
import { ResourceLabels } from './resource-labels.js';
import { NODES, PODS, normalizeResource, type ResourceName } from './resource-names.js';

/** Fields a `metricsQuery` / `containerQuery` / `nodeQuery` template may read. */
export const QUERY_TEMPLATE_FIELDS = [
  'Series',
  'LabelMatchers',
  'LabelValuesByName',
  'GroupBy',
  'GroupBySlice',
] as const;
/** Fields a `resources.template` may read. */
export const RESOURCE_TEMPLATE_FIELDS = ['Group', 'Resource'] as const;

/** A series-name filter: `is` keeps names matching `regex`, `isNot` drops them. */
export interface SeriesFilter {
  readonly regex: RegExp;
  readonly keep: boolean;
  /** Where it came from, for explanations: `rules[0].seriesFilters[1].isNot` or `rules[0].name.matches`. */
  readonly source: string;
}

/** One entry of `rules` or `externalRules`, compiled. */
export interface DiscoveryRule {
  readonly kind: 'custom' | 'external';
  /** `rules[2]`, `externalRules[0]`: how messages and explanations name the rule. */
  readonly path: string;
  readonly seriesQuery: string;
  /** `seriesFilters` followed by the implicit filter of `name.matches`. */
  readonly filters: readonly SeriesFilter[];
  readonly nameMatches: RegExp;
  /** Go `Regexp.Expand` template for the API name (`$1` by default with one group, `$0` with none). */
  readonly nameAs: string;
  readonly resources: ResourceLabels;
  /** External rules: add the HPA's namespace as a label matcher (`resources.namespaced`, default true). */
  readonly namespaced: boolean;
  readonly metricsQuery: GoTemplate;
  readonly labelValueReplacements: readonly { readonly find: string; readonly replace: string }[];
}

/** `resourceRules.cpu` / `.memory`, compiled. */
export interface ResourceRule {
  readonly path: string;
  readonly containerQuery: GoTemplate;
  readonly nodeQuery: GoTemplate;
  readonly resources: ResourceLabels;
  readonly containerLabel: string;
}

export interface ResourceRules {
  readonly cpu: ResourceRule;
  readonly memory: ResourceRule;
  /** `window`: the sample window reported for usage (`window` of NodeMetrics/PodMetrics). */
  readonly windowMs: number;
}

export interface AdapterConfig {
  readonly rules: readonly DiscoveryRule[];
  readonly externalRules: readonly DiscoveryRule[];
  readonly resourceRules: ResourceRules | undefined;
}

const RULE_FIELDS = [
  'seriesQuery',
  'seriesFilters',
  'resources',
  'name',
  'metricsQuery',
  'labelValueReplacements',
];
/** prometheus-adapter's own default `window` when `resourceRules` omits it. */
const DEFAULT_WINDOW = '1m';

function template(
  fields: ConfigFields,
  key: string,
  allowed: readonly string[],
  problems: string[],
): GoTemplate | undefined {
  const source = fields.value[key];
  if (source === undefined || source === null || source === '') {
    problems.push(
      `${fields.at(key)}: required (a query template such as sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>))`,
    );
    return undefined;
  }
  if (typeof source !== 'string') {
    problems.push(`${fields.at(key)}: expected a template string, got ${describeConfigValue(source)}`);
    return undefined;
  }
  try {
    return compileGoTemplate(source, allowed);
  } catch (error) {
    problems.push(`${fields.at(key)}: ${(error as Error).message}`);
    return undefined;
  }
}

function regex(fields: ConfigFields, key: string, problems: string[]): RegExp | undefined {
  const source = fields.string(key);
  if (source === undefined) return undefined;
  try {
    return compileGoRegexp(source);
  } catch (error) {
    problems.push(`${fields.at(key)}: ${(error as Error).message}`);
    return undefined;
  }
}

function resourceLabels(resources: ConfigFields, problems: string[]): ResourceLabels {
  const resourceTemplate =
    resources.value['template'] === undefined || resources.value['template'] === ''
      ? undefined
      : template(resources, 'template', RESOURCE_TEMPLATE_FIELDS, problems);
  if (resourceTemplate !== undefined && !resourceTemplate.fields.has('Resource'))
    problems.push(
      `${resources.at('template')}: must contain <<.Resource>> (labels are matched back to resources through it)`,
    );
  const overrides = new Map<string, ResourceName>();
  const raw = resources.value['overrides'];
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw))
      problems.push(
        `${resources.at('overrides')}: expected a mapping of label names to {group, resource}, got ${describeConfigValue(raw)}`,
      );
    else
      for (const [label, value] of Object.entries(raw as Record<string, unknown>)) {
        const entry = ConfigFields.of(value, `${resources.at('overrides')}.${label}`, problems, [
          'group',
          'resource',
        ]);
        const resource = entry.string('resource');
        if (resource === undefined) {
          if (entry.value['resource'] === undefined || entry.value['resource'] === null)
            problems.push(`${entry.at('resource')}: required`);
          continue;
        }
        if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label))
          problems.push(`${entry.path}: "${label}" is not a valid Prometheus label name`);
        overrides.set(label, normalizeResource(entry.string('group') ?? '', resource));
      }
  }
  return new ResourceLabels(resourceTemplate, overrides);
}

function discoveryRule(
  fields: ConfigFields,
  kind: 'custom' | 'external',
  problems: string[],
): DiscoveryRule | undefined {
  const before = problems.length;
  const seriesQuery = fields.string('seriesQuery');
  // A key left empty in YAML (`seriesQuery:`) is null: as required as a missing one.
  if (
    seriesQuery === undefined &&
    (fields.value['seriesQuery'] === undefined || fields.value['seriesQuery'] === null)
  )
    problems.push(
      `${fields.at('seriesQuery')}: required (a series selector such as '{__name__=~"^http_.*",namespace!=""}')`,
    );

  const filters: SeriesFilter[] = [];
  (fields.children('seriesFilters', ['is', 'isNot']) ?? []).forEach((filter) => {
    const is = filter.value['is'] ?? undefined;
    const isNot = filter.value['isNot'] ?? undefined;
    if ((is === undefined) === (isNot === undefined)) {
      problems.push(`${filter.path}: exactly one of is or isNot is required`);
      return;
    }
    const key = is !== undefined ? 'is' : 'isNot';
    const compiled = regex(filter, key, problems);
    if (compiled !== undefined) filters.push({ regex: compiled, keep: key === 'is', source: filter.at(key) });
  });

  const name = fields.child('name', ['matches', 'as']);
  const matchesText = name.value['matches'];
  const nameMatches =
    matchesText === undefined || matchesText === null || matchesText === ''
      ? /.*/
      : regex(name, 'matches', problems);
  if (nameMatches !== undefined && matchesText !== undefined && matchesText !== '')
    filters.push({ regex: nameMatches, keep: true, source: name.at('matches') });
  let nameAs = typeof name.value['as'] === 'string' ? name.value['as'] : '';
  if (name.value['as'] !== undefined && name.value['as'] !== null && typeof name.value['as'] !== 'string')
    problems.push(`${name.at('as')}: expected a string, got ${describeConfigValue(name.value['as'])}`);
  if (nameAs === '' && nameMatches !== undefined) {
    // The adapter's default: the whole name without groups, the group with one, else ask.
    const groups = subexpNames(nameMatches).length - 1;
    if (groups === 0) nameAs = '$0';
    else if (groups === 1) nameAs = '$1';
    else
      problems.push(
        `${name.at('as')}: required because ${name.at('matches')} has ${groups} capture groups (say which to use, e.g. "\${1}_\${2}")`,
      );
  }

  const resources = fields.child(
    'resources',
    kind === 'external' ? ['template', 'overrides', 'namespaced'] : ['template', 'overrides'],
  );
  const labels = resourceLabels(resources, problems);
  const namespaced = resources.boolean('namespaced', true);
  if (
    kind === 'custom' &&
    resources.value['template'] === undefined &&
    resources.value['overrides'] === undefined
  )
    problems.push(
      `${fields.at('resources')}: required (a template or overrides mapping labels to resources, e.g. overrides: {namespace: {resource: namespace}, pod: {resource: pod}})`,
    );
  if (kind === 'external' && namespaced && labels.namespaceLabel === undefined)
    problems.push(
      `${fields.at('resources')}: the rule is namespaced (the default), so a label must map to the namespace resource (overrides: {namespace: {resource: namespace}}); or set resources.namespaced: false to ignore the HPA's namespace`,
    );

  const metricsQuery = template(fields, 'metricsQuery', QUERY_TEMPLATE_FIELDS, problems);

  const labelValueReplacements: { find: string; replace: string }[] = [];
  (fields.children('labelValueReplacements', ['find', 'replace']) ?? []).forEach((entry) => {
    const find = entry.string('find');
    const replace = entry.value['replace'];
    if (find === undefined) problems.push(`${entry.at('find')}: required`);
    else if (typeof replace !== 'string')
      problems.push(`${entry.at('replace')}: expected a string, got ${describeConfigValue(replace)}`);
    else labelValueReplacements.push({ find, replace });
  });

  if (
    problems.length > before ||
    seriesQuery === undefined ||
    nameMatches === undefined ||
    metricsQuery === undefined
  )
    return undefined;
  return {
    kind,
    path: fields.path,
    seriesQuery,
    filters,
    nameMatches,
    nameAs,
    resources: labels,
    namespaced,
    metricsQuery,
    labelValueReplacements,
  };
}

function resourceRule(fields: ConfigFields, problems: string[]): ResourceRule | undefined {
  const before = problems.length;
  const containerQuery = template(fields, 'containerQuery', QUERY_TEMPLATE_FIELDS, problems);
  const nodeQuery = template(fields, 'nodeQuery', QUERY_TEMPLATE_FIELDS, problems);
  const resources = resourceLabels(fields.child('resources', ['template', 'overrides']), problems);
  const containerLabel = fields.string('containerLabel');
  if (
    containerLabel === undefined &&
    (fields.value['containerLabel'] === undefined || fields.value['containerLabel'] === null)
  )
    problems.push(
      `${fields.at('containerLabel')}: required (the label holding the container name, usually "container")`,
    );
  for (const [resource, example] of [
    [PODS, 'pod'],
    [NODES, 'node'],
  ] as const)
    if (resources.labelFor(resource) === undefined)
      problems.push(
        `${fields.at('resources')}: no label maps to ${resource.resource} (add overrides: {${example}: {resource: ${example}}})`,
      );
  if (
    problems.length > before ||
    containerQuery === undefined ||
    nodeQuery === undefined ||
    containerLabel === undefined
  )
    return undefined;
  return { path: fields.path, containerQuery, nodeQuery, resources, containerLabel };
}

/**
 * Validates a parsed adapter config document. `config` is set when there is no problem; otherwise
 * `problems` lists every one (`rules[1].name.matches: …`).
 */
export function parseAdapterConfig(document: unknown): {
  readonly config: AdapterConfig | undefined;
  readonly problems: readonly string[];
} {
  const problems: string[] = [];
  const root = ConfigFields.of(document, '', problems, ['rules', 'externalRules', 'resourceRules']);
  const rules = (root.children('rules', RULE_FIELDS) ?? []).map((f) => discoveryRule(f, 'custom', problems));
  const externalRules = (root.children('externalRules', RULE_FIELDS) ?? []).map((f) =>
    discoveryRule(f, 'external', problems),
  );
  let resourceRules: ResourceRules | undefined;
  if (root.value['resourceRules'] !== undefined && root.value['resourceRules'] !== null) {
    const rr = root.child('resourceRules', ['cpu', 'memory', 'window']);
    const ruleFields = ['containerQuery', 'nodeQuery', 'resources', 'containerLabel'];
    const cpu =
      rr.value['cpu'] === undefined ? undefined : resourceRule(rr.child('cpu', ruleFields), problems);
    const memory =
      rr.value['memory'] === undefined ? undefined : resourceRule(rr.child('memory', ruleFields), problems);
    if (rr.value['cpu'] === undefined)
      problems.push(`${rr.at('cpu')}: required (metrics.k8s.io serves cpu and memory together)`);
    if (rr.value['memory'] === undefined)
      problems.push(`${rr.at('memory')}: required (metrics.k8s.io serves cpu and memory together)`);
    const windowText = rr.value['window'] ?? DEFAULT_WINDOW;
    const windowMs = typeof windowText === 'string' ? parsePrometheusDuration(windowText) : undefined;
    if (windowMs === undefined || windowMs === 0)
      problems.push(
        `${rr.at('window')}: expected a Prometheus duration such as 1m or 5m, got ${describeConfigValue(windowText)}`,
      );
    if (cpu !== undefined && memory !== undefined && windowMs !== undefined)
      resourceRules = { cpu, memory, windowMs };
  }
  if (problems.length > 0) return { config: undefined, problems };
  const defined = <T>(items: readonly (T | undefined)[]): T[] => items.filter((x): x is T => x !== undefined);
  return {
    config: { rules: defined(rules), externalRules: defined(externalRules), resourceRules },
    problems,
  };
}

/** Reads and validates an adapter config file (YAML or JSON); a CONFIG error lists every problem. */
export function loadAdapterConfig(path: string): AdapterConfig {
  const document = readYamlFile(
    path,
    'the prometheus-adapter config',
    "Check the rules file path (the adapter's --config file, usually mounted from its ConfigMap).",
  );
  const { config, problems } = parseAdapterConfig(document);
  if (config === undefined)
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `invalid prometheus-adapter config ${path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { hint: 'See "Prometheus provider" in docs/prometheus-provider.md for the supported fields.' },
    );
  return config;
}
