import { describe, expect, it } from 'vitest';
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from '../api/index.js';
import { formatHpaTargets, HPA_TABLE } from './table-autoscaling.js';

const hpa = (metrics: MetricSpec[] | undefined, current?: MetricStatus[]): HorizontalPodAutoscaler => ({
  metadata: { name: 'web', namespace: 'shop', creationTimestamp: '2025-06-01T11:00:00Z' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    maxReplicas: 10,
    ...(metrics === undefined ? {} : { metrics }),
  },
  status: {
    desiredReplicas: 3,
    currentReplicas: 3,
    ...(current === undefined ? {} : { currentMetrics: current }),
  },
});

const cpu = (averageUtilization?: number): MetricSpec => ({
  type: 'Resource',
  resource: {
    name: 'cpu',
    target: { type: 'Utilization', ...(averageUtilization === undefined ? {} : { averageUtilization }) },
  },
});

// Cases follow k8s.io/kubernetes pkg/printers/internalversion printers.go formatHPAMetrics (and
// printers_test.go TestPrintHPA): current/target per metric, <unknown> without a status.
describe('formatHpaTargets (printers.go formatHPAMetrics)', () => {
  it.each<[string, MetricSpec[] | undefined, MetricStatus[] | undefined, string]>([
    ['no metrics', undefined, undefined, '<none>'],
    ['resource utilization, no status', [cpu(80)], undefined, 'cpu: <unknown>/80%'],
    [
      'resource utilization with status',
      [cpu(80)],
      [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: 50, averageValue: '250m' } },
        },
      ],
      'cpu: 50%/80%',
    ],
    ['resource utilization without a target percentage', [cpu()], undefined, 'cpu: <unknown>/<auto>'],
    [
      'resource average value, canonical quantities',
      [
        {
          type: 'Resource',
          resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1024Mi' } },
        },
      ],
      [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: '524288Ki' } } }],
      'memory: 512Mi/1Gi',
    ],
    [
      'container resource',
      [
        {
          type: 'ContainerResource',
          containerResource: {
            name: 'cpu',
            container: 'app',
            target: { type: 'Utilization', averageUtilization: 60 },
          },
        },
      ],
      [
        {
          type: 'ContainerResource',
          containerResource: { name: 'cpu', container: 'app', current: { averageUtilization: 75 } },
        },
      ],
      'cpu: 75%/60%',
    ],
    [
      'pods metric',
      [
        {
          type: 'Pods',
          pods: { metric: { name: 'http_requests' }, target: { type: 'AverageValue', averageValue: '10' } },
        },
      ],
      [{ type: 'Pods', pods: { metric: { name: 'http_requests' }, current: { averageValue: '12500m' } } }],
      '12500m/10',
    ],
    [
      'object value and object average value',
      [
        {
          type: 'Object',
          object: {
            describedObject: { kind: 'Ingress', name: 'web' },
            metric: { name: 'rps' },
            target: { type: 'Value', value: '100' },
          },
        },
        {
          type: 'Object',
          object: {
            describedObject: { kind: 'Ingress', name: 'web' },
            metric: { name: 'rps' },
            target: { type: 'AverageValue', averageValue: '30' },
          },
        },
      ],
      [
        {
          type: 'Object',
          object: {
            describedObject: { kind: 'Ingress', name: 'web' },
            metric: { name: 'rps' },
            current: { value: '120' },
          },
        },
        {
          type: 'Object',
          object: {
            describedObject: { kind: 'Ingress', name: 'web' },
            metric: { name: 'rps' },
            current: { value: '120', averageValue: '40' },
          },
        },
      ],
      '120/100, 40/30 (avg)',
    ],
    [
      'external, unknown current, then + N more',
      [
        {
          type: 'External',
          external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } },
        },
        { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '1k' } } },
        cpu(80),
        cpu(70),
      ],
      undefined,
      '<unknown>/30 (avg), <unknown>/1k + 2 more...',
    ],
  ])('%s', (_name, metrics, current, text) => {
    expect(formatHpaTargets(hpa(metrics, current))).toBe(text);
  });
});

describe('HPA_TABLE (printers.go printHorizontalPodAutoscaler)', () => {
  it('prints reference, <unset> min pods, max, current replicas and age', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(HPA_TABLE.columns.map((c) => c.name)).toEqual([
      'Name',
      'Reference',
      'Targets',
      'MinPods',
      'MaxPods',
      'Replicas',
      'Age',
    ]);
    expect(HPA_TABLE.cells(hpa([cpu(80)]), now)).toEqual([
      'web',
      'Deployment/web',
      'cpu: <unknown>/80%',
      '<unset>',
      10,
      3,
      '60m',
    ]);
  });
});
