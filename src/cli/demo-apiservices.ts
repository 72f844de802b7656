/**
 * The demo cluster's APIService objects, so `kubemetrics doctor` against it sees the metrics APIs
 * the way a real cluster registers them. The demo serves metrics.k8s.io and (through the demo's
 * metrics API server, mounted in-process) custom.metrics.k8s.io and external.metrics.k8s.io itself, so all are Local
 * APIServices: there is no Service, endpoint or certificate between the API server and them.
 */
import type { TestCluster } from '../testing/index.js';

const LOCAL = [
  ['metrics.k8s.io', 'v1beta1'],
  ['custom.metrics.k8s.io', 'v1beta2'],
  ['custom.metrics.k8s.io', 'v1beta1'],
  ['external.metrics.k8s.io', 'v1beta1'],
] as const;

/** Registers one Local APIService per served metrics group/version and sets their status. */
export async function registerDemoAPIServices(cluster: TestCluster): Promise<void> {
  for (const [group, version] of LOCAL) {
    cluster.upsertObject('APIService', {
      metadata: { name: `${version}.${group}` },
      spec: { group, version, groupPriorityMinimum: 100, versionPriority: 100 },
    });
  }
  await cluster.syncAPIServices();
}
