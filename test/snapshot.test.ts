/**
 * Snapshots: every read command gives the same output offline (--snapshot) as live; kubectl's
 * `get nodes,pods -A -o json` List is accepted; bad files get a clear error naming the file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { cli } from './helpers/cli.js';

let cluster: TestCluster;
let dir: string;
const fixture = buildCluster({
  nodes: 6,
  podsPerNode: 10,
  seed: 3,
  nodesWithoutMetrics: 1,
  pendingPods: 2,
  terminalPods: 3,
});

describe('snapshot save / --snapshot', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubemetrics-snapshot-'));
    cluster = await startTestCluster(fixture);
  });
  afterAll(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const live = (args: string[]) => cli([...args, '--kubeconfig', cluster.kubeconfigPath]);

  it.each(['snap.json', 'snap.json.gz'])(
    'round-trips %s: top gives the same output offline',
    async (name) => {
      const file = join(dir, name);
      const saved = await live(['snapshot', 'save', file]);
      expect(saved.stderr).toBe('');
      expect(saved.code).toBe(0);
      const nonTerminal = fixture.pods.filter(
        (p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
      );
      expect(saved.stdout).toContain(`${fixture.nodes.length} nodes, ${nonTerminal.length} pods`);
      if (name.endsWith('.gz')) expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      for (const args of [
        ['top', 'nodes'],
        ['top', 'pods', '-A', '--sort-by', 'memory'],
        ['top', 'pods', '-n', 'kube-system', '--containers', '-o', 'json'],
      ]) {
        const offline = await cli([...args, '--snapshot', file]);
        expect(offline.stderr).toBe('');
        expect(offline.stdout).toBe((await live(args)).stdout);
      }
      const info = await cli(['snapshot', 'info', file]);
      expect(info.stdout).toContain(cluster.url);
    },
  );

  it('keeps no secrets: env, images and annotations are not saved', async () => {
    const file = join(dir, 'plain.json');
    await live(['snapshot', 'save', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('"env"');
    expect(text).not.toContain('"image"');
    expect(text).not.toContain('"annotations"');
  });

  it('accepts kubectl get nodes,pods -A -o json plus a metrics file', async () => {
    const list = {
      kind: 'List',
      apiVersion: 'v1',
      items: [
        ...fixture.nodes.map((n) => ({ kind: 'Node', ...n })),
        ...fixture.pods.map((p) => ({ kind: 'Pod', ...p })),
      ],
    };
    const metrics = {
      kind: 'NodeMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {},
      items: fixture.nodeMetrics,
    };
    writeFileSync(join(dir, 'list.json'), JSON.stringify(list));
    writeFileSync(join(dir, 'metrics.json'), JSON.stringify(metrics));
    const offline = await cli([
      'top',
      'nodes',
      '--snapshot',
      join(dir, 'list.json'),
      '--metrics-file',
      join(dir, 'metrics.json'),
    ]);
    expect(offline.stderr).toBe('');
    expect(offline.stdout).toBe((await live(['top', 'nodes'])).stdout);
  });

  it.each([
    ['missing.json', undefined, /snapshot file .*missing\.json does not exist/],
    ['empty.json', '', /empty\.json: is empty/],
    [
      'truncated.json',
      '{"kind":"KubemetricsSnapshot","nodes":[{"metadata"',
      /truncated\.json: is not valid JSON \(it looks truncated\)/,
    ],
    [
      'wrong-kind.json',
      '{"kind":"Deployment"}',
      /wrong-kind\.json: has kind "Deployment"; expected KubemetricsSnapshot or a List/,
    ],
    ['array.json', '[]', /array\.json: must hold a JSON object/],
    [
      'bad-item.json',
      '{"kind":"List","items":[{"kind":"Pod","metadata":{}}]}',
      /bad-item\.json: items\[0\] has no metadata\.name/,
    ],
    [
      'bad-version.json',
      '{"kind":"KubemetricsSnapshot","apiVersion":"kubemetrics/v9"}',
      /reads kubemetrics\/v1/,
    ],
  ])('bad file %s: clear error, exit 1, no stack', async (name, content, message) => {
    const file = join(dir, name);
    if (content !== undefined) writeFileSync(file, content);
    const result = await cli(['top', 'nodes', '--snapshot', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/hint: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('truncated gzip: says it cannot be decompressed', async () => {
    const file = join(dir, 'cut.json.gz');
    const gz = gzipSync(JSON.stringify({ kind: 'List', items: fixture.pods }));
    writeFileSync(file, gz.subarray(0, gz.length >> 1));
    const result = await cli(['top', 'nodes', '--snapshot', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /cut\.json\.gz: is gzip but cannot be decompressed \(truncated or corrupt\)/,
    );
  });

  it('--snapshot with --kubeconfig is a usage error (exit 2)', async () => {
    const result = await cli(['top', 'nodes', '--snapshot', 'x.json', '--kubeconfig', 'y']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot be combined');
  });
});
