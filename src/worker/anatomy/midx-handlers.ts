import type { Handlers } from '../../protocol/rpc.ts';
import { current } from '../state.ts';
import { midxAnatomy } from './midx/anatomy.ts';
import { companions } from './midx/companions.ts';
import { midxDuplicates } from './midx/duplicates.ts';
import { writeMidx } from './midx/write.ts';

/**
 * The multi-pack-index and the files that travel with packs: the midx's anatomy (flat or chain),
 * objects stored in several packs and the copy git reads, the midx git would write, and a pack's
 * companion files. The logic lives in ./midx/; results are kept per session there.
 */
export const midxHandlers: Pick<Handlers, 'midxAnatomy' | 'midxDuplicates' | 'writeMidx' | 'companions'> = {
  midxAnatomy: (_args, ctx) => midxAnatomy(current(), ctx),

  midxDuplicates: ({ limit }, ctx) => midxDuplicates(current(), limit, ctx),

  async writeMidx(_args, ctx) {
    const result = await writeMidx(current(), ctx);
    ctx.transfer(result.bytes.buffer as ArrayBuffer);
    return result;
  },

  companions: ({ pack }, ctx) => companions(current(), pack, ctx),
};
