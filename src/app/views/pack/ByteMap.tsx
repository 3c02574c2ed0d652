import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { PackMap } from '../../../protocol/anatomy.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { navigate } from '../../lib/route.ts';
import { MapModel, type MapMode } from './byte-map-model.ts';
import { hex, shortPackName } from './format.ts';
import { oidAt, viewOf, type MapView } from './map-cache.ts';
import { legendFor, useTheme, type LegendItem, type Theme } from './palette.ts';

/**
 * The byte map: every entry of the pack as a span of its stored bytes, in file order, coloured
 * by resolved type or delta depth. Zoomed out, each pixel column shows the mix of what its bytes
 * are; zoomed in, entries are drawn one by one. Drawing happens on animation frames only, from
 * refs; React renders the frame around it (toolbar, legend, tooltip, cursor details).
 *
 * Pointer: wheel or pinch zooms around the pointer, drag pans, hover names the entry, click
 * opens it. Keyboard (canvas focused): ←/→ move an entry cursor, Home/End, +/− zoom, 0 shows the
 * whole pack, Z zooms to the cursor entry, PageUp/PageDown pan, Enter opens the cursor entry.
 * For tests: byte under CSS x = data-view-start + x × data-bytes-per-px.
 */

/** Smallest bytes per CSS pixel: 32 pixels a byte. */
const MIN_BYTES_PER_PX = 1 / 32;
/** Entries at least this many device pixels wide are drawn on their own. */
const MIN_WIDE = 3;
/** Entries at least this many CSS pixels wide carry a label. */
const LABEL_MIN_PX = 72;

const ENTRY_KIND: Record<number, string> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag', 6: 'ofs-delta', 7: 'ref-delta' };
const TYPE_NAME: Record<number, string> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };

interface Hover {
  rank: number;
  x: number;
  y: number;
}

