import type { Stats } from 'node:fs';

/**
 * What a path is, in words for a message ("a FIFO (named pipe)"). The CLI reads and writes only
 * regular files; anything else found where one was expected is named, so the person knows what
 * was planted there.
 */
export function describeFileKind(stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}
