/**
 * The server's one internal model of metric values, and its encoding into each wire version.
 * v1beta1 vs v1beta2 (custom metrics) and v1 vs v1beta1 (resource metrics) differ only here.
 *
 * Field names and optionality follow k8s.io/metrics `pkg/apis/custom_metrics/{v1beta1,v1beta2}`,
 * `pkg/apis/external_metrics/v1beta1` and `pkg/apis/metrics/{v1beta1,v1}` types.go:
 * - custom v1beta2 `MetricValue`: `describedObject`, `metric{name,selector?}`, `timestamp`,
 *   `windowSeconds?`, `value`;
 * - custom v1beta1 `MetricValue`: `describedObject`, `metricName`, `timestamp`, `window?`, `value`,
 *   `selector` (written as `null` when absent: the Go field has no `omitempty`);
 * - `ExternalMetricValue`: `metricName`, `metricLabels`, `timestamp`, `window?`, `value`;
 * - `NodeMetrics` / `PodMetrics`: `metadata`, `timestamp`, `window` (a Go duration string), `usage`
 *   / `containers[].usage`.
 * Timestamps are RFC 3339 at second precision, as `metav1.Time` marshals.
 */
import type {
  ContainerMetrics,
  CustomMetricsVersion,
  ExternalMetricsVersion,
  ExternalMetricValue,
  ExternalMetricValueList,
  LabelSelectorWire,
  MetricsVersion,
  MetricValueList,
  MetricValueV1beta1,
  MetricValueV1beta2,
  NodeMetrics,
  NodeMetricsList,
  ObjectMeta,
  ObjectReference,
  PodMetrics,
  PodMetricsList,
  ResourceList,
} from '../../api/index.js';
import {
  CUSTOM_METRICS_GROUP,
  EXTERNAL_METRICS_GROUP,
  labelSelectorToWire,
  METRICS_GROUP,
} from '../../api/index.js';
import type { LabelSelector } from '../../api/index.js';
import type { Quantity } from '../../quantity/index.js';
import { formatGoDuration } from '../../api/index.js';
import type { ResourceUsage } from '../provider/provider.js';
import { markEncoded } from './wire-serializer.js';

/** A custom metric value for one object, version-neutral. */
export interface CustomMetricItem {
  readonly describedObject: {
    readonly kind: string;
    readonly apiVersion: string;
    /** `''` for cluster-scoped objects (then left out on the wire). */
    readonly namespace: string;
    readonly name: string;
  };
  readonly metric: string;
  /** The metric label selector the value was selected with, if any. */
  readonly metricSelector: LabelSelectorWire | undefined;
  readonly timestamp: Date;
  readonly windowSeconds: number | undefined;
  readonly value: Quantity;
}

export interface ExternalMetricItem {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly timestamp: Date;
  readonly windowSeconds: number | undefined;
  readonly value: Quantity;
}

export interface NodeMetricsItem {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly timestamp: Date;
  readonly windowSeconds: number | undefined;
  readonly usage: ResourceUsage;
}

export interface PodMetricsItem {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly timestamp: Date;
  readonly windowSeconds: number | undefined;
  readonly containers: readonly { readonly name: string; readonly usage: ResourceUsage }[];
}

/** `metav1.Time` JSON: RFC 3339, whole seconds, `Z`. */
export function formatTimestamp(date: Date): string {
  // A list usually carries one timestamp many times (the request time, or one scrape's time):
  // remember the last one formatted.
  const time = date.getTime();
  if (time === lastFormatted.time) return lastFormatted.text;
  const text = date.toISOString().replace(/\.\d+Z$/, 'Z');
  lastFormatted = { time, text };
  return text;
}

let lastFormatted = { time: NaN, text: '' };

/** Integer seconds for the int64 `window`/`windowSeconds` fields, or undefined to leave them out. */
function integerWindow(seconds: number | undefined): number | undefined {
  return seconds === undefined || !Number.isFinite(seconds) || seconds < 0 ? undefined : Math.round(seconds);
}

/** The Go duration string of `NodeMetrics.window`; `0s` when the provider gave none. */
function durationWindow(seconds: number | undefined): string {
  return seconds === undefined || !Number.isFinite(seconds) || seconds < 0 ? '0s' : formatGoDuration(seconds);
}

/**
 * The structured form of a metric label selector for `metric.selector` / `selector`; undefined for
 * the empty selector and for selectors with `>`/`<`, which the structured form cannot express.
 */
export function metricSelectorWire(selector: LabelSelector): LabelSelectorWire | undefined {
  if (selector.isEmpty()) return undefined;
  try {
    return labelSelectorToWire(selector);
  } catch {
    return undefined;
  }
}

function describedObject(item: CustomMetricItem): ObjectReference {
  const ref: ObjectReference = { kind: item.describedObject.kind };
  if (item.describedObject.namespace !== '') ref.namespace = item.describedObject.namespace;
  ref.name = item.describedObject.name;
  ref.apiVersion = item.describedObject.apiVersion;
  return ref;
}

function encodeV1beta2(item: CustomMetricItem): MetricValueV1beta2 {
  const window = integerWindow(item.windowSeconds);
  return {
    describedObject: describedObject(item),
    metric:
      item.metricSelector === undefined
        ? { name: item.metric }
        : { name: item.metric, selector: item.metricSelector },
    timestamp: formatTimestamp(item.timestamp),
    ...(window === undefined ? {} : { windowSeconds: window }),
    value: item.value.toString(),
  };
}

