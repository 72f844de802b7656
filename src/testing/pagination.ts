/**
 * List pagination (`limit` / `continue` / `remainingItemCount`) the way kube-apiserver's etcd
 * storage does it: the continue token is opaque to clients but, like the real one, is base64url
 * JSON `{"v":"meta.k8s.io/v1","rv":<list resourceVersion>,"start":"<next key>"}`; `rv: -1` means
 * "continue at the latest state" (what the 410 answer for an expired token hands back).
 * Source: k8s.io/apiserver pkg/storage/continue.go and pkg/storage/etcd3/store.go.
 */
import { lowerBound } from './store.js';

export interface ContinueToken {
  /** resourceVersion of the first page; -1 for an inconsistent continuation at the latest state. */
  readonly resourceVersion: number;
  /** The first key the next page may return. */
  readonly start: string;
}

const TOKEN_VERSION = 'meta.k8s.io/v1';

export function encodeContinueToken(token: ContinueToken): string {
  return Buffer.from(
    JSON.stringify({ v: TOKEN_VERSION, rv: token.resourceVersion, start: token.start }),
  ).toString('base64url');
}

/** Decodes a token; `undefined` when it is not one of ours (the API server answers 400 then). */
export function decodeContinueToken(text: string): ContinueToken | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { v, rv, start } = parsed as { v?: unknown; rv?: unknown; start?: unknown };
    if (v !== TOKEN_VERSION || typeof rv !== 'number' || !Number.isInteger(rv) || typeof start !== 'string')
      return undefined;
    if (rv === 0 || rv < -1 || start === '') return undefined;
    return { resourceVersion: rv, start };
  } catch {
    return undefined;
  }
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Key to resume from (exclusive of everything returned), when more items may follow. */
  readonly nextStart: string | undefined;
  /** Items after this page, only known (and only reported) when no predicate filters the list. */
  readonly remainingItemCount: number | undefined;
}

/**
 * One page of `items[from, to)` starting at key `start` (inclusive). Without a predicate the page
 * is a slice, O(limit); with one, the scan stops after `limit` matches plus a look-ahead for one
 * more match so the last page does not come back empty. `limit` 0 means no limit.
 */
export function takePage<T extends { key: string }>(
  items: readonly T[],
  from: number,
  to: number,
  start: string | undefined,
  limit: number,
  predicate?: (item: T) => boolean,
): Page<T> {
  let begin = from;
  if (start !== undefined) begin = Math.max(from, Math.min(to, lowerBound(items, start)));
  if (predicate === undefined) {
    const end = limit > 0 ? Math.min(to, begin + limit) : to;
    const page = items.slice(begin, end);
    const remaining = to - end;
    return {
      items: page,
      nextStart: remaining > 0 ? nextKey(page[page.length - 1]?.key ?? '') : undefined,
      remainingItemCount: remaining > 0 ? remaining : undefined,
    };
  }
  const page: T[] = [];
  let i = begin;
  for (; i < to && (limit === 0 || page.length < limit); i++) {
    const item = items[i];
    if (item !== undefined && predicate(item)) page.push(item);
  }
  let more = false;
  if (limit > 0 && page.length === limit) {
    for (let j = i; j < to; j++) {
      const item = items[j];
      if (item !== undefined && predicate(item)) {
        more = true;
        break;
      }
    }
  }
  return {
    items: page,
    nextStart: more ? nextKey(page[page.length - 1]?.key ?? '') : undefined,
    remainingItemCount: undefined,
  };
}

/** The smallest key greater than `key` (etcd's "key + \x00"). */
function nextKey(key: string): string {
  return `${key}\u0000`;
}
