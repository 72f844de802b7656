/**
 * Wall time and request count of `kubemetrics doctor` (the built binary, as a user runs it):
 * on the demo cluster, and on a cluster with 1,000 HPAs. Run: node --import tsx bench/doctor-measure.ts
 * Figures go to docs/doctor.md.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HorizontalPodAutoscaler } from '../src/api/index.js';
import { registerDemoAPIServices } from '../src/cli/demo-apiservices.js';
import { mountMetricsApis } from '../src/cli/demo-metrics-api.js';
import { buildCluster, demoCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';

const BINARY = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

function doctor(kubeconfig: string): Promise<{ ms: number; code: number | null; out: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BINARY, 'doctor', '-o', 'json', '--kubeconfig', kubeconfig], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ms: performance.now() - started, code, out }));
  });
}

async function measure(name: string, cluster: TestCluster): Promise<void> {
  const runs: number[] = [];
  let requests = 0;
  let summary = '';
  for (let i = 0; i < 3; i++) {
    cluster.resetRequestLog();
    const run = await doctor(cluster.kubeconfigPath);
    runs.push(run.ms);
    requests = cluster.requests.length;
    const report = JSON.parse(run.out) as { checks: unknown[]; problems: number; warnings: number };
    summary = `exit ${run.code}, ${report.checks.length} results, ${report.problems} problems, ${report.warnings} warnings`;
  }
  runs.sort((a, b) => a - b);
  console.log(
    `${name}: median ${Math.round(runs[1]!)} ms (min ${Math.round(runs[0]!)}, max ${Math.round(runs[2]!)}), ${requests} requests; ${summary}`,
  );
}

const demo = demoCluster();
const demoRunning = await startTestCluster(demo);
mountMetricsApis(demoRunning, demo);
await registerDemoAPIServices(demoRunning);
await measure(`demo cluster (${demo.nodes.length} nodes, ${demo.pods.length} pods)`, demoRunning);
await demoRunning.stop();

const big = buildCluster({ nodes: 50, podsPerNode: 30, now: new Date().toISOString() });
const hpas: HorizontalPodAutoscaler[] = Array.from({ length: 1000 }, (_, i) => {
  const target = big.deployments[i % big.deployments.length]!;
  return {
    metadata: { name: `hpa-${i}`, namespace: target.metadata.namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target.metadata.name ?? '' },
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
    status: { desiredReplicas: 1 },
  };
});
const bigRunning = await startTestCluster({ ...big, horizontalPodAutoscalers: hpas });
await registerDemoAPIServices(bigRunning);
await measure(
  `1,000 HPAs over ${big.deployments.length} Deployments (${big.nodes.length} nodes, ${big.pods.length} pods)`,
  bigRunning,
);
await bigRunning.stop();
