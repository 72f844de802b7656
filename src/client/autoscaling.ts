/**
 * autoscaling/v2 HorizontalPodAutoscalers: one namespace's or every namespace's (paged, like every
 * core list), or one by name. Items are returned as the server sent them; the caller types them.
 */
import { checkName, checkNamespace, listPages, type ListOptions, type ListPage } from './core-lists.js';
import type { CallOptions, Transport } from './transport.js';

const BASE = '/apis/autoscaling/v2';

export interface HpaListOptions<T, U> extends ListOptions<T, U> {
  /** Leave out for all namespaces. */
  readonly namespace?: string | undefined;
}

export function listHorizontalPodAutoscalers<T, U = T>(
  transport: Transport,
  options: HpaListOptions<T, U> = {},
): AsyncIterable<ListPage<U>> {
  const path =
    options.namespace === undefined
      ? `${BASE}/horizontalpodautoscalers`
      : `${BASE}/namespaces/${encodeURIComponent(checkNamespace(options.namespace, 'listHorizontalPodAutoscalers'))}/horizontalpodautoscalers`;
  return listPages(transport, path, options);
}

export function getHorizontalPodAutoscaler<T>(
  transport: Transport,
  namespace: string,
  name: string,
  options: CallOptions = {},
): Promise<T> {
  checkNamespace(namespace, 'getHorizontalPodAutoscaler');
  checkName(name, 'getHorizontalPodAutoscaler');
  return transport.getJSON<T>({
    path: `${BASE}/namespaces/${encodeURIComponent(namespace)}/horizontalpodautoscalers/${encodeURIComponent(name)}`,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
}
