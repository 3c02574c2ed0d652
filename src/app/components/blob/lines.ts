/**
 * Where each line of a (possibly 20 MB) text starts, so the viewer can cut out only the lines
 * it shows. Two passes over the string with `indexOf`: count, then fill a typed array.
 */

/** A text split into lines without copying it. */
export interface LineIndex {
  /** Number of lines; a final newline does not start another line. */
  count: number;
  /** The longest line, in characters (tabs count as one). */
  longest: number;
  /** Lines ending in CR LF. */
  crlf: number;
  /** The text of line `i` (0-based), without its line ending. */
  line(i: number): string;
}

/** Indexes the lines of `text`. */
export function indexLines(text: string): LineIndex {
  let newlines = 0;
  for (let p = text.indexOf('\n'); p !== -1; p = text.indexOf('\n', p + 1)) newlines++;
  const endsWithNewline = text.endsWith('\n');
  const count = text.length === 0 ? 0 : endsWithNewline ? newlines : newlines + 1;
  // starts[count] is one past the last line's end plus one, so line i is [starts[i], starts[i+1] - 1).
  const starts = new Uint32Array(count + 1);
  let longest = 0;
  let crlf = 0;
  let i = 0;
  let start = 0;
  for (let p = text.indexOf('\n'); p !== -1 && i < count; p = text.indexOf('\n', p + 1)) {
    starts[i++] = start;
    if (p > start && text.charCodeAt(p - 1) === 13) crlf++;
    if (p - start > longest) longest = p - start;
    start = p + 1;
  }
  if (i < count) {
    starts[i++] = start;
    if (text.length - start > longest) longest = text.length - start;
  }
  starts[count] = endsWithNewline ? text.length : text.length + 1;
  return {
    count,
    longest,
    crlf,
    line(n) {
      const s = text.slice(starts[n], starts[n + 1] - 1);
      return s.endsWith('\r') ? s.slice(0, -1) : s;
    },
  };
}
