/**
 * Sliding groups of changed lines, as xdl_change_compact does: a group that can move (its first
 * line equals the line after it, or its last the line before it) is slid to merge with
 * neighbours, to line up with a change in the other file, or else — the indent heuristic, on by
 * default since git 2.14 — to the place whose two edges score best by indentation and blank lines.
 */

import type { LineTable } from './lines.ts';

/** One file as compaction sees it. `changed` has a 0 sentinel before and after the lines. */
export interface CompactSide {
  count: number;
  classes: Int32Array;
  /** Length count + 2; line i is at index i + 1. */
  changed: Uint8Array;
  lines: LineTable;
}

const MAX_INDENT = 200;
const MAX_BLANKS = 20;
const INDENT_HEURISTIC_MAX_SLIDING = 100;

// The weights of git's indent heuristic (determined empirically by its authors).
const START_OF_FILE_PENALTY = 1;
const END_OF_FILE_PENALTY = 21;
const TOTAL_BLANK_WEIGHT = -30;
const POST_BLANK_WEIGHT = 6;
const RELATIVE_INDENT_PENALTY = -4;
const RELATIVE_INDENT_WITH_BLANK_PENALTY = 10;
const RELATIVE_OUTDENT_PENALTY = 24;
const RELATIVE_OUTDENT_WITH_BLANK_PENALTY = 17;
const RELATIVE_DEDENT_PENALTY = 23;
const RELATIVE_DEDENT_WITH_BLANK_PENALTY = 17;
const INDENT_WEIGHT = 60;

/** git's isspace: tab, newline, carriage return, space. */
function isGitSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Indentation of a line in columns (tab = to the next multiple of 8), -1 when blank, capped. */
function indentOf(lines: LineTable, i: number): number {
  const { data, starts } = lines;
  const end = starts[i + 1];
  let ret = 0;
  for (let p = starts[i]; p < end; p++) {
    const c = data[p];
    if (!isGitSpace(c)) return ret;
    if (c === 0x20) ret += 1;
    else if (c === 0x09) ret += 8 - (ret % 8);
    if (ret >= MAX_INDENT) return MAX_INDENT;
  }
  return -1;
}

interface Group {
  start: number;
  end: number;
}

/** Compacts the changes of `side` against `other` (xdl_change_compact). */
export function compactChanges(side: CompactSide, other: CompactSide, indentHeuristic: boolean): void {
  const rchg = side.changed; // index +1
  const n = side.count;
  const cls = side.classes;
  const indentCache = new Int16Array(n).fill(-2);
  const indent = (i: number): number => {
    let v = indentCache[i];
    if (v === -2) {
      v = indentOf(side.lines, i);
      indentCache[i] = v;
    }
    return v;
  };

  const g: Group = { start: 0, end: 0 };
  const go: Group = { start: 0, end: 0 };
  groupInit(side, g);
  groupInit(other, go);

  const slideDown = (): boolean => {
    if (g.end < n && cls[g.start] === cls[g.end]) {
      rchg[g.start++ + 1] = 0;
      rchg[g.end++ + 1] = 1;
      while (rchg[g.end + 1]) g.end++;
      return true;
    }
    return false;
  };
  const slideUp = (): boolean => {
    if (g.start > 0 && cls[g.start - 1] === cls[g.end - 1]) {
      rchg[--g.start + 1] = 1;
      rchg[--g.end + 1] = 0;
      while (rchg[g.start]) g.start--;
      return true;
    }
    return false;
  };

  for (;;) {
    if (g.end !== g.start) {
      let groupSize: number;
      let earliestEnd: number;
      let endMatchingOther: number;
      do {
        groupSize = g.end - g.start;
        endMatchingOther = -1;
        while (slideUp()) groupPrevious(other, go);
        earliestEnd = g.end;
        if (go.end > go.start) endMatchingOther = g.end;
        for (;;) {
          if (!slideDown()) break;
          groupNext(other, go);
          if (go.end > go.start) endMatchingOther = g.end;
        }
      } while (groupSize !== g.end - g.start);

      if (g.end === earliestEnd) {
        // It cannot move.
      } else if (endMatchingOther !== -1) {
        // Line it up with the last change of the other file it can face.
        while (go.end === go.start) {
          slideUp();
          groupPrevious(other, go);
        }
      } else if (indentHeuristic) {
        let shift = earliestEnd;
        if (g.end - groupSize - 1 > shift) shift = g.end - groupSize - 1;
        if (g.end - INDENT_HEURISTIC_MAX_SLIDING > shift) shift = g.end - INDENT_HEURISTIC_MAX_SLIDING;
        let bestShift = -1;
        let bestIndent = 0;
        let bestPenalty = 0;
        for (; shift <= g.end; shift++) {
          const score = { effectiveIndent: 0, penalty: 0 };
          scoreSplit(n, indent, shift, score);
          scoreSplit(n, indent, shift - groupSize, score);
          const cmpIndents = (score.effectiveIndent > bestIndent ? 1 : 0) - (score.effectiveIndent < bestIndent ? 1 : 0);
          if (bestShift === -1 || INDENT_WEIGHT * cmpIndents + (score.penalty - bestPenalty) <= 0) {
            bestIndent = score.effectiveIndent;
            bestPenalty = score.penalty;
            bestShift = shift;
          }
        }
        while (g.end > bestShift) {
          slideUp();
          groupPrevious(other, go);
        }
      }
    }
    if (!groupNext(side, g)) break;
    groupNext(other, go);
  }
}

