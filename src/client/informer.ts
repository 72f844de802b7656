/**
 * An informer: one collection kept in memory by list + watch, so that answering a request never
 * needs a call to the Kubernetes API. The loop is client-go's Reflector
 * (k8s.io/client-go/tools/cache/reflector.go) in small, with what a server needs to tell an
 * operator when it cannot keep up:
 *
 * - **list** in pages (`limit=500` + `continue`; an expired `continue` token starts the list over,
 *   as client-go's pager does) and replace the store;
 * - **watch** from the list's resourceVersion with `allowWatchBookmarks=true`; a stream the
 *   server ends at its `timeoutSeconds` (random 5–10 min, as the Reflector picks) is reopened
 *   from the last version seen; after a failed one the informer waits (backoff) and lists again;
 * - a stream silent past its timeout plus a margin is a **dead connection** (`watch-idle`): a
 *   frozen proxy or a half-open TCP connection never errors by itself;
 * - **backoff** with jitter on consecutive failures (informer-backoff.ts: client-go's 800 ms →
 *   30 s, reset only after 2 quiet minutes), never reset by a list that succeeds between two
 *   failed watches;
 * - **fallback to periodic lists** when the watch is not allowed (405; 403 because RBAC lacks
 *   `watch`), is cut at once again and again (client-go's "very short watch": open < 1 s, no
 *   event), or answers 410 right after every list: at most one list per `fallbackIntervalMs`,
 *   one transition reported, and after each poll one watch attempt, so the informer returns to
 *   watching by itself once the watch works;
 * - the **time since the last proof of freshness** (a list, an event, a bookmark, a stream the
 *   server ended) in {@link Informer.status}, so staleness includes a silent watch.
 *
 * The library never logs: each change of state (synced, watching, fallback, failing with a cause,
 * recovered) is one {@link InformerTransition} passed to `onTransition`, never one per retry.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { KubemetricsError } from '../errors.js';
import { isExpiredError } from './api-error.js';
import { Backoff, positive, type BackoffOptions } from './informer-backoff.js';
import { classifyFailure, messageOf, type Failure, type FailureReason } from './informer-failure.js';
import type { Connection, Query, Transport } from './transport.js';
import { watch, watchIdleTimeoutMs, type WatchEvent, type WatchOptions } from './watch.js';

/** Where the informer lists and watches: a `ClusterAccess`, or {@link listWatchSource}. */
export interface ListWatchSource {
  /** One GET (a list page), with the caller's retries and timeout. */
  getJSON<T>(path: string, query: Query | undefined, signal?: AbortSignal): Promise<T>;
  watch<T>(options: WatchOptions): AsyncIterable<WatchEvent<T>>;
}

/** A source from a transport (lists) and a connection (watches) of the same context. */
export function listWatchSource(transport: Transport, connection: Connection): ListWatchSource {
  return {
    getJSON: <T>(path: string, query: Query | undefined, signal?: AbortSignal) =>
      transport.getJSON<T>({ path, query, signal }),
    watch: <T>(options: WatchOptions) => watch<T>(connection, options),
  };
}

/** Where an informer puts what it learns. */
export interface InformerStore<R> {
  /** Replaces everything (after a list). */
  replace(items: ReadonlyMap<string, R>): void;
  upsert(key: string, item: R): void;
  delete(key: string): void;
}

/** Minimal object shape the informer reads. */
export interface KubernetesObject {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
}

/**
 * - `syncing`: never listed yet;
 * - `listed`: listed, the watch is opening;
 * - `watching`: a watch delivers changes (open for a second, or an event arrived);
 * - `polling`: the watch is not allowed; lists on an interval;
 * - `failing`: the last list or watch failed; retrying with backoff.
 */
export type InformerState = 'syncing' | 'listed' | 'watching' | 'polling' | 'failing';

/** What a change of state means, for one log line. */
export type InformerTransitionType = 'synced' | 'watching' | 'fallback' | 'failing' | 'recovered';

/** One change of state. */
export interface InformerTransition {
  readonly informer: string;
  readonly type: InformerTransitionType;
  readonly state: InformerState;
  readonly previous: InformerState;
  /** For `failing` and `fallback`. */
  readonly reason?: FailureReason | undefined;
  /** One line naming the cause, for `failing` and `fallback`. */
  readonly cause?: string | undefined;
  /** For `failing`: the wait before the next attempt. */
  readonly retryInMs?: number | undefined;
  /** For `recovered`: how long the informer was failing, in ms. */
  readonly downMs?: number | undefined;
}

