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

function lineHash(data: Uint8Array, begin: number, end: number, seed: number): number {
  // FNV-1a over the line; the table compares bytes on a hash hit, so only spread matters.
  let h = seed;
  for (let i = begin; i < end; i++) h = Math.imul(h ^ data[i], 0x01000193);
  // FNV's low bits see only the bytes' low bits; mix (murmur3's finaliser) before masking.
  h ^= end - begin;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
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
  const table: ClassTable = {
    mask: size - 1,
    slots: new Int32Array(size),
    hash: new Int32Array(total + 1),
    sideOf: new Uint8Array(total + 1),
    lineOf: new Int32Array(total + 1),
    sides: [oldLines, newLines],
    count: 0,
    // A fresh starting state per diff: lines crafted to collide in one table (every line in
    // one probe run, quadratic time) would have to be crafted for an unknown seed.
    seed: (Math.random() * 0x100000000) | 0,
  };
  const inOld = new Int32Array(total + 1);
  const inNew = new Int32Array(total + 1);
  const oldClasses = new Int32Array(oldLines.count);
  const newClasses = new Int32Array(newLines.count);
  assignClasses(table, 0, oldClasses, inOld);
  assignClasses(table, 1, newClasses, inNew);
  return { old: oldClasses, new: newClasses, inOld, inNew };
}

/** An open-addressing table from line bytes to class; a class remembers one line that has it. */
interface ClassTable {
  mask: number;
  /** class + 1, 0 = empty */
  slots: Int32Array;
  hash: Int32Array;
  sideOf: Uint8Array;
  lineOf: Int32Array;
  sides: [LineTable, LineTable];
  count: number;
  seed: number;
}

function assignClasses(table: ClassTable, side: 0 | 1, out: Int32Array, counts: Int32Array): void {
  const { mask, slots, hash, sideOf, lineOf, sides } = table;
  const lines = sides[side];
  const data = lines.data;
  const starts = lines.starts;
  const n = lines.count;
  for (let i = 0; i < n; i++) {
    const begin = starts[i];
    const end = starts[i + 1];
    const h = lineHash(data, begin, end, table.seed);
    let slot = h & mask;
    let found = -1;
    for (;;) {
      const entry = slots[slot];
      if (entry === 0) break;
      const c = entry - 1;
      if (hash[c] === h) {
        const other = sides[sideOf[c]];
        const oBegin = other.starts[lineOf[c]];
        const oEnd = other.starts[lineOf[c] + 1];
        if (oEnd - oBegin === end - begin && sameBytes(other.data, oBegin, data, begin, end - begin)) {
          found = c;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (found === -1) {
      found = table.count++;
      slots[slot] = found + 1;
      hash[found] = h;
      sideOf[found] = side;
      lineOf[found] = i;
    }
    out[i] = found;
    counts[found]++;
  }
}
