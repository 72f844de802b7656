/**
 * `kubemetrics capacity` under filters (issue 10, items 6 to 8): every column says which scope it
 * covers, usage is summed over the same pods as requests wherever a row is a set of pods, and a
 * filter that matches nothing is a message (or, for a namespace that does not exist, an error),
 * never a table of zeros. Exit codes are checked on the built binary, run as a user runs it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/index.js';
import { parseQuantity } from '../src/quantity/index.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { cli } from './helpers/cli.js';
import { lines } from './helpers/kubectl.js';

const fixture = buildCluster({
  nodes: 5,
  podsPerNode: 14,
  seed: 41,
  namespaces: 4,
  pendingPods: 2,
  terminalPods: 3,
});
const isRunning = (p: Pod) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
const namespace = fixture.pods.find((p) => isRunning(p) && p.spec.nodeName !== undefined)!.metadata
  .namespace!;
let cluster: TestCluster;
const run = (...args: string[]) => cli(['capacity', ...args, '--kubeconfig', cluster.kubeconfigPath]);

const MAIN = new URL('../dist/cli/main.js', import.meta.url).pathname;
function spawnCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { PATH: process.env['PATH'] ?? '' } },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1,
          stdout,
          stderr,
        }),
    );
  });
}

/** Sum of the fixture's PodMetrics cpu for the running pods `select` picks, in nanos. */
function podCpu(select: (pod: Pod) => boolean): bigint {
  const wanted = new Set(
    fixture.pods
      .filter((p) => isRunning(p) && select(p))
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
  );
  let total = 0n;
  for (const m of fixture.podMetrics) {
    if (!wanted.has(`${m.metadata.namespace}/${m.metadata.name}`)) continue;
    for (const c of m.containers) total += parseQuantity(c.usage['cpu'] ?? '0').nanos;
  }
  return total;
}

interface Res {
  usage: { quantity: string } | null;
  nodeUsage?: { quantity: string } | null;
  requests: { quantity: string };
}
interface Doc {
  scope: { namespace: string | null; usageFrom: string };
  cluster: { usageFrom: string; podsWithoutMetrics: number | null; resources: Record<string, Res> };
  nodes?: { name: string; usageFrom: string; resources: Record<string, Res> }[];
  namespaces?: { name: string; resources: Record<string, Res> }[];
}
const nanos = (r: { quantity: string } | null | undefined) =>
  r == null ? undefined : parseQuantity(r.quantity).nanos;

