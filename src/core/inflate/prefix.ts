import { InflateFailure, checkZlibHeader } from './inflater.ts';

/**
 * Inflates only the first few bytes of a zlib stream, then stops: what a listing needs from a
 * delta (its two size varints) or a loose object (its `<type> <size>` header). A general
 * inflater decodes the whole stream and builds 32K-entry lookup tables per block; here the
 * Huffman codes are decoded canonically, bit by bit (as zlib's `puff` does), which costs a few
 * hundred operations for a 24-byte prefix.
 *
 * Deflate (RFC 1951), bits read least significant first:
 * | bits | field                                       |
 * |------|---------------------------------------------|
 * | 1    | BFINAL                                      |
 * | 2    | BTYPE: 0 stored, 1 fixed Huffman, 2 dynamic |
 */

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Huffman {
  counts: Uint16Array; // counts[len], len 0..15
  symbols: Uint16Array;
}

function buildHuffman(lengths: Uint8Array | number[], n: number): Huffman {
  const counts = new Uint16Array(16);
  for (let s = 0; s < n; s++) counts[lengths[s]]++;
  const offsets = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offsets[len + 1] = offsets[len] + counts[len];
  const symbols = new Uint16Array(n);
  for (let s = 0; s < n; s++) if (lengths[s] !== 0) symbols[offsets[lengths[s]]++] = s;
  return { counts, symbols };
}

let fixedLit: Huffman | undefined;
let fixedDist: Huffman | undefined;

function fixedTables(): [Huffman, Huffman] {
  if (!fixedLit || !fixedDist) {
    const lengths = new Uint8Array(288);
    for (let s = 0; s < 288; s++) lengths[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    fixedLit = buildHuffman(lengths, 288);
    fixedDist = buildHuffman(new Uint8Array(30).fill(5), 30);
  }
  return [fixedLit, fixedDist];
}

/** Thrown internally when the input runs out: the caller returns what was produced. */
class OutOfInput extends Error {}

class BitReader {
  private bitBuf = 0;
  private bitCount = 0;
  constructor(
    private readonly data: Uint8Array,
    public pos: number,
  ) {}

  bits(n: number): number {
    while (this.bitCount < n) {
      if (this.pos >= this.data.length) throw new OutOfInput();
      this.bitBuf |= this.data[this.pos++] << this.bitCount;
      this.bitCount += 8;
    }
    const v = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    return v;
  }

  alignToByte(): void {
    this.bitBuf = 0;
    this.bitCount = 0;
  }

  byte(): number {
    if (this.pos >= this.data.length) throw new OutOfInput();
    return this.data[this.pos++];
  }

  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= 15; len++) {
      code |= this.bits(1);
      const count = h.counts[len];
      if (code - count < first) return h.symbols[index + (code - first)];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new InflateFailure('zlib stream is corrupt (invalid Huffman code)');
  }
}

/**
 * Inflates the zlib stream in `input` until `want` bytes are out (or the stream or the input
 * ends). Returns at most `want` bytes; fewer only when the stream or the input ended.
 */
export function inflatePrefix(input: Uint8Array, want: number): Uint8Array {
  checkZlibHeader(input);
  const out = new Uint8Array(want);
  let n = 0;
  const r = new BitReader(input, 2);
  try {
    let final = 0;
    while (!final && n < want) {
      final = r.bits(1);
      const type = r.bits(2);
      if (type === 0) {
        r.alignToByte();
        const len = r.byte() | (r.byte() << 8);
        const nlen = r.byte() | (r.byte() << 8);
        if ((len ^ 0xffff) !== nlen) throw new InflateFailure('zlib stream is corrupt (stored block length check fails)');
        for (let i = 0; i < len && n < want; i++) out[n++] = r.byte();
        if (n >= want) break;
        continue;
      }
      let lit: Huffman;
      let dist: Huffman;
      if (type === 1) {
        [lit, dist] = fixedTables();
      } else if (type === 2) {
        const nlen = r.bits(5) + 257;
        const ndist = r.bits(5) + 1;
        const ncode = r.bits(4) + 4;
        if (nlen > 286 || ndist > 30) throw new InflateFailure('zlib stream is corrupt (too many length or distance codes)');
        const codeLengths = new Uint8Array(19);
        for (let i = 0; i < ncode; i++) codeLengths[CODE_LENGTH_ORDER[i]] = r.bits(3);
        const lencode = buildHuffman(codeLengths, 19);
        const lengths = new Uint8Array(nlen + ndist);
        for (let i = 0; i < nlen + ndist; ) {
          const sym = r.decode(lencode);
          if (sym < 16) {
            lengths[i++] = sym;
            continue;
          }
          let repeat: number;
          let value = 0;
          if (sym === 16) {
            if (i === 0) throw new InflateFailure('zlib stream is corrupt (repeat with no previous length)');
            value = lengths[i - 1];
            repeat = 3 + r.bits(2);
          } else if (sym === 17) repeat = 3 + r.bits(3);
          else repeat = 11 + r.bits(7);
          if (i + repeat > nlen + ndist) throw new InflateFailure('zlib stream is corrupt (too many code lengths)');
          while (repeat-- > 0) lengths[i++] = value;
        }
        lit = buildHuffman(lengths.subarray(0, nlen), nlen);
        dist = buildHuffman(lengths.subarray(nlen), ndist);
      } else {
        throw new InflateFailure('zlib stream is corrupt (invalid block type 3)');
      }
      for (;;) {
        const sym = r.decode(lit);
        if (sym < 256) {
          out[n++] = sym;
          if (n >= want) break;
        } else if (sym === 256) {
          break;
        } else {
          const li = sym - 257;
          if (li >= 29) throw new InflateFailure('zlib stream is corrupt (invalid length code)');
          const length = LENGTH_BASE[li] + r.bits(LENGTH_EXTRA[li]);
          const di = r.decode(dist);
          if (di >= 30) throw new InflateFailure('zlib stream is corrupt (invalid distance code)');
          const distance = DIST_BASE[di] + r.bits(DIST_EXTRA[di]);
          if (distance > n) throw new InflateFailure('zlib stream is corrupt (distance reaches before the start)');
          for (let i = 0; i < length && n < want; i++, n++) out[n] = out[n - distance];
          if (n >= want) break;
        }
      }
    }
  } catch (err) {
    if (!(err instanceof OutOfInput)) throw err;
  }
  return out.subarray(0, n);
}
