import { describe, expect, it } from 'vitest';
import { KubemetricsError } from '../errors.js';
import { buildCluster, demoCluster } from './fixtures.js';

describe('buildCluster', () => {
  const fixture = buildCluster({
    nodes: 40,
    podsPerNode: 30,
    seed: 3,
    nodesWithoutMetrics: 2,
    notReadyNodes: 1,
  });
  const containers = fixture.pods.flatMap((p) => p.spec.containers);
  const requests = containers.flatMap((c) => Object.values(c.resources?.requests ?? {}));

  it('is deterministic for a seed and differs across seeds', () => {
    const again = buildCluster({
      nodes: 40,
      podsPerNode: 30,
      seed: 3,
      nodesWithoutMetrics: 2,
      notReadyNodes: 1,
    });
    expect(JSON.stringify(again)).toBe(JSON.stringify(fixture));
    const other = buildCluster({ nodes: 40, podsPerNode: 30, seed: 4 });
    expect(JSON.stringify(other.pods)).not.toBe(JSON.stringify(fixture.pods));
  });

  it('has the requested size, unique names and realistic nodes', () => {
    expect(fixture.nodes).toHaveLength(40);
    expect(fixture.pods).toHaveLength(40 * 30);
    const keys = fixture.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const roles = fixture.nodes.filter(
      (n) => 'node-role.kubernetes.io/control-plane' in (n.metadata.labels ?? {}),
    );
    expect(roles).toHaveLength(3);
    const gpu = fixture.nodes.filter((n) => n.status?.capacity?.['nvidia.com/gpu'] !== undefined);
    expect(gpu).toHaveLength(2);
    for (const node of fixture.nodes) {
      expect(node.status?.capacity?.['memory']).toMatch(/^\d+Ki$/);
      expect(node.status?.allocatable?.['pods']).toMatch(/^\d+$/);
      expect(node.metadata.labels?.['kubernetes.io/hostname']).toBe(node.metadata.name);
      expect(node.metadata.labels?.['topology.kubernetes.io/zone']).toBeDefined();
    }
    expect(fixture.nodes.some((n) => n.status?.capacity?.['hugepages-2Mi'] === '1Gi')).toBe(true);
    expect(
      fixture.nodes.filter((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True'),
    ).toHaveLength(1);
  });

  it('mixes owners, phases, notations and special containers', () => {
    const owners = new Set(fixture.pods.map((p) => p.metadata.ownerReferences?.[0]?.kind ?? 'none'));
    expect([...owners].sort()).toEqual(['DaemonSet', 'Job', 'Node', 'ReplicaSet', 'StatefulSet', 'none']);
    const phases = new Set(fixture.pods.map((p) => p.status?.phase));
    expect([...phases].sort()).toEqual(['Failed', 'Pending', 'Running', 'Succeeded']);
    expect(
      fixture.pods.filter((p) => p.spec.nodeName === undefined).every((p) => p.status?.phase === 'Pending'),
    ).toBe(true);
    for (const notation of ['100m', '0.5', '1', '128Mi', '1Gi', '500M', '268435456'])
      expect(requests).toContain(notation);
    expect(containers.some((c) => c.resources?.requests === undefined)).toBe(true);
    expect(fixture.pods.some((p) => p.spec.initContainers?.some((c) => c.restartPolicy === 'Always'))).toBe(
      true,
    );
    expect(fixture.pods.some((p) => p.spec.initContainers?.some((c) => c.restartPolicy === undefined))).toBe(
      true,
    );
    expect(fixture.pods.some((p) => p.spec.overhead !== undefined)).toBe(true);
    expect(fixture.pods.some((p) => p.spec.resources !== undefined)).toBe(true);
    expect(
      fixture.pods.some((p) =>
        p.status?.containerStatuses?.some((s) => (s.state as { waiting?: unknown })?.waiting),
      ),
    ).toBe(true);
  });

  it('reports metrics as metrics-server does, none for pending, terminal or unscraped pods', () => {
    const byKey = new Map(fixture.pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    // The NotReady node is one of the two last workers, which have no metrics anyway.
    expect(fixture.nodeMetrics).toHaveLength(40 - 2);
    for (const m of fixture.nodeMetrics) {
      expect(m.usage['cpu']).toMatch(/^\d+n$/);
      expect(m.usage['memory']).toMatch(/^\d+Ki$/);
      expect(m.window).toMatch(/^\d+(\.\d+)?s$/);
    }
    for (const m of fixture.podMetrics) {
      const pod = byKey.get(`${m.metadata.namespace}/${m.metadata.name}`)!;
      expect(pod.status?.phase).toBe('Running');
      expect(m.metadata.labels).toEqual(pod.metadata.labels);
      expect(m.containers.map((c) => c.name)).toEqual([
        ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name),
        ...pod.spec.containers.map((c) => c.name),
      ]);
    }
    const scraped = new Set(fixture.nodeMetrics.map((m) => m.metadata.name));
    expect(
      fixture.podMetrics.every((m) =>
        scraped.has(byKey.get(`${m.metadata.namespace}/${m.metadata.name}`)!.spec.nodeName),
      ),
    ).toBe(true);
  });

  it('rejects invalid options with an argument error', () => {
    expect(() => buildCluster({ nodes: 0 })).toThrow(KubemetricsError);
    expect(() => buildCluster({ nodes: 2, podsPerNode: -1 })).toThrow(/podsPerNode must be an integer >= 0/);
    expect(() => buildCluster({ nodes: 2, now: 'yesterday' })).toThrow(/now is not a valid date/);
  });

  it('demoCluster is about 20 nodes and 600 pods with one node without metrics', () => {
    const demo = demoCluster({ now: new Date('2025-01-01T00:00:00Z') });
    expect(demo.nodes).toHaveLength(20);
    expect(demo.pods).toHaveLength(600);
    expect(demo.nodeMetrics.length).toBe(19);
  });
});
