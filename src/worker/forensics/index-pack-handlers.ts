import type { Handlers } from '../../protocol/rpc.ts';
import type { IndexPackOutcome, IndexPackRequests } from '../../protocol/index-pack.ts';
import type { Session } from '../session.ts';
import { current, setSession } from '../state.ts';
import { IndexPackJob } from './index-pack/job.ts';

/**
 * index-pack in the worker: one job per pack of the open folder, kept across requests so a
 * cancelled run continues and a finished one is shown again without redoing it. Attaching an
 * idx replaces the session (a new database over the files plus the idx); the jobs follow it.
 */

const jobsBySession = new WeakMap<Session, Map<string, IndexPackJob>>();

function jobsOf(session: Session): Map<string, IndexPackJob> {
  let jobs = jobsBySession.get(session);
  if (!jobs) jobsBySession.set(session, (jobs = new Map()));
  return jobs;
}

/** A copy of the outcome whose idx bytes can be transferred (the job keeps its own). */
function copyOut(outcome: IndexPackOutcome, transfer: (b: ArrayBuffer) => void): IndexPackOutcome {
  const idx = outcome.idx.slice();
  transfer(idx.buffer);
  return { ...outcome, idx };
}

export const indexPackHandlers: Pick<Handlers, keyof IndexPackRequests> = {
  async indexPack({ name }, ctx) {
    const session = current();
    const jobs = jobsOf(session);
    let job = jobs.get(name);
    if (!job) jobs.set(name, (job = new IndexPackJob(session, name)));
    const outcome = await job.run(ctx, (next) => {
      // Only if the folder was not replaced meanwhile (another open or reload).
      if (current() !== session) return;
      jobsBySession.set(next, jobs);
      setSession(next);
    });
    const copy = copyOut(outcome, (b) => ctx.transfer(b));
    if (outcome.attached) copy.summary = current().summary();
    return copy;
  },

  async indexPackResult({ name }, ctx) {
    const outcome = jobsBySession.get(current())?.get(name)?.outcome;
    return outcome ? copyOut(outcome, (b) => ctx.transfer(b)) : undefined;
  },
};
