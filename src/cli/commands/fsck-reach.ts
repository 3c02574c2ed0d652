import type { CliRepository } from '../repository.ts';

/** What `git fsck` prints about objects nothing reaches. */
export interface ReachabilityOptions {
  /** `--unreachable`: every unreachable object, not only the dangling ones. */
  unreachable: boolean;
  /** `--dangling` (git's default) vs `--no-dangling`. */
  dangling: boolean;
}

/**
 * The `unreachable <type> <oid>` / `dangling <type> <oid>` lines git fsck prints (--no-reflogs
 * semantics: reflogs are not roots). Being built (issue 5).
 */
export function reachabilityLines(_repo: CliRepository, _options: ReachabilityOptions): string[] {
  return [];
}
