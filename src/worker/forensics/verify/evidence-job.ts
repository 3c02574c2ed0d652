import { collectEvidence, type CollectedEvidence } from '../../../core/report/collect.ts';
import { EvidenceHasher } from '../../../core/report/evidence.ts';
import type { HandlerContext } from '../../../protocol/rpc.ts';
import type { EvidenceResult } from '../../../protocol/verify.ts';
import type { Session } from '../../session.ts';
import { hashersReady, wasmHasher } from '../../hashing.ts';
import { jobs as queue, ownerKey } from '../../jobs.ts';

/**
 * Hashing the evidence files of a session: listed once, hashed in slices of the worker's job
 * queue with progress in bytes, kept once done. A cancelled hashing keeps its place; the next request continues it.
 */

class EvidenceJob {
  private collected: Promise<CollectedEvidence> | undefined;
  private hasher: EvidenceHasher | undefined;
  private busyMs = 0;

  constructor(private readonly session: Session) {}

  /** Hashes through the worker's job queue (requests waiting at once share the one job). */
  async result(ctx: HandlerContext): Promise<EvidenceResult> {
    ctx.progress(0, 0, 'Listing the evidence files');
    this.collected ??= collectEvidence(this.session.files, this.session.reader);
    const collected = await this.collected;
    await hashersReady();
    this.hasher ??= new EvidenceHasher(collected.files, wasmHasher);
    const hasher = this.hasher;
    return queue.run(
      {
        key: `${ownerKey(this.session)}:evidence`,
        step: (ms) => {
          const started = performance.now();
          const done = hasher.step(ms);
          this.busyMs += performance.now() - started;
          return done;
        },
        progress: () => ({ done: hasher.doneBytes, total: hasher.totalBytes, label: 'Hashing the evidence files (SHA-256)', unit: 'bytes' }),
        finish: () => ({ files: hasher.results, skipped: collected.skipped, ms: Math.round(this.busyMs) }),
      },
      ctx,
    );
  }
}

const jobs = new WeakMap<Session, EvidenceJob>();

/** The session's evidence, hashed (continuing an earlier, cancelled hashing). */
export function evidenceOf(session: Session, ctx: HandlerContext): Promise<EvidenceResult> {
  let job = jobs.get(session);
  if (!job) jobs.set(session, (job = new EvidenceJob(session)));
  return job.result(ctx);
}
