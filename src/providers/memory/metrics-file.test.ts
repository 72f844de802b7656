import { describe, expect, it } from 'vitest';
import { KubemetricsError } from '../../errors.js';
import { parseMetricsFile } from './metrics-file.js';

const EXAMPLE = `
custom:
  - resource: pods
    namespace: shop
    name: web-1
    metric: http_requests
    value: 250m
    labels: { app: web }
    metricLabels: { code: 200 }
    windowSeconds: 60
    timestamp: 2025-01-01T00:00:00Z
  - resource: deployments.apps
    namespace: shop
    name: web
    metric: queue_length
    value: 3
external:
  - metric: queue_depth
    labels: { queue: orders }
    value: "42"
nodes:
  - name: node-1
    usage: { cpu: 1500m, memory: 6Gi }
    windowSeconds: 20.5
pods:
  - namespace: shop
    name: web-1
    containers:
      - name: app
        usage: { cpu: 250m, memory: 128Mi }
`;

describe('parseMetricsFile', () => {
  it('decodes the documented format; YAML numbers in labels become strings', () => {
    const snapshot = parseMetricsFile(EXAMPLE, 'metrics.yaml');
    expect(snapshot.custom).toHaveLength(2);
    expect(snapshot.custom[0]).toMatchObject({
      groupResource: 'pods',
      namespace: 'shop',
      metricLabels: { code: '200' },
      windowSeconds: 60,
      timestamp: new Date('2025-01-01T00:00:00Z'),
    });
    expect(String(snapshot.custom[0]?.value)).toBe('250m');
    expect(snapshot.external[0]?.metric).toBe('queue_depth');
    expect(snapshot.nodes[0]?.windowSeconds).toBe(20.5);
    expect(snapshot.pods[0]?.containers[0]?.name).toBe('app');
  });

  it('JSON works too; an empty file is empty', () => {
    expect(parseMetricsFile('{"nodes":[{"name":"n","usage":{"cpu":1}}]}', 'm.json').nodes).toHaveLength(1);
    expect(parseMetricsFile('', 'm.yaml')).toEqual({ custom: [], external: [], nodes: [], pods: [] });
  });

  it('reports every problem at once, each with its place', () => {
    const text = `
custom:
  - resource: pods
    name: web-1
    value: 1K
    colour: red
nodes:
  - name: n
pods:
  - namespace: a
    name: p
    containers: [ { name: c, usage: { cpu: x } }, 7 ]
extra: true
`;
    let error: unknown;
    try {
      parseMetricsFile(text, 'bad.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KubemetricsError);
    expect((error as KubemetricsError).code).toBe('KUBEMETRICS_ERR_DECODE');
    const message = (error as Error).message;
    expect(message).toContain('invalid metrics file bad.yaml:');
    for (const part of [
      'file: unknown field "extra"',
      'custom[0]: unknown field "colour"',
      'custom[0].metric: required',
      `custom[0].value: invalid quantity "1K"`,
      'nodes[0].usage: expected a map',
      'pods[0].containers[0].usage.cpu: invalid quantity "x"',
      'pods[0].containers[1]: expected a map',
    ])
      expect(message).toContain(part);
  });

  it('YAML syntax errors and non-map documents are decode errors', () => {
    expect(() => parseMetricsFile('custom: [', 'x.yaml')).toThrow(
      /invalid metrics file x.yaml:\n {2}- YAML:/,
    );
    expect(() => parseMetricsFile('- 1', 'x.yaml')).toThrow(/must be a map/);
  });
});
