/**
 * Printing the capacity report: aligned tables (cpu in millicores, memory in Mi, as kubectl prints
 * them, each amount with its percentage), CSV/TSV with raw base-unit numbers next to canonical
 * quantities, and the plain JSON/YAML document. Layout per `--by`: node rows (the default), then
 * optionally each node's pods and their containers nested under it; or namespace / workload rows.
 */
import type { ContainerRow, PodRow, ReportModel, ReportRow } from './aggregate.js';
import { reportToPlain, toPlainQuantity, type PlainReport } from './plain-report.js';
import { isByteResource } from './resource-amounts.js';
import {
  rowAmount,
  rowKubectlPercent,
  rowPercent,
  rowPods,
  rowPodsKubectlPercent,
  usageOfLimits,
  type Measure,
} from './row-values.js';
import { selectsNodes, selectsPods, type ReportScope } from './scope.js';
import { sortRows } from './sort.js';
import { formatTopCpu, formatTopMemory } from './top.js';
import { Quantity } from '../quantity/index.js';

export type CapacityGrouping = 'node' | 'namespace' | 'workload';

export interface CapacityView {
  readonly by: CapacityGrouping;
  /** Nest each group's pods under it. */
  readonly pods: boolean;
  /** Nest each pod's containers under it (implies pods). */
  readonly containers: boolean;
  /** Add usage columns. */
  readonly util: boolean;
  /** Add allocatable/capacity and pod columns. */
  readonly wide: boolean;
  /** Percentages of capacity instead of allocatable on node and cluster rows. */
  readonly ofCapacity: boolean;
  /** Sort column for the group rows (and pods within a group); default by name. */
  readonly sort: string | undefined;
}

/** How an amount shows in a table: cpu `250m`, byte resources `512Mi`, others canonical. */
export function formatAmount(resource: string, nanos: bigint | undefined): string {
  if (nanos === undefined) return '-';
  if (resource === 'cpu') return formatTopCpu(nanos);
  if (isByteResource(resource)) return formatTopMemory(nanos);
  return Quantity.fromNano(nanos).toString();
}

function withPercent(text: string, percent: string | undefined): string {
  return percent === undefined ? text : `${text} (${percent})`;
}

/** kubectl's integer percentage (row-values.ts), `-` when there is no basis. */
function percentText(
  row: ReportRow,
  measure: Measure,
  resource: string,
  view: CapacityView,
): string | undefined {
  if (measure !== 'usage' && row.level !== 'cluster' && row.level !== 'node') return undefined;
  const p = rowKubectlPercent(row, measure, resource, view.ofCapacity);
  return p === undefined ? '-' : `${p}%`;
}

function cell(row: ReportRow, measure: Measure, resource: string, view: CapacityView): string {
  const amount = rowAmount(row, measure, resource);
  if (measure === 'usage' && amount === undefined) return 'no metrics';
  return withPercent(
    formatAmount(resource, amount),
    amount === undefined ? undefined : percentText(row, measure, resource, view),
  );
}

interface Line {
  readonly row: ReportRow;
  readonly depth: number;
}

function groupRows(model: ReportModel, view: CapacityView): readonly ReportRow[] {
  switch (view.by) {
    case 'node':
      return model.nodes;
    case 'namespace':
      return model.namespaces;
    case 'workload':
      return model.workloads;
  }
}

function sorted<R extends ReportRow>(
  rows: readonly R[],
  view: CapacityView,
  model: ReportModel,
): readonly R[] {
  const first = rows[0];
  if (first === undefined) return rows;
  return sortRows(rows, view.sort ?? 'name', { level: first.level, resourceNames: model.resourceNames });
}

/** The report's lines in print order: cluster, then groups with their pods and containers nested. */
export function capacityLines(model: ReportModel, view: CapacityView): Line[] {
  const lines: Line[] = [{ row: model.cluster, depth: 0 }];
  const containersByPod = new Map<string, ContainerRow[]>();
  if (view.containers) {
    for (const c of model.containers) {
      const key = `${c.namespace}/${c.pod}`;
      let list = containersByPod.get(key);
      if (list === undefined) containersByPod.set(key, (list = []));
      list.push(c);
    }
  }
  // Index pods by group once: nesting must stay linear on 150,000 pods.
  const podsByGroup = new Map<ReportRow, PodRow[]>();
  const groups = sorted(groupRows(model, view), view, model);
  if (view.pods || view.containers) {
    const key = (p: PodRow) =>
      view.by === 'node'
        ? (p.nodeName ?? '')
        : view.by === 'namespace'
          ? p.namespace
          : `${p.namespace}/${p.workload.kind}/${p.workload.name}`;
    const groupByKey = new Map<string, ReportRow>();
    for (const g of groups) {
      groupByKey.set(g.level === 'workload' ? `${g.namespace}/${g.kind}/${g.name}` : g.name, g);
    }
    for (const p of model.pods) {
      const g = groupByKey.get(key(p));
      if (g === undefined) continue;
      let list = podsByGroup.get(g);
      if (list === undefined) podsByGroup.set(g, (list = []));
      list.push(p);
    }
  }
  for (const group of groups) {
    lines.push({ row: group, depth: 0 });
    if (!view.pods && !view.containers) continue;
    for (const pod of sorted(podsByGroup.get(group) ?? [], view, model)) {
      lines.push({ row: pod, depth: 1 });
      for (const c of containersByPod.get(`${pod.namespace}/${pod.name}`) ?? [])
        lines.push({ row: c, depth: 2 });
    }
  }
  return lines;
}

