import type { TreeEntryInfo } from '../objects/detail-types.ts';

/**
 * Requests that help a person find their way in Browse and History: where to start when HEAD
 * leads nowhere, the last commit of each entry of a folder (streamed as entries resolve), a
 * filter over a large folder, and the file finder. Plain data; see messages.ts for the rules.
 */

/** A commit as a folder listing shows it beside an entry. */
export interface CommitBrief {
  oid: string;
  /** The message's first line, cut to a few hundred characters. */
  summary: string;
  author: string;
  /** Author time, seconds since the epoch. */
  time: number;
}

/** A chunk of a folder's last-change answer: what resolved since the last chunk. */
export interface LastChangeChunk {
  /** Sizes of the folder's files by browse position (sent once, first). */
  sizes?: [position: number, size: number][];
  /** Newly resolved entries: browse position and the index of their commit in the commits sent so far. */
  entries: [position: number, commit: number][];
  /** Commits not sent before (appended, in order, to the list `entries` point into). */
  commits: CommitBrief[];
  /** Commits read so far. */
  walked: number;
}

/** The end of a folder's last-change walk. */
export interface LastChangeSummary {
  resolved: number;
  total: number;
  walked: number;
  /** True when the walk stopped at its bound with entries unresolved (they are older than the last commit read). */
  bounded: boolean;
  ms: number;
  /** Set when the folder was not walked at all (too many entries), with the reason. */
  skipped?: string;
  /** Parents not in the folder (a shallow or partial history): lines ended there. */
  missingParents: number;
  /** Commits or trees that could not be read (their lines ended there), and the first reason. */
  unreadable: number;
  problem?: string;
}

/** A place to start browsing: a branch, a tag, or (with no refs) a commit no other commit names as parent. */
export interface StartPoint {
  kind: 'branch' | 'tag' | 'remote' | 'other' | 'tip';
  /** The revision to put in a route: the ref's short name when unambiguous, else the full name or the commit id. */
  rev: string;
  /** The ref's full name (absent for a tip commit). */
  ref?: string;
  commit: string;
  summary: string;
  /** Committer time, seconds since the epoch (0 when the commit could not be read). */
  time: number;
}

/** What HEAD says and where else one can start. */
export interface StartPoints {
  head: { symbolic?: string; oid?: string; resolves: boolean; problem?: string };
  /** Branch tips, then tags, other refs; newest first in each group, at most `limit`. */
  refs: StartPoint[];
  /** Refs in all. */
  refCount: number;
  /** With no ref that resolves: the newest commits no other commit names as parent. */
  tips: StartPoint[];
  /** Tip commits in all (when looked for). */
  tipCount: number;
}

/** A fuzzy file finder answer. */
export interface FileFinderAnswer {
  matches: { path: string; positions: number[] }[];
  /** Paths that matched in all (more than `matches` when cut at the limit). */
  total: number;
  /** Files in the commit's tree. */
  files: number;
  /** Why the path list is incomplete, when it is. */
  capped?: string;
}

/** The answer to a browse request: the commit, its tree walked to `path`. */
export interface BrowseResult {
  commit: string;
  rootTree: string;
  path: string[];
  /** The object at the path: a tree (its first entries in browse order, `total` in all; the rest from `treeEntries`) or a blob. */
  target: { kind: 'tree'; oid: string; entries: TreeEntryInfo[]; total: number } | { kind: 'blob'; oid: string; mode: string };
}
