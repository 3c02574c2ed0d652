import { PackscopeError, fail } from '../errors.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { parseTree, type TreeEntry } from '../objects/tree.ts';
import { TreeCursor } from './tree-cursor.ts';
import { toHex } from '../hash/hex.ts';

/**
 * The difference between two trees as `git diff-tree` finds it (tree-diff.c): both trees are
 * walked side by side in git's tree order, entries with the same name, mode and id are
 * skipped, and what remains becomes one file pair per path. With `recursive` (`-r`) changed
 * subtrees are entered and only non-tree entries are reported; without it the top-level trees
 * are reported as pairs themselves.
 *
 * The walk is a generator that yields every `SLICE` entries, so a caller in a worker can pause
 * and cancel between slices; `diffTrees` runs it to the end.
 */

/** git's file type bits of a mode (S_IFMT). */
export const S_IFMT = 0o170000;
export const MODE_TREE = 0o040000;
export const MODE_FILE = 0o100644;
export const MODE_EXEC = 0o100755;
export const MODE_LINK = 0o120000;
export const MODE_GITLINK = 0o160000;

/** git's change letters. */
export type ChangeStatus = 'A' | 'D' | 'M' | 'T' | 'R' | 'C';

/** One side of a pair: a path (bytes, as the tree holds it), a canonical mode and an id. */
export interface FileSide {
  path: Uint8Array;
  mode: number;
  oid: Uint8Array;
}

/**
 * A changed path. `old` is absent for an addition, `new` for a deletion. After rename
 * detection `old` may come from another path (status R or C, `score` out of MAX_SCORE).
 */
export interface FilePair {
  status: ChangeStatus;
  old: FileSide | undefined;
  new: FileSide | undefined;
  /** Similarity in git's units (0..MAX_SCORE) for R and C. */
  score: number;
  /**
   * Set (with `keepGoing`) on a pair for a subtree that could not be read: the sides are the
   * tree entries themselves, and what is below them is unknown.
   */
  error?: PackscopeError;
}

/** git's similarity scale (diffcore.h): scores are out of 60,000; 50% is 30,000. */
export const MAX_SCORE = 60000;

/** What a tree walk may touch before it gives up: a hostile tree may nest thousands deep or list millions of changes. */
export interface TreeDiffLimits {
  /** Pairs kept; the walk stops after this many (`truncated`). */
  maxPairs: number;
  /** Nesting of trees below the root (git 2.42 refuses 4,096). */
  maxDepth: number;
}

export const DEFAULT_TREE_DIFF_LIMITS: TreeDiffLimits = { maxPairs: Infinity, maxDepth: 4096 };

/** Options of a tree walk. */
export interface TreeDiffOptions {
  /** `-r`: enter changed subtrees (default true). */
  recursive?: boolean;
  limits?: Partial<TreeDiffLimits>;
  /**
   * A subtree that cannot be read (missing, damaged, not a tree) becomes one pair with an
   * `error` instead of failing the walk (the views: a damaged object must not hide the
   * healthy ones). Off for the command line, which fails as git does.
   */
  keepGoing?: boolean;
}

/** The outcome of a tree walk. */
export interface TreeDiffResult {
  pairs: FilePair[];
  /** The walk stopped at `maxPairs`. */
  truncated: boolean;
}

/** Entries the walk visits between two yields. */
export const SLICE = 2000;

/** git's canon_mode: the four kinds git keeps; regular files become 644 or 755 by the owner's exec bit. */
export function canonMode(mode: number): number {
  const type = mode & S_IFMT;
  if (type === 0o100000) return mode & 0o100 ? MODE_EXEC : MODE_FILE;
  if (type === MODE_LINK) return MODE_LINK;
  if (type === MODE_TREE) return MODE_TREE;
  return MODE_GITLINK;
}

export const isTreeMode = (mode: number): boolean => (mode & S_IFMT) === MODE_TREE;
export const isRegularMode = (mode: number): boolean => (mode & S_IFMT) === 0o100000;
export const isGitlinkMode = (mode: number): boolean => (mode & S_IFMT) === MODE_GITLINK;