function groupInit(side: CompactSide, g: Group): void {
  g.start = g.end = 0;
  while (side.changed[g.end + 1]) g.end++;
}

function groupNext(side: CompactSide, g: Group): boolean {
  if (g.end === side.count) return false;
  g.start = g.end + 1;
  for (g.end = g.start; side.changed[g.end + 1]; g.end++);
  return true;
}

function groupPrevious(side: CompactSide, g: Group): boolean {
  if (g.start === 0) return false;
  g.end = g.start - 1;
  for (g.start = g.end; side.changed[g.start]; g.start--);
  return true;
}

/** measure_split + score_add_split for a split just above line `split`. */
function scoreSplit(n: number, indent: (i: number) => number, split: number, score: { effectiveIndent: number; penalty: number }): void {
  const endOfFile = split >= n;
  const lineIndent = endOfFile ? -1 : indent(split);

  let preBlank = 0;
  let preIndent = -1;
  for (let i = split - 1; i >= 0; i--) {
    preIndent = indent(i);
    if (preIndent !== -1) break;
    preBlank += 1;
    if (preBlank === MAX_BLANKS) {
      preIndent = 0;
      break;
    }
  }

  let postBlank = 0;
  let postIndent = -1;
  for (let i = split + 1; i < n; i++) {
    postIndent = indent(i);
    if (postIndent !== -1) break;
    postBlank += 1;
    if (postBlank === MAX_BLANKS) {
      postIndent = 0;
      break;
    }
  }

  if (preIndent === -1 && preBlank === 0) score.penalty += START_OF_FILE_PENALTY;
  if (endOfFile) score.penalty += END_OF_FILE_PENALTY;

  const blanksAfter = lineIndent === -1 ? 1 + postBlank : 0;
  const totalBlank = preBlank + blanksAfter;
  score.penalty += TOTAL_BLANK_WEIGHT * totalBlank;
  score.penalty += POST_BLANK_WEIGHT * blanksAfter;

  const effective = lineIndent !== -1 ? lineIndent : postIndent;
  const anyBlanks = totalBlank !== 0;
  score.effectiveIndent += effective;

  if (effective === -1 || preIndent === -1) {
    // Nothing more to weigh.
  } else if (effective > preIndent) {
    score.penalty += anyBlanks ? RELATIVE_INDENT_WITH_BLANK_PENALTY : RELATIVE_INDENT_PENALTY;
  } else if (effective === preIndent) {
    // Same level as the line before.
  } else if (postIndent !== -1 && postIndent > effective) {
    // Less indented than the line before, more after: likely the start of a block.
    score.penalty += anyBlanks ? RELATIVE_OUTDENT_WITH_BLANK_PENALTY : RELATIVE_OUTDENT_PENALTY;
  } else {
    // Likely the end of a block.
    score.penalty += anyBlanks ? RELATIVE_DEDENT_WITH_BLANK_PENALTY : RELATIVE_DEDENT_PENALTY;
  }
}
