import type { ObjectDatabase } from '../odb/database.ts';
import { databaseBlobs } from '../diff/changes.ts';
import { detectRenames } from '../diff/renames.ts';
import { canonMode, diffTrees, isTreeMode, readTreeEntries, runToEnd, type FilePair, type FileSide } from '../diff/tree-diff.ts';

/**
 * Where a path came from when a commit added it: the one question `git log --follow` and
 * `git blame` ask of rename detection, each with git's own settings.
 *
 * - `blame` (blame.c find_rename): renames only (`-M`), sources are the files the commit
 *   deleted; the destination is the path when the commit added it.
 * - `follow` (tree-diff.c try_to_follow_renames): find_copies_harder, which makes git detect
 *   copies, so every file of the parent is a source (those the commit kept or changed as copy
 *   sources, the deleted ones as rename sources).
 *
 * In both, git sets `single_follow`, so the path is the only destination: other added files do
 * not compete for the sources.
 */

/** A file of the parent the path was renamed or copied from. */
export interface RenameSource {
  path: Uint8Array;
  mode: number;
  oid: Uint8Array;
  /** git's similarity, out of 60,000. */
  score: number;
  status: 'R' | 'C';
}

/** How to search: as blame does, or as log --follow does. */
export type RenameSearch = 'blame' | 'follow';

function samePath(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every non-folder entry below a tree, in the order git's tree walk meets them. */
export function listFiles(db: ObjectDatabase, tree: Uint8Array, prefix: Uint8Array = new Uint8Array(0), out: FileSide[] = [], depth = 0): FileSide[] {
  if (depth > 4096) return out;
  for (const e of readTreeEntries(db, tree)) {
    const mode = canonMode(parseInt(e.mode, 8));
    const path = prefix.length === 0 ? e.name.slice() : concatPath(prefix, e.name);
    if (isTreeMode(mode)) listFiles(db, e.oid, path, out, depth + 1);
    else out.push({ path, mode, oid: e.oid.slice() });
  }
  return out;
}

function concatPath(prefix: Uint8Array, name: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + 1 + name.length);
  out.set(prefix, 0);
  out[prefix.length] = 0x2f;
  out.set(name, prefix.length + 1);
  return out;
}

/** Bytes as a string of char codes (a map key that keeps every byte). */
function key(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/**
 * The source `path` was renamed (or, for `follow`, copied) from between `parentTree` and
 * `commitTree`, or undefined. `added` is the path's entry in the commit (the caller has already
 * seen that the parent does not hold it as a file).
 */
export function findRenameSource(
  db: ObjectDatabase,
  parentTree: Uint8Array,
  commitTree: Uint8Array,
  path: Uint8Array,
  added: { mode: number; oid: Uint8Array },
  search: RenameSearch,
): RenameSource | undefined {
  const destination: FilePair = { status: 'A', old: undefined, new: { path, mode: added.mode, oid: added.oid }, score: 0 };
  const pairs: FilePair[] = [];
  if (search === 'blame') {
    for (const p of diffTrees(db, parentTree, commitTree).pairs) if (p.status === 'D') pairs.push(p);
  } else {
    const kept = new Map<string, FileSide>();
    for (const f of listFiles(db, commitTree)) kept.set(key(f.path), f);
    for (const f of listFiles(db, parentTree)) {
      const now = kept.get(key(f.path));
      // A file still there (changed or not) is a copy source; one gone is a rename source.
      pairs.push(now ? { status: 'M', old: f, new: now, score: 0 } : { status: 'D', old: f, new: undefined, score: 0 });
    }
  }
  pairs.push(destination);
  const result = runToEnd(detectRenames(pairs, databaseBlobs(db), { copies: search === 'follow' }));
  for (const p of result.pairs) {
    if ((p.status === 'R' || p.status === 'C') && p.old && p.new && samePath(p.new.path, path)) {
      return { path: p.old.path, mode: p.old.mode, oid: p.old.oid, score: p.score, status: p.status };
    }
  }
  return undefined;
}
