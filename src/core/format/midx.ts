import { readPoint } from '../bytes/window-cache.ts';
import { u32, u64, compareBytes } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { fail } from '../errors.ts';
import { CHUNK_BTMP, CHUNK_LOFF, CHUNK_OIDF, CHUNK_OIDL, CHUNK_OOFF, CHUNK_PNAM, CHUNK_RIDX, chunkTableSize, readChunkTable, type Chunk } from './chunk-table.ts';
import { algoFromFormatId, type HashAlgo } from '../hash/algo.ts';
import { comparePrefix, toHex, type HexPrefix } from '../hash/hex.ts';

/**
 * The multi-pack-index (`objects/pack/multi-pack-index`, or one layer of an incremental chain):
 * one sorted list of object ids over many packs, each with the pack it is read from and its
 * offset there. Opened once (header, chunk table, then one check per chunk, in the order and
 * with the words of git's `load_multi_pack_index_one`), then read lazily through the ByteSource.
 *
 * Header and chunk table (H = hash length, N = objects = fanout[255], P = packs)
 * | offset          | bytes        | field                                              |
 * |-----------------|--------------|----------------------------------------------------|
 * | 0               | 4            | signature "MIDX"                                   |
 * | 4               | 1            | version: 1, or 2 (git 2.54+: PNAM need not be sorted) |
 * | 5               | 1            | hash version: 1 = SHA-1, 2 = SHA-256                |
 * | 6               | 1            | C = number of chunks                               |
 * | 7               | 1            | number of base multi-pack-index files (always 0)   |
 * | 8               | 4            | P = number of packs                                |
 * | 12              | (C + 1) x 12 | chunk table: u32 id, u64 offset; last id is 0 and   |
 * |                 |              | its offset is where the last chunk ends            |
 * | ...             |              | chunks, each starting on a 4-byte boundary          |
 * | end - H         | H            | checksum of everything before it                   |
 *
 * Chunks
 * | id   | bytes        | content                                                         |
 * |------|--------------|-----------------------------------------------------------------|
 * | PNAM | any          | P NUL-terminated `pack-….idx` names, then NUL padding to 4     |
 * |      |              | (v1: strictly sorted by bytes; v2: any order)                    |
 * | OIDF | 256 x 4      | fanout: objects whose first id byte is <= i                     |
 * | OIDL | N x H        | object ids, sorted                                              |
 * | OOFF | N x 8        | u32 pack-int-id, u32 offset; with a LOFF chunk, MSB set means   |
 * |      |              | "index into LOFF" (without one the u32 is the offset as is)     |
 * | LOFF | M x 8        | 64-bit offsets (optional)                                       |
 * | RIDX | N x 4        | object positions in pseudo-pack order (optional)                |
 * | BTMP | P x 8        | per pack: first bit position, object count (optional)           |
 *
 * In an incremental chain, each layer is a file of this same shape; positions and pack ids of
 * a layer follow those of the layers below it (see midx-chain.ts).
 */

/** Position of an object in a midx's id order (in a chain: over all layers, base first). */
export type MidxPosition = number;

/** A pack's index in a midx's pack list (in a chain: over all layers, base first). */
export type PackId = number;

/** One entry of the chunk table (core/format/chunk-table.ts). */
export type MidxChunk = Chunk;

/** A byte range [offset, offset + length) of a file. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** Where everything sits in the file, for the anatomy views. */
export interface MidxLayout {
  signature: ByteRange;
  version: ByteRange;
  hashVersion: ByteRange;
  chunkCount: ByteRange;
  baseCount: ByteRange;
  packCount: ByteRange;
  chunkTable: ByteRange;
  chunks: readonly MidxChunk[];
  /** Where each pack name starts (PNAM), in pack-id order. */
  packNames: readonly ByteRange[];
  trailer: ByteRange;
}

/** Where a midx sends a lookup. */
export interface MidxHit {
  /** Pack id over the whole midx (chain: over all layers). Index into `packNames`. */
  packId: PackId;
  /** Offset of the object in that pack. */
  offset: number;
  /** Position over the whole midx (chain: layers before count first). */
  position: MidxPosition;
  /** Layer holding the entry: 0 for a flat midx; in a chain 0 is the base. */
  layer: number;
  /** Position inside that layer. */
  layerPosition: number;
}

