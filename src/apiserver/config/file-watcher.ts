/**
 * Noticing that watched files changed, for reloading them without a restart (TLS certificates and
 * CAs, the memory provider's metrics file). The directories are watched, not the files: editors
 * replace a file by renaming a new one over it, and kubelet updates a mounted ConfigMap or Secret
 * by swapping a `..data` symlink (pkg/volume/util/atomic_writer.go: the files are symlinks into
 * `..data`, which points at a timestamped `..2026_12_07_…` directory and is replaced by renaming
 * `..data_tmp` over it); neither keeps the watched inode.
 *
 * Only events naming one of the watched files, or `..data`, count: a log file or anything else
 * written into the same directory must not make every watcher re-read (and re-parse) its files.
 * Events are debounced, and a poll backs the watcher up (fs.watch is not reliable on every
 * filesystem; k8s.io/apiserver's dynamic certificate controllers also re-read on an interval).
 * `onChange` is told "something may have changed": it compares contents itself.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** The symlink kubelet's atomic writer swaps to update every file of a ConfigMap/Secret volume at once. */
export const ATOMIC_WRITER_DATA_LINK = '..data';

export interface FileWatchOptions {
  /** Quiet time after the last event before `onChange` runs (default 100 ms). */
  readonly debounceMs?: number | undefined;
  /** `onChange` also runs this often, in ms (default 60 000; 0 disables the poll). */
  readonly pollIntervalMs?: number | undefined;
  /**
   * Throw when a directory cannot be watched (default false: rely on the poll, since the
   * directory may be a volume mounted later). For watchers without a poll.
   */
  readonly requireWatch?: boolean | undefined;
  /** Errors of a running directory watcher (it stops delivering events); default: ignored. */
  readonly onError?: ((error: Error) => void) | undefined;
  /** Counts every directory event, relevant or not (for tests and diagnostics). */
  readonly onEvent?: ((relevant: boolean, filename: string | null) => void) | undefined;
}

export interface FileWatch {
  close(): void;
}

/**
 * Whether a directory event names something that can change one of `names`: the file itself, the
 * `..data` link of a ConfigMap/Secret mount, or (filename unknown, which some platforms do) maybe.
 */
export function isRelevantEvent(filename: string | Buffer | null, names: ReadonlySet<string>): boolean {
  if (filename === null) return true;
  const name = filename.toString();
  return names.has(name) || name === ATOMIC_WRITER_DATA_LINK;
}

/** Calls `onChange` (debounced) when one of `paths` changes, and on a poll. */
export function watchFiles(
  paths: readonly string[],
  onChange: () => void,
  options: FileWatchOptions = {},
): FileWatch {
  const debounceMs = options.debounceMs ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = (): void => {
    if (closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) onChange();
    }, debounceMs);
    timer.unref();
  };
  const namesByDir = new Map<string, Set<string>>();
  for (const path of paths) {
    const absolute = resolve(path);
    const dir = dirname(absolute);
    const names = namesByDir.get(dir) ?? new Set<string>();
    names.add(basename(absolute));
    namesByDir.set(dir, names);
  }
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of namesByDir) {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, filename) => {
        const relevant = isRelevantEvent(filename, names);
        options.onEvent?.(relevant, filename === null ? null : filename.toString());
        if (relevant) fire();
      });
      watcher.on('error', (error) => options.onError?.(error));
      watchers.push(watcher);
    } catch (error) {
      // The directory may not exist yet (a volume mounted later); the poll covers it.
      if (options.requireWatch === true) {
        for (const watcher of watchers) watcher.close();
        throw error;
      }
    }
  }
  const poll = pollIntervalMs > 0 ? setInterval(fire, pollIntervalMs) : undefined;
  poll?.unref();
  const close = (): void => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    if (poll !== undefined) clearInterval(poll);
    for (const watcher of watchers) watcher.close();
  };
  return { close };
}
