import { readPoint } from '../bytes/window-cache.ts';
import { u32, u64, compareBytes } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { fail } from '../errors.ts';
import { SHA1, SHA256, type HashAlgo } from '../hash/algo.ts';
import { comparePrefix, toHex, type HexPrefix } from '../hash/hex.ts';

/**
 * The pack index (`.idx`): sorted object ids with their offsets into the `.pack`.
 * Opened once (validated the way libgit2's `pack_index_check` does: signature, version,
 * monotonic fanout, exact/min/max size), then read lazily through the ByteSource.
 *
 * Version 1 (H = hash length, N = fanout[255])
 * | offset            | bytes     | field                                  |
 * |-------------------|-----------|----------------------------------------|
 * | 0                 | 256 x 4   | fanout: objects with first byte <= i   |
 * | 1024              | N x (4+H) | u32 pack offset, then the object id    |
 * | 1024 + N(4+H)     | H         | checksum of the .pack                  |
 * | + H               | H         | checksum of this file                  |
 *
 * Version 2
 * | offset            | bytes     | field                                  |
 * |-------------------|-----------|----------------------------------------|
 * | 0                 | 4         | signature ff 74 4f 63 ("\377tOc")      |
 * | 4                 | 4         | version = 2                            |
 * | 8                 | 256 x 4   | fanout                                 |
 * | 1032              | N x H     | object ids, sorted                     |
 * |                   | N x 4     | CRC32 of each object's packed bytes    |
 * |                   | N x 4     | offset; MSB set = index into next table|
 * |                   | M x 8     | 64-bit offsets (offsets >= 2^31)       |
 * | end - 2H          | H         | checksum of the .pack                  |
 * | end - H           | H         | checksum of this file                  |
 */

/** Index of an entry in an idx, in object-id order. */
export type IdxPosition = number;

const V2_SIGNATURE = [0xff, 0x74, 0x4f, 0x63];
const FANOUT_BYTES = 256 * 4;

/** Result of a prefix search: the first match and whether a second one exists. */
export interface PrefixMatch {
  position: IdxPosition;
  ambiguous: boolean;
}

/** Tells SHA-1 from SHA-256 for an idx opened alone, from its size; undefined if neither fits. */
export function guessIdxAlgo(source: ByteSource): HashAlgo | undefined {
  if (source.size < FANOUT_BYTES + 8) return undefined;
  const head = source.read(0, 8);
  const v2 = isV2(head);
  const count = u32(source.read(v2 ? 8 + 255 * 4 : 255 * 4, 4), 0);
  for (const algo of [SHA1, SHA256]) {
    const [min, max] = expectedSize(v2 ? 2 : 1, count, algo);
    if (source.size >= min && source.size <= max) return algo;
  }
  return undefined;
}

function isV2(head: Uint8Array): boolean {
  return head[0] === V2_SIGNATURE[0] && head[1] === V2_SIGNATURE[1] && head[2] === V2_SIGNATURE[2] && head[3] === V2_SIGNATURE[3];
}

/** The [min, max] file size an idx of `count` objects may have. */
function expectedSize(version: 1 | 2, count: number, algo: HashAlgo): [number, number] {
  const H = algo.size;
  if (version === 1) {
    const exact = FANOUT_BYTES + count * (4 + H) + 2 * H;
    return [exact, exact];
  }
  const min = 8 + FANOUT_BYTES + count * (H + 4 + 4) + 2 * H;
  // At most every object but the first can need a 64-bit offset (the first is at 12 or so).
  const max = min + (count > 0 ? (count - 1) * 8 : 0);
  return [min, max];
}

/** A validated, lazily read `.idx`. */
export class PackIndex {
  readonly version: 1 | 2;
  readonly count: number;
  /** Number of 64-bit offsets in the large-offset table (v2). */
  readonly largeOffsetCount: number;
  private readonly fanoutTable: Uint32Array;
  private readonly idsAt: number; // byte offset of the first id
  private readonly idStride: number; // bytes from one id to the next
  private readonly crcsAt: number;
  private readonly offsetsAt: number;
  private readonly largeOffsetsAt: number;

