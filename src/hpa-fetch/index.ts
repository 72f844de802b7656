/**
 * `kubemetrics/hpa-fetch`: what the HorizontalPodAutoscaler controller fetches for one sync — the HPAs,
 * each target's scale subresource, the pods (one list), the metrics from metrics.k8s.io,
 * custom.metrics.k8s.io and external.metrics.k8s.io with the controller's selectors — fed into the
 * pure calculation of `kubemetrics/hpa`. The `hpa` CLI commands and the report service print it.
 */
export { replayHpas } from './replay.js';
export type { HpaReplay, HpaTarget, ReplayFailure, ReplayRequest } from './replay.js';
export { HpaHistory } from './history.js';
export { MetricFetcher } from './metric-fetcher.js';
export type { FetchedMetric, MetricFetch } from './metric-fetcher.js';
export { listPodIndex, PodIndex } from './pod-index.js';
export type { IndexedPod, PodListRequest } from './pod-index.js';
export { currentText, problemOf, replaySummary, replayToPlain, targetText, toPlain } from './plain.js';
