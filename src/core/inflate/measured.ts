import { adler32 } from '../hash/adler32.ts';
import { CODE_LENGTH_ORDER, DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA } from './deflate-tables.ts';
import { InflateFailure, checkZlibHeader } from './inflate-failure.ts';

/**
 * A complete zlib inflater that also says where the stream ENDS: how many input bytes the
 * header, the deflate blocks and the Adler-32 trailer took. A `.pack` without its `.idx`
 * stores entries back to back with no lengths, so walking it (what `git index-pack` does)
 * needs exactly this; fflate's `inflateSync` does not report the input it consumed.
 *
 * zlib stream (RFC 1950), deflate blocks (RFC 1951, bits least significant first):
 * | bytes | field                                                |
 * |-------|------------------------------------------------------|
 * | 2     | CMF, FLG (checked by checkZlibHeader)                |
 * | ...   | blocks: BFINAL (1 bit), BTYPE (2 bits), block body   |
 * | 4     | Adler-32 of the output, big-endian, byte-aligned     |
 *
 * Codes are decoded with one table lookup: the table is indexed by the next `maxBits` input
 * bits (codes are stored bit-reversed) and holds `symbol << 4 | code length`.
 */

/** The stream's output and the number of input bytes it occupied (header to Adler-32 included). */
export interface MeasuredInflate {
  data: Uint8Array;
  consumed: number;
}

/** The input ended before the stream did: more input may complete it (or the file is cut). */
export class InflateInputEnded extends InflateFailure {
  constructor() {
    super('zlib stream ends early');
    this.name = 'InflateInputEnded';
  }
}

/** Something that inflates one whole zlib stream of a known output size and measures it. */
export interface MeasuringInflater {
  /**
   * Inflates the stream at the start of `input` (which may run past its end) that must produce
   * exactly `size` bytes. Throws InflateInputEnded when `input` stops before the stream ends,
   * InflateFailure when the stream is corrupt, too long or too short.
   */
  inflateMeasured(input: Uint8Array, size: number): MeasuredInflate;
}

/** A decoding table: entries indexed by `maxBits` bit-reversed input bits. */
interface CodeTable {
  table: Uint16Array;
  maxBits: number;
}

/**
 * Builds the lookup table of a canonical code. Rejects over-subscribed codes (more codes than
 * the lengths allow) as zlib does; missing codes of an incomplete code stay 0 and fail when met.
 */
function buildTable(lengths: Uint8Array, n: number, what: string, scratch?: Uint16Array): CodeTable {
  const counts = new Uint16Array(16);
  let maxBits = 0;
  for (let s = 0; s < n; s++) {
    counts[lengths[s]]++;
    if (lengths[s] > maxBits) maxBits = lengths[s];
  }
  counts[0] = 0;
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left = left * 2 - counts[len];
    if (left < 0) throw new InflateFailure(`zlib stream is corrupt (over-subscribed ${what} code)`);
  }
  if (maxBits === 0) maxBits = 1;
  const nextCode = new Uint16Array(16);
  let code = 0;
  for (let len = 1; len < 16; len++) {
    code = (code + counts[len - 1]) << 1;
    nextCode[len] = code;
  }
  const size = 1 << maxBits;
  // Dynamic blocks reuse one table per code (a fresh 64 KiB table per block was most of the
  // garbage collector's work on a pack of small objects); the fixed codes keep their own.
  const table = scratch ? scratch.subarray(0, size) : new Uint16Array(size);
  if (scratch) table.fill(0);
  for (let sym = 0; sym < n; sym++) {
    const len = lengths[sym];
    if (len === 0) continue;
    let c = nextCode[len]++;
    let reversed = 0;
    for (let i = 0; i < len; i++) {
      reversed = (reversed << 1) | (c & 1);
      c >>= 1;
    }
    const entry = (sym << 4) | len;
    for (let fill = reversed; fill < size; fill += 1 << len) table[fill] = entry;
  }
  return { table, maxBits };
}

