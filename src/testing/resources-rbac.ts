/** rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their bindings, served read-only. */
import type { Role, RoleBinding } from '../api/index.js';
import { endpoint, metadataFields, notFound, READ_VERBS, type ResourceEndpoint } from './resources.js';
import type { ResourceStore } from './store.js';
import { DEFAULT_TABLE } from './table.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface RbacStores {
  readonly roles: ResourceStore<Role>;
  readonly roleBindings: ResourceStore<RoleBinding>;
  readonly clusterRoles: ResourceStore<Role>;
  readonly clusterRoleBindings: ResourceStore<RoleBinding>;
}

export function rbacEndpoints(stores: RbacStores): ResourceEndpoint[] {
  const one = <T extends Role | RoleBinding>(
    resource: string,
    kind: string,
    namespaced: boolean,
    store: ResourceStore<T>,
  ) =>
    endpoint<T>({
      group: RBAC_GROUP,
      version: 'v1',
      resource,
      kind,
      listKind: `${kind}List`,
      namespaced,
      store,
      fields: namespaced ? metadataFields<T>() : { 'metadata.name': (o) => o.metadata.name },
      labelsOf: (o) => o.metadata.labels,
      table: DEFAULT_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound(`${resource}.${RBAC_GROUP}`, RBAC_GROUP, resource),
      discovery: {
        name: resource,
        singularName: kind.toLowerCase(),
        namespaced,
        kind,
        verbs: READ_VERBS,
      },
    });
  return [
    one('roles', 'Role', true, stores.roles),
    one('rolebindings', 'RoleBinding', true, stores.roleBindings),
    one('clusterroles', 'ClusterRole', false, stores.clusterRoles),
    one('clusterrolebindings', 'ClusterRoleBinding', false, stores.clusterRoleBindings),
  ];
}