/** A mode as git prints it in --raw: six octal digits. */
export function modeOctal(mode: number): string {
  return mode.toString(8).padStart(6, '0');
}

/** Reads a tree's entries (git's built-in empty tree included), failing with the tree's id when it is not a tree. */
export function readTreeEntries(db: ObjectDatabase, oid: Uint8Array): TreeEntry[] {
  const obj = db.read(oid);
  if (obj.type !== 'tree') fail('CorruptObject', `${toHex(oid)} should be a tree but is a ${obj.type}`);
  return parseTree(obj.data, db.algo, toHex(oid));
}

interface Frame {
  prefix: Uint8Array;
  /** Cursors on the current entry of each side; undefined once that side is done (or absent). */
  a: TreeCursor | undefined;
  b: TreeCursor | undefined;
  depth: number;
}

/** `prefix/name` as bytes (`name` alone, copied, at the root). */
export function joinPath(prefix: Uint8Array, name: Uint8Array): Uint8Array {
  if (prefix.length === 0) return name.slice();
  const out = new Uint8Array(prefix.length + 1 + name.length);
  out.set(prefix, 0);
  out[prefix.length] = 0x2f;
  out.set(name, prefix.length + 1);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * git's base_name_compare on two cursors' current entries: names compare as bytes, and a
 * tree's name as if it ended in '/', so the file `a` comes before `a-b`, which comes before
 * the tree `a`.
 */
function compareEntries(a: TreeCursor, aMode: number, b: TreeCursor, bMode: number): number {
  const ad = a.data;
  const bd = b.data;
  const aLen = a.nameEnd - a.nameStart;
  const bLen = b.nameEnd - b.nameStart;
  const n = Math.min(aLen, bLen);
  for (let i = 0; i < n; i++) {
    const d = ad[a.nameStart + i] - bd[b.nameStart + i];
    if (d !== 0) return d;
  }
  const ca = n < aLen ? ad[a.nameStart + n] : isTreeMode(aMode) ? 0x2f : 0;
  const cb = n < bLen ? bd[b.nameStart + n] : isTreeMode(bMode) ? 0x2f : 0;
  return ca - cb;
}

function sameOid(a: TreeCursor, b: TreeCursor, size: number): boolean {
  for (let i = 0; i < size; i++) if (a.data[a.oidStart + i] !== b.data[b.oidStart + i]) return false;
  return true;
}

/**
 * Walks two trees (undefined: the empty tree) and yields the number of entries visited so far
 * every `SLICE` entries; returns the pairs in git's order.
 */
export function* walkTreeDiff(db: ObjectDatabase, oldTree: Uint8Array | undefined, newTree: Uint8Array | undefined, options: TreeDiffOptions = {}): Generator<number, TreeDiffResult> {
  const recursive = options.recursive ?? true;
  const limits = { ...DEFAULT_TREE_DIFF_LIMITS, ...options.limits };
  const hashSize = db.algo.size;
  const pairs: FilePair[] = [];
  /** A cursor on the tree's first entry, or undefined for an absent or empty tree. */
  const open = (oid: Uint8Array | undefined): TreeCursor | undefined => {
    if (!oid) return undefined;
    const obj = db.read(oid);
    if (obj.type !== 'tree') fail('CorruptObject', `${toHex(oid)} should be a tree but is a ${obj.type}`);
    const cursor = new TreeCursor(obj.data, hashSize, () => toHex(oid));
    return cursor.next() ? cursor : undefined;
  };
  if (oldTree && newTree && sameBytes(oldTree, newTree)) return { pairs, truncated: false };
  const stack: Frame[] = [{ prefix: new Uint8Array(0), a: open(oldTree), b: open(newTree), depth: 0 }];
  let visited = 0;
  let nextYield = SLICE;

  // True when the list is full: the pair is not kept and the walk stops.
  const emit = (pair: FilePair): boolean => {
    if (pairs.length >= limits.maxPairs) return true;
    pairs.push(pair);
    return false;
  };
  // Enters a subtree; false when the list is full (an unreadable subtree under keepGoing is a pair).
  const enter = (frame: Frame, name: Uint8Array, a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => {
    if (frame.depth + 1 > limits.maxDepth) fail('TooLarge', `trees nest deeper than ${limits.maxDepth} levels at ${new TextDecoder().decode(joinPath(frame.prefix, name))}`);
    const path = joinPath(frame.prefix, name);
    let opened: [TreeCursor | undefined, TreeCursor | undefined];
    try {
      opened = [open(a), open(b)];
    } catch (err) {
      if (!options.keepGoing || !(err instanceof PackscopeError)) throw err;
      const old = a && { path, mode: MODE_TREE, oid: a };
      const neu = b && { path, mode: MODE_TREE, oid: b };
      return !emit({ status: old && neu ? 'M' : old ? 'D' : 'A', old, new: neu, score: 0, error: err });
    }
    stack.push({ prefix: path, a: opened[0], b: opened[1], depth: frame.depth + 1 });
    return true;
  };
  const side = (frame: Frame, cursor: TreeCursor, mode: number): FileSide => ({ path: joinPath(frame.prefix, cursor.name()), mode, oid: cursor.oid().slice() });

  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const { a, b } = frame;
    if (!a && !b) {
      stack.pop();
      continue;
    }
    if (++visited >= nextYield) {
      nextYield += SLICE;
      yield visited;
    }
    const ma = a ? canonMode(a.mode) : 0;
    const mb = b ? canonMode(b.mode) : 0;
    const cmp = !a ? 1 : !b ? -1 : compareEntries(a, ma, b, mb);

    if (cmp === 0) {
      const ca = a as TreeCursor;
      const cb = b as TreeCursor;
      const same = ma === mb && sameOid(ca, cb, hashSize);
      const both = !same && recursive && isTreeMode(ma) && isTreeMode(mb);
      const pair: FilePair | undefined = same || both ? undefined : { status: (ma & S_IFMT) !== (mb & S_IFMT) ? 'T' : 'M', old: side(frame, ca, ma), new: side(frame, cb, mb), score: 0 };
      if (pair) pair.new = { ...(pair.new as FileSide), path: (pair.old as FileSide).path };
      const name = both ? ca.name().slice() : undefined;
      const oids = both ? [ca.oid().slice(), cb.oid().slice()] : undefined;
      if (!ca.next()) frame.a = undefined;
      if (!cb.next()) frame.b = undefined;
      if (name && oids) {
        if (!enter(frame, name, oids[0], oids[1])) return { pairs, truncated: true };
      } else if (pair && emit(pair)) return { pairs, truncated: true };
    } else if (cmp < 0) {
      const ca = a as TreeCursor;
      const tree = recursive && isTreeMode(ma);
      const name = tree ? ca.name().slice() : undefined;
      const oid = tree ? ca.oid().slice() : undefined;
      const pair: FilePair | undefined = tree ? undefined : { status: 'D', old: side(frame, ca, ma), new: undefined, score: 0 };
      if (!ca.next()) frame.a = undefined;
      if (name) {
        if (!enter(frame, name, oid, undefined)) return { pairs, truncated: true };
      } else if (pair && emit(pair)) return { pairs, truncated: true };
    } else {
      const cb = b as TreeCursor;
      const tree = recursive && isTreeMode(mb);
      const name = tree ? cb.name().slice() : undefined;
      const oid = tree ? cb.oid().slice() : undefined;
      const pair: FilePair | undefined = tree ? undefined : { status: 'A', old: undefined, new: side(frame, cb, mb), score: 0 };
      if (!cb.next()) frame.b = undefined;
      if (name) {
        if (!enter(frame, name, undefined, oid)) return { pairs, truncated: true };
      } else if (pair && emit(pair)) return { pairs, truncated: true };
    }
  }
  return { pairs, truncated: false };
}

/** Runs a sliced generator to its end (the command line has nothing to do between slices). */
export function runToEnd<T>(gen: Generator<unknown, T>): T {
  for (;;) {
    const step = gen.next();
    if (step.done) return step.value;
  }
}

/** `walkTreeDiff` run to its end. */
export function diffTrees(db: ObjectDatabase, oldTree: Uint8Array | undefined, newTree: Uint8Array | undefined, options: TreeDiffOptions = {}): TreeDiffResult {
  return runToEnd(walkTreeDiff(db, oldTree, newTree, options));
}