/** The informer's health, computed now. */
export interface InformerStatus {
  readonly name: string;
  readonly state: InformerState;
  /** A list has completed at least once. */
  readonly synced: boolean;
  /** Periodic lists instead of a watch. */
  readonly fallback: boolean;
  /** The cause of the current failure; cleared once a list or a watch works again. */
  readonly lastError: string | undefined;
  readonly lastErrorReason: FailureReason | undefined;
  /** Epoch ms of the last failure (kept after recovery). */
  readonly lastErrorAt: number | undefined;
  /** Epoch ms of the last list, event, bookmark or stream ended by the server. */
  readonly lastSuccessAt: number | undefined;
  /** ms since `lastSuccessAt` (a silent watch makes it grow); undefined before the first list. */
  readonly staleMs: number | undefined;
  /** Not synced, failing, or silent for longer than a healthy informer can be. */
  readonly stale: boolean;
  readonly consecutiveFailures: number;
  readonly lists: number;
  readonly watches: number;
  /** Failed lists and watches since start. */
  readonly failures: number;
}

/** Counters of an informer (the shape the API server's `/metrics` reads). */
export interface InformerStats {
  readonly synced: boolean;
  readonly lists: number;
  readonly failures: number;
  /** ms since epoch of the last list or event; 0 before the first. */
  readonly lastUpdate: number;
}

export interface InformerOptions<T, R> {
  /** For transitions and metrics, e.g. `pods` or `kube-system/configmaps`. */
  readonly name: string;
  readonly source: ListWatchSource;
  /** Collection path, or a function finding it (e.g. by discovery) before the first list. */
  readonly path: string | ((signal: AbortSignal) => Promise<string>);
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  /** What to keep of an object; `undefined` leaves it out. */
  readonly transform: (object: T) => R | undefined;
  /** Store key of an object (default `namespace/name`, or `name` when cluster-scoped). */
  readonly keyOf?: ((object: T) => string) | undefined;
  readonly store: InformerStore<R>;
  /** Items per list page (500). */
  readonly pageSize?: number | undefined;
  /** Server-side lifetime of one watch stream in seconds (default random 300–600). */
  readonly watchTimeoutSeconds?: number | undefined;
  readonly backoff?: BackoffOptions | undefined;
  /** Interval of the periodic lists when the watch is not allowed, in ms (60 000). */
  readonly fallbackIntervalMs?: number | undefined;
  /** 410s right after a list, or streams cut at once, in a row before the fallback (3). */
  readonly fallbackAfter?: number | undefined;
  /** After every change to the store (list, event). */
  readonly onChange?: (() => void) | undefined;
  /** After every change of state; see {@link InformerTransition}. */
  readonly onTransition?: ((transition: InformerTransition) => void) | undefined;
  /** After every failed list or watch (for counters). */
  readonly onError?: ((error: unknown, failure: Failure) => void) | undefined;
  /** Clock, for tests. */
  readonly now?: (() => number) | undefined;
}

/** client-go's threshold of a "very short watch" (reflector.go, `handleAnyWatch`). */
const SHORT_WATCH_MS = 1000;
const DEFAULT_FALLBACK_INTERVAL_MS = 60_000;
const DEFAULT_FALLBACK_AFTER = 3;
const MAX_LIST_RESTARTS = 3;

interface ListBody<T> {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items?: readonly T[];
}

/** `namespace/name`, or `name` for a cluster-scoped object. */
export function objectKey(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace ?? '';
  const name = object.metadata?.name ?? '';
  return namespace === '' ? name : `${namespace}/${name}`;
}

/** A watch that ended or failed, with what the informer needs to judge it. */
class WatchEnd extends Error {
  constructor(
    readonly error: unknown,
    /** Epoch ms the stream opened; undefined when it never did. */
    readonly openedAt: number | undefined,
    readonly events: number,
  ) {
    super(messageOf(error));
  }
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  await sleepFor(ms, undefined, { signal }).catch(() => undefined);
}

