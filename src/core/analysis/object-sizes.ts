import { compareBytes } from '../bytes/be.ts';
import type { ObjectDatabase, ObjectLocation } from '../odb/database.ts';
import type { PackFile } from '../odb/pack-file.ts';
import type { PackScan } from '../scan/pack-scan.ts';

/**
 * Every object's type, size and stored bytes, in id order, from the pack-order scans (each pack
 * read once front to back) and the loose files: what filter-repo asks `cat-file
 * --batch-all-objects --batch-check='%(objectsize) %(objectsize:disk)'` for. An object in
 * several packs counts at the copy the database's lookup chooses, as git's does.
 *
 * Stored bytes of a pack entry run from its offset to the next entry's (header, compressed
 * data, delta base reference); of a loose object, the file's size.
 *
 * Built in slices (`step`) for the worker. Memory: about 45 bytes an object (git.git: 38 MB).
 */

/** Object types as numbers, git's: 1 commit, 2 tree, 3 blob, 4 tag. */
export const OBJ_COMMIT = 1;
export const OBJ_TREE = 2;
export const OBJ_BLOB = 3;
export const OBJ_TAG = 4;

/** Per pack, what its entries hold. */
export interface PackContents {
  pack: PackFile;
  /** Stored bytes by type number (index 1-4; 0: entries the scan could not read). */
  storedByType: Float64Array;
}

/** The finished columns. */
export interface ObjectSizes {
  count: number;
  hashSize: number;
  ids: Uint8Array;
  types: Uint8Array;
  sizes: Float64Array;
  stored: Float64Array;
  /** Index into `packs`; -1 loose. */
  packIndex: Int32Array;
  /** Pack offset, or -1. */
  offsets: Float64Array;
  /** Offset of the delta base in the same pack, or -1 when the entry is not a delta (or its base is unknown). */
  baseOffsets: Float64Array;
  packs: PackContents[];
  /** Objects whose type or size could not be read (left as type 0). */
  unreadable: number;
  /** Row of an id, or -1 (binary search). */
  find(id: Uint8Array, at?: number): number;
  /** The delta base's id of a row, or undefined. */
  baseId(row: number): Uint8Array | undefined;
}

/** Builds `ObjectSizes` a slice at a time. */
export class ObjectSizesBuilder {
  private phase: 'scan' | 'list' | 'done' = 'scan';
  private packCursor = 0;
  private readonly scans: PackScan[] = [];
  private readonly packs: PackContents[] = [];
  private readonly packNumber = new Map<PackFile, number>();
  private iterator: Generator<{ oid: Uint8Array; location: ObjectLocation }> | undefined;
  private ids: Uint8Array;
  private types: Uint8Array;
  private sizes: Float64Array;
  private stored: Float64Array;
  private packIndex: Int32Array;
  private offsets: Float64Array;
  private baseOffsets: Float64Array;
  private n = 0;
  private unreadable = 0;
  private readonly hashSize: number;
  /** Objects listed so far, and the estimate of all (for progress). */
  readonly expected: number;

  constructor(private readonly db: ObjectDatabase) {
    this.hashSize = db.algo.size;
    const capacity = Math.max(16, db.sourceObjectCount());
    this.expected = capacity;
    this.ids = new Uint8Array(capacity * this.hashSize);
    this.types = new Uint8Array(capacity);
    this.sizes = new Float64Array(capacity);
    this.stored = new Float64Array(capacity);
    this.packIndex = new Int32Array(capacity);
    this.offsets = new Float64Array(capacity);
    this.baseOffsets = new Float64Array(capacity);
    db.packs.forEach((p, i) => this.packNumber.set(p, i));
  }

  /** Progress: entries scanned (first) then objects listed, over twice the estimate. */
  get done(): number {
    let scanned = 0;
    for (let i = 0; i < this.db.packs.length; i++) scanned += i < this.packCursor ? this.db.packs[i].count : i === this.packCursor && this.scans[i] ? this.scans[i].scanned : 0;
    return Math.min(scanned, this.expected) + this.n;
  }

  get finished(): boolean {
    return this.phase === 'done';
  }

  /** Works for about `budgetMs`; true when finished. */
  step(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    while (this.phase === 'scan') {
      if (this.packCursor >= this.db.packs.length) {
        this.phase = 'list';
        this.iterator = this.db.allObjects();
        break;
      }
      const pack = this.db.packs[this.packCursor];
      const scan = (this.scans[this.packCursor] ??= this.db.packScan(pack));
      if (!scan.step(Math.max(1, deadline - performance.now()))) return false;
      this.packs.push({ pack, storedByType: storedByType(scan) });
      this.packCursor++;
      if (performance.now() >= deadline) return false;
    }
    if (this.phase === 'list') {
      const it = this.iterator as Generator<{ oid: Uint8Array; location: ObjectLocation }>;
      for (let k = 1; ; k++) {
        const next = it.next();
        if (next.done) {
          this.phase = 'done';
          break;
        }
        this.place(next.value.oid, next.value.location);
        if ((k & 1023) === 0 && performance.now() >= deadline) return false;
      }
    }
    return this.phase === 'done';
  }

