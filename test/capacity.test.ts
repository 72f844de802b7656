/**
 * `kubemetrics capacity`: every grouping, nesting and output format, filters, sorting, missing
 * metrics, API errors in the middle of a paged list, and a request count that does not grow with
 * the number of nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { cli } from './helpers/cli.js';
import { columns, lines } from './helpers/kubectl.js';

const fixture = buildCluster({
  nodes: 6,
  podsPerNode: 12,
  seed: 31,
  namespaces: 4,
  nodesWithoutMetrics: 1,
  pendingPods: 2,
  terminalPods: 3,
});
const running = fixture.pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
let cluster: TestCluster;
const run = (...args: string[]) => cli(['capacity', ...args, '--kubeconfig', cluster.kubeconfigPath]);

interface Plain {
  kind: string;
  resources: string[];
  cluster: {
    pods: number;
    nodes: number;
    nodesWithoutMetrics: number;
    resources: Record<string, { requests: { value: number; quantity: string } }>;
  };
  nodes?: {
    name: string;
    pods: number;
    hasMetrics: boolean;
    resources: Record<string, { usage: unknown; requestsPercent: number | null }>;
  }[];
  namespaces?: { name: string; pods: number }[];
  workloads?: { kind: string; name: string }[];
  pods?: { name: string }[];
  containers?: { name: string }[];
}

describe('kubemetrics capacity', () => {
  beforeAll(async () => {
    cluster = await startTestCluster(fixture);
  });
  afterAll(() => cluster.stop());

  it('default table: a cluster row then one row per node, cpu in m and memory in Mi with percentages', async () => {
    const result = await run();
    expect(result.code).toBe(0);
    const rows = lines(result.stdout).map(columns);
    expect(rows[0]).toEqual([
      'NODE',
      'CPU REQUESTS',
      'CPU LIMITS',
      'MEMORY REQUESTS',
      'MEMORY LIMITS',
      'PODS',
    ]);
    expect(rows[1]![0]).toBe('*');
    expect(rows.slice(2).map((r) => r[0])).toEqual(fixture.nodes.map((n) => n.metadata.name).sort());
    expect(rows[2]![1]).toMatch(/^\d+m \(\d+%\)$/);
    expect(rows[2]![3]).toMatch(/^\d+Mi \(\d+%\)$/);
  });

  it('--util adds usage; the node without metrics says so instead of 0', async () => {
    const result = await run('--util');
    const rows = lines(result.stdout).map(columns);
    expect(rows[0]).toContain('CPU USAGE');
    const noMetrics = rows.filter((r) => r.includes('no metrics'));
    expect(noMetrics).toHaveLength(1);
  });

  it('-o json carries raw numbers and canonical quantities, and counts pods like the API', async () => {
    const result = await run('-o', 'json');
    const body = JSON.parse(result.stdout) as Plain;
    expect(body.kind).toBe('CapacityReport');
    expect(body.cluster.nodes).toBe(fixture.nodes.length);
    expect(body.cluster.pods).toBe(running.filter((p) => p.spec.nodeName !== undefined).length);
    expect(body.cluster.nodesWithoutMetrics).toBe(1);
    const cpu = body.cluster.resources['cpu']!.requests;
    expect(typeof cpu.value).toBe('number');
    expect(cpu.quantity).toMatch(/^\d+m?$/);
    expect(body.nodes!.filter((n) => !n.hasMetrics)).toHaveLength(1);
    expect(body.nodes!.find((n) => !n.hasMetrics)!.resources['cpu']!.usage).toBeNull();
  });

  it('-o yaml is the same document', async () => {
    const json = JSON.parse((await run('-o', 'json')).stdout) as Plain;
    const { parse } = await import('yaml');
    expect(parse((await run('-o', 'yaml')).stdout)).toEqual(json);
  });

  it.each([
    ['csv', ','],
    ['tsv', '\t'],
  ])('-o %s: header plus one line per row with raw values and quantities', async (format, separator) => {
    const result = await run('-o', format, '--resources', 'cpu,memory');
    const [header, ...rows] = lines(result.stdout).map((l) => l.split(separator));
    expect(header!.slice(0, 3)).toEqual(['level', 'namespace', 'name']);
    expect(header).toContain('cpu_requests');
    expect(header).toContain('memory_requests_quantity');
    expect(rows).toHaveLength(1 + fixture.nodes.length);
    const at = header!.indexOf('memory_allocatable');
    expect(Number(rows[1]![at])).toBeGreaterThan(1e9);
  });

  it('--by namespace sums every non-terminal pod, pending ones included', async () => {
    const body = JSON.parse((await run('--by', 'namespace', '-o', 'json')).stdout) as Plain;
    expect(body.nodes).toBeUndefined();
    expect(body.namespaces!.reduce((sum, n) => sum + n.pods, 0)).toBe(running.length);
  });

  it('--by workload resolves Deployments from ReplicaSets', async () => {
    const body = JSON.parse((await run('--by', 'workload', '-o', 'json')).stdout) as Plain;
    expect(body.workloads!.some((w) => w.kind === 'Deployment')).toBe(true);
    const table = await run('--by', 'workload');
    expect(lines(table.stdout)[0]).toMatch(/^NAMESPACE\s+KIND\s+WORKLOAD/);
  });

  it('--pods and --containers nest rows under their node', async () => {
    const pods = lines((await run('--pods')).stdout);
    expect(pods[0]).toMatch(/^NODE\s+POD\s+CPU REQUESTS/);
    expect(pods.length).toBe(
      2 + fixture.nodes.length + running.filter((p) => p.spec.nodeName !== undefined).length,
    );
    const containers = JSON.parse((await run('--containers', '-o', 'json')).stdout) as Plain;
    expect(containers.containers!.length).toBeGreaterThan(containers.pods!.length);
  });

  it('-n and -l filter pods; --node-labels filters nodes and their pods', async () => {
    const namespace = running[0]!.metadata.namespace!;
    const body = JSON.parse((await run('-n', namespace, '--by', 'namespace', '-o', 'json')).stdout) as Plain;
    expect(body.namespaces!.map((n) => n.name)).toEqual([namespace]);
    const node = fixture.nodes[1]!.metadata.name!;
    const byNode = JSON.parse(
      (await run('--node-labels', `kubernetes.io/hostname=${node}`, '-o', 'json')).stdout,
    ) as Plain;
    expect(byNode.nodes!.map((n) => n.name)).toEqual([node]);
    expect(byNode.cluster.pods).toBe(running.filter((p) => p.spec.nodeName === node).length);
  });

  it('--sort orders rows; an unknown column lists the valid ones', async () => {
    const sorted = JSON.parse((await run('-o', 'json', '--sort', 'pods')).stdout) as Plain;
    void sorted;
    const table = lines((await run('--sort', 'requests.cpu')).stdout)
      .slice(2)
      .map(columns);
    const cpu = table.map((r) => Number.parseInt(r[1]!, 10));
    expect(cpu).toEqual([...cpu].sort((a, b) => b - a));
    // A bad flag value is a usage error (exit 2), decided before any request for table columns.
    cluster.resetRequestLog();
    const bad = await run('--sort', 'bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown sort column "bogus".*valid columns: name/);
    expect(cluster.requests).toHaveLength(0);
    // With -o json the columns are the cluster's: checked after reading it, still exit 2.
    const badJson = await run('-o', 'json', '--sort', 'bogus');
    expect(badJson.code).toBe(2);
    expect(badJson.stdout).toBe('');
    expect(badJson.stderr).toMatch(/valid columns: name.*hugepages-2Mi/);
  });

  it('--resources picks columns, including huge pages', async () => {
    const result = await run('--resources', 'cpu,hugepages-2Mi');
    expect(lines(result.stdout)[0]).toMatch(/CPU REQUESTS.*HUGEPAGES-2MI REQUESTS/);
    expect((await run('--resources', 'cpu,,memory')).code).toBe(2);
  });

  it('--resources with a name the cluster does not have is a usage error, never a column of zeros', async () => {
    const typo = await run('--resources', 'CPU,memory');
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toContain('unknown resource "CPU" (did you mean "cpu"?)');
    // No node offers GPUs here: the names it has are listed instead.
    const absent = await run('--resources', 'nvidia.com/gpu', '-o', 'json');
    expect(absent.code).toBe(2);
    expect(absent.stderr).toMatch(
      /unknown resource "nvidia.com\/gpu": the cluster has cpu, memory, ephemeral-storage/,
    );
  });

  it('uses a fixed number of requests: no request per node', async () => {
    cluster.resetRequestLog();
    await run('--util');
    const paths = cluster.requests.map((r) => r.url.split('?')[0]);
    expect(paths.filter((p) => p?.startsWith('/api/v1/nodes/'))).toHaveLength(0);
    expect(paths.filter((p) => p === '/api/v1/pods')).toHaveLength(1); // 84 pods: one page
    expect(cluster.requests.length).toBeLessThanOrEqual(6);
    const podsUrl = new URL(cluster.requests.find((r) => r.url.startsWith('/api/v1/pods'))!.url, 'https://x');
    expect(podsUrl.searchParams.get('fieldSelector')).toBe('status.phase!=Succeeded,status.phase!=Failed');
    expect(podsUrl.searchParams.get('limit')).toBe('500');
    // Paging by 10 instead: more pod pages, still nothing per node.
    cluster.resetRequestLog();
    await run('--util', '--chunk-size', '10');
    const pagePaths = cluster.requests.map((r) => r.url.split('?')[0]);
    expect(pagePaths.filter((p) => p === '/api/v1/pods')).toHaveLength(Math.ceil(running.length / 10));
    expect(pagePaths.filter((p) => p?.startsWith('/api/v1/nodes/'))).toHaveLength(0);
  });

  it('reads the PodMetrics list only when pod, namespace or workload rows need it', async () => {
    const podMetricsReads = async (...args: string[]) => {
      cluster.resetRequestLog();
      expect((await run(...args)).code).toBe(0);
      return cluster.requests.filter((r) => /\/apis\/metrics\.k8s\.io\/v[^/]+\/pods/.test(r.url)).length;
    };
    expect(await podMetricsReads('--util')).toBe(0);
    expect(await podMetricsReads('--util', '-o', 'json')).toBe(0);
    expect(await podMetricsReads('--util', '--pods')).toBe(1);
    expect(await podMetricsReads('--util', '--by', 'namespace')).toBe(1);
  });

  it('an API error in the middle of the paged pod list is retried', async () => {
    cluster.resetRequestLog();
    cluster.injectFault({ path: /^\/api\/v1\/pods\?.*continue=/, status: 500, times: 1 });
    const result = await run('-o', 'json', '--chunk-size', '10');
    expect(result.code).toBe(0);
    const pages = cluster.requests.filter((r) => r.url.startsWith('/api/v1/pods?'));
    expect(pages.filter((r) => r.status === 500)).toHaveLength(1);
    expect(pages.length).toBe(Math.ceil(running.length / 10) + 1);
    const body = JSON.parse(result.stdout) as Plain;
    expect(body.cluster.pods).toBe(running.filter((p) => p.spec.nodeName !== undefined).length);
  });

  it('a persistent API error mid-list fails with the server message, not partial numbers', async () => {
    cluster.injectFault({
      path: /^\/api\/v1\/pods\?.*continue=/,
      status: 403,
      message: 'pods is forbidden: User "x" cannot list resource "pods"',
      times: 1,
    });
    const result = await cli(['capacity', '--chunk-size', '10', '--kubeconfig', cluster.kubeconfigPath]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/forbidden/);
  });

  it('without the metrics API, --util still reports requests and warns with the hint', async () => {
    const noMetrics = await startTestCluster({ ...fixture, metricsVersions: [] });
    try {
      const result = await cli(['capacity', '--util', '--kubeconfig', noMetrics.kubeconfigPath]);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/warning: no usage: .*\nhint: .*metrics-server/s);
      expect(lines(result.stdout).filter((l) => l.includes('no metrics')).length).toBe(
        1 + fixture.nodes.length,
      );
    } finally {
      await noMetrics.stop();
    }
  });
});
