import { fail } from '../errors.ts';
import { parseOid } from '../hash/hex.ts';
import type { TreeEntryInfo, TreeOrder } from '../objects/detail-types.ts';
import { treeEntriesAt } from '../objects/describe.ts';
import { browseOrder, indexTree, type TreeIndex } from '../objects/tree-index.ts';
import type { ObjectDatabase } from './database.ts';

/**
 * Trees the views page through (the object page's entries, Browse's listing): each read and
 * indexed once, its browse order sorted once, and kept while the person scrolls. A few trees are
 * kept per database under a byte budget; a tree larger than the budget is read again per page.
 */

/** Bytes of tree data and arrays kept per database. */
const BUDGET_BYTES = 128 << 20;
/** Trees kept per database. */
const MAX_TREES = 8;

interface Kept {
  index: TreeIndex;
  browse?: Uint32Array;
}

const bytesOf = (k: Kept) => k.index.data.byteLength + k.index.extraBytes() + (k.browse?.byteLength ?? 0);

/** Least recently used first (a Map keeps insertion order; a hit moves the tree to the end). */
const caches = new WeakMap<ObjectDatabase, Map<string, Kept>>();

function cacheOf(db: ObjectDatabase): Map<string, Kept> {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new Map()));
  return c;
}

function keep(db: ObjectDatabase, oid: string, kept: Kept): Kept {
  const cache = cacheOf(db);
  cache.delete(oid);
  if (bytesOf(kept) > BUDGET_BYTES) return kept;
  cache.set(oid, kept);
  let held = 0;
  for (const k of cache.values()) held += bytesOf(k);
  for (const [key, k] of cache) {
    if (held <= BUDGET_BYTES && cache.size <= MAX_TREES) break;
    cache.delete(key);
    held -= bytesOf(k);
  }
  return kept;
}

/** Keeps an index the caller already built (the object page reads the tree anyway); returns it. */
export function rememberTree(db: ObjectDatabase, oid: string, index: TreeIndex): TreeIndex {
  keep(db, oid, { index });
  return index;
}

function kept(db: ObjectDatabase, oid: string): Kept {
  const cache = cacheOf(db);
  const hit = cache.get(oid);
  if (hit) {
    cache.delete(oid);
    cache.set(oid, hit);
    return hit;
  }
  const obj = db.read(parseOid(oid, db.algo));
  if (obj.type !== 'tree') fail('BadName', `${oid} is a ${obj.type}, not a tree`);
  return keep(db, oid, { index: indexTree(obj.data, db.algo) });
}

/** The tree `oid` (full hex), indexed. */
export function treeIndexOf(db: ObjectDatabase, oid: string): TreeIndex {
  return kept(db, oid).index;
}

/** The tree's entries in browse order (folders first, then by name), as positions. */
export function browseOrderOf(db: ObjectDatabase, oid: string): Uint32Array {
  const k = kept(db, oid);
  if (!k.browse) {
    k.browse = browseOrder(k.index);
    keep(db, oid, k);
  }
  return k.browse;
}

/** Entries [start, start + count) of the tree `oid` in the order asked for (at most DETAIL_LIMITS.treePage). */
export function treeEntries(db: ObjectDatabase, oid: string, order: TreeOrder, start: number, count: number): { entries: TreeEntryInfo[]; total: number } {
  const index = treeIndexOf(db, oid);
  const positions = order === 'browse' ? browseOrderOf(db, oid) : undefined;
  return { entries: treeEntriesAt(index, positions, start, count), total: index.count };
}

/** The position of the entry whose name decodes to `name` (the first such), or -1. */
export function findEntry(index: TreeIndex, name: string): number {
  const utf8 = new TextDecoder('utf-8');
  const want = new TextEncoder().encode(name);
  const { data, oidAt } = index;
  const H = index.algo.size;
  // Names are compared as decoded (invalid bytes read as U+FFFD, as the views show them); the
  // name's bytes decide first when their length allows a match, which keeps a 300,000-entry walk short.
  for (let i = 0; i < index.count; i++) {
    const nameEnd = oidAt[i] - 1;
    const start = i === 0 ? 0 : oidAt[i - 1] + H;
    const nameStart = data.indexOf(0x20, start) + 1;
    const length = nameEnd - nameStart;
    if (length === want.length) {
      let same = true;
      for (let k = 0; k < length && same; k++) same = data[nameStart + k] === want[k];
      if (same) return i;
    }
  }
  for (let i = 0; i < index.count; i++) {
    const start = i === 0 ? 0 : oidAt[i - 1] + H;
    const nameStart = data.indexOf(0x20, start) + 1;
    if (utf8.decode(data.subarray(nameStart, oidAt[i] - 1)) === name) return i;
  }
  return -1;
}
