import { u32 } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { fail } from '../errors.ts';
import { algoFromFormatId, type HashAlgo } from '../hash/algo.ts';

/**
 * What `.rev` and `.mtimes` share: a 12-byte header, then one 4-byte big-endian entry per object
 * of the pack, then the pack's checksum and the file's own.
 *
 * | offset | bytes | field                            |
 * |--------|-------|----------------------------------|
 * | 0      | 4     | signature ("RIDX", "MTME")       |
 * | 4      | 4     | version = 1                      |
 * | 8      | 4     | hash id: 1 = SHA-1, 2 = SHA-256  |
 * | 12     | N x 4 | the table                        |
 */

export const TABLE_HEADER_SIZE = 12;
export const TABLE_ENTRY_SIZE = 4;
/** Entries read per block in whole-table passes. */
const BLOCK = 4096;

/**
 * Checks signature, version and hash id as git does, naming the offset of what is wrong, and
 * returns the hash id. `what` names the file kind in messages (`reverse-index file`).
 */
export function readTableHeader(source: ByteSource, algo: HashAlgo, what: string, signature: number, magic: string): number {
  const file = source.name;
  const head = source.read(0, TABLE_HEADER_SIZE).slice();
  const found = u32(head, 0);
  if (found !== signature) {
    fail('BadSignature', `${what} has unknown signature 0x${found.toString(16).padStart(8, '0')} (expected 0x${signature.toString(16)}, "${magic}")`, { file, offset: 0 });
  }
  const version = u32(head, 4);
  if (version !== 1) fail('UnsupportedVersion', `${what} has unsupported version ${version}`, { file, offset: 4 });
  const hashId = u32(head, 8);
  const named = algoFromFormatId(hashId);
  if (named === undefined) fail('UnsupportedVersion', `${what} has unsupported hash id ${hashId} (1 = SHA-1, 2 = SHA-256)`, { file, offset: 8 });
  if (named !== algo) fail('Mismatch', `${what} names hash id ${hashId} (${named.name}), but the repository uses ${algo.name}`, { file, offset: 8 });
  return hashId;
}

/** Calls `each(index, value)` for the first `count` entries, read in blocks; `each` returning true stops. */
export function forEachTableEntry(source: ByteSource, count: number, each: (index: number, value: number) => boolean | void): void {
  for (let start = 0; start < count; start += BLOCK) {
    const n = Math.min(BLOCK, count - start);
    const bytes = source.read(TABLE_HEADER_SIZE + start * TABLE_ENTRY_SIZE, n * TABLE_ENTRY_SIZE);
    for (let i = 0; i < n; i++) if (each(start + i, u32(bytes, i * TABLE_ENTRY_SIZE)) === true) return;
  }
}

/** The whole table, as stored. */
export function readTable(source: ByteSource, count: number): Uint32Array {
  const out = new Uint32Array(count);
  forEachTableEntry(source, count, (i, v) => {
    out[i] = v;
  });
  return out;
}
