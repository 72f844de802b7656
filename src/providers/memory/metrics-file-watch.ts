/**
 * Reloading a metrics file when it changes. The directory is watched rather than the file:
 * editors save by writing a new file and renaming it over the old one, and Kubernetes updates a
 * mounted ConfigMap by swapping a `..data` symlink, and neither keeps the watched inode. Events
 * are debounced, and a reload whose content is unchanged does nothing. A file that fails to
 * read or decode keeps the last good values; the error goes to `onReload`.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isKubemetricsError, KubemetricsError } from '../../errors.js';
import type { MemoryMetricsSnapshot } from './metric-entries.js';
import { readMetricsFile } from './metrics-file.js';

/** The outcome of one reload. */
export type MetricsFileReload =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly path: string; readonly error: KubemetricsError };

export interface WatchMetricsFileOptions {
  /** Quiet time after the last change event before reloading. Default 100 ms. */
  readonly debounceMs?: number | undefined;
  /** Called after every reload attempt that changed something or failed. Exceptions are ignored. */
  readonly onReload?: ((event: MetricsFileReload) => void) | undefined;
  /** Stops watching when aborted (same as `close()`). */
  readonly signal?: AbortSignal | undefined;
}

/** A running watch. */
export interface MetricsFileWatch {
  /** Stops watching; pending reloads are dropped. */
  close(): void;
}

export const DEFAULT_DEBOUNCE_MS = 100;

function asKubemetricsError(error: unknown, path: string): KubemetricsError {
  if (isKubemetricsError(error)) return error;
  return new KubemetricsError(
    'KUBEMETRICS_ERR_CONFIG',
    `cannot reload metrics file ${path}: ${String(error)}`,
    {
      cause: error,
    },
  );
}

/**
 * Loads `path` with `apply` (rejecting when the first load fails), then applies every later
 * version of the file. Used by `MemoryMetricsProvider.watchFile`.
 */
export async function watchMetricsFile(
  path: string,
  apply: (snapshot: MemoryMetricsSnapshot) => void,
  options: WatchMetricsFileOptions = {},
): Promise<MetricsFileWatch> {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const first = await readMetricsFile(path, options.signal);
  apply(first.snapshot);

  let lastText = first.text;
  let lastFailed = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let reloading = false;
  let again = false;

  const report = (event: MetricsFileReload): void => {
    try {
      options.onReload?.(event);
    } catch {
      // A listener's bug must not stop the watch.
    }
  };

  const reload = async (): Promise<void> => {
    if (closed) return;
    if (reloading) {
      again = true;
      return;
    }
    reloading = true;
    try {
      const next = await readMetricsFile(path);
      if (closed || (next.text === lastText && !lastFailed)) return;
      apply(next.snapshot);
      lastText = next.text;
      lastFailed = false;
      report({ ok: true, path });
    } catch (error) {
      if (closed) return;
      lastFailed = true;
      report({ ok: false, path, error: asKubemetricsError(error, path) });
    } finally {
      reloading = false;
      if (again && !closed) {
        again = false;
        schedule();
      }
    }
  };

  const schedule = (): void => {
    if (closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void reload();
    }, debounceMs);
    timer.unref();
  };

  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(resolve(path)), { persistent: false }, () => schedule());
  } catch (error) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `cannot watch metrics file ${path}: ${String(error)}`,
      {
        cause: error,
        hint: 'The directory of the file must exist and be readable; on Linux, raise fs.inotify.max_user_watches if it is exhausted.',
      },
    );
  }
  watcher.on('error', (error) => {
    report({ ok: false, path, error: asKubemetricsError(error, path) });
  });

  const close = (): void => {
    if (closed) return;
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    watcher.close();
    options.signal?.removeEventListener('abort', close);
  };
  if (options.signal?.aborted === true) close();
  else options.signal?.addEventListener('abort', close, { once: true });
  return { close };
}
