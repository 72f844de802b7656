/**
 * `custom.metrics.k8s.io` requests: one object (`…/pods/web-1/http_requests`), every object
 * matching a label selector (`…/pods/*\/http_requests?labelSelector=app=web`, what the HPA sends
 * for Pods metrics), and metrics about a namespace (`…/namespaces/prod/metrics/queue_length`).
 * Semantics of kubernetes-sigs/custom-metrics-apiserver `pkg/registry/custom_metrics/reststorage.go`.
 */
import type {
  LabelSelector,
  MetricValueList,
  MetricValueV1beta1,
  MetricValueV1beta2,
} from '../../api/index.js';
import { callAbortable } from '../pipeline/abortable.js';
import { formatGroupResource, objectKindFor } from '../provider/group-resource.js';
import type { HandlerContext, HandlerDependencies } from './handler-context.js';
import type { CustomMetricsProvider, CustomMetricQuery } from '../provider/provider.js';
import {
  expectArray,
  expectObject,
  expectQuantity,
  expectString,
  optionalWindow,
  timestampOr,
} from '../provider/provider-output.js';
import type { CustomMetricRoute } from '../pipeline/route.js';
import { labelSelectorFor } from './selector-cache.js';
import { StatusError } from '../provider/status-error.js';
import {
  encodeCustomMetricValue,
  encodeMetricValueList,
  metricSelectorWire,
  metricValueListOf,
} from '../encoding/wire-encoding.js';
import type { CustomMetricItem } from '../encoding/wire-encoding.js';

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
  const known = deps.customMetricsMemo.listedNames.get(listed);
  if (known !== undefined) return known;
  const names = [
    ...new Set(
      listed.map((o) =>
        expectString('ObjectLister.list', 'name', expectObject('ObjectLister.list', 'object', o)['name']),
      ),
    ),
  ];
  deps.customMetricsMemo.listedNames.set(listed, names);
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
  const memo = deps.customMetricsMemo;
  const encode = (raw: unknown): MetricValueV1beta1 | MetricValueV1beta2 => {
    if (typeof raw !== 'object' || raw === null)
      return encodeCustomMetricValue(route.version, toItem('getMetricBySelector', raw));
    const key = (raw as { timestamp?: unknown }).timestamp === undefined ? shapeNow : shape;
    const known = memo.values.get(raw);
    const hit = known !== undefined && known.key === key;
    memo.valuePolicy.lookup(hit);
    if (hit) return known.item;
    const item = encodeCustomMetricValue(route.version, toItem('getMetricBySelector', raw));
    if (memo.valuePolicy.writing) memo.values.set(raw, { key, item });
    return item;
  };
  const answered = memo.answers.get(values);
  let items: (MetricValueV1beta1 | MetricValueV1beta2)[];
  if (answered !== undefined && answered.key === shapeNow && answered.names === names) items = answered.items;
  else {
    items = values.map(encode);
    if (names !== undefined) {
      const wanted = new Set(names);
      items = items.filter((item) => wanted.has(item.describedObject.name ?? ''));
    }
    memo.answers.set(values, { key: shapeNow, names, items });
  }
  if (
    items.length === 0 &&
    !(await deps.catalog.hasCustomMetric(route.groupResource, route.metric, ctx.signal))
  )
    throw metricNotFound(route);
  return metricValueListOf(route.version, items);
}
