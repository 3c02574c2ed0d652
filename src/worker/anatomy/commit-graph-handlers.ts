import { commitGraphAnatomy, commitGraphRows, commitGraphVerify } from '../../core/anatomy/commit-graph.ts';
import type { Handlers } from '../../protocol/rpc.ts';
import { hashersReady, wasmHasher } from '../hashing.ts';
import { current } from '../state.ts';

/** The commit-graph view: anatomy of the file or chain, its commits by page, and git's verify (core/anatomy/commit-graph.ts). */
export const commitGraphHandlers: Pick<Handlers, 'commitGraphAnatomy' | 'commitGraphRows' | 'commitGraphVerify'> = {
  commitGraphAnatomy: (_args, ctx) => commitGraphAnatomy(current(), () => ctx.checkCancelled()),
  commitGraphRows: ({ layer, start, count }) => commitGraphRows(current(), layer, start, count),
  async commitGraphVerify({ shallow }, ctx) {
    await hashersReady();
    return commitGraphVerify(current(), shallow, wasmHasher, (done, total, label) => {
      ctx.checkCancelled();
      ctx.progress(done, total, label);
    });
  },
};
