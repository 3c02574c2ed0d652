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
