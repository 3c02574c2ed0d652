import { TipCommitScan, addTips, needsTips, refStartPoints } from '../../core/browse/start-points.ts';
import type { StartPoint, StartPoints } from '../../protocol/browse-extras.ts';
import type { HandlerContext } from '../../protocol/rpc.ts';
import type { Session } from '../session.ts';
import { jobs, ownerKey } from '../jobs.ts';

/**
 * Browse's start points (core/browse/start-points.ts); the tip commits, when needed, are found
 * once per session as a job of the worker's queue.
 */

/** Tip commits, per session (reading every commit is done once). */
const tipCache = new WeakMap<Session, StartPoint[]>();

async function tipCommits(session: Session, ctx: HandlerContext): Promise<StartPoint[]> {
  const known = tipCache.get(session);
  if (known) return known;
  const scan = new TipCommitScan(session.db, await session.scanTypes(ctx));
  const tips = await jobs.run(
    {
      key: `${ownerKey(session)}:tip-commits`,
      step: (ms) => scan.step(ms),
      progress: () => ({ done: scan.done, total: scan.total, label: 'Looking for tip commits', unit: 'commits' }),
      finish: () => scan.finish(),
    },
    ctx,
    'browse',
  );
  tipCache.set(session, tips);
  return tips;
}

/** HEAD's state, the refs' commits, and the tips when nothing else leads in. */
export async function startPoints(session: Session, limit: number, ctx: HandlerContext): Promise<StartPoints> {
  const answer = refStartPoints(session.db, session.refs, limit);
  if (!needsTips(answer)) return answer;
  return addTips(answer, session.db, await tipCommits(session, ctx), limit);
}
