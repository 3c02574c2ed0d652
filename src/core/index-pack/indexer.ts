import { WindowCache } from '../bytes/window-cache.ts';
import type { ByteSource } from '../bytes/source.ts';
import { bytesEqual, compareBytes } from '../bytes/be.ts';
import { PackscopeError } from '../errors.ts';
import { applyDelta } from '../format/delta.ts';
import { ExpansionBudget, checkedDeltaTarget } from '../odb/expansion-budget.ts';
import { writeIdx, type IdxWriteOptions } from '../format/idx-write.ts';
import { PACK_HEADER_SIZE, readEntryHeader, readPackHeader } from '../format/pack.ts';
import type { HashAlgo } from '../hash/algo.ts';
import { crc32 } from '../hash/crc32.ts';
import type { Hasher, HasherFactory } from '../hash/hasher.ts';
import { toHex } from '../hash/hex.ts';
import { InflateFailure, type Inflater } from '../inflate/inflater.ts';
import { InflateInputEnded, type MeasuringInflater } from '../inflate/measured.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, typeName } from '../objects/types.ts';

/**
 * Indexes a `.pack` that has no `.idx`, as `git index-pack <pack>` does, and writes the `.idx`
 * git 2.39 would write, byte for byte.
 *
 * 1. walk: entries are read back to back from offset 12; each zlib stream is inflated to learn
 *    where it ends (entries carry no lengths). Every entry's stored bytes get a CRC32 and feed
 *    the pack checksum; whole objects are hashed (`<type> <size>\0<content>`) and dropped.
 * 2. check the trailer: the checksum of everything walked must equal the H bytes that follow.
 * 3. resolve deltas as git does, base by base: each whole object is inflated once more and
 *    every delta on it (ofs-deltas by base offset, ref-deltas by base id) is applied, hashed,
 *    and becomes the base of its own deltas, depth first. Only the bases on the current path
 *    are held, under a byte budget; a dropped base is rebuilt from the nearest held ancestor.
 * 4. write the idx, sorted by id.
 *
 * The work runs in slices (`step(budgetMs)`), so a worker can report progress and cancel.
 * Damage does not stop everything: what could be walked and resolved is indexed, the idx is
 * flagged partial, and every problem names the file and offset (git refuses the whole pack).
 */

/** What the indexer needs from its host. */
export interface IndexPackOptions {
  algo: HashAlgo;
  hasher: HasherFactory;
  /** Inflates an entry whose extent is known (resolve phase). */
  inflater: Inflater;
  /** Inflates an entry and says where its stream ends (walk phase). */
  measuring: MeasuringInflater;
  /** idx version and git's off32 limit (`--index-version=<v>[,<limit>]`). */
  idx?: IdxWriteOptions;
  /** Byte budget of the bases held while resolving a delta tree (git's delta_base_cache_limit is 96 MiB). */
  baseBytes?: number;
  /** Largest object the indexer will allocate. */
  maxObjectBytes?: number;
  /** The expansion budget (see core/odb/expansion-budget.ts); defaults as for reading. */
  expansionFloorBytes?: number;
  expansionPerPackByte?: number;
  /** Reads go through this cache (a new one if absent). */
  windows?: WindowCache;
  /** A clock in milliseconds, for the slice budget. */
  now?: () => number;
}

/** Where the indexer is. */
export type IndexPackPhase = 'walk' | 'resolve' | 'done';

/** Progress counters. */
export interface IndexPackProgress {
  phase: IndexPackPhase;
  /** Bytes of the pack walked so far, of `packBytes`. */
  bytesWalked: number;
  packBytes: number;
  /** Entries walked, of the count the header declares. */
  entriesWalked: number;
  declaredCount: number;
  /** Deltas resolved, of the deltas walked. */
  deltasResolved: number;
  deltas: number;
}

/** Objects by type, counted after resolution. */
export interface TypeCounts {
  commit: number;
  tree: number;
  blob: number;
  tag: number;
}

