/**
 * `kubemetrics top` must print the same numbers as the real `kubectl top` (v1.32) against the same
 * cluster: cpu millicores rounded up, memory Mi truncated, percentages truncated from a float
 * division (k8s.io/kubectl pkg/metricsutil/metrics_printer.go). Needs kubectl (test/helpers/peers.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { cli } from './helpers/cli.js';
import { columns, lines, runKubectl } from './helpers/kubectl.js';
import { KUBECTL, needPeer } from './helpers/peers.js';

const kubectlPeer = needPeer(KUBECTL);
const kubectl = kubectlPeer.path;

let cluster: TestCluster;
let home: string;
const fixture = buildCluster({
  nodes: 8,
  podsPerNode: 12,
  seed: 11,
  namespaces: 4,
  nodesWithoutMetrics: 2,
  pendingPods: 3,
  terminalPods: 4,
  now: new Date(),
});

/** Table text → map from the key columns to the remaining columns. */
function byKey(text: string, keyColumns: number): Map<string, string[]> {
  const [, ...rows] = lines(text);
  return new Map(
    rows.map((r) => columns(r)).map((c) => [c.slice(0, keyColumns).join('/'), c.slice(keyColumns)]),
  );
}

async function both(args: string[]) {
  const theirs = await runKubectl(kubectl!, args, { home, kubeconfig: cluster.kubeconfigPath });
  const ours = await cli([...args, '--kubeconfig', cluster.kubeconfigPath]);
  expect(theirs.stderr).toBe('');
  expect(ours.stderr).toBe('');
  expect(theirs.code).toBe(0);
  expect(ours.code).toBe(0);
  return { theirs: theirs.stdout, ours: ours.stdout };
}

kubectlPeer.describe('top parity with kubectl top', () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubemetrics-top-home-'));
    cluster = await startTestCluster(fixture);
  });
  afterAll(async () => {
    await cluster.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('top nodes: same rows, numbers and <unknown> nodes', async () => {
    const { theirs, ours } = await both(['top', 'nodes']);
    expect(lines(ours)[0]).toBe(lines(theirs)[0]!.trimEnd());
    const expected = byKey(theirs, 1);
    expect(expected.size).toBe(fixture.nodes.length);
    expect(byKey(ours, 1)).toEqual(expected);
    expect([...expected.values()].filter((v) => v[0] === '<unknown>')).toHaveLength(2);
  });

  it('top nodes --show-capacity and a label selector', async () => {
    const label = `kubernetes.io/hostname=${fixture.nodes[0]!.metadata.name!}`;
    const { theirs, ours } = await both(['top', 'nodes', '--show-capacity', '-l', label]);
    expect(byKey(ours, 1)).toEqual(byKey(theirs, 1));
    expect(byKey(ours, 1).size).toBe(1);
  });

  it('top nodes --sort-by memory keeps kubectl order for nodes with metrics', async () => {
    const { theirs, ours } = await both(['top', 'nodes', '--sort-by', 'memory', '--no-headers']);
    const withMetrics = (t: string) =>
      lines(t)
        .filter((l) => !l.includes('<unknown>'))
        .map((l) => columns(l)[0]);
    expect(withMetrics(ours)).toEqual(withMetrics(theirs));
  });

  // `kubectl top node` prints int64(float64(usage.MilliValue()) / float64(allocatable.MilliValue())
  // * 100) (metricsutil/metrics_printer.go printNodeMetrics). `capacity --util` shows the same usage
  // for each node, so every usage cell (amount and percentage) must be what kubectl top prints.
  it.each([[[]], [['--show-capacity']]])(
    'capacity --util %j: every node usage and percentage equals kubectl top nodes',
    async (flags) => {
      const theirs = await runKubectl(kubectl!, ['top', 'nodes', ...flags], {
        home,
        kubeconfig: cluster.kubeconfigPath,
      });
      expect(theirs.code).toBe(0);
      const top = byKey(theirs.stdout, 1);
      const ours = await cli(['capacity', '--util', ...flags, '--kubeconfig', cluster.kubeconfigPath]);
      expect(ours.code).toBe(0);
      const [header, ...rows] = lines(ours.stdout).map((l) => columns(l));
      let compared = 0;
      for (const [name, [cpu, cpuPercent, memory, memoryPercent]] of top) {
        const row = rows.find((r) => r[0] === name)!;
        const cpuCell = row[header!.indexOf('CPU USAGE')]!;
        const memoryCell = row[header!.indexOf('MEMORY USAGE')]!;
        if (cpu === '<unknown>') {
          expect(cpuCell).toBe('no metrics');
          continue;
        }
        expect(`${name} ${cpuCell}`).toBe(`${name} ${cpu} (${cpuPercent})`);
        expect(`${name} ${memoryCell}`).toBe(`${name} ${memory} (${memoryPercent})`);
        compared += 2;
      }
      expect(compared).toBe((fixture.nodes.length - 2) * 2);
    },
  );

  it('top nodes -o json keeps the exact percentage; the table truncates it like kubectl', async () => {
    const table = byKey((await both(['top', 'nodes'])).ours, 1);
    const json = JSON.parse(
      (await cli(['top', 'nodes', '-o', 'json', '--kubeconfig', cluster.kubeconfigPath])).stdout,
    ) as { items: { name: string; percent: { cpu: number | null } }[] };
    let fractional = 0;
    for (const item of json.items) {
      if (item.percent.cpu === null) continue;
      const shown = Number.parseInt(table.get(item.name)![1]!, 10);
      // float64 truncation may be one below the exact floor (290m of 1 CPU prints 28%).
      expect(shown === Math.floor(item.percent.cpu) || shown === Math.floor(item.percent.cpu) - 1).toBe(true);
      if (!Number.isInteger(item.percent.cpu)) fractional++;
    }
    expect(fractional).toBeGreaterThan(0);
  });

  it('top pods -A: same pods and numbers', async () => {
    const { theirs, ours } = await both(['top', 'pods', '-A']);
    const expected = byKey(theirs, 2);
    expect(expected.size).toBeGreaterThan(50);
    expect(byKey(ours, 2)).toEqual(expected);
  });

  it('top pods in one namespace with --containers and --sum', async () => {
    const namespace = fixture.pods.find((p) => p.spec.nodeName !== undefined)!.metadata.namespace!;
    const { theirs, ours } = await both(['top', 'pods', '-n', namespace, '--containers', '--sum']);
    const rows = (t: string) => lines(t).map((l) => columns(l));
    expect(rows(ours)).toEqual(rows(theirs));
  });

  it('top pods --sort-by cpu orders like kubectl', async () => {
    const { theirs, ours } = await both(['top', 'pods', '-A', '--sort-by', 'cpu', '--no-headers']);
    const cpu = (t: string) => lines(t).map((l) => Number.parseInt(columns(l)[2]!, 10));
    expect(cpu(ours)).toEqual(cpu(theirs));
  });
});