/** Relative luminance of a #rrggbb colour, to pick a readable label colour on it. */
function luminance(color: string): number {
  if (!/^#[0-9a-f]{6}$/i.test(color)) return 0.5;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function describeEntry(map: PackMap, rank: number): { type: string; kind: string; depth: number } {
  return { type: TYPE_NAME[map.types[rank]] ?? 'unreadable', kind: ENTRY_KIND[map.entryTypes[rank]] ?? 'unreadable', depth: map.depths[rank] };
}

/** The byte map of one pack; see the file comment. */
export function ByteMap({ map, mode, onMode }: { map: PackMap; mode: MapMode; onMode: (mode: MapMode) => void }) {
  const theme = useTheme();
  const model = useMemo(() => new MapModel(map), [map]);
  const layer = useMemo(() => model.layer(mode), [model, mode]);
  const legend = useMemo(() => legendFor(model, mode, theme), [model, mode, theme]);
  const colors = useMemo(() => {
    const c: string[] = [];
    for (const item of legend) c[item.category] = item.color;
    return c;
  }, [legend]);

  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overviewRef = useRef<HTMLCanvasElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const startLabel = useRef<HTMLSpanElement>(null);
  const endLabel = useRef<HTMLSpanElement>(null);
  const scaleLabel = useRef<HTMLSpanElement>(null);
  const view = useRef<MapView>(viewOf(map));
  view.current = viewOf(map);
  const hoverRef = useRef<Hover | undefined>(undefined);
  /** The latest hover function, for the wheel listener (attached once). */
  const hoverAtRef = useRef<(x: number, y: number) => void>(() => undefined);
  const overviewImage = useRef<{ key: string; canvas: HTMLCanvasElement } | undefined>(undefined);
  const raf = useRef(0);
  const [hover, setHover] = useState<Hover | undefined>(undefined);
  const [cursor, setCursor] = useState(view.current.cursor);
  const [focused, setFocused] = useState(false);
  const helpId = useId();
  const descId = useId();

  const cssWidth = () => canvasRef.current?.clientWidth || 1;
  const maxBytesPerPx = useCallback(() => Math.max(MIN_BYTES_PER_PX, model.packBytes / cssWidth()), [model]);

  /** Keeps the view inside the file and the zoom inside its limits. */
  const clamp = useCallback(() => {
    const v = view.current;
    v.bytesPerPx = Math.min(maxBytesPerPx(), Math.max(MIN_BYTES_PER_PX, v.bytesPerPx));
    const span = v.bytesPerPx * cssWidth();
    v.start = span >= model.packBytes ? 0 : Math.min(model.packBytes - span, Math.max(0, v.start));
  }, [maxBytesPerPx, model]);

  const draw = useCallback(() => {
    raf.current = 0;
    const canvas = canvasRef.current;
    if (!canvas) return;
    const g = canvas.getContext('2d');
    if (!g) return;
    const dpr = window.devicePixelRatio || 1;
    const W = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const H = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== W) canvas.width = W;
    if (canvas.height !== H) canvas.height = H;
    if (!view.current.fitted && canvas.clientWidth > 0) {
      view.current.bytesPerPx = maxBytesPerPx();
      view.current.start = 0;
      view.current.fitted = true;
    }
    clamp();
    const v = view.current;
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
    const h = hoverRef.current;
    if (h && h.rank !== v.cursor) outline(h.rank, theme.fg, 1);
    if (v.cursor >= 0 && v.cursor < model.count) outline(v.cursor, theme.focus, document.activeElement === canvas ? 3 : 2);

    canvas.dataset.viewStart = String(v.start);
    canvas.dataset.bytesPerPx = String(v.bytesPerPx);
    canvas.dataset.zoom = (maxBytesPerPx() / v.bytesPerPx).toFixed(3);
    if (startLabel.current) startLabel.current.textContent = `${hex(Math.floor(v.start))} (${formatCount(Math.floor(v.start))})`;
    const end = Math.min(model.packBytes, v.start + v.bytesPerPx * canvas.clientWidth);
    if (endLabel.current) endLabel.current.textContent = `${hex(Math.ceil(end))} (${formatCount(Math.ceil(end))})`;
    if (scaleLabel.current) {
      const zoom = maxBytesPerPx() / v.bytesPerPx;
      const scale = v.bytesPerPx >= 1 ? `1 px = ${v.bytesPerPx >= 1024 ? formatBytes(v.bytesPerPx) : `${v.bytesPerPx.toFixed(v.bytesPerPx < 10 ? 1 : 0)} bytes`}` : `${(1 / v.bytesPerPx).toFixed(1)} px a byte`;
      scaleLabel.current.textContent = zoom <= 1.0001 ? `whole pack · ${scale}` : `zoom ×${zoom < 10 ? zoom.toFixed(1) : formatCount(Math.round(zoom))} · ${scale}`;
    }
    drawOverview();

    function drawOverview() {
      const o = overviewRef.current;
      if (!o) return;
      const og = o.getContext('2d');
      if (!og) return;
      const OW = Math.max(1, Math.round(o.clientWidth * dpr));
      const OH = Math.max(1, Math.round(o.clientHeight * dpr));
      const key = `${OW}x${OH}:${mode}:${theme.bg2}:${colors.join()}`;
      if (!overviewImage.current || overviewImage.current.key !== key) {
        const off = document.createElement('canvas');
        off.width = OW;
        off.height = OH;
        const offg = off.getContext('2d');
        if (!offg) return;
        offg.fillStyle = theme.bg2;
        offg.fillRect(0, 0, OW, OH);
        const all = layer.columns(0, model.packBytes / OW, OW, Infinity);
        drawColumns(offg, all.columns.bytes, OW, OH, layer.categories, legend, colors);
        overviewImage.current = { key, canvas: off };
      }
      if (o.width !== OW) o.width = OW;
      if (o.height !== OH) o.height = OH;
      og.drawImage(overviewImage.current.canvas, 0, 0);
      if (v.bytesPerPx * canvas!.clientWidth >= model.packBytes * 0.999) return;
      const scale = OW / model.packBytes;
      const x0 = v.start * scale;
      const w = Math.max(2 * dpr, v.bytesPerPx * canvas!.clientWidth * scale);
      og.fillStyle = 'rgba(0,0,0,0.35)';
      og.fillRect(0, 0, x0, OH);
      og.fillRect(x0 + w, 0, OW - x0 - w, OH);
      og.strokeStyle = theme.focus;
      og.lineWidth = 2 * dpr;
      og.strokeRect(x0 + dpr, dpr, w - 2 * dpr, OH - 2 * dpr);
    }
  }, [clamp, colors, layer, legend, map, maxBytesPerPx, mode, model, theme]);

  const schedule = useCallback(() => {
    if (!raf.current) raf.current = requestAnimationFrame(draw);
  }, [draw]);

  useLayoutEffect(() => {
    schedule();
    return () => {
      if (raf.current) cancelAnimationFrame(raf.current);
      raf.current = 0;
    };
  }, [schedule]);

  // Redraw on resize: a map showing the whole pack keeps showing it; a zoomed map keeps its zoom.
  useEffect(() => {
    const frame = frameRef.current;
    if (!frame) return;
    let width = frame.clientWidth;
    const observer = new ResizeObserver(() => {
      const w = frame.clientWidth;
      if (w > 0 && width > 0 && w !== width) {
        const v = view.current;
        const wasWhole = v.bytesPerPx * width >= model.packBytes * 0.999;
        if (wasWhole) {
          v.start = 0;
          v.bytesPerPx = model.packBytes / Math.max(1, w);
        }
      }
      width = w;
      schedule();
    });
    observer.observe(frame);
    return () => observer.disconnect();
  }, [model, schedule]);

  /** Zooms by `factor` keeping the byte under CSS x where it is. */
  const zoomAt = useCallback(
    (factor: number, x: number) => {
      const v = view.current;
      const at = v.start + x * v.bytesPerPx;
      v.bytesPerPx /= factor;
      clamp();
      v.start = at - x * v.bytesPerPx;
      clamp();
      schedule();
    },
    [clamp, schedule],
  );

  /** Where to zoom from the keyboard and the buttons: the cursor entry when visible, else the middle. */
  const zoomAnchor = useCallback(() => {
    const v = view.current;
    const w = cssWidth();
    if (v.cursor >= 0) {
      const x = (map.offsets[v.cursor] + map.storedSizes[v.cursor] / 2 - v.start) / v.bytesPerPx;
      if (x >= 0 && x <= w) return x;
    }
    return w / 2;
  }, [map]);

  // The wheel must be a non-passive listener to keep the page from scrolling while zooming.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      const dx = e.deltaX * unit;
      const dy = e.deltaY * unit;
      // Zooming out past the whole pack scrolls the page instead, so the map is no trap.
      const whole = view.current.bytesPerPx >= maxBytesPerPx() * 0.999;
      if (whole && dy > 0 && Math.abs(dy) >= Math.abs(dx) && !e.shiftKey) return;
      e.preventDefault();
      if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) {
        view.current.start += (e.shiftKey && dx === 0 ? dy : dx) * view.current.bytesPerPx;
        clamp();
        schedule();
        hoverAtRef.current(e.offsetX, e.offsetY);
        return;
      }
      zoomAt(Math.exp(-dy * (e.ctrlKey ? 0.01 : 0.0025)), e.offsetX);
      hoverAtRef.current(e.offsetX, e.offsetY);
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [clamp, maxBytesPerPx, schedule, zoomAt]);

  const openRank = useCallback(
    (rank: number) => {
      // Unreadable entries open too: the object page says what is wrong with them.
      if (rank < 0) return;
      void oidAt(map, map.positions[rank]).then((oid) => {
        if (oid) navigate({ view: 'object', oid });
      });
    },
    [map],
  );

  const moveCursor = useCallback(
    (rank: number, how: 'follow' | 'center') => {
      if (model.count === 0) return;
      const r = Math.max(0, Math.min(model.count - 1, rank));
      const v = view.current;
      v.cursor = r;
      setCursor(r);
      // Keep the cursor entry in view: recentre when it leaves the visible range.
      const w = cssWidth();
      const x0 = (map.offsets[r] - v.start) / v.bytesPerPx;
      const x1 = (map.offsets[r] + map.storedSizes[r] - v.start) / v.bytesPerPx;
      if (how === 'center' || x1 < 0 || x0 > w) v.start = map.offsets[r] + map.storedSizes[r] / 2 - (w / 2) * v.bytesPerPx;
      else if (x1 > w && x1 - x0 < w) v.start += (x1 - w + w * 0.1) * v.bytesPerPx;
      else if (x0 < 0) v.start += (x0 - w * 0.1) * v.bytesPerPx;
      clamp();
      schedule();
    },
    [clamp, map, model, schedule],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (hoverRef.current) {
      // The view moves under the pointer: its tooltip would name the wrong entry.
      hoverRef.current = undefined;
      setHover(undefined);
    }
    const v = view.current;
    const w = cssWidth();
    const firstVisible = () => Math.max(0, model.rankAt(v.start));
    switch (e.key) {
      case 'ArrowRight':
        moveCursor(v.cursor < 0 ? firstVisible() : v.cursor + (e.shiftKey ? 10 : 1), 'follow');
        break;
      case 'ArrowLeft':
        moveCursor(v.cursor < 0 ? firstVisible() : v.cursor - (e.shiftKey ? 10 : 1), 'follow');
        break;
      case 'Home':
        moveCursor(0, 'follow');
        break;
      case 'End':
        moveCursor(model.count - 1, 'follow');
        break;
      case '+':
      case '=':
        zoomAt(2, zoomAnchor());
        break;
      case '-':
      case '_':
        zoomAt(0.5, zoomAnchor());
        break;
      case '0':
        v.bytesPerPx = maxBytesPerPx();
        v.start = 0;
        schedule();
        break;
      case 'z':
      case 'Z':
        if (v.cursor >= 0) {
          v.bytesPerPx = Math.max(MIN_BYTES_PER_PX, map.storedSizes[v.cursor] / (w * 0.6));
          moveCursor(v.cursor, 'center');
        }
        break;
      case 'PageDown':
        v.start += w * 0.9 * v.bytesPerPx;
        clamp();
        schedule();
        break;
      case 'PageUp':
        v.start -= w * 0.9 * v.bytesPerPx;
        clamp();
        schedule();
        break;
      case 'Enter':
        if (v.cursor >= 0) openRank(v.cursor);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  // Pointer: drag pans, two pointers pinch, a press without movement is a click.
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const drag = useRef<{ x: number; start: number; moved: boolean; pinch?: number } | undefined>(undefined);

  const hoverAt = (x: number, y: number) => {
    const v = view.current;
    const rank = model.entryAt(v.start + x * v.bytesPerPx);
    const next = rank >= 0 ? { rank, x, y } : undefined;
    const prev = hoverRef.current;
    hoverRef.current = next;
    if (prev?.rank !== next?.rank) schedule();
    setHover(next);
    if (next) void oidAt(map, map.positions[next.rank]);
  };

  hoverAtRef.current = hoverAt;

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.nativeEvent.offsetX, y: e.nativeEvent.offsetY });
    if (pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      drag.current = { x: (a.x + b.x) / 2, start: view.current.start, moved: true, pinch: Math.abs(a.x - b.x) };
    } else drag.current = { x: e.nativeEvent.offsetX, start: view.current.start, moved: false };
  };

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const x = e.nativeEvent.offsetX;
    const y = e.nativeEvent.offsetY;
    const d = drag.current;
    if (pointers.current.has(e.pointerId)) pointers.current.set(e.pointerId, { x, y });
    if (d && d.pinch !== undefined && pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      const dist = Math.max(1, Math.abs(a.x - b.x));
      zoomAt(dist / Math.max(1, d.pinch), (a.x + b.x) / 2);
      d.pinch = dist;
      return;
    }
    if (d && pointers.current.has(e.pointerId)) {
      if (!d.moved && Math.abs(x - d.x) > 4) d.moved = true;
      if (d.moved) {
        view.current.start = d.start - (x - d.x) * view.current.bytesPerPx;
        clamp();
        schedule();
        return;
      }
    }
    hoverAt(x, y);
  };

  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    const wasDown = pointers.current.delete(e.pointerId);
    if (pointers.current.size > 0) return;
    drag.current = undefined;
    if (!wasDown || !d || d.moved || d.pinch !== undefined) return;
    const v = view.current;
    const rank = model.entryAt(v.start + e.nativeEvent.offsetX * v.bytesPerPx);
    if (rank >= 0) {
      v.cursor = rank;
      setCursor(rank);
      openRank(rank);
    }
  };

  const onOverviewPointer = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.type === 'pointerdown') e.currentTarget.setPointerCapture(e.pointerId);
    else if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
    const o = e.currentTarget;
    const byte = (e.nativeEvent.offsetX / Math.max(1, o.clientWidth)) * model.packBytes;
    view.current.start = byte - (cssWidth() / 2) * view.current.bytesPerPx;
    clamp();
    schedule();
  };

  const zoomButton = (factor: number) => () => zoomAt(factor, zoomAnchor());
  const whole = () => {
    view.current.bytesPerPx = maxBytesPerPx();
    view.current.start = 0;
    schedule();
  };

  // Redraw when focus changes (the cursor outline thickens).
  useEffect(schedule, [focused, schedule]);

  const counts = layer.totals;
  return (
    <div className="pk-map">
      <div className="toolbar pk-map-toolbar">
        <div className="pk-segmented" role="group" aria-label="Colour entries by">
          <button type="button" aria-pressed={mode === 'type'} onClick={() => onMode('type')}>
            Type
          </button>
          <button type="button" aria-pressed={mode === 'depth'} onClick={() => onMode('depth')}>
            Delta depth
          </button>
        </div>
        <div className="pk-segmented" role="group" aria-label="Zoom">
          <button type="button" onClick={zoomButton(0.5)} aria-label="Zoom out" title="Zoom out (−)">
            −
          </button>
          <button type="button" onClick={zoomButton(2)} aria-label="Zoom in" title="Zoom in (+)">
            +
          </button>
          <button type="button" onClick={whole} title="Show the whole pack (0)">
            Whole pack
          </button>
        </div>
        <span className="muted pk-map-scale" ref={scaleLabel} />
      </div>
      <div className="pk-map-frame" ref={frameRef}>
        <canvas
          ref={canvasRef}
          className="pk-map-canvas"
          data-testid="byte-map"
          data-pack-bytes={model.packBytes}
          data-mode={mode}
          tabIndex={0}
          role="application"
          aria-roledescription="byte map"
          aria-label={`Byte map of ${shortPackName(map.pack)}: ${formatCount(model.count)} entries over ${formatBytes(model.packBytes)}, coloured by ${mode === 'type' ? 'object type' : 'delta depth'}`}
          aria-describedby={`${descId} ${helpId}`}
          onKeyDown={onKeyDown}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onPointerLeave={() => {
            if (hoverRef.current) {
              hoverRef.current = undefined;
              setHover(undefined);
              schedule();
            }
          }}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
        />
        {hover && <MapTooltip map={map} hover={hover} width={frameRef.current?.clientWidth ?? 0} />}
      </div>
      <canvas
        ref={overviewRef}
        className="pk-map-overview"
        aria-hidden="true"
        title="The whole pack: click or drag to move the view"
        onPointerDown={onOverviewPointer}
        onPointerMove={onOverviewPointer}
        onPointerUp={(e) => e.currentTarget.releasePointerCapture(e.pointerId)}
      />
      <div className="pk-map-axis mono">
        <span ref={startLabel} />
        <span ref={endLabel} />
      </div>
      <CursorDetails map={map} rank={cursor} focused={focused} />
      <ul className="pk-legend" id={descId} aria-label="Legend">
        {legend.map((item) =>
          counts.bytes[item.category] > 0 ? (
            <li key={item.category}>
              <span className="pk-swatch" style={{ background: item.color }} aria-hidden="true" />
              <span>{item.label}</span>
              <span className="muted">
                {item.category === 1 ? formatBytes(counts.bytes[item.category]) : `${formatCount(counts.entries[item.category])} · ${formatBytes(counts.bytes[item.category])}`}
              </span>
            </li>
          ) : null,
        )}
      </ul>
      <p className="muted pk-map-help" id={helpId}>
        Wheel or pinch to zoom, drag to pan, click an entry to open its object. With the map focused: ← → move from entry to entry (Shift: by 10), Home/End, + − zoom, 0 whole pack, Z zoom to the
        entry, Page Up/Down pan, Enter opens the entry.
      </p>
    </div>
  );
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

