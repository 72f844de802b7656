import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/index.js';
import { ResourceStore, RevisionClock, deterministicUid, namespaceRange, type StoreEvent } from './store.js';

const pod = (namespace: string, name: string, labels?: Record<string, string>): Pod => ({
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'c' }] },
});

function podStore(watchWindow = 100): ResourceStore<Pod> {
  return new ResourceStore<Pod>(new RevisionClock(), {
    kind: 'Pod',
    namespaced: true,
    tracked: true,
    watchWindow,
  });
}

describe('ResourceStore', () => {
  it('keeps objects sorted by namespace/name and stamps metadata in API server order', () => {
    const store = podStore();
    store.replaceAll([pod('b', 'x'), pod('a', 'z'), pod('a', 'y')]);
    expect(store.all().map((s) => s.key)).toEqual(['a/y', 'a/z', 'b/x']);
    const first = store.get('a', 'y')!;
    const parsed = JSON.parse(first.json()) as { kind?: string; metadata: object };
    expect(Object.keys(parsed.metadata)).toEqual([
      'name',
      'namespace',
      'uid',
      'resourceVersion',
      'creationTimestamp',
    ]);
    expect(first.object.metadata.uid).toBe(deterministicUid('Pod', 'a', 'y'));
    expect(first.typedJson('Pod', 'v1')).toMatch(/^\{"kind":"Pod","apiVersion":"v1","metadata":/);
    expect(parsed.kind).toBeUndefined();
    expect(namespaceRange(store.all(), 'a')).toEqual([0, 2]);
    expect(namespaceRange(store.all(), 'b')).toEqual([2, 3]);
    expect(namespaceRange(store.all(), 'c')).toEqual([3, 3]);
  });

  it('emits ADDED, MODIFIED and DELETED with increasing resourceVersions and keeps uid/creation time', () => {
    const store = podStore();
    const events: StoreEvent<Pod>[] = [];
    store.subscribe((e) => events.push(e));
    const added = store.upsert(pod('a', 'x'));
    const modified = store.upsert(pod('a', 'x', { v: '2' }));
    expect(store.delete('a', 'x')).toBe(true);
    expect(store.delete('a', 'x')).toBe(false);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events.map((e) => e.resourceVersion)).toEqual([1, 2, 3]);
    expect(modified.object.metadata.uid).toBe(added.object.metadata.uid);
    expect(modified.object.metadata.creationTimestamp).toBe(added.object.metadata.creationTimestamp);
    expect(events[2]!.object.object.metadata.resourceVersion).toBe('3');
    expect(events[2]!.previous).toBe(modified);
  });

  it('serves snapshots copy-on-write: a pinned list does not see later writes', () => {
    const store = podStore();
    store.replaceAll([pod('a', '1'), pod('a', '3')]);
    const snapshot = store.snapshot();
    store.upsert(pod('a', '2'));
    expect(snapshot.items.map((s) => s.name)).toEqual(['1', '3']);
    expect(store.all().map((s) => s.name)).toEqual(['1', '2', '3']);
    expect(store.snapshotAt(snapshot.resourceVersion)?.items.map((s) => s.name)).toEqual(['1', '3']);
    store.compact();
    expect(store.snapshotAt(snapshot.resourceVersion)).toBeUndefined();
  });

  it('replays events after a resourceVersion and forgets those beyond the window', () => {
    const store = podStore(2);
    store.replaceAll([]);
    for (const name of ['a', 'b', 'c']) store.upsert(pod('n', name));
    expect(store.eventsSince(1)?.map((e) => e.object.name)).toEqual(['b', 'c']);
    expect(store.eventsSince(2)?.map((e) => e.object.name)).toEqual(['c']);
    expect(store.eventsSince(0)).toBeUndefined();
    expect(store.oldestResumableVersion).toBe(1);
  });
});
