/**
 * The memory provider's file format (YAML, or JSON since YAML contains it). Every problem is
 * reported at once, each with its place in the file (`custom[2].value: …`), and nothing is loaded
 * unless the whole file is valid. docs/apiserver.md documents the format:
 *
 * ```yaml
 * custom:
 *   - resource: pods              # or deployments.apps, namespaces, nodes…
 *     namespace: shop             # omit for cluster-scoped objects
 *     name: web-1
 *     metric: http_requests
 *     value: 250m                 # quantity text or a number
 *     labels: { app: web }        # the object's labels (labelSelector)
 *     metricLabels: { code: "200" }   # the series' labels (metricLabelSelector)
 *     windowSeconds: 60
 *     timestamp: 2025-01-01T00:00:00Z # optional; default: time of each request
 * external:
 *   - metric: queue_depth
 *     namespace: shop             # omit to serve every namespace
 *     labels: { queue: orders }
 *     value: 42
 * nodes:
 *   - name: node-1
 *     labels: { pool: general }
 *     usage: { cpu: 1500m, memory: 6Gi }
 *     windowSeconds: 30
 * pods:
 *   - namespace: shop
 *     name: web-1
 *     labels: { app: web }
 *     containers:
 *       - name: app
 *         usage: { cpu: 250m, memory: 128Mi }
 * ```
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { KubemetricsError } from '../../errors.js';
import { parseGroupResource } from '../../apiserver/index.js';
import { tryParseQuantity } from '../../quantity/index.js';
import type {
  CustomMetricEntry,
  ExternalMetricEntry,
  MemoryMetricsSnapshot,
  NodeUsageEntry,
  PodUsageEntry,
  QuantityInput,
} from './metric-entries.js';

const HINT = 'See "Memory provider file format" in docs/apiserver.md for the fields of each section.';

type Problems = string[];
type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: Obj, allowed: readonly string[], where: string, problems: Problems): void {
  for (const key of Object.keys(value))
    if (!allowed.includes(key))
      problems.push(`${where}: unknown field "${key}" (expected one of: ${allowed.join(', ')})`);
}

function str(
  value: Obj,
  key: string,
  where: string,
  problems: Problems,
  required = true,
): string | undefined {
  const field = value[key];
  if (field === undefined || field === null) {
    if (required) problems.push(`${where}.${key}: required`);
    return undefined;
  }
  if (typeof field !== 'string' || field === '') {
    problems.push(`${where}.${key}: expected a non-empty string, got ${JSON.stringify(field)}`);
    return undefined;
  }
  return field;
}

function quantity(field: unknown, where: string, problems: Problems): QuantityInput | undefined {
  if (typeof field === 'number') {
    if (Number.isFinite(field)) return field;
    problems.push(`${where}: expected a finite number`);
    return undefined;
  }
  if (typeof field !== 'string') {
    problems.push(
      `${where}: expected a quantity such as "250m", "1.5" or "128Mi", got ${JSON.stringify(field) ?? 'nothing'}`,
    );
    return undefined;
  }
  const parsed = tryParseQuantity(field);
  if (!parsed.ok) {
    problems.push(`${where}: ${parsed.error.message}`);
    return undefined;
  }
  return parsed.value;
}

function labels(
  value: Obj,
  key: string,
  where: string,
  problems: Problems,
): Record<string, string> | undefined {
  const field = value[key];
  if (field === undefined || field === null) return undefined;
  if (!isObject(field)) {
    problems.push(`${where}.${key}: expected a map of label names to strings`);
    return undefined;
  }
  const result: Record<string, string> = {};
  for (const [name, label] of Object.entries(field)) {
    // YAML turns `code: 200` into a number and `enabled: true` into a boolean; labels are strings.
    if (typeof label === 'string') result[name] = label;
    else if (typeof label === 'number' || typeof label === 'boolean') result[name] = String(label);
    else problems.push(`${where}.${key}.${name}: expected a string`);
  }
  return result;
}

function windowSeconds(value: Obj, where: string, problems: Problems): number | undefined {
  const field = value['windowSeconds'];
  if (field === undefined || field === null) return undefined;
  if (typeof field !== 'number' || !Number.isFinite(field) || field < 0) {
    problems.push(`${where}.windowSeconds: expected a non-negative number of seconds`);
    return undefined;
  }
  return field;
}

function timestamp(value: Obj, where: string, problems: Problems): Date | undefined {
  const field = value['timestamp'];
  if (field === undefined || field === null) return undefined;
  const date = field instanceof Date ? field : typeof field === 'string' ? new Date(field) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    problems.push(`${where}.timestamp: expected an RFC 3339 time such as 2025-01-01T00:00:00Z`);
    return undefined;
  }
  return date;
}

function usage(value: Obj, where: string, problems: Problems): Record<string, QuantityInput> | undefined {
  const field = value['usage'];
  if (!isObject(field)) {
    problems.push(
      `${where}.usage: expected a map of resource names to quantities, e.g. { cpu: 250m, memory: 64Mi }`,
    );
    return undefined;
  }
  const result: Record<string, QuantityInput> = {};
  for (const [name, amount] of Object.entries(field)) {
    const q = quantity(amount, `${where}.usage.${name}`, problems);
    if (q !== undefined) result[name] = q;
  }
  return result;
}

/** The maps of list `root[key]`; `prefix` is where `root` is in the file (`pods[1].`). */
function list(root: Obj, key: string, problems: Problems, prefix = ''): { item: Obj; where: string }[] {
  const field = root[key];
  if (field === undefined || field === null) return [];
  if (!Array.isArray(field)) {
    problems.push(`${prefix}${key}: expected a list`);
    return [];
  }
  const items: { item: Obj; where: string }[] = [];
  field.forEach((item: unknown, i) => {
    if (isObject(item)) items.push({ item, where: `${prefix}${key}[${i}]` });
    else problems.push(`${prefix}${key}[${i}]: expected a map`);
  });
  return items;
}

