/**
 * The paths of metrics.k8s.io (resource metrics), built in one place: every reader of node and pod
 * usage (the client's decoded calls, the raw streaming the reports use, the Python-style helpers,
 * the report service) asks here, so a change of the API is one edit. Names are path-escaped.
 */
import { METRICS_GROUP } from '../api/index.js';
import type { MetricsVersion } from '../api/index.js';

/** Which resource metrics to read: every node, one node, the pods of a namespace (or all), one pod. */
export type ResourceMetricsTarget =
  | { readonly kind: 'nodes'; readonly name?: string | undefined }
  | { readonly kind: 'pods'; readonly namespace?: string | undefined; readonly name?: string | undefined };

/**
 * `/apis/metrics.k8s.io/<version>/nodes[/<name>]` or
 * `/apis/metrics.k8s.io/<version>[/namespaces/<ns>]/pods[/<name>]`. A pod name needs a namespace
 * (the caller checks; the API has no cluster-wide path for one pod).
 */
export function resourceMetricsPath(version: MetricsVersion, target: ResourceMetricsTarget): string {
  const base = `/apis/${METRICS_GROUP}/${version}`;
  const one = target.name === undefined ? '' : `/${encodeURIComponent(target.name)}`;
  if (target.kind === 'nodes') return `${base}/nodes${one}`;
  const scope = target.namespace === undefined ? '' : `/namespaces/${encodeURIComponent(target.namespace)}`;
  return `${base}${scope}/pods${one}`;
}
