/**
 * One path of a merge's combined patch, as combine-diff.c's show_patch_diff writes it for
 * `git diff-tree --cc -p` (dense) and `-c -p`: the "diff --cc" header, the index line with a
 * short id per parent, mode lines when a parent's mode differs, the file labels, then "Binary
 * files differ" or the combined hunks. A path with no hunk left and no mode change prints nothing.
 */

import type { ObjectDatabase } from '../odb/database.ts';
import type { CombinedPath } from './combined.ts';
import { combinedDiff, formatCombinedHunks } from './combined-hunks.ts';
import { type Abbreviator, type ByteSink, quoteTwo } from './diff-format.ts';
import { sideContent } from './pair-text.ts';

/** Status letter of a parent that did not have the path. */
const ADDED = 'A';
const encoder = new TextEncoder();

function octal6(mode: number): string {
  return mode.toString(8).padStart(6, '0');
}

/** Writes one path's combined patch; false when git prints nothing for it. */
export function writeCombinedPatch(db: ObjectDatabase, out: ByteSink, p: CombinedPath, dense: boolean, abbrev: Abbreviator, context = 3): boolean {
  const side = (mode: number, oid: Uint8Array) => (mode === 0 || oid.every((b) => b === 0) ? undefined : { path: p.path, mode, oid });
  const result = sideContent(db, side(p.mode, p.oid));
  const parents = p.parents.map((q) => sideContent(db, side(q.mode, q.oid)));
  const modeDiffers = p.parents.some((q) => q.mode !== p.mode);
  const deleted = p.mode === 0;
  const added = modeDiffers && !deleted && p.parents.every((q) => q.status === ADDED);

  // buffer_is_binary on every side: a NUL in the first 8000 bytes (no size rule here, as combine-diff.c).
  const binary = [result, ...parents].some((data) => data.subarray(0, 8000).indexOf(0) !== -1);
  if (binary) {
    writeHeader(out, p, dense, abbrev, modeDiffers, deleted, added, false);
    out.text('Binary files differ\n');
    return true;
  }
  const { hunks } = combinedDiff(parents, result, { dense, context });
  if (hunks.length === 0 && !modeDiffers) return false;
  writeHeader(out, p, dense, abbrev, modeDiffers, deleted, added, true);
  out.bytes(formatCombinedHunks(hunks));
  return true;
}

/** show_combined_header. */
function writeHeader(out: ByteSink, p: CombinedPath, dense: boolean, abbrev: Abbreviator, modeDiffers: boolean, deleted: boolean, added: boolean, fileLabels: boolean): void {
  out.text(dense ? 'diff --cc ' : 'diff --combined ');
  out.bytes(quoteTwo('', p.path));
  out.text(`\nindex ${p.parents.map((q) => abbrev.abbrev(q.oid)).join(',')}..${abbrev.abbrev(p.oid)}\n`);
  if (modeDiffers) {
    if (added) out.text(`new file mode ${octal6(p.mode)}`);
    else {
      if (deleted) out.text('deleted file ');
      out.text(`mode ${p.parents.map((q) => octal6(q.mode)).join(',')}`);
      if (p.mode) out.text(`..${octal6(p.mode)}`);
    }
    out.text('\n');
  }
  if (!fileLabels) return;
  out.text('--- ');
  out.bytes(added ? encoder.encode('/dev/null') : quoteTwo('a/', p.path));
  out.text('\n+++ ');
  out.bytes(deleted ? encoder.encode('/dev/null') : quoteTwo('b/', p.path));
  out.text('\n');
}
