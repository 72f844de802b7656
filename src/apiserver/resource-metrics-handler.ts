/**
 * `metrics.k8s.io` requests (what `kubectl top` and the HPA's Resource metrics read), shaped as
 * metrics-server answers them: `nodes`, `nodes/<name>`, `pods`, `namespaces/<ns>/pods[/<name>]`,
 * with `labelSelector` on the objects' labels and `fieldSelector` on `metadata.name` /
 * `metadata.namespace`. A missing object is a 404 `nodemetrics.metrics.k8s.io "<name>" not found`
 * (`podmetrics.metrics.k8s.io "<ns>/<name>"` for pods), as metrics-server says it.
 */
import { parseFieldSelector, parseLabelSelector } from '../api/index.js';
import type {
  FieldSelector,
  LabelSelector,
  NodeMetrics,
  NodeMetricsList,
  PodMetrics,
  PodMetricsList,
} from '../api/index.js';
import { callAbortable } from './abortable.js';
import type { HandlerContext, HandlerDependencies } from './handler-context.js';
import {
  expectArray,
  expectObject,
  expectString,
  expectUsage,
  optionalLabels,
  optionalWindow,
  timestampOr,
} from './provider-output.js';
import type { GroupResource } from './provider.js';
import type { NodeMetricsRoute, PodMetricsRoute } from './route.js';
import { StatusError } from './status-error.js';
import {
  encodeNodeMetrics,
  encodeNodeMetricsList,
  encodePodMetrics,
  encodePodMetricsList,
} from './wire-encoding.js';
import type { NodeMetricsItem, PodMetricsItem } from './wire-encoding.js';
import { labelSelectorFor } from './selector-cache.js';

const NODES: GroupResource = { group: '', resource: 'nodes' };
const PODS: GroupResource = { group: '', resource: 'pods' };

