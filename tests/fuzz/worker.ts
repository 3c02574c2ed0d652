import { parentPort, workerData } from 'node:worker_threads';
import { PackscopeError } from '../../src/core/errors.ts';
import type { Format } from './corpus.ts';
import { InputMaker, withTarget, type FuzzInput } from './inputs.ts';
import { FuzzFinding, runInput, type RunStats } from './targets.ts';

/**
 * The fuzz worker: runs inputs one after another and tells the parent, through shared memory,
 * which input is running since when (so a hang is caught by the parent, which terminates this
 * thread), and by message what failed. Started again after each hang or crash.
 */

/** What the parent hands the worker. */
export interface WorkerJob {
  format: Format;
  runSeed: number;
  /** Inputs [start, end) (indices into the run, or into `replay`). */
  start: number;
  end: number;
  /** Stop starting inputs after this time (ms since the epoch). */
  deadline: number;
  /** Inputs slower than this (ms) are told to the parent (not findings: near-hangs worth a look). */
  slowMs: number;
  /** Float64Array view: [current index (-1 idle), its start time, inputs done, peak heap MB]. */
  progress: SharedArrayBuffer;
  replay?: { caseId: string; bytes: Uint8Array; variant: number }[];
}

/** A message from the worker. */
export type WorkerMessage =
  | {
      type: 'finding';
      index: number;
      caseId: string;
      kind: 'exception' | 'masked' | 'wrong';
      name: string;
      message: string;
      key: string;
      stack: string;
      variant: number;
      steps: string[];
      bytes: Uint8Array;
    }
  | { type: 'done'; done: number; typedErrors: number; otherHash: number; slowestMs: number; slowestIndex: number }
  | { type: 'slow'; index: number; caseId: string; ms: number; steps: string[] }
  | { type: 'fatal'; message: string };

function main(job: WorkerJob): void {
  // Stacks name src/…ts lines (the bundle carries an inline source map).
  process.setSourceMapsEnabled(true);
  const port = parentPort;
  if (!port) throw new Error('not in a worker');
  const progress = new Float64Array(job.progress);
  progress[0] = -1;
  const maker = new InputMaker();
  const stats: RunStats = { otherHash: 0, typedErrors: 0 };
  let slowestMs = 0;
  let slowestIndex = -1;
  let done = 0;
  for (let i = job.start; i < job.end; i++) {
    if (Date.now() > job.deadline) break;
    let input: FuzzInput | undefined;
    if (job.replay) {
      const r = job.replay[i];
      const c = maker.caseById(job.format, r.caseId);
      if (!c) {
        port.postMessage({
          type: 'finding',
          index: i,
          caseId: r.caseId,
          kind: 'exception',
          name: 'MissingCase',
          message: `the corpus has no case ${r.caseId} (fixtures not built?)`,
          key: 'missing case',
          stack: '',
          variant: r.variant,
          steps: [],
          bytes: r.bytes,
        } satisfies WorkerMessage);
        continue;
      }
      input = { case: c, files: withTarget(c, r.bytes), bytes: r.bytes, variant: r.variant, steps: [] };
    } else {
      input = maker.make(job.format, job.runSeed, i);
    }
    if (!input) break;
    const started = performance.now();
    progress[1] = Date.now();
    progress[0] = i;
    try {
      runInput(input.case, input.files, input.variant, stats);
    } catch (err) {
      if (!(err instanceof PackscopeError)) {
        const e = err instanceof Error ? err : new Error(String(err));
        const kind = err instanceof FuzzFinding ? err.kind : 'exception';
        port.postMessage({
          type: 'finding',
          index: i,
          caseId: input.case.id,
          kind,
          name: e.name,
          message: e.message,
          key: err instanceof FuzzFinding ? err.key : e.message,
          stack: e.stack ?? '',
          variant: input.variant,
          steps: input.steps,
          bytes: input.bytes,
        } satisfies WorkerMessage);
      } else stats.typedErrors++;
    }
    progress[0] = -1;
    const ms = performance.now() - started;
    if (ms > job.slowMs) port.postMessage({ type: 'slow', index: i, caseId: input.case.id, ms, steps: input.steps } satisfies WorkerMessage);
    if (ms > slowestMs) {
      slowestMs = ms;
      slowestIndex = i;
    }
    done++;
    progress[2] = done;
    if ((done & 63) === 0) progress[3] = Math.max(progress[3], process.memoryUsage().heapUsed / 1048576);
  }
  progress[3] = Math.max(progress[3], process.memoryUsage().heapUsed / 1048576);
  port.postMessage({ type: 'done', done, typedErrors: stats.typedErrors, otherHash: stats.otherHash, slowestMs, slowestIndex } satisfies WorkerMessage);
}

try {
  main(workerData as WorkerJob);
} catch (err) {
  parentPort?.postMessage({ type: 'fatal', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerMessage);
}
