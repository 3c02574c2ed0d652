import { fail } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import { forEachTreeEntry, type TreeEntry } from './tree.ts';

/**
 * A tree's entries found once and read by position, for views that page through a tree of any
 * size (a hostile tree may hold millions of entries): one number per entry, where its id starts,
 * instead of an object per entry. Entry i runs from the end of entry i-1's id to the end of its
 * own:
 *
 *   <mode> SP <name> NUL <id>     id at oidAt[i]; the name ends at oidAt[i] - 1 (the NUL)
 */

/** A tree's bytes with each entry's id position, and (once asked for) the browse order. */
export interface TreeIndex {
  readonly data: Uint8Array;
  readonly algo: HashAlgo;
  readonly count: number;
  /** Where each entry's id starts in `data`. */
  readonly oidAt: Uint32Array;
  /** Bytes held besides `data` (for a cache's budget). */
  extraBytes(): number;
}

/** Finds every entry of a tree, with `parseTree`'s checks and errors. */
export function indexTree(data: Uint8Array, algo: HashAlgo, file?: string): TreeIndex {
  if (data.length > 0xffffffff) fail('TooLarge', `a tree of ${data.length} bytes is too large to list`, { file });
  // The smallest entry is "0 x\0" and an id; the array grows by doubling up to that bound.
  let oidAt = new Uint32Array(Math.min(1024, Math.ceil(data.length / (4 + algo.size)) + 1));
  let count = 0;
  forEachTreeEntry(
    data,
    algo,
    () => file ?? 'tree',
    (_mode, at) => {
      if (count === oidAt.length) {
        const grown = new Uint32Array(oidAt.length * 2);
        grown.set(oidAt);
        oidAt = grown;
      }
      oidAt[count++] = at;
    },
  );
  const ids = oidAt.subarray(0, count);
  return { data, algo, count, oidAt: ids, extraBytes: () => ids.byteLength };
}

/** The bytes of entry `i`: its mode as written, its name, its id (views into the tree data). */
export function treeEntryAt(index: TreeIndex, i: number): TreeEntry {
  const { data, oidAt } = index;
  const H = index.algo.size;
  const start = i === 0 ? 0 : oidAt[i - 1] + H;
  const at = oidAt[i];
  const space = data.indexOf(0x20, start);
  let mode = '';
  for (let p = start; p < space; p++) mode += String.fromCharCode(data[p]);
  return { mode, name: data.subarray(space + 1, at - 1), oid: data.subarray(at, at + H) };
}

/** True when entry `i`'s mode names a tree (040000). */
export function entryIsTree(index: TreeIndex, i: number): boolean {
  const { data, oidAt } = index;
  const start = i === 0 ? 0 : oidAt[i - 1] + index.algo.size;
  let mode = 0;
  for (let p = start; data[p] !== 0x20; p++) mode = mode * 8 + (data[p] - 0x30);
  return Math.floor(mode / 0o10000) % 0o20 === 0o04; // (mode & 0o170000) === 0o040000, as modeType reads it
}

/**
 * The order a file browser lists: folders first, then by the name as decoded (UTF-8, invalid
 * bytes as U+FFFD) and compared as JavaScript compares strings. Returns positions into the tree.
 */
export function browseOrder(index: TreeIndex): Uint32Array {
  const n = index.count;
  const utf8 = new TextDecoder('utf-8');
  const keys: string[] = new Array<string>(n);
  const folder = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const e = treeEntryAt(index, i);
    keys[i] = utf8.decode(e.name);
    folder[i] = entryIsTree(index, i) ? 0 : 1;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => folder[a] - folder[b] || (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  return Uint32Array.from(order);
}
