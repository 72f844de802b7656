/**
 * `custom.metrics.k8s.io` requests: one object (`…/pods/web-1/http_requests`), every object
 * matching a label selector (`…/pods/*\/http_requests?labelSelector=app=web`, what the HPA sends
 * for Pods metrics), and metrics about a namespace (`…/namespaces/prod/metrics/queue_length`).
 * Semantics of kubernetes-sigs/custom-metrics-apiserver `pkg/registry/custom_metrics/reststorage.go`.
 */
import { MemoPolicy } from './memo-policy.js';
import type { LabelSelector, MetricValueList, MetricValueV1beta1, MetricValueV1beta2 } from '../api/index.js';
import { callAbortable } from './abortable.js';
import { formatGroupResource, objectKindFor } from './group-resource.js';
import type { HandlerContext, HandlerDependencies } from './handler-context.js';
import type { CustomMetricsProvider, CustomMetricQuery } from './provider.js';
import {
  expectArray,
  expectObject,
  expectQuantity,
  expectString,
  optionalWindow,
  timestampOr,
} from './provider-output.js';
import type { CustomMetricRoute } from './route.js';
import { labelSelectorFor } from './selector-cache.js';
import { StatusError } from './status-error.js';
import {
  encodeCustomMetricValue,
  encodeMetricValueList,
  metricSelectorWire,
  metricValueListOf,
} from './wire-encoding.js';
import type { CustomMetricItem } from './wire-encoding.js';

/**
 * The wire form of values providers returned, by value object: a provider that keeps its values
 * (the memory provider, a cache refreshed per scrape) returns the same objects request after
 * request, and the HPA asks the same question every 15 s. Values are immutable by contract
 * (provider.ts), so an object seen before with the same request shape (version, resource,
 * namespace, metric, metric selector, and — for values without a timestamp — the same second)
 * reuses its encoding, validation included. One entry per object; a WeakMap, so nothing is kept
 * alive for it.
 */
const encodedValues = new WeakMap<object, { key: string; item: MetricValueV1beta1 | MetricValueV1beta2 }>();
/** Stops writing `encodedValues` for providers that never return a value object twice. */
const valuePolicy = new MemoPolicy();

/**
 * 404 in custom-metrics-apiserver's words (`provider.NewMetricNotFoundError` /
 * `NewMetricNotFoundForError`): "the server could not find the metric http_requests for pods" or,
 * for one object, "… for pods web-1".
 */
function metricNotFound(route: CustomMetricRoute, name?: string): StatusError {
  const resource = formatGroupResource(route.groupResource);
  const target = name === undefined ? resource : `${resource} ${name}`;
  return new StatusError(404, `the server could not find the metric ${route.metric} for ${target}`, {
    details: { group: 'custom.metrics.k8s.io', kind: resource, ...(name === undefined ? {} : { name }) },
  });
}

/** Names of listed objects, by the identity of the lister's answer (listers may reuse answers). */
const listedNames = new WeakMap<readonly unknown[], string[]>();

/**
 * Encoded items by the identity of the provider's answer, for the same names and request shape:
 * a provider that returns the same array for the same question is answered without walking it.
 */
const encodedAnswers = new WeakMap<
  readonly unknown[],
  { key: string; names: readonly string[] | undefined; items: (MetricValueV1beta1 | MetricValueV1beta2)[] }
>();

/** Names of the objects matching the selector, when the object lister knows the resource. */
async function resolveNames(
  route: CustomMetricRoute,
  query: CustomMetricQuery,
  selector: LabelSelector,
  deps: HandlerDependencies,
): Promise<string[] | undefined> {
  const lister = deps.objectLister;
  if (lister === undefined || selector.isEmpty()) return undefined;
  const objects = await callAbortable(
    () => lister.list(route.groupResource, route.namespace, selector, query.signal),
    query.signal,
  );
  if (objects === undefined) return undefined;
  const listed = expectArray('ObjectLister.list', objects);
  const known = listedNames.get(listed);
  if (known !== undefined) return known;
  const names = [
    ...new Set(
      listed.map((o) =>
        expectString('ObjectLister.list', 'name', expectObject('ObjectLister.list', 'object', o)['name']),
      ),
    ),
  ];
  listedNames.set(listed, names);
  return names;
}

