import { bytesEqual, u32 } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { PackscopeError, fail } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import { toHex } from '../hash/hex.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, type PackEntryType } from '../objects/types.ts';

/**
 * The `.pack` file: a header, entries, a trailing checksum.
 *
 * | offset   | bytes | field                                       |
 * |----------|-------|---------------------------------------------|
 * | 0        | 4     | signature "PACK"                            |
 * | 4        | 4     | version: 2 or 3                             |
 * | 8        | 4     | number of entries                           |
 * | 12       | ...   | entries                                     |
 * | end - H  | H     | checksum of everything before it            |
 *
 * An entry:
 * | bytes    | field                                                     |
 * |----------|-----------------------------------------------------------|
 * | 1        | MSB: more size bytes; bits 6-4: type; bits 3-0: size low  |
 * | 0..n     | MSB: more; 7 more size bits each, little-endian           |
 * | OFS_DELTA| base distance: 7 bits a byte, big-endian, +1 per continuation |
 * | REF_DELTA| the base object's id (H bytes)                            |
 * | ...      | zlib stream of the object (or of the delta)               |
 */

export const PACK_HEADER_SIZE = 12;

/** A pack's header fields. */
export interface PackHeader {
  version: 2 | 3;
  count: number;
}

/** Reads and checks the pack header: signature and version. */
export function readPackHeader(source: ByteSource, algo: HashAlgo): PackHeader {
  if (source.size < PACK_HEADER_SIZE + algo.size) {
    fail('Truncated', `pack is ${source.size} bytes, smaller than a header and a checksum (${PACK_HEADER_SIZE + algo.size})`, { file: source.name, offset: 0 });
  }
  const head = source.read(0, PACK_HEADER_SIZE);
  if (head[0] !== 0x50 || head[1] !== 0x41 || head[2] !== 0x43 || head[3] !== 0x4b) {
    fail('BadSignature', `not a pack: the file starts with ${toHex(head, 0, 4)}, not "PACK"`, { file: source.name, offset: 0 });
  }
  const version = u32(head, 4);
  if (version !== 2 && version !== 3) fail('UnsupportedVersion', `pack version ${version} is not supported (2 and 3 are)`, { file: source.name, offset: 4 });
  return { version, count: u32(head, 8) };
}

/** The pack's trailing checksum. */
export function readPackTrailer(source: ByteSource, algo: HashAlgo): Uint8Array {
  return source.read(source.size - algo.size, algo.size).slice();
}

/**
 * Where a pack and its idx disagree: the header's count vs the idx's, and the pack's trailer vs
 * the copy in the idx. Empty when they agree. Neither stops the objects from being read.
 */
export function packIndexDisagreements(source: ByteSource, header: PackHeader, algo: HashAlgo, idxName: string, idxCount: number, idxPackChecksum: Uint8Array): PackscopeError[] {
  const out: PackscopeError[] = [];
  if (header.count !== idxCount) {
    out.push(new PackscopeError('Mismatch', `pack header says ${header.count} objects but ${idxName} lists ${idxCount}; the objects the idx lists are read`, { file: source.name, offset: 8 }));
  }
  const trailer = readPackTrailer(source, algo);
  if (!bytesEqual(trailer, idxPackChecksum)) {
    out.push(
      new PackscopeError(
        'Mismatch',
        `pack checksum ${toHex(trailer)} differs from the copy in ${idxName} (${toHex(idxPackChecksum)}): the pack was changed or cut, or the idx belongs to another pack; its objects are still read, each checked on its own`,
        { file: source.name, offset: source.size - algo.size },
      ),
    );
  }
  return out;
}

/** Checks a pack against its idx (equal counts, equal trailer copies); throws the first disagreement. */
export function checkPackMatchesIndex(source: ByteSource, header: PackHeader, algo: HashAlgo, idxName: string, idxCount: number, idxPackChecksum: Uint8Array): void {
  const [first] = packIndexDisagreements(source, header, algo, idxName, idxCount, idxPackChecksum);
  if (first) throw first;
}

