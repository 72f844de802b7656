/**
 * The resources the test cluster serves, each described once: where it lives (group, version,
 * plural), its kinds, which field selectors the API server accepts for it (the field label
 * conversion functions of k8s.io/kubernetes pkg/apis/core/v1/conversion.go and metrics-server),
 * how it prints as a Table, and how it appears in discovery.
 */
import {
  failureStatus,
  type APIResource,
  type Event,
  type Namespace,
  type Node,
  type NodeMetrics,
  type ObjectMeta,
  type Pod,
  type PodMetrics,
  type Status,
} from '../api/index.js';
import type { ConfigMap } from './config-map.js';
import type { Lease } from './node-lease.js';
import type { ResourceStore, StoredObject } from './store.js';
import {
  DEFAULT_TABLE,
  EVENT_TABLE,
  NAMESPACE_TABLE,
  NODE_TABLE,
  POD_TABLE,
  type TableConverter,
} from './table.js';

type FieldGetters<T> = Readonly<Record<string, (object: T) => string | undefined>>;

/** Any stored object: all the generic code needs is metadata. */
export interface AnyObject {
  metadata: ObjectMeta;
}

/**
 * A GET-only subresource (`scale`, `status`): what it answers for one stored object and its
 * discovery entry (`deployments/scale`), listed next to the resource's own. See subresource.ts.
 */
export interface Subresource<T> {
  /** Kind and group/version of the answer (`Scale`, `autoscaling`, `v1`). */
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  /** The answer for one stored object, without `kind`/`apiVersion`. */
  view(stored: StoredObject<T & AnyObject>): object;
  readonly discovery: APIResource;
}

/** One servable resource at one group/version. */
export interface ResourceEndpoint<T extends AnyObject = AnyObject> {
  readonly group: string;
  readonly version: string;
  /** URL plural, e.g. `pods`. */
  readonly resource: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly store: ResourceStore<T>;
  /** Supported field selector labels; anything else is a 400 "field label not supported". */
  readonly fieldNames: readonly string[];
  /** The value of a supported field (method syntax: endpoints of all kinds share one array type). */
  fieldValue(object: T, field: string): string | undefined;
  /** Labels a label selector is matched against (metrics fall back to the pod's labels). */
  labelsOf(object: T): Readonly<Record<string, string>> | undefined;
  readonly table: TableConverter<T>;
  /** False for metrics.k8s.io, which neither watches nor paginates. */
  readonly watchable: boolean;
  readonly paginated: boolean;
  /** 404 for a missing object. */
  notFound(namespace: string, name: string): Status;
  readonly discovery: APIResource;
  /** GET-only subresources by name. */
  readonly subresources?: Readonly<Record<string, Subresource<T>>>;
}

export function apiVersionOf(endpoint: { group: string; version: string }): string {
  return endpoint.group === '' ? endpoint.version : `${endpoint.group}/${endpoint.version}`;
}

/** Builds an endpoint from its field getters. */
export function endpoint<T extends AnyObject>(
  spec: Omit<ResourceEndpoint<T>, 'fieldNames' | 'fieldValue'> & { fields: FieldGetters<T> },
): ResourceEndpoint {
  const { fields, ...rest } = spec;
  const typed: ResourceEndpoint<T> = {
    ...rest,
    fieldNames: Object.keys(fields),
    fieldValue: (object, field) => fields[field]?.(object),
  };
  return typed as unknown as ResourceEndpoint;
}

export const metadataFields = <
  T extends { metadata: { name?: string; namespace?: string } },
>(): FieldGetters<T> => ({
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace,
});

export const notFound =
  (qualified: string, group: string, kind: string, qualifyWithNamespace = false) =>
  (namespace: string, name: string): Status =>
    failureStatus(404, `${qualified} "${qualifyWithNamespace ? `${namespace}/${name}` : name}" not found`, {
      name: qualifyWithNamespace ? `${namespace}/${name}` : name,
      ...(group === '' ? {} : { group }),
      kind,
    });

