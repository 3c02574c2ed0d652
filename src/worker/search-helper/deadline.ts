/**
 * The engine's watch on a search helper: which blob it is on (it says so before each one) and
 * how long since it last showed a sign of progress. When one blob has taken longer than the
 * limit, the helper is stuck in a pattern that backtracks without end (a regular expression
 * cannot be interrupted), and `overdue` names that blob so the engine can stop the helper and
 * say where. An idle helper (nothing sent, or everything answered) is never overdue.
 */

/** A blob the helper spent too long on (`oid` is absent when it never reported starting one). */
export interface Overdue {
  oid?: string;
  /** Milliseconds since the helper's last sign of progress. */
  ms: number;
}

interface Outstanding {
  seq: number;
  oids: readonly string[];
}

/** Tracks one helper; `now` is a clock in milliseconds. */
export class HelperDeadline {
  private readonly outstanding: Outstanding[] = [];
  private current: string | undefined;
  private lastSign = 0;

  constructor(
    readonly limitMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True while some batch sent to the helper has not been answered. */
  get busy(): boolean {
    return this.outstanding.length > 0;
  }

  /** A batch was sent. The clock starts now if the helper was idle. */
  sent(seq: number, oids: readonly string[]): void {
    if (this.outstanding.length === 0) this.lastSign = this.now();
    this.outstanding.push({ seq, oids });
  }

  /** The helper starts blob `index` of batch `seq`. */
  started(seq: number, index: number): void {
    const batch = this.outstanding.find((b) => b.seq === seq);
    this.current = batch?.oids[index];
    this.lastSign = this.now();
  }

  /** The helper answered batch `seq`. */
  answered(seq: number): void {
    const at = this.outstanding.findIndex((b) => b.seq === seq);
    if (at >= 0) this.outstanding.splice(at, 1);
    this.current = undefined;
    this.lastSign = this.now();
  }

  /** The blob the helper has been on for longer than the limit, or undefined. */
  overdue(): Overdue | undefined {
    if (this.outstanding.length === 0) return undefined;
    const ms = this.now() - this.lastSign;
    if (ms <= this.limitMs) return undefined;
    return this.current === undefined ? { ms } : { oid: this.current, ms };
  }
}
