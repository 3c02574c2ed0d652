import type { CommitGraphAnatomy, CommitGraphRow, CommitGraphVerifyReport } from '../core/anatomy/commit-graph-types.ts';

/** The commit-graph view's data shapes live in core (core/anatomy/commit-graph-types.ts), where the engine builds them. */
export type { BloomAnatomy, CommitGraphLayerAnatomy, CommitGraphAnatomy, CommitGraphRow, CommitGraphVerifyReport } from '../core/anatomy/commit-graph-types.ts';

/** Requests of the commit-graph view: name -> [arguments, result]. */
export interface CommitGraphRequests {
  commitGraphAnatomy: [Record<string, never>, CommitGraphAnatomy];
  /** Rows [start, start + count) of one layer (count capped at 500). */
  commitGraphRows: [{ layer: number; start: number; count: number }, { rows: CommitGraphRow[]; total: number }];
  commitGraphVerify: [{ shallow: boolean }, CommitGraphVerifyReport];
}