/** The outcome. */
export interface IndexPackResult {
  /** The `.idx` file: every object that was walked and resolved. */
  idx: Uint8Array;
  /** True when every declared entry was walked and resolved and the trailer is right (git would accept it). */
  complete: boolean;
  /** The checksum written into the idx: the pack's trailer as found (what names `pack-<hash>`). */
  packChecksum: Uint8Array;
  /** The checksum computed over the walked entries; equals `packChecksum` in a sound pack. */
  computedChecksum: Uint8Array | undefined;
  declaredCount: number;
  indexedCount: number;
  /** Deltas among the walked entries: ofs-deltas and ref-deltas. */
  ofsDeltas: number;
  refDeltas: number;
  types: TypeCounts;
  /** Longest delta chain resolved (0: no deltas). */
  maxChain: number;
  idxVersion: 1 | 2;
  /** Offsets written to the 64-bit table. */
  largeOffsets: number;
  problems: PackscopeError[];
}

/** Child lists in compressed form: the children of row r are `rows[start[r] .. start[r + 1])`. */
interface ChildLists {
  start: Uint32Array;
  rows: Uint32Array;
}

/** One level of the depth-first walk over a delta tree. */
interface Frame {
  row: number;
  /** The object's content, or null when dropped to stay under the byte budget. */
  data: Uint8Array | null;
  depth: number;
  ofsNext: number;
  ofsEnd: number;
  refNext: number;
  refEnd: number;
}

/** Deflate cannot expand more than about 1032:1: a declared size beyond that is a lie. */
const MAX_DEFLATE_RATIO = 1032;
/** `commit`, `tree`, `blob`, `tag` as bytes, by pack type number. */
const TYPE_BYTES: Uint8Array[] = [];
for (const t of [1, 2, 3, 4]) TYPE_BYTES[t] = new TextEncoder().encode(typeName(t));
/** Minimum bytes of an entry: a header byte and the shortest zlib stream (2 + 2 + 4). */
const MIN_ENTRY_BYTES = 9;

/** The resumable indexer. */
export class PackIndexer {
  readonly declaredCount: number;
  readonly problems: PackscopeError[] = [];
  private readonly file: string;
  private readonly data: ByteSource;
  private readonly H: number;
  private readonly now: () => number;
  private readonly baseBytes: number;
  private readonly maxObjectBytes: number;
  /** What this pack's deltas may rebuild in all: a 700-byte pack must not rebuild 16 GiB. */
  private readonly expansion: ExpansionBudget;

  // One row per walked entry, in pack order (so `offsets` ascends).
  private readonly capacity: number;
  private readonly offsets: Float64Array;
  private readonly dataOffsets: Float64Array;
  private readonly ends: Float64Array;
  private readonly sizes: Float64Array;
  private readonly crcs: Uint32Array;
  /** Pack entry type (1-4, 6, 7); after resolution `objectTypes` holds the object's type. */
  private readonly entryTypes: Uint8Array;
  private readonly objectTypes: Uint8Array;
  private readonly oids: Uint8Array;
  /** ofs-delta: the base's offset. */
  private readonly baseOffsets: Float64Array;
  /** ref-delta: the base's id. */
  private readonly refBaseOids: Uint8Array;
  private rows = 0;
  /** Scratch for `<type> <size>\0` (the longest: `commit ` + 16 digits + NUL). */
  private readonly objectHeader = new Uint8Array(32);

  private phase: IndexPackPhase = 'walk';
  private next = PACK_HEADER_SIZE;
  private readonly packHash: Hasher;
  private computed: Uint8Array | undefined;
  private walkComplete = false;
  private trailerOk = false;
  private ofsDeltas = 0;
  private refDeltas = 0;

