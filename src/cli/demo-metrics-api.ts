/**
 * The demo's metrics API server: the memory provider serves an `http_requests` custom metric for
 * the pods of one Deployment, mounted into the local cluster as the custom.metrics.k8s.io
 * APIService (the local cluster authenticates in front of it, as kube-apiserver's aggregator does).
 */
import type { Pod } from '../api/index.js';
import { createMetricsApiServer } from '../apiserver/index.js';
import { MemoryMetricsProvider } from '../providers/memory/index.js';
import type { TestCluster } from '../testing/index.js';

export interface DemoWorkload {
  readonly namespace: string;
  /** A label selector matching exactly the workload's pods. */
  readonly labelSelector: string;
  readonly pods: number;
}

/** The Deployment (by ReplicaSet pod-template-hash) with the most running pods. */
function pickWorkload(pods: readonly Pod[]): { namespace: string; hash: string; pods: Pod[] } | undefined {
  const groups = new Map<string, Pod[]>();
  for (const pod of pods) {
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (hash === undefined || pod.status?.phase !== 'Running') continue;
    const key = `${pod.metadata.namespace ?? 'default'}/${hash}`;
    groups.set(key, [...(groups.get(key) ?? []), pod]);
  }
  let best: [string, Pod[]] | undefined;
  for (const entry of groups) if (best === undefined || entry[1].length > best[1].length) best = entry;
  if (best === undefined) return undefined;
  const [namespace, hash] = best[0].split('/') as [string, string];
  return { namespace, hash, pods: best[1] };
}

/** Serves `pods/http_requests` for one workload of the demo cluster; undefined if it has none. */
export function mountDemoMetricsApi(cluster: TestCluster, pods: readonly Pod[]): DemoWorkload | undefined {
  const workload = pickWorkload(pods);
  if (workload === undefined) return undefined;
  const memory = new MemoryMetricsProvider();
  workload.pods.forEach((pod, i) => {
    memory.setCustomMetric({
      groupResource: 'pods',
      namespace: workload.namespace,
      name: pod.metadata.name!,
      metric: 'http_requests',
      // Requests per second, deterministic: 12.5, 25, 37.5, ... (exact quantities, e.g. 12500m).
      value: `${(i + 1) * 12500}m`,
      labels: pod.metadata.labels,
    });
  });
  const server = createMetricsApiServer({ providers: { custom: memory }, objectLister: memory.objectLister });
  cluster.registerAPIService({
    group: 'custom.metrics.k8s.io',
    version: 'v1beta2',
    resources: [
      {
        name: 'pods/http_requests',
        singularName: '',
        namespaced: true,
        kind: 'MetricValueList',
        verbs: ['get'],
      },
    ],
    handler: server.handler,
  });
  return {
    namespace: workload.namespace,
    labelSelector: `pod-template-hash=${workload.hash}`,
    pods: workload.pods.length,
  };
}
