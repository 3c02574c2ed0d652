import { companions } from '../../core/anatomy/companions.ts';
import { midxAnatomy } from '../../core/anatomy/midx-anatomy.ts';
import { midxDuplicates } from '../../core/anatomy/midx-duplicates.ts';
import { writeMidx } from '../../core/anatomy/midx-write.ts';
import type { Handlers } from '../../protocol/rpc.ts';
import { hashersReady, wasmHasher } from '../hashing.ts';
import { current } from '../state.ts';

/**
 * The multi-pack-index and the files that travel with packs: the midx's anatomy (flat or chain),
 * objects stored in several packs and the copy git reads, the midx git would write, and a pack's
 * companion files. The logic lives in core/anatomy/; results are kept per repository there.
 */
export const midxHandlers: Pick<Handlers, 'midxAnatomy' | 'midxDuplicates' | 'writeMidx' | 'companions'> = {
  midxAnatomy: (_args, ctx) => midxAnatomy(current(), ctx),

  midxDuplicates: ({ limit }, ctx) => midxDuplicates(current(), limit, ctx),

  async writeMidx(_args, ctx) {
    await hashersReady();
    const result = await writeMidx(current(), wasmHasher, ctx);
    ctx.transfer(result.bytes.buffer as ArrayBuffer);
    return result;
  },

  async companions({ pack }, ctx) {
    const result = await companions(current(), pack, ctx);
    if (!result.mtimes) return result;
    // The times travel as a transferable: hand out a copy, keep the original.
    const times = result.mtimes.times.slice();
    ctx.transfer(times.buffer);
    return { ...result, mtimes: { ...result.mtimes, times } };
  },
};
