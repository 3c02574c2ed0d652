import type { WireError } from '../core/errors.ts';
import type { ObjectType } from '../core/objects/types.ts';
import type { AnatomyRequests } from './anatomy.ts';
import type { DiffRequests } from './diff.ts';
import type { BlameRequests } from './blame.ts';
import type { CommitGraphRequests } from './commit-graph.ts';
import type { BrowseExtrasRequests } from './browse-extras.ts';
import type { EvidenceRequests } from './evidence.ts';
import type { FindRequests } from './find.ts';
import type { HistoryGraphRequests } from './history-graph.ts';
import type { IndexPackRequests, PackWithoutIdx } from './index-pack.ts';
import type { SearchRequests } from './search.ts';
import type { VerifyRequests } from './verify.ts';

/**
 * The one typed map of everything the app can ask the worker, and what comes back. Every
 * request carries an id, can be cancelled, and may stream progress events. Shapes here are
 * plain data (structured-clone safe); byte arrays travel as transferables.
 */

export type { WireError, ObjectType };

/** Where a repository comes from. */
export type OpenSource =
  | { kind: 'directory'; handle: FileSystemDirectoryHandle }
  | { kind: 'files'; label: string; files: { path: string; file: File }[] }
  | { kind: 'demo' };

/** A pack of the opened folder. */
export interface PackSummary {
  name: string;
  objects: number;
  packBytes: number;
  idxBytes: number;
  idxVersion: 1 | 2;
  packVersion: number;
  largeOffsets: number;
  hasRev: boolean;
  hasBitmap: boolean;
  hasKeep: boolean;
  hasPromisor: boolean;
  hasMtimes: boolean;
  coveredByMidx: boolean;
  mtimeMs: number;
}

/** A multi-pack-index chunk. */
export interface ChunkSummary {
  id: string;
  offset: number;
  length: number;
}

/** The multi-pack-index, flat or chain. */
export interface MidxSummary {
  file: string;
  kind: 'flat' | 'chain';
  version: number;
  layers: number;
  objects: number;
  packs: string[];
  chunks: ChunkSummary[];
  checksum: string;
}

/** A reference. */
export interface RefSummary {
  name: string;
  oid?: string;
  target?: string;
  peeled?: string;
}

/** What the overview shows; built from headers and fanouts only. */
export interface RepoSummary {
  /** The folder's name, for the title bar. */
  title: string;
  rootKind: 'worktree' | 'gitdir' | 'objects' | 'pack';
  hashAlgo: 'sha1' | 'sha256';
  packs: PackSummary[];
  /** Pack-like files that could not be opened (no idx, no pack, damaged). */
  midx: MidxSummary | undefined;
  looseObjects: number;
  refs: RefSummary[];
  head: { symbolic?: string; oid?: string } | undefined;
  /** Objects over all sources, duplicates counted once per copy (exact count needs the index). */
  objectEntries: number;
  problems: WireError[];
  /** Milliseconds from receiving the folder to this summary, in the worker. */
  openMs: number;
  /** Packs with no `.idx` beside them (index-pack can index them; see protocol/index-pack.ts). */
  packsWithoutIdx?: PackWithoutIdx[];
  /** The commit-graph files in objects/info, when there are any (not loaded for the summary). */
  commitGraph?: { kind: 'flat' | 'chain'; files: number; bytes: number };
}

/** A delta-chain step: the object itself first, its bases after. */
export interface ChainStepInfo {
  oid: string | undefined;
  offset: number;
  /** The entry's own type: an object type, or `ofs-delta` / `ref-delta`. */
  entryType: ObjectType | 'ofs-delta' | 'ref-delta';
  /** Declared size (for deltas, the delta data's size). */
  size: number;
  storedSize: number;
}

/** One row of the objects list. */
export interface ObjectRow {
  index: number;
  oid: string;
  type?: ObjectType;
  size?: number;
  storedSize?: number;
  /** Pack name, or `loose`. */
  pack?: string;
  offset?: number;
  depth?: number;
  error?: WireError;
}

/** A tree entry as the views show it. */
export interface TreeEntryInfo {
  mode: string;
  type: ObjectType;
  /** The name decoded for display (invalid UTF-8 shown with replacement characters). */
  name: string;
  /** The name as git prints it quoted, when it is not plain text. */
  quoted?: string;
  oid: string;
  /** Set when `name` (and `quoted`) hold only the start of a longer name: its length in bytes. */
  nameBytes?: number;
}

/** A header field of a commit or tag, cut for display when long. */
export interface HeaderInfo {
  key: string;
  value: string;
  /** Set when `value` holds only the start of the value: its length in bytes (continuation lines included). */
  valueBytes?: number;
}

/** The order of a tree's entries: as git stores them, or folders first then by name (Browse). */
export type TreeOrder = 'git' | 'browse';

/** A person line. */
export interface PersonInfo {
  name: string;
  email: string;
  time: number;
  zone: string;
  zoneMinutes: number;
}

