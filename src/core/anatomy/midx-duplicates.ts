import { compareBytes } from '../bytes/be.ts';
import { toHex } from '../hash/hex.ts';
import { gitPackMtime } from '../format/midx-write.ts';
import type { MidxHit, MidxLike } from '../format/midx.ts';
import { MultiPackIndexChain } from '../format/midx-chain.ts';
import type { PackFile } from '../odb/pack-file.ts';
import type { DuplicateObject } from './types.ts';
import type { Pacing } from '../pacing.ts';
import type { OpenRepository } from '../repo/open-repository.ts';
import { pacer } from '../pacing.ts';

/**
 * Objects stored in more than one pack, and which copy git reads. Every opened pack's idx is
 * merged in id order, one fanout bucket (first id byte) at a time, so memory follows the largest
 * bucket plus the duplicates found, never the packs. The scan keeps the duplicates compactly
 * (ids, and per copy the pack and idx position) once per repo; rows are built on request.
 *
 * Which copy git reads:
 * 1. the multi-pack-index is searched first, and it records one copy per object. git chose it
 *    when it wrote the file (`midx_oid_compare`): the preferred pack, else the newest `.pack`
 *    mtime in whole seconds, else the pack it listed first; objects taken over from an existing
 *    multi-pack-index count as the oldest (mtime 0). In a chain, a new layer leaves out objects
 *    its base layers hold, and lookups stop at the newest layer that has the object;
 * 2. otherwise the packs the midx does not cover, newest mtime first (then, at run time, the
 *    pack of the last hit first).
 */

/** The scan's result: `count` duplicated ids, and their copies as (pack, idx position) runs. */
interface DuplicateScan {
  packs: readonly PackFile[];
  count: number;
  ids: Uint8Array;
  /** copyStart[i] .. copyStart[i + 1]: the copies of duplicate i. */
  copyStart: Uint32Array;
  copyPack: Uint32Array;
  copyPosition: Uint32Array;
}

const cache = new WeakMap<OpenRepository, DuplicateScan>();

