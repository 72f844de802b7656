import { describe, expect, it } from 'vitest';
import type { Container, Node, Pod, PodSpec, ResourceList } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { parseQuantity, type Quantity } from '../quantity/index.js';
import { podRequests } from './fixture-scheduling.js';
import { buildCluster, demoCluster, type ClusterFixture } from './fixtures.js';

// --- an independent take on the scheduler's arithmetic, with Quantity (exact) ---------------------

type Amounts = Map<string, Quantity>;

function addQuantity(into: Amounts, name: string, q: Quantity): void {
  const before = into.get(name);
  into.set(name, before === undefined ? q : before.add(q));
}

function add(into: Amounts, list: ResourceList | undefined): void {
  for (const [name, text] of Object.entries(list ?? {})) addQuantity(into, name, parseQuantity(text));
}

function max(into: Amounts, from: Amounts): void {
  for (const [name, q] of from) {
    const before = into.get(name);
    if (before === undefined || q.cmp(before) > 0) into.set(name, q);
  }
}

/** component-helpers PodRequests: containers + sidecars vs init containers, pod-level, overhead. */
function effectiveRequests(spec: PodSpec): Amounts {
  const requests: Amounts = new Map();
  for (const c of spec.containers) add(requests, c.resources?.requests);
  const sidecars: Amounts = new Map();
  const init: Amounts = new Map();
  for (const c of spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always') {
      add(requests, c.resources?.requests);
      add(sidecars, c.resources?.requests);
      max(init, sidecars);
    } else {
      const running: Amounts = new Map(sidecars);
      add(running, c.resources?.requests);
      max(init, running);
    }
  }
  max(requests, init);
  for (const name of ['cpu', 'memory']) {
    const podLevel = spec.resources?.requests?.[name];
    if (podLevel !== undefined) requests.set(name, parseQuantity(podLevel));
  }
  add(requests, spec.overhead);
  return requests;
}

const terminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

interface NodeLoad {
  node: Node;
  pods: number;
  requests: Amounts;
  limits: Amounts;
}

/** Per node: non-terminal pods bound to it, their summed effective requests and container limits. */
function nodeLoads(fixture: ClusterFixture): Map<string, NodeLoad> {
  const loads = new Map<string, NodeLoad>(
    fixture.nodes.map((node) => [
      node.metadata.name!,
      { node, pods: 0, requests: new Map(), limits: new Map() },
    ]),
  );
  for (const pod of fixture.pods) {
    if (pod.spec.nodeName === undefined || terminal(pod)) continue;
    const load = loads.get(pod.spec.nodeName)!;
    load.pods++;
    for (const [name, q] of effectiveRequests(pod.spec)) addQuantity(load.requests, name, q);
    const running: Container[] = [
      ...pod.spec.containers,
      ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
    ];
    for (const c of running) add(load.limits, c.resources?.limits);
  }
  return loads;
}

const percent = (part: Quantity | undefined, whole: string | undefined): number =>
  part === undefined || whole === undefined ? 0 : (part.toNumber() / parseQuantity(whole).toNumber()) * 100;

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function expectSchedulable(fixture: ClusterFixture): void {
  for (const { node, pods, requests } of nodeLoads(fixture).values()) {
    const allocatable = node.status?.allocatable ?? {};
    expect(pods, `${node.metadata.name} pods`).toBeLessThanOrEqual(Number(allocatable['pods']));
    for (const [name, requested] of requests) {
      const available = parseQuantity(allocatable[name] ?? '0');
      expect(
        requested.cmp(available),
        `${node.metadata.name}: ${name} requested ${requested.toString()} > allocatable ${available.toString()}`,
      ).toBeLessThanOrEqual(0);
    }
  }
}

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

