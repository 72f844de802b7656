/**
 * custom.metrics.k8s.io (v1beta2, v1beta1) and external.metrics.k8s.io (v1beta1): request paths,
 * discovery of the served metrics, and decoding of both custom wire shapes into one model.
 *
 * Paths (k8s.io/metrics pkg/apis/custom_metrics and the custom-metrics API design):
 * - one object:      /apis/custom.metrics.k8s.io/<v>/namespaces/<ns>/<resource>/<name>/<metric>
 * - by selector:     the same with name `*` and `?labelSelector=`
 * - cluster-scoped:  /apis/custom.metrics.k8s.io/<v>/<resource>/<name>/<metric>
 * - namespace:       /apis/custom.metrics.k8s.io/<v>/namespaces/<ns>/metrics/<metric>
 * - external:        /apis/external.metrics.k8s.io/v1beta1/namespaces/<ns>/<metric>
 * `metricLabelSelector=` narrows the metric's own labels in all of them.
 */
import type {
  APIResourceList,
  ExternalMetricValue,
  LabelSelectorWire,
  MetricValueV1beta1,
  MetricValueV1beta2,
  ObjectReference,
} from '../api/index.js';
import { parseQuantity } from '../quantity/index.js';
import type { Quantity } from '../quantity/index.js';
import { decodeError, decodeTimestamp } from './metrics-model.js';

/** One custom metric value, the same for v1beta1 and v1beta2 servers. */
export interface CustomMetricResult {
  /** The object the value describes (`kind`, `namespace`, `name`, `apiVersion`). */
  readonly describedObject: ObjectReference;
  readonly metricName: string;
  /** The metric's label selector, when the server reports one. */
  readonly selector?: LabelSelectorWire | undefined;
  readonly timestamp: Date;
  /** Window the value was computed over, in seconds, when reported. */
  readonly windowSeconds?: number | undefined;
  readonly value: Quantity;
  /** The item as the server sent it (v1beta1 or v1beta2 shape). */
  readonly raw: MetricValueV1beta1 | MetricValueV1beta2;
}

/**
 * @deprecated Use {@link CustomMetricResult}. Kept because docs/client.md named it; in
 * `kubemetrics/apiserver` the same name is a provider's answer, a different shape.
 */
export type CustomMetricValue = CustomMetricResult;

/** One external metric value. */
export interface ExternalMetricResult {
  readonly metricName: string;
  readonly metricLabels: Readonly<Record<string, string>>;
  readonly timestamp: Date;
  readonly windowSeconds?: number | undefined;
  readonly value: Quantity;
  readonly raw: ExternalMetricValue;
}

/** A metric the custom metrics API serves, from its discovery document. */
export interface DiscoveredCustomMetric {
  /** Discovery name, e.g. `pods/http_requests` or `deployments.apps/queue_length`. */
  readonly name: string;
  /** Resource the metric describes, e.g. `pods`, `deployments`, `namespaces`. */
  readonly resource: string;
  /** API group of that resource (`''` for core). */
  readonly group: string;
  readonly metric: string;
  readonly namespaced: boolean;
}

/** A metric the external metrics API serves. */
export interface DiscoveredExternalMetric {
  readonly metric: string;
  readonly namespaced: boolean;
}

/** Which objects a custom-metric request is about. */
export interface CustomMetricTarget {
  /** Resource of the described objects (`pods` by default), plural, e.g. `services`, `deployments`. */
  readonly resource?: string | undefined;
  /** API group of that resource, e.g. `apps` for deployments; leave out for core resources. */
  readonly group?: string | undefined;
  /** Namespace; leave out for cluster-scoped resources such as nodes. */
  readonly namespace?: string | undefined;
  readonly metric: string;
  /** Selector on the metric's own labels (`metricLabelSelector`). */
  readonly metricLabelSelector?: string | undefined;
}

function segment(value: string): string {
  return encodeURIComponent(value).replace(/%2A/g, '*');
}

/** The request path of a custom metric for object `name` (`*` for a label-selected set). */
export function customMetricPath(version: string, target: CustomMetricTarget, name: string): string {
  const resource = target.resource ?? 'pods';
  const groupResource =
    target.group === undefined || target.group === '' ? resource : `${resource}.${target.group}`;
  const scope = target.namespace === undefined ? '' : `/namespaces/${segment(target.namespace)}`;
  return `/apis/custom.metrics.k8s.io/${version}${scope}/${segment(groupResource)}/${segment(name)}/${segment(target.metric)}`;
}

/** The request path of a metric describing a namespace itself. */
export function namespaceMetricPath(version: string, namespace: string, metric: string): string {
  return `/apis/custom.metrics.k8s.io/${version}/namespaces/${segment(namespace)}/metrics/${segment(metric)}`;
}

