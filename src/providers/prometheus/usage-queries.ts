/**
 * Resource metrics (`metrics.k8s.io`: what `kubectl top` and Resource-type HPAs read) from the
 * adapter config's `resourceRules`: `nodeQuery` per node, `containerQuery` per container, cpu in
 * cores and memory in bytes, for the objects asked for.
 *
 * As in prometheus-adapter, an object is served when both cpu and memory have a value; unlike it,
 * a NaN or negative sample is not turned into 0 (the object is left out, or the container reports
 * only the resource it has), CPU keeps nano-core precision and memory whole bytes.
 */
import { StatusError } from '../../apiserver/index.js';
import type { ContainerUsage, NodeUsage, PodUsage } from '../../apiserver/index.js';
import type { Quantity } from '../../quantity/index.js';
import type { ResourceRule, ResourceRules } from './adapter-config.js';
import { expectVector, withRule, type QueryContext } from './metric-queries.js';
import type { PromSample } from './prometheus-http.js';
import { batchNames, namesMatcher, type LabelMatcher } from './promql.js';
import { renderQuery } from './query-template.js';
import { NAMESPACES, NODES, PODS } from './resource-names.js';
import { bytesQuantity, sampleQuantity } from './sample-value.js';

type Kind = 'cpu' | 'memory';

const convert = (kind: Kind, sample: PromSample): Quantity | undefined => {
  const value = kind === 'cpu' ? sampleQuantity(sample.value) : bytesQuantity(sample.value);
  return value === undefined || value.sign() < 0 ? undefined : value;
};

function label(rule: ResourceRule, resource: typeof PODS): string {
  const found = rule.resources.labelFor(resource);
  if (found === undefined) throw new StatusError(500, `${rule.path} maps no label to ${resource.resource}`);
  return found;
}

/** Runs one resource rule's query (batched by names) and returns its samples. */
async function samplesFor(
  rule: ResourceRule,
  which: 'node' | 'pod',
  names: readonly string[] | undefined,
  namespace: string,
  ctx: QueryContext,
): Promise<PromSample[]> {
  const objectLabel = label(rule, which === 'node' ? NODES : PODS);
  const base: LabelMatcher[] = [];
  const valuesByName: Record<string, string> = {};
  const groupBy = [objectLabel];
  if (which === 'pod') {
    const namespaceLabel = label(rule, NAMESPACES);
    if (namespace !== '') {
      base.push({ label: namespaceLabel, op: '=', value: namespace });
      valuesByName[namespaceLabel] = namespace;
    } else groupBy.push(namespaceLabel); // all namespaces: pods of the same name must not merge
    groupBy.splice(1, 0, rule.containerLabel);
  }
  const template = which === 'node' ? rule.nodeQuery : rule.containerQuery;
  const batches: (readonly string[] | undefined)[] =
    names === undefined ? [undefined] : batchNames(names, ctx.maxRegexLength);
  const queries = batches.map((batch) =>
    renderQuery(template, {
      series: '',
      matchers: [...base, namesMatcher(objectLabel, batch)],
      valuesByName: { ...valuesByName, [objectLabel]: batch === undefined ? '' : batch.join('|') },
      groupBy,
    }),
  );
  const answers = await withRule(
    `${rule.path}.${which === 'node' ? 'nodeQuery' : 'containerQuery'}`,
    ctx.runner.runAll(queries, ctx.signal, ctx.trace),
  );
  return answers.flatMap((answer, i) => {
    expectVector(answer, rule.path, queries[i] ?? '');
    return answer.samples;
  });
}

/** Two samples for one object: the query does not aggregate by the labels it is given. */
function duplicate(rule: ResourceRule, query: string, what: string): never {
  throw new StatusError(
    500,
    `${rule.path}.${query} returned several samples for ${what}: aggregate by (<<.GroupBy>>), e.g. sum by (<<.GroupBy>>) (...)`,
  );
}

const earliest = (a: number | undefined, b: number): number => (a === undefined || b < a ? b : a);

