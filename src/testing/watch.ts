/**
 * Watch (`?watch=true`): a chunked stream of newline-delimited `{"type":...,"object":...}` events.
 *
 * Semantics follow the API server's watch cache (k8s.io/apiserver pkg/storage/cacher):
 * - no `resourceVersion` (or `"0"`): synthetic ADDED events for every matching object, then live
 *   changes; with `sendInitialEvents=true` a BOOKMARK annotated `k8s.io/initial-events-end` marks
 *   the end of the initial state;
 * - `resourceVersion=N`: every change after N, then live changes; if N is older than the kept
 *   window the stream carries one ERROR event with a 410 Expired Status and ends;
 * - with selectors, an object that stops matching is sent as DELETED and one that starts matching
 *   as ADDED;
 * - `timeoutSeconds` ends the stream (cleanly) after that many seconds;
 * - with `allowWatchBookmarks=true`, a BOOKMARK carrying the current resourceVersion every
 *   `bookmarkIntervalMs` (kube-apiserver: every minute, `defaultBookmarkFrequency` in
 *   k8s.io/apiserver pkg/storage/cacher/cacher.go), so a client can tell a quiet stream from a
 *   dead one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { failureStatus } from '../api/index.js';
import { matcherFor, parseListOptions } from './list-options.js';
import { apiVersionOf, type AnyObject, type ResourceEndpoint } from './resources.js';
import { sendStatus } from './response.js';
import { namespaceRange, type StoreEvent, type StoredObject } from './store.js';
import { encodeTable, type TableVersion } from './table.js';

export interface WatchRequest {
  readonly endpoint: ResourceEndpoint;
  readonly namespace: string;
  /** Set for `GET .../pods/<name>?watch=1` or `/watch/.../pods/<name>`. */
  readonly name: string;
  readonly url: URL;
  readonly table: TableVersion | undefined;
  readonly now: () => number;
}

/** Open watches, so the server can end them on stop. */
export class WatchRegistry {
  private readonly open = new Set<() => void>();

  /** @param bookmarkIntervalMs Period of the bookmarks of streams that ask for them; 0 = none. */
  constructor(readonly bookmarkIntervalMs = 60_000) {
    if (!Number.isFinite(bookmarkIntervalMs) || bookmarkIntervalMs < 0)
      throw new RangeError(
        `watchBookmarkIntervalMs must be 0 or a positive number, got ${bookmarkIntervalMs}`,
      );
  }

  get size(): number {
    return this.open.size;
  }

  /** @internal */
  add(close: () => void): () => void {
    this.open.add(close);
    return () => this.open.delete(close);
  }

  closeAll(): void {
    for (const close of [...this.open]) close();
  }
}

const BATCH = 500;

export function serveWatch(
  request: WatchRequest,
  req: IncomingMessage,
  res: ServerResponse,
  registry: WatchRegistry,
): void {
  const { endpoint, url } = request;
  const options = parseListOptions(url, endpoint);
  if ('kind' in options) return sendStatus(res, options);
  const store = endpoint.store;
  const match = matcherFor(endpoint, options, request.name);
  const namespace = endpoint.namespaced ? request.namespace : '';
  const inScope = (stored: StoredObject<AnyObject>): boolean =>
    (namespace === '' || stored.namespace === namespace) && (match === undefined || match(stored));

  const apiVersion = apiVersionOf(endpoint);
  let columnsSent = false;
  const encodeObject = (stored: StoredObject<AnyObject>): string => {
    if (request.table === undefined) return stored.typedJson(endpoint.kind, apiVersion);
    const meta = `{"resourceVersion":"${stored.resourceVersion}"}`;
    const text = encodeTable(
      endpoint.table,
      request.table,
      [stored],
      meta,
      'Metadata',
      { kind: endpoint.kind, apiVersion },
      request.now(),
      !columnsSent,
    );
    columnsSent = true;
    return text;
  };
  const line = (type: string, stored: StoredObject<AnyObject>): string =>
    `{"type":"${type}","object":${encodeObject(stored)}}\n`;

  const rv = options.resourceVersion;
  let backlog: readonly StoreEvent<AnyObject>[] = [];
  if (rv !== undefined && rv !== '0') {
    const since = /^\d+$/.test(rv) ? Number(rv) : NaN;
    if (Number.isNaN(since)) {
      return sendStatus(res, failureStatus(400, `invalid resourceVersion "${rv}": expected an integer`));
    }
    const events = store.eventsSince(since);
    if (events === undefined) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
      const status = failureStatus(
        410,
        `too old resource version: ${since} (${store.oldestResumableVersion})`,
      );
      res.end(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      return;
    }
    backlog = events;
  }

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  const translate = (event: StoreEvent<AnyObject>): string | undefined => {
    const now = inScope(event.object);
    const before = event.previous !== undefined && inScope(event.previous);
    if (event.type === 'DELETED') return before || now ? line('DELETED', event.object) : undefined;
    if (event.type === 'ADDED') return now ? line('ADDED', event.object) : undefined;
    if (now && before) return line('MODIFIED', event.object);
    if (now) return line('ADDED', event.object);
    return before ? line('DELETED', event.object) : undefined;
  };

  // Initial state or backlog, written in batches; no store change can interleave (single thread).
  let batch: string[] = [];
  const flush = (): void => {
    if (batch.length > 0) res.write(batch.join(''));
    batch = [];
  };
  if (rv === undefined || rv === '0') {
    const items = store.all();
    const [from, to] = endpoint.namespaced ? namespaceRange(items, namespace) : [0, items.length];
    for (let i = from; i < to; i++) {
      const stored = items[i] as StoredObject<AnyObject>;
      if (match !== undefined && !match(stored)) continue;
      batch.push(line('ADDED', stored));
      if (batch.length >= BATCH) flush();
    }
    if (options.sendInitialEvents) {
      const bookmark = {
        kind: endpoint.kind,
        apiVersion,
        metadata: {
          resourceVersion: String(store.snapshot().resourceVersion),
          annotations: { 'k8s.io/initial-events-end': 'true' },
        },
      };
      batch.push(`{"type":"BOOKMARK","object":${JSON.stringify(bookmark)}}\n`);
    }
  } else {
    for (const event of backlog) {
      const text = translate(event);
      if (text !== undefined) batch.push(text);
      if (batch.length >= BATCH) flush();
    }
  }
  flush();

  let closed = false;
  const unsubscribe = store.subscribe((event) => {
    const text = translate(event);
    if (text !== undefined) res.write(text);
  });
  const bookmarkLine = (): string =>
    `{"type":"BOOKMARK","object":${JSON.stringify({ kind: endpoint.kind, apiVersion, metadata: { resourceVersion: String(store.snapshot().resourceVersion) } })}}\n`;
  const bookmarks =
    options.allowWatchBookmarks && registry.bookmarkIntervalMs > 0
      ? setInterval(() => res.write(bookmarkLine()), registry.bookmarkIntervalMs)
      : undefined;
  bookmarks?.unref();
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    unregister();
    if (timer !== undefined) clearTimeout(timer);
    clearInterval(bookmarks);
    if (!res.writableEnded) res.end();
  };
  const unregister = registry.add(close);
  const timer =
    options.timeoutSeconds !== undefined && options.timeoutSeconds > 0
      ? setTimeout(close, options.timeoutSeconds * 1000)
      : undefined;
  timer?.unref();
  req.on('close', close);
  res.on('close', close);
  if (res.destroyed) close();
}
