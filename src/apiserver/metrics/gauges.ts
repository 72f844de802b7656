/**
 * The gauges read at scrape time: what the server holds rather than what it counted. Each reads
 * its source when `/metrics` is scraped, so a gauge is never stale and costs nothing between
 * scrapes.
 */
import type { ProviderBackends } from '../handlers/health.js';
import type { Startable, StartableStats } from '../listers/startable.js';
import type { ServerMetrics } from './server-metrics.js';

/** `provider_backend_up`: whether each provider's backend answers, from its `ready()`. */
export function addBackendGauge(metrics: ServerMetrics, backends: ProviderBackends): void {
  metrics.addGauge(
    'kubemetrics_apiserver_provider_backend_up',
    "Whether each provider's backend answers (1) or not (0), from the provider's ready(); does not affect /readyz.",
    ['provider'],
    () => backends.snapshot().map((b) => ({ labels: { provider: b.provider }, value: b.up ? 1 : 0 })),
  );
}

/** The object lister's informers: synced, objects held, data freshness, failures. */
export function addListerGauges(metrics: ServerMetrics, lister: Startable): void {
  if (lister.stats === undefined) return;
  const stats = (): readonly StartableStats[] => lister.stats?.() ?? [];
  metrics.addGauge(
    'kubemetrics_apiserver_lister_synced',
    'Whether each informer of the object lister has listed once (1) or not (0).',
    ['informer'],
    () => stats().map((s) => ({ labels: { informer: s.name }, value: s.stats.synced ? 1 : 0 })),
  );
  metrics.addGauge(
    'kubemetrics_apiserver_lister_objects',
    'Objects held by each informer.',
    ['informer'],
    () => stats().map((s) => ({ labels: { informer: s.name }, value: s.objects })),
  );
  metrics.addGauge(
    'kubemetrics_apiserver_lister_last_update_timestamp_seconds',
    'Data freshness of the object lister: Unix time of the last list or watch event of each informer.',
    ['informer'],
    () => stats().map((s) => ({ labels: { informer: s.name }, value: s.stats.lastUpdate / 1000 })),
  );
  metrics.addGauge(
    'kubemetrics_apiserver_lister_failures',
    'Failed lists and watches of each informer since start.',
    ['informer'],
    () => stats().map((s) => ({ labels: { informer: s.name }, value: s.stats.failures })),
  );
}

/**
 * The serving certificate's expiry, while `start()` serves one (`notAfter` gives its time in
 * milliseconds, or undefined when stopped).
 */
export function addCertificateGauge(metrics: ServerMetrics, notAfter: () => number | undefined): void {
  metrics.addGauge(
    'kubemetrics_apiserver_certificate_expiration_timestamp_seconds',
    'Unix time at which the serving certificate expires.',
    ['certificate'],
    () => {
      const at = notAfter();
      return at === undefined ? [] : [{ labels: { certificate: 'serving' }, value: at / 1000 }];
    },
  );
}
