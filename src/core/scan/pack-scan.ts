import { SequentialReader } from '../bytes/sequential-reader.ts';
import { PackscopeError, fail } from '../errors.ts';
import { entryHeaderMaxLength, parseEntryHeader } from '../format/pack.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA } from '../objects/types.ts';
import { PREFIX_INPUT, type PackFile } from '../odb/pack-file.ts';

/**
 * One pass over every entry of a pack in offset order (the pack order of `PackFile.packOrder`),
 * reading entry headers and, for deltas, the two sizes at the start of the delta data. It gives
 * each entry its stored kind, resolved type, object size and delta depth: what the listing
 * (`cat-file --batch-all-objects --batch-check`), the object list's type filter, the
 * statistics and the byte map are made of. The pack is read front to back through one
 * sequential window (`SequentialReader`): each byte once, memory flat whatever the pack's size.
 *
 * An OFS_DELTA's base always lies earlier in the pack, so its depth and type are known when
 * the entry is reached; a REF_DELTA's base may lie later (thin packs completed by
 * `index-pack --fix-thin` append their bases), so those are finished in a last pass that walks
 * each chain once. The scan runs in slices (`step`) so the worker keeps answering lookups in
 * between, and stops wherever its callers stop waiting: a later request resumes it.
 */

/** How many errors a scan keeps (the count of unreadable entries is exact). */
const MAX_PROBLEMS = 20;

/** The per-entry results of a scan, indexed by pack-order rank. */
export class PackScan {
  readonly count: number;
  /** Entry offsets, ascending (the PackFile's own array: never transfer it). */
  readonly offsets: Float64Array;
  /** idx position of each entry (the PackFile's own array: never transfer it). */
  readonly positions: Uint32Array;
  /** Stored entry type (1-4, 6 ofs-delta, 7 ref-delta); 0 when the header could not be read. */
  readonly entryTypes: Uint8Array;
  /** Resolved object type (1-4); 0 when unknown (unreadable entry or base). */
  readonly types: Uint8Array;
  /** Delta depth; -1 while unknown, -2 when the entry (or a base below it) could not be read. */
  readonly depths: Int32Array;
  /** The object's size (a delta's target size); -1 when unknown. */
  readonly sizes: Float64Array;
  /** The entry's declared size: the object's size, or the size of the delta data. */
  readonly declaredSizes: Float64Array;
  /** Where the trailer starts: the end of the last entry. */
  readonly entriesEnd: number;
  /** The first errors met, in offset order. */
  readonly problems: PackscopeError[] = [];
  /** Entries whose header, delta or base could not be read. */
  unreadable = 0;
  /** Milliseconds spent in `step`, summed. */
  busyMs = 0;
  /** Pack-order rank of each delta's base; -1 for whole objects and unreadable bases. */
  readonly baseRanks: Int32Array;
  private next = 0;
  private finished = false;
  private typesFinished = false;
  /**
   * Whether delta sizes are read in the header pass (one pass: what a listing wants) or in a
   * second pass once every type is known (when the first caller wanted types only: the object
   * list's type filter). Decided by the first `step`.
   */
  private sizesInline: boolean | undefined;
  /** The second pass's cursor (pack-order rank), when sizes are not read inline. */
  private sizesNext = 0;
  private reader: SequentialReader;
  private readonly headerLength: number;

  constructor(
    readonly pack: PackFile,
    private readonly windowSize?: number,
  ) {
    this.reader = new SequentialReader(pack.data, windowSize);
    this.headerLength = entryHeaderMaxLength(pack.ctx.algo);
    const order = pack.packOrder();
    const n = order.offsets.length;
    this.count = n;
    this.offsets = order.offsets;
    this.positions = order.positions;
    this.entryTypes = new Uint8Array(n);
    this.types = new Uint8Array(n);
    this.depths = new Int32Array(n).fill(-1);
    this.sizes = new Float64Array(n).fill(-1);
    this.declaredSizes = new Float64Array(n).fill(-1);
    this.baseRanks = new Int32Array(n).fill(-1);
    this.entriesEnd = pack.data.size - pack.ctx.algo.size;
  }

  /** True once every entry has been read and every chain resolved. */
  get done(): boolean {
    return this.finished;
  }

  /** Entries read so far (for progress). */
  get scanned(): number {
    return this.next;
  }

  /** True once every entry's stored kind, type and depth are known (sizes may still be coming). */
  get typesDone(): boolean {
    return this.typesFinished;
  }

