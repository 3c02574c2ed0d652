import type { Finding } from '../finding.ts';
import { bytesEqual, u32 } from '../bytes/be.ts';
import type { ByteSource } from '../bytes/source.ts';
import { fail } from '../errors.ts';
import type { HashAlgo } from '../hash/algo.ts';
import { toHex } from '../hash/hex.ts';
import type { IdxPosition } from './idx.ts';
import type { ByteRange } from './midx.ts';
import { TABLE_ENTRY_SIZE as ENTRY_SIZE, TABLE_HEADER_SIZE as HEADER_SIZE, forEachTableEntry, readTable, readTableHeader } from './u32-table-file.ts';

/**
 * The reverse index (`pack-….rev`): for each object in pack order (ascending pack offset),
 * its position in the `.idx`. Opened once (validated the way git's `load_revindex_from_disk`
 * does: size first, then signature, version and hash id), then read lazily through the
 * ByteSource. git does not check the entries when it loads the file; `validate()` and
 * `checkAgainst()` do, as `git fsck` (`verify_pack_revindex`) does.
 *
 * (H = hash length, N = objects in the pack, which the .idx says, not this file)
 * | offset        | bytes | field                                              |
 * |---------------|-------|----------------------------------------------------|
 * | 0             | 4     | signature "RIDX"                                   |
 * | 4             | 4     | version = 1                                        |
 * | 8             | 4     | hash id: 1 = SHA-1, 2 = SHA-256                    |
 * | 12            | N x 4 | idx position of the i-th object in pack order      |
 * | 12 + 4N       | H     | checksum of the .pack                              |
 * | 12 + 4N + H   | H     | checksum of everything before it                   |
 */

/** Index of an object in pack order (ascending offset): what a `.rev` is indexed by. */
export type PackOrderIndex = number;

/** Where everything sits in the file, for the anatomy views. */
export interface RevLayout {
  signature: ByteRange;
  version: ByteRange;
  hashId: ByteRange;
  entries: ByteRange;
  packChecksum: ByteRange;
  checksum: ByteRange;
}

const SIGNATURE = 0x52494458; // "RIDX"

/** A validated, lazily read `.rev`. */
export class ReverseIndex {
  /** The hash the header names (the same as the one passed in, or open fails). */
  readonly hashId: number;
  private readonly trailerAt: number;

  private constructor(
    readonly source: ByteSource,
    /** Objects in the pack (from its `.idx`). */
    readonly count: number,
    readonly algo: HashAlgo,
  ) {
    const file = source.name;
    const H = algo.size;
    const min = HEADER_SIZE + 2 * H;
    if (source.size < min) {
      fail('Truncated', `reverse-index file is too small: ${source.size} bytes, the header and two checksums need ${min}`, { file, offset: 0 });
    }
    const expected = min + count * ENTRY_SIZE;
    if (source.size !== expected) {
      fail('BadSize', `reverse-index file is ${source.size} bytes but ${count} objects (${algo.name}) need exactly ${expected}`, { file, offset: HEADER_SIZE });
    }
    this.hashId = readTableHeader(source, algo, 'reverse-index file', SIGNATURE, 'RIDX');
    this.trailerAt = HEADER_SIZE + count * ENTRY_SIZE;
  }

  /** Opens and validates a `.rev` for a pack of `count` objects; throws a PackscopeError naming the file and offset. */
  static open(source: ByteSource, count: number, algo: HashAlgo): ReverseIndex {
    return new ReverseIndex(source, count, algo);
  }

  /** File name, for messages. */
  get name(): string {
    return this.source.name;
  }

  /** Byte offset inside the file of the entry for `index`. */
  entryOffset(index: PackOrderIndex): number {
    return HEADER_SIZE + index * ENTRY_SIZE;
  }

  /** The idx position of the `index`-th object in pack order; an entry >= count is refused. */
  positionAt(index: PackOrderIndex): IdxPosition {
    if (!(index >= 0 && index < this.count && Number.isInteger(index))) {
      fail('OutOfRange', `pack-order index ${index} is outside [0, ${this.count})`, { file: this.name });
    }
    const at = this.entryOffset(index);
    const position = u32(this.source.read(at, ENTRY_SIZE), 0);
    if (position >= this.count) {
      fail('OutOfRange', `reverse-index entry ${index} is idx position ${position}, but the pack has ${this.count} objects`, { file: this.name, offset: at });
    }
    return position;
  }