  // Resolve state.
  private ofsChildren: ChildLists | undefined;
  /** Rows of ref-deltas sorted by base id. */
  private refOrder: Uint32Array | undefined;
  private rootCursor = 0;
  private stack: Frame[] = [];
  private heldBytes = 0;
  private resolved = 0;
  private maxChain = 0;
  private finished: IndexPackResult | undefined;

  constructor(
    source: ByteSource,
    private readonly options: IndexPackOptions,
  ) {
    const windows = options.windows ?? new WindowCache({ windowSize: 1 << 20, budget: 16 << 20 });
    this.data = windows.open(source);
    this.file = source.name;
    this.H = options.algo.size;
    this.now = options.now ?? (() => performance.now());
    this.baseBytes = options.baseBytes ?? 96 << 20;
    this.maxObjectBytes = options.maxObjectBytes ?? 2 ** 31 - 1;
    this.expansion = new ExpansionBudget(source.size, options.expansionFloorBytes, options.expansionPerPackByte);
    // Signature and version problems mean this is not a pack: nothing can be indexed.
    const header = readPackHeader(source, options.algo);
    this.declaredCount = header.count;
    const fits = Math.floor((source.size - PACK_HEADER_SIZE) / MIN_ENTRY_BYTES);
    if (header.count > fits) {
      this.problems.push(new PackscopeError('BadSize', `the header declares ${header.count} objects, but a pack of ${source.size} bytes can hold at most ${fits}`, { file: this.file, offset: 8 }));
    }
    this.capacity = Math.min(header.count, fits);
    const n = this.capacity;
    this.offsets = new Float64Array(n);
    this.dataOffsets = new Float64Array(n);
    this.ends = new Float64Array(n);
    this.sizes = new Float64Array(n);
    this.crcs = new Uint32Array(n);
    this.entryTypes = new Uint8Array(n);
    this.objectTypes = new Uint8Array(n);
    this.oids = new Uint8Array(n * this.H);
    this.baseOffsets = new Float64Array(n);
    this.refBaseOids = new Uint8Array(n * this.H);
    this.packHash = options.hasher(options.algo);
    this.packHash.update(this.data.read(0, PACK_HEADER_SIZE));
  }

  /** Progress so far. */
  progress(): IndexPackProgress {
    return {
      phase: this.phase,
      bytesWalked: this.next,
      packBytes: this.data.size,
      entriesWalked: this.rows,
      declaredCount: this.declaredCount,
      deltasResolved: this.resolved,
      deltas: this.ofsDeltas + this.refDeltas,
    };
  }

  /** Works for about `budgetMs` milliseconds; returns true when the result is ready. */
  step(budgetMs: number): boolean {
    const deadline = this.now() + budgetMs;
    while (this.phase !== 'done') {
      if (this.phase === 'walk') {
        // Checking the clock costs more than a small entry: look every 16 entries.
        for (let i = 0; i < 16 && this.phase === 'walk'; i++) this.walkOne();
      } else {
        for (let i = 0; i < 16 && this.phase === 'resolve'; i++) this.resolveSome();
      }
      if (this.now() >= deadline) break;
    }
    return this.phase === 'done';
  }

  /** Runs to the end (the CLI). */
  run(): IndexPackResult {
    while (!this.step(1000));
    return this.result();
  }

  /** The result; only once `step` returned true. */
  result(): IndexPackResult {
    if (!this.finished) throw new Error('the indexer has not finished');
    return this.finished;
  }

  // ---- walk -------------------------------------------------------------------------------

