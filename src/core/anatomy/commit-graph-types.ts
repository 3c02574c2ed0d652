import type { FieldInfo, RegionInfo } from './types.ts';

/**
 * Shapes of the commit-graph requests: the anatomy of `objects/info/commit-graph` or of each
 * layer of a split chain, its commits page by page, and `git commit-graph verify`'s answer.
 */

/** Per-commit Bloom filter sizes of one layer (BIDX/BDAT). */
export interface BloomAnatomy {
  hashVersion: number;
  numHashes: number;
  bitsPerEntry: number;
  /** Commits with a filter (= the layer's commits). */
  filters: number;
  /** Bytes of all filters (BDAT minus its 12-byte header). */
  filterBytes: number;
  /** Filters of each size bucket: label (`0`, `1`, `2–4`, … bytes) and count. */
  histogram: { label: string; min: number; max: number; count: number }[];
  /** The largest filters (a commit that changed many paths). */
  largest: { position: number; oid: string; bytes: number }[];
  /** Filters of one byte 0xff: git's "too many changed paths" marker. */
  tooLarge: number;
  /** Filters of zero bytes: commits that changed no path. */
  empty: number;
  /** BIDX ends that go backwards or past BDAT (a damaged index), counted. */
  badEnds: number;
}

/** One layer (or the flat file) of the commit-graph. */
export interface CommitGraphLayerAnatomy {
  file: string;
  fileSize: number;
  version: number;
  hashVersion: number;
  commits: number;
  /** Commits of the layers below (positions of this layer start there). */
  commitBase: number;
  header: FieldInfo[];
  chunkTable: RegionInfo;
  chunks: { id: string; offset: number; length: number; tableOffset: number }[];
  fanout: number[];
  checksum: string;
  /** BASE: the checksums of the layers below, base first. */
  baseIds: string[];
  /** How generations are read: corrected commit dates (GDA2) or topological levels (CDAT). */
  generation: {
    corrected: boolean;
    hasGda2: boolean;
    overflowEntries: number;
    maxTopoLevel: number;
    /** Largest corrected-date offset (GDA2), when read. */
    maxOffset: number;
    /** Commits whose corrected date is above their commit time. */
    shifted: number;
  };
  /** Commits with more than two parents (their parents 2.. are in EDGE), and EDGE entries. */
  octopus: { commits: number; edgeEntries: number };
  bloom?: BloomAnatomy;
  /** Sizes git 2.39 does not check on load (it reads neighbouring bytes instead). */
  problems: { offset: number; message: string }[];
}

export interface CommitGraphAnatomy {
  kind: 'flat' | 'chain' | 'none';
  chainFile?: string;
  /** The chain file's lines (layer hashes, base first). */
  chainLines: string[];
  layers: CommitGraphLayerAnatomy[];
  /** What git prints while loading (`error:` / `warning:` lines). */
  messages: { level: 'error' | 'warning'; text: string; file?: string; offset?: number }[];
  totalCommits: number;
  /** The files in objects/info that belong to the commit-graph, for the hex view. */
  files: { path: string; size: number }[];
}

/** One commit row as the graph records it. */
export interface CommitGraphRow {
  position: number;
  oid: string;
  tree: string;
  /** Parent positions (global) and ids, or an error text when they cannot be read. */
  parents: { position: number; oid: string }[];
  parentsError?: string;
  topoLevel: number;
  time: number;
  /** Corrected commit date, when the layer has GDA2. */
  corrected?: number;
  bloomBytes?: number;
  /** Where the row's CDAT bytes are (for the hex view). */
  dataOffset: number;
}

export interface CommitGraphVerifyReport {
  lines: { text: string; file?: string; offset?: number }[];
  exitCode: number;
  /** Set when packscope stopped where git 2.39 would crash or read outside the file. */
  beyondGit?: boolean;
  commits: number;
  ms: number;
}
