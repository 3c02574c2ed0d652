/**
 * Hunks as git's xdl_emit_diff builds them: changes closer than 2·context + inter-hunk context
 * lines share a hunk; each hunk gets `context` lines around it (fewer at the file's ends) and the
 * nearest "function line" above it, found by git's default rule (no diff driver): the line
 * starts with a letter, '_' or '$'; it is cut to 80 bytes, its trailing whitespace dropped, and
 * (as diff.c then does to the whole header line) cut before its first invalid UTF-8 sequence.
 */

import { changeRanges, diffLines, type ChangeRange, type LineDiff } from './line-diff.ts';

/** How hunks are cut; the defaults are git's. */
export interface HunkOptions {
  /** Lines of context around each change (`-U`, default 3). */
  context?: number;
  /** Extra lines that still join two hunks (`--inter-hunk-context`, default 0). */
  interHunkContext?: number;
}

/** Options of the patch text; the defaults are git's. */
export interface PatchOptions extends HunkOptions {
  /** git's diff.indentHeuristic (default true). */
  indentHeuristic?: boolean;
}

/** One hunk: numbers as the "@@ -oldStart,oldCount +newStart,newCount @@" header prints them. */
export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** The function line shown after the header (may be empty). */
  funcName: Uint8Array;
  /** First old and new line (0-based) the hunk shows. */
  oldBegin: number;
  newBegin: number;
  /** The changes inside, in order (0-based starts). */
  changes: ChangeRange[];
  /** End (exclusive, 0-based) of the new lines shown: the post-context stops here. */
  newEnd: number;
}

/** What a hunk line is. */
export type HunkLineKind = 'context' | 'add' | 'del';

/** A hunk's lines in git's order, as (kind, old line, new line) with 0-based numbers (-1 = none). */
export type HunkLineVisitor = (kind: HunkLineKind, oldLine: number, newLine: number) => boolean | void;

/** The default function-line buffer of xdl_emit_diff. */
const FUNC_LINE_MAX = 80;

