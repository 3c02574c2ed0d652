import { putU32, putU64, u32, u64 } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { fail } from '../errors.ts';

/**
 * The chunk table of git's chunk-format files (multi-pack-index, commit-graph): read by the
 * midx and commit-graph readers, written by the midx writer, and every chunk id they know.
 *
 * | offset          | size         | content                                              |
 * |-----------------|--------------|------------------------------------------------------|
 * | tableAt + 12 i  | 4            | chunk id i (four ASCII letters, big-endian)          |
 * | tableAt + 12 i+4| 8            | where chunk i starts                                 |
 * | tableAt + 12 C  | 12           | id 0, and where the last chunk ends                  |
 *
 * A chunk runs from its offset to the next entry's. The two readers check as the git each
 * emulates checks (see `ChunkTableDialect`), with its words.
 */

/** Bytes of one table entry. */
export const CHUNK_TABLE_ENTRY_SIZE = 12;
/** The alignment git writes chunks at (and a multi-pack-index reader requires). */
export const CHUNK_ALIGNMENT = 4;

/** multi-pack-index: pack names. */
export const CHUNK_PNAM = 0x504e414d;
/** Both: the 256-entry fanout of the ids. */
export const CHUNK_OIDF = 0x4f494446;
/** Both: the sorted ids. */
export const CHUNK_OIDL = 0x4f49444c;
/** multi-pack-index: (pack-int-id, offset) per object. */
export const CHUNK_OOFF = 0x4f4f4646;
/** multi-pack-index: 64-bit offsets. */
export const CHUNK_LOFF = 0x4c4f4646;
/** multi-pack-index: the reverse index (object order by pack, then offset). */
export const CHUNK_RIDX = 0x52494458;
/** multi-pack-index: bitmapped packs. */
export const CHUNK_BTMP = 0x42544d50;
/** commit-graph: commit data (tree, parents, generation, date). */
export const CHUNK_CDAT = 0x43444154;
/** commit-graph: corrected commit date offsets. */
export const CHUNK_GDA2 = 0x47444132;
/** commit-graph: corrected date offsets that overflow 31 bits. */
export const CHUNK_GDO2 = 0x47444f32;
/** commit-graph: octopus parents. */
export const CHUNK_EDGE = 0x45444745;
/** commit-graph: Bloom filter ends. */
export const CHUNK_BIDX = 0x42494458;
/** commit-graph: Bloom filter data. */
export const CHUNK_BDAT = 0x42444154;
/** commit-graph: the ids of the base graphs (split chains). */
export const CHUNK_BASE = 0x42415345;

/** One entry of a chunk table. */
export interface Chunk {
  /** The id as four characters (`PNAM`), or `0x504e414d` when not printable. */
  readonly id: string;
  /** The id as a number. */
  readonly idValue: number;
  /** Where the chunk's bytes start in the file. */
  readonly offset: number;
  /** Length in bytes (next entry's offset minus this one's). */
  readonly length: number;
  /** Where this chunk's 12-byte entry sits in the chunk table. */
  readonly tableOffset: number;
}

/**
 * Which git's checks and words: `midx` as git's midx reader (offsets inside the file before the
 * checksum, 4-byte aligned, monotonic, each failure said apart), `commit-graph` as git 2.39's
 * `read_table_of_contents` (one "improper chunk offset(s)" for any offset out of order or past
 * the checksum, compared as 64-bit numbers; no alignment rule).
 */
export type ChunkTableDialect = 'midx' | 'commit-graph';

/** `PNAM`, or `0x…` when the id's bytes are not printable ASCII. */
export function chunkIdName(id: number): string {
  const bytes = [Math.floor(id / 0x1000000) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff];
  if (bytes.every((b) => b >= 0x20 && b <= 0x7e)) return String.fromCharCode(...bytes);
  return `0x${id.toString(16).padStart(8, '0')}`;
}

/** A u64 at `pos` in hex, exact even above 2^53 (for messages). */
function hex64(bytes: Uint8Array, pos: number): string {
  const high = u32(bytes, pos);
  const low = u32(bytes, pos + 4);
  return high === 0 ? low.toString(16) : high.toString(16) + low.toString(16).padStart(8, '0');
}

/** A u64 as a BigInt (exact). */
function u64Big(bytes: Uint8Array, pos: number): bigint {
  return (BigInt(u32(bytes, pos)) << 32n) | BigInt(u32(bytes, pos + 4));
}

