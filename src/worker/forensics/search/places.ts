import { PlaceIndexBuilder, type PlaceIndex } from '../../../core/search/places.ts';
import { Cancelled, type HandlerContext } from '../../../protocol/rpc.ts';
import type { BlobPlaces } from '../../../protocol/search.ts';
import type { Session } from '../../session.ts';
import { jobs, ownerKey } from '../../jobs.ts';

/**
 * Where blobs appear, from the reverse index (blob -> trees -> commits). The index is built
 * once per open repository, as one job of the worker's queue: a caller that cancels stops
 * waiting; the builder is kept, so the next caller finds it further along or finished.
 */

interface Build {
  builder: PlaceIndexBuilder;
  index?: PlaceIndex;
}

const builds = new WeakMap<Session, Build>();

/** Most blobs answered per request, and most places per blob. */
const MAX_BLOBS = 500;
const MAX_PLACES = 100;

/** The session's index, built through the worker's job queue (one job, shared by every waiting request). */
async function placeIndex(session: Session, ctx: HandlerContext): Promise<PlaceIndex> {
  const existing = builds.get(session);
  if (existing?.index) return existing.index;
  const table = await session.scanTypes(ctx);
  let build = builds.get(session);
  if (!build) {
    const commits = Array.from(table.rowsOfType('commit'), (r) => table.oidAt(r).slice());
    build = { builder: new PlaceIndexBuilder(session.db, commits) };
    builds.set(session, build);
  }
  if (build.index) return build.index;
  const { builder } = build;
  const kept = build;
  return jobs
    .run(
      {
        key: `${ownerKey(session)}:places`,
        step: (ms) => builder.step(ms),
        progress: () => {
          const s = builder.stats;
          return s.commitsRead < s.commits
            ? { done: s.commitsRead, total: s.commits, label: 'Reading commits for paths', unit: 'commits' }
            : { done: s.treesWalked, total: s.treesWalked + 1, label: 'Walking trees for paths', unit: 'trees' };
        },
        finish: () => (kept.index ??= builder.finish()),
      },
      ctx,
    )
    .catch((err: unknown) => {
      // A failed build is forgotten, so a later call tries again.
      if (!(err instanceof Cancelled)) builds.delete(session);
      throw err;
    });
}

/** The places of each blob, newest commit first, at most `limit` each. */
export async function blobPlaces(session: Session, oids: string[], limit: number, ctx: HandlerContext): Promise<{ blobs: BlobPlaces[]; commits: number; treesWalked: number; unreadable: number }> {
  const index = await placeIndex(session, ctx);
  return {
    blobs: oids.slice(0, MAX_BLOBS).map((oid) => ({ oid, ...index.places(oid, Math.max(1, Math.min(limit, MAX_PLACES))) })),
    commits: index.stats.commits,
    treesWalked: index.stats.treesWalked,
    unreadable: index.stats.unreadable,
  };
}
