/** discovery.k8s.io/v1 EndpointSlices: the ready addresses behind a Service. */
import type { EndpointSlice } from '../api/index.js';
import { endpoint, metadataFields, notFound, READ_VERBS, type ResourceEndpoint } from './resources.js';
import type { ResourceStore } from './store.js';
import { DEFAULT_TABLE } from './table.js';

export function endpointSliceEndpoints(store: ResourceStore<EndpointSlice>): ResourceEndpoint[] {
  return [
    endpoint<EndpointSlice>({
      group: 'discovery.k8s.io',
      version: 'v1',
      resource: 'endpointslices',
      kind: 'EndpointSlice',
      listKind: 'EndpointSliceList',
      namespaced: true,
      store,
      fields: metadataFields<EndpointSlice>(),
      labelsOf: (s) => s.metadata.labels,
      table: DEFAULT_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('endpointslices.discovery.k8s.io', 'discovery.k8s.io', 'endpointslices'),
      discovery: {
        name: 'endpointslices',
        singularName: 'endpointslice',
        namespaced: true,
        kind: 'EndpointSlice',
        verbs: READ_VERBS,
      },
    }),
  ];
}
