import { PackscopeError, fail } from '../errors.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import { parseTag } from '../objects/tag.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { RefMap } from '../repo/refs.ts';
import type { Pacing } from '../pacing.ts';
import { resolveToOid } from '../browse/browse.ts';
import { commitLinks, databaseBlobs, walkChanges, type Changes } from './changes.ts';
import { denseKeeps, walkCombined, type CombinedPath } from './combined.ts';
import { decodeCombined, type DecodedCombined } from './combined-hunks.ts';
import type { DecodedHunk } from './decode.ts';
import { sideContent } from './pair-text.ts';
import { countLines, decodePatch, isBinaryBlob } from './patch.ts';
import { splitLines } from './lines.ts';
import type { BlobReader } from './renames.ts';
import { MODE_FILE, canonMode, isGitlinkMode, type FilePair, type FileSide } from './tree-diff.ts';

/**
 * The diff views' questions answered from the object database: what a target names (commits,
 * trees or blobs, tags peeled), the comparison between its ends, line counts and hunks of one
 * file pair, git's combined view of a merge, and lines of a blob. Every blob is read under
 * `maxBlobBytes` (a hostile 2 GB blob is never read whole); the worker adapts these to the
 * protocol (hex, quoted paths, wire errors) and keeps comparisons between pages.
 */

/** What to compare (the protocol's DiffTarget is this type). */
export type DiffTarget =
  /** A commit against its parent `parent` (1-based, as `<commit>^<n>`); a root commit (or `parent: 0`) against the empty tree. */
  | { kind: 'commit'; rev: string; parent: number }
  /** A merge against all its parents at once: the files that differ from every parent (git's combined view, `diff-tree -c`). */
  | { kind: 'combined'; rev: string }
  /** Any two names (commits, trees, refs, tags, blobs, `rev:path`), `from..to`; two blobs compare as one file. */
  | { kind: 'pair'; from: string; to: string };

/** The ends of a comparison, resolved (the protocol's DiffEnds is this type). */
export interface DiffEnds {
  /** The commit (for `commit`/`combined` targets, or a `pair` whose ends are commits). */
  fromCommit?: string;
  toCommit?: string;
  /** The trees compared (empty tree id for a root commit); absent when two blobs are compared. */
  fromTree?: string;
  toTree?: string;
  /** The commit's parents (all of them; `commit`/`combined` targets). */
  parents?: string[];
  /** Set when two blobs were compared (`pair` of blobs). */
  blobs?: { from: string; to: string };
}

/** Caps of the diff requests (the protocol's DIFF_LIMITS fits). */
export interface DiffRequestLimits {
  /** Changes kept per comparison. */
  readonly maxFiles: number;
  /** Blobs larger than this get no line counts, hunks or rename score. */
  readonly maxBlobBytes: number;
  /** Lines of hunks per file. */
  readonly maxHunkLines: number;
  /** Bytes of one line. */
  readonly maxLineBytes: number;
  /** Lines per blob-lines answer. */
  readonly maxBlobLines: number;
}

/** Why a file has no line counts or hunks. */
export type SideSkip = 'too-large' | 'missing' | 'submodule' | 'unreadable';

/** Most merge parents the combined view is computed for (each costs a tree walk). */
export const MAX_COMBINED_VIEW_PARENTS = 64;

/** Peels tags down to a commit, tree or blob. */
export function peelTags(db: ObjectDatabase, oid: Uint8Array): { type: 'commit' | 'tree' | 'blob'; oid: Uint8Array } {
  for (let hops = 0; hops < 100; hops++) {
    const type = db.info(oid).type;
    if (type !== 'tag') return { type, oid };
    oid = fromHex(parseTag(db.read(oid).data).object);
  }
  return fail('BadName', 'tag chain longer than 100');
}

/** The commit `rev` names (tags peeled); fails for a tree or blob. */
export function commitOf(db: ObjectDatabase, refs: RefMap, rev: string): Uint8Array {
  const p = peelTags(db, resolveToOid(db, refs, rev));
  if (p.type !== 'commit') fail('BadName', `${rev} is a ${p.type}, not a commit`);
  return p.oid;
}

/** What a target compares: two trees (undefined: the empty tree), or two blobs. */
export interface ResolvedTarget {
  ends: DiffEnds;
  from: Uint8Array | undefined;
  to: Uint8Array | undefined;
  blobs?: { from: FileSide; to: FileSide };
}

