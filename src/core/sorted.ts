/**
 * The number of values in `sorted` (ascending) that are <= `value`: the index of the first one
 * above it. Offsets of a pack's entries, extents of a batch, map ranks: "which entry holds this
 * byte" is `countAtMost(starts, byte) - 1`, and "where does the entry at `offset` end" is the
 * value at `countAtMost(starts, offset)`.
 */
export function countAtMost(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
