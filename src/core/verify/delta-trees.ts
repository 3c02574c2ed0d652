import { compareBytes, u32 } from '../bytes/be.ts';
import { ExtentBatch, type ExtentBatchOptions } from '../bytes/extent-batch.ts';
import { SequentialReader } from '../bytes/sequential-reader.ts';
import { readExact } from '../bytes/window-cache.ts';
import { adler32 } from '../hash/adler32.ts';
import { hashObject, type HasherFactory } from '../hash/hasher.ts';
import { toHex } from '../hash/hex.ts';
import type { PackEntryHeader } from '../format/pack.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, typeName, type GitObject, type ObjectType } from '../objects/types.ts';
import type { PackFile } from '../odb/pack-file.ts';
import type { Finding } from './findings.ts';

/**
 * The object step of a pack's verification: every whole object in pack order is decoded, hashed
 * and checked, then its deltas, depth first, each applied to the base in hand (as index-pack
 * does), instead of a chain walk per object through a cache. A plan (`DeltaTreePlan`, typed
 * arrays only) describes the pack's trees; a walk (`DeltaTreeWalk`) checks the trees of the whole
 * objects in one range of ranks. The range split (`splitRoots`) lets several threads each walk a
 * part of the same plan (the browser's tree helpers): each part's findings, in part order, are
 * the findings one walk would have made.
 */

/** Bytes of decoded objects a walk holds on its stack before frames let go. */
const TREE_BUDGET = 64 << 20;

/**
 * The deltas of consecutive trees are read together, in batches of about this many stored bytes
 * (`ExtentBatch`), before their trees are walked: a tree's deltas lie scattered over the pack,
 * and one read each cost ~1.3 ms in the browser (45k reads on git.git). Deltas closer than the
 * gap share a read. A delta larger than a quarter of the batch is read on its own.
 */
const DELTA_BATCH: ExtentBatchOptions & { bytes: number } = { bytes: 64 << 20, gapBytes: 128 << 10, maxReadBytes: 4 << 20 };

/**
 * Everything a walk needs about a pack's entries, by pack-order rank, as typed arrays (so a plan
 * can be posted to another thread):
 *
 *   types[r]          entry type (1-4 whole, 6 ofs-delta, 7 ref-delta; 0 = header unreadable)
 *   sizes[r]          declared size (a delta's: the delta data)
 *   headerLengths[r]  the zlib stream starts at offsets[r] + headerLengths[r]
 *   offsets, ends     the entry's stored bytes [offsets[r], ends[r])
 *   positions[r]      idx position (where its id is in `oids`)
 *   depths[r]         0 whole, > 0 delta depth, < 0 unknown or broken (never walked)
 *   childStart, children   the deltas built on r: children[childStart[r] .. childStart[r + 1])
 *   oids              every id by idx position (`idx.allOids()`)
 */
export interface DeltaTreePlan {
  types: Uint8Array;
  sizes: Float64Array;
  headerLengths: Uint8Array;
  offsets: Float64Array;
  ends: Float64Array;
  positions: Uint32Array;
  depths: Int32Array;
  childStart: Int32Array;
  children: Int32Array;
  oids: Uint8Array;
}

/** A half-open range of pack-order ranks: the whole objects in it and every delta built on them. */
export interface RankRange {
  from: number;
  to: number;
}

/** The children table of a plan from each entry's base rank (only deltas with a known depth). */
export function childTable(depths: Int32Array, baseRanks: Int32Array): { childStart: Int32Array; children: Int32Array } {
  const n = depths.length;
  const childStart = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) if (depths[r] > 0) childStart[baseRanks[r] + 1]++;
  for (let r = 0; r < n; r++) childStart[r + 1] += childStart[r];
  const children = new Int32Array(childStart[n]);
  const fill = childStart.slice(0, n);
  for (let r = 0; r < n; r++) if (depths[r] > 0) children[fill[baseRanks[r]]++] = r;
  return { childStart, children };
}

/**
 * What an entry costs a walk beyond its stored bytes, in stored bytes (measured on git.git: ~9 µs
 * an entry against ~36 ns a stored byte). By bytes alone the first range of git.git took 112k
 * entries and 10 s, the second 737k and 15 s.
 */
const ENTRY_WEIGHT = 256;

/**
 * Splits the ranks into `parts` consecutive ranges holding about equal work: a whole object's
 * weight is that of its tree (itself and every delta on it): stored bytes, which a walk reads
 * and inflates, plus `ENTRY_WEIGHT` an entry. A range never splits a tree.
 */
