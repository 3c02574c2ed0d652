import type { DecodedCombined } from '../core/diff/combined-hunks.ts';
import type { DecodedHunk, DecodedLine } from '../core/diff/decode.ts';
import type { DiffEnds, DiffTarget } from '../core/diff/diff-request.ts';
import type { WireError } from '../core/errors.ts';

/**
 * Requests of the diff views: what a commit changed (against one parent, or git's combined view
 * of a merge), what differs between any two commits, trees or blobs, and one file's hunks.
 * Plain data; see messages.ts for the rules.
 *
 * A file list comes in pages: the worker keeps the whole comparison (tree diff and rename
 * detection, as `git diff-tree -r -M` does) once per (from, to) and answers pages of it. Line
 * counts are computed only for the files of the page asked for, so a commit touching thousands
 * of files costs the tree walk and the renames, not thousands of line diffs.
 */

/** git's change letters: added, deleted, modified, type changed (file <-> symlink <-> submodule), renamed, copied. */
export type DiffStatus = 'A' | 'D' | 'M' | 'T' | 'R' | 'C';

/** What to compare (core/diff/diff-request.ts's DiffTarget). */
export type { DiffTarget } from '../core/diff/diff-request.ts';

/** One side of a file pair. Absent sides (an added file's old side) have no path, mode `000000` and the zero id. */
export interface DiffSideInfo {
  /** The path decoded for display (invalid UTF-8 shown with U+FFFD); empty when the side is absent. */
  path: string;
  /** The path as git prints it, quoted (quote_c_style), when it is not plain text. */
  quoted?: string;
  /** Octal mode as git prints it in --raw (`100644`, `100755`, `120000`, `160000`, `040000`, `000000`). */
  mode: string;
  oid: string;
  /** Blob size in bytes when known (files of the page asked for); undefined for absent sides, submodules and unreadable blobs. */
  size?: number;
}

/** One changed file. */
export interface DiffFileInfo {
  /** Position in the whole comparison (git's output order). */
  index: number;
  status: DiffStatus;
  /** R and C: git's similarity score in percent (0-100), as in `R086`. */
  similarity?: number;
  old: DiffSideInfo;
  new: DiffSideInfo;
  /**
   * Line counts as `git diff --numstat` gives them; undefined when binary, when not computed
   * (the file is past the page, or a side is over `DIFF_LIMITS.maxBlobBytes`: see `skipped`),
   * or for submodules.
   */
  added?: number;
  deleted?: number;
  /** Either side is binary by git's rule (a NUL in the first 8,000 bytes); numstat prints `-\t-`. */
  binary: boolean;
  /**
   * Why there are no line counts or hunks for this file. `unreadable` with tree modes
   * (040000): a folder whose tree object could not be read (missing or damaged); the entry
   * stands for everything below it, and the rest of the comparison is complete.
   */
  skipped?: 'too-large' | 'missing' | 'submodule' | 'unreadable';
  /** Set with `skipped: 'missing' | 'unreadable'`: what failed. */
  error?: WireError;
}

/** One parent's side of a file in the combined view. */
export interface CombinedParentInfo {
  /** git's letter against this parent (A, D, M, T; R/C never appear in the combined view). */
  status: DiffStatus;
  /** The path in this parent (same as the merge's path: the combined view does not follow renames). */
  path: string;
  mode: string;
  oid: string;
}

/** A file of git's combined view of a merge: it differs from every parent. */
export interface CombinedFileInfo {
  index: number;
  path: string;
  quoted?: string;
  /** The merge's side (mode `000000` and the zero id when the merge deleted it). */
  mode: string;
  oid: string;
  /** One per parent, in parent order. */
  parents: CombinedParentInfo[];
}

/** The ends of a comparison, resolved (core/diff/diff-request.ts's DiffEnds). */
export type { DiffEnds } from '../core/diff/diff-request.ts';

/** A page of a comparison's file list. */
export interface DiffPage {
  ends: DiffEnds;
  /** Files [start, start + files.length) in git's order (`diff-tree -r -M`). */
  files: DiffFileInfo[];
  /** Files in the whole comparison (capped at `DIFF_LIMITS.maxFiles`: see `truncated`). */
  total: number;
  /** The comparison stopped after `DIFF_LIMITS.maxFiles` changes: there are more than `total`. */
  truncated: boolean;
  /**
   * Rename detection as git does it: `full`; `exact-only` when the inexact pass was skipped
   * because sources x destinations exceeded git's rename limit (1000 x 1000), as git skips it;
   * `off` when not asked.
   */
  renames: 'full' | 'exact-only' | 'off';
  /**
   * Blobs rename detection could not read (not in a partial clone, or over
   * `DIFF_LIMITS.maxBlobBytes`): they scored 0, so a rename among them may show as a deletion
   * and an addition.
   */
  unscoredBlobs: number;
  /** Sums over the files whose line counts were computed so far (this page and earlier ones asked for). */
  addedSoFar: number;
  deletedSoFar: number;
}

