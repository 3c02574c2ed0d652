import type { WireError } from '../errors.ts';
import type { ObjectType } from '../objects/types.ts';
import type { RootKind } from '../reach/reachability.ts';
import type { CopyCheck, StoredCopy } from './duplicates.ts';

/**
 * What the find tools answer: reachability (what refs, HEAD and the index reach, and what nothing
 * reaches, as `git fsck --unreachable --no-reflogs` sees it) and objects stored more than once.
 * Plain data, built by core/find/*.ts.
 */

/** A root of the walk (index entries are only counted). */
export interface ReachRootRow {
  kind: RootKind;
  name: string;
  oid: string;
}

/** An object nothing reaches, with what a person needs to recognise it. */
export interface UnreachableRow {
  oid: string;
  /** Undefined when the object cannot be read (then `error` says why). */
  type?: ObjectType;
  /** No other object names it: a tip of what was lost (git's "dangling"). Never set with `unreadable`. */
  dangling: boolean;
  /**
   * Reading or parsing it failed (`error` says why): what it names is unknown, so it is its own
   * category, neither dangling nor offered in lost-found.
   */
  unreadable?: boolean;
  size?: number;
  /** Commits: the first line of the message, the author, the author date (seconds) and zone. */
  summary?: string;
  author?: string;
  time?: number;
  zone?: string;
  /** Commits: the tree (browsable); tags: the tagged object. */
  tree?: string;
  /** Tags: the tag's name and what it points at. */
  tagName?: string;
  target?: string;
  targetType?: ObjectType;
  /** Trees: number of entries. */
  entries?: number;
  /** `pack-<hash>` or `loose`; the file holding it (relative to the opened folder) and, packed, the entry offset. */
  pack: string;
  file: string;
  offset?: number;
  error?: WireError;
}

/** What reachability found. */
export interface ReachabilityResult {
  /** 'refs': refs, HEAD and the index were the roots; 'tips': there were none, so the tips were. */
  mode: 'refs' | 'tips';
  roots: ReachRootRow[];
  indexEntries: number;
  /** Reflog files in the folder, and whether this walk counted the ids they name as roots. */
  reflogFiles: number;
  reflogsAreRoots: boolean;
  /** Ids named by reflogs (0 when they are not roots), and those naming missing objects. */
  reflogEntries: number;
  invalidReflogEntries: { ref: string; oid: string }[];
  /** The staging index exists but could not be parsed (its entries then do not count). */
  indexProblem?: WireError;
  objects: number;
  reachable: number;
  unreachable: UnreachableRow[];
  /** `promised`: named by an object in a promisor pack (a partial clone left it out on purpose). */
  missing: { oid: string; type: ObjectType; from: string; fromType?: ObjectType; promised?: boolean }[];
  brokenRoots: { name: string; oid: string }[];
  unreadable: { oid: string; error: WireError }[];
  /** Time the walk took, in milliseconds (0 when the cached answer was returned). */
  ms: number;
}

/** A duplicated object: every copy, which one git reads and why, and whether all hold the same bytes. */
export interface DuplicateRow {
  oid: string;
  type?: ObjectType;
  size?: number;
  copies: StoredCopy[];
  reason: string;
  identical: boolean;
  /** Per copy (same order as `copies`): decoded type/size, id check, error. */
  checks: CopyCheck[];
}

/** All duplicated objects. */
export interface DuplicatesResult {
  duplicates: DuplicateRow[];
  /** Copies in several packs only / involving a loose copy. */
  packedOnly: number;
  withLoose: number;
  /** Rows whose copies differ or could not be read. */
  differing: number;
  /** Stored copies merged (all idx entries and loose files). */
  copiesScanned: number;
  ms: number;
}
