/**
 * The objects behind API aggregation and authorization in the test cluster: APIServices, Services,
 * EndpointSlices, Secrets and RBAC roles and bindings — their stores, endpoints, and one
 * `upsert`/`delete` by kind so tests build a cluster from the manifests they would apply.
 */
import type { APIService, EndpointSlice, Role, RoleBinding, Secret, Service } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles, bootstrapRoles } from './rbac-bootstrap.js';
import { apiRegistrationEndpoints } from './resources-apiregistration.js';
import { endpointSliceEndpoints } from './resources-discovery.js';
import { rbacEndpoints, type RbacStores } from './resources-rbac.js';
import { serviceEndpoints } from './resources-services.js';
import type { AnyObject, ResourceEndpoint } from './resources.js';
import type { ResourceStore } from './store.js';

export interface AggregationStores extends RbacStores {
  readonly apiServices: ResourceStore<APIService>;
  readonly services: ResourceStore<Service>;
  readonly endpointSlices: ResourceStore<EndpointSlice>;
  readonly secrets: ResourceStore<Secret>;
}

/** The aggregation and RBAC kinds, by kind. */
export interface AggregationKinds {
  APIService: APIService;
  Service: Service;
  EndpointSlice: EndpointSlice;
  Secret: Secret;
  Role: Role;
  RoleBinding: RoleBinding;
  ClusterRole: Role;
  ClusterRoleBinding: RoleBinding;
}

/** An object the test cluster stores by its `kind`. */
export type ClusterObject = (APIService | Service | EndpointSlice | Secret | Role | RoleBinding) & {
  kind: string;
};

type StoreFactory = <T extends AnyObject>(kind: string, namespaced: boolean) => ResourceStore<T>;

export function createAggregationStores(store: StoreFactory, bootstrapRbac: boolean): AggregationStores {
  const stores: AggregationStores = {
    apiServices: store<APIService>('APIService', false),
    services: store<Service>('Service', true),
    endpointSlices: store<EndpointSlice>('EndpointSlice', true),
    secrets: store<Secret>('Secret', true),
    roles: store<Role>('Role', true),
    roleBindings: store<RoleBinding>('RoleBinding', true),
    clusterRoles: store<Role>('ClusterRole', false),
    clusterRoleBindings: store<RoleBinding>('ClusterRoleBinding', false),
  };
  if (bootstrapRbac) {
    stores.clusterRoles.replaceAll(bootstrapClusterRoles());
    stores.clusterRoleBindings.replaceAll(bootstrapClusterRoleBindings());
    stores.roles.replaceAll(bootstrapRoles());
  }
  return stores;
}

export function aggregationEndpoints(stores: AggregationStores): ResourceEndpoint[] {
  return [
    ...apiRegistrationEndpoints(stores.apiServices),
    ...serviceEndpoints(stores.services, stores.secrets),
    ...endpointSliceEndpoints(stores.endpointSlices),
    ...rbacEndpoints(stores),
  ];
}

const STORE_OF_KIND: Readonly<Record<keyof AggregationKinds, keyof AggregationStores>> = {
  APIService: 'apiServices',
  Service: 'services',
  EndpointSlice: 'endpointSlices',
  Secret: 'secrets',
  Role: 'roles',
  RoleBinding: 'roleBindings',
  ClusterRole: 'clusterRoles',
  ClusterRoleBinding: 'clusterRoleBindings',
};

export function isAggregationKind(kind: string): kind is keyof AggregationKinds {
  return Object.hasOwn(STORE_OF_KIND, kind);
}

export function storeOfKind(stores: AggregationStores, kind: string): ResourceStore<AnyObject> {
  if (!isAggregationKind(kind)) {
    throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', `the test cluster does not store kind "${kind}"`, {
      hint: `kinds it stores this way: ${Object.keys(STORE_OF_KIND).join(', ')}`,
    });
  }
  return stores[STORE_OF_KIND[kind]] as unknown as ResourceStore<AnyObject>;
}
