import { compareBytes, putU32, putU64, u32 } from '../bytes/be.ts';
import { fail } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import type { HasherFactory } from '../hash/hasher.ts';
import type { PackIndex } from './idx.ts';
import { CHUNK_ALIGNMENT, CHUNK_LOFF, CHUNK_OIDF, CHUNK_OIDL, CHUNK_OOFF, CHUNK_PNAM, chunkTableSize, writeChunkTable } from './chunk-table.ts';
import type { MultiPackIndex } from './midx.ts';

/**
 * Writes a multi-pack-index (version 1) byte for byte the way git 2.39's
 * `git multi-pack-index write` does (`write_midx_internal` in midx.c), from the packs' idx files.
 *
 * What git decides, and so what this does:
 * - Packs are numbered in the order git meets them ("orig pack-int-id"): the packs of an existing
 *   multi-pack-index first (it is reused, not re-read from the idx files), then the new idx files
 *   in the order the caller lists them (git: readdir order). That order only breaks ties below.
 * - Objects are gathered one fanout bucket at a time (`get_sorted_entries`), sorted by
 *   `midx_oid_compare`: id, then the preferred pack first, then the newer pack mtime (whole
 *   seconds, `st_mtime` of the .pack; entries taken over from an existing midx count as mtime 0),
 *   then the lower orig pack-int-id. The first of each run of equal ids is kept.
 * - Pack names are then sorted by strcmp (`pack_info_compare`); OOFF stores the new pack ids.
 * - Offsets (`num_large_offsets`, `large_offsets_needed`): LOFF is written only when some offset
 *   is > 0xffffffff. It then holds every offset > 0x7fffffff, in object order, and their OOFF
 *   words are 0x80000000 | LOFF index. Without LOFF, offsets in [2^31, 2^32) go into OOFF as they
 *   are (MSB set), which readers take literally when there is no LOFF chunk.
 * - No RIDX chunk and no .rev file: 2.39 adds them only for `--bitmap` (or a test variable).
 *
 * Layout written (H = hash length, N = objects, P = packs, C = 4 or 5 chunks)
 * | offset           | bytes        | field                                               |
 * |------------------|--------------|-----------------------------------------------------|
 * | 0                | 4            | "MIDX"                                              |
 * | 4                | 1            | version 1                                           |
 * | 5                | 1            | hash version: 1 SHA-1, 2 SHA-256                     |
 * | 6                | 1            | C                                                   |
 * | 7                | 1            | 0 (base multi-pack-index files)                     |
 * | 8                | 4            | P                                                   |
 * | 12               | (C + 1) x 12 | chunk table: u32 id, u64 offset; then id 0 and the   |
 * |                  |              | offset where the last chunk ends                     |
 * | ...              | NUL-padded   | PNAM: sorted names, each NUL-terminated, padded to 4 |
 * |                  | 256 x 4      | OIDF                                                |
 * |                  | N x H        | OIDL                                                |
 * |                  | N x 8        | OOFF: u32 pack id, u32 offset or LOFF index         |
 * |                  | L x 8        | LOFF (only when an offset is >= 2^32)               |
 * | end - H          | H            | checksum of everything before                        |
 */

/** One pack handed to the writer. */
export interface MidxWritePack {
  /** The idx file's name as git stores it in PNAM: `pack-<hash>.idx`. */
  name: string;
  idx: PackIndex;
  /**
   * Modification time of the `.pack`, in git's unit: whole seconds (`st_mtime`). The newest pack
   * holding a duplicated object wins it. Use `gitPackMtime` to convert a millisecond time.
   */
  mtime: number;
}

/** How the write differs from a plain one over `packs`. */
export interface MidxWriteOptions {
  /**
   * The multi-pack-index already in the folder, when git would reuse it (it loads, is version 1,
   * has the repository's hash and a valid checksum). Its packs and its chosen entries are carried
   * over as they are, treated as the oldest (mtime 0); packs it names are skipped in `packs`.
   */
  existing?: MultiPackIndex;
  /**
   * `--preferred-pack`: the name (`.idx` or `.pack`) of a pack whose copies win every duplicate.
   * It must be one of `packs` with at least one object (git 2.39 crashes on a pack of `existing`).
   */
  preferredPack?: string;
}

