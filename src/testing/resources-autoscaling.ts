/**
 * autoscaling/v2 HorizontalPodAutoscalers: get, list, watch, the `status` subresource, and
 * kube-apiserver's Table (table-autoscaling.ts). autoscaling/v1 is not served: its schema carries
 * only a CPU target (the rest in annotations), and kubectl prefers v2, which discovery lists alone.
 */
import type { HorizontalPodAutoscaler } from '../api/index.js';
import { endpoint, metadataFields, notFound, READ_VERBS, type ResourceEndpoint } from './resources.js';
import type { ResourceStore } from './store.js';
import { statusSubresource } from './subresource.js';
import { HPA_TABLE } from './table-autoscaling.js';

export interface AutoscalingStores {
  readonly horizontalPodAutoscalers: ResourceStore<HorizontalPodAutoscaler>;
}

const GROUP = 'autoscaling';

export function autoscalingEndpoints(stores: AutoscalingStores): ResourceEndpoint[] {
  const where = {
    group: GROUP,
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  };
  return [
    endpoint<HorizontalPodAutoscaler>({
      ...where,
      listKind: 'HorizontalPodAutoscalerList',
      store: stores.horizontalPodAutoscalers,
      fields: metadataFields<HorizontalPodAutoscaler>(),
      labelsOf: (h) => h.metadata.labels,
      table: HPA_TABLE,
      watchable: true,
      paginated: true,
      notFound: notFound('horizontalpodautoscalers.autoscaling', GROUP, 'horizontalpodautoscalers'),
      discovery: {
        name: 'horizontalpodautoscalers',
        singularName: 'horizontalpodautoscaler',
        namespaced: true,
        kind: 'HorizontalPodAutoscaler',
        verbs: READ_VERBS,
        shortNames: ['hpa'],
        categories: ['all'],
      },
      subresources: { status: statusSubresource<HorizontalPodAutoscaler>(where) },
    }),
  ];
}
