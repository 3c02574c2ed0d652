import { CODE_LENGTH_ORDER, DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA } from './deflate-tables.ts';
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


/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Huffman {
  counts: Uint16Array; // counts[len], len 0..15
  symbols: Uint16Array;
}

function buildHuffman(lengths: Uint8Array | number[], n: number, into?: Huffman): Huffman {
  const counts = into ? into.counts.fill(0) : new Uint16Array(16);
  for (let s = 0; s < n; s++) counts[lengths[s]]++;
  const offsets = SCRATCH_OFFSETS.fill(0);
  for (let len = 1; len < 15; len++) offsets[len + 1] = offsets[len] + counts[len];
  const symbols = into ? into.symbols : new Uint16Array(n);
  for (let s = 0; s < n; s++) if (lengths[s] !== 0) symbols[offsets[lengths[s]]++] = s;
  return into ?? { counts, symbols };
}

/** Scratch space reused by every call (this module is not re-entrant; see the bit reader below). */
const SCRATCH_OFFSETS = new Uint16Array(16);
const DYNAMIC_LIT: Huffman = { counts: new Uint16Array(16), symbols: new Uint16Array(288) };
const DYNAMIC_DIST: Huffman = { counts: new Uint16Array(16), symbols: new Uint16Array(32) };
const CODE_LENGTHS = new Uint8Array(19);
const CODE_LENGTH_LOOKUP = new Uint16Array(128);
const LENGTHS = new Uint8Array(288 + 32);

/**
 * A lookup table for codes of at most `maxBits` bits: indexed by the next `maxBits` input bits
 * (deflate stores codes bit-reversed), entry = symbol << 4 | code length (0: no such code).
 */
function lookupTable(lengths: Uint8Array, n: number, maxBits: number, into?: Uint16Array): Uint16Array {
  const table = into ? into.fill(0) : new Uint16Array(1 << maxBits);
  const counts = new Uint16Array(16);
  for (let s = 0; s < n; s++) counts[lengths[s]]++;
  counts[0] = 0;
  const nextCode = new Uint16Array(16);
  let code = 0;
  for (let len = 1; len < 16; len++) {
    code = (code + counts[len - 1]) << 1;
    nextCode[len] = code;
  }
  for (let sym = 0; sym < n; sym++) {
    const len = lengths[sym];
    if (len === 0 || len > maxBits) continue;
    let c = nextCode[len]++;
    let reversed = 0;
    for (let i = 0; i < len; i++) {
      reversed = (reversed << 1) | (c & 1);
      c >>= 1;
    }
    for (let fill = reversed; fill < 1 << maxBits; fill += 1 << len) table[fill] = (sym << 4) | len;
  }
  return table;
}

