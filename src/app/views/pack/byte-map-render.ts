import type { PackMap } from '../../../protocol/anatomy.ts';
import { formatBytes } from '../../lib/format.ts';
import type { MapLayer } from './byte-map-model.ts';
import type { MapViewport } from './byte-map-viewport.ts';
import type { LegendItem, Theme } from './palette.ts';

/**
 * Drawing the byte map on its canvases: the main strip (columns of mixed bytes zoomed out,
 * entries one by one zoomed in, with labels and the hover and cursor outlines) and the overview
 * strip of the whole pack with the visible window marked. What is on screen is the viewport's
 * (byte-map-viewport.ts); this file only paints it, in device pixels.
 */

/** Entries at least this many device pixels wide are drawn on their own. */
const MIN_WIDE = 3;
/** Entries at least this many CSS pixels wide carry a label. */
const LABEL_MIN_PX = 72;

const ENTRY_KIND: Record<number, string> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag', 6: 'ofs-delta', 7: 'ref-delta' };
const TYPE_NAME: Record<number, string> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };

/** An entry's resolved type, how it is stored, and its delta depth, in words. */
export function describeEntry(map: PackMap, rank: number): { type: string; kind: string; depth: number } {
  return { type: TYPE_NAME[map.types[rank]] ?? 'unreadable', kind: ENTRY_KIND[map.entryTypes[rank]] ?? 'unreadable', depth: map.depths[rank] };
}

/** What every frame paints with: the map, its layer for the colour mode, the legend and its colours. */
export interface MapPaint {
  map: PackMap;
  layer: MapLayer;
  legend: LegendItem[];
  /** Fill colour by category. */
  colors: string[];
  theme: Theme;
  /** Names the overview's cached image (it changes with the colour mode). */
  mode: string;
}

