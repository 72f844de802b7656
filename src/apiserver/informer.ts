/**
 * An informer: one collection kept in memory by list + watch, so that answering a request never
 * needs a call to the Kubernetes API. The loop is client-go's Reflector
 * (k8s.io/client-go/tools/cache/reflector.go) in small:
 *
 * 1. list (paged, `limit=500`; an expired `continue` token restarts the list), replace the store;
 * 2. watch from the list's resourceVersion (the client's `watch` reopens streams on its own);
 * 3. on 410 Gone (the version was compacted away) list again at once; on any other failure wait
 *    with exponential backoff and jitter (0.5 s doubling to 30 s) and list again.
 *
 * What is stored is up to the caller (`transform`): the object lister keeps only names and
 * labels, so memory stays flat on large clusters.
 */
import { isExpiredError } from '../client/index.js';
import type { ClusterAccess } from './cluster-access.js';
import type { Logger } from './logger.js';
import { describeThrown } from './status-error.js';

/** Where an informer puts what it learns. */
export interface InformerStore<T> {
  /** Replaces everything (after a list). */
  replace(items: ReadonlyMap<string, T>): void;
  upsert(key: string, item: T): void;
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

interface ListBody {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items?: readonly KubernetesObject[];
}

export interface InformerOptions<T> {
  /** For logs and metrics, e.g. `pods` or `kube-system/configmaps`. */
  readonly name: string;
  readonly cluster: ClusterAccess;
  /** Collection path, or a function finding it (e.g. by discovery) before the first list. */
  readonly path: string | ((signal: AbortSignal) => Promise<string>);
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  /** What to keep of an object; `undefined` skips it. */
  readonly transform: (object: KubernetesObject) => T | undefined;
  readonly store: InformerStore<T>;
  readonly logger: Logger;
  /** Server-side lifetime of one watch stream in seconds (default: 5 to 10 minutes, random). */
  readonly watchTimeoutSeconds?: number | undefined;
  /** Items per list page (default 500). */
  readonly pageSize?: number | undefined;
  /** Backoff bounds in ms (default 500 → 30 000). */
  readonly backoffInitialMs?: number | undefined;
  readonly backoffMaxMs?: number | undefined;
  /** Called after every change to the store (list, event). */
  readonly onChange?: (() => void) | undefined;
  /** Called after each failed list or watch (with the error), for readiness and metrics. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** Counters an informer keeps, for `/metrics`. */
export interface InformerStats {
  readonly synced: boolean;
  readonly lists: number;
  readonly failures: number;
  /** ms since epoch of the last list or event; 0 before the first. */
  readonly lastUpdate: number;
}

export function objectKey(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace ?? '';
  const name = object.metadata?.name ?? '';
  return namespace === '' ? name : `${namespace}/${name}`;
}

export class Informer<T> {
  readonly #options: InformerOptions<T>;
  readonly #controller = new AbortController();
  #running: Promise<void> | undefined;
  #synced = false;
  #attempted = false;
  #lists = 0;
  #failures = 0;
  #lastUpdate = 0;
  readonly #waiters = new Set<() => void>();

  constructor(options: InformerOptions<T>) {
    this.#options = options;
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

  get stats(): InformerStats {
    return {
      synced: this.#synced,
      lists: this.#lists,
      failures: this.#failures,
      lastUpdate: this.#lastUpdate,
    };
  }

  /** Starts the list + watch loop (once). */
  start(): void {
    this.#running ??= this.#loop().catch((error: unknown) => {
      this.#options.logger.error({ informer: this.name, error: describeThrown(error) }, 'informer stopped');
    });
  }

  /** Stops the loop and waits for it. */
  async stop(): Promise<void> {
    this.#controller.abort();
    this.#wake();
    await this.#running;
  }

  /**
   * Resolves true once synced, false when `timeoutMs` passes or `signal` aborts first.
   */
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

  async #loop(): Promise<void> {
    const signal = this.#controller.signal;
    const { logger } = this.#options;
    let failures = 0;
    let path: string | undefined;
    while (!signal.aborted) {
      try {
        path ??=
          typeof this.#options.path === 'string' ? this.#options.path : await this.#options.path(signal);
        const resourceVersion = await this.#list(path, signal);
        failures = 0;
        await this.#watch(path, resourceVersion, signal);
      } catch (error) {
        if (signal.aborted) return;
        this.#attempted = true;
        this.#wake();
        if (isExpiredError(error)) {
          logger.info({ informer: this.name }, 'watch expired (410 Gone); listing again');
          continue;
        }
        this.#failures++;
        this.#options.onError?.(error);
        const delay = this.#backoff(failures++);
        logger.warn(
          { informer: this.name, error: describeThrown(error), retryInMs: delay },
          'list/watch failed; retrying',
        );
        await sleep(delay, signal);
      }
    }
  }

  async #list(path: string, signal: AbortSignal): Promise<string> {
    const { cluster, labelSelector, fieldSelector, transform } = this.#options;
    for (;;) {
      const items = new Map<string, T>();
      let continueToken: string | undefined;
      let resourceVersion = '';
      let expired = false;
      do {
        let page: ListBody;
        try {
          page = await cluster.getJSON<ListBody>(
            path,
            {
              limit: this.#options.pageSize ?? 500,
              continue: continueToken,
              labelSelector,
              fieldSelector,
            },
            signal,
          );
        } catch (error) {
          if (continueToken !== undefined && isExpiredError(error)) {
            expired = true;
            break;
          }
          throw error;
        }
        for (const object of page.items ?? []) {
          const value = transform(object);
          if (value !== undefined) items.set(objectKey(object), value);
        }
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        continueToken = page.metadata?.continue || undefined;
      } while (continueToken !== undefined && !signal.aborted);
      if (expired) continue;
      this.#options.store.replace(items);
      this.#lists++;
      this.#touch();
      if (!this.#synced) {
        this.#synced = true;
        this.#options.logger.info({ informer: this.name, objects: items.size }, 'informer synced');
      }
      this.#attempted = true;
      this.#wake();
      return resourceVersion;
    }
  }

  async #watch(path: string, resourceVersion: string, signal: AbortSignal): Promise<void> {
    const { cluster, labelSelector, fieldSelector, transform, store } = this.#options;
    const stream = cluster.watch<KubernetesObject>({
      path,
      resourceVersion,
      labelSelector,
      fieldSelector,
      timeoutSeconds: this.#options.watchTimeoutSeconds,
      signal,
    });
    for await (const event of stream) {
      if (event.type === 'BOOKMARK') continue;
      const key = objectKey(event.object);
      if (event.type === 'DELETED') store.delete(key);
      else {
        const value = transform(event.object);
        if (value === undefined) store.delete(key);
        else store.upsert(key, value);
      }
      this.#touch();
    }
  }

  #touch(): void {
    this.#lastUpdate = Date.now();
    this.#options.onChange?.();
  }

  #backoff(attempt: number): number {
    const initial = this.#options.backoffInitialMs ?? 500;
    const max = this.#options.backoffMaxMs ?? 30_000;
    const ceiling = Math.min(max, initial * 2 ** attempt);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
