/**
 * The report service (`kubemetrics serve`) under load: requests per second and latency of
 * `GET /` (Accept: application/json, the nodes summary) and `GET /api/v1/capacity?by=namespace` at
 * 500 nodes / 15,000 pods, the time from a pod change in the cluster to its appearance in
 * `/api/v1/capacity`, and the service's RSS with 150,000 pods cached (5,000 nodes).
 *
 *     npm run build && npm run bench -- service      # through bench/run.ts
 *     node --import tsx bench/service.bench.ts       # this benchmark alone
 *
 * Environment:
 *     BENCH_SERVICE_SECONDS=5        seconds per load round (default 5; BENCH_ROUNDS rounds, median reported)
 *     BENCH_ROUNDS=3                 load rounds per route
 *     BENCH_CONNECTIONS=16           keep-alive connections of the load generator
 *     BENCH_SERVICE_LOADGEN=node     use the Node load generator even when wrk is installed
 *     BENCH_SERVICE_CHANGES=20       pod changes timed per cluster size
 *     BENCH_SERVICE_SMALL=0          skip the 500-node part (throughput, latency)
 *     BENCH_SERVICE_LARGE=0          skip the 5,000-node / 150,000-pod part (RSS)
 *     BENCH_SERVICE_NODE_OPTIONS=... NODE_OPTIONS of the second 150,000-pod run (default: the value
 *                                    deploy/report-service/deployment.yaml sets)
 *
 * Method: the test cluster (src/testing) runs in this process; the service is the real binary,
 * `node dist/cli/main.js serve --quiet` (so `npm run build` first; the table warns when dist/ is
 * older than src/), in a process of its own, so its RSS (VmRSS and the peak VmHWM from
 * /proc/<pid>/status) is its own. The load generator is Debian's wrk (`-t 1`, `--latency` for the
 * percentiles) when /usr/bin/wrk exists, else the Node load generator of bench/apiserver.bench.ts
 * (a child process, undici keep-alive, closed loop). On 2 cores the service gets one and the load
 * generator the other. A change is timed from `upsertPod`/`deletePod` on the test cluster to the
 * first `/api/v1/capacity?by=pod&node=...` answer that shows it, polled back to back.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import type { Pod } from '../src/api/index.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { hasWrk, wrk as runWrk } from './wrk.js';
import { distStaleness } from './dist-staleness.js';
import type { LoadRequest, LoadResult as NodeLoadResult } from './load-protocol.js';

type Row = Record<string, string | number | undefined>;

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const envNumber = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const SECONDS = envNumber('BENCH_SERVICE_SECONDS', 5);
const ROUNDS = envNumber('BENCH_ROUNDS', 3);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 16);
const CHANGES = envNumber('BENCH_SERVICE_CHANGES', 20);
const SMALL = process.env['BENCH_SERVICE_SMALL'] !== '0';
const LARGE = process.env['BENCH_SERVICE_LARGE'] !== '0';
const USE_WRK = hasWrk() && process.env['BENCH_SERVICE_LOADGEN'] !== 'node';
const JSON_ACCEPT = { accept: 'application/json' };

// --- the service process ------------------------------------------------------------------------

interface ServiceProcess {
  readonly url: string;
  readonly pid: number;
  /** Spawn to the first `/readyz` 200 (nodes and pods listed, metrics read). */
  readonly readyMs: number;
  stop(): Promise<void>;
}

