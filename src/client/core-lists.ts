/**
 * Paged core reads (`limit` / `continue`) as async iterables of pages. Each page body is parsed
 * with one `JSON.parse` and, with `transform`, reduced to what the caller keeps before the next
 * page is fetched, so memory stays flat on very large clusters.
 */
import type { List } from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { isExpiredError } from './api-error.js';
import type { CallOptions, Query, Transport } from './transport.js';

/** Options of a paged list. */
export interface ListOptions<T, U = T> extends CallOptions {
  /** Label selector, e.g. `app=web,tier!=db`. */
  readonly labelSelector?: string | undefined;
  /** Field selector, e.g. `status.phase!=Succeeded,status.phase!=Failed`. */
  readonly fieldSelector?: string | undefined;
  /** Items per page (500). */
  readonly limit?: number | undefined;
  /**
   * `resourceVersion` of the first page (`"0"` lets the server answer from its cache, without
   * paging). Later pages use `continue` only, as the API requires.
   */
  readonly resourceVersion?: string | undefined;
  /** Maps every item as its page arrives; the full object is dropped afterwards. */
  readonly transform?: ((item: T) => U) | undefined;
  /**
   * What to do when a `continue` token expires mid-list (HTTP 410 `Expired`): `'throw'` (default)
   * rejects with a `KubernetesApiError` (status 410, reason `Expired`); `'restart'` lists again
   * from the first page and marks that page `restarted: true` (and calls `onRestart`), so the
   * consumer can drop what it collected.
   */
  readonly onExpired?: 'throw' | 'restart' | undefined;
  /** Restarts allowed before the 410 is thrown anyway (3). */
  readonly maxRestarts?: number | undefined;
  /** Called when the list restarts from the first page, before that page is fetched. */
  readonly onRestart?:
    ((info: { readonly restarts: number; readonly error: KubemetricsError }) => void) | undefined;
}

/** One page of a list. */
export interface ListPage<U> {
  readonly items: U[];
  /** `metadata.resourceVersion` of the list (the same on every page of one consistent list). */
  readonly resourceVersion: string;
  /** Items left after this page, when the server knows (`metadata.remainingItemCount`). */
  readonly remainingItemCount?: number;
  /**
   * `true` on the first page after a restart (`onExpired: 'restart'`): discard everything collected
   * from earlier pages.
   */
  readonly restarted: boolean;
}

const DEFAULT_LIMIT = 500;
const DEFAULT_MAX_RESTARTS = 3;

function argumentError(message: string): KubemetricsError {
  return new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', message);
}

/** Validates a namespace argument: non-empty, no slash. */
export function checkNamespace(namespace: string, what: string): string {
  if (typeof namespace !== 'string' || namespace.trim() === '') {
    throw argumentError(`${what}: namespace must be a non-empty string, got ${JSON.stringify(namespace)}`);
  }
  if (namespace.includes('/')) {
    throw argumentError(`${what}: namespace ${JSON.stringify(namespace)} must not contain "/"`);
  }
  return namespace;
}

/** Validates an object name argument. */
export function checkName(name: string, what: string): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw argumentError(`${what}: name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  return name;
}

/**
 * Lists `path` page by page. Each page request gets the transport's retries (5xx, 429, resets)
 * and `timeoutMs` as its own deadline; `signal` cancels the whole iteration.
 */
export async function* listPages<T, U = T>(
  transport: Transport,
  path: string,
  options: ListOptions<T, U> = {},
): AsyncGenerator<ListPage<U>, void, undefined> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit <= 0) {
    throw argumentError(`limit must be a positive integer, got ${String(options.limit)}`);
  }
  const maxRestarts = options.maxRestarts ?? DEFAULT_MAX_RESTARTS;
  const transform = options.transform;
  let continueToken: string | undefined;
  let restarts = 0;
  let restarted = false;
  for (;;) {
    const query: Query = {
      limit,
      labelSelector: options.labelSelector || undefined,
      fieldSelector: options.fieldSelector || undefined,
      ...(continueToken === undefined
        ? { resourceVersion: options.resourceVersion }
        : { continue: continueToken }),
    };
    let list: List<T>;
    try {
      list = await transport.getJSON<List<T>>({
        path,
        query,
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
    } catch (error) {
      if (
        continueToken !== undefined &&
        options.onExpired === 'restart' &&
        isExpiredError(error) &&
        restarts < maxRestarts
      ) {
        restarts++;
        continueToken = undefined;
        restarted = true;
        options.onRestart?.({ restarts, error });
        continue;
      }
      throw error;
    }
    if (typeof list !== 'object' || list === null || !Array.isArray(list.items)) {
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_DECODE',
        `GET ${transport.url(path, query)}: the response has no items list`,
        {
          hint: 'Something other than the Kubernetes API answered: check the server URL of the context.',
        },
      );
    }
    const metadata = list.metadata ?? {};
    const items = transform === undefined ? (list.items as unknown as U[]) : list.items.map(transform);
    yield {
      items,
      resourceVersion: metadata.resourceVersion ?? '',
      ...(metadata.remainingItemCount === undefined
        ? {}
        : { remainingItemCount: metadata.remainingItemCount }),
      restarted,
    };
    restarted = false;
    continueToken = metadata.continue || undefined;
    if (continueToken === undefined) return;
  }
}

/** Collects every item of a paged list (convenience for small lists; prefer pages for large ones). */
export async function collect<U>(pages: AsyncIterable<ListPage<U>>): Promise<U[]> {
  let items: U[] = [];
  for await (const page of pages) {
    if (page.restarted) items = [];
    for (const item of page.items) items.push(item);
  }
  return items;
}
