/** metrics/: the server's own `/metrics` — counters, histograms, the scrape-time gauges. */
export { addBackendGauge, addCertificateGauge, addListerGauges } from './gauges.js';
export { instrumentProviders } from './instrumented-providers.js';
export { ServerMetrics } from './server-metrics.js';
