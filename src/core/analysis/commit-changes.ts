import { type BlobReader, detectRenames } from '../diff/renames.ts';
import { TreeCursor } from '../diff/tree-cursor.ts';
import { canonMode, type FilePair, type FileSide, isTreeMode, joinPath, runToEnd, S_IFMT } from '../diff/tree-diff.ts';
import { fail } from '../errors.ts';
import { toHex } from '../hash/hex.ts';
import type { ObjectDatabase } from '../odb/database.ts';

/**
 * What one commit changed, in the shape `git diff-tree --root -M -t -c --raw
 * --combined-all-paths` prints it, which is what filter-repo's `--analyze` reads:
 * - against each parent (none: the empty tree), the two trees are walked side by side in git's
 *   tree order; a changed, added or deleted subtree is itself a pair before what lies inside it
 *   (`-t`), and rename detection (`-M`, git's defaults) runs on all pairs, trees included (a
 *   subtree moved unchanged is an exact rename of a tree);
 * - a merge keeps the paths that changed against every parent (git's generic path scan for
 *   combined diffs with rename detection: each parent's list after renames, intersected in tree
 *   order), each with every parent's status, mode and, for a rename, the parent's path.
 */

/** One line of the raw diff: a parent's side per parent, and the commit's side. */
export interface CommitChange {
  /** Per parent: git's status letter (A, D, M, T, R). */
  status: string;
  /** Per parent: the mode there (0 when absent). */
  parentModes: number[];
  /** Per parent: the path there (differs from `path` for a rename). */
  parentPaths: Uint8Array[];
  /** The commit's side: mode 0 and `oid` undefined when the path was deleted. */
  mode: number;
  oid: Uint8Array | undefined;
  path: Uint8Array;
}

/** Limits against hostile trees. */
export const CHANGE_LIMITS = {
  /** Nesting of trees below the root (git 2.42 refuses 4,096). */
  maxDepth: 4096,
};

const EMPTY = new Uint8Array(0);

function sameRange(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** git's base_name_compare on two cursors' entries: a tree's name compares as if it ended in '/'. */
function compareEntries(a: TreeCursor, aMode: number, b: TreeCursor, bMode: number): number {
  const aLen = a.nameEnd - a.nameStart;
  const bLen = b.nameEnd - b.nameStart;
  const n = Math.min(aLen, bLen);
  for (let i = 0; i < n; i++) {
    const d = a.data[a.nameStart + i] - b.data[b.nameStart + i];
    if (d !== 0) return d;
  }
  const ca = n < aLen ? a.data[a.nameStart + n] : isTreeMode(aMode) ? 0x2f : 0;
  const cb = n < bLen ? b.data[b.nameStart + n] : isTreeMode(bMode) ? 0x2f : 0;
  return ca - cb;
}

/** The same comparison on whole paths (combine-diff.c's compare_paths: plain byte order unless a side is a tree). */
function comparePaths(a: Uint8Array, aMode: number, b: Uint8Array, bMode: number): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  if (!isTreeMode(aMode) && !isTreeMode(bMode)) return a.length - b.length;
  const ca = n < a.length ? a[n] : isTreeMode(aMode) ? 0x2f : 0;
  const cb = n < b.length ? b[n] : isTreeMode(bMode) ? 0x2f : 0;
  return ca - cb;
}

interface Frame {
  prefix: Uint8Array;
  a: TreeCursor | undefined;
  b: TreeCursor | undefined;
  depth: number;
}

/** Reads trees for the walk (the engine keeps recently used ones). */
export type TreeSource = (oid: Uint8Array) => Uint8Array;

/** A tree source straight from the database. */
export function databaseTrees(db: ObjectDatabase): TreeSource {
  return (oid) => {
    const obj = db.read(oid);
    if (obj.type !== 'tree') fail('CorruptObject', `${toHex(oid)} should be a tree but is a ${obj.type}`);
    return obj.data;
  };
}

