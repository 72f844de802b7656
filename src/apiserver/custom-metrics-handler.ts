/**
 * `custom.metrics.k8s.io` requests: one object (`…/pods/web-1/http_requests`), every object
 * matching a label selector (`…/pods/*\/http_requests?labelSelector=app=web`, what the HPA sends
 * for Pods metrics), and metrics about a namespace (`…/namespaces/prod/metrics/queue_length`).
 * Semantics of kubernetes-sigs/custom-metrics-apiserver `pkg/registry/custom_metrics/reststorage.go`.
 */
import { parseLabelSelector } from '../api/index.js';
import type { MetricValueList, MetricValueV1beta1, MetricValueV1beta2 } from '../api/index.js';
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
import { StatusError } from './status-error.js';
import { encodeMetricValueList, metricSelectorWire } from './wire-encoding.js';
import type { CustomMetricItem } from './wire-encoding.js';

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
  selector: ReturnType<typeof parseLabelSelector>,
  deps: HandlerDependencies,
): Promise<string[] | undefined> {
  const lister = deps.objectLister;
  if (lister === undefined || selector.isEmpty()) return undefined;
  const objects = await callAbortable(
    () => lister.list(route.groupResource, route.namespace, selector, query.signal),
    query.signal,
  );
  if (objects === undefined) return undefined;
  return [
    ...new Set(
      expectArray('ObjectLister.list', objects).map((o) =>
        expectString('ObjectLister.list', 'name', expectObject('ObjectLister.list', 'object', o)['name']),
      ),
    ),
  ];
}

export async function getCustomMetric(
  route: CustomMetricRoute,
  ctx: HandlerContext,
  deps: HandlerDependencies,
): Promise<MetricValueList<MetricValueV1beta1 | MetricValueV1beta2>> {
  const provider: CustomMetricsProvider | undefined = deps.providers.custom;
  if (provider === undefined) throw new StatusError(404, 'the server could not find the requested resource');
  const metricSelector = parseLabelSelector(ctx.query.get('metricLabelSelector') ?? '');
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

  const selector = parseLabelSelector(ctx.query.get('labelSelector') ?? '');
  const names = await resolveNames(route, query, selector, deps);
  let values: readonly unknown[] = [];
  if (names === undefined || names.length > 0) {
    const answered: unknown = await callAbortable(
      () => provider.getMetricBySelector({ ...query, selector, names }),
      ctx.signal,
    );
    values = expectArray('getMetricBySelector', answered);
  }
  let items = values.map((v) => toItem('getMetricBySelector', v));
  if (names !== undefined) {
    const wanted = new Set(names);
    items = items.filter((item) => wanted.has(item.describedObject.name));
  }
  if (
    items.length === 0 &&
    !(await deps.catalog.hasCustomMetric(route.groupResource, route.metric, ctx.signal))
  )
    throw metricNotFound(route);
  return encodeMetricValueList(route.version, items);
}
