/**
 * Noticing that certificate and CA files changed, for reloading them without a restart. The
 * directories are watched, not the files: cert-manager and kubelet update a mounted Secret by
 * swapping a `..data` symlink, and editors replace files by rename; neither keeps the watched
 * inode. Events are debounced, and a poll backs the watcher up (fs.watch is not reliable on every
 * filesystem; k8s.io/apiserver's dynamic certificate controllers also re-read on an interval).
 * `onChange` is told "something may have changed": it compares contents itself.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface FileWatchOptions {
  /** Quiet time after the last event before `onChange` runs (default 100 ms). */
  readonly debounceMs?: number | undefined;
  /** `onChange` also runs this often, in ms (default 60 000; 0 disables the poll). */
  readonly pollIntervalMs?: number | undefined;
}

export interface FileWatch {
  close(): void;
}

/** Calls `onChange` (debounced) when a file in the directories of `paths` changes, and on a poll. */
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
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(paths.map((p) => dirname(resolve(p))))) {
    try {
      const watcher = watch(dir, { persistent: false }, fire);
      watcher.on('error', () => undefined);
      watchers.push(watcher);
    } catch {
      // The directory may not exist yet (a volume mounted later); the poll covers it.
    }
  }
  const poll = pollIntervalMs > 0 ? setInterval(fire, pollIntervalMs) : undefined;
  poll?.unref();
  return {
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (poll !== undefined) clearInterval(poll);
      for (const watcher of watchers) watcher.close();
    },
  };
}
