/**
 * The internal model of resource metrics (metrics.k8s.io): wire objects are decoded once, here,
 * into results with parsed {@link Quantity} values, a `Date` timestamp and the window in seconds,
 * keeping the wire object as `raw`. v1 and v1beta1 share one shape, so nothing version-specific
 * leaks past this file.
 */
import { parseGoDuration } from '../api/index.js';
import type { ContainerMetrics, NodeMetrics, PodMetrics } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { parseQuantity } from '../quantity/index.js';
import type { Quantity } from '../quantity/index.js';

/** Usage of one node, decoded. */
export interface NodeMetricsResult {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** End of the sample window. */
  readonly timestamp: Date;
  /** Length of the sample window in seconds (e.g. 20.033). */
  readonly windowSeconds: number;
  /** Resource name → usage, e.g. `cpu`, `memory`. */
  readonly usage: Readonly<Record<string, Quantity>>;
  /** The object as the server sent it (strings untouched). */
  readonly raw: NodeMetrics;
}

/** Usage of one container, decoded. */
export interface ContainerMetricsResult {
  readonly name: string;
  readonly usage: Readonly<Record<string, Quantity>>;
  readonly raw: ContainerMetrics;
}

/** Usage of one pod, decoded. */
export interface PodMetricsResult {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly timestamp: Date;
  readonly windowSeconds: number;
  readonly containers: readonly ContainerMetricsResult[];
  /** Sum over the containers, per resource. */
  readonly usage: Readonly<Record<string, Quantity>>;
  readonly raw: PodMetrics;
}

/** Throws the DECODE error for a field of a named object. */
export function decodeError(what: string, field: string, problem: string, cause?: unknown): KubemetricsError {
  return new KubemetricsError('KUBEMETRICS_ERR_DECODE', `${what}: ${field} ${problem}`, {
    hint: 'The metrics server sent a value kubemetrics cannot read; check the metrics provider version and report the payload to its maintainers.',
    cause,
  });
}

export { parseGoDuration } from '../api/index.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decodes an RFC 3339 timestamp or throws a DECODE error naming the object and field. */
export function decodeTimestamp(value: unknown, what: string, field = 'timestamp'): Date {
  if (typeof value !== 'string' || value === '') throw decodeError(what, field, `is missing or not a string`);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw decodeError(what, field, `"${value}" is not an RFC 3339 time`);
  return date;
}

function decodeWindow(value: unknown, what: string): number {
  if (typeof value !== 'string') throw decodeError(what, 'window', 'is missing or not a duration string');
  const seconds = parseGoDuration(value);
  if (seconds === undefined) throw decodeError(what, 'window', `"${value}" is not a duration like "20s"`);
  return seconds;
}

/** Decodes a `ResourceList` (resource → Quantity string) into parsed quantities. */
export function decodeResourceList(value: unknown, what: string, field: string): Record<string, Quantity> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw decodeError(what, field, 'is not a map of resource name to quantity');
  const entries: [string, Quantity][] = [];
  for (const [resource, amount] of Object.entries(value)) {
    if (typeof amount !== 'string') {
      throw decodeError(what, `${field}.${resource}`, `is ${JSON.stringify(amount)}, not a quantity string`);
    }
    try {
      entries.push([resource, parseQuantity(amount)]);
    } catch (error) {
      throw decodeError(what, `${field}.${resource}`, `"${amount}" is not a valid quantity`, error);
    }
  }
  // fromEntries defines own properties, so a "__proto__" resource name stays data.
  return Object.fromEntries(entries);
}

function labelsOf(metadata: Record<string, unknown>): Record<string, string> {
  const labels = metadata['labels'];
  return isRecord(labels) ? (labels as Record<string, string>) : {};
}

function metadataOf(item: unknown, kind: string, index: number | undefined): Record<string, unknown> {
  const where = index === undefined ? kind : `${kind} items[${index}]`;
  if (!isRecord(item)) throw decodeError(where, 'object', 'is not an object');
  const metadata = item['metadata'];
  if (!isRecord(metadata) || typeof metadata['name'] !== 'string' || metadata['name'] === '') {
    throw decodeError(where, 'metadata.name', 'is missing');
  }
  return metadata;
}

/**
 * How a decode represents what it reads, so that the shape of metrics.k8s.io objects (which
 * fields, where, what is an error) is written once, here, for every consumer: the client's own
 * model below keeps parsed {@link Quantity} values, a report keeps bigint nanos with interned
 * strings (report/records.ts) because 150,000 pods must fit in little memory.
 *
 * `Q` is a usage map, `C` one container's usage.
 */
export interface ResourceMetricsLeaves<Q, C> {
  /** How errors name the object, e.g. `pod metrics "shop/web-0"`. */
  subject(kind: 'NodeMetrics' | 'PodMetrics', namespace: string, name: string): string;
  /** Decodes a `usage` map, throwing a DECODE error that names `subject` and `field`. */
  usage(value: unknown, subject: string, field: string): Q;
  /** One container's entry; `raw` is the wire object. */
  container(name: string, usage: Q, raw: ContainerMetrics): C;
  /** The pod's total over its containers (`kubectl top pod` sums every resource any container reports). */
  total(containers: readonly C[]): Q;
  /** Repeated strings (namespaces, container names) may be shared; identity by default. */
  intern?(text: string): string;
}