function encodeV1beta1(item: CustomMetricItem): MetricValueV1beta1 {
  const window = integerWindow(item.windowSeconds);
  return {
    describedObject: describedObject(item),
    metricName: item.metric,
    timestamp: formatTimestamp(item.timestamp),
    ...(window === undefined ? {} : { window }),
    value: item.value.toString(),
    selector: item.metricSelector ?? null,
  };
}

/** One custom metric value in the wire form of `version`. */
export function encodeCustomMetricValue(
  version: CustomMetricsVersion,
  item: CustomMetricItem,
): MetricValueV1beta1 | MetricValueV1beta2 {
  return version === 'v1beta2' ? encodeV1beta2(item) : encodeV1beta1(item);
}

/** A `MetricValueList` of custom.metrics.k8s.io `version` from values already encoded for it. */
export function metricValueListOf(
  version: CustomMetricsVersion,
  items: (MetricValueV1beta1 | MetricValueV1beta2)[],
): MetricValueList<MetricValueV1beta1 | MetricValueV1beta2> {
  return markEncoded(
    { kind: 'MetricValueList', apiVersion: `${CUSTOM_METRICS_GROUP}/${version}`, metadata: {}, items },
    version === 'v1beta2' ? 'custom-v1beta2' : 'custom-v1beta1',
  );
}

/** A `MetricValueList` of custom.metrics.k8s.io `version`. */
export function encodeMetricValueList(
  version: CustomMetricsVersion,
  items: readonly CustomMetricItem[],
): MetricValueList<MetricValueV1beta1 | MetricValueV1beta2> {
  return metricValueListOf(
    version,
    items.map((item) => encodeCustomMetricValue(version, item)),
  );
}

/** An `ExternalMetricValueList`. */
export function encodeExternalMetricValueList(
  version: ExternalMetricsVersion,
  items: readonly ExternalMetricItem[],
): ExternalMetricValueList {
  return {
    kind: 'ExternalMetricValueList',
    apiVersion: `${EXTERNAL_METRICS_GROUP}/${version}`,
    metadata: {},
    items: items.map((item): ExternalMetricValue => {
      const window = integerWindow(item.windowSeconds);
      return {
        metricName: item.metric,
        metricLabels: { ...item.labels },
        timestamp: formatTimestamp(item.timestamp),
        ...(window === undefined ? {} : { window }),
        value: item.value.toString(),
      };
    }),
  };
}

function resourceList(usage: ResourceUsage): ResourceList {
  const list: ResourceList = {};
  for (const name of Object.keys(usage).sort()) {
    const amount = usage[name];
    if (amount !== undefined) list[name] = amount.toString();
  }
  return list;
}

function metadata(
  name: string,
  namespace: string | undefined,
  labels: Readonly<Record<string, string>> | undefined,
  now: Date,
): ObjectMeta {
  const meta: ObjectMeta = { name };
  if (namespace !== undefined) meta.namespace = namespace;
  meta.creationTimestamp = formatTimestamp(now);
  if (labels !== undefined && Object.keys(labels).length > 0) meta.labels = { ...labels };
  return meta;
}

/** One `NodeMetrics` object (also an item of `NodeMetricsList`, where kind/apiVersion are left out). */
export function encodeNodeMetrics(
  version: MetricsVersion,
  item: NodeMetricsItem,
  now: Date,
  standalone: boolean,
): NodeMetrics {
  const node: NodeMetrics = standalone
    ? {
        kind: 'NodeMetrics',
        apiVersion: `${METRICS_GROUP}/${version}`,
        metadata: {},
        timestamp: '',
        window: '',
        usage: {},
      }
    : { metadata: {}, timestamp: '', window: '', usage: {} };
  node.metadata = metadata(item.name, undefined, item.labels, now);
  node.timestamp = formatTimestamp(item.timestamp);
  node.window = durationWindow(item.windowSeconds);
  node.usage = resourceList(item.usage);
  return node;
}

export function encodeNodeMetricsList(
  version: MetricsVersion,
  items: readonly NodeMetricsItem[],
  now: Date,
): NodeMetricsList {
  return {
    kind: 'NodeMetricsList',
    apiVersion: `${METRICS_GROUP}/${version}`,
    metadata: {},
    items: items.map((item) => encodeNodeMetrics(version, item, now, false)),
  };
}

export function encodePodMetrics(
  version: MetricsVersion,
  item: PodMetricsItem,
  now: Date,
  standalone: boolean,
): PodMetrics {
  const pod: PodMetrics = standalone
    ? {
        kind: 'PodMetrics',
        apiVersion: `${METRICS_GROUP}/${version}`,
        metadata: {},
        timestamp: '',
        window: '',
        containers: [],
      }
    : { metadata: {}, timestamp: '', window: '', containers: [] };
  pod.metadata = metadata(item.name, item.namespace, item.labels, now);
  pod.timestamp = formatTimestamp(item.timestamp);
  pod.window = durationWindow(item.windowSeconds);
  pod.containers = item.containers.map((c): ContainerMetrics => ({
    name: c.name,
    usage: resourceList(c.usage),
  }));
  return pod;
}

export function encodePodMetricsList(
  version: MetricsVersion,
  items: readonly PodMetricsItem[],
  now: Date,
): PodMetricsList {
  return {
    kind: 'PodMetricsList',
    apiVersion: `${METRICS_GROUP}/${version}`,
    metadata: {},
    items: items.map((item) => encodePodMetrics(version, item, now, false)),
  };
}
