/**
 * The object store behind every resource the test cluster serves: one per resource, sharing one
 * revision counter (as etcd gives the whole cluster one resourceVersion sequence).
 *
 * Built for large fixtures (5,000 nodes, 150,000 pods): objects are kept in an array sorted by key
 * (`name`, or `namespace/name` — the order etcd returns them in), so a namespace is a contiguous
 * range and a page is a slice found by binary search. Each object's JSON is produced once and
 * cached until the object changes. Paginated lists read a snapshot: the sorted array is shared
 * with readers and copied only on the next write (copy-on-write), so a continue token keeps seeing
 * the list as it was, as the API server's etcd-backed pagination does.
 */
import { createHash } from 'node:crypto';
import type { ObjectMeta } from '../api/index.js';

/** A monotonically increasing resourceVersion shared by all stores of one cluster. */
export class RevisionClock {
  current = 0;
  next(): number {
    return ++this.current;
  }
}

export interface StoreOptions {
  /** Whether objects get `resourceVersion`, `uid` and `creationTimestamp` stamped (false for metrics). */
  readonly tracked: boolean;
  readonly namespaced: boolean;
  /** Kind used for deterministic UIDs. */
  readonly kind: string;
  /** How many change events are kept for watches that resume from a resourceVersion. */
  readonly watchWindow: number;
}

interface WithMetadata {
  metadata: ObjectMeta;
}

/** One stored object and its cached encodings. */
export class StoredObject<T extends WithMetadata> {
  private cachedJson: string | undefined;
  private cachedMetadataJson: string | undefined;

  constructor(
    readonly key: string,
    readonly namespace: string,
    readonly name: string,
    /** The object without `kind`/`apiVersion` (list items carry none, as from kube-apiserver). */
    readonly object: T,
    readonly resourceVersion: number,
  ) {}

  /** The object as a list item: no `kind`/`apiVersion`. Serialized once. */
  json(): string {
    return (this.cachedJson ??= JSON.stringify(this.object));
  }

  /** The object with its type, e.g. `{"kind":"Pod","apiVersion":"v1",...}` for GET and watch. */
  typedJson(kind: string, apiVersion: string): string {
    const body = this.json();
    const head = `{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)}`;
    return body === '{}' ? `${head}}` : `${head},${body.slice(1)}`;
  }

  /** `metadata` alone, for Table rows (PartialObjectMetadata). */
  metadataJson(): string {
    return (this.cachedMetadataJson ??= JSON.stringify(this.object.metadata));
  }
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change to one object; `previous` is the state before a MODIFIED or DELETED. */
export interface StoreEvent<T extends WithMetadata> {
  readonly type: StoreEventType;
  readonly resourceVersion: number;
  readonly object: StoredObject<T>;
  readonly previous: StoredObject<T> | undefined;
}

/** The state of a store at one resourceVersion, for a paginated list. */
export interface StoreSnapshot<T extends WithMetadata> {
  readonly resourceVersion: number;
  readonly items: readonly StoredObject<T>[];
}

const MAX_SNAPSHOTS = 16;

/** Index of the first item whose key is >= `key` in a key-sorted array. */
export function lowerBound(items: readonly { key: string }[], key: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid]?.key ?? '') < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The key range `[start, end)` of one namespace (all items when `namespace` is empty). */
export function namespaceRange(items: readonly { key: string }[], namespace: string): [number, number] {
  if (namespace === '') return [0, items.length];
  // '/' (0x2f) sorts right before '0' (0x30), so `ns/` up to `ns0` is exactly that namespace.
  return [lowerBound(items, `${namespace}/`), lowerBound(items, `${namespace}0`)];
}

export class ResourceStore<T extends WithMetadata> {
  private readonly byKey = new Map<string, StoredObject<T>>();
  private sorted: StoredObject<T>[] = [];
  /** True while `sorted` may be referenced by a snapshot: the next write copies it first. */
  private shared = false;
  private readonly snapshots = new Map<number, StoredObject<T>[]>();
  private history: StoreEvent<T>[] = [];
  /** Events at or below this resourceVersion are no longer in `history`. */
  private floor = 0;
  /** Continue tokens older than this are expired (set by compaction). */
  private compactedAt = 0;
  /** resourceVersion of the last write. */
  private lastChange = 0;
  private readonly listeners = new Set<(event: StoreEvent<T>) => void>();

  constructor(
    private readonly clock: RevisionClock,
    readonly options: StoreOptions,
  ) {}

  get size(): number {
    return this.sorted.length;
  }

  /** The lowest resourceVersion a watch can resume from. */
  get oldestResumableVersion(): number {
    return this.floor;
  }

  keyOf(namespace: string, name: string): string {
    return this.options.namespaced ? `${namespace}/${name}` : name;
  }

  get(namespace: string, name: string): StoredObject<T> | undefined {
    return this.byKey.get(this.keyOf(namespace, name));
  }

  /** All objects in key order (current state; do not hold on to it across writes). */
  all(): readonly StoredObject<T>[] {
    return this.sorted;
  }

