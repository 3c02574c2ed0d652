/**
 * Ordered merge: results of numbered jobs (0, 1, 2, …), each a stream of items, arrive in any
 * order between jobs and in order within one; they are written strictly by job number. Items of
 * the head job are written as they come; the others are kept, and `storedBytes` says how much
 * is kept so the caller can hold producers back.
 */
export class OrderedMerge<T> {
  private headSeq = 0;
  private readonly kept = new Map<number, T[]>();
  private readonly completed = new Set<number>();
  storedBytes = 0;

  constructor(
    private readonly sizeOf: (item: T) => number,
    private readonly write: (seq: number, item: T) => void,
  ) {}

  /** The job being written now: every job before it is complete and written. */
  get head(): number {
    return this.headSeq;
  }

  /** Adds an item of job `seq`; true when it was written at once (seq is the head). */
  push(seq: number, item: T): boolean {
    if (seq < this.headSeq || this.completed.has(seq)) throw new Error(`ordered merge: job ${seq} is already complete`);
    if (seq === this.headSeq) {
      this.write(seq, item);
      return true;
    }
    let list = this.kept.get(seq);
    if (!list) this.kept.set(seq, (list = []));
    list.push(item);
    this.storedBytes += this.sizeOf(item);
    return false;
  }

  /** Job `seq` has no more items. When it is the head, the head moves on past complete jobs. */
  complete(seq: number): void {
    this.completed.add(seq);
    while (this.completed.has(this.headSeq)) {
      this.completed.delete(this.headSeq);
      this.headSeq++;
      const list = this.kept.get(this.headSeq);
      if (!list) continue;
      this.kept.delete(this.headSeq);
      for (const item of list) {
        this.storedBytes -= this.sizeOf(item);
        this.write(this.headSeq, item);
      }
    }
  }

  /** Drops what is kept of job `seq` (it will be produced again). */
  discard(seq: number): void {
    const list = this.kept.get(seq);
    if (!list) return;
    this.kept.delete(seq);
    for (const item of list) this.storedBytes -= this.sizeOf(item);
  }
}