/** Cuts the changes of a diff into hunks, as git does. */
export function buildHunks(diff: LineDiff, options: HunkOptions = {}): Hunk[] {
  const context = Math.max(0, options.context ?? 3);
  const interHunk = Math.max(0, options.interHunkContext ?? 0);
  const changes = changeRanges(diff);
  const hunks: Hunk[] = [];
  const n1 = diff.old.count;
  const n2 = diff.new.count;
  const maxCommon = 2 * context + interHunk;
  let funcLinePrev = -1;
  let funcName: Uint8Array = new Uint8Array(0);

  for (let first = 0; first < changes.length; ) {
    // xdl_get_hunk: extend while the gap to the next change is small.
    let last = first;
    while (last + 1 < changes.length) {
      const prev = changes[last];
      const next = changes[last + 1];
      if (next.oldStart - (prev.oldStart + prev.oldCount) > maxCommon) break;
      last++;
    }
    const head = changes[first];
    const tail = changes[last];
    const s1 = Math.max(head.oldStart - context, 0);
    const s2 = Math.max(head.newStart - context, 0);
    let afterContext = context;
    afterContext = Math.min(afterContext, n1 - (tail.oldStart + tail.oldCount));
    afterContext = Math.min(afterContext, n2 - (tail.newStart + tail.newCount));
    const e1 = tail.oldStart + tail.oldCount + afterContext;
    const e2 = tail.newStart + tail.newCount + afterContext;

    // The function line is searched upwards from above the hunk, no further than the previous
    // hunk's search began; when none is found the previous hunk's is shown again (as git does).
    const found = findFuncLine(diff, s1 - 1, funcLinePrev);
    if (found) funcName = found;
    funcLinePrev = s1 - 1;

    const oldCount = e1 - s1;
    const newCount = e2 - s2;
    hunks.push({
      oldStart: oldCount ? s1 + 1 : s1,
      oldCount,
      newStart: newCount ? s2 + 1 : s2,
      newCount,
      funcName,
      oldBegin: s1,
      newBegin: s2,
      changes: changes.slice(first, last + 1),
      newEnd: e2,
    });
    first = last + 1;
  }
  return hunks;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isGitSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** get_func_line with git's def_ff: the nearest line in (limit, start] going up that qualifies. */
function findFuncLine(diff: LineDiff, start: number, limit: number): Uint8Array | undefined {
  const { data, starts, count } = diff.old;
  for (let l = start; l !== limit && l >= 0 && l < count; l--) {
    const begin = starts[l];
    const end = starts[l + 1];
    if (end === begin) continue;
    const c = data[begin];
    if (!(isAlpha(c) || c === 0x5f || c === 0x24)) continue;
    let len = Math.min(end - begin, FUNC_LINE_MAX);
    while (len > 0 && isGitSpace(data[begin + len - 1])) len--;
    // git's diff.c then cuts the header line before its first invalid UTF-8 sequence
    // (sane_truncate_line), e.g. a character split by the 80-byte cut.
    return data.subarray(begin, begin + validUtf8Prefix(data, begin, begin + len));
  }
  return undefined;
}

/** Length of the longest prefix of data[begin, end) that git's pick_one_utf8_char accepts. */
function validUtf8Prefix(data: Uint8Array, begin: number, end: number): number {
  let p = begin;
  while (p < end) {
    const c = data[p];
    const left = end - p;
    let size: number;
    if (c < 0x80) size = 1;
    else if ((c & 0xe0) === 0xc0) {
      // 2 bytes; C0 and C1 would be overlong
      if (left < 2 || (data[p + 1] & 0xc0) !== 0x80 || (c & 0xfe) === 0xc0) break;
      size = 2;
    } else if ((c & 0xf0) === 0xe0) {
      const c1 = data[p + 1];
      if (
        left < 3 ||
        (c1 & 0xc0) !== 0x80 ||
        (data[p + 2] & 0xc0) !== 0x80 ||
        (c === 0xe0 && (c1 & 0xe0) === 0x80) || // overlong
        (c === 0xed && (c1 & 0xe0) === 0xa0) || // surrogate
        (c === 0xef && c1 === 0xbf && (data[p + 2] & 0xfe) === 0xbe) // U+FFFE, U+FFFF
      ) {
        break;
      }
      size = 3;
    } else if ((c & 0xf8) === 0xf0) {
      const c1 = data[p + 1];
      if (
        left < 4 ||
        (c1 & 0xc0) !== 0x80 ||
        (data[p + 2] & 0xc0) !== 0x80 ||
        (data[p + 3] & 0xc0) !== 0x80 ||
        (c === 0xf0 && (c1 & 0xf0) === 0x80) || // overlong
        (c === 0xf4 && c1 > 0x8f) || // past U+10FFFF
        c > 0xf4
      ) {
        break;
      }
      size = 4;
    } else break;
    p += size;
  }
  return p - begin;
}

/** Visits a hunk's lines in the order git prints them; the visitor returns true to stop. */
export function forEachHunkLine(hunk: Hunk, visit: HunkLineVisitor): void {
  const first = hunk.changes[0];
  let s1 = hunk.oldBegin;
  let s2 = hunk.newBegin;
  // Pre-context (xdiff prints context lines from the new file).
  for (; s2 < first.newStart; s1++, s2++) if (visit('context', s1, s2)) return;
  for (const change of hunk.changes) {
    for (; s1 < change.oldStart && s2 < change.newStart; s1++, s2++) if (visit('context', s1, s2)) return;
    for (let i = change.oldStart; i < change.oldStart + change.oldCount; i++) if (visit('del', i, -1)) return;
    for (let i = change.newStart; i < change.newStart + change.newCount; i++) if (visit('add', -1, i)) return;
    s1 = change.oldStart + change.oldCount;
    s2 = change.newStart + change.newCount;
  }
  for (; s2 < hunk.newEnd; s1++, s2++) if (visit('context', s1, s2)) return;
}

const encoder = new TextEncoder();
/** xdl_format_hunk_hdr's buffer: the function name is cut so the header fits. */
const HUNK_HEADER_BUFFER = 128;

/** The "@@ ... @@ func\n" line of a hunk, as xdl_format_hunk_hdr writes it. */
export function formatHunkHeader(hunk: Hunk): Uint8Array {
  const range = (start: number, count: number): string => (count === 1 ? `${start}` : `${start},${count}`);
  const head = encoder.encode(`@@ -${range(hunk.oldStart, hunk.oldCount)} +${range(hunk.newStart, hunk.newCount)} @@`);
  if (hunk.funcName.length === 0) {
    const out = new Uint8Array(head.length + 1);
    out.set(head);
    out[head.length] = 0x0a;
    return out;
  }
  // A space follows " @@" whenever there is a function line, even if no room is left for it.
  const funcLength = Math.max(0, Math.min(hunk.funcName.length, HUNK_HEADER_BUFFER - (head.length + 1) - 1));
  const out = new Uint8Array(head.length + 1 + funcLength + 1);
  out.set(head);
  out[head.length] = 0x20;
  out.set(hunk.funcName.subarray(0, funcLength), head.length + 1);
  out[out.length - 1] = 0x0a;
  return out;
}

/**
 * The diff and hunks git computes for a patch with these options. With no context git trims
 * the common tail before diffing (xdi_diff), which can change the result on large files.
 */
export function patchDiff(a: Uint8Array, b: Uint8Array, options: PatchOptions = {}): [LineDiff, Hunk[]] {
  const diff = diffLines(a, b, {
    indentHeuristic: options.indentHeuristic !== false,
    trimCommonTail: (options.context ?? 3) <= 0,
  });
  return [diff, buildHunks(diff, options)];
}
