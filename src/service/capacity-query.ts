/**
 * `GET /api/v1/capacity`: query parameters validated up front (every problem reported at once),
 * then the report built from the cached records with the engine's rules and converted with the
 * engine's plain (JSON) form, so it equals `kubemetrics capacity -o json` for the same data.
 *
 * Every answer is bounded whatever the query: at most {@link MAX_CAPACITY_RESOURCES} resource
 * columns, {@link MAX_CAPACITY_ROWS} rows and {@link MAX_CAPACITY_CELLS} rows × columns, and
 * `resources=` must name resources the cluster has.
 * Without these, one unauthenticated 8 KB GET (`by=pod&resources=<2,000 made-up names>&limit=9000002`)
 * built a 297 MB answer from 1,500 pods and ran a 15,000-pod service out of memory. Checks that only
 * read the query run first, so a hostile query is refused before any report work.
 */
import { parseLabelSelector, type LabelSelector } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import {
  buildReport,
  clusterResourceNames,
  createPlainRowConverter,
  parseSortColumn,
  plainScope,
  scopeInput,
  sortRows,
  type PlainClusterRow,
  type PlainScope,
  type ReportScope,
  type ReportInput,
  type ReportRow,
  type RowLevel,
  unknownResourcesProblem,
} from '../report/index.js';

/** Row levels the endpoint serves. */
export type CapacityBy = 'node' | 'namespace' | 'workload' | 'pod';

const BY: readonly CapacityBy[] = ['node', 'namespace', 'workload', 'pod'];
const PARAMETERS = new Set([
  'by',
  'namespace',
  'labelSelector',
  'node',
  'sort',
  'order',
  'limit',
  'resources',
]);
const ROWS_KEY: Readonly<Record<CapacityBy, string>> = {
  node: 'nodes',
  namespace: 'namespaces',
  workload: 'workloads',
  pod: 'pods',
};
export const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Most resource columns one answer may have (a cluster rarely has more than a dozen names). */
export const MAX_CAPACITY_RESOURCES = 16;
/** Most rows one answer may have; also the default `limit` (`total` tells how many there are). */
export const MAX_CAPACITY_ROWS = 5000;
/**
 * Most rows × resource columns one answer may have: about 200 bytes of JSON per cell, so an answer
 * stays under ~9 MB (5,000 pod rows of 8 resources, or 2,500 of 16).
 */
export const MAX_CAPACITY_CELLS = 40_000;

/**
 * A Kubernetes resource name is a qualified name (k8s.io/apimachinery validation IsQualifiedName):
 * an optional DNS-subdomain prefix and `/`, then up to 63 alphanumerics, `-`, `_` or `.`.
 */
const RESOURCE_NAME =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** A validated capacity query. */
export interface CapacityQuery {
  readonly by: CapacityBy;
  readonly namespace: string | undefined;
  readonly labelSelector: LabelSelector | undefined;
  /** Only pods on this node (the dashboard's drill-down). */
  readonly node: string | undefined;
  readonly sort: string | undefined;
  readonly order: 'asc' | 'desc' | undefined;
  readonly limit: number | undefined;
  readonly resources: readonly string[] | undefined;
  /** The filters as the report's scope (what each column covers, docs/report-rules.md). */
  readonly scope: ReportScope;
}

/** The report document (the rows under `nodes`, `namespaces`, `workloads` or `pods`). */
export interface CapacityDocument {
  readonly kind: 'CapacityReport';
  readonly by: CapacityBy;
  readonly resources: readonly string[];
  /** Which pods and nodes each column covers. */
  readonly scope: PlainScope;
  readonly cluster: PlainClusterRow;
  /** Rows before `limit` was applied. */
  readonly total: number;
  /**
   * The row cap applied: the query's `limit`, or {@link MAX_CAPACITY_ROWS} (fewer with many
   * resource columns, see {@link MAX_CAPACITY_CELLS}).
   */
  readonly limit: number;
  readonly [rows: string]: unknown;
}

/** A bad query: every problem, for a 400 answer. */
export class QueryError extends KubemetricsError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('KUBEMETRICS_ERR_ARGUMENT', `invalid query: ${problems.join('; ')}`, {
      hint: 'See docs/service.md for the parameters of /api/v1/capacity.',
    });
    this.problems = problems;
  }
}

/**
 * Validates the query string of `/api/v1/capacity`.
 * @throws QueryError listing every problem
 */
