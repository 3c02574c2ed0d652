import { comparePrefix, parsePrefix, toHex } from '../hash/hex.ts';
import { typeNumber, typeName, type ObjectType } from '../objects/types.ts';
import type { ObjectDatabase, ObjectLocation } from './database.ts';
import type { FileEntry } from '../repo/discover.ts';
import { IdHashIndex } from './id-hash-index.ts';

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
 * | positions    | u32        | idx position in its pack (NO_POSITION: unknown) |
 * | types        | u8         | 0 unknown, else the type number (after a scan)  |
 */

const LOOSE = 0xffff;
/** A row whose idx position is unknown (loose, or located through a multi-pack-index). */
const NO_POSITION = 0xffffffff;

/** Builds the table a slice at a time. */
export class ObjectTableBuilder {
  private readonly iterator: Generator<{ oid: Uint8Array; location: ObjectLocation }>;
  private ids: Uint8Array;
  private sources: Uint16Array;
  private offsets: Float64Array;
  private positions: Uint32Array;
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
    this.positions = new Uint32Array(capacity);
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
        this.positions[this.count] = location.position >= 0 ? location.position : NO_POSITION;
      } else {
        this.sources[this.count] = LOOSE;
        this.offsets[this.count] = this.looseFiles.length;
        this.positions[this.count] = NO_POSITION;
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
    return new ObjectTable(
      this.db,
      this.ids.subarray(0, this.count * H),
      this.sources.subarray(0, this.count),
      this.offsets.subarray(0, this.count),
      this.positions.subarray(0, this.count),
      this.looseFiles,
    );
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
    const positions = new Uint32Array(cap);
    positions.set(this.positions);
    this.positions = positions;
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
    private readonly positions: Uint32Array,
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

  /** Row of an exact id, or -1 (the hash index is built on first use; see IdHashIndex). */
  find(oid: Uint8Array): number {
    return oid.length < this.db.algo.size ? -1 : this.findAt(oid, 0);
  }

  /** Row of the id that starts at `bytes[at]` (a tree entry's id, without a view), or -1. */
  findAt(bytes: Uint8Array, at: number): number {
    return (this.hashIndex ??= new IdHashIndex(this.ids, this.count, this.db.algo.size)).findAt(bytes, at);
  }

  private hashIndex: IdHashIndex | undefined;

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
    if (!this.packsScanned)
      return Math.min(
        this.count,
        this.db.packs.reduce((sum, p) => sum + this.db.packScan(p).scanned, 0),
      );
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
        if (!scan.typesDone) {
          scan.step(10, 'types');
          return false;
        }
      }
      this.packsScanned = true;
    }
    const end = Math.min(this.count, this.scanned + limit);
    const packs = this.db.packs;
    for (let r = this.scanned; r < end; r++) {
      // From the scan's arrays by idx position (no search); else one lookup (midx rows, loose
      // objects, entries the scan could not read: infoAt then says why).
      const source = this.sources[r];
      const position = this.positions[r];
      if (source !== LOOSE && position !== NO_POSITION) {
        const known = packs[source].scannedTypeAt(position);
        if (known !== 0) {
          this.types[r] = known;
          continue;
        }
      }
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
