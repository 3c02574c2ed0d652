/**
 * A merge's combined diff for one file, as git's combine-diff.c makes it (`git diff-tree -c -p`
 * and, dense, `--cc`): the result is diffed against each parent with no context; lines a parent
 * lost are hung before the result line that follows them, and the losses of different parents
 * are merged by a longest-common-subsequence pass so a line lost by several parents shows once
 * with one '-' column per parent. Hunks keep the lines that differ from some parent; `--cc`
 * drops hunks where the result equals one parent (or all changes come from one side).
 */

import { concatBytes } from '../bytes/concat.ts';
import { isBinaryBlob } from './binary.ts';
import { countNewlines, decodeCapped, DEFAULT_MAX_INPUT_LINES, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_LINES } from './decode.ts';
import { changeRanges, diffLines } from './line-diff.ts';
import { plainBytes, splitLines, type LineTable } from './lines.ts';

/** Options of the combined diff; the defaults are `git diff-tree --cc -p`'s. */
export interface CombinedOptions {
  /** `--cc` (default true); false gives `-c`. */
  dense?: boolean;
  /** Lines of context (default 3). */
  context?: number;
  /** git's diff.indentHeuristic (default true). */
  indentHeuristic?: boolean;
  /** Most cells of one lost-line merge table (default 16M); past it lost lines are listed, not merged. */
  maxCoalesceCells?: number;
}

/** One line of a combined hunk. */
export interface CombinedLine {
  /** One character per parent: '-' lost from that parent, '+' not in that parent, ' ' unchanged. */
  markers: string;
  /** The line's bytes without its '\n'. */
  bytes: Uint8Array;
  /** 1-based line number in the result; null for a lost line. */
  newNo: number | null;
}

/** One combined hunk: the "@@@ -a,b -c,d +e,f @@@ comment" header and its lines. */
export interface CombinedHunk {
  header: Uint8Array;
  lines: CombinedLine[];
}

/** The combined diff of one file. */
export interface CombinedDiff {
  hunks: CombinedHunk[];
  /** True when some lost lines were listed without merging (maxCoalesceCells); git would merge them. */
  approximate: boolean;
}

/** Parent bitmasks are 32-bit numbers with two more flags above the parents' bits. */
export const MAX_COMBINED_PARENTS = 29;

/** A line some parents had where the result has none. */
interface LostLine {
  bytes: Uint8Array;
  parents: number;
}

/** A result line (and the trailer at index count), with what hangs before it. */
interface ResultLine {
  /** Bits 0..n-1: differs from parent i; bit n: shown; bit n+1: shown as context only. */
  flag: number;
  lost: LostLine[];
  /** This parent's lost lines, not merged yet. */
  pending: LostLine[];
  /** First line number in each parent when a hunk starts here. */
  parentLine: Int32Array;
}

const encoder = new TextEncoder();

/** git's isspace: tab, newline, carriage return, space. */
function isGitSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A line's bytes without the '\n' it may end with. */
function lineText(table: LineTable, i: number): Uint8Array {
  const begin = table.starts[i];
  let end = table.starts[i + 1];
  if (end > begin && table.data[end - 1] === 0x0a) end--;
  return table.data.subarray(begin, end);
}

/**
 * The combined diff of `result` against `parents` (an absent side is an empty buffer). The
 * caller checks git's binary rule on every side first ("Binary files differ").
 */
