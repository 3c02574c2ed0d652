import { bytesEqual } from '../bytes/be.ts';
import { PackscopeError } from '../errors.ts';
import { crc32 } from '../hash/crc32.ts';
import { hashObject, type HasherFactory } from '../hash/hasher.ts';
import { toHex } from '../hash/hex.ts';
import type { PackEntryHeader } from '../format/pack.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, typeName, type ObjectType } from '../objects/types.ts';
import type { PackFile } from '../odb/pack-file.ts';

/**
 * Walks a pack in offset order the way `git index-pack --verify-stat` (behind
 * `git verify-pack -v`) does, producing one row per entry and the chain-length histogram,
 * and, when asked, checking each object's id and each entry's CRC32.
 */

/** One entry of a pack, as `verify-pack -v` prints it. */
export interface PackEntryRow {
  oid: string;
  /** The object's type (a delta's resolved type). */
  type: ObjectType;
  /** The entry's declared size: for deltas, the size of the delta data. */
  size: number;
  /** Bytes the entry occupies in the pack. */
  storedSize: number;
  offset: number;
  /** Delta depth (0 for a whole object). */
  depth: number;
  /** The immediate base's id, for deltas. */
  baseOid?: string;
}

/** A problem found while walking. */
export interface PackFinding {
  file: string;
  offset?: number;
  message: string;
}

/** What the walk produced. */
export interface PackWalk {
  rows: PackEntryRow[];
  nonDelta: number;
  /** chainHistogram[d - 1] = number of entries at depth d. */
  chainHistogram: number[];
  findings: PackFinding[];
}

/** Options: decode and hash every object (verify) or read headers only (stats). */
export interface PackWalkOptions {
  verifyObjects: boolean;
  hasher: HasherFactory;
  onProgress?: (done: number, total: number) => void;
}

function isDelta(h: PackEntryHeader): boolean {
  return h.type === PACK_OFS_DELTA || h.type === PACK_REF_DELTA;
}

/** Walks every entry of the pack. Corrupt entries become findings; the walk goes on. */
export function walkPack(pack: PackFile, options: PackWalkOptions): PackWalk {
  const order = pack.packOrder();
  const n = order.offsets.length;
  const file = pack.data.name;
  const idx = pack.idx;
  const findings: PackFinding[] = [];

  const headers: (PackEntryHeader | undefined)[] = new Array(n);
  const baseRanks = new Int32Array(n).fill(-1);
  const depths = new Int32Array(n).fill(-1);
  for (let r = 0; r < n; r++) {
    try {
      const h = pack.entryHeader(order.offsets[r]);
      headers[r] = h;
      if (!isDelta(h)) depths[r] = 0;
      else baseRanks[r] = pack.rankOf(pack.baseOffsetOf(h));
    } catch (err) {
      findings.push(toFinding(err, file, order.offsets[r]));
    }
  }
  // Depths: REF_DELTA bases may lie later in the pack, so walk down to a known depth and
  // fill in the path on the way back (no recursion; a cycle leaves the path unknown).
  for (let r = 0; r < n; r++) {
    if (depths[r] >= 0 || baseRanks[r] < 0) continue;
    const path: number[] = [];
    const seen = new Set<number>();
    let cur = r;
    while (cur >= 0 && depths[cur] < 0 && !seen.has(cur)) {
      seen.add(cur);
      path.push(cur);
      cur = baseRanks[cur];
    }
    if (cur < 0 || depths[cur] < 0) continue;
    let d = depths[cur];
    for (let i = path.length - 1; i >= 0; i--) depths[path[i]] = ++d;
  }

  const rows: PackEntryRow[] = [];
  let nonDelta = 0;
  const chainHistogram: number[] = [];
  for (let r = 0; r < n; r++) {
    options.onProgress?.(r, n);
    const h = headers[r];
    if (!h) continue;
    const offset = order.offsets[r];
    const position = order.positions[r];
    const oidHex = idx.oidHexAt(position);
    const end = pack.entryEnd(offset);
    let type: ObjectType;
    try {
      if (options.verifyObjects) {
        const obj = pack.readObject(offset);
        type = obj.type;
        const actual = hashObject(options.hasher, pack.ctx.algo, obj.type, obj.data);
        if (!bytesEqual(actual, idx.oidAt(position))) {
          findings.push({ file, offset, message: `object at offset ${offset} hashes to ${toHex(actual)}, the index says ${oidHex}` });
        }
        const expectedCrc = idx.crcAt(position);
        if (expectedCrc !== undefined) {
          const actualCrc = crc32(pack.data.read(offset, end - offset));
          if (actualCrc !== expectedCrc) {
            findings.push({ file, offset, message: `CRC32 of the entry for ${oidHex} is ${hex8(actualCrc)}, the index says ${hex8(expectedCrc)}` });
          }
        }
      } else {
        type = isDelta(h) ? pack.objectInfo(offset).type : typeName(h.type);
      }
    } catch (err) {
      findings.push(toFinding(err, file, offset));
      continue;
    }
    const row: PackEntryRow = { oid: oidHex, type, size: h.size, storedSize: end - offset, offset, depth: 0 };
    if (isDelta(h)) {
      row.depth = depths[r];
      if (baseRanks[r] >= 0) row.baseOid = idx.oidHexAt(order.positions[baseRanks[r]]);
      if (row.depth > 0) chainHistogram[row.depth - 1] = (chainHistogram[row.depth - 1] ?? 0) + 1;
    } else {
      nonDelta++;
    }
    rows.push(row);
  }
  for (let i = 0; i < chainHistogram.length; i++) chainHistogram[i] ??= 0;
  return { rows, nonDelta, chainHistogram, findings };
}

/** Hashes the pack (everything before the trailer) in 1 MiB steps and compares the trailer. */
export function checkPackChecksum(pack: PackFile, hasher: HasherFactory): PackFinding | undefined {
  const algo = pack.ctx.algo;
  const source = pack.data;
  const end = source.size - algo.size;
  const h = hasher(algo);
  const step = 1 << 20;
  for (let pos = 0; pos < end; pos += step) h.update(source.read(pos, Math.min(step, end - pos)));
  const actual = h.digest();
  const stored = source.read(end, algo.size);
  if (bytesEqual(actual, stored)) return undefined;
  return { file: source.name, offset: end, message: `pack checksum mismatch: the content hashes to ${toHex(actual)}, the trailer says ${toHex(stored)}` };
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function toFinding(err: unknown, file: string, offset: number): PackFinding {
  if (err instanceof PackscopeError) return { file: err.file ?? file, offset: err.offset ?? offset, message: err.message };
  return { file, offset, message: err instanceof Error ? err.message : String(err) };
}
