/**
 * `external.metrics.k8s.io` requests: `/namespaces/<ns>/<metric>?labelSelector=…`, where the
 * selector applies to the metric's labels (kubernetes-sigs/custom-metrics-apiserver
 * `pkg/registry/external_metrics/reststorage.go`). The HPA sums every returned series.
 */
import type { ExternalMetricValueList } from '../../api/index.js';
import { callAbortable } from '../pipeline/abortable.js';
import type { HandlerContext, HandlerDependencies } from './handler-context.js';
import {
  expectArray,
  expectObject,
  expectQuantity,
  optionalLabels,
  optionalWindow,
  timestampOr,
} from '../provider/provider-output.js';
import type { ExternalMetricRoute } from '../pipeline/route.js';
import { StatusError } from '../provider/status-error.js';
import { encodeExternalMetricValueList } from '../encoding/wire-encoding.js';
import type { ExternalMetricItem } from '../encoding/wire-encoding.js';
import { labelSelectorFor } from './selector-cache.js';

const METHOD = 'getExternalMetric';

export async function getExternalMetric(
  route: ExternalMetricRoute,
  ctx: HandlerContext,
  deps: HandlerDependencies,
): Promise<ExternalMetricValueList> {
  const provider = deps.providers.external;
  if (provider === undefined) throw new StatusError(404, 'the server could not find the requested resource');
  const selector = labelSelectorFor(ctx.query.get('labelSelector') ?? '');
  const answered: unknown = await callAbortable(
    () =>
      provider.getExternalMetric({
        signal: ctx.signal,
        namespace: route.namespace,
        metric: route.metric,
        selector,
      }),
    ctx.signal,
  );
  const items = expectArray(METHOD, answered).map((raw): ExternalMetricItem => {
    const value = expectObject(METHOD, 'value', raw);
    return {
      metric: route.metric,
      labels: optionalLabels(METHOD, 'value.labels', value['labels']) ?? {},
      timestamp: timestampOr(METHOD, 'value', value['timestamp'], ctx.now),
      windowSeconds: optionalWindow(METHOD, 'value', value['windowSeconds']),
      value: expectQuantity(METHOD, 'value.value', value['value']),
    };
  });
  if (items.length === 0 && !(await deps.catalog.hasExternalMetric(route.metric, ctx.signal)))
    throw new StatusError(404, `the server could not find the external metric ${route.metric}`, {
      details: { group: 'external.metrics.k8s.io', kind: route.metric },
    });
  return encodeExternalMetricValueList(route.version, items);
}
