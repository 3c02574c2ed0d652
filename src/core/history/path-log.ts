import { fail } from '../errors.ts';
import { fromHex, toHex } from '../hash/hex.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { isTreeMode } from '../diff/tree-diff.ts';
import type { CommitGraph } from '../format/commit-graph-chain.ts';
import { GraphCommits, type BloomStats } from './graph-commits.ts';
import { CommitQueue } from './commit-queue.ts';
import { readCommitNode, type CommitNode } from './commit-node.ts';
import { findRenameSource } from './rename-source.ts';
import { TreePathLookup, sameEntry, splitPath, type PathEntry } from './tree-path.ts';

/**
 * `git log -- <path>…` and `git log --follow -- <file>` (git 2.39, revision.c and tree-diff.c):
 * the commits that changed a file or folder, in git's order.
 *
 * Without --follow (history simplification, git's default):
 * - commits come off a queue newest committer date first; equal dates in the order queued;
 * - a commit whose paths (every entry the pathspecs name, compared by mode and id) equal its
 *   parent's is TREESAME and not shown; a merge TREESAME to one of its parents (the first such,
 *   in parent order) keeps only that parent, so the walk follows that line alone and the other
 *   sides are never visited; a merge TREESAME to none is shown and all its parents walked;
 * - a root commit is shown when its tree holds anything the pathspecs name.
 *
 * With --follow there is no simplification: every ancestor is walked, and a commit is shown
 * when its diff to its one parent touches the path (a root commit: when it holds the path;
 * merges have no diff in `git log` and are never shown). When the commit added the path, rename
 * and copy detection (find_copies_harder) may find where it came from, and from then on the
 * walk follows that older path, for every commit that comes off the queue after.
 */

/** A commit the log shows. */
export interface PathLogEntry {
  oid: string;
  /** The path followed at this commit (the first pathspec without --follow). */
  path: Uint8Array;
  /** With --follow: the commit renamed (R) or copied (C) the path from this older path. */
  from?: { path: Uint8Array; status: 'R' | 'C'; score: number };
}

/** A commit after history simplification. */
export interface Simplified {
  /** Its paths equal those of the parent kept (or, for a root, it holds none of them). */
  treesame: boolean;
  /** The parents the walk goes on to. */
  parents: string[];
}

/** Options of the walk. */
export interface PathLogOptions {
  /** `--follow`: one file, renames and copies followed. */
  follow?: boolean;
  /**
   * The repository's commit-graph (generation-numbers.ts repositoryCommitGraph), when git would
   * read it: commits it holds give their tree, parents and date without being inflated, and its
   * changed-path Bloom filters answer "not changed against the first parent" without reading a
   * tree, as git's revision.c does (a filter's "maybe" is checked on the trees as before).
   */
  graph?: CommitGraph;
}

/** A walk in progress; `next` gives the shown commits one at a time. */
export class PathLog {
  private readonly queue = new CommitQueue<string>();
  private readonly seen = new Set<string>();
  private readonly nodes = new Map<string, CommitNode>();
  private readonly simplified = new Map<string, Simplified>();
  private lookups: TreePathLookup[];
  private followed: Uint8Array;
  private readonly follow: boolean;
  /** Commits taken off the queue so far. */
  commitsRead = 0;
  /** Every commit taken off the queue, in that order (git's limit_list output, shown or not). */
  readonly walked: string[] = [];
  /** The commit-graph's answers, when there is one (see PathLogOptions.graph). */
  private readonly graph: GraphCommits | undefined;
  /** The Bloom filters may be asked (not with --follow, not for the whole tree). */
  private readonly useBloom: boolean;
  private readonly pathspecs: Uint8Array[];
  /** Parents that are not in this repository (a shallow or partial history ends there). */
  readonly missingParents: string[] = [];
  done = false;

  constructor(
    private readonly db: ObjectDatabase,
    starts: Uint8Array[],
    pathspecs: Uint8Array[],
    options: PathLogOptions = {},
  ) {
    this.follow = options.follow === true;
    if (this.follow && pathspecs.length !== 1) fail('BadName', '--follow requires exactly one pathspec');
    this.graph = options.graph ? new GraphCommits(options.graph) : undefined;
    this.pathspecs = pathspecs;
    // git leaves the filters out for --follow (the path changes as the walk goes) and for the whole tree.
    this.useBloom = !this.follow && pathspecs.length > 0 && pathspecs.every((p) => p.length > 0);
    this.followed = pathspecs[0] ?? new Uint8Array(0);
    this.lookups = pathspecs.map((p) => new TreePathLookup(db, splitPath(p)));
    for (const s of starts) {
      const hex = toHex(s);
      if (this.seen.has(hex)) continue;
      this.seen.add(hex);
      this.queue.push(hex, this.node(hex).time);
    }
  }

  /** Trees read by the path lookups so far. */
  get treesRead(): number {
    return this.lookups.reduce((n, l) => n + l.treesRead, 0);
  }

  private node(hex: string): CommitNode {
    let n = this.nodes.get(hex);
    if (!n) this.nodes.set(hex, (n = this.nodeFromGraph(hex) ?? readCommitNode(this.db, hex)));
    return n;
  }

  /** The commit as the commit-graph records it (git's parse_commit_in_graph), its position kept for the filters. */
  private nodeFromGraph(hex: string): CommitNode | undefined {
    const n = this.graph?.node(hex);
    if (n) this.positions.set(hex, n.position);
    return n;
  }

  private readonly positions = new Map<string, number>();
  private readonly existing = new Map<string, boolean>();

