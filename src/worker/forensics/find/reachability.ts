import { lostFoundZip as zipLostFound, reachabilityResult, readStagingIndex, UnreachableRun } from '../../../core/find/unreachable.ts';
import type { ObjectTable } from '../../../core/odb/object-table.ts';
import type { Reachability } from '../../../core/reach/reachability.ts';
import { readReflogs } from '../../../core/repo/reflog.ts';
import type { ReachabilityResult } from '../../../protocol/find.ts';
import type { HandlerContext } from '../../../protocol/rpc.ts';
import type { Session } from '../../session.ts';
import { LINK_PREFETCH_OPTIONS } from '../../database-options.ts';
import { jobs, ownerKey } from '../../jobs.ts';

/**
 * Reachability for the open session: the run (core/find/unreachable.ts) goes as one job of the
 * worker's queue (slices, shared by concurrent requests, cancellable per request), and its answer
 * is kept per session; lost-found is zipped from the kept walk.
 */

interface Kept {
  table: ObjectTable;
  reach: Reachability;
  result: ReachabilityResult;
}

/** Per session, one walk without reflogs as roots (git fsck --no-reflogs) and one with. */
const kept = new WeakMap<Session, Map<boolean, Kept>>();

async function walk(session: Session, withReflogs: boolean, ctx: HandlerContext): Promise<Kept> {
  const done = kept.get(session)?.get(withReflogs);
  if (done) return done;
  const started = performance.now();
  // Every type first, from the shared pack-order scans (the type filter's job, done once): the
  // walk then reads only what it must parse, never a header per object (16 s of 122 on git.git).
  const table = await session.scanTypes(ctx);
  const { index, problem } = readStagingIndex(session.files, session.db.algo);
  const logs = withReflogs ? readReflogs(session.files.reflogFiles ?? [], session.files.gitDir ?? '', session.db.algo).reflogs : undefined;
  const run = new UnreachableRun(table, { refs: session.refs, ...(index ? { index } : {}), ...(logs ? { reflogs: logs } : {}) }, LINK_PREFETCH_OPTIONS);
  let walked: { reach: Reachability; rows: ReachabilityResult['unreachable'] };
  try {
    walked = await jobs.run(
      {
        key: `${ownerKey(session)}:reachability:${withReflogs}`,
        step: (ms) => run.step(ms),
        progress: () => run.progress(),
        finish: () => run.finish(),
      },
      ctx,
    );
  } finally {
    run.release();
  }
  // A request that joined an earlier one's job gets that job's walk.
  const joined = kept.get(session)?.get(withReflogs);
  if (joined) return joined;
  const result = reachabilityResult(walked.reach, walked.rows, {
    reflogFiles: session.files.reflogFiles?.length ?? 0,
    reflogsAreRoots: withReflogs,
    ...(problem ? { indexProblem: problem } : {}),
    ms: Math.round(performance.now() - started),
  });
  const entry = { table, reach: walked.reach, result };
  const forSession = kept.get(session) ?? new Map<boolean, Kept>();
  forSession.set(withReflogs, entry);
  kept.set(session, forSession);
  return entry;
}

/** Walks (or returns the kept walk). */
export async function reachability(session: Session, withReflogs: boolean, ctx: HandlerContext): Promise<ReachabilityResult> {
  const had = kept.get(session)?.has(withReflogs) === true;
  const { result } = await walk(session, withReflogs, ctx);
  return had ? { ...result, ms: 0 } : result;
}

/** git's lost-found folder for every dangling object of the kept walk, zipped. */
export async function lostFoundZip(session: Session, withReflogs: boolean, ctx: HandlerContext): Promise<{ bytes: Uint8Array; files: number; skipped: number }> {
  const { table, reach } = await walk(session, withReflogs, ctx);
  return zipLostFound(table, reach, ctx);
}
