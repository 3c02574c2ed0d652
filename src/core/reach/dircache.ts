import { fail } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import { toHex } from '../hash/hex.ts';

/**
 * The staging index (`.git/index`, "DIRC"), read only as far as reachability needs: every
 * entry's mode, object id and path, and the object ids of the cache-tree extension. git fsck
 * counts both as roots (an index entry is reachable even if no commit names it).
 *
 * | bytes       | field                                                        |
 * |-------------|--------------------------------------------------------------|
 * | 4           | `DIRC`                                                       |
 * | 4           | version: 2, 3 or 4                                           |
 * | 4           | number of entries                                            |
 * | entries     | see below                                                    |
 * | extensions  | 4-byte signature, 4-byte size, data (TREE, REUC, link, ...)  |
 * | H           | checksum of everything before                                |
 *
 * An entry: ctime, mtime (8 bytes each), dev, ino, mode, uid, gid, size (4 bytes each), the
 * object id (H bytes), 16-bit flags (bit 15 assume-valid, bit 14 extended, bits 13-12 stage,
 * bits 11-0 name length, 0xfff = "at least 4095"), in version 3+ with the extended bit a second
 * 16-bit flags word, then the path:
 * - versions 2 and 3: the path, then 1 to 8 NULs so the entry's length is a multiple of 8;
 * - version 4: a varint N (offset-varint encoding), then a NUL-terminated string: the path is
 *   the previous entry's path without its last N bytes, plus that string. No padding.
 *
 * TREE extension, depth first: `<path>\0<entry count> <subtree count>\n`, then, when the entry
 * count is not -1 (an invalidated node), the tree's object id.
 */

/** One index entry. */
export interface DirCacheEntry {
  /** The mode as a number (0o100644, 0o120000, 0o160000 for a gitlink, 0o040000 for a sparse directory). */
  mode: number;
  oid: string;
  /** The path's bytes decoded as UTF-8 (display only). */
  path: string;
  /** Merge stage 0-3. */
  stage: number;
}

/** A valid node of the cache-tree extension. */
export interface CacheTreeNode {
  /** Folder path relative to the root ('' for the root). */
  path: string;
  oid: string;
  entryCount: number;
}

/** The parsed index. */
export interface DirCache {
  version: number;
  entries: DirCacheEntry[];
  /** Valid cache-tree nodes (invalidated ones have no id and are left out). */
  cacheTree: CacheTreeNode[];
  /** Extension signatures in file order. */
  extensions: string[];
}

const ENTRY_FIXED = 40; // ctime..size: ten 32-bit words
const decoder = new TextDecoder('utf-8');

