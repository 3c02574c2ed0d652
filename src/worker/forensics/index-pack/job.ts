import { PackIndexRun, hashIsGuessed, packSourceNamed } from '../../../core/index-pack/pack-index-run.ts';
import type { IndexPackOutcome } from '../../../protocol/index-pack.ts';
import type { HandlerContext } from '../../../protocol/rpc.ts';
import type { Session } from '../../session.ts';
import { hashersReady, wasmHasher } from '../../hashing.ts';

/**
 * One pack being indexed in the worker: core/index-pack/pack-index-run.ts driven in slices
 * between yields; a cancelled request leaves the run where it was, and the next request for the
 * same pack continues it.
 */

/** The indexing of one pack of one session. */
export class IndexPackJob {
  private run_: PackIndexRun | undefined;
  private ms = 0;
  private driving = false;
  outcome: IndexPackOutcome | undefined;

  constructor(
    private readonly session: Session,
    readonly name: string,
  ) {}

  /**
   * Runs (or continues) the indexing; resolves with the outcome and, when every entry was
   * indexed, the session that reads the pack through the new idx (`attach` receives it).
   */
  async run(ctx: HandlerContext, attach: (next: Session) => void): Promise<IndexPackOutcome> {
    // A second caller (a view opened twice) waits for the first, and takes over if it is cancelled.
    while (this.driving && !this.outcome) {
      await ctx.pause();
      this.report(ctx);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (this.outcome) return this.outcome;
    this.driving = true;
    try {
      await hashersReady();
      const session = this.session;
      this.run_ ??= new PackIndexRun(packSourceNamed(session.files, this.name), this.name, hashIsGuessed(session.files, session.memoryIndexes) ? undefined : session.db.algo, wasmHasher);
      let outcome: IndexPackOutcome | undefined;
      for (;;) {
        const started = performance.now();
        outcome = this.run_.step();
        this.ms += performance.now() - started;
        if (outcome) break;
        this.report(ctx);
        await ctx.pause();
      }
      outcome.ms = Math.round(this.ms);
      this.outcome = outcome;
      if (outcome.attached) attach(session.withMemoryIndex(this.name, outcome.idx));
      return outcome;
    } finally {
      this.driving = false;
    }
  }

  private report(ctx: HandlerContext): void {
    if (this.outcome) return;
    const p = this.run_?.progress();
    if (p) ctx.progress(p.done, p.total, p.label);
  }
}
