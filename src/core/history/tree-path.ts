import { fail } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import { toHex } from '../hash/hex.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { canonMode } from '../diff/tree-diff.ts';

/**
 * The entry a path names below a tree, found by reading only the trees on the way (what git's
 * tree diff with a one-path pathspec looks at). Paths are bytes split at `/`, as trees store
 * names; an empty path names the tree itself.
 */

/** An entry found at a path: its mode as git compares it (canon_mode; 0o40000 a folder) and its id. */
export interface PathEntry {
  mode: number;
  oid: Uint8Array;
}

/** git's S_IFMT and the folder kind. */
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

/** True when a mode names a folder. */
export const isFolderMode = (mode: number): boolean => (mode & S_IFMT) === S_IFDIR;

/** Splits a path given as bytes into its names; empty names (`a//b`, a trailing `/`) are dropped. */
export function splitPath(path: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path[i] === 0x2f) {
      if (i > start) parts.push(path.subarray(start, i));
      start = i + 1;
    }
  }
  return parts;
}

/** Joins names back into a path. */
export function joinPath(parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0) + Math.max(0, parts.length - 1);
  const out = new Uint8Array(length);
  let at = 0;
  parts.forEach((p, i) => {
    if (i > 0) out[at++] = 0x2f;
    out.set(p, at);
    at += p.length;
  });
  return out;
}

/**
 * The entry named `name` in a tree's bytes, or undefined. Entries are sorted in git's order, so
 * the scan stops at the first name that sorts after `name` both as a file and as a folder.
 */
export function findInTree(data: Uint8Array, algo: HashAlgo, name: Uint8Array, what: () => string): PathEntry | undefined {
  const H = algo.size;
  let pos = 0;
  while (pos < data.length) {
    let mode = 0;
    let p = pos;
    while (p < data.length && data[p] !== 0x20) {
      const c = data[p];
      if (c < 0x30 || c > 0x37 || p - pos > 7) fail('CorruptObject', `tree entry at byte ${pos} has no valid mode`, { file: what() });
      mode = mode * 8 + (c - 0x30);
      p++;
    }
    const nameStart = p + 1;
    let nul = nameStart;
    while (nul < data.length && data[nul] !== 0) nul++;
    if (p >= data.length || nul >= data.length || nul + 1 + H > data.length) fail('CorruptObject', `tree entry at byte ${pos} is cut off`, { file: what() });
    const cmp = compareName(data, nameStart, nul, name);
    if (cmp === 0) return { mode: canonMode(mode), oid: data.subarray(nul + 1, nul + 1 + H) };
    // Past `name` even when that entry is a folder ("name/" sorts after "name"): stop.
    if (cmp > 0 && comparePastFolder(data, nameStart, nul, name)) return undefined;
    pos = nul + 1 + H;
  }
  return undefined;
}

/** Compares the bytes [start, end) with `name`. */
function compareName(data: Uint8Array, start: number, end: number, name: Uint8Array): number {
  const la = end - start;
  const n = Math.min(la, name.length);
  for (let i = 0; i < n; i++) {
    const d = data[start + i] - name[i];
    if (d !== 0) return d;
  }
  return la - name.length;
}

/** True when the entry sorts after `name/`, so no later entry can be `name` as a file or a folder. */
function comparePastFolder(data: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  const la = end - start;
  const lb = name.length + 1;
  const n = Math.min(la, lb);
  for (let i = 0; i < n; i++) {
    const b = i < name.length ? name[i] : 0x2f;
    const d = data[start + i] - b;
    if (d !== 0) return d > 0;
  }
  return la > lb;
}

/**
 * Finds the entry at a path below the tree `tree`. A name that is missing, or a step through
 * something that is not a folder, gives undefined. `cache` keeps answers by tree id and depth,
 * so a walk that meets the same subtree again reads nothing.
 */
export class TreePathLookup {
  private readonly cache = new Map<string, PathEntry | null>();
  /** Trees read (for statistics). */
  treesRead = 0;

  constructor(
    private readonly db: ObjectDatabase,
    private readonly parts: Uint8Array[],
    private readonly maxCached = 200_000,
  ) {}

  /** The entry at the path, or undefined; the root tree itself for an empty path. */
  entryAt(tree: Uint8Array): PathEntry | undefined {
    if (this.parts.length === 0) return { mode: S_IFDIR, oid: tree };
    return this.below(tree, 0);
  }

  private below(tree: Uint8Array, depth: number): PathEntry | undefined {
    const key = `${depth}:${toHex(tree)}`;
    const known = this.cache.get(key);
    if (known !== undefined) return known ?? undefined;
    const obj = this.db.read(tree);
    this.treesRead++;
    if (obj.type !== 'tree') fail('CorruptObject', `${toHex(tree)} should be a tree but is a ${obj.type}`);
    const found = findInTree(obj.data, this.db.algo, this.parts[depth], () => toHex(tree));
    let answer: PathEntry | undefined;
    if (!found) answer = undefined;
    else if (depth === this.parts.length - 1) answer = { mode: found.mode, oid: found.oid.slice() };
    else if (isFolderMode(found.mode)) answer = this.below(found.oid.slice(), depth + 1);
    else answer = undefined;
    if (this.cache.size >= this.maxCached) this.cache.clear();
    this.cache.set(key, answer ?? null);
    return answer;
  }
}

/** True when two entries (or absences) are the same: same mode and id, or both absent. */
export function sameEntry(a: PathEntry | undefined, b: PathEntry | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.mode !== b.mode || a.oid.length !== b.oid.length) return false;
  for (let i = 0; i < a.oid.length; i++) if (a.oid[i] !== b.oid[i]) return false;
  return true;
}
