/**
 * What the memory provider stores, as callers give it (`setCustomMetric`, the metrics file):
 * values may be a `Quantity`, quantity text (`"250m"`) or a number, and are made exact on entry.
 */
import { KubemetricsError } from '../../errors.js';
import { parseGroupResource } from '../../apiserver/index.js';
import type { GroupResource } from '../../apiserver/index.js';
import { parseQuantity, Quantity } from '../../quantity/index.js';

/** A quantity in any form the memory provider accepts. */
export type QuantityInput = Quantity | string | number;

/** One custom metric value for one object. */
export interface CustomMetricEntry {
  /** `{ group: 'apps', resource: 'deployments' }` or the URL form `"deployments.apps"`. */
  readonly groupResource: GroupResource | string;
  /** Namespace of the object; omit (or `''`) for cluster-scoped objects such as nodes and namespaces. */
  readonly namespace?: string | undefined;
  readonly name: string;
  readonly metric: string;
  readonly value: QuantityInput;
  /** The object's labels, matched by `?labelSelector=` and listed by `objectLister`. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** The series' metric labels, matched by `?metricLabelSelector=`. Series of one object are summed. */
  readonly metricLabels?: Readonly<Record<string, string>> | undefined;
  /** Defaults to the time of each request. */
  readonly timestamp?: Date | undefined;
  readonly windowSeconds?: number | undefined;
}

/** One series of an external metric. */
export interface ExternalMetricEntry {
  readonly metric: string;
  /** Only HPAs in this namespace see the series; omit to serve it to every namespace. */
  readonly namespace?: string | undefined;
  /** The series' labels, matched by `?labelSelector=`. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly value: QuantityInput;
  readonly timestamp?: Date | undefined;
  readonly windowSeconds?: number | undefined;
}

/** Resource usage, e.g. `{ cpu: '250m', memory: '64Mi' }`. */
export type UsageInput = Readonly<Record<string, QuantityInput>>;

export interface NodeUsageEntry {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly usage: UsageInput;
  readonly timestamp?: Date | undefined;
  readonly windowSeconds?: number | undefined;
}

export interface PodUsageEntry {
  readonly namespace: string;
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly containers: readonly { readonly name: string; readonly usage: UsageInput }[];
  readonly timestamp?: Date | undefined;
  readonly windowSeconds?: number | undefined;
}

/** Everything the provider holds; what a metrics file decodes to. */
export interface MemoryMetricsSnapshot {
  readonly custom: readonly CustomMetricEntry[];
  readonly external: readonly ExternalMetricEntry[];
  readonly nodes: readonly NodeUsageEntry[];
  readonly pods: readonly PodUsageEntry[];
}

/** Makes a quantity exact; numbers must be finite. */
export function toQuantity(input: QuantityInput, what: string): Quantity {
  if (Quantity.isQuantity(input)) return input;
  if (typeof input === 'number') {
    if (!Number.isFinite(input))
      throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', `${what} must be a finite number, got ${input}`);
    return parseQuantity(String(input));
  }
  if (typeof input === 'string') return parseQuantity(input);
  throw new KubemetricsError(
    'KUBEMETRICS_ERR_ARGUMENT',
    `${what} must be a Quantity, quantity text such as "250m" or a number, got ${typeof input}`,
  );
}

export function toGroupResource(input: GroupResource | string, what: string): GroupResource {
  const groupResource = typeof input === 'string' ? parseGroupResource(input) : input;
  if (
    typeof groupResource !== 'object' ||
    groupResource === null ||
    typeof groupResource.resource !== 'string' ||
    groupResource.resource === ''
  )
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `${what} must name a resource such as "pods" or "deployments.apps", got ${JSON.stringify(input)}`,
    );
  return {
    group: typeof groupResource.group === 'string' ? groupResource.group : '',
    resource: groupResource.resource,
  };
}

export function requireName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '')
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `${what} must be a non-empty string, got ${JSON.stringify(value)}`,
    );
  return value;
}
