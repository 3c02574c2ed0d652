import { toHex } from '../hash/hex.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { isBinaryBlob } from './binary.ts';
import { changeRanges, diffLines, splitLines } from './line-diff.ts';
import { sideContent } from './pair-text.ts';
import { walkTreeDiff, type ChangeStatus, type FilePair, type FileSide, type TreeDiffLimits } from './tree-diff.ts';

/**
 * git's combined view of a merge (combine-diff.c):
 * - `-c` keeps the paths that differ from every parent (a tree diff against each parent, no
 *   renames, intersected in tree order);
 * - `--cc` (dense) further drops a path whose every hunk has "only two versions, and the result
 *   matches one of them": it is shown only when its mode differs from a parent's, it is
 *   binary, or some hunk survives. That needs git's line bookkeeping: for each line of the
 *   result, the parents it is not in (from a 0-context diff against each parent), and before
 *   it the lines parents lost, coalesced across parents by a longest common subsequence.
 */

/** One parent's side of a combined path. */
export interface CombinedParent {
  status: ChangeStatus;
  /** Mode 0 and the zero id when the parent does not have the path. */
  mode: number;
  oid: Uint8Array;
}

/** A path of the combined view. */
export interface CombinedPath {
  path: Uint8Array;
  /** The merge's side: mode 0 and the zero id when the merge deleted the path. */
  mode: number;
  oid: Uint8Array;
  parents: CombinedParent[];
}

function pathKey(path: Uint8Array): string {
  let s = '';
  for (let i = 0; i < path.length; i += 8192) s += String.fromCharCode(...path.subarray(i, i + 8192));
  return s;
}

/** `-c`'s paths: those that differ from every parent, in git's order; yields between slices. */
export function* walkCombined(db: ObjectDatabase, mergeTree: Uint8Array, parentTrees: Uint8Array[], limits: Partial<TreeDiffLimits> = {}): Generator<number, { paths: CombinedPath[]; truncated: boolean }> {
  const zero = new Uint8Array(db.algo.size);
  let truncated = false;
  const perParent: Map<string, FilePair>[] = [];
  let order: FilePair[] = [];
  for (const tree of parentTrees) {
    const walked = yield* walkTreeDiff(db, tree, mergeTree, { recursive: true, limits });
    truncated ||= walked.truncated;
    const byPath = new Map<string, FilePair>();
    for (const pair of walked.pairs) byPath.set(pathKey(((pair.new ?? pair.old) as FileSide).path), pair);
    perParent.push(byPath);
    if (perParent.length === 1) order = walked.pairs;
  }
  const paths: CombinedPath[] = [];
  for (const pair of order) {
    const key = pathKey(((pair.new ?? pair.old) as FileSide).path);
    if (!perParent.every((m) => m.has(key))) continue;
    paths.push({
      path: ((pair.new ?? pair.old) as FileSide).path,
      mode: pair.new ? pair.new.mode : 0,
      oid: pair.new ? pair.new.oid : zero,
      parents: perParent.map((m) => {
        const q = m.get(key) as FilePair;
        return { status: q.status, mode: q.old ? q.old.mode : 0, oid: q.old ? q.old.oid : zero };
      }),
    });
  }
  return { paths, truncated };
}

/** A line some parents had where the result has none: its bytes (no newline) and those parents. */
interface Lost {
  line: Uint8Array;
  parents: number;
}

function sameLine(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * git's coalesce_lines: merges one parent's lost lines into those already gathered, by the
 * longest common subsequence (ties prefer the new parent's line); a matched line gains the
 * parent, an unmatched new one is inserted after the base line it follows.
 */
function coalesce(base: Lost[], fresh: Lost[], parentBit: number): Lost[] {
  if (fresh.length === 0) return base;
  if (base.length === 0) return fresh;
  const n = base.length;
  const m = fresh.length;
  const lcs = new Int32Array((n + 1) * (m + 1));
  // 0 MATCH, 1 BASE, 2 NEW
  const dir = new Uint8Array((n + 1) * (m + 1));
  for (let i = 0; i <= n; i++) dir[i * (m + 1)] = 1;
  for (let j = 1; j <= m; j++) dir[j] = 2;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const at = i * (m + 1) + j;
      if (sameLine(base[i - 1].line, fresh[j - 1].line)) {
        lcs[at] = lcs[(i - 1) * (m + 1) + j - 1] + 1;
        dir[at] = 0;
      } else if (lcs[at - 1] >= lcs[at - (m + 1)]) {
        lcs[at] = lcs[at - 1];
        dir[at] = 2;
      } else {
        lcs[at] = lcs[at - (m + 1)];
        dir[at] = 1;
      }
    }
  }
  // Walk back: inserted lines go right after base[i - 1] (or first), in ascending order.
  const after: Lost[][] = Array.from({ length: n + 1 }, () => []);
  let i = n;
  let j = m;
  while (i !== 0 || j !== 0) {
    const d = dir[i * (m + 1) + j];
    if (d === 0) {
      base[i - 1].parents |= parentBit;
      i--;
      j--;
    } else if (d === 2) {
      after[i].unshift(fresh[j - 1]);
      j--;
    } else i--;
  }
  const out: Lost[] = [...after[0]];
  for (let k = 0; k < n; k++) out.push(base[k], ...after[k + 1]);
  return out;
}

