import { matchFiles, matchablePaths, rootTreeOf, type MatchablePaths } from '../../core/browse/file-finder.ts';
import { parseOid } from '../../core/hash/hex.ts';
import { PathListBuilder } from '../../core/history/path-list.ts';
import type { FileFinderAnswer } from '../../protocol/browse-extras.ts';
import type { HandlerContext } from '../../protocol/rpc.ts';
import type { Session } from '../session.ts';
import { jobs, ownerKey } from '../jobs.ts';

/**
 * The file finder's path list, built once per commit's tree as a job of the worker's queue and
 * kept for the last few trees; matching is core/browse/file-finder.ts.
 */

/** Lists kept per session, newest last. */
const lists = new WeakMap<Session, Map<string, MatchablePaths>>();
const KEEP = 3;

async function pathListOf(session: Session, rootTree: string, ctx: HandlerContext): Promise<MatchablePaths> {
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
      finish: () => matchablePaths(builder.finish()),
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
  return matchFiles(await pathListOf(session, rootTreeOf(session.db, commit), ctx), query, limit);
}
