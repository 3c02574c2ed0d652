import type { ObjectDatabase } from '../odb/database.ts';
import { isBinaryBlob } from './binary.ts';
import { combinedDiff, MAX_COMBINED_PARENTS } from './combined-hunks.ts';
import { sideContent } from './pair-text.ts';
import { walkTreeDiff, type ChangeStatus, type FilePair, type FileSide, type TreeDiffLimits } from './tree-diff.ts';

/**
 * git's combined view of a merge (combine-diff.c):
 * - `-c` keeps the paths that differ from every parent (a tree diff against each parent, no
 *   renames, intersected in tree order);
 * - `--cc` (dense) further drops a path whose every hunk has "only two versions, and the result
 *   matches one of them": it is shown only when its mode differs from a parent's, it is
 *   binary, or some hunk survives (the hunks come from combined-hunks.ts).
 */

/** One parent's side of a combined path. */
export interface CombinedParent {
  status: ChangeStatus;
  /** Mode 0 and the zero id when the parent does not have the path. */
  mode: number;
  oid: Uint8Array;
}

/** A path of the combined view. */
export interface CombinedPath {
  path: Uint8Array;
  /** The merge's side: mode 0 and the zero id when the merge deleted the path. */
  mode: number;
  oid: Uint8Array;
  parents: CombinedParent[];
}

function pathKey(path: Uint8Array): string {
  let s = '';
  for (let i = 0; i < path.length; i += 8192) s += String.fromCharCode(...path.subarray(i, i + 8192));
  return s;
}

/** `-c`'s paths: those that differ from every parent, in git's order; yields between slices. */
export function* walkCombined(
  db: ObjectDatabase,
  mergeTree: Uint8Array,
  parentTrees: Uint8Array[],
  limits: Partial<TreeDiffLimits> = {},
): Generator<number, { paths: CombinedPath[]; truncated: boolean }> {
  const zero = new Uint8Array(db.algo.size);
  let truncated = false;
  const perParent: Map<string, FilePair>[] = [];
  let order: FilePair[] = [];
  for (const tree of parentTrees) {
    const walked = yield* walkTreeDiff(db, tree, mergeTree, { recursive: true, limits });
    truncated ||= walked.truncated;
    const byPath = new Map<string, FilePair>();
    for (const pair of walked.pairs) byPath.set(pathKey(((pair.new ?? pair.old) as FileSide).path), pair);
    perParent.push(byPath);
    if (perParent.length === 1) order = walked.pairs;
  }
  const paths: CombinedPath[] = [];
  for (const pair of order) {
    const key = pathKey(((pair.new ?? pair.old) as FileSide).path);
    if (!perParent.every((m) => m.has(key))) continue;
    paths.push({
      path: ((pair.new ?? pair.old) as FileSide).path,
      mode: pair.new ? pair.new.mode : 0,
      oid: pair.new ? pair.new.oid : zero,
      parents: perParent.map((m) => {
        const q = m.get(key) as FilePair;
        return { status: q.status, mode: q.old ? q.old.mode : 0, oid: q.old ? q.old.oid : zero };
      }),
    });
  }
  return { paths, truncated };
}

/**
 * Whether `git diff-tree --cc` shows the path (show_patch_diff with dense_combined_merges):
 * a mode that differs from a parent's, binary content, or a hunk that survives git's
 * "two versions, and the result is one of them" filter (combined-hunks.ts does git's line
 * bookkeeping). `context` is git's -U (3). Past MAX_COMBINED_PARENTS the path is kept, as shown.
 */
export function denseKeeps(db: ObjectDatabase, p: CombinedPath, context = 3): boolean {
  if (p.parents.some((q) => q.mode !== p.mode)) return true;
  if (p.parents.length > MAX_COMBINED_PARENTS) return true;
  const side = (mode: number, oid: Uint8Array): FileSide | undefined => (mode === 0 || oid.every((b) => b === 0) ? undefined : { path: p.path, mode, oid });
  const result = sideContent(db, side(p.mode, p.oid));
  const parents = p.parents.map((q) => sideContent(db, side(q.mode, q.oid)));
  if (isBinaryBlob(result) || parents.some((b) => isBinaryBlob(b))) return true;
  return combinedDiff(parents, result, { dense: true, context }).hunks.length > 0;
}