const FIXED_LIT_LENGTHS = new Uint8Array(288);
for (let s = 0; s < 288; s++) FIXED_LIT_LENGTHS[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
const FIXED_LIT = buildTable(FIXED_LIT_LENGTHS, 288, 'literal/length');
const FIXED_DIST = buildTable(new Uint8Array(30).fill(5), 30, 'distance');

const INPUT_ENDED = new InflateInputEnded();

// Scratch space of the dynamic-block decoder (one call at a time: nothing here is re-entrant).
const LIT_SCRATCH = new Uint16Array(1 << 15);
const DIST_SCRATCH = new Uint16Array(1 << 15);
const CODE_LENGTH_SCRATCH = new Uint16Array(1 << 7);
const CODE_LENGTHS = new Uint8Array(19);
const LENGTHS = new Uint8Array(286 + 30);

/** The portable measuring inflater (pure TypeScript). */
export function inflateMeasured(input: Uint8Array, size: number): MeasuredInflate {
  checkZlibHeader(input);
  const out = new Uint8Array(size);
  const end = input.length;
  let pos = 2;
  let bitBuf = 0;
  let bitCount = 0;
  let n = 0;
  let final = 0;
  const tooLong = (): never => {
    throw new InflateFailure(`zlib stream runs long: more than the ${size} bytes the header declares`);
  };

  while (!final) {
    if (bitCount < 3) {
      if (pos >= end) throw INPUT_ENDED;
      bitBuf |= input[pos++] << bitCount;
      bitCount += 8;
    }
    final = bitBuf & 1;
    const type = (bitBuf >>> 1) & 3;
    bitBuf >>>= 3;
    bitCount -= 3;

    if (type === 0) {
      // Stored: skip to the byte boundary; whole bytes left in the bit buffer are given back.
      pos -= bitCount >>> 3;
      bitBuf = 0;
      bitCount = 0;
      if (pos + 4 > end) throw INPUT_ENDED;
      const len = input[pos] | (input[pos + 1] << 8);
      const nlen = input[pos + 2] | (input[pos + 3] << 8);
      pos += 4;
      if ((len ^ 0xffff) !== nlen) throw new InflateFailure('zlib stream is corrupt (stored block length check fails)');
      if (pos + len > end) throw INPUT_ENDED;
      if (n + len > size) tooLong();
      out.set(input.subarray(pos, pos + len), n);
      n += len;
      pos += len;
      continue;
    }

    let lit: CodeTable;
    let dist: CodeTable;
    if (type === 1) {
      lit = FIXED_LIT;
      dist = FIXED_DIST;
    } else if (type === 2) {
      // Dynamic: HLIT (5), HDIST (5), HCLEN (4), code-length code lengths (3 each), then lengths.
      while (bitCount < 14) {
        if (pos >= end) throw INPUT_ENDED;
        bitBuf |= input[pos++] << bitCount;
        bitCount += 8;
      }
      const nlen = (bitBuf & 31) + 257;
      const ndist = ((bitBuf >>> 5) & 31) + 1;
      const ncode = ((bitBuf >>> 10) & 15) + 4;
      bitBuf >>>= 14;
      bitCount -= 14;
      if (nlen > 286 || ndist > 30) throw new InflateFailure('zlib stream is corrupt (too many length or distance codes)');
      const codeLengths = CODE_LENGTHS;
      codeLengths.fill(0);
      for (let i = 0; i < ncode; i++) {
        if (bitCount < 3) {
          if (pos >= end) throw INPUT_ENDED;
          bitBuf |= input[pos++] << bitCount;
          bitCount += 8;
        }
        codeLengths[CODE_LENGTH_ORDER[i]] = bitBuf & 7;
        bitBuf >>>= 3;
        bitCount -= 3;
      }
      const lengthCode = buildTable(codeLengths, 19, 'code-length', CODE_LENGTH_SCRATCH);
      const total = nlen + ndist;
      const lengths = LENGTHS.subarray(0, total);
      const lcMask = (1 << lengthCode.maxBits) - 1;
      for (let i = 0; i < total; ) {
        // Up to 7 bits of code and 7 extra bits.
        while (bitCount < 14) {
          if (pos >= end) throw INPUT_ENDED;
          bitBuf |= input[pos++] << bitCount;
          bitCount += 8;
        }
        const entry = lengthCode.table[bitBuf & lcMask];
        const len = entry & 15;
        if (len === 0) throw new InflateFailure('zlib stream is corrupt (invalid code-length code)');
        bitBuf >>>= len;
        bitCount -= len;
        const sym = entry >>> 4;
        if (sym < 16) {
          lengths[i++] = sym;
          continue;
        }
        let repeat: number;
        let value = 0;
        if (sym === 16) {
          if (i === 0) throw new InflateFailure('zlib stream is corrupt (repeat with no previous length)');
          value = lengths[i - 1];
          repeat = 3 + (bitBuf & 3);
          bitBuf >>>= 2;
          bitCount -= 2;
        } else if (sym === 17) {
          repeat = 3 + (bitBuf & 7);
          bitBuf >>>= 3;
          bitCount -= 3;
        } else {
          repeat = 11 + (bitBuf & 127);
          bitBuf >>>= 7;
          bitCount -= 7;
        }
        if (i + repeat > total) throw new InflateFailure('zlib stream is corrupt (too many code lengths)');
        while (repeat-- > 0) lengths[i++] = value;
      }
      if (lengths[256] === 0) throw new InflateFailure('zlib stream is corrupt (no end-of-block code)');
      lit = buildTable(lengths, nlen, 'literal/length', LIT_SCRATCH);
      dist = buildTable(lengths.subarray(nlen), ndist, 'distance', DIST_SCRATCH);
    } else {
      throw new InflateFailure('zlib stream is corrupt (invalid block type 3)');
    }

    const litTable = lit.table;
    const litBits = lit.maxBits;
    const litMask = (1 << litBits) - 1;
    const distTable = dist.table;
    const distBits = dist.maxBits;
    const distMask = (1 << distBits) - 1;
    for (;;) {
      // A valid stream always has the Adler-32 (32 bits) after its last code, so reading ahead
      // `maxBits` never needs bytes beyond the stream: running out means the input is cut.
      while (bitCount < litBits) {
        if (pos >= end) throw INPUT_ENDED;
        bitBuf |= input[pos++] << bitCount;
        bitCount += 8;
      }
      const entry = litTable[bitBuf & litMask];
      const len = entry & 15;
      if (len === 0) throw new InflateFailure('zlib stream is corrupt (invalid literal/length code)');
      bitBuf >>>= len;
      bitCount -= len;
      const sym = entry >>> 4;
      if (sym < 256) {
        if (n >= size) tooLong();
        out[n++] = sym;
        continue;
      }
      if (sym === 256) break;
      const li = sym - 257;
      if (li >= 29) throw new InflateFailure('zlib stream is corrupt (invalid length code)');
      const lengthExtra = LENGTH_EXTRA[li];
      while (bitCount < lengthExtra) {
        if (pos >= end) throw INPUT_ENDED;
        bitBuf |= input[pos++] << bitCount;
        bitCount += 8;
      }
      const length = LENGTH_BASE[li] + (bitBuf & ((1 << lengthExtra) - 1));
      bitBuf >>>= lengthExtra;
      bitCount -= lengthExtra;
      while (bitCount < distBits) {
        if (pos >= end) throw INPUT_ENDED;
        bitBuf |= input[pos++] << bitCount;
        bitCount += 8;
      }
      const dEntry = distTable[bitBuf & distMask];
      const dLen = dEntry & 15;
      if (dLen === 0) throw new InflateFailure('zlib stream is corrupt (invalid distance code)');
      bitBuf >>>= dLen;
      bitCount -= dLen;
      const di = dEntry >>> 4;
      if (di >= 30) throw new InflateFailure('zlib stream is corrupt (invalid distance code)');
      const distExtra = DIST_EXTRA[di];
      while (bitCount < distExtra) {
        if (pos >= end) throw INPUT_ENDED;
        bitBuf |= input[pos++] << bitCount;
        bitCount += 8;
      }
      const distance = DIST_BASE[di] + (bitBuf & ((1 << distExtra) - 1));
      bitBuf >>>= distExtra;
      bitCount -= distExtra;
      if (distance > n) throw new InflateFailure('zlib stream is corrupt (distance reaches before the start)');
      if (n + length > size) tooLong();
      for (let i = 0; i < length; i++, n++) out[n] = out[n - distance];
    }
  }

  // The Adler-32 starts at the next byte boundary; whole bytes still in the bit buffer are its start.
  pos -= bitCount >>> 3;
  if (pos + 4 > end) throw INPUT_ENDED;
  if (n < size) throw new InflateFailure(`zlib stream ends after ${n} bytes, the header declares ${size}`);
  const stored = input[pos] * 0x1000000 + ((input[pos + 1] << 16) | (input[pos + 2] << 8) | input[pos + 3]);
  const actual = adler32(out);
  if (stored !== actual) throw new InflateFailure(`zlib stream is corrupt (Adler-32 ${stored.toString(16).padStart(8, '0')} stored, ${actual.toString(16).padStart(8, '0')} computed)`);
  return { data: out, consumed: pos + 4 };
}

/** The portable measuring inflater as an object, for hosts to swap. */
export const portableMeasuringInflater: MeasuringInflater = { inflateMeasured };
