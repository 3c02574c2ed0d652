import { bytesEqual, compareBytes } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { PackscopeError, type ErrorKind } from '../errors.ts';
import { readEntryHeader, readPackTrailer, type PackEntryHeader } from '../format/pack.ts';
import { ReverseIndex } from '../format/rev.ts';
import { crc32 } from '../hash/crc32.ts';
import { hashObject, type HasherFactory } from '../hash/hasher.ts';
import { toHex } from '../hash/hex.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, typeName, type GitObject, type ObjectType } from '../objects/types.ts';
import type { PackFile } from '../odb/pack-file.ts';
import { SequentialReader } from '../bytes/sequential-reader.ts';
import {
  childTable,
  DeltaTreeWalk,
  oidHexAt,
  oidMismatch,
  splitRoots,
  streamEndFinding,
  type DeltaTreeHelpers,
  type DeltaTreePlan,
  type DeltaTreeResult,
  type DeltaTreeTask,
  type ObjectInspector,
  type RankRange,
} from './delta-trees.ts';
import type { CheckId, Finding, Severity } from './findings.ts';

/**
 * Checks one pack and its idx (and `.rev`), entry by entry in pack order, resumably: a
 * generator that yields after every entry, so a caller can stop after a time budget.
 *
 * In order:
 *   1. the pack header's count and trailer against the idx's count and copy of the trailer;
 *   2. the idx itself: ids strictly ascending and inside their fanout bucket, offsets inside
 *      the pack, no offset twice, the first entry at 12 (cross-check);
 *   3. every entry header; delta bases in range (ofs-delta: the start of a listed entry;
 *      ref-delta: an object of this pack, as git reads bases from the same pack only);
 *   4. delta depths and cycles (a loop and a stack, no recursion);
 *   5. every entry: CRC32 of its stored bytes against the idx (v2); its zlib stream inflated
 *      and shown to end exactly where the next listed entry begins (the Adler-32 a zlib stream
 *      ends with sits in the four bytes before it); the object rebuilt, base first, along
 *      the delta trees (delta-trees.ts, optionally split over helper threads), and its id
 *      recomputed against the idx; what the trees cannot reach, entry by entry, saying why;
 *   6. the `.rev` against the order the idx's offsets give, and its copy of the pack checksum.
 * With `verifyObjects` off only headers are read (verify-pack -s).
 */

/** One entry of a pack, as `verify-pack -v` prints it. */
export interface PackEntryRow {
  oid: string;
  /** The object's type (a delta's resolved type). */
  type: ObjectType;
  /** The entry's declared size: for deltas, the size of the delta data. */
  size: number;
  /** Bytes the entry occupies in the pack. */
  storedSize: number;
  offset: number;
  /** Delta depth (0 for a whole object). */
  depth: number;
  /** The immediate base's id, for deltas. */
  baseOid?: string;
}

/** What to check and keep. */
export interface PackCheckOptions {
  hasher: HasherFactory;
  /** Inflate, rebuild and hash every object (verify) or read headers only (stats). */
  verifyObjects: boolean;
  /** Keep one row per entry (for `verify-pack -v`). */
  keepRows: boolean;
  /** The pack's `.rev`, when there is one. */
  rev?: ByteSource;
  /** Whether the repository holds an object elsewhere (to explain a ref-delta base missing here). */
  hasObject?: (oid: Uint8Array) => boolean;
  /** Where findings go (default: a new array); shared so a whole run lists them in the order found. */
  findings?: Finding[];
  /** Other threads that take parts of the delta trees (the browser's tree helpers). */
  treeHelpers?: DeltaTreeHelpers;
  /** Sees every commit, tree and tag rebuilt here whose id checks out (fsck's format checks). */
  inspect?: ObjectInspector;
}

/** Delta depth markers: not computed yet, or the chain cannot be followed to a whole object. */
const UNKNOWN = -1;
const BROKEN = -2;

function isDelta(type: number): boolean {
  return type === PACK_OFS_DELTA || type === PACK_REF_DELTA;
}

