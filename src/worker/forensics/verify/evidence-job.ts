import { collectEvidence, type CollectedEvidence } from '../../../core/report/collect.ts';
import { EvidenceHasher } from '../../../core/report/evidence.ts';
import type { HandlerContext } from '../../../protocol/rpc.ts';
import type { EvidenceResult } from '../../../protocol/verify.ts';
import type { Session } from '../../session.ts';
import { hashersReady, wasmHasher } from '../../hashing.ts';

/**
 * Hashing the evidence files of a session: listed once, hashed in ~15 ms slices with progress
 * in bytes, kept once done. A cancelled hashing keeps its place; the next request continues it.
 */

const SLICE_MS = 15;

class EvidenceJob {
  private collected: Promise<CollectedEvidence> | undefined;
  private hasher: EvidenceHasher | undefined;
  private busyMs = 0;
  private driving: Promise<EvidenceResult> | undefined;

  constructor(private readonly session: Session) {}

  async result(ctx: HandlerContext): Promise<EvidenceResult> {
    while (this.driving) {
      // Another request is hashing: wait for it, staying cancellable; take over if it was cancelled.
      const waiting = this.driving.then(
        (result) => result,
        () => undefined,
      );
      const result = await Promise.race([waiting, new Promise<undefined>((r) => setTimeout(r, 100))]);
      if (result) return result;
      ctx.checkCancelled();
      if (this.hasher) ctx.progress(this.hasher.doneBytes, this.hasher.totalBytes, 'Hashing the evidence files');
    }
    this.driving = this.run(ctx);
    try {
      return await this.driving;
    } finally {
      this.driving = undefined;
    }
  }

  private async run(ctx: HandlerContext): Promise<EvidenceResult> {
    ctx.progress(0, 0, 'Listing the evidence files');
    this.collected ??= collectEvidence(this.session.files, this.session.reader);
    const collected = await this.collected;
    await hashersReady();
    this.hasher ??= new EvidenceHasher(collected.files, wasmHasher);
    const hasher = this.hasher;
    for (;;) {
      const started = performance.now();
      const done = hasher.step(SLICE_MS);
      this.busyMs += performance.now() - started;
      ctx.progress(hasher.doneBytes, hasher.totalBytes, `Hashing ${hasher.currentPath ?? 'the evidence files'} (SHA-256)`);
      if (done) break;
      await ctx.pause();
    }
    return { files: hasher.results, skipped: collected.skipped, ms: Math.round(this.busyMs) };
  }
}

const jobs = new WeakMap<Session, EvidenceJob>();

/** The session's evidence, hashed (continuing an earlier, cancelled hashing). */
export function evidenceOf(session: Session, ctx: HandlerContext): Promise<EvidenceResult> {
  let job = jobs.get(session);
  if (!job) jobs.set(session, (job = new EvidenceJob(session)));
  return job.result(ctx);
}
