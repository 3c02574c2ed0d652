import type { PackMap } from './types.ts';
import type { PackScan } from '../scan/pack-scan.ts';

/**
 * The byte map's data: every entry in offset order as parallel typed arrays. They are fresh
 * copies, so the page can take ownership (transfer) while the scan keeps its own.
 */

/** Deepest depth a Uint16Array holds; deeper chains are shown at this depth. */
const MAX_MAP_DEPTH = 0xffff;

/** The PackMap of a completed scan, and the buffers to transfer. */
export function packMapOf(scan: PackScan): { map: PackMap; buffers: ArrayBuffer[] } {
  const n = scan.count;
  const offsets = scan.offsets.slice();
  const storedSizes = new Float64Array(n);
  const types = scan.types.slice();
  const entryTypes = scan.entryTypes.slice();
  const depths = new Uint16Array(n);
  const positions = scan.positions.slice();
  for (let r = 0; r < n; r++) {
    storedSizes[r] = (r + 1 < n ? offsets[r + 1] : scan.entriesEnd) - offsets[r];
    const d = scan.depths[r];
    depths[r] = d < 0 ? 0 : Math.min(d, MAX_MAP_DEPTH);
  }
  const map: PackMap = { pack: scan.pack.name, packBytes: scan.pack.data.size, offsets, storedSizes, types, entryTypes, depths, positions };
  return { map, buffers: [offsets.buffer, storedSizes.buffer, types.buffer, entryTypes.buffer, depths.buffer, positions.buffer] };
}