/** Parents past this many are not tracked line by line (bit masks); such a path is kept, as shown. */
const MAX_DENSE_PARENTS = 30;

/**
 * Whether `git diff-tree --cc` shows the path (show_patch_diff with dense_combined_merges):
 * a mode that differs from a parent's, binary content, or a hunk that survives git's
 * "two versions, and the result is one of them" filter. `context` is git's -U (3).
 */
export function denseKeeps(db: ObjectDatabase, p: CombinedPath, context = 3): boolean {
  const parentCount = p.parents.length;
  if (p.parents.some((q) => q.mode !== p.mode)) return true;
  if (parentCount > MAX_DENSE_PARENTS) return true;
  const side = (mode: number, oid: Uint8Array): FileSide | undefined => (mode === 0 || oid.every((b) => b === 0) ? undefined : { path: p.path, mode, oid });
  const result = sideContent(db, side(p.mode, p.oid));
  const parents = p.parents.map((q) => sideContent(db, side(q.mode, q.oid)));
  if (isBinaryBlob(result) || parents.some((b) => isBinaryBlob(b))) return true;
  const resultLines = splitLines(result);
  const cnt = resultLines.count;
  // sline[0..cnt]: the bits of the parents a result line is not in; the lines lost before it
  // (index cnt: after the last line).
  const flag = new Int32Array(cnt + 1);
  const lost: Lost[][] = Array.from({ length: cnt + 1 }, () => []);
  for (let n = 0; n < parentCount; n++) {
    const bit = 1 << n;
    const same = p.parents.findIndex((q, k) => k < n && toHex(q.oid) === toHex(p.parents[n].oid));
    if (same >= 0) {
      // reuse_combine_diff: parent n is parent `same` again.
      const sameBit = 1 << same;
      for (let l = 0; l <= cnt; l++) {
        if (flag[l] & sameBit) flag[l] |= bit;
        for (const ll of lost[l]) if (ll.parents & sameBit) ll.parents |= bit;
      }
      continue;
    }
    // A 0-context diff trims the common tail first, as git's xdi_diff does.
    const diff = diffLines(parents[n], result, { trimCommonTail: true });
    const plost: Lost[][] = Array.from({ length: cnt + 1 }, () => []);
    for (const r of changeRanges(diff)) {
      const nb = r.newCount ? r.newStart + 1 : r.newStart;
      const bucket = r.newCount === 0 ? nb : nb - 1;
      for (let k = 0; k < r.oldCount; k++) {
        const l = r.oldStart + k;
        let end = diff.old.starts[l + 1];
        const begin = diff.old.starts[l];
        if (end > begin && diff.old.data[end - 1] === 0x0a) end--;
        plost[bucket].push({ line: diff.old.data.subarray(begin, end), parents: bit });
      }
      for (let k = 0; k < r.newCount; k++) flag[r.newStart + k] |= bit;
    }
    for (let l = 0; l <= cnt; l++) if (plost[l].length > 0) lost[l] = coalesce(lost[l], plost[l], bit);
  }
  return denseHunksSurvive(flag, lost, cnt, parentCount, context);
}

/** make_hunks with dense on, then give_context's answer: does any line stay marked? */
function denseHunksSurvive(flag: Int32Array, lost: Lost[][], cnt: number, parentCount: number, context: number): boolean {
  const all = (1 << parentCount) - 1;
  const mark = new Uint8Array(cnt + 1);
  for (let i = 0; i <= cnt; i++) mark[i] = flag[i] & all || lost[i].length > 0 ? 1 : 0;
  // adjust_hunk_tail: a hunk whose last line is only a deletion gives one context line less.
  const adjustTail = (begin: number, i: number): number => (begin + 1 <= i && !(flag[i - 1] & all) ? i - 1 : i);
  let i = 0;
  while (i <= cnt) {
    while (i <= cnt && !mark[i]) i++;
    if (cnt < i) break;
    const begin = i;
    let j = i + 1;
    for (; j <= cnt; j++) {
      if (!mark[j]) {
        // Look past the end for an interesting line within the context span.
        let la = adjustTail(begin, j);
        la = la + context < cnt + 1 ? la + context : cnt + 1;
        let more = false;
        while (la && j <= --la) {
          if (mark[la]) {
            more = true;
            break;
          }
        }
        if (!more) break;
        j = la;
      }
    }
    const end = j;
    let sameDiff = 0;
    let interesting = false;
    for (let k = i; k < end && !interesting; k++) {
      const thisDiff = flag[k] & all;
      if (thisDiff) {
        if (!sameDiff) sameDiff = thisDiff;
        else if (sameDiff !== thisDiff) {
          interesting = true;
          break;
        }
      }
      for (const ll of lost[k]) {
        if (interesting) break;
        if (!sameDiff) sameDiff = ll.parents;
        else if (sameDiff !== ll.parents) interesting = true;
      }
    }
    if (!interesting && sameDiff !== all) for (let k = begin; k < end; k++) mark[k] = 0;
    i = end;
  }
  for (let k = 0; k <= cnt; k++) if (mark[k]) return true;
  return false;
}
