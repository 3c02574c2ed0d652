import type { WireError } from '../errors.ts';
import type { ObjectType } from '../objects/types.ts';

/**
 * What the search engines find, as plain data (structured-clone safe), so the worker can send
 * matches to the page as they are found.
 */

/** A character range inside one line: [start, start + length), in UTF-16 code units. */
export interface TextRange {
  start: number;
  length: number;
}

/** One line of a blob that matched, with the lines around it. */
export interface LineHit {
  /** 1-based line number. */
  line: number;
  /** 1-based column of the first match on the line (in the full line, UTF-16 code units). */
  column: number;
  /** The line as shown: the whole line, or a window around the matches when the line is long. */
  text: string;
  /** Where `text` starts in the full line (0 unless the line was clipped). */
  textOffset: number;
  /** The matches, relative to `text`. */
  ranges: TextRange[];
  /** Up to `context` lines before and after (each clipped to a readable width). */
  before: string[];
  after: string[];
}

/** A blob whose text matched. */
export interface BlobMatch {
  kind: 'blob';
  oid: string;
  size: number;
  /** True when the blob looks binary (NUL in its first 8000 bytes) and was searched on request. */
  binary: boolean;
  hits: LineHit[];
  /** Matching lines past the per-blob cap (counted, not shown). */
  moreLines: number;
  /** Why the search of this blob stopped early (time box), if it did. */
  stoppedEarly?: string;
  /** Where the blob appears within a limited search's scope, newest first (unlimited searches ask `blobPlaces`). */
  places?: BlobPlace[];
}

/** A person as a commit or tag records it. */
export interface SearchPerson {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  time: number;
  zone: string;
}

/** Which field of a commit or tag matched. */
export type MatchedField = 'message' | 'author' | 'committer' | 'tagger' | 'date';

/** A commit or annotated tag that matched a message, person or date search. */
export interface CommitMatch {
  kind: 'commit';
  oid: string;
  type: 'commit' | 'tag';
  /** The first line of the message. */
  summary: string;
  /** Author (commits) or tagger (tags); absent for a tag without a tagger. */
  author?: SearchPerson;
  /** Committer (commits only). */
  committer?: SearchPerson;
  /** For tags: the tag name. */
  tagName?: string;
  matched: MatchedField[];
  /** For message searches: the first matching line of the message. */
  hit?: { line: number; text: string; ranges: TextRange[] };
}

/** An object whose id starts with the prefix searched. */
export interface ObjectMatch {
  kind: 'object';
  oid: string;
  type?: ObjectType;
  size?: number;
  error?: WireError;
}

/** Anything a search finds. */
export type SearchMatch = BlobMatch | CommitMatch | ObjectMatch;

/** Something the search could not look at, and why (so nothing is silently missed). */
export interface SearchNote {
  oid: string;
  reason: 'too-large' | 'binary' | 'unreadable' | 'time-box';
  detail: string;
  error?: WireError;
}

/** Where a blob appears: a commit and the path below its root tree. */
export interface BlobPlace {
  commit: string;
  /** Path components, decoded as UTF-8 (as the browse view names them). */
  path: string[];
  /** The entry mode (`100644`, `100755`, `120000`). */
  mode: string;
  /** The commit's committer time, seconds since the epoch (newest places come first). */
  time: number;
}

/** Commits counted per period. */
export interface Timeline {
  unit: 'day' | 'week' | 'month' | 'year';
  /** Units per bucket (more than 1 only when the span is very long). */
  step: number;
  buckets: TimelineBucket[];
  /** Commits whose date could not be read (time 0 or missing), not in any bucket. */
  undated: number;
}

/** One period: [start, end) in seconds since the epoch, UTC. */
export interface TimelineBucket {
  start: number;
  end: number;
  count: number;
}

/** What to search for. */
export type SearchQuery =
  /** Objects whose id starts with these hex digits. */
  | { kind: 'oid'; prefix: string }
  /** Commit and tag messages (line by line). */
  | { kind: 'message'; pattern: string; regex: boolean; caseSensitive: boolean }
  /** Authors, committers and taggers (`Name <email>`). */
  | { kind: 'author'; pattern: string; regex: boolean; caseSensitive: boolean }
  /** Commits and tags dated within [from, to] (seconds; open ends when absent): the timeline. */
  | { kind: 'date'; from?: number; to?: number }
  /** Text in blobs. */
  | { kind: 'text'; pattern: string; regex: boolean; caseSensitive: boolean; includeBinary: boolean };

/**
 * Where a search looks, any part of it: the commits reachable from a ref, paths starting with a
 * prefix (text searches), commits dated in a range (committer time, seconds, ends included).
 * Text searches then look only at the blobs of those commits' trees; message, people and date
 * searches only at those commits (tags are left out once a limit is set).
 */
export interface SearchScope {
  ref?: string;
  path?: string;
  from?: number;
  to?: number;
}

/** What the scope held, for the summary. */
export interface ScopeFacts {
  commits: number;
  /** Blobs in scope (text searches). */
  blobs?: number;
  capped?: string;
}

/** A chunk of results, sent as soon as it is found. */
export interface SearchChunk {
  matches: SearchMatch[];
  notes: SearchNote[];
  /** Objects looked at so far, of `total`. */
  scanned: number;
  total: number;
}

/** The end of a search. */
export interface SearchSummary {
  /** Objects that matched in all (the first `shown` of them were sent as chunks). */
  matched: number;
  /** Matches sent. */
  shown: number;
  scanned: number;
  total: number;
  /** True when more matched than were sent (`matched` counts them all). */
  truncated: boolean;
  maxMatches: number;
  /** True when counting stopped at a million matches before the end. */
  countStopped: boolean;
  /** Set for a limited search: what its scope held. */
  scope?: ScopeFacts;
  /** Binary blobs not searched (include them with the option). */
  binarySkipped: number;
  notes: number;
  /** Notes past the cap, counted but not sent. */
  notesDropped: number;
  /** Milliseconds in the worker, from the request to the summary. */
  ms: number;
  /** For commit searches: the matches by date. */
  timeline?: Timeline;
  /**
   * Set when a text search was stopped because the pattern ran past the time limit on one
   * blob (a regular expression that backtracks without end): the blob, when the helper had
   * said which, the milliseconds it ran, and the limit. What was found before stays.
   */
  timedOut?: { oid?: string; ms: number; limitMs: number };
}