/**
 * Entry headers by pack-order rank, in columns: what the delta trees need to read an entry
 * (type, declared size, where its stream starts), ten bytes an entry. `get` makes the header
 * object of one entry when it is read; an OFS base offset is not kept (the ranks hold it).
 */
class HeaderColumns {
  /** Entry type, or 0 where the header could not be read. */
  readonly types: Uint8Array;
  readonly sizes: Float64Array;
  /** Header length: the stream starts at offset + headerLengths[r] (at most 31 bytes). */
  readonly headerLengths: Uint8Array;

  constructor(private readonly offsets: Float64Array) {
    const n = offsets.length;
    this.types = new Uint8Array(n);
    this.sizes = new Float64Array(n);
    this.headerLengths = new Uint8Array(n);
  }

  set(rank: number, h: PackEntryHeader): void {
    this.types[rank] = h.type;
    this.sizes[rank] = h.size;
    this.headerLengths[rank] = h.dataOffset - h.offset;
  }

  get(rank: number): PackEntryHeader {
    const offset = this.offsets[rank];
    return { offset, type: this.types[rank] as PackEntryHeader['type'], size: this.sizes[rank], dataOffset: offset + this.headerLengths[rank] };
  }
}

/** A range of delta trees given to a helper, and its result once it settles. */
class HelperRun {
  result: DeltaTreeResult | undefined;
  /** Stopped by `pauseHelpers`: started again, not merged. */
  paused = false;
  /** Settles with the result; never rejects (a helper's failure is a result with `failure`). */
  readonly settled: Promise<unknown>;

  constructor(
    readonly range: RankRange,
    readonly task: DeltaTreeTask,
  ) {
    this.settled = task.result.then(
      (result) => (this.result = result),
      (err: unknown) => (this.result = { entriesDone: 0, failure: err instanceof Error ? err.message : String(err) }),
    );
  }

  /** Entries the helper has built, as last reported (none once paused: it starts again). */
  get entriesDone(): number {
    if (this.paused) return 0;
    return this.result?.entriesDone ?? this.task.entriesDone;
  }
}

/** The per-pack checker. Run `run()` to the end (or step it), then read findings and rows. */
export class PackChecker {
  readonly findings: Finding[];
  /** Kept (with `keepRows`) to print the rows after the run, in pack order: see `rows()`. */
  private kept: { headers: HeaderColumns; ok: Uint8Array; depths: Int32Array; rootTypes: Uint8Array; baseRanks: Int32Array; ends: Float64Array } | undefined;
  /** Entries that are whole objects. */
  nonDelta = 0;
  /** chainHistogram[d - 1] = number of entries at delta depth d. */
  readonly chainHistogram: number[] = [];
  /** Entries whose object step is finished here (helpers' parts once merged). */
  private finished = 0;
  /** Entries built by walks still running: this thread's and the helpers' latest reports. */
  private inFlight: (() => number) | undefined;
  /** Bytes of entries read for their CRC32 (for the report). */
  bytesRead = 0;
  /** Source reads the delta batches took (for the read-path tests). */
  deltaBatchReads = 0;
  /** Threads whose walks of this pack's delta trees were merged (1, or more with `treeHelpers`). */
  treeThreads = 1;
  /** Helper threads that failed; their parts were walked here instead. */
  readonly helperFailures: string[] = [];
  /** The helper whose range is being waited for (see `waiting`). */
  private awaited: HelperRun | undefined;
  /** Helpers not merged yet, in range order. */
  private helperRuns: HelperRun[] = [];
  /** Set by `pauseHelpers`: the stopped helpers start again at the next step. */
  private helpersPaused = false;

  /**
   * Stops the helpers while the run is paused (a cancelled request: no thread should go on
   * working). Their ranges start again from the beginning when the checker is next stepped.
   */
  pauseHelpers(): void {
    for (const run of this.helperRuns) {
      if (run.result !== undefined) continue;
      run.paused = true;
      run.task.cancel();
      this.helpersPaused = true;
    }
  }

