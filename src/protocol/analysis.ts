import type { RemovalReason } from '../core/analysis/removal-estimate.ts';
import type { AnalysisSoFar, TreemapMeasure } from '../core/analysis/types.ts';

/**
 * The size analysis ("why is this repository big?"): requests of the size view. The analysis
 * runs once per open repository as a job of the worker's queue and is kept; every other request
 * reads the kept result, in capped pages (git.git has ~10k paths and ~300k blobs over history).
 * Paths travel decoded for display (invalid UTF-8 as replacement characters) with git's quoted
 * form when they are not plain, and cut when hostile-long. Plain data; see messages.ts.
 */

export type { AnalysisSoFar, TreemapMeasure };

/** A path as the size view shows it. */
export interface SizePathName {
  /** The analysis's path id (0: the top level). */
  id: number;
  /** The whole path decoded for display ('' for the top level). */
  path: string;
  /** The last component decoded for display. */
  name: string;
  /** The path as git prints it quoted (`"caf\351.txt"`), when it is not plain text. */
  quoted?: string;
  /** Set when `path` holds only the start of a longer path: its length in bytes. */
  pathBytes?: number;
}

/** When a path stopped existing (filter-repo's rule). */
export interface SizeDeletion {
  /** `YYYY-MM-DD` in the committer's zone. */
  date: string;
  /** The deleting commit's id. */
  commit: string;
}

/** A row of the paths table: a file path or a directory over all history. */
export interface SizePathRow extends SizePathName {
  kind: 'file' | 'dir';
  versions: number;
  inflated: number;
  stored: number;
  /** filter-repo's per-path sums (a blob at two paths counted at each). */
  reportInflated: number;
  reportStored: number;
  /** Undefined while the path is present. */
  deleted?: SizeDeletion;
  /** Directories: file paths under it. */
  files?: number;
  /** The path is both a file (at some time) and a directory (at another). */
  alsoDir?: boolean;
  /** Files: the largest version and the commit that first brought it here. */
  largest?: SizeVersionRow;
}

/** How the paths table is ordered. */
export type SizePathSort = 'stored' | 'inflated' | 'versions' | 'path' | 'deleted';

/** One version of a path: a blob and the commit that first brought it there. */
export interface SizeVersionRow {
  blob: string;
  inflated: number;
  stored: number;
  commit: string;
  /** The commit's date, `YYYY-MM-DD` in its zone. */
  date: string;
}

/** A blob of a removed path and why it is (or is not) saved. */
export interface SizeRemovalBlob {
  blob: string;
  stored: number;
  inflated: number;
  reason: RemovalReason['kind'];
  /** `other-path`: the kept path that also has the blob. */
  otherPath?: SizePathName;
  /** `delta-base`: the kept blob stored as a delta through this one, and a path of it. */
  dependent?: { blob: string; path?: SizePathName };
}

/** "What would removing this path from history save": an estimate over blobs. */
export interface SizeRemoval {
  /** Paths removed: the path and, for a directory, every path under it. */
  paths: number;
  /** Stored bytes freed with the packs' delta choices as they are. */
  saved: number;
  /** `saved` plus blobs kept only as delta bases (a repack may find their dependents other bases). */
  upTo: number;
  /** Stored bytes of the path's blobs that another kept path also has. */
  keptElsewhere: number;
  counts: { freed: number; otherPath: number; deltaBase: number };
  /** The largest blobs of the path, at most `SIZE_LIMITS.removalBlobs`; `counts` counts them all. */
  blobs: SizeRemovalBlob[];
}

/** Everything the view shows for one selected path. */
export interface SizePathDetail {
  row: SizePathRow;
  /** A file's largest versions, largest first, with the commits that added them. */
  largest: SizeVersionRow[];
  /** Renames filter-repo found for this path: every name its content carried, first first. */
  renames: SizePathName[][];
  removal: SizeRemoval;
}

/** A node of the treemap's tree, cut to a few levels below the requested folder. */
export interface SizeTreeNode {
  id: number;
  /** The last component decoded for display. */
  name: string;
  /** The measure: a file's, or the sum of a folder's contents. */
  value: number;
  stored: number;
  inflated: number;
  versions: number;
  deleted: boolean;
  folder: boolean;
  /** A folder's contents, largest first; absent beyond the depth sent or past the node cap. */
  children?: SizeTreeNode[];
}

