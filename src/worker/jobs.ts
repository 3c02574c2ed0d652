import { Cancelled, yieldNow, type HandlerContext } from '../protocol/rpc.ts';

/**
 * The worker's one job queue. Every long scan a view starts (type filter, pack statistics and
 * byte map, verify, reachability, search) runs here a slice at a time, with a yield between
 * slices so lookups are answered as before. Work with the same key is done once: a second
 * request joins the running job as another waiter. Jobs of the view the person is looking at
 * (see `focus`) get most slices; every other waiting job gets at least one slice in
 * `focusShare + 1` rounds, taken in turn, so nothing starves. A waiter that is cancelled stops
 * waiting; the job goes on while anyone waits, and is dropped when no one does (the engines
 * underneath are resumable, so the next request continues where it stopped).
 */

/** What a job reports after each slice. `unit` names what `done` counts (objects, entries, bytes). */
export interface JobProgress {
  done: number;
  total: number;
  label: string;
  unit?: string;
}

/** One piece of long work: a step run for about `budgetMs`, true once finished. */
export interface JobSpec<T> {
  /** Jobs with equal keys are the same work, done once. */
  key: string;
  step(budgetMs: number): boolean;
  progress(): JobProgress;
  /** The result, once `step` returned true. */
  finish(): T;
  /**
   * Set while the work runs on other threads (the verify pool): a promise that settles when
   * `step` has something to do again. The queue does not spin on such a job: when every job
   * waits, it sleeps until one of them settles.
   */
  waiting?(): Promise<unknown> | undefined;
}

/** How long the queue sleeps at most while every job waits on other threads (cancels are seen this often). */
const IDLE_MS = 200;

/** Which view a request serves, by request name (the views the app names in `focus`). */
const VIEW_OF_REQUEST: Record<string, string> = {
  objectIndex: 'objects',
  objectPage: 'objects',
  locateInList: 'objects',
  packStats: 'pack',
  packMap: 'pack',
  verify: 'verify',
  evidenceFiles: 'verify',
  findingsReport: 'verify',
  reachability: 'unreachable',
  lostFound: 'unreachable',
  search: 'search',
  blobPlaces: 'search',
};

/** Routes whose long work is another view's (the packs list shows every pack's statistics). */
const FOCUS_ALIASES: Record<string, string> = { packs: 'pack' };

/** The view a handler's request serves, when known. */
export function viewOf(ctx: HandlerContext): string | undefined {
  return ctx.request === undefined ? undefined : (VIEW_OF_REQUEST[ctx.request] ?? ctx.request);
}

interface Waiter {
  ctx: HandlerContext;
  view: string | undefined;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

interface Job {
  spec: JobSpec<unknown>;
  waiters: Set<Waiter>;
  /** Rate baseline for the time estimate (reset when the label changes: a new phase). */
  since?: { at: number; done: number; label: string };
}

/** Options, mostly for tests. */
export interface SchedulerOptions {
  sliceMs?: number;
  /** Slices the focused view's jobs get for each one the others get. */
  focusShare?: number;
  now?: () => number;
  yieldFn?: () => Promise<void>;
}

/** The scheduler; see the file comment. */
export class JobScheduler {
  readonly sliceMs: number;
  private readonly focusShare: number;
  private readonly now: () => number;
  private readonly yieldFn: () => Promise<void>;
  /** Insertion order is the round-robin order: a job that ran moves to the end. */
  private readonly jobs = new Map<string, Job>();
  private focused: string | undefined;
  private turn = 0;
  private running = false;
  /** Slices run per key, for tests and diagnostics. */
  readonly slices = new Map<string, number>();

  constructor(options: SchedulerOptions = {}) {
    this.sliceMs = options.sliceMs ?? 12;
    this.focusShare = options.focusShare ?? 3;
    this.now = options.now ?? (() => performance.now());
    this.yieldFn = options.yieldFn ?? yieldNow;
  }

  /** The view the person is looking at; its jobs go first. */
  focus(view: string | undefined): void {
    this.focused = view !== undefined ? (FOCUS_ALIASES[view] ?? view) : undefined;
  }

  /** Keys of the jobs someone is waiting on. */
  get pending(): string[] {
    return [...this.jobs.keys()];
  }

  /**
   * Runs `spec` (or joins the job with its key) and resolves with its result. Progress, with
   * its unit and a time estimate, goes to `ctx`; cancelling `ctx` rejects this waiter only.
   */
  run<T>(spec: JobSpec<T>, ctx: HandlerContext, view: string | undefined = viewOf(ctx)): Promise<T> {
    let job = this.jobs.get(spec.key);
    if (!job) {
      job = { spec: spec as JobSpec<unknown>, waiters: new Set() };
      this.jobs.set(spec.key, job);
    }
    const entry = job;
    const result = new Promise<T>((resolve, reject) => {
      entry.waiters.add({ ctx, view, resolve: resolve as (v: unknown) => void, reject });
    });
    this.start();
    return result;
  }

