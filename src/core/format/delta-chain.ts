import { fail, type ErrorPlace } from '../errors.ts';
import { copyLength, copyOffset, readCopy, readDeltaHeader } from './delta.ts';

/**
 * A chain of deltas applied in one pass: the base, then deltas[0] on it, deltas[1] on that
 * result, and so on. Instead of building every intermediate object (git's way: a 6-step chain of
 * 24 KB objects copies 144 KB to produce 24), each intermediate is kept as a table of pieces,
 * and every piece says where its bytes really come from:
 *
 * | field  | meaning                                                         |
 * |--------|-----------------------------------------------------------------|
 * | start  | where the piece begins in this intermediate object              |
 * | source | -1: the base object; i >= 0: the bytes inserted by deltas[i]    |
 * | from   | where the piece begins in its source                            |
 * | length | its length                                                      |
 *
 * A copy instruction of the next delta is traced through the table (a binary search, then the
 * pieces it overlaps), so the final object is assembled from the base and the deltas' inserts
 * with one copy per byte. Every delta is checked exactly as `applyDelta` checks it: the base size
 * it expects, each copy inside the object it copies from, each insert inside the delta, and the
 * size it declares.
 *
 * A table is never larger than its object has bytes: when pieces average under 16 bytes
 * (a hostile chain can fragment them), the intermediate is built as bytes and becomes the base
 * of the rest of the chain. The work per delta is so bounded by its instructions and its
 * declared size, as it is for `applyDelta`.
 */

/** Pieces averaging fewer bytes than this: build the intermediate instead of tracing through it. */
const MIN_AVERAGE_PIECE = 16;
/** Tables always allowed this many pieces, whatever the object's size. */
const MIN_PIECE_ALLOWANCE = 1024;
/** A scratch table grown past this many pieces is not kept for the next call. */
const KEEP_CAPACITY = 1 << 16;
/** Below this length a copy is a byte loop: cheaper than creating a subarray view. */
const SHORT_COPY = 24;

const BASE = -1;

/** One intermediate object as pieces (see the table above). */
class PieceTable {
  start: Float64Array;
  from: Float64Array;
  length: Float64Array;
  source: Int32Array;
  count = 0;
  /** The object's size: the end of the last piece. */
  size = 0;

  constructor(capacity: number) {
    this.start = new Float64Array(capacity);
    this.from = new Float64Array(capacity);
    this.length = new Float64Array(capacity);
    this.source = new Int32Array(capacity);
  }

  clear(): void {
    this.count = 0;
    this.size = 0;
  }

  /** Appends a piece, merged into the last one when it continues it. */
  push(source: number, from: number, length: number): void {
    if (length === 0) return;
    const n = this.count;
    if (n > 0 && this.source[n - 1] === source && this.from[n - 1] + this.length[n - 1] === from) {
      this.length[n - 1] += length;
      this.size += length;
      return;
    }
    if (n === this.start.length) this.grow();
    this.start[n] = this.size;
    this.from[n] = from;
    this.length[n] = length;
    this.source[n] = source;
    this.count = n + 1;
    this.size += length;
  }

