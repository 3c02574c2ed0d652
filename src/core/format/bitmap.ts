import { bytesEqual, u16, u32, u64 } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { fail } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import type { ObjectType } from '../objects/types.ts';
import type { IdxPosition } from './idx.ts';
import type { ByteRange } from './midx.ts';

/**
 * The reachability bitmap index (`pack-….bitmap`): four bitmaps saying which objects of the
 * pack are commits, trees, blobs and tags, then one bitmap per selected commit of everything
 * it reaches, each XOR-compressed against an earlier one. Bit i stands for the i-th object in
 * pack order (the `.rev` order); an entry names its commit by idx position.
 * Opened once (validated the way git's `load_bitmap_header` and `load_bitmap` do: size,
 * signature, version, BITMAP_OPT_FULL_DAG, room for the optional tables, the four type
 * bitmaps), then read lazily: entries are parsed one by one as `entries()` walks them, with
 * the checks of git's `load_bitmap_entries_v1`. Three checks go further than git's, because a
 * file that fails them was not written by git and would mislead a reader: entries must end
 * before the optional tables (git only stops at the end of the file), the last-RLW position
 * must lie inside the words (git keeps it as an unchecked pointer), and no bit may be set at
 * or beyond the object count (git would index past its arrays).
 *
 * (H = hash length, N = objects in the pack, E = entry count)
 * | offset   | bytes  | field                                                        |
 * |----------|--------|--------------------------------------------------------------|
 * | 0        | 4      | signature "BITM"                                             |
 * | 4        | 2      | version = 1                                                  |
 * | 6        | 2      | flags: 0x1 FULL_DAG (required), 0x4 HASH_CACHE,              |
 * |          |        | 0x10 LOOKUP_TABLE, 0x20 PSEUDO_MERGES                        |
 * | 8        | 4      | E = number of entries                                        |
 * | 12       | H      | checksum of the .pack (of the midx for a midx bitmap)        |
 * | 12 + H   | ...    | EWAH bitmaps of commits, trees, blobs, tags (in that order)  |
 * | ...      | ...    | E entries: u32 idx position of the commit, u8 XOR offset     |
 * |          |        | (0 = none, else "the entry that many before"), u8 flags, EWAH|
 * | ...      | ...    | pseudo-merge table (0x20), its u64 size in its last 8 bytes  |
 * | ...      | E x 16 | lookup table (0x10): u32 idx position, u64 entry offset,     |
 * |          |        | u32 row of the XOR base (0xffffffff = none)                  |
 * | end-H-4N | N x 4  | name-hash cache (0x4), in idx order                          |
 * | end - H  | H      | checksum of everything before it                             |
 *
 * EWAH (git's ewah/ewah_io.c; 64-bit words, big-endian)
 * | offset   | bytes  | field                                                        |
 * |----------|--------|--------------------------------------------------------------|
 * | 0        | 4      | bit count (the bitmap's declared length)                     |
 * | 4        | 4      | W = number of 64-bit words                                   |
 * | 8        | W x 8  | words: a run-length word (bit 0 = the run's bit, bits 1-32 = |
 * |          |        | run length in words, bits 33-63 = literal words after it),   |
 * |          |        | then that many literal words (bit b = position 64k + b),     |
 * |          |        | then the next run-length word                                |
 * | 8 + 8W   | 4      | position of the last run-length word                         |
 */

export const BITMAP_OPT_FULL_DAG = 0x1;
export const BITMAP_OPT_HASH_CACHE = 0x4;
export const BITMAP_OPT_LOOKUP_TABLE = 0x10;
export const BITMAP_OPT_PSEUDO_MERGES = 0x20;
const KNOWN_FLAGS = BITMAP_OPT_FULL_DAG | BITMAP_OPT_HASH_CACHE | BITMAP_OPT_LOOKUP_TABLE | BITMAP_OPT_PSEUDO_MERGES;

/** Entry flag: the commit's bitmap may be reused as is when packing. */
export const BITMAP_FLAG_REUSE = 0x1;

/** The header of a `.bitmap`. */
export interface BitmapHeader {
  version: number;
  /** The flags word as stored. */
  flags: number;
  /** Flag bits this reader does not know (git ignores them too). */
  unknownFlags: number;
  entryCount: number;
  /** The pack (or midx) checksum the bitmap was written for. */
  packChecksum: Uint8Array;
}

/** One EWAH bitmap's header, where it sits, and how long it is. */
export interface Ewah {
  /** Where the EWAH starts (its bit count field). */
  offset: number;
  /** Bytes from `offset` to the end of its last field. */
  byteSize: number;
  /** The declared length in bits (the header's bit count, not the number of set bits). */
  bitCount: number;
  /** Number of 64-bit words. */
  wordCount: number;
  /** Word index of the last run-length word (where git would append). */
  rlwPosition: number;
}