  /** Entries whose object step is done (for progress), counting the helpers' latest reports. */
  get entriesDone(): number {
    return this.finished + (this.inFlight?.() ?? 0);
  }

  /**
   * While the trees are walked elsewhere: a promise that settles when there is something to do
   * here again. Undefined as soon as it has settled, so a caller never spins on a settled wait.
   */
  get waiting(): Promise<unknown> | undefined {
    const awaited = this.awaited;
    return awaited !== undefined && awaited.result === undefined ? awaited.settled : undefined;
  }

  /** Every id by idx position (`allOids`), read once: the walk asks for them in pack order. */
  private oidTable: Uint8Array | undefined;

  constructor(
    readonly pack: PackFile,
    private readonly options: PackCheckOptions,
  ) {
    this.findings = options.findings ?? [];
  }

  /** The id at idx `position` in hex, from the table once it is read. */
  private oidHex(position: number): string {
    const table = this.oidTable;
    return table === undefined ? this.pack.idx.oidHexAt(position) : oidHexAt(table, position, this.pack.ctx.algo.size);
  }

  /** Entries this pack's idx lists: the unit of progress. */
  get total(): number {
    return this.pack.idx.count;
  }

  private add(severity: Severity, check: CheckId, kind: ErrorKind, file: string, offset: number | undefined, message: string, oid?: string): void {
    const f: Finding = { severity, check, kind, file, message };
    if (offset !== undefined) f.offset = offset;
    if (oid !== undefined) f.oid = oid;
    this.findings.push(f);
  }

  private addError(err: unknown, check: CheckId, file: string, offset: number, oid?: string, context?: string): void {
    if (!(err instanceof PackscopeError)) throw err;
    const detail = context ? `${context}: ${err.detail}` : err.detail;
    this.add('error', check, err.kind, err.file ?? file, err.offset ?? offset, detail, oid);
  }

