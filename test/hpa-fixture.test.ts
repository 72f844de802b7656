/**
 * `kubemetrics hpa list -A` (the built binary) over the test cluster's HPA fixture — every
 * autoscaling/v2 metric type: Resource (Utilization, AverageValue), ContainerResource, Pods, Object
 * and External (Value and AverageValue, metricSelector) — with custom and external metrics served by
 * the project's metrics API server mounted as the APIServices. The fixture's statuses are written
 * by rules independent of src/hpa (src/testing/fixture-hpa-status.ts); the replay must agree with
 * every one, and our current/target per metric must equal kubectl's TARGETS where kubectl exists.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountMetricsApis } from '../src/cli/demo-metrics-api.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { assertBinaryBuilt, runBinary } from './helpers/cli.js';
import { columns, lines, runKubectl } from './helpers/kubectl.js';
import { KUBECTL, needPeer } from './helpers/peers.js';

interface Item {
  namespace: string;
  name: string;
  metrics: {
    type: string;
    name: string;
    current?: string;
    target?: string;
    proposedReplicas?: number;
    error?: unknown;
  }[];
  canCompute: boolean;
  agreesWithStatus: boolean | null;
  agreement: string;
  status: { desiredReplicas?: number };
}

let cluster: TestCluster;
let home: string;
let items: Item[];
let table: string;

beforeAll(async () => {
  assertBinaryBuilt();
  home = mkdtempSync(path.join(tmpdir(), 'kubemetrics-hpa-fixture-'));
  // `now` is the real clock: the CLI replays at its own Date.now().
  const fixture = buildCluster({
    nodes: 12,
    podsPerNode: 15,
    seed: 7,
    hpas: 12,
    now: new Date(),
  });
  cluster = await startTestCluster(fixture);
  mountMetricsApis(cluster, fixture);
  // The Object metrics describe Ingresses, which the test cluster lists in discovery (as a real
  // cluster does), so the controller's custom metrics client can map the kind to its resource.
  const json = await runBinary(['hpa', 'list', '-A', '-o', 'json', '--kubeconfig', cluster.kubeconfigPath]);
  expect(json.stderr).toBe('');
  expect(json.code).toBe(0);
  items = (JSON.parse(json.stdout.toString()) as { items: Item[] }).items;
  const text = await runBinary(['hpa', 'list', '-A', '--kubeconfig', cluster.kubeconfigPath]);
  table = text.stdout.toString();
});

afterAll(async () => {
  await cluster?.stop();
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
});

describe('hpa list -A over the fixture of every metric type', () => {
  it('covers every metric type the fixture has', () => {
    const types = new Set(items.flatMap((i) => i.metrics.map((m) => m.type)));
    expect([...types].sort()).toEqual(['ContainerResource', 'External', 'Object', 'Pods', 'Resource']);
  });

  it('every HPA computes and agrees with the status the fixture carries', () => {
    expect(items).toHaveLength(12);
    for (const item of items) {
      expect(item.canCompute, `${item.namespace}/${item.name}: ${JSON.stringify(item.metrics)}`).toBe(true);
      expect(item.agreesWithStatus, `${item.namespace}/${item.name}: ${item.agreement}`).toBe(true);
    }
  });
});

const kubectlPeer = needPeer(KUBECTL);
kubectlPeer.describe('kubectl get hpa -A agrees', () => {
  it('our current/target per metric is kubectl TARGETS (the status the controller wrote)', async () => {
    const theirs = await runKubectl(kubectlPeer.path!, ['get', 'hpa', '-A'], {
      home,
      kubeconfig: cluster.kubeconfigPath,
    });
    expect(theirs.stderr).toBe('');
    const key = (c: string[]) => `${c[0]}/${c[1]}`;
    const kubectlTargets = new Map(
      lines(theirs.stdout)
        .slice(1)
        .map((l) => [key(columns(l)), columns(l)[3]]),
    );
    const ours = new Map(
      lines(table)
        .slice(1)
        .map((l) => [key(columns(l)), columns(l)[3]]),
    );
    expect(ours.size).toBe(12);
    for (const [name, targets] of ours) {
      // kubectl prints "a/b, c/d"; ours adds "→proposal" per metric and the metric names are the same.
      const stripped = targets!.replace(/→\d+/g, '');
      expect(stripped, name).toBe(kubectlTargets.get(name)!.replace(/ \+ \d+ more\.\.\./, ''));
    }
  });
});
