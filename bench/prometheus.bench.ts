/**
 * The Prometheus provider against a real Prometheus (Debian's, on 127.0.0.1) holding 50,000
 * synthetic series over 5,000 pods (bench/prometheus-data.ts, backfilled with promtool):
 *
 * - discovery: time of one full discovery, and memory: heap retained afterwards and the peak heap
 *   growth while it streams the series answers, next to reading the same answers whole
 *   (`JSON.parse` of /api/v1/series, what a non-streaming client holds at once);
 * - latency of `pods/*` for the 500 pods of one namespace (label selector resolved by the server's
 *   object lister, as for an HPA) through our API server, against the same PromQL sent straight to
 *   Prometheus: p50/p99 over sequential requests, with the 5 s query cache off (our real
 *   overhead) and on.
 *
 * Target (issue 6): p50 overhead under 5 ms. Skipped when prometheus/promtool are not installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { createMetricsApiServer, StaticObjectLister } from '../src/apiserver/index.js';
import { loadAdapterConfig, PrometheusProvider } from '../src/providers/prometheus/index.js';
import { hasPrometheus, sampleWindow, startPrometheus } from '../test/helpers/prometheus.js';
import { syntheticPodSeries } from './prometheus-data.js';

type Row = Record<string, string | number | undefined>;

const PODS = 5_000;
const SERIES_PER_POD = 10;
const NAMESPACES = 10; // 500 pods per namespace
const REQUESTS = 300;

const RULES = `
rules:
- seriesQuery: '{__name__=~"^http_requests_total$",namespace!="",pod!=""}'
  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}
  name: {matches: "^(.*)_total$"}
  metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)
- seriesQuery: '{__name__=~"queue_depth|process_open_fds",namespace!=""}'
  resources: {template: <<.Resource>>}
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)
- seriesQuery: '{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}'
  resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}
  name: {matches: "^container_(.*)_seconds_total$"}
  metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)
`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface Target {
  readonly label: string;
  readonly url: string;
  readonly init: { method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string> };
}

async function timeInterleaved(targets: readonly Target[]): Promise<{ p50: number; p99: number }[]> {
  const times: number[][] = targets.map(() => []);
  for (let round = 0; round < REQUESTS + 20; round++)
    for (const [i, target] of targets.entries()) {
      const started = performance.now();
      const response = await request(target.url, {
        method: target.init.method ?? 'GET',
        body: target.init.body,
        headers: target.init.headers,
      });
      const text = await response.body.text();
      if (response.statusCode !== 200)
        throw new Error(`${target.url}: HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
      if (round >= 20) times[i]?.push(performance.now() - started); // 20 rounds warm up
    }
  return times.map((t) => {
    t.sort((a, b) => a - b);
    return { p50: percentile(t, 50), p99: percentile(t, 99) };
  });
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

/** Runs `fn` while sampling heap use; returns the peak growth over the starting heap. */
async function peakHeapDuring<T>(fn: () => Promise<T>): Promise<{ value: T; peak: number }> {
  gc();
  const start = process.memoryUsage().heapUsed;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { value, peak: peak - start };
  } finally {
    clearInterval(timer);
  }
}

