import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { KubemetricsError } from '../../errors.js';
import { loadAdapterConfig, parseAdapterConfig, type AdapterConfig } from './adapter-config.js';
import { metricNameFor } from './discovery.js';
import { NAMESPACES, NODES, PODS, normalizeResource } from './resource-names.js';

/**
 * kubernetes-sigs/prometheus-adapter docs/sample-config.yaml as published (the version with the
 * `metricQuery` typo). Its flow mappings end in commas (`{resource: "namespace"},`), which is not
 * valid YAML: neither the adapter's yaml.v2 nor the `yaml` package read it.
 */
const DOCS_SAMPLE = `rules:
# Each rule represents a some naming and discovery logic.
# Each rule is executed independently of the others, so
# take care to avoid overlap.  As an optimization, rules
# with the same \`seriesQuery\` but different
# \`name\` or \`seriesFilters\` will use only one query to
# Prometheus for discovery.

# some of these rules are taken from the "default" configuration, which
# can be found in pkg/config/default.go

# this rule matches cumulative cAdvisor metrics measured in seconds
- seriesQuery: '{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}'
  resources:
    # skip specifying generic resource<->label mappings, and just
    # attach only pod and namespace resources by mapping label names to group-resources
    overrides:
      namespace: {resource: "namespace"},
      pod: {resource: "pod"},
  # specify that the \`container_\` and \`_seconds_total\` suffixes should be removed.
  # this also introduces an implicit filter on metric family names
  name:
    # we use the value of the capture group implicitly as the API name
    # we could also explicitly write \`as: "$1"\`
    matches: "^container_(.*)_seconds_total$"
  # specify how to construct a query to fetch samples for a given series
  # This is a Go template where the \`.Series\` and \`.LabelMatchers\` string values
  # are available, and the delimiters are \`<<\` and \`>>\` to avoid conflicts with
  # the prometheus query language
  metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>,container!=\\"POD\\"}[2m])) by (<<.GroupBy>>)"

# this rule matches cumulative cAdvisor metrics not measured in seconds
- seriesQuery: '{__name__=~"^container_.*_total",container!="POD",namespace!="",pod!=""}'
  resources:
    overrides:
      namespace: {resource: "namespace"},
      pod: {resource: "pod"},
  seriesFilters:
  # since this is a superset of the query above, we introduce an additional filter here
  - isNot: "^container_.*_seconds_total$"
  name: {matches: "^container_(.*)_total$"}
  metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>,container!=\\"POD\\"}[2m])) by (<<.GroupBy>>)"

# this rule matches cumulative non-cAdvisor metrics
- seriesQuery: '{namespace!="",__name__!="^container_.*"}'
  name: {matches: "^(.*)_total$"}
  resources:
    # specify an a generic mapping between resources and labels.  This
    # is a template, like the \`metricsQuery\` template, except with the \`.Group\`
    # and \`.Resource\` strings available.  It will also be used to match labels,
    # so avoid using template functions which truncate the group or resource.
    # Group will be converted to a form acceptible for use as a label automatically.
    template: "<<.Resource>>"
    # if we wanted to, we could also specify overrides here
  metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>,container!=\\"POD\\"}[2m])) by (<<.GroupBy>>)"

# this rule matches only a single metric, explicitly naming it something else
# It's series query *must* return only a single metric family
- seriesQuery: 'cheddar{sharp="true"}'
  # this metric will appear as "cheesy_goodness" in the custom metrics API
  name: {as: "cheesy_goodness"}
  resources:
    overrides:
      # this should still resolve in our cluster
      brand: {group: "cheese.io", resource: "brand"}
  metricQuery: 'count(cheddar{sharp="true"})'

# external rules are not tied to a Kubernetes resource and can reference any metric
# https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/#autoscaling-on-metrics-not-related-to-kubernetes-objects
externalRules:
- seriesQuery: '{__name__="queue_consumer_lag",name!=""}'
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (name)
- seriesQuery: '{__name__="queue_depth",topic!=""}'
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (name)
  # Kubernetes metric queries include a namespace in the query by default
  # but you can explicitly disable namespaces if needed with "namespaced: false"
  # this is useful if you have an HPA with an external metric in namespace A
  # but want to query for metrics from namespace B
  resources:
    namespaced: false

# TODO: should we be able to map to a constant instance of a resource
# (e.g. \`resources: {constant: [{resource: "namespace", name: "kube-system"}}]\`)?
`;

