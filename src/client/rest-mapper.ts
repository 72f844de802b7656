/**
 * Kind → resource, the way the HPA controller resolves `spec.scaleTargetRef` (horizontal.go
 * `reconcileAutoscaler`: `mapper.RESTMappings(groupKind)`, a discovery-backed RESTMapper): every
 * version the group serves, the server's preferred version first, each mapped to the resource whose
 * `kind` matches (subresources such as `deployments/scale` are not candidates). Answers are cached
 * per mapper, so resolving a thousand targets of the same kind costs the discovery requests once.
 */
import type { APIGroup, APIResourceList, APIVersions } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { isKubernetesApiError } from './api-error.js';
import type { CallOptions, Transport } from './transport.js';

/** One way to address a kind: group, version and plural resource. */
export interface RestMapping {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly namespaced: boolean;
}

/** `apps/v1` → `{ group: 'apps', version: 'v1' }`; `v1` → core. */
export function parseGroupVersion(apiVersion: string | undefined): { group: string; version: string } {
  const text = apiVersion ?? '';
  const slash = text.indexOf('/');
  if (slash < 0) return { group: '', version: text };
  return { group: text.slice(0, slash), version: text.slice(slash + 1) };
}

/** Versions of `group` in the order a RESTMapper tries them: preferred first, then the rest as listed. */
export function versionPriority(group: APIGroup): string[] {
  const listed = (group.versions ?? []).map((v) => v.version);
  const preferred = group.preferredVersion?.version;
  return preferred === undefined || !listed.includes(preferred)
    ? listed
    : [preferred, ...listed.filter((v) => v !== preferred)];
}

export class RestMapper {
  readonly #transport: Transport;
  readonly #versions = new Map<string, Promise<string[]>>();
  readonly #resources = new Map<string, Promise<APIResourceList | undefined>>();

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  #cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let cached = map.get(key);
    if (cached === undefined) {
      cached = load();
      map.set(key, cached);
      // A failure is not remembered: the next lookup asks again.
      cached.catch(() => {
        if (map.get(key) === cached) map.delete(key);
      });
    }
    return cached;
  }

  #groupVersions(group: string, options: CallOptions): Promise<string[]> {
    return this.#cached(this.#versions, group, async () => {
      if (group === '') {
        const doc = await this.#transport.getJSON<APIVersions>({ ...options, path: '/api' });
        return Array.isArray(doc?.versions) ? doc.versions : ['v1'];
      }
      try {
        return versionPriority(
          await this.#transport.getJSON<APIGroup>({ ...options, path: `/apis/${group}` }),
        );
      } catch (error) {
        if (isKubernetesApiError(error, 404)) return [];
        throw error;
      }
    });
  }

  #resourceList(group: string, version: string, options: CallOptions): Promise<APIResourceList | undefined> {
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    return this.#cached(this.#resources, path, async () => {
      try {
        return await this.#transport.getJSON<APIResourceList>({ ...options, path });
      } catch (error) {
        if (isKubernetesApiError(error, 404)) return undefined;
        throw error;
      }
    });
  }

  /**
   * Every mapping of `kind` in `group`, in priority order. Rejects with a `KUBEMETRICS_ERR_API`
   * naming the kind when the cluster serves none (the controller's "unable to determine resource
   * for scale target reference").
   */
  async mappings(group: string, kind: string, options: CallOptions = {}): Promise<RestMapping[]> {
    const call = { signal: options.signal, timeoutMs: options.timeoutMs };
    const out: RestMapping[] = [];
    for (const version of await this.#groupVersions(group, call)) {
      const list = await this.#resourceList(group, version, call);
      for (const r of Array.isArray(list?.resources) ? list.resources : []) {
        if (r.kind === kind && typeof r.name === 'string' && !r.name.includes('/')) {
          out.push({ group, version, resource: r.name, namespaced: r.namespaced === true });
          break;
        }
      }
    }
    if (out.length === 0) {
      const gk = group === '' ? kind : `${kind}.${group}`;
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_API',
        `no matches for kind "${kind}" in group "${group}" (${gk})`,
        {
          hint: `The cluster serves no resource of this kind: check the apiVersion and kind in the HPA (spec.scaleTargetRef, or an Object metric's describedObject) and \`kubectl api-resources --api-group=${group}\`.`,
        },
      );
    }
    return out;
  }
}