export function combinedDiff(parents: Uint8Array[], resultBytes: Uint8Array, options: CombinedOptions = {}): CombinedDiff {
  const parentCount = parents.length;
  if (parentCount < 1 || parentCount > MAX_COMBINED_PARENTS) {
    throw new RangeError(`a combined diff takes 1 to ${MAX_COMBINED_PARENTS} parents, not ${parentCount}`);
  }
  const dense = options.dense !== false;
  const context = Math.max(0, options.context ?? 3);
  const maxCells = options.maxCoalesceCells ?? 16 * 1024 * 1024;
  const result = splitLines(plainBytes(resultBytes));
  const count = result.count;
  const lines: ResultLine[] = [];
  for (let i = 0; i <= count + 1; i++) lines.push({ flag: 0, lost: [], pending: [], parentLine: new Int32Array(parentCount) });
  let approximate = false;

  for (let n = 0; n < parentCount; n++) {
    const same = parents.findIndex((p, j) => j < n && sameBytes(p, parents[n]));
    if (same !== -1) {
      reuseParent(lines, count, n, same);
      continue;
    }
    const mask = 1 << n;
    // git diffs each parent with no context, which trims the common tail first.
    const diff = diffLines(parents[n], resultBytes, { trimCommonTail: true, indentHeuristic: options.indentHeuristic !== false });
    for (const change of changeRanges(diff)) {
      // consume_hunk: removed lines hang on the first added line, or (none added) on the line
      // after them; index count is the trailer after the last line.
      const bucket = lines[change.newStart];
      for (let i = change.oldStart; i < change.oldStart + change.oldCount; i++) {
        bucket.pending.push({ bytes: lineText(diff.old, i), parents: mask });
      }
      for (let i = change.newStart; i < change.newStart + change.newCount; i++) lines[i].flag |= mask;
    }
    // Number this parent's lines and merge its lost lines into the others'.
    let parentLine = 1;
    let lno = 0;
    for (; lno <= count; lno++) {
      const line = lines[lno];
      line.parentLine[n] = parentLine;
      if (line.pending.length > 0) {
        const merged = coalesce(line.lost, line.pending, mask, maxCells);
        if (merged === undefined) {
          approximate = true;
          line.lost = line.lost.concat(line.pending);
        } else {
          line.lost = merged;
        }
        line.pending = [];
      }
      for (const lost of line.lost) if (lost.parents & mask) parentLine++;
      if (lno < count && !(line.flag & mask)) parentLine++;
    }
    lines[lno].parentLine[n] = parentLine;
  }

  const shown = makeHunks(lines, count, parentCount, dense, context);
  return { hunks: shown ? dumpHunks(lines, result, parentCount, context) : [], approximate };
}

/** reuse_combine_diff: parent n has the same content as parent j, already done. */
function reuseParent(lines: ResultLine[], count: number, n: number, j: number): void {
  const nMask = 1 << n;
  const jMask = 1 << j;
  for (let lno = 0; lno <= count; lno++) {
    const line = lines[lno];
    line.parentLine[n] = line.parentLine[j];
    for (const lost of line.lost) if (lost.parents & jMask) lost.parents |= nMask;
    if (line.flag & jMask) line.flag |= nMask;
  }
  lines[count + 1].parentLine[n] = lines[count + 1].parentLine[j];
}

const MATCH = 0;
const BASE = 1;
const NEW = 2;

/** coalesce_lines: merges `added` (one parent's lost lines) into `base` along their LCS. */
function coalesce(base: LostLine[], added: LostLine[], mask: number, maxCells: number): LostLine[] | undefined {
  if (added.length === 0) return base;
  if (base.length === 0) return added;
  const rows = base.length + 1;
  const cols = added.length + 1;
  if (rows * cols > maxCells) return undefined;
  const lcs = new Int32Array(rows * cols);
  const direction = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) direction[i * cols] = BASE;
  for (let j = 1; j < cols; j++) direction[j] = NEW;
  for (let i = 1; i < rows; i++) {
    const b = base[i - 1].bytes;
    for (let j = 1; j < cols; j++) {
      const at = i * cols + j;
      if (sameBytes(b, added[j - 1].bytes)) {
        lcs[at] = lcs[at - cols - 1] + 1;
        direction[at] = MATCH;
      } else if (lcs[at - 1] >= lcs[at - cols]) {
        lcs[at] = lcs[at - 1];
        direction[at] = NEW;
      } else {
        lcs[at] = lcs[at - cols];
        direction[at] = BASE;
      }
    }
  }
  // Walk back from the end; a new line goes right after the base line the walk stands on.
  const reversed: LostLine[] = [];
  let i = rows - 1;
  let j = cols - 1;
  while (i !== 0 || j !== 0) {
    const d = direction[i * cols + j];
    if (d === MATCH) {
      base[i - 1].parents |= mask;
      reversed.push(base[i - 1]);
      i--;
      j--;
    } else if (d === NEW) {
      reversed.push(added[j - 1]);
      j--;
    } else {
      reversed.push(base[i - 1]);
      i--;
    }
  }
  return reversed.reverse();
}

