/**
 * The result of the size analysis ("why is this repository big?"): what one pass over history
 * (in the order `git filter-repo --analyze` reads it) and the pack-order scan's stored sizes
 * say about every path, directory, extension and blob. The screens, the worker and the CLI
 * read this model; the engine (`size-analysis.ts`) builds it.
 *
 * Two notions of size run through it:
 * - **inflated**: the object's size (`cat-file -s`);
 * - **stored**: the bytes its entry occupies where git keeps it: a pack entry from its offset to
 *   the next entry's offset (header, compressed data, and for a delta the delta, not the whole
 *   object), or a loose file's size. That is git's `%(objectsize:disk)`.
 *
 * filter-repo's reports add a blob's sizes once per path the blob appeared at; its directory,
 * extension and total sums therefore count a blob at two paths twice. Every aggregate here keeps
 * both: `inflated`/`stored` count each distinct blob once (what the directory really holds),
 * `reportInflated`/`reportStored` are filter-repo's sums (what its text files print).
 *
 * Blobs live in columns (`BlobTable`), not objects: git.git has about 300k of them. Paths are
 * few enough (tens of thousands) to be objects.
 */

/** Index of a node in `SizeAnalysis.paths` (0 is the top level, `<toplevel>`). */
export type PathId = number;
/** Index of a blob in `SizeAnalysis.blobs` (dense, 0..count-1). */
export type BlobIndex = number;
/** Index of a commit in `SizeAnalysis.commits` (the walk's order: parents before children). */
export type CommitIndex = number;

/** Sizes of a set of blobs. */
export interface SizeSums {
  /** Distinct blobs (filter-repo's "versions" of a path). */
  versions: number;
  /** Sum of the distinct blobs' inflated sizes. */
  inflated: number;
  /** Sum of the distinct blobs' stored bytes. */
  stored: number;
  /** filter-repo's unpacked size: each blob's size once per path it appeared at. */
  reportInflated: number;
  /** filter-repo's packed size: each blob's `objectsize:disk` once per path it appeared at. */
  reportStored: number;
}

/** When a path stopped existing, by filter-repo's rule. */
export interface Deletion {
  /**
   * `YYYY-MM-DD` in the committer's time zone (`--date=short`) of the last commit, in the walk's
   * order, that deleted it; a later commit adding it again clears the deletion.
   */
  date: string;
  /** The deleting commit. */
  commit: CommitIndex;
}

/** A version of a path and the commit that first brought it there. */
export interface VersionOrigin {
  blob: BlobIndex;
  /** The first commit, in the walk's order, whose diff added or modified the path to this blob. */
  commit: CommitIndex;
}

/** A node of the path tree: a file path, a directory, or both at different times. */
export interface PathNode {
  id: PathId;
  /** The parent directory; -1 for the top level. */
  parent: PathId;
  /** The last component, raw bytes (paths are not necessarily UTF-8). */
  name: Uint8Array;
  /** The whole path, raw bytes (empty for the top level). */
  path: Uint8Array;
  /** Children (directories and files), in insertion order; empty for a file that never was a directory. */
  children: PathId[];
  /** Set when a blob or symlink was ever recorded at this path (submodules are not counted, as in filter-repo). */
  file?: FileStats;
  /** Set when any file path ever lay under this directory (the top level always has it when history has files). */
  dir?: DirStats;
}

/** A file path's history. */
export interface FileStats extends SizeSums {
  /** filter-repo's deletion; undefined while the path is `<present>`. */
  deleted?: Deletion;
  /** Its largest versions (by inflated size, then stored), largest first, at most `LARGEST_VERSIONS`. */
  largest: VersionOrigin[];
  /** The extension as filter-repo computes it (Python's `os.path.splitext`); empty when none. */
  extension: Uint8Array;
}

/** A directory's history: every file path under it, at any depth. */
export interface DirStats extends SizeSums {
  /** filter-repo's deletion of the directory (a tree deleted in a commit's diff); undefined when present. */
  deleted?: Deletion;
  /** File paths under it, at any depth (counted once each). */
  files: number;
}

/** An extension (`.c`, `.png`; empty for none) over every path that had it. */
export interface ExtensionStats extends SizeSums {
  extension: Uint8Array;
  /** filter-repo's rule: deleted only when every path with it is deleted, on the latest of their dates. */
  deleted?: string;
  /** File paths with this extension. */
  files: number;
}

/** How many largest versions each path keeps. */
export const LARGEST_VERSIONS = 5;

/** Where a blob's bytes live. */
export type BlobPlace = { kind: 'packed'; pack: number; offset: number } | { kind: 'loose' } | { kind: 'missing' }; // named by a tree but absent (a partial clone's promised blob)

/**
 * Every blob in the repository, in id order, then the blobs history names that the repository
 * does not have (a partial clone's), in the order met; in columns. A blob history never names has
 * `firstCommit` -1 and no paths. A blob in two packs counts at the copy git's lookup finds
 * (`objectsize:disk` does the same).
 */
export interface BlobTable {
  count: number;
  /** Hash length in bytes (20 or 32). */
  hashSize: number;
  /** Ids, `hashSize` bytes each. */
  ids: Uint8Array;
  /** Inflated size; -1 when missing. */
  inflated: Float64Array;
  /** Stored bytes (`objectsize:disk`); -1 when missing. */
  stored: Float64Array;
  /** Index into `SizeAnalysis.packs`; -1 loose, -2 missing. */
  pack: Int32Array;
  /** Pack offset; -1 when not packed. */
  offset: Float64Array;
  /** The delta base's index in this table when the entry is a delta on a blob; -1 otherwise. */
  deltaBase: Int32Array;
  /** The delta base's id when the entry is a delta (any base, even one outside this table); else undefined. */
  deltaBaseId(blob: BlobIndex): Uint8Array | undefined;
  /** The first commit that brought the blob to a path; -1 for a blob history never names. */
  firstCommit: Int32Array;
  /** Paths each blob appeared at: `pathIds[pathStart[b] .. pathStart[b + 1])`, ascending by path bytes. */
  pathStart: Uint32Array;
  pathIds: Uint32Array;
  /** Parallel to `pathIds`: the first commit (walk order) that brought the blob to that path. */
  pathCommits: Uint32Array;
  /** The blob's index, or -1. */
  find(id: Uint8Array): BlobIndex;
}

