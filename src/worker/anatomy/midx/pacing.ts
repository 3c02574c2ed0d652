import type { HandlerContext } from '../../../protocol/rpc.ts';

/**
 * Pacing for long loops in the worker: yields (`ctx.pause()`, which also honours cancellation)
 * once about every 10 ms of work, so lookups from other views keep being answered.
 */

/** Time slice between yields, in milliseconds. */
const SLICE_MS = 10;

/** A pacer over one request's context. */
export interface Pacer {
  /** Reports progress and yields when the slice is used up; throws Cancelled when cancelled. */
  tick(done: number, total: number, label: string): Promise<void>;
}

/** Makes a pacer for `ctx`. */
export function pacer(ctx: HandlerContext): Pacer {
  let sliceStart = performance.now();
  return {
    async tick(done, total, label) {
      if (performance.now() - sliceStart < SLICE_MS) return;
      ctx.progress(done, total, label);
      await ctx.pause();
      sliceStart = performance.now();
    },
  };
}
