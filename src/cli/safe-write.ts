import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { PackscopeError } from '../core/errors.ts';
import { RefusedWrite } from './errors.ts';
import { describeFileKind } from './file-kind.ts';

/**
 * Every file the CLI writes goes through here. The folders it writes into may belong to a
 * hostile repository, where a name the CLI is about to write can already be a symbolic link
 * (out of the folder, or to /dev/zero), a FIFO (opening it for writing waits for a reader) or a
 * folder. So: look at the name without following it, write a new file beside it with an
 * exclusive create (never an existing file, never through a link), and rename that over the
 * name. rename(2) replaces a directory entry and never follows a link in its target.
 */

const DEFAULT_REMEDY = 'Remove it, or write somewhere else.';

/** How to write one file. */
export interface RegularFileWrite {
  /** Permission bits of the new file (before the umask); 0o666 unless told. */
  mode?: number;
  /** What the person can do when the name is taken by something else; a sentence. */
  remedy?: string;
  /**
   * A git-style lock file to write through (`<name>.lock`): its existence means another writer,
   * so it is refused, not retried. Without it a hidden temporary name is chosen at random.
   */
  lockPath?: string;
  /** fsync before the rename (index and midx files); false for many small files (lost-found, as git). */
  durable?: boolean;
}

/**
 * True when `path` is a regular file, false when nothing is there; refuses (RefusedWrite) when it
 * is anything else, a symbolic link included, whatever the link points to.
 */
export function existingRegularFile(path: string, remedy: string = DEFAULT_REMEDY): boolean {
  let stats: Stats | undefined;
  try {
    stats = lstatSync(path, { throwIfNoEntry: false });
  } catch (err) {
    throw new PackscopeError('Io', `cannot look at ${path}: ${err instanceof Error ? err.message : String(err)}`, { file: path });
  }
  if (stats === undefined) return false;
  if (stats.isFile()) return true;
  throw new RefusedWrite(
    path,
    `refusing to write ${path}: it is ${describeFileKind(stats)}, not a regular file; packscope writes only regular files, never through a link, a FIFO or a device. ${remedy}`,
  );
}

/** Writes `bytes` as the regular file `path`: a new file beside it, then renamed over it. */
export function writeRegularFile(path: string, bytes: Uint8Array, options: RegularFileWrite = {}): void {
  existingRegularFile(path, options.remedy);
  const { fd, tempPath } = createBeside(path, options);
  try {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    if (options.durable !== false) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tempPath);
    throw new PackscopeError('Io', `cannot write ${tempPath}: ${err instanceof Error ? err.message : String(err)}`, { file: tempPath });
  }
  closeSync(fd);
  try {
    // Between the check above and here something may have been put at `path`: rename replaces
    // the entry itself (a link or FIFO is not followed or opened), so nothing leaks out.
    renameSync(tempPath, path);
  } catch (err) {
    unlinkSync(tempPath);
    throw new PackscopeError('Io', `cannot rename ${tempPath} to ${path}: ${err instanceof Error ? err.message : String(err)}`, { file: path });
  }
}

/**
 * Makes the folder `path` (and its parents) for files to be written in; refuses when `path`
 * already exists as anything but a real folder, so a planted link cannot redirect the files.
 */
export function makeDirectory(path: string, remedy: string = DEFAULT_REMEDY): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    // EEXIST (a file or a FIFO there) is explained below; anything else is reported as it is.
    if ((err as { code?: string }).code !== 'EEXIST') {
      throw new PackscopeError('Io', `cannot make the folder ${path}: ${err instanceof Error ? err.message : String(err)}`, { file: path });
    }
  }
  const stats = lstatSync(path);
  if (!stats.isDirectory()) {
    throw new RefusedWrite(path, `refusing to write into ${path}: it is ${describeFileKind(stats)}, not a folder; packscope never writes through a link. ${remedy}`);
  }
}

/** Creates the file to write, exclusively: O_CREAT|O_EXCL fails on any existing entry, a dangling link included. */
function createBeside(path: string, options: RegularFileWrite): { fd: number; tempPath: string } {
  const mode = options.mode ?? 0o666;
  if (options.lockPath !== undefined) {
    try {
      return { fd: openSync(options.lockPath, 'wx', mode), tempPath: options.lockPath };
    } catch (err) {
      if ((err as { code?: string }).code === 'EEXIST') {
        throw new RefusedWrite(options.lockPath, `Unable to create '${options.lockPath}': File exists. Another process seems to be writing ${path}; if none is, remove the lock file.`);
      }
      throw new PackscopeError('Io', `Unable to create '${options.lockPath}': ${err instanceof Error ? err.message : String(err)}`, { file: options.lockPath });
    }
  }
  // A random name: someone who planted a link can not guess it. A few tries, in case one is taken.
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      return { fd: openSync(tempPath, 'wx', mode), tempPath };
    } catch (err) {
      lastError = err;
      if ((err as { code?: string }).code !== 'EEXIST') break;
    }
  }
  throw new PackscopeError('Io', `cannot create a temporary file beside ${path}: ${lastError instanceof Error ? lastError.message : String(lastError)}`, { file: path });
}
