import { useEffect, useRef, useState, useSyncExternalStore, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { HexAnnotation } from '../../../protocol/anatomy.ts';
import { formatCount } from '../../lib/format.ts';
import { CHUNK_BYTES, findAnnotationStart, type HexChunks } from './chunks.ts';
import { hex } from './offsets.ts';

/** Bytes per row. */
export const ROW_BYTES = 16;
const ROW_HEIGHT = 20;
/**
 * Rows per segment: 800,000 rows of 20 px (12.5 MiB of file) stay under every browser's
 * element height limit. Larger files are shown a segment at a time; the cursor picks it.
 */
const SEGMENT_ROWS = 800_000;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const ASCII = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));

/** A place to put the cursor and scroll to; `seq` changes to repeat the same offset. */
export interface Jump {
  offset: number;
  seq: number;
}

/** Classes of one byte: its annotation's colour group, shade, edges, and the cursor. */
function cellClass(offset: number, a: HexAnnotation | undefined, active: HexAnnotation | undefined, cursor: number): string {
  let c = 'hx-b';
  if (a) {
    c += ` hx-k-${a.kind}`;
    // Alternate shades so neighbours of one kind (ids, CRCs, words) stay apart.
    if (Math.floor(a.start / Math.max(1, a.end - a.start)) % 2 === 1) c += ' hx-alt';
    if (offset === a.start) c += ' hx-s';
    if (offset === a.end - 1) c += ' hx-e';
  }
  if (active && offset >= active.start && offset < active.end) c += ' hx-in';
  if (offset === cursor) c += ' hx-cur';
  return c;
}

/**
 * The virtualized grid of a whole file: offset, 16 bytes in hex, the same bytes as ASCII, each
 * byte tinted by the structure it belongs to. A byte cursor moves with the keyboard; Tab and
 * Shift+Tab go to the next and previous annotation (Escape first lets Tab leave the grid).
 */