  /** The whole check; yields after every entry (and every few thousand idx entries). */
  *run(): Generator<void> {
    const pack = this.pack;
    const idx = pack.idx;
    const data = pack.data;
    const file = data.name;
    const algo = pack.ctx.algo;
    const trailerAt = pack.trailerAt;

    if (this.options.verifyObjects || this.options.keepRows) this.oidTable = idx.allOids();

    // 1. Header count and trailer copy.
    if (pack.header.count !== idx.count) {
      this.add('error', 'count', 'Mismatch', file, 8, `the pack header says ${pack.header.count} objects but ${idx.name} lists ${idx.count}`);
    }
    const trailer = readPackTrailer(data, algo);
    if (!bytesEqual(trailer, idx.packChecksum())) {
      this.add(
        'error',
        'idx-pack-checksum',
        'Mismatch',
        idx.name,
        idx.source.size - 2 * algo.size,
        `the copy of the pack checksum in ${idx.name} is ${toHex(idx.packChecksum())}, but ${file} ends with ${toHex(trailer)}: the pack was changed or cut, or the idx belongs to another pack`,
      );
    }

    // 2. The idx on its own: id order, fanout buckets, offsets in range.
    yield* this.checkIdxTable();

    // 3. Entry headers, in pack order.
    const order = pack.packOrder();
    const n = order.offsets.length;
    const offsets = order.offsets;
    const positions = order.positions;
    const ends = new Float64Array(n);
    for (let r = n - 1; r >= 0; r--) ends[r] = r + 1 < n && offsets[r + 1] > offsets[r] ? offsets[r + 1] : r + 1 < n ? ends[r + 1] : trailerAt;
    for (let r = 1; r < n; r++) {
      if (offsets[r] === offsets[r - 1]) {
        this.add(
          'error',
          'cross-check',
          'Mismatch',
          idx.name,
          idx.offsetEntryAt(positions[r]),
          `idx entries ${positions[r - 1]} (${idx.oidHexAt(positions[r - 1])}) and ${positions[r]} (${idx.oidHexAt(positions[r])}) both point at offset ${offsets[r]} of ${file}; one of them cannot be right`,
          idx.oidHexAt(positions[r]),
        );
      }
    }
    if (n > 0 && offsets[0] !== 12) {
      this.add('error', 'cross-check', 'Mismatch', file, 12, `bytes [12, ${offsets[0]}) of the pack lie before the first entry ${idx.name} lists: an entry the idx does not list, or a wrong offset`);
    }

    // One pass front to back through one sequential window: each entry's header, and (when
    // verifying a v2 idx) the CRC32 of its stored bytes. The headers are kept as columns, ten
    // bytes an entry (an object each was ~100 bytes of heap: 85 MB on git.git).
    const headers = new HeaderColumns(offsets);
    const baseRanks = new Int32Array(n).fill(-1);
    const reader = new SequentialReader(data);
    const readerSource: ByteSource = { name: data.name, size: data.size, read: (offset, length) => reader.read(offset, length) };
    const crcs = this.options.verifyObjects ? idx.allCrcs() : undefined;
    const crcMismatches: { rank: number; crc: number }[] = [];
    for (let r = 0; r < n; r++) {
      const offset = offsets[r];
      let h: PackEntryHeader | undefined;
      try {
        h = readEntryHeader(readerSource, offset, ends[r], algo);
      } catch (err) {
        this.addError(err, 'object', file, offset, idx.oidHexAt(positions[r]), `the entry header of ${idx.oidHexAt(positions[r])}`);
      }
      if (h) {
        headers.set(r, h);
        if (isDelta(h.type)) baseRanks[r] = this.baseRank(h, positions[r]);
      }
      if (crcs !== undefined) {
        const crc = this.storedCrc(reader, offset, ends[r]);
        if (crc !== crcs[positions[r]]) crcMismatches.push({ rank: r, crc });
      }
      if ((r & 1023) === 1023) yield;
    }
    reader.release();

    // 4. Depths and cycles: walk down to a known depth, fill the path on the way back.
    const depths = new Int32Array(n).fill(UNKNOWN);
    const rootTypes = new Uint8Array(n);
    const brokenAt = new Int32Array(n).fill(-1);
    const cycleRoot = new Uint8Array(n);
    const isBase = new Uint8Array(n);
    for (let r = 0; r < n; r++) if (baseRanks[r] >= 0) isBase[baseRanks[r]] = 1;
    for (let r = 0; r < n; r++) {
      if (depths[r] !== UNKNOWN) continue;
      const path: number[] = [];
      const onPath = new Set<number>();
      let cur = r;
      let cycle = false;
      for (;;) {
        if (depths[cur] !== UNKNOWN) break;
        const type = headers.types[cur];
        if (type === 0 || (isDelta(type) && baseRanks[cur] < 0)) {
          depths[cur] = BROKEN;
          brokenAt[cur] = cur;
          break;
        }
        if (!isDelta(type)) {
          depths[cur] = 0;
          rootTypes[cur] = type;
          break;
        }
        if (onPath.has(cur)) {
          cycle = true;
          break;
        }
        onPath.add(cur);
        path.push(cur);
        cur = baseRanks[cur];
      }
      if (cycle) {
        const loop = path.slice(path.indexOf(cur)).map((k) => offsets[k]);
        this.add(
          'error',
          'delta',
          'DeltaCycle',
          file,
          offsets[cur],
          `delta chain loops: the entry at offset ${offsets[cur]} (${idx.oidHexAt(positions[cur])}) is its own base through ${loop.length} step${loop.length === 1 ? '' : 's'} (offsets ${[...loop, offsets[cur]].join(' → ')}); none of these objects can be rebuilt`,
          idx.oidHexAt(positions[cur]),
        );
        brokenAt[cur] = cur;
        depths[cur] = BROKEN;
        cycleRoot[cur] = 1;
      }
      let depth = depths[cur];
      for (let i = path.length - 1; i >= 0; i--) {
        const k = path[i];
        if (k === cur && cycle) continue;
        if (depth < 0) {
          depths[k] = BROKEN;
          brokenAt[k] = brokenAt[cur];
        } else {
          depths[k] = ++depth;
          rootTypes[k] = rootTypes[cur];
        }
      }
    }

    // 5a. The CRC32s (computed in the header pass), reported after the chains, as before.
    if (crcs !== undefined) {
      for (const { rank, crc } of crcMismatches) {
        const position = positions[rank];
        const oidHex = idx.oidHexAt(position);
        this.add(
          'error',
          'crc',
          'Mismatch',
          file,
          offsets[rank],
          `CRC32 of the ${ends[rank] - offsets[rank]} stored bytes of ${oidHex} is ${hex8(crc)}, but ${idx.name} says ${hex8(crcs[position])} (at idx offset 0x${(idx.crcEntryAt(position) as number).toString(16)}): the entry's bytes or the idx were changed`,
          oidHex,
        );
      }
    }

    // 5b. Every object rebuilt and hashed, base first: a delta tree per whole object, each base
    // decoded once and its deltas applied while it is in hand (as index-pack does), instead of
    // a chain walk per object through the cache.
    const ok = new Uint8Array(n);
    if (this.options.verifyObjects) {
      const plan: DeltaTreePlan = {
        types: headers.types,
        sizes: headers.sizes,
        headerLengths: headers.headerLengths,
        offsets,
        ends,
        positions,
        depths,
        ...childTable(depths, baseRanks),
        oids: this.oidTable as Uint8Array,
      };
      yield* this.checkTrees(plan, ok);
      // What the trees could not reach (chains through damage, cycles, bases that failed):
      // entry by entry, so each says why.
      for (let r = 0; r < n; r++) {
        if (ok[r] !== 0) continue;
        this.finished++;
        if (headers.types[r] === 0) continue;
        // The whole header again (its OFS base offset is not kept in the columns): damage only.
        const h = readEntryHeader(data, offsets[r], ends[r], algo);
        const oidHex = idx.oidHexAt(positions[r]);
        if (depths[r] === BROKEN) {
          // The chain cannot be followed through the idx's entries, but the bytes may still hold
          // the object (a base the idx does not list, a damaged neighbour): try, and say why not.
          const baseOffset = h.type === PACK_OFS_DELTA ? (h.baseOffset as number) : baseRanks[r] >= 0 ? offsets[baseRanks[r]] : -1;
          if (baseOffset >= 0 && cycleRoot[r] === 0) {
            const root = brokenAt[r];
            const why = root >= 0 && root !== r ? `${oidHex} cannot be rebuilt (its delta chain reaches the damaged entry at offset ${offsets[root]})` : `${oidHex} cannot be rebuilt`;
            this.checkObject(h, ends[r], positions[r], oidHex, baseOffset, isBase[r] === 1, why);
          }
        } else if (this.checkObject(h, ends[r], positions[r], oidHex, baseRanks[r] >= 0 ? offsets[baseRanks[r]] : -1, isBase[r] === 1) !== undefined) {
          ok[r] = 1;
        }
        yield;
      }
    } else {
      for (let r = 0; r < n; r++) if (headers.types[r] !== 0 && depths[r] >= 0) ok[r] = 1;
      this.finished = n;
    }

    // 5c. The chain histogram; the rows are made when asked (`rows()`), one at a time.
    for (let r = 0; r < n; r++) {
      if (ok[r] === 0) continue;
      const depth = depths[r];
      if (depth === 0) this.nonDelta++;
      else this.chainHistogram[depth - 1] = (this.chainHistogram[depth - 1] ?? 0) + 1;
    }
    if (this.options.keepRows) this.kept = { headers, ok, depths, rootTypes, baseRanks, ends };
    for (let i = 0; i < this.chainHistogram.length; i++) this.chainHistogram[i] ??= 0;

    // 6. The .rev against the idx's order.
    if (this.options.rev) this.checkRev(this.options.rev, positions);
  }

