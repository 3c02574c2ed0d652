/**
 * Pacing for long loops that run in one call: they report progress and yield (`pause()`, which
 * in the worker also honours cancellation) once about every 10 ms of work, so lookups from other
 * views keep being answered. The worker's HandlerContext is a Pacing; the CLI and tests pass
 * NO_PACING.
 */

/** What a long loop needs from whoever runs it. */
export interface Pacing {
  /** Reports how far the work is, in the unit the label names. */
  progress(done: number, total: number, label: string): void;
  /** Yields to other work; may throw to stop this work (the worker's cancellation). */
  pause(): Promise<void>;
}

/** Pacing that reports nothing and yields only to the microtask queue. */
export const NO_PACING: Pacing = { progress: () => undefined, pause: async () => undefined };

/** Time slice between yields, in milliseconds. */
const SLICE_MS = 10;

/** A pacer over one caller's Pacing. */
export interface Pacer {
  /** Reports progress and yields when the slice is used up; throws Cancelled when cancelled. */
  tick(done: number, total: number, label: string): Promise<void>;
}

/** Makes a pacer for `pacing`. */
export function pacer(pacing: Pacing): Pacer {
  let sliceStart = performance.now();
  return {
    async tick(done, total, label) {
      if (performance.now() - sliceStart < SLICE_MS) return;
      pacing.progress(done, total, label);
      await pacing.pause();
      sliceStart = performance.now();
    },
  };
}
