/**
 * The metrics reads of the HorizontalPodAutoscaler controller (pkg/controller/podautoscaler/metrics
 * rest_metrics_client.go), as requests: the same APIs, paths and selectors, so an adapter that
 * answers the controller wrongly answers these wrongly too.
 *
 * - Resource/ContainerResource: metrics.k8s.io `PodMetricsList` of the namespace with
 *   `labelSelector=` the scale's selector.
 * - Pods: custom.metrics.k8s.io `.../namespaces/<ns>/pods/*\/<metric>` with `labelSelector=` (the
 *   scale's selector) and `metricLabelSelector=` (the metric's own selector).
 * - Object: `.../namespaces/<ns>/<resource>.<group>/<name>/<metric>`, or
 *   `.../namespaces/<ns>/metrics/<metric>` for the HPA's own Namespace, with `metricLabelSelector=`.
 * - External: external.metrics.k8s.io `.../namespaces/<ns>/<metric>?labelSelector=` (the metric
 *   selector travels as `labelSelector` in this API).
 *
 * The custom metrics version is chosen like k8s.io/metrics custom_metrics `apiVersionsFromDiscovery`:
 * the server's preferred version when known (v1beta2, v1beta1), else the first known version it
 * lists; the choice is cached for the reader's life.
 */
import {
  CUSTOM_METRICS_GROUP,
  CUSTOM_METRICS_VERSIONS,
  EXTERNAL_METRICS_GROUP,
  METRICS_GROUP,
  type APIGroup,
  type CustomMetricsVersion,
  type PodMetrics,
} from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { isKubernetesApiError } from './api-error.js';
import {
  customMetricPath,
  decodeCustomMetricValue,
  decodeExternalMetricValue,
  externalMetricPath,
  namespaceMetricPath,
  type CustomMetricValue,
  type ExternalMetricResult,
} from './custom-metrics.js';
import { decodeItems } from './metrics-model.js';
import type { MetricsClient } from './metrics-client.js';
import type { CallOptions } from './transport.js';

/** client-go's choice: the server's preferred version if known, else the first known one listed. */
export function chooseCustomMetricsVersion(group: APIGroup): CustomMetricsVersion | undefined {
  const known = (gv: string | undefined): CustomMetricsVersion | undefined =>
    CUSTOM_METRICS_VERSIONS.find((v) => gv === `${CUSTOM_METRICS_GROUP}/${v}`);
  const preferred = known(group.preferredVersion?.groupVersion);
  if (preferred !== undefined) return preferred;
  for (const v of group.versions ?? []) {
    const found = known(v.groupVersion);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The described object of an Object metric, resolved to its resource. */
export interface DescribedResource {
  /** Plural resource, e.g. `deployments`. */
  readonly resource: string;
  readonly group: string;
  readonly name: string;
}

function call(options: CallOptions): CallOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs };
}

export class HpaMetricsReader {
  readonly #client: MetricsClient;
  #customVersion: Promise<CustomMetricsVersion> | undefined;

  constructor(client: MetricsClient) {
    this.#client = client;
  }

  /** The custom metrics version in use (client-go's rule), asked once. */
  customMetricsVersion(options: CallOptions = {}): Promise<CustomMetricsVersion> {
    if (this.#customVersion === undefined) {
      const pending = this.#discoverCustomVersion(call(options));
      this.#customVersion = pending;
      pending.catch(() => {
        if (this.#customVersion === pending) this.#customVersion = undefined;
      });
    }
    return this.#customVersion;
  }

  async #discoverCustomVersion(options: CallOptions): Promise<CustomMetricsVersion> {
    let group: APIGroup;
    try {
      group = await this.#client.getRaw<APIGroup>(`/apis/${CUSTOM_METRICS_GROUP}`, options);
    } catch (error) {
      if (!isKubernetesApiError(error, 404)) throw error;
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_API',
        `no custom metrics API (${CUSTOM_METRICS_GROUP}) registered`,
        {
          hint: `Install an adapter that serves it (prometheus-adapter, or \`kubemetrics apiserver\`) and check \`kubectl get apiservices | grep ${CUSTOM_METRICS_GROUP}\`.`,
          cause: error,
        },
      );
    }
    const version = chooseCustomMetricsVersion(group);
    if (version === undefined) {
      throw new KubemetricsError('KUBEMETRICS_ERR_API', 'no known available metric versions found', {
        hint: `${CUSTOM_METRICS_GROUP} serves ${(group.versions ?? []).map((v) => v.version).join(', ') || 'no version'}; the HPA understands ${CUSTOM_METRICS_VERSIONS.join(' and ')}.`,
      });
    }
    return version;
  }

  /** metrics.k8s.io PodMetrics of `namespace` matching `labelSelector`, as sent (streamed, not held twice). */
  async podMetrics(
    namespace: string,
    labelSelector: string,
    options: CallOptions = {},
  ): Promise<PodMetrics[]> {
    const version = await this.#client.metricsVersion(call(options));
    const items: PodMetrics[] = [];
    await this.#client.streamItems<PodMetrics>(
      `/apis/${METRICS_GROUP}/${version}/namespaces/${encodeURIComponent(namespace)}/pods`,
      (item) => items.push(item),
      { ...call(options), query: { labelSelector: labelSelector || undefined } },
    );
    return items;
  }

  /** A Pods metric: every pod of the selector (`pods/*`), narrowed by the metric's own selector. */
  async podsMetric(
    namespace: string,
    labelSelector: string,
    metric: string,
    metricLabelSelector: string,
    options: CallOptions = {},
  ): Promise<CustomMetricValue[]> {
    const version = await this.customMetricsVersion(options);
    const body = await this.#client.getRaw(
      customMetricPath(version, { resource: 'pods', namespace, metric }, '*'),
      {
        ...call(options),
        query: {
          labelSelector: labelSelector || undefined,
          metricLabelSelector: metricLabelSelector || undefined,
        },
      },
    );
    return decodeItems(body, 'MetricValueList', decodeCustomMetricValue);
  }

  /**
   * An Object metric of one described object, or with `'namespace'` of the namespace itself
   * (rest_metrics_client.go `GetObjectMetric`: a described `Namespace` of the core group is always
   * the HPA's own namespace, whatever name it carries).
   */
  async objectMetric(
    namespace: string,
    described: DescribedResource | 'namespace',
    metric: string,
    metricLabelSelector: string,
    options: CallOptions = {},
  ): Promise<CustomMetricValue[]> {
    const version = await this.customMetricsVersion(options);
    const path =
      described === 'namespace'
        ? namespaceMetricPath(version, namespace, metric)
        : customMetricPath(
            version,
            { resource: described.resource, group: described.group, namespace, metric },
            described.name,
          );
    const body = await this.#client.getRaw(path, {
      ...call(options),
      query: { metricLabelSelector: metricLabelSelector || undefined },
    });
    return decodeItems(body, 'MetricValueList', decodeCustomMetricValue);
  }

  /** An External metric: every series matching the metric selector. */
  async externalMetric(
    namespace: string,
    metric: string,
    labelSelector: string,
    options: CallOptions = {},
  ): Promise<ExternalMetricResult[]> {
    const version = await this.#client.discovery.version(EXTERNAL_METRICS_GROUP, call(options));
    const body = await this.#client.getRaw(externalMetricPath(version, namespace, metric), {
      ...call(options),
      query: { labelSelector: labelSelector || undefined },
    });
    return decodeItems(body, 'ExternalMetricValueList', decodeExternalMetricValue);
  }
}