/** A page of a merge's combined view. */
export interface CombinedPage {
  ends: DiffEnds;
  files: CombinedFileInfo[];
  total: number;
  truncated: boolean;
  /** The files are --cc's selection (else -c's). */
  dense: boolean;
}

/** A line of a file's diff, decoded for display (core's DecodedLine, sent as is). */
export type DiffLineInfo = DecodedLine;

/** A hunk: `@@ -a,b +c,d @@ funcname` as git prints it, and its lines (core's DecodedHunk). */
export type DiffHunkInfo = DecodedHunk;

/** One file's hunks. */
export interface FileHunks {
  hunks: DiffHunkInfo[];
  added: number;
  deleted: number;
  /** Line counts of the two sides (to know where the last hunk ends and how much "expand" can show). */
  oldLines: number;
  newLines: number;
  binary: boolean;
  oldSize: number;
  newSize: number;
  /** Lines left out after `DIFF_LIMITS.maxHunkLines`, and lines shortened to `maxLineBytes`. */
  cut: { lines: number; longLines: number };
  /** Set instead of hunks when a side is over `DIFF_LIMITS.maxBlobBytes`, binary, a submodule, or missing. */
  skipped?: DiffFileInfo['skipped'] | 'binary';
  error?: WireError;
}

/**
 * One file of a merge's combined view, as `git diff-tree --cc -p` (dense) or `-c -p` shows it:
 * core's decoded combined hunks (one marker column per parent), or why there are none.
 */
export type CombinedHunks = DecodedCombined & {
  /** Set instead of hunks when a side is over `DIFF_LIMITS.maxBlobBytes`, missing or unreadable. */
  skipped?: DiffFileInfo['skipped'];
  error?: WireError;
};

/** Lines of one blob for "expand context": [start, start + lines.length) 1-based. */
export interface BlobLines {
  start: number;
  lines: string[];
  /** Lines in the whole blob. */
  total: number;
}

/** Caps the worker applies (the UI may show them). */
export const DIFF_LIMITS = {
  /** Changes kept per comparison; past this the list is truncated (a hostile tree can add a million files). */
  maxFiles: 200_000,
  /** Files per page. */
  maxPage: 1_000,
  /** Blobs larger than this get no line counts or hunks (still listed, with sizes). */
  maxBlobBytes: 16 * 1024 * 1024,
  /** Lines of hunks sent per file; the rest is counted in `cut.lines`. */
  maxHunkLines: 20_000,
  /** Bytes of one line sent; longer lines are cut (`cut: true`). */
  maxLineBytes: 4_000,
  /** Lines per `diffBlobLines` answer. */
  maxBlobLines: 5_000,
} as const;

/** Request name -> [arguments, result]. */
export interface DiffRequests {
  /**
   * A page of the files a target changed, with line counts for the page (`stats`, default true).
   * `renames` (default true) is `git diff -M`'s rename detection (50%); `copies` adds `-C`.
   * Long (tree walk, rename detection): reports progress, cancellable.
   */
  diffFiles: [{ target: DiffTarget; start: number; count: number; renames?: boolean; copies?: boolean; stats?: boolean }, DiffPage];
  /**
   * A page of a merge's combined view: the files that differ from every parent (`git diff-tree
   * -c`), and with `dense` (default true) only those `git diff-tree --cc` shows (a file whose
   * every hunk took one parent's version unchanged is left out).
   */
  diffCombined: [{ rev: string; start: number; count: number; dense?: boolean }, CombinedPage];
  /**
   * One file's hunks between two blobs (ids and modes from a DiffFileInfo; the zero id or ''
   * for an absent side; mode 160000 is a submodule, shown as git shows it: "Subproject commit
   * <id>"). `context` lines around changes (git's -U, default 3); `whole: true` gives the whole
   * file as one hunk (context to both ends).
   */
  diffHunks: [{ oldOid: string; newOid: string; oldMode?: string; newMode?: string; context?: number; whole?: boolean }, FileHunks];
  /** Lines [start, start + count) (1-based) of a blob, for expanding context between hunks. */
  diffBlobLines: [{ oid: string; start: number; count: number }, BlobLines];
  /**
   * A merge's file as git's combined patch shows it (ids and modes from a CombinedFileInfo: the
   * merge's side and each parent's; the zero id for an absent side). `dense` (default true) is
   * `--cc`, false `-c`; `context` is git's -U (default 3).
   */
  diffCombinedHunks: [{ oid: string; mode?: string; parents: { oid: string; mode?: string }[]; context?: number; dense?: boolean }, CombinedHunks];
}
