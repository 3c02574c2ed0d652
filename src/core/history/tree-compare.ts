import type { TreeIndex } from '../objects/tree-index.ts';

/**
 * Entry-level questions about indexed trees, straight from their bytes: where an entry's name
 * is, its mode, and which entries of one tree are not in another as they are (same name, mode
 * and id). Trees are sorted in git's order (a folder's name compares as if it ended in `/`), so
 * two trees are compared in one pass, as git's tree diff walks them.
 */

/** A name's bytes: [start, end) in the tree's data. */
export interface NameRange {
  start: number;
  end: number;
}

/** Where entry `i`'s name is. */
export function entryNameRange(t: TreeIndex, i: number): NameRange {
  const start = i === 0 ? 0 : t.oidAt[i - 1] + t.algo.size;
  return { start: t.data.indexOf(0x20, start) + 1, end: t.oidAt[i] - 1 };
}

/** Entry `i`'s mode as a number (0o40000 a folder, 0o100644 a file, …). */
export function entryMode(t: TreeIndex, i: number): number {
  const { data } = t;
  let mode = 0;
  for (let p = i === 0 ? 0 : t.oidAt[i - 1] + t.algo.size; data[p] !== 0x20; p++) mode = mode * 8 + (data[p] - 0x30);
  return mode;
}

const isFolder = (mode: number) => Math.floor(mode / 0o10000) === 0o4;

/** git's base_name_compare: names byte by byte, a folder's name followed by `/`, a file's by NUL. */
function compareEntries(a: TreeIndex, i: number, b: TreeIndex, j: number): number {
  const ra = entryNameRange(a, i);
  const rb = entryNameRange(b, j);
  const la = ra.end - ra.start;
  const lb = rb.end - rb.start;
  const n = Math.min(la, lb);
  for (let k = 0; k < n; k++) {
    const d = a.data[ra.start + k] - b.data[rb.start + k];
    if (d !== 0) return d;
  }
  const ca = la > n ? a.data[ra.start + n] : isFolder(entryMode(a, i)) ? 0x2f : 0;
  const cb = lb > n ? b.data[rb.start + n] : isFolder(entryMode(b, j)) ? 0x2f : 0;
  return ca - cb;
}

export function sameIdAndMode(a: TreeIndex, i: number, b: TreeIndex, j: number): boolean {
  const H = a.algo.size;
  const pa = a.oidAt[i];
  const pb = b.oidAt[j];
  for (let k = 0; k < H; k++) if (a.data[pa + k] !== b.data[pb + k]) return false;
  return entryMode(a, i) === entryMode(b, j);
}

/**
 * The position of the entry of `t` with `b`'s entry `j`'s name and kind (folder or not), found by
 * binary search in git's order; -1 when there is none (or `t` is not sorted, as a hostile tree
 * may be: the caller then counts the entry as changed, which is safe).
 */
export function lookupEntry(t: TreeIndex, b: TreeIndex, j: number): number {
  let lo = 0;
  let hi = t.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareEntries(t, mid, b, j);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/** True when entry i of `a` and entry j of `b` are the same bytes (mode, name and id); compared from the id's end, where they usually differ. */
function sameBytes(a: TreeIndex, i: number, b: TreeIndex, j: number): boolean {
  const H = a.algo.size;
  const ea = a.oidAt[i] + H;
  const eb = b.oidAt[j] + H;
  const length = ea - (i === 0 ? 0 : a.oidAt[i - 1] + H);
  if (length !== eb - (j === 0 ? 0 : b.oidAt[j - 1] + H)) return false;
  const da = a.data;
  const db = b.data;
  for (let k = 1; k <= length; k++) if (da[ea - k] !== db[eb - k]) return false;
  return true;
}

/** Calls `visit` with each entry of `a` that `b` does not hold as it is (added, or changed in id, mode or kind). */
export function changedEntries(a: TreeIndex, b: TreeIndex, visit: (i: number) => void): void {
  let j = 0;
  for (let i = 0; i < a.count; ) {
    if (j >= b.count) {
      visit(i++);
      continue;
    }
    // Most entries of two versions of a folder are byte for byte the same, in step.
    if (sameBytes(a, i, b, j)) {
      i++;
      j++;
      continue;
    }
    const c = compareEntries(a, i, b, j);
    if (c < 0) visit(i++);
    else if (c > 0) j++;
    else {
      if (!sameIdAndMode(a, i, b, j)) visit(i);
      i++;
      j++;
    }
  }
}

/** The position of the entry named exactly `name` (bytes), or -1. */
export function findName(t: TreeIndex, name: Uint8Array): number {
  for (let i = 0; i < t.count; i++) {
    const r = entryNameRange(t, i);
    if (r.end - r.start !== name.length) continue;
    let k = 0;
    while (k < name.length && t.data[r.start + k] === name[k]) k++;
    if (k === name.length) return i;
  }
  return -1;
}
