import type { CombinedHunks, DiffHunkInfo, DiffLineInfo, FileHunks } from '../../../protocol/diff.ts';
import type { DiffLayout } from './preferences.ts';

/**
 * The rows a file's diff is drawn as, in one flat list per comparison so that a single
 * virtualizer scrolls every file (5,000 files or a 100k-line diff render only the rows in view).
 * Lines come decoded from the worker (H1's hunks); this module only lays them out: hunk
 * headers with the hidden lines between hunks (expandable), removed lines paired with the
 * added lines that replaced them (for word highlights and the split view).
 */

/** A line as a row shows it: the worker's line, and the line it pairs with for word highlights. */
export interface ShownLine {
  line: DiffLineInfo;
  /** The removed line this added line replaced, or the added line this removed line became. */
  partner?: DiffLineInfo;
}

/** Lines between two hunks (or before the first, after the last) that the diff did not show. */
export interface Gap {
  /** 0 before the first hunk, i before hunk i, hunks.length after the last. */
  index: number;
  /** First hidden line on each side (1-based); the hidden lines are the same text on both sides. */
  oldStart: number;
  newStart: number;
  /** Hidden lines in all (before any were revealed). */
  count: number;
}

/** How much of a gap was revealed: lines from its top (below the hunk before) and from its bottom (above the hunk after). */
export interface Revealed {
  top: number;
  bottom: number;
}

/** A hunk of a merge's combined diff: `@@@ -a,b -c,d +e,f @@@` and its lines. */
export type CombinedHunkInfo = CombinedHunks['hunks'][number];
/** A line of a combined hunk: one marker per parent, the text, the merge's line number. */
export type CombinedLineInfo = CombinedHunkInfo['lines'][number];

/** A row of a file's body. */
export type BodyRow =
  /** A hunk header or a gap with expand buttons; `hunk` is the hunk that follows, if any. */
  | { kind: 'gap'; gap: Gap; hidden: number; hunk: DiffHunkInfo | undefined }
  | { kind: 'line'; line: ShownLine }
  /** Split layout: the old side on the left, the new side on the right. */
  | { kind: 'pair'; left: ShownLine | undefined; right: ShownLine | undefined }
  /** A revealed context line (text read from the blob). */
  | { kind: 'context'; oldNo: number; newNo: number; text: string }
  /** A combined hunk's header (`parents` marker columns follow it). */
  | { kind: 'chunk'; hunk: CombinedHunkInfo; parents: number }
  /** A line of a combined hunk. */
  | { kind: 'cline'; line: CombinedLineInfo };

/** The gaps of a file's hunks: before each hunk and after the last, as git's hunk headers place them. */
export function gapsOf(hunks: DiffHunkInfo[], oldLines: number, newLines: number): Gap[] {
  const gaps: Gap[] = [];
  let oldNext = 1;
  let newNext = 1;
  hunks.forEach((h, i) => {
    // git prints an empty side's start as the line before it (`-5,0`): the hunk begins after it.
    const oldFirst = h.oldCount > 0 ? h.oldStart : h.oldStart + 1;
    const newFirst = h.newCount > 0 ? h.newStart : h.newStart + 1;
    gaps.push({ index: i, oldStart: oldNext, newStart: newNext, count: Math.max(0, Math.min(oldFirst - oldNext, newFirst - newNext)) });
    oldNext = oldFirst + h.oldCount;
    newNext = newFirst + h.newCount;
  });
  gaps.push({ index: hunks.length, oldStart: oldNext, newStart: newNext, count: Math.max(0, Math.min(oldLines - oldNext + 1, newLines - newNext + 1)) });
  return gaps;
}

/** Pairs each run of removed lines with the run of added lines right after it, line by line. */
export function pairLines(lines: DiffLineInfo[]): ShownLine[] {
  const out: ShownLine[] = lines.map((line) => ({ line }));
  let i = 0;
  while (i < lines.length) {
    if (lines[i].kind !== 'del') {
      i++;
      continue;
    }
    const delStart = i;
    while (i < lines.length && lines[i].kind === 'del') i++;
    const addStart = i;
    while (i < lines.length && lines[i].kind === 'add') i++;
    const pairs = Math.min(addStart - delStart, i - addStart);
    for (let k = 0; k < pairs; k++) {
      out[delStart + k].partner = lines[addStart + k];
      out[addStart + k].partner = lines[delStart + k];
    }
  }
  return out;
}

/** Lays out one file's hunks as rows, with revealed context read from `contextText` (new-side line number -> text). */
export function bodyRows(file: FileHunks, layout: DiffLayout, revealed: ReadonlyMap<number, Revealed>, contextText: ReadonlyMap<number, string>): BodyRow[] {
  const rows: BodyRow[] = [];
  const gaps = gapsOf(file.hunks, file.oldLines, file.newLines);
  const pushContext = (gap: Gap, from: number, to: number) => {
    for (let k = from; k < to; k++) {
      const text = contextText.get(gap.newStart + k);
      if (text === undefined) continue;
      rows.push({ kind: 'context', oldNo: gap.oldStart + k, newNo: gap.newStart + k, text });
    }
  };
  for (const gap of gaps) {
    const hunk = file.hunks[gap.index];
    const r = revealed.get(gap.index) ?? { top: 0, bottom: 0 };
    const top = Math.min(r.top, gap.count);
    const bottom = Math.min(r.bottom, gap.count - top);
    const hidden = gap.count - top - bottom;
    pushContext(gap, 0, top);
    // The header stays while lines are hidden, or at the top of the file (where git puts it).
    if (hidden > 0 || (hunk !== undefined && gap.index === 0 && gap.count === 0)) rows.push({ kind: 'gap', gap, hidden, hunk });
    pushContext(gap, gap.count - bottom, gap.count);
    if (hunk) rows.push(...hunkRows(hunk, layout));
  }
  return rows;
}

/** A hunk's lines: one row each (unified), or removed and added lines side by side (split). */
export function hunkRows(hunk: DiffHunkInfo, layout: DiffLayout): BodyRow[] {
  const shown = pairLines(hunk.lines);
  if (layout === 'unified') return shown.map((line) => ({ kind: 'line', line }));
  const rows: BodyRow[] = [];
  let i = 0;
  while (i < shown.length) {
    const s = shown[i];
    if (s.line.kind === 'context') {
      rows.push({ kind: 'pair', left: s, right: s });
      i++;
      continue;
    }
    const dels: ShownLine[] = [];
    const adds: ShownLine[] = [];
    while (i < shown.length && shown[i].line.kind === 'del') dels.push(shown[i++]);
    while (i < shown.length && shown[i].line.kind === 'add') adds.push(shown[i++]);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) rows.push({ kind: 'pair', left: dels[k], right: adds[k] });
  }
  return rows;
}

/** A merge's combined diff of one file as rows: each hunk's header, then its lines. */
export function combinedRows(combined: CombinedHunks): BodyRow[] {
  const rows: BodyRow[] = [];
  for (const hunk of combined.hunks) {
    // git opens the header with one '@' more than there are parents.
    const ats = /^@+/.exec(hunk.header)?.[0].length ?? 0;
    const parents = ats > 1 ? ats - 1 : (hunk.lines[0]?.markers.length ?? 0);
    rows.push({ kind: 'chunk', hunk, parents });
    for (const line of hunk.lines) rows.push({ kind: 'cline', line });
  }
  return rows;
}
