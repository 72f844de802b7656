/**
 * Everything the test cluster knows: the stores, the endpoints that serve them, aggregated API
 * services registered by tests, and the mutations that feed watches.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  APIResource,
  Deployment,
  Event,
  HorizontalPodAutoscaler,
  Namespace,
  Node,
  NodeMetrics,
  Pod,
  PodMetrics,
  ReplicaSet,
  StatefulSet,
  VersionInfo,
} from '../api/index.js';
import {
  aggregationEndpoints,
  createAggregationStores,
  isAggregationKind,
  storeOfKind,
  type AggregationKinds,
  type AggregationStores,
  type ClusterObject,
} from './aggregation-state.js';
import type { ConfigMap } from './config-map.js';
import { leaseForNode, NODE_LEASE_NAMESPACE, type Lease } from './node-lease.js';
import { coreEndpoints, metricsEndpoints, type CoreStores, type ResourceEndpoint } from './resources.js';
import { appsEndpoints, type AppsStores } from './resources-apps.js';
import { autoscalingEndpoints, type AutoscalingStores } from './resources-autoscaling.js';
import { networkingEndpoints, type Ingress } from './resources-networking.js';
import { ResourceStore, RevisionClock } from './store.js';

/** The kinds {@link ClusterState.upsertObject} stores, by kind. */
export interface ScalingKinds {
  Deployment: Deployment;
  ReplicaSet: ReplicaSet;
  StatefulSet: StatefulSet;
  HorizontalPodAutoscaler: HorizontalPodAutoscaler;
}

/** Every kind {@link ClusterState.upsertObject} stores. */
export type ClusterKinds = ScalingKinds & AggregationKinds;