/** The sample with the stray commas removed: valid YAML, the typo still there. */
const DOCS_SAMPLE_YAML_FIXED = DOCS_SAMPLE.replace(/\},$/gm, '}');

/** The Helm chart's default rules, as the integration test (test/prometheus-adapter-defaults.test.ts) serves them. */
const HELM_DEFAULTS = readFileSync(
  new URL('../../../test/fixtures/prometheus-adapter-default-rules.yaml', import.meta.url),
  'utf8',
);

/** A valid custom rule, changed one field at a time below. */
const RULE = {
  seriesQuery: '{__name__=~"^http_.*",namespace!="",pod!=""}',
  resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
  name: { matches: '^(.*)_total$', as: '${1}_per_second' },
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
};

const RESOURCE_RULE = {
  containerQuery: 'sum by (<<.GroupBy>>) (rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>}[2m]))',
  nodeQuery: 'sum by (<<.GroupBy>>) (rate(node_cpu_usage_seconds_total{<<.LabelMatchers>>}[2m]))',
  resources: {
    overrides: { node: { resource: 'node' }, namespace: { resource: 'namespace' }, pod: { resource: 'pod' } },
  },
  containerLabel: 'container',
};

const problemsOf = (document: unknown): readonly string[] => parseAdapterConfig(document).problems;

function configOf(document: unknown): AdapterConfig {
  const { config, problems } = parseAdapterConfig(document);
  expect(problems).toEqual([]);
  expect(config).toBeDefined();
  return config!;
}

/** The problems of a config with one custom rule: `RULE` with `change` applied. */
const ruleProblems = (change: Record<string, unknown>) => problemsOf({ rules: [{ ...RULE, ...change }] });

const resourceProblems = (rules: Record<string, unknown>) =>
  problemsOf({ resourceRules: { cpu: RESOURCE_RULE, memory: RESOURCE_RULE, ...rules } });

/** Asserts one problem starts with `prefix` (and contains every `parts`); returns it. */
function expectProblem(problems: readonly string[], prefix: string, ...parts: string[]): string {
  const found = problems.find((p) => p.startsWith(prefix));
  expect(found, `no problem starting with ${prefix} in ${JSON.stringify(problems, null, 2)}`).toBeDefined();
  for (const part of parts) expect(found).toContain(part);
  return found!;
}

