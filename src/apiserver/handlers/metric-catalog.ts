/**
 * The lists of available metrics, asked from the providers for discovery and for telling "unknown
 * metric" (404) from "no object matched" (empty list). A provider whose list call fails or hangs
 * must not take discovery down with it: kube-aggregator marks the whole APIService unavailable when
 * `/apis/<group>/<version>` fails (its availability probe gives up after a few seconds), which stops
 * every HPA using the group. So a list call gets its own short deadline, and a failed or late call
 * is logged and the last good list is served.
 */
import { callAbortable } from '../pipeline/abortable.js';
import { describeThrown } from '../provider/status-error.js';
import type { Logger } from '../provider/logger.js';
import type { CustomMetricInfo, ExternalMetricInfo, MetricsProviders } from '../provider/provider.js';
import { sameGroupResource } from '../provider/group-resource.js';
import type { GroupResource } from '../provider/provider.js';

function isCustomMetricInfo(value: unknown): value is CustomMetricInfo {
  if (typeof value !== 'object' || value === null) return false;
  const info = value as Partial<CustomMetricInfo>;
  return (
    typeof info.metric === 'string' &&
    info.metric !== '' &&
    typeof info.namespaced === 'boolean' &&
    typeof info.groupResource === 'object' &&
    info.groupResource !== null &&
    typeof info.groupResource.group === 'string' &&
    typeof info.groupResource.resource === 'string' &&
    info.groupResource.resource !== ''
  );
}

function isExternalMetricInfo(value: unknown): value is ExternalMetricInfo {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<ExternalMetricInfo>).metric === 'string' &&
    (value as ExternalMetricInfo).metric !== ''
  );
}

/** Default deadline of one `listCustomMetrics` / `listExternalMetrics` call. */
export const DEFAULT_LIST_METRICS_TIMEOUT_MS = 3_000;

export class MetricCatalog {
  private lastCustom: readonly CustomMetricInfo[] = [];
  private lastExternal: readonly ExternalMetricInfo[] = [];

  constructor(
    private readonly providers: MetricsProviders,
    private readonly logger: Logger,
    private readonly timeoutMs: number = DEFAULT_LIST_METRICS_TIMEOUT_MS,
  ) {}

  /** The request's signal, also aborted once the list call has taken `timeoutMs`. */
  private deadline(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]);
  }

  /** The custom metrics the provider lists now, or the last good list when that call fails. */
  async customMetrics(signal: AbortSignal): Promise<readonly CustomMetricInfo[]> {
    const provider = this.providers.custom;
    if (provider === undefined) return [];
    try {
      const listSignal = this.deadline(signal);
      const listed: unknown = await callAbortable(
        () => provider.listCustomMetrics({ signal: listSignal }),
        listSignal,
      );
      if (!Array.isArray(listed)) throw new TypeError(`expected an array, got ${describeThrown(listed)}`);
      const valid = listed.filter(isCustomMetricInfo);
      if (valid.length !== listed.length)
        this.logger.warn(
          { provider: 'custom', dropped: listed.length - valid.length },
          'listCustomMetrics returned entries without a metric name, group resource or namespaced flag; they are not served',
        );
      this.lastCustom = valid;
      return valid;
    } catch (error) {
      if (signal.aborted) throw error;
      this.logger.warn(
        { provider: 'custom', error: describeThrown(error) },
        'listCustomMetrics failed or timed out; serving the last list it returned',
      );
      return this.lastCustom;
    }
  }

  /** The external metrics the provider lists now, or the last good list when that call fails. */
  async externalMetrics(signal: AbortSignal): Promise<readonly ExternalMetricInfo[]> {
    const provider = this.providers.external;
    if (provider === undefined) return [];
    try {
      const listSignal = this.deadline(signal);
      const listed: unknown = await callAbortable(
        () => provider.listExternalMetrics({ signal: listSignal }),
        listSignal,
      );
      if (!Array.isArray(listed)) throw new TypeError(`expected an array, got ${describeThrown(listed)}`);
      const valid = listed.filter(isExternalMetricInfo);
      if (valid.length !== listed.length)
        this.logger.warn(
          { provider: 'external', dropped: listed.length - valid.length },
          'listExternalMetrics returned entries without a metric name; they are not served',
        );
      this.lastExternal = valid;
      return valid;
    } catch (error) {
      if (signal.aborted) throw error;
      this.logger.warn(
        { provider: 'external', error: describeThrown(error) },
        'listExternalMetrics failed or timed out; serving the last list it returned',
      );
      return this.lastExternal;
    }
  }

  /** True when `metric` is listed for `groupResource`. */
  async hasCustomMetric(groupResource: GroupResource, metric: string, signal: AbortSignal): Promise<boolean> {
    const metrics = await this.customMetrics(signal);
    return metrics.some((m) => m.metric === metric && sameGroupResource(m.groupResource, groupResource));
  }

  async hasExternalMetric(metric: string, signal: AbortSignal): Promise<boolean> {
    const metrics = await this.externalMetrics(signal);
    return metrics.some((m) => m.metric === metric);
  }
}
