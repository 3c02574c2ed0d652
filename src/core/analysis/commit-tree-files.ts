import { TreeCursor } from '../diff/tree-cursor.ts';
import { canonMode, isGitlinkMode, isTreeMode } from '../diff/tree-diff.ts';
import { fail } from '../errors.ts';
import { toHex } from '../hash/hex.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { readCommitFacts } from './commit-facts.ts';
import type { CommitIndex, SizeAnalysis, TreeFile } from './types.ts';

/** Files listed at most from one commit's tree (a hostile tree can name millions). */
export const COMMIT_TREE_MAX_FILES = 1_000_000;

/**
 * The files of one commit's tree with their path ids and blob indexes in the analysis, for
 * `buildTreemapTree` (the treemap of one commit). Submodules are left out (they have no blob
 * here, and filter-repo does not count them). Every path of a walked commit's tree is in the
 * analysis (the walk saw it added); one that is not (a commit outside the walk) is skipped.
 * Walks the tree with a stack: nesting depth costs no call frames.
 */
export function commitTreeFiles(db: ObjectDatabase, analysis: SizeAnalysis, commit: CommitIndex, maxFiles = COMMIT_TREE_MAX_FILES): TreeFile[] {
  const H = analysis.commits.hashSize;
  const { tree } = readCommitFacts(db, analysis.commits.ids.subarray(commit * H, (commit + 1) * H));
  const out: TreeFile[] = [];
  const stack: { prefix: Uint8Array; oid: Uint8Array }[] = [{ prefix: new Uint8Array(0), oid: tree }];
  while (stack.length > 0 && out.length < maxFiles) {
    const { prefix, oid } = stack.pop() as { prefix: Uint8Array; oid: Uint8Array };
    const obj = db.read(oid);
    if (obj.type !== 'tree') fail('CorruptObject', `${toHex(oid)} should be a tree but is a ${obj.type}`);
    const cursor = new TreeCursor(obj.data, H, () => toHex(oid));
    while (cursor.next() && out.length < maxFiles) {
      const name = cursor.name();
      const path = new Uint8Array(prefix.length + (prefix.length > 0 ? 1 : 0) + name.length);
      path.set(prefix, 0);
      if (prefix.length > 0) path[prefix.length] = 0x2f;
      path.set(name, path.length - name.length);
      const mode = canonMode(cursor.mode);
      const id = obj.data.slice(cursor.oidStart, cursor.oidStart + H);
      if (isTreeMode(mode)) stack.push({ prefix: path, oid: id });
      else if (!isGitlinkMode(mode)) {
        const pathId = analysis.findPath(path);
        const blob = analysis.blobs.find(id);
        if (pathId !== undefined && blob >= 0) out.push({ path: pathId, blob });
      }
    }
  }
  return out;
}
