/**
 * git's patch text for one file pair: the hunks after the "+++ b/path" line, byte for byte as
 * `git diff` prints them without colour; the `--numstat` counts; and git's rule for binary.
 */

import { concatBytes } from '../bytes/concat.ts';
import { forEachHunkLine, formatHunkHeader, patchDiff, type Hunk, type PatchOptions } from './hunks.ts';
import { diffLines, type LineDiff } from './line-diff.ts';

export type { Hunk, HunkOptions, HunkLineKind, PatchOptions } from './hunks.ts';
export { buildHunks, forEachHunkLine, formatHunkHeader, patchDiff } from './hunks.ts';
export { decodePatch } from './decode.ts';
export { isBinaryBlob, BIG_FILE_THRESHOLD } from './binary.ts';
export type { DecodedPatch, DecodedHunk, DecodedLine, DecodeOptions } from './decode.ts';

/** Added and deleted line counts, equal to `git diff --numstat` for a text pair. */
export function countLines(a: Uint8Array, b: Uint8Array, options: { indentHeuristic?: boolean } = {}): LineCounts {
  // git's diffstat runs xdiff with the patch's context (3), so the common tail is not trimmed
  // and the counts are those of the patch.
  return countChanges(diffLines(a, b, { indentHeuristic: options.indentHeuristic !== false }));
}

/** Added and removed line counts. */
export interface LineCounts {
  added: number;
  deleted: number;
}

/** The counts of an already computed diff (the patch and --numstat agree). */
export function countChanges(diff: LineDiff): LineCounts {
  return { added: countSet(diff.added), deleted: countSet(diff.deleted) };
}

function countSet(flags: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < flags.length; i++) n += flags[i];
  return n;
}

const encoder = new TextEncoder();
const NO_NEWLINE = encoder.encode('\n\\ No newline at end of file\n');
const SIGN_CONTEXT = 0x20;
const SIGN_ADD = 0x2b;
const SIGN_DEL = 0x2d;

/** Patch text of an already computed diff. */
export function formatHunks(diff: LineDiff, hunks: Hunk[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const sign = [new Uint8Array([SIGN_CONTEXT]), new Uint8Array([SIGN_ADD]), new Uint8Array([SIGN_DEL])];
  const line = (signIndex: number, table: LineDiff['old'], i: number): void => {
    parts.push(sign[signIndex]);
    const begin = table.starts[i];
    const end = table.starts[i + 1];
    parts.push(table.data.subarray(begin, end));
    if (end > begin && table.data[end - 1] !== 0x0a) parts.push(NO_NEWLINE);
  };
  for (const hunk of hunks) {
    parts.push(formatHunkHeader(hunk));
    forEachHunkLine(hunk, (kind, oldLine, newLine) => {
      if (kind === 'context') line(0, diff.new, newLine);
      else if (kind === 'add') line(1, diff.new, newLine);
      else line(2, diff.old, oldLine);
    });
  }
  return concatBytes(parts);
}

/**
 * The hunks of `git diff` for a text pair, as bytes: everything after the "+++ b/path" line.
 * Empty when no line differs. The caller checks `isBinaryBlob` first, as git does.
 */
export function formatPatchBody(a: Uint8Array, b: Uint8Array, options: PatchOptions = {}): Uint8Array {
  return formatHunks(...patchDiff(a, b, options));
}