/** Resolves a target's names to the trees (or blobs) it compares. */
export function resolveTarget(db: ObjectDatabase, refs: RefMap, target: DiffTarget): ResolvedTarget {
  if (target.kind === 'commit' || target.kind === 'combined') {
    const commit = commitOf(db, refs, target.rev);
    const { tree, parents } = commitLinks(db, commit);
    const ends: DiffEnds = { toCommit: toHex(commit), toTree: toHex(tree), parents: parents.map((p) => toHex(p)) };
    const n = target.kind === 'commit' ? target.parent : 1;
    if (n < 0 || !Number.isInteger(n)) fail('BadName', `parent ${n} is not a parent number`);
    if (n === 0 || parents.length === 0) return { ends, from: undefined, to: tree };
    if (n > parents.length) fail('NotFound', `${toHex(commit)} has ${parents.length} parent${parents.length === 1 ? '' : 's'}, not ${n}`);
    const parent = parents[n - 1];
    if (!db.has(parent)) fail('NotFound', `parent ${toHex(parent)} is not in this repository (a shallow or partial history)`);
    const from = commitLinks(db, parent).tree;
    return { ends: { ...ends, fromCommit: toHex(parent), fromTree: toHex(from) }, from, to: tree };
  }
  const a = peelTags(db, resolveToOid(db, refs, target.from));
  const b = peelTags(db, resolveToOid(db, refs, target.to));
  if (a.type === 'blob' || b.type === 'blob') {
    if (a.type !== b.type) fail('BadName', `${target.from} is a ${a.type} and ${target.to} a ${b.type}: compare two blobs or two tree-ishes`);
    const pathOf = (name: string): Uint8Array => new TextEncoder().encode(name.includes(':') ? name.slice(name.indexOf(':') + 1) : name);
    const from = { path: pathOf(target.from), mode: MODE_FILE, oid: a.oid };
    const to = { path: pathOf(target.to), mode: MODE_FILE, oid: b.oid };
    return { ends: { blobs: { from: toHex(a.oid), to: toHex(b.oid) } }, from: undefined, to: undefined, blobs: { from, to } };
  }
  const side = (p: { type: string; oid: Uint8Array }) => (p.type === 'commit' ? { commit: p.oid, tree: commitLinks(db, p.oid).tree } : { commit: undefined, tree: p.oid });
  const from = side(a);
  const to = side(b);
  const ends: DiffEnds = { fromTree: toHex(from.tree), toTree: toHex(to.tree) };
  if (from.commit) ends.fromCommit = toHex(from.commit);
  if (to.commit) ends.toCommit = toHex(to.commit);
  return { ends, from: from.tree, to: to.tree };
}

/** What identifies a resolved target's comparison (two commits sharing trees share it). */
export function comparisonKey(resolved: ResolvedTarget, renames: boolean, copies: boolean): string {
  return resolved.blobs ? `blobs ${resolved.ends.blobs?.from}..${resolved.ends.blobs?.to}` : `${resolved.ends.fromTree ?? 'empty'}..${resolved.ends.toTree} ${renames} ${copies}`;
}

/**
 * Blobs for rename scoring, refusing contents over `maxBlobBytes` (a hostile 2 GB blob would
 * otherwise be read and hashed whole): such a blob scores 0, as a missing one.
 */
export function cappedBlobs(db: ObjectDatabase, maxBlobBytes: number): BlobReader {
  const all = databaseBlobs(db);
  return {
    size: (oid) => all.size(oid),
    data: (oid) => {
      const size = all.size(oid);
      return size === undefined || size > maxBlobBytes ? undefined : all.data(oid);
    },
  };
}

/** Runs a sliced core generator, reporting and yielding between slices (the worker's cancel point). */
async function drive<T>(gen: Generator<number, T>, pacing: Pacing, label: string): Promise<T> {
  for (;;) {
    const step = gen.next();
    if (step.done) return step.value;
    pacing.progress(step.value, 0, label);
    await pacing.pause();
  }
}

/**
 * The changes a resolved target makes, as `git diff-tree -r [-M] [-C]` lists them (two blobs:
 * one modified file, or none when they are the same), at most `limits.maxFiles`.
 */