  /**
   * Reads entries until `budgetMs` has passed; returns true when what `want` asks is complete:
   * everything, or (`'types'`) every entry's kind, type and depth.
   *
   * When the first call wants types only, the header pass skips the delta sizes: inflating the
   * start of every delta is two thirds of the scan's work (git.git: 700k deltas), and the type
   * filter needs none of it. The sizes then come from a second pass over the deltas, run by the
   * first caller that wants everything. A delta whose start does not inflate is found unreadable
   * only in that pass (with everything built on it), after the types were already given out.
   */
  step(budgetMs: number, want: 'all' | 'types' = 'all'): boolean {
    if (this.finished) return true;
    const started = performance.now();
    const deadline = started + budgetMs;
    const n = this.count;
    this.sizesInline ??= want === 'all';
    while (this.next < n) {
      const stop = Math.min(n, this.next + 256);
      for (let r = this.next; r < stop; r++) this.readEntry(r);
      this.next = stop;
      if (performance.now() >= deadline) break;
    }
    if (this.next >= n && !this.typesFinished) {
      this.resolveRemaining();
      this.typesFinished = true;
      this.reader.release();
      if (this.sizesInline) this.finish();
      else {
        this.pack.adoptEntryTypes(this.types);
        this.earlierReads = this.readStats;
        this.reader = new SequentialReader(this.pack.data, this.windowSize);
      }
    }
    if (this.typesFinished && !this.finished && want === 'all') {
      while (this.sizesNext < n) {
        const stop = Math.min(n, this.sizesNext + 256);
        for (let r = this.sizesNext; r < stop; r++) this.readDeltaSize(r);
        this.sizesNext = stop;
        if (performance.now() >= deadline) break;
      }
      if (this.sizesNext >= n) {
        this.markBuiltOnUnreadable();
        this.reader.release();
        this.finish();
      }
    }
    this.busyMs += performance.now() - started;
    return want === 'types' ? this.typesFinished : this.finished;
  }

  private finish(): void {
    this.finished = true;
    this.pack.adoptEntryInfo({ types: this.types, sizes: this.sizes });
  }

  /** The second pass: a delta's target size, from the first bytes of its data. */
  private readDeltaSize(r: number): void {
    const kind = this.entryTypes[r];
    if ((kind !== PACK_OFS_DELTA && kind !== PACK_REF_DELTA) || this.depths[r] === -2) return;
    const pack = this.pack;
    const offset = this.offsets[r];
    const end = r + 1 < this.count ? this.offsets[r + 1] : this.entriesEnd;
    try {
      const head = this.reader.read(offset, Math.min(end - offset, this.headerLength + PREFIX_INPUT));
      const h = parseEntryHeader(head, 0, offset, end, pack.ctx.algo, pack.data.name);
      this.sizes[r] = pack.deltaTargetSize(h, end, head.subarray(h.dataOffset - offset));
    } catch (err) {
      this.markUnreadable(r, err);
    }
  }

  /**
   * After the second pass: deltas built on an entry it found unreadable are unreadable too, as
   * the one-pass scan reports them (MissingBase). Bases usually come first, so one sweep in pack
   * order settles nearly all; a ref-delta on a later base takes another.
   */
  private markBuiltOnUnreadable(): void {
    if (this.unreadable === 0) return;
    const file = this.pack.data.name;
    for (let changed = true; changed; ) {
      changed = false;
      for (let r = 0; r < this.count; r++) {
        const b = this.baseRanks[r];
        if (b < 0 || this.depths[r] === -2 || this.depths[b] !== -2) continue;
        this.markUnreadable(r, new PackscopeError('MissingBase', `the delta's base, the entry at offset ${this.offsets[b]}, could not be read`, { file, offset: this.offsets[r] }));
        changed = true;
      }
    }
  }

  /** Bytes and reads the scan has issued to the pack (each byte once, in large windows). */
  get readStats(): { bytesRead: number; sourceReads: number } {
    return { bytesRead: this.earlierReads.bytesRead + this.reader.bytesRead, sourceReads: this.earlierReads.sourceReads + this.reader.sourceReads };
  }

  /** What the header pass read, once the sizes pass has its own reader. */
  private earlierReads = { bytesRead: 0, sourceReads: 0 };

