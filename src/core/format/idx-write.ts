import { putU32, putU64 } from '../bytes/be.ts';
import { fail } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import type { HasherFactory } from '../hash/hasher.ts';

/**
 * Writes a pack index the way git 2.39's `write_idx_file` (pack-write.c) does, so the bytes
 * equal git's. The layouts are drawn in format/idx.ts; in short:
 *
 * v1: fanout (256 x u32) | N x (u32 offset, id) | pack checksum | idx checksum
 * v2: ff 74 4f 63 | u32 2 | fanout | N ids | N CRC32 | N u32 offsets | M u64 | pack checksum | idx checksum
 *
 * In v2 an offset above `off32Limit` (git's default 0x7fffffff; `--index-version=2,<limit>`
 * lowers it) is stored as `0x80000000 | k`, where k counts such offsets in id order, and the
 * 64-bit value goes into the k-th slot of the large-offset table.
 */

/** The entries to index, as columns (one row per object, any order). */
export interface IdxColumns {
  count: number;
  /** `count * algo.size` bytes: row i's id at `i * algo.size`. */
  oids: Uint8Array;
  offsets: Float64Array;
  crcs: Uint32Array;
}

/** Which index version to write, and git's `off32_limit`. */
export interface IdxWriteOptions {
  version?: 1 | 2;
  off32Limit?: number;
}

/** Git's default: only offsets that do not fit in 31 bits go to the 64-bit table. */
export const DEFAULT_OFF32_LIMIT = 0x7fffffff;

/** The rows in id order (ties, which a valid pack never has, by pack offset). */
export function sortByOid(columns: IdxColumns, algo: HashAlgo): Uint32Array {
  const { count, oids, offsets } = columns;
  const H = algo.size;
  // The first four bytes as one number decide almost every comparison.
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const p = i * H;
    keys[i] = oids[p] * 0x1000000 + ((oids[p + 1] << 16) | (oids[p + 2] << 8) | oids[p + 3]);
  }
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => {
    const d = keys[a] - keys[b];
    if (d !== 0) return d;
    const pa = a * H;
    const pb = b * H;
    for (let k = 4; k < H; k++) {
      const e = oids[pa + k] - oids[pb + k];
      if (e !== 0) return e;
    }
    return offsets[a] - offsets[b];
  });
  return order;
}

/** Builds the whole `.idx` file in memory (it is small: about 28 bytes an object for SHA-1). */
export function writeIdx(columns: IdxColumns, packChecksum: Uint8Array, algo: HashAlgo, hasher: HasherFactory, options: IdxWriteOptions = {}): Uint8Array {
  const version = options.version ?? 2;
  const limit = options.off32Limit ?? DEFAULT_OFF32_LIMIT;
  const H = algo.size;
  const n = columns.count;
  const order = sortByOid(columns, algo);
  const { oids, offsets, crcs } = columns;

  const fanout = new Uint32Array(256);
  for (let i = 0; i < n; i++) fanout[oids[order[i] * H]]++;
  for (let b = 1; b < 256; b++) fanout[b] += fanout[b - 1];

  let out: Uint8Array;
  let p = 0;
  if (version === 1) {
    out = new Uint8Array(1024 + n * (4 + H) + 2 * H);
    for (let b = 0; b < 256; b++, p += 4) putU32(out, p, fanout[b]);
    for (let i = 0; i < n; i++) {
      const row = order[i];
      const offset = offsets[row];
      if (offset > 0xffffffff) fail('TooLarge', `offset ${offset} does not fit in a version 1 index (pack too large; use version 2)`, { offset });
      putU32(out, p, offset);
      out.set(oids.subarray(row * H, row * H + H), p + 4);
      p += 4 + H;
    }
  } else {
    let large = 0;
    for (let i = 0; i < n; i++) if (offsets[i] > limit) large++;
    out = new Uint8Array(8 + 1024 + n * (H + 8) + large * 8 + 2 * H);
    out.set([0xff, 0x74, 0x4f, 0x63], 0);
    putU32(out, 4, 2);
    p = 8;
    for (let b = 0; b < 256; b++, p += 4) putU32(out, p, fanout[b]);
    for (let i = 0; i < n; i++, p += H) out.set(oids.subarray(order[i] * H, order[i] * H + H), p);
    for (let i = 0; i < n; i++, p += 4) putU32(out, p, crcs[order[i]]);
    let largeAt = p + n * 4;
    let k = 0;
    for (let i = 0; i < n; i++, p += 4) {
      const offset = offsets[order[i]];
      if (offset > limit) {
        putU32(out, p, 0x80000000 + k++);
        putU64(out, largeAt, offset);
        largeAt += 8;
      } else {
        putU32(out, p, offset);
      }
    }
    p = largeAt;
  }
  out.set(packChecksum.subarray(0, H), p);
  p += H;
  const h = hasher(algo);
  h.update(out.subarray(0, p));
  out.set(h.digest(), p);
  return out;
}
