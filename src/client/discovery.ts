/**
 * Which version of each metrics API the cluster serves, asked once per client
 * (`GET /apis/<group>`) and cached: the group's preferredVersion when supported, else the newest
 * supported one served (metrics.k8s.io v1 then v1beta1, custom.metrics.k8s.io v1beta2 then
 * v1beta1, external.metrics.k8s.io v1beta1).
 */
import {
  CUSTOM_METRICS_GROUP,
  CUSTOM_METRICS_VERSIONS,
  EXTERNAL_METRICS_GROUP,
  EXTERNAL_METRICS_VERSIONS,
  METRICS_GROUP,
  METRICS_VERSIONS,
} from '../api/index.js';
import type {
  APIGroup,
  APIResourceList,
  CustomMetricsVersion,
  ExternalMetricsVersion,
  MetricsVersion,
} from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { abortable } from './transport.js';
import type { CallOptions, Transport } from './transport.js';

/** The served version of each metrics API group. */
export interface MetricsGroupVersions {
  [METRICS_GROUP]: MetricsVersion;
  [CUSTOM_METRICS_GROUP]: CustomMetricsVersion;
  [EXTERNAL_METRICS_GROUP]: ExternalMetricsVersion;
}

/** A metrics API group kubemetrics knows. */
export type MetricsGroup = keyof MetricsGroupVersions;

const SUPPORTED: { readonly [G in MetricsGroup]: readonly MetricsGroupVersions[G][] } = {
  [METRICS_GROUP]: METRICS_VERSIONS,
  [CUSTOM_METRICS_GROUP]: CUSTOM_METRICS_VERSIONS,
  [EXTERNAL_METRICS_GROUP]: EXTERNAL_METRICS_VERSIONS,
};

/**
 * Picks the version to use: the group's `preferredVersion` when it is one kubemetrics supports (as
 * every Kubernetes client does: the server says which version it wants used), else the first of
 * `supported` (newest first) that `group` lists. Returns `undefined` when none is served.
 */
export function pickVersion<V extends string>(group: APIGroup, supported: readonly V[]): V | undefined {
  const served = new Set((group.versions ?? []).map((v) => v.version));
  const serverPreferred = group.preferredVersion?.version;
  const preferred = supported.find((v) => v === serverPreferred && served.has(v));
  return preferred ?? supported.find((v) => served.has(v));
}

/**
 * Caches discovery answers per client. Concurrent callers share one request (sent with the first
 * caller's timeout but no caller's signal, so one caller aborting does not fail the others);
 * failures are not cached, so installing metrics-server while a long-lived client runs is picked
 * up on the next call.
 */
export class Discovery {
  readonly #transport: Transport;
  readonly #versions = new Map<MetricsGroup, Promise<string>>();
  /** The answers that have arrived (a subset of #versions), for callers that must not wait. */
  readonly #known = new Map<MetricsGroup, string>();
  /** Groups whose last discovery failed (not served, unreachable) and none has succeeded since. */
  readonly #failed = new Set<MetricsGroup>();
  readonly #resources = new Map<string, Promise<APIResourceList>>();

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** The version of `group` to use; rejects with a 404 `KubernetesApiError` (with a hint) when not served. */
  version<G extends MetricsGroup>(group: G, options: CallOptions = {}): Promise<MetricsGroupVersions[G]> {
    let cached = this.#versions.get(group);
    if (cached === undefined) {
      const asked = this.#discover(group, { timeoutMs: options.timeoutMs });
      cached = asked;
      this.#versions.set(group, asked);
      asked.then(
        (version) => {
          this.#failed.delete(group);
          if (this.#versions.get(group) === asked) this.#known.set(group, version);
        },
        () => {
          this.#failed.add(group);
          if (this.#versions.get(group) === asked) this.#versions.delete(group);
        },
      );
    }
    return abortable(cached, options.signal, `discovery of ${group}`) as Promise<MetricsGroupVersions[G]>;
  }

  /** The version of `group` if discovery has already answered, else `undefined` (never asks). */
  known<G extends MetricsGroup>(group: G): MetricsGroupVersions[G] | undefined {
    return this.#known.get(group) as MetricsGroupVersions[G] | undefined;
  }

  /**
   * Whether the last discovery of `group` failed and none has succeeded since: a caller that would
   * guess the version meanwhile (MetricsClient's first list) waits for discovery instead, so a
   * cluster without metrics-server is not sent a doomed guess on every refresh.
   */
  failedLastTime(group: MetricsGroup): boolean {
    return this.#failed.has(group);
  }

  async #discover(group: MetricsGroup, options: CallOptions): Promise<string> {
    const doc = await this.#transport.getJSON<APIGroup>({ ...options, path: `/apis/${group}` });
    const preferred: readonly string[] = SUPPORTED[group];
    const version = Array.isArray(doc?.versions) ? pickVersion(doc, preferred) : undefined;
    if (version === undefined) {
      const served = Array.isArray(doc?.versions) ? doc.versions.map((v) => v.version).join(', ') : '(none)';
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_API',
        `${group} is served in version(s) ${served}, none of which kubemetrics supports (${preferred.join(', ')})`,
        { hint: `Check \`kubectl get apiservices | grep ${group}\` and upgrade the metrics provider.` },
      );
    }
    return version;
  }

  /** `GET /apis/<group>/<version>` (the resource list), cached. */
  resources(group: string, version: string, options: CallOptions = {}): Promise<APIResourceList> {
    const key = `${group}/${version}`;
    let cached = this.#resources.get(key);
    if (cached === undefined) {
      cached = this.#transport.getJSON<APIResourceList>({
        timeoutMs: options.timeoutMs,
        path: `/apis/${group}/${version}`,
      });
      this.#resources.set(key, cached);
      cached.catch(() => {
        if (this.#resources.get(key) === cached) this.#resources.delete(key);
      });
    }
    return abortable(cached, options.signal, `discovery of ${key}`);
  }

  /** Forgets every cached answer (e.g. after an APIService was installed or upgraded). */
  invalidate(): void {
    this.#versions.clear();
    this.#known.clear();
    this.#failed.clear();
    this.#resources.clear();
  }
}