describe('the prometheus-adapter docs sample config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adapter-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused as invalid YAML as published, naming the line', () => {
    const path = join(dir, 'sample-config.yaml');
    writeFileSync(path, DOCS_SAMPLE);
    let error: unknown;
    try {
      loadAdapterConfig(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KubemetricsError);
    expect((error as KubemetricsError).code).toBe('KUBEMETRICS_ERR_CONFIG');
    expect((error as Error).message).toContain(`the prometheus-adapter config ${path} is not valid YAML`);
    expect((error as Error).message).toContain('line 18');
  });

  it('reports the metricQuery typo, and the external rule that cannot be namespaced', () => {
    const problems = problemsOf(parseYaml(DOCS_SAMPLE_YAML_FIXED));
    expect(problems).toHaveLength(3);
    expectProblem(problems, 'rules[3].metricQuery: unknown field (did you mean "metricsQuery"?)');
    expectProblem(problems, 'rules[3].metricsQuery: required');
    expectProblem(
      problems,
      'externalRules[0].resources: the rule is namespaced (the default)',
      'resources.namespaced: false',
    );
  });

  it('loads once those are fixed, with the defaults the adapter applies', () => {
    const document = parseYaml(
      DOCS_SAMPLE_YAML_FIXED.replace('metricQuery:', 'metricsQuery:').replace(
        'metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (name)\n- seriesQuery: \'{__name__="queue_depth"',
        'metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (name)\n  resources: {namespaced: false}\n- seriesQuery: \'{__name__="queue_depth"',
      ),
    ) as unknown;
    const config = configOf(document);
    expect(config.rules.map((r) => r.path)).toEqual(['rules[0]', 'rules[1]', 'rules[2]', 'rules[3]']);
    const [seconds, totals, generic, cheddar] = config.rules;
    expect(seconds?.nameAs).toBe('$1');
    expect(seconds?.resources.resourceFor('pod')).toBe(PODS);
    expect(totals?.filters.map((f) => [f.source, f.keep])).toEqual([
      ['rules[1].seriesFilters[0].isNot', false],
      ['rules[1].name.matches', true],
    ]);
    expect(generic?.resources.resourceFor('pod')).toBe(PODS);
    expect(cheddar?.nameAs).toBe('cheesy_goodness');
    expect(cheddar?.filters).toEqual([]);
    expect(cheddar?.resources.resourceFor('brand')).toEqual(normalizeResource('cheese.io', 'brands'));
    expect(cheddar && metricNameFor(cheddar, 'cheddar')).toBe('cheesy_goodness');
    expect(config.externalRules.map((r) => [r.kind, r.namespaced])).toEqual([
      ['external', false],
      ['external', false],
    ]);
    expect(config.resourceRules).toBeUndefined();
  });
});

describe('the Helm chart default rules', () => {
  const config = configOf(parseYaml(HELM_DEFAULTS));

  it('load without problems', () => {
    expect(config.rules).toHaveLength(6);
    expect(config.externalRules).toEqual([]);
    expect(config.rules.every((r) => r.kind === 'custom' && r.namespaced)).toBe(true);
  });

  it('default name.as to $1 with one group and $0 without', () => {
    expect(config.rules.map((r) => r.nameAs)).toEqual(['$1', '$1', '$1', '$0', '$1', '$1']);
  });

  it('turn counters into rates and keep gauges, each name going to one rule', () => {
    const names = (series: string) => config.rules.map((rule) => metricNameFor(rule, series));
    expect(names('container_cpu_usage_seconds_total')).toEqual([
      'cpu_usage',
      undefined,
      undefined,
      undefined,
      undefined,
      // Only the seriesQuery of the last three rules keeps container_ series out.
      'container_cpu_usage',
    ]);
    expect(names('container_network_receive_bytes_total').slice(0, 3)).toEqual([
      undefined,
      'network_receive_bytes',
      undefined,
    ]);
    expect(names('container_memory_working_set_bytes').slice(0, 3)).toEqual([
      undefined,
      undefined,
      'memory_working_set_bytes',
    ]);
    expect(names('http_requests_total').slice(3)).toEqual([undefined, 'http_requests', undefined]);
    expect(names('process_cpu_seconds_total').slice(3)).toEqual([undefined, undefined, 'process_cpu']);
    expect(names('queue_depth').slice(3)).toEqual(['queue_depth', undefined, undefined]);
  });

  it('map labels through the <<.Resource>> template', () => {
    const generic = config.rules[3]!;
    expect(generic.resources.resourceFor('pod')).toBe(PODS);
    expect(generic.resources.resourceFor('namespace')).toBe(NAMESPACES);
    expect(generic.resources.resourceFor('job')).toBeUndefined();
    expect(generic.resources.resourceFor('instance')).toBeUndefined();
  });

  it('have cpu and memory resource rules with their own node label and a 3m window', () => {
    const rules = config.resourceRules!;
    expect(rules.windowMs).toBe(180_000);
    expect(rules.cpu.path).toBe('resourceRules.cpu');
    expect(rules.cpu.containerLabel).toBe('container');
    expect(rules.cpu.resources.labelFor(NODES)).toBe('node');
    expect(rules.memory.resources.labelFor(NODES)).toBe('node');
    // Each rule maps labels on its own: memory read from node-exporter's `instance` label.
    const renamed = configOf(
      parseYaml(HELM_DEFAULTS.replace(/(memory:[\s\S]*?overrides:\n\s+)node:/, '$1instance:')),
    ).resourceRules!;
    expect(renamed.memory.resources.labelFor(NODES)).toBe('instance');
    expect(renamed.cpu.resources.labelFor(NODES)).toBe('node');
    expect(rules.memory.resources.labelFor(PODS)).toBe('pod');
    expect(rules.memory.nodeQuery.fields).toEqual(new Set(['GroupBy', 'LabelMatchers']));
  });
});

