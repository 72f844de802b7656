/**
 * The Prometheus test harness itself (test/helpers/prometheus.ts): a real Prometheus started on
 * 127.0.0.1 with backfilled data answers what the data says. PROMETHEUS_HARNESS_LARGE=1 also times
 * the provider benchmark's 5,000-pod / 50,000-series data set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPodSeries } from '../bench/prometheus-data.js';
import type { PrometheusResponse, QueryData, RunningPrometheus, SeriesData } from './helpers/prometheus.js';
import {
  counter,
  gauge,
  latestSampleAt,
  rawSeries,
  sampleWindow,
  startPrometheus,
  vectorOf,
} from './helpers/prometheus.js';
import { needPeer, PROMETHEUS } from './helpers/peers.js';

const prometheusPeer = needPeer(PROMETHEUS);

/** `{labels}: value text` of a vector answer, sorted. */
function values(response: PrometheusResponse<QueryData>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const sample of vectorOf(response)) out[JSON.stringify(sample.metric)] = sample.value[1];
  return out;
}

function only(response: PrometheusResponse<QueryData>): number {
  const samples = vectorOf(response);
  expect(samples).toHaveLength(1);
  return Number(samples[0]!.value[1]);
}

prometheusPeer.describe('Prometheus test harness', () => {
  const window = sampleWindow();
  // Samples until an hour from now: the newest sample at or before now stays within one step.
  const future = sampleWindow({ futureMs: 3_600_000 });
  const odd = [window.lastMs - 58_999, window.lastMs - 30_001, window.lastMs - 123] as const;
  const data: SeriesData[] = [
    gauge('queue_depth', { namespace: 'a', pod: 'p-1' }, 7, window),
    counter('http_requests_total', { namespace: 'a', pod: 'p-1', code: '200' }, 2.5, window),
    gauge('queue_depth', { namespace: 'a', pod: 'p-2' }, 3.25, window),
    gauge('not_a_number', { pod: 'p-1' }, NaN, window),
    counter('bytes_counted', { pod: 'p-1' }, 0.125, window),
    counter('live_requests_total', { pod: 'p-1' }, 4.75, future),
    rawSeries('odd_ms', { note: 'a "quoted" \\ value' }, [
      [odd[0], 1],
      [odd[1], -0.5],
      [odd[2], Infinity],
    ]),
  ];
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus({ series: data });
    console.log(
      `prometheus harness: ${prometheus.samples} samples, timings (ms) ${JSON.stringify(prometheus.timings)}`,
    );
  });
  afterAll(async () => {
    await prometheus?.close();
  });

  it('serves every series with its name and labels exactly as written', async () => {
    const answer = await prometheus.series('{__name__=~".+"}');
    expect(answer.status).toBe('success');
    const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());
    expect(answer.data!.map(key).sort()).toEqual(data.map((s) => key(s.labels)).sort());
    expect(prometheus.url).toBe(`http://127.0.0.1:${prometheus.port}`);
  });

  it('answers an instant query at now with the last sample, NaN included', async () => {
    expect(values(await prometheus.query('queue_depth'))).toEqual({
      [JSON.stringify({ __name__: 'queue_depth', namespace: 'a', pod: 'p-1' })]: '7',
      [JSON.stringify({ __name__: 'queue_depth', namespace: 'a', pod: 'p-2' })]: '3.25',
    });
    // The value's time is the evaluation time; timestamp() gives the sample's.
    expect(only(await prometheus.query('timestamp(queue_depth{pod="p-1"})'))).toBe(window.lastMs / 1000);
    expect(vectorOf(await prometheus.query('not_a_number'))[0]!.value[1]).toBe('NaN');
  });

  it('keeps millisecond timestamps, odd values and escaped label values', async () => {
    const answer = await prometheus.query('odd_ms[1h]');
    expect(answer.data?.resultType).toBe('matrix');
    const result = answer.data?.resultType === 'matrix' ? answer.data.result : [];
    expect(result[0]!.metric).toEqual({ __name__: 'odd_ms', note: 'a "quoted" \\ value' });
    expect(result[0]!.values.map(([t, v]) => [Math.round(t * 1000), v])).toEqual([
      [odd[0], '1'],
      [odd[1], '-0.5'],
      [odd[2], '+Inf'],
    ]);
  });

  it('gives rate(counter[5m]) = the configured rate', async () => {
    // Within 1.1 steps of the last sample: exact (float rounding aside).
    const at = new Date(window.lastMs + 10_000);
    expect(only(await prometheus.query('rate(http_requests_total[5m])', at))).toBeCloseTo(2.5, 12);
    expect(only(await prometheus.query('rate(bytes_counted[5m])', at))).toBeCloseTo(0.125, 12);
    // At now, as the provider queries: a window written into the future keeps it exact.
    const before = Date.now();
    expect(only(await prometheus.query('rate(live_requests_total[5m])'))).toBeCloseTo(4.75, 12);
    const newest = only(await prometheus.query('timestamp(live_requests_total)')) * 1000;
    expect(newest).toBeGreaterThanOrEqual(latestSampleAt(future, before)!);
    expect(newest).toBeLessThanOrEqual(latestSampleAt(future, Date.now())!);
  });

  it('stops (queries fail) and starts again on the same port with the same data', async () => {
    const { port } = prometheus;
    await prometheus.stop();
    await expect(prometheus.query('queue_depth')).rejects.toThrow(/ECONNREFUSED/);
    await prometheus.start();
    expect(prometheus.port).toBe(port);
    expect(only(await prometheus.query('queue_depth{pod="p-2"}'))).toBe(3.25);
  });

  it('refuses samples promtool would drop, and reports promtool errors', async () => {
    const t = window.lastMs;
    await expect(
      startPrometheus({
        series: [
          rawSeries('x', {}, [
            [t, 1],
            [t - 1000, 2],
          ]),
        ],
      }),
    ).rejects.toThrow(/x: sample timestamps must strictly increase/);
    await expect(
      startPrometheus({
        series: (write) => {
          write(`x 1 ${t / 1000}`);
          write(`x 2 ${t / 1000}`);
        },
      }),
    ).rejects.toThrow(/promtool stored 1 of the 2 samples/);
    await expect(startPrometheus({ series: (write) => write('x{ 1') })).rejects.toThrow(
      /create-blocks-from openmetrics failed \(exit 1\): .*expected label name/,
    );
  });
});