function interesting(line: ResultLine, allMask: number): boolean {
  return (line.flag & allMask) !== 0 || line.lost.length > 0;
}

/** adjust_hunk_tail: a last line shown only for its lost lines gives one line of context itself. */
function adjustHunkTail(lines: ResultLine[], allMask: number, hunkBegin: number, i: number): number {
  if (hunkBegin + 1 <= i && !(lines[i - 1].flag & allMask)) i--;
  return i;
}

function findNext(lines: ResultLine[], mark: number, i: number, count: number, uninteresting: boolean): number {
  while (i <= count) {
    if (uninteresting ? !(lines[i].flag & mark) : lines[i].flag & mark) return i;
    i++;
  }
  return i;
}

/** give_context: marks context lines around the shown ones; false when nothing is shown. */
function giveContext(lines: ResultLine[], count: number, parentCount: number, context: number): boolean {
  const allMask = (1 << parentCount) - 1;
  const mark = 1 << parentCount;
  const noPreDelete = 2 << parentCount;
  let i = findNext(lines, mark, 0, count, false);
  if (count < i) return false;
  while (i <= count) {
    let j = context < i ? i - context : 0;
    while (j < i) {
      if (!(lines[j].flag & mark)) lines[j].flag |= noPreDelete;
      lines[j++].flag |= mark;
    }
    let k: number;
    for (;;) {
      j = findNext(lines, mark, i, count, true);
      if (count < j) return true;
      k = findNext(lines, mark, j, count, false);
      j = adjustHunkTail(lines, allMask, i, j);
      if (k < j + context) {
        while (j < k) lines[j++].flag |= mark;
        i = k;
        continue;
      }
      break;
    }
    i = k;
    k = Math.min(j + context, count + 1);
    while (j < k) lines[j++].flag |= mark;
  }
  return true;
}

/** make_hunks: which lines are shown; with `dense`, hunks showing only two versions are dropped. */
function makeHunks(lines: ResultLine[], count: number, parentCount: number, dense: boolean, context: number): boolean {
  const allMask = (1 << parentCount) - 1;
  const mark = 1 << parentCount;
  for (let i = 0; i <= count; i++) {
    if (interesting(lines[i], allMask)) lines[i].flag |= mark;
    else lines[i].flag &= ~mark;
  }
  if (!dense) return giveContext(lines, count, parentCount, context);

  let i = 0;
  while (i <= count) {
    while (i <= count && !(lines[i].flag & mark)) i++;
    if (count < i) break;
    const hunkBegin = i;
    let j = i + 1;
    for (; j <= count; j++) {
      if (!(lines[j].flag & mark)) {
        // An interesting line within the context span after this one continues the hunk.
        let lookahead = adjustHunkTail(lines, allMask, hunkBegin, j);
        lookahead = Math.min(lookahead + context, count + 1);
        let goesOn = false;
        while (lookahead && j <= --lookahead) {
          if (lines[lookahead].flag & mark) {
            goesOn = true;
            break;
          }
        }
        if (!goesOn) break;
        j = lookahead;
      }
    }
    const hunkEnd = j;

    // Only two versions (every change from the same set of parents) and the result equal to
    // one of them: not interesting after all.
    let sameDiff = 0;
    let hasInteresting = false;
    for (let k = i; k < hunkEnd && !hasInteresting; k++) {
      const thisDiff = lines[k].flag & allMask;
      if (thisDiff) {
        if (!sameDiff) sameDiff = thisDiff;
        else if (sameDiff !== thisDiff) {
          hasInteresting = true;
          break;
        }
      }
      for (const lost of lines[k].lost) {
        if (hasInteresting) break;
        if (!sameDiff) sameDiff = lost.parents;
        else if (sameDiff !== lost.parents) hasInteresting = true;
      }
    }
    if (!hasInteresting && sameDiff !== allMask) {
      for (let k = hunkBegin; k < hunkEnd; k++) lines[k].flag &= ~mark;
    }
    i = hunkEnd;
  }
  return giveContext(lines, count, parentCount, context);
}