  private walkOne(): void {
    if (this.rows >= this.capacity) {
      this.endWalk(this.rows === this.declaredCount);
      return;
    }
    const offset = this.next;
    const size = this.data.size;
    try {
      const header = readEntryHeader(this.data, offset, size, this.options.algo);
      const remaining = size - header.dataOffset;
      if (header.size > this.maxObjectBytes || header.size > Math.max(remaining, 1) * MAX_DEFLATE_RATIO) {
        throw new PackscopeError('TooLarge', `entry declares ${header.size} bytes, more than the ${remaining} bytes left in the pack can hold`, { file: this.file, offset });
      }
      const { data, consumed } = this.inflateAt(header.dataOffset, header.size, offset);
      const end = header.dataOffset + consumed;
      const stored = this.data.read(offset, end - offset);
      const row = this.rows;
      this.crcs[row] = crc32(stored);
      this.packHash.update(stored);
      this.offsets[row] = offset;
      this.dataOffsets[row] = header.dataOffset;
      this.ends[row] = end;
      this.sizes[row] = header.size;
      this.entryTypes[row] = header.type;
      if (header.type === PACK_OFS_DELTA) {
        this.baseOffsets[row] = header.baseOffset as number;
        this.ofsDeltas++;
      } else if (header.type === PACK_REF_DELTA) {
        this.refBaseOids.set(header.baseOid as Uint8Array, row * this.H);
        this.refDeltas++;
      } else {
        this.objectTypes[row] = header.type;
        this.oids.set(this.hashObject(header.type, data), row * this.H);
      }
      this.rows++;
      this.next = end;
    } catch (err) {
      // Entries carry no lengths: past a damaged one, the next cannot be found. Say so in the same finding.
      const problem = asProblem(err, this.file, offset);
      const after = this.declaredCount - this.rows - 1;
      const detail = `${problem.detail}; the walk stops at entry ${this.rows + 1} of ${this.declaredCount}, so the ${after} entries after it cannot be located (the ${this.rows} before it are indexed)`;
      this.problems.push(new PackscopeError(problem.kind, detail, { file: problem.file ?? this.file, offset: problem.offset ?? offset }));
      this.endWalk(false);
    }
  }

  /** Inflates the stream at `at`, reading more of the pack until the whole stream is in hand. */
  private inflateAt(at: number, size: number, entry: number): { data: Uint8Array; consumed: number } {
    const available = this.data.size - at;
    // Deflate adds 5 bytes per 16 KiB stored block plus 6 of framing to incompressible data.
    let want = Math.min(available, size + Math.ceil(size / 8) + 64);
    for (;;) {
      try {
        return this.options.measuring.inflateMeasured(this.data.read(at, want), size);
      } catch (err) {
        if (err instanceof InflateInputEnded && want < available) {
          want = Math.min(available, want * 2);
          continue;
        }
        if (err instanceof InflateInputEnded) {
          throw new PackscopeError('Truncated', `the zlib stream of the entry at ${entry} runs past the end of the file: the pack is cut short`, { file: this.file, offset: entry });
        }
        if (err instanceof InflateFailure) throw new PackscopeError('CorruptObject', err.reason, { file: this.file, offset: entry });
        throw err;
      }
    }
  }

  /** The object's id: the hash of `<type> <size>\0<content>` (the header built without a string). */
  private hashObject(packType: number, content: Uint8Array): Uint8Array {
    const h = this.options.hasher(this.options.algo);
    const header = this.objectHeader;
    const name = TYPE_BYTES[packType];
    header.set(name, 0);
    let p = name.length;
    header[p++] = 0x20;
    const digits = String(content.length);
    for (let i = 0; i < digits.length; i++) header[p++] = digits.charCodeAt(i);
    header[p++] = 0;
    h.update(header.subarray(0, p));
    h.update(content);
    return h.digest();
  }

  private endWalk(allWalked: boolean): void {
    this.walkComplete = allWalked;
    const at = this.next;
    const size = this.data.size;
    if (allWalked) {
      this.computed = this.packHash.digest();
      if (at + this.H > size) {
        this.problems.push(new PackscopeError('Truncated', `the pack ends ${size - at} bytes into its ${this.H}-byte trailing checksum`, { file: this.file, offset: at }));
      } else {
        const trailer = this.data.read(at, this.H);
        this.trailerOk = bytesEqual(trailer, this.computed);
        if (!this.trailerOk) {
          this.problems.push(
            new PackscopeError('BadChecksum', `the pack's trailing checksum is ${toHex(trailer)}, but its content hashes to ${toHex(this.computed)}: the pack was altered after it was written`, {
              file: this.file,
              offset: at,
            }),
          );
        }
        if (at + this.H < size) {
          this.trailerOk = false;
          this.problems.push(new PackscopeError('BadSize', `${size - at - this.H} bytes of junk follow the pack's trailing checksum`, { file: this.file, offset: at + this.H }));
        }
      }
    }
    this.prepareResolve();
    this.phase = 'resolve';
  }