/** A parsed entry header. */
export interface PackEntryHeader {
  /** Offset of the entry's first byte. */
  offset: number;
  type: PackEntryType;
  /** Inflated size: the object's size, or for deltas the size of the delta data. */
  size: number;
  /** Offset of the zlib stream. */
  dataOffset: number;
  /** OFS_DELTA: the base entry's offset. */
  baseOffset?: number;
  /** REF_DELTA: the base object's id. */
  baseOid?: Uint8Array;
}

/** Largest entry header: 10 size bytes (64 bits), 10 offset bytes, or an id. */
function maxHeaderLength(algo: HashAlgo): number {
  return 11 + Math.max(10, algo.size);
}

/** Parses the entry header at `offset`; `end` is where the entry's data must stop (next entry or trailer). */
export function readEntryHeader(source: ByteSource, offset: number, end: number, algo: HashAlgo): PackEntryHeader {
  if (offset < PACK_HEADER_SIZE || offset >= end) fail('OutOfRange', `entry offset ${offset} lies outside the pack's entries [12, ${end})`, { file: source.name, offset });
  const available = Math.min(maxHeaderLength(algo), end - offset);
  return parseEntryHeader(source.read(offset, available), 0, offset, end, algo, source.name);
}

/**
 * Parses the entry header whose first byte is `bytes[at]` and lies at pack offset `offset`;
 * `bytes` holds the entry from `at` on (at least up to `end` or the longest header). Point reads
 * hand in the entry's whole extent, scans a view into their window.
 */
export function parseEntryHeader(bytes: Uint8Array, at: number, offset: number, end: number, algo: HashAlgo, file: string): PackEntryHeader {
  const place = { file, offset };
  if (offset < PACK_HEADER_SIZE || offset >= end) fail('OutOfRange', `entry offset ${offset} lies outside the pack's entries [12, ${end})`, place);
  const available = Math.min(maxHeaderLength(algo), end - offset, bytes.length - at);
  const b = bytes;
  let pos = 0;
  let c = b[at + pos++];
  const type = (c >> 4) & 7;
  if (type === 0 || type === 5) fail('CorruptObject', `entry has invalid type ${type}`, place);
  let size = c & 15;
  let scale = 16;
  while (c & 0x80) {
    if (pos >= available) fail('Truncated', 'entry header runs past the end of the entry', place);
    c = b[at + pos++];
    if (scale > 2 ** 46) fail('TooLarge', 'entry size does not fit in 53 bits', place);
    size += (c & 0x7f) * scale;
    scale *= 128;
  }
  const header: PackEntryHeader = { offset, type: type as PackEntryType, size, dataOffset: 0 };
  if (type === PACK_OFS_DELTA) {
    if (pos >= available) fail('Truncated', 'delta base offset runs past the end of the entry', place);
    c = b[at + pos++];
    let distance = c & 0x7f;
    while (c & 0x80) {
      if (pos >= available) fail('Truncated', 'delta base offset runs past the end of the entry', place);
      c = b[at + pos++];
      distance = (distance + 1) * 128 + (c & 0x7f);
      if (distance > offset) break;
    }
    if (distance === 0 || distance > offset - PACK_HEADER_SIZE) {
      fail('OutOfRange', `ofs-delta base distance ${distance} points outside the pack (entry at ${offset})`, place);
    }
    header.baseOffset = offset - distance;
  } else if (type === PACK_REF_DELTA) {
    if (pos + algo.size > available) fail('Truncated', 'ref-delta base id runs past the end of the entry', place);
    header.baseOid = b.slice(at + pos, at + pos + algo.size);
    pos += algo.size;
  }
  header.dataOffset = offset + pos;
  return header;
}

/** Longest entry header of a pack with this hash: what a header-only read asks for. */
export function entryHeaderMaxLength(algo: HashAlgo): number {
  return maxHeaderLength(algo);
}
