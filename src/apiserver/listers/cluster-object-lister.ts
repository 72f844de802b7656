/**
 * An {@link ObjectLister} backed by informers on the cluster: for `pods/*\/<metric>?labelSelector=`
 * the server resolves the selector from memory, kept current by list + watch, instead of asking
 * the Kubernetes API on every request (what kubernetes-sigs/custom-metrics-apiserver's helpers do
 * with a live list per request).
 *
 * Each configured resource gets one informer over all namespaces (`/api/v1/pods`), or one per
 * namespace when `namespaces` is set (`/api/v1/namespaces/<ns>/pods`, for a service account
 * that may only read some namespaces). Core resources need no discovery; for `<resource>.<group>`
 * the version and scope come from discovery (`/apis/<group>` for the preferred version unless
 * configured, then `/apis/<group>/<version>`). Only names, namespaces and labels are kept.
 */
import type { LabelSelector } from '../../api/index.js';
import { Informer } from '../../client/index.js';
import type { InformerStats, InformerStatus, InformerStore, KubernetesObject } from '../../client/index.js';
import type { ClusterAccess } from '../auth/cluster-access.js';
import { formatGroupResource, parseGroupResource } from '../provider/group-resource.js';
import { logInformerTransitions } from './informer-log.js';
import { SILENT_LOGGER } from '../provider/logger.js';
import type { Logger } from '../provider/logger.js';
import type { ListedObject, ObjectLister } from './object-lister.js';
import type { GroupResource } from '../provider/provider.js';

/** A resource to keep in memory. */
export interface ListedResource {
  /** `pods`, `deployments.apps`, or `{ group: 'apps', resource: 'deployments' }`. */
  readonly resource: string | GroupResource;
  /** API version; default `v1` for the core group, the group's preferred version otherwise. */
  readonly version?: string | undefined;
}

export interface ClusterObjectListerOptions {
  readonly cluster: ClusterAccess;
  /** Default: pods. */
  readonly resources?: readonly (string | ListedResource)[] | undefined;
  /**
   * Watch only these namespaces (one informer each); requests for other namespaces (or for all
   * namespaces) get `undefined` and the provider resolves the selector. Default: all namespaces.
   */
  readonly namespaces?: readonly string[] | undefined;
  /** How long a request waits for a resource's first sync before the provider resolves the selector itself (default 10 000 ms). */
  readonly syncWaitMs?: number | undefined;
  readonly logger?: Logger | undefined;
  /** Lifetime of one watch stream in seconds (default: 5 to 10 minutes, random); for tests. */
  readonly watchTimeoutSeconds?: number | undefined;
  /** Interval of the periodic lists when a watch is not allowed, in ms (default 60 000). */
  readonly fallbackIntervalMs?: number | undefined;
  /** First backoff step after a failed list or watch, in ms (default 800, client-go's); for tests. */
  readonly backoffInitialMs?: number | undefined;
}

/** Scope of core resources, so they need no discovery. */
const CORE_NAMESPACED: Readonly<Record<string, boolean>> = {
  pods: true,
  services: true,
  endpoints: true,
  configmaps: true,
  persistentvolumeclaims: true,
  replicationcontrollers: true,
  serviceaccounts: true,
  events: true,
  nodes: false,
  namespaces: false,
  persistentvolumes: false,
};

interface ApiGroupDocument {
  readonly preferredVersion?: { readonly version?: string };
  readonly versions?: readonly { readonly version?: string }[];
}
interface ApiResourceListDocument {
  readonly resources?: readonly { readonly name?: string; readonly namespaced?: boolean }[];
}

/** Objects of one resource, indexed by namespace. */
class NamespacedIndex implements InformerStore<ListedObject> {
  readonly byNamespace = new Map<string, Map<string, ListedObject>>();
  size = 0;

  replace(items: ReadonlyMap<string, ListedObject>): void {
    this.byNamespace.clear();
    this.size = 0;
    for (const [key, item] of items) this.upsert(key, item);
  }

  upsert(_key: string, item: ListedObject): void {
    const namespace = item.namespace ?? '';
    let names = this.byNamespace.get(namespace);
    if (names === undefined) this.byNamespace.set(namespace, (names = new Map<string, ListedObject>()));
    if (!names.has(item.name)) this.size++;
    names.set(item.name, item);
  }

  delete(key: string): void {
    const slash = key.indexOf('/');
    const namespace = slash < 0 ? '' : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    const names = this.byNamespace.get(namespace);
    if (names?.delete(name) === true) this.size--;
    if (names?.size === 0) this.byNamespace.delete(namespace);
  }
}

interface Tracked {
  readonly groupResource: GroupResource;
  /** Namespace scope of each informer: '' = all namespaces (or cluster-scoped). */
  readonly informers: Map<
    string,
    { informer: Informer<KubernetesObject, ListedObject>; index: NamespacedIndex }
  >;
}

const trim = (object: KubernetesObject): ListedObject | undefined => {
  const name = object.metadata?.name;
  if (name === undefined || name === '') return undefined;
  const namespace = object.metadata?.namespace;
  const labels = object.metadata?.labels ?? {};
  return namespace === undefined || namespace === '' ? { name, labels } : { name, namespace, labels };
};

export class ClusterObjectLister implements ObjectLister {
  readonly #options: ClusterObjectListerOptions;
  readonly #tracked = new Map<string, Tracked>();
  readonly #logger: Logger;

