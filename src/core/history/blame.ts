import { fail } from '../errors.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { diffLines, splitLines, type LineTable } from '../diff/line-diff.ts';
import { isTreeMode } from '../diff/tree-diff.ts';
import type { CommitGraph } from '../format/commit-graph-chain.ts';
import { CommitQueue } from './commit-queue.ts';
import { GraphCommits, type BloomStats } from './graph-commits.ts';
import { readCommitNode, type CommitNode } from './commit-node.ts';
import { findRenameSource } from './rename-source.ts';
import { TreePathLookup, splitPath, type PathEntry } from './tree-path.ts';

/**
 * `git blame <rev> -- <file>` as git 2.39's blame.c assigns lines (no -M/-C, no ignored
 * revisions), so that the porcelain output is git's to the byte.
 *
 * Every line of the file at the final commit starts as a suspect of that commit's version (an
 * "origin": a commit and a path). Commits come off a queue newest committer date first. For
 * an origin, each parent in order is asked for the same path (find_origin), then, for parents
 * that do not have it, where a rename brought it from (find_rename: `-M` with only this path as
 * destination). A parent holding the very same blob takes every suspect at once. Otherwise each
 * distinct parent version in turn takes the suspects on lines the line diff (git's xdiff with
 * the indent heuristic, the common tail trimmed as xdi_diff does for blame) leaves unchanged,
 * each at its line number in the parent. What no parent takes is the commit's doing. The first
 * parent version consulted is the origin's "previous". A root commit is a boundary.
 */

/** A commit and the path the file had there. */
export interface BlameOrigin {
  commit: string;
  path: Uint8Array;
  blob: Uint8Array;
  /** The parent version the blame was first passed to (git's "previous"). */
  previous: BlameOrigin | undefined;
  /** True once lines were found to be this origin's doing. */
  guilty: boolean;
  /** Suspect lines: final line numbers and the matching line numbers in this blob (0-based), in pairs. */
  finalLines: number[];
  sourceLines: number[];
  /** Lines found to be this origin's doing: final and source line numbers, in pairs. */
  blamedFinal: number[];
  blamedSource: number[];
}

/** A run of consecutive final lines blamed on one origin at consecutive source lines. */
export interface BlameEntry {
  origin: BlameOrigin;
  /** First line in the final file, 0-based. */
  finalStart: number;
  /** First line in the origin's blob, 0-based. */
  sourceStart: number;
  count: number;
}

/** Limits of one blame. */
export interface BlameOptions {
  /** Blob bytes kept between uses (a parent's version is usually diffed again as the next target). */
  blobCacheBytes?: number;
  /**
   * The repository's commit-graph (generation-numbers.ts repositoryCommitGraph), when git would
   * read it: commits it holds give their tree, parents and date without being inflated, and a
   * first parent whose changed-path Bloom filter says the origin's path did not change takes the
   * origin's blob without a tree being read (git's blame.c maybe_changed_path).
   */
  graph?: CommitGraph;
}

const DEFAULT_BLOB_CACHE = 64 * 1024 * 1024;

/** A blame in progress: `step` until `done`, then `entries()`. */
export class Blame {
  readonly finalCommit: string;
  readonly path: Uint8Array;
  readonly final: LineTable;
  /** Commits treated as boundaries (roots). */
  readonly boundaries = new Set<string>();
  /** Parents that are not in this repository (the blame stops there and keeps the lines). */
  readonly missingParents = new Set<string>();
  /** Commits whose origins were examined. */
  commitsVisited = 0;
  diffsRun = 0;
  done = false;

  private readonly queue = new CommitQueue<string>();
  private readonly nodes = new Map<string, CommitNode>();
  /** Origins by commit, newest-made first. */
  private readonly origins = new Map<string, BlameOrigin[]>();
  private readonly blobs = new Map<string, Uint8Array>();
  private blobBytes = 0;
  private readonly blobBudget: number;
  private readonly guilty: BlameOrigin[] = [];
  private readonly graph: GraphCommits | undefined;
  private readonly positions = new Map<string, number>();

