/**
 * Which lines changed between two versions of a file, exactly as git 2.39's xdiff decides it
 * (Myers, `git diff`'s default): lines are classed by their bytes; common lines at both ends
 * are set aside; lines with no match on the other side (and runs of lines matching too often)
 * are discarded before the Myers pass; then groups of changes are slid as xdl_change_compact
 * does, with the indent heuristic unless it is turned off.
 */

import { classifyLines } from './classify.ts';
import { compactChanges } from './compact.ts';
import { plainBytes, splitLines, type LineTable } from './lines.ts';
import { bogoSqrt, myersDiff } from './myers.ts';

export type { LineTable } from './lines.ts';
export { splitLines } from './lines.ts';

/** Options of `diffLines`; the defaults are git's. */
export interface LineDiffOptions {
  /** git's diff.indentHeuristic (default true). */
  indentHeuristic?: boolean;
  /** `--minimal`: no cost heuristics (slower on large changes). */
  minimal?: boolean;
  /**
   * Drop the common tail first, as git's xdi_diff does when the context is 0 (blame, -U0):
   * whole 1 KiB blocks from the end, then forward to the next line end. The tables then cover
   * the kept part only; the lines after it are unchanged.
   */
  trimCommonTail?: boolean;
}

/** Which lines of each side changed. */
export interface LineDiff {
  old: LineTable;
  new: LineTable;
  /** One byte per old line: 1 when the line was removed. */
  deleted: Uint8Array;
  /** One byte per new line: 1 when the line was added. */
  added: Uint8Array;
}

/** One run of changes: old lines [oldStart, oldStart + oldCount) became new lines [newStart, newStart + newCount). */
export interface ChangeRange {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}

/** Lines that occur more often than this on the other side are "multimatch" (xdiff's XDL_MAX_EQLIMIT). */
const MAX_EQ_LIMIT = 1024;
/** How far the discard scan looks around a multimatch line (XDL_SIMSCAN_WINDOW). */
const SIMSCAN_WINDOW = 100;
/** A multimatch line inside a run is discarded when fewer than 1 in this many are multimatch. */
const KPDIS_RUN = 4;
/** trim_common_tail's block size. */
const TAIL_BLOCK = 1024;

/** Diffs two byte buffers line by line, as `git diff` does. */
export function diffLines(a: Uint8Array, b: Uint8Array, options: LineDiffOptions = {}): LineDiff {
  a = plainBytes(a);
  b = plainBytes(b);
  if (options.trimCommonTail) [a, b] = trimCommonTail(a, b);
  const oldLines = splitLines(a);
  const newLines = splitLines(b);
  const n1 = oldLines.count;
  const n2 = newLines.count;
  const classes = classifyLines(oldLines, newLines);
  // Sentinel zeros before and after, as xdiff's rchg has.
  const changed1 = new Uint8Array(n1 + 2);
  const changed2 = new Uint8Array(n2 + 2);

  // xdl_trim_ends: the common head and tail take no part.
  const shorter = Math.min(n1, n2);
  let head = 0;
  while (head < shorter && classes.old[head] === classes.new[head]) head++;
  let tail = 0;
  while (tail < shorter - head && classes.old[n1 - 1 - tail] === classes.new[n2 - 1 - tail]) tail++;

  // xdl_cleanup_records: keep lines that can match; mark the others changed at once.
  const kept1 = keepMatchable(classes.old, classes.inNew, head, n1 - tail - 1, n1, changed1);
  const kept2 = keepMatchable(classes.new, classes.inOld, head, n2 - tail - 1, n2, changed2);

  const view1 = changed1.subarray(1, n1 + 1);
  const view2 = changed2.subarray(1, n2 + 1);
  myersDiff({ classes: kept1.classes, lineOf: kept1.lineOf, changed: view1 }, { classes: kept2.classes, lineOf: kept2.lineOf, changed: view2 }, options.minimal === true);

  const indentHeuristic = options.indentHeuristic !== false;
  const side1 = { count: n1, classes: classes.old, changed: changed1, lines: oldLines };
  const side2 = { count: n2, classes: classes.new, changed: changed2, lines: newLines };
  compactChanges(side1, side2, indentHeuristic);
  compactChanges(side2, side1, indentHeuristic);

  return { old: oldLines, new: newLines, deleted: view1, added: view2 };
}

/**
 * The kept lines of one side in [begin, end] (inclusive, as xdiff writes it): those with a
 * match on the other side, and multimatch lines unless they sit in a run of unmatched ones.
 */