prometheusPeer.describe('synthetic pod series (bench/prometheus-data.ts) in Prometheus', () => {
  const data = syntheticPodSeries({ pods: 20, seriesPerPod: 12, namespaces: 3, nodes: 2, seed: 7 });
  const at = new Date(data.window.lastMs + 5_000);
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus({ series: data.write });
  });
  afterAll(async () => {
    await prometheus?.close();
  });

  it('holds every series with the values the generator reports', async () => {
    expect(prometheus.samples).toBe(data.sampleCount);
    expect(only(await prometheus.query('count({__name__=~".+"})', at))).toBe(data.seriesCount);
    const pod = data.pods[13]!;
    const selector = `namespace="${pod.namespace}",pod="${pod.name}"`;
    const usage = data.podUsage(pod);
    expect(
      only(await prometheus.query(`sum(rate(container_cpu_usage_seconds_total{${selector}}[5m]))`, at)),
    ).toBeCloseTo(usage.cpuCores, 9);
    expect(only(await prometheus.query(`sum(container_memory_working_set_bytes{${selector}})`, at))).toBe(
      usage.memoryBytes,
    );
    const specs = data.podSeries(pod);
    expect(specs).toHaveLength(12);
    for (const spec of specs) {
      const { __name__: name, ...labels } = spec.labels;
      const selected = `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',')}}`;
      const promql = spec.kind === 'counter' ? `rate(${selected}[5m])` : selected;
      expect(only(await prometheus.query(promql, at)), promql).toBeCloseTo(spec.value, 9);
    }
    const node = data.nodes[1]!;
    const nodeUsage = data.nodeUsage(node);
    expect(
      only(await prometheus.query(`rate(node_cpu_usage_seconds_total{node="${node}"}[5m])`, at)),
    ).toBeCloseTo(nodeUsage.cpuCores, 9);
    expect(only(await prometheus.query(`node_memory_working_set_bytes{node="${node}"}`, at))).toBe(
      nodeUsage.memoryBytes,
    );
  });
});

/** Opt-in (minutes of backfill): PROMETHEUS_HARNESS_LARGE=1. */
const describeLarge =
  process.env['PROMETHEUS_HARNESS_LARGE'] === '1' ? prometheusPeer.describe : describe.skip;
describeLarge('50,000 series', () => {
  it('backfills and starts', { timeout: 600_000 }, async () => {
    const data = syntheticPodSeries({ pods: 5000, seriesPerPod: 10, namespaces: 50 });
    const prometheus = await startPrometheus({ series: data.write });
    try {
      console.log(
        `prometheus harness, ${data.seriesCount} series / ${prometheus.samples} samples: timings (ms) ${JSON.stringify(prometheus.timings)}`,
      );
      const pod = data.pods[4321]!;
      const t0 = performance.now();
      const cpu = only(
        await prometheus.query(
          `sum(rate(container_cpu_usage_seconds_total{namespace="${pod.namespace}",pod="${pod.name}"}[5m]))`,
          new Date(data.window.lastMs + 5_000),
        ),
      );
      const all = await prometheus.query(
        'sum by (namespace, pod) (rate(container_cpu_usage_seconds_total[5m]))',
        new Date(data.window.lastMs + 5_000),
      );
      console.log(
        `one pod's CPU, then all ${vectorOf(all).length} pods': ${Math.round(performance.now() - t0)} ms`,
      );
      expect(cpu).toBeCloseTo(data.podUsage(pod).cpuCores, 9);
      expect(vectorOf(all)).toHaveLength(5000);
      expect(only(await prometheus.query('count({__name__=~".+"})'))).toBe(data.seriesCount);
    } finally {
      await prometheus.close();
    }
  });
});