  constructor(
    private readonly db: ObjectDatabase,
    commit: Uint8Array,
    path: Uint8Array,
    options: BlameOptions = {},
  ) {
    this.blobBudget = options.blobCacheBytes ?? DEFAULT_BLOB_CACHE;
    this.graph = options.graph ? new GraphCommits(options.graph) : undefined;
    this.finalCommit = toHex(commit);
    this.path = path;
    const entry = new TreePathLookup(db, splitPath(path)).entryAt(this.node(this.finalCommit).tree);
    const display = new TextDecoder().decode(path);
    if (!entry || isTreeMode(entry.mode) || splitPath(path).length === 0) fail('NotFound', `no such path ${display} in ${this.finalCommit}`);
    if ((entry.mode & 0o170000) === 0o160000) fail('NotFound', `${display} is a submodule in ${this.finalCommit}, not a file`);
    const origin = this.origin(this.finalCommit, path, entry.oid);
    this.final = splitLines(this.blob(entry.oid));
    for (let i = 0; i < this.final.count; i++) {
      origin.finalLines.push(i);
      origin.sourceLines.push(i);
    }
    if (this.final.count > 0) this.queue.push(this.finalCommit, this.node(this.finalCommit).time);
    else this.done = true;
  }

  private node(hex: string): CommitNode {
    let n = this.nodes.get(hex);
    if (!n) {
      const fromGraph = this.graph?.node(hex);
      if (fromGraph) this.positions.set(hex, fromGraph.position);
      this.nodes.set(hex, (n = fromGraph ?? readCommitNode(this.db, hex)));
    }
    return n;
  }

  /** Whether the repository has a commit: known once read, or held by the commit-graph (git trusts it); else looked up. */
  private exists(hex: string): boolean {
    if (this.nodes.has(hex)) return true;
    const fromGraph = this.graph?.node(hex);
    if (fromGraph) {
      this.positions.set(hex, fromGraph.position);
      this.nodes.set(hex, fromGraph);
      return true;
    }
    return this.db.has(fromHex(hex));
  }

  /** How often the Bloom filters answered (all zero without a commit-graph). */
  get bloom(): BloomStats {
    return this.graph?.bloom ?? { definitelyNot: 0, maybe: 0, notPresent: 0 };
  }

  /** git's get_origin: the one origin of a commit and path. */
  private origin(commit: string, path: Uint8Array, blob: Uint8Array): BlameOrigin {
    const list = this.origins.get(commit) ?? [];
    const found = list.find((o) => samePath(o.path, path));
    if (found) return found;
    const o: BlameOrigin = { commit, path, blob, previous: undefined, guilty: false, finalLines: [], sourceLines: [], blamedFinal: [], blamedSource: [] };
    list.unshift(o);
    this.origins.set(commit, list);
    return o;
  }

  private blob(oid: Uint8Array): Uint8Array {
    const key = toHex(oid);
    const cached = this.blobs.get(key);
    if (cached) {
      // Most recently used last.
      this.blobs.delete(key);
      this.blobs.set(key, cached);
      return cached;
    }
    const obj = this.db.read(oid);
    if (obj.type !== 'blob') fail('CorruptObject', `${key} should be a blob but is a ${obj.type}`);
    const data = obj.data;
    this.blobs.set(key, data);
    this.blobBytes += data.length;
    for (const [k, v] of this.blobs) {
      if (this.blobBytes <= this.blobBudget || k === key) break;
      this.blobs.delete(k);
      this.blobBytes -= v.length;
    }
    return data;
  }

  /** Lines whose commit is known. */
  get linesBlamed(): number {
    return this.guilty.reduce((n, o) => n + o.blamedFinal.length, 0);
  }

  /** Examines origins until `budget` commits were taken off the queue or the blame is done. */
  step(budget = Infinity): boolean {
    for (let taken = 0; taken < budget; ) {
      const commit = this.queue.pop();
      if (commit === undefined) {
        this.done = true;
        return true;
      }
      taken++;
      // As assign_blame: every origin of this commit that holds suspects, one at a time.
      for (;;) {
        const suspect = this.origins.get(commit)?.find((o) => o.finalLines.length > 0);
        if (!suspect) break;
        this.commitsVisited++;
        this.passBlame(suspect);
        const node = this.node(commit);
        if (node.parents.length === 0) this.boundaries.add(commit);
        if (suspect.finalLines.length > 0) {
          // The remaining lines are this origin's doing.
          if (!suspect.guilty) this.guilty.push(suspect);
          suspect.guilty = true;
          for (let i = 0; i < suspect.finalLines.length; i++) {
            suspect.blamedFinal.push(suspect.finalLines[i]);
            suspect.blamedSource.push(suspect.sourceLines[i]);
          }
          suspect.finalLines = [];
          suspect.sourceLines = [];
        }
      }
    }
    return this.done;
  }

