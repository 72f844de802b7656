/**
 * `metrics.k8s.io` requests (what `kubectl top` and the HPA's Resource metrics read), shaped as
 * metrics-server answers them: `nodes`, `nodes/<name>`, `pods`, `namespaces/<ns>/pods[/<name>]`,
 * with `labelSelector` on the objects' labels and `fieldSelector` on `metadata.name` /
 * `metadata.namespace`.
 *
 * Answers are joined with the object lister, for every provider: metrics-server
 * (pkg/api/pod.go, node.go) and prometheus-adapter (pkg/resourceprovider/provider.go) list the
 * pods and nodes from informers first and ask for metrics of those only, so a series left over
 * from a deleted pod, or from another cluster sharing the Prometheus, is never served. Here the
 * provider answers and every item whose object the lister does not have is dropped; the
 * object's labels from the lister become `metadata.labels`, as both set them. A `GET` of an object
 * that does not exist is the lister's 404 (`pods "<name>" not found`, `node "<name>" not found`,
 * what metrics-server passes through from client-go's listers); one that exists but has no
 * metrics is `podmetrics.metrics.k8s.io "<ns>/<name>" not found` /
 * `nodemetrics.metrics.k8s.io "<name>" not found`.
 *
 * When the lister cannot tell (no lister, one that does not list pods or nodes, a namespace it
 * does not watch, or not synced within its wait), the provider's answer is served as it is, with
 * the provider's labels, and the server logs that once per resource.
 */
import { parseFieldSelector, parseLabelSelector } from '../../api/index.js';
import type {
  FieldSelector,
  LabelSelector,
  NodeMetrics,
  NodeMetricsList,
  PodMetrics,
  PodMetricsList,
} from '../../api/index.js';
import { callAbortable } from '../pipeline/abortable.js';
import type { HandlerContext, HandlerDependencies } from './handler-context.js';
import {
  expectArray,
  expectObject,
  expectString,
  expectUsage,
  optionalLabels,
  optionalWindow,
  timestampOr,
} from '../provider/provider-output.js';
import type { GroupResource } from '../provider/provider.js';
import type { NodeMetricsRoute, PodMetricsRoute } from '../pipeline/route.js';
import { StatusError } from '../provider/status-error.js';
import {
  encodeNodeMetrics,
  encodeNodeMetricsList,
  encodePodMetrics,
  encodePodMetricsList,
} from '../encoding/wire-encoding.js';
import type { NodeMetricsItem, PodMetricsItem } from '../encoding/wire-encoding.js';
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

type Labels = Readonly<Record<string, string>>;

/** What the request narrows the objects to, before asking the provider. */
interface Narrowing {
  /** Names to pass to the provider, or undefined for "apply the selector yourself". */
  readonly names: string[] | undefined;
  /**
   * The labels of the objects that exist and match, by `<namespace>/<name>` (namespace `''` for
   * nodes): every answer must be one of them. Undefined when the lister cannot tell.
   */
  readonly existing: ReadonlyMap<string, Labels> | undefined;
}

/** Resources already logged as served without the join, per server. */
const unjoinedLogged = new WeakMap<HandlerDependencies, Set<string>>();

function logUnjoined(groupResource: GroupResource, deps: HandlerDependencies): void {
  const logged = unjoinedLogged.get(deps) ?? new Set<string>();
  unjoinedLogged.set(deps, logged);
  if (logged.has(groupResource.resource)) return;
  logged.add(groupResource.resource);
  deps.logger.warn(
    { resource: groupResource.resource },
    `metrics.k8s.io ${groupResource.resource} are served as the provider answers, without checking that they exist: the object lister does not list ${groupResource.resource} (or has not synced yet)`,
  );
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
  const lister = deps.objectLister;
  const listed =
    lister === undefined
      ? undefined
      : await callAbortable(() => lister.list(groupResource, namespace, selector, ctx.signal), ctx.signal);
  if (listed === undefined) {
    logUnjoined(groupResource, deps);
    return { names, existing: undefined };
  }
  const method = 'ObjectLister.list';
  const existing = new Map<string, Labels>();
  const listedNames = new Set<string>();
  for (const raw of expectArray(method, listed)) {
    const o = expectObject(method, 'object', raw);
    const name = expectString(method, 'name', o['name']);
    const objectNamespace = typeof o['namespace'] === 'string' ? o['namespace'] : '';
    existing.set(key(objectNamespace, name), optionalLabels(method, 'labels', o['labels']) ?? {});
    listedNames.add(name);
  }
  // Names go to the provider only for a selector: for the empty one they would be every object
  // in scope (a PromQL regex of the whole cluster), so the provider answers for all and the
  // items of objects that do not exist are dropped afterwards.
  if (!selector.isEmpty()) {
    names = names === undefined ? [...listedNames] : names.filter((n) => listedNames.has(n));
  }
  return { names, existing };
}