/** One of the four type bitmaps. */
export interface TypeBitmap extends Ewah {
  type: ObjectType;
  /** Population count of the decoded bitmap: objects of this type in the pack. */
  setBits: number;
}

/** One stored commit bitmap. */
export interface BitmapEntry {
  /** Its index among the entries (file order). */
  index: number;
  /** The commit's position in the `.idx` (in the midx for a midx bitmap). */
  objectPosition: IdxPosition;
  /** 0, or this bitmap is stored XORed with the entry `xorOffset` before it (at most 160). */
  xorOffset: number;
  flags: number;
  /** Where the entry starts (its object position field). */
  offset: number;
  /** Bytes of the entry: the 6-byte header and the EWAH. */
  byteSize: number;
  /** The entry's EWAH (XOR-compressed when `xorOffset` > 0). */
  bitmap: Ewah;
}

/** One row of the lookup table. */
export interface LookupRow {
  row: number;
  /** The commit's idx position. */
  objectPosition: IdxPosition;
  /** Offset in the file of the commit's entry. */
  entryOffset: number;
  /** Row of the entry this one is XORed with, or undefined for none (0xffffffff). */
  xorRow: number | undefined;
}

/** Where everything sits in the file, for the anatomy views. */
export interface BitmapLayout {
  header: ByteRange;
  typeBitmaps: ByteRange;
  /** The entries' region: [first entry, start of the optional tables). */
  entries: ByteRange;
  pseudoMerges: ByteRange | undefined;
  lookupTable: ByteRange | undefined;
  hashCache: ByteRange | undefined;
  checksum: ByteRange;
}

/** Options for opening a bitmap. */
export interface BitmapOpenOptions {
  /** The pack's (or midx's) checksum; a bitmap written for another one is refused. */
  packChecksum?: Uint8Array;
}

const SIGNATURE = 0x4249544d; // "BITM"
const TYPE_ORDER: readonly ObjectType[] = ['commit', 'tree', 'blob', 'tag'];
const ENTRY_HEADER = 6;
/** The smallest EWAH: bit count, word count (0) and RLW position. */
const MIN_EWAH = 12;
const MAX_XOR_OFFSET = 160;
const LOOKUP_ROW = 16;
const NO_XOR_ROW = 0xffffffff;
/** Words read per block when decoding. */
const WORD_BLOCK = 512;

