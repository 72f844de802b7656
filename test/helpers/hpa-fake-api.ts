/**
 * A loopback Kubernetes API that serves HPAs, Deployments with the scale subresource, pods and
 * the three metrics APIs from a small in-memory world, and records every request: for the unit
 * tests of the HPA fetch layer and the process tests of `kubemetrics hpa` error paths.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseLabelSelector } from '../../src/api/index.js';

export type Handler = (url: URL) => { status?: number; body: unknown } | undefined;

export const NOW = Date.parse('2026-01-01T12:00:00Z');
export const LONG_AGO = '2026-01-01T11:00:00Z';

export interface World {
  hpas: Record<string, unknown>[];
  /** deployment name → replicas, selector label app=<name> */
  deployments: Record<string, { replicas: number; selector?: string }>;
  pods: Record<string, unknown>[];
  podMetrics: Record<string, unknown>[];
  customGroup?: { preferred: string; versions: string[] } | undefined;
  metricsServed?: boolean;
  objects?: Record<string, string>;
  external?: { labels: Record<string, string>; value: string }[];
}

export function hpa(
  name: string,
  namespace: string,
  target: string,
  metrics: unknown[],
  extra: Record<string, unknown> = {},
) {
  return {
    metadata: { name, namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: 1,
      maxReplicas: 10,
      metrics,
      ...extra,
    },
    status: { currentReplicas: 2, desiredReplicas: 2 },
  };
}

export const cpu = (averageUtilization: number) => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } },
});

export function pod(name: string, namespace: string, app: string, cpuRequest = '500m') {
  return {
    metadata: { name, namespace, labels: { app } },
    spec: { containers: [{ name: 'main', resources: { requests: { cpu: cpuRequest } } }] },
    status: {
      phase: 'Running',
      startTime: LONG_AGO,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: LONG_AGO }],
    },
  };
}

export function podMetric(name: string, namespace: string, app: string, cpuUsage: string) {
  return {
    metadata: { name, namespace, labels: { app } },
    timestamp: '2026-01-01T11:59:30Z',
    window: '30s',
    containers: [{ name: 'main', usage: { cpu: cpuUsage, memory: '10Mi' } }],
  };
}

const group = (name: string, versions: string[], preferred = versions[0]!) => ({
  kind: 'APIGroup',
  name,
  versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
  preferredVersion: { groupVersion: `${name}/${preferred}`, version: preferred },
});

