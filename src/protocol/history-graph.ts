/**
 * The history graph: commits in `git log --graph` order with git's lanes, a page at a time.
 * Plain data; see messages.ts for the rules.
 *
 * The worker keeps one graph per query; the page asks for rows by position and keeps asking
 * (the next page as soon as one arrives) until `done`, so the first rows come while the walk
 * goes on. A `generation` change means the rows so far were started over (a skewed clock made
 * the streamed order wrong): drop every row held and ask again from 0.
 */

/** Which commits the graph shows. */
export interface GraphQuery {
  /** A revision (`HEAD`, a branch, tag or id), or every ref and HEAD (`git log --all`). */
  scope: { kind: 'rev'; rev: string } | { kind: 'all-refs' };
  firstParent: boolean;
  /** Adds the commits nothing reaches (`git fsck --unreachable --no-reflogs`), marked. */
  unreachable: boolean;
  /** git's --author: a basic regular expression found in the author's `Name <email>` (case-sensitive, as git). */
  author?: string;
  /** Committer dates (seconds since the epoch), ends included, with git's --since/--until walk semantics. */
  since?: number;
  until?: number;
  /**
   * `git log --graph -- <path>`: the graph of the commits that changed the path (a file or a
   * folder, `/`-separated from the top), with git's history simplification. Alone: not with the
   * author, dates or first-parent.
   */
  path?: string;
}

/** A ref shown on a commit. */
export interface GraphLabel {
  kind: 'head' | 'branch' | 'remote' | 'tag' | 'other';
  name: string;
  /** HEAD: the branch it names. */
  target?: string;
}

/** One commit's row. */
export interface GraphRowInfo {
  oid: string;
  /**
   * The graph as git draws it, one entry per text line of the row: cells with the glyph
   * (index into GRAPH_GLYPHS) in the high nibble and the lane colour (0..11, 15 none) in the low.
   */
  lines: Uint8Array[];
  /** The line holding the commit's `*`. */
  commitLine: number;
  /** Characters past the lane cap, not drawn. */
  cut: number;
  subject: string;
  authorName: string;
  authorEmail: string;
  /** Author date (seconds) and zone (`+0100`). */
  authorTime: number;
  authorZone: string;
  parentCount: number;
  /** Parents drawn (in the walk and shown by the filter). */
  shownParents: number;
  labels: GraphLabel[];
  /** Not reachable from any ref, HEAD or the index. */
  unreachable?: boolean;
  /** The commit could not be read: `error` says why. */
  error?: string;
}

/** The glyphs cells index (git's graph characters). */
export const GRAPH_GLYPHS = ' *|/\\_-.';

/** A page of rows. */
export interface GraphPage {
  /** Bumped when the rows were started over: drop what you hold. */
  generation: number;
  start: number;
  rows: GraphRowInfo[];
  /** Rows produced so far, and whether they are all (and final). */
  produced: number;
  done: boolean;
  /** Commits read by the walk so far. */
  walked: number;
  /** Unreachable commits added as starts (when asked for). */
  unreachableCommits?: number;
  /** Milliseconds the worker spent on this page. */
  ms: number;
}

export interface HistoryGraphRequests {
  /** Rows [start, start + count) of the graph of `query` (at most 2,000 a page). */
  historyGraph: [{ query: GraphQuery; start: number; count: number }, GraphPage];
}

/** Rows in one page at most. */
export const GRAPH_PAGE_LIMIT = 2_000;
