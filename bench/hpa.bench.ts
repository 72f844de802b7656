/**
 * `kubemetrics hpa list -A` over 1,000 HPAs on a test cluster of 500 nodes / 15,000 pods, against
 * fetching the same data with the real kubectl: `kubectl get hpa -A -o json` plus one
 * `kubectl get --raw` per metric (the PodMetrics of each HPA's selector, what the controller asks).
 *
 *     npm run build && npm run bench -- hpa
 *
 * Environment:
 *     BENCH_HPA_COUNT=1000        HPAs (one CPU-utilization HPA per fixture Deployment)
 *     BENCH_HPA_RUNS=3            measured runs of `hpa list -A`, after one warm-up
 *     BENCH_HPA_RAW_SAMPLE=50     `kubectl get --raw` runs actually timed; the per-metric mean is
 *                                 multiplied by the HPA count (1,000 sequential kubectl processes
 *                                 cost many minutes on this 2-core machine and say nothing more)
 *     BENCH_KUBECTL=/path         kubectl binary (default: the newest versioned Cloud SDK binary)
 *
 * What is counted: the requests the test cluster served for one `hpa list -A`, by kind. They must
 * not grow with the number of HPAs beyond the scale subresource and the metrics API calls the
 * controller itself makes (one each per HPA): one HPA list and one pod list, paged, for all of them.
 * The cluster runs in this process; the measured commands are child processes, timed spawn to exit.
 */
import { spawn } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HorizontalPodAutoscaler } from '../src/api/index.js';
import { buildCluster, startTestCluster } from '../src/testing/index.js';
import { realKubectl } from './cli.bench.js';
import { distStaleness } from './dist-staleness.js';
import type { Row } from './markdown-table.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'dist/cli/main.js');
const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};
const COUNT = num('BENCH_HPA_COUNT', 1000);
const RUNS = num('BENCH_HPA_RUNS', 3);
const RAW_SAMPLE = num('BENCH_HPA_RAW_SAMPLE', 50);
const progress = (m: string): void => void process.stderr.write(`[hpa] ${m}\n`);

function timed(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  const started = performance.now();
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<Row[]> {
  const stale = distStaleness(ROOT);
  if (stale !== undefined) throw new Error(`${stale}: run \`npm run build\` first`);
  progress('building the 500-node / 15,000-pod fixture');
  const fixture = buildCluster({ nodes: 500, podsPerNode: 30, seed: 1 });
  const targets = fixture.deployments.slice(0, COUNT);
  if (targets.length < COUNT) throw new Error(`the fixture has only ${targets.length} Deployments`);
  const hpas: HorizontalPodAutoscaler[] = targets.map((d) => ({
    metadata: { name: `${d.metadata.name}-hpa`, namespace: d.metadata.namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name! },
      minReplicas: 1,
      maxReplicas: 50,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
    status: { currentReplicas: d.spec.replicas ?? 1, desiredReplicas: d.spec.replicas ?? 1 },
  }));
  const cluster = await startTestCluster({ ...fixture, horizontalPodAutoscalers: hpas });
  const kubectl = realKubectl();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    KUBECONFIG: cluster.kubeconfigPath,
  };
  try {
    progress('warm-up and request count of hpa list -A');
    cluster.resetRequestLog();
    const warm = await timed(process.execPath, [CLI, 'hpa', 'list', '-A', '-o', 'json'], env);
    if (warm.code !== 0) throw new Error(`hpa list -A failed: ${warm.stderr}`);
    const items = (JSON.parse(warm.stdout) as { items: { canCompute: boolean }[] }).items;
    const kinds = new Map<string, number>();
    for (const r of cluster.requests) {
      const p = r.url.split('?')[0] ?? '';
      const kind = p.endsWith('/scale')
        ? 'scale'
        : p.startsWith('/apis/metrics.k8s.io/') && p.includes('/namespaces/')
          ? 'pod metrics'
          : p.endsWith('/horizontalpodautoscalers')
            ? 'hpa list pages'
            : p.endsWith('/pods')
              ? 'pod list pages'
              : 'discovery';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const total = cluster.requests.length;
    const ours: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await timed(process.execPath, [CLI, 'hpa', 'list', '-A', '-o', 'json'], env);
      if (r.code !== 0) throw new Error(r.stderr);
      ours.push(r.ms);
    }
    progress('kubectl get hpa -A -o json');
    const listRuns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await timed(kubectl.path, ['get', 'hpa', '-A', '-o', 'json'], env);
      if (r.code !== 0) throw new Error(r.stderr);
      listRuns.push(r.ms);
    }
    progress(`kubectl get --raw for ${Math.min(RAW_SAMPLE, COUNT)} HPAs' pod metrics`);
    let rawMs = 0;
    const sample = targets.slice(0, RAW_SAMPLE);
    for (const d of sample) {
      const selector = Object.entries(d.spec.selector.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const path = `/apis/metrics.k8s.io/v1beta1/namespaces/${d.metadata.namespace}/pods?labelSelector=${encodeURIComponent(selector)}`;
      const r = await timed(kubectl.path, ['get', '--raw', path], env);
      if (r.code !== 0) throw new Error(r.stderr);
      rawMs += r.ms;
    }
    const perMetric = rawMs / sample.length;
    const theirs = median(listRuns) + perMetric * COUNT;
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    return [
      {
        command: `kubemetrics hpa list -A -o json (${COUNT} HPAs, ${fixture.pods.length} pods)`,
        'wall ms (median)': Math.round(median(ours)),
        requests: total,
        'requests by kind': [...kinds].map(([k, v]) => `${k} ${v}`).join(', '),
        'HPAs that compute': `${items.filter((i) => i.canCompute).length}/${items.length}`,
        load: `${load} (${cpus().length} cores)`,
      },
      {
        command: `${kubectl.path} get hpa -A -o json + get --raw per metric`,
        'wall ms (median)': Math.round(theirs),
        requests: `1 list + ${COUNT} metrics (+ discovery per process)`,
        'requests by kind': `list ${Math.round(median(listRuns))} ms; --raw ${Math.round(perMetric)} ms each (mean of ${sample.length}) × ${COUNT}`,
        'HPAs that compute': 'no calculation',
        load: `${load} (${cpus().length} cores)`,
      },
      { command: 'ratio ours / theirs', 'wall ms (median)': (median(ours) / theirs).toFixed(3) },
    ];
  } finally {
    await cluster.stop();
  }
}
