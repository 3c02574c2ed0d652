import { PlaceIndexBuilder, type PlaceIndex } from '../../../core/search/places.ts';
import { yieldNow, type HandlerContext } from '../../../protocol/rpc.ts';
import type { BlobPlaces } from '../../../protocol/search.ts';
import type { Session } from '../../session.ts';

/**
 * Where blobs appear, from the reverse index (blob -> trees -> commits). The index is built
 * once per open repository and shared: a caller that cancels stops waiting, not the build,
 * so the next caller finds it further along or finished.
 */

interface Build {
  builder?: PlaceIndexBuilder;
  index?: PlaceIndex;
  done: Promise<PlaceIndex>;
}

const builds = new WeakMap<Session, Build>();

/** Most blobs answered per request, and most places per blob. */
const MAX_BLOBS = 500;
const MAX_PLACES = 100;

/** The build's own context: it reports nothing and is never cancelled (callers wait on it). */
const detached: HandlerContext = { progress: () => {}, checkCancelled: () => {}, pause: yieldNow, transfer: () => {} };

function startBuild(session: Session): Build {
  const existing = builds.get(session);
  if (existing) return existing;
  const build: Build = { done: Promise.resolve(undefined as never) };
  build.done = (async () => {
    const table = await session.scanTypes(detached);
    const commits = Array.from(table.rowsOfType('commit'), (r) => table.oidAt(r).slice());
    const builder = new PlaceIndexBuilder(session.db, commits);
    build.builder = builder;
    while (!builder.step(12)) await yieldNow();
    build.index = builder.finish();
    return build.index;
  })();
  // A failed build is forgotten, so a later call tries again.
  build.done.catch(() => builds.delete(session));
  builds.set(session, build);
  return build;
}

/** The places of each blob, newest commit first, at most `limit` each. */
export async function blobPlaces(session: Session, oids: string[], limit: number, ctx: HandlerContext): Promise<{ blobs: BlobPlaces[]; commits: number; treesWalked: number; unreadable: number }> {
  const build = startBuild(session);
  while (!build.index) {
    await Promise.race([build.done, new Promise((r) => setTimeout(r, 50))]);
    await ctx.pause();
    const s = build.builder?.stats;
    const table = session.builtTable;
    if (!s && table) ctx.progress(table.scannedRows, table.count, 'Reading object types');
    else if (s && s.commitsRead < s.commits) ctx.progress(s.commitsRead, s.commits, 'Reading commits for paths');
    else if (s) ctx.progress(s.treesWalked, s.treesWalked + 1, 'Walking trees for paths');
  }
  const index = build.index;
  return {
    blobs: oids.slice(0, MAX_BLOBS).map((oid) => ({ oid, ...index.places(oid, Math.max(1, Math.min(limit, MAX_PLACES))) })),
    commits: index.stats.commits,
    treesWalked: index.stats.treesWalked,
    unreadable: index.stats.unreadable,
  };
}
