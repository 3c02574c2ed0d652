import { PackscopeError, fail, toWire } from '../core/errors.ts';
import { fromHex, toHex } from '../core/hash/hex.ts';
import { commitLinks, databaseBlobs, walkChanges, type Changes } from '../core/diff/changes.ts';
import { denseKeeps, walkCombined, type CombinedPath } from '../core/diff/combined.ts';
import { decodeCombined } from '../core/diff/combined-hunks.ts';
import type { BlobReader } from '../core/diff/renames.ts';
import { needsQuoting, quoted, similarityPercent } from '../core/diff/diff-format.ts';
import { sideContent } from '../core/diff/pair-text.ts';
import { countLines, decodePatch, isBinaryBlob } from '../core/diff/patch.ts';
import { splitLines } from '../core/diff/lines.ts';
import { MODE_FILE, canonMode, isGitlinkMode, modeOctal, type FileSide } from '../core/diff/tree-diff.ts';
import { parseTag } from '../core/objects/tag.ts';
import type { ObjectDatabase } from '../core/odb/database.ts';
import type { RefMap } from '../core/repo/refs.ts';
import type { HandlerContext } from '../protocol/rpc.ts';
import { DIFF_LIMITS, type BlobLines, type CombinedFileInfo, type CombinedHunks, type CombinedPage, type DiffEnds, type DiffFileInfo, type DiffPage, type DiffRequests, type DiffSideInfo, type DiffTarget, type FileHunks } from '../protocol/diff.ts';
import type { Handlers } from '../protocol/rpc.ts';
import { resolveToOid } from '../core/browse/browse.ts';
import type { Session } from './session.ts';
import { current } from './state.ts';

/**
 * The diff views' requests over core/diff: a comparison (tree walk and rename detection) is
 * computed once per open folder and kept (the last few), and answered in pages; line counts
 * are computed for the files of a page only, each blob read under DIFF_LIMITS.maxBlobBytes.
 * The long steps yield between slices, so a comparison can be cancelled and lookups go on.
 */

/** A comparison kept between pages. */
interface Comparison {
  ends: DiffEnds;
  changes: Changes;
  /** Line counts computed so far, by file index. */
  stats: Map<number, Pick<DiffFileInfo, 'added' | 'deleted' | 'binary' | 'skipped' | 'error' | 'old' | 'new'>>;
}

/** Comparisons kept per session, and the pairs they may hold together (a huge one is up to DIFF_LIMITS.maxFiles). */
const KEPT = 4;
const KEPT_PAIRS = 2 * DIFF_LIMITS.maxFiles;
const kept = new WeakMap<Session, Map<string, Comparison>>();

const utf8 = new TextDecoder('utf-8', { fatal: false });
const latin1 = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
};

/** A path for display, and git's quoted form when git would quote it. */
function pathInfo(path: Uint8Array): { path: string; quoted?: string } {
  const shown = utf8.decode(path);
  return needsQuoting(path) ? { path: shown, quoted: latin1(quoted(path)) } : { path: shown };
}

/** Peels tags down to a commit, tree or blob. */
function peelTags(db: ObjectDatabase, oid: Uint8Array): { type: 'commit' | 'tree' | 'blob'; oid: Uint8Array } {
  for (let hops = 0; hops < 100; hops++) {
    const type = db.info(oid).type;
    if (type !== 'tag') return { type, oid };
    oid = fromHex(parseTag(db.read(oid).data).object);
  }
  return fail('BadName', 'tag chain longer than 100');
}

function commitOf(db: ObjectDatabase, refs: RefMap, rev: string): Uint8Array {
  const p = peelTags(db, resolveToOid(db, refs, rev));
  if (p.type !== 'commit') fail('BadName', `${rev} is a ${p.type}, not a commit`);
  return p.oid;
}

/** What a target compares: two trees (undefined: the empty tree), or two blobs. */
type Resolved = { ends: DiffEnds; from: Uint8Array | undefined; to: Uint8Array | undefined; blobs?: { from: FileSide; to: FileSide } };