  private constructor(
    readonly source: ByteSource,
    readonly algo: HashAlgo,
  ) {
    const name = source.name;
    const H = algo.size;
    if (source.size < FANOUT_BYTES + 2 * H) {
      fail('Truncated', `index file is ${source.size} bytes, smaller than the fanout table and two checksums (${FANOUT_BYTES + 2 * H})`, { file: name, offset: 0 });
    }
    const head = source.read(0, 8);
    let fanoutAt = 0;
    if (isV2(head)) {
      const version = u32(head, 4);
      if (version !== 2) fail('UnsupportedVersion', `index version ${version} is not supported (only 1 and 2 exist)`, { file: name, offset: 4 });
      this.version = 2;
      fanoutAt = 8;
      if (source.size < 8 + FANOUT_BYTES + 2 * H) fail('Truncated', `index file is ${source.size} bytes, too small for a version 2 index`, { file: name, offset: 0 });
    } else {
      this.version = 1;
    }
    const raw = source.read(fanoutAt, FANOUT_BYTES);
    const fanout = new Uint32Array(256);
    let previous = 0;
    for (let i = 0; i < 256; i++) {
      const n = u32(raw, i * 4);
      if (n < previous) {
        fail('BadFanout', `fanout is not monotonic: entry ${i} is ${n}, below entry ${i - 1} (${previous})`, { file: name, offset: fanoutAt + i * 4 });
      }
      fanout[i] = n;
      previous = n;
    }
    this.fanoutTable = fanout;
    const count = fanout[255];
    this.count = count;
    const [min, max] = expectedSize(this.version, count, algo);
    if (source.size < min || source.size > max || (this.version === 2 && (source.size - min) % 8 !== 0)) {
      const want = min === max ? `${min}` : `between ${min} and ${max}`;
      fail('BadSize', `index file is ${source.size} bytes but ${count} objects (${algo.name}) need ${want}`, { file: name, offset: fanoutAt + 255 * 4 });
    }
    if (this.version === 1) {
      this.idsAt = FANOUT_BYTES + 4;
      this.idStride = 4 + H;
      this.crcsAt = this.offsetsAt = FANOUT_BYTES;
      this.largeOffsetsAt = 0;
      this.largeOffsetCount = 0;
    } else {
      this.idsAt = 8 + FANOUT_BYTES;
      this.idStride = H;
      this.crcsAt = this.idsAt + count * H;
      this.offsetsAt = this.crcsAt + count * 4;
      this.largeOffsetsAt = this.offsetsAt + count * 4;
      this.largeOffsetCount = (source.size - min) / 8;
    }
  }

  /** Opens and validates an idx; throws a PackscopeError naming the file and offset. */
  static open(source: ByteSource, algo: HashAlgo): PackIndex {
    return new PackIndex(source, algo);
  }

  /** File name, for messages. */
  get name(): string {
    return this.source.name;
  }

  /** Number of objects whose first id byte is <= `byte`. */
  fanout(byte: number): number {
    return this.fanoutTable[byte];
  }

  /** Byte offset inside the idx of the id at `position` (for the annotated hex view). */
  idOffset(position: IdxPosition): number {
    return this.idsAt + position * this.idStride;
  }

  /** The object id at `position` (a view: copy it to keep it). */
  oidAt(position: IdxPosition): Uint8Array {
    return readPoint(this.source, this.idOffset(position), this.algo.size);
  }

  /** The object id at `position` in hex. */
  oidHexAt(position: IdxPosition): string {
    return toHex(readPoint(this.source, this.idOffset(position), this.algo.size));
  }

  /** The CRC32 of the object's packed bytes (version 2 only). */
  crcAt(position: IdxPosition): number | undefined {
    if (this.version === 1) return undefined;
    return u32(readPoint(this.source, this.crcsAt + position * 4, 4), 0);
  }

  /** The object's offset in the `.pack`. */
  offsetAt(position: IdxPosition): number {
    if (this.version === 1) return u32(readPoint(this.source, FANOUT_BYTES + position * (4 + this.algo.size), 4), 0);
    const at = this.offsetsAt + position * 4;
    const word = u32(readPoint(this.source, at, 4), 0);
    if (word < 0x80000000) return word;
    const large = word - 0x80000000;
    if (large >= this.largeOffsetCount) {
      fail('OutOfRange', `offset entry ${position} points to 64-bit offset ${large}, but the table holds ${this.largeOffsetCount}`, { file: this.name, offset: at });
    }
    return u64(readPoint(this.source, this.largeOffsetsAt + large * 8, 8), 0);
  }

  /**
   * Every object's offset by idx position, read in blocks (a million objects in a few
   * milliseconds, where `offsetAt` one by one costs a cache lookup each). An entry whose 64-bit
   * offset is out of the table's range is NaN: `offsetAt` of that position says why.
   */
  allOffsets(): Float64Array {
    const n = this.count;
    const out = new Float64Array(n);
    const BLOCK = 1 << 14;
    for (let start = 0; start < n; start += BLOCK) {
      const count = Math.min(BLOCK, n - start);
      if (this.version === 1) {
        for (let i = 0; i < count; i++) out[start + i] = this.offsetAt(start + i);
        continue;
      }
      const words = this.source.read(this.offsetsAt + start * 4, count * 4);
      for (let i = 0; i < count; i++) {
        const word = ((words[4 * i] << 24) | (words[4 * i + 1] << 16) | (words[4 * i + 2] << 8) | words[4 * i + 3]) >>> 0;
        if (word < 0x80000000) out[start + i] = word;
        else if (word - 0x80000000 < this.largeOffsetCount) out[start + i] = u64(readPoint(this.source, this.largeOffsetsAt + (word - 0x80000000) * 8, 8), 0);
        else out[start + i] = NaN;
      }
    }
    return out;
  }

