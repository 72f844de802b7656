import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { startTestCluster } from '../testing/index.js';
import type { TestCluster } from '../testing/index.js';
import { isExpiredError } from './api-error.js';
import { loadKubeConfig } from './credentials.js';
import type { Connection } from './transport.js';
import { resolveConnection, watch, watchIdleTimeoutMs, WatchIdleError } from './watch.js';
import type { WatchEvent } from './watch.js';

const pod = (name: string, labels: Record<string, string> = {}): Pod => ({
  metadata: { name, namespace: 'shop', labels },
  spec: { containers: [{ name: 'app' }] },
});

let cluster: TestCluster;
let connection: Connection;

beforeAll(async () => {
  cluster = await startTestCluster({ pods: [pod('web-1', { app: 'web' }), pod('db-1', { app: 'db' })] });
  connection = resolveConnection(loadKubeConfig({ kubeconfig: cluster.kubeconfigPath, env: {} }));
});
afterAll(() => cluster.stop());

/** Collects events until `until` says stop, then aborts the watch. */
async function take(
  iterable: AsyncIterable<WatchEvent<Pod>>,
  until: (events: WatchEvent<Pod>[]) => boolean,
  controller: AbortController,
): Promise<WatchEvent<Pod>[]> {
  const events: WatchEvent<Pod>[] = [];
  for await (const event of iterable) {
    events.push(event);
    if (until(events)) controller.abort();
  }
  return events;
}

