/**
 * The custom-metrics handler's memory of encoded answers belongs to one server: two servers in one
 * process asking the same provider never answer from each other's memory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseQuantity } from '../../quantity/index.js';
import type { Quantity } from '../../quantity/index.js';
import { createMetricsApiServer } from '../server.js';
import type { MetricsApiServer } from '../server.js';
import type { CustomMetricsProvider, CustomMetricValue } from '../provider/provider.js';

const NOW = new Date('2025-03-01T12:00:00Z');
const PATH =
  '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests?labelSelector=app%3Dweb';

const running: MetricsApiServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function listening(server: MetricsApiServer): Promise<string> {
  running.push(server);
  return (await server.listen()).url;
}

async function valueFrom(url: string): Promise<string> {
  const res = await fetch(url + PATH);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: { value: string }[] };
  return body.items.map((i) => i.value).join(',');
}

describe('custom metrics memo', () => {
  it('is per server: a second server encodes the answer itself, the first keeps its own', async () => {
    // One provider answering with the same array object every time: what the memo keys on. The
    // value is changed in place between the two servers' requests (a contract violation, on
    // purpose), so an answer taken from another server's memory would show the old value.
    let current: Quantity = parseQuantity('10');
    const value = {
      name: 'web-1',
      timestamp: NOW,
      get value(): Quantity {
        return current;
      },
    } satisfies CustomMetricValue;
    const answer: readonly CustomMetricValue[] = [value];
    const provider: CustomMetricsProvider = {
      listCustomMetrics: () => [
        { groupResource: { group: '', resource: 'pods' }, metric: 'http_requests', namespaced: true },
      ],
      getMetricByName: () => undefined,
      getMetricBySelector: () => answer,
    };
    const options = { providers: { custom: provider }, now: () => NOW };
    const first = await listening(createMetricsApiServer(options));
    const second = await listening(createMetricsApiServer(options));
    expect(await valueFrom(first)).toBe('10');
    current = parseQuantity('20');
    expect(await valueFrom(second)).toBe('20');
    // The first server still answers from its own memory (values are immutable by contract).
    expect(await valueFrom(first)).toBe('10');
  });
});