/** An API group/version served by a test's own handler, like an aggregated APIService. */
export interface APIServiceRegistration {
  readonly group: string;
  readonly version: string;
  readonly resources: readonly APIResource[];
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** A named API group as discovery lists it. */
export interface DiscoveryGroup {
  readonly name: string;
  /** Preferred first. */
  readonly versions: readonly { readonly version: string; readonly resources: readonly APIResource[] }[];
}

export interface ClusterStateOptions {
  readonly nodes: readonly Node[];
  readonly pods: readonly Pod[];
  readonly namespaces: readonly Namespace[] | undefined;
  readonly events: readonly Event[];
  readonly nodeMetrics: readonly NodeMetrics[];
  readonly podMetrics: readonly PodMetrics[];
  readonly configMaps: readonly ConfigMap[];
  readonly deployments?: readonly Deployment[] | undefined;
  readonly replicaSets?: readonly ReplicaSet[] | undefined;
  readonly statefulSets?: readonly StatefulSet[] | undefined;
  readonly horizontalPodAutoscalers?: readonly HorizontalPodAutoscaler[] | undefined;
  readonly metricsVersions: readonly string[];
  readonly watchWindow: number;
  readonly version: VersionInfo;
  /** APIServices, Services, EndpointSlices, Secrets and RBAC objects, stored by kind. */
  readonly objects?: readonly ClusterObject[] | undefined;
  /** Start with kube-apiserver's bootstrap roles and bindings (default true). */
  readonly bootstrapRbac?: boolean | undefined;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', NODE_LEASE_NAMESPACE];

function namespaceObject(name: string, creationTimestamp?: string): Namespace {
  const metadata: Namespace['metadata'] = { name, labels: { 'kubernetes.io/metadata.name': name } };
  if (creationTimestamp !== undefined) metadata.creationTimestamp = creationTimestamp;
  return { metadata, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

export class ClusterState {
  readonly clock = new RevisionClock();
  readonly stores: CoreStores;
  readonly aggregation: AggregationStores;
  readonly apps: AppsStores;
  readonly autoscaling: AutoscalingStores;
  readonly version: VersionInfo;
  readonly metricsVersions: readonly string[];
  private readonly endpoints = new Map<string, ResourceEndpoint>();
  private readonly apiServices = new Map<string, APIServiceRegistration>();
  /** Resources listed in discovery only (`declareResources`), keyed `group/version`. */
  private readonly declared = new Map<string, APIResource[]>();

  constructor(options: ClusterStateOptions) {
    const store = <T extends { metadata: Node['metadata'] }>(
      kind: string,
      namespaced: boolean,
      tracked = true,
    ) => new ResourceStore<T>(this.clock, { kind, namespaced, tracked, watchWindow: options.watchWindow });
    this.stores = {
      nodes: store<Node>('Node', false),
      pods: store<Pod>('Pod', true),
      namespaces: store<Namespace>('Namespace', false),
      events: store<Event>('Event', true),
      leases: store<Lease>('Lease', true),
      configMaps: store<ConfigMap>('ConfigMap', true),
      nodeMetrics: store<NodeMetrics>('NodeMetrics', false, false),
      podMetrics: store<PodMetrics>('PodMetrics', true, false),
    };
    this.apps = {
      deployments: store<Deployment>('Deployment', true),
      replicaSets: store<ReplicaSet>('ReplicaSet', true),
      statefulSets: store<StatefulSet>('StatefulSet', true),
    };
    this.autoscaling = {
      horizontalPodAutoscalers: store<HorizontalPodAutoscaler>('HorizontalPodAutoscaler', true),
    };
    this.version = options.version;
    this.metricsVersions = options.metricsVersions;

    // Namespaces first (as a cluster would have created them), then what lives in them.
    const earliest = new Map<string, string | undefined>();
    for (const pod of options.pods) {
      const ns = pod.metadata.namespace ?? 'default';
      const created = pod.metadata.creationTimestamp;
      const known = earliest.get(ns);
      if (!earliest.has(ns) || (created !== undefined && (known === undefined || created < known))) {
        earliest.set(ns, created);
      }
    }
    const oldest = [...earliest.values()].filter((t) => t !== undefined).sort()[0];
    const namespaces = new Map<string, Namespace>();
    for (const name of SYSTEM_NAMESPACES) namespaces.set(name, namespaceObject(name, oldest));
    for (const [name, created] of earliest) namespaces.set(name, namespaceObject(name, created ?? oldest));
    for (const ns of options.namespaces ?? []) namespaces.set(ns.metadata.name ?? '', ns);
    this.stores.namespaces.replaceAll([...namespaces.values()]);
    this.stores.nodes.replaceAll(options.nodes);
    const renewed = new Date();
    this.stores.leases.replaceAll(this.stores.nodes.all().map((n) => leaseForNode(n.object, renewed)));
    this.stores.pods.replaceAll(options.pods);
    this.stores.events.replaceAll(options.events);
    this.stores.configMaps.replaceAll(options.configMaps);
    this.stores.nodeMetrics.replaceAll(options.nodeMetrics);
    this.stores.podMetrics.replaceAll(options.podMetrics);
    this.apps.deployments.replaceAll(options.deployments ?? []);
    this.apps.replicaSets.replaceAll(options.replicaSets ?? []);
    this.apps.statefulSets.replaceAll(options.statefulSets ?? []);
    this.autoscaling.horizontalPodAutoscalers.replaceAll(options.horizontalPodAutoscalers ?? []);
    this.aggregation = createAggregationStores(store, options.bootstrapRbac ?? true);
    for (const object of options.objects ?? []) {
      const namespace = object.metadata.namespace;
      if (namespace !== undefined && namespace !== '') this.ensureNamespace(namespace);
      storeOfKind(this.aggregation, object.kind).upsert(object);
    }

    for (const endpoint of [
      ...coreEndpoints(this.stores),
      ...appsEndpoints(this.apps),
      ...autoscalingEndpoints(this.autoscaling),
      ...networkingEndpoints(store<Ingress>('Ingress', true)),
      ...aggregationEndpoints(this.aggregation),
    ])
      this.endpoints.set(endpointKey(endpoint), endpoint);
    for (const version of this.metricsVersions) {
      for (const endpoint of metricsEndpoints(this.stores, version))
        this.endpoints.set(endpointKey(endpoint), endpoint);
    }
  }

  /** The built-in endpoint for a resource, unless a registered API service owns its group/version. */
  endpoint(group: string, version: string, resource: string): ResourceEndpoint | undefined {
    if (this.apiServices.has(`${group}/${version}`)) return undefined;
    return this.endpoints.get(`${group}/${version}/${resource}`);
  }

  apiService(group: string, version: string): APIServiceRegistration | undefined {
    return this.apiServices.get(`${group}/${version}`);
  }

  registerAPIService(registration: APIServiceRegistration): void {
    this.apiServices.set(`${registration.group}/${registration.version}`, registration);
  }

  /**
   * Lists resources in discovery without serving them: requests for them answer 404 NotFound, as
   * for objects that do not exist. Enough for `kubectl apply --dry-run=client` to map kinds.
   */
  declareResources(group: string, version: string, resources: readonly APIResource[]): void {
    const key = `${group}/${version}`;
    const known = this.declared.get(key) ?? [];
    const names = new Set(resources.map((r) => r.name));
    this.declared.set(key, [...known.filter((r) => !names.has(r.name)), ...resources]);
  }

  /** Resources of the core group (`/api/v1`). */
  coreResources(): APIResource[] {
    const served = [...this.endpoints.values()].filter((e) => e.group === '').map((e) => e.discovery);
    const names = new Set(served.map((r) => r.name));
    return [...served, ...(this.declared.get('/v1') ?? []).filter((r) => !names.has(r.name))];
  }

  /** Named groups for `/apis`, built-in ones first, then registered services in registration order. */
  namedGroups(): DiscoveryGroup[] {
    const groups = new Map<string, Map<string, APIResource[]>>();
    const add = (group: string, version: string, resources: readonly APIResource[]): void => {
      const versions = groups.get(group) ?? new Map<string, APIResource[]>();
      groups.set(group, versions);
      versions.set(version, [...resources]);
    };
    for (const e of this.endpoints.values()) {
      if (e.group === '' || this.apiServices.has(`${e.group}/${e.version}`)) continue;
      const versions = groups.get(e.group)?.get(e.version) ?? [];
      const subresources = Object.values(e.subresources ?? {}).map((s) => s.discovery);
      add(e.group, e.version, [...versions, e.discovery, ...subresources]);
    }
    for (const [group, version, resources] of REVIEW_GROUPS) add(group, version, resources);
    for (const [key, resources] of this.declared) {
      const [group = '', version = ''] = key.split('/');
      if (group === '') continue;
      const served = groups.get(group)?.get(version) ?? [];
      const names = new Set(served.map((r) => r.name));
      add(group, version, [...served, ...resources.filter((r) => !names.has(r.name))]);
    }
    for (const s of this.apiServices.values()) add(s.group, s.version, s.resources);
    // Groups of APIService objects are listed whether or not their server answers, as kube-aggregator does.
    for (const { object } of this.aggregation.apiServices.all()) {
      const { group = '', version = '' } = object.spec;
      if (group !== '' && groups.get(group)?.get(version) === undefined) add(group, version, []);
    }
    return [...groups].map(([name, versions]) => ({
      name,
      versions: [...versions].map(([version, resources]) => ({ version, resources })),
    }));
  }

  // --- mutations ------------------------------------------------------------------------------

  upsertNode(node: Node): void {
    const stored = this.stores.nodes.upsert(node);
    this.stores.leases.upsert(leaseForNode(stored.object, new Date()));
  }

  deleteNode(name: string): boolean {
    this.stores.nodeMetrics.delete('', name);
    this.stores.leases.delete(NODE_LEASE_NAMESPACE, name);
    return this.stores.nodes.delete('', name);
  }

  upsertPod(pod: Pod): void {
    this.ensureNamespace(pod.metadata.namespace ?? 'default');
    this.stores.pods.upsert(pod);
  }

  deletePod(namespace: string, name: string): boolean {
    this.stores.podMetrics.delete(namespace, name);
    return this.stores.pods.delete(namespace, name);
  }

  upsertNamespace(namespace: Namespace): void {
    this.stores.namespaces.upsert(namespace);
  }

  upsertEvent(event: Event): void {
    this.ensureNamespace(event.metadata.namespace ?? 'default');
    this.stores.events.upsert(event);
  }

  upsertConfigMap(configMap: ConfigMap): void {
    this.ensureNamespace(configMap.metadata.namespace ?? 'default');
    this.stores.configMaps.upsert(configMap);
  }

  deleteConfigMap(namespace: string, name: string): boolean {
    return this.stores.configMaps.delete(namespace, name);
  }

  /**
   * Adds or replaces an object of a kind stored by kind: Deployment, ReplicaSet, StatefulSet,
   * HorizontalPodAutoscaler, and the aggregation/RBAC kinds (APIService, Service, EndpointSlice,
   * Secret, Role, RoleBinding, ClusterRole, ClusterRoleBinding). Its namespace is created if missing.
   */
  upsertObject<K extends keyof ClusterKinds>(kind: K, object: ClusterKinds[K]): void {
    const namespace = object.metadata.namespace;
    if (isAggregationKind(kind)) {
      if (namespace !== undefined && namespace !== '') this.ensureNamespace(namespace);
      storeOfKind(this.aggregation, kind).upsert(object);
      return;
    }
    this.ensureNamespace(namespace ?? 'default');
    (this.scalingStore(kind) as unknown as ResourceStore<ClusterKinds[K]>).upsert(object);
  }

  deleteObject(kind: keyof ClusterKinds, namespace: string, name: string): boolean {
    if (isAggregationKind(kind)) return storeOfKind(this.aggregation, kind).delete(namespace, name);
    return this.scalingStore(kind).delete(namespace, name);
  }

  private scalingStore(kind: keyof ScalingKinds): ResourceStore<ScalingKinds[keyof ScalingKinds]> {
    const stores = {
      Deployment: this.apps.deployments,
      ReplicaSet: this.apps.replicaSets,
      StatefulSet: this.apps.statefulSets,
      HorizontalPodAutoscaler: this.autoscaling.horizontalPodAutoscalers,
    } as const;
    return stores[kind] as unknown as ResourceStore<ScalingKinds[keyof ScalingKinds]>;
  }

  setNodeMetrics(metrics: readonly NodeMetrics[]): void {
    this.stores.nodeMetrics.replaceAll(metrics);
  }

  setPodMetrics(metrics: readonly PodMetrics[]): void {
    this.stores.podMetrics.replaceAll(metrics);
  }

  /**
   * Expires every continue token and every watch resourceVersion issued so far, as if writes had
   * happened and etcd had compacted them away (the revision moves on by one).
   */
  compact(): void {
    this.clock.next();
    type AnyStore = ResourceStore<{ metadata: Node['metadata'] }>;
    const groups: object[] = [this.stores, this.apps, this.autoscaling, this.aggregation];
    for (const group of groups) for (const store of Object.values(group) as AnyStore[]) store.compact();
  }

  private ensureNamespace(name: string): void {
    if (this.stores.namespaces.get('', name) === undefined)
      this.stores.namespaces.upsert(namespaceObject(name));
  }
}

/** The review APIs (`POST` only), listed in discovery as kube-apiserver lists them. */
const REVIEW_GROUPS: readonly (readonly [string, string, readonly APIResource[]])[] = [
  [
    'authentication.k8s.io',
    'v1',
    [
      {
        name: 'tokenreviews',
        singularName: 'tokenreview',
        namespaced: false,
        kind: 'TokenReview',
        verbs: ['create'],
      },
    ],
  ],
  [
    'authorization.k8s.io',
    'v1',
    [
      {
        name: 'subjectaccessreviews',
        singularName: 'subjectaccessreview',
        namespaced: false,
        kind: 'SubjectAccessReview',
        verbs: ['create'],
      },
      {
        name: 'selfsubjectaccessreviews',
        singularName: 'selfsubjectaccessreview',
        namespaced: false,
        kind: 'SelfSubjectAccessReview',
        verbs: ['create'],
      },
    ],
  ],
];

function endpointKey(e: { group: string; version: string; resource: string }): string {
  return `${e.group}/${e.version}/${e.resource}`;
}