  private place(oid: Uint8Array, location: ObjectLocation): void {
    if (this.n === this.types.length) this.grow();
    const r = this.n++;
    const H = this.hashSize;
    this.ids.set(oid.subarray(0, H), r * H);
    this.baseOffsets[r] = -1;
    if (location.kind === 'loose') {
      this.packIndex[r] = -1;
      this.offsets[r] = -1;
      this.stored[r] = location.file.source.size;
      try {
        const info = this.db.infoAt(location);
        this.types[r] = typeNumberOf(info.type);
        this.sizes[r] = info.size;
      } catch {
        this.unreadable++;
        this.types[r] = 0;
        this.sizes[r] = -1;
      }
      return;
    }
    const p = this.packNumber.get(location.pack) ?? -1;
    this.packIndex[r] = p;
    this.offsets[r] = location.offset;
    const scan = p >= 0 ? this.scans[p] : undefined;
    const rank = scan && !Number.isNaN(location.offset) ? location.pack.rankOf(location.offset) : -1;
    if (!scan || rank < 0 || scan.types[rank] === 0 || scan.sizes[rank] < 0) {
      this.unreadable++;
      this.types[r] = 0;
      this.sizes[r] = -1;
      this.stored[r] = -1;
      return;
    }
    this.types[r] = scan.types[rank];
    this.sizes[r] = scan.sizes[rank];
    this.stored[r] = (rank + 1 < scan.count ? scan.offsets[rank + 1] : scan.entriesEnd) - scan.offsets[rank];
    const base = scan.baseRanks[rank];
    if (base >= 0) this.baseOffsets[r] = scan.offsets[base];
  }

  private grow(): void {
    const cap = this.types.length * 2;
    const grow = <T extends Uint8Array | Float64Array | Int32Array>(a: T, make: (n: number) => T, per = 1): T => {
      const b = make(cap * per);
      b.set(a as never);
      return b;
    };
    this.ids = grow(this.ids, (n) => new Uint8Array(n), this.hashSize);
    this.types = grow(this.types, (n) => new Uint8Array(n));
    this.sizes = grow(this.sizes, (n) => new Float64Array(n));
    this.stored = grow(this.stored, (n) => new Float64Array(n));
    this.packIndex = grow(this.packIndex, (n) => new Int32Array(n));
    this.offsets = grow(this.offsets, (n) => new Float64Array(n));
    this.baseOffsets = grow(this.baseOffsets, (n) => new Float64Array(n));
  }

  /** The columns (after `step` returned true). */
  finish(): ObjectSizes {
    const n = this.n;
    const H = this.hashSize;
    const ids = this.ids.subarray(0, n * H);
    const packs = this.packs;
    const offsets = this.offsets.subarray(0, n);
    const packIndex = this.packIndex.subarray(0, n);
    const baseOffsets = this.baseOffsets.subarray(0, n);
    const find = (id: Uint8Array, at = 0): number => {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const c = compareBytes(ids, mid * H, id, at, H);
        if (c === 0) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
      }
      return -1;
    };
    return {
      count: n,
      hashSize: H,
      ids,
      types: this.types.subarray(0, n),
      sizes: this.sizes.subarray(0, n),
      stored: this.stored.subarray(0, n),
      packIndex,
      offsets,
      baseOffsets,
      packs,
      unreadable: this.unreadable,
      find,
      baseId(row) {
        const p = packIndex[row];
        const base = baseOffsets[row];
        if (p < 0 || base < 0) return undefined;
        const pack = packs[p].pack;
        const position = pack.positionAtOffset(base);
        return position >= 0 ? pack.idx.oidAt(position) : undefined;
      },
    };
  }
}

function typeNumberOf(type: string): number {
  return type === 'commit' ? OBJ_COMMIT : type === 'tree' ? OBJ_TREE : type === 'blob' ? OBJ_BLOB : type === 'tag' ? OBJ_TAG : 0;
}

function storedByType(scan: PackScan): Float64Array {
  const out = new Float64Array(5);
  for (let r = 0; r < scan.count; r++) {
    const end = r + 1 < scan.count ? scan.offsets[r + 1] : scan.entriesEnd;
    out[scan.types[r] <= 4 ? scan.types[r] : 0] += end - scan.offsets[r];
  }
  return out;
}
