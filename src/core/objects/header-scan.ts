import { fail } from '../errors.ts';

/**
 * The header of a commit or tag read in place, for views that must stay small whatever the
 * object holds (a million `parent` lines, a header value or a message of megabytes).
 * `parseHeaders` decodes the whole header and builds every field; this finds where each field
 * is and leaves decoding, and how much of it, to the caller. It finds what `parseHeaders`
 * finds, with the same failure:
 *
 *   [EF BB BF]            a byte-order mark at the start is skipped (TextDecoder drops it)
 *   <key> <value>\n       a field; a line without a space is a key with an empty value
 *    <more>\n             a continuation line (leading space) belongs to the field above
 *   \n                    the first blank line ends the header; the message follows it
 */

/** Where one field is: its key and its value as byte ranges [begin, end) of the object. */
export interface FieldRange {
  keyStart: number;
  keyEnd: number;
  /** The value runs to the end of its last continuation line (the `\n ` between lines included). */
  valueStart: number;
  valueEnd: number;
}

/** Visits each header field in order; returns where the message starts (the length when there is none). */
export function forEachHeaderField(data: Uint8Array, what: string, visit: (field: FieldRange) => void): number {
  let blank = -1;
  for (let p = data.indexOf(0x0a); p >= 0 && p + 1 < data.length; p = data.indexOf(0x0a, p + 1)) {
    if (data[p + 1] === 0x0a) {
      blank = p;
      break;
    }
  }
  const end = blank < 0 ? data.length : blank;
  let pos = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  let field: FieldRange | undefined;
  while (pos < end) {
    let eol = data.indexOf(0x0a, pos);
    if (eol < 0 || eol > end) eol = end;
    if (eol > pos) {
      if (data[pos] === 0x20) {
        if (!field) fail('CorruptObject', `${what} starts with a continuation line`);
        field.valueEnd = eol;
      } else {
        if (field) visit(field);
        let sp = pos;
        while (sp < eol && data[sp] !== 0x20) sp++;
        field = sp < eol ? { keyStart: pos, keyEnd: sp, valueStart: sp + 1, valueEnd: eol } : { keyStart: pos, keyEnd: eol, valueStart: eol, valueEnd: eol };
      }
    }
    pos = eol + 1;
  }
  if (field) visit(field);
  return blank < 0 ? data.length : blank + 2;
}

/** True when the bytes [start, end) spell `word` (ASCII). */
export function bytesAre(data: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (data[start + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** Backs `end` off so that [start, end) does not cut a UTF-8 sequence in two (at most 3 bytes). */
export function utf8Boundary(data: Uint8Array, start: number, end: number): number {
  if (end >= data.length) return end;
  let e = end;
  // A continuation byte (10xxxxxx) at `e` means a character started before it.
  while (e > start && end - e < 3 && (data[e] & 0xc0) === 0x80) e--;
  return (data[e] & 0xc0) === 0x80 ? end : e;
}