export function splitRoots(plan: DeltaTreePlan, parts: number): RankRange[] {
  const n = plan.types.length;
  const { offsets, ends, depths, childStart, children } = plan;
  // Each delta's bytes go to its root: walk the trees from every root once.
  const weight = new Float64Array(n);
  let total = 0;
  const stack: number[] = [];
  for (let root = 0; root < n; root++) {
    if (depths[root] !== 0) continue;
    let w = ends[root] - offsets[root] + ENTRY_WEIGHT;
    stack.push(root);
    while (stack.length > 0) {
      const r = stack.pop() as number;
      for (let c = childStart[r]; c < childStart[r + 1]; c++) {
        const child = children[c];
        w += ends[child] - offsets[child] + ENTRY_WEIGHT;
        stack.push(child);
      }
    }
    weight[root] = w;
    total += w;
  }
  const ranges: RankRange[] = [];
  let from = 0;
  let sum = 0;
  for (let r = 0; r < n && ranges.length < parts - 1; r++) {
    sum += weight[r];
    if (sum >= (total * (ranges.length + 1)) / parts) {
      ranges.push({ from, to: r + 1 });
      from = r + 1;
    }
  }
  ranges.push({ from, to: n });
  while (ranges.length < parts) ranges.push({ from: n, to: n });
  return ranges;
}

function isDelta(type: number): boolean {
  return type === PACK_OFS_DELTA || type === PACK_REF_DELTA;
}

/** The header of entry `rank` from the plan's columns (an OFS base offset is not kept: ranks hold it). */
function headerOf(plan: DeltaTreePlan, rank: number): PackEntryHeader {
  const offset = plan.offsets[rank];
  return { offset, type: plan.types[rank] as PackEntryHeader['type'], size: plan.sizes[rank], dataOffset: offset + plan.headerLengths[rank] };
}

/**
 * Walks the trees of the whole objects in `range`; resumable (a generator that yields after
 * every entry). `ok[r]` is 1 for each entry built and checked. A node that fails is left at 0
 * with its subtree and no finding: the caller's entry-by-entry pass explains it with the chain
 * in view. Findings here are the ones about entries that were built: an id that does not match,
 * a stream that does not end where the next entry begins.
 */
export class DeltaTreeWalk {
  readonly ok: Uint8Array;
  readonly findings: Finding[] = [];
  /** Entries built (for progress). */
  entriesDone = 0;
  /** Source reads the delta batches took (for the read-path tests). */
  deltaBatchReads = 0;

  constructor(
    private readonly pack: PackFile,
    private readonly plan: DeltaTreePlan,
    private readonly hasher: HasherFactory,
    private readonly range: RankRange = { from: 0, to: plan.types.length },
    private readonly inspect?: ObjectInspector,
  ) {
    this.ok = new Uint8Array(plan.types.length);
  }

  *run(): Generator<void> {
    const pack = this.pack;
    const plan = this.plan;
    const { depths, types, ends, positions, childStart, children } = plan;
    const ok = this.ok;

    interface Frame {
      rank: number;
      type: ObjectType;
      data: Uint8Array | undefined;
      next: number;
    }
    const stack: Frame[] = [];
    let held = 0;
    // Whole objects come in pack order: one forward window reads them, each byte once. Deltas
    // come from the batch of their trees, else from the window, else at their exact extent.
    const data = pack.data;
    const ahead = new SequentialReader(data);
    const readRoot = (offset: number, length: number): Uint8Array => ahead.read(offset, length);
    let batch: ExtentBatch | undefined;
    let batchEnd = 0;
    const readChild = (offset: number, length: number): Uint8Array => batch?.get(offset, length) ?? ahead.peek(offset, length) ?? readExact(data, offset, length);
    try {
      for (let root = this.range.from; root < this.range.to; root++) {
        if (depths[root] !== 0 || types[root] === 0) continue;
        if (root >= batchEnd) {
          batch = undefined; // let go of the last batch before reading the next
          ({ batch, end: batchEnd } = this.readDeltaBatch(root));
          this.deltaBatchReads += batch.sourceReads;
        }
        const rootHeader = headerOf(plan, root);
        const object = this.checkNode(rootHeader, ends[root], positions[root], undefined, typeName(rootHeader.type), readRoot);
        if (!object) {
          yield; // the entry-by-entry pass names the failure
          continue;
        }
        ok[root] = 1;
        this.entriesDone++;
        yield;
        if (childStart[root + 1] === childStart[root]) continue;
        stack.push({ rank: root, type: object.type, data: object.data, next: childStart[root] });
        held += object.data.length;
        while (stack.length > 0) {
          const top = stack[stack.length - 1];
          if (top.next >= childStart[top.rank + 1]) {
            stack.pop();
            if (top.data) held -= top.data.length;
            continue;
          }
          const child = children[top.next++];
          if (!top.data) {
            // Let go of under memory pressure: rebuilt through the cache (and its own chain).
            try {
              top.data = pack.readObject(plan.offsets[top.rank], false, true).data;
              held += top.data.length;
            } catch {
              continue; // the child stays unvisited: the entry-by-entry pass explains it
            }
          }
          const built = this.checkNode(headerOf(plan, child), ends[child], positions[child], top.data, top.type, readChild);
          if (!built) {
            yield;
            continue;
          }
          ok[child] = 1;
          this.entriesDone++;
          if (childStart[child + 1] > childStart[child]) {
            stack.push({ rank: child, type: top.type, data: built.data, next: childStart[child] });
            held += built.data.length;
            // Over the budget: the frames nearest the root let go first (they are needed last).
            for (let i = 0; held > TREE_BUDGET && i < stack.length - 1; i++) {
              const f = stack[i];
              if (f.data) {
                held -= f.data.length;
                f.data = undefined;
              }
            }
          }
          yield;
        }
      }
    } finally {
      ahead.release();
    }
  }

