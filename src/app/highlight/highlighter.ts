import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Language } from './languages.ts';
import { SEGMENT_LINES, type FromHighlighter, type ToHighlighter } from './protocol.ts';
import { runsOfLine, scopeClass, type Run, type SegmentRuns } from './runs.ts';

/**
 * The page's side of the highlight worker. The worker starts the first time a file needs
 * colour (so the first screen never loads highlight.js) and is shared by every view. A
 * segment that takes longer than `STALL_MS` (a grammar's regular expression running away on
 * hostile text) ends the worker: the files open then stay plain, and the next one starts a new
 * worker.
 */

const STALL_MS = 8_000;

/** What a document's highlighting has come to. */
export type HighlightStatus = 'working' | 'done' | 'failed';

interface DocState {
  segments: (SegmentRuns | undefined)[];
  received: number;
  total: number | undefined;
  status: HighlightStatus;
  message?: string;
  /** The lines in view (0-based), as the text view last said. */
  visible?: { first: number; last: number };
  /** Told of a new segment (its index) or, without one, of a change of status. */
  listener: (segment?: number) => void;
}

let worker: Worker | undefined;
let nextDoc = 1;
const docs = new Map<number, DocState>();
/** The scope names by id, as the worker numbered them (one table per worker). */
let scopeClasses: string[] = [''];
let watchdog: ReturnType<typeof setTimeout> | undefined;

function pending(): boolean {
  for (const d of docs.values()) if (d.status === 'working') return true;
  return false;
}

function armWatchdog(): void {
  if (watchdog !== undefined) clearTimeout(watchdog);
  watchdog = undefined;
  if (!pending()) return;
  watchdog = setTimeout(() => {
    // No answer for STALL_MS while work was waiting: the worker is stuck in one segment.
    worker?.terminate();
    worker = undefined;
    scopeClasses = [''];
    for (const d of docs.values()) {
      if (d.status !== 'working') continue;
      d.status = 'failed';
      // Its colours were numbered by the ended worker's scope table, which is gone.
      d.segments = [];
      d.message = `Highlighting stopped: one part of the file took over ${STALL_MS / 1000} s; the text is shown plain.`;
      d.listener();
    }
  }, STALL_MS);
}

function onMessage(e: MessageEvent<FromHighlighter>): void {
  const m = e.data;
  const doc = docs.get(m.doc);
  if (m.type === 'segment') {
    // The scope table is the worker's, for every document: record new names even for a closed one.
    for (let i = 0; i < m.scopes.length; i++) scopeClasses[m.scopeBase + i] = scopeClass(m.scopes[i]);
  }
  if (!doc) return;
  if (m.type === 'opened') {
    doc.total = m.segments;
    doc.segments = new Array<SegmentRuns | undefined>(m.segments).fill(undefined);
    if (m.segments === 0) doc.status = 'done';
  } else if (m.type === 'segment') {
    if (!doc.segments[m.index]) doc.received++;
    doc.segments[m.index] = { firstLine: m.firstLine, starts: m.starts, runs: m.runs };
    if (doc.total !== undefined && doc.received >= doc.total) doc.status = 'done';
    armWatchdog();
    doc.listener(doc.status === 'done' ? undefined : m.index);
    return;
  } else {
    doc.status = 'failed';
    doc.message = `Highlighting failed: ${m.message}`;
  }
  armWatchdog();
  doc.listener();
}

function send(message: ToHighlighter): void {
  if (!worker) {
    worker = new Worker(new URL('./highlight.worker.ts', import.meta.url), { type: 'module', name: 'packscope-highlight' });
    worker.onmessage = onMessage;
    worker.onerror = (e) => {
      e.preventDefault();
      for (const d of docs.values()) {
        if (d.status !== 'working') continue;
        d.status = 'failed';
        d.message = 'The highlighter could not start; the text is shown plain.';
        d.listener();
      }
    };
  }
  worker.postMessage(message);
}

/** A file's highlighting as the text view reads it. */
export interface Highlighting {
  status: HighlightStatus;
  /** Why it failed, for a note. */
  message?: string;
  /** Changes whenever more lines are coloured (a render key). */
  version: number;
  /** The runs of line `i` (0-based), or undefined while it is not highlighted yet. */
  runsOf(i: number): Run[] | undefined;
  /** The CSS classes of a run's scope. */
  classOf(scope: number): string;
  /** Says which lines are in view, so their segments are done first. */
  inView(first: number, last: number): void;
}