  // ---- resolve ----------------------------------------------------------------------------

  private prepareResolve(): void {
    const n = this.rows;
    // ofs-delta children by base row: the base must be an entry start the walk found.
    const baseRow = new Int32Array(n).fill(-1);
    const counts = new Uint32Array(n + 1);
    for (let r = 0; r < n; r++) {
      if (this.entryTypes[r] !== PACK_OFS_DELTA) continue;
      const b = this.rowAt(this.baseOffsets[r]);
      if (b < 0) {
        this.problems.push(new PackscopeError('OutOfRange', `ofs-delta base offset ${this.baseOffsets[r]} is not the start of an entry`, { file: this.file, offset: this.offsets[r] }));
        continue;
      }
      baseRow[r] = b;
      counts[b + 1]++;
    }
    const start = new Uint32Array(n + 1);
    for (let r = 0; r < n; r++) start[r + 1] = start[r] + counts[r + 1];
    const fill = start.slice(0, n);
    const rows = new Uint32Array(start[n]);
    for (let r = 0; r < n; r++) if (baseRow[r] >= 0) rows[fill[baseRow[r]]++] = r;
    this.ofsChildren = { start, rows };

    const refs: number[] = [];
    for (let r = 0; r < n; r++) if (this.entryTypes[r] === PACK_REF_DELTA) refs.push(r);
    const H = this.H;
    const ids = this.refBaseOids;
    refs.sort((a, b) => compareBytes(ids, a * H, ids, b * H, H) || a - b);
    this.refOrder = Uint32Array.from(refs);
  }

  /** The row of the entry starting at `offset`, or -1. */
  private rowAt(offset: number): number {
    let lo = 0;
    let hi = this.rows - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.offsets[mid];
      if (v === offset) return mid;
      if (v < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The range of `refOrder` whose base id equals row's id. */
  private refChildren(row: number): [number, number] {
    const order = this.refOrder as Uint32Array;
    const H = this.H;
    const ids = this.refBaseOids;
    const oids = this.oids;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(ids, order[mid] * H, oids, row * H, H) < 0) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < order.length && compareBytes(ids, order[end] * H, oids, row * H, H) === 0) end++;
    return [lo, end];
  }

  private frameFor(row: number, data: Uint8Array | null, depth: number): Frame {
    const lists = this.ofsChildren as ChildLists;
    const [refNext, refEnd] = this.refChildren(row);
    return { row, data, depth, ofsNext: lists.start[row], ofsEnd: lists.start[row + 1], refNext, refEnd };
  }

  private static hasChildren(f: Frame): boolean {
    return f.ofsNext < f.ofsEnd || f.refNext < f.refEnd;
  }

