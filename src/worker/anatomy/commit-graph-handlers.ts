import type { Handlers } from '../../protocol/rpc.ts';
import { current } from '../state.ts';
import { commitGraphAnatomy, commitGraphRows, commitGraphVerify } from './commit-graph.ts';

/** The commit-graph view: anatomy of the file or chain, its commits by page, and git's verify. */
export const commitGraphHandlers: Pick<Handlers, 'commitGraphAnatomy' | 'commitGraphRows' | 'commitGraphVerify'> = {
  commitGraphAnatomy: (_args, ctx) => commitGraphAnatomy(current(), ctx),
  commitGraphRows: ({ layer, start, count }) => commitGraphRows(current(), layer, start, count),
  commitGraphVerify: ({ shallow }, ctx) => commitGraphVerify(current(), shallow, ctx),
};
