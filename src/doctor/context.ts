/**
 * What checks read the cluster through: GET and POST on the user's connection, plus memoised
 * reads shared between checks (the APIService list, each Service, its EndpointSlices and pods are
 * fetched once however many checks look at them), so the whole run costs a bounded number of
 * requests and the checks can run concurrently.
 */
import {
  SERVICE_NAME_LABEL,
  type APIService,
  type EndpointSlice,
  type List,
  type Pod,
  type ResourceAttributes,
  type AccessReviewStatus,
  type Secret,
  type Service,
} from '../api/index.js';
import { isKubernetesApiError, type MetricsClient } from '../client/index.js';
import type { DoctorGroup, MetricsApi } from './apis.js';
import { METRICS_APIS } from './apis.js';
import { recogniseProduct, type Product } from './products.js';
import { notChecked, type CheckResult } from './result.js';

/** The requests doctor makes; the CLI implements it with the user's kubeconfig. */
export interface DoctorCluster {
  get<T>(path: string, signal: AbortSignal, query?: Readonly<Record<string, string | undefined>>): Promise<T>;
  post<T>(path: string, body: unknown, signal: AbortSignal): Promise<T>;
  /**
   * The same connection as a client, for the `hpa` check: it replays HPA syncs with
   * `kubemetrics/hpa-fetch`, the fetch code of `kubemetrics hpa`, rather than a second copy of it.
   */
  readonly client: MetricsClient;
}

export interface DoctorOptions {
  /** The metrics APIs in scope (`--group`). */
  readonly groups: readonly DoctorGroup[];
  /** True when `--group` named the groups: a missing adapter for one is then a problem. */
  readonly explicitGroups: boolean;
  /** Namespace of HPAs and pods looked at; undefined = all namespaces. */
  readonly namespace: string | undefined;
  /** "Now", for certificate expiry and pod age. */
  readonly now: Date;
}

/** An APIService of a metrics API with what stands behind it. */
export interface Backend {
  readonly api: MetricsApi;
  readonly apiService: APIService;
  /** `namespace/name` of its Service; undefined for a Local APIService. */
  readonly serviceKey: string | undefined;
}

/** A Service an APIService points to, with its EndpointSlices, pods and product. */
export interface ServiceBackend {
  readonly namespace: string;
  readonly name: string;
  readonly service: Service | undefined;
  readonly slices: readonly EndpointSlice[];
  /** Pods named by the slices' targetRefs (those that could be read). */
  readonly pods: readonly Pod[];
  readonly product: Product | undefined;
}

const enc = encodeURIComponent;

export class DoctorContext {
  readonly #cluster: DoctorCluster;
  readonly #memo = new Map<string, Promise<unknown>>();
  readonly options: DoctorOptions;
  /** Aborts every request when the run ends or its deadline passes. */
  readonly signal: AbortSignal;

  constructor(cluster: DoctorCluster, options: DoctorOptions, signal: AbortSignal) {
    this.#cluster = cluster;
    this.options = options;
    this.signal = signal;
  }

  /** The metrics APIs in scope. */
  get apis(): readonly MetricsApi[] {
    return METRICS_APIS.filter((a) => this.options.groups.includes(a.doctorGroup));
  }

  /** The user's client (see {@link DoctorCluster.client}). */
  get client(): MetricsClient {
    return this.#cluster.client;
  }

  /** One GET per path per run, whoever asks. */
  get<T>(path: string, query?: Readonly<Record<string, string | undefined>>): Promise<T> {
    const key = `GET ${path}?${JSON.stringify(query ?? {})}`;
    let found = this.#memo.get(key) as Promise<T> | undefined;
    if (found === undefined) {
      found = this.#cluster.get<T>(path, this.signal, query);
      this.#memo.set(key, found);
    }
    return found;
  }

