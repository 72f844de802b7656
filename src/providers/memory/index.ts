/**
 * `kubemetrics/providers/memory`: the reference metrics provider. Values are set from code or
 * loaded from a YAML/JSON file that is reloaded on change; it serves custom, external and resource
 * metrics and is the fake for tests. docs/apiserver.md describes the file format.
 */
export { MemoryMetricsProvider } from './memory-provider.js';
export type {
  CustomMetricEntry,
  ExternalMetricEntry,
  MemoryMetricsSnapshot,
  NodeUsageEntry,
  PodUsageEntry,
  QuantityInput,
  UsageInput,
} from './metric-entries.js';
export { parseMetricsFile, readMetricsFile } from './metrics-file.js';
export { DEFAULT_DEBOUNCE_MS } from './metrics-file-watch.js';
export type { MetricsFileReload, MetricsFileWatch, WatchMetricsFileOptions } from './metrics-file-watch.js';
