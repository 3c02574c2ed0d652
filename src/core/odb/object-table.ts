import { compareBytes } from '../bytes/be.ts';
import { comparePrefix, parsePrefix, toHex } from '../hash/hex.ts';
import { typeNumber, typeName, type ObjectType } from '../objects/types.ts';
import type { ObjectDatabase, ObjectLocation } from './database.ts';
import type { FileEntry } from '../repo/discover.ts';

/**
 * Every object once, in id order, with its location: the table behind the objects list.
 * Built incrementally (`step`) so a worker can report progress and stay responsive; ids are
 * kept in one byte array (no hex strings as keys), locations in typed arrays.
 *
 * | array        | per object | meaning                                        |
 * |--------------|------------|------------------------------------------------|
 * | ids          | H bytes    | the object id                                  |
 * | sources      | u16        | index into db.packs, or LOOSE                   |
 * | offsets      | f64        | pack offset, or index into the loose file list  |
 * | types        | u8         | 0 unknown, else the type number (after a scan)  |
 */

const LOOSE = 0xffff;

/** Builds the table a slice at a time. */
export class ObjectTableBuilder {
  private readonly iterator: Generator<{ oid: Uint8Array; location: ObjectLocation }>;
  private ids: Uint8Array;
  private sources: Uint16Array;
  private offsets: Float64Array;
  private count = 0;
  private readonly looseFiles: FileEntry[] = [];
  private readonly packNumbers = new Map<object, number>();
  done = false;

  constructor(private readonly db: ObjectDatabase) {
    this.iterator = db.allObjects();
    const capacity = Math.max(16, db.sourceObjectCount());
    this.ids = new Uint8Array(capacity * db.algo.size);
    this.sources = new Uint16Array(capacity);
    this.offsets = new Float64Array(capacity);
    db.packs.forEach((p, i) => this.packNumbers.set(p, i));
  }

  /** Upper bound of the final count, for progress. */
  get expected(): number {
    return this.sources.length;
  }

  /** Objects placed so far. */
  get placed(): number {
    return this.count;
  }

  /** Adds up to `limit` objects; returns true when finished. */
  step(limit: number): boolean {
    const H = this.db.algo.size;
    for (let k = 0; k < limit; k++) {
      const next = this.iterator.next();
      if (next.done) {
        this.done = true;
        return true;
      }
      const { oid, location } = next.value;
      if (this.count === this.sources.length) this.grow();
      this.ids.set(oid.subarray(0, H), this.count * H);
      if (location.kind === 'packed') {
        this.sources[this.count] = this.packNumbers.get(location.pack) as number;
        this.offsets[this.count] = location.offset;
      } else {
        this.sources[this.count] = LOOSE;
        this.offsets[this.count] = this.looseFiles.length;
        this.looseFiles.push(location.file);
      }
      this.count++;
    }
    return false;
  }

  /** The finished table. */
  finish(): ObjectTable {
    if (!this.done) throw new Error('object table is not complete');
    const H = this.db.algo.size;
    return new ObjectTable(this.db, this.ids.subarray(0, this.count * H), this.sources.subarray(0, this.count), this.offsets.subarray(0, this.count), this.looseFiles);
  }

  private grow(): void {
    const H = this.db.algo.size;
    const cap = this.sources.length * 2;
    const ids = new Uint8Array(cap * H);
    ids.set(this.ids);
    const sources = new Uint16Array(cap);
    sources.set(this.sources);
    const offsets = new Float64Array(cap);
    offsets.set(this.offsets);
    this.ids = ids;
    this.sources = sources;
    this.offsets = offsets;
  }
}

/** The finished table: random access by row, search by id or prefix. */
export class ObjectTable {
  readonly count: number;
  /** Type numbers after `scanTypes` (0 = not known yet or unreadable). */
  readonly types: Uint8Array;
  private scanned = 0;
  private readonly byType = new Map<ObjectType, Uint32Array>();

  constructor(
    readonly db: ObjectDatabase,
    private readonly ids: Uint8Array,
    private readonly sources: Uint16Array,
    private readonly offsets: Float64Array,
    private readonly looseFiles: FileEntry[],
  ) {
    this.count = sources.length;
    this.types = new Uint8Array(this.count);
  }

  oidAt(row: number): Uint8Array {
    const H = this.db.algo.size;
    return this.ids.subarray(row * H, row * H + H);
  }

  oidHexAt(row: number): string {
    return toHex(this.oidAt(row));
  }

  locationAt(row: number): ObjectLocation {
    const source = this.sources[row];
    if (source === LOOSE) return { kind: 'loose', file: this.looseFiles[this.offsets[row]] };
    const pack = this.db.packs[source];
    return { kind: 'packed', pack, offset: this.offsets[row], position: -1 };
  }

