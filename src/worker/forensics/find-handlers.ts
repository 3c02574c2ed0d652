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
  reachability: ({ reflogs }, ctx) => reachability(current(), reflogs === true, ctx),

  async lostFoundZip({ reflogs }, ctx) {
    const result = await lostFoundZip(current(), reflogs === true, ctx);
    ctx.transfer(result.bytes.buffer as ArrayBuffer);
    return result;
  },

  duplicates: (_args, ctx) => duplicates(current(), ctx),
};
