import { describe, expect, it } from 'vitest';
import { ServerMetrics } from './server-metrics.js';

describe('ServerMetrics', () => {
  it('renders Prometheus text: HELP/TYPE once per family, escaped labels, cumulative buckets', async () => {
    const metrics = new ServerMetrics();
    metrics.observeRequest('custom-metric', 200, 0.003);
    metrics.observeRequest('custom-metric', 200, 0.2);
    metrics.countAuthentication('front-proxy', 'success');
    metrics.addGauge('kubemetrics_apiserver_test_gauge', 'A test gauge.', ['name'], () => [
      { labels: { name: 'a"b\\c\nd' }, value: 1.5 },
    ]);
    const text = await metrics.render();
    expect(text.match(/# TYPE kubemetrics_apiserver_requests_total counter/g)).toHaveLength(1);
    expect(text).toContain('kubemetrics_apiserver_requests_total{route="custom-metric",code="200"} 2');
    expect(text).toContain(
      'kubemetrics_apiserver_request_duration_seconds_bucket{route="custom-metric",le="0.001"} 0',
    );
    expect(text).toContain(
      'kubemetrics_apiserver_request_duration_seconds_bucket{route="custom-metric",le="0.005"} 1',
    );
    expect(text).toContain(
      'kubemetrics_apiserver_request_duration_seconds_bucket{route="custom-metric",le="+Inf"} 2',
    );
    expect(text).toContain('kubemetrics_apiserver_request_duration_seconds_count{route="custom-metric"} 2');
    expect(text).toContain('kubemetrics_apiserver_test_gauge{name="a\\"b\\\\c\\nd"} 1.5');
    expect(text).toMatch(/kubemetrics_apiserver_process_resident_memory_bytes \d+/);
    // Every sample line belongs to a declared family.
    const families = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]));
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      const name = /^[a-z_]+/.exec(line)?.[0] ?? '';
      expect(
        [...families].some((f) => name === f || name.startsWith(`${f}_`)),
        line,
      ).toBe(true);
    }
  });
});