/** One entry read in order: its id (a copy) and where it lives. */
export interface MidxEntry extends MidxHit {
  oid: Uint8Array;
}

/** A prefix search result: the first match, and whether a different object also matches. */
export interface MidxPrefixMatch {
  position: MidxPosition;
  layer: number;
  layerPosition: number;
  ambiguous: boolean;
}

/**
 * What the object database needs from a midx, whether one flat file or an incremental chain.
 * Positions and pack ids are global (a chain numbers layer k's after all of layers < k).
 */
export interface MidxLike {
  readonly algo: HashAlgo;
  /** Entries over all layers. In a chain an id may (in hand-made files) appear in two layers. */
  readonly count: number;
  /** Pack names as stored (`pack-….idx`), in global pack-id order. */
  readonly packNames: readonly string[];
  /** The flat files, base first (one for a flat midx). */
  readonly layers: readonly MultiPackIndex[];
  /** Global position of `oid` (the newest layer's copy, as git's `bsearch_midx`), or -1. */
  find(oid: Uint8Array): MidxPosition;
  /** Pack and offset of `oid` (newest layer first), or undefined. */
  locate(oid: Uint8Array): MidxHit | undefined;
  /** First object starting with `prefix` and whether another object does too. */
  findPrefix(prefix: HexPrefix): MidxPrefixMatch | undefined;
  /** The entry at a global position. */
  entryAt(position: MidxPosition): MidxEntry;
  /** Every entry: layers base first, each in its id order (so global position order). */
  entries(): IterableIterator<MidxEntry>;
  /** True when a pack (`pack-X.idx` or `pack-X.pack`) is covered. */
  containsPack(name: string): boolean;
}

const SIGNATURE = 0x4d494458; // "MIDX"
const HEADER_SIZE = 12;
const FANOUT_BYTES = 256 * 4;
const OFFSET_WIDTH = 8;
const LARGE_OFFSET_NEEDED = 0x80000000;
/** Longer pack names are refused rather than scanned (git's are 50 or 74 bytes). */
const MAX_PACK_NAME = 4096;
/** Entries read per block when iterating. */
const ITERATION_BLOCK = 1024;

/** The midx's chunk ids, shared with the writer (midx-write.ts) in chunk-table.ts. */
export { CHUNK_BTMP, CHUNK_LOFF, CHUNK_OIDF, CHUNK_OIDL, CHUNK_OOFF, CHUNK_PNAM, CHUNK_RIDX, chunkIdName } from './chunk-table.ts';

