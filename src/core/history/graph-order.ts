import type { LogWalk } from './log-walk.ts';

/**
 * git's graph order (LogWalk.topoOrder) a page at a time, without waiting for the whole walk.
 *
 * git can stream `--topo-order` only with generation numbers from a commit-graph file: a commit
 * may be shown once every child it has in the walk has been shown, and generation numbers
 * bound where those children can be. Without them, committer dates do the same job when they
 * never go backwards (a parent older than its children): the walk takes commits newest first,
 * so once the next commit it would take is older than P, every child of P has been taken and
 * counted. A commit is shown by the same stack rules as the whole sort (see log-walk.ts), each
 * parent's child count made final this way (`slop` seconds further, for small clock skew)
 * before it is decided; a parent with a known child still to show, or a start with a known child,
 * is not decided yet and sends the walk no deeper.
 *
 * With a commit-graph the walk goes by generation numbers instead (log-walk.ts), as git's own
 * streaming does, and the counts are exact without any assumption about clocks.
 *
 * A clock skewed by more than `slop` can break the assumption: a child taken after its parent
 * was already decided. The stream notices (`broken`) the moment the walk takes such a child; the
 * caller then finishes the walk and uses the exact sort. Until the walk has ended, pages are
 * provisional in this one way; `confirmed` says when they are final.
 */
export class GraphOrder {
  /** True when a child was found after its parent was decided: the pages so far may be wrong. */
  broken = false;
  /** Children taken by the walk that have not been shown, by commit number (+ those not yet numbered, by id). */
  private readonly waiting: number[] = [];
  private readonly waitingById = new Map<string, number>();
  /** Children ever taken, by commit number. */
  private readonly children: number[] = [];
  /** Decided: pushed to the stack or taken as a tip. */
  private readonly decided: boolean[] = [];
  /** Unwalked parents (--first-parent) a shown child skipped because they were not numbered yet. */
  private readonly skippedById = new Set<string>();
  private readonly stack: number[] = [];
  private tipCursor = 0;
  /** The commit chosen next, whose parents may still need the walk to go deeper. */
  private current = -1;
  /** Dates of unwalked parents, read once. */
  private readonly peekedDates = new Map<string, number>();

  constructor(
    readonly walk: LogWalk,
    private readonly slop = 86_400,
  ) {
    for (let n = 0; n < walk.oids.length; n++) this.numbered(n);
    for (const n of walk.walked) this.taken(n);
    walk.onDiscover = (n) => this.numbered(n);
    walk.onVisit = (n) => this.taken(n);
  }

  /** True when the walk has ended and nothing broke: every page produced is git's. */
  get confirmed(): boolean {
    return this.walk.done && !this.broken;
  }

  /** True when every commit has been produced. */
  get finished(): boolean {
    return this.current < 0 && this.stack.length === 0 && this.tipCursor >= this.walk.starts.length;
  }

  /**
   * Up to `max` more commits in graph order; fewer when `deadline` (performance.now) passes
   * first or the history ends. Stops producing once `broken`.
   */
  next(max: number, deadline = Infinity): number[] {
    const out: number[] = [];
    while (out.length < max && !this.broken) {
      if (this.current < 0) {
        const chosen = this.choose(deadline);
        if (chosen === undefined) break; // out of time
        if (chosen < 0) break; // history ended
        this.current = chosen;
      }
      const t = this.current;
      const edges = this.edges(t);
      // A parent whose count would reach zero must have all its children counted first; one that
      // keeps a known child waiting is not decided now, and needs the walk to go no deeper.
      let oldest = Infinity;
      for (const e of edges) {
        if (typeof e === 'string') oldest = Math.min(oldest, this.peekDate(e) - this.slop);
        else if (this.waiting[e] <= edges.reduce<number>((k, x) => k + (x === e ? 1 : 0), 0)) oldest = Math.min(oldest, this.settleKey(e));
      }
      if (!this.walk.walkDownTo(oldest, deadline)) break;
      if (this.broken) break;
      for (let e of edges) {
        if (typeof e === 'string') {
          const n = this.walk.numberOfId(e);
          if (n < 0) {
            this.skippedById.add(e);
            continue;
          }
          e = n;
        }
        if (--this.waiting[e] === 0) {
          this.decided[e] = true;
          this.stack.push(e);
        }
      }
      this.current = -1;
      out.push(t);
    }
    return out;
  }

  /** The next commit to show: the stack's top, else the next start no child names; undefined: out of time; -1: none left. */
  private choose(deadline: number): number | undefined {
    if (this.stack.length > 0) return this.stack.pop() as number;
    const starts = this.walk.starts;
    while (this.tipCursor < starts.length) {
      const s = starts[this.tipCursor];
      // Decided already, or a child is known: not a tip (it comes when its children are shown).
      if (this.decided[s] || this.children[s] > 0) {
        this.tipCursor++;
        continue;
      }
      if (!this.walk.walkDownTo(this.settleKey(s), deadline)) return undefined;
      if (this.broken) return undefined;
      this.tipCursor++;
      if (this.children[s] === 0) {
        this.decided[s] = true;
        return s;
      }
    }
    return -1;
  }

  /** Parents in git's order: walked parents as numbers, unwalked ones (--first-parent) as ids. */
  private edges(n: number): (number | string)[] {
    const more = this.walk.unwalkedParents(n);
    const walked = this.walk.parents[n];
    return more.length === 0 ? walked : [...walked, ...more];
  }

  /**
   * How far the walk must go before a commit's children are all counted: past its date less the
   * slop, or, by generation, to its generation (every child's is higher, whatever the clocks say).
   */
  private settleKey(n: number): number {
    return this.walk.byGeneration ? this.walk.keys[n] : this.walk.dates[n] - this.slop;
  }

  private peekDate(oid: string): number {
    const n = this.walk.numberOfId(oid);
    if (n >= 0) return this.walk.dates[n];
    let d = this.peekedDates.get(oid);
    if (d === undefined) this.peekedDates.set(oid, (d = this.walk.dateOfId(oid)));
    return d;
  }

  private numbered(n: number): void {
    const id = this.walk.oids[n];
    const early = this.waitingById.get(id) ?? 0;
    this.waitingById.delete(id);
    this.waiting[n] = early;
    this.children[n] = early;
    this.decided[n] = false;
    // A shown child passed it by while it was unknown: its count can never reach zero.
    if (this.skippedById.has(id)) this.broken = true;
  }

  private taken(n: number): void {
    for (const p of this.walk.parents[n]) this.countChild(p);
    for (const id of this.walk.unwalkedParents(n)) {
      const p = this.walk.numberOfId(id);
      if (p >= 0) this.countChild(p);
      else this.waitingById.set(id, (this.waitingById.get(id) ?? 0) + 1);
    }
  }

  private countChild(p: number): void {
    if (this.decided[p]) this.broken = true;
    this.waiting[p]++;
    this.children[p]++;
  }
}

/**
 * The whole graph order, streamed and then checked: the stream's pages when the finished walk
 * confirms them, else the exact sort (what a caller that cannot take pages back, like the CLI,
 * prints). `broken` tells which one it was.
 */
export function wholeGraphOrder(walk: LogWalk, slop?: number): { order: number[]; broken: boolean } {
  const stream = new GraphOrder(walk, slop);
  const streamed: number[] = [];
  for (;;) {
    const page = stream.next(4096);
    for (const n of page) streamed.push(n);
    if (page.length === 0 || stream.broken) break;
  }
  walk.step();
  if (stream.confirmed && stream.finished) return { order: streamed, broken: false };
  return { order: Array.from(walk.topoOrder()), broken: true };
}
