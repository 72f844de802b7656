/**
 * The project's own metrics API server (the memory provider) mounted into a local test cluster as
 * the custom.metrics.k8s.io (v1beta2, preferred, and v1beta1) and external.metrics.k8s.io (v1beta1)
 * APIServices, serving a fixture's custom and external metric values — what the demo does, and what
 * tests use to give HPAs the metrics they read. The local cluster authenticates in front of it, as
 * kube-apiserver's aggregator does.
 */
import type { APIResource } from '../api/index.js';
import { createMetricsApiServer } from '../apiserver/index.js';
import { MemoryMetricsProvider } from '../providers/memory/index.js';
import type { FixtureCustomMetric, FixtureExternalMetric, TestCluster } from '../testing/index.js';

export interface MetricValues {
  readonly customMetrics: readonly FixtureCustomMetric[];
  readonly externalMetrics: readonly FixtureExternalMetric[];
}

/** Discovery entries as an adapter lists them: `<resource>/<metric>` and external metric names. */
function discoveryResources(provider: MemoryMetricsProvider): {
  custom: APIResource[];
  external: APIResource[];
} {
  const custom = provider.listCustomMetrics().map((m) => {
    const resource =
      m.groupResource.group === ''
        ? m.groupResource.resource
        : `${m.groupResource.resource}.${m.groupResource.group}`;
    return {
      name: `${resource}/${m.metric}`,
      singularName: '',
      namespaced: m.namespaced,
      kind: 'MetricValueList',
      verbs: ['get'],
    };
  });
  const external = provider.listExternalMetrics().map((m) => ({
    name: m.metric,
    singularName: '',
    namespaced: true,
    kind: 'ExternalMetricValueList',
    verbs: ['get'],
  }));
  return { custom, external };
}

/**
 * Serves `values` through the cluster; returns the provider, whose values a test may change
 * (`setCustomMetric`, `deleteCustomMetric`, ...) to see what an HPA would then read. Discovery lists
 * the metrics known at mount time.
 */
export function mountMetricsApis(cluster: TestCluster, values: MetricValues): MemoryMetricsProvider {
  const provider = new MemoryMetricsProvider({
    custom: values.customMetrics,
    external: values.externalMetrics,
  });
  const server = createMetricsApiServer({
    providers: { custom: provider, external: provider },
    objectLister: provider.objectLister,
  });
  const { custom, external } = discoveryResources(provider);
  // Registration order is discovery's order: v1beta2 first makes it the preferred version.
  for (const version of ['v1beta2', 'v1beta1'])
    cluster.registerAPIService({
      group: 'custom.metrics.k8s.io',
      version,
      resources: custom,
      handler: server.handler,
    });
  cluster.registerAPIService({
    group: 'external.metrics.k8s.io',
    version: 'v1beta1',
    resources: external,
    handler: server.handler,
  });
  return provider;
}
