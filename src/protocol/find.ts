import type { CopyCheck, StoredCopy } from '../core/find/duplicates.ts';
import type { RootKind } from '../core/reach/reachability.ts';
import type { ReachabilityResult, DuplicatesResult } from '../core/find/types.ts';

/**
 * Requests of the find part of the forensics tools: reachability (what refs, HEAD and the index
 * reach, and what nothing reaches, as `git fsck --unreachable --no-reflogs` sees it), git's
 * lost-found as a zip, and objects stored more than once. Plain data; see messages.ts for the rules.
 */

export type { CopyCheck, RootKind, StoredCopy };

/** The find tools' data shapes live in core (core/find/types.ts), where the engine builds them. */
export type { ReachRootRow, UnreachableRow, ReachabilityResult, DuplicateRow, DuplicatesResult } from '../core/find/types.ts';

export interface FindRequests {
  /** Walks from the roots; the answer is kept for the session. */
  /** Walks from the roots (reflogs too when `reflogs`, as git fsck without --no-reflogs); kept per session and choice. */
  reachability: [{ reflogs?: boolean }, ReachabilityResult];
  /** git's lost-found (commit/<oid>, other/<oid>) for every dangling object of that walk, as a zip. */
  lostFoundZip: [{ reflogs?: boolean }, { bytes: Uint8Array; files: number; skipped: number }];
  /** Every object stored more than once; the answer is kept for the session. */
  duplicates: [Record<string, never>, DuplicatesResult];
}
