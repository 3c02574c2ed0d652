import { inflateSync } from 'fflate';
import { fail } from '../errors.ts';

/**
 * Reads a zip archive's central directory: every entry's name (raw bytes), attributes,
 * sizes and CRC, and the archive comment. Used to check an export against `git archive`
 * entry by entry (fflate's unzip drops the attributes and decodes names).
 *
 * End of central directory record (22 bytes + comment), found by scanning back from the end:
 * | off | size | field                        |
 * |-----|------|------------------------------|
 * |  0  |  4   | 0x06054b50                   |
 * | 10  |  2   | entries (0xffff: see zip64)  |
 * | 12  |  4   | central directory size       |
 * | 16  |  4   | central directory offset     |
 * | 20  |  2   | comment length, then comment |
 */

/** One central directory entry. */
export interface ZipDirectoryEntry {
  name: Uint8Array;
  madeBy: number;
  versionNeeded: number;
  flags: number;
  method: number;
  dosTime: number;
  dosDate: number;
  crc: number;
  compressedSize: number;
  size: number;
  internalAttributes: number;
  externalAttributes: number;
  localOffset: number;
  extra: Uint8Array;
}

/** A zip archive's entries and comment. */
export interface ZipDirectory {
  entries: ZipDirectoryEntry[];
  comment: Uint8Array;
}

/** Lists the entries of a zip archive held in memory. */
export function readZipDirectory(zip: Uint8Array): ZipDirectory {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  while (end >= lowest && v.getUint32(end, true) !== 0x06054b50) end--;
  if (end < lowest) fail('BadSignature', 'no end of central directory record: this is not a zip archive', { offset: zip.length });
  let count = v.getUint16(end + 10, true);
  let offset = v.getUint32(end + 16, true);
  const comment = zip.subarray(end + 22, end + 22 + v.getUint16(end + 20, true));
  // zip64: the locator sits just before the end record and points at the zip64 end record.
  if (end >= 20 && v.getUint32(end - 20, true) === 0x07064b50) {
    const z64 = Number(v.getBigUint64(end - 12, true));
    if (v.getUint32(z64, true) !== 0x06064b50) fail('BadSignature', 'the zip64 locator does not point at a zip64 end record', { offset: end - 20 });
    count = Number(v.getBigUint64(z64 + 32, true));
    offset = Number(v.getBigUint64(z64 + 48, true));
  }
  const entries: ZipDirectoryEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || v.getUint32(p, true) !== 0x02014b50) fail('BadSignature', `central directory entry ${i} has no signature`, { offset: p });
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    const commentLength = v.getUint16(p + 32, true);
    entries.push({
      madeBy: v.getUint16(p + 4, true),
      versionNeeded: v.getUint16(p + 6, true),
      flags: v.getUint16(p + 8, true),
      method: v.getUint16(p + 10, true),
      dosTime: v.getUint16(p + 12, true),
      dosDate: v.getUint16(p + 14, true),
      crc: v.getUint32(p + 16, true),
      compressedSize: v.getUint32(p + 20, true),
      size: v.getUint32(p + 24, true),
      internalAttributes: v.getUint16(p + 36, true),
      externalAttributes: v.getUint32(p + 38, true),
      localOffset: v.getUint32(p + 42, true),
      name: zip.subarray(p + 46, p + 46 + nameLength),
      extra: zip.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return { entries, comment };
}

/** An entry's content, inflated when it was deflated. */
export function zipEntryData(zip: Uint8Array, entry: ZipDirectoryEntry): Uint8Array {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const at = entry.localOffset;
  if (v.getUint32(at, true) !== 0x04034b50) fail('BadSignature', 'local header has no signature', { offset: at });
  const start = at + 30 + v.getUint16(at + 26, true) + v.getUint16(at + 28, true);
  const stored = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return stored;
  if (entry.method === 8) return inflateSync(stored, { out: new Uint8Array(entry.size) });
  return fail('UnsupportedVersion', `compression method ${entry.method} is not stored or deflate`, { offset: at });
}
