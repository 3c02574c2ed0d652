import type { WireError } from '../core/errors.ts';
import type { ObjectType } from '../core/objects/types.ts';
import type { ObjectRow, TreeEntryInfo, TreeOrder, PersonInfo, ObjectDetail } from '../core/objects/detail-types.ts';
import type { BrowseResult } from '../core/browse/types.ts';
import type { AnalysisRequests } from './analysis.ts';
import type { RepoSummary } from '../core/repo/summary.ts';
import type { AnatomyRequests } from './anatomy.ts';
import type { DiffRequests } from './diff.ts';
import type { BlameRequests } from './blame.ts';
import type { CommitGraphRequests } from './commit-graph.ts';
import type { BrowseExtrasRequests } from './browse-extras.ts';
import type { EvidenceRequests } from './evidence.ts';
import type { FindRequests } from './find.ts';
import type { HistoryGraphRequests } from './history-graph.ts';
import type { IndexPackRequests } from './index-pack.ts';
import type { SearchRequests } from './search.ts';
import type { VerifyRequests } from './verify.ts';

/**
 * The one typed map of everything the app can ask the worker, and what comes back. Every
 * request carries an id, can be cancelled, and may stream progress events. Shapes here are
 * plain data (structured-clone safe); byte arrays travel as transferables.
 */

export type { WireError, ObjectType };

/** Where a repository comes from. */
export type OpenSource = { kind: 'directory'; handle: FileSystemDirectoryHandle } | { kind: 'files'; label: string; files: { path: string; file: File }[] } | { kind: 'demo' };

/** The overview's data shapes live in core (core/repo/summary.ts), where the engine builds them. */
export type { PackSummary, ChunkSummary, MidxSummary, RefSummary, RepoSummary } from '../core/repo/summary.ts';

/** The object page's data shapes live in core (core/objects/detail-types.ts), where the engine builds them. */
export type { ChainStepInfo, ObjectRow, TreeEntryInfo, HeaderInfo, TreeOrder, PersonInfo, ObjectContent, ObjectDetail } from '../core/objects/detail-types.ts';

/** Browse's answer lives in core (core/browse/types.ts). */
export type { BrowseResult } from '../core/browse/types.ts';

/** A commit in a history listing. */
export interface CommitRow {
  oid: string;
  /** The first parents; `parentCount` counts them all. */
  parents: string[];
  parentCount: number;
  author: PersonInfo;
  summary: string;
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
export interface Requests
  extends AnatomyRequests,
    CommitGraphRequests,
    BlameRequests,
    BrowseExtrasRequests,
    VerifyRequests,
    FindRequests,
    SearchRequests,
    EvidenceRequests,
    IndexPackRequests,
    HistoryGraphRequests,
    DiffRequests,
    AnalysisRequests {
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
