import { describe, expect, it } from 'vitest';
import type { KubemetricsError } from '../errors.js';
import {
  customMetricPath,
  customMetricsFromDiscovery,
  decodeCustomMetricValue,
  decodeExternalMetricValue,
  externalMetricPath,
  externalMetricsFromDiscovery,
  namespaceMetricPath,
} from './custom-metrics.js';
import { customMetricResource } from '../../test/helpers/discovery.js';

// Wire shapes from k8s.io/metrics pkg/apis/custom_metrics/{v1beta1,v1beta2}/types.go.
const v1beta1 = {
  describedObject: { kind: 'Pod', namespace: 'web', name: 'web-0', apiVersion: '/v1' },
  metricName: 'http_requests',
  timestamp: '2025-01-02T03:04:05Z',
  window: 60,
  value: '1500m',
  selector: { matchLabels: { verb: 'GET' } },
};
const v1beta2 = {
  describedObject: { kind: 'Pod', namespace: 'web', name: 'web-0', apiVersion: '/v1' },
  metric: { name: 'http_requests', selector: { matchLabels: { verb: 'GET' } } },
  timestamp: '2025-01-02T03:04:05Z',
  windowSeconds: 60,
  value: '1500m',
};

describe('decodeCustomMetricValue', () => {
  it.each([
    ['v1beta1', v1beta1],
    ['v1beta2', v1beta2],
  ])('%s decodes into the same model', (_version, wire) => {
    const { raw, ...model } = decodeCustomMetricValue(wire);
    expect(raw).toBe(wire);
    expect({ ...model, value: model.value.toString(), timestamp: model.timestamp.toISOString() }).toEqual({
      describedObject: { kind: 'Pod', namespace: 'web', name: 'web-0', apiVersion: '/v1' },
      metricName: 'http_requests',
      selector: { matchLabels: { verb: 'GET' } },
      timestamp: '2025-01-02T03:04:05.000Z',
      windowSeconds: 60,
      value: '1500m',
    });
  });

  it('window and selector are optional', () => {
    const { window: _w, selector: _s, ...bare } = v1beta1;
    const model = decodeCustomMetricValue(bare);
    expect(model.windowSeconds).toBeUndefined();
    expect(model.selector).toBeUndefined();
  });

  it.each([
    [
      'bad value',
      { ...v1beta2, value: 'many' },
      /custom metric "http_requests" of Pod "web\/web-0": value "many"/,
    ],
    ['no metric name', { ...v1beta2, metric: {} }, /metric name is missing/],
    ['no describedObject', { ...v1beta1, describedObject: undefined }, /describedObject is missing/],
    ['windowSeconds not a number', { ...v1beta2, windowSeconds: '60' }, /windowSeconds is not a number/],
  ])('%s → DECODE', (_name, wire, pattern) => {
    expect(() => decodeCustomMetricValue(wire)).toThrow(pattern);
    try {
      decodeCustomMetricValue(wire);
    } catch (error) {
      expect((error as KubemetricsError).code).toBe('KUBEMETRICS_ERR_DECODE');
    }
  });
});

describe('decodeExternalMetricValue', () => {
  it('decodes', () => {
    const model = decodeExternalMetricValue({
      metricName: 'queue_depth',
      metricLabels: { queue: 'orders' },
      timestamp: '2025-01-02T03:04:05Z',
      window: 30,
      value: '42',
    });
    expect(model.metricName).toBe('queue_depth');
    expect(model.metricLabels).toEqual({ queue: 'orders' });
    expect(model.windowSeconds).toBe(30);
    expect(model.value.value()).toBe(42n);
  });

  it('a bad value names the metric and its labels', () => {
    expect(() =>
      decodeExternalMetricValue({
        metricName: 'q',
        metricLabels: { a: 'b' },
        timestamp: '2025-01-01T00:00:00Z',
        value: '?',
      }),
    ).toThrow(/external metric "q" \{"a":"b"\}: value "\?"/);
  });
});

describe('paths', () => {
  it.each([
    [
      'namespaced object',
      customMetricPath('v1beta2', { namespace: 'web', metric: 'rps' }, 'web-0'),
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/web/pods/web-0/rps',
    ],
    [
      'label-selected objects of a grouped resource',
      customMetricPath(
        'v1beta1',
        { namespace: 'web', resource: 'deployments', group: 'apps', metric: 'rps' },
        '*',
      ),
      '/apis/custom.metrics.k8s.io/v1beta1/namespaces/web/deployments.apps/*/rps',
    ],
    [
      'cluster-scoped object',
      customMetricPath('v1beta2', { resource: 'nodes', metric: 'temp' }, 'n 1'),
      '/apis/custom.metrics.k8s.io/v1beta2/nodes/n%201/temp',
    ],
    [
      'namespace metric',
      namespaceMetricPath('v1beta2', 'web', 'queue'),
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/web/metrics/queue',
    ],
    [
      'external metric',
      externalMetricPath('v1beta1', 'web', 'queue'),
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/web/queue',
    ],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe('discovery documents', () => {
  it('custom metrics: <resource>[.<group>]/<metric>', () => {
    const list = {
      kind: 'APIResourceList' as const,
      apiVersion: 'v1' as const,
      groupVersion: 'custom.metrics.k8s.io/v1beta2',
      resources: [
        customMetricResource('pods/http_requests', true),
        customMetricResource('deployments.apps/queue', true),
        customMetricResource('nodes/temp', false),
        { name: 'garbage', singularName: '', namespaced: false, kind: 'X', verbs: [] },
      ],
    };
    expect(customMetricsFromDiscovery(list)).toEqual([
      { name: 'pods/http_requests', resource: 'pods', group: '', metric: 'http_requests', namespaced: true },
      {
        name: 'deployments.apps/queue',
        resource: 'deployments',
        group: 'apps',
        metric: 'queue',
        namespaced: true,
      },
      { name: 'nodes/temp', resource: 'nodes', group: '', metric: 'temp', namespaced: false },
    ]);
  });

  it('external metrics: the resource name is the metric', () => {
    expect(
      externalMetricsFromDiscovery({
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'external.metrics.k8s.io/v1beta1',
        resources: [
          {
            name: 'queue_depth',
            singularName: '',
            namespaced: true,
            kind: 'ExternalMetricValueList',
            verbs: ['get'],
          },
        ],
      }),
    ).toEqual([{ metric: 'queue_depth', namespaced: true }]);
  });
});
