import { fail } from '../errors.ts';

/**
 * A cursor over a tree's raw bytes, one entry at a time, without building entry objects: a
 * tree diff compares two trees entry by entry and keeps almost none of them (git.git's root
 * and t/ trees hold hundreds to thousands of entries, and most commits change one or two).
 *
 *   <octal mode> SP <name> NUL <raw id>     back to back; the checks are parseTree's
 *
 * After `next()` returns true, `mode` (as written, not canonical), `nameStart`/`nameEnd` and
 * `oidStart` describe the current entry in `data`.
 */
export class TreeCursor {
  mode = 0;
  nameStart = 0;
  nameEnd = 0;
  oidStart = 0;
  private pos = 0;

  constructor(
    readonly data: Uint8Array,
    private readonly hashSize: number,
    /** Names the tree in an error (called only on failure). */
    private readonly describe: () => string,
  ) {}

  /** Moves to the next entry; false at the end. */
  next(): boolean {
    const data = this.data;
    const length = data.length;
    const pos = this.pos;
    if (pos >= length) return false;
    let mode = 0;
    let i = pos;
    for (; i < length && i - pos <= 7; i++) {
      const c = data[i];
      if (c === 0x20) break;
      if (c < 0x30 || c > 0x37) {
        // parseTree's order of complaints: no space within 7 bytes first, then a non-octal digit.
        const space = data.indexOf(0x20, pos);
        if (space < 0 || space - pos > 7) fail('CorruptObject', `tree entry at byte ${pos} has no valid mode`, { file: this.describe() });
        fail('CorruptObject', `tree entry at byte ${pos} has a mode that is not octal`, { file: this.describe() });
      }
      mode = mode * 8 + (c - 0x30);
    }
    if (i >= length || i - pos > 7 || data[i] !== 0x20 || i === pos) fail('CorruptObject', `tree entry at byte ${pos} has no valid mode`, { file: this.describe() });
    const nul = data.indexOf(0, i + 1);
    if (nul < 0) fail('CorruptObject', `tree entry at byte ${pos} has no NUL after its name`, { file: this.describe() });
    if (nul + 1 + this.hashSize > length) fail('CorruptObject', `tree entry at byte ${pos} is cut off before its id ends`, { file: this.describe() });
    this.mode = mode;
    this.nameStart = i + 1;
    this.nameEnd = nul;
    this.oidStart = nul + 1;
    this.pos = nul + 1 + this.hashSize;
    return true;
  }

  name(): Uint8Array {
    return this.data.subarray(this.nameStart, this.nameEnd);
  }

  oid(): Uint8Array {
    return this.data.subarray(this.oidStart, this.oidStart + this.hashSize);
  }
}