export async function run(): Promise<Row[]> {
  if (!hasPrometheus()) return [{ note: 'skipped: /usr/bin/prometheus and promtool are not installed' }];
  const data = syntheticPodSeries({
    pods: PODS,
    seriesPerPod: SERIES_PER_POD,
    namespaces: NAMESPACES,
    window: sampleWindow({ durationMs: 360_000, futureMs: 600_000 }),
  });
  const prometheus = await startPrometheus({ series: data.write });
  const dir = mkdtempSync(join(tmpdir(), 'kubemetrics-bench-prom-'));
  const rows: Row[] = [];
  try {
    rows.push({
      measure: 'Prometheus data',
      value: `${data.seriesCount.toLocaleString('en-US')} series, ${data.sampleCount.toLocaleString('en-US')} samples`,
      note: `write ${Math.round(prometheus.timings.writeMs)} ms, promtool ${Math.round(prometheus.timings.backfillMs)} ms, start ${Math.round(prometheus.timings.startMs)} ms`,
    });
    const rulesFile = join(dir, 'rules.yaml');
    writeFileSync(rulesFile, RULES);
    const config = loadAdapterConfig(rulesFile);

    // Discovery: three runs, the median time; memory of the last.
    const provider = new PrometheusProvider({
      connection: { url: prometheus.url, timeoutMs: 60_000 },
      config,
      queryCacheTtlMs: 0,
    });
    const times: number[] = [];
    let discovery = await provider.refresh();
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      discovery = await provider.refresh();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const seriesSeen = discovery.stats.reduce((n, s) => n + s.series, 0);
    rows.push({
      measure: 'discovery (3 seriesQuery calls, median of 3)',
      value: `${Math.round(times[1] ?? NaN)} ms`,
      note: `${seriesSeen.toLocaleString('en-US')} series read, ${discovery.customInfos.length} metrics kept`,
    });
    // Memory: what discovery keeps (a fresh provider, measured after GC), and its peak while it
    // streams; against keeping the parsed series answers, which is what a registry of series holds.
    gc();
    const before = process.memoryUsage().heapUsed;
    const fresh = new PrometheusProvider({ connection: { url: prometheus.url, timeoutMs: 60_000 }, config });
    const streamed = await peakHeapDuring(() => fresh.refresh());
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    let kept: unknown[] = [];
    const whole = await peakHeapDuring(async () => {
      for (const rule of config.rules) {
        const url = `${prometheus.url}/api/v1/series?${new URLSearchParams({ 'match[]': rule.seriesQuery, start: String(Date.now() / 1000 - 600) }).toString()}`;
        const response = await request(url);
        kept.push(JSON.parse(await response.body.text()));
      }
      return kept.length;
    });
    gc();
    const wholeRetained = process.memoryUsage().heapUsed - before - retained;
    kept = [];
    rows.push({
      measure: 'discovery: heap kept afterwards (ours)',
      value: `${mb(retained)} MB`,
      note: `keeping the parsed series instead: ${mb(wholeRetained)} MB`,
    });
    rows.push({
      measure: 'discovery: peak heap growth while streaming (ours)',
      value: `${mb(streamed.peak)} MB`,
      note: `reading the answers whole: ${mb(whole.peak)} MB (garbage not yet collected counts in both)`,
    });
    await fresh.stop();
    gc();
    rows.push({ measure: 'process RSS after discovery', value: `${mb(process.memoryUsage().rss)} MB` });

    // Latency: pods/* over one namespace's 500 pods, selected by label as an HPA would.
    const namespace = data.namespaces[0] ?? 'ns-0';
    const pods = data.pods.filter((p) => p.namespace === namespace);
    const lister = new StaticObjectLister(
      pods.map((p) => ({
        groupResource: { group: '', resource: 'pods' },
        namespace,
        name: p.name,
        labels: { app: 'bench', tier: p.app },
      })),
    );
    const names = pods.map((p) => p.name);
    const direct = `sum(rate(http_requests_total{namespace="${namespace}",pod=~"${names.join('|')}"}[2m])) by (pod)`;
    const path = `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${namespace}/pods/*/http_requests?labelSelector=app%3Dbench`;
    const variants = [
      ['our server, cache off, one query', { queryCacheTtlMs: 0, maxRegexLength: 1_000_000 }],
      ['our server, cache off, regex batches of 2,000 chars (default)', { queryCacheTtlMs: 0 }],
      ['our server, 5 s cache (default), batches', {}],
    ] as const;
    const targets: Target[] = [
      {
        label: `PromQL straight to Prometheus (${pods.length} pods, one regex)`,
        url: `${prometheus.url}/api/v1/query`,
        init: {
          method: 'POST',
          body: new URLSearchParams({ query: direct }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
      },
    ];
    const cleanups: (() => Promise<void>)[] = [];
    for (const [label, options] of variants) {
      const served = new PrometheusProvider({
        connection: { url: prometheus.url, timeoutMs: 60_000 },
        config,
        ...options,
      });
      await served.start();
      const server = createMetricsApiServer({ providers: { custom: served }, objectLister: lister });
      const { url } = await server.listen();
      const check = await request(`${url}${path}`);
      const items = ((await check.body.json()) as { items: unknown[] }).items.length;
      targets.push({ label: `${label} (${items} values)`, url: `${url}${path}`, init: {} });
      cleanups.push(async () => {
        await server.close();
        await served.stop();
      });
    }
    // Interleaved: every round times each target once, so load changes hit all of them alike.
    const results = await timeInterleaved(targets);
    const baseline = results[0]?.p50 ?? NaN;
    results.forEach((result, i) =>
      rows.push({
        measure: targets[i]?.label,
        p50: `${result.p50.toFixed(2)} ms`,
        p99: `${result.p99.toFixed(2)} ms`,
        'p50 overhead': i === 0 ? undefined : `${(result.p50 - baseline).toFixed(2)} ms`,
      }),
    );
    for (const cleanup of cleanups) await cleanup();
    await provider.stop();
  } finally {
    await prometheus.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