async function startService(
  kubeconfig: string,
  timeoutMs: number,
  nodeOptions?: string,
): Promise<ServiceProcess> {
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, 'dist/cli/main.js'),
      'serve',
      '--kubeconfig',
      kubeconfig,
      '--listen',
      '127.0.0.1:0',
      '--quiet',
      '--metrics-interval',
      '15s',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: serviceEnv(kubeconfig, nodeOptions) },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const deadline = Date.now() + timeoutMs;
    let url: string | undefined;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`kubemetrics serve exited: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`kubemetrics serve not ready in ${timeoutMs} ms: ${stderr}`);
      url ??= /listening on (http:\/\/[\d.]+:\d+)/.exec(stderr)?.[1];
      if (url !== undefined) {
        const ready = await fetch(`${url}/readyz`).then(
          (res) => res.status,
          () => 0,
        );
        if (ready === 200) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { url, pid: child.pid!, readyMs: performance.now() - started, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function serviceEnv(kubeconfig: string, nodeOptions: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig };
  delete env['NODE_OPTIONS'];
  if (nodeOptions !== undefined) env['NODE_OPTIONS'] = nodeOptions;
  return env;
}

/** The NODE_OPTIONS the report service's Deployment sets (its heap limit), read from the manifest. */
function deploymentNodeOptions(): string | undefined {
  const manifest = readFileSync(join(ROOT, 'deploy/report-service/deployment.yaml'), 'utf8');
  return /name: NODE_OPTIONS\s+value: (.+)/.exec(manifest)?.[1]?.trim();
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
function memoryOf(pid: number): { rssMB: number; hwmMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 };
}

/** CPU time (user + system) of a process, in ms, from /proc/<pid>/stat. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the "(comm) " split.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

// --- load generators ----------------------------------------------------------------------------

interface LoadResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

async function wrk(url: string, headers: Record<string, string>, seconds: number): Promise<LoadResult> {
  const result = await runWrk(url, headers, seconds, CONNECTIONS);
  return { ...result, errors: result.non2xx + result.socketErrors };
}

/** bench/apiserver.bench.ts in its `--load-generator` mode: one request per IPC message. */
class NodeLoadGenerator {
  readonly #child = fork(join(ROOT, 'bench/apiserver.bench.ts'), ['--load-generator'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  run(url: string, headers: Record<string, string>, seconds: number): Promise<LoadResult> {
    const { origin, pathname, search } = new URL(url);
    const request: LoadRequest = {
      origin,
      path: `${pathname}${search}`,
      ca: '',
      headers,
      connections: CONNECTIONS,
      seconds,
    };
    return new Promise((resolve) => {
      this.#child.once('message', (result: NodeLoadResult) =>
        resolve({
          rps: result.rps,
          p50Ms: result.p50Ms,
          p99Ms: result.p99Ms,
          errors: result.errors + result.non200,
        }),
      );
      this.#child.send(request);
    });
  }

  close(): void {
    this.#child.kill();
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!;
};
const mb = (value: number): number => Math.round(value);

// --- pod changes --------------------------------------------------------------------------------

function benchPod(name: string, nodeName: string): Pod {
  return {
    metadata: { namespace: 'bench-changes', name, labels: { app: 'bench-change' } },
    spec: {
      nodeName,
      containers: [
        { name: 'app', image: 'example/app:1', resources: { requests: { cpu: '10m', memory: '16Mi' } } },
      ],
    },
    status: { phase: 'Running' },
  };
}

/**
 * `count` changes, alternately adding a pod to a node and deleting it again; each timed from the
 * call on the test cluster to the first capacity answer that shows it.
 */
async function changeLatencies(cluster: TestCluster, url: string, nodes: readonly string[], count: number) {
  const pool = new Pool(new URL(url).origin, { connections: 1, pipelining: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const nodeName = nodes[(i * 7919) % nodes.length]!;
      const name = `change-${Math.floor(i / 2)}`;
      const adding = i % 2 === 0;
      const path = `/api/v1/capacity?by=pod&node=${nodeName}&namespace=bench-changes`;
      const started = performance.now();
      if (adding) cluster.upsertPod(benchPod(name, nodeName));
      else cluster.deletePod('bench-changes', name);
      for (;;) {
        const { body } = await pool.request({ path, method: 'GET', headers: JSON_ACCEPT });
        const doc = (await body.json()) as { pods: { name: string }[] };
        if (doc.pods.some((p) => p.name === name) === adding) break;
        if (performance.now() - started > 30_000) throw new Error(`change ${i} not seen in 30 s`);
      }
      times.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await pool.close();
  }
  return { medianMs: median(times), maxMs: Math.max(...times) };
}

/** One request, timed (the service computes what is not cached for this data generation). */
async function timedGet(url: string): Promise<{ ms: number; bytes: number; body: Buffer }> {
  const started = performance.now();
  const res = await fetch(url, { headers: JSON_ACCEPT });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}: ${body.toString().slice(0, 200)}`);
  return { ms: performance.now() - started, bytes: body.length, body };
}

/**
 * A bare node:http server in a process of its own, answering every request with `body` (the
 * same headers as the service: content type, cache-control, a request id, content-length).
 */
