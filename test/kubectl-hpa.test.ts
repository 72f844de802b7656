/**
 * Fidelity check for the HPA side of kubemetrics/testing: the real kubectl reads the demo cluster's
 * HorizontalPodAutoscalers (autoscaling/v2), Deployments, ReplicaSets and StatefulSets, the scale
 * subresource and the aggregated custom metrics API, and what it prints is compared with what the
 * objects say. Needs kubectl (test/helpers/peers.ts: fails in CI without it, skipped elsewhere).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  labelSelectorFromWire,
  type HorizontalPodAutoscaler,
  type MetricSpec,
  type MetricStatus,
} from '../src/api/index.js';
import { mountMetricsApis } from '../src/cli/demo-metrics-api.js';
import { DEMO_HPAS, demoCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { columns, lines, runKubectl, type ProcessResult } from './helpers/kubectl.js';
import { KUBECTL, needPeer } from './helpers/peers.js';

const kubectlPeer = needPeer(KUBECTL);
const fixture = demoCluster();
let cluster: TestCluster;
let home: string;

function run(args: string[]): Promise<ProcessResult> {
  return runKubectl(kubectlPeer.path!, args, { home, kubeconfig: cluster.kubeconfigPath });
}

const hpaNamed = (name: string): HorizontalPodAutoscaler =>
  fixture.horizontalPodAutoscalers.find((h) => h.metadata.name === name)!;

/**
 * What TARGETS shows for one metric of the demo's kinds, from the spec and the status numbers
 * (printers.go formatHPAMetrics: `<name>: current/target` for resources, `<unknown>` without a status).
 */
function expectedTarget(spec: MetricSpec, status: MetricStatus | undefined): string {
  if (spec.type === 'Pods')
    return `${status?.pods?.current.averageValue ?? '<unknown>'}/${spec.pods!.target.averageValue!}`;
  const resource = spec.resource!;
  if (resource.target.type === 'Utilization') {
    const current = status?.resource?.current.averageUtilization;
    return `${resource.name}: ${current === undefined ? '<unknown>' : `${current}%`}/${resource.target.averageUtilization!}%`;
  }
  return `${resource.name}: ${status?.resource?.current.averageValue ?? '<unknown>'}/${resource.target.averageValue!}`;
}