/** The request path of an external metric. */
export function externalMetricPath(version: string, namespace: string, metric: string): string {
  return `/apis/external.metrics.k8s.io/${version}/namespaces/${segment(namespace)}/${segment(metric)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeValue(value: unknown, what: string, field = 'value'): Quantity {
  if (typeof value !== 'string') throw decodeError(what, field, 'is missing or not a quantity string');
  try {
    return parseQuantity(value);
  } catch (error) {
    throw decodeError(what, field, `"${value}" is not a valid quantity`, error);
  }
}

function optionalSeconds(value: unknown, what: string, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw decodeError(what, field, 'is not a number of seconds');
  return value;
}

/**
 * Decodes one custom metric value of either version: v1beta2 has `metric: { name, selector }` and
 * `windowSeconds`, v1beta1 has `metricName`, `selector` and `window` (seconds).
 */
export function decodeCustomMetricValue(item: unknown, index?: number): CustomMetricResult {
  const where = index === undefined ? 'MetricValue' : `MetricValue items[${index}]`;
  if (!isRecord(item)) throw decodeError(where, 'object', 'is not an object');
  const described = isRecord(item['describedObject'])
    ? (item['describedObject'] as ObjectReference)
    : undefined;
  if (described === undefined) throw decodeError(where, 'describedObject', 'is missing');
  const objectName = `${described.kind ?? 'object'} "${described.namespace === undefined ? '' : `${described.namespace}/`}${described.name ?? ''}"`;
  let metricName: unknown;
  let selector: unknown;
  let windowSeconds: number | undefined;
  if (isRecord(item['metric'])) {
    metricName = item['metric']['name'];
    selector = item['metric']['selector'];
    windowSeconds = optionalSeconds(item['windowSeconds'], `custom metric of ${objectName}`, 'windowSeconds');
  } else {
    metricName = item['metricName'];
    selector = item['selector'];
    windowSeconds = optionalSeconds(item['window'], `custom metric of ${objectName}`, 'window');
  }
  if (typeof metricName !== 'string' || metricName === '') {
    throw decodeError(`custom metric of ${objectName}`, 'metric name', 'is missing');
  }
  const what = `custom metric "${metricName}" of ${objectName}`;
  return {
    describedObject: described,
    metricName,
    ...(isRecord(selector) ? { selector: selector } : {}),
    timestamp: decodeTimestamp(item['timestamp'], what),
    ...(windowSeconds === undefined ? {} : { windowSeconds }),
    value: decodeValue(item['value'], what),
    raw: item as unknown as MetricValueV1beta1 | MetricValueV1beta2,
  };
}

/** Decodes one external metric value. */
export function decodeExternalMetricValue(item: unknown, index?: number): ExternalMetricResult {
  const where = index === undefined ? 'ExternalMetricValue' : `ExternalMetricValue items[${index}]`;
  if (!isRecord(item)) throw decodeError(where, 'object', 'is not an object');
  const metricName = item['metricName'];
  if (typeof metricName !== 'string' || metricName === '')
    throw decodeError(where, 'metricName', 'is missing');
  const labels = isRecord(item['metricLabels']) ? (item['metricLabels'] as Record<string, string>) : {};
  const what = `external metric "${metricName}" ${JSON.stringify(labels)}`;
  const windowSeconds = optionalSeconds(item['window'], what, 'window');
  return {
    metricName,
    metricLabels: labels,
    timestamp: decodeTimestamp(item['timestamp'], what),
    ...(windowSeconds === undefined ? {} : { windowSeconds }),
    value: decodeValue(item['value'], what),
    raw: item as unknown as ExternalMetricValue,
  };
}

/**
 * Reads the metrics a custom metrics API serves from its resource list: names are
 * `<resource>[.<group>]/<metric>` (custom-metrics-apiserver's discovery).
 */
export function customMetricsFromDiscovery(list: APIResourceList): DiscoveredCustomMetric[] {
  const out: DiscoveredCustomMetric[] = [];
  for (const r of Array.isArray(list?.resources) ? list.resources : []) {
    if (typeof r?.name !== 'string') continue;
    const slash = r.name.indexOf('/');
    if (slash <= 0) continue;
    const groupResource = r.name.slice(0, slash);
    const dot = groupResource.indexOf('.');
    out.push({
      name: r.name,
      resource: dot < 0 ? groupResource : groupResource.slice(0, dot),
      group: dot < 0 ? '' : groupResource.slice(dot + 1),
      metric: r.name.slice(slash + 1),
      namespaced: r.namespaced === true,
    });
  }
  return out;
}

/** Reads the metrics an external metrics API serves from its resource list. */
export function externalMetricsFromDiscovery(list: APIResourceList): DiscoveredExternalMetric[] {
  return (Array.isArray(list?.resources) ? list.resources : [])
    .filter((r) => typeof r?.name === 'string' && r.name !== '')
    .map((r) => ({ metric: r.name, namespaced: r.namespaced === true }));
}
