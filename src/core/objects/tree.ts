import { fail } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import type { ObjectType } from './types.ts';

/**
 * A tree: entries of `<octal mode> <name>\0<raw id>`, back to back. Names are bytes (git does
 * not require UTF-8), so they are kept as bytes and decoded only for display.
 */

/** One tree entry. */
export interface TreeEntry {
  /** The mode as git wrote it, in octal digits (`100644`, `40000`, `120000`, `160000`). */
  mode: string;
  /** The name's bytes. */
  name: Uint8Array;
  /** The entry's object id (a view into the tree data). */
  oid: Uint8Array;
}

/** The object type an entry mode points at: trees, commits (gitlinks) and blobs. */
export function modeType(mode: string): ObjectType {
  const m = parseInt(mode, 8);
  if ((m & 0o170000) === 0o040000) return 'tree';
  if ((m & 0o170000) === 0o160000) return 'commit';
  return 'blob';
}

/** Parses a tree; throws CorruptObject naming the byte where it breaks. */
export function parseTree(data: Uint8Array, algo: HashAlgo, file?: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0 || space - pos > 7 || space === pos) fail('CorruptObject', `tree entry at byte ${pos} has no valid mode`, { file });
    let mode = '';
    for (let i = pos; i < space; i++) {
      const c = data[i];
      if (c < 0x30 || c > 0x37) fail('CorruptObject', `tree entry at byte ${pos} has a mode that is not octal`, { file });
      mode += String.fromCharCode(c);
    }
    const nul = data.indexOf(0, space + 1);
    if (nul < 0) fail('CorruptObject', `tree entry at byte ${pos} has no NUL after its name`, { file });
    if (nul + 1 + algo.size > data.length) fail('CorruptObject', `tree entry at byte ${pos} is cut off before its id ends`, { file });
    entries.push({ mode, name: data.subarray(space + 1, nul), oid: data.subarray(nul + 1, nul + 1 + algo.size) });
    pos = nul + 1 + algo.size;
  }
  return entries;
}

/**
 * Visits each entry's mode (as a number) and where its id starts in `data`, with the checks
 * `parseTree` makes, without building entries, views or mode strings: what a walk over every
 * tree of a repository needs (git.git's trees hold 160 million entries). `describe` names the
 * tree in an error (called only on failure).
 */
export function forEachTreeEntry(data: Uint8Array, algo: HashAlgo, describe: () => string, visit: (mode: number, oidAt: number) => void): void {
  const H = algo.size;
  const length = data.length;
  let pos = 0;
  while (pos < length) {
    let mode = 0;
    let i = pos;
    for (; i < length && i - pos <= 7; i++) {
      const c = data[i];
      if (c === 0x20) break;
      if (c < 0x30 || c > 0x37) {
        // parseTree's order of complaints: no space within 7 bytes first, then a non-octal digit
        const space = data.indexOf(0x20, pos);
        if (space < 0 || space - pos > 7) fail('CorruptObject', `tree entry at byte ${pos} has no valid mode`, { file: describe() });
        fail('CorruptObject', `tree entry at byte ${pos} has a mode that is not octal`, { file: describe() });
      }
      mode = mode * 8 + (c - 0x30);
    }
    // As parseTree: at most 7 mode digits (a space more than 7 bytes in is no valid mode).
    if (i >= length || i - pos > 7 || data[i] !== 0x20 || i === pos) fail('CorruptObject', `tree entry at byte ${pos} has no valid mode`, { file: describe() });
    let nul = i + 1;
    while (nul < length && data[nul] !== 0) nul++;
    if (nul >= length) fail('CorruptObject', `tree entry at byte ${pos} has no NUL after its name`, { file: describe() });
    if (nul + 1 + H > length) fail('CorruptObject', `tree entry at byte ${pos} is cut off before its id ends`, { file: describe() });
    visit(mode, nul + 1);
    pos = nul + 1 + H;
  }
}
