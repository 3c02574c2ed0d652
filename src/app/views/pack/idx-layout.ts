import type { IdxAnatomy } from '../../../protocol/anatomy.ts';

/**
 * Where an idx entry's fields sit in the file, from the regions the worker reported:
 * v2 keeps ids, CRC32s and offsets in three tables; v1 keeps `offset, id` pairs.
 */

/** Byte offsets of entry `position`'s id, CRC32 (v2) and 4-byte offset inside the idx. */
export function idxEntryOffsets(anatomy: IdxAnatomy, hashBytes: number, position: number): { id: number; crc?: number; offset: number } {
  const region = (name: string) => anatomy.regions.find((r) => r.name === name)?.offset ?? 0;
  if (anatomy.version === 1) {
    const at = region('entries: 4-byte offset + object name') + position * (4 + hashBytes);
    return { id: at + 4, offset: at };
  }
  return { id: region('object names') + position * hashBytes, crc: region('CRC32 values') + position * 4, offset: region('4-byte offsets') + position * 4 };
}

/** The named region, if the idx has it. */
export function regionNamed(anatomy: IdxAnatomy, name: string): { offset: number; length: number } | undefined {
  return anatomy.regions.find((r) => r.name === name);
}
