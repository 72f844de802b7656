/**
 * `kubectl apply --dry-run=client` still maps every manifest kind through discovery, so a test
 * cluster must advertise the kinds our deploy/ manifests use (their GETs may answer 404).
 */
import type { TestCluster } from '../../src/testing/index.js';

const VERBS = ['create', 'get', 'list', 'patch', 'update', 'delete'];
const kind = (name: string, kindName: string, namespaced: boolean) => ({
  name,
  singularName: kindName.toLowerCase(),
  namespaced,
  kind: kindName,
  verbs: VERBS,
});

/** Declares every kind used under deploy/ (report service and metrics API server). */
export function declareManifestKinds(cluster: TestCluster): void {
  cluster.declareResources('', 'v1', [
    kind('services', 'Service', true),
    kind('serviceaccounts', 'ServiceAccount', true),
  ]);
  cluster.declareResources('apps', 'v1', [kind('deployments', 'Deployment', true)]);
  cluster.declareResources('policy', 'v1', [kind('poddisruptionbudgets', 'PodDisruptionBudget', true)]);
  cluster.declareResources('rbac.authorization.k8s.io', 'v1', [
    kind('clusterroles', 'ClusterRole', false),
    kind('clusterrolebindings', 'ClusterRoleBinding', false),
    kind('roles', 'Role', true),
    kind('rolebindings', 'RoleBinding', true),
  ]);
  cluster.declareResources('apiregistration.k8s.io', 'v1', [kind('apiservices', 'APIService', false)]);
}