export async function queryNodeUsage(
  rules: ResourceRules,
  names: readonly string[] | undefined,
  ctx: QueryContext,
): Promise<NodeUsage[]> {
  const [cpu, memory] = await Promise.all([
    samplesFor(rules.cpu, 'node', names, '', ctx),
    samplesFor(rules.memory, 'node', names, '', ctx),
  ]);
  const nodes = new Map<string, { cpu?: Quantity; memory?: Quantity; time?: number }>();
  const wanted = names === undefined ? undefined : new Set(names);
  const collect = (kind: Kind, rule: ResourceRule, samples: readonly PromSample[]): void => {
    const nodeLabel = label(rule, NODES);
    for (const sample of samples) {
      const name = sample.labels[nodeLabel];
      if (name === undefined || (wanted !== undefined && !wanted.has(name))) continue;
      const value = convert(kind, sample);
      if (value === undefined) {
        ctx.trace?.notes.push(
          `node ${name}: ${kind} sample ${sample.value} is not a usable value; node left out`,
        );
        continue;
      }
      const entry = nodes.get(name) ?? {};
      if (entry[kind] !== undefined) duplicate(rule, 'nodeQuery', `node ${name}`);
      entry[kind] = value;
      entry.time = earliest(entry.time, sample.timestampMs);
      nodes.set(name, entry);
    }
  };
  collect('cpu', rules.cpu, cpu);
  collect('memory', rules.memory, memory);
  const out: NodeUsage[] = [];
  for (const [name, entry] of nodes) {
    if (entry.cpu === undefined || entry.memory === undefined) {
      ctx.trace?.notes.push(`node ${name}: no ${entry.cpu === undefined ? 'cpu' : 'memory'} value; left out`);
      continue;
    }
    out.push({
      name,
      usage: { cpu: entry.cpu, memory: entry.memory },
      timestamp: entry.time === undefined ? undefined : new Date(entry.time),
      windowSeconds: rules.windowMs / 1000,
    });
  }
  return out;
}

export async function queryPodUsage(
  rules: ResourceRules,
  namespace: string,
  names: readonly string[] | undefined,
  ctx: QueryContext,
): Promise<PodUsage[]> {
  const [cpu, memory] = await Promise.all([
    samplesFor(rules.cpu, 'pod', names, namespace, ctx),
    samplesFor(rules.memory, 'pod', names, namespace, ctx),
  ]);
  interface PodEntry {
    namespace: string;
    name: string;
    containers: Map<string, { cpu?: Quantity; memory?: Quantity }>;
    has: Set<Kind>;
    time?: number;
  }
  const pods = new Map<string, PodEntry>();
  const wanted = names === undefined ? undefined : new Set(names);
  const collect = (kind: Kind, rule: ResourceRule, samples: readonly PromSample[]): void => {
    const podLabel = label(rule, PODS);
    const namespaceLabel = label(rule, NAMESPACES);
    for (const sample of samples) {
      const name = sample.labels[podLabel];
      const ns = namespace !== '' ? namespace : sample.labels[namespaceLabel];
      if (name === undefined || ns === undefined || (wanted !== undefined && !wanted.has(name))) continue;
      const container = sample.labels[rule.containerLabel] ?? '';
      const value = convert(kind, sample);
      if (value === undefined) {
        ctx.trace?.notes.push(
          `pod ${ns}/${name} container ${container}: ${kind} sample ${sample.value} is not a usable value; left out`,
        );
        continue;
      }
      const key = `${ns}/${name}`;
      const pod: PodEntry = pods.get(key) ?? {
        namespace: ns,
        name,
        containers: new Map<string, { cpu?: Quantity; memory?: Quantity }>(),
        has: new Set<Kind>(),
      };
      const usage = pod.containers.get(container) ?? {};
      if (usage[kind] !== undefined)
        duplicate(rule, 'containerQuery', `container ${container} of pod ${key}`);
      usage[kind] = value;
      pod.containers.set(container, usage);
      pod.has.add(kind);
      pod.time = earliest(pod.time, sample.timestampMs);
      pods.set(key, pod);
    }
  };
  collect('cpu', rules.cpu, cpu);
  collect('memory', rules.memory, memory);
  const out: PodUsage[] = [];
  for (const pod of pods.values()) {
    if (pod.has.size < 2) {
      ctx.trace?.notes.push(
        `pod ${pod.namespace}/${pod.name}: no ${pod.has.has('cpu') ? 'memory' : 'cpu'} value; left out`,
      );
      continue;
    }
    const containers: ContainerUsage[] = [...pod.containers]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, usage]) => ({
        name,
        usage: {
          ...(usage.cpu === undefined ? {} : { cpu: usage.cpu }),
          ...(usage.memory === undefined ? {} : { memory: usage.memory }),
        },
      }));
    out.push({
      namespace: pod.namespace,
      name: pod.name,
      containers,
      timestamp: pod.time === undefined ? undefined : new Date(pod.time),
      windowSeconds: rules.windowMs / 1000,
    });
  }
  return out;
}