  /** Every entry as stored (unchecked), read in blocks. The array is as large as the table. */
  positions(): Uint32Array {
    return readTable(this.source, this.count);
  }

  /**
   * Checks that the table is a permutation of [0, count): every entry in range (OutOfRange)
   * and none twice (Mismatch), naming the first bad entry's offset. One pass, count/8 bytes.
   */
  validate(): void {
    const seen = new Uint8Array(Math.ceil(this.count / 8));
    forEachTableEntry(this.source, this.count, (i, p) => {
      if (p >= this.count) {
        fail('OutOfRange', `reverse-index entry ${i} is idx position ${p}, but the pack has ${this.count} objects`, { file: this.name, offset: this.entryOffset(i) });
      }
      const bit = 1 << (p & 7);
      if ((seen[p >>> 3] & bit) !== 0) {
        fail('Mismatch', `reverse-index entries ${this.firstEntryNaming(p)} and ${i} both name idx position ${p}`, { file: this.name, offset: this.entryOffset(i) });
      }
      seen[p >>> 3] |= bit;
    });
  }

  /** The first pack-order index whose entry is `position` (only searched when reporting). */
  private firstEntryNaming(position: IdxPosition): PackOrderIndex {
    for (let i = 0; i < this.count; i++) {
      if (u32(this.source.read(this.entryOffset(i), ENTRY_SIZE), 0) === position) return i;
    }
    return -1;
  }

  /**
   * Compares the table with the pack order computed from the idx offsets
   * (`PackFile.packOrder().positions`). Returns the first difference, or undefined when equal.
   */
  checkAgainst(order: Uint32Array): Finding | undefined {
    const file = this.name;
    const n = Math.min(order.length, this.count);
    let differs: Finding | undefined;
    forEachTableEntry(this.source, n, (index, found) => {
      const expected = order[index];
      if (found === expected) return false;
      differs = {
        severity: 'error',
        check: 'cross-check',
        kind: 'Mismatch',
        file,
        offset: this.entryOffset(index),
        revEntry: { index, expected, found },
        message: `invalid rev-index position at ${index}: ${found} != ${expected}`,
      };
      return true;
    });
    if (differs) return differs;
    if (order.length !== this.count) {
      const index = n;
      return {
        severity: 'error',
        check: 'cross-check',
        kind: 'Mismatch',
        file,
        offset: HEADER_SIZE,
        revEntry: index < order.length ? { index, expected: order[index] } : { index },
        message: `reverse index holds ${this.count} entries but the idx orders ${order.length} objects`,
      };
    }
    return undefined;
  }

  /** The copy of the pack's trailing checksum stored in the `.rev`. */
  packChecksum(): Uint8Array {
    return this.source.read(this.trailerAt, this.algo.size).slice();
  }

  /** The `.rev`'s own trailing checksum. */
  checksum(): Uint8Array {
    return this.source.read(this.trailerAt + this.algo.size, this.algo.size).slice();
  }

  /** True when the stored pack checksum equals `packChecksum` (from the .idx or .pack trailer). */
  matchesPack(packChecksum: Uint8Array): boolean {
    return bytesEqual(this.packChecksum(), packChecksum);
  }

  /** The stored pack checksum in hex. */
  packChecksumHex(): string {
    return toHex(this.packChecksum());
  }

  /** Byte ranges of every part, for the anatomy views. */
  layout(): RevLayout {
    const H = this.algo.size;
    return {
      signature: { offset: 0, length: 4 },
      version: { offset: 4, length: 4 },
      hashId: { offset: 8, length: 4 },
      entries: { offset: HEADER_SIZE, length: this.count * ENTRY_SIZE },
      packChecksum: { offset: this.trailerAt, length: H },
      checksum: { offset: this.trailerAt + H, length: H },
    };
  }
}