export function parseCapacityQuery(params: URLSearchParams): CapacityQuery {
  const problems: string[] = [];
  for (const key of new Set(params.keys())) {
    if (!PARAMETERS.has(key))
      problems.push(`unknown parameter "${key}" (expected ${[...PARAMETERS].join(', ')})`);
    else if (params.getAll(key).length > 1) problems.push(`parameter "${key}" is given more than once`);
  }
  const text = (key: string): string | undefined => {
    const value = params.get(key);
    return value === null || value.trim() === '' ? undefined : value.trim();
  };
  const byText = text('by') ?? 'node';
  const by = BY.find((b) => b === byText);
  if (by === undefined) problems.push(`by must be one of ${BY.join(', ')}, got ${JSON.stringify(byText)}`);
  const namespace = text('namespace');
  if (namespace !== undefined && !NAME.test(namespace))
    problems.push(`namespace ${JSON.stringify(namespace)} is not a valid namespace name`);
  const node = text('node');
  if (node !== undefined && !NAME.test(node))
    problems.push(`node ${JSON.stringify(node)} is not a valid node name`);
  let labelSelector: LabelSelector | undefined;
  const selectorText = text('labelSelector');
  if (selectorText !== undefined) {
    try {
      labelSelector = parseLabelSelector(selectorText);
    } catch (error) {
      problems.push(`labelSelector: ${(error as Error).message}`);
    }
  }
  const orderText = text('order');
  if (orderText !== undefined && orderText !== 'asc' && orderText !== 'desc')
    problems.push(`order must be asc or desc, got ${JSON.stringify(orderText)}`);
  const limitText = text('limit');
  let limit: number | undefined;
  if (limitText !== undefined) {
    if (/^[1-9]\d{0,9}$/.test(limitText) && Number(limitText) <= MAX_CAPACITY_ROWS) limit = Number(limitText);
    else
      problems.push(
        `limit must be an integer from 1 to ${MAX_CAPACITY_ROWS}, got ${JSON.stringify(limitText.slice(0, 20))}`,
      );
  }
  const resourcesText = text('resources');
  const resources = resourcesText?.split(',').map((s) => s.trim());
  if (resources !== undefined) problems.push(...resourceNameProblems(resources));
  if (limit !== undefined && resources !== undefined) {
    const cells = cellsProblem(limit, resources.length);
    if (cells !== undefined) problems.push(cells);
  }
  if (problems.length > 0 || by === undefined) throw new QueryError(problems);
  return {
    by,
    namespace,
    labelSelector,
    node,
    sort: text('sort'),
    order: orderText as 'asc' | 'desc' | undefined,
    limit,
    resources,
    scope: { namespace, labelSelector: selectorText, node },
  };
}

function cellsProblem(limit: number, columns: number): string | undefined {
  if (limit * columns <= MAX_CAPACITY_CELLS) return undefined;
  return (
    `limit ${limit} with ${columns} resources is ${limit * columns} cells, more than ${MAX_CAPACITY_CELLS}: ` +
    `ask for at most ${Math.floor(MAX_CAPACITY_CELLS / columns)} rows or fewer resources`
  );
}

/** What is wrong with the names of `resources=` on their own (count, syntax), before any report work. */
function resourceNameProblems(names: readonly string[]): string[] {
  if (names.length > MAX_CAPACITY_RESOURCES) {
    return [`resources may name at most ${MAX_CAPACITY_RESOURCES} resources, got ${names.length}`];
  }
  if (names.some((r) => r === '')) {
    return [`resources must be a comma-separated list of names, got ${JSON.stringify(names.join(','))}`];
  }
  const bad = names.filter((r) => !RESOURCE_NAME.test(r));
  return bad.length === 0
    ? []
    : [
        `resources: ${bad.map((r) => JSON.stringify(r.slice(0, 80))).join(', ')}: not a resource name ` +
          '(a qualified name such as cpu, memory or nvidia.com/gpu)',
      ];
}

/**
 * Builds the report for a query. A `sort` column that does not exist for the level, or a resource
 * name the cluster does not have, is a {@link QueryError} naming what is valid.
 */
export function capacityDocument(input: ReportInput, query: CapacityQuery): CapacityDocument {
  if (query.resources !== undefined) {
    const problem = unknownResourcesProblem(query.resources, clusterResourceNames(input));
    if (problem !== undefined) throw new QueryError([problem]);
  }
  const level: RowLevel = query.by;
  const model = buildReport(scopeInput(input, query.scope), {
    resources: query.resources,
    levels: ['cluster', level],
    scope: query.scope,
  });
  const rowsOf: Record<CapacityBy, readonly ReportRow[]> = {
    node: model.nodes,
    namespace: model.namespaces,
    workload: model.workloads,
    pod: model.pods,
  };
  let rows = rowsOf[query.by];
  if (query.sort !== undefined) {
    const options = { level, resourceNames: model.resourceNames, order: query.order };
    try {
      rows = sortRows(rows, parseSortColumn(query.sort, options), options);
    } catch (error) {
      throw new QueryError([`sort: ${(error as Error).message}`]);
    }
  }
  // Without `resources=`, every name the cluster has, up to the column cap (in column order).
  const resourceNames = model.resourceNames.slice(0, MAX_CAPACITY_RESOURCES);
  const columns = Math.max(1, resourceNames.length);
  if (query.limit !== undefined) {
    const cells = cellsProblem(query.limit, columns);
    if (cells !== undefined) throw new QueryError([cells]);
  }
  const total = rows.length;
  const limit = query.limit ?? Math.min(MAX_CAPACITY_ROWS, Math.floor(MAX_CAPACITY_CELLS / columns));
  rows = rows.slice(0, limit);
  const convert = createPlainRowConverter(resourceNames);
  const plainRows = rows.map((row) => {
    switch (row.level) {
      case 'node':
        return convert.node(row);
      case 'namespace':
        return convert.namespace(row);
      case 'workload':
        return convert.workload(row);
      case 'pod':
        return convert.pod(row);
      default:
        throw new Error(`unexpected ${row.level} row`);
    }
  });
  return {
    kind: 'CapacityReport',
    by: query.by,
    resources: resourceNames,
    scope: plainScope(model.scope),
    cluster: convert.cluster(model.cluster),
    total,
    limit,
    [ROWS_KEY[query.by]]: plainRows,
  };
}
