/**
 * The dashboard in a real browser: headless Chromium loads it from a service on a demo cluster,
 * runs its script, and the rendered DOM has the totals, one bar per node, the tables and a data
 * age; a screenshot is written for people to look at. Skipped (with a message) without Chromium.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeConfig, MetricsClient, resolveConnection } from '../src/client/index.js';
import { ClusterCache, startReportServer, type ReportServer } from '../src/service/index.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) =>
  existsSync(path),
);
if (CHROMIUM === undefined)
  console.warn('test/service-dashboard.test.ts: Chromium not installed (apt-get install chromium), skipping');

function chromium(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      CHROMIUM!,
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--virtual-time-budget=4000',
        ...args,
      ],
      { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : 1, stdout, stderr }),
    );
  });
}

describe.runIf(CHROMIUM !== undefined)('dashboard in headless Chromium', () => {
  let cluster: TestCluster;
  let cache: ClusterCache;
  let client: MetricsClient;
  let server: ReportServer;
  let dir: string;
  const fixture = buildCluster({ nodes: 8, podsPerNode: 10, seed: 11, nodesWithoutMetrics: 1 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubemetrics-dashboard-'));
    cluster = await startTestCluster(fixture);
    const kc = loadKubeConfig({ kubeconfig: cluster.kubeconfigPath, env: {} });
    client = new MetricsClient(kc);
    cache = new ClusterCache({ client, connection: resolveConnection(kc) });
    cache.start();
    server = await startReportServer({ view: cache, host: '127.0.0.1', port: 0 });
    for (let i = 0; i < 200 && !cache.health().ready; i++) await new Promise((r) => setTimeout(r, 25));
  });
  afterAll(async () => {
    await server.close();
    await cache.stop();
    await client.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders totals, one bar per node, the tables and the data age', async () => {
    const { stdout } = await chromium(['--dump-dom', `${server.url}/?poll=60`]);
    expect(stdout).toContain('data-ready="true"');
    expect(stdout.match(/class="node"/g)).toHaveLength(fixture.nodes.length);
    expect(stdout).toMatch(/data age \d+s/);
    expect(stdout).toContain('CPU requests');
    expect(stdout.match(/<tr class="clickable"/g)).toHaveLength(fixture.nodes.length);
  }, 40_000);

  it('takes a screenshot', async () => {
    const file = join(process.env['KUBEMETRICS_SCREENSHOT_DIR'] ?? dir, 'dashboard.png');
    await chromium([`--screenshot=${file}`, '--window-size=1400,1200', `${server.url}/?poll=60`]);
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  }, 40_000);
});
