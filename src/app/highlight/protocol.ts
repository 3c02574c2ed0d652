import type { Language } from './languages.ts';

/**
 * Messages between the page and the highlight worker. A document is the text of one file (or
 * one Markdown code block); the worker cuts it into segments of `SEGMENT_LINES` lines and
 * highlights them one at a time, the ones the page says are in view first, so a 100k-line file
 * is coloured where the person looks within one segment's time and the rest follows.
 */

/** Lines per segment: one segment of C takes some tens of milliseconds (the first colour waits for one). */
export const SEGMENT_LINES = 1_000;

/**
 * Lines highlighted before a segment (and thrown away) so it starts in the right state: a
 * comment or string opened just above it is still open. A construct longer than this that
 * crosses a segment boundary starts that segment in the wrong state until the next one.
 */
export const LEAD_IN_LINES = 200;

/** Lines longer than this are not highlighted (a minified line can be megabytes): shown plain. */
export const MAX_HIGHLIGHT_LINE = 5_000;

/** Page -> worker. */
export type ToHighlighter =
  /** Load a grammar ahead of its text (while the text is still being read). */
  | { type: 'prepare'; language: Language }
  | { type: 'open'; doc: number; text: string; language: Language }
  /** Segments to do first, most wanted first. */
  | { type: 'want'; doc: number; segments: number[] }
  | { type: 'close'; doc: number };

/** Worker -> page. */
export type FromHighlighter =
  | { type: 'opened'; doc: number; lines: number; segments: number }
  | {
      type: 'segment';
      doc: number;
      index: number;
      firstLine: number;
      starts: Uint32Array;
      runs: Uint32Array;
      /** Scope names from id `scopeBase` on, new since the last message. */
      scopeBase: number;
      scopes: string[];
      ms: number;
    }
  | { type: 'failed'; doc: number; message: string };
