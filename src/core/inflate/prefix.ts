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
const LOOKUP_COUNTS = new Uint16Array(16);
const LOOKUP_NEXT_CODE = new Uint16Array(16);

function lookupTable(lengths: Uint8Array, n: number, maxBits: number, into?: Uint16Array): Uint16Array {
  const table = into ? into.fill(0) : new Uint16Array(1 << maxBits);
  const counts = LOOKUP_COUNTS.fill(0);
  for (let s = 0; s < n; s++) counts[lengths[s]]++;
  counts[0] = 0;
  const nextCode = LOOKUP_NEXT_CODE;
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
/**
 * The same 9-bit lookup for a dynamic block's literal/length code, built per block (512 entries,
 * a few hundred writes): codes of up to 9 bits, nearly every symbol of a commit header or a
 * delta's sizes, decode in one step; longer ones fall back to the canonical bit-by-bit decode.
 */
const DYNAMIC_LOOKUP = new Uint16Array(512);
/** The current dynamic block's literal/length code count, and whether DYNAMIC_LIT holds it yet. */
let dynamicLitCount = 0;
let dynamicLitBuilt = false;

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
  // The bit reader in locals, as in inflatePrefix's literal loop: this runs once per block, and a
  // commit header is one block, so it is half of reading one.
  const data = input;
  const stop = end;
  let bb = bitBuf;
  let bc = bitCount;
  let p = pos;
  for (let i = 0; i < total; ) {
    // A code (7 bits at most) and its repeat count (7 at most).
    if (bc < 14) {
      while (bc <= 24 && p < stop) {
        bb |= data[p++] << bc;
        bc += 8;
      }
    }
    const entry = lookup[bb & 127];
    const len = entry & 15;
    if (len === 0 || len > bc) {
      if (len === 0) throw new InflateFailure('zlib stream is corrupt (invalid code-length code)');
      throw OUT_OF_INPUT;
    }
    bb >>>= len;
    bc -= len;
    const sym = entry >> 4;
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    const extra = sym === 16 ? 2 : sym === 17 ? 3 : 7;
    if (extra > bc) throw OUT_OF_INPUT;
    const count = bb & ((1 << extra) - 1);
    bb >>>= extra;
    bc -= extra;
    let repeat: number;
    let value = 0;
    if (sym === 16) {
      if (i === 0) throw new InflateFailure('zlib stream is corrupt (repeat with no previous length)');
      value = lengths[i - 1];
      repeat = 3 + count;
    } else if (sym === 17) repeat = 3 + count;
    else repeat = 11 + count;
    if (i + repeat > total) throw new InflateFailure('zlib stream is corrupt (too many code lengths)');
    while (repeat-- > 0) lengths[i++] = value;
  }
  // Whole bytes read ahead go back (a stored block after this one starts on a byte).
  while (bc >= 8) {
    p--;
    bc -= 8;
  }
  bitBuf = bb & ((1 << bc) - 1);
  bitCount = bc;
  pos = p;
  // The literal/length code's canonical form serves only codes longer than the lookup's 9 bits:
  // built when one is met (most commit headers never meet one).
  dynamicLitCount = nlen;
  dynamicLitBuilt = false;
  buildHuffman(lengths.subarray(nlen), ndist, DYNAMIC_DIST);
  lookupTable(lengths, nlen, 9, DYNAMIC_LOOKUP);
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
      let lookup: Uint16Array;
      if (type === 1) {
        lit = FIXED_LIT;
        dist = FIXED_DIST;
        lookup = FIXED_LOOKUP;
      } else if (type === 2) {
        readDynamicTables();
        lit = DYNAMIC_LIT;
        dist = DYNAMIC_DIST;
        lookup = DYNAMIC_LOOKUP;
      } else {
        throw new InflateFailure('zlib stream is corrupt (invalid block type 3)');
      }
      // The literal loop keeps the bit reader in locals (module variables are context slots V8
      // reloads on every access: this loop is most of a commit header's cost), fills up to 32 bits
      // at a time, and hands the state back for the rare paths (long codes, lengths, distances).
      let bb = bitBuf;
      let bc = bitCount;
      let p = pos;
      const stop = end;
      while (n < want) {
        let sym: number;
        if (bc < 16) {
          while (bc <= 24 && p < stop) {
            bb |= data[p++] << bc;
            bc += 8;
          }
        }
        const entry = lookup[bb & 511];
        const len = entry & 15;
        if (entry !== 0 && len <= bc) {
          sym = entry >> 4;
          bb >>>= len;
          bc -= len;
        } else {
          bitBuf = bb;
          bitCount = bc;
          pos = p;
          if (lit === DYNAMIC_LIT && !dynamicLitBuilt) {
            buildHuffman(LENGTHS, dynamicLitCount, DYNAMIC_LIT);
            dynamicLitBuilt = true;
          }
          sym = decode(lit);
          bb = bitBuf;
          bc = bitCount;
          p = pos;
        }
        if (sym < 256) {
          out[n++] = sym;
          if (varints > 0 && sym < 0x80 && --varints === 0) want = n;
          continue;
        }
        // Back to the module's reader: whole bytes read ahead go back to the input, so a stored
        // block that follows starts at the right byte.
        while (bc >= 8) {
          p--;
          bc -= 8;
        }
        bitBuf = bb & ((1 << bc) - 1);
        bitCount = bc;
        pos = p;
        if (sym === 256) {
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
        bb = bitBuf;
        bc = bitCount;
        p = pos;
      }
      // `want` reached inside the block: nothing reads on, but keep the state whole.
      while (bc >= 8) {
        p--;
        bc -= 8;
      }
      bitBuf = bb & ((1 << bc) - 1);
      bitCount = bc;
      pos = p;
    }
  } catch (err) {
    if (err !== OUT_OF_INPUT) throw err;
  } finally {
    input = EMPTY;
  }
  return out.subarray(0, n);
}

const EMPTY: Uint8Array = new Uint8Array(0);
