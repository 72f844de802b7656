/**
 * Expected discovery entries of the metrics APIs, for tests: the `APIResource` the server lists for
 * a custom metric (`pods/http_requests`), as custom-metrics-apiserver writes it.
 */
import type { APIResource } from '../../src/api/index.js';

/** `{ name, singularName: '', namespaced, kind: 'MetricValueList', verbs: ['get'] }`. */
export function customMetricResource(name: string, namespaced: boolean): APIResource {
  return { name, singularName: '', namespaced, kind: 'MetricValueList', verbs: ['get'] };
}
