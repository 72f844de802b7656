/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core loads it from a
 * service on a local test cluster (127.0.0.1), and the test clicks through it like a person: every
 * node is shown (one bar and one table row each), the node table sorts both ways and filters, a
 * click drills down to the node's pods, a pod added to the cluster appears within seconds, and the
 * data age badge is visible, and the HPA section lists every HPA of the fixture with its per-metric
 * numbers (from `/api/v1/hpas`). The page must not log a single console error. Screenshots go to
 * test-artifacts/ (gitignored) for people to look at.
 *
 * Needs Debian's Chromium (test/helpers/peers.ts: fails in CI without it, skipped with a notice elsewhere).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Pod } from '../src/api/index.js';
import { mountMetricsApis } from '../src/cli/demo-metrics-api.js';
import { loadKubeConfig, MetricsClient, resolveConnection } from '../src/client/index.js';
import { ClusterCache, HpaReplayLoop, startReportServer, type ReportServer } from '../src/service/index.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { CHROMIUM, needPeer } from './helpers/peers.js';

const chromiumPeer = needPeer(CHROMIUM);

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
/**
 * How long the page may take to show something: a bound that only stops a hung test. Chromium and
 * the service share a loaded 2-core CI machine, where vitest's 1 s default for expect.poll and a
 * 5 s wait are bets a render can lose with no bug.
 */
const SLOW_PAGE_MS = 15_000;

/** What `/api/v1/dashboard` answers, as far as the test reads it. */
interface DashboardNode {
  readonly name: string;
  readonly roles: readonly string[];
  readonly pods: number;
  readonly resources: Record<
    'cpu' | 'memory',
    {
      readonly requestsPercent: number | null;
      readonly limitsPercent: number | null;
      readonly usagePercent: number | null;
    }
  >;
}

/** The value of one attribute on every element a locator matches, in document order. */
async function attributes(locator: Locator, name: string): Promise<string[]> {
  const values: string[] = [];
  for (const element of await locator.all()) values.push((await element.getAttribute(name)) ?? '');
  return values;
}

/** The order the dashboard promises: by value, nodes without a value last, ties by name. */
function expectedOrder(
  nodes: readonly DashboardNode[],
  value: (n: DashboardNode) => number | string | null,
  dir: 1 | -1,
): string[] {
  return [...nodes]
    .sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x !== y) {
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : 1) * dir;
      }
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    })
    .map((n) => n.name);
}