describe('adapter config problems', () => {
  it('accepts the base rule', () => {
    const config = configOf({ rules: [RULE] });
    expect(config.rules[0]?.nameAs).toBe('${1}_per_second');
    expect(metricNameFor(config.rules[0]!, 'http_requests_total')).toBe('http_requests_per_second');
  });

  it('needs a seriesQuery, also when the key is left empty', () => {
    const { seriesQuery: _, ...rule } = RULE;
    expectProblem(problemsOf({ rules: [rule] }), 'rules[0].seriesQuery: required');
    expectProblem(ruleProblems({ seriesQuery: null }), 'rules[0].seriesQuery: required');
    expectProblem(ruleProblems({ seriesQuery: '' }), 'rules[0].seriesQuery: expected a non-empty string');
    expect(
      problemsOf(
        parseYaml('rules:\n- seriesQuery:\n  metricsQuery: x\n  resources: {template: <<.Resource>>}'),
      ),
    ).toEqual([expect.stringMatching(/^rules\[0\]\.seriesQuery: required/)]);
  });

  it('needs exactly one of is and isNot in a series filter', () => {
    expect(ruleProblems({ seriesFilters: [{ is: 'a', isNot: 'b' }] })).toEqual([
      'rules[0].seriesFilters[0]: exactly one of is or isNot is required',
    ]);
    expect(ruleProblems({ seriesFilters: [{ is: '^a' }, {}] })).toEqual([
      'rules[0].seriesFilters[1]: exactly one of is or isNot is required',
    ]);
    expectProblem(
      ruleProblems({ seriesFilters: [{ is: null }] }),
      'rules[0].seriesFilters[0]: exactly one of is or isNot',
    );
    const typo = ruleProblems({ seriesFilters: [{ isnot: 'x' }] });
    expectProblem(typo, 'rules[0].seriesFilters[0].isnot: unknown field (did you mean "isNot"?)');
    expectProblem(typo, 'rules[0].seriesFilters[0]: exactly one of is or isNot is required');
    expectProblem(ruleProblems({ seriesFilters: { is: 'x' } }), 'rules[0].seriesFilters: expected a list');
  });

  it('reports bad regular expressions with their field', () => {
    expectProblem(ruleProblems({ seriesFilters: [{ isNot: '(' }] }), 'rules[0].seriesFilters[0].isNot: ');
    expectProblem(ruleProblems({ name: { matches: '^(foo$' } }), 'rules[0].name.matches: ');
    // Look-ahead is Perl, not RE2.
    expectProblem(ruleProblems({ name: { matches: '^(?=a)(.*)$' } }), 'rules[0].name.matches: ');
  });

  it('reports template fields that do not exist', () => {
    expectProblem(
      ruleProblems({ metricsQuery: 'sum(<<.Serie>>{<<.LabelMatchers>>})' }),
      'rules[0].metricsQuery: ',
      'Serie',
    );
    expectProblem(
      ruleProblems({ resources: { template: '<<.Resorce>>' } }),
      'rules[0].resources.template: ',
      'Resorce',
    );
    expectProblem(
      ruleProblems({ resources: { template: 'kube_<<.Group>>' } }),
      'rules[0].resources.template: must contain <<.Resource>>',
    );
  });

  it('needs a metricsQuery template string', () => {
    const { metricsQuery: _, ...rule } = RULE;
    expectProblem(problemsOf({ rules: [rule] }), 'rules[0].metricsQuery: required');
    expectProblem(
      ruleProblems({ metricsQuery: ['sum(x)'] }),
      'rules[0].metricsQuery: expected a template string',
    );
  });

  it('needs name.as when name.matches has several capture groups', () => {
    expect(ruleProblems({ name: { matches: '^(.*)_(.*)_total$' } })).toEqual([
      'rules[0].name.as: required because rules[0].name.matches has 2 capture groups (say which to use, e.g. "${1}_${2}")',
    ]);
    expect(
      configOf({ rules: [{ ...RULE, name: { matches: '^(.*)_(.*)_total$', as: '${2}' } }] }).rules[0]?.nameAs,
    ).toBe('${2}');
    expectProblem(
      ruleProblems({ name: { matches: '^(.*)$', as: 5 } }),
      'rules[0].name.as: expected a string, got 5',
    );
  });

  it('defaults name.as to $0 without groups and $1 with one (named or not)', () => {
    const nameAs = (name: unknown) => configOf({ rules: [{ ...RULE, name }] }).rules[0]?.nameAs;
    expect(nameAs(undefined)).toBe('$0');
    expect(nameAs({})).toBe('$0');
    expect(nameAs({ matches: '' })).toBe('$0');
    expect(nameAs({ matches: '^http_.*$' })).toBe('$0');
    expect(nameAs({ matches: '^(.*)_total$' })).toBe('$1');
    expect(nameAs({ matches: '^(?P<base>.*)_total$' })).toBe('$1');
    expect(nameAs({ matches: '^(?:http)_(.*)$', as: '' })).toBe('$1');
  });

  it('needs resources on a custom rule', () => {
    const { resources: _, ...rule } = RULE;
    expectProblem(problemsOf({ rules: [rule] }), 'rules[0].resources: required');
    expectProblem(ruleProblems({ resources: {} }), 'rules[0].resources: required');
    expectProblem(
      ruleProblems({ resources: { namespaced: false, overrides: {} } }),
      'rules[0].resources.namespaced: unknown field',
    );
  });

  it('checks overrides', () => {
    expectProblem(
      ruleProblems({ resources: { overrides: { 'app.kubernetes.io/name': { resource: 'pod' } } } }),
      'rules[0].resources.overrides.app.kubernetes.io/name: "app.kubernetes.io/name" is not a valid Prometheus label name',
    );
    expectProblem(
      ruleProblems({ resources: { overrides: { pod: {} } } }),
      'rules[0].resources.overrides.pod.resource: required',
    );
    expectProblem(
      ruleProblems({ resources: { overrides: { pod: { resource: null } } } }),
      'rules[0].resources.overrides.pod.resource: required',
    );
    expectProblem(
      ruleProblems({ resources: { overrides: { pod: { resource: 'pod', grop: 'x' } } } }),
      'rules[0].resources.overrides.pod.grop: unknown field (did you mean "group"?)',
    );
    expectProblem(
      ruleProblems({ resources: { overrides: ['pod'] } }),
      'rules[0].resources.overrides: expected a mapping',
    );
  });

  it('needs a namespace mapping on a namespaced external rule', () => {
    const external = {
      seriesQuery: '{__name__="queue_depth"}',
      metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (queue)',
    };
    expect(problemsOf({ externalRules: [external] })).toEqual([
      expect.stringMatching(/^externalRules\[0\]\.resources: the rule is namespaced \(the default\)/),
    ]);
    expect(
      configOf({ externalRules: [{ ...external, resources: { namespaced: false } }] }).externalRules[0]
        ?.namespaced,
    ).toBe(false);
    const mapped = configOf({
      externalRules: [{ ...external, resources: { overrides: { namespace: { resource: 'namespace' } } } }],
    }).externalRules[0];
    expect(mapped?.namespaced).toBe(true);
    expect(mapped?.resources.namespaceLabel).toBe('namespace');
    expect(
      configOf({ externalRules: [{ ...external, resources: { template: '<<.Resource>>' } }] }).externalRules,
    ).toHaveLength(1);
    expectProblem(
      problemsOf({ externalRules: [{ ...external, resources: { namespaced: 'no' } }] }),
      'externalRules[0].resources.namespaced: expected true or false',
    );
  });

  it('checks labelValueReplacements', () => {
    expectProblem(
      ruleProblems({ labelValueReplacements: [{ replace: 'x' }] }),
      'rules[0].labelValueReplacements[0].find: required',
    );
    expectProblem(
      ruleProblems({ labelValueReplacements: [{ find: 'x' }] }),
      'rules[0].labelValueReplacements[0].replace: expected a string',
    );
  });

  it('reports unknown and malformed top-level fields', () => {
    expectProblem(problemsOf({ rule: [] }), 'rule: unknown field (did you mean "rules"?)');
    expectProblem(problemsOf({ rules: {} }), 'rules: expected a list');
    expectProblem(problemsOf({ rules: ['x'] }), 'rules[0]: expected a mapping');
    expectProblem(problemsOf([]), '(top level): expected a mapping');
  });

  it('needs both cpu and memory resource rules', () => {
    expectProblem(problemsOf({ resourceRules: { cpu: RESOURCE_RULE } }), 'resourceRules.memory: required');
    expectProblem(problemsOf({ resourceRules: { memory: RESOURCE_RULE } }), 'resourceRules.cpu: required');
    expectProblem(
      problemsOf({ resourceRules: { cpu: RESOURCE_RULE, memory: null } }),
      'resourceRules.memory.containerQuery: required',
    );
  });

  it('checks each resource rule', () => {
    const { containerLabel: _, ...noLabel } = RESOURCE_RULE;
    expectProblem(resourceProblems({ memory: noLabel }), 'resourceRules.memory.containerLabel: required');
    expectProblem(
      resourceProblems({ memory: { ...RESOURCE_RULE, containerLabel: null } }),
      'resourceRules.memory.containerLabel: required',
    );
    expectProblem(
      resourceProblems({ cpu: { ...RESOURCE_RULE, nodeQuery: 'sum(<<.Sries>>)' } }),
      'resourceRules.cpu.nodeQuery: ',
      'Sries',
    );
    const { nodeQuery: __, ...noNodeQuery } = RESOURCE_RULE;
    expectProblem(resourceProblems({ cpu: noNodeQuery }), 'resourceRules.cpu.nodeQuery: required');
    expectProblem(
      resourceProblems({ cpu: { ...RESOURCE_RULE, extra: 1 } }),
      'resourceRules.cpu.extra: unknown field',
    );
  });

  it('needs labels for pods and nodes in resource rules', () => {
    const podOnly = { ...RESOURCE_RULE, resources: { overrides: { pod: { resource: 'pod' } } } };
    expect(resourceProblems({ cpu: podOnly })).toEqual([
      'resourceRules.cpu.resources: no label maps to nodes (add overrides: {node: {resource: node}})',
    ]);
    const nodeOnly = { ...RESOURCE_RULE, resources: { overrides: { node: { resource: 'node' } } } };
    expect(resourceProblems({ memory: nodeOnly })).toEqual([
      'resourceRules.memory.resources: no label maps to pods (add overrides: {pod: {resource: pod}})',
    ]);
    expect(resourceProblems({ memory: { ...RESOURCE_RULE, resources: undefined } })).toHaveLength(2);
    // A template maps both.
    expect(
      resourceProblems({ memory: { ...RESOURCE_RULE, resources: { template: '<<.Resource>>' } } }),
    ).toEqual([]);
  });

  it('checks the window', () => {
    for (const window of ['1.5m', 'soon', '0', '', 60, '5m1h'])
      expectProblem(
        resourceProblems({ window }),
        'resourceRules.window: expected a Prometheus duration such as 1m or 5m',
        `got ${JSON.stringify(window)}`,
      );
    expect(
      configOf({ resourceRules: { cpu: RESOURCE_RULE, memory: RESOURCE_RULE } }).resourceRules?.windowMs,
    ).toBe(60_000);
    expect(
      configOf({ resourceRules: { cpu: RESOURCE_RULE, memory: RESOURCE_RULE, window: '90s' } }).resourceRules
        ?.windowMs,
    ).toBe(90_000);
  });

  it('reports every problem at once and gives no config', () => {
    const { config, problems } = parseAdapterConfig({
      rules: [
        { ...RULE, seriesQuery: undefined },
        { ...RULE, metricsQuery: '<<.Serie>>' },
      ],
      externalRules: [{ seriesQuery: 'x', metricsQuery: 'x' }],
      resourceRules: { cpu: RESOURCE_RULE, window: 'x' },
    });
    expect(config).toBeUndefined();
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      'rules[0].seriesQuery',
      'rules[1].metricsQuery',
      'externalRules[0].resources',
      'resourceRules.memory',
      'resourceRules.window',
    ]);
  });

  it('accepts an empty document', () => {
    expect(configOf({})).toEqual({ rules: [], externalRules: [], resourceRules: undefined });
    expect(configOf(null).rules).toEqual([]);
  });
});

