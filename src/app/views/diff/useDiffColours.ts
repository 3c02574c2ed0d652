import { useCallback, useEffect, useRef, useState } from 'react';
import type { CombinedHunks, FileHunks } from '../../../protocol/diff.ts';
import { classOfScope, openHighlightDoc, type HighlightDoc } from '../../highlight/highlighter.ts';
import { languageFor } from '../../highlight/languages.ts';
import type { LineColour } from './DiffLines.tsx';

/**
 * Syntax colour for the lines of a comparison's diffs, from the highlight worker (highlight.js
 * off the main thread, a segment at a time, the lines in view first). Each side of a file's
 * diff is one document: the old side's lines (context and removed, in line order) and the new
 * side's (context, added and revealed lines), so a comment or string opened on one line
 * colours the next line of the same side. A merge's combined diff has the merge's lines, and
 * each parent's lines as its hunks show them (the merge's lines that parent has, and the lines
 * only it had): a line only parents had is coloured as the first of them reads it. Documents open when their file's rows come into view; past a
 * budget of lines the files farthest from view are closed (coloured again when they return).
 */

/** Which document a line is coloured from: a side of a two-sided diff, or a merge's parent (0-based). */
export type ColourSide = 'old' | 'new' | `parent${number}`;

/** A line's place in a document: a line number of its side, or (lines only parents had) the line itself. */
export type ColourKey = number | object;

/** Lines held by the highlight worker for one comparison at once. */
const BUDGET_LINES = 100_000;
/** A file whose diff text is longer than this is shown without colour (and says so). */
export const COLOUR_MAX_FILE_CHARS = 2_000_000;

/** A file's diff as the view holds it: two-sided hunks with revealed lines, or combined hunks. */
export type ColourSource = { hunks: FileHunks; context: ReadonlyMap<number, string> } | { combined: CombinedHunks };

interface SideDoc {
  doc: HighlightDoc;
  /** Key -> line of the document. */
  index: Map<ColourKey, number>;
  /**
   * Each coloured line's colour, made once: the same object on every render, so rows drawn
   * with it (memoized) are not drawn again when other lines get their colour or the page scrolls.
   */
  made: Map<number, LineColour | null>;
}

interface Docs {
  sides: Partial<Record<ColourSide, SideDoc>>;
  lines: number;
}

interface Entry {
  /** The hunks (and revealed lines) the documents were made from. */
  made: object;
  context: ReadonlyMap<number, string> | undefined;
  current?: Docs;
  /** Documents of newer hunks (lines revealed): they replace `current` once coloured, so the lines do not flash plain. */
  next?: Docs;
  lastSeen: number;
}

