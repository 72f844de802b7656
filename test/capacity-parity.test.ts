/**
 * Correctness against the reference: per-node requests and limits from `kubemetrics capacity` must
 * equal the "Allocated resources" section the real `kubectl describe node` (v1.32) prints for the
 * same cluster, on fixtures full of tricky pods (init containers, sidecars, overhead, terminal and
 * pending pods, extended resources). Needs kubectl (test/helpers/peers.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Container, Node, Pod } from '../src/api/index.js';
import { parseQuantity } from '../src/quantity/index.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { cli } from './helpers/cli.js';
import { lines, runKubectl } from './helpers/kubectl.js';
import { KUBECTL, needPeer } from './helpers/peers.js';

const kubectlPeer = needPeer(KUBECTL);
const kubectl = kubectlPeer.path;

const TRICKY = 'tricky-node';

function container(
  name: string,
  requests?: Record<string, string>,
  limits?: Record<string, string>,
  restartPolicy?: string,
): Container {
  const c: Container = { name, image: 'example/app:1', resources: {} };
  if (requests !== undefined) c.resources!.requests = requests;
  if (limits !== undefined) c.resources!.limits = limits;
  if (restartPolicy !== undefined) c.restartPolicy = restartPolicy;
  return c;
}

function pod(
  name: string,
  spec: Partial<Pod['spec']>,
  phase: 'Running' | 'Pending' | 'Succeeded' | 'Failed' = 'Running',
  node: string | null = TRICKY,
): Pod {
  return {
    metadata: {
      name,
      namespace: 'tricky',
      uid: `uid-${name}`,
      labels: { app: name },
      creationTimestamp: '2026-11-01T00:00:00Z',
    },
    spec: { containers: [], ...spec, ...(node === null ? {} : { nodeName: node }) },
    status: { phase },
  };
}

const trickyNode: Node = {
  metadata: {
    name: TRICKY,
    labels: { 'kubernetes.io/hostname': TRICKY },
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
  spec: {},
  status: {
    capacity: {
      cpu: '16',
      memory: '65842052Ki',
      pods: '110',
      'ephemeral-storage': '203070420Ki',
      'nvidia.com/gpu': '4',
      'hugepages-2Mi': '1Gi',
    },
    allocatable: {
      cpu: '15890m',
      memory: '63635780Ki',
      pods: '110',
      'ephemeral-storage': '187149698763',
      'nvidia.com/gpu': '4',
      'hugepages-2Mi': '1Gi',
    },
    conditions: [{ type: 'Ready', status: 'True' }],
    nodeInfo: {
      machineID: 'm',
      systemUUID: 's',
      bootID: 'b',
      kernelVersion: '6.1.0',
      osImage: 'Debian',
      containerRuntimeVersion: 'containerd://1.7.0',
      kubeletVersion: 'v1.32.4',
      kubeProxyVersion: 'v1.32.4',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  },
};

// Each pod exercises one rule of component-helpers PodRequests/PodLimits.
const trickyPods: Pod[] = [
  // Regular init container larger than the app: the pod needs the init container's amount.
  pod('big-init', {
    initContainers: [container('migrate', { cpu: '2', memory: '1Gi' }, { cpu: '3' })],
    containers: [container('app', { cpu: '500m', memory: '256Mi' }, { cpu: '1', memory: '512Mi' })],
  }),
  // Sidecars add up with the app; an init container after a sidecar needs its request plus that sidecar.
  pod('sidecars', {
    initContainers: [
      container('proxy', { cpu: '250m', memory: '128Mi' }, { cpu: '500m', memory: '256Mi' }, 'Always'),
      container('setup', { cpu: '1500m', memory: '64Mi' }),
      container('logger', { cpu: '100m', memory: '64Mi' }, { memory: '128Mi' }, 'Always'),
    ],
    containers: [container('app', { cpu: '1', memory: '1Gi' }, { cpu: '2', memory: '2Gi' })],
  }),
  // RuntimeClass overhead: added to requests, and to limits only where a limit is set.
  pod('overhead', {
    overhead: { cpu: '250m', memory: '120Mi' },
    containers: [container('app', { cpu: '100m', memory: '100Mi' }, { memory: '200Mi' })],
  }),
  // Odd notations that must sum exactly.
  pod('notations', {
    containers: [
      container(
        'a',
        { cpu: '0.5', memory: '500M', 'ephemeral-storage': '1Gi' },
        { cpu: '1.5', memory: '1e9' },
      ),
      container('b', { cpu: '1m', memory: '268435456' }),
    ],
  }),
  // Extended resources and huge pages.
  pod('gpu', {
    containers: [
      container(
        'train',
        { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '2', 'hugepages-2Mi': '512Mi' },
        { 'nvidia.com/gpu': '2', 'hugepages-2Mi': '512Mi', memory: '16Gi' },
      ),
    ],
  }),
  // Best effort: counts as a pod, adds nothing.
  pod('best-effort', { containers: [container('app')] }),
  // Terminal pods hold nothing, even though they name the node.
  pod('done', { containers: [container('job', { cpu: '8', memory: '32Gi' })] }, 'Succeeded'),
  pod('crashed', { containers: [container('job', { cpu: '8', memory: '32Gi' })] }, 'Failed'),
  // Pending and unscheduled: on no node.
  pod('unscheduled', { containers: [container('app', { cpu: '8' })] }, 'Pending', null),
];

const base = buildCluster({
  nodes: 6,
  podsPerNode: 14,
  seed: 17,
  namespaces: 4,
  pendingPods: 2,
  terminalPods: 4,
  nodesWithoutMetrics: 1,
});
const fixture = { ...base, nodes: [...base.nodes, trickyNode], pods: [...base.pods, ...trickyPods] };

interface Allocated {
  requests: string;
  requestsPercent: number | undefined;
  limits: string;
  limitsPercent: number | undefined;
}

/** Parses kubectl describe node's "Allocated resources" table. */
function allocatedResources(text: string): Map<string, Allocated> {
  const all = lines(text);
  const start = all.findIndex((l) => l.startsWith('Allocated resources:'));
  expect(start).toBeGreaterThan(0);
  const result = new Map<string, Allocated>();
  for (const line of all.slice(start + 4)) {
    if (!line.startsWith('  ')) break;
    const m = /^\s+(\S+)\s+(\S+)(?: \((\d+)%\))?\s+(\S+)(?: \((\d+)%\))?\s*$/.exec(line);
    if (m === null) throw new Error(`cannot parse: ${line}`);
    result.set(m[1]!, {
      requests: m[2]!,
      requestsPercent: m[3] === undefined ? undefined : Number(m[3]),
      limits: m[4]!,
      limitsPercent: m[5] === undefined ? undefined : Number(m[5]),
    });
  }
  return result;
}