  /** The index of the piece holding byte `at` (0 <= at < size), searching from `hint`. */
  find(at: number, hint: number): number {
    const start = this.start;
    if (hint < this.count && start[hint] <= at) {
      // Copies mostly walk forward: try the hint and its next two neighbours first.
      for (let i = hint; i < hint + 3 && i < this.count; i++) {
        if (i + 1 === this.count || start[i + 1] > at) return i;
      }
    }
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (start[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private grow(): void {
    const capacity = this.start.length * 2;
    const start = new Float64Array(capacity);
    const from = new Float64Array(capacity);
    const length = new Float64Array(capacity);
    const source = new Int32Array(capacity);
    start.set(this.start);
    from.set(this.from);
    length.set(this.length);
    source.set(this.source);
    this.start = start;
    this.from = from;
    this.length = length;
    this.source = source;
  }
}

let scratchA = new PieceTable(256);
let scratchB = new PieceTable(256);

/**
 * Applies `deltas` in order (deltas[0] to `base`) and returns the last result. `places[i]` names
 * deltas[i] in errors (its pack entry). `into`, as for `applyDelta`: a buffer for the result.
 */
export function applyDeltaChain(base: Uint8Array, deltas: readonly Uint8Array[], places: readonly ErrorPlace[], into?: Uint8Array): Uint8Array {
  let current = scratchA;
  let next = scratchB;
  let baseBytes = base;
  current.clear();
  current.push(BASE, 0, base.length);
  try {
    for (let d = 0; d < deltas.length; d++) {
      traceDelta(current, next, deltas[d], d, places[d] ?? {});
      [current, next] = [next, current];
      if (d + 1 < deltas.length && current.count > Math.max(MIN_PIECE_ALLOWANCE, current.size / MIN_AVERAGE_PIECE)) {
        // Fragmented: build this intermediate and continue from it as the base.
        baseBytes = assemble(current, baseBytes, deltas);
        current.clear();
        current.push(BASE, 0, baseBytes.length);
      }
    }
    return assemble(current, baseBytes, deltas, into);
  } finally {
    if (scratchA.start.length > KEEP_CAPACITY) scratchA = new PieceTable(256);
    if (scratchB.start.length > KEEP_CAPACITY) scratchB = new PieceTable(256);
  }
}

/** Reads `delta` (number `index` of the chain) against the object `prior` describes, into `out`. */
function traceDelta(prior: PieceTable, out: PieceTable, delta: Uint8Array, index: number, place: ErrorPlace): void {
  const header = readDeltaHeader(delta, place);
  const priorSize = prior.size;
  if (header.baseSize !== priorSize) fail('CorruptObject', `delta expects a base of ${header.baseSize} bytes, the base has ${priorSize}`, place);
  const targetSize = header.targetSize;
  out.clear();
  let pos = header.instructionsAt;
  const end = delta.length;
  let hint = 0;
  while (pos < end) {
    const cmd = delta[pos++];
    if (cmd & 0x80) {
      pos = readCopy(delta, pos, cmd);
      const offset = copyOffset;
      const length = copyLength;
      if (pos > end) fail('CorruptObject', 'delta copy instruction is cut off', place);
      if (offset + length > priorSize || out.size + length > targetSize) {
        fail('CorruptObject', `delta copies [${offset}, ${offset + length}) from a base of ${priorSize} bytes into a target of ${targetSize}`, place);
      }
      // The pieces of the prior object that [offset, offset + length) overlaps.
      let p = prior.find(offset, hint);
      let at = offset;
      let left = length;
      while (left > 0) {
        const into = at - prior.start[p];
        const take = Math.min(left, prior.length[p] - into);
        out.push(prior.source[p], prior.from[p] + into, take);
        at += take;
        left -= take;
        if (left > 0) p++;
      }
      hint = p;
    } else if (cmd !== 0) {
      if (pos + cmd > end || out.size + cmd > targetSize) {
        fail('CorruptObject', `delta inserts ${cmd} bytes past the end of the delta or the target`, place);
      }
      out.push(index, pos, cmd);
      pos += cmd;
    } else {
      fail('CorruptObject', 'delta holds the reserved instruction 0', place);
    }
  }
  if (out.size !== targetSize) fail('CorruptObject', `delta produced ${out.size} bytes, it declares ${targetSize}`, place);
}

/** Builds the object a table describes. */
function assemble(table: PieceTable, base: Uint8Array, deltas: readonly Uint8Array[], into?: Uint8Array): Uint8Array {
  const size = table.size;
  const out = into !== undefined && into.length >= size ? into.subarray(0, size) : new Uint8Array(size);
  const { start, from, length, source } = table;
  for (let i = 0; i < table.count; i++) {
    const bytes = source[i] === BASE ? base : deltas[source[i]];
    const at = start[i];
    const f = from[i];
    const n = length[i];
    if (n < SHORT_COPY) {
      for (let k = 0; k < n; k++) out[at + k] = bytes[f + k];
    } else {
      out.set(bytes.subarray(f, f + n), at);
    }
  }
  return out;
}