  /** The rows of the entries that were read, in pack order (after `run`, with `keepRows`). */
  *rows(): Generator<PackEntryRow> {
    const kept = this.kept;
    if (!kept) return;
    const { offsets, positions } = this.pack.packOrder();
    for (let r = 0; r < kept.ok.length; r++) {
      if (kept.ok[r] === 0) continue;
      const depth = kept.depths[r];
      const row: PackEntryRow = { oid: this.oidHex(positions[r]), type: typeName(kept.rootTypes[r]), size: kept.headers.sizes[r], storedSize: kept.ends[r] - offsets[r], offset: offsets[r], depth };
      if (depth > 0) row.baseOid = this.oidHex(positions[kept.baseRanks[r]]);
      yield row;
    }
  }

  /** Pack-order rank of a delta's base, or -1 with a finding saying why it cannot be used. */
  private baseRank(h: PackEntryHeader, position: number): number {
    const pack = this.pack;
    const idx = pack.idx;
    const file = pack.data.name;
    if (h.type === PACK_OFS_DELTA) {
      const base = h.baseOffset as number;
      const rank = pack.rankOf(base);
      const oidHex = rank < 0 ? this.oidHex(position) : '';
      if (rank < 0)
        this.add(
          'error',
          'delta',
          'OutOfRange',
          file,
          h.offset,
          `the ofs-delta base of ${oidHex} is at offset ${base} (${h.offset - base} bytes back), where no entry ${idx.name} lists begins`,
          oidHex,
        );
      return rank;
    }
    const oidHex = this.oidHex(position);
    const baseOid = h.baseOid as Uint8Array;
    const baseHex = toHex(baseOid);
    const pos = idx.find(baseOid);
    if (pos < 0) {
      const elsewhere = this.options.hasObject?.(baseOid)
        ? '; the repository holds it elsewhere, but git reads a ref-delta base from the same pack only (a thin pack that was never completed)'
        : '; no pack and no loose object holds it';
      this.add('error', 'delta', 'MissingBase', file, h.offset, `the ref-delta base ${baseHex} of ${oidHex} is not in this pack${elsewhere}`, oidHex);
      return -1;
    }
    let rank = -1;
    try {
      rank = pack.rankOf(idx.offsetAt(pos));
    } catch {
      rank = -1;
    }
    if (rank < 0) this.add('error', 'delta', 'OutOfRange', file, h.offset, `the ref-delta base ${baseHex} of ${oidHex} is listed at an offset where no entry begins`, oidHex);
    return rank;
  }