export const READ_VERBS = ['get', 'list', 'watch'];

export interface CoreStores {
  readonly nodes: ResourceStore<Node>;
  readonly pods: ResourceStore<Pod>;
  readonly namespaces: ResourceStore<Namespace>;
  readonly events: ResourceStore<Event>;
  readonly leases: ResourceStore<Lease>;
  readonly configMaps: ResourceStore<ConfigMap>;
  readonly nodeMetrics: ResourceStore<NodeMetrics>;
  readonly podMetrics: ResourceStore<PodMetrics>;
}

/** Endpoints of the core group (nodes, pods, namespaces, events, configmaps) and coordination.k8s.io (node leases). */
export function coreEndpoints(stores: CoreStores): ResourceEndpoint[] {
  const involved = (field: keyof Event['involvedObject']) => (e: Event) => e.involvedObject[field] ?? '';
  return [
    endpoint<Node>({
      group: '',
      version: 'v1',
      resource: 'nodes',
      kind: 'Node',
      listKind: 'NodeList',
      namespaced: false,
      store: stores.nodes,
      fields: {
        'metadata.name': (n) => n.metadata.name,
        'spec.unschedulable': (n) => String(n.spec?.unschedulable === true),
      },
      labelsOf: (n) => n.metadata.labels,
      table: NODE_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('nodes', '', 'nodes'),
      discovery: {
        name: 'nodes',
        singularName: 'node',
        namespaced: false,
        kind: 'Node',
        verbs: READ_VERBS,
        shortNames: ['no'],
      },
    }),
    endpoint<Pod>({
      group: '',
      version: 'v1',
      resource: 'pods',
      kind: 'Pod',
      listKind: 'PodList',
      namespaced: true,
      store: stores.pods,
      fields: {
        ...metadataFields<Pod>(),
        'spec.nodeName': (p) => p.spec.nodeName ?? '',
        'spec.restartPolicy': (p) => p.spec.restartPolicy ?? '',
        'spec.schedulerName': (p) => p.spec.schedulerName ?? '',
        'spec.serviceAccountName': (p) => p.spec.serviceAccountName ?? '',
        'spec.hostNetwork': (p) => String((p.spec as { hostNetwork?: boolean }).hostNetwork === true),
        'status.phase': (p) => p.status?.phase ?? '',
        'status.podIP': (p) => p.status?.podIP ?? '',
        'status.nominatedNodeName': (p) =>
          (p.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName ?? '',
      },
      labelsOf: (p) => p.metadata.labels,
      table: POD_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('pods', '', 'pods'),
      discovery: {
        name: 'pods',
        singularName: 'pod',
        namespaced: true,
        kind: 'Pod',
        verbs: READ_VERBS,
        shortNames: ['po'],
        categories: ['all'],
      },
    }),
    endpoint<Namespace>({
      group: '',
      version: 'v1',
      resource: 'namespaces',
      kind: 'Namespace',
      listKind: 'NamespaceList',
      namespaced: false,
      store: stores.namespaces,
      fields: { 'metadata.name': (n) => n.metadata.name, 'status.phase': (n) => n.status?.phase ?? '' },
      labelsOf: (n) => n.metadata.labels,
      table: NAMESPACE_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('namespaces', '', 'namespaces'),
      discovery: {
        name: 'namespaces',
        singularName: 'namespace',
        namespaced: false,
        kind: 'Namespace',
        verbs: READ_VERBS,
        shortNames: ['ns'],
      },
    }),
    endpoint<Event>({
      group: '',
      version: 'v1',
      resource: 'events',
      kind: 'Event',
      listKind: 'EventList',
      namespaced: true,
      store: stores.events,
      fields: {
        ...metadataFields<Event>(),
        'involvedObject.kind': involved('kind'),
        'involvedObject.namespace': involved('namespace'),
        'involvedObject.name': involved('name'),
        'involvedObject.uid': involved('uid'),
        'involvedObject.apiVersion': involved('apiVersion'),
        'involvedObject.resourceVersion': (e) =>
          (e.involvedObject as { resourceVersion?: string }).resourceVersion ?? '',
        'involvedObject.fieldPath': (e) => (e.involvedObject as { fieldPath?: string }).fieldPath ?? '',
        reason: (e) => e.reason ?? '',
        reportingComponent: (e) => (e as { reportingComponent?: string }).reportingComponent ?? '',
        source: (e) => (e as { source?: { component?: string } }).source?.component ?? '',
        type: (e) => e.type ?? '',
      },
      labelsOf: (e) => e.metadata.labels,
      table: EVENT_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('events', '', 'events'),
      discovery: {
        name: 'events',
        singularName: 'event',
        namespaced: true,
        kind: 'Event',
        verbs: READ_VERBS,
        shortNames: ['ev'],
      },
    }),
    endpoint<ConfigMap>({
      group: '',
      version: 'v1',
      resource: 'configmaps',
      kind: 'ConfigMap',
      listKind: 'ConfigMapList',
      namespaced: true,
      store: stores.configMaps,
      fields: metadataFields<ConfigMap>(),
      labelsOf: (c) => c.metadata.labels,
      table: DEFAULT_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('configmaps', '', 'configmaps'),
      discovery: {
        name: 'configmaps',
        singularName: 'configmap',
        namespaced: true,
        kind: 'ConfigMap',
        verbs: READ_VERBS,
        shortNames: ['cm'],
      },
    }),
    endpoint<Lease>({
      group: 'coordination.k8s.io',
      version: 'v1',
      resource: 'leases',
      kind: 'Lease',
      listKind: 'LeaseList',
      namespaced: true,
      store: stores.leases,
      fields: metadataFields<Lease>(),
      labelsOf: (l) => l.metadata.labels,
      table: DEFAULT_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('leases.coordination.k8s.io', 'coordination.k8s.io', 'leases'),
      discovery: {
        name: 'leases',
        singularName: 'lease',
        namespaced: true,
        kind: 'Lease',
        verbs: READ_VERBS,
      },
    }),
  ];
}

/** metrics.k8s.io endpoints for one version, behaving like metrics-server: no watch, no pagination. */
export function metricsEndpoints(stores: CoreStores, version: string): ResourceEndpoint[] {
  const group = 'metrics.k8s.io';
  return [
    endpoint<NodeMetrics>({
      group,
      version,
      resource: 'nodes',
      kind: 'NodeMetrics',
      listKind: 'NodeMetricsList',
      namespaced: false,
      store: stores.nodeMetrics,
      fields: { 'metadata.name': (m) => m.metadata.name },
      labelsOf: (m) =>
        m.metadata.labels ?? stores.nodes.get('', m.metadata.name ?? '')?.object.metadata.labels,
      table: DEFAULT_TABLE,
      watchable: false,
      paginated: false,
      notFound: notFound('nodemetrics.metrics.k8s.io', group, 'nodes'),
      discovery: {
        name: 'nodes',
        singularName: '',
        namespaced: false,
        kind: 'NodeMetrics',
        verbs: ['get', 'list'],
      },
    }),
    endpoint<PodMetrics>({
      group,
      version,
      resource: 'pods',
      kind: 'PodMetrics',
      listKind: 'PodMetricsList',
      namespaced: true,
      store: stores.podMetrics,
      fields: metadataFields<PodMetrics>(),
      labelsOf: (m) =>
        m.metadata.labels ??
        stores.pods.get(m.metadata.namespace ?? '', m.metadata.name ?? '')?.object.metadata.labels,
      table: DEFAULT_TABLE,
      watchable: false,
      paginated: false,
      notFound: notFound('podmetrics.metrics.k8s.io', group, 'pods', true),
      discovery: {
        name: 'pods',
        singularName: '',
        namespaced: true,
        kind: 'PodMetrics',
        verbs: ['get', 'list'],
      },
    }),
  ];
}