/** The 404 of a `GET` for an object the lister does not have, worded as client-go's listers word it. */
function objectNotFound(resource: 'pods' | 'node', name: string): StatusError {
  return new StatusError(404, `${resource} "${name}" not found`, {
    details: { name, group: '', kind: resource },
  });
}

/**
 * The labels an item is served with: its object's from the lister, or the provider's when the
 * lister cannot tell. `null` when the lister says the object does not exist (the item is dropped
 * before the rest of it is checked and copied).
 */
function labelsFor(
  existing: ReadonlyMap<string, Labels> | undefined,
  namespace: string,
  name: string,
  provided: () => Labels | undefined,
): Labels | undefined | null {
  if (existing === undefined) return provided();
  return existing.get(key(namespace, name)) ?? null;
}

function nodeItem(
  raw: unknown,
  now: Date,
  existing: ReadonlyMap<string, Labels> | undefined,
): NodeMetricsItem | undefined {
  const method = 'getNodeUsage';
  const value = expectObject(method, 'node', raw);
  const name = expectString(method, 'node.name', value['name']);
  const labels = labelsFor(existing, '', name, () => optionalLabels(method, 'node.labels', value['labels']));
  if (labels === null) return undefined;
  return {
    name,
    labels,
    timestamp: timestampOr(method, 'node', value['timestamp'], now),
    windowSeconds: optionalWindow(method, 'node', value['windowSeconds']),
    usage: expectUsage(method, 'node.usage', value['usage']),
  };
}

function podItem(
  raw: unknown,
  now: Date,
  existing: ReadonlyMap<string, Labels> | undefined,
): PodMetricsItem | undefined {
  const method = 'getPodUsage';
  const value = expectObject(method, 'pod', raw);
  const namespace = expectString(method, 'pod.namespace', value['namespace']);
  const name = expectString(method, 'pod.name', value['name']);
  const labels = labelsFor(existing, namespace, name, () =>
    optionalLabels(method, 'pod.labels', value['labels']),
  );
  if (labels === null) return undefined;
  return {
    namespace,
    name,
    labels,
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
  const { names, existing } = await narrow(NODES, '', exact, selector, ctx, deps);
  if (route.name !== undefined && existing !== undefined && !existing.has(key('', route.name)))
    throw objectNotFound('node', route.name);
  const answered: unknown =
    names !== undefined && names.length === 0
      ? []
      : await callAbortable(() => provider.getNodeUsage({ signal: ctx.signal, selector, names }), ctx.signal);
  const wanted = names === undefined ? undefined : new Set(names);
  const items = expectArray('getNodeUsage', answered)
    .map((raw) => nodeItem(raw, ctx.now, existing))
    .filter(
      (item): item is NodeMetricsItem =>
        item !== undefined &&
        (wanted === undefined || wanted.has(item.name)) &&
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
  const { names, existing } = await narrow(PODS, namespace, exact, selector, ctx, deps);
  if (route.name !== undefined && existing !== undefined && !existing.has(key(namespace, route.name)))
    throw objectNotFound('pods', route.name);
  const answered: unknown =
    names !== undefined && names.length === 0
      ? []
      : await callAbortable(
          () => provider.getPodUsage({ signal: ctx.signal, namespace, selector, names }),
          ctx.signal,
        );
  const wanted = names === undefined ? undefined : new Set(names);
  const items = expectArray('getPodUsage', answered)
    .map((raw) => podItem(raw, ctx.now, existing))
    .filter(
      (item): item is PodMetricsItem =>
        item !== undefined &&
        (namespace === '' || item.namespace === namespace) &&
        (wanted === undefined || wanted.has(item.name)) &&
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
