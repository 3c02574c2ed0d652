import type { BlobPlace, SearchMatch, SearchNote, Timeline } from '../core/search/types.ts';

/**
 * Requests of the search part of the forensics tools. Plain data; see messages.ts for the rules.
 * `search` streams: matches reach the page in chunks as the worker finds them (`onPartial`),
 * and the result is the summary once the scan is over.
 */

export type { BlobMatch, BlobPlace, CommitMatch, LineHit, ObjectMatch, SearchMatch, SearchNote, SearchPerson, TextRange, Timeline, TimelineBucket } from '../core/search/types.ts';

/** Milliseconds a text search may spend on one blob before the engine stops it (a pattern that backtracks without end). */
export const TEXT_SEARCH_BLOB_LIMIT_MS = 5_000;

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

/** Where each of some blobs appears. */
export interface BlobPlaces {
  oid: string;
  places: BlobPlace[];
  /** True when there are more places than the limit. */
  more: boolean;
}

export interface SearchRequests {
  search: [{ query: SearchQuery; scope?: SearchScope }, SearchSummary, SearchChunk];
  /** Commits and paths where blobs appear (builds the reverse index once per repository; progress). */
  blobPlaces: [{ oids: string[]; limit: number }, { blobs: BlobPlaces[]; commits: number; treesWalked: number; unreadable: number }];
}
