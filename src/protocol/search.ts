import type { BlobPlace, SearchChunk, SearchQuery, SearchScope, SearchSummary } from '../core/search/types.ts';

/**
 * Requests of the search part of the forensics tools. Plain data; see messages.ts for the rules.
 * `search` streams: matches reach the page in chunks as the worker finds them (`onPartial`),
 * and the result is the summary once the scan is over.
 */

export type {
  BlobMatch,
  BlobPlace,
  CommitMatch,
  LineHit,
  ObjectMatch,
  SearchMatch,
  SearchNote,
  SearchPerson,
  TextRange,
  Timeline,
  TimelineBucket,
  SearchQuery,
  SearchScope,
  ScopeFacts,
  SearchChunk,
  SearchSummary,
} from '../core/search/types.ts';

/** Milliseconds a text search may spend on one blob before the engine stops it (a pattern that backtracks without end). */
export const TEXT_SEARCH_BLOB_LIMIT_MS = 5_000;

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