  private readEntry(r: number): void {
    const pack = this.pack;
    const offset = this.offsets[r];
    const end = r + 1 < this.count ? this.offsets[r + 1] : this.entriesEnd;
    try {
      if (offset >= end) fail('OutOfRange', `entry offset ${offset} lies outside the pack's entries [12, ${end})`, { file: pack.data.name, offset });
      // One view of the window: the header and, for a delta, the first bytes of its stream.
      const head = this.reader.read(offset, Math.min(end - offset, this.headerLength + PREFIX_INPUT));
      const h = parseEntryHeader(head, 0, offset, end, pack.ctx.algo, pack.data.name);
      this.entryTypes[r] = h.type;
      this.declaredSizes[r] = h.size;
      if (h.type !== PACK_OFS_DELTA && h.type !== PACK_REF_DELTA) {
        this.types[r] = h.type;
        this.depths[r] = 0;
        this.sizes[r] = h.size;
        return;
      }
      if (this.sizesInline) this.sizes[r] = pack.deltaTargetSize(h, end, head.subarray(h.dataOffset - offset));
      let b: number;
      if (h.type === PACK_OFS_DELTA) {
        // Bases come before their ofs-deltas: search only the ranks below this one.
        b = rankBelow(this.offsets, h.baseOffset as number, r);
        if (b < 0) fail('OutOfRange', `the delta's base offset ${h.baseOffset} is not the start of an entry`, { file: pack.data.name, offset });
      } else {
        const baseOffset = pack.baseOffsetOf(h);
        b = pack.rankOf(baseOffset);
        if (b < 0) fail('OutOfRange', `the delta's base offset ${baseOffset} is not the start of an entry`, { file: pack.data.name, offset });
      }
      if (b === r) fail('DeltaCycle', 'the delta names itself as its base', { file: pack.data.name, offset });
      this.baseRanks[r] = b;
      if (b < r && this.depths[b] >= 0) {
        this.depths[r] = this.depths[b] + 1;
        this.types[r] = this.types[b];
      }
    } catch (err) {
      this.markUnreadable(r, err);
    }
  }

  /** Walks every delta whose depth is still unknown down to a known depth, once per entry. */
  private resolveRemaining(): void {
    const n = this.count;
    const depths = this.depths;
    const bases = this.baseRanks;
    // mark[r] = the entry whose walk passed r (+1), to see a cycle without a Set per walk.
    const mark = new Int32Array(n);
    const rootCause = new Map<number, number>();
    const path: number[] = [];
    for (let r = 0; r < n; r++) {
      if (depths[r] !== -1 || bases[r] < 0) continue;
      path.length = 0;
      let cur = r;
      while (cur >= 0 && depths[cur] === -1 && mark[cur] !== r + 1) {
        mark[cur] = r + 1;
        path.push(cur);
        cur = bases[cur];
      }
      if (cur >= 0 && depths[cur] >= 0) {
        let d = depths[cur];
        const type = this.types[cur];
        for (let i = path.length - 1; i >= 0; i--) {
          depths[path[i]] = ++d;
          this.types[path[i]] = type;
        }
        continue;
      }
      const file = this.pack.data.name;
      const looped = cur >= 0 && mark[cur] === r + 1;
      // The entry that actually failed, below any deltas that failed only because of it.
      const root = cur >= 0 ? (rootCause.get(cur) ?? cur) : -1;
      for (const p of path) {
        const place = { file, offset: this.offsets[p] };
        const base = bases[p] >= 0 ? this.offsets[bases[p]] : -1;
        let err: PackscopeError;
        if (looped) err = new PackscopeError('DeltaCycle', `the delta chain from offset ${this.offsets[p]} returns to offset ${this.offsets[cur]}`, place);
        else if (root >= 0 && this.offsets[root] === base) err = new PackscopeError('MissingBase', `the delta's base, the entry at offset ${base}, could not be read`, place);
        else err = new PackscopeError('MissingBase', `the delta's chain (base at offset ${base}) reaches the entry at offset ${root >= 0 ? this.offsets[root] : '?'}, which could not be read`, place);
        if (root >= 0) rootCause.set(p, root);
        this.markUnreadable(p, err);
      }
    }
  }

  private markUnreadable(r: number, err: unknown): void {
    this.unreadable++;
    this.types[r] = 0;
    this.depths[r] = -2;
    if (this.problems.length < MAX_PROBLEMS) {
      this.problems.push(
        err instanceof PackscopeError ? err : new PackscopeError('CorruptObject', err instanceof Error ? err.message : String(err), { file: this.pack.data.name, offset: this.offsets[r] }),
      );
    }
  }
}

/** The rank below `limit` whose offset is `offset`, or -1 (a binary search of the sorted offsets). */
function rankBelow(offsets: Float64Array, offset: number, limit: number): number {
  let lo = 0;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo < limit && offsets[lo] === offset ? lo : -1;
}