  /** Does one unit of resolve work: start the next delta tree, or resolve one delta. */
  private resolveSome(): void {
    if (this.stack.length === 0) {
      // The next whole object that has deltas on it.
      while (this.rootCursor < this.rows) {
        const row = this.rootCursor++;
        if (this.entryTypes[row] === PACK_OFS_DELTA || this.entryTypes[row] === PACK_REF_DELTA) continue;
        const frame = this.frameFor(row, null, 0);
        if (!PackIndexer.hasChildren(frame)) continue;
        this.stack.push(frame);
        return;
      }
      this.finish();
      return;
    }
    const top = this.stack[this.stack.length - 1];
    let child: number;
    if (top.ofsNext < top.ofsEnd) child = (this.ofsChildren as ChildLists).rows[top.ofsNext++];
    else child = (this.refOrder as Uint32Array)[top.refNext++];
    const place = { file: this.file, offset: this.offsets[child] };
    try {
      const base = this.dataOf(this.stack.length - 1);
      const delta = this.inflateRow(child);
      // Each delta is resolved once here, so each is charged once; rebuilding a dropped base
      // (dataOf) re-applies deltas already charged.
      const targetSize = checkedDeltaTarget(delta, this.maxObjectBytes, place);
      this.expansion.check(targetSize, place);
      const content = applyDelta(base, delta, place);
      this.expansion.charge(targetSize);
      const type = this.objectTypes[top.row];
      this.objectTypes[child] = type;
      this.oids.set(this.hashObject(type, content), child * this.H);
      this.resolved++;
      if (top.depth + 1 > this.maxChain) this.maxChain = top.depth + 1;
      const frame = this.frameFor(child, content, top.depth + 1);
      // A base whose deltas are all done is no longer needed: git's tail call down a chain.
      if (!PackIndexer.hasChildren(top)) this.pop();
      if (PackIndexer.hasChildren(frame)) this.push(frame);
    } catch (err) {
      this.problems.push(asProblem(err, this.file, this.offsets[child]));
      if (!PackIndexer.hasChildren(top)) this.pop();
    }
  }

  private push(frame: Frame): void {
    this.stack.push(frame);
    if (frame.data) this.heldBytes += frame.data.length;
    // Over budget: drop the bases furthest from the top; they are rebuilt if needed again.
    // The bottom level is rebuilt by inflating it, so it may be dropped only if it is a whole
    // object (a delta at the bottom, left there by a tail call, has no base below it to apply to).
    const first = this.stack[0].depth === 0 ? 0 : 1;
    for (let i = first; i < this.stack.length - 1 && this.heldBytes > this.baseBytes; i++) {
      const f = this.stack[i];
      if (f.data) {
        this.heldBytes -= f.data.length;
        f.data = null;
      }
    }
  }

  private pop(): void {
    const f = this.stack.pop() as Frame;
    if (f.data) this.heldBytes -= f.data.length;
  }

  /** The content of stack level `level`, rebuilt from the nearest held level below when dropped. */
  private dataOf(level: number): Uint8Array {
    const held = this.stack[level].data;
    if (held) return held;
    let from = level;
    while (from >= 0 && !this.stack[from].data) from--;
    let data: Uint8Array;
    if (from < 0) {
      // Only a whole object is ever dropped at the bottom (see push).
      data = this.inflateRow(this.stack[0].row);
      from = 0;
    } else {
      data = this.stack[from].data as Uint8Array;
    }
    for (let l = from + 1; l <= level; l++) {
      const row = this.stack[l].row;
      data = applyDelta(data, this.inflateRow(row), { file: this.file, offset: this.offsets[row] });
    }
    this.stack[level].data = data;
    this.heldBytes += data.length;
    return data;
  }

  /** Inflates a walked entry again (its extent is known now). */
  private inflateRow(row: number): Uint8Array {
    const at = this.dataOffsets[row];
    try {
      return this.options.inflater.inflate(this.data.read(at, this.ends[row] - at), this.sizes[row]);
    } catch (err) {
      if (err instanceof InflateFailure) throw new PackscopeError('CorruptObject', err.reason, { file: this.file, offset: this.offsets[row] });
      throw err;
    }
  }

  // ---- finish -----------------------------------------------------------------------------

