import type { WireError } from '../core/errors.ts';
import type { RepoSummary } from './messages.ts';

/**
 * Requests of the index-pack tool (a .pack with no .idx). Plain data; see messages.ts for the rules.
 *
 * `indexPack` runs `git index-pack` in the worker over a pack of the open folder that has no
 * idx, in slices, with progress; cancelling it keeps the work done, and the next call for the
 * same pack continues from there. A pack whose every entry was indexed is then read through
 * the new idx, held in memory only: nothing is written into the folder.
 */

/** A pack of the open folder that has no `.idx` beside it (listed by the repository summary). */
export interface PackWithoutIdx {
  /** `pack-<hash>`, no extension. */
  name: string;
  /** Path of the `.pack` relative to the opened folder. */
  path: string;
  bytes: number;
  /** An idx was built in this session and is held in memory; the pack's objects are readable. */
  indexedInMemory: boolean;
  /** Objects in that in-memory idx. */
  objects?: number;
}

/** Objects by type. */
export interface IndexedTypeCounts {
  commit: number;
  tree: number;
  blob: number;
  tag: number;
}

/** What indexing a pack produced. */
export interface IndexPackOutcome {
  name: string;
  packPath: string;
  packBytes: number;
  hashAlgo: 'sha1' | 'sha256';
  /** Every declared entry walked and resolved, trailer right: git would write the same idx. */
  complete: boolean;
  /** The pack checksum written into the idx (the pack's trailer as found), hex. */
  packChecksum: string;
  /** The checksum computed over the walked entries, hex, when every entry was walked. */
  computedChecksum?: string;
  /** Every entry was walked, so the trailer's place is known (else `packChecksum` is just the file's last bytes). */
  trailerFound: boolean;
  declaredCount: number;
  indexedCount: number;
  types: IndexedTypeCounts;
  ofsDeltas: number;
  refDeltas: number;
  maxChain: number;
  /** The `.idx` (v2) file; transferred. */
  idx: Uint8Array;
  /** Suggested download name: the pack's name with `.idx` (`pack-<checksum>.idx` for a pack git named). */
  idxFileName: string;
  problems: WireError[];
  /** True when the open folder now reads the pack's objects through this idx (in memory). */
  attached: boolean;
  /** Why the idx was not attached, when it was not. */
  notAttached?: string;
  /** The open folder's summary after attaching (the pack now listed with its objects). */
  summary?: RepoSummary;
  /** Milliseconds of work (pauses excluded). */
  ms: number;
}

/** Request name -> [arguments, result]. */
export interface IndexPackRequests {
  /** Indexes the pack `name` (`pack-<hash>`, a pack without idx in the open folder); progress; cancellable, resumable. */
  indexPack: [{ name: string }, IndexPackOutcome];
  /** The outcome of an earlier `indexPack` on this folder, if it finished (the idx is copied). */
  indexPackResult: [{ name: string }, IndexPackOutcome | undefined];
}