chromiumPeer.describe('dashboard in headless Chromium (playwright-core)', () => {
  // HPAs replay at the real clock, so the fixture's pods and statuses are built at it.
  const fixture = buildCluster({
    nodes: 8,
    podsPerNode: 10,
    seed: 11,
    nodesWithoutMetrics: 1,
    hpas: 3,
    now: new Date(),
  });
  const nodeNames = fixture.nodes.map((n) => n.metadata.name!);
  let cluster: TestCluster;
  let client: MetricsClient;
  let cache: ClusterCache;
  let hpas: HpaReplayLoop;
  let server: ReportServer;
  let browser: Browser;
  let page: Page;
  /** Console errors, uncaught exceptions and failed requests of the page, for the whole run. */
  const problems: string[] = [];

  const rows = (): Locator => page.getByTestId('node-row');
  const dashboardJSON = async (): Promise<{ nodes: DashboardNode[] }> =>
    (await (await fetch(`${server.url}/api/v1/dashboard`)).json()) as { nodes: DashboardNode[] };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    cluster = await startTestCluster(fixture);
    mountMetricsApis(cluster, fixture);
    cluster.declareResources('networking.k8s.io', 'v1', [
      {
        name: 'ingresses',
        singularName: 'ingress',
        namespaced: true,
        kind: 'Ingress',
        verbs: ['get', 'list'],
      },
    ]);
    const kc = loadKubeConfig({ kubeconfig: cluster.kubeconfigPath, env: {} });
    // A list that timed out on a loaded machine would make the cache stale and the page say so.
    client = new MetricsClient(kc, { retries: 0, timeoutMs: 30_000 });
    cache = new ClusterCache({ client, connection: resolveConnection(kc), metricsIntervalMs: 30_000 });
    cache.start();
    hpas = new HpaReplayLoop({ client, intervalMs: 30_000 });
    const replayed = new Promise<void>((resolve) => hpas.onRun(resolve));
    hpas.start();
    server = await startReportServer({ view: cache, host: '127.0.0.1', port: 0, hpas });
    await replayed;
    // Waited for up to a bound that only stops a hung start (10 s was a sync a loaded machine can miss).
    const readyBy = Date.now() + 45_000;
    while (!cache.health().ready && Date.now() < readyBy) await new Promise((r) => setTimeout(r, 25));
    expect(cache.health().ready).toBe(true);

    browser = await chromium.launch({
      executablePath: chromiumPeer.path!,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (message.type() === 'error')
        problems.push(`console error: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => {
      // The event stream is cut when the browser closes; everything else must load.
      if (!request.url().endsWith('/api/v1/events'))
        problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
    });
    // A browser's Accept header (text/html first) gets the dashboard on `/`.
    const response = await page.goto(`${server.url}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await page.locator('body[data-ready="true"]').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await hpas?.stop();
    await cache?.stop();
    await client?.close();
    await cluster?.stop();
  });

  it('loads without console errors and shows every node: one bar and one table row each', async () => {
    expect(await page.title()).toContain('kubemetrics');
    const bars = page.getByTestId('node-bar');
    await expect.poll(() => bars.count(), { timeout: SLOW_PAGE_MS }).toBe(nodeNames.length);
    expect((await attributes(bars, 'data-node')).sort()).toEqual([...nodeNames].sort());
    expect((await attributes(rows(), 'data-node')).sort()).toEqual([...nodeNames].sort());
    // Each bar draws cpu and memory; the node without metrics says so instead of showing 0.
    expect(await bars.first().getByRole('img').count()).toBe(2);
    const withoutMetrics = nodeNames.filter(
      (name) => !fixture.nodeMetrics.some((m) => m.metadata.name === name),
    );
    expect(withoutMetrics).toHaveLength(1);
    await expect
      .poll(() => page.locator(`[data-testid=node-bar][data-node="${withoutMetrics[0]}"]`).textContent(), {
        timeout: SLOW_PAGE_MS,
      })
      .toContain('no metrics');
    // Cluster totals and the top namespaces / workloads tables.
    expect(await page.getByTestId('total-nodes').textContent()).toContain(String(nodeNames.length));
    expect(await page.getByTestId('total-cpu-requests').textContent()).toMatch(/\d+%/);
    expect(await page.getByTestId('namespace-row').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('workload-row').count()).toBeGreaterThan(0);
    // The data age badge: visible, a number of seconds, not stale.
    const age = page.getByTestId('data-age');
    expect(await age.isVisible()).toBe(true);
    expect(await age.textContent()).toMatch(/^data age \d+s$/);
    expect(await age.getAttribute('data-stale')).toBe('false');
    expect(problems).toEqual([]);
  });

  it('lists every HPA with its per-metric current/target -> proposal, recommendation and agreement', async () => {
    const { items } = (await (await fetch(`${server.url}/api/v1/hpas`)).json()) as {
      items: {
        namespace: string;
        name: string;
        canCompute: boolean;
        desiredReplicas?: number;
        desiredReplicasRange?: { min: number; max: number };
        metrics: { current?: string; target?: string; proposedReplicas?: number }[];
      }[];
    };
    expect(items).toHaveLength(3);
    const hpaRows = page.getByTestId('hpa-row');
    await expect.poll(() => hpaRows.count(), { timeout: SLOW_PAGE_MS }).toBe(items.length);
    expect(await page.getByTestId('hpa-message').isVisible()).toBe(false);
    expect((await attributes(hpaRows, 'data-hpa')).sort()).toEqual(
      items.map((i) => `${i.namespace}/${i.name}`).sort(),
    );
    for (const item of items) {
      const row = page.locator(`[data-testid=hpa-row][data-hpa="${item.namespace}/${item.name}"]`);
      expect(await row.getAttribute('data-can-compute')).toBe(String(item.canCompute));
      const text = (await row.textContent()) ?? '';
      for (const m of item.metrics)
        expect(text).toContain(
          `${m.current ?? '<unknown>'}/${m.target ?? '<unset>'} → ${m.proposedReplicas ?? '–'}`,
        );
      // Exact, or the range that stabilization history leaves open; never a dash for either.
      const range = item.desiredReplicasRange;
      expect(await row.getByTestId('hpa-desired').textContent()).toBe(
        range !== undefined ? `${range.min}–${range.max}` : String(item.desiredReplicas),
      );
    }
    expect(problems).toEqual([]);
  });

  it('sorts the node table by a clicked column, and reverses on a second click', async () => {
    const { nodes } = await dashboardJSON();
    const pods = (n: DashboardNode): number => n.pods;
    const cpuRequests = (n: DashboardNode): number | null => n.resources.cpu.requestsPercent;
    const memoryUsage = (n: DashboardNode): number | null => n.resources.memory.usagePercent;
    // Initially by name, ascending.
    expect(await attributes(rows(), 'data-node')).toEqual(expectedOrder(nodes, (n) => n.name, 1));

    const cases: [string, (n: DashboardNode) => number | string | null][] = [
      ['pods', pods],
      ['cpuReq', cpuRequests],
      ['memUse', memoryUsage],
    ];
    for (const [key, value] of cases) {
      const header = page.getByTestId(`sort-${key}`);
      await header.click();
      // Numbers sort fullest first...
      expect(await header.getAttribute('aria-sort')).toBe('descending');
      expect(await attributes(rows(), 'data-node'), `${key} descending`).toEqual(
        expectedOrder(nodes, value, -1),
      );
      // ...and a second click reverses (nodes without a value stay last either way).
      await header.click();
      expect(await header.getAttribute('aria-sort')).toBe('ascending');
      expect(await attributes(rows(), 'data-node'), `${key} ascending`).toEqual(
        expectedOrder(nodes, value, 1),
      );
    }
    // The rendered cells follow the order too: the pods column, after sorting by it, descending.
    await page.getByTestId('sort-pods').click();
    const cells = await rows().locator('td[data-key=pods]').allTextContents();
    const counts = cells.map(Number);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    // Names: ascending, then descending.
    await page.getByTestId('sort-name').click();
    expect(await attributes(rows(), 'data-node')).toEqual([...nodeNames].sort());
    await page.getByTestId('sort-name').click();
    expect(await attributes(rows(), 'data-node')).toEqual([...nodeNames].sort().reverse());
    await page.getByTestId('sort-name').click();
    expect(problems).toEqual([]);
  });

  it('filters the node table by name or role, case-insensitively', async () => {
    const filter = page.getByTestId('node-filter');
    await filter.fill('general');
    expect(await attributes(rows(), 'data-node')).toEqual(
      nodeNames.filter((n) => n.startsWith('general-')).sort(),
    );
    // The control-plane node by its role, typed in capitals.
    const { nodes } = await dashboardJSON();
    const controlPlane = nodes.filter((n) => n.roles.includes('control-plane')).map((n) => n.name);
    expect(controlPlane).toEqual(['control-plane-001']);
    await filter.fill('CONTROL-PLANE');
    expect(await attributes(rows(), 'data-node')).toEqual(controlPlane);
    await filter.fill('no-such-node');
    expect(await rows().count()).toBe(0);
    await filter.fill('');
    expect(await rows().count()).toBe(nodeNames.length);
    // The bars are not filtered: they are the cluster at a glance.
    expect(await page.getByTestId('node-bar').count()).toBe(nodeNames.length);
    expect(problems).toEqual([]);
  });

  it("drills down from a table row or a bar to that node's pods", async () => {
    const podsOn = (node: string): string[] =>
      fixture.pods
        .filter(
          (p) => p.spec?.nodeName === node && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
        )
        .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
        .sort();
    const drill = page.getByTestId('drill');
    expect(await drill.isVisible()).toBe(false);

    await page.locator('[data-testid=node-row][data-node="large-001"]').click();
    await expect.poll(() => drill.getAttribute('data-node'), { timeout: SLOW_PAGE_MS }).toBe('large-001');
    expect(await drill.isVisible()).toBe(true);
    const expected = podsOn('large-001');
    expect(expected.length).toBeGreaterThan(5);
    expect((await attributes(drill.getByTestId('pod-row'), 'data-pod')).sort()).toEqual(expected);
    expect(await page.getByTestId('drill-title').textContent()).toBe(
      `Pods on large-001 (${expected.length})`,
    );

    await page.locator('[data-testid=node-bar][data-node="general-002"]').click();
    await expect.poll(() => drill.getAttribute('data-node'), { timeout: SLOW_PAGE_MS }).toBe('general-002');
    expect((await attributes(drill.getByTestId('pod-row'), 'data-pod')).sort()).toEqual(
      podsOn('general-002'),
    );

    await page.getByTestId('drill-close').click();
    expect(await drill.isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });

  it('shows a pod added to the cluster as the server pushes the change (server-sent events)', async () => {
    const node = 'general-003';
    const row = page.locator(`[data-testid=node-row][data-node="${node}"]`);
    await page.locator(`[data-testid=node-bar][data-node="${node}"]`).click();
    const drill = page.getByTestId('drill');
    await expect.poll(() => drill.getAttribute('data-node'), { timeout: SLOW_PAGE_MS }).toBe(node);
    const podsBefore = Number(await row.locator('td[data-key=pods]').textContent());
    const generationBefore = Number(await page.locator('body').getAttribute('data-generation'));

    const pod: Pod = {
      metadata: { namespace: 'live', name: 'dashboard-live-1', labels: { app: 'dashboard-live' } },
      spec: {
        nodeName: node,
        containers: [
          {
            name: 'app',
            image: 'example/app:1',
            resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { memory: '256Mi' } },
          },
        ],
      },
      status: { phase: 'Running' },
    };
    const started = Date.now();
    cluster.upsertPod(pod);
    const newRow = drill.locator('[data-testid=pod-row][data-pod="live/dashboard-live-1"]');
    // With an event stream the page does not poll (dashboard.js): only a pushed change can show
    // the pod, however long a loaded machine takes, so the wait is generous and the time printed.
    await newRow.waitFor({ timeout: SLOW_PAGE_MS });
    console.log(`dashboard: the added pod showed after ${Date.now() - started} ms`);
    expect(await newRow.textContent()).toContain('500m');
    await expect
      .poll(() => row.locator('td[data-key=pods]').textContent(), { timeout: SLOW_PAGE_MS })
      .toBe(String(podsBefore + 1));
    expect(Number(await page.locator('body').getAttribute('data-generation'))).toBeGreaterThan(
      generationBefore,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-drill-down.png'), fullPage: true });

    // And gone again when deleted.
    cluster.deletePod('live', 'dashboard-live-1');
    await newRow.waitFor({ state: 'detached', timeout: SLOW_PAGE_MS });
    await expect
      .poll(() => row.locator('td[data-key=pods]').textContent(), { timeout: SLOW_PAGE_MS })
      .toBe(String(podsBefore));
    expect(problems).toEqual([]);
  }, 90_000);

  it('saves a screenshot to test-artifacts/', async () => {
    await page.getByTestId('drill-close').click();
    await page.evaluate('window.scrollTo(0, 0)');
    const file = join(ARTIFACTS, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
  });
});
