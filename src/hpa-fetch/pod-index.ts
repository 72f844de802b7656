/**
 * The pods the HPAs of one sync select, read with ONE list (one namespace or all of them) and then
 * matched per HPA in memory, as the controller matches its pod informer's cache
 * (`podLister.Pods(namespace).List(selector)`): the number of pod requests does not grow with the
 * number of HPAs.
 */
import type { LabelSelector, Pod } from '../api/index.js';
import type { CallOptions, MetricsClient } from '../client/index.js';
import { hpaPodFromPod, type HpaPod } from '../hpa/index.js';

export interface IndexedPod {
  readonly labels: Readonly<Record<string, string>>;
  readonly pod: HpaPod;
}

export class PodIndex {
  readonly #byNamespace = new Map<string, IndexedPod[]>();

  add(namespace: string, pod: IndexedPod): void {
    let list = this.#byNamespace.get(namespace);
    if (list === undefined) this.#byNamespace.set(namespace, (list = []));
    list.push(pod);
  }

  /** Pods of `namespace` that `selector` matches (an empty selector matches every pod, as in Go). */
  select(namespace: string, selector: LabelSelector): IndexedPod[] {
    return (this.#byNamespace.get(namespace) ?? []).filter((p) => selector.matches(p.labels));
  }

  get size(): number {
    let n = 0;
    for (const list of this.#byNamespace.values()) n += list.length;
    return n;
  }
}

export interface PodListRequest extends CallOptions {
  /** Leave out for every namespace. */
  readonly namespace?: string | undefined;
  /** Narrow the list on the server (a single HPA's selector). */
  readonly labelSelector?: string | undefined;
  readonly limit?: number | undefined;
}

/** Lists pods once, page by page, keeping only what the calculation reads. */
export async function listPodIndex(client: MetricsClient, request: PodListRequest): Promise<PodIndex> {
  let index = new PodIndex();
  for await (const page of client.listPods<{ namespace: string; indexed: IndexedPod }>({
    namespace: request.namespace,
    labelSelector: request.labelSelector,
    limit: request.limit,
    signal: request.signal,
    timeoutMs: request.timeoutMs,
    onExpired: 'restart',
    transform: (pod: Pod) => ({
      namespace: pod.metadata.namespace ?? request.namespace ?? '',
      indexed: { labels: pod.metadata.labels ?? {}, pod: hpaPodFromPod(pod) },
    }),
  })) {
    if (page.restarted) index = new PodIndex();
    for (const item of page.items) index.add(item.namespace, item.indexed);
  }
  return index;
}
