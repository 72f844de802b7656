/**
 * Sorting report rows by a named column, stably.
 *
 * Column names:
 * - `name`; `namespace` (namespaced levels); `kind` (workloads); `pods` (aggregate levels);
 *   `pods%` (cluster, node: of allocatable pods)
 * - `<resource>`: usage of that resource, as `kubectl top --sort-by=cpu`; `<resource>%`: usage
 *   percentage (see row-values.ts for the basis of each level)
 * - `<measure>.<resource>` and `<measure>.<resource>%` for measure `requests`, `limits`, `usage`
 *   (all levels) and `capacity`, `allocatable`, `nodeUsage` (cluster, node); e.g. `requests.memory`,
 *   `limits.cpu%`, `requests.nvidia.com/gpu`
 *
 * Names sort ascending and numbers descending unless `order` says otherwise. Rows without a value
 * (no metrics, no basis) always go last, in their original order.
 */
import { KubemetricsError } from '../errors.js';
import type { ReportRow, RowLevel } from './aggregate.js';
import type { Percent } from './percent.js';
import {
  MEASURES,
  NODE_MEASURES,
  rowAmount,
  rowPercent,
  rowPods,
  rowPodsPercent,
  type Measure,
} from './row-values.js';

/** A parsed sort column. */
export type SortColumn =
  | { readonly type: 'name' }
  | { readonly type: 'namespace' }
  | { readonly type: 'kind' }
  | { readonly type: 'pods' }
  | { readonly type: 'pods%' }
  | { readonly type: 'amount'; readonly measure: Measure; readonly resource: string }
  | { readonly type: 'percent'; readonly measure: Measure; readonly resource: string };

/** Options of {@link sortRows} and {@link parseSortColumn}. */
export interface SortOptions {
  /** The level of the rows (decides which columns exist). */
  readonly level: RowLevel;
  /** The report's resource names (`ReportModel.resourceNames`). */
  readonly resourceNames: readonly string[];
  /** Default: `asc` for name, namespace and kind; `desc` for numbers. */
  readonly order?: 'asc' | 'desc' | undefined;
}

const NAMESPACED: ReadonlySet<RowLevel> = new Set(['namespace', 'workload', 'pod', 'container']);
const AGGREGATE: ReadonlySet<RowLevel> = new Set(['cluster', 'node', 'namespace', 'workload']);

function hasCapacityLevel(level: RowLevel): boolean {
  return level === 'cluster' || level === 'node';
}

function measuresFor(level: RowLevel): readonly Measure[] {
  return hasCapacityLevel(level) ? MEASURES : MEASURES.filter((m) => !NODE_MEASURES.has(m));
}

function percentMeasuresFor(level: RowLevel): readonly Measure[] {
  return hasCapacityLevel(level) ? ['requests', 'limits', 'usage', 'nodeUsage'] : ['usage'];
}

/** Every valid column name for a level and set of resources, in a readable order. */
export function sortColumns(level: RowLevel, resourceNames: readonly string[]): string[] {
  const columns = ['name'];
  if (NAMESPACED.has(level)) columns.push('namespace');
  if (level === 'workload') columns.push('kind');
  if (AGGREGATE.has(level)) columns.push('pods');
  if (hasCapacityLevel(level)) columns.push('pods%');
  for (const resource of resourceNames) columns.push(resource, `${resource}%`);
  for (const measure of measuresFor(level)) {
    for (const resource of resourceNames) {
      columns.push(`${measure}.${resource}`);
      if (percentMeasuresFor(level).includes(measure)) columns.push(`${measure}.${resource}%`);
    }
  }
  return columns;
}

function unknownColumn(column: string, options: SortOptions): KubemetricsError {
  const valid = sortColumns(options.level, options.resourceNames);
  return new KubemetricsError(
    'KUBEMETRICS_ERR_ARGUMENT',
    `unknown sort column ${JSON.stringify(column)} for ${options.level} rows; valid columns: ${valid.join(', ')}`,
    { hint: 'Use a column from the list, e.g. name, cpu, memory%, requests.cpu or limits.memory%.' },
  );
}

/**
 * Parses a column name for a level.
 *
 * @throws KubemetricsError `KUBEMETRICS_ERR_ARGUMENT` listing the valid columns when it is unknown
 */