function checkFields(selector: FieldSelector, supported: readonly string[]): void {
  for (const requirement of selector.requirements) {
    if (!supported.includes(requirement.field))
      throw new StatusError(
        400,
        `"${requirement.field}" is not a known field selector: only ${supported.map((f) => `"${f}"`).join(', ')}`,
      );
  }
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

/** What the request narrows the objects to, before asking the provider. */
interface Narrowing {
  /** Names to pass to the provider, or undefined for "apply the selector yourself". */
  readonly names: string[] | undefined;
  /** `<namespace>/<name>` keys every answer must be among (namespace `''` for nodes). */
  readonly keys: Set<string> | undefined;
}

async function narrow(
  groupResource: GroupResource,
  namespace: string,
  exactName: string | undefined,
  selector: LabelSelector,
  ctx: HandlerContext,
  deps: HandlerDependencies,
): Promise<Narrowing> {
  let names: string[] | undefined = exactName === undefined ? undefined : [exactName];
  let keys: Set<string> | undefined;
  const lister = deps.objectLister;
  if (lister !== undefined && !selector.isEmpty()) {
    const listed = await callAbortable(
      () => lister.list(groupResource, namespace, selector, ctx.signal),
      ctx.signal,
    );
    if (listed !== undefined) {
      const method = 'ObjectLister.list';
      const objects = expectArray(method, listed).map((o) => expectObject(method, 'object', o));
      keys = new Set(
        objects.map((o) =>
          key(
            typeof o['namespace'] === 'string' ? o['namespace'] : '',
            expectString(method, 'name', o['name']),
          ),
        ),
      );
      const listedNames = [...new Set(objects.map((o) => o['name'] as string))];
      names = names === undefined ? listedNames : names.filter((n) => listedNames.includes(n));
    }
  }
  return { names, keys };
}

function nodeItem(raw: unknown, now: Date): NodeMetricsItem {
  const method = 'getNodeUsage';
  const value = expectObject(method, 'node', raw);
  return {
    name: expectString(method, 'node.name', value['name']),
    labels: optionalLabels(method, 'node.labels', value['labels']),
    timestamp: timestampOr(method, 'node', value['timestamp'], now),
    windowSeconds: optionalWindow(method, 'node', value['windowSeconds']),
    usage: expectUsage(method, 'node.usage', value['usage']),
  };
}

function podItem(raw: unknown, now: Date): PodMetricsItem {
  const method = 'getPodUsage';
  const value = expectObject(method, 'pod', raw);
  return {
    namespace: expectString(method, 'pod.namespace', value['namespace']),
    name: expectString(method, 'pod.name', value['name']),
    labels: optionalLabels(method, 'pod.labels', value['labels']),
    timestamp: timestampOr(method, 'pod', value['timestamp'], now),
    windowSeconds: optionalWindow(method, 'pod', value['windowSeconds']),
    containers: expectArray(method, value['containers']).map((c, i) => {
      const container = expectObject(method, `pod.containers[${i}]`, c);
      return {
        name: expectString(method, `pod.containers[${i}].name`, container['name']),
        usage: expectUsage(method, `pod.containers[${i}].usage`, container['usage']),
      };
    }),
  };
}

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

export async function getNodeMetrics(
  route: NodeMetricsRoute,
  ctx: HandlerContext,
  deps: HandlerDependencies,
): Promise<NodeMetrics | NodeMetricsList> {
  const provider = deps.providers.resource;
  if (provider === undefined) throw new StatusError(404, 'the server could not find the requested resource');
  const single = route.name !== undefined;
  const selector = single ? parseLabelSelector('') : labelSelectorFor(ctx.query.get('labelSelector') ?? '');
  const fields = single ? parseFieldSelector('') : parseFieldSelector(ctx.query.get('fieldSelector') ?? '');
  checkFields(fields, ['metadata.name']);
  const exact = route.name ?? fields.exactMatch('metadata.name');
  const { names, keys } = await narrow(NODES, '', exact, selector, ctx, deps);
  const answered: unknown =
    names !== undefined && names.length === 0
      ? []
      : await callAbortable(() => provider.getNodeUsage({ signal: ctx.signal, selector, names }), ctx.signal);
  const wanted = names === undefined ? undefined : new Set(names);
  const items = expectArray('getNodeUsage', answered)
    .map((raw) => nodeItem(raw, ctx.now))
    .filter(
      (item) =>
        (wanted === undefined || wanted.has(item.name)) &&
        (keys === undefined || keys.has(key('', item.name))) &&
        fields.matches((field) => (field === 'metadata.name' ? item.name : undefined)),
    )
    .sort(byName);
  if (route.name !== undefined) {
    const item = items.find((i) => i.name === route.name);
    if (item === undefined)
      throw new StatusError(404, `nodemetrics.metrics.k8s.io "${route.name}" not found`, {
        details: { name: route.name, group: 'metrics.k8s.io', kind: 'nodemetrics' },
      });
    return encodeNodeMetrics(route.version, item, ctx.now, true);
  }
  return encodeNodeMetricsList(route.version, items, ctx.now);
}

export async function getPodMetrics(
  route: PodMetricsRoute,
  ctx: HandlerContext,
  deps: HandlerDependencies,
): Promise<PodMetrics | PodMetricsList> {
  const provider = deps.providers.resource;
  if (provider === undefined) throw new StatusError(404, 'the server could not find the requested resource');
  const single = route.name !== undefined;
  const selector = single ? parseLabelSelector('') : labelSelectorFor(ctx.query.get('labelSelector') ?? '');
  const fields = single ? parseFieldSelector('') : parseFieldSelector(ctx.query.get('fieldSelector') ?? '');
  checkFields(fields, ['metadata.name', 'metadata.namespace']);
  // `/pods?fieldSelector=metadata.namespace=x` is `/namespaces/x/pods`.
  const namespace =
    route.namespace !== '' ? route.namespace : (fields.exactMatch('metadata.namespace') ?? '');
  const exact = route.name ?? fields.exactMatch('metadata.name');
  const { names, keys } = await narrow(PODS, namespace, exact, selector, ctx, deps);
  const answered: unknown =
    names !== undefined && names.length === 0
      ? []
      : await callAbortable(
          () => provider.getPodUsage({ signal: ctx.signal, namespace, selector, names }),
          ctx.signal,
        );
  const wanted = names === undefined ? undefined : new Set(names);
  const items = expectArray('getPodUsage', answered)
    .map((raw) => podItem(raw, ctx.now))
    .filter(
      (item) =>
        (namespace === '' || item.namespace === namespace) &&
        (wanted === undefined || wanted.has(item.name)) &&
        (keys === undefined || keys.has(key(item.namespace, item.name))) &&
        fields.matches((field) =>
          field === 'metadata.name' ? item.name : field === 'metadata.namespace' ? item.namespace : undefined,
        ),
    )
    .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : byName(a, b)));
  if (route.name !== undefined) {
    const item = items.find((i) => i.name === route.name);
    if (item === undefined) {
      const id = `${route.namespace}/${route.name}`;
      throw new StatusError(404, `podmetrics.metrics.k8s.io "${id}" not found`, {
        details: { name: id, group: 'metrics.k8s.io', kind: 'podmetrics' },
      });
    }
    return encodePodMetrics(route.version, item, ctx.now, true);
  }
  return encodePodMetricsList(route.version, items, ctx.now);
}
