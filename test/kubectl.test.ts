/**
 * Fidelity check: the real kubectl against kubemetrics/testing. kubectl decides what a "good
 * enough" API server is — discovery, server-side Tables, field selectors, leases, metrics.k8s.io,
 * Status errors — so these tests run it and assert on what it prints.
 * Needs kubectl (test/helpers/peers.ts: fails in CI without it, skipped with a notice elsewhere).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { NodeMetrics, Pod } from '../src/api/index.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { columns, lines, runKubectl, type ProcessResult } from './helpers/kubectl.js';
import { KUBECTL, needPeer } from './helpers/peers.js';

const kubectlPeer = needPeer(KUBECTL);
const kubectl = kubectlPeer.path;

const fixture = buildCluster({
  nodes: 6,
  podsPerNode: 10,
  seed: 5,
  namespaces: 3,
  nodesWithoutMetrics: 1,
  pendingPods: 2,
  terminalPods: 3,
  now: new Date(),
});
let cluster: TestCluster;
let home: string;

function run(args: string[], user?: string): Promise<ProcessResult> {
  const kubeconfig = user === undefined ? cluster.kubeconfigPath : cluster.kubeconfigPathFor(user);
  return runKubectl(kubectl!, args, { home, kubeconfig });
}

kubectlPeer.describe('kubectl against the test cluster', () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubemetrics-kubectl-home-'));
    cluster = await startTestCluster({
      ...fixture,
      users: [
        { name: 'admin', groups: ['system:masters'] },
        {
          name: 'restricted',
          allow: [{ verbs: ['get', 'list'], groups: [''], resources: ['pods'], namespaces: ['shop'] }],
        },
        { name: 'cert-admin', clientCert: true, groups: ['system:masters'] },
      ],
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  it('get nodes prints every node from the server-side Table', async () => {
    const result = await run(['get', 'nodes']);
    expect(result.stderr).toBe('');
    const [header, ...rows] = lines(result.stdout);
    expect(columns(header!)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(rows.map((r) => columns(r)[0]).sort()).toEqual(fixture.nodes.map((n) => n.metadata.name).sort());
    const controlPlane = rows.map(columns).find((c) => c[0]!.startsWith('control-plane'));
    expect(controlPlane?.slice(1, 3)).toEqual(['Ready', 'control-plane']);
    expect(rows.every((r) => columns(r)[4] === 'v1.32.4')).toBe(true);
    expect(cluster.requests.some((r) => r.url === '/api/v1/nodes?limit=500' && r.status === 200)).toBe(true);
  });

  it('get pods -A lists every pod with its namespace, also with a client certificate', async () => {
    const result = await run(['get', 'pods', '-A'], 'cert-admin');
    expect(result.code).toBe(0);
    const [header, ...rows] = lines(result.stdout);
    expect(columns(header!)).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(rows).toHaveLength(fixture.pods.length);
    const printed = new Set(rows.map((r) => columns(r).slice(0, 2).join('/')));
    for (const pod of fixture.pods)
      expect(printed.has(`${pod.metadata.namespace}/${pod.metadata.name}`)).toBe(true);
    const statuses = new Set(rows.map((r) => columns(r)[3]));
    expect(statuses.has('Running')).toBe(true);
    expect(statuses.has('Pending')).toBe(true);
    expect(statuses.has('Completed') || statuses.has('Error')).toBe(true);
  });

  it('describe node prints capacity, the lease, non-terminated pods and allocated resources', async () => {
    const node = fixture.nodes.find((n) => n.metadata.name!.startsWith('general'))!;
    const name = node.metadata.name!;
    const result = await run(['describe', 'node', name]);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(new RegExp(`^Name:\\s+${name}$`, 'm'));
    expect(out).toMatch(new RegExp(`HolderIdentity:\\s+${name}`));
    expect(out).toMatch(new RegExp(`cpu:\\s+${node.status!.capacity!['cpu']}`));
    const running = fixture.pods.filter(
      (p: Pod) => p.spec.nodeName === name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
    );
    expect(out).toContain(`Non-terminated Pods:          (${running.length} in total)`);
    for (const pod of running) expect(out).toContain(pod.metadata.name);
    expect(out).toContain('Allocated resources:');
    expect(out).toMatch(/^\s+cpu\s+\d+m? \(\d+%\)\s+\d+m? \(\d+%\)$/m);
    // kubectl's own requests: the pods on the node via a field selector, never one request per pod.
    expect(
      cluster.requests.some((r) =>
        r.url.startsWith(`/api/v1/pods?fieldSelector=spec.nodeName%3D${name}%2Cstatus.phase%21%3DSucceeded`),
      ),
    ).toBe(true);
  });

  it('top nodes shows metrics-server numbers, and <unknown> for the node without metrics', async () => {
    const result = await run(['top', 'nodes']);
    expect(result.code).toBe(0);
    const [header, ...rows] = lines(result.stdout);
    expect(columns(header!)).toEqual(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
    const byName = new Map(rows.map((r) => [columns(r)[0]!, columns(r)]));
    const sample: NodeMetrics = fixture.nodeMetrics[0]!;
    const cpuMilli = Math.ceil(Number(sample.usage['cpu']!.slice(0, -1)) / 1e6);
    const memoryMi = Math.floor(Number(sample.usage['memory']!.slice(0, -2)) / 1024);
    expect(byName.get(sample.metadata.name!)?.slice(1, 4)).toEqual([
      `${cpuMilli}m`,
      expect.stringMatching(/^\d+%$/),
      `${memoryMi}Mi`,
    ]);
    const withoutMetrics = fixture.nodes.find(
      (n) => !fixture.nodeMetrics.some((m) => m.metadata.name === n.metadata.name),
    )!;
    expect(byName.get(withoutMetrics.metadata.name!)?.slice(1)).toEqual([
      '<unknown>',
      '<unknown>',
      '<unknown>',
      '<unknown>',
    ]);
  });

  it('top pods -A lists every pod that has metrics', async () => {
    const result = await run(['top', 'pods', '-A']);
    expect(result.code).toBe(0);
    const [header, ...rows] = lines(result.stdout);
    expect(columns(header!)).toEqual(['NAMESPACE', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    expect(rows).toHaveLength(fixture.podMetrics.length);
    expect(rows.every((r) => /^\d+m$/.test(columns(r)[2]!) && /^\d+Mi$/.test(columns(r)[3]!))).toBe(true);
  });

  it('get --raw returns the metrics.k8s.io list unchanged', async () => {
    const result = await run(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes']);
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout) as { kind: string; apiVersion: string; items: NodeMetrics[] };
    expect(list.kind).toBe('NodeMetricsList');
    expect(list.apiVersion).toBe('metrics.k8s.io/v1beta1');
    expect(list.items.map((m) => m.metadata.name)).toEqual(
      fixture.nodeMetrics.map((m) => m.metadata.name).sort(),
    );
  });

  it('a restricted user gets the API server Forbidden messages', async () => {
    const nodes = await run(['get', 'nodes'], 'restricted');
    expect(nodes.code).toBe(1);
    expect(nodes.stderr).toContain(
      'Error from server (Forbidden): nodes is forbidden: User "restricted" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    const top = await run(['top', 'pods', '-n', 'shop'], 'restricted');
    expect(top.code).toBe(1);
    expect(top.stderr).toContain(
      'pods.metrics.k8s.io is forbidden: User "restricted" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "shop"',
    );
    const allowed = await run(['get', 'pods', '-n', 'shop'], 'restricted');
    expect(allowed.code).toBe(0);
    expect(lines(allowed.stdout)).toHaveLength(
      fixture.pods.filter((p) => p.metadata.namespace === 'shop').length + 1,
    );
  });
});