  private finish(): void {
    const n = this.rows;
    const H = this.H;
    // Keep the rows that have an id: whole objects and resolved deltas.
    let kept = 0;
    for (let r = 0; r < n; r++) if (this.objectTypes[r] !== 0) kept++;
    const unresolved = n - kept;
    if (unresolved > 0) this.reportUnresolved();
    const oids = new Uint8Array(kept * H);
    const offsets = new Float64Array(kept);
    const crcs = new Uint32Array(kept);
    const types: TypeCounts = { commit: 0, tree: 0, blob: 0, tag: 0 };
    let k = 0;
    for (let r = 0; r < n; r++) {
      const t = this.objectTypes[r];
      if (t === 0) continue;
      oids.set(this.oids.subarray(r * H, r * H + H), k * H);
      offsets[k] = this.offsets[r];
      crcs[k] = this.crcs[r];
      types[typeName(t)]++;
      k++;
    }
    const complete = this.walkComplete && this.trailerOk && unresolved === 0 && this.problems.length === 0;
    // The idx records the pack's trailer as found, so it pairs with this very file; a sound
    // pack's trailer is the computed checksum, which is what git writes.
    const size = this.data.size;
    const packChecksum = this.walkComplete && this.next + H <= size ? this.data.read(this.next, H).slice() : this.data.read(size - H, H).slice();
    const idxOptions = this.options.idx ?? {};
    const idx = writeIdx({ count: kept, oids, offsets, crcs }, packChecksum, this.options.algo, this.options.hasher, idxOptions);
    const version = idxOptions.version ?? 2;
    const limit = idxOptions.off32Limit ?? 0x7fffffff;
    let largeOffsets = 0;
    if (version === 2) for (let i = 0; i < kept; i++) if (offsets[i] > limit) largeOffsets++;
    this.finished = {
      idx,
      complete,
      packChecksum,
      computedChecksum: this.computed,
      declaredCount: this.declaredCount,
      indexedCount: kept,
      ofsDeltas: this.ofsDeltas,
      refDeltas: this.refDeltas,
      types,
      maxChain: this.maxChain,
      idxVersion: version,
      largeOffsets,
      problems: this.problems,
    };
    this.phase = 'done';
  }

  /** Names the deltas that never met their base: a thin pack, a ref-delta cycle, or a damaged base. */
  private reportUnresolved(): void {
    const H = this.H;
    const present = new Set<string>();
    for (let r = 0; r < this.rows; r++) if (this.objectTypes[r] !== 0) present.add(toHex(this.oids, r * H, H));
    let missingBases = 0;
    let listed = 0;
    for (let r = 0; r < this.rows; r++) {
      if (this.objectTypes[r] !== 0) continue;
      const place = { file: this.file, offset: this.offsets[r] };
      let message: string;
      let kind: PackscopeError['kind'] = 'MissingBase';
      if (this.entryTypes[r] === PACK_REF_DELTA) {
        const base = toHex(this.refBaseOids, r * H, H);
        if (present.has(base)) continue; // cannot happen: a present base resolves its deltas
        missingBases++;
        message = `ref-delta base ${base} is not in this pack: a thin pack (its bases live in the repository it was sent to; git index-pack --fix-thin needs that repository), a ref-delta cycle, or a base that failed`;
      } else {
        kind = 'MissingBase';
        message = `ofs-delta on the entry at ${this.baseOffsets[r]} was not resolved: its base could not be read`;
      }
      // Hundreds of lines say nothing more than the first few and the count.
      if (listed++ < 20) this.problems.push(new PackscopeError(kind, message, place));
    }
    if (listed > 20)
      this.problems.push(
        new PackscopeError('MissingBase', `${listed} deltas in all are unresolved (${missingBases} ref-deltas with no base in this pack); the first 20 are listed`, { file: this.file }),
      );
  }
}

function asProblem(err: unknown, file: string, offset: number): PackscopeError {
  if (err instanceof PackscopeError) return err;
  if (err instanceof InflateFailure) return new PackscopeError('CorruptObject', err.reason, { file, offset });
  if (err instanceof RangeError) return new PackscopeError('TooLarge', `cannot allocate the entry's content (${err.message})`, { file, offset });
  throw err;
}
