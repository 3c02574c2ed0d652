import { PackscopeError, fail, type ErrorPlace } from '../../../core/errors.ts';
import { readDeltaHeader } from '../../../core/format/delta.ts';
import { readEntryHeader, type PackEntryHeader } from '../../../core/format/pack.ts';
import { InflateFailure } from '../../../core/inflate/inflater.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA } from '../../../core/objects/types.ts';
import type { PackFile } from '../../../core/odb/pack-file.ts';
import type { HandlerContext } from '../../../protocol/rpc.ts';
import type { Session } from '../../session.ts';

/**
 * One pass over every entry of a pack in offset order (the pack order of `PackFile.packOrder`),
 * reading entry headers and, for deltas, the two sizes at the start of the delta data. It gives
 * each entry its stored kind, resolved type, object size and delta depth: what the statistics
 * and the byte map are made of.
 *
 * An OFS_DELTA's base always lies earlier in the pack, so its depth and type are known when
 * the entry is reached; a REF_DELTA's base may lie later (thin packs completed by
 * `index-pack --fix-thin` append their bases), so those are finished in a last pass that walks
 * each chain once. The scan runs in slices (`step`) so the worker keeps answering lookups in
 * between, and stops wherever its callers stop waiting: a later request resumes it.
 */

/** How many errors a scan keeps (the count of unreadable entries is exact). */
const MAX_PROBLEMS = 20;
/** Compressed bytes read for a delta's header; nearly always enough for its two sizes. */
const PREFIX_INPUT = 512;

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
  private readonly baseRanks: Int32Array;
  private next = 0;
  private finished = false;

  constructor(readonly pack: PackFile) {
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

  /** Reads entries until `budgetMs` has passed; returns true when the scan is complete. */
  step(budgetMs: number): boolean {
    if (this.finished) return true;
    const started = performance.now();
    const deadline = started + budgetMs;
    const n = this.count;
    while (this.next < n) {
      const stop = Math.min(n, this.next + 256);
      for (let r = this.next; r < stop; r++) this.readEntry(r);
      this.next = stop;
      if (performance.now() >= deadline) break;
    }
    if (this.next >= n) {
      this.resolveRemaining();
      this.finished = true;
    }
    this.busyMs += performance.now() - started;
    return this.finished;
  }

  private readEntry(r: number): void {
    const pack = this.pack;
    const offset = this.offsets[r];
    const end = r + 1 < this.count ? this.offsets[r + 1] : this.entriesEnd;
    try {
      const h = readEntryHeader(pack.data, offset, end, pack.ctx.algo);
      this.entryTypes[r] = h.type;
      this.declaredSizes[r] = h.size;
      if (h.type !== PACK_OFS_DELTA && h.type !== PACK_REF_DELTA) {
        this.types[r] = h.type;
        this.depths[r] = 0;
        this.sizes[r] = h.size;
        return;
      }
      this.sizes[r] = this.deltaTargetSize(h, end);
      const baseOffset = pack.baseOffsetOf(h);
      const b = pack.rankOf(baseOffset);
      if (b < 0) fail('OutOfRange', `the delta's base offset ${baseOffset} is not the start of an entry`, { file: pack.data.name, offset });
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

  /** The target size a delta declares: two varints at the start of its zlib stream. */
  private deltaTargetSize(h: PackEntryHeader, end: number): number {
    const pack = this.pack;
    const place: ErrorPlace = { file: pack.data.name, offset: h.offset };
    const compressed = end - h.dataOffset;
    if (compressed <= 0) fail('Truncated', 'entry has no room for its zlib stream', place);
    // Two varints: 10 bytes cover sizes below 2^35; ask for more only if they do not end there.
    let want = Math.min(10, h.size);
    for (;;) {
      let prefix: Uint8Array;
      try {
        prefix = pack.ctx.inflater.inflatePrefix(pack.data.read(h.dataOffset, Math.min(compressed, PREFIX_INPUT)), want);
        if (prefix.length < want && compressed > PREFIX_INPUT) prefix = pack.ctx.inflater.inflatePrefix(pack.data.read(h.dataOffset, compressed), want);
      } catch (err) {
        if (err instanceof InflateFailure) fail('CorruptObject', err.reason, place);
        throw err;
      }
      if (want >= h.size || varintsEnd(prefix, 2) || want >= 24) {
        return readDeltaHeader(prefix, { file: pack.data.name, offset: h.dataOffset }).targetSize;
      }
      want = Math.min(24, h.size);
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
      this.problems.push(err instanceof PackscopeError ? err : new PackscopeError('CorruptObject', err instanceof Error ? err.message : String(err), { file: this.pack.data.name, offset: this.offsets[r] }));
    }
  }
}

/** True when `count` varints end within `bytes`. */
function varintsEnd(bytes: Uint8Array, count: number): boolean {
  let ended = 0;
  for (let i = 0; i < bytes.length && ended < count; i++) if ((bytes[i] & 0x80) === 0) ended++;
  return ended === count;
}

const scans = new WeakMap<Session, Map<string, PackScan>>();

/** The opened pack of this name, or NotFound saying why it is not there. */
export function packNamed(session: Session, name: string): PackFile {
  const pack = session.db.packs.find((p) => p.name === name);
  if (pack) return pack;
  const problem = session.db.problems.find((p) => p.file?.replace(/^.*\//, '').startsWith(`${name}.`));
  if (problem) throw problem;
  return fail('NotFound', `no pack named ${name} is open in this folder`);
}

/** The session's scan of a pack (created on first use, kept until the folder is closed). */
export function scanOf(session: Session, name: string): PackScan {
  let bySession = scans.get(session);
  if (!bySession) scans.set(session, (bySession = new Map()));
  let scan = bySession.get(name);
  if (!scan) bySession.set(name, (scan = new PackScan(packNamed(session, name))));
  return scan;
}

/** Slice length: long enough to be efficient, short enough that lookups wait at most this. */
const SLICE_MS = 10;

/**
 * Runs the pack's scan to completion, reporting progress and yielding between slices. Several
 * callers may wait on one scan: each drives it a slice at a time. A caller that is cancelled
 * stops driving it; what was read stays, and the next caller continues from there.
 */
export async function scanPack(session: Session, name: string, ctx: HandlerContext): Promise<PackScan> {
  const scan = scanOf(session, name);
  const label = `Scanning ${name} (every entry header)`;
  while (!scan.step(SLICE_MS)) {
    ctx.progress(scan.scanned, scan.count, label);
    await ctx.pause();
  }
  ctx.progress(scan.count, scan.count, label);
  return scan;
}
