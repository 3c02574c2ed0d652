import type { CommitGraph } from '../format/commit-graph-chain.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import { limitedGraphOrder } from './limited-order.ts';
import { PathLog } from './path-log.ts';

/**
 * `git log --graph -- <path>…`: the graph of the commits that changed the paths, with git's
 * history simplification (git 2.39, revision.c). A pathspec makes the walk limited: git walks
 * the simplified history to its end (a merge TREESAME to a parent keeps only that parent, so the
 * other side is never walked), sorts every walked commit in graph order with the simplified
 * parents, then shows the commits that are not TREESAME, each drawn to its rewritten parents
 * (the nearest shown ancestor down each kept line; duplicates dropped).
 *
 * The walk is path-log.ts's; this adds the order and the parents the lanes are drawn with.
 * Without generation numbers git sorts this way too; with a commit-graph git streams the
 * topological order instead, which can order side branches differently (see the tests).
 */

/** One commit shown, in graph order. */
export interface PathGraphCommit {
  oid: string;
  /** Shown parents it is drawn to (rewritten), in parent order. */
  parents: string[];
}

/** Walk first (`step` until true), then `commits()`. */
export class PathGraph {
  readonly log: PathLog;
  private result: PathGraphCommit[] | undefined;

  constructor(db: ObjectDatabase, starts: Uint8Array[], pathspecs: Uint8Array[], options: { graph?: CommitGraph } = {}) {
    this.log = new PathLog(db, starts, pathspecs, options);
  }

  /** Walks up to `budget` commits; true when the walk has ended. */
  step(budget = Infinity): boolean {
    for (let taken = 0; taken < budget && !this.log.done; ) {
      const before = this.log.commitsRead;
      this.log.next(budget - taken);
      taken += Math.max(1, this.log.commitsRead - before);
    }
    return this.log.done;
  }

  /** The shown commits in git's graph order, with their rewritten parents (walks to the end first). */
  commits(): PathGraphCommit[] {
    if (this.result) return this.result;
    this.step();
    const log = this.log;
    const walked = log.walked;
    const position = new Map<string, number>();
    walked.forEach((hex, i) => position.set(hex, i));
    const parents = walked.map((hex) => log.simplify(hex).parents.map((p) => position.get(p) ?? -1));
    const order = limitedGraphOrder(walked.length, (i) => parents[i]);
    const out: PathGraphCommit[] = [];
    for (const i of order) {
      const hex = walked[i];
      if (log.simplify(hex).treesame) continue;
      out.push({ oid: hex, parents: log.rewrittenParents(hex) });
    }
    this.result = out;
    return out;
  }
}
