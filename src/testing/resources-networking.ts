/**
 * networking.k8s.io/v1 Ingresses, an empty store: listed in discovery because the HPA fixtures'
 * Object metrics describe Ingresses, and the controller's custom metrics client maps the kind to
 * its resource through discovery (custom_metrics client qualResourceForKind); without it a replay
 * of those HPAs fails with "unable to map kind". Nothing in the fixtures creates Ingresses.
 */
import type { ObjectMeta } from '../api/index.js';
import { endpoint, metadataFields, notFound, READ_VERBS, type ResourceEndpoint } from './resources.js';
import type { ResourceStore } from './store.js';
import { DEFAULT_TABLE } from './table.js';

/** Only the metadata: the test cluster serves Ingresses for discovery and lists, not their spec. */
export interface Ingress {
  readonly metadata: ObjectMeta;
}

export function networkingEndpoints(ingresses: ResourceStore<Ingress>): ResourceEndpoint[] {
  return [
    endpoint<Ingress>({
      group: 'networking.k8s.io',
      version: 'v1',
      resource: 'ingresses',
      kind: 'Ingress',
      listKind: 'IngressList',
      namespaced: true,
      store: ingresses,
      fields: metadataFields<Ingress>(),
      labelsOf: (i) => i.metadata.labels,
      table: DEFAULT_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('ingresses.networking.k8s.io', 'networking.k8s.io', 'ingresses'),
      discovery: {
        name: 'ingresses',
        singularName: 'ingress',
        namespaced: true,
        kind: 'Ingress',
        verbs: READ_VERBS,
        shortNames: ['ing'],
      },
    }),
  ];
}