  /** Replaces the whole content without emitting events (initial load, metrics sets). */
  replaceAll(objects: readonly T[]): void {
    this.byKey.clear();
    for (const object of objects) {
      const stored = this.stamp(
        object,
        this.options.tracked ? this.clock.next() : this.clock.current,
        undefined,
      );
      this.byKey.set(stored.key, stored);
    }
    this.sorted = [...this.byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.shared = false;
    this.lastChange = this.clock.current;
    this.floor = this.clock.current;
    this.history = [];
  }

  /** Adds or replaces an object, emitting ADDED or MODIFIED. */
  upsert(object: T): StoredObject<T> {
    const key = this.keyFor(object);
    const previous = this.byKey.get(key);
    const stored = this.stamp(object, this.clock.next(), previous);
    this.byKey.set(key, stored);
    const items = this.writable();
    const index = lowerBound(items, key);
    if (previous !== undefined) items[index] = stored;
    else items.splice(index, 0, stored);
    this.record(previous === undefined ? 'ADDED' : 'MODIFIED', stored, previous);
    return stored;
  }

  /** Removes an object, emitting DELETED with the deletion's resourceVersion. False when absent. */
  delete(namespace: string, name: string): boolean {
    const key = this.keyOf(namespace, name);
    const previous = this.byKey.get(key);
    if (previous === undefined) return false;
    this.byKey.delete(key);
    const items = this.writable();
    items.splice(lowerBound(items, key), 1);
    const rv = this.clock.next();
    const object = this.options.tracked
      ? { ...previous.object, metadata: { ...previous.object.metadata, resourceVersion: String(rv) } }
      : previous.object;
    this.record('DELETED', new StoredObject(key, previous.namespace, previous.name, object, rv), previous);
    return true;
  }

  /** The current state, pinned for a paginated list. */
  snapshot(): StoreSnapshot<T> {
    const resourceVersion = this.clock.current;
    this.remember(resourceVersion, this.sorted);
    return { resourceVersion, items: this.sorted };
  }

  /** The state at `resourceVersion` if it is still known (no compaction since, snapshot retained). */
  snapshotAt(resourceVersion: number): StoreSnapshot<T> | undefined {
    if (resourceVersion < this.compactedAt) return undefined;
    const kept = this.snapshots.get(resourceVersion);
    if (kept !== undefined) return { resourceVersion, items: kept };
    if (resourceVersion >= this.lastChange && resourceVersion <= this.clock.current) {
      this.remember(resourceVersion, this.sorted);
      return { resourceVersion, items: this.sorted };
    }
    return undefined;
  }

  /** Events after `resourceVersion`, or `undefined` when some of them are no longer kept. */
  eventsSince(resourceVersion: number): readonly StoreEvent<T>[] | undefined {
    if (resourceVersion < this.floor) return undefined;
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.history[mid]?.resourceVersion ?? 0) <= resourceVersion) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** Calls `listener` synchronously for every change; returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets history and snapshots, as an etcd compaction would: older watches and tokens expire. */
  compact(): void {
    this.history = [];
    this.snapshots.clear();
    this.floor = this.clock.current;
    this.compactedAt = this.clock.current;
  }

  private keyFor(object: T): string {
    const name = object.metadata.name ?? '';
    return this.keyOf(this.options.namespaced ? (object.metadata.namespace ?? 'default') : '', name);
  }

  private writable(): StoredObject<T>[] {
    if (this.shared) {
      this.sorted = this.sorted.slice();
      this.shared = false;
    }
    return this.sorted;
  }

  private remember(resourceVersion: number, items: StoredObject<T>[]): void {
    this.shared = this.shared || items === this.sorted;
    this.snapshots.delete(resourceVersion);
    this.snapshots.set(resourceVersion, items);
    if (this.snapshots.size > MAX_SNAPSHOTS) {
      const oldest = this.snapshots.keys().next();
      if (oldest.done !== true) this.snapshots.delete(oldest.value);
    }
  }

  private record(type: StoreEventType, object: StoredObject<T>, previous: StoredObject<T> | undefined): void {
    this.lastChange = object.resourceVersion;
    const event: StoreEvent<T> = { type, resourceVersion: object.resourceVersion, object, previous };
    this.history.push(event);
    while (this.history.length > this.options.watchWindow) {
      const dropped = this.history.shift();
      if (dropped !== undefined) this.floor = dropped.resourceVersion;
    }
    for (const listener of this.listeners) listener(event);
  }

  /** Copies the object without `kind`/`apiVersion`, with metadata in the API server's field order. */
  private stamp(object: T, rv: number, previous: StoredObject<T> | undefined): StoredObject<T> {
    const {
      kind: _kind,
      apiVersion: _apiVersion,
      ...rest
    } = object as T & { kind?: unknown; apiVersion?: unknown };
    const m = object.metadata;
    const namespace = this.options.namespaced ? (m.namespace ?? 'default') : '';
    const name = m.name ?? '';
    const tracked = this.options.tracked;
    // One literal in kube-apiserver's field order (JSON.stringify drops the undefined ones).
    const metadata: ObjectMeta & Record<string, unknown> = {
      name: m.name,
      generateName: undefined,
      namespace: this.options.namespaced ? namespace : m.namespace,
      uid: tracked
        ? (m.uid ?? previous?.object.metadata.uid ?? deterministicUid(this.options.kind, namespace, name))
        : m.uid,
      resourceVersion: tracked ? String(rv) : m.resourceVersion,
      generation: m.generation,
      creationTimestamp: tracked
        ? (m.creationTimestamp ?? previous?.object.metadata.creationTimestamp ?? nowTimestamp())
        : m.creationTimestamp,
      deletionTimestamp: m.deletionTimestamp,
      labels: m.labels,
      annotations: m.annotations,
      ownerReferences: m.ownerReferences,
    };
    // Fields the literal leaves undefined (generateName, finalizers, ...) keep the caller's value.
    for (const field in m) {
      if (metadata[field] === undefined) metadata[field] = (m as Record<string, unknown>)[field];
    }
    const stored = { ...rest, metadata } as unknown as T;
    return new StoredObject(this.keyOf(namespace, name), namespace, name, stored, rv);
  }
}

function nowTimestamp(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

/** A stable UID derived from the object's identity, so unspecified UIDs are the same on every run. */
export function deterministicUid(kind: string, namespace: string, name: string): string {
  const h = createHash('sha1').update(`${kind}/${namespace}/${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16] ?? '0', 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
