/**
 * Providers wrapped for `/metrics`: calls, errors and latency per provider method, the time of the
 * last success, and data freshness — the age of the oldest sample timestamp in each answer (a
 * provider whose backend stopped scraping keeps answering, with older and older timestamps; this
 * gauge is what an alert watches). The wrappers change nothing else: synchronous answers stay
 * synchronous, errors are rethrown as they are.
 */
import type { MetricsProviders } from '../provider/provider.js';
import type { ServerMetrics } from './server-metrics.js';

type Method = (this: unknown, arg: never) => unknown;

function oldestTimestamp(value: unknown): number | undefined {
  let oldest: number | undefined;
  const consider = (item: unknown): void => {
    const timestamp = (item as { timestamp?: unknown } | null | undefined)?.timestamp;
    if (timestamp instanceof Date) {
      const t = timestamp.getTime();
      if (!Number.isNaN(t) && (oldest === undefined || t < oldest)) oldest = t;
    }
  };
  if (Array.isArray(value)) for (const item of value) consider(item);
  else consider(value);
  return oldest;
}

function wrap<P extends object>(
  provider: P,
  name: string,
  methods: readonly string[],
  sampled: ReadonlySet<string>,
  metrics: ServerMetrics,
): P {
  const wrapped: Record<string, unknown> = {};
  const source = provider as Record<string, unknown>;
  if (typeof source['ready'] === 'function')
    wrapped['ready'] = (source['ready'] as () => unknown).bind(provider);
  for (const method of methods) {
    const fn = source[method] as Method;
    const labels = { provider: name, method };
    const succeeded = (result: unknown, started: number): void => {
      const now = Date.now();
      metrics.providerDuration.observe(labels, (performance.now() - started) / 1000);
      metrics.lastSuccess.set({ provider: name }, now / 1000);
      if (sampled.has(method)) {
        const oldest = oldestTimestamp(result);
        metrics.sampleAge.set(
          { provider: name },
          oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000),
        );
      }
    };
    const failed = (started: number): void => {
      metrics.providerErrors.inc(labels);
      metrics.providerDuration.observe(labels, (performance.now() - started) / 1000);
    };
    wrapped[method] = (arg: never): unknown => {
      metrics.providerCalls.inc(labels);
      const started = performance.now();
      let result: unknown;
      try {
        result = fn.call(provider, arg);
      } catch (error) {
        failed(started);
        throw error;
      }
      if (typeof (result as { then?: unknown } | null)?.then === 'function')
        return Promise.resolve(result).then(
          (value) => {
            succeeded(value, started);
            return value;
          },
          (error: unknown) => {
            failed(started);
            throw error;
          },
        );
      succeeded(result, started);
      return result;
    };
  }
  return wrapped as P;
}

/** The same providers, counting into `metrics`. */
export function instrumentProviders(providers: MetricsProviders, metrics: ServerMetrics): MetricsProviders {
  const { custom, external, resource } = providers;
  return {
    custom:
      custom &&
      wrap(
        custom,
        'custom',
        ['listCustomMetrics', 'getMetricByName', 'getMetricBySelector'],
        new Set(['getMetricByName', 'getMetricBySelector']),
        metrics,
      ),
    external:
      external &&
      wrap(
        external,
        'external',
        ['listExternalMetrics', 'getExternalMetric'],
        new Set(['getExternalMetric']),
        metrics,
      ),
    resource:
      resource &&
      wrap(
        resource,
        'resource',
        ['getNodeUsage', 'getPodUsage'],
        new Set(['getNodeUsage', 'getPodUsage']),
        metrics,
      ),
  };
}