/** dump_sline: the hunks' headers and lines, as git prints them. */
function dumpHunks(lines: ResultLine[], result: LineTable, parentCount: number, context: number): CombinedHunk[] {
  const mark = 1 << parentCount;
  const allMask = mark - 1;
  const noPreDelete = 2 << parentCount;
  const count = result.count;
  const hunks: CombinedHunk[] = [];
  let lno = 0;
  for (;;) {
    let comment = -1;
    while (lno <= count && !(lines[lno].flag & mark)) {
      if (lno < count && result.starts[lno + 1] > result.starts[lno]) {
        const c = result.data[result.starts[lno]];
        if (isAlpha(c) || c === 0x5f || c === 0x24) comment = lno;
      }
      lno++;
    }
    if (count < lno) break;
    let hunkEnd = lno + 1;
    while (hunkEnd <= count && lines[hunkEnd].flag & mark) hunkEnd++;
    let resultLines = hunkEnd - lno;
    if (count < hunkEnd) resultLines--;
    let nullContext = 0;
    if (!context) {
      // With no context the lines kept only to hang lost lines on are not shown.
      for (let j = lno; j < hunkEnd; j++) if (!(lines[j].flag & allMask)) nullContext++;
      resultLines -= nullContext;
    }

    const at = '@'.repeat(parentCount + 1);
    let header = at;
    for (let n = 0; n < parentCount; n++) {
      const from = lines[lno].parentLine[n];
      const to = lines[hunkEnd].parentLine[n];
      header += ` -${from},${to - from - nullContext}`;
    }
    header += ` +${lno + 1},${resultLines} ${at}`;
    const headerBytes: Uint8Array[] = [encoder.encode(header)];
    if (comment !== -1) {
      // git prints the comment line up to, but not including, its last non-space character
      // among the first 40 bytes (combine-diff.c's loop stops one short).
      const begin = result.starts[comment];
      const end = result.starts[comment + 1];
      let commentEnd = 0;
      for (let i = 0; i < 40 && begin + i < end; i++) {
        const c = result.data[begin + i];
        if (c === 0 || c === 0x0a) break;
        if (!isGitSpace(c)) commentEnd = i;
      }
      if (commentEnd) headerBytes.push(new Uint8Array([0x20]), result.data.subarray(begin, begin + commentEnd));
    }
    const hunk: CombinedHunk = { header: concatBytes(headerBytes), lines: [] };

    while (lno < hunkEnd) {
      const line = lines[lno++];
      if (!(line.flag & noPreDelete)) {
        for (const lost of line.lost) {
          let markers = '';
          for (let n = 0; n < parentCount; n++) markers += lost.parents & (1 << n) ? '-' : ' ';
          hunk.lines.push({ markers, bytes: lost.bytes, newNo: null });
        }
      }
      if (count < lno) break;
      // A line kept only to hang lost lines on is context; with no context it is not shown.
      if (!(line.flag & allMask) && !context) continue;
      let markers = '';
      for (let n = 0; n < parentCount; n++) markers += line.flag & (1 << n) ? '+' : ' ';
      hunk.lines.push({ markers, bytes: lineText(result, lno - 1), newNo: lno });
    }
    hunks.push(hunk);
  }
  return hunks;
}

