/**
 * `kubemetrics hpa` as a process (`node dist/cli/main.js hpa ...`) against the test cluster:
 * HPAs on Deployments with the scale subresource, pods with readiness, metrics.k8s.io samples.
 * Each HPA's status carries what the controller would have written; the replay must agree with it,
 * and where kubectl is installed, our current/target per metric must equal `kubectl get hpa`
 * TARGETS (which prints that status).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, HorizontalPodAutoscaler, Pod, PodMetrics } from '../src/api/index.js';
import { startTestCluster, type TestCluster } from '../src/testing/index.js';
import { assertBinaryBuilt, finished, runBinary, startBinary } from './helpers/cli.js';
import { columns, lines, runKubectl } from './helpers/kubectl.js';
import { KUBECTL, needPeer } from './helpers/peers.js';

const HOUR_AGO = new Date(Date.now() - 3_600_000).toISOString();

function deployment(name: string, replicas: number): Deployment {
  return {
    metadata: { name, namespace: 'shop' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'x' }] } },
    },
    status: { replicas, readyReplicas: replicas },
  };
}

function pod(name: string, app: string, requests: Record<string, string>): Pod {
  return {
    metadata: { name, namespace: 'shop', labels: { app } },
    spec: { nodeName: 'node-0', containers: [{ name: 'main', image: 'x', resources: { requests } }] },
    status: {
      phase: 'Running',
      startTime: HOUR_AGO,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: HOUR_AGO }],
    },
  };
}

function usage(name: string, cpu: string, memory: string): PodMetrics {
  return {
    metadata: { name, namespace: 'shop' },
    timestamp: new Date(Date.now() - 10_000).toISOString(),
    window: '30s',
    containers: [{ name: 'main', usage: { cpu, memory } }],
  };
}

function hpa(
  name: string,
  target: string,
  metrics: HorizontalPodAutoscaler['spec']['metrics'],
  status: HorizontalPodAutoscaler['status'],
): HorizontalPodAutoscaler {
  return {
    metadata: { name, namespace: 'shop' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: 1,
      maxReplicas: 10,
      metrics,
    },
    status,
  };
}

const cpu50 = [
  {
    type: 'Resource' as const,
    resource: { name: 'cpu', target: { type: 'Utilization' as const, averageUtilization: 50 } },
  },
];

// web: 2 pods at 400m of 500m = 80 % against 50 % → ceil(1.6 × 2) = 4 (a scale-up, so no
// stabilization window can hold it back).
// cache: 3 pods at 150Mi against an average of 100Mi → ceil(1.5 × 3) = 5; the controller writes the
// average as NewMilliQuantity(value, DecimalSI): 157286400.
// quiet: pods without any metrics → FailedGetResourceMetric, the controller keeps the count.
// orphan: its Deployment does not exist → FailedGetScale.
const HPAS: HorizontalPodAutoscaler[] = [
  hpa('web', 'web', cpu50, {
    currentReplicas: 2,
    desiredReplicas: 4,
    currentMetrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', current: { averageUtilization: 80, averageValue: '400m' } },
      },
    ],
    conditions: [{ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' }],
  }),
  hpa(
    'cache',
    'cache',
    [
      {
        type: 'Resource',
        resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } },
      },
    ],
    {
      currentReplicas: 3,
      desiredReplicas: 5,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'memory', current: { averageValue: '157286400' } } },
      ],
      conditions: [{ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' }],
    },
  ),
  hpa('quiet', 'quiet', cpu50, {
    currentReplicas: 2,
    desiredReplicas: 2,
    conditions: [
      { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' },
      { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric' },
    ],
  }),
  hpa('orphan', 'gone', cpu50, {
    currentReplicas: 0,
    desiredReplicas: 0,
    conditions: [{ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale' }],
  }),
];

let cluster: TestCluster;
let home: string;

beforeAll(async () => {
  assertBinaryBuilt();
  home = mkdtempSync(path.join(tmpdir(), 'kubemetrics-hpa-'));
  const pods = [
    pod('web-0', 'web', { cpu: '500m' }),
    pod('web-1', 'web', { cpu: '500m' }),
    ...[0, 1, 2].map((i) => pod(`cache-${i}`, 'cache', { cpu: '100m', memory: '100Mi' })),
    pod('quiet-0', 'quiet', { cpu: '100m' }),
    pod('quiet-1', 'quiet', { cpu: '100m' }),
  ];
  cluster = await startTestCluster({
    pods,
    podMetrics: [
      usage('web-0', '400m', '10Mi'),
      usage('web-1', '400m', '10Mi'),
      ...[0, 1, 2].map((i) => usage(`cache-${i}`, '10m', '150Mi')),
    ],
    deployments: [deployment('web', 2), deployment('cache', 3), deployment('quiet', 2)],
    horizontalPodAutoscalers: HPAS,
  });
});

afterAll(async () => {
  await cluster?.stop();
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
});

async function hpaCli(...args: string[]) {
  const result = await runBinary(['hpa', ...args, '--kubeconfig', cluster.kubeconfigPath]);
  return { code: result.code, stdout: result.stdout.toString(), stderr: result.stderr };
}

describe('kubemetrics hpa list (the built binary against the test cluster)', () => {
  it('-o json: per-metric numbers, recommendation, desired count and agreement with each status', async () => {
    const { code, stdout, stderr } = await hpaCli('list', '-n', 'shop', '-o', 'json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const items = new Map(
      (JSON.parse(stdout) as { items: Record<string, unknown>[] }).items.map((i) => [i['name'], i]),
    );
    expect(items.get('web')).toMatchObject({
      currentReplicas: 2,
      metrics: [{ type: 'Resource', name: 'cpu', target: '50%', current: '80%', proposedReplicas: 4 }],
      recommendedReplicas: 4,
      desiredReplicas: 4,
      agreesWithStatus: true,
    });
    expect(items.get('cache')).toMatchObject({
      metrics: [{ name: 'memory', target: '100Mi', current: '157286400', proposedReplicas: 5 }],
      recommendedReplicas: 5,
      // A recommendation of 6 (the most one step allows from 3) may sit in the unseen downscale
      // stabilization window and win; the status' 5 is inside the range.
      desiredReplicasRange: { min: 5, max: 6 },
      agreesWithStatus: true,
    });
    const quiet = items.get('quiet')!;
    expect(quiet).toMatchObject({ canCompute: false, agreesWithStatus: true });
    expect((quiet['metrics'] as { error: { reason: string } }[])[0]!.error.reason).toBe(
      'FailedGetResourceMetric',
    );
    expect(quiet['recommendedReplicas']).toBeUndefined();
    expect(items.get('orphan')).toMatchObject({
      canCompute: false,
      failure: { reason: 'FailedGetScale' },
      agreesWithStatus: true,
    });
  });

  it('the table marks the HPAs that cannot compute', async () => {
    const { code, stdout } = await hpaCli('list', '-n', 'shop');
    expect(code).toBe(0);
    const rows = new Map(
      lines(stdout)
        .slice(1)
        .map((l) => [columns(l)[0], columns(l)]),
    );
    expect(rows.get('web')!.slice(2, 12)).toEqual([
      'cpu: 80%/50%→4',
      '1',
      '10',
      '2',
      '4',
      '4',
      '4',
      'yes',
      '-',
    ]);
    expect(rows.get('quiet')!.at(-1)).toBe('cannot compute: FailedGetResourceMetric');
    expect(rows.get('orphan')!.at(-1)).toBe('FailedGetScale');
  });

  it('-o csv has one header and one line per HPA', async () => {
    const { code, stdout } = await hpaCli('list', '-n', 'shop', '-o', 'csv');
    expect(code).toBe(0);
    const [header, ...rows] = lines(stdout);
    expect(header!.split(',').slice(0, 4)).toEqual(['NAMESPACE', 'NAME', 'REFERENCE', 'TARGETS']);
    expect(rows).toHaveLength(HPAS.length);
  });
});

describe('kubemetrics hpa explain', () => {
  it('prints every pod and number of a computable HPA', async () => {
    const { code, stdout } = await hpaCli('explain', 'web', '-n', 'shop');
    expect(code).toBe(0);
    expect(stdout).toContain('Selector: app=web → 2 pod(s)');
    expect(stdout).toMatch(/web-0\s+ready\s+Ready\s+400m\s+500m/);
    expect(stdout).toContain(
      'utilization 80% of requests (average 400m) → usage ratio 1.6 (tolerance band [0.9, 1.1]): outside',
    );
    expect(stdout).toContain('Agrees with status: yes');
  });

  it('-o json has the shape of the issue, exactly', async () => {
    const { code, stdout } = await hpaCli('explain', 'quiet', '-n', 'shop', '-o', 'json');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ currentReplicas: 2, agreesWithStatus: true });
    const [metric] = doc['metrics'] as Record<string, unknown>[];
    // metrics-server answered an empty list for the selector: rest_metrics_client.go's error.
    expect(metric).toMatchObject({
      type: 'Resource',
      name: 'cpu',
      error: {
        reason: 'FailedGetResourceMetric',
        message: 'unable to get metrics for resource cpu: no metrics returned from resource metrics API',
      },
    });
    expect((doc['pods'] as { name: string }[]).map((p) => p.name)).toEqual(['quiet-0', 'quiet-1']);
  });

  it('a missing scale target: the explanation with its fix, and exit 1', async () => {
    const { code, stdout, stderr } = await hpaCli('explain', 'orphan', '-n', 'shop');
    expect(code).toBe(1);
    expect(stdout).toContain('The controller stops here: AbleToScale=False (FailedGetScale)');
    expect(stderr).toContain('hint: The scale target Deployment "gone" does not exist in namespace "shop"');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('an HPA that does not exist: kubectl words, exit 1', async () => {
    const { code, stderr } = await hpaCli('explain', 'nope', '-n', 'shop');
    expect(code).toBe(1);
    expect(stderr).toContain('error: horizontalpodautoscalers.autoscaling "nope" not found');
  });

  it('usage mistakes are exit 2 before any request', async () => {
    for (const args of [
      ['explain'],
      ['list', 'web'],
      ['list', '-o', 'text'],
      ['explain', 'web', '-A'],
      ['list', '--horizontal-pod-autoscaler-tolerance', '-1'],
    ]) {
      const { code, stderr } = await hpaCli(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(/^error: /);
    }
  });

  it('--horizontal-pod-autoscaler-tolerance 0.7 keeps 80 % against 50 % inside the band', async () => {
    const { stdout } = await hpaCli(
      'explain',
      'web',
      '-n',
      'shop',
      '-o',
      'json',
      '--horizontal-pod-autoscaler-tolerance',
      '0.7',
    );
    const doc = JSON.parse(stdout) as { metrics: { proposedReplicas: number; withinTolerance: boolean }[] };
    expect(doc.metrics[0]).toMatchObject({ proposedReplicas: 2, withinTolerance: true });
  });
});

describe('kubemetrics hpa --watch', () => {
  it('off a terminal, -o json is one document per refresh; the watched time grows; SIGINT ends it with 0', async () => {
    const child = startBinary([
      'hpa',
      'explain',
      'cache',
      '-n',
      'shop',
      '-o',
      'json',
      '--watch',
      '1s',
      '--kubeconfig',
      cluster.kubeconfigPath,
    ]);
    const docs: Record<string, unknown>[] = [];
    let buffer = '';
    const done = finished(child);
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          docs.push(JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>);
          buffer = buffer.slice(newline + 1);
          if (docs.length === 2) resolve();
        }
      });
    });
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(0);
    const [first, second] = docs as [Record<string, unknown>, Record<string, unknown>];
    expect(first['refreshedAt']).toBeDefined();
    expect(first['watchedSeconds']).toBe(0);
    expect(second['watchedSeconds'] as number).toBeGreaterThanOrEqual(1);
    // Not yet watched for the 300 s window: still a range.
    expect(second['desiredReplicasRange']).toEqual({ min: 5, max: 6 });
  });
});

const kubectlPeer = needPeer(KUBECTL);
kubectlPeer.describe('kubectl get hpa agrees', () => {
  it('TARGETS of kubectl (the status) equal our current/target per metric', async () => {
    const theirs = await runKubectl(kubectlPeer.path!, ['get', 'hpa', '-n', 'shop'], {
      home,
      kubeconfig: cluster.kubeconfigPath,
    });
    expect(theirs.stderr).toBe('');
    const kubectlTargets = new Map(
      lines(theirs.stdout)
        .slice(1)
        .map((l) => [columns(l)[0], columns(l)[2]]),
    );
    const ours = await hpaCli('list', '-n', 'shop');
    const ourTargets = new Map(
      lines(ours.stdout)
        .slice(1)
        .map((l) => [columns(l)[0], columns(l)[2]]),
    );
    for (const name of ['web', 'cache']) {
      expect(ourTargets.get(name)!.replace(/→\d+$/, ''), name).toBe(kubectlTargets.get(name));
    }
  });
});