describe('capacity scope: each column covers what it says', () => {
  beforeAll(async () => {
    cluster = await startTestCluster(fixture);
    cluster.upsertNamespace({ metadata: { name: 'empty-ns' } });
  });
  afterAll(() => cluster.stop());

  it('-n: node and total usage sum the same pods as requests (PodMetrics); nodeUsage keeps the whole node', async () => {
    const doc = JSON.parse((await run('-n', namespace, '--util', '-o', 'json')).stdout) as Doc;
    expect(doc.scope).toMatchObject({ namespace, usageFrom: 'PodMetrics' });
    expect(doc.cluster.usageFrom).toBe('PodMetrics');
    for (const node of doc.nodes!) {
      const expected = podCpu((p) => p.metadata.namespace === namespace && p.spec.nodeName === node.name);
      expect(nanos(node.resources['cpu']!.usage), node.name).toBe(expected);
      // The whole node's usage is still there, under its own name, and larger.
      expect(nanos(node.resources['cpu']!.nodeUsage)! > expected).toBe(true);
    }
    const placed = podCpu((p) => p.metadata.namespace === namespace && p.spec.nodeName !== undefined);
    expect(nanos(doc.cluster.resources['cpu']!.usage)).toBe(placed);
    expect(nanos(doc.cluster.resources['cpu']!.nodeUsage)! > placed).toBe(true);
  });

  it('--by namespace -n: the * total and the namespace row agree on usage (same pods)', async () => {
    const doc = JSON.parse(
      (await run('--by', 'namespace', '-n', namespace, '--util', '-o', 'json')).stdout,
    ) as Doc;
    const ns = doc.namespaces!.find((n) => n.name === namespace)!;
    // Pending pods have no metrics, so the total (pods on nodes) and the namespace row match.
    expect(nanos(doc.cluster.resources['cpu']!.usage)).toBe(nanos(ns.resources['cpu']!.usage));
  });

  it('without filters usage is the NodeMetrics, equal to nodeUsage', async () => {
    const doc = JSON.parse((await run('-o', 'json')).stdout) as Doc;
    expect(doc.scope.usageFrom).toBe('NodeMetrics');
    for (const node of doc.nodes!)
      expect(node.resources['cpu']!.usage).toEqual(node.resources['cpu']!.nodeUsage);
  });

  it('-n --util table: a scope note under it, and only that namespace’s pod metrics are read', async () => {
    cluster.resetRequestLog();
    const result = await run('-n', namespace, '--util');
    expect(result.code).toBe(0);
    const all = lines(result.stdout);
    expect(all.at(-1)).toBe(
      `Scope: pods in namespace ${namespace}. Requests, limits and usage on every row sum those pods ` +
        '(usage: their PodMetrics, not the whole node); allocatable and the basis of node and cluster ' +
        'percentages are whole nodes.',
    );
    const metricsPaths = cluster.requests
      .map((r) => r.url.split('?')[0]!)
      .filter((p) => p.startsWith('/apis/metrics.k8s.io/'));
    expect(metricsPaths.some((p) => p.endsWith(`/namespaces/${namespace}/pods`))).toBe(true);
    expect(metricsPaths.some((p) => p.endsWith('/nodes') || /\/v1(beta1)?\/pods$/.test(p))).toBe(false);
  });

  it('--node-labels: whole nodes, a note naming the selector, no note without filters', async () => {
    const node = fixture.nodes[0]!.metadata.name!;
    const result = await run('--node-labels', `kubernetes.io/hostname=${node}`, '--util');
    expect(lines(result.stdout).at(-1)).toBe(
      `Scope: nodes matching kubernetes.io/hostname=${node} and the pods on them; every column covers those whole nodes (usage: their NodeMetrics).`,
    );
    expect(lines((await run()).stdout).some((l) => l.startsWith('Scope:'))).toBe(false);
  });

  it('a namespace that exists but has no pods: kubectl’s "No resources found", exit 0, no table', async () => {
    const result = await run('-n', 'empty-ns');
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'No resources found in empty-ns namespace.\n' });
  });

  it('--node-labels and -l that match nothing say so instead of printing zeros', async () => {
    const nodes = await run('--node-labels', 'nosuch=label');
    expect(nodes).toEqual({
      code: 0,
      stdout: '',
      stderr: 'No resources found: no node matches --node-labels nosuch=label.\n',
    });
    const pods = await run('-l', 'nosuch=label');
    expect(pods.stdout).toBe('');
    expect(pods.stderr).toBe('No resources found: no pod matches -l nosuch=label.\n');
  });

  it.skipIf(!existsSync(MAIN))(
    'the binary: exit codes of a missing namespace, a bad --sort and --resources CPU',
    async () => {
      const kubeconfig = ['--kubeconfig', cluster.kubeconfigPath];
      const [missing, sort, resources] = await Promise.all([
        spawnCli(['capacity', '-n', 'doesnotexist', ...kubeconfig]),
        spawnCli(['capacity', '--sort', 'foo', ...kubeconfig]),
        spawnCli(['capacity', '--resources', 'CPU', ...kubeconfig]),
      ]);
      expect(missing.code).toBe(1);
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toContain('error: namespace "doesnotexist" not found');
      expect(sort.code).toBe(2);
      expect(sort.stderr).toMatch(
        /--sort: unknown sort column "foo" for node rows; valid columns: name, pods, pods%, cpu/,
      );
      expect(resources.code).toBe(2);
      expect(resources.stderr).toContain('unknown resource "CPU" (did you mean "cpu"?)');
    },
    // A safety net for a loaded machine (three node processes start), not a speed assertion.
    180_000,
  );
});