/**
 * Reads and checks the table of `count` chunks at `tableAt` (plus its terminating entry); chunks
 * must end by `trailerAt`, where the checksum starts. Fails with the file and the entry's offset.
 */
export function readChunkTable(source: ByteSource, tableAt: number, count: number, trailerAt: number, dialect: ChunkTableDialect): Chunk[] {
  const file = source.name;
  const tableEnd = tableAt + (count + 1) * CHUNK_TABLE_ENTRY_SIZE;
  if (tableEnd > trailerAt) {
    fail('Truncated', `chunk table of ${count} chunks needs bytes [${tableAt}, ${tableEnd}), but the checksum starts at ${trailerAt}`, { file, offset: tableAt });
  }
  const table = source.read(tableAt, tableEnd - tableAt).slice();
  const chunks: Chunk[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * CHUNK_TABLE_ENTRY_SIZE;
    const id = u32(table, at);
    const place = { file, offset: tableAt + at };
    if (id === 0) fail('BadChunk', 'terminating chunk id appears earlier than expected', place);
    const nextAt = at + CHUNK_TABLE_ENTRY_SIZE + 4;
    const pair = `${hex64(table, at + 4)} and ${hex64(table, nextAt)}`;
    let offset: number;
    let next: number;
    if (dialect === 'commit-graph') {
      const start = u64Big(table, at + 4);
      const end = u64Big(table, nextAt);
      if (end < start || end > BigInt(trailerAt)) fail('BadChunk', `improper chunk offset(s) ${pair}`, { file, offset: tableAt + at + 4 });
      offset = Number(start);
      next = Number(end);
    } else {
      offset = u64(table, at + 4);
      next = u64(table, nextAt);
      if (offset > trailerAt) fail('Truncated', `improper chunk offset(s) ${pair}: chunk ${chunkIdName(id)} starts past the checksum at ${trailerAt.toString(16)}`, place);
      if (offset % CHUNK_ALIGNMENT !== 0) fail('BadChunk', `chunk id ${id.toString(16)} not ${CHUNK_ALIGNMENT}-byte aligned (offset ${hex64(table, at + 4)})`, place);
      if (next < offset) fail('BadChunk', `improper chunk offset(s) ${pair}: chunks are non-monotonic`, { file, offset: tableAt + nextAt });
      if (next > trailerAt)
        fail('Truncated', `improper chunk offset(s) ${pair}: chunk ${chunkIdName(id)} extends beyond the checksum at ${trailerAt.toString(16)}`, { file, offset: tableAt + nextAt });
    }
    if (chunks.some((c) => c.idValue === id)) fail('BadChunk', `duplicate chunk ID ${id.toString(16)} found`, place);
    chunks.push({ id: chunkIdName(id), idValue: id, offset, length: next - offset, tableOffset: tableAt + at });
  }
  const finalId = u32(table, count * CHUNK_TABLE_ENTRY_SIZE);
  if (finalId !== 0) fail('BadChunk', `final chunk has non-zero id ${finalId.toString(16)}`, { file, offset: tableAt + count * CHUNK_TABLE_ENTRY_SIZE });
  return chunks;
}

/** The chunk with this id, if the table has it. */
export function findChunk<C extends Chunk>(chunks: readonly C[], id: number): C | undefined {
  return chunks.find((c) => c.idValue === id);
}

/**
 * Writes the table for `chunks` (ids and lengths, in file order) at `tableAt`, the chunks laid
 * out one after another from just past the table. Returns where each chunk starts and where the
 * last ends.
 */
export function writeChunkTable(out: Uint8Array, tableAt: number, chunks: readonly { id: number; length: number }[]): { starts: number[]; end: number } {
  let at = tableAt + (chunks.length + 1) * CHUNK_TABLE_ENTRY_SIZE;
  const starts: number[] = [];
  chunks.forEach((c, i) => {
    putU32(out, tableAt + i * CHUNK_TABLE_ENTRY_SIZE, c.id);
    putU64(out, tableAt + i * CHUNK_TABLE_ENTRY_SIZE + 4, at);
    starts.push(at);
    at += c.length;
  });
  putU32(out, tableAt + chunks.length * CHUNK_TABLE_ENTRY_SIZE, 0);
  putU64(out, tableAt + chunks.length * CHUNK_TABLE_ENTRY_SIZE + 4, at);
  return { starts, end: at };
}

/** Bytes a table of `count` chunks takes, its terminating entry included. */
export function chunkTableSize(count: number): number {
  return (count + 1) * CHUNK_TABLE_ENTRY_SIZE;
}
