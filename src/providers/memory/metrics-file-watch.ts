/**
 * Reloading a metrics file when it changes. The directory is watched (through the apiserver's
 * `watchFiles`), but only events naming the file itself or the `..data` link of a ConfigMap
 * mount count: a log or anything else written next to the file costs nothing.
 *
 * Each reload reads the text first and compares it with what was last applied and what was last
 * refused, so an unchanged file is never parsed again (a large file takes most of a CPU-second
 * to parse). A file that cannot be read, is empty (a half-written save) or does not decode keeps
 * the last good values; each distinct bad content is reported once through `onReload`, so a
 * warning logged into the same directory cannot turn into a loop of warnings.
 */
import { watchFiles } from '../../apiserver/index.js';
import type { FileWatch } from '../../apiserver/index.js';
import { isKubemetricsError, KubemetricsError } from '../../errors.js';
import type { MemoryMetricsSnapshot } from './metric-entries.js';
import { decodeMetricsFile, readMetricsFile, readMetricsText } from './metrics-file.js';

/** The outcome of one reload. */
export type MetricsFileReload =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly path: string; readonly error: KubemetricsError };

export interface WatchMetricsFileOptions {
  /** Quiet time after the last change event before reloading. Default 100 ms. */
  readonly debounceMs?: number | undefined;
  /**
   * Called after every reload that applied a new file (or came back to the last good one after a
   * failure), and once for each distinct failure. Exceptions are ignored.
   */
  readonly onReload?: ((event: MetricsFileReload) => void) | undefined;
  /** Stops watching when aborted (same as `close()`). */
  readonly signal?: AbortSignal | undefined;
}

/** What a watch did so far: how often it was woken and how much work that cost. */
export interface MetricsFileWatchStats {
  /** Directory events about the file (or its `..data` link). */
  readonly events: number;
  /** Directory events about other files, ignored. */
  readonly ignoredEvents: number;
  /** Times the file was read (the first load included). */
  readonly reads: number;
  /** Times its text was decoded (the first load included); unchanged text is not decoded. */
  readonly parses: number;
}

/** A running watch. */
export interface MetricsFileWatch {
  /** Stops watching; pending reloads are dropped. */
  close(): void;
  readonly stats: MetricsFileWatchStats;
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
  const stats = { events: 0, ignoredEvents: 0, reads: 1, parses: 1 };
  const first = await readMetricsFile(path, options.signal);
  apply(first.snapshot);

  /** The text the values in memory came from. */
  let appliedText = first.text;
  /** What was last refused (text, or the read error's message), so it is reported only once. */
  let refused: string | undefined;
  let closed = false;
  let reloading = false;
  let again = false;

  const report = (event: MetricsFileReload): void => {
    try {
      options.onReload?.(event);
    } catch {
      // A listener's bug must not stop the watch.
    }
  };
  const refuse = (key: string, error: unknown): void => {
    if (closed || refused === key) return;
    refused = key;
    report({ ok: false, path, error: asKubemetricsError(error, path) });
  };

  const reload = async (): Promise<void> => {
    if (closed) return;
    if (reloading) {
      again = true;
      return;
    }
    reloading = true;
    try {
      let text: string;
      try {
        stats.reads++;
        text = await readMetricsText(path);
      } catch (error) {
        refuse(`read\u0000${(error as Error).message}`, error);
        return;
      }
      if (closed) return;
      if (text === appliedText) {
        // Back to the content in memory after a bad version: nothing to apply, but say so.
        if (refused !== undefined) {
          refused = undefined;
          report({ ok: true, path });
        }
        return;
      }
      if (refused === `text\u0000${text}`) return;
      let snapshot: MemoryMetricsSnapshot;
      try {
        stats.parses++;
        snapshot = decodeMetricsFile(text, path);
        apply(snapshot);
      } catch (error) {
        refuse(`text\u0000${text}`, error);
        return;
      }
      appliedText = text;
      refused = undefined;
      report({ ok: true, path });
    } finally {
      reloading = false;
      if (again && !closed) {
        again = false;
        void reload();
      }
    }
  };

  let watch: FileWatch;
  try {
    watch = watchFiles([path], () => void reload(), {
      debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
      // Events only: a poll would re-read a large file for nothing (the text compare makes it
      // cheap, but not free), and inotify works on the local and ConfigMap volumes this serves.
      pollIntervalMs: 0,
      requireWatch: true,
      onEvent: (relevant) => {
        if (relevant) stats.events++;
        else stats.ignoredEvents++;
      },
      onError: (error) => refuse(`watch\u0000${error.message}`, error),
    });
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

  const close = (): void => {
    if (closed) return;
    closed = true;
    watch.close();
    options.signal?.removeEventListener('abort', close);
  };
  if (options.signal?.aborted === true) close();
  else options.signal?.addEventListener('abort', close, { once: true });
  return { close, stats };
}