describe('loadAdapterConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adapter-config-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const errorOf = (path: string): KubemetricsError => {
    try {
      loadAdapterConfig(path);
    } catch (error) {
      expect(error).toBeInstanceOf(KubemetricsError);
      expect((error as KubemetricsError).code).toBe('KUBEMETRICS_ERR_CONFIG');
      return error as KubemetricsError;
    }
    throw new Error(`${path} loaded`);
  };

  it('loads YAML and JSON', () => {
    expect(loadAdapterConfig(file('helm.yaml', HELM_DEFAULTS)).rules).toHaveLength(6);
    expect(loadAdapterConfig(file('rules.json', JSON.stringify({ rules: [RULE] }))).rules[0]?.nameAs).toBe(
      '${1}_per_second',
    );
    expect(loadAdapterConfig(file('empty.yaml', '')).rules).toEqual([]);
  });

  it('lists every problem with the file path', () => {
    const path = file('bad.yaml', 'rules:\n- seriesQuery: x\n  metricQuery: y\n');
    const message = errorOf(path).message;
    expect(message).toContain(
      `invalid prometheus-adapter config ${path}:\n  - rules[0].metricQuery: unknown field (did you mean "metricsQuery"?)`,
    );
    expect(message).toContain('\n  - rules[0].resources: required');
    expect(message).toContain('\n  - rules[0].metricsQuery: required');
  });

  it('reports a file it cannot read and YAML it cannot parse', () => {
    expect(errorOf(join(dir, 'missing.yaml')).message).toContain('cannot read the prometheus-adapter config');
    expect(errorOf(file('broken.yaml', 'rules: [\n')).message).toContain('is not valid YAML');
  });
});

describe('rule compilation', () => {
  it('keeps the rule path, queries and resources', () => {
    const config = configOf({
      rules: [RULE],
      externalRules: [
        { seriesQuery: 'q', metricsQuery: 'sum(<<.Series>>)', resources: { namespaced: false } },
      ],
    });
    const rule = config.rules[0]!;
    expect(rule).toMatchObject({
      kind: 'custom',
      path: 'rules[0]',
      seriesQuery: RULE.seriesQuery,
      namespaced: true,
    });
    expect(rule.metricsQuery.source).toBe(RULE.metricsQuery);
    expect(rule.resources.labelFor(PODS)).toBe('pod');
    expect(rule.resources.namespaceLabel).toBe('namespace');
    expect(config.externalRules[0]).toMatchObject({
      kind: 'external',
      path: 'externalRules[0]',
      nameAs: '$0',
    });
  });
});
