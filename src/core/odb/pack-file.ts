import { countAtMost } from '../sorted.ts';
import type { ByteSource } from '../bytes/source.ts';
import { readExact, readPoint } from '../bytes/window-cache.ts';
import { PackscopeError, fail, type ErrorPlace } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import { toHex } from '../hash/hex.ts';
import { applyDelta, readDeltaHeader } from '../format/delta.ts';
import { applyDeltaChain } from '../format/delta-chain.ts';
import type { PackIndex, IdxPosition } from '../format/idx.ts';
import { PACK_HEADER_SIZE, entryHeaderMaxLength, packIndexDisagreements, parseEntryHeader, readPackHeader, type PackEntryHeader, type PackHeader } from '../format/pack.ts';
import { InflateFailure, type Inflater } from '../inflate/inflater.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, typeName, type GitObject, type ObjectType } from '../objects/types.ts';
import type { DeltaBaseCache, DeltaBaseSpace } from './delta-base-cache.ts';
import { ExpansionBudget, checkedDeltaTarget } from './expansion-budget.ts';

/** What every pack of a database shares: the hash, the inflater, the base cache, the limits. */
export interface PackContext {
  algo: HashAlgo;
  inflater: Inflater;
  baseCache: DeltaBaseCache;
  /** Longest delta chain followed before giving up (git has no limit; thousands are real). */
  maxDeltaDepth: number;
  /** Largest object ever allocated, whatever a header declares. */
  maxObjectBytes: number;
  /**
   * The expansion budget of each pack: the sizes of the distinct objects its deltas may rebuild
   * add up to at most `expansionFloorBytes + expansionPerPackByte * pack size` (defaults
   * EXPANSION_FLOOR and EXPANSION_PER_PACK_BYTE in expansion-budget.ts). Each entry counts once, however often it is
   * rebuilt: a long chain read in random order rebuilds its deltas again and again (the
   * long-chains fixture: 4.1 GB rebuilt from a 940 KB pack by cat-file --batch-all-objects),
   * which is the cache's business, not a bomb.
   */
  expansionFloorBytes?: number;
  expansionPerPackByte?: number;
}

/** Deflate cannot expand more than about 1032:1; a declared size beyond that is a lie. */
const MAX_DEFLATE_RATIO = 1032;
/**
 * The longest cold chain applied in one pass (see `applyChain`). git.git's random reads find
 * chains of 1-50 deltas (git's default --depth is 50; a tenth of the reads walk more than 16,
 * and they were half of all deltas applied); a pack written with --depth=4095 has chains
 * thousands deep, read again and again through their middle, where cached intermediates win.
 */
const MAX_COMPOSED_CHAIN = 64;
/** Reads over which `warmth` averages, and the warmth above which chains are applied one by one. */
const WARMTH_READS = 64;
const WARM = 0.5;
/** Largest result a transient read writes into the pack's reused buffer. */
const TRANSIENT_MAX = 16 << 20;
/** Compressed bytes read for a delta's header; nearly always enough for its two sizes. */
export const PREFIX_INPUT = 512;

/** Entries sorted by offset: the pack's order (what a `.rev` file stores). */
export interface PackOrder {
  /** Entry offsets, ascending. */
  offsets: Float64Array;
  /** The idx position of each entry, in the same order. */
  positions: Uint32Array;
}

/** One step of a delta chain, from the object down to its base. */
export interface ChainStep {
  offset: number;
  header: PackEntryHeader;
}

/** A pack and its idx, read together. */
export class PackFile {
  readonly header: PackHeader;
  /** Pack name without extension: `pack-<hash>`. */
  readonly name: string;
  private order: PackOrder | undefined;
  private resolvedTypes: Uint8Array | undefined;
  private depths: Int32Array | undefined;
  private entryInfo: { types: Uint8Array; sizes: Float64Array } | undefined;
  private positionRanks: Int32Array | undefined;
  private readonly cacheSpace: DeltaBaseSpace;
  /** Where the trailing checksum starts: entries lie in [12, trailerAt). */
  readonly trailerAt: number;
  /**
   * What disagrees between the pack and its idx but does not stop reading (the header's count,
   * the idx's copy of the trailer). The pack still opens: every entry the idx lists is read
   * on its own, and one that cannot be fails alone.
   */
  readonly problems: PackscopeError[] = [];
  /** What the deltas of this pack may still rebuild (see expansion-budget.ts). */
  private readonly expansion: ExpansionBudget;
  /** Entries (by pack-order rank) whose rebuilt size the budget has counted. */
  private expansionCounted: Uint8Array | undefined;
  /** The budget, for messages. */
  readonly expansionBudget: number;
  /** Set, and added to `problems`, the first time a delta is refused for the expansion budget. */
  expansionExceeded: PackscopeError | undefined;

