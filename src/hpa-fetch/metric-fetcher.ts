/**
 * One `spec.metrics` entry → the observation the HPA calculation takes, fetched the way the
 * controller's metrics client fetches it (pkg/controller/podautoscaler/metrics
 * rest_metrics_client.go): the same API, path and selectors, and the same errors for empty
 * answers ("no metrics returned from resource metrics API", …), worded as the replica calculator
 * wraps them.
 *
 * Requests are shared within one sync: two HPAs (or two metrics of one HPA) asking the same API the
 * same question get one request, which changes nothing about the answer.
 */
import {
  labelSelectorFromWire,
  type CrossVersionObjectReference,
  type LabelSelectorWire,
  type MetricSpec,
} from '../api/index.js';
import {
  isKubernetesApiError,
  parseGroupVersion,
  type CallOptions,
  type HpaMetricsReader,
  type RestMapper,
} from '../client/index.js';
import { KubemetricsError } from '../errors.js';
import { samplesFromPodMetrics, type MetricObservation, type PodSample } from '../hpa/index.js';

/** What happened when one metric was fetched. */
export interface MetricFetch {
  readonly index: number;
  /** The request(s) in words: API, path, selectors. */
  readonly request: string;
  /**
   * Set when the fetch failed: the controller's message and our hint for fixing it, with the HTTP
   * status of the failed request (absent when no request failed) and `empty` when the API answered
   * but without a usable value, so callers (doctor) can tell the causes apart without parsing text.
   */
  readonly error?:
    | {
        readonly message: string;
        readonly hint?: string | undefined;
        readonly httpStatus?: number | undefined;
        readonly empty?: boolean | undefined;
      }
    | undefined;
  /** Pods in the metrics answer without a usable sample, and why (resource metrics). */
  readonly skipped?: readonly { readonly pod: string; readonly reason: string }[] | undefined;
}

export interface FetchedMetric {
  readonly observation: MetricObservation;
  readonly fetch: MetricFetch;
}

/** `metav1.LabelSelectorAsSelector(...).String()`: a nil selector sends nothing. */
function selectorText(wire: LabelSelectorWire | null | undefined): string {
  if (wire === undefined || wire === null) return '';
  return labelSelectorFromWire(wire).toString();
}

/** The controller's metrics window when an adapter reports none (`metricServerDefaultMetricWindow`). */
const DEFAULT_CUSTOM_WINDOW_MS = 60_000;

