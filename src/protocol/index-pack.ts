import type { IndexedPack } from '../core/index-pack/pack-index-run.ts';
import type { RepoSummary } from './messages.ts';

/**
 * Requests of the index-pack tool (a .pack with no .idx). Plain data; see messages.ts for the rules.
 *
 * `indexPack` runs `git index-pack` in the worker over a pack of the open folder that has no
 * idx, in slices, with progress; cancelling it keeps the work done, and the next call for the
 * same pack continues from there. A pack whose every entry was indexed is then read through
 * the new idx, held in memory only: nothing is written into the folder.
 */

/** index-pack's data shapes live in core (core/index-pack/pack-index-run.ts). */
export type { IndexedPack, IndexedTypeCounts, PackWithoutIdx } from '../core/index-pack/pack-index-run.ts';

/** What indexing a pack produced, and the open folder's summary after attaching it (the pack now listed with its objects). */
export interface IndexPackOutcome extends IndexedPack {
  summary?: RepoSummary;
}

/** Request name -> [arguments, result]. */
export interface IndexPackRequests {
  /** Indexes the pack `name` (`pack-<hash>`, a pack without idx in the open folder); progress; cancellable, resumable. */
  indexPack: [{ name: string }, IndexPackOutcome];
  /** The outcome of an earlier `indexPack` on this folder, if it finished (the idx is copied). */
  indexPackResult: [{ name: string }, IndexPackOutcome | undefined];
}