  /** Ids ascending and in their fanout buckets; offsets inside the pack. Yields every 4096 ids. */
  private *checkIdxTable(): Generator<void> {
    const pack = this.pack;
    const idx = pack.idx;
    const H = pack.ctx.algo.size;
    let previous: Uint8Array | undefined;
    let orderReported = false;
    for (let p = 0; p < idx.count; p++) {
      const oid = idx.oidAt(p).slice();
      if (previous && compareBytes(previous, 0, oid, 0, H) >= 0 && !orderReported) {
        // One finding: every later lookup in a disordered table is suspect anyway.
        orderReported = true;
        this.add(
          'error',
          'cross-check',
          'Mismatch',
          idx.name,
          idx.idOffset(p),
          `ids out of order: id[${p - 1}] = ${toHex(previous)} >= ${toHex(oid)} = id[${p}]; lookups by id in this idx can miss objects`,
          toHex(oid),
        );
      }
      const first = oid[0];
      const lo = first === 0 ? 0 : idx.fanout(first - 1);
      if (p < lo || p >= idx.fanout(first)) {
        this.add(
          'error',
          'cross-check',
          'BadFanout',
          idx.name,
          idx.idOffset(p),
          `id ${toHex(oid)} at position ${p} lies outside its fanout bucket [${lo}, ${idx.fanout(first)}); lookups will not find it`,
          toHex(oid),
        );
      }
      let offset: number;
      try {
        offset = idx.offsetAt(p);
      } catch (err) {
        this.addError(err, 'cross-check', idx.name, idx.offsetEntryAt(p), toHex(oid));
        previous = oid;
        continue;
      }
      if (offset < 12 || offset >= pack.trailerAt) {
        this.add(
          'error',
          'cross-check',
          'OutOfRange',
          idx.name,
          idx.offsetEntryAt(p),
          `idx entry ${p} (${toHex(oid)}) points at offset ${offset}, outside the entries [12, ${pack.trailerAt}) of ${pack.data.name}`,
          toHex(oid),
        );
      }
      previous = oid;
      if ((p & 4095) === 4095) yield;
    }
  }

