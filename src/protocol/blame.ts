import type { CommitRow, PersonInfo } from './messages.ts';

/**
 * File and folder history (`git log -- <path>`, `--follow`) and blame. Plain data; see
 * messages.ts for the rules. Paths travel as their names decoded for display, one per level,
 * as the browse route has them.
 */

/** A commit of a path's history, with the path it had there. */
export interface PathCommitRow extends CommitRow {
  /** The followed path at this commit, decoded for display (it changes where --follow crossed a rename). */
  path: string;
  /** With --follow: this commit renamed (R) or copied (C) the file from `from`, with git's similarity (0-100). */
  renamedFrom?: { path: string; status: 'R' | 'C'; similarity: number };
}

/** One page of a path's history. */
export interface PathHistoryPage {
  commits: PathCommitRow[];
  done: boolean;
  /** Commits read so far (most are not shown: they did not change the path). */
  walked: number;
  /** True when the path names a folder at the starting commit (blame applies to files only). */
  folder: boolean;
}

/** A commit as the blame view shows it. */
export interface BlameCommit {
  oid: string;
  author: PersonInfo;
  committer: PersonInfo;
  /** The message's first line, cut for display. */
  summary: string;
  /** A root commit (git's "boundary"). */
  boundary: boolean;
}

/** A run of consecutive lines blamed on one commit (and the path the file had there). */
export interface BlameGroup {
  /** Index into `commits`. */
  commit: number;
  /** First line in the file, 0-based. */
  start: number;
  count: number;
  /** First line in the commit's version, 0-based. */
  sourceStart: number;
  /** The file's path in that commit, decoded for display. */
  path: string;
  /** The version blame was first passed to from that commit (git's "previous"): blame before this change. */
  previous?: { commit: string; path: string };
}

/** The blame of a file at a commit. */
export interface BlameResult {
  commit: string;
  path: string;
  /** The file's lines, decoded as UTF-8 for display, the first `lines.length` of `totalLines`. */
  lines: string[];
  totalLines: number;
  /** True when the file holds a NUL in its first 8000 bytes (git's binary rule): its lines are not sent. */
  binary: boolean;
  groups: BlameGroup[];
  commits: BlameCommit[];
  /** Commits examined, and ms spent. */
  commitsVisited: number;
  ms: number;
}

/** Request name -> [arguments, result]. */
export interface BlameRequests {
  /** A page of `git log [--follow] <rev> -- <path>`: the walk is kept between pages. */
  pathHistory: [{ rev: string; path: string[]; follow: boolean; skip: number; limit: number }, PathHistoryPage];
  /** `git blame <rev> -- <path>`; reports progress in lines blamed. */
  blame: [{ rev: string; path: string[] }, BlameResult];
}
