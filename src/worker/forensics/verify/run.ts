import { toWire, type WireError } from '../../../core/errors.ts';
import type { VerifyCounts } from '../../../core/verify/findings.ts';
import { RepositoryVerifier } from '../../../core/verify/verify-repository.ts';
import { Cancelled, type HandlerContext } from '../../../protocol/rpc.ts';
import type { VerifyRunState } from '../../../protocol/verify.ts';
import type { Session } from '../../session.ts';
import { hashersReady, wasmHasher } from '../../hashing.ts';
import { jobs, ownerKey } from '../../jobs.ts';
import { browserTreeHelpers } from '../../tree-helper/pool.ts';

/**
 * One verification of an open folder, kept with its session: the engine (which is resumable),
 * when it started, how long it has worked, and whether it finished. The `verify` request drives
 * it through the worker's job queue, a slice at a time (lookups and `verifyStatus` are answered between);
 * cancelling that request leaves the run where it is, to be continued or started afresh.
 */

let runCount = 0;

/** A verification of one session; see the file comment. */
export class VerifyRun {
  readonly verifier: RepositoryVerifier;
  readonly startedAtMs = Date.now();
  status: VerifyRunState['status'] = 'running';
  private workedMs = 0;
  private error: WireError | undefined;
  private counts: VerifyCounts | undefined;
  private abandoned = false;
  private readonly key: string;

  constructor(session: Session) {
    this.verifier = new RepositoryVerifier(session.db, { hasher: wasmHasher, treeHelpers: browserTreeHelpers });
    this.key = `${ownerKey(session)}:verify:${++runCount}`;
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

  /** Stops a run that a fresh one replaces: its job is dropped and its waiters cancelled. */
  abandon(): void {
    this.abandoned = true;
    if (!this.ended()) this.status = 'cancelled';
    this.verifier.dispose(); // helpers still walking are stopped
    jobs.drop(this.key);
  }

  /** Runs to the end through the job queue (or joins the request already waiting); rejects with Cancelled when `ctx` is cancelled. */
  async drive(ctx: HandlerContext): Promise<void> {
    if (this.ended() || this.abandoned) return;
    this.status = 'running';
    await hashersReady();
    try {
      await jobs.run(
        {
          key: this.key,
          step: (ms) => this.step(ms),
          progress: () => {
            const p = this.verifier.progress();
            // The bar's own units are weighted bytes; the task bar counts what a person can read.
            return { done: p.objectsDone, total: p.objectsTotal, label: p.phase, unit: 'objects' };
          },
          finish: () => undefined,
          waiting: () => this.verifier.waiting,
        },
        ctx,
      );
    } catch (err) {
      if (err instanceof Cancelled && !this.ended()) {
        this.status = 'cancelled';
        this.verifier.pause(); // no helper works on while the run shows "Stopped"
      }
      throw err;
    }
  }

  /** When the last slice left the engine waiting on helpers: that wait counts as the run's time. */
  private waitingFrom: number | undefined;

  /** One slice; true once the run ended (finished, or the engine failed). */
  private step(ms: number): boolean {
    const sliceStart = performance.now();
    if (this.waitingFrom !== undefined) this.workedMs += sliceStart - this.waitingFrom;
    this.waitingFrom = undefined;
    // Another request may still be waiting after one was cancelled: the run goes on.
    this.status = 'running';
    let finished: boolean;
    try {
      finished = this.verifier.step(ms);
    } catch (err) {
      // The engine is meant to turn every problem into a finding; if it throws, keep what it found and say so.
      this.workedMs += performance.now() - sliceStart;
      this.status = 'failed';
      this.error = toWire(err);
      return true;
    }
    this.workedMs += performance.now() - sliceStart;
    if (!finished && this.verifier.waiting !== undefined) this.waitingFrom = performance.now();
    if (finished) {
      this.counts = this.verifier.report().counts;
      this.status = 'done';
    }
    return finished;
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
  return { status: 'idle', durationMs: 0, progress: { phase: '', done: 0, total: 0, objectsDone: 0, objectsTotal: 0 }, findingCount: 0 };
}