export function HexGrid({
  chunks,
  file,
  jump,
  cursor,
  onCursor,
  onHover,
  highlighted,
  onStatus,
}: {
  chunks: HexChunks;
  file: string;
  jump: Jump;
  cursor: number;
  onCursor: (offset: number) => void;
  onHover: (offset: number | undefined) => void;
  /** The annotation the side panel shows: its bytes are outlined. */
  highlighted: HexAnnotation | undefined;
  onStatus: (message: string | undefined) => void;
}) {
  useSyncExternalStore(chunks.subscribe, chunks.version);
  const size = chunks.size;
  const totalRows = Math.max(1, Math.ceil(size / ROW_BYTES));
  const digits = Math.max(8, Math.max(0, size - 1).toString(16).length);
  const cursorRow = Math.floor(cursor / ROW_BYTES);
  const segment = Math.floor(cursorRow / SEGMENT_ROWS);
  const segmentStart = segment * SEGMENT_ROWS;
  const segmentRows = Math.min(SEGMENT_ROWS, totalRows - segmentStart);
  const segments = Math.ceil(totalRows / SEGMENT_ROWS);
  const scrollRef = useRef<HTMLDivElement>(null);
  const releasedTab = useRef(false);
  const pendingScroll = useRef<{ row: number; align: 'center' | 'auto' } | undefined>({ row: Math.floor(jump.offset / ROW_BYTES), align: 'center' });

  const virtualizer = useVirtualizer({
    count: segmentRows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const firstRow = items.length ? segmentStart + items[0].index : segmentStart;
  const lastRow = items.length ? segmentStart + items[items.length - 1].index : segmentStart;

  // Fetch the chunks the visible rows need (and the next one, for smooth scrolling down).
  useEffect(() => {
    const first = Math.floor((firstRow * ROW_BYTES) / CHUNK_BYTES);
    const last = Math.floor((lastRow * ROW_BYTES) / CHUNK_BYTES);
    for (let i = first; i <= last + 1; i++) void chunks.load(i);
  }, [chunks, firstRow, lastRow]);

  // A jump (URL, offset box, "go to"): cursor there, row centred.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the jump changes (onCursor and size are read as they are then).
  useEffect(() => {
    pendingScroll.current = { row: Math.floor(jump.offset / ROW_BYTES), align: 'center' };
    onCursor(Math.min(jump.offset, Math.max(0, size - 1)));
  }, [jump]);

  // Scroll once the segment holding the pending row is rendered.
  useEffect(() => {
    const p = pendingScroll.current;
    if (!p || p.row < segmentStart || p.row >= segmentStart + segmentRows) return;
    pendingScroll.current = undefined;
    virtualizer.scrollToIndex(p.row - segmentStart, { align: p.align });
  }, [cursor, segmentStart, segmentRows, jump]);

  const moveTo = (offset: number, align: 'center' | 'auto' = 'auto') => {
    const clamped = Math.max(0, Math.min(size - 1, offset));
    pendingScroll.current = { row: Math.floor(clamped / ROW_BYTES), align };
    onCursor(clamped);
    onStatus(undefined);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (size === 0) return;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const rowStart = cursor - (cursor % ROW_BYTES);
    let next: number | undefined;
    switch (e.key) {
      case 'ArrowLeft':
        next = cursor - 1;
        break;
      case 'ArrowRight':
        next = cursor + 1;
        break;
      case 'ArrowUp':
        next = cursor - ROW_BYTES;
        break;
      case 'ArrowDown':
        next = cursor + ROW_BYTES;
        break;
      case 'PageUp':
        next = cursor - pageRows * ROW_BYTES;
        break;
      case 'PageDown':
        next = cursor + pageRows * ROW_BYTES;
        break;
      case 'Home':
        next = e.ctrlKey || e.metaKey ? 0 : rowStart;
        break;
      case 'End':
        next = e.ctrlKey || e.metaKey ? size - 1 : Math.min(size - 1, rowStart + ROW_BYTES - 1);
        break;
      case 'Escape':
        releasedTab.current = true;
        onStatus('Tab now leaves the grid.');
        return;
      case 'Tab': {
        if (releasedTab.current) {
          releasedTab.current = false;
          return;
        }
        e.preventDefault();
        const dir = e.shiftKey ? -1 : 1;
        const from = cursor;
        onStatus(dir === 1 ? 'Looking for the next annotation…' : 'Looking for the previous annotation…');
        void findAnnotationStart(chunks, from, dir).then((found) => {
          if (found === undefined) onStatus(`No ${dir === 1 ? 'later' : 'earlier'} annotation${dir === 1 ? ' in the next 2 MiB' : ''}. Escape, then Tab, leaves the grid.`);
          else moveTo(found, 'center');
        });
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    releasedTab.current = false;
    moveTo(next);
  };

  const offsetOf = (e: MouseEvent<HTMLDivElement>): number | undefined => {
    const el = (e.target as HTMLElement).closest('[data-o]');
    return el ? Number(el.getAttribute('data-o')) : undefined;
  };

  const [hovered, setHovered] = useState<number | undefined>(undefined);
  const hover = (o: number | undefined) => {
    if (o === hovered) return;
    setHovered(o);
    onHover(o);
  };

  return (
    <div className="hx-grid-wrap">
      {segments > 1 && (
        <div className="hx-segment" role="group" aria-label="Part of the file shown">
          <span>
            Bytes {hex(segmentStart * ROW_BYTES)}–{hex(Math.min(size, (segmentStart + segmentRows) * ROW_BYTES))} (part {segment + 1} of {segments}; the cursor picks the part)
          </span>
          <button type="button" className="small" disabled={segment === 0} onClick={() => moveTo((segmentStart - SEGMENT_ROWS) * ROW_BYTES, 'center')}>
            Previous part
          </button>
          <button type="button" className="small" disabled={segment + 1 >= segments} onClick={() => moveTo((segmentStart + SEGMENT_ROWS) * ROW_BYTES, 'center')}>
            Next part
          </button>
        </div>
      )}
      <div
        ref={scrollRef}
        className="hx-scroll"
        tabIndex={0}
        role="region"
        aria-label={`Bytes of ${file}`}
        aria-describedby="hx-keys"
        data-testid="hex-grid"
        onKeyDown={onKeyDown}
        onFocus={() => {
          releasedTab.current = false;
        }}
      >
        {/* biome-ignore lint/a11y/noStaticElementInteractions: the pointer picks a byte under it; the keyboard moves the cursor through the focusable region around it (onKeyDown above). */}
        <div
          className="hx-inner"
          style={{ height: virtualizer.getTotalSize(), ['--hx-digits' as string]: digits }}
          onMouseMove={(e) => hover(offsetOf(e))}
          onMouseLeave={() => hover(undefined)}
          onMouseDown={(e) => {
            const o = offsetOf(e);
            if (o === undefined) return;
            e.preventDefault();
            scrollRef.current?.focus({ preventScroll: true });
            moveTo(o);
          }}
        >
          {items.map((item) => {
            const row = segmentStart + item.index;
            return (
              <div
                key={item.key}
                className={row === cursorRow ? 'hx-row hx-row-cur' : 'hx-row'}
                style={{ transform: `translateY(${item.start}px)` }}
                data-testid="hex-row"
                data-offset={row * ROW_BYTES}
              >
                <HexRow chunks={chunks} row={row} digits={digits} cursor={cursor} active={highlighted} />
              </div>
            );
          })}
        </div>
      </div>
      <p className="hx-rowcount muted">
        {formatCount(size)} bytes · {formatCount(totalRows)} rows of {ROW_BYTES}
      </p>
    </div>
  );
}

/** One row: offset, hex cells (a gap after 8), ASCII cells; placeholders while its chunk loads. */
function HexRow({ chunks, row, digits, cursor, active }: { chunks: HexChunks; row: number; digits: number; cursor: number; active: HexAnnotation | undefined }) {
  const from = row * ROW_BYTES;
  const to = Math.min(chunks.size, from + ROW_BYTES);
  const chunkIndex = Math.floor(from / CHUNK_BYTES);
  const chunk = chunks.chunk(chunkIndex);
  const failed = chunks.error(chunkIndex) !== undefined;
  const hexCells = [];
  const asciiCells = [];
  for (let o = from; o < from + ROW_BYTES; o++) {
    const gap = o - from === 7 ? ' hx-gap' : '';
    if (o >= to) {
      hexCells.push(<span key={o} className={`hx-b hx-none${gap}`} />);
      asciiCells.push(<span key={o} className="hx-b hx-none" />);
      continue;
    }
    if (!chunk) {
      const ph = failed ? '??' : '··';
      hexCells.push(
        <span key={o} className={`hx-b hx-wait${gap}${o === cursor ? ' hx-cur' : ''}`} data-o={o}>
          {ph}
        </span>,
      );
      asciiCells.push(
        <span key={o} className={`hx-b hx-wait${o === cursor ? ' hx-cur' : ''}`} data-o={o}>
          {failed ? '?' : '·'}
        </span>,
      );
      continue;
    }
    const rel = o - chunk.window.offset;
    const k = chunk.annotationAt[rel];
    const a = k >= 0 ? chunk.window.annotations[k] : undefined;
    const b = chunk.window.bytes[rel];
    const cls = cellClass(o, a, active, cursor);
    hexCells.push(
      <span key={o} className={cls + gap} data-o={o}>
        {HEX[b]}
      </span>,
    );
    asciiCells.push(
      <span key={o} className={cls} data-o={o}>
        {ASCII[b]}
      </span>,
    );
  }
  return (
    <>
      <span className="hx-rowoff">{from.toString(16).padStart(digits, '0')}</span>
      <span className="hx-rowhex">{hexCells}</span>
      <span className="hx-rowascii">{asciiCells}</span>
    </>
  );
}
