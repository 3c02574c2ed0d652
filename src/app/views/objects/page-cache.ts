import type { ObjectRow, ResultOf, TypeFilter, WireError } from '../../../protocol/messages.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import { Cancelled, engine } from '../../client.ts';
import { asWire } from '../../stores/repo.ts';

/**
 * The rows of the objects list, fetched from the worker a page at a time as they scroll into
 * view. Only the pages near the viewport are kept: with millions of objects the list must not
 * grow with how far a person has scrolled.
 *
 * The worker answers a page in one go (a cancel cannot interrupt it), so requests are few and
 * chosen late: at most MAX_IN_FLIGHT at once, never cancelled while the list lives, and when
 * one finishes the next is picked from where the viewport is now. A fast drag over a million
 * rows thus asks for the pages it stops at, not for every page it passed.
 */

/** Rows per request. */
export const PAGE_SIZE = 200;

const MAX_IN_FLIGHT = 2;
/** Rows fetched ahead of the viewport, on both sides. */
const PREFETCH_ROWS = 120;
/** Pages kept beyond the wanted range on each side before they are dropped. */
const KEEP_PAGES = 4;

type Page = { state: 'loaded'; rows: ObjectRow[] } | { state: 'failed'; error: WireError };

/** The pages of one (filtered) list; see the file comment. */
export class PageCache {
  private readonly pages = new Map<number, Page>();
  /** Pages requested and not answered yet. */
  private readonly loading = new Set<number>();
  private readonly abort = new AbortController();
  private visibleFirst = 0;
  private visibleLast = -1;

  constructor(
    readonly filter: TypeFilter,
    /** Rows in the list, as the worker last said. */
    public total: number,
    private readonly onChange: () => void,
  ) {}

  /** Stores a page already fetched (the first one, which also built the index). */
  seed(start: number, rows: ObjectRow[]): void {
    if (start % PAGE_SIZE !== 0) return;
    this.pages.set(start / PAGE_SIZE, { state: 'loaded', rows });
  }

  /** The row at `index`, if its page is here. */
  row(index: number): ObjectRow | undefined {
    const page = this.pages.get(Math.floor(index / PAGE_SIZE));
    return page?.state === 'loaded' ? page.rows[index % PAGE_SIZE] : undefined;
  }

  /** Why the row's page could not be fetched, if it could not. */
  failure(index: number): WireError | undefined {
    const page = this.pages.get(Math.floor(index / PAGE_SIZE));
    return page?.state === 'failed' ? page.error : undefined;
  }

  /** True while the row's page is being fetched. */
  isLoading(index: number): boolean {
    return this.loading.has(Math.floor(index / PAGE_SIZE));
  }

  /** The rows [first, last] are on screen: fetch them (and a margin), drop far pages. */
  show(first: number, last: number): void {
    this.visibleFirst = first;
    this.visibleLast = last;
    this.evict();
    this.pump();
  }

  /** Fetches a failed page again. */
  retry(index: number): void {
    const p = Math.floor(index / PAGE_SIZE);
    if (this.pages.get(p)?.state === 'failed') this.pages.delete(p);
    this.pump();
    this.onChange();
  }

  /** Stops every request; the cache is not used after this. */
  dispose(): void {
    this.abort.abort();
    this.pages.clear();
    this.loading.clear();
  }

  /** Pages to fetch, most wanted first: the visible ones, then the margins. */
  private wanted(): number[] {
    if (this.visibleLast < this.visibleFirst || this.total === 0) return [];
    const lastRow = this.total - 1;
    const first = Math.floor(Math.max(0, this.visibleFirst) / PAGE_SIZE);
    const last = Math.floor(Math.min(lastRow, this.visibleLast) / PAGE_SIZE);
    const out: number[] = [];
    for (let p = first; p <= last; p++) out.push(p);
    const after = Math.floor(Math.min(lastRow, this.visibleLast + PREFETCH_ROWS) / PAGE_SIZE);
    const before = Math.floor(Math.max(0, this.visibleFirst - PREFETCH_ROWS) / PAGE_SIZE);
    if (after > last) out.push(after);
    if (before < first) out.push(before);
    return out;
  }

  private pump(): void {
    if (this.abort.signal.aborted) return;
    for (const p of this.wanted()) {
      if (this.loading.size >= MAX_IN_FLIGHT) return;
      if (!this.pages.has(p) && !this.loading.has(p)) this.load(p);
    }
  }

  private load(p: number): void {
    this.loading.add(p);
    const start = p * PAGE_SIZE;
    engine.call('objectPage', { start, count: PAGE_SIZE, filter: this.filter }, { signal: this.abort.signal }).then(
      ({ rows, total }) => {
        this.loading.delete(p);
        if (this.abort.signal.aborted) return;
        // Scrolled far away meanwhile: the answer is dropped like an evicted page.
        if (this.keeps(p)) this.pages.set(p, { state: 'loaded', rows });
        this.total = total;
        this.onChange();
        this.pump();
      },
      (err: unknown) => {
        this.loading.delete(p);
        if (this.abort.signal.aborted || err instanceof Cancelled) return;
        this.pages.set(p, { state: 'failed', error: asWire(err) });
        this.onChange();
        this.pump();
      },
    );
  }

  /** Whether page `p` is near enough to the viewport to keep. */
  private keeps(p: number): boolean {
    const first = Math.floor(Math.max(0, this.visibleFirst - PREFETCH_ROWS) / PAGE_SIZE) - KEEP_PAGES;
    const last = Math.floor((this.visibleLast + PREFETCH_ROWS) / PAGE_SIZE) + KEEP_PAGES;
    return p >= first && p <= last;
  }

  /** Drops pages far from the viewport. */
  private evict(): void {
    for (const p of this.pages.keys()) if (!this.keeps(p)) this.pages.delete(p);
  }
}

/**
 * The list under `filter`: its first page asked of the worker (which builds the list's index,
 * reporting progress), as a cache of its pages calling `onChange` when one arrives.
 */
export async function openPageCache(filter: TypeFilter, onChange: () => void, signal: AbortSignal, onProgress: (p: Progress) => void): Promise<PageCache> {
  const { rows, total } = await engine.call('objectPage', { start: 0, count: PAGE_SIZE, filter }, { signal, onProgress });
  const made = new PageCache(filter, total, onChange);
  made.seed(0, rows);
  return made;
}

/** Where the object whose id starts with `prefix` is in the list under `filter`. */
export function locateInList(prefix: string, filter: TypeFilter): Promise<ResultOf<'locateInList'>> {
  return engine.call('locateInList', { prefix, filter });
}
