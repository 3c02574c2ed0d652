import { describe, expect, it } from 'vitest';
import { MIN_BYTES_PER_PX, MapViewport, applyKey, keyAction, wheelAction, type MapExtent } from '../src/app/views/pack/byte-map-viewport.ts';
import type { MapView } from '../src/app/views/pack/map-cache.ts';

/**
 * The byte map's viewport model (pure): zoom keeps the byte under the pointer, the view never
 * leaves the file, the cursor stays in view, keys and wheel do what the help text says.
 */

/** 100 entries of 1,000 bytes each after a 12-byte header: a 100,032-byte pack (20-byte trailer). */
function extent(): MapExtent {
  const offsets = Array.from({ length: 100 }, (_, i) => 12 + i * 1000);
  const storedSizes = Array.from({ length: 100 }, () => 1000);
  return {
    packBytes: 100_032,
    count: 100,
    offsets,
    storedSizes,
    rankAt: (byte) => {
      let r = -1;
      for (let i = 0; i < offsets.length && offsets[i] <= byte; i++) r = i;
      return r;
    },
  };
}

const W = 1000;

function fresh(): MapViewport {
  const view: MapView = { start: 0, bytesPerPx: 1, cursor: -1, fitted: false };
  const v = new MapViewport(view, extent());
  v.fitOnce(W);
  return v;
}

describe('byte map viewport', () => {
  it('fits the whole pack once, and not again after zooming', () => {
    const v = fresh();
    expect(v.view).toMatchObject({ start: 0, bytesPerPx: 100.032, fitted: true });
    expect(v.isWhole(W)).toBe(true);
    expect(v.scaleText(W, (n) => `${n.toFixed(0)} B`, String)).toBe('whole pack · 1 px = 100 bytes');
    v.zoomAt(4, 500, W);
    v.fitOnce(W);
    expect(v.zoom(W)).toBeCloseTo(4);
    expect(v.scaleText(W, String, String)).toBe('zoom ×4.0 · 1 px = 25 bytes');
  });

  it('zooming keeps the byte under the pointer where it is, and stops at the limits', () => {
    const v = fresh();
    const before = v.byteAt(300);
    v.zoomAt(8, 300, W);
    expect(v.byteAt(300)).toBeCloseTo(before, 6);
    v.zoomAt(1e9, 300, W);
    expect(v.view.bytesPerPx).toBe(MIN_BYTES_PER_PX);
    v.zoomAt(1e-9, 300, W);
    expect(v.view).toMatchObject({ start: 0, bytesPerPx: 100.032 });
  });

  it('panning never leaves the file', () => {
    const v = fresh();
    v.zoomAt(10, 0, W);
    v.panPx(-5000, W);
    expect(v.view.start).toBe(0);
    v.panPx(1e9, W);
    expect(v.end(W)).toBeCloseTo(100_032, 6);
    v.centreOn(50_000, W);
    expect(v.byteAt(W / 2)).toBeCloseTo(50_000, 6);
  });

  it('the cursor steps from the first visible entry, stays in view, and Z zooms to its entry', () => {
    const v = fresh();
    v.zoomAt(10, 0, W); // 10 bytes a pixel: entries 0..9 visible
    v.panTo(30_000, W);
    expect(v.stepCursor(1, W)).toBe(29); // no cursor yet: the entry under the left edge
    expect(v.moveCursor(95, 'follow', W)).toBe(95);
    const [x0, x1] = v.entrySpan(95);
    expect(x0).toBeGreaterThanOrEqual(0);
    expect(x1).toBeLessThanOrEqual(W);
    expect(v.moveCursor(500, 'follow', W)).toBe(99);
    v.zoomToCursor(W);
    const [a, b] = v.entrySpan(99);
    expect(b - a).toBeCloseTo(W * 0.6, 6);
  });

  it('a resize keeps a whole-pack view whole and a zoomed view zoomed', () => {
    const v = fresh();
    v.resize(W, 500);
    expect(v.view.bytesPerPx).toBeCloseTo(100_032 / 500);
    v.zoomAt(4, 0, 500);
    const zoomed = v.view.bytesPerPx;
    v.resize(500, 800);
    expect(v.view.bytesPerPx).toBe(zoomed);
  });

  it('keys: arrows (Shift by 10), Home/End, + − 0, Page Up/Down, Enter opens the cursor entry', () => {
    const v = fresh();
    const press = (key: string, shift = false) => applyKey(v, keyAction(key, shift) ?? { kind: 'whole' }, W);
    expect(keyAction('x', false)).toBeUndefined();
    press('ArrowRight');
    expect(v.view.cursor).toBe(0);
    press('ArrowRight', true);
    expect(v.view.cursor).toBe(10);
    press('End');
    expect(v.view.cursor).toBe(99);
    press('Home');
    expect(v.view.cursor).toBe(0);
    press('+');
    expect(v.zoom(W)).toBeCloseTo(2);
    const before = v.view.start;
    press('PageDown');
    expect(v.view.start - before).toBeCloseTo(W * 0.9 * v.view.bytesPerPx, 6);
    press('PageUp');
    expect(v.view.start).toBeCloseTo(before, 6);
    press('0');
    expect(v.isWhole(W)).toBe(true);
    expect(press('Enter')).toBe(0);
  });

  it('the wheel: vertical zooms (a pinch faster), horizontal or Shift pans, zooming out of the whole pack scrolls the page', () => {
    expect(wheelAction(0, 100, false, false, true)).toEqual({ kind: 'pass' });
    expect(wheelAction(0, -100, false, false, true)).toEqual({ kind: 'zoom', factor: Math.exp(0.25) });
    expect(wheelAction(0, -100, false, true, false)).toEqual({ kind: 'zoom', factor: Math.exp(1) });
    expect(wheelAction(50, 10, false, false, false)).toEqual({ kind: 'pan', px: 50 });
    expect(wheelAction(0, 30, true, false, true)).toEqual({ kind: 'pan', px: 30 });
  });
});
