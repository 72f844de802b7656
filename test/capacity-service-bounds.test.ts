/**
 * Issue 11, "bounded work per request": one small unauthenticated GET to the report service's
 * `/api/v1/capacity` (`by=pod&resources=<2,000 made-up names>&limit=9000002`) used to build an
 * answer of hundreds of MB (297 MB from 1,500 pods). Over HTTP, against a running service, the
 * attack and its variants must be refused with a small 400 `Status`, many times over, without the
 * heap growing, and the service must keep answering. No wall-clock assertions: the request count
 * and the answer sizes are what is checked.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollectFilter, recordsFromObjects } from '../src/report/index.js';
import { MAX_CAPACITY_RESOURCES, MAX_CAPACITY_ROWS } from '../src/service/capacity-query.js';
import { StaticClusterView, startReportServer, type ReportServer } from '../src/service/index.js';
import { buildCluster } from '../src/testing/index.js';

const fixture = buildCluster({ nodes: 20, podsPerNode: 30, seed: 3 });
let server: ReportServer;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Short made-up names, so 2,000 of them fit in a request line as in the report (8.7 KB). */
const madeUp = (count: number, salt: number) =>
  Array.from({ length: count }, (_, i) => `${salt.toString(36)}${i.toString(36)}`).join(',');

describe('/api/v1/capacity refuses unbounded queries', () => {
  beforeAll(async () => {
    const records = recordsFromObjects(fixture, createCollectFilter({}));
    server = await startReportServer({ view: new StaticClusterView(records), host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server.close());

  it('the attack and its variants get a small 400 Status, 60 times, and the heap does not grow', async () => {
    const attacks = [
      // The reported request: too many columns and a limit far above the cap.
      (i: number) => `by=pod&resources=${madeUp(2000, i)}&limit=9000002`,
      // Under the column cap, but names the cluster does not have.
      (i: number) => `by=pod&resources=${madeUp(MAX_CAPACITY_RESOURCES, i)}`,
      // Real names, a limit just above the row cap.
      (i: number) => `by=pod&resources=cpu,memory&limit=${MAX_CAPACITY_ROWS + 1 + i}`,
    ];
    const before = heapAfterGc();
    let refused = 0;
    for (let i = 0; i < 20; i++) {
      for (const attack of attacks) {
        const url = `${server.url}/api/v1/capacity?${attack(i)}`;
        expect(url.length).toBeLessThan(12 * 1024);
        const res = await fetch(url);
        const body = await res.text();
        expect(res.status).toBe(400);
        expect(body.length).toBeLessThan(2048);
        const status = JSON.parse(body) as { kind: string; reason: string; message: string };
        expect(status).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
        refused++;
      }
    }
    expect(refused).toBe(60);
    // Each answer was refused before any report was built: nothing to keep, nothing left behind.
    expect(heapAfterGc() - before).toBeLessThan(8 * 1024 * 1024);
  });

  it('names the unknown resources and the names the cluster has', async () => {
    const res = await fetch(`${server.url}/api/v1/capacity?by=node&resources=CPU,memory`);
    expect(res.status).toBe(400);
    const status = (await res.json()) as { message: string };
    expect(status.message).toContain('unknown resource "CPU" (did you mean "cpu"?)');
    expect(status.message).toContain('the cluster has cpu, memory');
  });

  it('still answers a bounded query afterwards, with its row cap stated', async () => {
    const res = await fetch(`${server.url}/api/v1/capacity?by=pod&resources=cpu,memory`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; limit: number; pods: unknown[] };
    expect(body.limit).toBe(MAX_CAPACITY_ROWS);
    expect(body.pods).toHaveLength(Math.min(body.total, MAX_CAPACITY_ROWS));
  });
});