/** Parses an index file's bytes; `file` names it in errors. */
export function parseDirCache(data: Uint8Array, algo: HashAlgo, file = 'index'): DirCache {
  const H = algo.size;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 12 + H) fail('Truncated', `the index is ${data.length} bytes, shorter than a header and checksum`, { file, offset: 0 });
  if (data[0] !== 0x44 || data[1] !== 0x49 || data[2] !== 0x52 || data[3] !== 0x43) fail('BadSignature', 'the index does not start with DIRC', { file, offset: 0 });
  const version = view.getUint32(4);
  if (version < 2 || version > 4) fail('UnsupportedVersion', `index version ${version}; versions 2, 3 and 4 are known`, { file, offset: 4 });
  const count = view.getUint32(8);
  const end = data.length - H;
  // The smallest entry is 62 + H - 20 bytes in v2; a count the file cannot hold is rejected before allocating.
  if (count > end / (ENTRY_FIXED + H + 3)) fail('BadSize', `the index claims ${count} entries, more than its ${data.length} bytes can hold`, { file, offset: 8 });

  const entries: DirCacheEntry[] = [];
  let pos = 12;
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < count; i++) {
    const start = pos;
    if (pos + ENTRY_FIXED + H + 2 > end) fail('Truncated', `index entry ${i} is cut off`, { file, offset: start });
    const mode = view.getUint32(pos + 24);
    const oid = toHex(data, pos + ENTRY_FIXED, H);
    const flags = view.getUint16(pos + ENTRY_FIXED + H);
    pos += ENTRY_FIXED + H + 2;
    if (flags & 0x4000) {
      if (version < 3) fail('CorruptObject', `index entry ${i} sets the extended flag in a version ${version} index`, { file, offset: start });
      pos += 2;
    }
    let path: Uint8Array;
    if (version === 4) {
      const [strip, next] = readOffsetVarint(data, pos, end, file);
      if (strip > previous.length) fail('CorruptObject', `index entry ${i} removes ${strip} bytes from a ${previous.length}-byte previous path`, { file, offset: pos });
      const nul = data.indexOf(0, next);
      if (nul < 0 || nul >= end) fail('Truncated', `index entry ${i}'s path has no NUL`, { file, offset: next });
      path = new Uint8Array(previous.length - strip + (nul - next));
      path.set(previous.subarray(0, previous.length - strip));
      path.set(data.subarray(next, nul), previous.length - strip);
      pos = nul + 1;
    } else {
      const nameLength = flags & 0xfff;
      const nul = nameLength < 0xfff ? pos + nameLength : data.indexOf(0, pos + 0xfff);
      if (nul < 0 || nul >= end || data[nul] !== 0) fail('CorruptObject', `index entry ${i}'s path does not end where its length says`, { file, offset: pos });
      path = data.subarray(pos, nul);
      // 1-8 NULs: the entry (from `start`) is padded to a multiple of 8.
      pos = start + (((nul - start + 8) >> 3) << 3);
      if (pos > end) fail('Truncated', `index entry ${i}'s padding runs past the entries`, { file, offset: nul });
    }
    previous = path;
    entries.push({ mode, oid, path: decoder.decode(path), stage: (flags >> 12) & 3 });
  }

  const extensions: string[] = [];
  let cacheTree: CacheTreeNode[] = [];
  while (pos + 8 <= end) {
    const signature = String.fromCharCode(data[pos], data[pos + 1], data[pos + 2], data[pos + 3]);
    const size = view.getUint32(pos + 4);
    const body = pos + 8;
    if (body + size > end) fail('Truncated', `index extension ${JSON.stringify(signature)} declares ${size} bytes, past the checksum`, { file, offset: pos });
    extensions.push(signature);
    if (signature === 'TREE') cacheTree = parseCacheTree(data.subarray(body, body + size), H, file, body);
    pos = body + size;
  }
  if (pos !== end) fail('CorruptObject', `${end - pos} stray bytes before the index checksum`, { file, offset: pos });
  return { version, entries, cacheTree, extensions };
}

/** git's offset varint (as in OFS_DELTA): each continuation adds one before shifting. */
function readOffsetVarint(data: Uint8Array, pos: number, end: number, file: string): [number, number] {
  let c = data[pos++];
  let value = c & 0x7f;
  while (c & 0x80) {
    if (pos >= end || value > 2 ** 40) fail('CorruptObject', 'a path-compression varint runs on', { file, offset: pos });
    c = data[pos++];
    value = (value + 1) * 128 + (c & 0x7f);
  }
  return [value, pos];
}

/** The TREE extension's nodes, depth first, with paths joined from the nesting. */
function parseCacheTree(body: Uint8Array, H: number, file: string, base: number): CacheTreeNode[] {
  const nodes: CacheTreeNode[] = [];
  // An explicit stack of (path prefix, subtrees still to read) instead of recursion: hostile nesting.
  const stack: { prefix: string; remaining: number }[] = [];
  let pos = 0;
  while (pos < body.length) {
    const nul = body.indexOf(0, pos);
    const newline = nul < 0 ? -1 : body.indexOf(0x0a, nul);
    if (nul < 0 || newline < 0) fail('CorruptObject', 'a cache-tree node is cut off', { file, offset: base + pos });
    const name = decoder.decode(body.subarray(pos, nul));
    const m = /^(-?\d+) (\d+)$/.exec(decoder.decode(body.subarray(nul + 1, newline)));
    if (!m) fail('CorruptObject', 'a cache-tree node has no "<entries> <subtrees>" line', { file, offset: base + nul + 1 });
    const entryCount = Number(m[1]);
    const subtrees = Number(m[2]);
    pos = newline + 1;
    while (stack.length > 0 && stack[stack.length - 1].remaining === 0) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) parent.remaining--;
    const path = parent ? (parent.prefix === '' ? name : `${parent.prefix}/${name}`) : name;
    if (entryCount >= 0) {
      if (pos + H > body.length) fail('Truncated', `the cache-tree node ${JSON.stringify(path)} is cut off before its id`, { file, offset: base + pos });
      nodes.push({ path, oid: toHex(body, pos, H), entryCount });
      pos += H;
    }
    stack.push({ prefix: path, remaining: subtrees });
  }
  return nodes;
}
