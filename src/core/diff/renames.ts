import { toHex } from '../hash/hex.ts';
import { MAX_SCORE, isRegularMode, type FilePair, type FileSide } from './tree-diff.ts';
import { countChanges, spanTable, type SpanTable } from './spanhash.ts';

/**
 * Rename and copy detection as git 2.39's `diff -M` / `-C` does it (diffcore-rename.c), on the
 * pairs of a tree diff:
 * 1. destinations are the added paths, sources the deleted ones (with copies, the modified
 *    ones too, which stay where they are);
 * 2. exact renames: a destination takes a source with the same id (and, unless both are
 *    regular files, the same mode), preferring an unused source, then one with the same file
 *    name, in source order, trying at most 100;
 * 3. without copies, a source and a destination that are the only ones with their file name
 *    pair up when their similarity reaches the minimum plus half of what remains (75% by
 *    default): git's basename shortcut;
 * 4. the remaining destinations x sources are scored (sizes too far apart score 0 without
 *    reading), each destination keeps its 4 best, all kept scores are sorted (score, then same
 *    file name first, stable), and pairs are taken best first while neither side is used;
 *    this pass is skipped when destinations x sources exceeds the rename limit squared.
 * Only regular files get inexact matches; symlinks and submodules rename only exactly.
 */

/** What the detection reads: blob sizes and contents by id; undefined when the blob is not here (a partial clone). */
export interface BlobReader {
  size(oid: Uint8Array): number | undefined;
  data(oid: Uint8Array): Uint8Array | undefined;
}

/** Options, in git's terms. */
export interface RenameOptions {
  /** `-C`: modified files are sources too, and a source may serve several destinations. */
  copies?: boolean;
  /** Minimum similarity out of MAX_SCORE (`-M50%` is 30,000, the default). */
  minScore?: number;
  /** git's diff.renameLimit (1,000): no inexact pass when destinations x sources exceeds its square; 0 for no limit. */
  renameLimit?: number;
}

/** What the detection did. */
export interface RenameResult {
  pairs: FilePair[];
  /** `skipped`: the inexact pass was not run because of the rename limit (git's "inexact rename detection was skipped"). */
  inexact: 'done' | 'skipped' | 'not-needed';
  /** Blob ids the reader could not give while scoring (absent, or refused as too large by the reader): they scored 0, where git would fetch or stop. */
  missing: string[];
  /**
   * git's needed_rename_limit when the limit was checked: 0 under it, else the limit that
   * would have let the inexact pass run (git warns with it); undefined when not checked.
   */
  neededLimit?: number;
}

/** git's default minimum similarity (50%). */
export const DEFAULT_RENAME_SCORE = 30000;
/** git's default diff.renameLimit. */
export const DEFAULT_RENAME_LIMIT = 1000;
const CANDIDATES_PER_DST = 4;

interface Source {
  pair: FilePair;
  side: FileSide;
  /** git's rename_used: destinations that took this source (modified sources start at 1: they stay). */
  used: number;
}

interface Destination {
  pair: FilePair;
  side: FileSide;
  source: Source | undefined;
  score: number;
}

interface Candidate {
  /** -1: an empty slot. */
  dst: number;
  src: number;
  score: number;
  nameScore: number;
}

/** git's score_compare: positive when `a` sorts after `b` (empty slots last, then by score, then same file name first). */
function scoreCompare(a: Candidate, b: Candidate): number {
  if (a.dst < 0) return b.dst >= 0 ? 1 : 0;
  if (b.dst < 0) return -1;
  if (a.score === b.score) return b.nameScore - a.nameScore;
  return b.score - a.score;
}

/** git's basename_same: the part after the last '/' is the same. */
export function basenameSame(a: Uint8Array, b: Uint8Array): boolean {
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    const c1 = a[--i];
    const c2 = b[--j];
    if (c1 !== c2) return false;
    if (c1 === 0x2f) return true;
  }
  return (i === 0 || a[i - 1] === 0x2f) && (j === 0 || b[j - 1] === 0x2f);
}

function basename(path: Uint8Array): string {
  const slash = path.lastIndexOf(0x2f);
  return binaryString(slash < 0 ? path : path.subarray(slash + 1));
}

/** Bytes as a string of char codes 0-255 (a map key that keeps every byte). */
function binaryString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Finds renames (and copies) among `pairs` (a tree diff's output, in git's order) and returns
 * the pairs git would output: deletions a rename consumed are gone, and each renamed
 * destination carries its source and status R (or C). Yields a running count of work done
 * so a worker can pause between steps.
 */
