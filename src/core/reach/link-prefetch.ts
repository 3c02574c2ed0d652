import { ExtentBatch } from '../bytes/extent-batch.ts';
import { PinnedExtents } from '../bytes/pinned-extents.ts';
import { CachedFile } from '../bytes/window-cache.ts';
import { typeNumber } from '../objects/types.ts';
import type { ObjectTable } from '../odb/object-table.ts';
import type { PackFile } from '../odb/pack-file.ts';

/**
 * The reachability walk reads every reachable commit, tree and tag in commit order, which jumps
 * all over the packs (git.git: 585k objects, 210 MB stored among 496 MB). Where each read costs
 * a millisecond whatever its size (a browser `Blob.slice`), those reads cost more than the walk:
 * 6,100 page reads of 256 KiB, 1.5 GB read, 11 s of 56. This prefetch reads the stored bytes of
 * every commit, tree and tag (a delta's bases resolve to its own type, so whole chains are in)
 * once, in pack order, with reads coalesced over small gaps, and pins them in each pack's
 * window-cache file for the walk: the walk itself then reads nothing.
 *
 * Memory is the stored size of those objects, up to `budgetBytes`; entries past the budget are
 * not pinned and the walk reads them by pages as before (a pack with more history than the
 * budget is slower, never larger). The caller releases the pins when the walk ends.
 *
 * Needs the table's types (`scanTypes`); rows whose type is unknown are left to the walk.
 */
export interface LinkPrefetchOptions {
  /** Most bytes pinned over all packs. */
  budgetBytes: number;
  /** Bytes of extents loaded per `step` (one ExtentBatch). */
  batchBytes: number;
  /** Extents at most this far apart share one read. */
  gapBytes: number;
  /** The longest single read. */
  maxReadBytes: number;
}

interface PackPlan {
  pack: PackFile;
  file: CachedFile;
  pinned: PinnedExtents;
  starts: Float64Array;
  ends: Float64Array;
  /** Next extent to load. */
  next: number;
}

export class LinkPrefetch {
  /** Bytes of extents planned (what will be pinned) and loaded so far. */
  readonly plannedBytes: number;
  loadedBytes = 0;
  /** Extents planned, and those left out by the budget. */
  readonly plannedExtents: number;
  readonly overBudgetExtents: number;
  /** Source reads issued and bytes they returned (gaps included). */
  sourceReads = 0;
  bytesRead = 0;
  /** Packs whose reads failed: the walk reads (and reports) them itself. */
  readonly failures: { pack: string; error: unknown }[] = [];
  private readonly plans: PackPlan[] = [];
  private current = 0;
  private released = false;

  constructor(
    table: ObjectTable,
    private readonly options: LinkPrefetchOptions,
  ) {
    // Rows with links, as storage keys (pack index * 2^44 + offset): one sort puts them in pack order.
    const linked = new Set([typeNumber('commit'), typeNumber('tree'), typeNumber('tag')]);
    const types = table.types;
    let n = 0;
    for (let r = 0; r < table.count; r++) if (linked.has(types[r])) n++;
    const keys = new Float64Array(n);
    n = 0;
    for (let r = 0; r < table.count; r++) if (linked.has(types[r])) keys[n++] = table.storageKey(r);
    keys.sort();
    const packs = table.db.packs;
    let planned = 0;
    let plannedExtents = 0;
    let over = 0;
    let k = 0;
    while (k < n) {
      const source = Math.floor(keys[k] / 2 ** 44);
      let end = k;
      while (end < n && Math.floor(keys[end] / 2 ** 44) === source) end++;
      const pack = packs[source];
      const file = pack?.data;
      if (pack === undefined || !(file instanceof CachedFile)) {
        k = end; // loose objects (or a source without windows): read by the walk
        continue;
      }
      const starts = new Float64Array(end - k);
      const ends = new Float64Array(end - k);
      let m = 0;
      for (let i = k; i < end; i++) {
        const offset = keys[i] - source * 2 ** 44;
        if (m > 0 && offset === starts[m - 1]) continue; // two idx entries naming one offset
        let entryEnd: number;
        try {
          entryEnd = pack.entryEnd(offset);
        } catch {
          continue; // an entry the pack order left out: the walk reports it
        }
        if (!(entryEnd > offset)) continue;
        if (planned + (entryEnd - offset) > options.budgetBytes) {
          over++;
          continue;
        }
        starts[m] = offset;
        ends[m] = entryEnd;
        planned += entryEnd - offset;
        m++;
      }
      plannedExtents += m;
      if (m > 0) this.plans.push({ pack, file, pinned: new PinnedExtents(), starts: starts.subarray(0, m), ends: ends.subarray(0, m), next: 0 });
      k = end;
    }
    this.plannedBytes = planned;
    this.plannedExtents = plannedExtents;
    this.overBudgetExtents = over;
    for (const plan of this.plans) plan.file.pin(plan.pinned);
  }

  get done(): boolean {
    return this.released || this.current >= this.plans.length;
  }

  /** Loads about `batchBytes` of extents; true when everything planned is loaded. */
  step(): boolean {
    while (!this.done) {
      const plan = this.plans[this.current];
      if (plan.next >= plan.starts.length) {
        this.current++;
        continue;
      }
      const from = plan.next;
      let to = from;
      let bytes = 0;
      while (to < plan.starts.length && (to === from || bytes + plan.ends[to] - plan.starts[to] <= this.options.batchBytes)) {
        bytes += plan.ends[to] - plan.starts[to];
        to++;
      }
      try {
        const batch = new ExtentBatch(plan.file, plan.starts.subarray(from, to), plan.ends.subarray(from, to), this.options);
        plan.pinned.add(batch, plan.starts[from]);
        this.sourceReads += batch.sourceReads;
        this.bytesRead += batch.bytesRead;
        this.loadedBytes += bytes;
        plan.next = to;
      } catch (error) {
        // A read failed (a truncated or replaced file): keep what is pinned, leave the rest of
        // this pack to the walk, which reads entry by entry and reports what it cannot read.
        this.failures.push({ pack: plan.pack.name, error });
        this.loadedBytes += plan.starts.length > from ? sumExtents(plan, from) : 0;
        plan.next = plan.starts.length;
      }
      return this.done;
    }
    return true;
  }

  /** Drops every pin (the walk is over, or was cancelled). */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const plan of this.plans) plan.file.unpin(plan.pinned);
  }
}

function sumExtents(plan: PackPlan, from: number): number {
  let sum = 0;
  for (let i = from; i < plan.starts.length; i++) sum += plan.ends[i] - plan.starts[i];
  return sum;
}
