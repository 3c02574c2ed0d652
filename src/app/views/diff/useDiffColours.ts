import { useCallback, useEffect, useRef, useState } from 'react';
import { classOfScope, openHighlightDoc, type HighlightDoc } from '../../highlight/highlighter.ts';
import { colourDocuments, COLOUR_MAX_FILE_CHARS, languageOf, textLength, type ColourKey, type ColourSide, type ColourSource } from './colour-docs.ts';
import type { LineColour } from './DiffLines.tsx';

/**
 * Syntax colour for the lines of a comparison's diffs, from the highlight worker (highlight.js
 * off the main thread, a segment at a time, the lines in view first). Each file's diff is
 * coloured as the documents colour-docs.ts makes of it (its sides; a line only a merge's
 * parents had as the first of them reads it). Documents open when their file's rows come into
 * view; past a budget of lines the files farthest from view are closed (coloured again when
 * they return).
 */

/** Lines held by the highlight worker for one comparison at once. */
const BUDGET_LINES = 100_000;

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
      const sides = colourDocuments(source);
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
  const colourOf = useCallback(
    (file: number, side: ColourSide, key: ColourKey | null): LineColour | undefined => {
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
    },
    [version],
  );

  /** Why a file's colour stopped (the highlighter failed or stalled), for a note. */
  const failure = useCallback(
    (file: number): string | undefined => {
      const sides = entries.current.get(file)?.current?.sides;
      if (!sides) return undefined;
      for (const s of Object.values(sides)) if (s && s.doc.status() === 'failed') return s.doc.message();
      return undefined;
    },
    [version],
  );

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
