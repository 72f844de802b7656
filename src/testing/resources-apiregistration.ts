/** apiregistration.k8s.io/v1 APIServices, served read-only like the other resources of the test cluster. */
import type { APIService } from '../api/index.js';
import { endpoint, notFound, READ_VERBS, type ResourceEndpoint } from './resources.js';
import type { ResourceStore } from './store.js';
import { DEFAULT_TABLE } from './table.js';

export const APIREGISTRATION_GROUP = 'apiregistration.k8s.io';

export function apiRegistrationEndpoints(store: ResourceStore<APIService>): ResourceEndpoint[] {
  return [
    endpoint<APIService>({
      group: APIREGISTRATION_GROUP,
      version: 'v1',
      resource: 'apiservices',
      kind: 'APIService',
      listKind: 'APIServiceList',
      namespaced: false,
      store,
      fields: { 'metadata.name': (a) => a.metadata.name },
      labelsOf: (a) => a.metadata.labels,
      table: DEFAULT_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('apiservices.apiregistration.k8s.io', APIREGISTRATION_GROUP, 'apiservices'),
      discovery: {
        name: 'apiservices',
        singularName: 'apiservice',
        namespaced: false,
        kind: 'APIService',
        verbs: READ_VERBS,
      },
    }),
  ];
}