export function* detectRenames(pairs: FilePair[], blobs: BlobReader, options: RenameOptions = {}): Generator<number, RenameResult> {
  const copies = options.copies ?? false;
  const minScore = options.minScore ?? DEFAULT_RENAME_SCORE;
  const limit = options.renameLimit ?? DEFAULT_RENAME_LIMIT;
  const missing = new Set<string>();

  const dsts: Destination[] = [];
  let srcs: Source[] = [];
  const sourceOf = new Map<FilePair, Source>();
  for (const pair of pairs) {
    if (!pair.old && pair.new) dsts.push({ pair, side: pair.new, source: undefined, score: 0 });
    else if (pair.old && !pair.new) {
      const s = { pair, side: pair.old, used: 0 };
      srcs.push(s);
      sourceOf.set(pair, s);
    } else if (copies && pair.old && pair.new) {
      const s = { pair, side: pair.old, used: 1 };
      srcs.push(s);
      sourceOf.set(pair, s);
    }
  }
  let inexact: RenameResult['inexact'] = 'not-needed';
  if (dsts.length === 0 || srcs.length === 0) return finish(pairs, dsts, sourceOf, inexact, missing);

  const record = (d: Destination, s: Source, score: number): void => {
    s.used++;
    d.source = s;
    d.score = score;
  };

  // 2. Exact renames: sources by id, in source order (git inserts them in reverse into a
  // hashmap that returns them last-in first-out).
  const byId = new Map<string, Source[]>();
  for (const s of srcs) {
    const key = binaryString(s.side.oid);
    const list = byId.get(key);
    if (list) list.push(s);
    else byId.set(key, [s]);
  }
  let renameCount = 0;
  for (const d of dsts) {
    const list = byId.get(binaryString(d.side.oid));
    if (!list) continue;
    let best: Source | undefined;
    let bestScore = -1;
    let tries = 100;
    for (const s of list) {
      if (!isRegularMode(s.side.mode) || !isRegularMode(d.side.mode)) {
        if (s.side.mode !== d.side.mode) continue;
      }
      if (s.used && !copies) continue;
      const score = (s.used ? 0 : 1) + (basenameSame(s.side.path, d.side.path) ? 1 : 0);
      if (score > bestScore) {
        best = s;
        bestScore = score;
        if (score === 2) break;
      }
      if (--tries === 0) break;
    }
    if (best) {
      record(d, best, MAX_SCORE);
      renameCount++;
    }
  }
  if (minScore === MAX_SCORE) return finish(pairs, dsts, sourceOf, inexact, missing);

  // Similarity with cached sizes and span tables (git keeps cnt_data on each filespec).
  const sizes = new Map<FileSide, number | undefined>();
  const tables = new Map<FileSide, SpanTable | undefined>();
  let work = 0;
  const sizeOf = (side: FileSide): number | undefined => {
    if (!sizes.has(side)) {
      const size = blobs.size(side.oid);
      if (size === undefined) missing.add(toHex(side.oid));
      sizes.set(side, size);
    }
    return sizes.get(side);
  };
  const tableOf = (side: FileSide): SpanTable | undefined => {
    if (!tables.has(side)) {
      const data = blobs.data(side.oid);
      if (data === undefined) missing.add(toHex(side.oid));
      work += data ? data.length : 0;
      tables.set(side, data && spanTable(data));
    }
    return tables.get(side);
  };
  const estimate = (src: FileSide, dst: FileSide, minimum: number): number => {
    if (!isRegularMode(src.mode) || !isRegularMode(dst.mode)) return 0;
    const srcSize = sizeOf(src);
    const dstSize = sizeOf(dst);
    if (srcSize === undefined || dstSize === undefined) return 0;
    const maxSize = Math.max(srcSize, dstSize);
    const delta = maxSize - Math.min(srcSize, dstSize);
    if (maxSize * (MAX_SCORE - minimum) < delta * MAX_SCORE) return 0;
    const a = tableOf(src);
    const b = tableOf(dst);
    if (!a || !b) return 0;
    work += a.hashes.length + b.hashes.length;
    if (dstSize === 0) return 0;
    return Math.floor((countChanges(a, b).copied * MAX_SCORE) / maxSize);
  };
  const WORK_SLICE = 4 << 20;
  let nextYield = WORK_SLICE;

  if (!copies) {
    srcs = srcs.filter((s) => !s.used);
    // 3. Same file name on both sides, and only once on each.
    const minBasenameScore = minScore + Math.floor(0.5 * (MAX_SCORE - minScore));
    const srcByName = new Map<string, number>();
    srcs.forEach((s, i) => {
      const name = basename(s.side.path);
      srcByName.set(name, srcByName.has(name) ? -1 : i);
    });
    const dstByName = new Map<string, number>();
    dsts.forEach((d, i) => {
      if (d.source) return;
      const name = basename(d.side.path);
      dstByName.set(name, dstByName.has(name) ? -1 : i);
    });
    for (let i = 0; i < srcs.length; i++) {
      const name = basename(srcs[i].side.path);
      const di = dstByName.get(name);
      if (di === undefined) continue;
      // git would try its directory-rename guess here; diff has none set up, so no match.
      if (srcByName.get(name) === -1 || di === -1) continue;
      const d = dsts[di];
      if (d.source) continue;
      const score = estimate(srcs[i].side, d.side, minBasenameScore);
      if (work >= nextYield) {
        nextYield = work + WORK_SLICE;
        yield work;
      }
      if (score < minBasenameScore) continue;
      record(d, srcs[i], score);
      renameCount++;
    }
    srcs = srcs.filter((s) => !s.used);
  }

  const numDsts = dsts.length - renameCount;
  const numSrcs = srcs.length;
  if (numDsts === 0 || numSrcs === 0) return finish(pairs, dsts, sourceOf, inexact, missing);
  if (limit > 0 && numDsts * numSrcs > limit * limit) return { ...finish(pairs, dsts, sourceOf, 'skipped', missing), neededLimit: Math.max(numSrcs, numDsts) };
  inexact = 'done';

  // 4. The matrix: each destination keeps its 4 best sources (git's record_if_better, with
  // the slots in typed arrays: a million estimates must not allocate a million objects).
  const matrix: Candidate[] = [];
  const srcSizes = srcs.map((s) => (isRegularMode(s.side.mode) ? sizeOf(s.side) : undefined));
  const slotSrc = new Int32Array(CANDIDATES_PER_DST);
  const slotScore = new Int32Array(CANDIDATES_PER_DST);
  const slotName = new Int8Array(CANDIDATES_PER_DST);
  let filled = 0;
  for (let di = 0; di < dsts.length; di++) {
    const d = dsts[di];
    if (d.source) continue;
    filled = 0;
    const dstSize = isRegularMode(d.side.mode) ? sizeOf(d.side) : undefined;
    for (let si = 0; si < srcs.length; si++) {
      let score = 0;
      const srcSize = srcSizes[si];
      if (srcSize !== undefined && dstSize !== undefined) {
        // estimate_similarity's size test, before any content is read.
        const maxSize = Math.max(srcSize, dstSize);
        const delta = maxSize - Math.min(srcSize, dstSize);
        if (!(maxSize * (MAX_SCORE - minScore) < delta * MAX_SCORE)) score = estimate(srcs[si].side, d.side, minScore);
      }
      // The worst slot: an empty one first, else the lowest score, then no same file name.
      let worst = 0;
      if (filled === CANDIDATES_PER_DST) {
        for (let k = 1; k < CANDIDATES_PER_DST; k++) {
          if (slotScore[k] < slotScore[worst] || (slotScore[k] === slotScore[worst] && slotName[k] < slotName[worst])) worst = k;
        }
        if (score < slotScore[worst]) continue;
        const nameScore = basenameSame(srcs[si].side.path, d.side.path) ? 1 : 0;
        if (score === slotScore[worst] && nameScore <= slotName[worst]) continue;
        slotSrc[worst] = si;
        slotScore[worst] = score;
        slotName[worst] = nameScore;
      } else {
        slotSrc[filled] = si;
        slotScore[filled] = score;
        slotName[filled] = basenameSame(srcs[si].side.path, d.side.path) ? 1 : 0;
        filled++;
      }
      if (work >= nextYield) {
        nextYield = work + WORK_SLICE;
        yield work;
      }
    }
    for (let k = 0; k < filled; k++) matrix.push({ dst: di, src: slotSrc[k], score: slotScore[k], nameScore: slotName[k] });
    work += srcs.length;
  }
  matrix.sort(scoreCompare);
  const take = (allowUsed: boolean): void => {
    for (const c of matrix) {
      if (c.dst < 0 || c.score < minScore) break;
      const d = dsts[c.dst];
      if (d.source) continue;
      if (!allowUsed && srcs[c.src].used) continue;
      record(d, srcs[c.src], c.score);
    }
  };
  take(false);
  if (copies) take(true);
  return { ...finish(pairs, dsts, sourceOf, inexact, missing), neededLimit: 0 };
}