/**
 * Decodes metrics file text. `source` names the file in messages.
 *
 * @throws {KubemetricsError} `KUBEMETRICS_ERR_DECODE` listing every problem.
 */
export function parseMetricsFile(text: string, source: string): MemoryMetricsSnapshot {
  const fail = (problems: readonly string[]): never => {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_DECODE',
      `invalid metrics file ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { hint: HINT },
    );
  };
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) fail(document.errors.map((e) => `YAML: ${e.message}`));
  const root: unknown = document.toJS();
  if (root === null || root === undefined) return { custom: [], external: [], nodes: [], pods: [] };
  if (!isObject(root))
    return fail(['the file must be a map with the sections custom, external, nodes and pods']);
  const problems: Problems = [];
  checkKeys(root, ['custom', 'external', 'nodes', 'pods'], 'file', problems);

  const custom: CustomMetricEntry[] = [];
  for (const { item, where } of list(root, 'custom', problems)) {
    checkKeys(
      item,
      [
        'resource',
        'namespace',
        'name',
        'metric',
        'value',
        'labels',
        'metricLabels',
        'windowSeconds',
        'timestamp',
      ],
      where,
      problems,
    );
    const resource = str(item, 'resource', where, problems);
    const namespace = str(item, 'namespace', where, problems, false);
    const name = str(item, 'name', where, problems);
    const metric = str(item, 'metric', where, problems);
    const value = quantity(item['value'], `${where}.value`, problems);
    const objectLabels = labels(item, 'labels', where, problems);
    const metricLabels = labels(item, 'metricLabels', where, problems);
    const window = windowSeconds(item, where, problems);
    const time = timestamp(item, where, problems);
    if (resource !== undefined && parseGroupResource(resource).resource === '')
      problems.push(`${where}.resource: "${resource}" is not <resource> or <resource>.<group>`);
    if (resource !== undefined && name !== undefined && metric !== undefined && value !== undefined)
      custom.push({
        groupResource: resource,
        namespace,
        name,
        metric,
        value,
        labels: objectLabels,
        metricLabels,
        windowSeconds: window,
        timestamp: time,
      });
  }

  const external: ExternalMetricEntry[] = [];
  for (const { item, where } of list(root, 'external', problems)) {
    checkKeys(
      item,
      ['metric', 'namespace', 'labels', 'value', 'windowSeconds', 'timestamp'],
      where,
      problems,
    );
    const metric = str(item, 'metric', where, problems);
    const namespace = str(item, 'namespace', where, problems, false);
    const value = quantity(item['value'], `${where}.value`, problems);
    const seriesLabels = labels(item, 'labels', where, problems);
    const window = windowSeconds(item, where, problems);
    const time = timestamp(item, where, problems);
    if (metric !== undefined && value !== undefined)
      external.push({
        metric,
        namespace,
        labels: seriesLabels,
        value,
        windowSeconds: window,
        timestamp: time,
      });
  }

  const nodes: NodeUsageEntry[] = [];
  for (const { item, where } of list(root, 'nodes', problems)) {
    checkKeys(item, ['name', 'labels', 'usage', 'windowSeconds', 'timestamp'], where, problems);
    const name = str(item, 'name', where, problems);
    const nodeLabels = labels(item, 'labels', where, problems);
    const amounts = usage(item, where, problems);
    const window = windowSeconds(item, where, problems);
    const time = timestamp(item, where, problems);
    if (name !== undefined && amounts !== undefined)
      nodes.push({ name, labels: nodeLabels, usage: amounts, windowSeconds: window, timestamp: time });
  }

  const pods: PodUsageEntry[] = [];
  for (const { item, where } of list(root, 'pods', problems)) {
    checkKeys(
      item,
      ['namespace', 'name', 'labels', 'containers', 'windowSeconds', 'timestamp'],
      where,
      problems,
    );
    const namespace = str(item, 'namespace', where, problems);
    const name = str(item, 'name', where, problems);
    const podLabels = labels(item, 'labels', where, problems);
    const window = windowSeconds(item, where, problems);
    const time = timestamp(item, where, problems);
    const containers: { name: string; usage: Record<string, QuantityInput> }[] = [];
    if (item['containers'] === undefined || item['containers'] === null)
      problems.push(`${where}.containers: required (a list of { name, usage })`);
    for (const { item: container, where: at } of list(item, 'containers', problems, `${where}.`)) {
      checkKeys(container, ['name', 'usage'], at, problems);
      const containerName = str(container, 'name', at, problems);
      const amounts = usage(container, at, problems);
      if (containerName !== undefined && amounts !== undefined)
        containers.push({ name: containerName, usage: amounts });
    }
    if (namespace !== undefined && name !== undefined)
      pods.push({ namespace, name, labels: podLabels, containers, windowSeconds: window, timestamp: time });
  }

  if (problems.length > 0) fail(problems);
  return { custom, external, nodes, pods };
}

/** Reads a metrics file's text; a read failure is a `KUBEMETRICS_ERR_CONFIG` naming the file. */
export async function readMetricsText(path: string, signal?: AbortSignal): Promise<string> {
  try {
    return await readFile(path, { encoding: 'utf8', signal });
  } catch (error) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `cannot read metrics file ${path}: ${(error as Error).message}`,
      {
        cause: error,
        hint: 'Check the path and that the process may read it.',
      },
    );
  }
}

/**
 * Decodes the text of the metrics file at `path`. Unlike {@link parseMetricsFile}, an empty (or
 * whitespace-only) file is refused: it is what a reader sees in the middle of a non-atomic save
 * (`>` truncates first), and loading it would wipe every metric.
 *
 * @throws {KubemetricsError} `KUBEMETRICS_ERR_DECODE`.
 */
export function decodeMetricsFile(text: string, path: string): MemoryMetricsSnapshot {
  if (text.trim() === '')
    throw new KubemetricsError('KUBEMETRICS_ERR_DECODE', `metrics file ${path} is empty`, {
      hint: 'A file being written shows empty for a moment: write a new file and rename it over the old one. To serve no metrics, write {} into it.',
    });
  return parseMetricsFile(text, path);
}

/** Reads and decodes a metrics file; `text` is returned so watchers can skip unchanged content. */
export async function readMetricsFile(
  path: string,
  signal?: AbortSignal,
): Promise<{ snapshot: MemoryMetricsSnapshot; text: string }> {
  const text = await readMetricsText(path, signal);
  return { snapshot: decodeMetricsFile(text, path), text };
}
