/**
 * The scope of a report: which pods and which nodes it covers, and what that means for each
 * column. The rules (docs/report-rules.md, "Scope"):
 *
 * - Selecting pods (a namespace, a pod label selector) makes every row a set of those pods:
 *   requests, limits _and usage_ sum the same pods. Node and cluster usage then come from the
 *   selected pods' PodMetrics, not from NodeMetrics (which measure the whole node, every pod and
 *   the system daemons): `-n analytics` must not put 282 cores of cluster usage next to 30 cores
 *   of analytics requests. The whole node's usage stays available as `nodeUsage`, named as such.
 * - Selecting nodes (a node label selector, one node) keeps whole nodes: a pod counts where it
 *   runs, so only pods on a selected node count anywhere (also in namespace and workload rows),
 *   and node usage stays the NodeMetrics of those nodes.
 * - Capacity and allocatable are always whole nodes; percentages of them are shares of the node.
 */

/** The filters a report was made with. Empty: every pod on every node. */
export interface ReportScope {
  /** Only pods of this namespace. */
  readonly namespace?: string | undefined;
  /** Only pods matching this label selector. */
  readonly labelSelector?: string | undefined;
  /** Only nodes matching this label selector, and the pods on them. */
  readonly nodeLabelSelector?: string | undefined;
  /** Only this node and the pods on it. */
  readonly node?: string | undefined;
}

/** Where the usage of cluster and node rows comes from (see the module comment). */
export type UsageSource = 'NodeMetrics' | 'PodMetrics';

/** A filter that was given (not undefined, not blank). */
export const given = (s: string | undefined): s is string => s !== undefined && s.trim() !== '';

/** True when the scope selects pods (namespace or label selector): rows are sets of those pods. */
export function selectsPods(scope: ReportScope): boolean {
  return given(scope.namespace) || given(scope.labelSelector);
}

/** True when the scope selects nodes (node label selector or one node). */
export function selectsNodes(scope: ReportScope): boolean {
  return given(scope.nodeLabelSelector) || given(scope.node);
}

/** Usage of cluster and node rows: the selected pods' PodMetrics, or the nodes' NodeMetrics. */
export function usageSource(scope: ReportScope): UsageSource {
  return selectsPods(scope) ? 'PodMetrics' : 'NodeMetrics';
}
