import { fail } from '../errors.ts';
import { parseOid, toHex } from '../hash/hex.ts';
import type { PathList } from '../history/path-list.ts';
import { parseCommit } from '../objects/commit.ts';
import type { TreeEntryInfo } from '../objects/detail-types.ts';
import { treeEntryInfo } from '../objects/describe.ts';
import { treeEntryAt } from '../objects/tree-index.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { browseOrderOf, treeIndexOf } from '../odb/tree-listing.ts';
import { findPaths } from '../search/fuzzy-path.ts';
import type { FileFinderAnswer } from './types.ts';

/**
 * The file finder (`t` in Browse) and the filter of a large folder. The finder matches against a
 * commit's path list (core/history/path-list.ts, built by the caller in slices and kept); each
 * keystroke then matches in a few milliseconds (git.git's 4,500 paths).
 */

/** Most matches sent per answer. */
const MAX_MATCHES = 1_000;

/** A commit's path list with its lower-cased copy, which every match reads. */
export interface MatchablePaths {
  list: PathList;
  lowered: string[];
}

/** Pairs a built path list with its lower-cased paths. */
export function matchablePaths(list: PathList): MatchablePaths {
  return { list, lowered: list.paths.map((p) => p.toLowerCase()) };
}

/** The root tree (full hex) of a commit, or the tree itself; BadName for a blob or tag. */
export function rootTreeOf(db: ObjectDatabase, commit: string): string {
  const obj = db.read(parseOid(commit, db.algo));
  if (obj.type === 'commit') return parseCommit(obj.data).tree;
  if (obj.type === 'tree') return commit.toLowerCase();
  return fail('BadName', `${commit} is a ${obj.type}: it has no files to find`);
}

/** Fuzzy-matches `query` against the paths, at most `limit` (and MAX_MATCHES) matches. */
export function matchFiles(paths: MatchablePaths, query: string, limit: number): FileFinderAnswer {
  const { list, lowered } = paths;
  const { matches, total } = findPaths(list.paths, query.slice(0, 500), Math.max(1, Math.min(limit, MAX_MATCHES)), lowered);
  return { matches: matches.map((m) => ({ path: m.path, positions: m.positions })), total, files: list.paths.length, ...(list.capped !== undefined ? { capped: list.capped } : {}) };
}

/** Entries of a tree whose decoded names contain `query` (case ignored), in browse order, at most `limit`. */
export function filterTree(db: ObjectDatabase, oid: string, query: string, limit: number): { entries: TreeEntryInfo[]; positions: number[]; total: number } {
  const hex = toHex(parseOid(oid, db.algo));
  const index = treeIndexOf(db, hex);
  const order = browseOrderOf(db, hex);
  const want = query.toLowerCase();
  const cap = Math.max(1, Math.min(limit, 2_000));
  const entries: TreeEntryInfo[] = [];
  const positions: number[] = [];
  let total = 0;
  for (let p = 0; p < order.length; p++) {
    const info = treeEntryInfo(treeEntryAt(index, order[p]));
    if (!info.name.toLowerCase().includes(want)) continue;
    total++;
    if (entries.length < cap) {
      entries.push(info);
      positions.push(p);
    }
  }
  return { entries, positions, total };
}
