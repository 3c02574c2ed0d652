import type { BlobBatch } from '../../core/search/blob-batches.ts';
import type { BlobTextOptions } from '../../core/search/blob-text.ts';
import type { BlobMatch, SearchNote } from '../../core/search/types.ts';

/**
 * Messages between the engine worker and a search helper: a dedicated worker started for one
 * blob-text search and thrown away after it (`terminate()` on cancel, at the end, or when one
 * blob runs past the deadline). A regular expression cannot be interrupted once it runs, so
 * the matching happens there: a pattern that backtracks for ever burns only the helper.
 *
 *   engine -> helper   SearchHelperStart     once: the pattern and how to report
 *                      SearchHelperBatch     blobs to search (the batch's buffer transferred)
 *   helper -> engine   { t: 'at' }           before each blob: batch and index (the engine's
 *                                            deadline runs from here, and names the blob)
 *                      { t: 'done' }         after each batch: what it found
 *                      { t: 'failed' }       the pattern or a batch could not be handled
 */
export interface SearchHelperStart {
  t: 'start';
  pattern: string;
  options: BlobTextOptions;
}

export interface SearchHelperBatch {
  t: 'batch';
  batch: BlobBatch;
}

export type SearchHelperRequest = SearchHelperStart | SearchHelperBatch;

/** What one batch gave. */
export interface BatchAnswer {
  seq: number;
  matches: BlobMatch[];
  notes: SearchNote[];
}

export type SearchHelperMessage = { t: 'at'; seq: number; index: number } | ({ t: 'done' } & BatchAnswer) | { t: 'failed'; message: string };