function resolveTarget(db: ObjectDatabase, refs: RefMap, target: DiffTarget): Resolved {
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

/**
 * Blobs for rename scoring, refusing contents over DIFF_LIMITS.maxBlobBytes (a hostile 2 GB
 * blob would otherwise be read and hashed whole): such a blob scores 0, as a missing one.
 */
function cappedBlobs(db: ObjectDatabase): BlobReader {
  const all = databaseBlobs(db);
  return {
    size: (oid) => all.size(oid),
    data: (oid) => {
      const size = all.size(oid);
      return size === undefined || size > DIFF_LIMITS.maxBlobBytes ? undefined : all.data(oid);
    },
  };
}

/** Drives a sliced core generator, pausing (and honouring cancel) between slices. */
async function drive<T>(gen: Generator<number, T>, ctx: HandlerContext, label: string): Promise<T> {
  for (;;) {
    const step = gen.next();
    if (step.done) return step.value;
    ctx.progress(step.value, 0, label);
    await ctx.pause();
  }
}

async function comparison(session: Session, target: DiffTarget, renames: boolean, copies: boolean, ctx: HandlerContext): Promise<Comparison> {
  const { db, refs } = session;
  const resolved = resolveTarget(db, refs, target);
  const key = resolved.blobs ? `blobs ${resolved.ends.blobs?.from}..${resolved.ends.blobs?.to}` : `${resolved.ends.fromTree ?? 'empty'}..${resolved.ends.toTree} ${renames} ${copies}`;
  let map = kept.get(session);
  if (!map) kept.set(session, (map = new Map()));
  const known = map.get(key);
  if (known) {
    // Most recently used last; the ends are the target's own (two commits may share trees).
    map.delete(key);
    map.set(key, known);
    return { ...known, ends: resolved.ends };
  }
  let changes: Changes;
  if (resolved.blobs) {
    const { from, to } = resolved.blobs;
    const same = toHex(from.oid) === toHex(to.oid);
    changes = { pairs: same ? [] : [{ status: 'M', old: from, new: to, score: 0 }], truncated: false, renames: 'off', missing: [] };
  } else {
    changes = await drive(walkChanges(db, resolved.from, resolved.to, { recursive: true, renames, copies, keepGoing: true, limits: { maxPairs: DIFF_LIMITS.maxFiles } }, cappedBlobs(db)), ctx, 'Comparing trees');
  }
  const made: Comparison = { ends: resolved.ends, changes, stats: new Map() };
  map.set(key, made);
  // Oldest first out, until few enough are kept and their pairs fit (the newest always stays).
  let pairsKept = 0;
  for (const c of map.values()) pairsKept += c.changes.pairs.length;
  while (map.size > 1 && (map.size > KEPT || pairsKept > KEPT_PAIRS)) {
    const oldest = map.keys().next().value as string;
    pairsKept -= (map.get(oldest) as Comparison).changes.pairs.length;
    map.delete(oldest);
  }
  return made;
}

function sideInfo(db: ObjectDatabase, side: FileSide | undefined): DiffSideInfo {
  if (!side) return { path: '', mode: '000000', oid: '0'.repeat(db.algo.hexSize) };
  const info: DiffSideInfo = { ...pathInfo(side.path), mode: modeOctal(side.mode), oid: toHex(side.oid) };
  return info;
}

/** Reads a side for line counts or hunks: its bytes, or why not. */
function readSide(db: ObjectDatabase, side: FileSide | undefined): { data: Uint8Array; size?: number } | { skipped: NonNullable<DiffFileInfo['skipped']>; size?: number; error?: PackscopeError } {
  if (!side) return { data: new Uint8Array(0) };
  if (isGitlinkMode(side.mode)) return { data: sideContent(db, side) };
  if (!db.has(side.oid)) return { skipped: 'missing', error: new PackscopeError('NotFound', `blob ${toHex(side.oid)} is not in this repository (a partial clone?)`) };
  let size: number;
  try {
    size = db.info(side.oid).size;
  } catch (err) {
    return { skipped: 'unreadable', error: asError(err) };
  }
  if (size > DIFF_LIMITS.maxBlobBytes) return { skipped: 'too-large', size };
  try {
    return { data: sideContent(db, side), size };
  } catch (err) {
    return { skipped: 'unreadable', size, error: asError(err) };
  }
}

function asError(err: unknown): PackscopeError {
  return err instanceof PackscopeError ? err : new PackscopeError('CorruptObject', err instanceof Error ? err.message : String(err));
}

/** A file's entry, with line counts when `withStats`. */
function fileInfo(db: ObjectDatabase, comparison: Comparison, index: number, withStats: boolean): DiffFileInfo {
  const pair = comparison.changes.pairs[index];
  const base: DiffFileInfo = { index, status: pair.status, old: sideInfo(db, pair.old), new: sideInfo(db, pair.new), binary: false };
  if (pair.status === 'R' || pair.status === 'C') base.similarity = similarityPercent(pair.score);
  const known = comparison.stats.get(index);
  if (known) return { ...base, ...known };
  if (pair.error) return { ...base, skipped: 'unreadable', error: toWire(pair.error) };
  if (!withStats) return base;
  const a = readSide(db, pair.old);
  const b = readSide(db, pair.new);
  if (pair.old && !isGitlinkMode(pair.old.mode) && a.size !== undefined) base.old.size = a.size;
  if (pair.new && !isGitlinkMode(pair.new.mode) && b.size !== undefined) base.new.size = b.size;
  if ('skipped' in a || 'skipped' in b) {
    const failed = 'skipped' in a ? a : (b as Extract<typeof b, { skipped: unknown }>);
    base.skipped = failed.skipped;
    if (failed.error) base.error = toWire(failed.error);
  } else if ((pair.old && isGitlinkMode(pair.old.mode)) || (pair.new && isGitlinkMode(pair.new.mode))) {
    base.skipped = 'submodule';
  } else if (isBinaryBlob(a.data) || isBinaryBlob(b.data)) {
    base.binary = true;
  } else if (pair.old && pair.new && toHex(pair.old.oid) === toHex(pair.new.oid)) {
    base.added = 0;
    base.deleted = 0;
  } else {
    const counts = countLines(a.data, b.data);
    base.added = counts.added;
    base.deleted = counts.deleted;
  }
  const { added, deleted, binary, skipped, error, old, new: neu } = base;
  comparison.stats.set(index, { added, deleted, binary, skipped, error, old, new: neu });
  return base;
}

/** `diffFiles`: a page of a comparison. */
export async function diffFiles(session: Session, args: DiffRequests['diffFiles'][0], ctx: HandlerContext): Promise<DiffPage> {
  if (args.target.kind === 'combined') fail('BadName', 'the combined view of a merge comes from diffCombined');
  const renames = args.renames ?? true;
  const copies = args.copies ?? false;
  const c = await comparison(session, args.target, renames || copies, copies, ctx);
  const total = c.changes.pairs.length;
  const start = Math.max(0, Math.min(total, Math.floor(args.start)));
  const end = Math.min(total, start + Math.max(0, Math.min(DIFF_LIMITS.maxPage, Math.floor(args.count))));
  const files: DiffFileInfo[] = [];
  for (let i = start; i < end; i++) {
    files.push(fileInfo(session.db, c, i, args.stats ?? true));
    if ((i - start) % 16 === 15) {
      ctx.progress(i - start + 1, end - start, 'Counting lines');
      await ctx.pause();
    }
  }
  let addedSoFar = 0;
  let deletedSoFar = 0;
  for (const s of c.stats.values()) {
    addedSoFar += s.added ?? 0;
    deletedSoFar += s.deleted ?? 0;
  }
  return { ends: c.ends, files, total, truncated: c.changes.truncated, renames: c.changes.renames, unscoredBlobs: c.changes.missing.length, addedSoFar, deletedSoFar };
}

/**
 * `diffCombined`: git's combined view of a merge: the paths that differ from every parent, in
 * git's order, each with its status against each parent (no renames) — as `diff-tree -c`
 * lists them, or (`dense`, the default) as `diff-tree --cc` shows them.
 */
export async function diffCombined(session: Session, args: DiffRequests['diffCombined'][0], ctx: HandlerContext): Promise<CombinedPage> {
  const { db, refs } = session;
  const commit = commitOf(db, refs, args.rev);
  const { tree, parents } = commitLinks(db, commit);
  const ends: DiffEnds = { toCommit: toHex(commit), toTree: toHex(tree), parents: parents.map((p) => toHex(p)) };
  if (parents.length < 2) fail('BadName', `${toHex(commit)} is not a merge: it has ${parents.length} parent${parents.length === 1 ? '' : 's'}`);
  // A hostile commit may list thousands of parents; git's combined diff handles any number,
  // but each costs a tree walk: a bound keeps the request finite.
  if (parents.length > 64) fail('TooLarge', `${toHex(commit)} has ${parents.length} parents; the combined view is shown for at most 64`);
  for (const p of parents) if (!db.has(p)) fail('NotFound', `parent ${toHex(p)} is not in this repository (a shallow or partial history)`);
  const parentTrees = parents.map((p) => commitLinks(db, p).tree);
  const { paths, truncated } = await drive(walkCombined(db, tree, parentTrees, { maxPairs: DIFF_LIMITS.maxFiles }), ctx, 'Comparing with each parent');
  const dense = args.dense ?? true;
  const all: CombinedFileInfo[] = [];
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i];
    if (dense && !denseKept(db, p)) continue;
    all.push({
      index: all.length,
      ...pathInfo(p.path),
      mode: modeOctal(p.mode),
      oid: toHex(p.oid),
      parents: p.parents.map((q) => ({ status: q.status, path: pathInfo(p.path).path, mode: modeOctal(q.mode), oid: toHex(q.oid) })),
    });
    if (dense && i % 8 === 7) {
      ctx.progress(i + 1, paths.length, 'Reading the merged files');
      await ctx.pause();
    }
  }
  const start = Math.max(0, Math.min(all.length, Math.floor(args.start)));
  const count = Math.max(0, Math.min(DIFF_LIMITS.maxPage, Math.floor(args.count)));
  return { ends, files: all.slice(start, start + count), total: all.length, truncated, dense };
}