/** strcmp over NUL-free byte strings. */
function compareNames(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The name without `.idx` / `.pack`, so either spelling matches (git's `cmp_idx_or_pack_name`). */
function packStem(name: string): string {
  if (name.endsWith('.idx')) return name.slice(0, -4);
  if (name.endsWith('.pack')) return name.slice(0, -5);
  return name;
}

/** Options for opening a midx. */
export interface MidxOpenOptions {
  /** The repository's hash; a header naming another one is refused, as git does. */
  expectedAlgo?: HashAlgo;
}

/** A validated, lazily read multi-pack-index file (one flat file, or one layer of a chain). */
export class MultiPackIndex implements MidxLike {
  readonly version: 1 | 2;
  readonly algo: HashAlgo;
  /** Header byte 7, "number of base multi-pack-index files"; git writes 0, even in chain layers. */
  readonly baseCount: number;
  readonly packCount: number;
  /** Objects in this file: fanout[255]. */
  readonly count: number;
  /** Every chunk of the table, in table order, known or not. */
  readonly chunks: readonly MidxChunk[];
  readonly packNames: readonly string[];
  private readonly packNameRanges: readonly ByteRange[];
  private readonly fanoutTable: Uint32Array;
  private readonly oidl: MidxChunk;
  private readonly ooff: MidxChunk;
  private readonly loff: MidxChunk | undefined;
  /** Entries in LOFF (git: its length / 8, rounded down). */
  readonly largeOffsetCount: number;
  private stems: Set<string> | undefined;
  private selfLayer: readonly MultiPackIndex[] | undefined;

  private constructor(
    readonly source: ByteSource,
    options: MidxOpenOptions,
  ) {
    const file = source.name;
    if (source.size < HEADER_SIZE) {
      fail('Truncated', `multi-pack-index file is too small: ${source.size} bytes, the header alone is ${HEADER_SIZE}`, { file, offset: 0 });
    }
    const head = source.read(0, HEADER_SIZE).slice();
    const signature = u32(head, 0);
    if (signature !== SIGNATURE) {
      fail('BadSignature', `multi-pack-index signature 0x${signature.toString(16).padStart(8, '0')} does not match signature 0x${SIGNATURE.toString(16)}`, { file, offset: 0 });
    }
    const version = head[4];
    if (version !== 1 && version !== 2) fail('UnsupportedVersion', `multi-pack-index version ${version} not recognized`, { file, offset: 4 });
    this.version = version;
    const hashVersion = head[5];
    const expected = options.expectedAlgo;
    if (expected !== undefined && hashVersion !== expected.formatId) {
      fail('Mismatch', `multi-pack-index hash version ${hashVersion} does not match version ${expected.formatId}`, { file, offset: 5 });
    }
    const algo = algoFromFormatId(hashVersion);
    if (algo === undefined) fail('UnsupportedVersion', `multi-pack-index hash version ${hashVersion} not recognized (1 = SHA-1, 2 = SHA-256)`, { file, offset: 5 });
    this.algo = algo;
    const H = algo.size;
    if (source.size < HEADER_SIZE + H) {
      fail('Truncated', `multi-pack-index file is too small: ${source.size} bytes, the header and checksum need ${HEADER_SIZE + H}`, { file, offset: 0 });
    }
    this.baseCount = head[7];
    this.packCount = u32(head, 8);
    const trailerAt = source.size - H;
    this.chunks = readChunkTable(source, HEADER_SIZE, head[6], trailerAt, 'midx');

    const pnam = this.chunk(CHUNK_PNAM);
    if (pnam === undefined) fail('BadChunk', 'multi-pack-index required pack-name chunk missing or corrupted', { file, offset: HEADER_SIZE });
    const names = readPackNames(source, pnam, this.packCount, version);
    this.packNames = names.names;
    this.packNameRanges = names.ranges;

    const oidf = this.chunk(CHUNK_OIDF);
    if (oidf === undefined) fail('BadChunk', 'multi-pack-index required OID fanout chunk missing or corrupted', { file, offset: HEADER_SIZE });
    if (oidf.length !== FANOUT_BYTES) {
      fail('BadChunk', `multi-pack-index OID fanout is of the wrong size: ${oidf.length} bytes, not ${FANOUT_BYTES}`, { file, offset: oidf.tableOffset });
    }
    this.fanoutTable = readFanout(source, oidf);
    const count = this.fanoutTable[255];
    this.count = count;

    const oidl = this.chunk(CHUNK_OIDL);
    if (oidl === undefined) fail('BadChunk', 'multi-pack-index required OID lookup chunk missing or corrupted', { file, offset: HEADER_SIZE });
    if (oidl.length !== count * H) {
      fail('BadChunk', `multi-pack-index OID lookup chunk is the wrong size: ${oidl.length} bytes, but ${count} objects need ${count * H}`, { file, offset: oidl.tableOffset });
    }
    this.oidl = oidl;

    const ooff = this.chunk(CHUNK_OOFF);
    if (ooff === undefined) fail('BadChunk', 'multi-pack-index required object offsets chunk missing or corrupted', { file, offset: HEADER_SIZE });
    if (ooff.length !== count * OFFSET_WIDTH) {
      fail('BadChunk', `multi-pack-index object offset chunk is the wrong size: ${ooff.length} bytes, but ${count} objects need ${count * OFFSET_WIDTH}`, { file, offset: ooff.tableOffset });
    }
    this.ooff = ooff;

    this.loff = this.chunk(CHUNK_LOFF);
    this.largeOffsetCount = this.loff === undefined ? 0 : Math.floor(this.loff.length / 8);
  }

  /** Opens and validates a midx; throws a PackscopeError naming the file and offset. */
  static open(source: ByteSource, options: MidxOpenOptions = {}): MultiPackIndex {
    return new MultiPackIndex(source, options);
  }

  /** File name, for messages. */
  get name(): string {
    return this.source.name;
  }

  /** A flat midx is its own single layer. */
  get layers(): readonly MultiPackIndex[] {
    this.selfLayer ??= [this];
    return this.selfLayer;
  }

  /** The chunk with this id (`'RIDX'` or its number), if the table lists it. */
  chunk(id: string | number): MidxChunk | undefined {
    return this.chunks.find((c) => (typeof id === 'number' ? c.idValue === id : c.id === id));
  }

  /** Number of objects whose first id byte is <= `byte`. */
  fanout(byte: number): number {
    return this.fanoutTable[byte];
  }

  private checkPosition(position: number): void {
    if (!(position >= 0 && position < this.count && Number.isInteger(position))) {
      fail('OutOfRange', `object position ${position} is outside [0, ${this.count})`, { file: this.name });
    }
  }

  /** Byte offset inside the file of the id at `position` (for the annotated hex view). */
  oidOffset(position: number): number {
    return this.oidl.offset + position * this.algo.size;
  }

  /** The object id at `position` (a view: copy it to keep it). */
  oidAt(position: number): Uint8Array {
    this.checkPosition(position);
    return readPoint(this.source, this.oidOffset(position), this.algo.size);
  }

  /** The object id at `position` in hex. */
  oidHexAt(position: number): string {
    return toHex(this.oidAt(position));
  }

  /** The pack-int-id stored for `position`, checked against the pack count. */
  packIdAt(position: number): PackId {
    this.checkPosition(position);
    const at = this.ooff.offset + position * OFFSET_WIDTH;
    const id = u32(readPoint(this.source, at, 4), 0);
    if (id >= this.packCount) {
      fail('OutOfRange', `bad pack-int-id: ${id} (${this.packCount} total packs) for object ${position}`, { file: this.name, offset: at });
    }
    return id;
  }

  /** The pack-int-id as stored, unchecked (anatomy views, verification). */
  storedPackIdAt(position: number): number {
    this.checkPosition(position);
    return u32(readPoint(this.source, this.ooff.offset + position * OFFSET_WIDTH, 4), 0);
  }

  /** Byte offset inside the file of the OOFF entry of `position`. */
  objectOffsetEntryAt(position: number): number {
    return this.ooff.offset + position * OFFSET_WIDTH;
  }

  /** The object's offset in its pack (git's `nth_midxed_offset`). */
  offsetAt(position: number): number {
    this.checkPosition(position);
    const at = this.ooff.offset + position * OFFSET_WIDTH + 4;
    const word = u32(readPoint(this.source, at, 4), 0);
    // Without a LOFF chunk git takes the 32 bits as they are, MSB included.
    if (this.loff === undefined || word < LARGE_OFFSET_NEEDED) return word;
    const index = word - LARGE_OFFSET_NEEDED;
    if (index >= this.largeOffsetCount) {
      fail('OutOfRange', `multi-pack-index large offset out of bounds: object ${position} points to 64-bit offset ${index}, but LOFF holds ${this.largeOffsetCount}`, { file: this.name, offset: at });
    }
    const loffAt = this.loff.offset + index * 8;
    const value = u64(readPoint(this.source, loffAt, 8), 0);
    if (value === Infinity) fail('OutOfRange', `64-bit offset ${index} is beyond 2^53`, { file: this.name, offset: loffAt });
    return value;
  }

  /** True when the offset of `position` is read from LOFF. */
  usesLargeOffset(position: number): boolean {
    this.checkPosition(position);
    if (this.loff === undefined) return false;
    return u32(readPoint(this.source, this.ooff.offset + position * OFFSET_WIDTH + 4, 4), 0) >= LARGE_OFFSET_NEEDED;
  }

  /** The RIDX value at `i`: the object at pseudo-pack position i (chain layers: plus the base's objects). */
  ridxAt(i: number): number {
    const ridx = this.chunk(CHUNK_RIDX);
    if (ridx === undefined) fail('NotFound', 'multi-pack-index has no reverse-index (RIDX) chunk', { file: this.name });
    if (ridx.length !== this.count * 4) {
      fail('BadChunk', `multi-pack-index reverse-index chunk is the wrong size: ${ridx.length} bytes, but ${this.count} objects need ${this.count * 4}`, { file: this.name, offset: ridx.tableOffset });
    }
    this.checkPosition(i);
    return u32(readPoint(this.source, ridx.offset + i * 4, 4), 0);
  }

  /** The BTMP row of a pack: its first bit position in the midx bitmap, and its object count. */
  bitmappedPack(packId: PackId): { bitmapPosition: number; bitmapCount: number } {
    const btmp = this.chunk(CHUNK_BTMP);
    if (btmp === undefined) fail('NotFound', 'MIDX does not contain the BTMP chunk', { file: this.name });
    if (btmp.length !== this.packCount * 8) {
      fail('BadChunk', `multi-pack-index bitmapped packfiles chunk is the wrong size: ${btmp.length} bytes, but ${this.packCount} packs need ${this.packCount * 8}`, {
        file: this.name,
        offset: btmp.tableOffset,
      });
    }
    if (!(packId >= 0 && packId < this.packCount)) fail('OutOfRange', `pack id ${packId} is outside [0, ${this.packCount})`, { file: this.name });
    const row = this.source.read(btmp.offset + packId * 8, 8);
    return { bitmapPosition: u32(row, 0), bitmapCount: u32(row, 4) };
  }

  /** The trailing checksum (in a chain layer, also its name). */
  checksum(): Uint8Array {
    return this.source.read(this.source.size - this.algo.size, this.algo.size).slice();
  }

  /** Byte ranges of the header fields, chunk table, chunks, pack names and trailer. */
  layout(): MidxLayout {
    return {
      signature: { offset: 0, length: 4 },
      version: { offset: 4, length: 1 },
      hashVersion: { offset: 5, length: 1 },
      chunkCount: { offset: 6, length: 1 },
      baseCount: { offset: 7, length: 1 },
      packCount: { offset: 8, length: 4 },
      chunkTable: { offset: HEADER_SIZE, length: chunkTableSize(this.chunks.length) },
      chunks: this.chunks,
      packNames: this.packNameRanges,
      trailer: { offset: this.source.size - this.algo.size, length: this.algo.size },
    };
  }

  /** Position of `oid`, or -1. Binary search inside the fanout bucket (git's `bsearch_hash`). */
  find(oid: Uint8Array): MidxPosition {
    const H = this.algo.size;
    if (oid.length !== H) return -1;
    const first = oid[0];
    let lo = first === 0 ? 0 : this.fanoutTable[first - 1];
    let hi = this.fanoutTable[first];
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const d = compareBytes(readPoint(this.source, this.oidOffset(mid), H), 0, oid, 0, H);
      if (d === 0) return mid;
      if (d < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** Pack and offset of `oid`, or undefined. */
  locate(oid: Uint8Array): MidxHit | undefined {
    const position = this.find(oid);
    if (position < 0) return undefined;
    return { packId: this.packIdAt(position), offset: this.offsetAt(position), position, layer: 0, layerPosition: position };
  }

  /** First position whose id starts with `prefix`, and whether the next one does too. */
  findPrefix(prefix: HexPrefix): MidxPrefixMatch | undefined {
    const start = this.lowerBound(prefix);
    if (start >= this.count || comparePrefix(this.oidAt(start), 0, prefix) !== 0) return undefined;
    const ambiguous = start + 1 < this.count && comparePrefix(this.oidAt(start + 1), 0, prefix) === 0;
    return { position: start, layer: 0, layerPosition: start, ambiguous };
  }

  /** First position whose id is >= the prefix. */
  lowerBound(prefix: HexPrefix): MidxPosition {
    const first = prefix.nibbles >= 2 ? prefix.bytes[0] : prefix.nibbles === 1 ? prefix.bytes[0] & 0xf0 : 0;
    let lo = first === 0 ? 0 : this.fanoutTable[first - 1];
    let hi = prefix.nibbles >= 2 ? this.fanoutTable[first] : this.count;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (comparePrefix(this.oidAt(mid), 0, prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The entry at `position`. */
  entryAt(position: MidxPosition): MidxEntry {
    const oid = this.oidAt(position).slice();
    return { oid, packId: this.packIdAt(position), offset: this.offsetAt(position), position, layer: 0, layerPosition: position };
  }

  /** Every entry in id order; ids are copies. */
  entries(): IterableIterator<MidxEntry> {
    return this.layerEntries(0, 0, 0);
  }

  /**
   * Entries in id order with positions and pack ids shifted by a chain's base counts.
   * Reads OIDL and OOFF in blocks rather than per entry.
   */
  *layerEntries(layer: number, objectBase: number, packBase: number): IterableIterator<MidxEntry> {
    const H = this.algo.size;
    for (let start = 0; start < this.count; start += ITERATION_BLOCK) {
      const n = Math.min(ITERATION_BLOCK, this.count - start);
      const ids = this.source.read(this.oidOffset(start), n * H).slice();
      const words = this.source.read(this.ooff.offset + start * OFFSET_WIDTH, n * OFFSET_WIDTH).slice();
      for (let k = 0; k < n; k++) {
        const position = start + k;
        const packId = u32(words, k * OFFSET_WIDTH);
        if (packId >= this.packCount) {
          fail('OutOfRange', `bad pack-int-id: ${packId} (${this.packCount} total packs) for object ${position}`, { file: this.name, offset: this.ooff.offset + position * OFFSET_WIDTH });
        }
        const word = u32(words, k * OFFSET_WIDTH + 4);
        const offset = this.loff !== undefined && word >= LARGE_OFFSET_NEEDED ? this.offsetAt(position) : word;
        yield {
          oid: ids.slice(k * H, k * H + H),
          packId: packBase + packId,
          offset,
          position: objectBase + position,
          layer,
          layerPosition: position,
        };
      }
    }
  }

  /** True when this file lists the pack (`pack-X.idx` or `pack-X.pack`). */
  containsPack(name: string): boolean {
    if (this.stems === undefined) this.stems = new Set(this.packNames.map(packStem));
    return this.stems.has(packStem(name));
  }
}

function readFanout(source: ByteSource, oidf: MidxChunk): Uint32Array {
  const raw = source.read(oidf.offset, FANOUT_BYTES);
  const fanout = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    fanout[i] = u32(raw, i * 4);
    if (i > 0 && fanout[i - 1] > fanout[i]) {
      fail('BadFanout', `oid fanout out of order: fanout[${i - 1}] = ${fanout[i - 1].toString(16)} > ${fanout[i].toString(16)} = fanout[${i}]`, { file: source.name, offset: oidf.offset + i * 4 });
    }
  }
  return fanout;
}

/**
 * PNAM: `packCount` NUL-terminated names. Read in blocks so a hostile count or a chunk without
 * NULs costs no more than the chunk's bytes; each name needs at least its NUL, so a count larger
 * than the chunk fails before reading anything.
 */
function readPackNames(source: ByteSource, pnam: MidxChunk, packCount: number, version: 1 | 2): { names: string[]; ranges: ByteRange[] } {
  const file = source.name;
  if (packCount > pnam.length) {
    fail('BadChunk', `multi-pack-index pack-name chunk is too short: ${packCount} pack names need at least ${packCount} bytes, the chunk has ${pnam.length}`, { file, offset: pnam.offset });
  }
  const names: string[] = [];
  const ranges: ByteRange[] = [];
  const decoder = new TextDecoder();
  const end = pnam.offset + pnam.length;
  const blockSize = 64 * 1024;
  let blockAt = pnam.offset;
  let block = source.read(blockAt, Math.min(blockSize, end - blockAt)).slice();
  let cursor = 0; // inside block
  let previous: Uint8Array | undefined;
  let previousName = '';
  while (names.length < packCount) {
    const nul = block.indexOf(0, cursor);
    if (nul < 0) {
      const nameAt = blockAt + cursor;
      if (blockAt + block.length >= end) {
        fail('BadChunk', `multi-pack-index pack-name chunk is too short: pack name ${names.length} has no terminating NUL before the chunk ends`, { file, offset: nameAt });
      }
      if (block.length - cursor > MAX_PACK_NAME) {
        fail('BadChunk', `multi-pack-index pack name ${names.length} is longer than ${MAX_PACK_NAME} bytes`, { file, offset: nameAt });
      }
      blockAt = nameAt;
      block = source.read(blockAt, Math.min(blockSize, end - blockAt)).slice();
      cursor = 0;
      continue;
    }
    const bytes = block.subarray(cursor, nul);
    if (bytes.length > MAX_PACK_NAME) {
      fail('BadChunk', `multi-pack-index pack name ${names.length} is longer than ${MAX_PACK_NAME} bytes`, { file, offset: blockAt + cursor });
    }
    const name = decoder.decode(bytes);
    if (version === 1 && previous !== undefined && compareNames(bytes, previous) <= 0) {
      fail('BadChunk', `multi-pack-index pack names out of order: '${previousName}' before '${name}'`, { file, offset: blockAt + cursor });
    }
    names.push(name);
    ranges.push({ offset: blockAt + cursor, length: bytes.length + 1 });
    previous = bytes.slice();
    previousName = name;
    cursor = nul + 1;
  }
  return { names, ranges };
}