interface PlainQ {
  quantity: string;
  value: number;
}
interface OurNode {
  name: string;
  pods: number;
  resources: Record<
    string,
    { requests: PlainQ; limits: PlainQ; requestsPercent: number | null; limitsPercent: number | null }
  >;
}

let cluster: TestCluster;
let home: string;
let ours: Map<string, OurNode>;

kubectlPeer.describe('capacity parity with kubectl describe node', () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubemetrics-describe-home-'));
    cluster = await startTestCluster(fixture);
    const result = await cli(['capacity', '-o', 'json', '--kubeconfig', cluster.kubeconfigPath]);
    expect(result.stderr).toBe('');
    const body = JSON.parse(result.stdout) as { nodes: OurNode[] };
    ours = new Map(body.nodes.map((n) => [n.name, n]));
  });
  afterAll(async () => {
    await cluster.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it.each(fixture.nodes.map((n) => n.metadata.name!))(
    'node %s: requests and limits equal kubectl describe node',
    async (name) => {
      const described = await runKubectl(kubectl!, ['describe', 'node', name], {
        home,
        kubeconfig: cluster.kubeconfigPath,
      });
      expect(described.code).toBe(0);
      const theirs = allocatedResources(described.stdout);
      const node = ours.get(name)!;
      expect(node).toBeDefined();
      for (const [resource, expected] of theirs) {
        const mine = node.resources[resource];
        expect(mine, `${name} ${resource}`).toBeDefined();
        // Same exact value (canonical strings may differ: Go keeps the first operand's format).
        expect(parseQuantity(mine!.requests.quantity).nanos, `${name} ${resource} requests`).toBe(
          parseQuantity(expected.requests).nanos,
        );
        expect(parseQuantity(mine!.limits.quantity).nanos, `${name} ${resource} limits`).toBe(
          parseQuantity(expected.limits).nanos,
        );
        // kubectl truncates the percentage; ours is exact.
        if (expected.requestsPercent !== undefined)
          expect(Math.floor(mine!.requestsPercent ?? 0)).toBe(expected.requestsPercent);
        if (expected.limitsPercent !== undefined)
          expect(Math.floor(mine!.limitsPercent ?? 0)).toBe(expected.limitsPercent);
      }
      // "Non-terminated Pods: (N in total)" is our pod count.
      const count = /Non-terminated Pods:\s+\((\d+) in total\)/.exec(described.stdout);
      expect(Number(count?.[1])).toBe(node.pods);
    },
  );

  // describe.go describeNodeResource prints `int64(float64(req.MilliValue()) /
  // float64(alloc.MilliValue()) * 100)` (Value() for non-cpu): a truncated float. Every percentage
  // it prints must be the one in our table, to the point (the table used to round: 76% for 75).
  it('table: every percentage kubectl describe node prints is the one in the capacity table', async () => {
    const resources = ['cpu', 'memory', 'ephemeral-storage', 'hugepages-2Mi'];
    const table = await cli([
      'capacity',
      '--resources',
      resources.join(','),
      '--kubeconfig',
      cluster.kubeconfigPath,
    ]);
    expect(table.code).toBe(0);
    const [header, ...rows] = lines(table.stdout).map((l) => l.trim().split(/\s{2,}/));
    let compared = 0;
    for (const name of fixture.nodes.map((n) => n.metadata.name!)) {
      const described = await runKubectl(kubectl!, ['describe', 'node', name], {
        home,
        kubeconfig: cluster.kubeconfigPath,
      });
      const row = rows.find((r) => r[0] === name)!;
      expect(row, name).toBeDefined();
      for (const [resource, expected] of allocatedResources(described.stdout)) {
        if (!resources.includes(resource)) continue;
        for (const [measure, percent] of [
          ['REQUESTS', expected.requestsPercent],
          ['LIMITS', expected.limitsPercent],
        ] as const) {
          if (percent === undefined) continue;
          const cell = row[header!.indexOf(`${resource.toUpperCase()} ${measure}`)]!;
          expect(cell, `${name} ${resource} ${measure}`).toMatch(new RegExp(` \\(${percent}%\\)$`));
          compared++;
        }
      }
    }
    // cpu and memory (requests and limits) on every node, plus storage and huge pages where listed.
    expect(compared).toBeGreaterThanOrEqual(fixture.nodes.length * 4);
  });

  it('tricky node: hand-checked totals (component-helpers rules)', () => {
    const node = ours.get(TRICKY)!;
    // cpu: big-init max(2, 0.5)=2; sidecars max(0.25+0.1+1, 0.25+1.5)=1.75; overhead 0.1+0.25; notations 0.501; gpu 4.
    expect(node.resources['cpu']!.requests.quantity).toBe('8601m');
    // limits cpu: big-init max(3,1)=3; sidecars 0.5+2=2.5 (logger has no cpu limit); notations 1.5; overhead pod has no cpu limit.
    expect(node.resources['cpu']!.limits.quantity).toBe('7');
    expect(node.resources['nvidia.com/gpu']!.requests.quantity).toBe('2');
    expect(node.pods).toBe(6);
  });
});