  /** GET that answers undefined for 404. */
  async find<T>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (error) {
      if (isKubernetesApiError(error, 404)) return undefined;
      throw error;
    }
  }

  post<T>(path: string, body: unknown): Promise<T> {
    const key = `POST ${path} ${JSON.stringify(body)}`;
    let found = this.#memo.get(key) as Promise<T> | undefined;
    if (found === undefined) {
      found = this.#cluster.post<T>(path, body, this.signal);
      this.#memo.set(key, found);
    }
    return found;
  }

  async apiServices(): Promise<APIService[]> {
    return (await this.get<List<APIService>>('/apis/apiregistration.k8s.io/v1/apiservices')).items;
  }

  /** The APIServices of the metrics APIs in scope (those that exist). */
  async backends(): Promise<Backend[]> {
    const all = await this.apiServices();
    const byName = new Map(all.map((a) => [a.metadata.name ?? '', a]));
    return this.apis.flatMap((api) =>
      api.versions.flatMap((version) => {
        const apiService = byName.get(`${version}.${api.group}`);
        if (apiService === undefined) return [];
        const ref = apiService.spec.service;
        const serviceKey =
          ref === undefined || ref === null ? undefined : `${ref.namespace ?? ''}/${ref.name ?? ''}`;
        return [{ api, apiService, serviceKey }];
      }),
    );
  }

  /** {@link backends}, or the not-checked result of check `name` when they cannot be read. */
  async backendsFor(name: string): Promise<Backend[] | CheckResult> {
    try {
      return await this.backends();
    } catch (error) {
      return notChecked(name, 'the APIServices', error);
    }
  }

  /** The Service `namespace/name` with its slices, pods and product (memoised). */
  serviceBackend(key: string): Promise<ServiceBackend> {
    const memoKey = `backend ${key}`;
    let found = this.#memo.get(memoKey) as Promise<ServiceBackend> | undefined;
    if (found === undefined) {
      found = this.#loadServiceBackend(key);
      this.#memo.set(memoKey, found);
    }
    return found;
  }

  async #loadServiceBackend(key: string): Promise<ServiceBackend> {
    const [namespace = '', name = ''] = key.split('/');
    const service = await this.find<Service>(`/api/v1/namespaces/${enc(namespace)}/services/${enc(name)}`);
    const slices = (
      await this.get<List<EndpointSlice>>(
        `/apis/discovery.k8s.io/v1/namespaces/${enc(namespace)}/endpointslices`,
        {
          labelSelector: `${SERVICE_NAME_LABEL}=${name}`,
        },
      )
    ).items;
    const podNames = new Set(
      slices.flatMap((s) =>
        s.endpoints
          .map((e) => e.targetRef)
          .filter((r) => r?.kind === 'Pod' && r.name !== undefined)
          .map((r) => `${r?.namespace ?? namespace}/${r?.name ?? ''}`),
      ),
    );
    const pods = (
      await Promise.all(
        [...podNames].map((p) => {
          const [ns = '', pod = ''] = p.split('/');
          return this.find<Pod>(`/api/v1/namespaces/${enc(ns)}/pods/${enc(pod)}`).catch(() => undefined);
        }),
      )
    ).filter((p): p is Pod => p !== undefined);
    return { namespace, name, service, slices, pods, product: recogniseProduct(service, pods) };
  }

  secret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.find<Secret>(`/api/v1/namespaces/${enc(namespace)}/secrets/${enc(name)}`);
  }

  /** SubjectAccessReview: may `user` (with `groups`) do this? */
  async subjectCan(
    user: string,
    groups: readonly string[],
    attributes: ResourceAttributes,
  ): Promise<AccessReviewStatus> {
    const review = await this.post<{ status?: AccessReviewStatus }>(
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user, groups, resourceAttributes: attributes },
      },
    );
    return review.status ?? { allowed: false };
  }

  /** SelfSubjectAccessReview: may the user running doctor do this? */
  async selfCan(attributes: ResourceAttributes): Promise<AccessReviewStatus> {
    const review = await this.post<{ status?: AccessReviewStatus }>(
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: attributes },
      },
    );
    return review.status ?? { allowed: false };
  }
}

/** The groups a service account's token carries (k8s.io/apiserver serviceaccount.MakeGroupNames). */
export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];
}

/** `kubectl` words for an access check, e.g. `list pods.metrics.k8s.io`. */
export function describeAccess(a: ResourceAttributes): string {
  const resource = `${a.resource ?? ''}${a.subresource === undefined ? '' : `/${a.subresource}`}`;
  const qualified = a.group === undefined || a.group === '' ? resource : `${resource}.${a.group}`;
  const name = a.name === undefined || a.name === '*' ? '' : ` ${a.name}`;
  const where = a.namespace === undefined ? '' : ` in namespace ${a.namespace}`;
  return `${a.verb} ${qualified}${name}${where}`;
}
