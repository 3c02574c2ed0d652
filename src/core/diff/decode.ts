/**
 * The hunks of a file pair as text for the screen: each line with its kind and old/new line
 * numbers, decoded as UTF-8 (invalid bytes become U+FFFD). Lines and line lengths are capped so
 * a hostile file (one 1 GB line, millions of changed lines) cannot freeze the page; what was cut
 * is counted in the result.
 */

import { isBinaryBlob } from './binary.ts';
import { forEachHunkLine, formatHunkHeader, patchDiff, type PatchOptions } from './hunks.ts';
import type { LineTable } from './lines.ts';

/** Caps on the decoded form, on top of the patch options. */
export interface DecodeOptions extends PatchOptions {
  /** Most lines over all hunks (default 20,000); the rest are counted in `cut.lines`. */
  maxLines?: number;
  /** Longest line kept, in bytes (default 10,000); longer lines are shortened and marked. */
  maxLineBytes?: number;
  /**
   * Most lines in both files together (default 4,000,000): the diff keeps some 40 bytes per
   * line, so a blob of nothing but newlines is refused (`tooLarge`) instead of diffed.
   */
  maxInputLines?: number;
}

/** One shown line. */
export interface DecodedLine {
  kind: 'context' | 'add' | 'del';
  /** 1-based line number in the old file; null for an added line. */
  oldNo: number | null;
  /** 1-based line number in the new file; null for a removed line. */
  newNo: number | null;
  /** The line without its '\n'. */
  text: string;
  /** True when the text was shortened to maxLineBytes. */
  cut: boolean;
  /** True for a last line without '\n' (git prints "\ No newline at end of file" after it). */
  noNewline: boolean;
}

/** One hunk for the screen. */
export interface DecodedHunk {
  /** The header as git prints it, function line included, without '\n'. */
  header: string;
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  funcName: string;
  lines: DecodedLine[];
}

/** A file pair's diff for the screen. */
export interface DecodedPatch {
  /** Either side binary by git's rule: no hunks, no counts. */
  binary: boolean;
  /** More lines than maxInputLines: not diffed, no hunks, no counts. */
  tooLarge: boolean;
  hunks: DecodedHunk[];
  /** Lines added and removed in the whole diff (shown or not). */
  added: number;
  deleted: number;
  cut: {
    /** Lines left out after maxLines was reached. */
    lines: number;
    /** Hunks left out entirely after maxLines was reached. */
    hunks: number;
    /** Lines shortened to maxLineBytes. */
    longLines: number;
  };
}

/** The default caps of the decoded forms. */
export const DEFAULT_MAX_LINES = 20_000;
export const DEFAULT_MAX_LINE_BYTES = 10_000;
export const DEFAULT_MAX_INPUT_LINES = 4_000_000;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * A line's bytes as text, UTF-8 with U+FFFD for bad bytes, shortened to maxBytes at a character
 * boundary (`cut` says so).
 */
export function decodeCapped(bytes: Uint8Array, maxBytes: number): { text: string; cut: boolean } {
  if (bytes.length <= maxBytes) return { text: utf8.decode(bytes), cut: false };
  let end = maxBytes;
  // Cut before a UTF-8 continuation byte's lead, not inside the character.
  for (let back = 0; back < 3 && end > 0 && (bytes[end] & 0xc0) === 0x80; back++) end--;
  return { text: utf8.decode(bytes.subarray(0, end)), cut: true };
}

/** Lines of a buffer as git counts them (a last line without '\n' counts too). */
export function countNewlines(data: Uint8Array): number {
  let n = 0;
  for (let at = data.indexOf(0x0a); at !== -1; at = data.indexOf(0x0a, at + 1)) n++;
  return n + (data.length > 0 && data[data.length - 1] !== 0x0a ? 1 : 0);
}

/** Diffs a pair and decodes its hunks for display, within the caps. */
export function decodePatch(a: Uint8Array, b: Uint8Array, options: DecodeOptions = {}): DecodedPatch {
  const result: DecodedPatch = {
    binary: false,
    tooLarge: false,
    hunks: [],
    added: 0,
    deleted: 0,
    cut: { lines: 0, hunks: 0, longLines: 0 },
  };
  if (isBinaryBlob(a) || isBinaryBlob(b)) {
    result.binary = true;
    return result;
  }
  if (countNewlines(a) + countNewlines(b) > (options.maxInputLines ?? DEFAULT_MAX_INPUT_LINES)) {
    result.tooLarge = true;
    return result;
  }
  const maxLines = Math.max(0, options.maxLines ?? DEFAULT_MAX_LINES);
  const maxLineBytes = Math.max(1, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const [diff, hunks] = patchDiff(a, b, options);
  for (let i = 0; i < diff.added.length; i++) result.added += diff.added[i];
  for (let i = 0; i < diff.deleted.length; i++) result.deleted += diff.deleted[i];

  let shown = 0;
  const decodeLine = (table: LineTable, i: number): { text: string; cut: boolean; noNewline: boolean } => {
    const begin = table.starts[i];
    let end = table.starts[i + 1];
    const noNewline = end > begin && table.data[end - 1] !== 0x0a;
    if (!noNewline) end--;
    const { text, cut } = decodeCapped(table.data.subarray(begin, end), maxLineBytes);
    if (cut) result.cut.longLines++;
    return { text, cut, noNewline };
  };

  for (const hunk of hunks) {
    const lineTotal = countHunkLines(hunk);
    if (shown >= maxLines) {
      result.cut.hunks++;
      result.cut.lines += lineTotal;
      continue;
    }
    const header = formatHunkHeader(hunk);
    const lines: DecodedLine[] = [];
    forEachHunkLine(hunk, (kind, oldLine, newLine) => {
      if (shown >= maxLines) return true;
      shown++;
      const { text, cut, noNewline } = kind === 'del' ? decodeLine(diff.old, oldLine) : decodeLine(diff.new, newLine);
      lines.push({
        kind,
        oldNo: oldLine >= 0 ? oldLine + 1 : null,
        newNo: newLine >= 0 ? newLine + 1 : null,
        text,
        cut,
        noNewline,
      });
      return false;
    });
    result.cut.lines += lineTotal - lines.length;
    result.hunks.push({
      header: utf8.decode(header.subarray(0, header.length - 1)),
      oldStart: hunk.oldStart,
      oldCount: hunk.oldCount,
      newStart: hunk.newStart,
      newCount: hunk.newCount,
      funcName: utf8.decode(hunk.funcName),
      lines,
    });
  }
  return result;
}

/** Lines a hunk prints: its context and changes (the "\ No newline" markers not counted). */
function countHunkLines(hunk: { oldCount: number; changes: { newCount: number }[] }): number {
  let added = 0;
  for (const change of hunk.changes) added += change.newCount;
  return hunk.oldCount + added;
}
