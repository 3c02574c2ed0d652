import { idxAnatomyOf, idxEntryRows, largeOffsetRows } from '../../core/anatomy/idx-anatomy.ts';
import { packMapOf } from '../../core/anatomy/pack-map.ts';
import { packStatsOf } from '../../core/anatomy/pack-stats.ts';
import { requirePack } from '../../core/odb/require-pack.ts';
import type { Handlers } from '../../protocol/rpc.ts';
import { current } from '../state.ts';
import { scanPack } from './pack/scan.ts';

/**
 * The pack and idx anatomy requests. Statistics and the byte map come from one scan of the
 * pack's entries, run in slices through the job queue and kept in the session (see pack/scan.ts);
 * what they compute from it lives in core/anatomy/.
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
    return idxAnatomyOf(requirePack(current().db, pack));
  },

  async idxEntries({ pack, start, count, largeOnly }, ctx) {
    const p = requirePack(current().db, pack);
    return { rows: largeOnly ? await largeOffsetRows(p, start, count, ctx) : idxEntryRows(p, start, count) };
  },
};