describe('effective pod requests (component-helpers PodRequests)', () => {
  const spec: PodSpec = {
    containers: [
      { name: 'app', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
      { name: 'helper', resources: { requests: { cpu: '0.2' } } },
    ],
    initContainers: [
      { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '50m', memory: '32Mi' } } },
      { name: 'migrate', resources: { requests: { cpu: '1', memory: '16Mi', 'nvidia.com/gpu': '1' } } },
      { name: 'agent', restartPolicy: 'Always', resources: { requests: { cpu: '10m' } } },
    ],
    overhead: { cpu: '250m', memory: '160Mi' },
  };
  /** Exact values (nanos), so notation does not matter. */
  const exact = (entries: Iterable<readonly [string, Quantity | bigint | string]>) =>
    Object.fromEntries(
      [...entries].map(([k, v]) => [
        k,
        typeof v === 'bigint' ? v : typeof v === 'string' ? parseQuantity(v).nanos : v.nanos,
      ]),
    );

  it('takes the larger of containers + sidecars and each init container + the sidecars before it, plus overhead', () => {
    // cpu: max(100m + 200m + 50m + 10m, 1 + 50m) + 250m; memory: max(64Mi + 32Mi, 16Mi + 32Mi) + 160Mi.
    const expected = { cpu: '1300m', memory: '256Mi', 'nvidia.com/gpu': '1' };
    expect(exact(effectiveRequests(spec))).toEqual(exact(Object.entries(expected)));
    expect(exact(podRequests(spec).amounts)).toEqual(exact(Object.entries(expected)));
    expect(podRequests(spec).cpuMilli).toBe(1300);
  });

  it('lets pod-level requests replace the container aggregate for cpu and memory only', () => {
    const podLevel: PodSpec = { ...spec, resources: { requests: { cpu: '2', memory: '1Gi' } } };
    const expected = { cpu: '2250m', memory: '1184Mi', 'nvidia.com/gpu': '1' };
    expect(exact(effectiveRequests(podLevel))).toEqual(exact(Object.entries(expected)));
    expect(exact(podRequests(podLevel).amounts)).toEqual(exact(Object.entries(expected)));
  });
});

