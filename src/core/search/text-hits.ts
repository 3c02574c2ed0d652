import type { TextMatcher } from './matcher.ts';
import type { LineHit, TextRange } from './types.ts';

/**
 * Finds the lines of a text that match, with line numbers, columns and the lines around each.
 * A plain substring is searched over the whole text (one indexOf per match); a regular
 * expression runs on one line at a time, so `^`, `$` and `.` mean what they mean in git grep.
 */

/** Limits of one text search. */
export interface HitOptions {
  /** Matching lines kept (the rest are only counted). */
  maxLines: number;
  /** Lines of context before and after each matching line. */
  context: number;
  /** `performance.now()` value after which the search of this text stops (time box). */
  deadline: number;
}

/** What one text search found. */
export interface TextHits {
  hits: LineHit[];
  /** Matching lines beyond `maxLines`. */
  moreLines: number;
  /** Set when the time box ran out before the end of the text. */
  stoppedAtLine?: number;
}

/** Widest line shown; longer lines are shown as a window around their first match. */
export const MAX_SHOWN_LINE = 240;
/** Ranges kept per line. */
const MAX_RANGES = 32;
/** Lines (or matches) between two clock checks. */
const CLOCK_EVERY = 256;

/** True when git would call the bytes binary: a NUL in the first 8000 bytes. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8000);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Searches `text` line by line. */
export function findLineHits(text: string, matcher: TextMatcher, options: HitOptions): TextHits {
  const out: TextHits = { hits: [], moreLines: 0 };
  const keep = (lineNo: number, lineStart: number, lineEnd: number, ranges: TextRange[]): void => {
    if (out.hits.length >= options.maxLines) {
      out.moreLines++;
      return;
    }
    out.hits.push(buildHit(text, lineNo, lineStart, lineEnd, ranges, options.context));
  };
  if (matcher.regex) searchLineByLine(text, matcher, options, keep, out);
  else searchWhole(text, matcher, options, keep, out);
  return out;
}

type Keep = (lineNo: number, lineStart: number, lineEnd: number, ranges: TextRange[]) => void;

function searchLineByLine(text: string, matcher: TextMatcher, options: HitOptions, keep: Keep, out: TextHits): void {
  let lineNo = 1;
  let start = 0;
  while (start <= text.length) {
    // A text ending in a newline has no line after it, and an empty text has no lines (git's view).
    if (start === text.length) break;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    const ranges: TextRange[] = [];
    let from = 0;
    while (from <= line.length && ranges.length < MAX_RANGES) {
      const m = matcher.next(line, from);
      if (!m) break;
      ranges.push(m);
      // An empty match still counts the line once; move on so the loop ends.
      from = m.start + Math.max(1, m.length);
    }
    if (ranges.length > 0) keep(lineNo, start, end, ranges);
    if (lineNo % CLOCK_EVERY === 0 && performance.now() > options.deadline) {
      if (end < text.length) out.stoppedAtLine = lineNo;
      return;
    }
    lineNo++;
    start = end + 1;
  }
}

function searchWhole(text: string, matcher: TextMatcher, options: HitOptions, keep: Keep, out: TextHits): void {
  let lineNo = 1;
  let lineStart = 0;
  let counted = 0; // newlines counted up to here
  let current: { lineNo: number; start: number; end: number; ranges: TextRange[] } | undefined;
  let from = 0;
  let n = 0;
  for (;;) {
    const m = matcher.next(text, from);
    if (!m) break;
    // Advance the line counter to the match.
    for (let i = counted; i < m.start; i++) {
      if (text.charCodeAt(i) === 10) {
        lineNo++;
        lineStart = i + 1;
      }
    }
    counted = m.start;
    if (current && current.lineNo === lineNo) {
      if (current.ranges.length < MAX_RANGES) current.ranges.push({ start: m.start - lineStart, length: m.length });
    } else {
      if (current) keep(current.lineNo, current.start, current.end, current.ranges);
      let end = text.indexOf('\n', m.start);
      if (end < 0) end = text.length;
      current = { lineNo, start: lineStart, end, ranges: [{ start: m.start - lineStart, length: m.length }] };
    }
    from = m.start + Math.max(1, m.length);
    if (++n % CLOCK_EVERY === 0 && performance.now() > options.deadline) {
      out.stoppedAtLine = lineNo;
      break;
    }
  }
  if (current) keep(current.lineNo, current.start, current.end, current.ranges);
}

function buildHit(text: string, lineNo: number, start: number, end: number, ranges: TextRange[], context: number): LineHit {
  const line = text.slice(start, end);
  const column = ranges[0].start + 1;
  let textOffset = 0;
  let shown = line;
  if (line.length > MAX_SHOWN_LINE) {
    textOffset = Math.max(0, Math.min(ranges[0].start - 60, line.length - MAX_SHOWN_LINE));
    shown = line.slice(textOffset, textOffset + MAX_SHOWN_LINE);
  }
  const visible = ranges
    .map((r) => ({ start: r.start - textOffset, length: r.length }))
    .filter((r) => r.start >= 0 && r.start < shown.length)
    .map((r) => ({ start: r.start, length: Math.min(r.length, shown.length - r.start) }));
  const before: string[] = [];
  let s = start;
  for (let k = 0; k < context && s > 0; k++) {
    const prevEnd = s - 1;
    const prevStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
    before.unshift(clip(text.slice(prevStart, prevEnd)));
    s = prevStart;
  }
  const after: string[] = [];
  let e = end;
  for (let k = 0; k < context && e < text.length - 1; k++) {
    const nextStart = e + 1;
    let nextEnd = text.indexOf('\n', nextStart);
    if (nextEnd < 0) nextEnd = text.length;
    after.push(clip(text.slice(nextStart, nextEnd)));
    e = nextEnd;
  }
  return { line: lineNo, column, text: shown, textOffset, ranges: visible, before, after };
}

function clip(line: string): string {
  return line.length > MAX_SHOWN_LINE ? `${line.slice(0, MAX_SHOWN_LINE)}…` : line;
}