  /**
   * Where a row's bytes lie, as one sortable number: its pack's index, then its offset there;
   * loose objects after every pack. Reading rows in this order moves through each pack forwards.
   */
  storageKey(row: number): number {
    const source = this.sources[row];
    return source === LOOSE ? Number.MAX_SAFE_INTEGER : source * 2 ** 44 + this.offsets[row];
  }

  /**
   * Row of an exact id, or -1: one probe of a hash index on the id's first four bytes (ids are
   * uniformly distributed, even hostile ones cannot cluster without breaking SHA-1), built on
   * first use (4 bytes per slot, two slots per object), else a binary search.
   */
  find(oid: Uint8Array): number {
    return oid.length < this.db.algo.size ? -1 : this.findAt(oid, 0);
  }

  /** Row of the id that starts at `bytes[at]` (a tree entry's id, without a view), or -1. */
  findAt(bytes: Uint8Array, at: number): number {
    const H = this.db.algo.size;
    const slots = (this.hashIndex ??= this.buildHashIndex());
    const mask = slots.length - 1;
    const ids = this.ids;
    let slot = ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) & mask;
    for (let probes = 0; probes < slots.length; probes++) {
      const entry = slots[slot];
      if (entry === 0) return -1;
      const base = (entry - 1) * H;
      let i = 0;
      while (i < H && ids[base + i] === bytes[at + i]) i++;
      if (i === H) return entry - 1;
      slot = (slot + 1) & mask;
    }
    return this.findBySearch(bytes.subarray(at, at + H));
  }

  private hashIndex: Int32Array | undefined;

  private buildHashIndex(): Int32Array {
    const H = this.db.algo.size;
    let size = 1024;
    while (size < this.count * 2) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    const ids = this.ids;
    for (let row = 0; row < this.count; row++) {
      const at = row * H;
      let slot = ((ids[at] << 24) | (ids[at + 1] << 16) | (ids[at + 2] << 8) | ids[at + 3]) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = row + 1;
    }
    return slots;
  }

  /** Row of an exact id by binary search, or -1. */
  private findBySearch(oid: Uint8Array): number {
    const H = this.db.algo.size;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const d = compareBytes(this.ids, mid * H, oid, 0, H);
      if (d === 0) return mid;
      if (d < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** Rows whose ids start with the hex prefix (at most `limit`). */
  rowsWithPrefix(hex: string, limit: number): number[] {
    const prefix = parsePrefix(hex.toLowerCase());
    const H = this.db.algo.size;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePrefix(this.ids, mid * H, prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    const rows: number[] = [];
    for (let r = lo; r < this.count && rows.length < limit && comparePrefix(this.ids, r * H, prefix) === 0; r++) rows.push(r);
    return rows;
  }

  /** Rows whose type has been read so far (while the packs are scanned: entries scanned). */
  get scannedRows(): number {
    if (!this.packsScanned) return Math.min(this.count, this.db.packs.reduce((sum, p) => sum + this.db.packScan(p).scanned, 0));
    return this.scanned;
  }

  private packsScanned = false;

  /** True once every type is known. */
  get typesScanned(): boolean {
    return this.scanned >= this.count;
  }

  /**
   * Reads the types of up to `limit` more objects; returns true when done. Each pack is scanned
   * first, front to back (its share of the shared pack-order scan, about 10 ms a call), so the
   * types then come from the scan's arrays instead of a read per object in id order.
   */
  scanTypes(limit: number): boolean {
    if (!this.packsScanned) {
      for (const pack of this.db.packs) {
        const scan = this.db.packScan(pack);
        if (!scan.done) {
          scan.step(10);
          return false;
        }
      }
      this.packsScanned = true;
    }
    const end = Math.min(this.count, this.scanned + limit);
    for (let r = this.scanned; r < end; r++) {
      try {
        this.types[r] = typeNumber(this.db.infoAt(this.locationAt(r)).type);
      } catch {
        this.types[r] = 0;
      }
    }
    this.scanned = end;
    return this.typesScanned;
  }

  /** Rows of one type, in id order (after the scan). */
  rowsOfType(type: ObjectType): Uint32Array {
    let rows = this.byType.get(type);
    if (rows) return rows;
    const want = typeNumber(type);
    let n = 0;
    for (let r = 0; r < this.count; r++) if (this.types[r] === want) n++;
    rows = new Uint32Array(n);
    n = 0;
    for (let r = 0; r < this.count; r++) if (this.types[r] === want) rows[n++] = r;
    this.byType.set(type, rows);
    return rows;
  }

  /** The type of a row if scanned. */
  knownType(row: number): ObjectType | undefined {
    return this.types[row] ? typeName(this.types[row]) : undefined;
  }
}