/**
 * `diff-tree -r -t` between two trees (undefined: the empty tree): every changed path, and
 * every changed subtree as a pair before its contents, in git's order.
 */
export function treeChanges(trees: TreeSource, hashSize: number, oldTree: Uint8Array | undefined, newTree: Uint8Array | undefined): FilePair[] {
  const pairs: FilePair[] = [];
  if (oldTree && newTree && sameRange(oldTree, 0, newTree, 0, hashSize)) return pairs;
  const open = (oid: Uint8Array | undefined): TreeCursor | undefined => {
    if (!oid) return undefined;
    const cursor = new TreeCursor(trees(oid), hashSize, () => toHex(oid));
    return cursor.next() ? cursor : undefined;
  };
  const stack: Frame[] = [{ prefix: EMPTY, a: open(oldTree), b: open(newTree), depth: 0 }];
  const side = (frame: Frame, c: TreeCursor, mode: number): FileSide => ({ path: joinPath(frame.prefix, c.name()), mode, oid: c.data.slice(c.oidStart, c.oidStart + hashSize) });
  const enter = (frame: Frame, path: Uint8Array, a: Uint8Array | undefined, b: Uint8Array | undefined): void => {
    if (frame.depth + 1 > CHANGE_LIMITS.maxDepth) fail('TooLarge', `trees nest deeper than ${CHANGE_LIMITS.maxDepth} levels`);
    stack.push({ prefix: path, a: open(a), b: open(b), depth: frame.depth + 1 });
  };
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const { a, b } = frame;
    if (!a && !b) {
      stack.pop();
      continue;
    }
    const ma = a ? canonMode(a.mode) : 0;
    const mb = b ? canonMode(b.mode) : 0;
    const cmp = !a ? 1 : !b ? -1 : compareEntries(a, ma, b, mb);
    if (cmp === 0) {
      const ca = a as TreeCursor;
      const cb = b as TreeCursor;
      const same = ma === mb && sameRange(ca.data, ca.oidStart, cb.data, cb.oidStart, hashSize);
      let enterOld: Uint8Array | undefined;
      let enterNew: Uint8Array | undefined;
      let path: Uint8Array | undefined;
      if (!same) {
        const old = side(frame, ca, ma);
        const neu = side(frame, cb, mb);
        neu.path = old.path;
        pairs.push({ status: (ma & S_IFMT) !== (mb & S_IFMT) ? 'T' : 'M', old, new: neu, score: 0 });
        if (isTreeMode(ma) && isTreeMode(mb)) {
          path = old.path;
          enterOld = old.oid;
          enterNew = neu.oid;
        }
      }
      if (!ca.next()) frame.a = undefined;
      if (!cb.next()) frame.b = undefined;
      if (path) enter(frame, path, enterOld, enterNew);
    } else if (cmp < 0) {
      const ca = a as TreeCursor;
      const old = side(frame, ca, ma);
      pairs.push({ status: 'D', old, new: undefined, score: 0 });
      if (!ca.next()) frame.a = undefined;
      if (isTreeMode(ma)) enter(frame, old.path, old.oid, undefined);
    } else {
      const cb = b as TreeCursor;
      const neu = side(frame, cb, mb);
      pairs.push({ status: 'A', old: undefined, new: neu, score: 0 });
      if (!cb.next()) frame.b = undefined;
      if (isTreeMode(mb)) enter(frame, neu.path, undefined, neu.oid);
    }
  }
  return pairs;
}

/** What rename detection reported for one comparison (a partial clone's missing blobs score 0). */
export interface ChangeNotes {
  /** Comparisons where git's rename limit skipped the inexact pass. */
  renameLimitHit: number;
  /** Blob ids rename detection could not read. */
  missingBlobs: Set<string>;
}