/** The hunks as bytes, as git prints them after the "+++ b/path" line (no "\ No newline" lines). */
export function formatCombinedHunks(hunks: CombinedHunk[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const newline = new Uint8Array([0x0a]);
  for (const hunk of hunks) {
    parts.push(hunk.header, newline);
    for (const line of hunk.lines) {
      // git prints these lines with printf("%.*s"), which stops at a NUL byte.
      const nul = line.bytes.indexOf(0);
      parts.push(encoder.encode(line.markers), nul === -1 ? line.bytes : line.bytes.subarray(0, nul), newline);
    }
  }
  return concatBytes(parts);
}

/** Caps of the decoded combined diff, as decodePatch's. */
export interface DecodeCombinedOptions extends CombinedOptions {
  /** Most lines over all hunks (default 20,000). */
  maxLines?: number;
  /** Longest line kept, in bytes (default 10,000). */
  maxLineBytes?: number;
  /** Most lines in all sides together (default 4,000,000); past it `tooLarge`. */
  maxInputLines?: number;
}

/** One shown line of a combined hunk. */
export interface DecodedCombinedLine {
  /** One character per parent: '-', '+' or ' '. */
  markers: string;
  /** UTF-8 with U+FFFD for bad bytes, without the '\n'. */
  text: string;
  /** 1-based line number in the merge's version; null for a line only parents had. */
  newNo: number | null;
  cut: boolean;
}

/** A combined hunk for the screen. */
export interface DecodedCombinedHunk {
  header: string;
  lines: DecodedCombinedLine[];
}

/** A merge's combined diff of one file, for the screen. */
export interface DecodedCombined {
  /** Some side is binary by git's rule ("Binary files differ"). */
  binary: boolean;
  /** More lines than maxInputLines: not diffed. */
  tooLarge: boolean;
  /** More parents than MAX_COMBINED_PARENTS: not diffed. */
  tooManyParents: boolean;
  /** Lost lines listed without merging (see CombinedDiff.approximate). */
  approximate: boolean;
  hunks: DecodedCombinedHunk[];
  cut: { lines: number; hunks: number; longLines: number };
}

/** The combined diff of a merge's file decoded for display, within the caps. */
export function decodeCombined(parents: Uint8Array[], result: Uint8Array, options: DecodeCombinedOptions = {}): DecodedCombined {
  const out: DecodedCombined = {
    binary: false,
    tooLarge: false,
    tooManyParents: false,
    approximate: false,
    hunks: [],
    cut: { lines: 0, hunks: 0, longLines: 0 },
  };
  if (isBinaryBlob(result) || parents.some(isBinaryBlob)) {
    out.binary = true;
    return out;
  }
  if (parents.length > MAX_COMBINED_PARENTS) {
    out.tooManyParents = true;
    return out;
  }
  let inputLines = countNewlines(result);
  for (const parent of parents) inputLines += countNewlines(parent);
  if (inputLines > (options.maxInputLines ?? DEFAULT_MAX_INPUT_LINES)) {
    out.tooLarge = true;
    return out;
  }
  const maxLines = Math.max(0, options.maxLines ?? DEFAULT_MAX_LINES);
  const maxLineBytes = Math.max(1, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const diff = combinedDiff(parents, result, options);
  out.approximate = diff.approximate;
  let shown = 0;
  for (const hunk of diff.hunks) {
    if (shown >= maxLines) {
      out.cut.hunks++;
      out.cut.lines += hunk.lines.length;
      continue;
    }
    const lines: DecodedCombinedLine[] = [];
    for (const line of hunk.lines) {
      if (shown >= maxLines) break;
      shown++;
      const { text, cut } = decodeCapped(line.bytes, maxLineBytes);
      if (cut) out.cut.longLines++;
      lines.push({ markers: line.markers, text, newNo: line.newNo, cut });
    }
    out.cut.lines += hunk.lines.length - lines.length;
    out.hunks.push({ header: decodeCapped(hunk.header, 4 * maxLineBytes).text, lines });
  }
  return out;
}
