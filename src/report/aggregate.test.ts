import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Container, Node, NodeMetrics, Pod, PodMetrics, PodPhase } from '../api/index.js';
import { buildCluster } from '../testing/index.js';
import { buildReport, type ReportInput, type ReportModel } from './aggregate.js';
import { kubectlPercent } from './percent.js';
import { createRecordTrimmer, podKey, type NodeUsageRecord, type PodUsageRecord } from './records.js';
import { addInto, amountOf, type MutableResourceAmounts, type ResourceAmounts } from './resource-amounts.js';
import { rowPercent, usageOfLimits } from './row-values.js';

const G = 1_000_000_000n;
/** Millicores in nanos. */
const m = (milli: number): bigint => BigInt(milli) * 1_000_000n;
/** Mebibytes in nanos. */
const mi = (n: number): bigint => BigInt(n) * 1024n * 1024n * G;

// ---------------------------------------------------------------------------------------------
// A small cluster written like real manifests, with every total computed by hand below.
// ---------------------------------------------------------------------------------------------

function node(name: string, capacity: Record<string, string>, allocatable?: Record<string, string>): Node {
  return {
    metadata: { name, labels: { 'node-role.kubernetes.io/worker': '' } },
    status: {
      capacity,
      ...(allocatable === undefined ? {} : { allocatable }),
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

interface PodOptions {
  ns: string;
  name: string;
  node?: string;
  phase?: PodPhase;
  owner?: [kind: string, name: string];
  hash?: string;
  containers: Container[];
  initContainers?: Container[];
  overhead?: Record<string, string>;
  podLevel?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

function pod(o: PodOptions): Pod {
  return {
    metadata: {
      name: o.name,
      namespace: o.ns,
      ...(o.hash === undefined ? {} : { labels: { 'pod-template-hash': o.hash } }),
      ...(o.owner === undefined
        ? {}
        : {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: o.owner[0], name: o.owner[1], uid: 'u', controller: true },
            ],
          }),
    },
    spec: {
      ...(o.node === undefined ? {} : { nodeName: o.node }),
      containers: o.containers,
      ...(o.initContainers === undefined ? {} : { initContainers: o.initContainers }),
      ...(o.overhead === undefined ? {} : { overhead: o.overhead }),
      ...(o.podLevel === undefined ? {} : { resources: o.podLevel }),
    },
    status: { phase: o.phase ?? (o.node === undefined ? 'Pending' : 'Running') },
  };
}

const webContainers: Container[] = [
  {
    name: 'app',
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  },
];
const webInit: Container[] = [
  // A sidecar without a cpu limit: the pod's cpu limit is only app's 500m.
  {
    name: 'proxy',
    restartPolicy: 'Always',
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
  },
];

const wireNodes: Node[] = [
  node('n1', { cpu: '4', memory: '16Gi', pods: '110' }, { cpu: '3800m', memory: '15Gi', pods: '110' }),
  node('n2', { cpu: '2', memory: '8Gi', pods: '20' }), // no allocatable: kubectl falls back to capacity
  node(
    'n3',
    { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' },
    { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' },
  ),
];

const wirePods: Pod[] = [
  // p1, p2: requests 350m / 320Mi, limits 500m / 640Mi each.
  pod({
    ns: 'shop',
    name: 'web-5d9f7c6b8-aaaaa',
    node: 'n1',
    owner: ['ReplicaSet', 'web-5d9f7c6b8'],
    hash: '5d9f7c6b8',
    containers: webContainers,
    initContainers: webInit,
  }),
  pod({
    ns: 'shop',
    name: 'web-5d9f7c6b8-bbbbb',
    node: 'n1',
    owner: ['ReplicaSet', 'web-5d9f7c6b8'],
    hash: '5d9f7c6b8',
    containers: webContainers,
    initContainers: webInit,
  }),
  // p3: requests max(init 1 / 1Gi, 0.5 / 2Gi) = 1 cpu / 2Gi; limits memory 2Gi.
  pod({
    ns: 'shop',
    name: 'db-0',
    node: 'n2',
    owner: ['StatefulSet', 'db'],
    initContainers: [{ name: 'migrate', resources: { requests: { cpu: '1', memory: '1Gi' } } }],
    containers: [
      { name: 'db', resources: { requests: { cpu: '0.5', memory: '2Gi' }, limits: { memory: '2Gi' } } },
    ],
  }),
  // p4: requests 100m + overhead 50m / 32Mi; no limits, so no overhead on limits.
  pod({
    ns: 'kube-system',
    name: 'kube-proxy-x',
    node: 'n2',
    owner: ['DaemonSet', 'kube-proxy'],
    overhead: { cpu: '50m', memory: '32Mi' },
    containers: [{ name: 'kube-proxy', resources: { requests: { cpu: '100m' } } }],
  }),
  // p5: pending, like p1.
  pod({
    ns: 'shop',
    name: 'web-5d9f7c6b8-ccccc',
    owner: ['ReplicaSet', 'web-5d9f7c6b8'],
    hash: '5d9f7c6b8',
    containers: webContainers,
    initContainers: webInit,
  }),
  // p6: terminal, ignored.
  pod({
    ns: 'batch',
    name: 'report-1-x',
    node: 'n1',
    phase: 'Succeeded',
    owner: ['Job', 'report-1'],
    containers: [{ name: 'r', resources: { requests: { cpu: '2' } } }],
  }),
  // p7: on a node that is not in the list.
  pod({
    ns: 'shop',
    name: 'debug',
    node: 'gone',
    containers: [{ name: 'sh', resources: { requests: { cpu: '10m' } } }],
  }),
  // p8: pod-level resources replace cpu/memory; the GPU comes from the container.
  pod({
    ns: 'ml',
    name: 'trainer-7f9c-zzzzz',
    node: 'n1',
    owner: ['ReplicaSet', 'trainer-7f9c'],
    hash: '7f9c',
    podLevel: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } },
    containers: [
      {
        name: 'main',
        resources: {
          requests: { cpu: '100m', memory: '1Gi', 'nvidia.com/gpu': '1' },
          limits: { 'nvidia.com/gpu': '1' },
        },
      },
    ],
  }),
];

const wireNodeMetrics: NodeMetrics[] = [
  { metadata: { name: 'n1' }, timestamp: 't1', window: '20s', usage: { cpu: '1200m', memory: '6Gi' } },
  { metadata: { name: 'n3' }, timestamp: 't3', window: '20s', usage: { cpu: '100m', memory: '512Mi' } },
];

const usage = (cpu: string, memory: string) => ({ cpu, memory });
const wirePodMetrics: PodMetrics[] = [
  {
    metadata: { name: 'web-5d9f7c6b8-aaaaa', namespace: 'shop' },
    timestamp: 't',
    window: '15s',
    containers: [
      { name: 'app', usage: usage('200m', '200Mi') },
      { name: 'proxy', usage: usage('10m', '50Mi') },
    ],
  },
  {
    metadata: { name: 'db-0', namespace: 'shop' },
    timestamp: 't',
    window: '15s',
    containers: [{ name: 'db', usage: usage('400m', '1Gi') }],
  },
  {
    metadata: { name: 'kube-proxy-x', namespace: 'kube-system' },
    timestamp: 't',
    window: '15s',
    containers: [{ name: 'kube-proxy', usage: usage('5m', '20Mi') }],
  },
  {
    metadata: { name: 'report-1-x', namespace: 'batch' },
    timestamp: 't',
    window: '15s',
    containers: [{ name: 'r', usage: usage('2', '1Gi') }],
  },
  {
    metadata: { name: 'trainer-7f9c-zzzzz', namespace: 'ml' },
    timestamp: 't',
    window: '15s',
    containers: [{ name: 'main', usage: usage('900m', '3Gi') }],
  },
];

function input(
  nodes: Node[] = wireNodes,
  pods: Pod[] = wirePods,
  nodeMetrics: NodeMetrics[] = wireNodeMetrics,
  podMetrics: PodMetrics[] = wirePodMetrics,
): ReportInput {
  const trimmer = createRecordTrimmer();
  return {
    nodes: nodes.map((n) => trimmer.trimNode(n)),
    pods: pods.map((p) => trimmer.trimPod(p)),
    nodeMetrics: new Map(nodeMetrics.map((n) => [n.metadata.name ?? '', trimmer.trimNodeMetrics(n)])),
    podMetrics: new Map(
      podMetrics.map((p) => {
        const u = trimmer.trimPodMetrics(p);
        return [podKey(u.namespace, u.name), u];
      }),
    ),
  };
}

describe('buildReport on hand-computed fixture pods', () => {
  const model = buildReport(input());
  const nodeRow = (name: string) => model.nodes.find((n) => n.name === name)!;

  it('per-node requests and limits match the hand-computed totals', () => {
    // n1: p1 + p2 + p8 = 350m + 350m + 1 cpu; 320Mi + 320Mi + 4Gi; 1 GPU.
    expect(nodeRow('n1').requests).toEqual({ cpu: m(1700), memory: mi(4736), 'nvidia.com/gpu': G });
    // limits: 500m + 500m + 2; 640Mi + 640Mi + 4Gi.
    expect(nodeRow('n1').limits).toEqual({ cpu: m(3000), memory: mi(5376), 'nvidia.com/gpu': G });
    expect(nodeRow('n1').pods).toBe(3); // the Succeeded pod is not counted
    // n2: p3 + p4 = 1 + 150m cpu; 2Gi + 32Mi. Only p3 has a (memory) limit.
    expect(nodeRow('n2').requests).toEqual({ cpu: m(1150), memory: mi(2080) });
    expect(nodeRow('n2').limits).toEqual({ memory: mi(2048) });
    expect(nodeRow('n3').requests).toEqual({});
    expect(nodeRow('n3').pods).toBe(0);
  });

  it('matches kubectl describe node "Allocated resources" percentages', () => {
    const k = (name: string, measure: 'requests' | 'limits', resource: string) => {
      const row = nodeRow(name);
      return kubectlPercent(
        amountOf(row[measure], resource) ?? 0n,
        amountOf(row.allocatable, resource) ?? 0n,
        resource,
      );
    };
    // n1 allocatable 3800m / 15Gi: 1700/3800 = 44.7, 3000/3800 = 78.9, 4736/15360 = 30.8, 5376/15360 = 35.
    expect([k('n1', 'requests', 'cpu'), k('n1', 'limits', 'cpu')]).toEqual([44, 78]);
    expect([k('n1', 'requests', 'memory'), k('n1', 'limits', 'memory')]).toEqual([30, 35]);
    // n2 has no allocatable: capacity 2 / 8Gi is the basis. 1150/2000 = 57.5; 2080/8192 = 25.4; 2048/8192 = 25.
    expect(nodeRow('n2').allocatable).toEqual(nodeRow('n2').capacity);
    expect([k('n2', 'requests', 'cpu'), k('n2', 'limits', 'cpu')]).toEqual([57, 0]);
    expect([k('n2', 'requests', 'memory'), k('n2', 'limits', 'memory')]).toEqual([25, 25]);
    // The exact percentages behind them.
    expect(rowPercent(nodeRow('n1'), 'requests', 'cpu')?.format(1)).toBe('44.7%');
    expect(rowPercent(nodeRow('n2'), 'requests', 'cpu')?.format(1)).toBe('57.5%');
  });

  it('cluster row sums the nodes and reports what is not on them', () => {
    const c = model.cluster;
    expect(c).toMatchObject({
      name: 'cluster',
      nodes: 3,
      readyNodes: 3,
      pods: 5,
      pendingPods: 1,
      podsOnUnknownNodes: 1,
      podCapacity: 130,
    });
    expect(c.requests).toEqual({ cpu: m(2850), memory: mi(6816), 'nvidia.com/gpu': G });
    expect(c.limits).toEqual({ cpu: m(3000), memory: mi(7424), 'nvidia.com/gpu': G });
    expect(c.allocatable).toEqual({
      cpu: m(6800),
      memory: mi(24 * 1024),
      pods: 130n * G,
      'nvidia.com/gpu': G,
    });
    expect(c.capacity).toEqual({ cpu: 7n * G, memory: mi(25 * 1024), pods: 130n * G, 'nvidia.com/gpu': G });
    // p5 (pending, 350m / 320Mi, limits 500m / 640Mi) + p7 (unknown node, 10m).
    expect(c.unplacedRequests).toEqual({ cpu: m(360), memory: mi(320) });
    expect(c.unplacedLimits).toEqual({ cpu: m(500), memory: mi(640) });
  });

  it('cluster usage covers nodes with metrics and says how many lack them', () => {
    const c = model.cluster;
    expect(c.nodesWithoutMetrics).toBe(1);
    expect(c.usage).toEqual({ cpu: m(1300), memory: mi(6656) });
    expect(c.allocatableWithMetrics).toMatchObject({ cpu: m(4800), memory: mi(16 * 1024) });
    // 1300 / 4800, not / 6800: n2's allocatable has no usage to compare with.
    expect(rowPercent(c, 'usage', 'cpu')?.format(2)).toBe('27.08%');
    expect(nodeRow('n2').usage).toBeUndefined();
    expect(rowPercent(nodeRow('n2'), 'usage', 'cpu')).toBeUndefined();
    expect(nodeRow('n1').usageTimestamp).toBe('t1');
  });

  it('namespace rows include pending pods and ignore terminal ones', () => {
    expect(model.namespaces.map((n) => n.name)).toEqual(['kube-system', 'ml', 'shop']);
    const shop = model.namespaces.find((n) => n.name === 'shop')!;
    expect(shop).toMatchObject({ pods: 5, pendingPods: 1, podsWithoutMetrics: 2 });
    // p1 + p2 + p5 (350m / 320Mi each) + p3 (1 / 2Gi) + p7 (10m).
    expect(shop.requests).toEqual({ cpu: m(2060), memory: mi(3008) });
    expect(shop.limits).toEqual({ cpu: m(1500), memory: mi(3968) });
    // Only p1 (210m / 250Mi) and p3 (400m / 1Gi) have metrics.
    expect(shop.usage).toEqual({ cpu: m(610), memory: mi(1274) });
  });

  it('workload rows follow controllers (ReplicaSet → Deployment) and keep bare pods', () => {
    expect(model.workloads.map((w) => `${w.namespace}/${w.kind}/${w.name}`)).toEqual([
      'kube-system/DaemonSet/kube-proxy',
      'ml/Deployment/trainer',
      'shop/Deployment/web',
      'shop/Pod/debug',
      'shop/StatefulSet/db',
    ]);
    const web = model.workloads.find((w) => w.name === 'web')!;
    expect(web).toMatchObject({ pods: 3, pendingPods: 1, podsWithoutMetrics: 1 });
    expect(web.requests).toEqual({ cpu: m(1050), memory: mi(960) });
    expect(web.usage).toEqual({ cpu: m(210), memory: mi(250) });
    expect(rowPercent(web, 'usage', 'cpu')?.format(0)).toBe('20%');
  });

  it('pod and container rows carry effective and per-container amounts', () => {
    expect(model.pods.map((p) => p.name)).not.toContain('report-1-x');
    expect(model.pods).toHaveLength(7);
    const kubeProxy = model.pods.find((p) => p.name === 'kube-proxy-x')!;
    expect(kubeProxy.requests).toEqual({ cpu: m(150), memory: mi(32) });
    expect(kubeProxy.limits).toEqual({});
    expect(usageOfLimits(kubeProxy, 'cpu')).toBeUndefined();
    const pending = model.pods.find((p) => p.name === 'web-5d9f7c6b8-ccccc')!;
    expect(pending.nodeName).toBeUndefined();
    expect(pending.usage).toBeUndefined();
    const web1 = model.containers.filter((c) => c.pod === 'web-5d9f7c6b8-aaaaa');
    expect(web1.map((c) => [c.name, c.kind])).toEqual([
      ['proxy', 'sidecar'],
      ['app', 'container'],
    ]);
    expect(web1[0]?.usage).toEqual({ cpu: m(10), memory: mi(50) });
    expect(usageOfLimits(web1[1]!, 'memory')?.format(2)).toBe('39.06%'); // 200Mi of 512Mi
    const migrate = model.containers.find((c) => c.name === 'migrate')!;
    expect(migrate.kind).toBe('init');
    expect(migrate.usage).toBeUndefined();
  });

  it('lists every resource name seen, in column order, without pods', () => {
    expect(model.resourceNames).toEqual(['cpu', 'memory', 'nvidia.com/gpu']);
  });
});

describe('buildReport options', () => {
  it('filters resources: only the named ones are summed and listed', () => {
    const model = buildReport(input(), { resources: ['memory', 'example.com/foo'] });
    expect(model.resourceNames).toEqual(['memory', 'example.com/foo']);
    expect(model.cluster.requests).toEqual({ memory: mi(6816) });
    expect(model.nodes[0]?.usage).toEqual({ memory: mi(6 * 1024) });
  });

  it('builds only the requested levels', () => {
    const model = buildReport(input(), { levels: ['node'], clusterName: 'prod' });
    expect(model.cluster.name).toBe('prod');
    expect(model.nodes).toHaveLength(3);
    expect([model.namespaces, model.workloads, model.pods, model.containers].map((l) => l.length)).toEqual([
      0, 0, 0, 0,
    ]);
    expect(model.cluster.requests).toEqual(buildReport(input()).cluster.requests);
  });

  it('rejects unknown levels and empty resource names', () => {
    expect(() => buildReport(input(), { levels: ['nodes' as 'node'] })).toThrow(
      /unknown report level "nodes"/,
    );
    expect(() => buildReport(input(), { resources: [''] })).toThrow(/non-empty resource names/);
  });

  it('has no usage anywhere without metrics (never zero)', () => {
    const model = buildReport(input(wireNodes, wirePods, [], []));
    expect(model.cluster.usage).toBeUndefined();
    expect(model.cluster.nodesWithoutMetrics).toBe(3);
    expect(model.namespaces.every((n) => n.usage === undefined)).toBe(true);
    expect(model.pods.every((p) => p.usage === undefined)).toBe(true);
  });

  it('handles an empty cluster', () => {
    const model = buildReport({ nodes: [], pods: [] });
    expect(model.cluster).toMatchObject({
      nodes: 0,
      pods: 0,
      podCapacity: 0,
      requests: {},
      usage: undefined,
    });
    expect(model.resourceNames).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: totals are the sums of their rows, whatever the input.
// ---------------------------------------------------------------------------------------------

const RESOURCES = ['cpu', 'memory', 'nvidia.com/gpu', 'hugepages-2Mi'] as const;
const amountArb = fc.dictionary(fc.constantFrom(...RESOURCES), fc.bigInt({ min: 0n, max: 64n * G }), {
  maxKeys: 3,
});
const maybeAmounts = fc.option(amountArb, { nil: undefined });
const containerArb = fc.record({
  kind: fc.constantFrom('container', 'init', 'sidecar'),
  requests: maybeAmounts,
  limits: maybeAmounts,
});
const podArb = fc.record({
  ns: fc.constantFrom('a', 'b', 'c'),
  owner: fc.constantFrom('x', 'y', ''),
  node: fc.constantFrom('n0', 'n1', 'n2', 'gone', ''),
  phase: fc.constantFrom<PodPhase>('Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'),
  containers: fc.array(containerArb, { minLength: 1, maxLength: 4 }),
  overhead: maybeAmounts,
  podLevel: fc.option(fc.record({ requests: amountArb, limits: amountArb }), { nil: undefined }),
  usage: fc.option(fc.array(amountArb, { minLength: 1, maxLength: 3 }), { nil: undefined }),
});

function list(amounts: Record<string, bigint> | undefined): Record<string, string> | undefined {
  if (amounts === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(amounts)) out[k] = `${v}n`;
  return out;
}

function sum(
  rows: readonly { requests: ResourceAmounts }[],
  pick: (r: never) => ResourceAmounts | undefined,
): ResourceAmounts {
  const total: MutableResourceAmounts = {};
  for (const row of rows) {
    const amounts = pick(row as never);
    if (amounts !== undefined) addInto(total, amounts);
  }
  return total;
}

function nonZero(amounts: ResourceAmounts): ResourceAmounts {
  return Object.fromEntries(Object.entries(amounts).filter(([, v]) => v !== 0n));
}

describe('aggregation properties', () => {
  it('cluster, namespace and workload totals equal the sums of their rows', () => {
    fc.assert(
      fc.property(
        fc.array(podArb, { maxLength: 25 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        (specs, nodeHasMetrics) => {
          const nodes: Node[] = ['n0', 'n1', 'n2'].map((name) =>
            node(name, { cpu: '8', memory: '32Gi', pods: '110' }),
          );
          const pods: Pod[] = [];
          const podMetrics: PodMetrics[] = [];
          specs.forEach((s, i) => {
            const containers = s.containers.map((c, j) => ({
              name: `c${j}`,
              ...(c.kind === 'sidecar' ? { restartPolicy: 'Always' } : {}),
              resources: {
                ...(c.requests ? { requests: list(c.requests) } : {}),
                ...(c.limits ? { limits: list(c.limits) } : {}),
              },
              kind: c.kind,
            }));
            const wire = pod({
              ns: s.ns,
              name: `p${i}`,
              ...(s.node === '' ? {} : { node: s.node }),
              phase: s.phase,
              ...(s.owner === '' ? {} : { owner: ['StatefulSet', s.owner] as [string, string] }),
              containers: containers.filter((c) => c.kind === 'container').map(({ kind: _k, ...c }) => c),
              initContainers: containers.filter((c) => c.kind !== 'container').map(({ kind: _k, ...c }) => c),
              ...(s.overhead ? { overhead: list(s.overhead) } : {}),
              ...(s.podLevel
                ? { podLevel: { requests: list(s.podLevel.requests), limits: list(s.podLevel.limits) } }
                : {}),
            });
            pods.push(wire);
            if (s.usage !== undefined) {
              podMetrics.push({
                metadata: { name: `p${i}`, namespace: s.ns },
                timestamp: 't',
                window: 'w',
                containers: s.usage.map((u, j) => ({ name: `c${j}`, usage: list(u) ?? {} })),
              });
            }
          });
          const nodeMetrics: NodeMetrics[] = nodes
            .filter((_, i) => nodeHasMetrics[i])
            .map((n) => ({
              metadata: { name: n.metadata.name },
              timestamp: 't',
              window: 'w',
              usage: { cpu: '1', memory: '1Gi' },
            }));
          const model: ReportModel = buildReport(input(nodes, pods, nodeMetrics, podMetrics));
          const c = model.cluster;

          expect(c.requests).toEqual(sum(model.nodes, (r: { requests: ResourceAmounts }) => r.requests));
          expect(c.limits).toEqual(sum(model.nodes, (r: { limits: ResourceAmounts }) => r.limits));
          expect(c.allocatable).toEqual(
            sum(model.nodes, (r: { allocatable: ResourceAmounts }) => r.allocatable),
          );
          expect(c.pods).toBe(model.nodes.reduce((n, r) => n + r.pods, 0));
          expect(c.nodesWithoutMetrics).toBe(model.nodes.filter((r) => r.usage === undefined).length);
          expect(c.usage ?? {}).toEqual(sum(model.nodes, (r: { usage?: ResourceAmounts }) => r.usage));

          // Every non-terminal pod is in exactly one namespace and one workload.
          const allRequests = sum(model.pods, (r: { requests: ResourceAmounts }) => r.requests);
          const placedAndUnplaced: MutableResourceAmounts = { ...c.requests };
          addInto(placedAndUnplaced, c.unplacedRequests);
          expect(nonZero(placedAndUnplaced)).toEqual(nonZero(allRequests));
          expect(nonZero(sum(model.namespaces, (r: { requests: ResourceAmounts }) => r.requests))).toEqual(
            nonZero(allRequests),
          );
          expect(nonZero(sum(model.workloads, (r: { limits: ResourceAmounts }) => r.limits))).toEqual(
            nonZero(sum(model.pods, (r: { limits: ResourceAmounts }) => r.limits)),
          );
          expect(sum(model.namespaces, (r: { usage?: ResourceAmounts }) => r.usage)).toEqual(
            sum(model.pods, (r: { usage?: ResourceAmounts }) => r.usage),
          );
          const podCount = model.pods.length;
          expect(model.namespaces.reduce((n, r) => n + r.pods, 0)).toBe(podCount);
          expect(model.workloads.reduce((n, r) => n + r.pods, 0)).toBe(podCount);
          expect(c.pods + c.pendingPods + c.podsOnUnknownNodes).toBe(podCount);
          expect(podCount).toBe(specs.filter((s) => s.phase !== 'Succeeded' && s.phase !== 'Failed').length);
          // Container usage adds up to pod usage for containers that exist in the spec.
          for (const p of model.pods) {
            if (p.usage === undefined) continue;
            const fromContainers = sum(
              model.containers.filter((k) => k.namespace === p.namespace && k.pod === p.name),
              (r: { usage?: ResourceAmounts }) => r.usage,
            );
            for (const [name, value] of Object.entries(fromContainers)) {
              expect(value <= (amountOf(p.usage, name) ?? 0n)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('buildReport on the generated test cluster', () => {
  it('is consistent on buildCluster fixtures (pools, GPUs, hugepages, sidecars, overhead)', () => {
    const fixture = buildCluster({ nodes: 40, seed: 7, nodesWithoutMetrics: 2 });
    const trimmer = createRecordTrimmer();
    const nodeMetrics = new Map<string, NodeUsageRecord>();
    for (const n of fixture.nodeMetrics) nodeMetrics.set(n.metadata.name ?? '', trimmer.trimNodeMetrics(n));
    const podMetrics = new Map<string, PodUsageRecord>();
    for (const p of fixture.podMetrics) {
      const u = trimmer.trimPodMetrics(p);
      podMetrics.set(podKey(u.namespace, u.name), u);
    }
    const model = buildReport({
      nodes: fixture.nodes.map((n) => trimmer.trimNode(n)),
      pods: fixture.pods.map((p) => trimmer.trimPod(p)),
      nodeMetrics,
      podMetrics,
    });
    expect(model.cluster.nodes).toBe(40);
    expect(model.cluster.nodesWithoutMetrics).toBe(2);
    expect(model.resourceNames.slice(0, 2)).toEqual(['cpu', 'memory']);
    expect(model.cluster.requests).toEqual(
      sum(model.nodes, (r: { requests: ResourceAmounts }) => r.requests),
    );
    const terminal = fixture.pods.filter(
      (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed',
    ).length;
    expect(model.pods.length).toBe(fixture.pods.length - terminal);
  });
});