/** One parent's pairs after rename detection (`-M` with git's default score and limit). */
function parentPairs(trees: TreeSource, blobs: BlobReader, hashSize: number, parentTree: Uint8Array | undefined, tree: Uint8Array, notes: ChangeNotes): FilePair[] {
  const pairs = treeChanges(trees, hashSize, parentTree, tree);
  const found = runToEnd(detectRenames(pairs, blobs));
  if (found.inexact === 'skipped') notes.renameLimitHit++;
  for (const id of found.missing) notes.missingBlobs.add(id);
  return found.pairs;
}

function pairPath(p: FilePair): Uint8Array {
  return ((p.new ?? p.old) as FileSide).path;
}

/**
 * The commit's changes against its parents' trees (none for a root commit), as filter-repo
 * reads them from `diff-tree -M -t -c --combined-all-paths`.
 */
export function commitChanges(trees: TreeSource, blobs: BlobReader, hashSize: number, tree: Uint8Array, parentTrees: Uint8Array[], notes: ChangeNotes): CommitChange[] {
  if (parentTrees.length <= 1) {
    const pairs = parentPairs(trees, blobs, hashSize, parentTrees[0], tree, notes);
    return pairs.map((p) => ({
      status: p.status,
      parentModes: [p.old ? p.old.mode : 0],
      parentPaths: [(p.old ?? p.new) ? ((p.old ?? p.new) as FileSide).path : EMPTY],
      mode: p.new ? p.new.mode : 0,
      oid: p.new?.oid,
      path: pairPath(p),
    }));
  }
  // A merge. Rename detection only turns an addition into a rename at the same path and drops
  // the deletions it consumed, so the paths that changed against every parent are found first
  // without it; a parent's renames are then worked out only when one of those paths is an
  // addition or a deletion against that parent (git runs it for every parent; the result for the
  // kept paths is the same, and most merges keep a few modified paths).
  const raw = parentTrees.map((t) => treeChanges(trees, hashSize, t, tree));
  let current: CommitChange[] = [];
  for (const p of raw[0]) {
    // diff_unmodified_pair: the same path, mode and id on both sides says nothing.
    if (p.old && p.new && p.old.mode === p.new.mode && sameBytesFull(p.old.path, p.new.path) && sameBytesFull(p.old.oid, p.new.oid)) continue;
    current.push({ status: '', parentModes: [], parentPaths: [], mode: p.new ? p.new.mode : 0, oid: p.new?.oid, path: pairPath(p) });
  }
  for (let n = 0; n < raw.length && current.length > 0; n++) current = intersect(current, raw[n]);
  for (let n = 0; n < raw.length && current.length > 0; n++) {
    if (!current.some((c) => c.status[n] === 'A' || c.status[n] === 'D')) continue;
    const found = runToEnd(detectRenames(raw[n], blobs));
    if (found.inexact === 'skipped') notes.renameLimitHit++;
    for (const id of found.missing) notes.missingBlobs.add(id);
    current = intersect(current, found.pairs, n);
  }
  return current;
}

/**
 * combine-diff.c's intersect_paths: the changes whose path is also in `pairs` (both lists in
 * tree order), with that parent's side; `replace` rewrites parent `replace`'s side instead of
 * adding one.
 */
function intersect(current: CommitChange[], pairs: FilePair[], replace = -1): CommitChange[] {
  const kept: CommitChange[] = [];
  let i = 0;
  for (const c of current) {
    while (i < pairs.length) {
      const q = pairs[i];
      const cmp = comparePaths(c.path, c.mode, pairPath(q), q.new ? q.new.mode : 0);
      if (cmp < 0) break;
      i++;
      if (cmp > 0) continue;
      const mode = q.old ? q.old.mode : 0;
      const path = (q.old ?? (q.new as FileSide)).path;
      if (replace < 0) {
        c.status += q.status;
        c.parentModes.push(mode);
        c.parentPaths.push(path);
      } else {
        c.status = c.status.slice(0, replace) + q.status + c.status.slice(replace + 1);
        c.parentModes[replace] = mode;
        c.parentPaths[replace] = path;
      }
      kept.push(c);
      break;
    }
  }
  return kept;
}

function sameBytesFull(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && sameRange(a, 0, b, 0, a.length);
}
