import type { ServerResponse } from 'node:http';
import { fakePrometheus, type Recorded } from '../../../test/helpers/fake-prometheus.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseAdapterConfig, type AdapterConfig } from './adapter-config.js';
import { customKey, discover, metricNameFor, type DiscoveryResult } from './discovery.js';
import { PrometheusHttp, PrometheusQueryError, PrometheusUnavailableError } from './prometheus-http.js';
import { NAMESPACES, NODES, PODS, normalizeResource } from './resource-names.js';

type Labels = Readonly<Record<string, string>>;

type SeriesAnswer = readonly Labels[] | { readonly status: number; readonly body: string };

/** Serves `/api/v1/series` from a table keyed by `match[]`; unknown queries get no series. */
function seriesHandler(answers: Readonly<Record<string, SeriesAnswer>>) {
  return (request: Recorded, response: ServerResponse): void => {
    const answer = answers[request.params.get('match[]') ?? ''] ?? [];
    if (!Array.isArray(answer)) {
      const failure = answer as { status: number; body: string };
      response.writeHead(failure.status, { 'content-type': 'application/json' });
      response.end(failure.body);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'success', data: answer }));
  };
}

function config(yaml: string): AdapterConfig {
  const { config, problems } = parseAdapterConfig(parseYaml(yaml));
  expect(problems).toEqual([]);
  return config!;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function run(
  adapterConfig: AdapterConfig,
  handler: (request: Recorded, response: ServerResponse) => void,
  signal = new AbortController().signal,
): Promise<{ result: DiscoveryResult; requests: Recorded[] }> {
  const server = await fakePrometheus(handler);
  const http = new PrometheusHttp({ url: server.url, timeoutMs: 5_000 });
  cleanups.push(server.close, () => http.close());
  const result = await discover(http, adapterConfig, { startMs: 1_700_000_000_000, signal });
  return { result, requests: server.requests };
}

const OVERRIDES = `
  resources:
    overrides:
      namespace: {resource: namespace}
      pod: {resource: pod}`;
const QUERY = `
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)`;
const HTTP_QUERY = `'{__name__=~"^http_.*",namespace!=""}'`;

const infos = (result: DiscoveryResult) =>
  result.customInfos
    .map(
      (i) =>
        `${i.groupResource.resource}${i.groupResource.group ? `.${i.groupResource.group}` : ''}/${i.metric}${i.namespaced ? ' (ns)' : ''}`,
    )
    .sort();

describe('discover', () => {
  it('asks once per distinct seriesQuery, however many rules share it', async () => {
    const rules = config(`
rules:
- seriesQuery: ${HTTP_QUERY}${OVERRIDES}
  name: {matches: "^(.*)_total$", as: "\${1}_per_second"}${QUERY}
- seriesQuery: ${HTTP_QUERY}${OVERRIDES}
  seriesFilters: [{isNot: "_total$"}]${QUERY}
- seriesQuery: ${HTTP_QUERY}${OVERRIDES}
  name: {matches: "^http_(.*)_seconds_total$"}${QUERY}
externalRules:
- seriesQuery: '{__name__="queue_depth"}'
  resources: {namespaced: false}${QUERY}
`);
    const { result, requests } = await run(
      rules,
      seriesHandler({
        [HTTP_QUERY.slice(1, -1)]: [
          { __name__: 'http_requests_total', namespace: 'shop', pod: 'web-1' },
          { __name__: 'http_request_duration_seconds_total', namespace: 'shop', pod: 'web-1' },
          { __name__: 'http_inflight', namespace: 'shop', pod: 'web-2' },
        ],
        '{__name__="queue_depth"}': [{ __name__: 'queue_depth', queue: 'orders' }],
      }),
    );
    expect(requests.map((r) => [r.method, r.path, r.params.get('match[]')])).toEqual([
      ['GET', '/api/v1/series', HTTP_QUERY.slice(1, -1)],
      ['GET', '/api/v1/series', '{__name__="queue_depth"}'],
    ]);
    expect(requests[0]?.params.get('start')).toBe('1700000000.000');
    expect(result.error).toBeUndefined();
    expect(result.stats.map((s) => [s.rule, s.series, s.names, s.metrics])).toEqual([
      ['rules[0]', 3, 3, 4],
      ['rules[1]', 3, 3, 2],
      ['rules[2]', 3, 3, 2],
      ['externalRules[0]', 1, 1, 1],
    ]);
    expect(infos(result)).toEqual([
      'namespaces/http_inflight',
      'namespaces/http_request_duration_seconds_per_second',
      'namespaces/http_requests_per_second',
      'namespaces/request_duration',
      'pods/http_inflight (ns)',
      'pods/http_request_duration_seconds_per_second (ns)',
      'pods/http_requests_per_second (ns)',
      'pods/request_duration (ns)',
    ]);
    expect(result.externalInfos).toEqual([{ metric: 'queue_depth' }]);
    expect(result.conflicts).toEqual([]);
  });

  it('applies filters and name mapping, and says what each rule dropped', async () => {
    const { result } = await run(
      config(`
rules:
- seriesQuery: ${HTTP_QUERY}${OVERRIDES}
  seriesFilters: [{is: "^http_"}, {isNot: "_bucket$"}]
  name: {matches: "^http_(.*)_total$"}${QUERY}
`),
      seriesHandler({
        [HTTP_QUERY.slice(1, -1)]: [
          { __name__: 'http_requests_total', namespace: 'a', pod: 'p' },
          { __name__: 'http_latency_bucket', namespace: 'a', pod: 'p' },
          { __name__: 'http_inflight', namespace: 'a', pod: 'p' },
          { __name__: 'grpc_calls_total', namespace: 'a', pod: 'p' },
          { __name__: 'http_requests_total', namespace: 'b', pod: 'q' },
        ],
      }),
    );
    expect(infos(result)).toEqual(['namespaces/requests', 'pods/requests (ns)']);
    const entry = result.custom.get(customKey(PODS, 'requests', true));
    expect(entry).toMatchObject({
      seriesName: 'http_requests_total',
      metric: 'requests',
      resource: PODS,
      namespaced: true,
    });
    expect(entry?.rule.path).toBe('rules[0]');
    const stats = result.stats[0]!;
    expect(stats).toMatchObject({ series: 5, names: 4, metrics: 2, error: undefined });
    expect([...stats.filteredOut].sort()).toEqual([
      'grpc_calls_total (by rules[0].seriesFilters[0].is)',
      'http_inflight (by rules[0].name.matches)',
      'http_latency_bucket (by rules[0].seriesFilters[1].isNot)',
    ]);
  });

  it('gives namespaced metrics for the objects of a series and a root metric for its namespace', async () => {
    const { result } = await run(
      config(`
rules:
- seriesQuery: '{__name__="queue_length"}'
  resources:
    overrides:
      namespace: {resource: namespace}
      pod: {resource: pod}
      deployment: {group: apps, resource: deployment}
      node: {resource: node}${QUERY}
`),
      seriesHandler({
        '{__name__="queue_length"}': [
          { __name__: 'queue_length', namespace: 'shop', pod: 'web-1', deployment: 'web', node: 'n1' },
        ],
      }),
    );
    expect(infos(result)).toEqual([
      'deployments.apps/queue_length (ns)',
      'namespaces/queue_length',
      'nodes/queue_length',
      'pods/queue_length (ns)',
    ]);
    expect(result.custom.get(customKey(NAMESPACES, 'queue_length', false))?.resource).toBe(NAMESPACES);
    expect(result.custom.get(customKey(NODES, 'queue_length', false))?.namespaced).toBe(false);
    expect(result.custom.has(customKey(normalizeResource('apps', 'deployments'), 'queue_length', true))).toBe(
      true,
    );
  });

  it('gives root metrics for series without a namespace label', async () => {
    const { result } = await run(
      config(`
rules:
- seriesQuery: 'node_load1'
  resources: {template: <<.Resource>>}${QUERY}
`),
      seriesHandler({ node_load1: [{ __name__: 'node_load1', node: 'n1', pod: 'exporter-1' }] }),
    );
    expect(infos(result)).toEqual(['nodes/node_load1', 'pods/node_load1']);
  });

  it('with the template <<.Resource>>, takes neither instance nor job for a resource', async () => {
    const { result } = await run(
      config(`
rules:
- seriesQuery: 'up'
  resources: {template: <<.Resource>>}${QUERY}
- seriesQuery: 'scrape_samples_scraped'
  resources: {template: <<.Resource>>}${QUERY}
`),
      seriesHandler({
        up: [
          {
            __name__: 'up',
            namespace: 'shop',
            pod: 'web-1',
            instance: '10.0.0.1:8080',
            job: 'web',
            container: 'app',
          },
        ],
        scrape_samples_scraped: [
          { __name__: 'scrape_samples_scraped', instance: '10.0.0.1:8080', job: 'web' },
        ],
      }),
    );
    expect(infos(result)).toEqual(['namespaces/up', 'pods/up (ns)']);
    expect([...result.stats[1]!.withoutResources]).toEqual(['scrape_samples_scraped']);
    expect(result.stats[1]!.metrics).toBe(0);
  });

  it('reports two rules producing the same metric and serves the earlier rule, whatever the order of queries and series', async () => {
    // rules[0] and rules[2] share a query that runs first, and its first series belongs to
    // rules[2]: rules[0] still wins over both, and rules[1] over rules[2].
    const { result } = await run(
      config(`
rules:
- seriesQuery: 'shared'${OVERRIDES}
  name: {matches: "^b_(.*)$"}${QUERY}
- seriesQuery: 'other'${OVERRIDES}
  name: {matches: "^c_(.*)$"}${QUERY}
- seriesQuery: 'shared'${OVERRIDES}
  name: {matches: "^a_(.*)$"}${QUERY}
externalRules:
- seriesQuery: 'ext'
  resources: {namespaced: false}
  name: {as: "jobs"}${QUERY}
`),
      seriesHandler({
        shared: [
          { __name__: 'a_jobs', namespace: 'x', pod: 'p' },
          { __name__: 'b_jobs', namespace: 'x', pod: 'p' },
        ],
        other: [{ __name__: 'c_jobs', namespace: 'x', pod: 'p' }],
        ext: [{ __name__: 'ext_one' }, { __name__: 'ext_two' }],
      }),
    );
    expect(result.custom.get(customKey(PODS, 'jobs', true))?.rule.path).toBe('rules[0]');
    expect(result.custom.get(customKey(NAMESPACES, 'jobs', false))?.seriesName).toBe('b_jobs');
    expect(result.customInfos).toHaveLength(2);
    expect(result.conflicts).toEqual([
      'namespaces/jobs: rules[0] (series b_jobs) and rules[2] (series a_jobs); serving the first',
      'pods/jobs: rules[0] (series b_jobs) and rules[2] (series a_jobs); serving the first',
      'namespaces/jobs: rules[0] (series b_jobs) and rules[1] (series c_jobs); serving the first',
      'pods/jobs: rules[0] (series b_jobs) and rules[1] (series c_jobs); serving the first',
      'external metric jobs: externalRules[0] (series ext_one) and externalRules[0] (series ext_two); serving the first',
    ]);
    expect(result.stats.map((s) => s.metrics)).toEqual([2, 0, 0, 1]);
    expect(result.external.get('jobs')?.seriesName).toBe('ext_one');
  });

  it('records a failing seriesQuery for its rules and still runs the others', async () => {
    const { result } = await run(
      config(`
rules:
- seriesQuery: 'broken{'${OVERRIDES}${QUERY}
- seriesQuery: 'down'${OVERRIDES}${QUERY}
- seriesQuery: 'fine'${OVERRIDES}${QUERY}
`),
      seriesHandler({
        'broken{': {
          status: 400,
          body: JSON.stringify({
            status: 'error',
            errorType: 'bad_data',
            error: 'parse error: unexpected end of input',
          }),
        },
        down: { status: 503, body: 'upstream unavailable' },
        fine: [{ __name__: 'fine', namespace: 'a', pod: 'p' }],
      }),
    );
    expect(result.error).toBeInstanceOf(PrometheusQueryError);
    expect(result.stats[0]).toMatchObject({ series: 0, metrics: 0 });
    expect(result.stats[0]?.error).toContain('parse error: unexpected end of input');
    expect(result.stats[1]?.error).toContain('HTTP 503');
    expect(result.stats[2]).toMatchObject({ series: 1, metrics: 2, error: undefined });
    expect(infos(result)).toEqual(['namespaces/fine', 'pods/fine (ns)']);
  });

  it('reports an unreachable Prometheus as unavailable', async () => {
    const server = await fakePrometheus(() => undefined);
    await server.close();
    const http = new PrometheusHttp({ url: server.url, timeoutMs: 1_000 });
    cleanups.push(() => http.close());
    const result = await discover(http, config(`rules:\n- seriesQuery: up${OVERRIDES}${QUERY}`), {
      startMs: 0,
      signal: new AbortController().signal,
    });
    expect(result.error).toBeInstanceOf(PrometheusUnavailableError);
    expect(result.customInfos).toEqual([]);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('provider stopped');
    const pending = run(
      config(`rules:\n- seriesQuery: up${OVERRIDES}${QUERY}`),
      () => controller.abort(reason), // never answers
      controller.signal,
    );
    await expect(pending).rejects.toBe(reason);
  });

  it('keeps a few metrics, not the series, from a large answer', async () => {
    const names = ['node_load1', 'node_load5', 'node_load15'];
    const { result } = await run(
      config(`
rules:
- seriesQuery: '{__name__=~"node_load.*"}'
  resources:
    overrides:
      node: {resource: node}${QUERY}
`),
      (_request, response) => {
        // Streamed in many writes, as Prometheus does for a large answer.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"status":"success","data":[');
        for (let i = 0; i < 10_000; i += 500) {
          const batch = Array.from({ length: 500 }, (_, j) =>
            JSON.stringify({
              __name__: names[(i + j) % 3],
              node: `node-${i + j}`,
              instance: `10.0.${i}.${j}:9100`,
            }),
          );
          response.write(`${i === 0 ? '' : ','}${batch.join(',')}`);
        }
        response.end(']}');
      },
    );
    expect(result.stats[0]).toMatchObject({ series: 10_000, names: 3, metrics: 3 });
    expect(infos(result)).toEqual(['nodes/node_load1', 'nodes/node_load15', 'nodes/node_load5']);
    expect(result.custom.size).toBe(3);
  });
});

describe('metricNameFor', () => {
  const rule = (name: string) =>
    config(`rules:\n- seriesQuery: x${OVERRIDES}${QUERY}\n  name: ${name}`).rules[0]!;

  it('expands name.as like Go', () => {
    expect(
      metricNameFor(rule('{matches: "^(.*)_total$", as: "${1}_per_second"}'), 'http_requests_total'),
    ).toBe('http_requests_per_second');
    // `$1_per_second` reads the group named "1_per_second", which does not exist: no metric.
    expect(
      metricNameFor(rule('{matches: "^(.*)_total$", as: "$1_per_second"}'), 'http_requests_total'),
    ).toBeUndefined();
    expect(metricNameFor(rule('{matches: "^(?P<base>.*)_total$", as: "${base}_rate"}'), 'x_total')).toBe(
      'x_rate',
    );
    expect(metricNameFor(rule('{matches: "^(.*)_total$"}'), 'http_requests')).toBeUndefined();
    expect(metricNameFor(rule('{matches: "total"}'), 'http_requests_total')).toBe('total');
  });
});
