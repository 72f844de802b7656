/**
 * metrics.k8s.io (v1beta1 and v1 share one shape), custom.metrics.k8s.io v1beta1/v1beta2 and
 * external.metrics.k8s.io v1beta1 wire types. Source: k8s.io/metrics pkg/apis/{metrics,custom_metrics,
 * external_metrics}/<version>/types.go.
 */
import type { ObjectReference, ResourceList } from './core.js';
import type { ListMeta, ObjectMeta } from './meta.js';

export const METRICS_GROUP = 'metrics.k8s.io';
export const CUSTOM_METRICS_GROUP = 'custom.metrics.k8s.io';
export const EXTERNAL_METRICS_GROUP = 'external.metrics.k8s.io';

/** Served versions, newest first: the order clients prefer them in. */
export const METRICS_VERSIONS = ['v1', 'v1beta1'] as const;
export type MetricsVersion = (typeof METRICS_VERSIONS)[number];
export const CUSTOM_METRICS_VERSIONS = ['v1beta2', 'v1beta1'] as const;
export type CustomMetricsVersion = (typeof CUSTOM_METRICS_VERSIONS)[number];
export const EXTERNAL_METRICS_VERSIONS = ['v1beta1'] as const;
export type ExternalMetricsVersion = (typeof EXTERNAL_METRICS_VERSIONS)[number];

export interface NodeMetrics {
  kind?: 'NodeMetrics';
  apiVersion?: string;
  metadata: ObjectMeta;
  /** RFC 3339 time the sample window ended. */
  timestamp: string;
  /** Go duration string, e.g. `20.033s`. */
  window: string;
  usage: ResourceList;
}

export interface ContainerMetrics {
  name: string;
  usage: ResourceList;
}

export interface PodMetrics {
  kind?: 'PodMetrics';
  apiVersion?: string;
  metadata: ObjectMeta;
  timestamp: string;
  window: string;
  containers: ContainerMetrics[];
}

export interface NodeMetricsList {
  kind: 'NodeMetricsList';
  apiVersion: string;
  metadata: ListMeta;
  items: NodeMetrics[];
}

export interface PodMetricsList {
  kind: 'PodMetricsList';
  apiVersion: string;
  metadata: ListMeta;
  items: PodMetrics[];
}

/** meta/v1 LabelSelector as it appears inside metric values. */
export interface LabelSelectorRequirementWire {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelectorWire {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementWire[];
}

/** custom.metrics.k8s.io/v1beta1 MetricValue. */
export interface MetricValueV1beta1 {
  describedObject: ObjectReference;
  metricName: string;
  timestamp: string;
  /** Seconds, as an integer (int64 on the wire). */
  window?: number;
  value: string;
  selector?: LabelSelectorWire | null;
}

/** custom.metrics.k8s.io/v1beta2 MetricValue. */
export interface MetricValueV1beta2 {
  describedObject: ObjectReference;
  metric: { name: string; selector?: LabelSelectorWire | null };
  timestamp: string;
  windowSeconds?: number;
  value: string;
}

export interface MetricValueList<T> {
  kind: 'MetricValueList';
  apiVersion: string;
  metadata: ListMeta;
  items: T[];
}

/** external.metrics.k8s.io/v1beta1 ExternalMetricValue. */
export interface ExternalMetricValue {
  metricName: string;
  metricLabels: Record<string, string>;
  timestamp: string;
  window?: number;
  value: string;
}

export interface ExternalMetricValueList {
  kind: 'ExternalMetricValueList';
  apiVersion: string;
  metadata: ListMeta;
  items: ExternalMetricValue[];
}
