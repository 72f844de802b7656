/**
 * The test cluster's apps/v1 workloads and autoscaling/v2 HPAs over real HTTPS: discovery with
 * short names and subresources, the `scale` subresource as kube-apiserver answers it
 * (pkg/registry/apps/deployment/storage/storage.go scaleFromDeployment: selector as a string), the
 * HPA `status` subresource, watches fed by upsertObject, and the workloads derived from the
 * fixture's pods agreeing with those pods.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   Response bodies are decoded JSON asserted structurally with expect(). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelSelectorFromWire, parseLabelSelector, type HorizontalPodAutoscaler } from '../src/api/index.js';
import { mountMetricsApis } from '../src/cli/demo-metrics-api.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { httpsGet } from './helpers/https.js';

const fixture = buildCluster({ nodes: 8, podsPerNode: 12, seed: 21, namespaces: 3, pendingPods: 2, hpas: 6 });
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster(fixture);
  mountMetricsApis(cluster, fixture);
});
afterAll(async () => {
  await cluster?.stop();
});

async function get(
  path: string,
  options: { method?: string; accept?: string } = {},
): Promise<{ status: number; json: any }> {
  const answer = await httpsGet(`${cluster.url}${path}`, {
    ca: cluster.caPem!,
    method: options.method,
    headers: {
      authorization: `Bearer ${cluster.credentials().token!}`,
      ...(options.accept === undefined ? {} : { accept: options.accept }),
    },
  });
  return { status: answer.status, json: answer.body === '' ? undefined : JSON.parse(answer.body) };
}

describe('discovery', () => {
  it('lists apps/v1 and autoscaling/v2 with short names, categories and subresources', async () => {
    const apps = (await get('/apis/apps/v1')).json;
    const byName = new Map(apps.resources.map((r: any) => [r.name, r]));
    expect(byName.get('deployments')).toMatchObject({
      kind: 'Deployment',
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect(byName.get('replicasets')).toMatchObject({ kind: 'ReplicaSet', shortNames: ['rs'] });
    expect(byName.get('statefulsets')).toMatchObject({ kind: 'StatefulSet', shortNames: ['sts'] });
    for (const resource of ['deployments', 'replicasets', 'statefulsets'])
      expect(byName.get(`${resource}/scale`)).toMatchObject({
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
      });
    const autoscaling = (await get('/apis/autoscaling')).json;
    expect(autoscaling.preferredVersion.version).toBe('v2');
    const v2 = (await get('/apis/autoscaling/v2')).json;
    expect(v2.resources.map((r: any) => r.name)).toEqual([
      'horizontalpodautoscalers',
      'horizontalpodautoscalers/status',
    ]);
    expect(v2.resources[0]).toMatchObject({
      shortNames: ['hpa'],
      categories: ['all'],
      kind: 'HorizontalPodAutoscaler',
    });
  });
});

describe('workloads derived from the fixture pods', () => {
  it('every ReplicaSet selects exactly the pods it owns, and its Deployment owns it', () => {
    expect(fixture.replicaSets.length).toBeGreaterThan(0);
    for (const rs of fixture.replicaSets) {
      const selector = labelSelectorFromWire(rs.spec.selector);
      const selected = fixture.pods.filter(
        (p) => p.metadata.namespace === rs.metadata.namespace && selector.matches(p.metadata.labels),
      );
      const owned = fixture.pods.filter((p) =>
        p.metadata.ownerReferences?.some((o) => o.uid === rs.metadata.uid),
      );
      expect(selected.map((p) => p.metadata.name).sort()).toEqual(owned.map((p) => p.metadata.name).sort());
      expect(rs.spec.replicas).toBe(owned.length);
      const owner = rs.metadata.ownerReferences?.[0];
      const deployment = fixture.deployments.find((d) => d.metadata.uid === owner?.uid);
      expect(deployment?.metadata.name).toBe(owner?.name);
      expect(rs.metadata.name).toBe(
        `${deployment!.metadata.name}-${rs.metadata.labels!['pod-template-hash']}`,
      );
    }
  });

  it('Deployment and StatefulSet status counts agree with their pods (Pending pods are not ready)', () => {
    for (const d of [...fixture.deployments, ...fixture.statefulSets]) {
      const selector = labelSelectorFromWire(d.spec.selector);
      const pods = fixture.pods.filter(
        (p) => p.metadata.namespace === d.metadata.namespace && selector.matches(p.metadata.labels),
      );
      const ready = pods.filter((p) =>
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      expect(d.status?.replicas).toBe(pods.length);
      expect(d.status?.readyReplicas).toBe(ready.length);
    }
    expect(fixture.deployments.some((d) => d.status!.readyReplicas! < d.status!.replicas!)).toBe(true);
  });
});

describe('the scale subresource', () => {
  it.each(['deployments', 'replicasets', 'statefulsets'] as const)(
    '%s/scale answers an autoscaling/v1 Scale whose selector selects the workload pods',
    async (resource) => {
      const list =
        resource === 'deployments'
          ? fixture.deployments
          : resource === 'replicasets'
            ? fixture.replicaSets
            : fixture.statefulSets;
      const workload = list[0]!;
      const { namespace, name } = workload.metadata;
      const stored = (await get(`/apis/apps/v1/namespaces/${namespace}/${resource}/${name}`)).json;
      const scale = await get(`/apis/apps/v1/namespaces/${namespace}/${resource}/${name}/scale`);
      expect(scale.status).toBe(200);
      expect(scale.json).toEqual({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: {
          name,
          namespace,
          uid: stored.metadata.uid,
          resourceVersion: stored.metadata.resourceVersion,
          creationTimestamp: stored.metadata.creationTimestamp,
        },
        spec: { replicas: workload.spec.replicas },
        status: { replicas: workload.status!.replicas, selector: expect.any(String) },
      });
      // The string form parses back to the same selector (what the HPA controller does with it).
      const parsed = parseLabelSelector(scale.json.status.selector);
      expect(parsed.toString()).toBe(labelSelectorFromWire(workload.spec.selector).toString());
    },
  );

  it('is read-only, 404 for a missing workload, 404 for an unknown subresource', async () => {
    const d = fixture.deployments[0]!;
    const base = `/apis/apps/v1/namespaces/${d.metadata.namespace}/deployments`;
    expect((await get(`${base}/${d.metadata.name}/scale`, { method: 'PUT' })).status).toBe(405);
    const missing = await get(`${base}/no-such/scale`);
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe('deployments.apps "no-such" not found');
    expect((await get(`${base}/${d.metadata.name}/rollback`)).status).toBe(404);
  });
});

describe('HorizontalPodAutoscalers', () => {
  const hpa: HorizontalPodAutoscaler = {
    metadata: { name: 'web', namespace: 'sandbox' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
    status: {
      currentReplicas: 3,
      desiredReplicas: 3,
      currentMetrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: 64, averageValue: '160m' } },
        },
      ],
    },
  };

  it('upsertObject feeds a watch, then get, status and the Table serve the object', async () => {
    const watch = await startWatch(
      cluster,
      '/apis/autoscaling/v2/namespaces/sandbox/horizontalpodautoscalers?watch=true',
    );
    cluster.upsertObject('HorizontalPodAutoscaler', hpa);
    const event = await watch.next();
    watch.close();
    expect(event).toMatchObject({
      type: 'ADDED',
      object: { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', metadata: { name: 'web' } },
    });

    const one = (await get('/apis/autoscaling/v2/namespaces/sandbox/horizontalpodautoscalers/web')).json;
    expect(one.spec).toEqual(hpa.spec);
    const status = (await get('/apis/autoscaling/v2/namespaces/sandbox/horizontalpodautoscalers/web/status'))
      .json;
    expect(status).toEqual(one);
    const table = (
      await get('/apis/autoscaling/v2/namespaces/sandbox/horizontalpodautoscalers', {
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      })
    ).json;
    expect(table.rows.map((r: any) => r.cells.slice(0, 6))).toEqual([
      ['web', 'Deployment/web', 'cpu: 64%/70%', '2', 8, 3],
    ]);

    cluster.deleteObject('HorizontalPodAutoscaler', 'sandbox', 'web');
    expect((await get('/apis/autoscaling/v2/namespaces/sandbox/horizontalpodautoscalers/web')).status).toBe(
      404,
    );
  });
});

/** A watch stream read event by event. */
async function startWatch(
  c: TestCluster,
  path: string,
): Promise<{ next: () => Promise<any>; close: () => void }> {
  const { request } = await import('node:https');
  const queue: any[] = [];
  const waiting: ((event: any) => void)[] = [];
  let buffer = '';
  const req = request(`${c.url}${path}`, {
    ca: c.caPem,
    headers: { authorization: `Bearer ${c.credentials().token!}` },
  });
  await new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const event = JSON.parse(buffer.slice(0, newline));
          buffer = buffer.slice(newline + 1);
          const waiter = waiting.shift();
          if (waiter === undefined) queue.push(event);
          else waiter(event);
          newline = buffer.indexOf('\n');
        }
      });
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
  return {
    next: () =>
      queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)),
    close: () => req.destroy(),
  };
}