function measures(view: CapacityView): Measure[] {
  const list: Measure[] = [];
  if (view.wide) list.push(view.ofCapacity ? 'capacity' : 'allocatable');
  list.push('requests', 'limits');
  if (view.util) list.push('usage');
  return list;
}

function nameCells(row: ReportRow, view: CapacityView): string[] {
  const nested = view.pods || view.containers;
  switch (view.by) {
    case 'node': {
      const node = row.level === 'cluster' ? '*' : row.level === 'node' ? row.name : '';
      const cells = [node];
      if (nested)
        cells.push(
          row.level === 'pod' ? `${row.namespace}/${row.name}` : row.level === 'container' ? '' : '*',
        );
      if (view.containers) cells.push(row.level === 'container' ? row.name : row.level === 'pod' ? '*' : '*');
      return cells;
    }
    case 'namespace': {
      const ns = row.level === 'cluster' ? '*' : row.level === 'namespace' ? row.name : '';
      const cells = [ns];
      if (nested) cells.push(row.level === 'pod' ? row.name : row.level === 'container' ? '' : '*');
      if (view.containers) cells.push(row.level === 'container' ? row.name : '*');
      return cells;
    }
    case 'workload': {
      const ns = row.level === 'cluster' ? '*' : row.level === 'workload' ? row.namespace : '';
      const kind = row.level === 'workload' ? row.kind : row.level === 'cluster' ? '*' : '';
      const name = row.level === 'workload' ? row.name : row.level === 'cluster' ? '*' : '';
      const cells = [ns, kind, name];
      if (nested) cells.push(row.level === 'pod' ? row.name : row.level === 'container' ? '' : '*');
      if (view.containers) cells.push(row.level === 'container' ? row.name : '*');
      return cells;
    }
  }
}

function nameHeaders(view: CapacityView): string[] {
  const nested = view.pods || view.containers;
  const base =
    view.by === 'node'
      ? ['NODE']
      : view.by === 'namespace'
        ? ['NAMESPACE']
        : ['NAMESPACE', 'KIND', 'WORKLOAD'];
  if (nested) base.push('POD');
  if (view.containers) base.push('CONTAINER');
  return base;
}

const MEASURE_HEADER: Readonly<Record<Measure, string>> = {
  capacity: 'CAPACITY',
  allocatable: 'ALLOCATABLE',
  requests: 'REQUESTS',
  limits: 'LIMITS',
  usage: 'USAGE',
  nodeUsage: 'NODE USAGE',
};

function resourceHeader(resource: string): string {
  return resource.toUpperCase();
}

function podsCell(row: ReportRow): string {
  const pods = rowPods(row);
  if (pods === undefined) return '';
  if (row.level === 'cluster' || row.level === 'node') {
    const capacity = row.podCapacity;
    const pct = rowPodsKubectlPercent(row);
    return capacity === undefined ? `${pods}` : `${pods}/${capacity}${pct === undefined ? '' : ` (${pct}%)`}`;
  }
  return `${pods}`;
}

function describePods(scope: ReportScope): string | undefined {
  if (!selectsPods(scope)) return undefined;
  const where = scope.namespace === undefined ? '' : ` in namespace ${scope.namespace}`;
  const matching = scope.labelSelector === undefined ? '' : ` matching ${scope.labelSelector}`;
  return `pods${where}${matching}`;
}

function describeNodes(scope: ReportScope): string | undefined {
  if (!selectsNodes(scope)) return undefined;
  if (scope.node !== undefined) return `node ${scope.node}`;
  return `nodes matching ${scope.nodeLabelSelector ?? ''}`;
}

/**
 * The line under a filtered table saying which scope each column covers (scope.ts), or
 * `undefined` without filters. Allocatable is always whole nodes, so under `-n` a node's requests%
 * is that namespace's share of the node.
 */
