/**
 * Applying a report scope (scope.ts) to records: the one place that says which pods and nodes a
 * filtered report covers, for the CLI (records read with the filters) and the service (records
 * read whole).
 */
import { parseLabelSelector } from '../api/index.js';
import type { ReportInput } from './aggregate.js';
import { given, selectsNodes, selectsPods, type ReportScope } from './scope.js';

/**
 * Applies the scope to records: nodes by name and labels, pods by namespace and labels, and, when
 * nodes are selected, only pods running on one of them (a pending pod runs nowhere). Records that
 * were filtered when read (the CLI asks the API server for them) pass through unchanged, so the
 * same function serves data read with filters and data read whole (the service's cache).
 *
 * @throws SelectorError for a malformed selector
 */
export function scopeInput(input: ReportInput, scope: ReportScope): ReportInput {
  if (!selectsPods(scope) && !selectsNodes(scope)) return input;
  const nodeLabels = given(scope.nodeLabelSelector) ? parseLabelSelector(scope.nodeLabelSelector) : undefined;
  const podLabels = given(scope.labelSelector) ? parseLabelSelector(scope.labelSelector) : undefined;
  const nodes = selectsNodes(scope)
    ? input.nodes.filter(
        (n) =>
          (!given(scope.node) || n.name === scope.node) &&
          (nodeLabels === undefined || nodeLabels.matches(n.labels)),
      )
    : input.nodes;
  const onNodes = selectsNodes(scope) ? new Set(nodes.map((n) => n.name)) : undefined;
  const namespace = given(scope.namespace) ? scope.namespace : undefined;
  const pods = input.pods.filter(
    (p) =>
      (namespace === undefined || p.namespace === namespace) &&
      (podLabels === undefined || podLabels.matches(p.labels)) &&
      (onNodes === undefined || (p.nodeName !== undefined && onNodes.has(p.nodeName))),
  );
  return { nodes, pods, nodeMetrics: input.nodeMetrics, podMetrics: input.podMetrics };
}
