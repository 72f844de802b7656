/**
 * `GET /api/v1/capacity`: query parameters validated up front (every problem reported at once),
 * then the report built from the cached records with the engine's rules and converted with the
 * engine's plain (JSON) form, so it equals `kubemetrics capacity -o json` for the same data.
 */
import { parseLabelSelector, type LabelSelector } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import {
  buildReport,
  createPlainRowConverter,
  parseSortColumn,
  sortRows,
  type PlainClusterRow,
  type ReportInput,
  type ReportRow,
  type RowLevel,
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
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

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
}

/** The report document (the rows under `nodes`, `namespaces`, `workloads` or `pods`). */
export interface CapacityDocument {
  readonly kind: 'CapacityReport';
  readonly by: CapacityBy;
  readonly resources: readonly string[];
  readonly cluster: PlainClusterRow;
  /** Rows before `limit` was applied. */
  readonly total: number;
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
    if (/^[1-9]\d{0,6}$/.test(limitText)) limit = Number(limitText);
    else problems.push(`limit must be an integer from 1 to 9999999, got ${JSON.stringify(limitText)}`);
  }
  const resourcesText = text('resources');
  const resources = resourcesText?.split(',').map((s) => s.trim());
  if (resources?.some((r) => r === '') === true)
    problems.push(`resources must be a comma-separated list of names, got ${JSON.stringify(resourcesText)}`);
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
  };
}

/**
 * Builds the report for a query. A `sort` column that does not exist for the level is a
 * {@link QueryError} naming the valid columns.
 */
export function capacityDocument(input: ReportInput, query: CapacityQuery): CapacityDocument {
  const pods =
    query.namespace === undefined && query.labelSelector === undefined && query.node === undefined
      ? input.pods
      : input.pods.filter(
          (pod) =>
            (query.namespace === undefined || pod.namespace === query.namespace) &&
            (query.node === undefined || pod.nodeName === query.node) &&
            (query.labelSelector === undefined || query.labelSelector.matches(pod.labels)),
        );
  const nodes = query.node === undefined ? input.nodes : input.nodes.filter((n) => n.name === query.node);
  const level: RowLevel = query.by;
  const model = buildReport(
    { nodes, pods, nodeMetrics: input.nodeMetrics, podMetrics: input.podMetrics },
    { resources: query.resources, levels: ['cluster', level] },
  );
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
  const total = rows.length;
  if (query.limit !== undefined) rows = rows.slice(0, query.limit);
  const convert = createPlainRowConverter(model.resourceNames);
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
    resources: [...model.resourceNames],
    cluster: convert.cluster(model.cluster),
    total,
    [ROWS_KEY[query.by]]: plainRows,
  };
}
