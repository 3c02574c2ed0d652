import type { CombinedHunks, FileHunks } from '../../../protocol/diff.ts';
import { languageFor } from '../../highlight/languages.ts';

/**
 * The documents a file's diff is coloured as (the highlight worker colours each as one text):
 * the old side's lines (context and removed, in line order) and the new side's (context, added
 * and revealed lines), so a comment or string opened on one line colours the next line of the
 * same side; for a merge's combined diff, the merge's lines and each parent's lines as its
 * hunks show them (the merge's lines that parent has, and the lines only it had).
 */

/** Which document a line is coloured from: a side of a two-sided diff, or a merge's parent (0-based). */
export type ColourSide = 'old' | 'new' | `parent${number}`;

/** A line's place in a document: a line number of its side, or (lines only parents had) the line itself. */
export type ColourKey = number | object;

/** A file whose diff text is longer than this is shown without colour (and says so). */
export const COLOUR_MAX_FILE_CHARS = 2_000_000;

/** A file's diff as the view holds it: two-sided hunks with revealed lines, or combined hunks. */
export type ColourSource = { hunks: FileHunks; context: ReadonlyMap<number, string> } | { combined: CombinedHunks };

/** The text of each side of a file's diff, keyed by line (in document order). */
export function colourDocuments(source: ColourSource): Map<ColourSide, Map<ColourKey, string>> {
  if ('combined' in source) {
    const merged = new Map<number, string>();
    const parents = new Map<ColourSide, Map<ColourKey, string>>();
    for (const h of source.combined.hunks) {
      for (const l of h.lines) {
        if (l.newNo !== null) merged.set(l.newNo, l.text);
        // Parent i has a merge's line its marker leaves blank, and a lost line marked '-' for it.
        const has = l.newNo === null ? '-' : ' ';
        for (let i = 0; i < l.markers.length; i++) {
          if (l.markers[i] !== has) continue;
          const side = parentSide(i);
          let texts = parents.get(side);
          if (!texts) parents.set(side, (texts = new Map()));
          texts.set(l, l.text);
        }
      }
    }
    // Only the parents that lost lines are needed (the others' lines are the merge's).
    const out = new Map<ColourSide, Map<ColourKey, string>>([['new', sorted(merged)]]);
    for (const [side, texts] of parents) if ([...texts.keys()].some((k) => (k as { newNo: number | null }).newNo === null)) out.set(side, texts);
    return out;
  }
  const oldSide = new Map<number, string>();
  const newSide = new Map<number, string>();
  for (const h of source.hunks.hunks) {
    for (const l of h.lines) {
      if (l.kind !== 'add' && l.oldNo !== null) oldSide.set(l.oldNo, l.text);
      if (l.kind !== 'del' && l.newNo !== null) newSide.set(l.newNo, l.text);
    }
  }
  for (const [n, text] of source.context) newSide.set(n, text);
  return new Map([
    ['old', sorted(oldSide)],
    ['new', sorted(newSide)],
  ]);
}

/** The document of a merge's parent `i` (0-based). */
export function parentSide(i: number): ColourSide {
  return `parent${i}`;
}

function sorted(m: Map<number, string>): Map<ColourKey, string> {
  return new Map([...m].sort((a, b) => a[0] - b[0]));
}

/** Characters of text in a file's diff (hunk lines only: revealed lines add a few at a time). */
export function textLength(source: ColourSource): number {
  let n = 0;
  const hunks = 'combined' in source ? source.combined.hunks : source.hunks.hunks;
  for (const h of hunks) for (const l of h.lines) n += l.text.length + 1;
  return n;
}

/** Why a file's diff is shown without colour although its language is known, or undefined. */
export function colourSkipped(source: ColourSource, path: string): 'too-large' | undefined {
  if (languageOf(path, undefined) === undefined) return undefined;
  return textLength(source) > COLOUR_MAX_FILE_CHARS ? 'too-large' : undefined;
}

/** The language of a file's diff, from its name (and, for a script, its first line). */
export function languageOf(path: string, firstLine: string | undefined) {
  return languageFor(path.slice(path.lastIndexOf('/') + 1), firstLine);
}