/** The treemap's tree at one folder. */
export interface SizeTree {
  /** The folder (the top level when the request's folder has nothing under this measure). */
  root: SizeTreeNode;
  /** The folders from the top level down to `root`, for the breadcrumb. */
  crumbs: SizePathName[];
  /** The commit whose tree is shown, when one was asked for. */
  commit?: { oid: string; date: string };
  /** Nodes sent, and nodes left out of the cut (beyond the cap, or too small to draw). */
  nodes: number;
  leftOut: number;
}

/** A blob among the largest, with the paths it appeared at. */
export interface SizeBlobRow {
  oid: string;
  inflated: number;
  stored: number;
  /** Pack file name, or `loose`. */
  where: string;
  offset?: number;
  /** Its delta base's id when stored as a delta. */
  deltaBase?: string;
  /** The first paths it appeared at, at most `SIZE_LIMITS.blobPaths`; `pathCount` counts them all. */
  paths: SizePathName[];
  pathCount: number;
  /** The first commit that brought it to a path. */
  commit?: { oid: string; date: string };
}

/** One point of the growth chart. */
export interface SizeGrowthPoint {
  /** Start of the day, seconds since the epoch (UTC). */
  day: number;
  storedBlobs: number;
  inflatedBlobs: number;
  storedCommitsAndTrees: number;
}

/** What fills one pack. */
export interface SizePackRow {
  name: string;
  size: number;
  entries: number;
  storedByType: { commit: number; tree: number; blob: number; tag: number };
  storedUnnamedBlobs: number;
  /** The paths filling it, most stored bytes first, at most `SIZE_LIMITS.packPaths`. */
  paths: (SizePathName & { stored: number; blobs: number })[];
  /** Paths the analysis lists for this pack (the list itself is capped by the engine). */
  pathCount: number;
}

/** An extension over all history. */
export interface SizeExtensionRow {
  /** Decoded for display; '' for none. */
  extension: string;
  versions: number;
  inflated: number;
  stored: number;
  files: number;
  deleted?: string;
}

/** The analysis's summary: totals, growth, packs, extensions. */
export interface SizeSummary {
  refs: number;
  commits: number;
  files: number;
  directories: number;
  blobs: number;
  versions: number;
  inflated: number;
  stored: number;
  missingBlobs: number;
  unnamedBlobs: number;
  unnamedStored: number;
  storedAllObjects: number;
  /** Dates of the first and last commit of the walk (`YYYY-MM-DD`). */
  firstDate?: string;
  lastDate?: string;
  /** Growth by day, thinned to at most `SIZE_LIMITS.growthPoints` (the last point is always kept). */
  growth: SizeGrowthPoint[];
  packs: SizePackRow[];
  /** Packs beyond `SIZE_LIMITS.packs` are counted, not listed. */
  packCount: number;
  extensions: SizeExtensionRow[];
  extensionCount: number;
  /** Milliseconds the analysis took (0 when the kept answer was returned). */
  ms: number;
}

/** Caps on what one answer carries. */
export const SIZE_LIMITS = {
  /** Rows of a page (paths, blobs). */
  pageRows: 500,
  /** Tree nodes in one treemap answer. */
  treeNodes: 4000,
  /** Levels of a treemap answer below its folder. */
  treeDepth: 6,
  removalBlobs: 200,
  blobPaths: 5,
  packs: 50,
  packPaths: 50,
  extensions: 50,
  growthPoints: 1500,
  /** Bytes of a path decoded for display. */
  pathBytes: 1024,
} as const;

export interface AnalysisRequests {
  /** Runs the size analysis (once per repository; kept) and answers its summary; streams what is known so far. */
  sizeAnalysis: [Record<string, never>, SizeSummary, AnalysisSoFar];
  /**
   * A page of file paths or directories, ordered (ties by path); `under` keeps the paths inside
   * one directory (any depth); `filter` keeps paths containing the text (case-insensitive).
   */
  sizePaths: [{ kind: 'file' | 'dir'; sort: SizePathSort; descending: boolean; start: number; count: number; under?: number; filter?: string }, { rows: SizePathRow[]; total: number }];
  /** One path: its row, largest versions and their commits, renames, and the removal estimate. */
  sizePath: [{ path: number }, SizePathDetail];
  /** The treemap's tree at folder `root` (path id) for all history, or for the tree of `rev`. */
  sizeTree: [{ root: number; measure: TreemapMeasure; rev?: string; depth?: number }, SizeTree];
  /** A page of the largest blobs (by stored bytes, or by inflated size). */
  sizeBlobs: [{ sort: 'stored' | 'inflated'; start: number; count: number }, { rows: SizeBlobRow[]; total: number }];
  /** The path id of a path typed or linked (`/`-separated, as displayed); undefined when history never had it. */
  sizeFindPath: [{ path: string }, { id?: number }];
}