export function parseSortColumn(column: string, options: SortOptions): SortColumn {
  const level = options.level;
  switch (column) {
    case 'name':
      return { type: 'name' };
    case 'namespace':
      if (NAMESPACED.has(level)) return { type: 'namespace' };
      throw unknownColumn(column, options);
    case 'kind':
      if (level === 'workload') return { type: 'kind' };
      throw unknownColumn(column, options);
    case 'pods':
      if (AGGREGATE.has(level)) return { type: 'pods' };
      throw unknownColumn(column, options);
    case 'pods%':
      if (hasCapacityLevel(level)) return { type: 'pods%' };
      throw unknownColumn(column, options);
  }
  const percent = column.endsWith('%');
  const body = percent ? column.slice(0, -1) : column;
  let measure: Measure = 'usage';
  let resource = body;
  const dot = body.indexOf('.');
  if (dot > 0 && (MEASURES as readonly string[]).includes(body.slice(0, dot))) {
    measure = body.slice(0, dot) as Measure;
    resource = body.slice(dot + 1);
  }
  if (!options.resourceNames.includes(resource)) throw unknownColumn(column, options);
  if (!measuresFor(level).includes(measure)) throw unknownColumn(column, options);
  if (percent) {
    if (!percentMeasuresFor(level).includes(measure)) throw unknownColumn(column, options);
    return { type: 'percent', measure, resource };
  }
  return { type: 'amount', measure, resource };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function nameCompare(a: ReportRow, b: ReportRow): number {
  return (
    compareStrings(a.namespace ?? '', b.namespace ?? '') ||
    compareStrings(a.level === 'container' ? a.pod : '', b.level === 'container' ? b.pod : '') ||
    compareStrings(a.name, b.name)
  );
}

function compareDefined<T>(
  a: T | undefined,
  b: T | undefined,
  compare: (x: T, y: T) => number,
  sign: number,
): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  return sign * compare(a, b);
}

/**
 * Returns a new array of `rows` sorted by `column`, stable (ties keep their order). Values that
 * are unknown for a row (no metrics, no basis) sort last in either order.
 *
 * @throws KubemetricsError `KUBEMETRICS_ERR_ARGUMENT` for an unknown column, listing valid ones
 */
export function sortRows<R extends ReportRow>(
  rows: readonly R[],
  column: string | SortColumn,
  options: SortOptions,
): R[] {
  const parsed = typeof column === 'string' ? parseSortColumn(column, options) : column;
  const textual = parsed.type === 'name' || parsed.type === 'namespace' || parsed.type === 'kind';
  const sign = (options.order ?? (textual ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
  let compare: (a: R, b: R) => number;
  switch (parsed.type) {
    case 'name':
      compare = (a, b) => sign * nameCompare(a, b);
      break;
    case 'namespace':
      compare = (a, b) => sign * (compareStrings(a.namespace ?? '', b.namespace ?? '') || nameCompare(a, b));
      break;
    case 'kind':
      compare = (a, b) =>
        sign *
        (compareStrings(a.level === 'workload' ? a.kind : '', b.level === 'workload' ? b.kind : '') ||
          nameCompare(a, b));
      break;
    case 'pods':
      compare = (a, b) => compareDefined(rowPods(a), rowPods(b), (x, y) => x - y, sign);
      break;
    case 'pods%':
      compare = (a, b) =>
        compareDefined(rowPodsPercent(a), rowPodsPercent(b), (x: Percent, y: Percent) => x.compare(y), sign);
      break;
    case 'amount': {
      const { measure, resource } = parsed;
      const keys = new Map<R, bigint | undefined>();
      for (const row of rows) keys.set(row, rowAmount(row, measure, resource));
      compare = (a, b) =>
        compareDefined(
          keys.get(a),
          keys.get(b),
          (x: bigint, y: bigint) => (x < y ? -1 : x > y ? 1 : 0),
          sign,
        );
      break;
    }
    case 'percent': {
      const { measure, resource } = parsed;
      const keys = new Map<R, Percent | undefined>();
      for (const row of rows) keys.set(row, rowPercent(row, measure, resource));
      compare = (a, b) =>
        compareDefined(keys.get(a), keys.get(b), (x: Percent, y: Percent) => x.compare(y), sign);
      break;
    }
  }
  // Array.prototype.sort is stable (ES2019); the comparator never reverses ties.
  return [...rows].sort(compare);
}