const names = (events: WatchEvent<Pod>[]): string[] =>
  events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`);

describe('watch', () => {
  it('sends the current objects as ADDED, then live changes, filtered by label selector', async () => {
    const controller = new AbortController();
    const stream = watch<Pod>(connection, {
      path: '/api/v1/namespaces/shop/pods',
      labelSelector: 'app=web',
      signal: controller.signal,
    });
    const events: WatchEvent<Pod>[] = [];
    for await (const event of stream) {
      events.push(event);
      // The stream is open once the initial state arrived: now change things.
      if (events.length === 1) {
        cluster.upsertPod(pod('db-2', { app: 'db' }));
        cluster.upsertPod(pod('web-2', { app: 'web' }));
        cluster.deletePod('shop', 'web-1');
      }
      if (events.length >= 3) controller.abort();
    }
    expect(names(events)).toEqual(['ADDED web-1', 'ADDED web-2', 'DELETED web-1']);
    expect(Number(stream.resourceVersion)).toBeGreaterThan(0);
  });

  it('resumes from the last resourceVersion when the server ends a stream (timeoutSeconds)', async () => {
    const controller = new AbortController();
    const start = await fetchResourceVersion();
    cluster.resetRequestLog();
    const watchRequests = (): number => cluster.requests.filter((r) => r.url.includes('watch=true')).length;
    const stream = watch<Pod>(connection, {
      path: '/api/v1/pods',
      resourceVersion: start,
      timeoutSeconds: 1,
      signal: controller.signal,
    });
    const done = take(stream, (events) => events.length >= 2, controller);
    cluster.upsertPod(pod('early'));
    // Once the first stream has timed out and a second one is open, a change must arrive there.
    for (let i = 0; i < 400 && watchRequests() < 2; i++) await new Promise((r) => setTimeout(r, 25));
    cluster.upsertPod(pod('late'));
    expect(names(await done)).toEqual(['ADDED early', 'ADDED late']);
    const watches = cluster.requests.filter((r) => r.url.includes('watch=true'));
    expect(watches.length).toBeGreaterThanOrEqual(2);
    // The second stream resumed exactly where the first left off, so nothing was replayed.
    expect(watches[1]?.url).toMatch(/resourceVersion=\d+/);
  });

  it('throws a 410 KubernetesApiError (isExpiredError) when the resourceVersion was compacted', async () => {
    const start = await fetchResourceVersion();
    cluster.upsertPod(pod('compacted'));
    cluster.compact();
    const stream = watch<Pod>(connection, { path: '/api/v1/pods', resourceVersion: start });
    const error = await (async () => {
      for await (const _ of stream) {
        /* no event expected */
      }
    })().catch((e: unknown) => e);
    expect(isExpiredError(error)).toBe(true);
  });

  it('ends quietly when aborted, and an HTTP error is a typed error', async () => {
    const controller = new AbortController();
    const stream = watch<Pod>(connection, { path: '/api/v1/pods', signal: controller.signal });
    // Abort on an event (the first ADDED), not after a fixed delay: on a loaded machine 100 ms can
    // pass before the stream is even open, and the test then saw no event at all.
    const done = take(stream, (events) => events.length === 1, controller);
    const events = await done;
    expect(events.length).toBeGreaterThan(0);
    expect(controller.signal.aborted).toBe(true);

    const missing = watch<Pod>(connection, { path: '/api/v1/widgets' });
    const error = await (async () => {
      for await (const _ of missing) {
        /* none */
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubemetricsError);
    expect((error as { status?: number }).status).toBe(404);
  });

  it('rejects a relative path and a second iteration', () => {
    expect(() => watch(connection, { path: 'api/v1/pods' })).toThrow(/must start with "\/"/);
    const stream = watch(connection, { path: '/api/v1/pods' });
    void stream[Symbol.asyncIterator]().return?.();
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/);
  });
});

async function fetchResourceVersion(): Promise<string> {
  const auth = await connection.authenticate();
  const { Agent } = await import('undici');
  const agent = new Agent({ connect: { ca: auth.tls.ca } });
  try {
    const response = await agent.request({
      origin: cluster.url,
      path: '/api/v1/pods?limit=1',
      method: 'GET',
      headers: auth.headers,
    });
    const list = (await response.body.json()) as { metadata: { resourceVersion: string } };
    return list.metadata.resourceVersion;
  } finally {
    await agent.close();
  }
}

describe('watch idle timeout', () => {
  it('ends a stream silent past its idle timeout with a WatchIdleError; bookmarks keep a quiet stream alive', async () => {
    const quiet = await startTestCluster({ tls: false, pods: [pod('web-1')], watchBookmarkIntervalMs: 0 });
    const chatty = await startTestCluster({ tls: false, pods: [pod('web-1')], watchBookmarkIntervalMs: 100 });
    try {
      // An idle timeout of 15 bookmark intervals: a loaded machine can deliver a bookmark hundreds
      // of ms late (400 ms, 4 intervals, was a bet it could lose). The silent stream's server
      // deadline is far beyond it, so only the idle timer can end that stream.
      const open = (target: TestCluster, timeoutSeconds: number): AsyncIterable<WatchEvent<Pod>> =>
        watch<Pod>(resolveConnection(loadKubeConfig({ kubeconfig: target.kubeconfigPath, env: {} })), {
          path: '/api/v1/pods',
          timeoutSeconds,
          idleTimeoutMs: 1500,
          resume: false,
        });
      // The current pod (ADDED), then no bookmark, no change: as good as dead after 1.5 s.
      const silent = take(open(quiet, 30), () => false, new AbortController());
      await expect(silent).rejects.toThrow(WatchIdleError);
      await expect(silent).rejects.toThrow(
        /no event or bookmark for 1.5s \(the stream's timeoutSeconds is 30\)/,
      );
      // Bookmarks every 100 ms: the stream lives until the server ends it at 2 s, cleanly.
      const events = await take(open(chatty, 2), () => false, new AbortController());
      expect(names(events.slice(0, 1))).toEqual(['ADDED web-1']);
      expect(events.length).toBeGreaterThan(5);
      expect(events.slice(1).every((e) => e.type === 'BOOKMARK')).toBe(true);
    } finally {
      await quiet.stop();
      await chatty.stop();
    }
  });

  it('derives the idle timeout from timeoutSeconds: a tenth as margin, 1 s to 30 s', () => {
    expect(watchIdleTimeoutMs(1)).toBe(2_000);
    expect(watchIdleTimeoutMs(60)).toBe(66_000);
    expect(watchIdleTimeoutMs(600)).toBe(630_000);
  });
});