  constructor(
    readonly idx: PackIndex,
    readonly data: ByteSource,
    readonly ctx: PackContext,
    /** The pack's `.rev`, when there is one: the pack order without a sort (checked as it is read). */
    private readonly rev?: ByteSource,
  ) {
    this.header = readPackHeader(data, ctx.algo);
    for (const problem of packIndexDisagreements(data, this.header, ctx.algo, idx.name, idx.count, idx.packChecksum())) this.problems.push(problem);
    this.name = data.name.replace(/^.*\//, '').replace(/\.pack$/, '');
    this.cacheSpace = ctx.baseCache.space();
    this.trailerAt = data.size - ctx.algo.size;
    this.expansion = new ExpansionBudget(data.size, ctx.expansionFloorBytes, ctx.expansionPerPackByte);
    this.expansionBudget = this.expansion.total;
  }

  /** Number of objects. */
  get count(): number {
    return this.idx.count;
  }

  /**
   * The pack's entries in offset order, built once from the idx (one sort). An idx entry whose
   * offset lies outside [12, trailerAt) is left out (reading that object fails alone, naming the
   * idx entry); two entries naming one offset both stay (the verifier reports them).
   */
  packOrder(): PackOrder {
    if (this.order) return this.order;
    this.order = (this.rev && this.orderFromRev(this.rev)) || this.sortedOrder();
    return this.order;
  }

  /**
   * The pack order read from the `.rev` (git writes it with every pack since 2.41): no sort, a
   * few milliseconds for a million objects. Used only when it proves itself: the right size and
   * signature, and offsets strictly ascending with every one inside the pack (which also makes
   * the positions a permutation). Anything else falls back to the sort.
   */
  private orderFromRev(rev: ByteSource): PackOrder | undefined {
    const total = this.idx.count;
    const H = this.ctx.algo.size;
    if (rev.size !== 12 + 4 * total + 2 * H) return undefined;
    try {
      const table = readPoint(rev, 0, 12 + 4 * total);
      if (table[0] !== 0x52 || table[1] !== 0x49 || table[2] !== 0x44 || table[3] !== 0x58) return undefined;
      const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
      const byPosition = this.idx.allOffsets();
      const offsets = new Float64Array(total);
      const positions = new Uint32Array(total);
      let previous = PACK_HEADER_SIZE - 1;
      for (let r = 0; r < total; r++) {
        const position = view.getUint32(12 + 4 * r);
        if (position >= total) return undefined;
        const offset = byPosition[position];
        // (NaN, an unreadable 64-bit offset, fails both tests: the sort then leaves it out.)
        if (!(offset > previous && offset < this.trailerAt)) return undefined;
        offsets[r] = offset;
        positions[r] = position;
        previous = offset;
      }
      return { offsets, positions };
    } catch {
      return undefined;
    }
  }

  /** The pack order by sorting the idx's offsets. */
  private sortedOrder(): PackOrder {
    const total = this.idx.count;
    let offsets = new Float64Array(total);
    let positions = new Uint32Array(total);
    let n = 0;
    let maxOffset = 0;
    const byPosition = this.idx.allOffsets();
    for (let i = 0; i < total; i++) {
      const off = byPosition[i];
      // NaN (an unreadable 64-bit offset) fails this test too: that entry is left out.
      if (!(off >= PACK_HEADER_SIZE && off < this.trailerAt)) continue;
      offsets[n] = off;
      positions[n] = i;
      n++;
      if (off > maxOffset) maxOffset = off;
    }
    if (n < total) {
      offsets = offsets.slice(0, n);
      positions = positions.slice(0, n);
    }
    // Sort offsets and positions together: pack each as offset * 2^bits + position in one
    // double when that stays exact (any pack under a few TiB), and use the native numeric sort.
    const bits = Math.max(1, Math.ceil(Math.log2(total + 1)));
    if (maxOffset * 2 ** bits < 2 ** 53) {
      const keys = new Float64Array(n);
      const scale = 2 ** bits;
      for (let i = 0; i < n; i++) keys[i] = offsets[i] * scale + positions[i];
      keys.sort();
      for (let i = 0; i < n; i++) {
        const k = keys[i];
        const off = Math.floor(k / scale);
        offsets[i] = off;
        positions[i] = k - off * scale;
      }
    } else {
      const idxs = Array.from({ length: n }, (_, i) => i).sort((a, b) => offsets[a] - offsets[b] || positions[a] - positions[b]);
      const sortedOffsets = idxs.map((i) => offsets[i]);
      const sortedPositions = idxs.map((i) => positions[i]);
      for (let i = 0; i < n; i++) {
        positions[i] = sortedPositions[i];
        offsets[i] = sortedOffsets[i];
      }
    }
    return { offsets, positions };
  }

  /** Pack-order rank of each idx position (-1 for an entry left out of the order), built once. */
  private ranksByPosition(): Int32Array {
    if (this.positionRanks) return this.positionRanks;
    const { positions } = this.packOrder();
    const ranks = new Int32Array(this.idx.count).fill(-1);
    for (let r = 0; r < positions.length; r++) ranks[positions[r]] = r;
    this.positionRanks = ranks;
    return ranks;
  }

  /**
   * Type and size of the object at idx position `position` from a finished scan (no search, no
   * read), or undefined when there is no scan or the scan could not read that entry.
   */
  scannedInfoAt(position: number): { type: ObjectType; size: number } | undefined {
    const known = this.entryInfo;
    if (known === undefined) return undefined;
    const rank = this.ranksByPosition()[position];
    if (rank < 0 || known.types[rank] === 0 || known.sizes[rank] < 0) return undefined;
    return { type: typeName(known.types[rank]), size: known.sizes[rank] };
  }

  /**
   * The type number `scannedInfoAt` would give (0 where it gives undefined), without an object
   * per call: the object table's type pass asks this for every row.
   */
  scannedTypeAt(position: number): number {
    const known = this.entryInfo;
    if (known === undefined) {
      if (this.entryTypes === undefined) return 0;
      const rank = this.ranksByPosition()[position];
      return rank < 0 ? 0 : this.entryTypes[rank];
    }
    const rank = this.ranksByPosition()[position];
    return rank < 0 || known.sizes[rank] < 0 ? 0 : known.types[rank];
  }

  /** Fails with the idx entry's place when `offset` cannot be an entry of this pack. */
  private checkEntryOffset(offset: number): void {
    if (offset >= PACK_HEADER_SIZE && offset < this.trailerAt) return;
    // Only on failure: find which idx entry holds the offset, to name its bytes.
    let position = -1;
    for (let i = 0; i < this.idx.count && position < 0; i++) {
      try {
        if (this.idx.offsetAt(i) === offset) position = i;
      } catch (err) {
        // NaN stands for an offset the idx cannot give: its entry's own reason says why.
        if (Number.isNaN(offset)) throw err;
      }
    }
    const place: ErrorPlace = { file: this.idx.name };
    if (position >= 0) place.offset = this.idx.offsetEntryAt(position);
    const who = position >= 0 ? `idx entry ${position} (${this.idx.oidHexAt(position)})` : 'an idx entry';
    fail('OutOfRange', `${who} points at offset ${offset}, outside ${this.data.name}'s entries [12, ${this.trailerAt}); the idx does not belong to this pack or is damaged`, place);
  }

  /** Index in pack order of the entry at `offset`, or -1 if no entry starts there. */
  rankOf(offset: number): number {
    const offsets = this.packOrder().offsets;
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets.length && offsets[lo] === offset ? lo : -1;
  }

  /** Where the entry at `offset` ends: the next entry's offset, or the trailer. */
  entryEnd(offset: number): number {
    const offsets = this.packOrder().offsets;
    const next = countAtMost(offsets, offset);
    return next < offsets.length ? offsets[next] : this.trailerAt;
  }

  /** The entry header at `offset` (a point read of the header's bytes only). */
  entryHeader(offset: number): PackEntryHeader {
    return this.headerBefore(offset, this.entryEnd(offset));
  }

  /** The header of the entry at `offset` that ends at `end`: a point read of at most the longest header. */
  private headerBefore(offset: number, end: number): PackEntryHeader {
    const algo = this.ctx.algo;
    if (!(offset >= PACK_HEADER_SIZE && offset < end)) {
      if (Number.isNaN(offset)) this.checkEntryOffset(offset);
      fail('OutOfRange', `entry offset ${offset} lies outside the pack's entries [12, ${end})`, { file: this.data.name, offset });
    }
    const bytes = readPoint(this.data, offset, Math.min(entryHeaderMaxLength(algo), end - offset));
    return parseEntryHeader(bytes, 0, offset, end, algo, this.data.name);
  }

  /**
   * The entry at `offset` read whole, header and zlib stream, in one point read of its exact
   * extent (its offset to the next entry's): one source read per object, as git's mmap touches
   * only the pages of the entry.
   */
  private readExtent(offset: number): { header: PackEntryHeader; bytes: Uint8Array; end: number } {
    const end = this.entryEnd(offset);
    if (offset < PACK_HEADER_SIZE || offset >= end) fail('OutOfRange', `entry offset ${offset} lies outside the pack's entries [12, ${end})`, { file: this.data.name, offset });
    const bytes = readPoint(this.data, offset, end - offset);
    return { header: parseEntryHeader(bytes, 0, offset, end, this.ctx.algo, this.data.name), bytes, end };
  }

  /** The idx position of the object whose entry starts at `offset`, or -1. */
  positionAtOffset(offset: number): IdxPosition {
    const rank = this.rankOf(offset);
    return rank < 0 ? -1 : this.packOrder().positions[rank];
  }

  /** Offset of the base of a delta entry (REF_DELTA bases are looked up in this pack, as git does). */
  baseOffsetOf(header: PackEntryHeader): number {
    if (header.type === PACK_OFS_DELTA) return header.baseOffset as number;
    const oid = header.baseOid as Uint8Array;
    const pos = this.idx.find(oid);
    if (pos < 0) fail('MissingBase', `ref-delta base ${toHex(oid)} is not in this pack`, { file: this.data.name, offset: header.offset });
    return this.idx.offsetAt(pos);
  }

  /**
   * The chain from the entry at `offset` down to its non-delta base: each step's header, the
   * object first and the base last. Iterative; cycles and depth are checked.
   */
  deltaChain(offset: number): ChainStep[] {
    this.checkEntryOffset(offset);
    const steps: ChainStep[] = [];
    let visited: Set<number> | undefined;
    let current = offset;
    for (;;) {
      const header = this.entryHeader(current);
      steps.push({ offset: current, header });
      if (header.type !== PACK_OFS_DELTA && header.type !== PACK_REF_DELTA) return steps;
      if (steps.length > this.ctx.maxDeltaDepth) {
        fail('DeltaTooDeep', `delta chain from offset ${offset} is longer than ${this.ctx.maxDeltaDepth}`, { file: this.data.name, offset });
      }
      const next = this.baseOffsetOf(header);
      if (header.type === PACK_REF_DELTA || (visited && next >= current)) {
        visited ??= new Set(steps.map((s) => s.offset));
      }
      if (visited) {
        if (visited.has(next)) fail('DeltaCycle', `delta chain from offset ${offset} returns to offset ${next}`, { file: this.data.name, offset: current });
        visited.add(next);
      }
      current = next;
    }
  }

  /** The object's type and size, reading headers only (plus a delta's first bytes). */
  objectInfo(offset: number): { type: ObjectType; size: number } {
    this.checkEntryOffset(offset);
    // One search for the entry's rank serves its end, its header and the type memo.
    const rank = this.rankOf(offset);
    const known = this.entryInfo;
    if (known !== undefined && rank >= 0 && known.types[rank] !== 0 && known.sizes[rank] >= 0) {
      return { type: typeName(known.types[rank]), size: known.sizes[rank] };
    }
    const end = rank >= 0 ? this.endAtRank(rank) : this.entryEnd(offset);
    // One point read: the header and, for a delta, the first compressed bytes of its stream.
    const algo = this.ctx.algo;
    const head = readPoint(this.data, offset, Math.min(end - offset, entryHeaderMaxLength(algo) + PREFIX_INPUT));
    const header = parseEntryHeader(head, 0, offset, end, algo, this.data.name);
    if (header.type !== PACK_OFS_DELTA && header.type !== PACK_REF_DELTA) return { type: typeName(header.type), size: header.size };
    const targetSize = this.deltaTargetSize(header, end, head.subarray(header.dataOffset - offset));
    return { type: this.resolvedType(offset, header, rank), size: targetSize };
  }

  /**
   * The size a delta's result declares: two varints at the start of its zlib stream. `first`
   * holds the stream's first compressed bytes (up to PREFIX_INPUT); the rest is read only when
   * those do not hold the varints.
   */
  deltaTargetSize(header: PackEntryHeader, end: number, first: Uint8Array): number {
    const place: ErrorPlace = { file: this.data.name, offset: header.offset };
    const compressed = end - header.dataOffset;
    if (compressed <= 0) fail('Truncated', 'entry has no room for its zlib stream', place);
    // Two varints: 10 bytes cover sizes below 2^35; ask for more only if they do not end there.
    let want = Math.min(10, header.size);
    for (;;) {
      let prefix: Uint8Array;
      try {
        prefix = this.ctx.inflater.inflatePrefix(first, want, 2);
        if (prefix.length < want && !varintsEnd(prefix, 2) && compressed > first.length) prefix = this.ctx.inflater.inflatePrefix(readPoint(this.data, header.dataOffset, compressed), want, 2);
      } catch (err) {
        throw wrapInflate(err, place);
      }
      if (want >= header.size || varintsEnd(prefix, 2) || want >= 24) {
        return readDeltaHeader(prefix, { file: this.data.name, offset: header.dataOffset }).targetSize;
      }
      want = Math.min(24, header.size);
    }
  }

  /**
   * Types and sizes by pack-order rank from a finished scan of this pack: `objectInfo` answers
   * from them without reading the pack. Entries the scan could not read (type 0) are read as before.
   */
  adoptEntryInfo(info: { types: Uint8Array; sizes: Float64Array }): void {
    this.entryInfo = info;
  }

  /**
   * Types by pack-order rank from a scan's header pass, before its sizes (see PackScan.step):
   * `scannedTypeAt` answers from them; 0 = unreadable.
   */
  adoptEntryTypes(types: Uint8Array): void {
    this.entryTypes = types;
  }

  private entryTypes: Uint8Array | undefined;

  /** True once a scan's types and sizes answer `objectInfo`. */
  get hasEntryInfo(): boolean {
    return this.entryInfo !== undefined;
  }

  /** Where the entry of pack-order rank `rank` ends. */
  private endAtRank(rank: number): number {
    const offsets = this.packOrder().offsets;
    return rank + 1 < offsets.length ? offsets[rank + 1] : this.trailerAt;
  }

  /** The type a delta resolves to, remembered per entry so long chains are walked once. */
  private resolvedType(offset: number, header: PackEntryHeader, rank: number): ObjectType {
    this.resolvedTypes ??= new Uint8Array(this.idx.count);
    const memo = this.resolvedTypes;
    if (rank >= 0 && memo[rank] !== 0) return typeName(memo[rank]);
    // Walk down until a base or a remembered type, then fill in every entry passed.
    const passed: number[] = rank >= 0 ? [rank] : [];
    let visited: Set<number> | undefined;
    let h = header;
    let type = 0;
    let depth = 0;
    while (type === 0) {
      const next = this.baseOffsetOf(h);
      if (h.type === PACK_REF_DELTA) visited ??= new Set([offset]);
      if (visited) {
        if (visited.has(next)) fail('DeltaCycle', `delta chain from offset ${offset} returns to offset ${next}`, { file: this.data.name, offset: h.offset });
        visited.add(next);
      }
      if (++depth > this.ctx.maxDeltaDepth) fail('DeltaTooDeep', `delta chain from offset ${offset} is longer than ${this.ctx.maxDeltaDepth}`, { file: this.data.name, offset });
      const r = this.rankOf(next);
      if (r >= 0 && memo[r] !== 0) {
        type = memo[r];
        break;
      }
      h = r >= 0 ? this.headerBefore(next, this.endAtRank(r)) : this.entryHeader(next);
      if (h.type !== PACK_OFS_DELTA && h.type !== PACK_REF_DELTA) type = h.type;
      if (r >= 0) passed.push(r);
    }
    for (const r of passed) memo[r] = type;
    return typeName(type);
  }

  /** Delta depth of the entry at `offset` (0 for a whole object), remembered per entry. */
  deltaDepth(offset: number): number {
    const n = this.idx.count;
    this.depths ??= new Int32Array(n).fill(-1);
    const memo = this.depths;
    // Walk down to a known depth or a base, then fill the path on the way back.
    const path: number[] = [];
    let current = offset;
    let depth = -1;
    let visited: Set<number> | undefined;
    for (;;) {
      const rank = this.rankOf(current);
      if (rank >= 0 && memo[rank] >= 0) {
        depth = memo[rank];
        break;
      }
      const header = this.entryHeader(current);
      if (header.type !== PACK_OFS_DELTA && header.type !== PACK_REF_DELTA) {
        depth = 0;
        if (rank >= 0) memo[rank] = 0;
        break;
      }
      path.push(rank);
      if (path.length > this.ctx.maxDeltaDepth) fail('DeltaTooDeep', `delta chain from offset ${offset} is longer than ${this.ctx.maxDeltaDepth}`, { file: this.data.name, offset });
      const next = this.baseOffsetOf(header);
      if (header.type === PACK_REF_DELTA) visited ??= new Set([offset]);
      if (visited) {
        if (visited.has(next)) fail('DeltaCycle', `delta chain from offset ${offset} returns to offset ${next}`, { file: this.data.name, offset: current });
        visited.add(next);
      }
      current = next;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      depth++;
      if (path[i] >= 0) memo[path[i]] = depth;
    }
    return depth;
  }

  /**
   * Reads and fully decodes the object at `offset`. The data may be shared with the cache: do not
   * mutate it. `transient`: the caller parses the data and drops it before the next transient
   * read of this pack (the reachability walk), so a delta's result may go into a reused buffer.
   * `stepwise`: apply a cold chain one delta at a time and cache every intermediate, for
   * callers that come back through the same chains (the verifier rebuilding bases it let go).
   */
  readObject(offset: number, transient = false, stepwise = false): GitObject {
    this.checkEntryOffset(offset);
    const cache = this.ctx.baseCache;
    // Each delta of the chain, read whole on the way down (one point read each) and applied on
    // the way back up, so no entry is read twice.
    const chain: { header: PackEntryHeader; bytes: Uint8Array; end: number }[] = [];
    let visited: Set<number> | undefined;
    let current = offset;
    let base: GitObject | undefined;
    let fromCache = false;
    for (;;) {
      const hit = cache.get(this.cacheSpace, current);
      if (hit) {
        base = { type: hit.type, data: hit.data };
        fromCache = true;
        break;
      }
      const entry = this.readExtent(current);
      const header = entry.header;
      if (header.type !== PACK_OFS_DELTA && header.type !== PACK_REF_DELTA) {
        base = { type: typeName(header.type), data: this.inflateExtent(entry) };
        if (chain.length > 0) cache.put(this.cacheSpace, current, base.type, base.data);
        break;
      }
      chain.push(entry);
      if (chain.length > this.ctx.maxDeltaDepth) {
        fail('DeltaTooDeep', `delta chain from offset ${offset} is longer than ${this.ctx.maxDeltaDepth}`, { file: this.data.name, offset });
      }
      const next = this.baseOffsetOf(header);
      if (header.type === PACK_REF_DELTA) visited ??= new Set(chain.map((e) => e.header.offset));
      if (visited) {
        if (visited.has(next)) fail('DeltaCycle', `delta chain from offset ${offset} returns to offset ${next}`, { file: this.data.name, offset: current });
        visited.add(next);
      }
      current = next;
    }
    if (chain.length > 0) this.warmth += ((fromCache ? 1 : 0) - this.warmth) / WARMTH_READS;
    if (chain.length >= 2 && chain.length <= MAX_COMPOSED_CHAIN && !transient && !stepwise && this.warmth < WARM) {
      this.chainStats.composed++;
      return { type: base.type, data: this.applyChain(chain, base, offset) };
    }
    if (chain.length >= 2) this.chainStats.stepwise++;
    // Apply the deltas from the base outwards; every intermediate result may serve as a base
    // again (siblings share bases), so it goes into the cache.
    let data = base.data;
    for (let i = chain.length - 1; i >= 0; i--) {
      const entry = chain[i];
      const h = entry.header;
      const delta = this.inflateExtent(entry);
      data = this.applyEntryDelta(h, data, delta, transient && i === 0 ? this.transientBuffer(delta) : undefined);
      if (i > 0) cache.put(this.cacheSpace, h.offset, base.type, data);
    }
    return { type: base.type, data };
  }

  /**
   * The share of recent delta reads whose chain ended on a cached object (a moving average over
   * about WARMTH_READS reads). High when reads follow each other along chains (history walks,
   * blame, trees of consecutive commits): then cached intermediates pay, and chains are applied
   * one by one. Low for scattered reads (git.git's 20k random reads: 25%): chains are composed.
   */
  private warmth = 0;

  /** How cold chains of two or more deltas were applied: in one pass, or one by one (counters for tests and the bench). */
  readonly chainStats = { composed: 0, stepwise: 0 };

  /**
   * A chain of two or more deltas found cold (no intermediate in the cache), applied in one pass
   * (`applyDeltaChain`): each byte of the result is copied once, where applying them one by one
   * builds and drops every intermediate object. On git.git's random reads (6.7 deltas a chain,
   * 16 KB results) that is 2.6x less time applying deltas and a fraction of the garbage. The
   * intermediates are not cached (they are never built); the result is, as the next read often
   * builds on it (older versions of a file are deltas of the newer ones). Chains longer than
   * MAX_COMPOSED_CHAIN, and every chain while reads are warm (see `warmth`), are applied one by
   * one with every intermediate cached, as before: composing there made blame and `log -- path`
   * on git.git 25% slower (reads that walk history meet the same chains again through the middle).
   */
  private applyChain(chain: { header: PackEntryHeader; bytes: Uint8Array; end: number }[], base: GitObject, offset: number): Uint8Array {
    const deltas: Uint8Array[] = [];
    const places: ErrorPlace[] = [];
    const charges: { header: PackEntryHeader; targetSize: number }[] = [];
    for (let i = chain.length - 1; i >= 0; i--) {
      const entry = chain[i];
      const place = { file: this.data.name, offset: entry.header.offset };
      const delta = this.inflateExtent(entry);
      const targetSize = checkedDeltaTarget(delta, this.ctx.maxObjectBytes, place);
      if (this.checkExpansion(entry.header, targetSize, place)) charges.push({ header: entry.header, targetSize });
      deltas.push(delta);
      places.push(place);
    }
    const data = applyDeltaChain(base.data, deltas, places);
    for (const c of charges) this.chargeExpansion(c.header, c.targetSize);
    this.ctx.baseCache.put(this.cacheSpace, offset, base.type, data);
    return data;
  }

  /** Applies an inflated delta entry to its base's data, after checking the size it declares. */
  applyEntryDelta(h: PackEntryHeader, baseData: Uint8Array, delta: Uint8Array, into?: Uint8Array): Uint8Array {
    const place = { file: this.data.name, offset: h.offset };
    const targetSize = checkedDeltaTarget(delta, this.ctx.maxObjectBytes, place);
    const uncounted = this.checkExpansion(h, targetSize, place);
    const result = applyDelta(baseData, delta, place, into);
    if (uncounted) this.chargeExpansion(h, targetSize);
    return result;
  }

  /**
   * Checks the entry's declared result against the expansion budget, unless the entry was
   * already charged (once per entry, by pack-order rank; an entry outside the pack order every
   * time). True when it must be charged after it is applied.
   */
  private checkExpansion(h: PackEntryHeader, targetSize: number, place: ErrorPlace): boolean {
    const rank = this.rankOf(h.offset);
    if (rank >= 0 && (this.expansionCounted ??= new Uint8Array(this.idx.count))[rank] === 1) return false;
    try {
      this.expansion.check(targetSize, place);
    } catch (err) {
      // The first refusal is also kept as a problem of the pack.
      if (!this.expansionExceeded && err instanceof PackscopeError) {
        this.expansionExceeded = err;
        this.problems.push(err);
      }
      throw err;
    }
    return true;
  }

  private chargeExpansion(h: PackEntryHeader, targetSize: number): void {
    this.expansion.charge(targetSize);
    const rank = this.rankOf(h.offset);
    if (rank >= 0 && this.expansionCounted) this.expansionCounted[rank] = 1;
  }

  /**
   * The buffer a transient read's last delta is applied into (see `readObject`): reused, grown to
   * the largest target met up to TRANSIENT_MAX (larger ones are allocated as usual). Allocating
   * and zeroing a fresh array per tree was a third of applying git.git's 6.3 GB of tree deltas.
   */
  private transientBuffer(delta: Uint8Array): Uint8Array | undefined {
    let targetSize: number;
    try {
      targetSize = readDeltaHeader(delta).targetSize;
    } catch {
      return undefined; // applyEntryDelta reports it, with its place
    }
    if (targetSize > TRANSIENT_MAX) return undefined;
    if (this.transientOut.length < targetSize) this.transientOut = new Uint8Array(Math.min(TRANSIENT_MAX, Math.max(targetSize, 2 * this.transientOut.length)));
    return this.transientOut;
  }

  private transientOut = new Uint8Array(0);

  /** Inflates an entry read whole by `readExtent`, falling back to `inflateEntry`'s recovery on failure. */
  private inflateExtent(entry: { header: PackEntryHeader; bytes: Uint8Array; end: number }): Uint8Array {
    const h = entry.header;
    const compressed = entry.end - h.dataOffset;
    if (compressed <= 0 || h.size > this.ctx.maxObjectBytes || h.size > compressed * MAX_DEFLATE_RATIO + 64) return this.inflateEntry(h);
    try {
      return this.ctx.inflater.inflate(entry.bytes.subarray(h.dataOffset - h.offset), h.size);
    } catch {
      // inflateEntry retries past a damaged neighbour and explains the failure
      return this.inflateEntry(h);
    }
  }

  /**
   * For a caller that visits every entry once (the verifier's delta trees): the entry's stored
   * bytes [dataOffset, end) read at their exact extent, never a page around them (or through
   * the caller's `read`: a sequential window), and inflated.
   * `stored` lets the caller check where the stream ends without reading again. A stream that
   * does not inflate from there goes through `inflateEntry`'s recovery and explanation.
   */
  inflateStored(header: PackEntryHeader, read: (offset: number, length: number) => Uint8Array = (offset, length) => readExact(this.data, offset, length)): { data: Uint8Array; stored: Uint8Array } {
    const end = this.entryEnd(header.offset);
    const compressed = end - header.dataOffset;
    if (compressed <= 0 || header.size > this.ctx.maxObjectBytes || header.size > compressed * MAX_DEFLATE_RATIO + 64) {
      return { data: this.inflateEntry(header), stored: new Uint8Array(0) }; // inflateEntry throws why
    }
    const stored = read(header.dataOffset, compressed);
    try {
      return { data: this.ctx.inflater.inflate(stored, header.size), stored };
    } catch {
      return { data: this.inflateEntry(header), stored };
    }
  }

  /**
   * Inflates an entry's zlib stream into exactly the declared number of bytes. The stream is
   * expected to end where the next entry the idx lists begins; when it does not fit there (an
   * idx offset that points into this entry, or a pack cut short), it is tried once more with
   * the bytes after that point, as far as a stream of the declared size can reach, so a damaged
   * neighbour does not take this object down with it.
   */
  inflateEntry(header: PackEntryHeader): Uint8Array {
    const end = this.entryEnd(header.offset);
    const place: ErrorPlace = { file: this.data.name, offset: header.offset };
    const compressed = end - header.dataOffset;
    if (compressed <= 0) fail('Truncated', 'entry has no room for its zlib stream', place);
    if (header.size > this.ctx.maxObjectBytes || header.size > compressed * MAX_DEFLATE_RATIO + 64) {
      fail('TooLarge', `entry declares ${header.size} bytes, more than its ${compressed} compressed bytes can hold or the limit (${this.ctx.maxObjectBytes}) allows`, place);
    }
    try {
      return this.ctx.inflater.inflate(readPoint(this.data, header.dataOffset, compressed), header.size);
    } catch (err) {
      const reach = Math.min(this.data.size - header.dataOffset, maxDeflatedSize(header.size));
      if (err instanceof InflateFailure && /ends early|ends after/.test(err.reason) && reach > compressed) {
        try {
          return this.ctx.inflater.inflate(readPoint(this.data, header.dataOffset, reach), header.size);
        } catch {
          // the first failure is the one that explains this entry
        }
      }
      throw wrapInflate(err, place);
    }
  }

  /** A resolved object kept for later deltas (the verifier walks in pack order and knows which entries are bases). */
  cacheObject(offset: number, object: GitObject): void {
    this.ctx.baseCache.put(this.cacheSpace, offset, object.type, object.data);
  }
}

/**
 * The most bytes deflate can take for `size` bytes of data: stored blocks of at most 65535 bytes
 * with 5 bytes of header each, the zlib header and the Adler-32.
 */
function maxDeflatedSize(size: number): number {
  return size + 5 * (Math.ceil(size / 65535) + 1) + 6;
}

/** True when `count` varints end within `bytes`. */
function varintsEnd(bytes: Uint8Array, count: number): boolean {
  let ended = 0;
  for (let i = 0; i < bytes.length && ended < count; i++) if ((bytes[i] & 0x80) === 0) ended++;
  return ended === count;
}

function wrapInflate(err: unknown, place: ErrorPlace): Error {
  if (err instanceof InflateFailure) return new PackscopeError('CorruptObject', err.reason, place);
  if (err instanceof PackscopeError) return err;
  return new PackscopeError('CorruptObject', `zlib stream is corrupt (${err instanceof Error ? err.message : String(err)})`, place);
}
