import { countAtMost } from '../sorted.ts';
import type { ExtentBatch } from './extent-batch.ts';

/**
 * Extents of a file held in memory for the length of one walk: a list of ExtentBatches loaded
 * in ascending order, consulted by `CachedFile.readPoint` before any window or page. Where a
 * read costs a millisecond whatever its size (the browser), a walk that jumps over a pack
 * (reachability: trees in commit order) reads what it needs once, in large ordered reads, and
 * then reads nothing.
 *
 *   file:     [c1)[c2)  [t1)   [t2)        [t3)[t4)   ...
 *   batches:  [== batch 0 ==)  [====== batch 1 ======)     (ascending, disjoint)
 */
export class PinnedExtents {
  private readonly batches: ExtentBatch[] = [];
  /** The first extent's start of each batch, ascending. */
  private readonly firstStarts: number[] = [];
  private held = 0;

  /** Adds a batch; its extents must all lie after every extent already added. */
  add(batch: ExtentBatch, firstStart: number): void {
    const last = this.firstStarts.length - 1;
    if (last >= 0 && firstStart <= this.firstStarts[last]) throw new RangeError('pinned batches must be added in ascending order');
    this.batches.push(batch);
    this.firstStarts.push(firstStart);
    this.held += batch.size;
  }

  /** Bytes held. */
  get size(): number {
    return this.held;
  }

  /** The bytes [offset, offset + length) when one pinned extent holds them, else undefined. */
  get(offset: number, length: number): Uint8Array | undefined {
    const batch = countAtMost(this.firstStarts, offset) - 1;
    return batch < 0 ? undefined : this.batches[batch].get(offset, length);
  }
}