  /**
   * Every object id, by position, in one array (`count * algo.size` bytes: 17 MB for git.git's
   * 850k objects), read in blocks front to back. For a caller that visits every object in an
   * order unrelated to the ids (the verifier, in pack order): id lookups by position in an idx
   * larger than the window budget would otherwise load a page per object.
   */
  allOids(): Uint8Array {
    const n = this.count;
    const H = this.algo.size;
    const out = new Uint8Array(n * H);
    const BLOCK = 1 << 14;
    for (let start = 0; start < n; start += BLOCK) {
      const count = Math.min(BLOCK, n - start);
      if (this.idStride === H) {
        out.set(this.source.read(this.idsAt + start * H, count * H), start * H);
        continue;
      }
      // v1: ids interleaved with their 4-byte offsets.
      const rows = this.source.read(this.idsAt + start * this.idStride, (count - 1) * this.idStride + H);
      for (let i = 0; i < count; i++) out.set(rows.subarray(i * this.idStride, i * this.idStride + H), (start + i) * H);
    }
    return out;
  }

  /** Every CRC32 by position (version 2; undefined for version 1), read in blocks: see `allOids`. */
  allCrcs(): Uint32Array | undefined {
    if (this.version === 1) return undefined;
    const n = this.count;
    const out = new Uint32Array(n);
    const BLOCK = 1 << 16;
    for (let start = 0; start < n; start += BLOCK) {
      const count = Math.min(BLOCK, n - start);
      const words = this.source.read(this.crcsAt + start * 4, count * 4);
      for (let i = 0; i < count; i++) out[start + i] = ((words[4 * i] << 24) | (words[4 * i + 1] << 16) | (words[4 * i + 2] << 8) | words[4 * i + 3]) >>> 0;
    }
    return out;
  }

  /** Byte offset inside the idx of the offset entry of `position` (v1: the entry's 4-byte offset). */
  offsetEntryAt(position: IdxPosition): number {
    if (this.version === 1) return FANOUT_BYTES + position * (4 + this.algo.size);
    return this.offsetsAt + position * 4;
  }

  /** Byte offset inside the idx of the CRC32 of `position` (v2), or undefined (v1). */
  crcEntryAt(position: IdxPosition): number | undefined {
    return this.version === 2 ? this.crcsAt + position * 4 : undefined;
  }

  /** True when the offset of `position` is stored in the 64-bit table. */
  usesLargeOffset(position: IdxPosition): boolean {
    if (this.version === 1) return false;
    return u32(readPoint(this.source, this.offsetsAt + position * 4, 4), 0) >= 0x80000000;
  }

  /** The copy of the pack's trailing checksum stored in the idx. */
  packChecksum(): Uint8Array {
    return this.source.read(this.source.size - 2 * this.algo.size, this.algo.size).slice();
  }

  /** The idx's own trailing checksum. */
  idxChecksum(): Uint8Array {
    return this.source.read(this.source.size - this.algo.size, this.algo.size).slice();
  }

  /** Byte offsets of the idx's tables, for the anatomy views. */
  layout(): { fanoutAt: number; idsAt: number; idStride: number; crcsAt: number | undefined; offsetsAt: number; largeOffsetsAt: number | undefined } {
    return {
      fanoutAt: this.version === 2 ? 8 : 0,
      idsAt: this.idsAt,
      idStride: this.idStride,
      crcsAt: this.version === 2 ? this.crcsAt : undefined,
      offsetsAt: this.offsetsAt,
      largeOffsetsAt: this.version === 2 ? this.largeOffsetsAt : undefined,
    };
  }

  /** Position of `oid`, or -1. Binary search inside the fanout bucket. */
  find(oid: Uint8Array, oidPos = 0): IdxPosition {
    const first = oid[oidPos];
    let lo = first === 0 ? 0 : this.fanoutTable[first - 1];
    let hi = this.fanoutTable[first];
    const H = this.algo.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const d = compareBytes(readPoint(this.source, this.idOffset(mid), H), 0, oid, oidPos, H);
      if (d === 0) return mid;
      if (d < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** First position whose id starts with `prefix`, and whether another follows; undefined if none. */
  findPrefix(prefix: HexPrefix): PrefixMatch | undefined {
    const start = this.lowerBound(prefix);
    if (start >= this.count || comparePrefix(this.oidAt(start), 0, prefix) !== 0) return undefined;
    const ambiguous = start + 1 < this.count && comparePrefix(this.oidAt(start + 1), 0, prefix) === 0;
    return { position: start, ambiguous };
  }

  /** All positions whose ids start with `prefix`, up to `limit`. */
  positionsWithPrefix(prefix: HexPrefix, limit: number): IdxPosition[] {
    const out: IdxPosition[] = [];
    for (let i = this.lowerBound(prefix); i < this.count && out.length < limit; i++) {
      if (comparePrefix(this.oidAt(i), 0, prefix) !== 0) break;
      out.push(i);
    }
    return out;
  }

  /** First position whose id is >= the prefix. */
  lowerBound(prefix: HexPrefix): IdxPosition {
    const first = prefix.nibbles >= 2 ? prefix.bytes[0] : prefix.nibbles === 1 ? prefix.bytes[0] & 0xf0 : 0;
    let lo = first === 0 ? 0 : this.fanoutTable[first - 1];
    let hi = prefix.nibbles >= 2 ? this.fanoutTable[first] : this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePrefix(this.oidAt(mid), 0, prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
