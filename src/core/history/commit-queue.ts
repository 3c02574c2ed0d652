/**
 * git's commit queue for a date-ordered walk: newest committer date first, and among equal
 * dates the one queued first (commit_list_insert_by_date puts a commit after every commit of
 * the same date). A binary heap keyed by (date descending, insertion number ascending). The key
 * may be a generation number instead of a date (the commit-graph walk): any number, highest first.
 */
export class CommitQueue<T> {
  private readonly items: T[] = [];
  private readonly times: number[] = [];
  private readonly order: number[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  push(item: T, time: number): void {
    this.items.push(item);
    this.times.push(time);
    this.order.push(this.counter++);
    this.up(this.items.length - 1);
  }

  /** The key (time) of the item `pop` would return, or undefined when empty. */
  topKey(): number | undefined {
    return this.times[0];
  }

  /** The newest item, or undefined when empty. */
  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0];
    const lastItem = this.items.pop() as T;
    const lastTime = this.times.pop() as number;
    const lastOrder = this.order.pop() as number;
    if (n > 1) {
      this.items[0] = lastItem;
      this.times[0] = lastTime;
      this.order[0] = lastOrder;
      this.down(0);
    }
    return top;
  }

  /** True when item a comes off the queue before item b. */
  private before(a: number, b: number): boolean {
    return this.times[a] > this.times[b] || (this.times[a] === this.times[b] && this.order[a] < this.order[b]);
  }

  private swap(a: number, b: number): void {
    [this.items[a], this.items[b]] = [this.items[b], this.items[a]];
    [this.times[a], this.times[b]] = [this.times[b], this.times[a]];
    [this.order[a], this.order[b]] = [this.order[b], this.order[a]];
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.before(l, best)) best = l;
      if (r < n && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
  }
}
