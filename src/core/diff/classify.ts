/**
 * Line classes, as xdl_classify_record makes them: two lines get the same class exactly when
 * their bytes (the '\n' included) are equal, across both files. The counters say how often each
 * class occurs in each file; xdiff uses them to discard lines that cannot match.
 */

import type { LineTable } from './lines.ts';

/** The class of every line of both files, and how often each class occurs on each side. */
export interface LineClasses {
  old: Int32Array;
  new: Int32Array;
  /** Occurrences of class c in the old file. */
  inOld: Int32Array;
  /** Occurrences of class c in the new file. */
  inNew: Int32Array;
}

function lineHash(data: Uint8Array, begin: number, end: number): number {
  // FNV-1a over the line; the table compares bytes on a hash hit, so only spread matters.
  let h = 0x811c9dc5 | 0;
  for (let i = begin; i < end; i++) h = Math.imul(h ^ data[i], 0x01000193);
  return h ^ (end - begin);
}

function sameBytes(a: Uint8Array, aBegin: number, b: Uint8Array, bBegin: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aBegin + i] !== b[bBegin + i]) return false;
  return true;
}

/** Gives every line of both files its class. */
export function classifyLines(oldLines: LineTable, newLines: LineTable): LineClasses {
  const total = oldLines.count + newLines.count;
  let size = 16;
  while (size < total * 2) size *= 2;
  const mask = size - 1;
  // Slot holds class + 1 (0 = empty); a class remembers one line that has it, to compare bytes.
  const slots = new Int32Array(size);
  const classHash = new Int32Array(total + 1);
  const classSide = new Uint8Array(total + 1);
  const classLine = new Int32Array(total + 1);
  const inOld = new Int32Array(total + 1);
  const inNew = new Int32Array(total + 1);
  let classes = 0;

  const assign = (table: LineTable, side: 0 | 1, out: Int32Array, counts: Int32Array): void => {
    const { data, starts } = table;
    for (let i = 0; i < table.count; i++) {
      const begin = starts[i];
      const end = starts[i + 1];
      const h = lineHash(data, begin, end);
      let slot = h & mask;
      let found = -1;
      for (;;) {
        const entry = slots[slot];
        if (entry === 0) break;
        const c = entry - 1;
        if (classHash[c] === h) {
          const other = classSide[c] === 0 ? oldLines : newLines;
          const oBegin = other.starts[classLine[c]];
          const oEnd = other.starts[classLine[c] + 1];
          if (oEnd - oBegin === end - begin && sameBytes(other.data, oBegin, data, begin, end - begin)) {
            found = c;
            break;
          }
        }
        slot = (slot + 1) & mask;
      }
      if (found === -1) {
        found = classes++;
        slots[slot] = found + 1;
        classHash[found] = h;
        classSide[found] = side;
        classLine[found] = i;
      }
      out[i] = found;
      counts[found]++;
    }
  };

  const oldClasses = new Int32Array(oldLines.count);
  const newClasses = new Int32Array(newLines.count);
  assign(oldLines, 0, oldClasses, inOld);
  assign(newLines, 1, newClasses, inNew);
  return { old: oldClasses, new: newClasses, inOld, inNew };
}