export function capacityScopeNote(scope: ReportScope, view: CapacityView): string | undefined {
  const pods = describePods(scope);
  const nodes = describeNodes(scope);
  if (pods === undefined && nodes === undefined) return undefined;
  if (pods === undefined) {
    return (
      `Scope: ${nodes} and the pods on them; every column covers those whole nodes` +
      `${view.util ? ' (usage: their NodeMetrics)' : ''}.`
    );
  }
  const measures = view.util ? 'Requests, limits and usage' : 'Requests and limits';
  return (
    `Scope: ${pods}${nodes === undefined ? '' : ` on ${nodes}`}. ${measures} on every row sum those pods` +
    `${view.util ? ' (usage: their PodMetrics, not the whole node)' : ''}; allocatable and the basis of ` +
    'node and cluster percentages are whole nodes.'
  );
}

/** Table headers and cells for {@link CapacityView}, and the scope note to print under them. */
export function capacityTable(
  model: ReportModel,
  view: CapacityView,
  resources: readonly string[],
): { headers: string[]; rows: string[][]; note: string | undefined } {
  const ms = measures(view);
  const headers = [...nameHeaders(view)];
  for (const r of resources) for (const m of ms) headers.push(`${resourceHeader(r)} ${MEASURE_HEADER[m]}`);
  headers.push('PODS');
  const rows = capacityLines(model, view).map(({ row }) => {
    const cells = nameCells(row, view);
    for (const r of resources) {
      for (const m of ms) {
        if ((m === 'allocatable' || m === 'capacity') && row.level !== 'cluster' && row.level !== 'node')
          cells.push('');
        else cells.push(cell(row, m, r, view));
      }
    }
    cells.push(podsCell(row));
    return cells;
  });
  return { headers, rows, note: capacityScopeNote(model.scope, view) };
}

/** One CSV/TSV cell: quoted when it holds the separator, a quote or a line break (TSV: those become spaces). */
export function csvEscape(value: string, separator: string): string {
  if (separator === '\t') return value.replace(/[\t\n\r]/g, ' ');
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * CSV/TSV: one line per printed row with `level`, names, and for each resource and measure the raw
 * number in base units (cores, bytes, units), the canonical quantity, and the percentage.
 */
export function capacityDelimited(
  model: ReportModel,
  view: CapacityView,
  resources: readonly string[],
  separator: ',' | '\t',
): string {
  const ms: Measure[] = ['capacity', 'allocatable', 'requests', 'limits', 'usage', 'nodeUsage'];
  const csvName = (m: Measure) => (m === 'nodeUsage' ? 'node_usage' : m);
  const headers = ['level', 'namespace', 'name', 'node', 'kind', 'pods', 'pod_capacity'];
  for (const r of resources) {
    for (const m of ms) {
      headers.push(`${r}_${csvName(m)}`, `${r}_${csvName(m)}_quantity`, `${r}_${csvName(m)}_percent`);
    }
    headers.push(`${r}_usage_of_limits_percent`);
  }
  const lines = [headers.map((h) => csvEscape(h, separator)).join(separator)];
  for (const { row } of capacityLines(model, view)) {
    const node =
      row.level === 'pod' || row.level === 'container'
        ? (row.nodeName ?? '')
        : row.level === 'node'
          ? row.name
          : '';
    const kind = row.level === 'workload' ? row.kind : row.level === 'container' ? row.kind : '';
    const podCapacity = row.level === 'cluster' || row.level === 'node' ? (row.podCapacity ?? '') : '';
    const cells: string[] = [
      row.level,
      row.namespace ?? '',
      row.level === 'container' ? `${row.pod}/${row.name}` : row.name,
      node,
      kind,
      `${rowPods(row) ?? ''}`,
      `${podCapacity}`,
    ];
    for (const r of resources) {
      for (const m of ms) {
        const amount = rowAmount(row, m, r);
        const plain = amount === undefined ? undefined : toPlainQuantity(r, amount);
        const pct = m === 'capacity' || m === 'allocatable' ? undefined : rowPercent(row, m, r);
        cells.push(
          plain === undefined ? '' : `${plain.value}`,
          plain?.quantity ?? '',
          pct === undefined ? '' : `${pct.toNumber()}`,
        );
      }
      const ofLimits = usageOfLimits(row, r);
      cells.push(ofLimits === undefined ? '' : `${ofLimits.toNumber()}`);
    }
    lines.push(cells.map((c) => csvEscape(c, separator)).join(separator));
  }
  return `${lines.join('\n')}\n`;
}

/** The JSON/YAML document: the plain report, with only the levels the view shows. */
export function capacityPlain(
  model: ReportModel,
  view: CapacityView,
): Partial<PlainReport> & { kind: string } {
  const plain = reportToPlain(model);
  return {
    kind: 'CapacityReport',
    resources: plain.resources,
    scope: plain.scope,
    cluster: plain.cluster,
    ...(view.by === 'node' ? { nodes: plain.nodes } : {}),
    ...(view.by === 'namespace' ? { namespaces: plain.namespaces } : {}),
    ...(view.by === 'workload' ? { workloads: plain.workloads } : {}),
    ...(view.pods || view.containers ? { pods: plain.pods } : {}),
    ...(view.containers ? { containers: plain.containers } : {}),
  };
}