/**
 * --cc's choice for one path, within the blob cap: a side over DIFF_LIMITS.maxBlobBytes, or one
 * that cannot be read, keeps the path (shown, as -c shows it) rather than guess.
 */
function denseKept(db: ObjectDatabase, p: CombinedPath): boolean {
  const sides = [{ mode: p.mode, oid: p.oid }, ...p.parents];
  for (const s of sides) {
    if (s.mode === 0 || isGitlinkMode(s.mode)) continue;
    if (!db.has(s.oid) || db.info(s.oid).size > DIFF_LIMITS.maxBlobBytes) return true;
  }
  try {
    return denseKeeps(db, p);
  } catch (err) {
    if (err instanceof PackscopeError) return true;
    throw err;
  }
}

/** A side named by id (and mode, from a DiffFileInfo); undefined for an absent side ('' or the zero id). */
function sideById(db: ObjectDatabase, oid: string, mode: string | undefined): FileSide | undefined {
  const clean = oid.trim().toLowerCase();
  if (clean === '' || /^0+$/.test(clean)) return undefined;
  if (clean.length !== db.algo.hexSize || !/^[0-9a-f]+$/.test(clean)) fail('BadName', `"${oid.slice(0, 80)}" is not a full object id`);
  const parsed = mode !== undefined && /^[0-7]{1,7}$/.test(mode) ? canonMode(parseInt(mode, 8)) : MODE_FILE;
  return { path: new Uint8Array(0), mode: parsed, oid: fromHex(clean) };
}

