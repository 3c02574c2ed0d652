import type { TreeEntryInfo } from './messages.ts';
import type { LastChangeChunk, LastChangeSummary, StartPoints, FileFinderAnswer } from '../core/browse/types.ts';

/** Browse's data shapes live in core (core/browse/types.ts), where the engine builds them. */
export type { CommitBrief, LastChangeChunk, LastChangeSummary, StartPoint, StartPoints, FileFinderAnswer } from '../core/browse/types.ts';

export interface BrowseExtrasRequests {
  /** Where to start: HEAD's state, refs newest first, and (with no refs) the newest tip commits. */
  startPoints: [{ limit: number }, StartPoints];
  /** The last commit that changed each entry of the folder `path` at `commit`, and file sizes (streamed). */
  lastChanges: [{ commit: string; path: string[] }, LastChangeSummary, LastChangeChunk];
  /** Entries of a tree whose names contain `query` (case ignored), with their browse positions, at most `limit`. */
  filterTree: [{ oid: string; query: string; limit: number }, { entries: TreeEntryInfo[]; positions: number[]; total: number }];
  /** Paths of the commit's tree that fuzzily match `query`, best first, at most `limit` (the list is built once per commit). */
  findFiles: [{ commit: string; query: string; limit: number }, FileFinderAnswer];
}
