import { fail } from '../../core/errors.ts';
import { toHex } from '../../core/hash/hex.ts';
import { PathListBuilder, type PathList } from '../../core/history/path-list.ts';
import { parseCommit } from '../../core/objects/commit.ts';
import { treeEntryAt } from '../../core/objects/tree-index.ts';
import { findPaths } from '../../core/search/fuzzy-path.ts';
import type { HandlerContext } from '../../protocol/rpc.ts';
import type { FileFinderAnswer } from '../../protocol/browse-extras.ts';
import type { TreeEntryInfo } from '../../protocol/messages.ts';
import type { Session } from '../session.ts';
import { jobs, ownerKey } from '../jobs.ts';
import { parseOid } from '../../core/hash/hex.ts';
import { treeEntryInfo } from '../../core/objects/describe.ts';
import { browseOrderOf, treeIndexOf } from '../../core/odb/tree-listing.ts';

/**
 * The file finder (`t` in Browse) and the filter of a large folder. The finder's path list is
 * built once per commit's tree, as a job of the worker's queue, and kept for the last few trees;
 * each keystroke then matches in the worker (git.git's 4,500 paths take a few milliseconds).
 */

interface Kept {
  list: PathList;
  lowered: string[];
}

/** Lists kept per session, newest last. */
const lists = new WeakMap<Session, Map<string, Kept>>();
const KEEP = 3;
/** Most matches sent per answer. */
const MAX_MATCHES = 1_000;

async function pathListOf(session: Session, rootTree: string, ctx: HandlerContext): Promise<Kept> {
  let kept = lists.get(session);
  if (!kept) lists.set(session, (kept = new Map()));
  const hit = kept.get(rootTree);
  if (hit) return hit;
  const builder = new PathListBuilder(session.db, parseOid(rootTree, session.db.algo));
  const built = await jobs.run(
    {
      key: `${ownerKey(session)}:paths:${rootTree}`,
      step: (ms) => builder.step(ms),
      progress: () => ({ done: builder.found, total: builder.found + 1, label: 'Listing the files of this commit', unit: 'files' }),
      finish: () => {
        const list = builder.finish();
        return { list, lowered: list.paths.map((p) => p.toLowerCase()) };
      },
    },
    ctx,
    'browse',
  );
  kept.set(rootTree, built);
  while (kept.size > KEEP) kept.delete(kept.keys().next().value as string);
  return built;
}

/** Fuzzy-matches the paths of `commit`'s tree. */
export async function findFiles(session: Session, commit: string, query: string, limit: number, ctx: HandlerContext): Promise<FileFinderAnswer> {
  const db = session.db;
  const obj = db.read(parseOid(commit, db.algo));
  const root = obj.type === 'commit' ? parseCommit(obj.data).tree : obj.type === 'tree' ? commit.toLowerCase() : fail('BadName', `${commit} is a ${obj.type}: it has no files to find`);
  const { list, lowered } = await pathListOf(session, root, ctx);
  const { matches, total } = findPaths(list.paths, query.slice(0, 500), Math.max(1, Math.min(limit, MAX_MATCHES)), lowered);
  return { matches: matches.map((m) => ({ path: m.path, positions: m.positions })), total, files: list.paths.length, ...(list.capped !== undefined ? { capped: list.capped } : {}) };
}

/** Entries of a tree whose decoded names contain `query` (case ignored), in browse order, at most `limit`. */
export function filterTree(session: Session, oid: string, query: string, limit: number): { entries: TreeEntryInfo[]; positions: number[]; total: number } {
  const db = session.db;
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