export async function getCustomMetric(
  route: CustomMetricRoute,
  ctx: HandlerContext,
  deps: HandlerDependencies,
): Promise<MetricValueList<MetricValueV1beta1 | MetricValueV1beta2>> {
  const provider: CustomMetricsProvider | undefined = deps.providers.custom;
  if (provider === undefined) throw new StatusError(404, 'the server could not find the requested resource');
  const metricSelector = labelSelectorFor(ctx.query.get('metricLabelSelector') ?? '');
  const query: CustomMetricQuery = {
    signal: ctx.signal,
    groupResource: route.groupResource,
    namespace: route.namespace,
    metric: route.metric,
    metricSelector,
  };
  const defaults = objectKindFor(route.groupResource);

  const toItem = (method: string, raw: unknown, forcedName?: string): CustomMetricItem => {
    const value = expectObject(method, 'value', raw);
    const name = forcedName ?? expectString(method, 'value.name', value['name']);
    const kind =
      value['kind'] === undefined ? defaults.kind : expectString(method, 'value.kind', value['kind']);
    const apiVersion =
      value['apiVersion'] === undefined
        ? defaults.apiVersion
        : expectString(method, 'value.apiVersion', value['apiVersion']);
    return {
      describedObject: { kind, apiVersion, namespace: route.namespace, name },
      metric: route.metric,
      metricSelector: metricSelectorWire(metricSelector),
      timestamp: timestampOr(method, 'value', value['timestamp'], ctx.now),
      windowSeconds: optionalWindow(method, 'value', value['windowSeconds']),
      value: expectQuantity(method, 'value.value', value['value']),
    };
  };

  if (route.name !== undefined) {
    const name = route.name;
    const found: unknown = await callAbortable(
      () => provider.getMetricByName({ ...query, name }),
      ctx.signal,
    );
    if (found === undefined || found === null) throw metricNotFound(route, name);
    // The object asked for is the object described, whatever name the provider echoes.
    return encodeMetricValueList(route.version, [toItem('getMetricByName', found, name)]);
  }

  const selector = labelSelectorFor(ctx.query.get('labelSelector') ?? '');
  const names = await resolveNames(route, query, selector, deps);
  let values: readonly unknown[] = [];
  if (names === undefined || names.length > 0) {
    const answered: unknown = await callAbortable(
      () => provider.getMetricBySelector({ ...query, selector, names }),
      ctx.signal,
    );
    values = expectArray('getMetricBySelector', answered);
  }
  const shape = [
    route.version,
    formatGroupResource(route.groupResource),
    route.namespace,
    route.metric,
    metricSelector.toString(),
  ].join('\u0000');
  // Values without a timestamp are stamped with the request time (whole seconds).
  const shapeNow = `${shape}\u0000${Math.floor(ctx.now.getTime() / 1000)}`;
  const encode = (raw: unknown): MetricValueV1beta1 | MetricValueV1beta2 => {
    if (typeof raw !== 'object' || raw === null)
      return encodeCustomMetricValue(route.version, toItem('getMetricBySelector', raw));
    const key = (raw as { timestamp?: unknown }).timestamp === undefined ? shapeNow : shape;
    const memo = encodedValues.get(raw);
    const hit = memo !== undefined && memo.key === key;
    valuePolicy.lookup(hit);
    if (hit) return memo.item;
    const item = encodeCustomMetricValue(route.version, toItem('getMetricBySelector', raw));
    if (valuePolicy.writing) encodedValues.set(raw, { key, item });
    return item;
  };
  const answered = encodedAnswers.get(values);
  let items: (MetricValueV1beta1 | MetricValueV1beta2)[];
  if (answered !== undefined && answered.key === shapeNow && answered.names === names) items = answered.items;
  else {
    items = values.map(encode);
    if (names !== undefined) {
      const wanted = new Set(names);
      items = items.filter((item) => wanted.has(item.describedObject.name ?? ''));
    }
    encodedAnswers.set(values, { key: shapeNow, names, items });
  }
  if (
    items.length === 0 &&
    !(await deps.catalog.hasCustomMetric(route.groupResource, route.metric, ctx.signal))
  )
    throw metricNotFound(route);
  return metricValueListOf(route.version, items);
}
