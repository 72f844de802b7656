import { describe, expect, it } from 'vitest';
import { KubemetricsError } from '../errors.js';
import { decodeItems, decodeNodeMetrics, decodePodMetrics, parseGoDuration } from './metrics-model.js';

// Go time.Duration strings as metrics-server writes them (metav1.Duration → time.Duration.String()).
describe('parseGoDuration', () => {
  it.each([
    ['20.033s', 20.033],
    ['30s', 30],
    ['1m0s', 60],
    ['1m30.5s', 90.5],
    ['1h2m3s', 3723],
    ['1.5h', 5400],
    ['500ms', 0.5],
    ['10.5ms', 0.0105],
    ['250µs', 0.00025],
    ['250us', 0.00025],
    ['100ns', 1e-7],
    ['0', 0],
    ['0s', 0],
    ['-1s', -1],
  ])('%s → %d s', (text, seconds) => {
    expect(parseGoDuration(text)).toBe(seconds);
  });

  it.each(['', '20', 's', '1d', '20.033', '1 s', 'abc'])('%j is not a duration', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});

const node = {
  kind: 'NodeMetrics',
  apiVersion: 'metrics.k8s.io/v1beta1',
  metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
  timestamp: '2025-01-02T03:04:05Z',
  window: '20.033s',
  usage: { cpu: '250m', memory: '1024Mi' },
};

const pod = {
  metadata: { name: 'web-0', namespace: 'shop', labels: { app: 'web' } },
  timestamp: '2025-01-02T03:04:05Z',
  window: '15s',
  containers: [
    { name: 'app', usage: { cpu: '100m', memory: '64Mi' } },
    { name: 'sidecar', usage: { cpu: '150m', memory: '64Mi' } },
  ],
};

function decodeFailure(fn: () => unknown): KubemetricsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KubemetricsError);
    expect((error as KubemetricsError).code).toBe('KUBEMETRICS_ERR_DECODE');
    return error as KubemetricsError;
  }
  throw new Error('expected a DECODE error');
}

describe('decodeNodeMetrics / decodePodMetrics', () => {
  it('decodes a node: quantities parsed, strings kept in raw', () => {
    const result = decodeNodeMetrics(node);
    expect(result.name).toBe('node-1');
    expect(result.labels).toEqual({ 'kubernetes.io/hostname': 'node-1' });
    expect(result.timestamp.toISOString()).toBe('2025-01-02T03:04:05.000Z');
    expect(result.windowSeconds).toBe(20.033);
    expect(result.usage['cpu']?.milliValue()).toBe(250n);
    expect(result.usage['memory']?.value()).toBe(1024n * 1024n * 1024n);
    expect(result.raw.usage['cpu']).toBe('250m');
  });

  it('decodes a pod and sums its containers per resource', () => {
    const result = decodePodMetrics(pod);
    expect(result.namespace).toBe('shop');
    expect(result.containers.map((c) => c.name)).toEqual(['app', 'sidecar']);
    expect(result.usage['cpu']?.milliValue()).toBe(250n);
    expect(result.usage['memory']?.toString()).toBe('128Mi');
    expect(result.containers[1]?.raw.usage['cpu']).toBe('150m');
  });

  it('a pod without containers has empty usage', () => {
    expect(decodePodMetrics({ ...pod, containers: [] }).usage).toEqual({});
  });

  it('a "__proto__" resource name stays data', () => {
    const result = decodeNodeMetrics({
      ...node,
      usage: JSON.parse('{"__proto__": "1"}') as Record<string, string>,
    });
    expect(Object.keys(result.usage)).toEqual(['__proto__']);
  });

  const bad: Array<[string, () => unknown, RegExp]> = [
    [
      'bad node quantity names the node and field',
      () => decodeNodeMetrics({ ...node, usage: { cpu: '12x' } }),
      /node metrics "node-1": usage\.cpu "12x" is not a valid quantity/,
    ],
    [
      'bad container quantity names the pod, container index and field',
      () => decodePodMetrics({ ...pod, containers: [{ name: 'app', usage: { memory: 'lots' } }] }),
      /pod metrics "shop\/web-0": containers\[0\]\.usage\.memory "lots" is not a valid quantity/,
    ],
    [
      'a number instead of a quantity string',
      () => decodeNodeMetrics({ ...node, usage: { cpu: 2 } }),
      /usage\.cpu is 2, not a quantity string/,
    ],
    ['bad timestamp', () => decodeNodeMetrics({ ...node, timestamp: 'yesterday' }), /timestamp "yesterday"/],
    ['bad window', () => decodePodMetrics({ ...pod, window: 'soon' }), /window "soon" is not a duration/],
    [
      'missing name',
      () => decodeNodeMetrics({ ...node, metadata: {} }, 3),
      /NodeMetrics items\[3\]: metadata\.name/,
    ],
    ['containers not a list', () => decodePodMetrics({ ...pod, containers: {} }), /containers is not a list/],
    [
      'a list without items',
      () => decodeItems({ kind: 'NodeMetricsList' }, 'NodeMetricsList', decodeNodeMetrics),
      /no items/,
    ],
  ];
  it.each(bad)('%s → DECODE', (_name, fn, pattern) => {
    expect(decodeFailure(fn).message).toMatch(pattern);
  });
});