  constructor(options: ClusterObjectListerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? SILENT_LOGGER;
    const namespaces = options.namespaces ?? [];
    for (const spec of options.resources ?? ['pods']) {
      const resource = typeof spec === 'string' ? { resource: spec } : spec;
      const groupResource =
        typeof resource.resource === 'string' ? parseGroupResource(resource.resource) : resource.resource;
      const tracked: Tracked = { groupResource, informers: new Map() };
      const scopes = namespaces.length === 0 ? [''] : namespaces;
      for (const scope of scopes) {
        const index = new NamespacedIndex();
        const name = `${formatGroupResource(groupResource)}${scope === '' ? '' : ` in ${scope}`}`;
        const informer = new Informer<KubernetesObject, ListedObject>({
          name,
          source: options.cluster,
          path: (signal) => this.#pathOf(groupResource, resource.version, scope, signal),
          transform: trim,
          store: index,
          onTransition: logInformerTransitions(this.#logger),
          watchTimeoutSeconds: options.watchTimeoutSeconds,
          fallbackIntervalMs: options.fallbackIntervalMs,
          backoff: { initialMs: options.backoffInitialMs },
        });
        tracked.informers.set(scope, { informer, index });
      }
      this.#tracked.set(formatGroupResource(groupResource), tracked);
    }
  }

  /** Starts every informer. */
  start(): void {
    for (const tracked of this.#tracked.values())
      for (const { informer } of tracked.informers.values()) informer.start();
  }

  async stop(): Promise<void> {
    const all = [...this.#tracked.values()].flatMap((t) => [...t.informers.values()]);
    await Promise.all(all.map(({ informer }) => informer.stop()));
  }

  /** True when every informer has listed once (a `/readyz` check). */
  synced(): boolean {
    return [...this.#tracked.values()].every((t) =>
      [...t.informers.values()].every((i) => i.informer.synced),
    );
  }

  /** Per-informer state (watching, polling, failing with its cause) and staleness. */
  status(): InformerStatus[] {
    return [...this.#tracked.values()].flatMap((t) =>
      [...t.informers.values()].map(({ informer }) => informer.status()),
    );
  }

  /** Per-informer counters and sizes, for `/metrics`. */
  stats(): { readonly name: string; readonly objects: number; readonly stats: InformerStats }[] {
    return [...this.#tracked.values()].flatMap((t) =>
      [...t.informers.values()].map(({ informer, index }) => ({
        name: informer.name,
        objects: index.size,
        stats: informer.stats,
      })),
    );
  }

  async list(
    groupResource: GroupResource,
    namespace: string,
    selector: LabelSelector,
    signal?: AbortSignal,
  ): Promise<readonly ListedObject[] | undefined> {
    const tracked = this.#tracked.get(formatGroupResource(groupResource));
    if (tracked === undefined) return undefined;
    const entry = tracked.informers.get('') ?? tracked.informers.get(namespace);
    if (entry === undefined) return undefined;
    if (!entry.informer.synced) {
      const synced = await entry.informer.waitForSync(this.#options.syncWaitMs ?? 10_000, signal);
      if (!synced) {
        this.#logger.warn(
          { informer: entry.informer.name },
          'informer not synced yet; the provider resolves the selector itself',
        );
        return undefined;
      }
    }
    const found: ListedObject[] = [];
    const scan = (names: ReadonlyMap<string, ListedObject>): void => {
      for (const object of names.values()) if (selector.matches(object.labels)) found.push(object);
    };
    if (namespace === '') for (const names of entry.index.byNamespace.values()) scan(names);
    else {
      const names = entry.index.byNamespace.get(namespace);
      if (names !== undefined) scan(names);
    }
    return found;
  }

  async #pathOf(
    groupResource: GroupResource,
    configuredVersion: string | undefined,
    scope: string,
    signal: AbortSignal,
  ): Promise<string> {
    const { group, resource } = groupResource;
    const inNamespace = (prefix: string, namespaced: boolean): string =>
      namespaced && scope !== ''
        ? `${prefix}/namespaces/${encodeURIComponent(scope)}/${resource}`
        : `${prefix}/${resource}`;
    if (group === '') {
      const version = configuredVersion ?? 'v1';
      const known = CORE_NAMESPACED[resource];
      if (known !== undefined) return inNamespace(`/api/${version}`, known);
      return inNamespace(`/api/${version}`, await this.#namespaced(`/api/${version}`, resource, signal));
    }
    let version = configuredVersion;
    if (version === undefined) {
      const doc = await this.#options.cluster.getJSON<ApiGroupDocument>(`/apis/${group}`, undefined, signal);
      version = doc.preferredVersion?.version ?? doc.versions?.[0]?.version;
      if (version === undefined) throw new Error(`API group ${group} lists no version`);
    }
    const prefix = `/apis/${group}/${version}`;
    return inNamespace(prefix, await this.#namespaced(prefix, resource, signal));
  }

  async #namespaced(prefix: string, resource: string, signal: AbortSignal): Promise<boolean> {
    const list = await this.#options.cluster.getJSON<ApiResourceListDocument>(prefix, undefined, signal);
    const found = list.resources?.find((r) => r.name === resource);
    if (found === undefined) throw new Error(`${prefix} does not serve ${resource}`);
    return found.namespaced === true;
  }
}