/** A NodeMetrics object read with some {@link ResourceMetricsLeaves}; timestamp and window unparsed. */
export interface NodeMetricsFields<Q> {
  readonly subject: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly timestamp: unknown;
  readonly window: unknown;
  readonly usage: Q;
  readonly raw: NodeMetrics;
}

/** A PodMetrics object read with some {@link ResourceMetricsLeaves}; timestamp and window unparsed. */
export interface PodMetricsFields<Q, C> {
  readonly subject: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly timestamp: unknown;
  readonly window: unknown;
  readonly containers: readonly C[];
  readonly total: Q;
  readonly raw: PodMetrics;
}

/** Reads one NodeMetrics object's fields. `index` names the list position in errors. */
export function readNodeMetrics<Q, C>(
  item: unknown,
  leaves: ResourceMetricsLeaves<Q, C>,
  index?: number,
): NodeMetricsFields<Q> {
  const metadata = metadataOf(item, 'NodeMetrics', index);
  const raw = item as NodeMetrics;
  const name = metadata['name'] as string;
  const subject = leaves.subject('NodeMetrics', '', name);
  return {
    subject,
    name,
    labels: labelsOf(metadata),
    timestamp: raw.timestamp,
    window: raw.window,
    usage: leaves.usage(raw.usage, subject, 'usage'),
    raw,
  };
}

/** Reads one PodMetrics object's fields. `index` names the list position in errors. */
export function readPodMetrics<Q, C>(
  item: unknown,
  leaves: ResourceMetricsLeaves<Q, C>,
  index?: number,
): PodMetricsFields<Q, C> {
  const metadata = metadataOf(item, 'PodMetrics', index);
  const raw = item as PodMetrics;
  const name = metadata['name'] as string;
  const wireNamespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';
  const namespace = leaves.intern === undefined ? wireNamespace : leaves.intern(wireNamespace);
  const subject = leaves.subject('PodMetrics', namespace, name);
  const wireContainers: unknown = raw.containers ?? [];
  if (!Array.isArray(wireContainers)) throw decodeError(subject, 'containers', 'is not a list');
  // map() allocates exactly one slot per container; push() would over-allocate.
  const containers = wireContainers.map((c: unknown, i): C => {
    if (!isRecord(c) || typeof c['name'] !== 'string') {
      throw decodeError(subject, `containers[${i}].name`, 'is missing');
    }
    const usage = leaves.usage(c['usage'], subject, `containers[${i}].usage`);
    const containerName = leaves.intern === undefined ? c['name'] : leaves.intern(c['name']);
    return leaves.container(containerName, usage, c as unknown as ContainerMetrics);
  });
  return {
    subject,
    name,
    namespace,
    labels: labelsOf(metadata),
    timestamp: raw.timestamp,
    window: raw.window,
    containers,
    total: leaves.total(containers),
    raw,
  };
}

/** The client's leaves: parsed {@link Quantity} values, wire objects kept as `raw`. */
const QUANTITY_LEAVES: ResourceMetricsLeaves<Record<string, Quantity>, ContainerMetricsResult> = {
  subject: (kind, namespace, name) =>
    kind === 'NodeMetrics' ? `node metrics "${name}"` : `pod metrics "${namespace}/${name}"`,
  usage: (value, subject, field) => decodeResourceList(value, subject, field),
  container: (name, usage, raw) => ({ name, usage, raw }),
  total(containers) {
    const totals = new Map<string, Quantity>();
    for (const c of containers) {
      for (const [resource, q] of Object.entries(c.usage)) {
        const sum = totals.get(resource);
        totals.set(resource, sum === undefined ? q : sum.add(q));
      }
    }
    return Object.fromEntries(totals);
  },
};

/** Decodes one NodeMetrics object. `index` names the list position in errors. */
export function decodeNodeMetrics(item: unknown, index?: number): NodeMetricsResult {
  const fields = readNodeMetrics(item, QUANTITY_LEAVES, index);
  return {
    name: fields.name,
    labels: fields.labels,
    timestamp: decodeTimestamp(fields.timestamp, fields.subject),
    windowSeconds: decodeWindow(fields.window, fields.subject),
    usage: fields.usage,
    raw: fields.raw,
  };
}

/** Decodes one PodMetrics object. `index` names the list position in errors. */
export function decodePodMetrics(item: unknown, index?: number): PodMetricsResult {
  const fields = readPodMetrics(item, QUANTITY_LEAVES, index);
  return {
    name: fields.name,
    namespace: fields.namespace,
    labels: fields.labels,
    timestamp: decodeTimestamp(fields.timestamp, fields.subject),
    windowSeconds: decodeWindow(fields.window, fields.subject),
    containers: fields.containers,
    usage: fields.total,
    raw: fields.raw,
  };
}

/** Decodes the `items` of a metrics list body, naming the list in errors. */
export function decodeItems<T>(
  body: unknown,
  kind: string,
  decode: (item: unknown, index: number) => T,
): T[] {
  if (!isRecord(body) || !Array.isArray(body['items'])) {
    throw new KubemetricsError('KUBEMETRICS_ERR_DECODE', `${kind}: the response has no items list`, {
      hint: 'Something other than the metrics API answered: check the server URL and the APIService.',
    });
  }
  return (body['items'] as unknown[]).map((item, i) => decode(item, i));
}
