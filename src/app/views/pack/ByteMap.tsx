import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { PackMap } from '../../../protocol/anatomy.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { navigate } from '../../lib/route.ts';
import { useMapInput } from './byte-map-input.ts';
import { MapModel, type MapMode } from './byte-map-model.ts';
import { OverviewPainter, describeEntry, drawMain, type MapPaint } from './byte-map-render.ts';
import { MapViewport } from './byte-map-viewport.ts';
import { hex, shortPackName } from './format.ts';
import { oidAt, viewOf } from './map-cache.ts';
import { legendFor, useTheme } from './palette.ts';

/**
 * The byte map: every entry of the pack as a span of its stored bytes, in file order, coloured
 * by resolved type or delta depth. Zoomed out, each pixel column shows the mix of what its bytes
 * are; zoomed in, entries are drawn one by one. Three parts: the viewport (which bytes are on
 * screen, the cursor; byte-map-viewport.ts, pure), the renderer (byte-map-render.ts, canvases
 * drawn on animation frames only) and the input (byte-map-input.ts); this component wires them
 * and renders the frame around the canvas (toolbar, legend, tooltip, cursor details).
 *
 * Pointer: wheel or pinch zooms around the pointer, drag pans, hover names the entry, click
 * opens it. Keyboard (canvas focused): ←/→ move an entry cursor, Home/End, +/− zoom, 0 shows the
 * whole pack, Z zooms to the cursor entry, PageUp/PageDown pan, Enter opens the cursor entry.
 * For tests: byte under CSS x = data-view-start + x × data-bytes-per-px.
 */

interface Hover {
  rank: number;
  x: number;
  y: number;
}

/** The byte map of one pack; see the file comment. */
export function ByteMap({ map, mode, onMode }: { map: PackMap; mode: MapMode; onMode: (mode: MapMode) => void }) {
  const theme = useTheme();
  const model = useMemo(() => new MapModel(map), [map]);
  const layer = useMemo(() => model.layer(mode), [model, mode]);
  const legend = useMemo(() => legendFor(model, mode, theme), [model, mode, theme]);
  const paint = useMemo((): MapPaint => {
    const colors: string[] = [];
    for (const item of legend) colors[item.category] = item.color;
    return { map, layer, legend, colors, theme, mode };
  }, [layer, legend, map, mode, theme]);
  const viewport = useMemo(
    () => new MapViewport(viewOf(map), { packBytes: model.packBytes, count: model.count, offsets: map.offsets, storedSizes: map.storedSizes, rankAt: (b) => model.rankAt(b) }),
    [map, model],
  );
  const overview = useMemo(() => new OverviewPainter(), []);

  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overviewRef = useRef<HTMLCanvasElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const startLabel = useRef<HTMLSpanElement>(null);
  const endLabel = useRef<HTMLSpanElement>(null);
  const scaleLabel = useRef<HTMLSpanElement>(null);
  const hoverRef = useRef<Hover | undefined>(undefined);
  const raf = useRef(0);
  const [hover, setHover] = useState<Hover | undefined>(undefined);
  const [cursor, setCursor] = useState(viewport.view.cursor);
  const [focused, setFocused] = useState(false);
  const helpId = useId();
  const descId = useId();

  const draw = useCallback(() => {
    raf.current = 0;
    const canvas = canvasRef.current;
    if (!canvas) return;
    drawMain(canvas, viewport, paint, hoverRef.current?.rank, document.activeElement === canvas);
    const v = viewport.view;
    const width = canvas.clientWidth;
    if (startLabel.current) startLabel.current.textContent = `${hex(Math.floor(v.start))} (${formatCount(Math.floor(v.start))})`;
    const end = viewport.end(width);
    if (endLabel.current) endLabel.current.textContent = `${hex(Math.ceil(end))} (${formatCount(Math.ceil(end))})`;
    if (scaleLabel.current) scaleLabel.current.textContent = viewport.scaleText(width, formatBytes, formatCount);
    if (overviewRef.current) overview.draw(overviewRef.current, viewport, paint, width);
  }, [overview, paint, viewport]);

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
      viewport.resize(width, w);
      width = w;
      schedule();
    });
    observer.observe(frame);
    return () => observer.disconnect();
  }, [viewport, schedule]);

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

  const hoverAt = (x: number, y: number) => {
    const rank = model.entryAt(viewport.byteAt(x));
    const next = rank >= 0 ? { rank, x, y } : undefined;
    const prev = hoverRef.current;
    hoverRef.current = next;
    if (prev?.rank !== next?.rank) schedule();
    setHover(next);
    if (next) void oidAt(map, map.positions[next.rank]);
  };

  const clearHover = () => {
    if (!hoverRef.current) return;
    hoverRef.current = undefined;
    setHover(undefined);
    schedule();
  };

  const input = useMapInput(canvasRef, {
    viewport,
    entryAt: (byte) => model.entryAt(byte),
    redraw: schedule,
    hoverAt,
    clearHover,
    onCursor: setCursor,
    open: openRank,
  });

  const width = () => canvasRef.current?.clientWidth || 1;
  const zoomButton = (factor: number) => () => {
    viewport.zoomAt(factor, viewport.zoomAnchor(width()), width());
    schedule();
  };
  const whole = () => {
    viewport.showWhole(width());
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
        {/* biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: the canvas is the widget itself (keys and pointer handled here), which role="application" tells a screen reader. */}
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
          onKeyDown={input.onKeyDown}
          onPointerDown={input.onPointerDown}
          onPointerMove={input.onPointerMove}
          onPointerUp={input.onPointerUp}
          onPointerCancel={input.onPointerUp}
          onPointerLeave={clearHover}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
        />
        {hover && <MapTooltip map={map} hover={hover} width={frameRef.current?.clientWidth ?? 0} />}
      </div>
      {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: the overview is not focusable (no tabIndex); it repeats the main map for the pointer, and the main map is the keyboard's. */}
      <canvas
        ref={overviewRef}
        className="pk-map-overview"
        aria-hidden="true"
        title="The whole pack: click or drag to move the view"
        onPointerDown={input.onOverviewPointer}
        onPointerMove={input.onOverviewPointer}
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
        <span className="muted">stored</span> {formatCount(map.storedSizes[hover.rank])} bytes{' '}
        <span className="muted">
          · entry {formatCount(hover.rank + 1)} of {formatCount(map.offsets.length)}
        </span>
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
