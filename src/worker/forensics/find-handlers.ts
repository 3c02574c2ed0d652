import type { Handlers } from '../../protocol/rpc.ts';
import type { FindRequests } from '../../protocol/find.ts';
import { current } from '../state.ts';
import { duplicates } from './find/duplicates.ts';
import { lostFoundZip, reachability } from './find/reachability.ts';

/**
 * Finding what nothing points to and what is stored twice. The logic lives in ./find/; answers
 * are kept per session there.
 */
export const findHandlers: Pick<Handlers, keyof FindRequests> = {
  reachability: (_args, ctx) => reachability(current(), ctx),

  async lostFoundZip(_args, ctx) {
    const result = await lostFoundZip(current(), ctx);
    ctx.transfer(result.bytes.buffer as ArrayBuffer);
    return result;
  },

  duplicates: (_args, ctx) => duplicates(current(), ctx),
};
