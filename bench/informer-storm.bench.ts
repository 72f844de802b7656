/**
 * The relist storm of issue 11: how many full pod lists both servers make, and how many bytes
 * they read, in a window while the cluster refuses the watch (405, as a proxy or RBAC without
 * `watch` does) at ~1,800 pods; and the log lines the API server's informer writes meanwhile.
 *
 *     npm run build && npm run bench -- informer-storm
 *     BENCH_DIST=/path/to/other/dist node --import tsx bench/informer-storm.bench.ts   # another build
 *
 * Environment:
 *     BENCH_DIST=dist                 the build to measure (`dist/` of another checkout for "before")
 *     BENCH_STORM_SECONDS=20          window length
 *     BENCH_STORM_PODS=1800           pods in the cluster (60 nodes)
 *     BENCH_STORM_FAULTS=405,410      the watch faults, one window each: 405 refused, 410 Gone on
 *                                     every watch (an ERROR event right after each list)
 *
 * Method: the test cluster (src/testing) runs in this process with a fault answering 405 to every
 * pod watch. `serve` is the real binary (`node $BENCH_DIST/cli/main.js serve --quiet`) in a
 * process of its own; the API server's informers are `ClusterObjectLister` from the same build,
 * in this process, with a logger counting lines. A full list is a pod list request without a
 * `continue` token; bytes are the full lists times the size of one list (its pages fetched once).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ApiserverModule from '../src/apiserver/index.js';
import type * as ClientModule from '../src/client/index.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';

type Row = Record<string, string | number | undefined>;

const dist = resolve(process.env['BENCH_DIST'] ?? 'dist');
const seconds = Number(process.env['BENCH_STORM_SECONDS'] ?? 20);
const podCount = Number(process.env['BENCH_STORM_PODS'] ?? 1800);
const faults = (process.env['BENCH_STORM_FAULTS'] ?? '405,410').split(',');

const isPodList = (url: string): boolean =>
  url.startsWith('/api/v1/pods?') && !/[?&]watch=/.test(url) && !/[?&]continue=/.test(url);

async function listBytes(cluster: TestCluster): Promise<number> {
  const token = cluster.credentials().token ?? '';
  let bytes = 0;
  let next: string | undefined = '';
  while (next !== undefined) {
    const query: string = `limit=500${next === '' ? '' : `&continue=${encodeURIComponent(next)}`}`;
    const response = await fetch(`${cluster.url}/api/v1/pods?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    bytes += Buffer.byteLength(text);
    next = (JSON.parse(text) as { metadata?: { continue?: string } }).metadata?.continue || undefined;
  }
  return bytes;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function serveStorm(cluster: TestCluster, dir: string): Promise<number> {
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, cluster.kubeconfig);
  cluster.resetRequestLog();
  const child = spawn(
    process.execPath,
    [join(dist, 'cli/main.js'), 'serve', '--listen', '127.0.0.1:0', '--kubeconfig', kubeconfig, '--quiet'],
    { stdio: ['ignore', 'ignore', process.env['BENCH_STORM_LOG'] === '1' ? 'inherit' : 'ignore'] },
  );
  await sleep(seconds * 1000);
  const lists = cluster.requests.filter((r) => isPodList(r.url)).length;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return lists;
}

async function apiserverStorm(cluster: TestCluster, dir: string): Promise<{ lists: number; lines: number }> {
  const apiserver = (await import(
    pathToFileURL(join(dist, 'apiserver/index.js')).href
  )) as typeof ApiserverModule;
  const client = (await import(pathToFileURL(join(dist, 'client/index.js')).href)) as typeof ClientModule;
  const kubeconfig = join(dir, 'kubeconfig-apiserver');
  writeFileSync(kubeconfig, cluster.kubeconfig);
  const access = apiserver.ClusterAccess.fromKubeConfig(client.loadKubeConfig({ kubeconfig, env: {} }));
  let lines = 0;
  const count = (): void => {
    lines++;
  };
  cluster.resetRequestLog();
  const lister = new apiserver.ClusterObjectLister({
    cluster: access,
    logger: { debug: () => undefined, info: count, warn: count, error: count },
  });
  lister.start();
  await sleep(seconds * 1000);
  const lists = cluster.requests.filter((r) => isPodList(r.url)).length;
  await lister.stop();
  await access.close();
  return { lists, lines };
}

export async function run(): Promise<Row[]> {
  const fixture = buildCluster({ nodes: Math.ceil(podCount / 30), podsPerNode: 30, namespaces: 20 });
  const cluster = await startTestCluster({ tls: false, nodes: fixture.nodes, pods: fixture.pods });
  const dir = mkdtempSync(join(tmpdir(), 'kubemetrics-storm-'));
  try {
    const bytes = await listBytes(cluster);
    const rows: Row[] = [];
    for (const fault of faults) {
      const watchPath = /^\/api\/v1\/pods\?.*watch=(true|1)/;
      cluster.clearFaults();
      if (fault === '405') cluster.injectFault({ path: watchPath, status: 405, times: Infinity });
      else cluster.injectFault({ path: watchPath, watchError: true, times: Infinity });
      const serve = await serveStorm(cluster, dir);
      const api = await apiserverStorm(cluster, dir);
      const common = { build: dist, pods: fixture.pods.length, 'watch answers': fault, seconds };
      const mb = (lists: number): number => Math.round((lists * bytes) / 1e5) / 10;
      rows.push({ server: 'serve', ...common, 'full pod lists': serve, 'MB read': mb(serve) });
      rows.push({
        server: 'apiserver informer',
        ...common,
        'full pod lists': api.lists,
        'MB read': mb(api.lists),
        'log lines': api.lines,
      });
    }
    return rows;
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) console.table(await run());