/** Commits in the walk's order (`rev-list --topo-order --reverse`). */
export interface CommitTable {
  count: number;
  hashSize: number;
  ids: Uint8Array;
  /** Committer time, seconds since the epoch. */
  times: Float64Array;
  /** Committer time zone, minutes east of UTC. */
  zones: Int32Array;
  /** `YYYY-MM-DD` in the committer's zone (`--date=short`). */
  shortDate(commit: CommitIndex): string;
  /** The index of a commit id, or -1 when the walk did not reach it. */
  find(id: Uint8Array): CommitIndex;
}

/** filter-repo's renames: names a file carried, first name first (`renames.txt`). */
export interface RenameGroup {
  names: Uint8Array[];
}

/** Stored bytes as history grew: one point per committer day that brought new objects. */
export interface GrowthSeries {
  /** Start of each day, seconds since the epoch (UTC), ascending. */
  days: Float64Array;
  /** Stored bytes of blobs first named by commits up to the end of that day (cumulative). */
  storedBlobs: Float64Array;
  /** Inflated bytes of those blobs (cumulative). */
  inflatedBlobs: Float64Array;
  /** Stored bytes of those commits and of the trees they first name (cumulative). */
  storedCommitsAndTrees: Float64Array;
}

/** What fills one pack. */
export interface PackFill {
  /** The pack's file name (`pack-<id>.pack`). */
  name: string;
  /** The pack's size in bytes. */
  size: number;
  /** Entries in the pack. */
  entries: number;
  /** Stored bytes by object type found in the scan (commit, tree, blob, tag). */
  storedByType: { commit: number; tree: number; blob: number; tag: number };
  /** Blob bytes of blobs history never names (unreachable from the refs walked, or kept by reflogs only). */
  storedUnnamedBlobs: number;
  /** The paths whose blobs fill it, most stored bytes first, at most `PACK_TOP_PATHS`. */
  paths: { path: PathId; stored: number; blobs: number }[];
}

/** How many paths each pack lists. */
export const PACK_TOP_PATHS = 200;

/** Whole-history totals. */
export interface AnalysisTotals extends SizeSums {
  commits: number;
  /** File paths (filter-repo's "Number of filenames"). */
  files: number;
  /** Directories, the top level included (filter-repo's "Number of directories"). */
  directories: number;
  extensions: number;
  /** Blobs history names that are not in the repository (partial clone): sizes unknown. */
  missingBlobs: number;
  /** Blobs in the repository that history does not name, and their stored bytes. */
  unnamedBlobs: number;
  unnamedStored: number;
  /** Stored bytes of every pack entry and loose object (all types). */
  storedAllObjects: number;
}

/** The whole analysis. */
export interface SizeAnalysis {
  /** The refs walked (`--all`: every ref, as filter-repo does). */
  refs: string[];
  commits: CommitTable;
  /** The path tree; `paths[0]` is the top level. */
  paths: PathNode[];
  extensions: ExtensionStats[];
  blobs: BlobTable;
  renames: RenameGroup[];
  totals: AnalysisTotals;
  growth: GrowthSeries;
  packs: PackFill[];
  /** Path ids by their bytes. */
  findPath(path: Uint8Array): PathId | undefined;
}

/** Progress of the analysis, for a bar. */
export interface AnalysisProgress {
  phase: 'sizes' | 'order' | 'history' | 'summary' | 'done';
  /** Units done of `total` in this phase (objects for sizes, commits otherwise). */
  done: number;
  total: number;
  label: string;
}

/** What a running analysis tells while it runs (the worker's partial results). */
export interface AnalysisSoFar {
  commits: number;
  files: number;
  blobs: number;
  /** Stored bytes of the distinct blobs met so far. */
  stored: number;
}

/**
 * The analysis as a job: the worker calls `step` between messages (it checks cancellation
 * there; dropping the job cancels it) and reads `progress` and `soFar` for its bar.
 */
export interface SizeAnalysisJob {
  /** Works for about `budgetMs` milliseconds; true once `result()` is ready. */
  step(budgetMs: number): boolean;
  progress(): AnalysisProgress;
  soFar(): AnalysisSoFar;
  /** The finished analysis (throws before `step` returned true). */
  result(): SizeAnalysis;
}

/** What a treemap shows as a rectangle's area. */
export type TreemapMeasure = 'stored' | 'inflated' | 'deletedStored';

/** A node of the tree a treemap lays out (d3-hierarchy's input). */
export interface TreemapNode {
  path: PathId;
  /** The last component as bytes; the screen decodes it and marks hidden characters. */
  name: Uint8Array;
  /** The measure of this file, or the sum over the children. */
  value: number;
  inflated: number;
  stored: number;
  versions: number;
  /** True when filter-repo's rule says the path (or directory) is deleted. */
  deleted: boolean;
  children?: TreemapNode[];
}

/** One entry of a commit's tree for `buildTreemapTree`: a file path and its blob there. */
export interface TreeFile {
  path: PathId;
  blob: BlobIndex;
}
