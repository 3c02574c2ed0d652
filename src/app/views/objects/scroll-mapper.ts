/**
 * The objects list's scroll position, kept as a "virtual" offset (row index × row height)
 * and mapped to the scroll container's real `scrollTop`.
 *
 * Browsers cap an element's height: Chrome near 33.5M px, Firefox near 17.9M px. At 28 px a
 * row that is 1.2M / 640k rows, and a linux clone has 10M objects. Up to MAX_SCROLL_HEIGHT the
 * two offsets are the same and the browser scrolls natively. Beyond it the spacer is capped
 * at MAX_SCROLL_HEIGHT and:
 *  - the scrollbar (thumb drag, a click in the track, touch scrolling, `scrollTop` set by a
 *    script) maps proportionally: the top is the first row, the bottom is the last row;
 *  - the mouse wheel (and the list's own keyboard handling, through `scrollTo`) moves the rows
 *    by its real distance, so a notch scrolls three rows, not three thousand; the thumb follows
 *    proportionally;
 *  - the rows sit in a layer pinned to the viewport (`position: sticky`) and are moved with a
 *    transform the list applies from `offset` (see ObjectList).
 * The virtualizer sees only virtual offsets: `observe` is its `observeElementOffset`.
 */

/** Height of one row, in CSS pixels. */
export const ROW_HEIGHT = 28;

/** The tallest spacer we ask a browser for (under Firefox's cap, with room). */
export const MAX_SCROLL_HEIGHT = 16_000_000;

type OffsetListener = (offset: number, isScrolling: boolean) => void;

/** Maps between the virtual offset and the element's scrollTop; see the file comment. */
export class ScrollMapper {
  private el: HTMLElement | null = null;
  private virtualTotal = 0;
  private viewport = 0;
  private offset = 0;
  /** The scrollTop we wrote last, until its scroll event arrives. */
  private written: number | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<OffsetListener>();
  private readonly moveListeners = new Set<(offset: number) => void>();
  private readonly viewportListeners = new Set<() => void>();

  /** The current virtual offset. */
  get current(): number {
    return this.offset;
  }

  /** The rows' viewport: the scroll container's client height less its sticky header. */
  get viewportHeight(): number {
    return this.viewport;
  }

  /** True when the content is taller than MAX_SCROLL_HEIGHT and the scrollbar is scaled. */
  get scaled(): boolean {
    return this.virtualTotal > MAX_SCROLL_HEIGHT;
  }

  /** The spacer's height: the real scrollable height. */
  get realTotal(): number {
    return Math.min(this.virtualTotal, MAX_SCROLL_HEIGHT);
  }

  private get maxVirtual(): number {
    return Math.max(0, this.virtualTotal - this.viewport);
  }

  private get maxReal(): number {
    return Math.max(0, this.realTotal - this.viewport);
  }

  private toReal(virtual: number): number {
    if (!this.scaled) return virtual;
    const maxV = this.maxVirtual;
    return maxV > 0 ? (virtual / maxV) * this.maxReal : 0;
  }

  private toVirtual(real: number): number {
    if (!this.scaled) return real;
    const maxR = this.maxReal;
    return maxR > 0 ? (Math.min(real, maxR) / maxR) * this.maxVirtual : 0;
  }

  private clamp(virtual: number): number {
    return Math.max(0, Math.min(this.maxVirtual, virtual));
  }

  /** The virtualizer's `observeElementOffset`. */
  readonly observe = (_instance: unknown, cb: OffsetListener): (() => void) => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };

  /** Called with the offset on every move (the list moves its row layer when scaled). */
  onMove(listener: (offset: number) => void): () => void {
    this.moveListeners.add(listener);
    return () => this.moveListeners.delete(listener);
  }

  /** Called when the viewport's height changes (for useSyncExternalStore). */
  readonly onViewport = (listener: () => void): (() => void) => {
    this.viewportListeners.add(listener);
    return () => this.viewportListeners.delete(listener);
  };

  private emit(isScrolling: boolean): void {
    for (const l of this.moveListeners) l(this.offset);
    for (const l of this.listeners) l(this.offset, isScrolling);
    if (isScrolling) {
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => {
        for (const l of this.listeners) l(this.offset, false);
      }, 150);
    }
  }

  /** Sets the content's virtual height (row count × row height). */
  setTotal(virtualTotal: number): void {
    if (virtualTotal === this.virtualTotal) return;
    this.virtualTotal = virtualTotal;
    this.resync();
  }

  private setViewport(height: number): void {
    if (height === this.viewport) return;
    this.viewport = height;
    this.resync();
    for (const l of this.viewportListeners) l();
  }

  /** After a size change: keep the virtual offset (clamped) and move the element to match. */
  private resync(): void {
    this.offset = this.clamp(this.offset);
    if (this.el) this.write(this.toReal(this.offset));
    this.emit(false);
  }

  private write(real: number): void {
    const el = this.el;
    if (!el) return;
    const before = el.scrollTop;
    if (Math.abs(before - real) < 0.5) return;
    el.scrollTop = real;
    // Remember where the browser put it (it rounds); a write that did not move it fires no event.
    const after = el.scrollTop;
    this.written = Math.abs(after - before) >= 0.5 ? after : undefined;
  }

  /** Scrolls so that the virtual offset `virtual` is at the top of the viewport. */
  scrollTo(virtual: number): void {
    this.offset = this.clamp(virtual);
    this.write(this.toReal(this.offset));
    this.emit(true);
  }

  /**
   * Puts the element at `virtual` without telling the listeners: the virtualizer's
   * `scrollToFn`, which already knows where it asked to go.
   */
  place(virtual: number): void {
    this.offset = this.clamp(virtual);
    this.write(this.toReal(this.offset));
  }

  /** Scrolls by `delta` virtual pixels. */
  scrollBy(delta: number): void {
    this.scrollTo(this.offset + delta);
  }

  /**
   * Starts listening to the scroll container; returns the cleanup. `header` is a sticky header
   * at the top of the container, in flow before the rows' spacer: with it, scrollTop is the
   * offset into the spacer and the rows see the client height less the header's.
   */
  attach(el: HTMLElement, header: HTMLElement | null): () => void {
    this.el = el;
    const measure = () => this.setViewport(Math.max(0, el.clientHeight - (header?.offsetHeight ?? 0)));
    measure();
    const onScroll = () => {
      const real = el.scrollTop;
      if (this.written !== undefined && Math.abs(real - this.written) < 1) {
        // Our own write: the virtual offset is already set (and more precise).
        this.written = undefined;
        this.emit(true);
        return;
      }
      this.written = undefined;
      this.offset = this.clamp(this.toVirtual(real));
      this.emit(true);
    };
    const onWheel = (e: WheelEvent) => {
      if (!this.scaled || e.ctrlKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) return;
      const unit = e.deltaMode === 1 ? ROW_HEIGHT : e.deltaMode === 2 ? this.viewport : 1;
      const delta = e.deltaY * unit;
      if (delta === 0) return;
      e.preventDefault();
      this.scrollBy(delta);
    };
    const resize = new ResizeObserver(measure);
    el.addEventListener('scroll', onScroll, { passive: true });
    el.addEventListener('wheel', onWheel, { passive: false });
    resize.observe(el);
    if (header) resize.observe(header);
    this.resync();
    return () => {
      el.removeEventListener('scroll', onScroll);
      el.removeEventListener('wheel', onWheel);
      resize.disconnect();
      clearTimeout(this.idleTimer);
      if (this.el === el) this.el = null;
    };
  }
}
