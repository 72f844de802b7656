/** core/v1 Services and Secrets: what an aggregated API server is reached through and serves with. */
import type { Secret, Service } from '../api/index.js';
import { endpoint, metadataFields, notFound, READ_VERBS, type ResourceEndpoint } from './resources.js';
import type { ResourceStore } from './store.js';
import { DEFAULT_TABLE } from './table.js';

export function serviceEndpoints(
  services: ResourceStore<Service>,
  secrets: ResourceStore<Secret>,
): ResourceEndpoint[] {
  return [
    endpoint<Service>({
      group: '',
      version: 'v1',
      resource: 'services',
      kind: 'Service',
      listKind: 'ServiceList',
      namespaced: true,
      store: services,
      fields: metadataFields<Service>(),
      labelsOf: (s) => s.metadata.labels,
      table: DEFAULT_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('services', '', 'services'),
      discovery: {
        name: 'services',
        singularName: 'service',
        namespaced: true,
        kind: 'Service',
        verbs: READ_VERBS,
        shortNames: ['svc'],
        categories: ['all'],
      },
    }),
    endpoint<Secret>({
      group: '',
      version: 'v1',
      resource: 'secrets',
      kind: 'Secret',
      listKind: 'SecretList',
      namespaced: true,
      store: secrets,
      // kube-apiserver's secret field labels (pkg/apis/core/v1/conversion.go): name, namespace, type.
      fields: { ...metadataFields<Secret>(), type: (s) => s.type ?? '' },
      labelsOf: (s) => s.metadata.labels,
      table: DEFAULT_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('secrets', '', 'secrets'),
      discovery: {
        name: 'secrets',
        singularName: 'secret',
        namespaced: true,
        kind: 'Secret',
        verbs: READ_VERBS,
      },
    }),
  ];
}