  /**
   * Every object rebuilt and hashed, base first (`DeltaTreeWalk`). With `treeHelpers`, the
   * trees are split into consecutive rank ranges of equal weight: this thread walks the first
   * while helpers walk the others, and their findings follow this one's in range order, as one
   * walk would have made them. A helper that fails has its range walked here.
   */
  private *checkTrees(plan: DeltaTreePlan, ok: Uint8Array): Generator<void> {
    const helpers = this.options.treeHelpers;
    const parts = helpers ? Math.max(0, Math.floor(helpers.partsFor(this.pack))) : 0;
    const ranges = parts > 0 ? splitRoots(plan, parts + 1) : [{ from: 0, to: plan.types.length }];
    const start = (range: RankRange): HelperRun => new HelperRun(range, (helpers as DeltaTreeHelpers).start(this.pack, plan, range));
    const pending = (this.helperRuns = ranges.slice(1).map(start));
    const resumeHelpers = (): void => {
      if (!this.helpersPaused) return;
      this.helpersPaused = false;
      for (let i = 0; i < pending.length; i++) if (pending[i].paused) pending[i] = start(pending[i].range);
    };
    let walking: DeltaTreeWalk | undefined;
    this.inFlight = () => (walking?.entriesDone ?? 0) + pending.reduce((sum, run) => sum + run.entriesDone, 0);
    const merge = (part: { ok: Uint8Array; findings: Finding[]; entriesDone: number }): void => {
      for (let r = 0; r < ok.length; r++) ok[r] |= part.ok[r];
      this.findings.push(...part.findings);
      this.finished += part.entriesDone;
    };
    const walkHere = function* (this: PackChecker, range: RankRange): Generator<void> {
      walking = new DeltaTreeWalk(this.pack, plan, this.options.hasher, range, this.options.inspect);
      for (const _ of walking.run()) {
        yield;
        resumeHelpers();
      }
      this.deltaBatchReads += walking.deltaBatchReads;
      merge(walking);
      walking = undefined;
    };
    try {
      yield* walkHere.call(this, ranges[0]);
      while (pending.length > 0) {
        resumeHelpers();
        const run = pending[0];
        if (run.result === undefined) {
          this.awaited = run;
          yield;
          continue;
        }
        this.awaited = undefined;
        pending.shift();
        const { ok: partOk, findings, entriesDone, failure } = run.result;
        if (failure === undefined && partOk && findings) {
          merge({ ok: partOk, findings, entriesDone });
          this.treeThreads++;
        } else {
          // Walked here instead: the same findings, in the same place in the order.
          this.helperFailures.push(failure ?? 'the helper returned no result');
          yield* walkHere.call(this, run.range);
        }
      }
    } finally {
      this.awaited = undefined;
      this.inFlight = undefined;
      for (const run of pending) if (run.result === undefined) run.task.cancel();
      this.helperRuns = [];
    }
  }

  /** CRC32 of the entry's stored bytes [offset, end), read through the pass's sequential window. */
  private storedCrc(reader: SequentialReader, offset: number, end: number): number {
    const length = end - offset;
    this.bytesRead += length;
    // Large entries in 1 MiB pieces: the CRC continues across them.
    let crc = 0;
    for (let at = 0; at < length; at += 1 << 20) crc = crc32(reader.read(offset + at, Math.min(1 << 20, length - at)), crc);
    return crc;
  }

