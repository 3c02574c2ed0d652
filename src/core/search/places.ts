import { fromHex, toHex } from '../hash/hex.ts';
import { parseCommit } from '../objects/commit.ts';
import { modeType, parseTree, type TreeEntry } from '../objects/tree.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { BlobPlace } from './types.ts';

/**
 * Where each blob appears: which commits, at which paths. Built once by walking every commit,
 * newest first, and the trees below it; a tree already walked is not walked again, so the cost
 * is one parse per distinct tree, not one per commit.
 *
 * What is kept is the containment graph, upside down:
 *
 * | map        | key           | value                                            |
 * |------------|---------------|--------------------------------------------------|
 * | parents    | tree/blob id  | up to `maxParents` (tree id, entry name, mode)    |
 * | rootOf     | tree id       | up to `maxRootCommits` commits with it as root    |
 *
 * A blob's places are found by walking up from the blob to root trees and reading the path on
 * the way; places are listed newest commit first.
 */

/** One containing tree of an object. */
interface ParentEdge {
  tree: string;
  name: string;
  mode: string;
}

/** A commit as the index needs it. */
export interface IndexedCommit {
  oid: string;
  tree: string;
  /** Committer time, seconds since the epoch. */
  time: number;
}

/** Caps that keep the index small on a hostile or huge repository. */
export interface PlaceIndexCaps {
  maxParents: number;
  maxRootCommits: number;
}

export const DEFAULT_PLACE_CAPS: PlaceIndexCaps = { maxParents: 64, maxRootCommits: 64 };

/** Counters for progress and for the person (how much could not be read). */
export interface PlaceIndexStats {
  commitsRead: number;
  commits: number;
  treesWalked: number;
  unreadable: number;
}

/** Builds the index a slice at a time: first read the commits, then walk their trees. */
export class PlaceIndexBuilder {
  private readonly parents = new Map<string, ParentEdge[]>();
  private readonly rootOf = new Map<string, IndexedCommit[]>();
  private readonly commits: IndexedCommit[] = [];
  private readonly walked = new Set<string>();
  private readonly pending: string[] = [];
  private commitCursor = 0;
  private sorted = false;
  readonly stats: PlaceIndexStats;
  private readonly utf8 = new TextDecoder('utf-8');

  /** `commitIds` are every commit of the repository (reachable or not), in any order. */
  constructor(
    private readonly db: ObjectDatabase,
    private readonly commitIds: Uint8Array[],
    private readonly caps: PlaceIndexCaps = DEFAULT_PLACE_CAPS,
  ) {
    this.stats = { commitsRead: 0, commits: commitIds.length, treesWalked: 0, unreadable: 0 };
  }

  /** Works for about `budgetMs`; returns true when the index is complete. */
  step(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    let k = 0;
    while (this.stats.commitsRead < this.commitIds.length) {
      this.readCommit(this.commitIds[this.stats.commitsRead++]);
      if ((++k & 15) === 0 && performance.now() > deadline) return false;
    }
    if (!this.sorted) {
      // Newest first, so the first places found for a blob are the most recent ones.
      this.commits.sort((a, b) => b.time - a.time || (a.oid < b.oid ? -1 : 1));
      this.sorted = true;
    }
    for (;;) {
      if (this.pending.length > 0) {
        this.walkTree(this.pending.pop() as string);
      } else if (this.commitCursor < this.commits.length) {
        const c = this.commits[this.commitCursor++];
        const roots = this.rootOf.get(c.tree) ?? [];
        if (roots.length < this.caps.maxRootCommits) roots.push(c);
        this.rootOf.set(c.tree, roots);
        this.enqueue(c.tree);
      } else {
        return true;
      }
      if ((++k & 15) === 0 && performance.now() > deadline) return false;
    }
  }

  /** The finished index. */
  finish(): PlaceIndex {
    return new PlaceIndex(this.parents, this.rootOf, this.stats);
  }

  private readCommit(oid: Uint8Array): void {
    try {
      const obj = this.db.read(oid);
      if (obj.type !== 'commit') return;
      const c = parseCommit(obj.data);
      this.commits.push({ oid: toHex(oid), tree: c.tree, time: c.committer.time });
    } catch {
      this.stats.unreadable++;
    }
  }

  private enqueue(tree: string): void {
    if (this.walked.has(tree)) return;
    this.walked.add(tree);
    this.pending.push(tree);
  }

  private walkTree(tree: string): void {
    let entries: TreeEntry[];
    try {
      const obj = this.db.read(fromHex(tree));
      if (obj.type !== 'tree') return;
      entries = parseTree(obj.data, this.db.algo);
    } catch {
      this.stats.unreadable++;
      return;
    }
    this.stats.treesWalked++;
    for (const e of entries) {
      const type = modeType(e.mode);
      // A gitlink names a commit of another repository: nothing of ours lives below it.
      if (type === 'commit') continue;
      const child = toHex(e.oid);
      const edges = this.parents.get(child);
      const edge = { tree, name: this.utf8.decode(e.name), mode: e.mode };
      if (!edges) this.parents.set(child, [edge]);
      else if (edges.length < this.caps.maxParents) edges.push(edge);
      if (type === 'tree') this.enqueue(child);
    }
  }
}

/** Answers "where does this blob appear". */
export class PlaceIndex {
  constructor(
    private readonly parents: Map<string, ParentEdge[]>,
    private readonly rootOf: Map<string, IndexedCommit[]>,
    readonly stats: PlaceIndexStats,
  ) {}

  /**
   * Up to `limit` places of an object, newest commit first; `more` when there were more.
   * The walk up is bounded (`maxSteps`) and by depth, so a hostile graph cannot stall it.
   */
  places(oid: string, limit: number, maxSteps = 20_000): { places: BlobPlace[]; more: boolean } {
    const found: BlobPlace[] = [];
    const stack: { node: string; path: string[]; mode: string }[] = [{ node: oid, path: [], mode: '' }];
    let steps = 0;
    let more = false;
    while (stack.length > 0) {
      if (++steps > maxSteps) {
        more = true;
        break;
      }
      const { node, path, mode } = stack.pop() as { node: string; path: string[]; mode: string };
      if (path.length > 0) {
        for (const c of this.rootOf.get(node) ?? []) found.push({ commit: c.oid, path, mode, time: c.time });
      }
      if (path.length >= 256) continue;
      const edges = this.parents.get(node) ?? [];
      // The entry mode that matters is the blob's own (its entry in the innermost tree).
      for (let i = edges.length - 1; i >= 0; i--) stack.push({ node: edges[i].tree, path: [edges[i].name, ...path], mode: path.length === 0 ? edges[i].mode : mode });
    }
    const order = (a: BlobPlace, b: BlobPlace) => b.time - a.time || (a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : a.path.join('/') < b.path.join('/') ? -1 : 1);
    found.sort(order);
    if (found.length > limit) more = true;
    // Each path's newest place first, then the rest: results grouped by path see every path the
    // blob has (up to the limit), not one path's many commits.
    const paths = new Set<string>();
    const firsts: BlobPlace[] = [];
    const rest: BlobPlace[] = [];
    for (const p of found) {
      const key = p.path.join('/');
      if (paths.has(key)) rest.push(p);
      else {
        paths.add(key);
        firsts.push(p);
      }
    }
    return { places: [...firsts, ...rest].slice(0, limit).sort(order), more };
  }
}