const FIXED_LENGTHS = new Uint8Array(288);
for (let s = 0; s < 288; s++) FIXED_LENGTHS[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
const FIXED_LIT = buildHuffman(FIXED_LENGTHS, 288);
const FIXED_DIST = buildHuffman(new Uint8Array(30).fill(5), 30);

/**
 * Two thirds of git's deltas are small enough for zlib's fixed code: decode it with one
 * lookup of the next 9 bits (bit-reversed, as deflate stores codes) instead of bit by bit.
 * Entry = symbol << 4 | code length.
 */
const FIXED_LOOKUP = lookupTable(FIXED_LENGTHS, 288, 9);

/** Thrown internally when the input runs out: the caller returns what was produced. */
const OUT_OF_INPUT = new Error('out of input');

// The bit reader's state lives in module variables read by plain functions: no closures or
// objects per call, so V8 inlines them. This runs once per delta in a listing. (Not re-entrant;
// nothing here calls back out.)
let input: Uint8Array = new Uint8Array(0);
let end = 0;
let pos = 0;
let bitBuf = 0;
let bitCount = 0;

function need(count: number): void {
  while (bitCount < count) {
    if (pos >= end) throw OUT_OF_INPUT;
    bitBuf |= input[pos++] << bitCount;
    bitCount += 8;
  }
}

function bits(count: number): number {
  if (bitCount < count) need(count);
  const v = bitBuf & ((1 << count) - 1);
  bitBuf >>>= count;
  bitCount -= count;
  return v;
}

function decode(h: Huffman): number {
  let code = 0;
  let first = 0;
  let index = 0;
  const counts = h.counts;
  for (let len = 1; len <= 15; len++) {
    if (bitCount === 0) need(1);
    code |= bitBuf & 1;
    bitBuf >>>= 1;
    bitCount--;
    const count = counts[len];
    if (code - count < first) return h.symbols[index + (code - first)];
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  throw new InflateFailure('zlib stream is corrupt (invalid Huffman code)');
}

/** Reads a dynamic block's code lengths and builds its two codes (into DYNAMIC_LIT and DYNAMIC_DIST). */
function readDynamicTables(): void {
  const nlen = bits(5) + 257;
  const ndist = bits(5) + 1;
  const ncode = bits(4) + 4;
  if (nlen > 286 || ndist > 30) throw new InflateFailure('zlib stream is corrupt (too many length or distance codes)');
  const codeLengths = CODE_LENGTHS.fill(0);
  for (let i = 0; i < ncode; i++) codeLengths[CODE_LENGTH_ORDER[i]] = bits(3);
  // The code-length code has at most 7-bit codes: one 128-entry lookup decodes a symbol.
  const lookup = lookupTable(codeLengths, 19, 7, CODE_LENGTH_LOOKUP);
  const total = nlen + ndist;
  const lengths = LENGTHS;
  for (let i = 0; i < total; ) {
    if (bitCount < 7) {
      while (bitCount < 7 && pos < end) {
        bitBuf |= input[pos++] << bitCount;
        bitCount += 8;
      }
    }
    const entry = lookup[bitBuf & 127];
    const len = entry & 15;
    if (len === 0 || len > bitCount) {
      if (len === 0) throw new InflateFailure('zlib stream is corrupt (invalid code-length code)');
      throw OUT_OF_INPUT;
    }
    bitBuf >>>= len;
    bitCount -= len;
    const sym = entry >> 4;
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (sym === 16) {
      if (i === 0) throw new InflateFailure('zlib stream is corrupt (repeat with no previous length)');
      value = lengths[i - 1];
      repeat = 3 + bits(2);
    } else if (sym === 17) repeat = 3 + bits(3);
    else repeat = 11 + bits(7);
    if (i + repeat > total) throw new InflateFailure('zlib stream is corrupt (too many code lengths)');
    while (repeat-- > 0) lengths[i++] = value;
  }
  buildHuffman(lengths, nlen, DYNAMIC_LIT);
  buildHuffman(lengths.subarray(nlen), ndist, DYNAMIC_DIST);
}

/**
 * Inflates the zlib stream in `data` until `want` bytes are out (or the stream or the input
 * ends). Returns at most `want` bytes; fewer only when the stream or the input ended.
 * With `varints`, stops as soon as that many varints have ended (bytes below 0x80): a delta's
 * two sizes are usually 4-6 bytes, not the 10 asked for in case they are long.
 */
export function inflatePrefix(data: Uint8Array, want: number, varints = 0): Uint8Array {
  checkZlibHeader(data);
  const out = new Uint8Array(want);
  let n = 0;
  input = data;
  end = data.length;
  pos = 2;
  bitBuf = 0;
  bitCount = 0;
  try {
    let final = 0;
    while (!final && n < want) {
      final = bits(1);
      const type = bits(2);
      if (type === 0) {
        bitBuf = 0;
        bitCount = 0;
        if (pos + 4 > end) throw OUT_OF_INPUT;
        const len = data[pos] | (data[pos + 1] << 8);
        const nlen = data[pos + 2] | (data[pos + 3] << 8);
        pos += 4;
        if ((len ^ 0xffff) !== nlen) throw new InflateFailure('zlib stream is corrupt (stored block length check fails)');
        for (let i = 0; i < len && n < want; i++) {
          if (pos >= end) throw OUT_OF_INPUT;
          out[n++] = data[pos++];
        }
        continue;
      }
      let lit: Huffman;
      let dist: Huffman;
      if (type === 1) {
        lit = FIXED_LIT;
        dist = FIXED_DIST;
      } else if (type === 2) {
        readDynamicTables();
        lit = DYNAMIC_LIT;
        dist = DYNAMIC_DIST;
      } else {
        throw new InflateFailure('zlib stream is corrupt (invalid block type 3)');
      }
      const fixed = type === 1;
      while (n < want) {
        let sym: number;
        if (fixed && (bitCount >= 9 || pos + 2 <= end)) {
          if (bitCount < 9) need(9);
          const entry = FIXED_LOOKUP[bitBuf & 511];
          sym = entry >> 4;
          bitBuf >>>= entry & 15;
          bitCount -= entry & 15;
        } else {
          sym = decode(lit);
        }
        if (sym < 256) {
          out[n++] = sym;
          if (varints > 0 && sym < 0x80 && --varints === 0) want = n;
        } else if (sym === 256) {
          break;
        } else {
          const li = sym - 257;
          if (li >= 29) throw new InflateFailure('zlib stream is corrupt (invalid length code)');
          const length = LENGTH_BASE[li] + bits(LENGTH_EXTRA[li]);
          const di = decode(dist);
          if (di >= 30) throw new InflateFailure('zlib stream is corrupt (invalid distance code)');
          const distance = DIST_BASE[di] + bits(DIST_EXTRA[di]);
          if (distance > n) throw new InflateFailure('zlib stream is corrupt (distance reaches before the start)');
          for (let i = 0; i < length && n < want; i++, n++) out[n] = out[n - distance];
        }
      }
    }
  } catch (err) {
    if (err !== OUT_OF_INPUT) throw err;
  } finally {
    input = EMPTY;
  }
  return out.subarray(0, n);
}

const EMPTY: Uint8Array = new Uint8Array(0);
