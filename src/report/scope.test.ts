import { describe, expect, it } from 'vitest';
import { buildCluster } from '../testing/index.js';
import { buildReport } from './aggregate.js';
import { createCollectFilter } from './collect-filter.js';
import { recordsFromObjects } from './collect-sink.js';
import { scopeInput } from './scope-input.js';
import { selectsNodes, selectsPods, usageSource } from './scope.js';

const fixture = buildCluster({ nodes: 4, podsPerNode: 8, seed: 9, namespaces: 3, pendingPods: 2 });
const input = recordsFromObjects(fixture, createCollectFilter({}));

describe('report scope', () => {
  it('classifies filters: pods (namespace, labels) make usage come from PodMetrics', () => {
    expect(usageSource({})).toBe('NodeMetrics');
    expect(usageSource({ nodeLabelSelector: 'a=b' })).toBe('NodeMetrics');
    expect(usageSource({ namespace: 'shop' })).toBe('PodMetrics');
    expect(selectsPods({ labelSelector: 'app=web' })).toBe(true);
    expect(selectsNodes({ node: 'n1' })).toBe(true);
    expect(selectsPods({ namespace: ' ' })).toBe(false);
  });

  it('with selected nodes a pod counts only where it runs: pending pods and other nodes drop out', () => {
    const node = fixture.nodes[0]!;
    const hostname = node.metadata.labels!['kubernetes.io/hostname']!;
    const scoped = scopeInput(input, { nodeLabelSelector: `kubernetes.io/hostname=${hostname}` });
    expect(scoped.nodes.map((n) => n.name)).toEqual([node.metadata.name]);
    expect(scoped.pods.length).toBeGreaterThan(0);
    expect(scoped.pods.every((p) => p.nodeName === node.metadata.name)).toBe(true);
    // The namespace rows built from it count those pods only.
    const model = buildReport(scoped, { levels: ['cluster', 'namespace'] });
    expect(model.namespaces.reduce((sum, n) => sum + n.pods, 0)).toBe(scoped.pods.length);
  });

  it('without filters the input passes through untouched', () => {
    expect(scopeInput(input, {})).toBe(input);
  });

  it('a node with none of the selected pods used exactly zero; a node whose pods lack metrics has none', () => {
    const namespace = input.pods.find((p) => p.nodeName !== undefined)!.namespace;
    const scoped = scopeInput(input, { namespace });
    const model = buildReport(scoped, { scope: { namespace }, resources: ['cpu'] });
    for (const row of model.nodes) {
      expect(row.usageFrom).toBe('PodMetrics');
      if (row.pods === 0) expect(row.usage).toEqual({ cpu: 0n });
      expect(row.nodeUsage).toEqual(
        input.nodeMetrics.get(row.name) === undefined ? undefined : expect.anything(),
      );
    }
  });
});
