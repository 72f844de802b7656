/**
 * The server's own metrics, served at `/metrics` in the Prometheus text format (version 0.0.4),
 * with prom-client as the report service does, on a registry of the server's own (no global
 * default registry, so two servers in one process never mix their series). Every name starts
 * with `kubemetrics_apiserver_`; labels have bounded values (route kinds, not paths; provider
 * methods, not metric names), so the series count stays small whatever clients ask.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;

/** Default histogram buckets for latencies, in seconds (1 ms to 10 s). */
export const LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** A sample as prom-client's histogram hands it to the registry: its own labels apart from `le`. */
interface HistogramSample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly sharedLabels?: Readonly<Record<string, string | number>>;
}

/**
 * A histogram whose bucket lines carry `le` after the series' own labels
 * (`{route="custom-metric",le="0.005"}`), as client_golang's text encoder writes them and as this
 * server always has; prom-client 15 writes `le` first. Its registry asks a histogram for samples
 * through `getForPromString()` (registry.js), which keeps the series labels apart as
 * `sharedLabels`; this override joins them in front of `le`, changing nothing else.
 */
class LeLastHistogram<T extends string> extends Histogram<T> {
  async getForPromString(): Promise<{ values: HistogramSample[] }> {
    const base = Histogram.prototype as unknown as {
      getForPromString(this: Histogram<T>): Promise<{ values: HistogramSample[] }>;
    };
    const data = await base.getForPromString.call(this);
    return {
      ...data,
      values: data.values.map((sample) => ({
        ...sample,
        labels: { ...sample.sharedLabels, ...sample.labels },
        sharedLabels: {},
      })),
    };
  }
}

const P = 'kubemetrics_apiserver_';

const CODE_TEXT = new Map<number, string>();
function codeText(code: number): string {
  let text = CODE_TEXT.get(code);
  if (text === undefined) CODE_TEXT.set(code, (text = String(code)));
  return text;
}

/** Every metric the server exports; one instance per server, each with its own registry. */
export class ServerMetrics {
  /** The registry behind `/metrics` (prom-client's `Registry.merge` joins it with your own). */
  readonly registry = new Registry();
  readonly requests = this.#counter(`${P}requests_total`, 'Requests answered, by route kind and HTTP code.', [
    'route',
    'code',
  ]);
  readonly requestDuration = new LeLastHistogram({
    name: `${P}request_duration_seconds`,
    help: 'Time from request to answer, by route kind.',
    labelNames: ['route'],
    buckets: [...LATENCY_BUCKETS],
    registers: [this.registry],
  });
  readonly authentications = this.#counter(
    `${P}authentications_total`,
    'Authentication outcomes, by method (front-proxy, x509, token, anonymous, none) and result.',
    ['method', 'result'],
  );
  readonly tokenReviews = this.#counter(
    `${P}token_reviews_total`,
    'Bearer tokens checked, by result (cache_hit, valid, invalid, error).',
    ['result'],
  );
  readonly subjectAccessReviews = this.#counter(
    `${P}subject_access_reviews_total`,
    'SubjectAccessReviews, by result (cache_hit, allowed, denied, error, always_allow_group).',
    ['result'],
  );
  readonly authorizations = this.#counter(
    `${P}authorization_decisions_total`,
    'Authorization decisions, by decision (allowed, denied, error).',
    ['decision'],
  );
  readonly providerCalls = this.#counter(
    `${P}provider_calls_total`,
    'Provider calls, by provider and method.',
    ['provider', 'method'],
  );
  readonly providerErrors = this.#counter(
    `${P}provider_errors_total`,
    'Provider calls that threw, by provider and method.',
    ['provider', 'method'],
  );
  readonly providerDuration = new LeLastHistogram({
    name: `${P}provider_duration_seconds`,
    help: 'Provider call latency, by provider and method.',
    labelNames: ['provider', 'method'],
    buckets: [...LATENCY_BUCKETS],
    registers: [this.registry],
  });
  readonly sampleAge = new Gauge({
    name: `${P}provider_sample_age_seconds`,
    help: 'Data freshness: age of the oldest sample in the last answer of each provider (0 when the provider gave no timestamps).',
    labelNames: ['provider'],
    registers: [this.registry],
  });
  readonly lastSuccess = new Gauge({
    name: `${P}provider_last_success_timestamp_seconds`,
    help: 'Unix time of the last successful call of each provider.',
    labelNames: ['provider'],
    registers: [this.registry],
  });
  readonly certificateReloads = this.#counter(
    `${P}certificate_reloads_total`,
    'Reloads of certificate and CA files and of the extension-apiserver-authentication ConfigMap, by source and result.',
    ['source', 'result'],
  );

  constructor() {
    this.addGauge(`${P}process_resident_memory_bytes`, 'Resident set size of the process.', [], () => [
      { labels: {}, value: process.memoryUsage.rss() },
    ]);
  }

  #counter<T extends string>(name: string, help: string, labelNames: readonly T[]): Counter<T> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /**
   * Adds a gauge read at scrape time (informers, certificate expiry): `collect` gives every
   * sample, each with the labels named in `labelNames`; series it no longer gives disappear.
   */
  addGauge(
    name: string,
    help: string,
    labelNames: readonly string[],
    collect: () => readonly { labels: Labels; value: number }[],
  ): void {
    const gauge: Gauge = new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect: () => {
        gauge.reset();
        for (const { labels, value } of collect()) gauge.set(labels, value);
      },
    });
  }

  observeRequest(route: string, code: number, seconds: number): void {
    this.requests.inc({ route, code: codeText(code) });
    this.requestDuration.observe({ route }, seconds);
  }

  countAuthentication(method: string, result: 'success' | 'failure' | 'error'): void {
    this.authentications.inc({ method, result });
  }

  countTokenReview(result: 'cache_hit' | 'valid' | 'invalid' | 'error'): void {
    this.tokenReviews.inc({ result });
  }

  countSubjectAccessReview(
    result: 'cache_hit' | 'allowed' | 'denied' | 'error' | 'always_allow_group',
  ): void {
    this.subjectAccessReviews.inc({ result });
  }

  countAuthorization(decision: 'allowed' | 'denied' | 'error'): void {
    this.authorizations.inc({ decision });
  }

  /** The exposition text (`contentType` names its format). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** `text/plain; version=0.0.4; charset=utf-8`. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