kubectlPeer.describe('kubectl against the test cluster: HPAs and workloads', () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubemetrics-kubectl-hpa-home-'));
    cluster = await startTestCluster(fixture);
    mountMetricsApis(cluster, fixture);
  });

  afterAll(async () => {
    await cluster?.stop();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  it('get hpa -A prints the server-side Table: reference, targets, min/max pods, replicas', async () => {
    for (const wide of [false, true]) {
      const result = await run(['get', 'hpa', '-A', ...(wide ? ['-o', 'wide'] : [])]);
      expect(result.stderr).toBe('');
      const [header, ...rows] = lines(result.stdout);
      // HPAs have no wide-only columns: -o wide prints the same.
      expect(columns(header!)).toEqual([
        'NAMESPACE',
        'NAME',
        'REFERENCE',
        'TARGETS',
        'MINPODS',
        'MAXPODS',
        'REPLICAS',
        'AGE',
      ]);
      expect(rows).toHaveLength(fixture.horizontalPodAutoscalers.length);
      for (const hpa of fixture.horizontalPodAutoscalers) {
        const row = rows.map(columns).find((c) => c[1] === hpa.metadata.name)!;
        const metrics = hpa.spec.metrics ?? [];
        expect(row.slice(0, 7)).toEqual([
          hpa.metadata.namespace,
          hpa.metadata.name,
          `${hpa.spec.scaleTargetRef.kind}/${hpa.spec.scaleTargetRef.name}`,
          metrics.map((m, i) => expectedTarget(m, hpa.status?.currentMetrics?.[i])).join(', '),
          String(hpa.spec.minReplicas),
          String(hpa.spec.maxReplicas),
          String(hpa.status!.currentReplicas),
        ]);
      }
    }
    const stuck = hpaNamed(DEMO_HPAS.stuck);
    expect((await run(['get', 'hpa', DEMO_HPAS.stuck, '-n', stuck.metadata.namespace!])).stdout).toContain(
      'cpu: <unknown>/70%',
    );
  });

  it('describe hpa shows the stuck HPA: unknown metric, 0 desired, the conditions and the Warning events', async () => {
    const hpa = hpaNamed(DEMO_HPAS.stuck);
    const result = await run(['describe', 'hpa', DEMO_HPAS.stuck, '-n', hpa.metadata.namespace!]);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toMatch(new RegExp(`^Reference:\\s+Deployment/${hpa.spec.scaleTargetRef.name}$`, 'm'));
    expect(out).toMatch(/resource cpu on pods \s*\(as a percentage of request\):\s+<unknown> \/ 70%/);
    expect(out).toMatch(new RegExp(`Deployment pods:\\s+${hpa.status!.currentReplicas} current / 0 desired`));
    for (const c of hpa.status!.conditions!)
      expect(out).toMatch(
        new RegExp(
          `^\\s+${c.type}\\s+${c.status}\\s+${c.reason}\\s+${c.message!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
          'm',
        ),
      );
    for (const event of fixture.events!) {
      expect(out).toMatch(
        new RegExp(
          `Warning\\s+${event.reason}\\s+\\S+ \\(x${event.count} over \\S+\\)\\s+horizontal-pod-autoscaler\\s+`,
        ),
      );
    }
  });

  it('describe hpa shows each metric of a working HPA with the numbers of its status', async () => {
    for (const name of [DEMO_HPAS.cpu, DEMO_HPAS.custom]) {
      const hpa = hpaNamed(name);
      const result = await run(['describe', 'hpa', name, '-n', hpa.metadata.namespace!]);
      expect(result.code).toBe(0);
      const out = result.stdout;
      hpa.spec.metrics!.forEach((spec, i) => {
        const current = hpa.status!.currentMetrics![i]!;
        if (spec.type === 'Pods') {
          expect(out).toContain(
            `"${spec.pods!.metric.name}" on pods:  ${current.pods!.current.averageValue!} / ${spec.pods!.target.averageValue!}`,
          );
        } else if (spec.resource!.target.type === 'Utilization') {
          const c = current.resource!.current;
          expect(out).toMatch(
            new RegExp(
              `resource ${spec.resource!.name} on pods \\s*\\(as a percentage of request\\):\\s+${c.averageUtilization}% \\(${c.averageValue}\\) / ${spec.resource!.target.averageUtilization}%`,
            ),
          );
        } else {
          expect(out).toMatch(
            new RegExp(
              `resource ${spec.resource!.name} on pods:\\s+${current.resource!.current.averageValue} / ${spec.resource!.target.averageValue}`,
            ),
          );
        }
      });
      const { currentReplicas, desiredReplicas } = hpa.status!;
      expect(out).toMatch(
        new RegExp(`Deployment pods:\\s+${currentReplicas} current / ${desiredReplicas} desired`),
      );
      expect(out).toMatch(/^\s+ScalingActive\s+True\s+ValidMetricFound\s/m);
    }
  });

  it('get deploy,rs,sts prints every workload with counts from its status', async () => {
    const result = await run(['get', 'deploy,rs,sts', '-A', '-o', 'wide']);
    expect(result.stderr).toBe('');
    const out = lines(result.stdout).map(columns);
    const row = (kind: string, ns: string | undefined, name: string | undefined) =>
      out.find((c) => c[0] === ns && c[1] === `${kind}/${name}`);
    for (const d of fixture.deployments) {
      const s = d.status!;
      expect(row('deployment.apps', d.metadata.namespace, d.metadata.name)?.slice(2, 5)).toEqual([
        `${s.readyReplicas}/${d.spec.replicas}`,
        String(s.updatedReplicas),
        String(s.availableReplicas),
      ]);
    }
    for (const rs of fixture.replicaSets) {
      const r = row('replicaset.apps', rs.metadata.namespace, rs.metadata.name)!;
      expect(r.slice(2, 5)).toEqual([
        String(rs.spec.replicas),
        String(rs.status!.replicas),
        String(rs.status!.readyReplicas),
      ]);
      expect(r.at(-1)).toBe(labelSelectorFromWire(rs.spec.selector).toString());
    }
    for (const s of fixture.statefulSets)
      expect(row('statefulset.apps', s.metadata.namespace, s.metadata.name)?.[2]).toBe(
        `${s.status!.readyReplicas}/${s.spec.replicas}`,
      );
  });

  it('get --raw reads the scale subresource and the custom metric the HPA reads through the aggregated API', async () => {
    const hpa = hpaNamed(DEMO_HPAS.custom);
    const namespace = hpa.metadata.namespace!;
    const target = fixture.deployments.find(
      (d) => d.metadata.namespace === namespace && d.metadata.name === hpa.spec.scaleTargetRef.name,
    )!;
    const scale = await run([
      'get',
      '--raw',
      `/apis/apps/v1/namespaces/${namespace}/deployments/${target.metadata.name}/scale`,
    ]);
    const parsed = JSON.parse(scale.stdout) as {
      spec: { replicas: number };
      status: { replicas: number; selector: string };
    };
    expect(parsed.spec.replicas).toBe(target.spec.replicas);
    expect(parsed.status).toEqual({
      replicas: target.status!.replicas,
      selector: labelSelectorFromWire(target.spec.selector).toString(),
    });

    const metric = hpa.spec.metrics![0]!.pods!.metric.name;
    const path = `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${namespace}/pods/*/${metric}?labelSelector=${encodeURIComponent(parsed.status.selector)}`;
    const answer = JSON.parse((await run(['get', '--raw', path])).stdout) as {
      items: { describedObject: { name: string }; value: string }[];
    };
    const expected = fixture.customMetrics.filter((m) => m.namespace === namespace && m.metric === metric);
    expect(answer.items.map((i) => `${i.describedObject.name}=${i.value}`).sort()).toEqual(
      expected.map((m) => `${m.name}=${m.value}`).sort(),
    );
    const resources = await run(['api-resources', '--api-group=autoscaling']);
    expect(lines(resources.stdout).map(columns)[1]).toEqual([
      'horizontalpodautoscalers',
      'hpa',
      'autoscaling/v2',
      'true',
      'HorizontalPodAutoscaler',
    ]);
  });
});
