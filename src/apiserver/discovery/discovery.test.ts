import { describe, expect, it } from 'vitest';
import {
  customMetricResources,
  externalMetricResources,
  resourcesForAggregatedDiscovery,
} from './discovery.js';
import { customMetricResource } from '../../../test/helpers/discovery.js';

describe('discovery resources (custom-metrics-apiserver cmapis.go / emapis.go)', () => {
  it('custom metrics are <group-resource>/<metric>, deduplicated', () => {
    const resources = customMetricResources([
      { groupResource: { group: '', resource: 'pods' }, metric: 'http_requests', namespaced: true },
      { groupResource: { group: '', resource: 'pods' }, metric: 'http_requests', namespaced: true },
      { groupResource: { group: 'apps', resource: 'deployments' }, metric: 'queue', namespaced: true },
      { groupResource: { group: '', resource: 'nodes' }, metric: 'temperature', namespaced: false },
    ]);
    expect(resources).toEqual([
      customMetricResource('pods/http_requests', true),
      customMetricResource('deployments.apps/queue', true),
      customMetricResource('nodes/temperature', false),
    ]);
  });

  it('never an empty list: placeholders', () => {
    expect(customMetricResources([]).map((r) => r.name)).toEqual(['custommetrics']);
    expect(externalMetricResources([]).map((r) => r.name)).toEqual(['externalmetrics']);
    expect(externalMetricResources([{ metric: 'q' }, { metric: 'q' }])).toEqual([
      { name: 'q', singularName: '', namespaced: true, kind: 'ExternalMetricValueList', verbs: ['get'] },
    ]);
  });

  it('aggregated: a/b becomes subresource b of a (apiserver ConvertGroupVersionIntoToDiscovery)', () => {
    const resources = customMetricResources([
      { groupResource: { group: '', resource: 'pods' }, metric: 'http_requests', namespaced: true },
      { groupResource: { group: '', resource: 'pods' }, metric: 'latency', namespaced: true },
      { groupResource: { group: '', resource: 'nodes' }, metric: 'temperature', namespaced: false },
    ]);
    expect(resourcesForAggregatedDiscovery('custom.metrics.k8s.io', 'v1beta2', resources)).toEqual([
      {
        resource: 'pods',
        responseKind: { group: '', version: '', kind: '' },
        scope: 'Namespaced',
        singularResource: '',
        verbs: [],
        subresources: [
          {
            subresource: 'http_requests',
            responseKind: { group: 'custom.metrics.k8s.io', version: 'v1beta2', kind: 'MetricValueList' },
            verbs: ['get'],
          },
          {
            subresource: 'latency',
            responseKind: { group: 'custom.metrics.k8s.io', version: 'v1beta2', kind: 'MetricValueList' },
            verbs: ['get'],
          },
        ],
      },
      {
        resource: 'nodes',
        responseKind: { group: '', version: '', kind: '' },
        scope: 'Cluster',
        singularResource: '',
        verbs: [],
        subresources: [
          {
            subresource: 'temperature',
            responseKind: { group: 'custom.metrics.k8s.io', version: 'v1beta2', kind: 'MetricValueList' },
            verbs: ['get'],
          },
        ],
      },
    ]);
  });
});