/** A millisecond modification time (FileEntry.mtimeMs, File.lastModified) as git's `st_mtime`. */
export function gitPackMtime(mtimeMs: number): number {
  return Math.floor(mtimeMs / 1000);
}

/** git's `cmp_idx_or_pack_name(...) == 0`: the same name, or `X.pack` for `X.idx`. */
export function sameIdxOrPackName(idxOrPackName: string, idxName: string): boolean {
  if (idxOrPackName === idxName) return true;
  return idxName.endsWith('idx') && idxOrPackName === `${idxName.slice(0, -3)}pack`;
}

const SIGNATURE = 0x4d494458; // "MIDX"
const HEADER_SIZE = 12;
const FANOUT_BYTES = 256 * 4;
const OFFSET_WIDTH = 8;
const LARGE_OFFSET_WIDTH = 8;
const LARGE_OFFSET_NEEDED = 0x80000000;
const U32_LIMIT = 0x100000000;

/** A pack as git's `pack_info`: an idx to read, or a pack carried over from an existing midx. */
interface PackInfo {
  name: string;
  nameBytes: Uint8Array;
  idx: PackIndex | undefined;
  mtime: number;
}

/** The candidates of one fanout bucket, before sorting. */
class Bucket {
  ids: Uint8Array;
  packs: Uint32Array;
  mtimes: Float64Array;
  preferred: Uint8Array;
  offsets: Float64Array;
  count = 0;

  constructor(
    readonly H: number,
    capacity: number,
  ) {
    this.ids = new Uint8Array(capacity * H);
    this.packs = new Uint32Array(capacity);
    this.mtimes = new Float64Array(capacity);
    this.preferred = new Uint8Array(capacity);
    this.offsets = new Float64Array(capacity);
  }

  /** Empties the bucket and makes room for `capacity` candidates. */
  reset(capacity: number): void {
    this.count = 0;
    if (capacity <= this.packs.length) return;
    const size = Math.max(capacity, this.packs.length * 2);
    this.ids = new Uint8Array(size * this.H);
    this.packs = new Uint32Array(size);
    this.mtimes = new Float64Array(size);
    this.preferred = new Uint8Array(size);
    this.offsets = new Float64Array(size);
  }

  push(id: Uint8Array, idAt: number, pack: number, mtime: number, preferred: boolean, offset: number): void {
    const i = this.count++;
    this.ids.set(id.subarray(idAt, idAt + this.H), i * this.H);
    this.packs[i] = pack;
    this.mtimes[i] = mtime;
    this.preferred[i] = preferred ? 1 : 0;
    this.offsets[i] = offset;
  }

  /** git's `midx_oid_compare`: id, preferred first, newer mtime first, lower pack-int-id. */
  compare(a: number, b: number): number {
    const H = this.H;
    const d = compareBytes(this.ids, a * H, this.ids, b * H, H);
    if (d !== 0) return d;
    if (this.preferred[a] !== this.preferred[b]) return this.preferred[b] - this.preferred[a];
    if (this.mtimes[a] !== this.mtimes[b]) return this.mtimes[a] > this.mtimes[b] ? -1 : 1;
    return this.packs[a] - this.packs[b];
  }
}

/**
 * Adds the objects of `idx` whose first id byte is `byte`, reading ids and offsets in one block
 * each (idx v1 keeps them interleaved, v2 in separate tables).
 */
function addIdxBucket(bucket: Bucket, idx: PackIndex, byte: number, pack: number, mtime: number, preferred: boolean): void {
  const start = byte === 0 ? 0 : idx.fanout(byte - 1);
  const end = idx.fanout(byte);
  const n = end - start;
  if (n === 0) return;
  const H = idx.algo.size;
  const layout = idx.layout();
  if (idx.version === 1) {
    // Entries are u32 offset then id, `idStride` bytes each, starting at offsetsAt.
    const stride = layout.idStride;
    const raw = idx.source.read(layout.offsetsAt + start * stride, n * stride);
    for (let k = 0; k < n; k++) bucket.push(raw, k * stride + 4, pack, mtime, preferred, u32(raw, k * stride));
    return;
  }
  const first = bucket.count;
  const ids = idx.source.read(layout.idsAt + start * H, n * H);
  for (let k = 0; k < n; k++) bucket.push(ids, k * H, pack, mtime, preferred, 0);
  const words = idx.source.read(layout.offsetsAt + start * 4, n * 4);
  const large: number[] = [];
  for (let k = 0; k < n; k++) {
    const word = u32(words, k * 4);
    if (word >= LARGE_OFFSET_NEEDED) large.push(k);
    else bucket.offsets[first + k] = word;
  }
  // Read after the block above: a ByteSource's views must not outlive the next read.
  for (const k of large) bucket.offsets[first + k] = idx.offsetAt(start + k);
}