  /**
   * Moves suspects (sorted by source line, then final line) to a parent origin, merging them
   * into the ones it holds (sorted the same way), as queue_blames does.
   */
  private queueBlames(parent: BlameOrigin, finals: number[], sources: number[]): void {
    if (finals.length === 0) return;
    const wasEmpty = parent.finalLines.length === 0;
    if (wasEmpty) {
      parent.finalLines = finals;
      parent.sourceLines = sources;
      this.queue.push(parent.commit, this.node(parent.commit).time);
      return;
    }
    const af = parent.finalLines;
    const as = parent.sourceLines;
    const f: number[] = [];
    const s: number[] = [];
    let i = 0;
    let j = 0;
    while (i < af.length || j < finals.length) {
      const takeA = j >= finals.length || (i < af.length && (as[i] < sources[j] || (as[i] === sources[j] && af[i] < finals[j])));
      if (takeA) {
        f.push(af[i]);
        s.push(as[i++]);
      } else {
        f.push(finals[j]);
        s.push(sources[j++]);
      }
    }
    parent.finalLines = f;
    parent.sourceLines = s;
  }

  /** blame.c find_origin: the parent's version at the same path, unless it is missing, a folder or another kind of file. */
  private findOrigin(parent: string, origin: BlameOrigin): BlameOrigin | undefined {
    const existing = this.origins.get(parent)?.find((o) => samePath(o.path, origin.path));
    if (existing) return existing;
    // The first parent, and the filter says the path did not change: the same blob, no tree read.
    const position = this.positions.get(origin.commit);
    if (this.graph && position !== undefined && this.node(origin.commit).parents[0] === parent && !this.graph.mayHaveChanged(position, [origin.path])) {
      return this.origin(parent, origin.path, origin.blob);
    }
    const entry = this.entryAt(parent, origin.path);
    const mine = this.entryAt(origin.commit, origin.path) as PathEntry;
    if (!entry || isTreeMode(entry.mode)) return undefined;
    // A change of kind (file <-> symlink <-> submodule) is git's 'T': not the same file.
    if ((entry.mode & 0o170000) !== (mine.mode & 0o170000)) return undefined;
    return this.origin(parent, origin.path, entry.oid);
  }

  /** blame.c find_rename: the file this commit renamed to the path, as `-M` finds it. */
  private findRename(parent: string, origin: BlameOrigin): BlameOrigin | undefined {
    const mine = this.entryAt(origin.commit, origin.path) as PathEntry;
    const before = this.entryAt(parent, origin.path);
    // Only an added path is a rename's destination (a kept path of another kind is a 'T').
    if (before && !isTreeMode(before.mode)) return undefined;
    const source = findRenameSource(this.db, this.node(parent).tree, this.node(origin.commit).tree, origin.path, mine, 'blame');
    if (!source) return undefined;
    return this.origin(parent, source.path, source.oid);
  }

  private readonly lookups = new Map<string, TreePathLookup>();

  private entryAt(commit: string, path: Uint8Array): PathEntry | undefined {
    const key = binaryKey(path);
    let lookup = this.lookups.get(key);
    if (!lookup) this.lookups.set(key, (lookup = new TreePathLookup(this.db, splitPath(path), 20_000)));
    return lookup.entryAt(this.node(commit).tree);
  }

