import { useEffect, useRef, type KeyboardEvent, type PointerEvent, type RefObject } from 'react';
import { applyKey, keyAction, wheelAction, type MapViewport } from './byte-map-viewport.ts';

/**
 * The byte map's input: wheel and pinch zoom around the pointer, drag pans, a press without
 * movement opens the entry under it, the keyboard steps a cursor (keyAction), and the overview
 * strip moves the view. Each event becomes a viewport call (byte-map-viewport.ts); the map is
 * told to redraw (`redraw`), to show or drop its hover (`hoverAt`, `clearHover`), to mirror the
 * cursor (`onCursor`) and to open an entry (`open`).
 */

/** What the input drives. */
export interface MapInputTarget {
  viewport: MapViewport;
  /** The entry whose bytes hold `byte` (-1 outside every entry). */
  entryAt(byte: number): number;
  redraw(): void;
  hoverAt(x: number, y: number): void;
  clearHover(): void;
  onCursor(rank: number): void;
  open(rank: number): void;
}

/** Pixels a press may move and still be a click. */
const CLICK_SLOP = 4;

/** Handlers for the main canvas and the overview strip; the wheel is attached to `canvasRef` (non-passive). */
export function useMapInput(canvasRef: RefObject<HTMLCanvasElement | null>, target: MapInputTarget) {
  // The handlers read the latest target (the map redraws with new closures as the mode and theme change).
  const current = useRef(target);
  current.current = target;
  const width = () => canvasRef.current?.clientWidth || 1;

  // The wheel must be a non-passive listener to keep the page from scrolling while zooming.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      const t = current.current;
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      const w = canvas.clientWidth || 1;
      const action = wheelAction(e.deltaX * unit, e.deltaY * unit, e.shiftKey, e.ctrlKey, t.viewport.isWhole(w));
      if (action.kind === 'pass') return;
      e.preventDefault();
      if (action.kind === 'pan') t.viewport.panPx(action.px, w);
      else t.viewport.zoomAt(action.factor, e.offsetX, w);
      t.redraw();
      t.hoverAt(e.offsetX, e.offsetY);
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [canvasRef]);

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const action = keyAction(e.key, e.shiftKey);
    if (!action) return;
    e.preventDefault();
    const t = current.current;
    // The view moves under the pointer: its tooltip would name the wrong entry.
    t.clearHover();
    const before = t.viewport.view.cursor;
    const open = applyKey(t.viewport, action, width());
    if (t.viewport.view.cursor !== before) t.onCursor(t.viewport.view.cursor);
    t.redraw();
    if (open >= 0) t.open(open);
  };

  // Pointer: drag pans, two pointers pinch, a press without movement is a click.
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const drag = useRef<{ x: number; start: number; moved: boolean; pinch?: number } | undefined>(undefined);

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.nativeEvent.offsetX, y: e.nativeEvent.offsetY });
    const start = current.current.viewport.view.start;
    if (pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      drag.current = { x: (a.x + b.x) / 2, start, moved: true, pinch: Math.abs(a.x - b.x) };
    } else drag.current = { x: e.nativeEvent.offsetX, start, moved: false };
  };

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const t = current.current;
    const x = e.nativeEvent.offsetX;
    const y = e.nativeEvent.offsetY;
    const d = drag.current;
    if (pointers.current.has(e.pointerId)) pointers.current.set(e.pointerId, { x, y });
    if (d && d.pinch !== undefined && pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      const dist = Math.max(1, Math.abs(a.x - b.x));
      t.viewport.zoomAt(dist / Math.max(1, d.pinch), (a.x + b.x) / 2, width());
      d.pinch = dist;
      t.redraw();
      return;
    }
    if (d && pointers.current.has(e.pointerId)) {
      if (!d.moved && Math.abs(x - d.x) > CLICK_SLOP) d.moved = true;
      if (d.moved) {
        t.viewport.panTo(d.start - (x - d.x) * t.viewport.view.bytesPerPx, width());
        t.redraw();
        return;
      }
    }
    t.hoverAt(x, y);
  };

  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    const wasDown = pointers.current.delete(e.pointerId);
    if (pointers.current.size > 0) return;
    drag.current = undefined;
    if (!wasDown || !d || d.moved || d.pinch !== undefined) return;
    const t = current.current;
    const rank = t.entryAt(t.viewport.byteAt(e.nativeEvent.offsetX));
    if (rank >= 0) {
      t.viewport.view.cursor = rank;
      t.onCursor(rank);
      t.open(rank);
    }
  };

  const onOverviewPointer = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.type === 'pointerdown') e.currentTarget.setPointerCapture(e.pointerId);
    else if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
    const t = current.current;
    const o = e.currentTarget;
    t.viewport.centreOn((e.nativeEvent.offsetX / Math.max(1, o.clientWidth)) * t.viewport.packBytes, width());
    t.redraw();
  };

  return { onKeyDown, onPointerDown, onPointerMove, onPointerUp, onOverviewPointer };
}