export function serve(world: World): Handler {
  const list = (items: unknown[]) => ({ body: { metadata: { resourceVersion: '1' }, items } });
  return (url) => {
    const p = url.pathname;
    const selector = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
    const inNamespace = (ns: string | undefined) => (o: { metadata: { namespace?: string } }) =>
      ns === undefined || o.metadata.namespace === ns;
    let m: RegExpExecArray | null;
    if ((m = /^\/apis\/autoscaling\/v2(?:\/namespaces\/([^/]+))?\/horizontalpodautoscalers$/.exec(p))) {
      return list(world.hpas.filter(inNamespace(m[1]) as never));
    }
    if (p === '/apis/apps') return { body: group('apps', ['v1']) };
    if (p === '/apis/apps/v1') {
      return {
        body: {
          groupVersion: 'apps/v1',
          resources: [
            { name: 'deployments', kind: 'Deployment', namespaced: true },
            { name: 'deployments/scale', kind: 'Scale', namespaced: true },
          ],
        },
      };
    }
    if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/scale$/.exec(p))) {
      const d = world.deployments[m[2]!];
      if (d === undefined) {
        return {
          status: 404,
          body: {
            kind: 'Status',
            status: 'Failure',
            reason: 'NotFound',
            code: 404,
            message: `deployments.apps "${m[2]}" not found`,
            details: { name: m[2], group: 'apps', kind: 'deployments' },
          },
        };
      }
      return {
        body: {
          kind: 'Scale',
          spec: { replicas: d.replicas },
          status: { replicas: d.replicas, selector: d.selector ?? `app=${m[2]}` },
        },
      };
    }
    if ((m = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/pods$/.exec(p))) {
      return list(
        (world.pods as { metadata: { namespace?: string; labels?: Record<string, string> } }[])
          .filter(inNamespace(m[1]))
          .filter((o) => selector.matches(o.metadata.labels)),
      );
    }
    if (world.metricsServed !== false) {
      if (p === '/apis/metrics.k8s.io') return { body: group('metrics.k8s.io', ['v1beta1']) };
      if ((m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/pods$/.exec(p))) {
        return list(
          (world.podMetrics as { metadata: { namespace?: string; labels?: Record<string, string> } }[])
            .filter(inNamespace(m[1]))
            .filter((o) => selector.matches(o.metadata.labels)),
        );
      }
    }
    const custom = world.customGroup;
    if (custom !== undefined) {
      if (p === '/apis/custom.metrics.k8s.io')
        return { body: group('custom.metrics.k8s.io', custom.versions, custom.preferred) };
      if ((m = /^\/apis\/custom\.metrics\.k8s\.io\/(v1beta[12])\/namespaces\/([^/]+)\/(.+)$/.exec(p))) {
        const [, version, ns, rest] = m;
        const item = (kind: string, name: string, metric: string, value: string) =>
          version === 'v1beta2'
            ? {
                describedObject: { kind, namespace: ns, name },
                metric: { name: metric },
                timestamp: '2026-01-01T11:59:30Z',
                value,
              }
            : {
                describedObject: { kind, namespace: ns, name },
                metricName: metric,
                timestamp: '2026-01-01T11:59:30Z',
                value,
              };
        const pods = /^pods\/\*\/(.+)$/.exec(rest!);
        if (pods) {
          const matched = (
            world.pods as {
              metadata: { namespace?: string; name: string; labels?: Record<string, string> };
            }[]
          )
            .filter(inNamespace(ns))
            .filter((o) => selector.matches(o.metadata.labels));
          return list(matched.map((o) => item('Pod', o.metadata.name, pods[1]!, '2')));
        }
        const value = world.objects?.[rest!];
        if (value !== undefined) {
          const [resource, name, metric] = rest!.split('/');
          return list([item(resource!, name!, metric!, value)]);
        }
      }
    }
    if (p === '/apis/external.metrics.k8s.io') return { body: group('external.metrics.k8s.io', ['v1beta1']) };
    if (
      (m = /^\/apis\/external\.metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/([^/]+)$/.exec(p)) &&
      world.external !== undefined
    ) {
      return list(
        world.external
          .filter((e) => selector.matches(e.labels))
          .map((e) => ({
            metricName: m![2],
            metricLabels: e.labels,
            timestamp: '2026-01-01T11:59:30Z',
            value: e.value,
          })),
      );
    }
    return undefined;
  };
}

/** `n` HPAs in `shop`, each on its own deployment of 2 pods at 400m of 500m (80 %). */
export function cpuWorld(n: number): World {
  const world: World = { hpas: [], deployments: {}, pods: [], podMetrics: [] };
  for (let i = 0; i < n; i++) {
    const app = `web-${i}`;
    world.hpas.push(hpa(`hpa-${i}`, 'shop', app, [cpu(50)]));
    world.deployments[app] = { replicas: 2 };
    for (const j of [0, 1]) {
      world.pods.push(pod(`${app}-${j}`, 'shop', app));
      world.podMetrics.push(podMetric(`${app}-${j}`, 'shop', app, '400m'));
    }
  }
  return world;
}

/** Starts the API on 127.0.0.1; `log` collects every request line (path and query). */
export async function startFakeApi(
  handler: Handler,
): Promise<{ url: string; log: string[]; server: Server; close(): Promise<void> }> {
  const log: string[] = [];
  const server = createServer((req, res) => {
    log.push(req.url ?? '');
    const reply = handler(new URL(req.url ?? '/', 'http://x'));
    if (reply === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
      return;
    }
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