export async function compareTarget(
  db: ObjectDatabase,
  resolved: ResolvedTarget,
  options: { renames: boolean; copies: boolean },
  limits: Pick<DiffRequestLimits, 'maxFiles' | 'maxBlobBytes'>,
  pacing: Pacing,
): Promise<Changes> {
  if (resolved.blobs) {
    const { from, to } = resolved.blobs;
    const same = toHex(from.oid) === toHex(to.oid);
    return { pairs: same ? [] : [{ status: 'M', old: from, new: to, score: 0 }], truncated: false, renames: 'off', missing: [] };
  }
  const options_ = { recursive: true, renames: options.renames, copies: options.copies, keepGoing: true, limits: { maxPairs: limits.maxFiles } };
  return drive(walkChanges(db, resolved.from, resolved.to, options_, cappedBlobs(db, limits.maxBlobBytes)), pacing, 'Comparing trees');
}

/** A side's bytes for line counts or hunks, or why not. */
export type SideRead = { data: Uint8Array; size?: number } | { skipped: SideSkip; size?: number; error?: PackscopeError };

/** Reads a side (undefined: absent, empty) under `maxBlobBytes`; a submodule reads as git's "Subproject commit" line. */
export function readSide(db: ObjectDatabase, side: FileSide | undefined, maxBlobBytes: number): SideRead {
  if (!side) return { data: new Uint8Array(0) };
  if (isGitlinkMode(side.mode)) return { data: sideContent(db, side) };
  if (!db.has(side.oid)) return { skipped: 'missing', error: new PackscopeError('NotFound', `blob ${toHex(side.oid)} is not in this repository (a partial clone?)`) };
  let size: number;
  try {
    size = db.info(side.oid).size;
  } catch (err) {
    return { skipped: 'unreadable', error: asError(err) };
  }
  if (size > maxBlobBytes) return { skipped: 'too-large', size };
  try {
    return { data: sideContent(db, side), size };
  } catch (err) {
    return { skipped: 'unreadable', size, error: asError(err) };
  }
}

function asError(err: unknown): PackscopeError {
  return err instanceof PackscopeError ? err : new PackscopeError('CorruptObject', err instanceof Error ? err.message : String(err));
}

/** A file pair's sizes and line counts, as `git diff --numstat` counts them. */
export interface PairStats {
  /** Blob sizes when read (not for absent sides and submodules). */
  oldSize?: number;
  newSize?: number;
  added?: number;
  deleted?: number;
  binary: boolean;
  skipped?: SideSkip;
  error?: PackscopeError;
}

/** Sizes and line counts of one pair, each side read under `maxBlobBytes`. */
export function pairStats(db: ObjectDatabase, pair: FilePair, maxBlobBytes: number): PairStats {
  const stats: PairStats = { binary: false };
  const a = readSide(db, pair.old, maxBlobBytes);
  const b = readSide(db, pair.new, maxBlobBytes);
  if (pair.old && !isGitlinkMode(pair.old.mode) && a.size !== undefined) stats.oldSize = a.size;
  if (pair.new && !isGitlinkMode(pair.new.mode) && b.size !== undefined) stats.newSize = b.size;
  if ('skipped' in a || 'skipped' in b) {
    const failed = 'skipped' in a ? a : (b as Extract<typeof b, { skipped: unknown }>);
    stats.skipped = failed.skipped;
    if (failed.error) stats.error = failed.error;
  } else if ((pair.old && isGitlinkMode(pair.old.mode)) || (pair.new && isGitlinkMode(pair.new.mode))) {
    stats.skipped = 'submodule';
  } else if (isBinaryBlob(a.data) || isBinaryBlob(b.data)) {
    stats.binary = true;
  } else if (pair.old && pair.new && toHex(pair.old.oid) === toHex(pair.new.oid)) {
    stats.added = 0;
    stats.deleted = 0;
  } else {
    const counts = countLines(a.data, b.data);
    stats.added = counts.added;
    stats.deleted = counts.deleted;
  }
  return stats;
}

/** A merge's combined view: its ends and the paths kept (all of -c's, or --cc's). */
export interface CombinedView {
  ends: DiffEnds;
  paths: CombinedPath[];
  truncated: boolean;
}