/** Decoded content, by type. */
export type ObjectContent =
  | {
      kind: 'commit';
      tree: string;
      /** The first parents, in order (a hostile commit may have a million); `parentCount` counts them all. */
      parents: string[];
      parentCount: number;
      author: PersonInfo;
      committer: PersonInfo;
      encoding: string;
      /** The message, or its start when `messageBytes` is set. */
      message: string;
      /** Set when the message is cut: its length in bytes. */
      messageBytes?: number;
      /** The fields not shown in their own places (all but the first tree, author and committer and the parents), the first of them; `headerCount` counts them all. */
      headers: HeaderInfo[];
      headerCount: number;
    }
  | {
      kind: 'tag';
      object: string;
      targetType: ObjectType;
      name: string;
      tagger?: PersonInfo;
      message: string;
      /** Set when the message is cut: its length in bytes. */
      messageBytes?: number;
      /** The fields beyond the first object, type, tag and tagger, the first of them; `headerCount` counts them all. */
      headers: HeaderInfo[];
      headerCount: number;
    }
  /** The first entries in git's order; `total` counts them all (the rest come from `treeEntries`). */
  | { kind: 'tree'; entries: TreeEntryInfo[]; total: number }
  | {
      kind: 'blob';
      size: number;
      /** Text content when the blob is text (no NUL in the first 8000 bytes, valid enough UTF-8). */
      text?: string;
      /** Image type when the bytes are a PNG, JPEG, GIF, WebP, BMP, ICO or SVG. */
      image?: string;
      /** The first bytes, for the hex view of binary content. */
      head?: Uint8Array;
      /** True when text/head hold only the start of a larger blob. */
      truncated: boolean;
    };

/** Everything the object page shows. */
export interface ObjectDetail {
  oid: string;
  type: ObjectType;
  size: number;
  location:
    | { kind: 'packed'; pack: string; offset: number; storedSize: number; crc?: number; idxPosition: number; entryType: ChainStepInfo['entryType'] }
    | { kind: 'loose'; path: string; storedSize: number };
  chain: ChainStepInfo[];
  /** Undefined when the content could not be decoded; see `error`. */
  content?: ObjectContent;
  error?: WireError;
}

/** A commit in a history listing. */
export interface CommitRow {
  oid: string;
  /** The first parents; `parentCount` counts them all. */
  parents: string[];
  parentCount: number;
  author: PersonInfo;
  summary: string;
}

/** The answer to a browse request: the commit, its tree walked to `path`. */
export interface BrowseResult {
  commit: string;
  rootTree: string;
  path: string[];
  /** The object at the path: a tree (its first entries in browse order, `total` in all; the rest from `treeEntries`) or a blob. */
  target: { kind: 'tree'; oid: string; entries: TreeEntryInfo[]; total: number } | { kind: 'blob'; oid: string; mode: string };
}

/** Resolving a name typed by a person. */
export type ResolveResult = { kind: 'found'; oid: string; type: ObjectType } | { kind: 'ambiguous'; candidates: string[] } | { kind: 'missing'; reason: string };

/** Window-cache and delta-cache counters. */
export interface CacheStats {
  bytesRead: number;
  fileBytes: number;
  sourceReads: number;
  windowsOpen: number;
  bytesHeld: number;
  peakBytesHeld: number;
  hits: number;
  misses: number;
  deltaHits: number;
  deltaMisses: number;
  deltaBytesHeld: number;
}

/** Type filter for the objects list. */
export type TypeFilter = ObjectType | 'all';

/** Request name -> [arguments, result]. The anatomy views' requests are in anatomy.ts; the forensics tools' in verify.ts, find.ts, search.ts, evidence.ts and index-pack.ts; the diff views' in diff.ts. */
export interface Requests extends AnatomyRequests, CommitGraphRequests, BlameRequests, BrowseExtrasRequests, VerifyRequests, FindRequests, SearchRequests, EvidenceRequests, IndexPackRequests, HistoryGraphRequests, DiffRequests {
  open: [{ source: OpenSource }, RepoSummary];
  reload: [Record<string, never>, RepoSummary];
  /** Builds (once) the sorted, de-duplicated list of every object; reports progress. */
  objectIndex: [Record<string, never>, { count: number }];
  /** A page of the (filtered) list; a type filter first scans every object's type (progress). */
  objectPage: [{ start: number; count: number; filter: TypeFilter }, { rows: ObjectRow[]; total: number }];
  /** Where an id or prefix sits in the (filtered) list. */
  locateInList: [{ prefix: string; filter: TypeFilter }, { kind: 'found'; index: number; oid: string } | { kind: 'ambiguous'; candidates: string[] } | { kind: 'none' }];
  resolve: [{ name: string }, ResolveResult];
  object: [{ oid: string }, ObjectDetail];
  /** The whole blob (download, image preview, large text). */
  blobBytes: [{ oid: string }, { bytes: Uint8Array }];
  /** Full text of a text blob, for the virtualized viewer. */
  blobText: [{ oid: string }, { text: string }];
  browse: [{ rev: string; path: string[] }, BrowseResult];
  /** Entries [start, start + count) of a tree, in git's order or the browser's (folders first); at most 500 an answer. */
  treeEntries: [{ oid: string; order: TreeOrder; start: number; count: number }, { entries: TreeEntryInfo[]; total: number }];
  cacheStats: [Record<string, never>, CacheStats];
  /** The view the person is looking at (a route's view name); its long work goes first. */
  focus: [{ view: string }, Record<string, never>];
}

export type RequestName = keyof Requests;
export type ArgsOf<K extends RequestName> = Requests[K][0];
export type ResultOf<K extends RequestName> = Requests[K][1];

/** Page -> worker messages. */
export type ToWorker = { type: 'request'; id: number; name: RequestName; args: unknown } | { type: 'cancel'; id: number };

/** Worker -> page messages. */
export type FromWorker =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'progress'; id: number; done: number; total: number; label: string; unit?: string; etaMs?: number }
  | { type: 'partial'; id: number; chunk: unknown }
  /** The worker heard the cancel of request `id` (sent at once: a worker that cannot say so is stuck). */
  | { type: 'cancelled'; id: number }
  | { type: 'ready' };
