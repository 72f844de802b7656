/**
 * The server's own metrics, served at `/metrics` in the Prometheus text format (version 0.0.4),
 * written by hand: a few counters, histograms and gauges need no client library. Every name starts
 * with `kubemetrics_apiserver_`; labels have bounded values (route kinds, not paths; provider
 * methods, not metric names), so the series count stays small whatever clients ask.
 */

type Labels = Readonly<Record<string, string>>;

/** Default histogram buckets for latencies, in seconds (1 ms to 10 s). */
export const LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels, extra?: string): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  render(lines: string[]): void;
}

/** A counter (or a gauge set explicitly) with labels. */
export class LabeledValue implements Family {
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
  ) {}

  add(labels: Labels, delta = 1): void {
    const key = Object.values(labels).join('\u0000');
    const entry = this.#values.get(key);
    if (entry === undefined) this.#values.set(key, { labels, value: delta });
    else entry.value += delta;
  }

  set(labels: Labels, value: number): void {
    const key = Object.values(labels).join('\u0000');
    const entry = this.#values.get(key);
    if (entry === undefined) this.#values.set(key, { labels, value });
    else entry.value = value;
  }

  get(labels: Labels): number | undefined {
    return this.#values.get(Object.values(labels).join('\u0000'))?.value;
  }

  render(lines: string[]): void {
    for (const { labels, value } of this.#values.values())
      lines.push(`${this.name}${labelText(labels)} ${number(value)}`);
  }
}

/** A histogram with labels and fixed buckets. */
export class Histogram implements Family {
  readonly type = 'histogram';
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[] = LATENCY_BUCKETS,
  ) {}

  observe(labels: Labels, value: number): void {
    const key = Object.values(labels).join('\u0000');
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] ?? Infinity)) series.counts[i]!++;
    series.sum += value;
    series.count++;
  }

  render(lines: string[]): void {
    for (const { labels, counts, sum, count } of this.#series.values()) {
      this.buckets.forEach((bound, i) =>
        lines.push(`${this.name}_bucket${labelText(labels, `le="${number(bound)}"`)} ${counts[i] ?? 0}`),
      );
      lines.push(`${this.name}_bucket${labelText(labels, 'le="+Inf"')} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${number(sum)}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
  }
}

/** A gauge whose values are read when `/metrics` is scraped. */
class CollectedGauge implements Family {
  readonly type = 'gauge';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly collect: () => readonly { labels: Labels; value: number }[],
  ) {}
  render(lines: string[]): void {
    for (const { labels, value } of this.collect())
      lines.push(`${this.name}${labelText(labels)} ${number(value)}`);
  }
}

const P = 'kubemetrics_apiserver_';

const CODE_TEXT = new Map<number, string>();
function codeText(code: number): string {
  let text = CODE_TEXT.get(code);
  if (text === undefined) CODE_TEXT.set(code, (text = String(code)));
  return text;
}

/** Every metric the server exports; one instance per server. */
export class ServerMetrics {
  readonly requests = new LabeledValue(
    `${P}requests_total`,
    'Requests answered, by route kind and HTTP code.',
    'counter',
  );
  readonly requestDuration = new Histogram(
    `${P}request_duration_seconds`,
    'Time from request to answer, by route kind.',
  );
  readonly authentications = new LabeledValue(
    `${P}authentications_total`,
    'Authentication outcomes, by method (front-proxy, x509, token, anonymous, none) and result.',
    'counter',
  );
  readonly tokenReviews = new LabeledValue(
    `${P}token_reviews_total`,
    'Bearer tokens checked, by result (cache_hit, valid, invalid, error).',
    'counter',
  );
  readonly subjectAccessReviews = new LabeledValue(
    `${P}subject_access_reviews_total`,
    'SubjectAccessReviews, by result (cache_hit, allowed, denied, error, always_allow_group).',
    'counter',
  );
  readonly authorizations = new LabeledValue(
    `${P}authorization_decisions_total`,
    'Authorization decisions, by decision (allowed, denied, error).',
    'counter',
  );
  readonly providerCalls = new LabeledValue(
    `${P}provider_calls_total`,
    'Provider calls, by provider and method.',
    'counter',
  );
  readonly providerErrors = new LabeledValue(
    `${P}provider_errors_total`,
    'Provider calls that threw, by provider and method.',
    'counter',
  );
  readonly providerDuration = new Histogram(
    `${P}provider_duration_seconds`,
    'Provider call latency, by provider and method.',
  );
  readonly sampleAge = new LabeledValue(
    `${P}provider_sample_age_seconds`,
    'Data freshness: age of the oldest sample in the last answer of each provider (0 when the provider gave no timestamps).',
    'gauge',
  );
  readonly lastSuccess = new LabeledValue(
    `${P}provider_last_success_timestamp_seconds`,
    'Unix time of the last successful call of each provider.',
    'gauge',
  );
  readonly certificateReloads = new LabeledValue(
    `${P}certificate_reloads_total`,
    'Reloads of certificate and CA files and of the extension-apiserver-authentication ConfigMap, by source and result.',
    'counter',
  );
  readonly #families: Family[] = [
    this.requests,
    this.requestDuration,
    this.authentications,
    this.tokenReviews,
    this.subjectAccessReviews,
    this.authorizations,
    this.providerCalls,
    this.providerErrors,
    this.providerDuration,
    this.sampleAge,
    this.lastSuccess,
    this.certificateReloads,
  ];

  constructor() {
    this.addGauge(`${P}process_resident_memory_bytes`, 'Resident set size of the process.', [], () => [
      { labels: {}, value: process.memoryUsage.rss() },
    ]);
  }

  /** Adds a gauge read at scrape time (informers, certificate expiry), with its label names. */
  addGauge(
    name: string,
    help: string,
    _labelNames: readonly string[],
    collect: () => readonly { labels: Labels; value: number }[],
  ): void {
    this.#families.push(new CollectedGauge(name, help, collect));
  }

  observeRequest(route: string, code: number, seconds: number): void {
    this.requests.add({ route, code: codeText(code) });
    this.requestDuration.observe({ route }, seconds);
  }

  countAuthentication(method: string, result: 'success' | 'failure' | 'error'): void {
    this.authentications.add({ method, result });
  }

  countTokenReview(result: 'cache_hit' | 'valid' | 'invalid' | 'error'): void {
    this.tokenReviews.add({ result });
  }

  countSubjectAccessReview(
    result: 'cache_hit' | 'allowed' | 'denied' | 'error' | 'always_allow_group',
  ): void {
    this.subjectAccessReviews.add({ result });
  }

  countAuthorization(decision: 'allowed' | 'denied' | 'error'): void {
    this.authorizations.add({ decision });
  }

  /** The exposition text. */
  render(): string {
    const lines: string[] = [];
    for (const family of this.#families) {
      const body: string[] = [];
      family.render(body);
      if (body.length === 0 && family.type !== 'gauge') continue;
      lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`, ...body);
    }
    return `${lines.join('\n')}\n`;
  }
}
