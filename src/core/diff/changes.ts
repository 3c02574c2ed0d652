import { fail } from '../errors.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import { parseCommit } from '../objects/commit.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { detectRenames, type BlobReader, type RenameOptions } from './renames.ts';
import { runToEnd, walkTreeDiff, type FilePair, type TreeDiffLimits } from './tree-diff.ts';

/**
 * What changed between two trees, as `git diff-tree [-r] [-M|-C]` reports it: the tree walk,
 * then rename (and copy) detection. Also the small readers both need: a commit's tree and
 * parents, and blob sizes and contents that tolerate objects a partial clone does not have.
 */

/** Options of a comparison. */
export interface ChangesOptions extends RenameOptions {
  /** `-r` (default true). */
  recursive?: boolean;
  /** `-M` (default false here; the views turn it on). `copies` implies it. */
  renames?: boolean;
  /** An unreadable subtree is a pair with an error instead of a failure (see TreeDiffOptions). */
  keepGoing?: boolean;
  limits?: Partial<TreeDiffLimits>;
}

/** A comparison's outcome. */
export interface Changes {
  pairs: FilePair[];
  /** The tree walk stopped at `limits.maxPairs`. */
  truncated: boolean;
  /** `exact-only`: git's rename limit skipped the inexact pass. */
  renames: 'full' | 'exact-only' | 'off';
  /** Blobs rename detection needed and could not read (a partial clone); they scored 0. */
  missing: string[];
  /** git's needed_rename_limit when the rename limit was checked (see RenameResult). */
  neededLimit?: number;
}

/** A commit's tree and parents, by raw id. */
export function commitLinks(db: ObjectDatabase, oid: Uint8Array): { tree: Uint8Array; parents: Uint8Array[] } {
  const obj = db.read(oid);
  if (obj.type !== 'commit') fail('BadName', `${toHex(oid)} is a ${obj.type}, not a commit`);
  const c = parseCommit(obj.data);
  return { tree: parseId(db, c.tree), parents: c.parents.map((p) => parseId(db, p)) };
}

function parseId(db: ObjectDatabase, hex: string): Uint8Array {
  if (hex.length !== db.algo.hexSize || !/^[0-9a-f]+$/.test(hex)) fail('CorruptObject', `commit names "${hex.slice(0, 80)}", which is not an object id`);
  return fromHex(hex);
}

/** Blob sizes and contents from the database; undefined for an object it does not hold. */
export function databaseBlobs(db: ObjectDatabase): BlobReader {
  return {
    size(oid) {
      if (!db.has(oid)) return undefined;
      return db.info(oid).size;
    },
    data(oid) {
      if (!db.has(oid)) return undefined;
      return db.read(oid).data;
    },
  };
}

/** The comparison as a sliced generator (yields running work counts; see tree-diff.ts). */
export function* walkChanges(
  db: ObjectDatabase,
  oldTree: Uint8Array | undefined,
  newTree: Uint8Array | undefined,
  options: ChangesOptions = {},
  blobs: BlobReader = databaseBlobs(db),
): Generator<number, Changes> {
  const walked = yield* walkTreeDiff(db, oldTree, newTree, { recursive: options.recursive, limits: options.limits, keepGoing: options.keepGoing });
  if (!(options.renames || options.copies)) return { pairs: walked.pairs, truncated: walked.truncated, renames: 'off', missing: [] };
  const found = yield* detectRenames(walked.pairs, blobs, options);
  return { pairs: found.pairs, truncated: walked.truncated, renames: found.inexact === 'skipped' ? 'exact-only' : 'full', missing: found.missing, neededLimit: found.neededLimit };
}

/** `walkChanges` run to its end. */
export function changesBetween(db: ObjectDatabase, oldTree: Uint8Array | undefined, newTree: Uint8Array | undefined, options: ChangesOptions = {}): Changes {
  return runToEnd(walkChanges(db, oldTree, newTree, options));
}