  /** blame.c pass_blame, without -M/-C. */
  private passBlame(origin: BlameOrigin): void {
    const parents = this.node(origin.commit).parents;
    const scapegoats: (BlameOrigin | undefined)[] = new Array(parents.length).fill(undefined);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < parents.length; i++) {
        if (scapegoats[i]) continue;
        const p = parents[i];
        if (!this.exists(p)) {
          this.missingParents.add(p);
          continue;
        }
        const porigin = pass === 0 ? this.findOrigin(p, origin) : this.findRename(p, origin);
        if (!porigin) continue;
        if (sameBytes(porigin.blob, origin.blob)) {
          // The parent has the very same file: it takes every line.
          this.queueBlames(porigin, origin.finalLines, origin.sourceLines);
          origin.finalLines = [];
          origin.sourceLines = [];
          return;
        }
        let same = false;
        for (let j = 0; j < i; j++) if (scapegoats[j] && sameBytes((scapegoats[j] as BlameOrigin).blob, porigin.blob)) same = true;
        if (!same) scapegoats[i] = porigin;
      }
    }
    for (const porigin of scapegoats) {
      if (!porigin) continue;
      origin.previous ??= porigin;
      this.passToParent(origin, porigin);
      if (origin.finalLines.length === 0) return;
    }
  }

  /** blame.c pass_blame_to_parent: lines the diff leaves unchanged go to the parent, at their line there. */
  private passToParent(target: BlameOrigin, parent: BlameOrigin): void {
    const before = this.blob(parent.blob);
    const after = this.blob(target.blob);
    const map = unchangedLineMap(before, after);
    this.diffsRun++;
    const keepF: number[] = [];
    const keepS: number[] = [];
    const passF: number[] = [];
    const passS: number[] = [];
    for (let i = 0; i < target.finalLines.length; i++) {
      const s = target.sourceLines[i];
      const m = s < map.length ? map[s] : -1;
      if (m >= 0) {
        passF.push(target.finalLines[i]);
        passS.push(m);
      } else {
        keepF.push(target.finalLines[i]);
        keepS.push(s);
      }
    }
    target.finalLines = keepF;
    target.sourceLines = keepS;
    this.queueBlames(parent, passF, passS);
  }

  /**
   * The result: runs of final lines in order, each blamed on one origin at consecutive source
   * lines (git's blame_sort_final and blame_coalesce).
   */
  entries(): BlameEntry[] {
    const n = this.final.count;
    const originOf: (BlameOrigin | undefined)[] = new Array(n);
    const sourceOf = new Int32Array(n).fill(-1);
    for (const o of this.guilty) {
      for (let i = 0; i < o.blamedFinal.length; i++) {
        originOf[o.blamedFinal[i]] = o;
        sourceOf[o.blamedFinal[i]] = o.blamedSource[i];
      }
    }
    const out: BlameEntry[] = [];
    for (let line = 0; line < n; line++) {
      const o = originOf[line];
      if (!o) fail('CorruptObject', `line ${line + 1} of ${new TextDecoder().decode(this.path)} was not blamed on any commit`);
      const last = out[out.length - 1];
      if (last && last.origin === o && last.sourceStart + last.count === sourceOf[line] && last.finalStart + last.count === line) last.count++;
      else out.push({ origin: o, finalStart: line, sourceStart: sourceOf[line], count: 1 });
    }
    return out;
  }

  /** Commits with lines blamed on more than one of their paths (git's MORE_THAN_ONE_PATH). */
  commitsWithManyPaths(): Set<string> {
    const paths = new Map<string, Set<string>>();
    for (const o of this.guilty) {
      const set = paths.get(o.commit) ?? new Set<string>();
      set.add(binaryKey(o.path));
      paths.set(o.commit, set);
    }
    return new Set([...paths].filter(([, s]) => s.size > 1).map(([c]) => c));
  }
}

/**
 * For each line of `after`, the line of `before` it is unchanged from, or -1 when the diff
 * says it is new. The diff is git's with the common tail trimmed first (xdi_diff with no
 * context, as blame runs it): the lines after the trimmed point pair up one to one.
 */
export function unchangedLineMap(before: Uint8Array, after: Uint8Array): Int32Array {
  const d = diffLines(before, after, { trimCommonTail: true });
  const n1 = d.old.count;
  const n2 = d.new.count;
  // The trimmed tail starts at a line boundary: only its lines are left to count.
  const total = n2 + countLines(after.subarray(d.new.data.length));
  const map = new Int32Array(total).fill(-1);
  let i1 = 0;
  for (let i2 = 0; i2 < n2; i2++) {
    if (d.added[i2]) continue;
    while (i1 < n1 && d.deleted[i1]) i1++;
    map[i2] = i1++;
  }
  for (let i2 = n2; i2 < total; i2++) map[i2] = i2 - n2 + n1;
  return map;
}

/** Lines as xdiff counts them: one per '\n', and an unfinished last line. */
export function countLines(data: Uint8Array): number {
  let n = 0;
  const length = data.length;
  for (let i = 0; i < length; i++) if (data[i] === 0x0a) n++;
  return length > 0 && data[length - 1] !== 0x0a ? n + 1 : n;
}

function samePath(a: Uint8Array, b: Uint8Array): boolean {
  return sameBytes(a, b);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function binaryKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