async function startBareServer(body: Buffer): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'kubemetrics-bench-'));
  const file = join(dir, 'body.json');
  writeFileSync(file, body);
  const code = `
    const { createServer } = require('node:http');
    const { randomUUID } = require('node:crypto');
    const body = require('node:fs').readFileSync(process.argv[1]);
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store',
        'x-request-id': randomUUID(), 'content-length': body.length });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));`;
  const child = spawn(process.execPath, ['-e', code, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.once('data', (line: string) => resolve(line.trim()));
    child.once('exit', () => reject(new Error('the bare server exited')));
  });
  return {
    url,
    async stop() {
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- the benchmark ------------------------------------------------------------------------------

export async function run(): Promise<Row[]> {
  // What `serve` runs: the layers under it and its command (not the other commands of the CLI).
  const staleness = distStaleness(ROOT, [
    'src/quantity',
    'src/api',
    'src/client',
    'src/report',
    'src/service',
    'src/errors.ts',
    'src/cli/commands/serve.ts',
    'src/cli/main.ts',
    'src/cli/run.ts',
  ]);
  const loadBefore = loadavg()[0]!;
  const rows: Row[] = [];
  const loadName = USE_WRK ? `wrk -t1 -c${CONNECTIONS}` : `node (apiserver bench), ${CONNECTIONS} conns`;
  const generator = USE_WRK ? undefined : new NodeLoadGenerator();
  const load = (url: string, seconds: number): Promise<LoadResult> =>
    generator === undefined ? wrk(url, JSON_ACCEPT, seconds) : generator.run(url, JSON_ACCEPT, seconds);

  try {
    // 500 nodes / 15,000 pods: throughput, latency, change latency.
    if (SMALL) {
      const fixture = buildCluster({ nodes: 500, podsPerNode: 30, seed: 1 });
      const cluster = await startTestCluster({ ...fixture, watchWindow: 10_000 });
      const pods = fixture.pods.length;
      const service = await startService(cluster.kubeconfigPath, 120_000);
      try {
        const size = `500 nodes / ${pods.toLocaleString('en-US')} pods`;
        for (const [name, path] of [
          ['GET / (Accept: application/json)', '/'],
          ['GET /api/v1/capacity?by=namespace', '/api/v1/capacity?by=namespace'],
        ] as const) {
          const url = `${service.url}${path}`;
          const first = await timedGet(url);
          // The ceiling for the big nodes summary: a bare server sending the same bytes.
          const bare = path === '/' ? await startBareServer(first.body) : undefined;
          const ceilings: LoadResult[] = [];
          const runs: LoadResult[] = [];
          let cpuMs = 0;
          try {
            await load(url, 1); // warm-up (JIT, connections), not reported
            if (bare !== undefined) await load(bare.url, 1);
            // Interleaved rounds: load from elsewhere on the machine hits both sides alike.
            for (let round = 0; round < ROUNDS; round++) {
              const cpuBefore = cpuMsOf(service.pid);
              runs.push(await load(url, SECONDS));
              cpuMs += cpuMsOf(service.pid) - cpuBefore;
              if (bare !== undefined) ceilings.push(await load(bare.url, SECONDS));
            }
          } finally {
            await bare?.stop();
          }
          const rps = runs.map((r) => r.rps);
          const mid = runs.find((r) => r.rps === median(rps)) ?? runs[0]!;
          const memory = memoryOf(service.pid);
          if (ceilings.length > 0) {
            const ceilingRps = ceilings.map((r) => r.rps);
            const ceiling = ceilings.find((r) => r.rps === median(ceilingRps)) ?? ceilings[0]!;
            rows.push({
              size,
              case: `bare node:http, the same ${first.bytes.toLocaleString('en-US')} B precomputed (ceiling)`,
              load: `${loadName}, ${ROUNDS}x${SECONDS}s`,
              'req/s': Math.round(ceiling.rps),
              'p50 ms': ceiling.p50Ms,
              'p99 ms': ceiling.p99Ms,
              note: `rounds ${ceilingRps.map((r) => Math.round(r)).join('/')} req/s; the service reached ${((mid.rps / ceiling.rps) * 100).toFixed(0)}% of it`,
            });
          }
          rows.push({
            size,
            case: name,
            load: `${loadName}, ${ROUNDS}x${SECONDS}s`,
            'req/s': Math.round(mid.rps),
            'p50 ms': mid.p50Ms,
            'p99 ms': mid.p99Ms,
            'RSS MB': mb(memory.rssMB),
            note:
              `${first.bytes.toLocaleString('en-US')} B; first answer ${first.ms.toFixed(0)} ms; ` +
              `rounds ${rps.map((r) => Math.round(r)).join('/')} req/s; ` +
              `service CPU ${((cpuMs / (ROUNDS * SECONDS * 1000)) * 100).toFixed(0)}% of a core while loaded; ` +
              `errors ${runs.reduce((sum, r) => sum + r.errors, 0)}` +
              (name.startsWith('GET /') && path === '/' ? '; target ≥ 5,000 req/s' : ''),
          });
        }
        const changes = await changeLatencies(
          cluster,
          service.url,
          fixture.nodes.map((n) => n.metadata.name!),
          CHANGES,
        );
        const memory = memoryOf(service.pid);
        rows.push({
          size,
          case: 'pod change → /api/v1/capacity',
          load: `${CHANGES} changes (add, delete)`,
          'median ms': changes.medianMs,
          'max ms': changes.maxMs,
          'RSS MB': mb(memory.rssMB),
          'peak RSS MB': mb(memory.hwmMB),
          note: `ready ${Math.round(service.readyMs)} ms after spawn`,
        });
      } finally {
        await service.stop();
        await cluster.stop();
      }
    }

    // 5,000 nodes / 150,000 pods: memory of the service, first answers, change latency; with
    // Node's defaults (kubemetrics serve on a workstation) and with the Deployment's NODE_OPTIONS.
    if (LARGE) {
      global.gc?.();
      const fixture = buildCluster({ nodes: 5000, podsPerNode: 30, seed: 1 });
      const cluster = await startTestCluster({ ...fixture, watchWindow: 10_000 });
      const size = `5,000 nodes / ${fixture.pods.length.toLocaleString('en-US')} pods`;
      try {
        const configured = process.env['BENCH_SERVICE_NODE_OPTIONS'] ?? deploymentNodeOptions();
        for (const nodeOptions of [undefined, configured]) {
          const config = nodeOptions === undefined ? 'Node defaults' : `NODE_OPTIONS=${nodeOptions}`;
          const service = await startService(cluster.kubeconfigPath, 600_000, nodeOptions);
          try {
            const ready = memoryOf(service.pid);
            const firsts: string[] = [];
            for (const path of ['/', '/api/v1/capacity?by=namespace', '/api/v1/dashboard', '/metrics']) {
              const first = await timedGet(`${service.url}${path}`);
              const again = await timedGet(`${service.url}${path}`);
              firsts.push(
                `${path} ${first.ms.toFixed(0)} ms then ${again.ms.toFixed(0)} ms (${(first.bytes / 1e6).toFixed(1)} MB)`,
              );
            }
            const served = memoryOf(service.pid);
            // Past at least one more metrics refresh (every 15 s), so the peak includes one.
            await new Promise((resolve) => setTimeout(resolve, 20_000));
            await timedGet(`${service.url}/`);
            const later = memoryOf(service.pid);
            const changes = await changeLatencies(
              cluster,
              service.url,
              fixture.nodes.map((n) => n.metadata.name!),
              CHANGES,
            );
            const end = memoryOf(service.pid);
            rows.push(
              {
                size,
                case: `service RSS, 150,000 pods cached (${config})`,
                load: 'after /readyz 200',
                'RSS MB': mb(ready.rssMB),
                'peak RSS MB': mb(ready.hwmMB),
                note: `ready ${(service.readyMs / 1000).toFixed(1)} s after spawn`,
              },
              {
                size,
                case: `service RSS, 150,000 pods cached (${config})`,
                load: 'after the first answers',
                'RSS MB': mb(served.rssMB),
                'peak RSS MB': mb(served.hwmMB),
                note: firsts.join('; '),
              },
              {
                size,
                case: `service RSS, 150,000 pods cached (${config})`,
                load: '20 s later (metrics refreshed)',
                'RSS MB': mb(later.rssMB),
                'peak RSS MB': mb(later.hwmMB),
                note: 'target < 500 MB',
              },
              {
                size,
                case: `pod change → /api/v1/capacity (${config})`,
                load: `${CHANGES} changes (add, delete)`,
                'median ms': changes.medianMs,
                'max ms': changes.maxMs,
                'RSS MB': mb(end.rssMB),
                'peak RSS MB': mb(end.hwmMB),
              },
            );
          } finally {
            await service.stop();
          }
        }
      } finally {
        await cluster.stop();
      }
    }
  } finally {
    generator?.close();
  }
  rows.push({
    case: 'machine',
    note: `${cpus().length} cores; load average (1 min) ${loadBefore.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end`,
  });
  if (staleness !== undefined) rows.push({ case: `WARNING: ${staleness}; run npm run build` });
  return rows;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  // bench/run.ts prints the same rows as a Markdown table (importing it would run every bench).
  for (const row of await run()) console.log(JSON.stringify(row));
}