function MapTooltip({ map, hover, width }: { map: PackMap; hover: Hover; width: number }) {
  const d = describeEntry(map, hover.rank);
  const oid = useOid(map, hover.rank);
  const left = hover.x + 14 + 260 > width ? Math.max(0, hover.x - 14 - 260) : hover.x + 14;
  return (
    <div className="pk-map-tooltip" style={{ left, top: hover.y + 12 }} role="tooltip">
      <div>
        <strong className={`type-${d.type}`}>{d.type}</strong> {d.kind !== d.type ? <span className="badge">{d.kind}</span> : <span className="muted">whole object</span>}
        {d.depth > 0 && <span className="muted"> depth {d.depth}</span>}
      </div>
      <div className="mono pk-tooltip-oid">{oid ?? 'reading id…'}</div>
      <div>
        <span className="muted">offset</span> <span className="mono">{hex(map.offsets[hover.rank])}</span> <span className="muted">({formatCount(map.offsets[hover.rank])})</span>
      </div>
      <div>
        <span className="muted">stored</span> {formatCount(map.storedSizes[hover.rank])} bytes <span className="muted">· entry {formatCount(hover.rank + 1)} of {formatCount(map.offsets.length)}</span>
      </div>
    </div>
  );
}

/** The object id of the entry at `rank`, fetched lazily (undefined until it arrives). */
function useOid(map: PackMap, rank: number): string | undefined {
  const [oid, setOid] = useState<{ rank: number; oid: string } | undefined>(undefined);
  useEffect(() => {
    if (rank < 0) return;
    let live = true;
    void oidAt(map, map.positions[rank]).then((o) => {
      if (live) setOid({ rank, oid: o });
    });
    return () => {
      live = false;
    };
  }, [map, rank]);
  return oid?.rank === rank ? oid.oid : undefined;
}

