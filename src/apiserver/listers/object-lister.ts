/**
 * Resolving a label selector to object names. For `pods/*\/<metric>?labelSelector=app=web` the
 * server asks its `ObjectLister` which pods match and hands the provider the names, so a
 * provider whose backend stores metrics by object name (most time-series databases) need not know
 * Kubernetes labels. This file holds the interface and an in-memory implementation; a cluster
 * implementation backed by informers plugs in the same way.
 */
import type { LabelSelector } from '../../api/index.js';
import { formatGroupResource } from '../provider/group-resource.js';
import type { GroupResource } from '../provider/provider.js';

/** One object as a lister sees it. */
export interface ListedObject {
  readonly name: string;
  /** Set for namespaced objects; absent for cluster-scoped ones. */
  readonly namespace?: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

/** Lists objects of a resource by label selector. */
export interface ObjectLister {
  /**
   * The objects of `groupResource` in `namespace` whose labels match `selector`. `namespace === ''`
   * means cluster-scoped objects, or every namespace for a namespaced resource. Returns `undefined`
   * when this lister does not know `groupResource` at all: the server then passes the selector to
   * the provider to resolve. An empty array means "known resource, nothing matched".
   *
   * For `metrics.k8s.io` the server also calls it with the empty selector for `pods` and `nodes`
   * on every request, and serves only the objects it returns, with their labels: keep it an
   * in-memory scan.
   */
  list(
    groupResource: GroupResource,
    namespace: string,
    selector: LabelSelector,
    signal?: AbortSignal,
  ): Promise<readonly ListedObject[] | undefined>;
}

/** Input of {@link StaticObjectLister}. */
export interface StaticObject extends ListedObject {
  readonly groupResource: GroupResource;
}

function objectKey(groupResource: GroupResource, namespace: string, name: string): string {
  return `${formatGroupResource(groupResource)}\u0000${namespace}\u0000${name}`;
}

/**
 * An {@link ObjectLister} over a set of objects held in memory: for tests, demos and the memory
 * provider. It knows a resource once at least one object of it was added (or it was declared with
 * {@link StaticObjectLister.declare}); for other resources `list` answers `undefined`.
 */
export class StaticObjectLister implements ObjectLister {
  private readonly objects = new Map<string, StaticObject>();
  private readonly known = new Set<string>();

  constructor(objects: Iterable<StaticObject> = []) {
    for (const object of objects) this.set(object);
  }

  /** Adds or replaces one object (identified by resource, namespace and name). */
  set(object: StaticObject): void {
    const stored: StaticObject = {
      groupResource: { group: object.groupResource.group, resource: object.groupResource.resource },
      name: object.name,
      namespace: object.namespace === '' ? undefined : object.namespace,
      labels: { ...object.labels },
    };
    this.known.add(formatGroupResource(stored.groupResource));
    this.objects.set(objectKey(stored.groupResource, stored.namespace ?? '', stored.name), stored);
  }

  /** Removes one object; true when it was there. */
  delete(groupResource: GroupResource, namespace: string, name: string): boolean {
    return this.objects.delete(objectKey(groupResource, namespace, name));
  }

  /** Marks a resource as known even while it has no objects (so `list` answers `[]`, not `undefined`). */
  declare(groupResource: GroupResource): void {
    this.known.add(formatGroupResource(groupResource));
  }

  /** Forgets every object and every known resource. */
  clear(): void {
    this.objects.clear();
    this.known.clear();
  }

  list(
    groupResource: GroupResource,
    namespace: string,
    selector: LabelSelector,
  ): Promise<readonly ListedObject[] | undefined> {
    const wanted = formatGroupResource(groupResource);
    if (!this.known.has(wanted)) return Promise.resolve(undefined);
    const found: ListedObject[] = [];
    for (const object of this.objects.values()) {
      if (formatGroupResource(object.groupResource) !== wanted) continue;
      if (namespace !== '' && object.namespace !== namespace) continue;
      if (!selector.matches(object.labels)) continue;
      const listed: ListedObject =
        object.namespace === undefined
          ? { name: object.name, labels: object.labels }
          : { name: object.name, namespace: object.namespace, labels: object.labels };
      found.push(listed);
    }
    return Promise.resolve(found);
  }
}