/** git's write-back and diff_resolve_rename_copy: drops consumed deletions and names each renamed pair R or C. */
function finish(pairs: FilePair[], dsts: Destination[], sourceOf: Map<FilePair, Source>, inexact: RenameResult['inexact'], missing: Set<string>): RenameResult {
  const renamed = new Map<FilePair, Destination>();
  for (const d of dsts) if (d.source) renamed.set(d.pair, d);
  const out: FilePair[] = [];
  const kept: (Destination | undefined)[] = [];
  for (const pair of pairs) {
    const d = renamed.get(pair);
    if (d) {
      out.push({ status: 'R', old: d.source?.side, new: pair.new, score: d.score });
      kept.push(d);
      continue;
    }
    if (pair.old && !pair.new && (sourceOf.get(pair)?.used ?? 0) > 0) continue;
    out.push(pair);
    kept.push(undefined);
  }
  // In output order: a source taken several times is a copy for all but its last taker.
  for (let i = 0; i < out.length; i++) {
    const d = kept[i];
    if (!d?.source) continue;
    const p = out[i];
    if (p.old && p.new && sameBytes(p.old.path, p.new.path)) p.status = 'M';
    else p.status = --d.source.used > 0 ? 'C' : 'R';
  }
  return { pairs: out, inexact, missing: [...missing] };
}
