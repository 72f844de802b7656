import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from '../api/index.js';
import type { KubemetricsError } from '../errors.js';
import { KubernetesApiError } from './api-error.js';
import { collect } from './core-lists.js';
import type { ListPage } from './core-lists.js';
import { KubeConfig } from './credentials.js';
import { MetricsClient } from './metrics-client.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

interface PagingServer {
  readonly client: MetricsClient;
  readonly queries: URLSearchParams[];
  readonly paths: string[];
}

/**
 * Serves `total` pods in pages of `limit`, continue token = next offset. `expire` lists the
 * request numbers (1-based) answered with 410 Expired, like kube-apiserver when a continue token
 * outlives etcd compaction; `fail` the ones answered with 503 (retried by the transport).
 */
async function pagingServer(
  total: number,
  options: { expire?: number[]; fail?: number[]; retries?: number } = {},
): Promise<PagingServer> {
  const queries: URLSearchParams[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    queries.push(url.searchParams);
    paths.push(url.pathname);
    const n = queries.length;
    res.setHeader('content-type', 'application/json');
    if (options.fail?.includes(n) === true) {
      res.writeHead(503);
      res.end(
        JSON.stringify({
          kind: 'Status',
          code: 503,
          reason: 'ServiceUnavailable',
          message: 'etcd leader change',
        }),
      );
      return;
    }
    if (options.expire?.includes(n) === true) {
      res.writeHead(410);
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: { continue: 'inconsistent' },
          status: 'Failure',
          code: 410,
          reason: 'Expired',
          message: 'The provided continue parameter is too old to display a consistent list result.',
        }),
      );
      return;
    }
    const limit = Number(url.searchParams.get('limit'));
    const offset = Number(url.searchParams.get('continue') ?? '0');
    const end = Math.min(total, offset + limit);
    const items: Pod[] = [];
    for (let i = offset; i < end; i++) {
      items.push({
        metadata: { name: `pod-${i}`, namespace: 'default', labels: { big: 'x'.repeat(64) } },
        spec: {
          nodeName: `node-${i % 3}`,
          containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }],
        },
      });
    }
    res.end(
      JSON.stringify({
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: {
          resourceVersion: '1000',
          ...(end < total ? { continue: String(end), remainingItemCount: total - end } : {}),
        },
        items,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    { name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: false },
    { name: 'u', token: 't' },
  );
  const client = new MetricsClient(kc, {
    retries: options.retries ?? 0,
    transport: { retryBaseDelayMs: 1 },
  });
  cleanup.push(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { client, queries, paths };
}

async function pages<U>(iterable: AsyncIterable<ListPage<U>>): Promise<ListPage<U>[]> {
  const out: ListPage<U>[] = [];
  for await (const page of iterable) out.push(page);
  return out;
}

describe('paged lists', () => {
  it('follows continue, with transform keeping only trimmed fields', async () => {
    const { client, queries } = await pagingServer(12);
    const result = await pages(
      client.listPods({
        limit: 5,
        fieldSelector: 'status.phase!=Succeeded',
        transform: (pod) => ({ name: pod.metadata.name, node: pod.spec.nodeName }),
      }),
    );
    expect(result.map((p) => p.items.length)).toEqual([5, 5, 2]);
    expect(result[0]?.items[0]).toEqual({ name: 'pod-0', node: 'node-0' });
    expect(result.map((p) => p.remainingItemCount)).toEqual([7, 2, undefined]);
    expect(result.every((p) => p.resourceVersion === '1000' && !p.restarted)).toBe(true);
    expect(queries.map((q) => q.get('continue'))).toEqual([null, '5', '10']);
    expect(queries.every((q) => q.get('fieldSelector') === 'status.phase!=Succeeded')).toBe(true);
  });

  it('sends resourceVersion on the first page only (the API rejects it with continue)', async () => {
    const { client, queries } = await pagingServer(3);
    await pages(client.listPods({ limit: 2, resourceVersion: '0' }));
    expect(queries.map((q) => q.get('resourceVersion'))).toEqual(['0', null]);
  });

  it('uses the namespaced path and the default limit of 500', async () => {
    const { client, queries, paths } = await pagingServer(1);
    await collect(client.listPods({ namespace: 'kube-system' }));
    await collect(client.listNodes());
    expect(paths).toEqual(['/api/v1/namespaces/kube-system/pods', '/api/v1/nodes']);
    expect(queries[0]?.get('limit')).toBe('500');
  });

  it('a failed page is retried by the transport (503)', async () => {
    const { client, queries } = await pagingServer(4, { fail: [2], retries: 2 });
    const items = await collect(client.listPods({ limit: 2, transform: (p) => p.metadata.name }));
    expect(items).toEqual(['pod-0', 'pod-1', 'pod-2', 'pod-3']);
    expect(queries.map((q) => q.get('continue'))).toEqual([null, '2', '2']);
  });

  it('410 Expired on a continue page throws a typed error by default', async () => {
    const { client } = await pagingServer(6, { expire: [2] });
    const seen: string[] = [];
    let caught: unknown;
    try {
      for await (const page of client.listPods({ limit: 2 }))
        seen.push(...page.items.map((p) => p.metadata.name!));
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual(['pod-0', 'pod-1']);
    expect(caught).toBeInstanceOf(KubernetesApiError);
    expect(caught).toMatchObject({ code: 'KUBEMETRICS_ERR_API', status: 410, reason: 'Expired' });
    expect((caught as KubemetricsError).hint).toContain('onExpired');
  });

  it("onExpired: 'restart' starts over, marks the page restarted and calls onRestart", async () => {
    const { client, queries } = await pagingServer(6, { expire: [3] });
    const restarts: number[] = [];
    const result = await pages(
      client.listPods({
        limit: 2,
        onExpired: 'restart',
        onRestart: ({ restarts: n }) => restarts.push(n),
        transform: (p) => p.metadata.name,
      }),
    );
    expect(result.map((p) => [p.restarted, p.items])).toEqual([
      [false, ['pod-0', 'pod-1']],
      [false, ['pod-2', 'pod-3']],
      [true, ['pod-0', 'pod-1']],
      [false, ['pod-2', 'pod-3']],
      [false, ['pod-4', 'pod-5']],
    ]);
    expect(restarts).toEqual([1]);
    expect(queries.map((q) => q.get('continue'))).toEqual([null, '2', '4', null, '2', '4']);
    // collect() drops what it had on a restart, so nothing is duplicated.
    const again = await pagingServer(6, { expire: [3] });
    expect(
      await collect(
        again.client.listPods({ limit: 2, onExpired: 'restart', transform: (p) => p.metadata.name }),
      ),
    ).toEqual(['pod-0', 'pod-1', 'pod-2', 'pod-3', 'pod-4', 'pod-5']);
  });

  it('gives up after maxRestarts', async () => {
    const { client } = await pagingServer(6, { expire: [2, 4] });
    const error = await collect(client.listPods({ limit: 2, onExpired: 'restart', maxRestarts: 1 })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ status: 410 });
  });

  it.each([0, -1, 1.5])('limit %d → ARGUMENT error', async (limit) => {
    const { client, queries } = await pagingServer(1);
    await expect(collect(client.listPods({ limit }))).rejects.toMatchObject({
      code: 'KUBEMETRICS_ERR_ARGUMENT',
    });
    expect(queries).toHaveLength(0);
  });

  it('aborting stops the iteration', async () => {
    const { client } = await pagingServer(10);
    const controller = new AbortController();
    const seen: number[] = [];
    const error = await (async () => {
      for await (const page of client.listPods({ limit: 2, signal: controller.signal })) {
        seen.push(page.items.length);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual([2]);
    expect(error).toMatchObject({ code: 'KUBEMETRICS_ERR_ABORTED' });
  });
});