/**
 * git's combined view of a merge: the paths that differ from every parent, in git's order, each
 * with its status against each parent (no renames) — as `diff-tree -c` lists them, or (`dense`)
 * as `diff-tree --cc` shows them.
 */
export async function combinedView(db: ObjectDatabase, refs: RefMap, rev: string, dense: boolean, limits: Pick<DiffRequestLimits, 'maxFiles' | 'maxBlobBytes'>, pacing: Pacing): Promise<CombinedView> {
  const commit = commitOf(db, refs, rev);
  const { tree, parents } = commitLinks(db, commit);
  const ends: DiffEnds = { toCommit: toHex(commit), toTree: toHex(tree), parents: parents.map((p) => toHex(p)) };
  if (parents.length < 2) fail('BadName', `${toHex(commit)} is not a merge: it has ${parents.length} parent${parents.length === 1 ? '' : 's'}`);
  // A hostile commit may list thousands of parents; git's combined diff handles any number,
  // but each costs a tree walk: a bound keeps the request finite.
  if (parents.length > MAX_COMBINED_VIEW_PARENTS) fail('TooLarge', `${toHex(commit)} has ${parents.length} parents; the combined view is shown for at most ${MAX_COMBINED_VIEW_PARENTS}`);
  for (const p of parents) if (!db.has(p)) fail('NotFound', `parent ${toHex(p)} is not in this repository (a shallow or partial history)`);
  const parentTrees = parents.map((p) => commitLinks(db, p).tree);
  const { paths, truncated } = await drive(walkCombined(db, tree, parentTrees, { maxPairs: limits.maxFiles }), pacing, 'Comparing with each parent');
  if (!dense) return { ends, paths, truncated };
  const kept: CombinedPath[] = [];
  for (let i = 0; i < paths.length; i++) {
    if (denseKept(db, paths[i], limits.maxBlobBytes)) kept.push(paths[i]);
    if (i % 8 === 7) {
      pacing.progress(i + 1, paths.length, 'Reading the merged files');
      await pacing.pause();
    }
  }
  return { ends, paths: kept, truncated };
}

/**
 * --cc's choice for one path, within the blob cap: a side over `maxBlobBytes`, or one that
 * cannot be read, keeps the path (shown, as -c shows it) rather than guess.
 */
export function denseKept(db: ObjectDatabase, p: CombinedPath, maxBlobBytes: number): boolean {
  const sides = [{ mode: p.mode, oid: p.oid }, ...p.parents];
  for (const s of sides) {
    if (s.mode === 0 || isGitlinkMode(s.mode)) continue;
    if (!db.has(s.oid) || db.info(s.oid).size > maxBlobBytes) return true;
  }
  try {
    return denseKeeps(db, p);
  } catch (err) {
    if (err instanceof PackscopeError) return true;
    throw err;
  }
}

/** A side named by hex id (and octal mode, as a file list gives them); undefined for an absent side ('' or the zero id). */
export function sideById(db: ObjectDatabase, oid: string, mode: string | undefined): FileSide | undefined {
  const clean = oid.trim().toLowerCase();
  if (clean === '' || /^0+$/.test(clean)) return undefined;
  if (clean.length !== db.algo.hexSize || !/^[0-9a-f]+$/.test(clean)) fail('BadName', `"${oid.slice(0, 80)}" is not a full object id`);
  const parsed = mode !== undefined && /^[0-7]{1,7}$/.test(mode) ? canonMode(parseInt(mode, 8)) : MODE_FILE;
  return { path: new Uint8Array(0), mode: parsed, oid: fromHex(clean) };
}

/** One file's hunks for display, or why there are none. */
export interface PairHunks {
  hunks: DecodedHunk[];
  added: number;
  deleted: number;
  oldLines: number;
  newLines: number;
  binary: boolean;
  oldSize: number;
  newSize: number;
  cut: { lines: number; longLines: number };
  skipped?: SideSkip | 'binary';
  error?: PackscopeError;
}

