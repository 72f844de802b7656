/**
 * apps/v1 Deployments, ReplicaSets and StatefulSets: served with get, list and watch, kube-apiserver's
 * Tables (table-apps.ts), and the autoscaling/v1 `scale` subresource the HPA controller reads
 * (k8s.io/kubernetes pkg/registry/apps/deployment/storage/storage.go `scaleFromDeployment`, and the
 * ReplicaSet and StatefulSet equivalents): spec.replicas, status.replicas and status.selector as a
 * selector string.
 */
import type { Deployment, LabelSelectorWire, ReplicaSet, StatefulSet } from '../api/index.js';
import {
  endpoint,
  metadataFields,
  notFound,
  READ_VERBS,
  type AnyObject,
  type ResourceEndpoint,
  type Subresource,
} from './resources.js';
import type { ResourceStore } from './store.js';
import { DEPLOYMENT_TABLE, REPLICA_SET_TABLE, selectorString, STATEFUL_SET_TABLE } from './table-apps.js';

export interface AppsStores {
  readonly deployments: ResourceStore<Deployment>;
  readonly replicaSets: ResourceStore<ReplicaSet>;
  readonly statefulSets: ResourceStore<StatefulSet>;
}

/** What a workload with a `scale` subresource has in common. */
interface Scalable extends AnyObject {
  spec: { replicas?: number; selector: LabelSelectorWire };
  status?: { replicas?: number };
}

/** The API server defaults `spec.replicas` to 1 on all three kinds (apps/v1 defaults.go). */
export const DEFAULT_REPLICAS = 1;

function scaleSubresource<T extends Scalable>(resource: string): Subresource<T> {
  return {
    kind: 'Scale',
    group: 'autoscaling',
    version: 'v1',
    view({ object }) {
      const m = object.metadata;
      const selector = selectorString(object.spec.selector);
      return {
        metadata: {
          name: m.name,
          namespace: m.namespace,
          uid: m.uid,
          resourceVersion: m.resourceVersion,
          creationTimestamp: m.creationTimestamp,
        },
        spec: { replicas: object.spec.replicas ?? DEFAULT_REPLICAS },
        status: { replicas: object.status?.replicas ?? 0, ...(selector === '' ? {} : { selector }) },
      };
    },
    discovery: {
      name: `${resource}/scale`,
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get'],
    },
  };
}

const GROUP = 'apps';

export function appsEndpoints(stores: AppsStores): ResourceEndpoint[] {
  return [
    endpoint<Deployment>({
      group: GROUP,
      version: 'v1',
      resource: 'deployments',
      kind: 'Deployment',
      listKind: 'DeploymentList',
      namespaced: true,
      store: stores.deployments,
      fields: metadataFields<Deployment>(),
      labelsOf: (d) => d.metadata.labels,
      table: DEPLOYMENT_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('deployments.apps', GROUP, 'deployments'),
      discovery: {
        name: 'deployments',
        singularName: 'deployment',
        namespaced: true,
        kind: 'Deployment',
        verbs: READ_VERBS,
        shortNames: ['deploy'],
        categories: ['all'],
      },
      subresources: { scale: scaleSubresource<Deployment>('deployments') },
    }),
    endpoint<ReplicaSet>({
      group: GROUP,
      version: 'v1',
      resource: 'replicasets',
      kind: 'ReplicaSet',
      listKind: 'ReplicaSetList',
      namespaced: true,
      store: stores.replicaSets,
      // pkg/registry/apps/replicaset/strategy.go ReplicaSetToSelectableFields adds status.replicas.
      fields: {
        ...metadataFields<ReplicaSet>(),
        'status.replicas': (rs) => String(rs.status?.replicas ?? 0),
      },
      labelsOf: (rs) => rs.metadata.labels,
      table: REPLICA_SET_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('replicasets.apps', GROUP, 'replicasets'),
      discovery: {
        name: 'replicasets',
        singularName: 'replicaset',
        namespaced: true,
        kind: 'ReplicaSet',
        verbs: READ_VERBS,
        shortNames: ['rs'],
        categories: ['all'],
      },
      subresources: { scale: scaleSubresource<ReplicaSet>('replicasets') },
    }),
    endpoint<StatefulSet>({
      group: GROUP,
      version: 'v1',
      resource: 'statefulsets',
      kind: 'StatefulSet',
      listKind: 'StatefulSetList',
      namespaced: true,
      store: stores.statefulSets,
      fields: metadataFields<StatefulSet>(),
      labelsOf: (s) => s.metadata.labels,
      table: STATEFUL_SET_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('statefulsets.apps', GROUP, 'statefulsets'),
      discovery: {
        name: 'statefulsets',
        singularName: 'statefulset',
        namespaced: true,
        kind: 'StatefulSet',
        verbs: READ_VERBS,
        shortNames: ['sts'],
        categories: ['all'],
      },
      subresources: { scale: scaleSubresource<StatefulSet>('statefulsets') },
    }),
  ];
}