/** A growable Uint32Array. */
class U32List {
  data = new Uint32Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** A growable byte array of ids. */
class IdList {
  data = new Uint8Array(1024);
  length = 0;
  push(from: Uint8Array, at: number, size: number): void {
    if (this.length + size > this.data.length) {
      const next = new Uint8Array(Math.max(this.data.length * 2, this.length + size));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    this.data.set(from.subarray(at, at + size), this.length);
    this.length += size;
  }
}

/** Duplicated objects in id order: the total and the first `limit` rows. */
export async function midxDuplicates(repo: OpenRepository, limit: number, pacing: Pacing): Promise<{ total: number; duplicates: DuplicateObject[] }> {
  let scan = cache.get(repo);
  if (!scan) {
    scan = await scanDuplicates(repo, pacing);
    cache.set(repo, scan);
  }
  const n = Math.max(0, Math.min(scan.count, Math.floor(Number.isFinite(limit) ? limit : 0)));
  const rows: DuplicateObject[] = [];
  const explainer = new Explainer(repo);
  const H = repo.db.algo.size;
  const pace = pacer(pacing);
  for (let i = 0; i < n; i++) {
    await pace.tick(i, n, 'Explaining the copies');
    const oid = scan.ids.subarray(i * H, i * H + H);
    const copies: Copy[] = [];
    for (let c = scan.copyStart[i]; c < scan.copyStart[i + 1]; c++) copies.push(explainer.copy(scan.packs[scan.copyPack[c]], scan.copyPosition[c]));
    rows.push(explainer.row(oid, copies));
  }
  return { total: scan.count, duplicates: rows };
}

async function scanDuplicates(repo: OpenRepository, pacing: Pacing): Promise<DuplicateScan> {
  const packs = repo.db.packs;
  const H = repo.db.algo.size;
  const idBytes = new IdList();
  const copyStart = new U32List();
  const copyPack = new U32List();
  const copyPosition = new U32List();
  const pace = pacer(pacing);
  if (packs.length < 2) return { packs, count: 0, ids: new Uint8Array(0), copyStart: Uint32Array.of(0), copyPack: new Uint32Array(0), copyPosition: new Uint32Array(0) };

  let bucketIds = new Uint8Array(0);
  let bucketPack = new Uint32Array(0);
  let bucketPosition = new Uint32Array(0);
  let count = 0;
  for (let byte = 0; byte < 256; byte++) {
    let size = 0;
    for (const p of packs) size += p.idx.fanout(byte) - (byte === 0 ? 0 : p.idx.fanout(byte - 1));
    if (size > bucketPack.length) {
      bucketIds = new Uint8Array(size * H);
      bucketPack = new Uint32Array(size);
      bucketPosition = new Uint32Array(size);
    }
    let n = 0;
    for (let p = 0; p < packs.length; p++) {
      const idx = packs[p].idx;
      const start = byte === 0 ? 0 : idx.fanout(byte - 1);
      const end = idx.fanout(byte);
      if (end <= start) continue;
      const { idsAt, idStride } = idx.layout();
      // The view is used before the next read (idx v1 interleaves a 4-byte offset before each id).
      const raw = idx.source.read(idsAt + start * idStride, (end - start - 1) * idStride + H);
      for (let k = 0; k < end - start; k++) {
        bucketIds.set(raw.subarray(k * idStride, k * idStride + H), n * H);
        bucketPack[n] = p;
        bucketPosition[n] = start + k;
        n++;
      }
    }
    if (n > 1) {
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      // Byte 0 is the bucket's; ties (the same id) keep the packs in the database's order.
      order.sort((a, b) => compareBytes(bucketIds, a * H + 1, bucketIds, b * H + 1, H - 1) || bucketPack[a] - bucketPack[b]);
      let run = 0;
      while (run < n) {
        let end = run + 1;
        while (end < n && compareBytes(bucketIds, order[run] * H, bucketIds, order[end] * H, H) === 0) end++;
        if (end - run > 1) {
          idBytes.push(bucketIds, order[run] * H, H);
          copyStart.push(copyPack.length);
          for (let r = run; r < end; r++) {
            copyPack.push(bucketPack[order[r]]);
            copyPosition.push(bucketPosition[order[r]]);
          }
          count++;
        }
        run = end;
      }
    }
    await pace.tick(byte + 1, 256, 'Merging the packs’ indexes');
  }
  copyStart.push(copyPack.length);
  return {
    packs,
    count,
    ids: idBytes.data.slice(0, idBytes.length),
    copyStart: copyStart.data.slice(0, copyStart.length),
    copyPack: copyPack.data.slice(0, copyPack.length),
    copyPosition: copyPosition.data.slice(0, copyPosition.length),
  };
}

type Copy = DuplicateObject['copies'][number];

const stem = (name: string): string => name.replace(/\.(idx|pack)$/, '');

/** `2020-09-13 14:40:00 UTC`. */
function utc(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC` : 'unknown time';
}

/** Builds the rows: each copy's pack, offset and time, the copy git reads and why. */
class Explainer {
  private readonly midx: MidxLike | undefined;
  private readonly chain: MultiPackIndexChain | undefined;
  private readonly mtimes = new Map<string, number>();
  /** Pack name -> global pack id in the midx. */
  private readonly midxIds = new Map<string, number>();
  /** Packs outside the midx in the order they are searched. */
  private readonly searchOrder: string[];

  constructor(repo: OpenRepository) {
    const db = repo.db;
    this.midx = db.midx?.midx;
    this.chain = this.midx instanceof MultiPackIndexChain ? this.midx : undefined;
    for (const g of db.packFiles) this.mtimes.set(g.name, g.pack?.mtimeMs ?? 0);
    this.midx?.packNames.forEach((name, id) => this.midxIds.set(stem(name), id));
    this.searchOrder = (this.midx ? db.uncoveredPacks : db.packs).map((p) => p.name);
  }

  copy(pack: PackFile, position: number): Copy {
    return { pack: pack.name, offset: pack.idx.offsetAt(position), mtimeMs: this.mtimes.get(pack.name) ?? 0, covered: this.midxIds.has(pack.name) };
  }

  row(oid: Uint8Array, copies: Copy[]): DuplicateObject {
    const hex = toHex(oid);
    const hit = this.midx?.locate(oid);
    if (hit && this.midx) {
      const chosen = stem(this.midx.packNames[hit.packId]);
      return { oid: hex, copies, chosen, reason: this.midxReason(copies, chosen, hit) };
    }
    for (const name of this.searchOrder) {
      const copy = copies.find((c) => c.pack === name);
      if (!copy) continue;
      const where = this.midx ? 'not in the multi-pack-index: the packs outside it are searched' : 'no multi-pack-index: the packs are searched';
      return { oid: hex, copies, chosen: name, reason: `${where} newest first (then the pack of the last hit first), and this pack was modified last, ${utc(copy.mtimeMs)}` };
    }
    return { oid: hex, copies, reason: 'no pack holding a copy is searched' };
  }

  private midxReason(copies: Copy[], chosen: string, hit: MidxHit): string {
    const covered = copies.filter((c) => c.covered);
    const outside = copies.length - covered.length;
    const tail = outside > 0 ? `; the multi-pack-index is searched before the ${outside === 1 ? 'pack' : `${outside} packs`} it does not cover` : '';
    const chosenCopy = copies.find((c) => c.pack === chosen);
    if (!chosenCopy) return `the multi-pack-index records ${chosen}, a pack that is not in the folder or did not open${tail}`;

    let rivals = covered;
    if (this.chain) {
      const chain = this.chain;
      const layerOf = (c: Copy): number => chain.packLayerOf(this.midxIds.get(c.pack) ?? 0).layer;
      if (covered.some((c) => layerOf(c) !== hit.layer)) {
        return `layer ${hit.layer + 1} of the chain records it: git writes a new layer without the objects its base layers already hold, and a lookup takes the newest layer that has it${tail}`;
      }
      rivals = covered.filter((c) => layerOf(c) === hit.layer);
    }
    if (rivals.length <= 1) return `the only copy in a pack the multi-pack-index covers${tail}`;
    const seconds = (c: Copy): number => gitPackMtime(c.mtimeMs);
    const newest = Math.max(...rivals.map(seconds));
    const tied = rivals.filter((c) => seconds(c) === newest).length;
    const mine = seconds(chosenCopy);
    if (mine === newest && tied === 1) return `newest pack: modified last, ${utc(chosenCopy.mtimeMs)}; git keeps the copy in the most recently modified pack${tail}`;
    if (mine === newest) return `${tied} packs share the newest time (${utc(chosenCopy.mtimeMs)}, the same second): git then keeps the copy of the pack it met first when listing the folder${tail}`;
    return `not the newest copy by the packs' present times: the files' times changed after the multi-pack-index was written, or git added ${chosen} to an existing multi-pack-index (git counts the objects already in it as the oldest)${tail}`;
  }
}
