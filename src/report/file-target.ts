/**
 * Writing a file the user named without breaking what the name points at. A symlink is followed
 * to its target (the link stays a link), a regular file is replaced atomically (temp file in the
 * same directory, fsync, rename: readers see the old or the new content, never half), a FIFO and
 * /dev/null are written to as streams (never replaced), and directories and other devices are
 * refused with an error that says what to do instead.
 */
import { constants, type Stats } from 'node:fs';
import { chmod, lstat, open, readlink, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KubemetricsError } from '../errors.js';

/** Linux gives up after 40 links in a path (ELOOP); so do we, for a chain of links. */
const MAX_LINKS = 40;

function writeError(file: string, problem: string, hint: string, cause?: unknown): KubemetricsError {
  return new KubemetricsError('KUBEMETRICS_ERR_CONFIG', `cannot write ${file}: ${problem}`, { hint, cause });
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Follows symlinks to the final path, which may not exist yet (a dangling link is written through,
 * creating its target, as `echo > link` does).
 */
async function followLinks(file: string): Promise<{ path: string; stats: Stats | undefined }> {
  let path = resolve(file);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    const stats = await lstatOrUndefined(path);
    if (stats === undefined || !stats.isSymbolicLink()) return { path, stats };
    const target = await readlink(path);
    path = isAbsolute(target) ? target : resolve(dirname(path), target);
  }
  throw Object.assign(new Error(`too many levels of symbolic links`), { code: 'ELOOP' });
}

let devNullRdev: number | undefined;
async function isDevNull(stats: Stats): Promise<boolean> {
  devNullRdev ??= await stat('/dev/null').then(
    (s) => s.rdev,
    () => -1,
  );
  // Compared by device number, so /dev/null reached through any link or bind mount counts.
  return stats.isCharacterDevice() && stats.rdev === devNullRdev;
}

/** Writes to an existing FIFO or /dev/null in place: opened without O_CREAT or O_TRUNC. */
async function writeInPlace(path: string, data: string | Uint8Array): Promise<void> {
  // Opening a FIFO waits for a reader, as `cat > fifo` does.
  const handle = await open(path, constants.O_WRONLY);
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

/** Temp file next to the target (same file system, so rename is atomic), fsync, then rename. */
async function replaceAtomically(
  path: string,
  data: string | Uint8Array,
  mode: number | undefined,
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // wx: never reuse or follow something already at the temp name.
  const handle = await open(temp, 'wx', 0o666);
  try {
    try {
      await handle.writeFile(data);
      // Keep the permissions of the file being replaced (umask applies to a new one).
      if (mode !== undefined) await chmod(temp, mode & 0o7777);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Writes `data` to `file` safely (see the module comment).
 * @throws KubemetricsError (`KUBEMETRICS_ERR_CONFIG`) naming the file, for a directory, a device
 * other than /dev/null, a socket, or a failed write.
 */
export async function writeFileSafely(file: string, data: string | Uint8Array): Promise<void> {
  const stdoutHint = `Give a file name, or '-' to write to standard output and redirect that yourself.`;
  try {
    const { path, stats } = await followLinks(file);
    const through = path === resolve(file) ? '' : ` (a symlink to ${path})`;
    if (stats === undefined || stats.isFile()) {
      await replaceAtomically(path, data, stats?.mode);
    } else if (stats.isFIFO() || (await isDevNull(stats))) {
      await writeInPlace(path, data);
    } else if (stats.isDirectory()) {
      throw writeError(
        file,
        `it is a directory${through}`,
        `Give a file name inside it, e.g. ${join(file, 'snapshot.json.gz')}.`,
      );
    } else {
      const kind = stats.isCharacterDevice()
        ? 'a character device'
        : stats.isBlockDevice()
          ? 'a block device'
          : stats.isSocket()
            ? 'a socket'
            : 'not a regular file';
      throw writeError(file, `it is ${kind}${through}, not a file; it is left as it is`, stdoutHint);
    }
  } catch (error) {
    if (error instanceof KubemetricsError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') {
      const dir = dirname(resolve(file));
      throw writeError(
        file,
        `the directory ${dir} does not exist`,
        'Create it first, or give another path.',
        error,
      );
    }
    const hint =
      e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS'
        ? 'Check that the directory is writable, or write somewhere else.'
        : e.code === 'ENOSPC' || e.code === 'EDQUOT'
          ? 'The disk is full; free space or write somewhere else.'
          : stdoutHint;
    throw writeError(file, e.message, hint, error);
  }
}
