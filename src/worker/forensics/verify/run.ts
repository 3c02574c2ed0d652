import { toWire, type WireError } from '../../../core/errors.ts';
import type { VerifyCounts } from '../../../core/verify/findings.ts';
import { RepositoryVerifier } from '../../../core/verify/verify-repository.ts';
import { Cancelled, type HandlerContext } from '../../../protocol/rpc.ts';
import type { VerifyRunState } from '../../../protocol/verify.ts';
import type { Session } from '../../session.ts';
import { hashersReady, wasmHasher } from '../../hashing.ts';

/**
 * One verification of an open folder, kept with its session: the engine (which is resumable),
 * when it started, how long it has worked, and whether it finished. The `verify` request drives
 * it in ~15 ms slices with a pause between (lookups and `verifyStatus` are answered there);
 * cancelling that request leaves the run where it is, to be continued or started afresh.
 */

/** Milliseconds of verification between pauses. */
const SLICE_MS = 15;

/** A verification of one session; see the file comment. */
export class VerifyRun {
  readonly verifier: RepositoryVerifier;
  readonly startedAtMs = Date.now();
  status: VerifyRunState['status'] = 'running';
  private workedMs = 0;
  private error: WireError | undefined;
  private counts: VerifyCounts | undefined;
  private driving: Promise<void> | undefined;
  private abandoned = false;

  constructor(session: Session) {
    this.verifier = new RepositoryVerifier(session.db, { hasher: wasmHasher });
  }

  /** The state the page shows. */
  state(): VerifyRunState {
    const state: VerifyRunState = {
      status: this.status,
      startedAtMs: this.startedAtMs,
      durationMs: Math.round(this.workedMs),
      progress: this.verifier.progress(),
      findingCount: this.verifier.findings.length,
    };
    if (this.counts) state.counts = this.counts;
    if (this.error) state.error = this.error;
    return state;
  }

  /** True once the run finished or the engine failed: nothing more to drive. */
  ended(): boolean {
    return this.status === 'done' || this.status === 'failed';
  }

  /** Stops a run that a fresh one replaces, at its next pause. */
  abandon(): void {
    this.abandoned = true;
  }

  /** Runs to the end (or joins the caller already doing so); rejects with Cancelled when `ctx` is cancelled. */
  async drive(ctx: HandlerContext): Promise<void> {
    if (this.ended()) return;
    while (this.driving) {
      // Another request is driving: wait for it, staying cancellable.
      await Promise.race([this.driving.catch(() => undefined), new Promise((r) => setTimeout(r, 100))]);
      ctx.checkCancelled();
      const p = this.verifier.progress();
      ctx.progress(p.done, p.total, p.phase);
      if (this.ended()) return;
    }
    this.driving = this.loop(ctx);
    try {
      await this.driving;
    } finally {
      this.driving = undefined;
    }
  }

  private async loop(ctx: HandlerContext): Promise<void> {
    this.status = 'running';
    await hashersReady();
    for (;;) {
      const sliceStart = performance.now();
      let finished: boolean;
      try {
        finished = this.verifier.step(SLICE_MS);
      } catch (err) {
        // The engine is meant to turn every problem into a finding; if it throws, keep what it found and say so.
        this.workedMs += performance.now() - sliceStart;
        this.status = 'failed';
        this.error = toWire(err);
        return;
      }
      this.workedMs += performance.now() - sliceStart;
      const p = this.verifier.progress();
      ctx.progress(p.done, p.total, p.phase);
      if (finished) {
        const report = this.verifier.report();
        this.counts = report.counts;
        this.status = 'done';
        return;
      }
      try {
        await ctx.pause();
        if (this.abandoned) throw new Cancelled();
      } catch (err) {
        if (err instanceof Cancelled) this.status = 'cancelled';
        throw err;
      }
    }
  }
}

const runs = new WeakMap<Session, VerifyRun>();

/** The session's run, if one was started. */
export function runOf(session: Session): VerifyRun | undefined {
  return runs.get(session);
}

/** Starts a new run for the session, replacing (and stopping) the last one. */
export function startRun(session: Session): VerifyRun {
  runs.get(session)?.abandon();
  const run = new VerifyRun(session);
  runs.set(session, run);
  return run;
}

/** The state of a session with no run. */
export function idleState(): VerifyRunState {
  return { status: 'idle', durationMs: 0, progress: { phase: '', done: 0, total: 0 }, findingCount: 0 };
}
