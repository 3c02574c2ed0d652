import { fromHex, toHex } from '../hash/hex.ts';
import { type Commit, forEachCommitLink, parseCommit } from '../objects/commit.ts';
import { indexTree, type TreeIndex } from '../objects/tree-index.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { entryMode, entryNameRange } from '../history/tree-compare.ts';
import type { BlobPlace } from './types.ts';

/**
 * What a search limited to a ref, a path and a date range looks at. First the commits: those
 * reachable from the ref (every parent followed, as `git log <ref>`), or every commit of the
 * folder when no ref is given, kept when their committer date falls in the range, as `git log
 * --since --until` reads it (a commit older than `--since` ends its line: its parents are not
 * followed). Then, for a text search, the blobs: each kept commit's tree, newest
 * commit first, walked only where the path prefix can lead, each tree once; every blob found
 * keeps its first few places (path, commit, time), newest first, for the results to be grouped by.
 */

/** The limits, any of them. */
export interface ScopeLimits {
  /** Only paths starting with this text (`src/` a folder, `src/ma` a prefix of names). */
  path?: string;
  /** Committer time range, seconds since the epoch, both ends included. */
  from?: number;
  to?: number;
}

/** Caps that keep a scope bounded on a hostile or huge repository. */
export interface ScopeCaps {
  maxCommits: number;
  maxBlobs: number;
  placesPerBlob: number;
  maxDepth: number;
}

export const DEFAULT_SCOPE_CAPS: ScopeCaps = { maxCommits: 2_000_000, maxBlobs: 5_000_000, placesPerBlob: 8, maxDepth: 64 };

/** Progress and outcome. */
export interface ScopeStats {
  commitsRead: number;
  commitsInScope: number;
  treesWalked: number;
  blobs: number;
  unreadable: number;
  /** Set when a cap stopped the walk: what was cut. */
  capped?: string;
}

interface ScopedCommit {
  oid: string;
  tree: string;
  time: number;
}

/** See the file comment. `starts` are the ref's commits, or undefined for every commit in `all`. */
export class ScopeWalk {
  readonly stats: ScopeStats = { commitsRead: 0, commitsInScope: 0, treesWalked: 0, blobs: 0, unreadable: 0 };
  /** Commits in scope (hex). */
  readonly commits = new Set<string>();
  /** Blobs in scope and where they appear (only when `wantBlobs`). */
  readonly blobs = new Map<string, BlobPlace[]>();
  private readonly queue: string[];
  private readonly seen = new Set<string>();
  private readonly scoped: ScopedCommit[] = [];
  private phase: 'commits' | 'trees' | 'done' = 'commits';
  private treeCursor = 0;
  private readonly walked = new Set<string>();
  private readonly stack: { tree: string; path: Uint8Array; depth: number; commit: ScopedCommit }[] = [];
  private readonly utf8 = new TextDecoder('utf-8');
  private readonly prefixBytes: Uint8Array;

