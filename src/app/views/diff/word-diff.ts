import { diffWordsWithSpace } from 'diff';

/**
 * Word-level highlights inside a changed line: a removed line paired with the added line that
 * replaced it, compared word by word with jsdiff's `diffWordsWithSpace`. Only what is rendered
 * is compared (the rows in view), and each comparison is bounded, so a 100k-line diff costs no
 * more than the screenful shown.
 */

/** A changed range of a line, in UTF-16 units: [start, end). */
export interface WordRange {
  start: number;
  end: number;
}

/** The changed ranges of both lines of a pair. */
export interface WordHighlights {
  old: WordRange[];
  new: WordRange[];
}

/** Longer lines are not compared (a minified line would cost a lot and highlight everything). */
export const MAX_WORD_DIFF_CHARS = 1000;
/** jsdiff gives up past this many edits: such lines are rewritten, not edited. */
const MAX_EDIT_LENGTH = 120;
/** Highlight only when at least this share of the longer line is kept; else the whole line changed. */
const MIN_KEPT_SHARE = 0.35;

/**
 * The words that differ between `oldLine` and `newLine`, or undefined when the lines are too
 * long or too different for highlights to help (the line's own colour says enough).
 */
export function wordHighlights(oldLine: string, newLine: string): WordHighlights | undefined {
  if (oldLine === newLine) return { old: [], new: [] };
  if (oldLine.length > MAX_WORD_DIFF_CHARS || newLine.length > MAX_WORD_DIFF_CHARS) return undefined;
  const changes = diffWordsWithSpace(oldLine, newLine, { maxEditLength: MAX_EDIT_LENGTH });
  if (!changes) return undefined;
  const out: WordHighlights = { old: [], new: [] };
  let oldAt = 0;
  let newAt = 0;
  let kept = 0;
  for (const c of changes) {
    const n = c.value.length;
    if (c.added) {
      push(out.new, newAt, newAt + n);
      newAt += n;
    } else if (c.removed) {
      push(out.old, oldAt, oldAt + n);
      oldAt += n;
    } else {
      if (c.value.trim() !== '') kept += n;
      oldAt += n;
      newAt += n;
    }
  }
  if (kept < MIN_KEPT_SHARE * Math.max(oldLine.trim().length, newLine.trim().length)) return undefined;
  return out;
}

/** Appends a range, joining it to the previous one when they touch. */
function push(ranges: WordRange[], start: number, end: number): void {
  const last = ranges[ranges.length - 1];
  if (last && last.end === start) last.end = end;
  else ranges.push({ start, end });
}
