import type { Handlers } from '../../protocol/rpc.ts';
import { current } from '../state.ts';
import { idxAnatomyOf, idxEntryRows, largeOffsetRows } from './pack/idx.ts';
import { packMapOf } from './pack/map.ts';
import { packNamed, scanPack } from './pack/scan.ts';
import { packStatsOf } from './pack/stats.ts';

/**
 * The pack and idx anatomy requests. Statistics and the byte map come from one scan of the
 * pack's entries, run in slices and kept in the session (see pack/scan.ts).
 */
export const packHandlers: Pick<Handlers, 'packStats' | 'packMap' | 'idxAnatomy' | 'idxEntries'> = {
  async packStats({ pack }, ctx) {
    return packStatsOf(await scanPack(current(), pack, ctx));
  },

  async packMap({ pack }, ctx) {
    const { map, buffers } = packMapOf(await scanPack(current(), pack, ctx));
    ctx.transfer(...buffers);
    return map;
  },

  idxAnatomy({ pack }) {
    return idxAnatomyOf(packNamed(current(), pack));
  },

  async idxEntries({ pack, start, count, largeOnly }, ctx) {
    const p = packNamed(current(), pack);
    return { rows: largeOnly ? await largeOffsetRows(p, start, count, ctx) : idxEntryRows(p, start, count) };
  },
};
