/**
 * Scale sanity check (not timed-asserted): a test cluster holding 5,000 nodes and 150,000 pods
 * pages through every pod with limit=500, each page O(limit), and the list stays complete, ordered
 * and duplicate-free. Timings are printed for the record.
 */
import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Node, Pod } from '../src/api/index.js';
import { startTestCluster, type TestCluster } from '../src/testing/index.js';

const NODES = 5_000;
const PODS = 150_000;
let cluster: TestCluster;
let token: string;

function get(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, cluster.url),
      { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  // Small objects built in a loop: this test is about the server, not the fixture builder.
  const nodes: Node[] = [];
  for (let i = 0; i < NODES; i++) {
    nodes.push({
      metadata: { name: `node-${String(i).padStart(5, '0')}`, labels: { zone: `z${i % 3}` } },
      status: { allocatable: { cpu: '8', memory: '32Gi', pods: '110' } },
    });
  }
  const pods: Pod[] = [];
  for (let i = 0; i < PODS; i++) {
    pods.push({
      metadata: {
        name: `app-${i % 1000}-${String(i).padStart(6, '0')}`,
        namespace: `ns-${String(i % 60).padStart(2, '0')}`,
        labels: { app: `app-${i % 1000}`, tier: i % 2 === 0 ? 'web' : 'db' },
      },
      spec: {
        nodeName: `node-${String(i % NODES).padStart(5, '0')}`,
        containers: [
          {
            name: 'main',
            image: 'registry.example.com/app:1.0',
            resources: { requests: { cpu: '100m', memory: '128Mi' } },
          },
        ],
      },
      status: { phase: i % 50 === 0 ? 'Succeeded' : 'Running' },
    });
  }
  const started = performance.now();
  cluster = await startTestCluster({ nodes, pods, tls: false, metricsVersions: [] });
  token = cluster.credentials().token!;
  console.log(
    `test-cluster-perf: started with ${NODES} nodes / ${PODS} pods in ${(performance.now() - started).toFixed(0)} ms`,
  );
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

it('pages through 150,000 pods with limit=500', async () => {
  const started = performance.now();
  let continueToken: string | undefined;
  let pages = 0;
  let count = 0;
  let previous = '';
  let ordered = true;
  let firstRemaining: number | undefined;
  do {
    const path = `/api/v1/pods?limit=500${continueToken === undefined ? '' : `&continue=${encodeURIComponent(continueToken)}`}`;
    const page = JSON.parse(await get(path)) as {
      metadata: { continue?: string; remainingItemCount?: number };
      items: Pod[];
    };
    firstRemaining ??= page.metadata.remainingItemCount;
    for (const pod of page.items) {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (key <= previous) ordered = false;
      previous = key;
    }
    count += page.items.length;
    pages++;
    continueToken = page.metadata.continue;
  } while (continueToken !== undefined);
  console.log(
    `test-cluster-perf: ${count} pods in ${pages} pages (limit=500) in ${(performance.now() - started).toFixed(0)} ms`,
  );
  expect(count).toBe(PODS);
  expect(pages).toBe(PODS / 500);
  expect(ordered).toBe(true);
  expect(firstRemaining).toBe(PODS - 500);

  const filteredStart = performance.now();
  const nonTerminal = JSON.parse(
    await get(
      '/api/v1/namespaces/ns-07/pods?fieldSelector=status.phase%21%3DSucceeded&labelSelector=tier%3Ddb',
    ),
  ) as { items: Pod[] };
  console.log(
    `test-cluster-perf: one namespace with selectors in ${(performance.now() - filteredStart).toFixed(0)} ms`,
  );
  expect(nonTerminal.items.length).toBeGreaterThan(0);
  expect(
    nonTerminal.items.every((p) => p.metadata.namespace === 'ns-07' && p.status?.phase === 'Running'),
  ).toBe(true);
}, 120_000);