  /**
   * Whether the repository has a commit, asked once per commit (each parent used to be looked up
   * three times). A commit the graph holds counts as present, as git trusts the graph.
   */
  private exists(hex: string): boolean {
    let e = this.existing.get(hex);
    if (e === undefined) {
      if (this.nodes.has(hex)) e = true;
      else {
        const fromGraph = this.nodeFromGraph(hex);
        if (fromGraph) this.nodes.set(hex, fromGraph);
        e = fromGraph !== undefined || this.db.has(fromHex(hex));
      }
      this.existing.set(hex, e);
    }
    return e;
  }

  /** git's check_maybe_different_in_bloom_filter: true when the commit's filter says no pathspec changed against its first parent. */
  private bloomSaysUnchanged(hex: string): boolean {
    const pos = this.positions.get(hex);
    if (!this.graph || !this.useBloom || pos === undefined) return false;
    return !this.graph.mayHaveChanged(pos, this.pathspecs);
  }

  /** How often the Bloom filters answered (all zero without a commit-graph). */
  get bloom(): BloomStats {
    return this.graph?.bloom ?? { definitelyNot: 0, maybe: 0, notPresent: 0 };
  }

  private entries(tree: Uint8Array): (PathEntry | undefined)[] {
    return this.lookups.map((l) => l.entryAt(tree));
  }

  private sameTrees(a: Uint8Array, b: Uint8Array): boolean {
    const ea = this.entries(a);
    const eb = this.entries(b);
    return ea.every((e, i) => sameEntry(e, eb[i]));
  }

  private push(hex: string): void {
    if (this.seen.has(hex)) return;
    this.seen.add(hex);
    if (!this.exists(hex)) {
      this.missingParents.push(hex);
      return;
    }
    this.queue.push(hex, this.node(hex).time);
  }

  /**
   * Walks until the next commit to show (returned), the end of the history (undefined, `done`),
   * or `budget` commits taken off the queue without one to show (undefined, not `done`).
   */
  next(budget = Infinity): PathLogEntry | undefined {
    for (let taken = 0; taken < budget; taken++) {
      const hex = this.queue.pop();
      if (hex === undefined) {
        this.done = true;
        return undefined;
      }
      this.commitsRead++;
      this.walked.push(hex);
      const shown = this.follow ? this.visitFollowing(hex) : this.visitSimplified(hex);
      if (shown) return shown;
    }
    return undefined;
  }

  /**
   * try_to_simplify_commit for one commit (cached, so it may run before the walk reaches the
   * commit): TREESAME or not, and the parents the walk goes on to (a merge TREESAME to one of its
   * parents keeps only that one). Parents not in the repository are left out.
   */
  simplify(hex: string): Simplified {
    let s = this.simplified.get(hex);
    if (s) return s;
    const c = this.node(hex);
    const present = c.parents.filter((p) => this.exists(p));
    if (this.lookups.length === 0) s = { treesame: false, parents: present };
    else if (present.length === 0) s = { treesame: this.entries(c.tree).every((e) => e === undefined), parents: [] };
    else if (present[0] === c.parents[0] && this.bloomSaysUnchanged(hex)) {
      // TREESAME to the first parent, which git checks first: the walk keeps that one parent.
      s = { treesame: true, parents: [present[0]] };
    } else {
      const same = present.find((p) => this.sameTrees(this.node(p).tree, c.tree));
      s = same !== undefined ? { treesame: true, parents: [same] } : { treesame: false, parents: present };
    }
    this.simplified.set(hex, s);
    return s;
  }

  /**
   * The parents a shown commit has in the simplified history (git's rewrite_parents, as
   * `--parents` and `--graph` print them): each parent replaced by its nearest ancestor that is
   * shown, following TREESAME commits down their one kept parent; a line that ends in a
   * TREESAME root is dropped; duplicates are dropped.
   */
  rewrittenParents(hex: string): string[] {
    const out: string[] = [];
    for (let p of this.simplify(hex).parents) {
      let kept: string | undefined = p;
      for (let hops = 0; ; hops++) {
        const s = this.simplify(p);
        if (!s.treesame) break;
        if (s.parents.length === 0 || hops > 10_000_000) {
          kept = undefined;
          break;
        }
        p = s.parents[0];
        kept = p;
      }
      if (kept !== undefined && !out.includes(kept)) out.push(kept);
    }
    return out;
  }

  private visitSimplified(hex: string): PathLogEntry | undefined {
    const c = this.node(hex);
    for (const p of c.parents) if (!this.exists(p)) this.push(p);
    const s = this.simplify(hex);
    for (const p of s.parents) this.push(p);
    return s.treesame ? undefined : { oid: hex, path: this.followed };
  }

  private visitFollowing(hex: string): PathLogEntry | undefined {
    const c = this.node(hex);
    for (const p of c.parents) this.push(p);
    const path = this.followed;
    const lookup = this.lookups[0];
    const mine = lookup.entryAt(c.tree);
    if (c.parents.length === 0) return mine ? { oid: hex, path } : undefined;
    if (c.parents.length > 1) return undefined;
    if (!this.exists(c.parents[0])) return undefined;
    const parentTree = this.node(c.parents[0]).tree;
    const before = lookup.entryAt(parentTree);
    if (sameEntry(before, mine)) return undefined;
    // Added here (git's diff_might_be_rename: the pathspec's diff holds a creation): where from?
    const added = mine && !isTreeMode(mine.mode) && (!before || isTreeMode(before.mode));
    if (added) {
      const source = findRenameSource(this.db, parentTree, c.tree, path, mine, 'follow');
      if (source) {
        this.followed = source.path;
        this.lookups = [new TreePathLookup(this.db, splitPath(source.path))];
        return { oid: hex, path, from: { path: source.path, status: source.status, score: source.score } };
      }
    }
    return { oid: hex, path };
  }
}