/** `diffHunks`: one file's hunks for display. */
export function diffHunks(session: Session, args: DiffRequests['diffHunks'][0]): FileHunks {
  const { db } = session;
  const a = readSide(db, sideById(db, args.oldOid, args.oldMode));
  const b = readSide(db, sideById(db, args.newOid, args.newMode));
  const empty: FileHunks = { hunks: [], added: 0, deleted: 0, oldLines: 0, newLines: 0, binary: false, oldSize: a.size ?? 0, newSize: b.size ?? 0, cut: { lines: 0, longLines: 0 } };
  if ('skipped' in a || 'skipped' in b) {
    const failed = 'skipped' in a ? a : (b as Extract<typeof b, { skipped: unknown }>);
    return { ...empty, skipped: failed.skipped, ...(failed.error ? { error: toWire(failed.error) } : {}) };
  }
  const oldLines = splitLines(a.data).count;
  const newLines = splitLines(b.data).count;
  const sizes = { oldLines, newLines, oldSize: a.data.length, newSize: b.data.length };
  if (isBinaryBlob(a.data) || isBinaryBlob(b.data)) return { ...empty, ...sizes, binary: true, skipped: 'binary' };
  const context = args.whole ? Math.max(oldLines, newLines) : Math.max(0, Math.min(10_000, Math.floor(args.context ?? 3)));
  const patch = decodePatch(a.data, b.data, { context, maxLines: DIFF_LIMITS.maxHunkLines, maxLineBytes: DIFF_LIMITS.maxLineBytes });
  return { ...empty, ...sizes, hunks: patch.hunks, added: patch.added, deleted: patch.deleted, cut: { lines: patch.cut.lines, longLines: patch.cut.longLines } };
}