describe('the metrics API server mounted for the fixture HPAs (mountMetricsApis)', () => {
  it('prefers custom.metrics.k8s.io v1beta2, also serves v1beta1, and lists every metric in discovery', async () => {
    const group = (await get('/apis/custom.metrics.k8s.io')).json;
    expect(group.preferredVersion.version).toBe('v1beta2');
    expect(group.versions.map((v: any) => v.version)).toEqual(['v1beta2', 'v1beta1']);
    const names = (await get('/apis/custom.metrics.k8s.io/v1beta1')).json.resources.map((r: any) => r.name);
    expect(names.sort()).toEqual(['ingresses.networking.k8s.io/requests_per_second', 'pods/http_requests']);
    const external = (await get('/apis/external.metrics.k8s.io/v1beta1')).json.resources.map(
      (r: any) => r.name,
    );
    expect(external).toEqual(['queue_messages_ready']);
  });

  it('answers each Object and External metric of the HPAs with the fixture values', async () => {
    let checked = 0;
    for (const hpa of fixture.horizontalPodAutoscalers) {
      const namespace = hpa.metadata.namespace!;
      for (const metric of hpa.spec.metrics ?? []) {
        if (metric.type === 'Object') {
          const o = metric.object!;
          const answer = await get(
            `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${namespace}/ingresses.networking.k8s.io/${o.describedObject.name}/${o.metric.name}`,
          );
          const stored = fixture.customMetrics.find(
            (m) =>
              m.namespace === namespace && m.name === o.describedObject.name && m.metric === o.metric.name,
          );
          expect(answer.json.items.map((i: any) => i.value)).toEqual([stored!.value]);
          checked++;
        }
        if (metric.type === 'External') {
          const e = metric.external!;
          const selector = labelSelectorFromWire(e.metric.selector ?? {}).toString();
          const answer = await get(
            `/apis/external.metrics.k8s.io/v1beta1/namespaces/${namespace}/${e.metric.name}?labelSelector=${encodeURIComponent(selector)}`,
          );
          const stored = fixture.externalMetrics.filter(
            (m) =>
              m.namespace === namespace && m.labels['queue'] === e.metric.selector?.matchLabels?.['queue'],
          );
          expect(answer.json.items.map((i: any) => i.value).sort()).toEqual(
            stored.map((m) => m.value).sort(),
          );
          checked++;
        }
      }
    }
    expect(checked).toBe(2);
  });
});