export class Informer<T extends KubernetesObject, R> {
  readonly #options: InformerOptions<T, R>;
  readonly #keyOf: (object: T) => string;
  readonly #now: () => number;
  readonly #backoff: Backoff;
  readonly #fallbackIntervalMs: number;
  readonly #fallbackAfter: number;
  readonly #controller = new AbortController();
  readonly #waiters = new Set<() => void>();
  #running: Promise<void> | undefined;
  #state: InformerState = 'syncing';
  #synced = false;
  #attempted = false;
  #fallback = false;
  #failure: Failure | undefined;
  #failingSince: number | undefined;
  #lastErrorAt: number | undefined;
  #lastSuccessAt: number | undefined;
  #lastListStartedAt: number | undefined;
  #idleTimeoutMs = watchIdleTimeoutMs(600);
  #consecutive = 0;
  #expiredInRow = 0;
  #cutInRow = 0;
  #lists = 0;
  #watches = 0;
  #failures = 0;

  constructor(options: InformerOptions<T, R>) {
    this.#options = options;
    this.#keyOf = options.keyOf ?? objectKey;
    this.#now = options.now ?? Date.now;
    this.#backoff = new Backoff(options.backoff, this.#now);
    this.#fallbackIntervalMs = positive(
      options.fallbackIntervalMs,
      DEFAULT_FALLBACK_INTERVAL_MS,
      'fallbackIntervalMs',
    );
    this.#fallbackAfter = Math.round(
      positive(options.fallbackAfter, DEFAULT_FALLBACK_AFTER, 'fallbackAfter'),
    );
    if (options.watchTimeoutSeconds !== undefined)
      this.#idleTimeoutMs = watchIdleTimeoutMs(
        positive(options.watchTimeoutSeconds, 300, 'watchTimeoutSeconds'),
      );
  }

  get name(): string {
    return this.#options.name;
  }

  /** True once the first list has been stored. */
  get synced(): boolean {
    return this.#synced;
  }

  /** True once the first list has succeeded or failed. */
  get attempted(): boolean {
    return this.#attempted;
  }

  get state(): InformerState {
    return this.#state;
  }

  get stats(): InformerStats {
    return {
      synced: this.#synced,
      lists: this.#lists,
      failures: this.#failures,
      lastUpdate: this.#lastSuccessAt ?? 0,
    };
  }

  status(): InformerStatus {
    const now = this.#now();
    const staleMs = this.#lastSuccessAt === undefined ? undefined : Math.max(0, now - this.#lastSuccessAt);
    // The longest silence a healthy informer has: a watch is ended by its idle timeout by then;
    // a poll happens every interval (a list may take a while: allow a second one).
    const limit = this.#state === 'polling' ? 2 * this.#fallbackIntervalMs : this.#idleTimeoutMs;
    return {
      name: this.name,
      state: this.#state,
      synced: this.#synced,
      fallback: this.#fallback,
      lastError: this.#failure?.message,
      lastErrorReason: this.#failure?.reason,
      lastErrorAt: this.#lastErrorAt,
      lastSuccessAt: this.#lastSuccessAt,
      staleMs,
      stale:
        this.#state === 'syncing' || this.#state === 'failing' || staleMs === undefined || staleMs > limit,
      consecutiveFailures: this.#consecutive,
      lists: this.#lists,
      watches: this.#watches,
      failures: this.#failures,
    };
  }

  /** Starts the list + watch loop (once). */
  start(): void {
    this.#running ??= this.#run();
  }

  /** Stops the loop and waits for it. */
  async stop(): Promise<void> {
    this.#controller.abort();
    this.#wake();
    await this.#running;
  }

  /** Resolves true once synced, false when `timeoutMs` passes or `signal` aborts first. */
  waitForSync(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.#waiters.delete(finish);
        resolve(this.#synced);
      };
      const timer = setTimeout(finish, timeoutMs);
      signal?.addEventListener('abort', finish, { once: true });
      this.#waiters.add(finish);
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  async #run(): Promise<void> {
    const signal = this.#controller.signal;
    let path: string | undefined;
    /** Where the next watch starts; undefined: list first. */
    let version: string | undefined;
    while (!signal.aborted) {
      let phase: 'list' | 'watch' = 'list';
      try {
        path ??=
          typeof this.#options.path === 'string' ? this.#options.path : await this.#options.path(signal);
        if (version === undefined) {
          await this.#untilNextPoll(signal);
          if (signal.aborted) return;
          version = await this.#list(path, signal);
        }
        phase = 'watch';
        version = await this.#watch(path, version, signal);
      } catch (error) {
        if (signal.aborted) return;
        version = await this.#failed(error, phase, signal);
      }
    }
  }

  /** In fallback: waits until one interval has passed since the last list started. */
  async #untilNextPoll(signal: AbortSignal): Promise<void> {
    if (!this.#fallback || this.#lastListStartedAt === undefined) return;
    await sleep(this.#lastListStartedAt + this.#fallbackIntervalMs - this.#now(), signal);
  }

  async #list(path: string, signal: AbortSignal): Promise<string> {
    const { source, labelSelector, fieldSelector, transform, store } = this.#options;
    this.#lastListStartedAt = this.#now();
    for (let restarts = 0; ; restarts++) {
      const items = new Map<string, R>();
      let continueToken: string | undefined;
      let resourceVersion = '';
      try {
        do {
          const query: Query = {
            limit: this.#options.pageSize ?? 500,
            continue: continueToken,
            labelSelector,
            fieldSelector,
          };
          const page = await source.getJSON<ListBody<T>>(path, query, signal);
          const objects = page?.items;
          if (!Array.isArray(objects))
            throw new KubemetricsError(
              'KUBEMETRICS_ERR_DECODE',
              `GET ${path}: the answer has no items list`,
              {
                hint: 'Something other than the Kubernetes API answered: check the server URL of the context.',
              },
            );
          for (const object of objects as readonly T[]) {
            const value = transform(object);
            if (value !== undefined) items.set(this.#keyOf(object), value);
          }
          resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
          continueToken = page.metadata?.continue || undefined;
        } while (continueToken !== undefined);
      } catch (error) {
        // The list took longer than the server keeps continue tokens: start it over.
        if (continueToken !== undefined && isExpiredError(error) && restarts < MAX_LIST_RESTARTS) continue;
        throw error;
      }
      store.replace(items);
      this.#lists++;
      this.#synced = true;
      this.#attempted = true;
      this.#touch();
      this.#options.onChange?.();
      this.#wake();
      if (this.#state === 'syncing' || this.#state === 'failing')
        this.#setState(this.#fallback ? 'polling' : 'listed');
      return resourceVersion;
    }
  }

  /** One watch stream; resolves with the version to resume from when the server ended it. */
  async #watch(path: string, from: string, signal: AbortSignal): Promise<string | undefined> {
    const { source, labelSelector, fieldSelector } = this.#options;
    const timeoutSeconds = this.#options.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
    const idleTimeoutMs = watchIdleTimeoutMs(timeoutSeconds);
    let openedAt: number | undefined;
    let events = 0;
    let version = from;
    let healthyTimer: NodeJS.Timeout | undefined;
    const stream = source.watch<T>({
      path,
      resourceVersion: from === '' ? undefined : from,
      labelSelector,
      fieldSelector,
      allowWatchBookmarks: true,
      timeoutSeconds,
      idleTimeoutMs,
      // Each stream comes back here: a stream ended at once must not be reopened in a tight loop.
      resume: false,
      signal,
      onOpen: () => {
        openedAt = this.#now();
        this.#watches++;
        this.#idleTimeoutMs = idleTimeoutMs;
        // Open for a second without being cut: healthy, even on a quiet collection.
        healthyTimer = setTimeout(() => this.#watchHealthy(), SHORT_WATCH_MS);
        healthyTimer.unref();
      },
    });
    try {
      for await (const event of stream) {
        if (events++ === 0) {
          clearTimeout(healthyTimer);
          this.#watchHealthy();
        }
        const eventVersion = event.object.metadata?.resourceVersion;
        if (eventVersion !== undefined && eventVersion !== '') version = eventVersion;
        this.#touch();
        if (event.type !== 'BOOKMARK') this.#apply(event);
      }
    } catch (error) {
      throw new WatchEnd(error, openedAt, events);
    } finally {
      clearTimeout(healthyTimer);
    }
    if (signal.aborted) return version;
    if (openedAt === undefined || (events === 0 && this.#now() - openedAt < SHORT_WATCH_MS))
      throw new WatchEnd(
        new KubemetricsError(
          'KUBEMETRICS_ERR_NETWORK',
          `watch ${path} ended ${openedAt === undefined ? 'before it opened' : 'within a second'} without any event`,
          { hint: 'A proxy or load balancer between here and the API server may cut long requests.' },
        ),
        openedAt,
        0,
      );
    // The server ended the stream at its deadline: everything up to now was delivered.
    this.#touch();
    return version;
  }

  #apply(event: WatchEvent<T>): void {
    const { store, transform } = this.#options;
    const key = this.#keyOf(event.object);
    if (event.type === 'DELETED') store.delete(key);
    else {
      const value = transform(event.object);
      if (value === undefined) store.delete(key);
      else store.upsert(key, value);
    }
    this.#options.onChange?.();
  }

  #watchHealthy(): void {
    this.#expiredInRow = 0;
    this.#cutInRow = 0;
    this.#consecutive = 0;
    this.#fallback = false;
    if (this.#state !== 'watching') this.#setState('watching');
  }

  /** Handles a failed list or watch; resolves with where to resume (undefined: list). */
  async #failed(thrown: unknown, phase: 'list' | 'watch', signal: AbortSignal): Promise<string | undefined> {
    const end = thrown instanceof WatchEnd ? thrown : undefined;
    const error = end?.error ?? thrown;
    this.#failures++;
    this.#attempted = true;
    this.#wake();
    const failure = classifyFailure(error, phase === 'watch');
    this.#options.onError?.(error, failure);

    if (phase === 'watch') {
      if (isExpiredError(error)) {
        // A 410 after a while is routine (etcd compacted the version): list again at once, as
        // the Reflector does. Right after each list again and again, the watch is unusable.
        if (++this.#expiredInRow >= this.#fallbackAfter)
          return this.#enterFallback({
            reason: 'watch-expired',
            message: `the watch answered 410 Gone right after ${this.#expiredInRow} lists in a row: ${failure.message}`,
          });
        if (this.#expiredInRow > 1) await sleep(this.#backoff.next(), signal);
        return undefined;
      }
      if (failure.reason === 'watch-refused') return this.#enterFallback(failure);
      const short =
        end?.openedAt !== undefined && end.events === 0 && this.#now() - end.openedAt < SHORT_WATCH_MS;
      if (short && ++this.#cutInRow >= this.#fallbackAfter)
        return this.#enterFallback({
          reason: 'watch-cut',
          message: `${this.#cutInRow} watch streams in a row were cut within a second: ${failure.message}`,
        });
      // A failed probe of the watch while polling: stay on the poll, quietly.
      if (this.#fallback) return undefined;
      if (short) {
        // client-go's "very short watch" ends ListAndWatch: wait, then list again.
        await sleep(this.#backoff.next(), signal);
        return undefined;
      }
    }

    this.#consecutive++;
    this.#lastErrorAt = this.#now();
    this.#failingSince ??= this.#lastErrorAt;
    const retryInMs = this.#backoff.next();
    this.#setState('failing', failure, retryInMs);
    await sleep(retryInMs, signal);
    // List again, as the Reflector does once ListAndWatch returned with an error: whatever
    // happened while disconnected (a restarted or restored API server included) is then known.
    return undefined;
  }

  #enterFallback(failure: Failure): undefined {
    this.#fallback = true;
    this.#lastErrorAt = this.#now();
    this.#setState('polling', failure, undefined, 'fallback');
    return undefined;
  }

  #touch(): void {
    this.#lastSuccessAt = this.#now();
  }

  #setState(next: InformerState, failure?: Failure, retryInMs?: number, as?: InformerTransitionType): void {
    const previous = this.#state;
    const sameFailure = failure?.reason === this.#failure?.reason;
    if (next !== 'failing' && next !== 'polling') this.#failure = undefined;
    else this.#failure = failure ?? this.#failure;
    // One transition per change of state (or of the failure's class), not one per retry.
    if (previous === next && (next !== 'failing' || sameFailure)) return;
    this.#state = next;
    let downMs: number | undefined;
    if (next !== 'failing' && this.#failingSince !== undefined) {
      downMs = this.#now() - this.#failingSince;
      this.#failingSince = undefined;
    }
    const type: InformerTransitionType =
      as ??
      (next === 'failing'
        ? 'failing'
        : previous === 'syncing'
          ? 'synced'
          : previous === 'failing'
            ? 'recovered'
            : next === 'polling'
              ? 'fallback'
              : 'watching');
    this.#options.onTransition?.({
      informer: this.name,
      type,
      state: next,
      previous,
      reason: next === 'failing' || next === 'polling' ? this.#failure?.reason : undefined,
      cause: next === 'failing' || next === 'polling' ? this.#failure?.message : undefined,
      retryInMs,
      downMs,
    });
  }
}
