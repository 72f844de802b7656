/**
 * The filters a report applies to what it reads: namespace, pod label and field selectors, node
 * label selector, names. The live path pushes them to the API server; the same filters also run in
 * memory on every object, so a snapshot (read offline) gives exactly what the live cluster would.
 */
import {
  parseFieldSelector,
  parseLabelSelector,
  type FieldSelector,
  type LabelSelector,
  type Node,
  type NodeMetrics,
  type Pod,
  type PodMetrics,
} from '../api/index.js';

export interface CollectFilterOptions {
  /** Only pods (and pod metrics) of this namespace; undefined = all namespaces. */
  readonly namespace?: string | undefined;
  /** Label selector on pods (and pod metrics). */
  readonly labelSelector?: string | undefined;
  /** Field selector on pods (`metadata.name`, `metadata.namespace`, `spec.nodeName`, `status.phase`). */
  readonly fieldSelector?: string | undefined;
  /** Label selector on nodes (and node metrics). */
  readonly nodeLabelSelector?: string | undefined;
  /** Only this node (top nodes NAME). */
  readonly nodeName?: string | undefined;
  /** Only this pod (top pods NAME); needs `namespace`. */
  readonly podName?: string | undefined;
}

/** Parsed filters; parsing up front reports a bad selector before any request is sent. */
export interface CollectFilter {
  readonly options: CollectFilterOptions;
  readonly podLabels: LabelSelector | undefined;
  readonly podFields: FieldSelector | undefined;
  readonly nodeLabels: LabelSelector | undefined;
  node(node: Node): boolean;
  pod(pod: Pod): boolean;
  nodeMetrics(metrics: NodeMetrics): boolean;
  podMetrics(metrics: PodMetrics): boolean;
}

function podField(pod: Pod, field: string): string | undefined {
  switch (field) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace;
    case 'spec.nodeName':
      return pod.spec.nodeName;
    case 'status.phase':
      return pod.status?.phase;
    default:
      return undefined;
  }
}

function metricsField(metrics: PodMetrics, field: string): string | undefined {
  if (field === 'metadata.name') return metrics.metadata.name;
  if (field === 'metadata.namespace') return metrics.metadata.namespace;
  return undefined;
}

const nonEmpty = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s);

/**
 * Parses the filters.
 * @throws SelectorError (`KUBEMETRICS_ERR_SELECTOR`) naming the bad selector
 */
export function createCollectFilter(options: CollectFilterOptions): CollectFilter {
  const podLabelsText = nonEmpty(options.labelSelector);
  const podFieldsText = nonEmpty(options.fieldSelector);
  const nodeLabelsText = nonEmpty(options.nodeLabelSelector);
  const podLabels = podLabelsText === undefined ? undefined : parseLabelSelector(podLabelsText);
  const podFields = podFieldsText === undefined ? undefined : parseFieldSelector(podFieldsText);
  const nodeLabels = nodeLabelsText === undefined ? undefined : parseLabelSelector(nodeLabelsText);
  const { namespace, nodeName, podName } = options;
  const inNamespace = (ns: string | undefined) => namespace === undefined || ns === namespace;
  return {
    options,
    podLabels,
    podFields,
    nodeLabels,
    node: (node) =>
      (nodeName === undefined || node.metadata.name === nodeName) &&
      (nodeLabels === undefined || nodeLabels.matches(node.metadata.labels)),
    nodeMetrics: (m) =>
      (nodeName === undefined || m.metadata.name === nodeName) &&
      (nodeLabels === undefined || nodeLabels.matches(m.metadata.labels)),
    pod: (pod) =>
      inNamespace(pod.metadata.namespace) &&
      (podName === undefined || pod.metadata.name === podName) &&
      (podLabels === undefined || podLabels.matches(pod.metadata.labels)) &&
      (podFields === undefined || podFields.matches((f) => podField(pod, f))),
    // Pod metrics carry the pod's labels (metrics-server copies them), so the same selector applies.
    podMetrics: (m) =>
      inNamespace(m.metadata.namespace) &&
      (podName === undefined || m.metadata.name === podName) &&
      (podLabels === undefined || podLabels.matches(m.metadata.labels)) &&
      (podFields === undefined || podFields.matches((f) => metricsField(m, f))),
  };
}