describe('buildCluster scheduling', () => {
  const options = {
    nodes: 12,
    podsPerNode: 30,
    seed: 2,
    pendingPods: 7,
    terminalPods: 9,
    notReadyNodes: 2,
    gpuNodes: 2,
    nodesWithoutMetrics: 1,
  };
  const withOptions = buildCluster(options);
  const large = buildCluster({ nodes: 300, podsPerNode: 30, seed: 5 });
  const workerOf = (fixture: ClusterFixture) => {
    const workers = new Set(
      fixture.nodes
        .filter((n) => n.status?.allocatable?.['nvidia.com/gpu'] === undefined)
        .filter((n) => !('node-role.kubernetes.io/control-plane' in (n.metadata.labels ?? {})))
        .map((n) => n.metadata.name),
    );
    return (name: string | undefined) => workers.has(name);
  };
  const appPod = (p: Pod): boolean =>
    !['DaemonSet', 'Node'].includes(p.metadata.ownerReferences?.[0]?.kind ?? 'None') && !terminal(p);

  it('never binds more to a node than its allocatable, for any resource, nor more pods than it takes', () => {
    for (const fixture of [
      withOptions,
      large,
      demoCluster({ now: new Date('2025-01-01T00:00:00Z') }),
      buildCluster({ nodes: 40, podsPerNode: 30, seed: 3, nodesWithoutMetrics: 2, notReadyNodes: 1 }),
      buildCluster({ nodes: 6, podsPerNode: 150, seed: 4 }), // more pods than fit: many stay Pending
      buildCluster({ nodes: 3, podsPerNode: 4, seed: 9 }),
      buildCluster({ nodes: 1, podsPerNode: 1 }),
    ]) {
      expectSchedulable(fixture);
    }
  });

  it('puts pods where the scheduler would and explains the ones it cannot place', () => {
    const isWorker = workerOf(withOptions);
    const gpuNodes = new Set(
      withOptions.nodes
        .filter((n) => n.status?.allocatable?.['nvidia.com/gpu'] !== undefined)
        .map((n) => n.metadata.name),
    );
    const notReady = new Set(
      withOptions.nodes
        .filter((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True')
        .map((n) => n.metadata.name),
    );
    expect(notReady.size).toBe(2);
    const gpuPods = withOptions.pods.filter((p) =>
      p.spec.containers.some((c) => c.resources?.requests?.['nvidia.com/gpu']),
    );
    expect(gpuPods.filter((p) => p.spec.nodeName !== undefined).length).toBeGreaterThan(0);
    for (const pod of gpuPods)
      if (pod.spec.nodeName !== undefined) expect(gpuNodes.has(pod.spec.nodeName)).toBe(true);
    for (const pod of withOptions.pods.filter(appPod)) {
      if (pod.spec.nodeName === undefined || gpuPods.includes(pod)) continue;
      expect(isWorker(pod.spec.nodeName), pod.metadata.name).toBe(true);
      expect(notReady.has(pod.spec.nodeName), pod.metadata.name).toBe(false);
    }
    // Every DaemonSet pod runs, one per node and DaemonSet.
    const daemonPods = withOptions.pods.filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'DaemonSet');
    expect(daemonPods.every((p) => p.spec.nodeName !== undefined && p.status?.phase === 'Running')).toBe(
      true,
    );
    expect(
      daemonPods.filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'kube-proxy'),
    ).toHaveLength(12);
    for (const pod of withOptions.pods.filter((p) => p.spec.nodeName === undefined)) {
      expect(pod.status?.phase).toBe('Pending');
      const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled') as
        { status: string; reason: string; message: string } | undefined;
      expect(scheduled).toMatchObject({ status: 'False', reason: 'Unschedulable' });
      expect(scheduled?.message).toMatch(
        /^0\/12 nodes are available: .*\. preemption: 0\/12 nodes are available: /,
      );
    }
    // A cluster with more pods than pod slots: the rest are Pending for want of slots.
    const dense = buildCluster({ nodes: 6, podsPerNode: 150, seed: 4 });
    const messages = dense.pods
      .filter((p) => p.spec.nodeName === undefined)
      .map((p) => JSON.stringify(p.status));
    expect(messages.some((m) => m.includes('Too many pods'))).toBe(true);
  });

  it('keeps the requested pending and terminal pods; terminal pods take no capacity', () => {
    const pending = withOptions.pods.filter((p) => p.spec.nodeName === undefined);
    const finished = withOptions.pods.filter(terminal);
    expect(finished).toHaveLength(9);
    expect(finished.every((p) => p.spec.nodeName !== undefined)).toBe(true);
    expect(pending.length).toBeGreaterThanOrEqual(7);
    expect(pending.length).toBeLessThanOrEqual(7 + Math.ceil(withOptions.pods.length * 0.03));
    expect(withOptions.pods).toHaveLength(12 * 30);
    expect(
      buildCluster({ ...options, pendingPods: 0 }).pods.filter((p) => p.spec.nodeName === undefined).length,
    ).toBeLessThanOrEqual(Math.ceil(withOptions.pods.length * 0.03));
  });

  it('is deterministic, the demo cluster included', () => {
    const now = new Date('2025-03-01T00:00:00Z');
    expect(JSON.stringify(demoCluster({ now }))).toBe(JSON.stringify(demoCluster({ now })));
    expect(JSON.stringify(buildCluster(options))).toBe(JSON.stringify(withOptions));
  });

  /** Requests and usage as `kubemetrics capacity --util` / `top nodes` show them, on worker nodes. */
  function bands(fixture: ClusterFixture) {
    const isWorker = workerOf(fixture);
    const loads = [...nodeLoads(fixture).values()].filter((l) => isWorker(l.node.metadata.name));
    const usage = new Map(fixture.nodeMetrics.map((m) => [m.metadata.name, m.usage]));
    const total = (resource: string, pick: (l: NodeLoad) => Quantity | undefined) =>
      (loads.reduce((sum, l) => sum + (pick(l)?.toNumber() ?? 0), 0) /
        loads.reduce((sum, l) => sum + parseQuantity(l.node.status!.allocatable![resource]!).toNumber(), 0)) *
      100;
    const cpuUsage = loads
      .filter((l) => usage.has(l.node.metadata.name))
      .map((l) =>
        percent(parseQuantity(usage.get(l.node.metadata.name)!['cpu']!), l.node.status!.allocatable!['cpu']),
      );
    const appPods = fixture.pods.filter(appPod);
    return {
      cpu: total('cpu', (l) => l.requests.get('cpu')),
      memory: total('memory', (l) => l.requests.get('memory')),
      nodeCpu: loads.map((l) => percent(l.requests.get('cpu'), l.node.status!.allocatable!['cpu'])),
      nodeCpuLimits: loads.map((l) => percent(l.limits.get('cpu'), l.node.status!.allocatable!['cpu'])),
      cpuUsage,
      appPods: appPods.length,
      pending: appPods.filter((p) => p.spec.nodeName === undefined).length,
    };
  }

  it.each([
    ['demoCluster()', () => demoCluster({ now: new Date('2025-01-01T00:00:00Z') })],
    ['buildCluster({ nodes: 300 })', () => large],
  ])('%s has realistic requests, limits and usage on worker nodes', (_, build) => {
    const fixture = build();
    const b = bands(fixture);
    expect(b.cpu).toBeGreaterThanOrEqual(45);
    expect(b.cpu).toBeLessThanOrEqual(80);
    expect(b.memory).toBeGreaterThanOrEqual(35);
    expect(b.memory).toBeLessThanOrEqual(75);
    expect(median(b.nodeCpu)).toBeGreaterThanOrEqual(45);
    expect(median(b.nodeCpu)).toBeLessThanOrEqual(80);
    expect(Math.max(...b.nodeCpuLimits)).toBeGreaterThan(100); // limits overcommit, as usual
    expect(median(b.cpuUsage)).toBeGreaterThanOrEqual(25);
    expect(median(b.cpuUsage)).toBeLessThanOrEqual(70);
    expect(Math.max(...b.cpuUsage)).toBeLessThan(95); // not pinned at the cap
    // Beyond the 1% asked to be Pending, at most 3% of application pods find no node.
    expect(b.pending).toBeLessThanOrEqual(Math.floor(b.appPods * 0.01) + Math.ceil(b.appPods * 0.03));
  });

  it('reports pod usage around the requests, within the limits', () => {
    const pods = new Map(large.pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    let withRequest = 0;
    let typical = 0;
    let bursting = 0;
    for (const m of large.podMetrics) {
      const pod = pods.get(`${m.metadata.namespace}/${m.metadata.name}`)!;
      const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
      for (const usage of m.containers) {
        const spec = containers.find((c) => c.name === usage.name)!.resources ?? {};
        const cpu = parseQuantity(usage.usage['cpu']!);
        const memory = parseQuantity(usage.usage['memory']!);
        if (spec.limits?.['cpu'] !== undefined)
          expect(cpu.cmp(parseQuantity(spec.limits['cpu']))).toBeLessThanOrEqual(0);
        if (spec.limits?.['memory'] !== undefined)
          expect(memory.cmp(parseQuantity(spec.limits['memory']))).toBeLessThanOrEqual(0);
        const memoryRequest = spec.requests?.['memory'];
        if (memoryRequest !== undefined) {
          const share = memory.toNumber() / parseQuantity(memoryRequest).toNumber();
          expect(share).toBeGreaterThanOrEqual(0.29);
          expect(share).toBeLessThanOrEqual(1.11);
        }
        const cpuRequest = spec.requests?.['cpu'];
        if (cpuRequest === undefined) {
          expect(cpu.toNumber()).toBeLessThanOrEqual(0.05);
          continue;
        }
        withRequest++;
        const share = cpu.toNumber() / parseQuantity(cpuRequest).toNumber();
        if (share >= 0.1 && share <= 0.9) typical++;
        if (share > 1) bursting++;
      }
    }
    expect(typical / withRequest).toBeGreaterThan(0.7);
    expect(bursting / withRequest).toBeGreaterThan(0.02);
  });
});