  /**
   * The stored bytes of every delta in the trees of the whole objects from rank `first` on (inside
   * the range), until about `DELTA_BATCH.bytes` are gathered (and never more than twice that).
   * `end` is the rank after the last whole object whose trees the batch holds.
   */
  private readDeltaBatch(first: number): { batch: ExtentBatch; end: number } {
    const { offsets, ends, depths, childStart, children } = this.plan;
    const largest = DELTA_BATCH.bytes / 4;
    let ranks = new Int32Array(1024);
    let count = 0;
    let bytes = 0;
    const pending: number[] = [];
    let root = first;
    for (; root < this.range.to && bytes < DELTA_BATCH.bytes; root++) {
      if (depths[root] !== 0) continue;
      pending.push(root);
      while (pending.length > 0) {
        const r = pending.pop() as number;
        for (let c = childStart[r]; c < childStart[r + 1]; c++) {
          const child = children[c];
          pending.push(child);
          const length = ends[child] - offsets[child];
          if (length > largest || bytes + length > 2 * DELTA_BATCH.bytes) continue; // read alone
          if (count === ranks.length) {
            const grown = new Int32Array(count * 2);
            grown.set(ranks);
            ranks = grown;
          }
          ranks[count++] = child;
          bytes += length;
        }
      }
    }
    const sorted = ranks.subarray(0, count).sort();
    const starts = new Float64Array(count);
    const extentEnds = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      starts[i] = offsets[sorted[i]];
      extentEnds[i] = ends[sorted[i]];
    }
    return { batch: new ExtentBatch(this.pack.data, starts, extentEnds, DELTA_BATCH), end: root };
  }

  /**
   * Inflates one entry, checks where its stream ends, applies it to `baseData` when it is a
   * delta, and checks the object's id. Undefined (and no finding) when it cannot be built.
   */
  private checkNode(
    h: PackEntryHeader,
    end: number,
    position: number,
    baseData: Uint8Array | undefined,
    type: ObjectType,
    read: (offset: number, length: number) => Uint8Array,
  ): GitObject | undefined {
    const pack = this.pack;
    let inflated: Uint8Array;
    let stored: Uint8Array;
    let object: GitObject;
    try {
      ({ data: inflated, stored } = pack.inflateStored(h, read));
      object = { type, data: isDelta(h.type) ? pack.applyEntryDelta(h, baseData as Uint8Array, inflated) : inflated };
    } catch {
      return undefined;
    }
    const oidHex = (): string => oidHexAt(this.plan.oids, position, pack.ctx.algo.size);
    const streamEnd = streamEndFinding(pack, h, end, inflated, stored, oidHex);
    if (streamEnd) this.findings.push(streamEnd);
    const algo = pack.ctx.algo;
    const actual = hashObject(this.hasher, algo, object.type, object.data);
    if (compareBytes(actual, 0, this.plan.oids, position * algo.size, algo.size) !== 0) {
      this.findings.push(oidMismatch(pack, h.offset, object.type, actual, oidHex(), position));
    } else if (this.inspect && object.type !== 'blob') {
      this.inspect(oidHex(), object.type, object.data, h.offset);
    }
    return object;
  }
}