  /**
   * Inflates the entry, checks that its stream ends at `end`, rebuilds the object and checks its
   * id. Returns the object's type, or undefined when it could not be read (a finding says why).
   */
  private checkObject(h: PackEntryHeader, end: number, position: number, oidHex: string, baseOffset: number, keepAsBase: boolean, why = `${oidHex} cannot be rebuilt`): ObjectType | undefined {
    const pack = this.pack;
    const file = pack.data.name;
    let inflated: Uint8Array;
    try {
      inflated = pack.inflateEntry(h);
    } catch (err) {
      this.addError(err, 'object', file, h.offset, oidHex, `${oidHex} cannot be inflated`);
      return undefined;
    }
    const streamEnd = streamEndFinding(pack, h, end, inflated, undefined, () => oidHex);
    if (streamEnd) this.findings.push(streamEnd);
    let object: GitObject;
    try {
      if (!isDelta(h.type)) {
        object = { type: typeName(h.type), data: inflated };
      } else {
        const base = pack.readObject(baseOffset, false, true);
        // The pack's own size checks and expansion budget, as every other reader of its deltas.
        object = { type: base.type, data: pack.applyEntryDelta(h, base.data, inflated) };
      }
    } catch (err) {
      if (err instanceof PackscopeError && (err.offset !== h.offset || (err.file ?? file) !== file)) {
        // The failure is further down the chain: name this object's entry, and where it broke.
        this.add('error', 'delta', err.kind, file, h.offset, `${why}: ${err.message}`, oidHex);
        if (err.offset !== undefined) this.findings[this.findings.length - 1].cause = { file: err.file ?? file, offset: err.offset };
      } else {
        this.addError(err, isDelta(h.type) ? 'delta' : 'object', file, h.offset, oidHex, why);
      }
      return undefined;
    }
    if (keepAsBase) pack.cacheObject(h.offset, object);
    const actual = hashObject(this.options.hasher, pack.ctx.algo, object.type, object.data);
    if (!bytesEqual(actual, pack.idx.oidAt(position))) {
      this.findings.push(oidMismatch(pack, h.offset, object.type, actual, oidHex, position));
    } else if (this.options.inspect && object.type !== 'blob') {
      this.options.inspect(oidHex, object.type, object.data, h.offset);
    }
    return object.type;
  }

  /** The .rev: loads, is a permutation, matches the idx's order and the pack's checksum. */
  private checkRev(source: ByteSource, positions: Uint32Array): void {
    const pack = this.pack;
    const idx = pack.idx;
    let rev: ReverseIndex;
    try {
      rev = ReverseIndex.open(source, idx.count, pack.ctx.algo);
      rev.validate();
    } catch (err) {
      this.addError(err, 'cross-check', source.name, 0);
      return;
    }
    const diff = rev.checkAgainst(positions);
    const entry = diff?.revEntry;
    if (diff && entry) {
      const found = entry.found !== undefined && entry.found < idx.count ? ` (${idx.oidHexAt(entry.found)})` : '';
      const expected = entry.expected !== undefined ? ` (${idx.oidHexAt(entry.expected)}, at offset ${pack.packOrder().offsets[entry.index]} of ${pack.data.name})` : '';
      this.add(
        'error',
        'cross-check',
        'Mismatch',
        source.name,
        diff.offset,
        `${diff.message}: pack-order entry ${entry.index} names idx position ${entry.found ?? 'none'}${found}, but the idx's offsets put position ${entry.expected ?? 'none'}${expected} there`,
        entry.expected !== undefined ? idx.oidHexAt(entry.expected) : undefined,
      );
    }
    if (!rev.matchesPack(readPackTrailer(pack.data, pack.ctx.algo))) {
      this.add(
        'error',
        'cross-check',
        'Mismatch',
        source.name,
        rev.layout().packChecksum.offset,
        `the copy of the pack checksum in ${source.name} is ${rev.packChecksumHex()}, but ${pack.data.name} ends with ${toHex(readPackTrailer(pack.data, pack.ctx.algo))}`,
      );
    }
  }
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
