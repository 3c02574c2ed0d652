import { u32 } from '../bytes/be.ts';
import { fail } from '../errors.ts';
import type { PackIndex } from '../format/idx.ts';
import { readPackTrailer } from '../format/pack.ts';
import { toHex } from '../hash/hex.ts';
import type { PackFile } from '../odb/pack-file.ts';
import type { FieldInfo, IdxAnatomy, IdxEntryRow, RegionInfo } from './types.ts';
import type { Pacing } from '../pacing.ts';

/**
 * The `.idx` file laid out for the anatomy view (see core/format/idx.ts for the byte tables):
 * its header fields and regions with their offsets, the fanout, and pages of entries.
 */

/** Most rows one idxEntries request returns. */
export const MAX_ROWS = 2000;
/** Bytes of the 4-byte offset table read at a time when looking for 64-bit offsets. */
const OFFSET_SCAN_BYTES = 1 << 16;

/** The idx's header fields, regions and fanout. */
export function idxAnatomyOf(pack: PackFile): IdxAnatomy {
  const idx = pack.idx;
  const H = idx.algo.size;
  const size = idx.source.size;
  const n = idx.count;
  const layout = idx.layout();
  const packChecksum = toHex(idx.packChecksum());
  const checksum = toHex(idx.idxChecksum());
  const fanoutLast = layout.fanoutAt + 255 * 4;
  const header: FieldInfo[] = [];
  const regions: RegionInfo[] = [];
  if (idx.version === 2) {
    header.push({ name: 'signature', offset: 0, length: 4, value: '\\377tOc (ff 74 4f 63)' });
    header.push({ name: 'version', offset: 4, length: 4, value: '2' });
    regions.push({ name: 'header', offset: 0, length: 8 });
  }
  header.push({ name: 'fanout[0xff]: number of objects', offset: fanoutLast, length: 4, value: String(n) });
  regions.push({ name: 'fanout table', offset: layout.fanoutAt, length: 256 * 4 });
  if (idx.version === 2) {
    regions.push({ name: 'object names', offset: layout.idsAt, length: n * H });
    regions.push({ name: 'CRC32 values', offset: layout.crcsAt as number, length: n * 4 });
    regions.push({ name: '4-byte offsets', offset: layout.offsetsAt, length: n * 4 });
    regions.push({ name: '8-byte offsets', offset: layout.largeOffsetsAt as number, length: idx.largeOffsetCount * 8 });
  } else {
    regions.push({ name: 'entries: 4-byte offset + object name', offset: layout.offsetsAt, length: n * (4 + H) });
  }
  regions.push({ name: 'pack checksum', offset: size - 2 * H, length: H });
  regions.push({ name: 'idx checksum', offset: size - H, length: H });
  header.push({ name: 'pack checksum', offset: size - 2 * H, length: H, value: packChecksum });
  header.push({ name: 'idx checksum', offset: size - H, length: H, value: checksum });
  const fanout: number[] = [];
  for (let i = 0; i < 256; i++) fanout.push(idx.fanout(i));
  return {
    pack: pack.name,
    file: idx.name,
    fileSize: size,
    version: idx.version,
    objects: n,
    header,
    regions,
    fanout,
    largeOffsets: idx.largeOffsetCount,
    packChecksum,
    checksum,
    // The pack file's own bytes, not the idx's copies: on a truncated or replaced pack they differ.
    packFileTrailer: toHex(readPackTrailer(pack.data, pack.ctx.algo)),
    packHeaderObjects: pack.header.count,
  };
}

/** One idx entry as a row. */
function rowAt(idx: PackIndex, position: number): IdxEntryRow {
  const row: IdxEntryRow = { position, oid: idx.oidHexAt(position), offset: idx.offsetAt(position), large: false };
  const crc = idx.crcAt(position);
  if (crc !== undefined) row.crc = crc;
  if (idx.version === 2) {
    const word = u32(idx.source.read(idx.layout().offsetsAt + position * 4, 4), 0);
    if (word >= 0x80000000) {
      row.large = true;
      row.largeIndex = word - 0x80000000;
    }
  }
  return row;
}

/** Entries [start, start + count) in idx (object name) order. */
export function idxEntryRows(pack: PackFile, start: number, count: number): IdxEntryRow[] {
  const idx = pack.idx;
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0) fail('OutOfRange', `entries [${start}, ${start + count}) are not a range of positions`, { file: idx.name });
  const end = Math.min(idx.count, start + Math.min(count, MAX_ROWS));
  const rows: IdxEntryRow[] = [];
  for (let p = start; p < end; p++) rows.push(rowAt(idx, p));
  return rows;
}

const largeUsers = new WeakMap<PackIndex, Int32Array>();

/**
 * For each slot of the 8-byte offset table, the position of the entry whose 4-byte offset
 * points to it (-1 when none does). Built once, from one pass over the 4-byte offsets.
 */
async function largeOffsetUsers(idx: PackIndex, pacing: Pacing): Promise<Int32Array> {
  const known = largeUsers.get(idx);
  if (known) return known;
  const users = new Int32Array(idx.largeOffsetCount).fill(-1);
  const at = idx.layout().offsetsAt;
  const total = idx.count * 4;
  let last = performance.now();
  for (let done = 0; done < total; done += OFFSET_SCAN_BYTES) {
    const chunk = idx.source.read(at + done, Math.min(OFFSET_SCAN_BYTES, total - done));
    for (let i = 0; i < chunk.length; i += 4) {
      const word = u32(chunk, i);
      if (word < 0x80000000) continue;
      const k = word - 0x80000000;
      if (k >= users.length) fail('OutOfRange', `offset entry ${(done + i) / 4} points to 8-byte offset ${k}, but the table holds ${users.length}`, { file: idx.name, offset: at + done + i });
      if (users[k] < 0) users[k] = (done + i) / 4;
    }
    if (performance.now() - last > 10) {
      pacing.progress(done, total, 'Reading the 4-byte offsets');
      await pacing.pause();
      last = performance.now();
    }
  }
  largeUsers.set(idx, users);
  return users;
}

/**
 * Entries whose offset lives in the 8-byte table, in table order: slots [start, start + count).
 * A slot no entry points to gives a row with position -1 and the stored offset.
 */
export async function largeOffsetRows(pack: PackFile, start: number, count: number, pacing: Pacing): Promise<IdxEntryRow[]> {
  const idx = pack.idx;
  if (idx.version === 1 || idx.largeOffsetCount === 0) return [];
  const users = await largeOffsetUsers(idx, pacing);
  const end = Math.min(users.length, Math.max(0, start) + Math.min(count, MAX_ROWS));
  const rows: IdxEntryRow[] = [];
  const tableAt = idx.layout().largeOffsetsAt as number;
  for (let k = Math.max(0, start); k < end; k++) {
    const p = users[k];
    if (p >= 0) rows.push(rowAt(idx, p));
    else {
      const bytes = idx.source.read(tableAt + k * 8, 8);
      rows.push({ position: -1, oid: '', offset: u32(bytes, 0) * 2 ** 32 + u32(bytes, 4), large: true, largeIndex: k });
    }
  }
  return rows;
}