/**
 * Sees each commit, tree and tag whose id checked out, with its bytes and entry offset (git's
 * verify_pack hands fsck only those): fsck's per-object format checks.
 */
export type ObjectInspector = (oid: string, type: ObjectType, data: Uint8Array, offset: number) => void;

/** The id at idx `position` of an `allOids` table, in hex. */
export function oidHexAt(oids: Uint8Array, position: number, size: number): string {
  return toHex(oids.subarray(position * size, position * size + size));
}

/** The finding for an object that hashes to another id than the idx lists. */
export function oidMismatch(pack: PackFile, offset: number, type: ObjectType, actual: Uint8Array, oidHex: string, position: number): Finding {
  return {
    severity: 'error',
    check: 'oid',
    kind: 'Mismatch',
    file: pack.data.name,
    message: `the ${type} at offset ${offset} hashes to ${toHex(actual)}, but ${pack.idx.name} lists it as ${oidHex} (position ${position}): its content was changed, or the idx entry points at the wrong object`,
    offset,
    oid: oidHex,
  };
}

/**
 * A zlib stream ends with the Adler-32 of what it inflates to. If the four bytes before `end`
 * are not that, the stream does not end where the next listed entry begins: find where it does
 * end (the Adler-32 further on or earlier) and say which bytes no listed entry explains.
 * `stored`, when it is [dataOffset, end), saves a read.
 */
export function streamEndFinding(pack: PackFile, h: PackEntryHeader, end: number, inflated: Uint8Array, stored: Uint8Array | undefined, oidHex: () => string): Finding | undefined {
  const data = pack.data;
  const file = data.name;
  if (end - 4 < h.dataOffset + 2) return undefined; // too short to hold a stream: inflation already failed
  const want = adler32(inflated);
  const last = stored !== undefined && stored.length === end - h.dataOffset ? u32(stored, stored.length - 4) : u32(readExact(data, end - 4, 4), 0);
  if (last === want) return undefined;
  const oid = oidHex();
  const searchEnd = Math.min(data.size, h.dataOffset + inflated.length + 5 * (Math.ceil(inflated.length / 65535) + 1) + 6);
  const window = data.read(h.dataOffset, searchEnd - h.dataOffset).slice();
  let streamEnd = -1;
  for (let i = 2; i + 4 <= window.length; i++) {
    if (window[i] * 16777216 + window[i + 1] * 65536 + window[i + 2] * 256 + window[i + 3] === want) {
      streamEnd = h.dataOffset + i + 4;
      break;
    }
  }
  const next = end === pack.trailerAt ? 'the trailing checksum' : 'the next entry the idx lists';
  const finding = (offset: number, message: string): Finding => ({ severity: 'error', check: 'cross-check', kind: 'Mismatch', file, message, offset, oid });
  if (streamEnd >= 0 && streamEnd < end) {
    return finding(
      streamEnd,
      `the zlib stream of ${oid} (entry at ${h.offset}) ends at offset ${streamEnd}, but ${next} begins at ${end}: bytes [${streamEnd}, ${end}) belong to no entry the idx lists (an unlisted object, or a wrong offset)`,
    );
  }
  if (streamEnd > end) {
    return finding(end, `the zlib stream of ${oid} (entry at ${h.offset}) runs on to offset ${streamEnd}, past ${next} at ${end}: the idx offset ${end} points inside this entry`);
  }
  return finding(
    end - 4,
    `the zlib stream of ${oid} (entry at ${h.offset}) does not end with its Adler-32 where ${next} begins (${end}): the stream's last bytes were changed, or the entry boundaries the idx gives are wrong`,
  );
}

/** What a helper thread returns for its range: `ok` and `findings` as a walk leaves them. */
export interface DeltaTreeResult {
  entriesDone: number;
  ok?: Uint8Array;
  findings?: Finding[];
  /** Why the helper could not finish (its range is then walked by the caller). */
  failure?: string;
}

/** A range being walked on another thread. */
export interface DeltaTreeTask {
  /** Entries built so far, as last reported. */
  readonly entriesDone: number;
  /** Settles with the range's result, or a result with `failure`. */
  readonly result: Promise<DeltaTreeResult>;
  /** Stops the helper (its result is no longer wanted). */
  cancel(): void;
}

/** Threads that walk ranges of a plan for a pack checker (the host provides them). */
export interface DeltaTreeHelpers {
  /** How many ranges other threads take for this pack (0: all are walked by the caller). */
  partsFor(pack: PackFile): number;
  start(pack: PackFile, plan: DeltaTreePlan, range: RankRange): DeltaTreeTask;
}