/** Relative luminance of a #rrggbb colour, to pick a readable label colour on it. */
function luminance(color: string): number {
  if (!/^#[0-9a-f]{6}$/i.test(color)) return 0.5;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Sizes a canvas's backing store to its CSS box at `dpr`; returns the device size. */
function fitCanvas(canvas: HTMLCanvasElement, dpr: number): { W: number; H: number } {
  const W = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const H = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  return { W, H };
}

/**
 * Paints the main strip for the viewport (fitted and clamped first); outlines the hovered entry
 * and the cursor's (thicker when the canvas has focus).
 */
export function drawMain(canvas: HTMLCanvasElement, viewport: MapViewport, paint: MapPaint, hoverRank: number | undefined, focused: boolean): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  const { map, layer, legend, colors, theme } = paint;
  const dpr = window.devicePixelRatio || 1;
  const { W, H } = fitCanvas(canvas, dpr);
  viewport.fitOnce(canvas.clientWidth);
  viewport.clamp(canvas.clientWidth);
  const v = viewport.view;
  const bpc = v.bytesPerPx / dpr;
  g.fillStyle = theme.bg2;
  g.fillRect(0, 0, W, H);

  const { columns, wide } = layer.columns(v.start, bpc, W, MIN_WIDE);
  drawColumns(g, columns.bytes, W, H, layer.categories, legend, colors);
  for (const e of wide) {
    const x0 = Math.max(0, Math.round(e.x0));
    const x1 = Math.min(W, Math.round(e.x1));
    const gap = x1 - x0 >= 4 ? Math.max(1, Math.round(dpr)) : 0;
    g.fillStyle = colors[e.category];
    g.fillRect(x0, 0, Math.max(1, x1 - x0 - gap), H);
    if ((x1 - x0) / dpr >= LABEL_MIN_PX) {
      const d = describeEntry(map, e.rank);
      const text = `${d.type}${d.depth ? ` · depth ${d.depth}` : ''} · ${formatBytes(map.storedSizes[e.rank])}`;
      g.save();
      g.beginPath();
      g.rect(x0, 0, x1 - x0 - gap, H);
      g.clip();
      g.fillStyle = luminance(colors[e.category]) > 0.45 ? '#111111' : '#ffffff';
      g.font = `${12 * dpr}px system-ui, sans-serif`;
      g.textBaseline = 'top';
      g.fillText(text, Math.max(x0, 0) + 6 * dpr, 6 * dpr);
      g.restore();
    }
  }
  const outline = (rank: number, color: string, width: number) => {
    const x0 = (map.offsets[rank] - v.start) / bpc;
    const x1 = (map.offsets[rank] + map.storedSizes[rank] - v.start) / bpc;
    if (x1 < -10 || x0 > W + 10) return;
    const mid = (x0 + x1) / 2;
    const half = Math.max((x1 - x0) / 2, 2.5 * dpr);
    g.strokeStyle = color;
    g.lineWidth = width * dpr;
    g.strokeRect(mid - half, (width / 2) * dpr, 2 * half, H - width * dpr);
  };
  if (hoverRank !== undefined && hoverRank !== v.cursor) outline(hoverRank, theme.fg, 1);
  if (v.cursor >= 0 && v.cursor < map.offsets.length) outline(v.cursor, theme.focus, focused ? 3 : 2);

  // For tests: byte under CSS x = data-view-start + x × data-bytes-per-px.
  canvas.dataset.viewStart = String(v.start);
  canvas.dataset.bytesPerPx = String(v.bytesPerPx);
  canvas.dataset.zoom = viewport.zoom(canvas.clientWidth).toFixed(3);
}

/** The overview strip: the whole pack (drawn once per size, mode and colours, then copied) and the visible window. */
export class OverviewPainter {
  private image: { key: string; canvas: HTMLCanvasElement } | undefined;

  draw(o: HTMLCanvasElement, viewport: MapViewport, paint: MapPaint, mainWidth: number): void {
    const og = o.getContext('2d');
    if (!og) return;
    const { layer, legend, colors, theme } = paint;
    const packBytes = paint.map.packBytes;
    const dpr = window.devicePixelRatio || 1;
    const OW = Math.max(1, Math.round(o.clientWidth * dpr));
    const OH = Math.max(1, Math.round(o.clientHeight * dpr));
    const key = `${OW}x${OH}:${paint.mode}:${theme.bg2}:${colors.join()}`;
    if (!this.image || this.image.key !== key) {
      const off = document.createElement('canvas');
      off.width = OW;
      off.height = OH;
      const offg = off.getContext('2d');
      if (!offg) return;
      offg.fillStyle = theme.bg2;
      offg.fillRect(0, 0, OW, OH);
      const all = layer.columns(0, packBytes / OW, OW, Infinity);
      drawColumns(offg, all.columns.bytes, OW, OH, layer.categories, legend, colors);
      this.image = { key, canvas: off };
    }
    if (o.width !== OW) o.width = OW;
    if (o.height !== OH) o.height = OH;
    og.drawImage(this.image.canvas, 0, 0);
    const v = viewport.view;
    if (v.bytesPerPx * mainWidth >= packBytes * 0.999) return;
    const scale = OW / packBytes;
    const x0 = v.start * scale;
    const w = Math.max(2 * dpr, v.bytesPerPx * mainWidth * scale);
    og.fillStyle = 'rgba(0,0,0,0.35)';
    og.fillRect(0, 0, x0, OH);
    og.fillRect(x0 + w, 0, OW - x0 - w, OH);
    og.strokeStyle = theme.focus;
    og.lineWidth = 2 * dpr;
    og.strokeRect(x0 + dpr, dpr, w - 2 * dpr, OH - 2 * dpr);
  }
}

/** Stacked columns: each column's bytes split by category, in legend order, top to bottom. */
function drawColumns(g: CanvasRenderingContext2D, bytes: Float64Array, W: number, H: number, K: number, legend: LegendItem[], colors: string[]): void {
  const sums = new Float64Array(W);
  for (let c = 0; c < W; c++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += bytes[c * K + k];
    sums[c] = s;
  }
  const y = new Float64Array(W);
  for (const item of legend) {
    const k = item.category;
    g.fillStyle = colors[k];
    // Runs of columns wholly of this category become one rectangle.
    let runStart = -1;
    for (let c = 0; c <= W; c++) {
      const whole = c < W && sums[c] > 0 && bytes[c * K + k] === sums[c];
      if (whole) {
        if (runStart < 0) runStart = c;
        continue;
      }
      if (runStart >= 0) {
        g.fillRect(runStart, 0, c - runStart, H);
        runStart = -1;
      }
      if (c >= W) break;
      const part = bytes[c * K + k];
      if (part <= 0 || sums[c] <= 0) continue;
      const h = (part / sums[c]) * H;
      g.fillRect(c, y[c], 1, h + 0.5);
      y[c] += h;
    }
  }
}
