import { toWire } from '../errors.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, typeName, type ObjectType } from '../objects/types.ts';
import type { PackStats } from './types.ts';
import type { PackScan } from '../scan/pack-scan.ts';

/**
 * A pack's statistics from its scan: entries by stored kind, objects by resolved type, stored
 * and inflated bytes, the delta chain histogram as `git verify-pack -v` prints it, and the
 * largest objects.
 */

/** How many of the largest objects are listed. */
export const LARGEST_COUNT = 20;

const ENTRY_KINDS: Record<number, string> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag', [PACK_OFS_DELTA]: 'ofs-delta', [PACK_REF_DELTA]: 'ref-delta' };

function perType(): Record<ObjectType, number> {
  return { commit: 0, tree: 0, blob: 0, tag: 0 };
}

const kept = new WeakMap<PackScan, PackStats>();

/** The statistics of a completed scan (computed once). */
export function packStatsOf(scan: PackScan): PackStats {
  const cached = kept.get(scan);
  if (cached) return cached;
  const n = scan.count;
  const byEntryType: Record<string, number> = { commit: 0, tree: 0, blob: 0, tag: 0, 'ofs-delta': 0, 'ref-delta': 0 };
  const byType = perType();
  const storedByType = perType();
  const sizeByType = perType();
  let storedBytes = 0;
  let inflatedBytes = 0;
  let nonDelta = 0;
  let ofsDeltas = 0;
  let refDeltas = 0;
  const chainHistogram: number[] = [];
  // The largest objects, kept sorted by size (descending) in a small array.
  const top: number[] = [];
  let threshold = -1;

  for (let r = 0; r < n; r++) {
    const stored = (r + 1 < n ? scan.offsets[r + 1] : scan.entriesEnd) - scan.offsets[r];
    storedBytes += stored;
    const kind = ENTRY_KINDS[scan.entryTypes[r]];
    if (kind !== undefined) byEntryType[kind]++;
    if (scan.entryTypes[r] === PACK_OFS_DELTA) ofsDeltas++;
    else if (scan.entryTypes[r] === PACK_REF_DELTA) refDeltas++;
    const depth = scan.depths[r];
    if (depth < 0) continue;
    const type = typeName(scan.types[r]);
    const size = scan.sizes[r];
    byType[type]++;
    storedByType[type] += stored;
    sizeByType[type] += size;
    inflatedBytes += size;
    if (depth === 0) nonDelta++;
    else {
      while (chainHistogram.length < depth) chainHistogram.push(0);
      chainHistogram[depth - 1]++;
    }
    if (size > threshold || top.length < LARGEST_COUNT) {
      let i = top.length;
      while (i > 0 && scan.sizes[top[i - 1]] < size) i--;
      top.splice(i, 0, r);
      if (top.length > LARGEST_COUNT) top.pop();
      threshold = top.length === LARGEST_COUNT ? scan.sizes[top[top.length - 1]] : -1;
    }
  }

  const idx = scan.pack.idx;
  const stats: PackStats = {
    pack: scan.pack.name,
    objects: n,
    packBytes: scan.pack.data.size,
    byEntryType,
    byType,
    storedByType,
    sizeByType,
    storedBytes,
    inflatedBytes,
    nonDelta,
    ofsDeltas,
    refDeltas,
    chainHistogram,
    largest: top.map((r) => ({
      oid: idx.oidHexAt(scan.positions[r]),
      type: typeName(scan.types[r]),
      size: scan.sizes[r],
      storedSize: (r + 1 < n ? scan.offsets[r + 1] : scan.entriesEnd) - scan.offsets[r],
      offset: scan.offsets[r],
      depth: scan.depths[r],
    })),
    unreadable: scan.unreadable,
    problems: scan.problems.map(toWire),
    scanMs: Math.round(scan.busyMs),
  };
  kept.set(scan, stats);
  return stats;
}
