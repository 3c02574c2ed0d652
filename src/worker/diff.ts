import { fail, toWire } from '../core/errors.ts';
import { toHex } from '../core/hash/hex.ts';
import type { Changes } from '../core/diff/changes.ts';
import { blobLines, combinedView, compareTarget, comparisonKey, mergeFileHunks, pairHunks, pairStats, resolveTarget, sideById } from '../core/diff/diff-request.ts';
import { needsQuoting, quoted, similarityPercent } from '../core/diff/diff-format.ts';
import { modeOctal, type FileSide } from '../core/diff/tree-diff.ts';
import type { ObjectDatabase } from '../core/odb/database.ts';
import type { HandlerContext } from '../protocol/rpc.ts';
import {
  DIFF_LIMITS,
  type BlobLines,
  type CombinedFileInfo,
  type CombinedHunks,
  type CombinedPage,
  type DiffEnds,
  type DiffFileInfo,
  type DiffPage,
  type DiffRequests,
  type DiffSideInfo,
  type DiffTarget,
  type FileHunks,
} from '../protocol/diff.ts';
import type { Handlers } from '../protocol/rpc.ts';
import type { Session } from './session.ts';
import { current } from './state.ts';

/**
 * The diff views' requests over core/diff/diff-request.ts: a comparison is computed once per
 * open folder and kept (the last few), and answered in pages; line counts are computed for the
 * files of a page only. Here: the cache, paging, and the wire form (hex ids, octal modes,
 * display and quoted paths, wire errors).
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

async function comparison(session: Session, target: DiffTarget, renames: boolean, copies: boolean, ctx: HandlerContext): Promise<Comparison> {
  const { db, refs } = session;
  const resolved = resolveTarget(db, refs, target);
  const key = comparisonKey(resolved, renames, copies);
  let map = kept.get(session);
  if (!map) kept.set(session, (map = new Map()));
  const known = map.get(key);
  if (known) {
    // Most recently used last; the ends are the target's own (two commits may share trees).
    map.delete(key);
    map.set(key, known);
    return { ...known, ends: resolved.ends };
  }
  const changes = await compareTarget(db, resolved, { renames, copies }, DIFF_LIMITS, ctx);
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
  return { ...pathInfo(side.path), mode: modeOctal(side.mode), oid: toHex(side.oid) };
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
  const stats = pairStats(db, pair, DIFF_LIMITS.maxBlobBytes);
  if (stats.oldSize !== undefined) base.old.size = stats.oldSize;
  if (stats.newSize !== undefined) base.new.size = stats.newSize;
  base.binary = stats.binary;
  if (stats.skipped) base.skipped = stats.skipped;
  if (stats.error) base.error = toWire(stats.error);
  if (stats.added !== undefined) base.added = stats.added;
  if (stats.deleted !== undefined) base.deleted = stats.deleted;
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

/** `diffCombined`: a page of git's combined view of a merge (`dense`, the default: --cc's files). */
export async function diffCombined(session: Session, args: DiffRequests['diffCombined'][0], ctx: HandlerContext): Promise<CombinedPage> {
  const dense = args.dense ?? true;
  const view = await combinedView(session.db, session.refs, args.rev, dense, DIFF_LIMITS, ctx);
  const start = Math.max(0, Math.min(view.paths.length, Math.floor(args.start)));
  const count = Math.max(0, Math.min(DIFF_LIMITS.maxPage, Math.floor(args.count)));
  const files: CombinedFileInfo[] = view.paths.slice(start, start + count).map((p, i) => {
    const shown = pathInfo(p.path);
    return {
      index: start + i,
      ...shown,
      mode: modeOctal(p.mode),
      oid: toHex(p.oid),
      parents: p.parents.map((q) => ({ status: q.status, path: shown.path, mode: modeOctal(q.mode), oid: toHex(q.oid) })),
    };
  });
  return { ends: view.ends, files, total: view.paths.length, truncated: view.truncated, dense };
}

/** `diffHunks`: one file's hunks for display. */
export function diffHunks(session: Session, args: DiffRequests['diffHunks'][0]): FileHunks {
  const { db } = session;
  const { error, ...hunks } = pairHunks(db, sideById(db, args.oldOid, args.oldMode), sideById(db, args.newOid, args.newMode), { context: args.context, whole: args.whole }, DIFF_LIMITS);
  return error ? { ...hunks, error: toWire(error) } : hunks;
}

/** `diffCombinedHunks`: a merge's file as git's combined patch shows it, decoded and capped. */
export function diffCombinedHunks(session: Session, args: DiffRequests['diffCombinedHunks'][0]): CombinedHunks {
  const { db } = session;
  const parents = args.parents.map((p) => sideById(db, p.oid, p.mode));
  const { error, ...hunks } = mergeFileHunks(db, sideById(db, args.oid, args.mode), parents, { dense: args.dense !== false, context: args.context }, DIFF_LIMITS);
  return error ? { ...hunks, error: toWire(error) } : hunks;
}

/** `diffBlobLines`: lines of a blob for expanding context. */
export function diffBlobLines(session: Session, args: DiffRequests['diffBlobLines'][0]): BlobLines {
  const { db } = session;
  const side = sideById(db, args.oid, undefined);
  if (!side) return { start: 1, lines: [], total: 0 };
  return blobLines(db, side, args.start, args.count, DIFF_LIMITS);
}

/** The handlers, over the open session. */
export const diffHandlers: Pick<Handlers, keyof DiffRequests> = {
  diffFiles: (args, ctx) => diffFiles(current(), args, ctx),
  diffCombined: (args, ctx) => diffCombined(current(), args, ctx),
  diffHunks: (args) => diffHunks(current(), args),
  diffBlobLines: (args) => diffBlobLines(current(), args),
  diffCombinedHunks: (args) => diffCombinedHunks(current(), args),
};
