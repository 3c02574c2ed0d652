import { writeSync } from 'node:fs';
import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';

/**
 * A small pool of `worker_threads`: a fixed number of slots, one job at a time per slot.
 * A job may stream partial results before its final one; a worker that dies (an uncaught
 * exception, a non-zero exit, a message that cannot be read) fails its job with a
 * `WorkerFailure` and is started again in the same slot. A slot that keeps failing without
 * finishing a job is retired, so a worker that cannot even start does not loop forever.
 *
 * The worker side of the envelope is `serveJobs` in serve.ts.
 */

/** What a worker posts: `partial` any number of times, then `result` once per job. */
export type WorkerEnvelope<P, R> = { t: 'partial'; m: P } | { t: 'result'; m: R };

/** A worker died while it held a job (or while idle, then `job` is undefined). */
export class WorkerFailure extends Error {
  constructor(
    readonly slot: number,
    /** Which start of this slot it was (0 the first). */
    readonly generation: number,
    readonly job: unknown,
    readonly reason: string,
    /** The slot will not be started again. */
    readonly retired: boolean,
  ) {
    super(`worker ${slot} died: ${reason}`);
  }
}

export interface PoolOptions {
  /** The bundled worker entry. */
  script: URL;
  size: number;
  /** `workerData` of a slot's worker (and what in it is transferred); `generation` counts its starts. */
  workerData: (slot: number, generation: number) => { data: unknown; transferList?: Transferable[] };
  /** V8 limits of each worker (see batch-all.ts for why the young generation matters). */
  resourceLimits?: ResourceLimits;
  /** Called for every failure, including a worker that dies idle. */
  onFailure?: (failure: WorkerFailure) => void;
  /** Failures in a row (no job finished in between) after which a slot is retired. */
  maxConsecutiveFailures?: number;
}

interface Running<P, R> {
  job: unknown;
  onPartial: (partial: P) => void;
  resolve: (result: R) => void;
  reject: (failure: WorkerFailure) => void;
}

interface Slot<P, R> {
  worker: Worker | undefined;
  generation: number;
  consecutiveFailures: number;
  running: Running<P, R> | undefined;
  /** The first error the worker reported before it exited. */
  error: unknown;
}

export class WorkerPool<J, P, R> {
  private readonly slots: Slot<P, R>[] = [];
  private closing = false;
  private readonly maxConsecutiveFailures: number;

  constructor(private readonly options: PoolOptions) {
    this.maxConsecutiveFailures = options.maxConsecutiveFailures ?? 3;
    for (let i = 0; i < options.size; i++) {
      const slot: Slot<P, R> = { worker: undefined, generation: -1, consecutiveFailures: 0, running: undefined, error: undefined };
      this.slots.push(slot);
      this.spawn(i);
    }
  }

  /** Slots with a live worker and no job. */
  idleSlots(): number[] {
    const out: number[] = [];
    this.slots.forEach((s, i) => {
      if (s.worker && !s.running) out.push(i);
    });
    return out;
  }

  /** Slots that still have (or will again have) a worker. */
  liveCount(): number {
    return this.slots.filter((s) => s.worker !== undefined).length;
  }

  /**
   * Runs `job` on the idle `slot`; partial results go to `onPartial` in the order the worker
   * posted them, the final one resolves the promise. Rejects with a WorkerFailure.
   */
  run(slot: number, job: J, transfer: readonly ArrayBuffer[], onPartial: (partial: P) => void): Promise<R> {
    const s = this.slots[slot];
    if (!s.worker || s.running) throw new Error(`pool slot ${slot} is not idle`);
    const worker = s.worker;
    return new Promise<R>((resolve, reject) => {
      s.running = { job, onPartial, resolve, reject };
      worker.postMessage(job, transfer as ArrayBuffer[]);
    });
  }

  /** Stops every worker; running jobs are abandoned (their promises never settle). */
  async close(): Promise<void> {
    this.closing = true;
    const workers = this.slots.map((s) => s.worker).filter((w): w is Worker => w !== undefined);
    for (const s of this.slots) {
      s.worker = undefined;
      s.running = undefined;
    }
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private spawn(index: number): void {
    const s = this.slots[index];
    s.generation++;
    s.error = undefined;
    const generation = s.generation;
    const { data, transferList } = this.options.workerData(index, generation);
    // stdout/stderr: true, because by default the parent pipes a worker's output into its own
    // process.stdout, and creating that stream makes fd 1 non-blocking when it is a pipe: the
    // CLI's synchronous writes then spin on EAGAIN while the reader is slow (measured: the main
    // thread burnt 16 s of CPU writing libgit2's batch into sha256sum). Whatever a worker
    // prints goes to stderr, written the same synchronous way.
    const worker = new Worker(this.options.script, { workerData: data, transferList, resourceLimits: this.options.resourceLimits, stdout: true, stderr: true });
    worker.stdout.on('data', writeStderr);
    worker.stderr.on('data', writeStderr);
    s.worker = worker;
    const current = (): boolean => s.worker === worker && !this.closing;
    worker.on('message', (msg: WorkerEnvelope<P, R>) => {
      if (!current() || !s.running) return;
      if (msg.t === 'partial') {
        s.running.onPartial(msg.m);
      } else {
        const done = s.running;
        s.running = undefined;
        s.consecutiveFailures = 0;
        done.resolve(msg.m);
      }
    });
    worker.on('error', (err) => {
      if (s.error === undefined) s.error = err;
    });
    worker.on('messageerror', (err) => {
      if (s.error === undefined) s.error = err;
      if (current()) void worker.terminate();
    });
    worker.on('exit', (code) => {
      if (!current()) return;
      const reason = s.error !== undefined ? describe(s.error) : `exited with code ${code}`;
      this.fail(index, generation, reason);
    });
  }

  private fail(index: number, generation: number, reason: string): void {
    const s = this.slots[index];
    const running = s.running;
    s.running = undefined;
    s.worker = undefined;
    s.consecutiveFailures++;
    const retired = s.consecutiveFailures >= this.maxConsecutiveFailures;
    const failure = new WorkerFailure(index, generation, running?.job, reason, retired);
    // Start the replacement first, so whoever handles the failure can hand it the job again.
    if (!retired) this.spawn(index);
    this.options.onFailure?.(failure);
    running?.reject(failure);
  }
}

function writeStderr(chunk: Uint8Array): void {
  let done = 0;
  while (done < chunk.length) {
    try {
      done += writeSync(2, chunk, done, chunk.length - done);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EAGAIN') return;
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