/** One document's highlighting, opened outside a component (a diff colours many documents at once). */
export interface HighlightDoc {
  /** Where its highlighting has come to (read it when told of a change). */
  status(): HighlightStatus;
  /** Why it failed, for a note. */
  message(): string | undefined;
  /** The runs of line `i` (0-based), or undefined while it is not highlighted yet. */
  runsOf(i: number): Run[] | undefined;
  /** Says which lines are in view, so their segments are done first (and `onChange` hears only of them). */
  inView(first: number, last: number): void;
  /** Ends the document: the worker drops its text and its listener is not called again. */
  close(): void;
}

/** The CSS classes of a run's scope (the worker's scope table, shared by every document). */
export function classOfScope(scope: number): string {
  return scopeClasses[scope] ?? '';
}

/**
 * Opens `text` as `language` in the highlight worker. `onChange` is called when segments in
 * view (or, before any range was given, any segment) arrive, and when the status changes; it
 * may be called many times a frame.
 */
export function openHighlightDoc(text: string, language: Language, onChange: () => void): HighlightDoc {
  const id = nextDoc++;
  const state: DocState = {
    segments: [],
    received: 0,
    total: undefined,
    status: 'working',
    listener: (segment) => {
      // A segment out of view changes nothing on screen: rows scrolled to later read it as they render.
      const v = state.visible;
      if (segment !== undefined && v && (segment + 1) * SEGMENT_LINES <= v.first) return;
      if (segment !== undefined && v && segment * SEGMENT_LINES > v.last) return;
      onChange();
    },
  };
  docs.set(id, state);
  send({ type: 'open', doc: id, text, language });
  armWatchdog();
  let open = true;
  return {
    status: () => state.status,
    message: () => state.message,
    runsOf: (i) => {
      const seg = state.segments[Math.floor(i / SEGMENT_LINES)];
      return seg ? runsOfLine(seg, i) : undefined;
    },
    inView: (first, last) => {
      state.visible = { first, last };
      if (!open || state.status !== 'working' || !worker) return;
      const wanted: number[] = [];
      for (let s = Math.floor(first / SEGMENT_LINES); s <= Math.floor(last / SEGMENT_LINES); s++) if (!state.segments[s]) wanted.push(s);
      if (wanted.length) worker.postMessage({ type: 'want', doc: id, segments: wanted } satisfies ToHighlighter);
    },
    close: () => {
      if (!open) return;
      open = false;
      docs.delete(id);
      worker?.postMessage({ type: 'close', doc: id } satisfies ToHighlighter);
      armWatchdog();
    },
  };
}

/** Loads a grammar (and starts the worker) ahead of the text that needs it. */
export function prepareLanguage(language: Language): void {
  send({ type: 'prepare', language });
}

/**
 * Highlights `text` as `language` in the highlight worker, a segment at a time, the lines in
 * view first. Undefined when there is nothing to do (no language, no text yet: the grammar is
 * loaded meanwhile). Re-renders as segments arrive, at most once a frame.
 */
export function useHighlight(text: string | undefined, language: Language | undefined): Highlighting | undefined {
  const [version, setVersion] = useState(0);
  const docRef = useRef<HighlightDoc | undefined>(undefined);
  const active = text !== undefined && text !== '' && language !== undefined;

  // The grammar (and the worker) start loading as soon as the language is known.
  useEffect(() => {
    if (language !== undefined) prepareLanguage(language);
  }, [language]);

  useEffect(() => {
    if (!active) return;
    let frame = 0;
    const doc = openHighlightDoc(text, language, () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion((v) => v + 1);
      });
    });
    docRef.current = doc;
    setVersion((v) => v + 1);
    return () => {
      if (frame) cancelAnimationFrame(frame);
      doc.close();
      docRef.current = undefined;
    };
  }, [active, text, language]);

  const inView = useCallback((first: number, last: number) => docRef.current?.inView(first, last), []);

  return useMemo(() => {
    const doc = docRef.current;
    if (!active || !doc) return undefined;
    return {
      status: doc.status(),
      message: doc.message(),
      version,
      runsOf: doc.runsOf,
      classOf: classOfScope,
      inView,
    };
  }, [active, version, inView]);
}