/** Hunks between two sides (`context` lines around changes, or `whole`: the whole file), capped by `limits`. */
export function pairHunks(
  db: ObjectDatabase,
  old: FileSide | undefined,
  neu: FileSide | undefined,
  options: { context?: number; whole?: boolean },
  limits: Pick<DiffRequestLimits, 'maxBlobBytes' | 'maxHunkLines' | 'maxLineBytes'>,
): PairHunks {
  const a = readSide(db, old, limits.maxBlobBytes);
  const b = readSide(db, neu, limits.maxBlobBytes);
  const empty: PairHunks = { hunks: [], added: 0, deleted: 0, oldLines: 0, newLines: 0, binary: false, oldSize: a.size ?? 0, newSize: b.size ?? 0, cut: { lines: 0, longLines: 0 } };
  if ('skipped' in a || 'skipped' in b) {
    const failed = 'skipped' in a ? a : (b as Extract<typeof b, { skipped: unknown }>);
    return { ...empty, skipped: failed.skipped, ...(failed.error ? { error: failed.error } : {}) };
  }
  const oldLines = splitLines(a.data).count;
  const newLines = splitLines(b.data).count;
  const sizes = { oldLines, newLines, oldSize: a.data.length, newSize: b.data.length };
  if (isBinaryBlob(a.data) || isBinaryBlob(b.data)) return { ...empty, ...sizes, binary: true, skipped: 'binary' };
  const context = options.whole ? Math.max(oldLines, newLines) : Math.max(0, Math.min(10_000, Math.floor(options.context ?? 3)));
  const patch = decodePatch(a.data, b.data, { context, maxLines: limits.maxHunkLines, maxLineBytes: limits.maxLineBytes });
  return { ...empty, ...sizes, hunks: patch.hunks, added: patch.added, deleted: patch.deleted, cut: { lines: patch.cut.lines, longLines: patch.cut.longLines } };
}

/** A merge's file as git's combined patch shows it (`dense`: --cc, else -c), or why not. */
export type MergeFileHunks = DecodedCombined & { skipped?: SideSkip; error?: PackscopeError };

/** A merge's file hunks from its result side and each parent's side, capped by `limits`. */
export function mergeFileHunks(
  db: ObjectDatabase,
  result: FileSide | undefined,
  parents: (FileSide | undefined)[],
  options: { dense: boolean; context?: number },
  limits: Pick<DiffRequestLimits, 'maxBlobBytes' | 'maxHunkLines' | 'maxLineBytes'>,
): MergeFileHunks {
  const merged = readSide(db, result, limits.maxBlobBytes);
  const sides = parents.map((p) => readSide(db, p, limits.maxBlobBytes));
  const empty: MergeFileHunks = { binary: false, tooLarge: false, tooManyParents: false, approximate: false, hunks: [], cut: { lines: 0, hunks: 0, longLines: 0 } };
  for (const side of [merged, ...sides]) {
    if ('skipped' in side) return { ...empty, skipped: side.skipped, ...(side.error ? { error: side.error } : {}) };
  }
  const data = (side: SideRead): Uint8Array => ('data' in side ? side.data : new Uint8Array(0));
  const context = Math.max(0, Math.min(10_000, Math.floor(options.context ?? 3)));
  return decodeCombined(sides.map(data), data(merged), { dense: options.dense, context, maxLines: limits.maxHunkLines, maxLineBytes: limits.maxLineBytes });
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Lines [start, start + count) (1-based, at most `maxBlobLines`) of a blob, decoded for display. */
export function blobLines(
  db: ObjectDatabase,
  side: FileSide,
  start: number,
  count: number,
  limits: Pick<DiffRequestLimits, 'maxBlobBytes' | 'maxBlobLines' | 'maxLineBytes'>,
): { start: number; lines: string[]; total: number } {
  const read = readSide(db, side, limits.maxBlobBytes);
  if ('skipped' in read) {
    if (read.error) throw read.error;
    fail('TooLarge', `blob ${toHex(side.oid)} is ${read.size} bytes, over the ${limits.maxBlobBytes}-byte limit for showing lines`);
  }
  const table = splitLines(read.data);
  const first = Math.max(1, Math.floor(start));
  const end = Math.min(table.count + 1, first + Math.max(0, Math.min(limits.maxBlobLines, Math.floor(count))));
  const lines: string[] = [];
  for (let i = first; i < end; i++) {
    const from = table.starts[i - 1];
    let to = table.starts[i];
    if (to > from && read.data[to - 1] === 0x0a) to--;
    if (to - from > limits.maxLineBytes) to = from + limits.maxLineBytes;
    lines.push(utf8.decode(read.data.subarray(from, to)));
  }
  return { start: first, lines, total: table.count };
}