function keepMatchable(classes: Int32Array, otherCounts: Int32Array, begin: number, end: number, count: number, changed: Uint8Array): { classes: Int32Array; lineOf: Int32Array } {
  const limit = Math.min(bogoSqrt(count), MAX_EQ_LIMIT);
  const size = Math.max(0, end - begin + 1);
  // 0 = no match, 1 = matches, 2 = matches too often
  const kind = new Uint8Array(size);
  for (let i = begin; i <= end; i++) {
    const matches = otherCounts[classes[i]];
    kind[i - begin] = matches === 0 ? 0 : matches >= limit ? 2 : 1;
  }
  const keptClasses = new Int32Array(size);
  const lineOf = new Int32Array(size);
  let kept = 0;
  for (let i = begin; i <= end; i++) {
    const k = kind[i - begin];
    if (k === 1 || (k === 2 && !inDiscardableRun(kind, i - begin, 0, size - 1))) {
      lineOf[kept] = i;
      keptClasses[kept] = classes[i];
      kept++;
    } else {
      changed[i + 1] = 1;
    }
  }
  return { classes: keptClasses.subarray(0, kept), lineOf: lineOf.subarray(0, kept) };
}

/** xdl_clean_mmatch: is multimatch line i inside a run of mostly unmatched lines? */
function inDiscardableRun(kind: Uint8Array, i: number, s: number, e: number): boolean {
  if (i - s > SIMSCAN_WINDOW) s = i - SIMSCAN_WINDOW;
  if (e - i > SIMSCAN_WINDOW) e = i + SIMSCAN_WINDOW;
  let unmatchedBefore = 0;
  let multiBefore = 1;
  for (let r = 1; i - r >= s; r++) {
    const k = kind[i - r];
    if (k === 0) unmatchedBefore++;
    else if (k === 2) multiBefore++;
    else break;
  }
  // Only multimatch lines before: keep it.
  if (unmatchedBefore === 0) return false;
  let unmatchedAfter = 0;
  let multiAfter = 1;
  for (let r = 1; i + r <= e; r++) {
    const k = kind[i + r];
    if (k === 0) unmatchedAfter++;
    else if (k === 2) multiAfter++;
    else break;
  }
  if (unmatchedAfter === 0) return false;
  const unmatched = unmatchedAfter + unmatchedBefore;
  const multi = multiAfter + multiBefore;
  return multi * KPDIS_RUN < multi + unmatched;
}

/** trim_common_tail of git's xdiff-interface.c. */
function trimCommonTail(a: Uint8Array, b: Uint8Array): [Uint8Array, Uint8Array] {
  const smaller = Math.min(a.length, b.length);
  let trimmed = 0;
  while (TAIL_BLOCK + trimmed <= smaller && sameBlock(a, a.length - trimmed - TAIL_BLOCK, b, b.length - trimmed - TAIL_BLOCK)) {
    trimmed += TAIL_BLOCK;
  }
  // Give back bytes up to and including the first '\n' of the trimmed part.
  let recovered = 0;
  const ap = a.length - trimmed;
  while (recovered < trimmed) {
    if (a[ap + recovered++] === 0x0a) break;
  }
  const cut = trimmed - recovered;
  return [a.subarray(0, a.length - cut), b.subarray(0, b.length - cut)];
}

function sameBlock(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number): boolean {
  for (let i = 0; i < TAIL_BLOCK; i++) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

/** The changes in ascending order, as xdl_build_script lists them (0-based starts). */
export function changeRanges(diff: LineDiff): ChangeRange[] {
  const ranges: ChangeRange[] = [];
  const del = diff.deleted;
  const add = diff.added;
  const n1 = diff.old.count;
  const n2 = diff.new.count;
  let i1 = 0;
  let i2 = 0;
  // Unchanged lines pair up one to one; a change is a maximal run of removed and/or added lines.
  while (i1 < n1 || i2 < n2) {
    if ((i1 < n1 && del[i1]) || (i2 < n2 && add[i2])) {
      const s1 = i1;
      const s2 = i2;
      while (i1 < n1 && del[i1]) i1++;
      while (i2 < n2 && add[i2]) i2++;
      ranges.push({ oldStart: s1, oldCount: i1 - s1, newStart: s2, newCount: i2 - s2 });
    } else {
      i1++;
      i2++;
    }
  }
  return ranges;
}