  /** Stops the job with this key: its waiters are rejected as cancelled. */
  drop(key: string): void {
    const job = this.jobs.get(key);
    if (!job) return;
    this.jobs.delete(key);
    for (const w of job.waiters) w.reject(new Cancelled());
  }

  /** Milliseconds left at the rate so far, or undefined while there is no rate yet. */
  estimate(key: string): number | undefined {
    const job = this.jobs.get(key);
    return job ? this.etaOf(job, job.spec.progress()) : undefined;
  }

  private etaOf(job: Job, p: JobProgress): number | undefined {
    const since = job.since;
    if (!since || since.label !== p.label) return undefined;
    const elapsed = this.now() - since.at;
    const advanced = p.done - since.done;
    if (elapsed <= 0 || advanced <= 0 || p.total <= p.done) return undefined;
    return Math.round(((p.total - p.done) * elapsed) / advanced);
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      // A job added while the loop was ending.
      if (this.jobs.size > 0) this.start();
    });
  }

  private async loop(): Promise<void> {
    while (this.jobs.size > 0) {
      this.reapCancelled();
      const job = this.pick();
      if (job) this.slice(job);
      const waits = this.allWaiting();
      if (waits) await Promise.race([...waits, new Promise((resolve) => setTimeout(resolve, IDLE_MS))]);
      else await this.yieldFn();
    }
  }

  /** What every job waits on, when every job is waiting on other threads; else undefined. */
  private allWaiting(): Promise<unknown>[] | undefined {
    const waits: Promise<unknown>[] = [];
    for (const job of this.jobs.values()) {
      const w = job.spec.waiting?.();
      if (w === undefined) return undefined;
      waits.push(w);
    }
    return waits.length > 0 ? waits : undefined;
  }

  /** Rejects cancelled waiters; a job no one waits for any more is dropped. */
  private reapCancelled(): void {
    for (const [key, job] of this.jobs) {
      for (const w of job.waiters) {
        try {
          w.ctx.checkCancelled();
        } catch (err) {
          job.waiters.delete(w);
          w.reject(err);
        }
      }
      if (job.waiters.size === 0) this.jobs.delete(key);
    }
  }

  /** The next job: the focused view's most turns, the others in turn at least once a round. */
  private pick(): Job | undefined {
    const focused: Job[] = [];
    const others: Job[] = [];
    for (const job of this.jobs.values()) {
      const isFocused = this.focused !== undefined && [...job.waiters].some((w) => w.view === this.focused);
      (isFocused ? focused : others).push(job);
    }
    this.turn++;
    const othersTurn = this.turn % (this.focusShare + 1) === 0;
    const job = focused.length === 0 || (othersTurn && others.length > 0) ? others[0] : focused[0];
    if (job) {
      // To the back of the round-robin order.
      this.jobs.delete(job.spec.key);
      this.jobs.set(job.spec.key, job);
    }
    return job;
  }

  private slice(job: Job): void {
    const key = job.spec.key;
    this.slices.set(key, (this.slices.get(key) ?? 0) + 1);
    if (!job.since) {
      const p = job.spec.progress();
      job.since = { at: this.now(), done: p.done, label: p.label };
    }
    let finished: boolean;
    try {
      finished = job.spec.waiting?.() !== undefined ? false : job.spec.step(this.sliceMs);
    } catch (err) {
      this.jobs.delete(key);
      for (const w of job.waiters) w.reject(err);
      return;
    }
    const p = job.spec.progress();
    if (job.since.label !== p.label) job.since = { at: this.now(), done: p.done, label: p.label };
    const etaMs = finished ? 0 : this.etaOf(job, p);
    const extra = { ...(p.unit ? { unit: p.unit } : {}), ...(etaMs !== undefined ? { etaMs } : {}) };
    for (const w of job.waiters) w.ctx.progress(finished ? p.total : p.done, p.total, p.label, extra);
    if (!finished) return;
    this.jobs.delete(key);
    let result: unknown;
    try {
      result = job.spec.finish();
    } catch (err) {
      for (const w of job.waiters) w.reject(err);
      return;
    }
    for (const w of job.waiters) w.resolve(result);
  }
}

/** The worker's scheduler. */
export const jobs = new JobScheduler();

const sessionIds = new WeakMap<object, number>();
let nextSessionId = 1;

/** A key prefix unique to one session (jobs of a replaced session never meet the new one's). */
export function ownerKey(owner: object): string {
  let id = sessionIds.get(owner);
  if (id === undefined) sessionIds.set(owner, (id = nextSessionId++));
  return `s${id}`;
}

/** Runs `step` repeatedly, `budgetMs` at most (a step that works in counts, not time). */
export function stepFor(budgetMs: number, step: () => boolean): boolean {
  const end = performance.now() + budgetMs;
  for (;;) {
    if (step()) return true;
    if (performance.now() >= end) return false;
  }
}