function hintOf(error: unknown): string | undefined {
  return error instanceof KubemetricsError ? error.hint : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class MetricFetcher {
  readonly #reader: HpaMetricsReader;
  readonly #mapper: RestMapper;
  readonly #options: CallOptions;
  readonly #memo = new Map<string, Promise<unknown>>();

  constructor(reader: HpaMetricsReader, mapper: RestMapper, options: CallOptions = {}) {
    this.#reader = reader;
    this.#mapper = mapper;
    this.#options = options;
  }

  #once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let cached = this.#memo.get(key) as Promise<T> | undefined;
    if (cached === undefined) {
      cached = load();
      this.#memo.set(key, cached);
      cached.catch(() => undefined); // every caller handles the rejection itself
    }
    return cached;
  }

  /** Fetches metric `index` of an HPA in `namespace` whose scale selects pods by `selector`. */
  async fetch(spec: MetricSpec, index: number, namespace: string, selector: string): Promise<FetchedMetric> {
    try {
      return await this.#fetch(spec, index, namespace, selector);
    } catch (error) {
      // An invalid metric selector in the spec (`LabelSelectorAsSelector` fails): the metric fails.
      if (!(error instanceof KubemetricsError)) throw error;
      return {
        observation: { error: error.message },
        fetch: { index, request: 'none', error: { message: error.message, hint: error.hint } },
      };
    }
  }

  async #fetch(spec: MetricSpec, index: number, namespace: string, selector: string): Promise<FetchedMetric> {
    const describe = (request: string) => ({ index, request });
    const failed = (request: string, message: string, error?: unknown): FetchedMetric => ({
      observation: { error: message },
      fetch: {
        ...describe(request),
        error: {
          message,
          hint: hintOf(error),
          httpStatus: isKubernetesApiError(error) ? error.status : undefined,
          empty: error === undefined ? true : undefined,
        },
      },
    });
    switch (spec.type) {
      case 'Resource':
      case 'ContainerResource': {
        const source = spec.type === 'Resource' ? spec.resource : spec.containerResource;
        const resource = source?.name ?? '';
        const container = spec.type === 'ContainerResource' ? spec.containerResource?.container : undefined;
        const request = `metrics.k8s.io PodMetrics in ${namespace} with labelSelector=${selector}`;
        try {
          const items = await this.#once(`pods|${namespace}|${selector}`, () =>
            this.#reader.podMetrics(namespace, selector, this.#options),
          );
          if (items.length === 0) {
            return failed(
              request,
              `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`,
            );
          }
          const extracted = samplesFromPodMetrics(items, resource, container);
          return {
            observation: { samples: extracted.samples },
            fetch: { ...describe(request), skipped: extracted.skipped },
          };
        } catch (error) {
          return failed(
            request,
            `unable to get metrics for resource ${resource}: ${messageOf(error)}`,
            error,
          );
        }
      }
      case 'Pods': {
        const metric = spec.pods?.metric.name ?? '';
        const metricSelector = selectorText(spec.pods?.metric.selector);
        const request = `custom.metrics.k8s.io pods/*/${metric} in ${namespace} with labelSelector=${selector}${metricSelector === '' ? '' : ` metricLabelSelector=${metricSelector}`}`;
        try {
          const values = await this.#once(
            `custom-pods|${namespace}|${selector}|${metric}|${metricSelector}`,
            () => this.#reader.podsMetric(namespace, selector, metric, metricSelector, this.#options),
          );
          if (values.length === 0)
            return failed(
              request,
              `unable to get metric ${metric}: no metrics returned from custom metrics API`,
            );
          const samples: PodSample[] = values.map((v) => ({
            pod: v.describedObject.name ?? '',
            milli: v.value.milliValue(),
            timestamp: v.timestamp.getTime(),
            windowMs: v.windowSeconds === undefined ? DEFAULT_CUSTOM_WINDOW_MS : v.windowSeconds * 1000,
          }));
          return { observation: { samples }, fetch: describe(request) };
        } catch (error) {
          return failed(request, `unable to get metric ${metric}: ${messageOf(error)}`, error);
        }
      }
      case 'Object': {
        const metric = spec.object?.metric.name ?? '';
        const ref: CrossVersionObjectReference = spec.object?.describedObject ?? { kind: '', name: '' };
        const metricSelector = selectorText(spec.object?.metric.selector);
        const { group } = parseGroupVersion(ref.apiVersion);
        const what = `${ref.kind} ${namespace}/${ref.name}`;
        let request = `custom.metrics.k8s.io ${metric} of ${what}${metricSelector === '' ? '' : ` metricLabelSelector=${metricSelector}`}`;
        try {
          let described: Parameters<HpaMetricsReader['objectMetric']>[1];
          if (ref.kind === 'Namespace' && group === '') {
            described = 'namespace';
            request = `custom.metrics.k8s.io namespaces/${namespace}/metrics/${metric}${metricSelector === '' ? '' : ` metricLabelSelector=${metricSelector}`}`;
          } else {
            // The custom metrics client names the object by its resource (RESTMapping of the kind).
            // custom_metrics client qualResourceForKind: the kind must map, or the metric fails.
            const [mapping] = await this.#mapper
              .mappings(group, ref.kind, this.#options)
              .catch((error: unknown) => {
                throw new KubemetricsError(
                  'KUBEMETRICS_ERR_API',
                  `unable to map kind ${ref.kind}${group === '' ? '' : `.${group}`} to resource: ${messageOf(error)}`,
                  { hint: hintOf(error), cause: error },
                );
              });
            described = { resource: mapping!.resource, group, name: ref.name };
          }
          const values = await this.#once(
            `object|${namespace}|${JSON.stringify(described)}|${metric}|${metricSelector}`,
            () => this.#reader.objectMetric(namespace, described, metric, metricSelector, this.#options),
          );
          // GetForObject: exactly one value, or the call fails.
          if (values.length !== 1) {
            return failed(
              request,
              `unable to get metric ${metric}: ${what}: the custom metrics API server returned ${values.length} results when we asked for exactly one`,
            );
          }
          return { observation: { values: [values[0]!.value.milliValue()] }, fetch: describe(request) };
        } catch (error) {
          return failed(request, `unable to get metric ${metric}: ${what}: ${messageOf(error)}`, error);
        }
      }
      case 'External': {
        const metric = spec.external?.metric.name ?? '';
        const metricSelector = selectorText(spec.external?.metric.selector);
        const request = `external.metrics.k8s.io ${metric} in ${namespace}${metricSelector === '' ? '' : ` with labelSelector=${metricSelector}`}`;
        try {
          const values = await this.#once(`external|${namespace}|${metric}|${metricSelector}`, () =>
            this.#reader.externalMetric(namespace, metric, metricSelector, this.#options),
          );
          if (values.length === 0) {
            return failed(
              request,
              `unable to get external metric ${namespace}/${metric}/${metricSelector}: no metrics returned from external metrics API`,
            );
          }
          return {
            observation: { values: values.map((v) => v.value.milliValue()) },
            fetch: describe(request),
          };
        } catch (error) {
          return failed(
            request,
            `unable to get external metric ${namespace}/${metric}/${metricSelector}: ${messageOf(error)}`,
            error,
          );
        }
      }
      default:
        // The calculation reports the unknown type (InvalidMetricSourceType); nothing to fetch.
        return {
          observation: { error: `unknown metric source type "${String(spec.type)}"` },
          fetch: describe('none'),
        };
    }
  }
}