/** The text of each side of a file's diff, keyed by line (in document order). */
function sidesOf(source: ColourSource): Map<ColourSide, Map<ColourKey, string>> {
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
function textLength(source: ColourSource): number {
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

function languageOf(path: string, firstLine: string | undefined) {
  return languageFor(path.slice(path.lastIndexOf('/') + 1), firstLine);
}

function closeDocs(d: Docs | undefined): void {
  if (!d) return;
  for (const s of Object.values(d.sides)) s?.doc.close();
}

/** A file in view: its diff and the lines of it on screen. */
export interface ColourWanted {
  index: number;
  path: string;
  source: ColourSource;
  /** The lines in view, by side. */
  visible: { side: ColourSide; key: ColourKey }[];
}

/** Colours of one comparison's diffs (`key` changes: every document is closed). */
export function useDiffColours(key: string) {
  const [version, setVersion] = useState(0);
  const entries = useRef(new Map<number, Entry>());
  const frame = useRef(0);
  const clock = useRef(0);

  useEffect(() => {
    const mine = entries.current;
    return () => {
      for (const e of mine.values()) {
        closeDocs(e.current);
        closeDocs(e.next);
      }
      mine.clear();
      if (frame.current) cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [key]);

  /** Re-renders once a frame at most, however many segments arrive. */
  const bump = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setVersion((v) => v + 1);
    });
  }, []);

  const open = useCallback(
    (entry: Entry, source: ColourSource, path: string): Docs | undefined => {
      const sides = sidesOf(source);
      const language = languageOf(path, sides.get('new')?.get(1));
      if (!language || textLength(source) > COLOUR_MAX_FILE_CHARS) return undefined;
      const docs: Docs = { sides: {}, lines: 0 };
      const changed = () => {
        // Newer documents replace the shown ones as soon as they have colour.
        if (entry.next === docs) {
          closeDocs(entry.current);
          entry.current = docs;
          entry.next = undefined;
        }
        if (entry.current === docs) bump();
      };
      for (const [side, texts] of sides) {
        if (texts.size === 0) continue;
        const index = new Map<ColourKey, number>();
        const lines: string[] = [];
        for (const [k, text] of texts) {
          index.set(k, lines.length);
          lines.push(text.endsWith('\r') ? text.slice(0, -1) : text);
        }
        docs.sides[side] = { doc: openHighlightDoc(lines.join('\n'), language, changed), index, made: new Map() };
        docs.lines += lines.length;
      }
      return docs;
    },
    [bump],
  );

  /** Colours the files in view (opening or renewing their documents), their lines in view first. */
  const show = useCallback(
    (wanted: ColourWanted[]) => {
      const now = ++clock.current;
      const inView = new Set(wanted.map((w) => w.index));
      for (const w of wanted) {
        let entry = entries.current.get(w.index);
        const made = 'combined' in w.source ? w.source.combined : w.source.hunks;
        const context = 'combined' in w.source ? undefined : w.source.context;
        if (!entry) {
          entry = { made, context, lastSeen: now };
          entries.current.set(w.index, entry);
          makeRoom(entries.current, inView, w.source);
          entry.current = open(entry, w.source, w.path);
        } else if (entry.made !== made || entry.context !== context) {
          entry.made = made;
          entry.context = context;
          closeDocs(entry.next);
          entry.next = open(entry, w.source, w.path);
          if (!entry.current) {
            entry.current = entry.next;
            entry.next = undefined;
          }
        }
        entry.lastSeen = now;
        // Lines in view, per document: their segments first.
        const range = new Map<ColourSide, { first: number; last: number }>();
        for (const v of w.visible) {
          for (const docs of [entry.current, entry.next]) {
            const i = docs?.sides[v.side]?.index.get(v.key);
            if (i === undefined) continue;
            const r = range.get(v.side);
            range.set(v.side, r ? { first: Math.min(r.first, i), last: Math.max(r.last, i) } : { first: i, last: i });
          }
        }
        for (const docs of [entry.current, entry.next]) {
          for (const [side, r] of range) docs?.sides[side]?.doc.inView(r.first, r.last);
        }
      }
    },
    [open],
  );

  /** The colour of one line, when its segment is done. */
  const colourOf = useCallback((file: number, side: ColourSide, key: ColourKey | null): LineColour | undefined => {
    if (key === null) return undefined;
    const entry = entries.current.get(file);
    const s = entry?.current?.sides[side];
    const i = s?.index.get(key);
    if (!s || i === undefined) return undefined;
    let colour = s.made.get(i);
    if (colour === undefined) {
      const runs = s.doc.runsOf(i);
      // Not highlighted yet: asked again on a later render.
      if (!runs) return undefined;
      colour = runs.length > 0 ? { runs, classOf: classOfScope } : null;
      s.made.set(i, colour);
    }
    return colour ?? undefined;
    // `version` changes when more lines are coloured: callers read again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version]);

  /** Why a file's colour stopped (the highlighter failed or stalled), for a note. */
  const failure = useCallback((file: number): string | undefined => {
    const sides = entries.current.get(file)?.current?.sides;
    if (!sides) return undefined;
    for (const s of Object.values(sides)) if (s && s.doc.status() === 'failed') return s.doc.message();
    return undefined;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version]);

  return { show, colourOf, failure, version };
}

/** Closes the documents of files out of view, least recently seen first, until `source` fits the budget. */
function makeRoom(entries: Map<number, Entry>, inView: ReadonlySet<number>, source: ColourSource): void {
  const need = 'combined' in source ? source.combined.hunks.reduce((n, h) => n + h.lines.length, 0) : source.hunks.hunks.reduce((n, h) => n + h.lines.length, 0) + source.context.size;
  let held = 0;
  for (const e of entries.values()) held += (e.current?.lines ?? 0) + (e.next?.lines ?? 0);
  if (held + need <= BUDGET_LINES) return;
  const out = [...entries].filter(([i, e]) => !inView.has(i) && (e.current || e.next)).sort((a, b) => a[1].lastSeen - b[1].lastSeen);
  for (const [i, e] of out) {
    if (held + need <= BUDGET_LINES) break;
    held -= (e.current?.lines ?? 0) + (e.next?.lines ?? 0);
    closeDocs(e.current);
    closeDocs(e.next);
    entries.delete(i);
  }
}