/** strcmp over UTF-8 bytes. */
function compareNames(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * Builds the multi-pack-index git 2.39 writes for these packs (see the module comment for the
 * rules). Reads only the idx files (and `existing`) through their ByteSources; memory grows with
 * the number of objects, not with file sizes. Throws a PackscopeError when git would refuse:
 * no packs at all, an unknown or empty preferred pack, a hash that differs from `algo`.
 */
export function writeMultiPackIndex(packs: readonly MidxWritePack[], algo: HashAlgo, hasher: HasherFactory, options: MidxWriteOptions = {}): Uint8Array {
  const H = algo.size;
  const encoder = new TextEncoder();
  const { existing } = options;
  if (existing && existing.algo !== algo) {
    fail('Mismatch', `the existing multi-pack-index uses ${existing.algo.name}, the repository ${algo.name}`, { file: existing.name });
  }

  // git's ctx.info in orig pack-int-id order: the existing midx's packs, then the new ones.
  const infos: PackInfo[] = [];
  if (existing) for (const name of existing.packNames) infos.push({ name, nameBytes: encoder.encode(name), idx: undefined, mtime: 0 });
  const startPack = infos.length;
  for (const p of packs) {
    if (existing?.containsPack(p.name)) continue; // git's should_include_pack
    if (p.idx.algo !== algo) fail('Mismatch', `${p.name} was opened as ${p.idx.algo.name}, the repository uses ${algo.name}`, { file: p.idx.name });
    if (!Number.isFinite(p.mtime)) fail('OutOfRange', `${p.name}: mtime ${p.mtime} is not a number of seconds`, { file: p.idx.name });
    infos.push({ name: p.name, nameBytes: encoder.encode(p.name), idx: p.idx, mtime: p.mtime });
  }
  if (infos.length === 0) fail('NotFound', 'no pack files to index.');

  let preferred = -1;
  if (options.preferredPack !== undefined) {
    const wanted = options.preferredPack;
    preferred = infos.findIndex((info) => sameIdxOrPackName(wanted, info.name));
    if (preferred < 0) fail('NotFound', `unknown preferred pack: '${wanted}'`);
    const idx = infos[preferred].idx;
    if (idx === undefined) {
      fail('Mismatch', `preferred pack '${wanted}' is already in the multi-pack-index; git 2.39 crashes on this (remove the multi-pack-index first)`);
    }
    if (idx.count === 0) fail('NotFound', `cannot select preferred pack ${wanted} with no objects`, { file: idx.name });
  }

  // Gather, sort and deduplicate one fanout bucket at a time (git's get_sorted_entries).
  let upperBound = existing ? existing.count : 0;
  for (const info of infos) if (info.idx) upperBound += info.idx.count;
  const outIds = new Uint8Array(upperBound * H);
  const outPacks = new Uint32Array(upperBound);
  const outOffsets = new Float64Array(upperBound);
  let count = 0;
  const fanout = new Uint32Array(256);
  const bucket = new Bucket(H, 16);
  const existingEntries = existing?.entries();

  for (let byte = 0; byte < 256; byte++) {
    let size = 0;
    if (existing) size += existing.fanout(byte) - (byte === 0 ? 0 : existing.fanout(byte - 1));
    for (let p = startPack; p < infos.length; p++) {
      const idx = infos[p].idx as PackIndex;
      size += idx.fanout(byte) - (byte === 0 ? 0 : idx.fanout(byte - 1));
    }
    bucket.reset(size);
    if (existing && existingEntries) {
      const n = existing.fanout(byte) - (byte === 0 ? 0 : existing.fanout(byte - 1));
      for (let k = 0; k < n; k++) {
        const e = existingEntries.next();
        if (e.done) fail('Truncated', 'the multi-pack-index ends before its fanout says', { file: existing.name });
        // "consider objects in midx to be from 'old' packs": mtime 0, never preferred.
        bucket.push(e.value.oid, 0, e.value.packId, 0, false, e.value.offset);
      }
    }
    for (let p = startPack; p < infos.length; p++) addIdxBucket(bucket, infos[p].idx as PackIndex, byte, p, infos[p].mtime, p === preferred);

    const order = Array.from({ length: bucket.count }, (_, i) => i);
    order.sort((a, b) => bucket.compare(a, b));
    let previous = -1;
    for (const i of order) {
      if (previous >= 0 && compareBytes(bucket.ids, previous * H, bucket.ids, i * H, H) === 0) continue;
      outIds.set(bucket.ids.subarray(i * H, i * H + H), count * H);
      outPacks[count] = bucket.packs[i];
      outOffsets[count] = bucket.offsets[i];
      count++;
      previous = i;
    }
    fanout[byte] = count;
  }

  // Large offsets, exactly as write_midx_internal counts them.
  let largeCount = 0;
  let largeNeeded = false;
  for (let i = 0; i < count; i++) {
    if (outOffsets[i] > 0x7fffffff) largeCount++;
    if (outOffsets[i] > 0xffffffff) largeNeeded = true;
  }

  // Pack names sorted by strcmp; perm[orig id] = id in the file.
  const sorted = infos.map((_, i) => i).sort((a, b) => compareNames(infos[a].nameBytes, infos[b].nameBytes));
  const perm = new Uint32Array(infos.length);
  sorted.forEach((orig, i) => {
    perm[orig] = i;
    if (i > 0 && compareNames(infos[sorted[i - 1]].nameBytes, infos[orig].nameBytes) === 0) {
      fail('Mismatch', `pack ${infos[orig].name} is listed twice`);
    }
  });
  let namesLength = 0;
  for (const info of infos) namesLength += info.nameBytes.length + 1;
  const pnamLength = namesLength + ((CHUNK_ALIGNMENT - (namesLength % CHUNK_ALIGNMENT)) % CHUNK_ALIGNMENT);

  const chunks: { id: number; length: number }[] = [
    { id: CHUNK_PNAM, length: pnamLength },
    { id: CHUNK_OIDF, length: FANOUT_BYTES },
    { id: CHUNK_OIDL, length: count * H },
    { id: CHUNK_OOFF, length: count * OFFSET_WIDTH },
  ];
  if (largeNeeded) chunks.push({ id: CHUNK_LOFF, length: largeCount * LARGE_OFFSET_WIDTH });

  const tableAt = HEADER_SIZE;
  const firstChunkAt = tableAt + chunkTableSize(chunks.length);
  const bodyLength = chunks.reduce((sum, c) => sum + c.length, firstChunkAt);
  const out = new Uint8Array(bodyLength + H);

  putU32(out, 0, SIGNATURE);
  out[4] = 1;
  out[5] = algo.formatId;
  out[6] = chunks.length;
  out[7] = 0;
  putU32(out, 8, infos.length);
  writeChunkTable(out, tableAt, chunks);

  // PNAM (the padding is already zero).
  let at = firstChunkAt;
  for (const orig of sorted) {
    out.set(infos[orig].nameBytes, at);
    at += infos[orig].nameBytes.length + 1;
  }
  at = firstChunkAt + pnamLength;
  // OIDF
  for (let b = 0; b < 256; b++) putU32(out, at + b * 4, fanout[b]);
  at += FANOUT_BYTES;
  // OIDL
  out.set(outIds.subarray(0, count * H), at);
  at += count * H;
  // OOFF
  let largeIndex = 0;
  for (let i = 0; i < count; i++) {
    const offset = outOffsets[i];
    putU32(out, at, perm[outPacks[i]]);
    if (largeNeeded && offset >= LARGE_OFFSET_NEEDED) putU32(out, at + 4, LARGE_OFFSET_NEEDED + largeIndex++);
    else putU32(out, at + 4, offset % U32_LIMIT);
    at += OFFSET_WIDTH;
  }
  // LOFF
  if (largeNeeded) {
    for (let i = 0; i < count; i++) {
      if (outOffsets[i] < LARGE_OFFSET_NEEDED) continue;
      putU64(out, at, outOffsets[i]);
      at += LARGE_OFFSET_WIDTH;
    }
  }

  const h = hasher(algo);
  h.update(out.subarray(0, bodyLength));
  out.set(h.digest(), bodyLength);
  return out;
}