function popcount32(n: number): number {
  n = n - ((n >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** What decoding reports: a run of one bit over [start, start + length), or a literal word. */
interface EwahVisitor {
  run(startBit: number, bitLength: number): void;
  literal(startBit: number, high: number, low: number): void;
}

/** A validated `.bitmap`, read lazily. */
export class PackBitmap {
  readonly header: BitmapHeader;
  /** Commits, trees, blobs, tags: each EWAH's place, size and population count. */
  readonly typeBitmaps: readonly TypeBitmap[];
  /** Where the first entry starts. */
  readonly entriesAt: number;
  /** Where the entries' region ends (the optional tables or the checksum start there). */
  readonly entriesEnd: number;
  readonly pseudoMerges: ByteRange | undefined;
  readonly lookupTable: ByteRange | undefined;
  readonly hashCache: ByteRange | undefined;

  private constructor(
    readonly source: ByteSource,
    /** Objects in the pack (or midx): bits must stay below it. */
    readonly objectCount: number,
    readonly algo: HashAlgo,
    options: BitmapOpenOptions,
  ) {
    const file = source.name;
    const H = algo.size;
    const headerSize = 12 + H;
    if (source.size < headerSize + H) {
      fail('Truncated', `corrupted bitmap index (too small): ${source.size} bytes, the header and checksum need ${headerSize + H}`, { file, offset: 0 });
    }
    const head = source.read(0, headerSize).slice();
    const signature = u32(head, 0);
    if (signature !== SIGNATURE) {
      fail('BadSignature', `corrupted bitmap index file (wrong header): signature 0x${signature.toString(16).padStart(8, '0')}, expected 0x${SIGNATURE.toString(16)} ("BITM")`, { file, offset: 0 });
    }
    const version = u16(head, 4);
    if (version !== 1) fail('UnsupportedVersion', `unsupported version '${version}' for bitmap index file`, { file, offset: 4 });
    const flags = u16(head, 6);
    if ((flags & BITMAP_OPT_FULL_DAG) === 0) {
      fail('UnsupportedVersion', `unsupported options for bitmap index file (flags 0x${flags.toString(16)}: Git requires BITMAP_OPT_FULL_DAG)`, { file, offset: 6 });
    }
    const entryCount = u32(head, 8);
    const packChecksum = head.slice(12, 12 + H);
    if (options.packChecksum !== undefined && !bytesEqual(packChecksum, options.packChecksum)) {
      fail('Mismatch', "bitmap was written for another pack: its pack checksum differs from the pack's", { file, offset: 12 });
    }
    this.header = { version, flags, unknownFlags: flags & ~KNOWN_FLAGS & 0xffff, entryCount, packChecksum };

    // The optional tables sit at the end, before the checksum; git peels them off in this order.
    let end = source.size - H;
    const room = (): number => end - headerSize;
    if (flags & BITMAP_OPT_HASH_CACHE) {
      const size = objectCount * 4;
      if (size > room()) {
        fail('Truncated', `corrupted bitmap index file (too short to fit hash cache): ${objectCount} objects need ${size} bytes, ${room()} remain after the header`, { file, offset: end });
      }
      end -= size;
      this.hashCache = { offset: end, length: size };
    }
    if (flags & BITMAP_OPT_LOOKUP_TABLE) {
      const size = entryCount * LOOKUP_ROW;
      if (size > room()) {
        fail('Truncated', `corrupted bitmap index file (too short to fit lookup table): ${entryCount} rows need ${size} bytes, ${room()} remain`, { file, offset: end });
      }
      end -= size;
      this.lookupTable = { offset: end, length: size };
    }
    if (flags & BITMAP_OPT_PSEUDO_MERGES) {
      if (room() < 8) fail('Truncated', 'corrupted bitmap index file (too short to fit pseudo-merge table header)', { file, offset: end });
      const size = u64(source.read(end - 8, 8), 0);
      if (size > room()) {
        fail('Truncated', `corrupted bitmap index file (too short to fit pseudo-merge table): it declares ${size} bytes, ${room()} remain`, { file, offset: end - 8 });
      }
      end -= size;
      this.pseudoMerges = { offset: end, length: size };
    }

    const types: TypeBitmap[] = [];
    let at = headerSize;
    for (const type of TYPE_ORDER) {
      const ewah = this.readEwah(at, end, `${type} type bitmap`);
      types.push({ ...ewah, type, setBits: this.popcount(ewah) });
      at += ewah.byteSize;
    }
    this.typeBitmaps = types;
    this.entriesAt = at;
    this.entriesEnd = end;
    // Every entry needs at least its header and an empty EWAH: refuse counts the file cannot hold.
    const need = entryCount * (ENTRY_HEADER + MIN_EWAH);
    if (need > end - at) {
      fail('BadSize', `bitmap declares ${entryCount} entries, which need at least ${need} bytes, but only ${end - at} remain`, { file, offset: 8 });
    }
  }

  /** Opens and validates a `.bitmap` for `objectCount` objects; throws a PackscopeError naming the file and offset. */
  static open(source: ByteSource, objectCount: number, algo: HashAlgo, options: BitmapOpenOptions = {}): PackBitmap {
    return new PackBitmap(source, objectCount, algo, options);
  }

  /** File name, for messages. */
  get name(): string {
    return this.source.name;
  }

  /** Number of stored commit bitmaps. */
  get entryCount(): number {
    return this.header.entryCount;
  }

  /** The type bitmap of `type`. */
  typeBitmap(type: ObjectType): TypeBitmap {
    return this.typeBitmaps[TYPE_ORDER.indexOf(type)];
  }

  /**
   * Reads an EWAH header at `at`, checking (as git's `ewah_read_mmap`) that its fields and
   * words end by `end`; word counts are checked against the bytes left before anything is read.
   */
  readEwah(at: number, end: number, what = 'bitmap'): Ewah {
    const file = this.name;
    if (!(at >= 0 && at <= end && end <= this.source.size)) fail('OutOfRange', `${what} at ${at} lies outside [0, ${end})`, { file, offset: at });
    if (end - at < 4) fail('Truncated', `corrupt ewah bitmap: eof before bit size (${what})`, { file, offset: at });
    if (end - at < 8) fail('Truncated', `corrupt ewah bitmap: eof before length (${what})`, { file, offset: at + 4 });
    const fields = this.source.read(at, 8);
    const bitCount = u32(fields, 0);
    const wordCount = u32(fields, 4);
    const dataBytes = wordCount * 8;
    if (dataBytes > end - at - 8) {
      fail('Truncated', `corrupt ewah bitmap: eof in data (${dataBytes - (end - at - 8)} bytes short): ${what} declares ${wordCount} words`, { file, offset: at + 4 });
    }
    const rlwAt = at + 8 + dataBytes;
    if (end - rlwAt < 4) fail('Truncated', `corrupt ewah bitmap: eof before rlw (${what})`, { file, offset: rlwAt });
    const rlwPosition = u32(this.source.read(rlwAt, 4), 0);
    // git keeps it as a pointer without a check; a writer never puts it past the words.
    if (wordCount === 0 ? rlwPosition !== 0 : rlwPosition >= wordCount) {
      fail('OutOfRange', `corrupt ewah bitmap: ${what} puts its last run-length word at ${rlwPosition}, but has ${wordCount} words`, { file, offset: rlwAt });
    }
    return { offset: at, byteSize: 12 + dataBytes, bitCount, wordCount, rlwPosition };
  }

  /**
   * Walks an EWAH's words, reporting runs of ones and literal words. Refuses literal counts
   * that run past the words, and any set bit at or beyond the object count (OutOfRange).
   */
  private decode(ewah: Ewah, visit: EwahVisitor): void {
    const file = this.name;
    const limit = this.objectCount;
    const wordsAt = ewah.offset + 8;
    let outWord = 0; // 64-bit words of the bitmap produced so far
    let literalsLeft = 0;
    for (let start = 0; start < ewah.wordCount; start += WORD_BLOCK) {
      const n = Math.min(WORD_BLOCK, ewah.wordCount - start);
      const block = this.source.read(wordsAt + start * 8, n * 8);
      for (let k = 0; k < n; k++) {
        const high = u32(block, k * 8);
        const low = u32(block, k * 8 + 4);
        const wordIndex = start + k;
        if (literalsLeft === 0) {
          const runBit = low & 1;
          const runLength = (low >>> 1) + (high & 1) * 0x80000000;
          const literals = high >>> 1;
          if (runBit === 1 && runLength > 0) {
            if ((outWord + runLength) * 64 > limit) {
              fail('OutOfRange', `ewah bitmap sets bits up to ${(outWord + runLength) * 64 - 1}, but there are only ${limit} objects`, { file, offset: wordsAt + wordIndex * 8 });
            }
            visit.run(outWord * 64, runLength * 64);
          }
          outWord += runLength;
          if (wordIndex + 1 + literals > ewah.wordCount) {
            fail('OutOfRange', `corrupt ewah bitmap: run-length word ${wordIndex} announces ${literals} literal words, but only ${ewah.wordCount - wordIndex - 1} follow`, {
              file,
              offset: wordsAt + wordIndex * 8,
            });
          }
          literalsLeft = literals;
        } else {
          if (high !== 0 || low !== 0) {
            const top = high !== 0 ? 63 - Math.clz32(high) : 31 - Math.clz32(low);
            if (outWord * 64 + top >= limit) {
              fail('OutOfRange', `ewah bitmap sets bit ${outWord * 64 + top}, but there are only ${limit} objects`, { file, offset: wordsAt + wordIndex * 8 });
            }
            visit.literal(outWord * 64, high, low);
          }
          outWord++;
          literalsLeft--;
        }
      }
    }
  }

  /** Number of set bits of an EWAH (decoded, not XOR-resolved). */
  popcount(ewah: Ewah): number {
    let count = 0;
    this.decode(ewah, {
      run: (_start, length) => {
        count += length;
      },
      literal: (_start, high, low) => {
        count += popcount32(high) + popcount32(low);
      },
    });
    return count;
  }

  /** The set bits of an EWAH in ascending order: pack-order positions (at most the object count). */
  setPositions(ewah: Ewah): Uint32Array {
    const out = new Uint32Array(this.popcount(ewah));
    let n = 0;
    this.decode(ewah, {
      run: (start, length) => {
        for (let i = 0; i < length; i++) out[n++] = start + i;
      },
      literal: (start, high, low) => {
        for (let b = 0; b < 32; b++) if ((low >>> b) & 1) out[n++] = start + b;
        for (let b = 0; b < 32; b++) if ((high >>> b) & 1) out[n++] = start + 32 + b;
      },
    });
    return out;
  }

  /** Parses the entry at `offset` (its index is only used in messages and the XOR check). */
  entryAt(offset: number, index: number): BitmapEntry {
    const file = this.name;
    if (!(offset >= this.entriesAt && offset <= this.entriesEnd)) {
      fail('OutOfRange', `bitmap entry ${index} at ${offset} lies outside the entries [${this.entriesAt}, ${this.entriesEnd})`, { file, offset });
    }
    if (this.entriesEnd - offset < ENTRY_HEADER) fail('Truncated', `corrupt ewah bitmap: truncated header for entry ${index}`, { file, offset });
    const head = this.source.read(offset, ENTRY_HEADER);
    const objectPosition = u32(head, 0);
    const xorOffset = head[4];
    const flags = head[5];
    if (objectPosition >= this.objectCount) {
      fail('OutOfRange', `corrupt ewah bitmap: commit index ${objectPosition} out of range (entry ${index}; ${this.objectCount} objects)`, { file, offset });
    }
    const bitmap = this.readEwah(offset + ENTRY_HEADER, this.entriesEnd, `bitmap of entry ${index}`);
    if (xorOffset > MAX_XOR_OFFSET || xorOffset > index) {
      fail('OutOfRange', `corrupted bitmap pack index: entry ${index} has XOR offset ${xorOffset} (at most ${Math.min(MAX_XOR_OFFSET, index)})`, { file, offset: offset + 4 });
    }
    return { index, objectPosition, xorOffset, flags, offset, byteSize: ENTRY_HEADER + bitmap.byteSize, bitmap };
  }

  /** The entries in file order, parsed (and checked) one at a time as the caller pulls them. */
  *entries(): IterableIterator<BitmapEntry> {
    let at = this.entriesAt;
    for (let i = 0; i < this.header.entryCount; i++) {
      const entry = this.entryAt(at, i);
      yield entry;
      at += entry.byteSize;
    }
  }

  /** A row of the lookup table (BITMAP_OPT_LOOKUP_TABLE), checked as git checks it when used. */
  lookupAt(row: number): LookupRow {
    const file = this.name;
    const table = this.lookupTable;
    if (table === undefined) fail('NotFound', 'bitmap has no lookup table', { file });
    if (!(row >= 0 && row < this.header.entryCount && Number.isInteger(row))) {
      fail('OutOfRange', `corrupt bitmap lookup table: triplet position ${row} out of index (${this.header.entryCount} rows)`, { file, offset: table.offset });
    }
    const at = table.offset + row * LOOKUP_ROW;
    const bytes = this.source.read(at, LOOKUP_ROW);
    const objectPosition = u32(bytes, 0);
    const entryOffset = u64(bytes, 4);
    const xor = u32(bytes, 12);
    if (objectPosition >= this.objectCount) {
      fail('OutOfRange', `corrupt bitmap lookup table: commit index ${objectPosition} out of range (row ${row}; ${this.objectCount} objects)`, { file, offset: at });
    }
    if (!(entryOffset >= this.entriesAt && entryOffset + ENTRY_HEADER <= this.entriesEnd)) {
      fail('OutOfRange', `corrupt bitmap lookup table: row ${row} points at offset ${entryOffset}, outside the entries [${this.entriesAt}, ${this.entriesEnd})`, { file, offset: at + 4 });
    }
    if (xor !== NO_XOR_ROW && xor >= this.header.entryCount) {
      fail('OutOfRange', `corrupt bitmap lookup table: row ${row} names XOR row ${xor}, but there are ${this.header.entryCount} rows`, { file, offset: at + 12 });
    }
    return { row, objectPosition, entryOffset, xorRow: xor === NO_XOR_ROW ? undefined : xor };
  }

  /** The name-hash of the object at idx position `position` (BITMAP_OPT_HASH_CACHE). */
  nameHashAt(position: IdxPosition): number {
    const cache = this.hashCache;
    if (cache === undefined) fail('NotFound', 'bitmap has no name-hash cache', { file: this.name });
    if (!(position >= 0 && position < this.objectCount && Number.isInteger(position))) {
      fail('OutOfRange', `idx position ${position} is outside [0, ${this.objectCount})`, { file: this.name });
    }
    return u32(this.source.read(cache.offset + position * 4, 4), 0);
  }

  /** The bitmap's own trailing checksum. */
  checksum(): Uint8Array {
    return this.source.read(this.source.size - this.algo.size, this.algo.size).slice();
  }

  /** Byte ranges of every part, for the anatomy views. */
  layout(): BitmapLayout {
    const H = this.algo.size;
    const typesAt = 12 + H;
    return {
      header: { offset: 0, length: typesAt },
      typeBitmaps: { offset: typesAt, length: this.entriesAt - typesAt },
      entries: { offset: this.entriesAt, length: this.entriesEnd - this.entriesAt },
      pseudoMerges: this.pseudoMerges,
      lookupTable: this.lookupTable,
      hashCache: this.hashCache,
      checksum: { offset: this.source.size - H, length: H },
    };
  }
}
