import { describe, expect, it } from 'vitest';
import { resourceMetricsPath } from './metrics-paths.js';

// The paths metrics-server serves (kubernetes-sigs/metrics-server pkg/api/{node,pod}.go register
// "nodes" cluster-scoped and "pods" namespaced under metrics.k8s.io).
describe('resourceMetricsPath', () => {
  it.each([
    [{ kind: 'nodes' } as const, '/apis/metrics.k8s.io/v1beta1/nodes'],
    [{ kind: 'nodes', name: 'node-1' } as const, '/apis/metrics.k8s.io/v1beta1/nodes/node-1'],
    [{ kind: 'pods' } as const, '/apis/metrics.k8s.io/v1beta1/pods'],
    [{ kind: 'pods', namespace: 'shop' } as const, '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods'],
    [
      { kind: 'pods', namespace: 'shop', name: 'web-0' } as const,
      '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-0',
    ],
  ])('%j -> %s', (target, path) => {
    expect(resourceMetricsPath('v1beta1', target)).toBe(path);
  });

  it('escapes names so a name cannot change the path', () => {
    expect(resourceMetricsPath('v1', { kind: 'pods', namespace: 'a/b', name: '../x?y' })).toBe(
      '/apis/metrics.k8s.io/v1/namespaces/a%2Fb/pods/..%2Fx%3Fy',
    );
  });
});
