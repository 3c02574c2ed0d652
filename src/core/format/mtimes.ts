import { bytesEqual, u32 } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { fail } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import type { IdxPosition } from './idx.ts';
import type { ByteRange } from './midx.ts';
import { TABLE_ENTRY_SIZE as ENTRY_SIZE, TABLE_HEADER_SIZE as HEADER_SIZE, forEachTableEntry, readTable, readTableHeader } from './u32-table-file.ts';

/**
 * The cruft-pack mtimes (`pack-….mtimes`): for each object of a cruft pack, in `.idx` order,
 * the time (seconds since the epoch) `git repack --cruft` last saw it; git prunes by it.
 * Opened once (validated the way git's `load_pack_mtimes_file` does: header first, then the
 * exact size for the count and the header's hash), then read lazily through the ByteSource.
 *
 * (H = hash length, N = objects in the pack, which the .idx says, not this file)
 * | offset        | bytes | field                                          |
 * |---------------|-------|------------------------------------------------|
 * | 0             | 4     | signature "MTME"                               |
 * | 4             | 4     | version = 1                                    |
 * | 8             | 4     | hash id: 1 = SHA-1, 2 = SHA-256                |
 * | 12            | N x 4 | mtime of the object at each idx position       |
 * | 12 + 4N       | H     | checksum of the .pack                          |
 * | 12 + 4N + H   | H     | checksum of everything before it               |
 */

/** Smallest, largest and number of distinct mtimes (undefined min/max for an empty pack). */
export interface MtimesSummary {
  min: number | undefined;
  max: number | undefined;
  distinct: number;
}

/** Where everything sits in the file, for the anatomy views. */
export interface MtimesLayout {
  signature: ByteRange;
  version: ByteRange;
  hashId: ByteRange;
  mtimes: ByteRange;
  packChecksum: ByteRange;
  checksum: ByteRange;
}

const SIGNATURE = 0x4d544d45; // "MTME"

/** A validated, lazily read `.mtimes`. */
export class PackMtimes {
  readonly hashId: number;
  private readonly trailerAt: number;
  private summaryCache: MtimesSummary | undefined;

  private constructor(
    readonly source: ByteSource,
    /** Objects in the pack (from its `.idx`). */
    readonly count: number,
    readonly algo: HashAlgo,
  ) {
    const file = source.name;
    if (source.size < HEADER_SIZE) {
      fail('Truncated', `mtimes file is too small: ${source.size} bytes, the header alone is ${HEADER_SIZE}`, { file, offset: 0 });
    }
    this.hashId = readTableHeader(source, algo, 'mtimes file', SIGNATURE, 'MTME');
    const H = algo.size;
    const expected = HEADER_SIZE + count * ENTRY_SIZE + 2 * H;
    if (source.size !== expected) {
      const kind = source.size < HEADER_SIZE + 2 * H ? 'Truncated' : 'BadSize';
      fail(kind, `mtimes file is ${source.size} bytes but ${count} objects (${algo.name}) need exactly ${expected}`, { file, offset: HEADER_SIZE });
    }
    this.trailerAt = HEADER_SIZE + count * ENTRY_SIZE;
  }

  /** Opens and validates a `.mtimes` for a pack of `count` objects; throws a PackscopeError naming the file and offset. */
  static open(source: ByteSource, count: number, algo: HashAlgo): PackMtimes {
    return new PackMtimes(source, count, algo);
  }

  /** File name, for messages. */
  get name(): string {
    return this.source.name;
  }

  /** Byte offset inside the file of the mtime of `position`. */
  entryOffset(position: IdxPosition): number {
    return HEADER_SIZE + position * ENTRY_SIZE;
  }

  /** The mtime (seconds since the epoch) of the object at idx position `position`. */
  mtimeAt(position: IdxPosition): number {
    if (!(position >= 0 && position < this.count && Number.isInteger(position))) {
      fail('OutOfRange', `idx position ${position} is outside [0, ${this.count})`, { file: this.name });
    }
    return u32(this.source.read(this.entryOffset(position), ENTRY_SIZE), 0);
  }

  /** Every mtime in idx order, read in blocks. The array is as large as the table. */
  mtimes(): Uint32Array {
    return readTable(this.source, this.count);
  }

  /** Smallest, largest and distinct mtimes: one pass over the table, remembered. */
  summary(): MtimesSummary {
    if (this.summaryCache) return this.summaryCache;
    let min: number | undefined;
    let max: number | undefined;
    const distinct = new Set<number>();
    forEachTableEntry(this.source, this.count, (_, t) => {
      if (min === undefined || t < min) min = t;
      if (max === undefined || t > max) max = t;
      distinct.add(t);
    });
    this.summaryCache = { min, max, distinct: distinct.size };
    return this.summaryCache;
  }

  /** The oldest mtime, or undefined for an empty pack. */
  min(): number | undefined {
    return this.summary().min;
  }

  /** The newest mtime, or undefined for an empty pack. */
  max(): number | undefined {
    return this.summary().max;
  }

  /** The copy of the pack's trailing checksum stored in the `.mtimes`. */
  packChecksum(): Uint8Array {
    return this.source.read(this.trailerAt, this.algo.size).slice();
  }

  /** The `.mtimes`'s own trailing checksum. */
  checksum(): Uint8Array {
    return this.source.read(this.trailerAt + this.algo.size, this.algo.size).slice();
  }

  /** True when the stored pack checksum equals `packChecksum` (from the .idx or .pack trailer). */
  matchesPack(packChecksum: Uint8Array): boolean {
    return bytesEqual(this.packChecksum(), packChecksum);
  }

  /** Byte ranges of every part, for the anatomy views. */
  layout(): MtimesLayout {
    const H = this.algo.size;
    return {
      signature: { offset: 0, length: 4 },
      version: { offset: 4, length: 4 },
      hashId: { offset: 8, length: 4 },
      mtimes: { offset: HEADER_SIZE, length: this.count * ENTRY_SIZE },
      packChecksum: { offset: this.trailerAt, length: H },
      checksum: { offset: this.trailerAt + H, length: H },
    };
  }
}