/** The keyboard cursor's entry, in a live region (screen readers hear each move). */
function CursorDetails({ map, rank, focused }: { map: PackMap; rank: number; focused: boolean }) {
  const oid = useOid(map, rank);
  if (rank < 0 || rank >= map.offsets.length) {
    return (
      <div className="pk-map-cursor muted" data-testid="byte-map-cursor" aria-live="polite">
        {focused ? 'Press → to step through the entries.' : 'Focus the map (Tab) to step through the entries with the arrow keys.'}
      </div>
    );
  }
  const d = describeEntry(map, rank);
  return (
    <div className="pk-map-cursor" data-testid="byte-map-cursor" data-rank={rank} data-oid={oid ?? ''} aria-live="polite">
      <span className="muted">
        Entry {formatCount(rank + 1)} of {formatCount(map.offsets.length)}:
      </span>{' '}
      <strong className={`type-${d.type}`}>{d.type}</strong>
      {d.kind !== d.type && (
        <>
          {' '}
          <span className="badge">{d.kind}</span>
        </>
      )}
      {d.depth > 0 && <span> depth {d.depth}</span>} <span className="mono">{oid ?? '…'}</span> <span className="muted">at</span> <span className="mono">{hex(map.offsets[rank])}</span>{' '}
      <span className="muted">({formatCount(map.offsets[rank])}),</span> {formatCount(map.storedSizes[rank])} bytes stored
    </div>
  );
}
