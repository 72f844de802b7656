import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../api/index.js';
import { createRecordTrimmer } from '../report/index.js';
import { StaticClusterView } from './cluster-cache.js';
import { createServiceMetrics, createServiceRegistry } from './prometheus-metrics.js';

const trimmer = createRecordTrimmer();
const node: Node = {
  metadata: { name: 'n1' },
  status: {
    capacity: { cpu: '4', memory: '8Gi', 'nvidia.com/gpu': '1' },
    allocatable: { cpu: '3500m', memory: '7Gi', 'nvidia.com/gpu': '1' },
  },
};
const pod: Pod = {
  metadata: { namespace: 'shop', name: 'web-1' },
  spec: {
    nodeName: 'n1',
    containers: [{ name: 'app', resources: { requests: { cpu: '250m', memory: '1Gi' } } }],
  },
  status: { phase: 'Running' },
};
const view = new StaticClusterView({ nodes: [trimmer.trimNode(node)], pods: [trimmer.trimPod(pod)] });

describe('createServiceRegistry', () => {
  it('writes node, namespace and cluster series with kube-state-metrics style units', async () => {
    const text = await createServiceRegistry(view).metrics();
    expect(text).toContain('kubemetrics_node_resource_allocatable{node="n1",resource="cpu",unit="core"} 3.5');
    expect(text).toContain(
      'kubemetrics_node_resource_allocatable{node="n1",resource="memory",unit="byte"} 7516192768',
    );
    expect(text).toContain(
      'kubemetrics_node_resource_allocatable{node="n1",resource="nvidia.com/gpu",unit="integer"} 1',
    );
    expect(text).toContain(
      'kubemetrics_namespace_resource_requests{namespace="shop",resource="cpu",unit="core"} 0.25',
    );
    expect(text).toContain('kubemetrics_cluster_resource_requests{resource="memory",unit="byte"} 1073741824');
    // No metrics: no usage series at all, and no per-pod series without the option.
    expect(text).not.toMatch(/^kubemetrics_node_resource_usage\{/m);
    expect(text).not.toContain('kubemetrics_pod_resource');
    expect(text).not.toContain('process_cpu');
  });

  it('adds per-pod series only with podMetrics, leaving out limits that are not set', async () => {
    const text = await createServiceRegistry(view, { podMetrics: true }).metrics();
    expect(text).toContain(
      'kubemetrics_pod_resource_requests{namespace="shop",pod="web-1",node="n1",resource="cpu",unit="core"} 0.25',
    );
    expect(text).not.toMatch(/^kubemetrics_pod_resource_limits\{/m);
  });

  it('serves the same text through createServiceMetrics, the cluster part kept per generation', async () => {
    const metrics = createServiceMetrics(view);
    const first = await metrics.metrics();
    const again = await metrics.metrics();
    expect(again.cluster).toBe(first.cluster);
    const text = first.cluster.toString() + first.health;
    expect(text).toBe(await createServiceRegistry(view).metrics());
    expect(text).toContain('kubemetrics_cluster_nodes 1');
    expect(first.health).toContain('kubemetrics_data_stale');
    expect(first.cluster.toString()).not.toContain('kubemetrics_data_stale');
  });
});
