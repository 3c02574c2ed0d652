import type { MapView } from './map-cache.ts';

/**
 * The byte map's viewport: which bytes of the pack are on screen (first byte, bytes per CSS
 * pixel), the keyboard cursor, and every way they change (zoom around a point, pan, fit, follow
 * the cursor, resize). Pure: it reads and writes a MapView (kept in map-cache.ts, so a map keeps
 * its zoom while the person looks elsewhere) and knows the entries only by offset and size.
 * ByteMap.tsx draws what it says (byte-map-render.ts) and feeds it input (byte-map-input.ts).
 */

/** Smallest bytes per CSS pixel: 32 pixels a byte. */
export const MIN_BYTES_PER_PX = 1 / 32;

/** What the viewport needs of the pack: its size and its entries in pack order. */
export interface MapExtent {
  packBytes: number;
  /** Entries in pack order. */
  count: number;
  offsets: ArrayLike<number>;
  storedSizes: ArrayLike<number>;
  /** The entry whose bytes hold `byte`: the last entry starting at or before it (-1 before the first). */
  rankAt(byte: number): number;
}

/** How the cursor's entry is kept in view: scrolled just enough, or centred. */
export type Follow = 'follow' | 'center';

/** A viewport over one map; `width` is the canvas's CSS width, passed to each call (it changes). */
export class MapViewport {
  constructor(
    readonly view: MapView,
    private readonly extent: MapExtent,
  ) {}

  /** The pack's size in bytes. */
  get packBytes(): number {
    return this.extent.packBytes;
  }

  /** Bytes per pixel that show the whole pack in `width`. */
  maxBytesPerPx(width: number): number {
    return Math.max(MIN_BYTES_PER_PX, this.extent.packBytes / Math.max(1, width));
  }

  /** Keeps the zoom inside its limits and the view inside the file. */
  clamp(width: number): void {
    const v = this.view;
    v.bytesPerPx = Math.min(this.maxBytesPerPx(width), Math.max(MIN_BYTES_PER_PX, v.bytesPerPx));
    const span = v.bytesPerPx * Math.max(1, width);
    v.start = span >= this.extent.packBytes ? 0 : Math.min(this.extent.packBytes - span, Math.max(0, v.start));
  }

  /** Fits the whole pack the first time a width is known. */
  fitOnce(width: number): void {
    if (this.view.fitted || width <= 0) return;
    this.showWhole(width);
    this.view.fitted = true;
  }

  /** The whole pack. */
  showWhole(width: number): void {
    this.view.bytesPerPx = this.maxBytesPerPx(width);
    this.view.start = 0;
  }

  /** True when the whole pack is on screen. */
  isWhole(width: number): boolean {
    return this.view.bytesPerPx >= this.maxBytesPerPx(width) * 0.999;
  }

  /** How far zoomed in (1 = whole pack). */
  zoom(width: number): number {
    return this.maxBytesPerPx(width) / this.view.bytesPerPx;
  }

  /** The byte under CSS x. */
  byteAt(x: number): number {
    return this.view.start + x * this.view.bytesPerPx;
  }

  /** One past the last byte on screen. */
  end(width: number): number {
    return Math.min(this.extent.packBytes, this.view.start + this.view.bytesPerPx * width);
  }

  /** Where an entry lies in CSS pixels, [x0, x1). */
  entrySpan(rank: number): [number, number] {
    const v = this.view;
    const e = this.extent;
    return [(e.offsets[rank] - v.start) / v.bytesPerPx, (e.offsets[rank] + e.storedSizes[rank] - v.start) / v.bytesPerPx];
  }

  /** Zooms by `factor` (2 = twice as close) keeping the byte under CSS x where it is. */
  zoomAt(factor: number, x: number, width: number): void {
    const v = this.view;
    const at = this.byteAt(x);
    v.bytesPerPx /= factor;
    this.clamp(width);
    v.start = at - x * v.bytesPerPx;
    this.clamp(width);
  }

  /** Moves the view by `px` CSS pixels (positive: towards the end of the pack). */
  panPx(px: number, width: number): void {
    this.view.start += px * this.view.bytesPerPx;
    this.clamp(width);
  }

  /** Puts `start` at the left edge (a drag: where the view started, minus how far the pointer went). */
  panTo(start: number, width: number): void {
    this.view.start = start;
    this.clamp(width);
  }

  /** Centres the view on `byte` (the overview strip). */
  centreOn(byte: number, width: number): void {
    this.panTo(byte - (width / 2) * this.view.bytesPerPx, width);
  }

  /** Where the keyboard and buttons zoom around: the cursor entry when visible, else the middle. */
  zoomAnchor(width: number): number {
    const v = this.view;
    if (v.cursor >= 0 && v.cursor < this.extent.count) {
      const x = (this.extent.offsets[v.cursor] + this.extent.storedSizes[v.cursor] / 2 - v.start) / v.bytesPerPx;
      if (x >= 0 && x <= width) return x;
    }
    return width / 2;
  }

  /** Moves the cursor (clamped to the entries) and keeps its entry in view; returns the new cursor, or -1 with no entries. */
  moveCursor(rank: number, how: Follow, width: number): number {
    const e = this.extent;
    if (e.count === 0) return -1;
    const r = Math.max(0, Math.min(e.count - 1, rank));
    const v = this.view;
    v.cursor = r;
    const [x0, x1] = this.entrySpan(r);
    if (how === 'center' || x1 < 0 || x0 > width) v.start = e.offsets[r] + e.storedSizes[r] / 2 - (width / 2) * v.bytesPerPx;
    else if (x1 > width && x1 - x0 < width) v.start += (x1 - width + width * 0.1) * v.bytesPerPx;
    else if (x0 < 0) v.start += (x0 - width * 0.1) * v.bytesPerPx;
    this.clamp(width);
    return r;
  }