/** `diffCombinedHunks`: a merge's file as git's combined patch shows it, decoded and capped. */
export function diffCombinedHunks(session: Session, args: DiffRequests['diffCombinedHunks'][0]): CombinedHunks {
  const { db } = session;
  const result = readSide(db, sideById(db, args.oid, args.mode));
  const parents = args.parents.map((p) => readSide(db, sideById(db, p.oid, p.mode)));
  const empty: CombinedHunks = { binary: false, tooLarge: false, tooManyParents: false, approximate: false, hunks: [], cut: { lines: 0, hunks: 0, longLines: 0 } };
  for (const side of [result, ...parents]) {
    if ('skipped' in side) return { ...empty, skipped: side.skipped, ...(side.error ? { error: toWire(side.error) } : {}) };
  }
  const data = (side: (typeof parents)[number]): Uint8Array => ('data' in side ? side.data : new Uint8Array(0));
  const context = Math.max(0, Math.min(10_000, Math.floor(args.context ?? 3)));
  return decodeCombined(parents.map(data), data(result), {
    dense: args.dense !== false,
    context,
    maxLines: DIFF_LIMITS.maxHunkLines,
    maxLineBytes: DIFF_LIMITS.maxLineBytes,
  });
}

/** `diffBlobLines`: lines of a blob for expanding context. */
export function diffBlobLines(session: Session, args: DiffRequests['diffBlobLines'][0]): BlobLines {
  const { db } = session;
  const side = sideById(db, args.oid, undefined);
  if (!side) return { start: 1, lines: [], total: 0 };
  const read = readSide(db, side);
  if ('skipped' in read) {
    if (read.error) throw read.error;
    fail('TooLarge', `blob ${toHex(side.oid)} is ${read.size} bytes, over the ${DIFF_LIMITS.maxBlobBytes}-byte limit for showing lines`);
  }
  const table = splitLines(read.data);
  const start = Math.max(1, Math.floor(args.start));
  const end = Math.min(table.count + 1, start + Math.max(0, Math.min(DIFF_LIMITS.maxBlobLines, Math.floor(args.count))));
  const lines: string[] = [];
  for (let i = start; i < end; i++) {
    const from = table.starts[i - 1];
    let to = table.starts[i];
    if (to > from && read.data[to - 1] === 0x0a) to--;
    if (to - from > DIFF_LIMITS.maxLineBytes) to = from + DIFF_LIMITS.maxLineBytes;
    lines.push(utf8.decode(read.data.subarray(from, to)));
  }
  return { start, lines, total: table.count };
}

/** The handlers, over the open session. */
export const diffHandlers: Pick<Handlers, keyof DiffRequests> = {
  diffFiles: (args, ctx) => diffFiles(current(), args, ctx),
  diffCombined: (args, ctx) => diffCombined(current(), args, ctx),
  diffHunks: (args) => diffHunks(current(), args),
  diffBlobLines: (args) => diffBlobLines(current(), args),
  diffCombinedHunks: (args) => diffCombinedHunks(current(), args),
};