  constructor(
    private readonly db: ObjectDatabase,
    starts: Uint8Array[],
    /** Follow parents from `starts` (a ref), or take `starts` as the whole list (every commit). */
    private readonly follow: boolean,
    private readonly limits: ScopeLimits,
    private readonly wantBlobs: boolean,
    private readonly caps: ScopeCaps = DEFAULT_SCOPE_CAPS,
  ) {
    this.queue = starts.map((s) => toHex(s));
    for (const s of this.queue) this.seen.add(s);
    this.prefixBytes = new TextEncoder().encode((limits.path ?? '').replace(/^\/+/, ''));
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  /** Works for about `budgetMs`; true when the scope is complete. */
  step(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    let k = 0;
    while (this.phase === 'commits') {
      const oid = this.queue.pop();
      if (oid === undefined || this.stats.commitsRead >= this.caps.maxCommits) {
        if (oid !== undefined) this.stats.capped = `more than ${this.caps.maxCommits} commits`;
        this.scoped.sort((a, b) => b.time - a.time || (a.oid < b.oid ? -1 : 1));
        this.phase = this.wantBlobs ? 'trees' : 'done';
        break;
      }
      this.readCommit(oid);
      if ((++k & 31) === 0 && performance.now() > deadline) return false;
    }
    while (this.phase === 'trees') {
      const at = this.stack.pop();
      if (at) this.walkTree(at);
      else if (this.treeCursor < this.scoped.length) {
        const c = this.scoped[this.treeCursor++];
        this.enqueue(c.tree, new Uint8Array(0), 0, c);
      } else this.phase = 'done';
      if ((++k & 15) === 0 && performance.now() > deadline) return false;
    }
    return true;
  }

  private readCommit(oid: string): void {
    this.stats.commitsRead++;
    let data: Uint8Array;
    try {
      const obj = this.db.read(fromHex(oid));
      if (obj.type !== 'commit') return;
      data = obj.data;
    } catch {
      this.stats.unreadable++;
      return;
    }
    let commit: Commit;
    try {
      commit = parseCommit(data);
    } catch {
      this.stats.unreadable++;
      return;
    }
    const time = commit.committer.time;
    const inRange = (this.limits.from === undefined || time >= this.limits.from) && (this.limits.to === undefined || time <= this.limits.to);
    if (inRange) {
      this.commits.add(oid);
      this.stats.commitsInScope++;
      this.scoped.push({ oid, tree: commit.tree, time });
    }
    // As git log --since: the parents of a commit older than the range are not followed.
    if (!this.follow || (this.limits.from !== undefined && time < this.limits.from)) return;
    forEachCommitLink(data, (isParent, start, end) => {
      if (!isParent) return;
      const parent = this.utf8.decode(data.subarray(start, end));
      if (this.seen.has(parent) || !/^[0-9a-f]+$/.test(parent) || parent.length !== this.db.algo.hexSize || !this.db.has(fromHex(parent))) return;
      this.seen.add(parent);
      this.queue.push(parent);
    });
  }

  /**
   * How a path relates to the prefix, from bytes (names are decoded only for the places kept):
   * the first `length` bytes of `folder` + `name` + (`slash` ? '/' : '') against the prefix's.
   */
  private agrees(folder: Uint8Array, data: Uint8Array, start: number, end: number, slash: boolean): 'inside' | 'leads' | 'apart' {
    const prefix = this.prefixBytes;
    const length = folder.length + (end - start) + (slash ? 1 : 0);
    const n = Math.min(length, prefix.length);
    for (let k = 0; k < n; k++) {
      const b = k < folder.length ? folder[k] : k < folder.length + (end - start) ? data[start + k - folder.length] : 0x2f;
      if (b !== prefix[k]) return 'apart';
    }
    return length >= prefix.length ? 'inside' : 'leads';
  }

  private enqueue(tree: string, path: Uint8Array, depth: number, commit: ScopedCommit): void {
    if (this.walked.has(tree)) return;
    if (depth > this.caps.maxDepth) return;
    this.walked.add(tree);
    this.stack.push({ tree, path, depth, commit });
  }

  private walkTree(at: { tree: string; path: Uint8Array; depth: number; commit: ScopedCommit }): void {
    let index: TreeIndex;
    try {
      const obj = this.db.read(fromHex(at.tree));
      if (obj.type !== 'tree') return;
      index = indexTree(obj.data, this.db.algo);
    } catch {
      this.stats.unreadable++;
      return;
    }
    this.stats.treesWalked++;
    const H = index.algo.size;
    const data = index.data;
    for (let i = 0; i < index.count; i++) {
      const r = entryNameRange(index, i);
      const kind = Math.floor(entryMode(index, i) / 0o10000);
      if (kind === 0o4) {
        if (this.agrees(at.path, data, r.start, r.end, true) === 'apart') continue;
        const folder = new Uint8Array(at.path.length + (r.end - r.start) + 1);
        folder.set(at.path);
        folder.set(data.subarray(r.start, r.end), at.path.length);
        folder[folder.length - 1] = 0x2f;
        this.enqueue(toHex(data, index.oidAt[i], H), folder, at.depth + 1, at.commit);
        continue;
      }
      // A gitlink names another repository's commit: nothing of ours to search.
      if (kind === 0o16 || this.agrees(at.path, data, r.start, r.end, false) !== 'inside') continue;
      const oid = toHex(data, index.oidAt[i], H);
      let places = this.blobs.get(oid);
      if (!places) {
        if (this.blobs.size >= this.caps.maxBlobs) {
          this.stats.capped = `more than ${this.caps.maxBlobs} blobs`;
          continue;
        }
        this.blobs.set(oid, (places = []));
        this.stats.blobs++;
      }
      if (places.length >= this.caps.placesPerBlob) continue;
      const path = this.utf8.decode(at.path) + this.utf8.decode(data.subarray(r.start, r.end));
      if (!places.some((p) => p.path.join('/') === path)) places.push({ commit: at.commit.oid, path: path.split('/'), mode: entryMode(index, i).toString(8), time: at.commit.time });
    }
  }
}