  /** The cursor stepped by `delta` entries; from no cursor, the first entry on screen. */
  stepCursor(delta: number, width: number): number {
    const v = this.view;
    return this.moveCursor(v.cursor < 0 ? Math.max(0, this.extent.rankAt(v.start)) : v.cursor + delta, 'follow', width);
  }

  /** Zooms so the cursor's entry fills most of the width, centred. */
  zoomToCursor(width: number): void {
    const v = this.view;
    if (v.cursor < 0) return;
    v.bytesPerPx = Math.max(MIN_BYTES_PER_PX, this.extent.storedSizes[v.cursor] / (width * 0.6));
    this.moveCursor(v.cursor, 'center', width);
  }

  /** The canvas went from `before` to `after` CSS pixels wide: a map showing the whole pack keeps showing it; a zoomed one keeps its zoom. */
  resize(before: number, after: number): void {
    if (after <= 0 || before <= 0 || after === before) return;
    if (this.view.bytesPerPx * before >= this.extent.packBytes * 0.999) this.showWhole(after);
  }

  /** The scale in words: `whole pack · 1 px = 12 KiB`, `zoom ×4.0 · 1 px = 300 bytes`, `… · 4.0 px a byte`. */
  scaleText(width: number, formatBytes: (n: number) => string, formatCount: (n: number) => string): string {
    const b = this.view.bytesPerPx;
    const zoom = this.zoom(width);
    const scale = b >= 1 ? `1 px = ${b >= 1024 ? formatBytes(b) : `${b.toFixed(b < 10 ? 1 : 0)} bytes`}` : `${(1 / b).toFixed(1)} px a byte`;
    return zoom <= 1.0001 ? `whole pack · ${scale}` : `zoom ×${zoom < 10 ? zoom.toFixed(1) : formatCount(Math.round(zoom))} · ${scale}`;
  }
}

/** What a key does to the map (the canvas focused); undefined for keys the map leaves alone. */
export type MapKeyAction =
  | { kind: 'step'; delta: number }
  | { kind: 'cursor'; rank: 'first' | 'last' }
  | { kind: 'zoom'; factor: number }
  | { kind: 'whole' }
  | { kind: 'zoom-to-cursor' }
  | { kind: 'page'; pages: number }
  | { kind: 'open' };

/** The map's keys: ←/→ (Shift: by 10), Home/End, +/−, 0, Z, Page Up/Down, Enter. */
export function keyAction(key: string, shift: boolean): MapKeyAction | undefined {
  switch (key) {
    case 'ArrowRight':
      return { kind: 'step', delta: shift ? 10 : 1 };
    case 'ArrowLeft':
      return { kind: 'step', delta: shift ? -10 : -1 };
    case 'Home':
      return { kind: 'cursor', rank: 'first' };
    case 'End':
      return { kind: 'cursor', rank: 'last' };
    case '+':
    case '=':
      return { kind: 'zoom', factor: 2 };
    case '-':
    case '_':
      return { kind: 'zoom', factor: 0.5 };
    case '0':
      return { kind: 'whole' };
    case 'z':
    case 'Z':
      return { kind: 'zoom-to-cursor' };
    case 'PageDown':
      return { kind: 'page', pages: 0.9 };
    case 'PageUp':
      return { kind: 'page', pages: -0.9 };
    case 'Enter':
      return { kind: 'open' };
    default:
      return undefined;
  }
}

/**
 * Applies a key's action to the viewport; returns the entry to open (Enter on a cursor), or -1.
 * The caller redraws and mirrors the cursor into its state.
 */
export function applyKey(viewport: MapViewport, action: MapKeyAction, width: number): number {
  const v = viewport.view;
  switch (action.kind) {
    case 'step':
      viewport.stepCursor(action.delta, width);
      return -1;
    case 'cursor':
      viewport.moveCursor(action.rank === 'first' ? 0 : Number.MAX_SAFE_INTEGER, 'follow', width);
      return -1;
    case 'zoom':
      viewport.zoomAt(action.factor, viewport.zoomAnchor(width), width);
      return -1;
    case 'whole':
      viewport.showWhole(width);
      return -1;
    case 'zoom-to-cursor':
      viewport.zoomToCursor(width);
      return -1;
    case 'page':
      viewport.panPx(width * action.pages, width);
      return -1;
    case 'open':
      return v.cursor;
  }
}

/** How the wheel moves the map: a horizontal (or Shift) wheel pans; a vertical one zooms (pinch: faster); `pass` leaves the event to the page. */
export function wheelAction(dx: number, dy: number, shift: boolean, ctrl: boolean, whole: boolean): { kind: 'pass' } | { kind: 'pan'; px: number } | { kind: 'zoom'; factor: number } {
  // Zooming out past the whole pack scrolls the page instead, so the map is no trap.
  if (whole && dy > 0 && Math.abs(dy) >= Math.abs(dx) && !shift) return { kind: 'pass' };
  if (shift || Math.abs(dx) > Math.abs(dy)) return { kind: 'pan', px: shift && dx === 0 ? dy : dx };
  return { kind: 'zoom', factor: Math.exp(-dy * (ctrl ? 0.01 : 0.0025)) };
}
