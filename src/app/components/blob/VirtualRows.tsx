import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { formatCount } from '../../lib/format.ts';

/**
 * A scroll box that renders only the rows in view (@tanstack/react-virtual). Browsers cap an
 * element's height near 16-33 million pixels, so more than `WINDOW_ROWS` rows are shown a
 * window at a time, with Previous/Next; a target row (go to line, go to offset) picks its window.
 */

/** Rows per window: 500,000 x 20 px stays well under every browser's height limit. */
export const WINDOW_ROWS = 500_000;

/** A row to scroll to and mark; `seq` changes to repeat the same row. */
export interface RowTarget {
  row: number;
  seq: number;
}

export interface VirtualRowsProps {
  count: number;
  /** Fixed row height in pixels (the estimate when wrapping). */
  rowHeight: number;
  /** Rows may wrap: measure each rendered row. */
  wrap?: boolean;
  /** The content of row `index` (0-based over all rows, not the window). */
  renderRow: (index: number) => ReactNode;
  /** Width of the scrolled content when not wrapping (CSS length). */
  contentWidth?: string;
  className: string;
  testId: string;
  /** Accessible name of the scroll box. */
  label: string;
  /** What a row is called in the window bar ("Lines", "Rows"). */
  unit: string;
  /** Extra attributes per row (e.g. `data-line`). */
  rowAttributes?: (index: number) => Record<string, string | number>;
  target?: RowTarget | undefined;
  /** Told the rows in view (0-based over all rows, first and last) whenever they change. */
  onRangeChange?: (first: number, last: number) => void;
}

/** A virtualized, windowed list of rows in a focusable scroll box. */
export function VirtualRows({ count, rowHeight, wrap = false, renderRow, contentWidth, className, testId, label, unit, rowAttributes, target, onRangeChange }: VirtualRowsProps) {
  const [windowStart, setWindowStart] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const start = Math.min(windowStart, Math.max(0, count - 1));
  const inWindow = Math.max(0, Math.min(WINDOW_ROWS, count - start));
  const virtualizer = useVirtualizer({
    count: inWindow,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 24,
    useFlushSync: false,
  });

  // Going to a row: first pick its window, then scroll once that window is rendered.
  useEffect(() => {
    if (!target) return;
    setWindowStart(Math.floor(target.row / WINDOW_ROWS) * WINDOW_ROWS);
  }, [target]);
  useEffect(() => {
    if (!target || target.row < start || target.row >= start + inWindow) return;
    virtualizer.scrollToIndex(target.row - start, { align: 'center' });
    // Scroll when the target or its window changes, not on every virtualizer identity.
  }, [target, start, inWindow]);

  const moveWindow = (to: number) => {
    setWindowStart(to);
    scrollRef.current?.scrollTo({ top: 0 });
  };

  const items = virtualizer.getVirtualItems();
  const firstInView = items.length ? start + items[0].index : -1;
  const lastInView = items.length ? start + items[items.length - 1].index : -1;
  useEffect(() => {
    if (firstInView >= 0) onRangeChange?.(firstInView, lastInView);
  }, [firstInView, lastInView, onRangeChange]);
  return (
    <div className={`vrows ${className}${wrap ? ' wrap' : ''}`}>
      {count > WINDOW_ROWS && (
        <div className="vrows-window" role="group" aria-label={`${unit} window`}>
          <span>
            {unit} {formatCount(start + 1)}–{formatCount(start + inWindow)} of {formatCount(count)}
          </span>
          <button type="button" className="small" disabled={start === 0} onClick={() => moveWindow(Math.max(0, start - WINDOW_ROWS))}>
            Previous
          </button>
          <button type="button" className="small" disabled={start + inWindow >= count} onClick={() => moveWindow(start + WINDOW_ROWS)}>
            Next
          </button>
        </div>
      )}
      <div ref={scrollRef} className="vrows-scroll" tabIndex={0} role="region" aria-label={label} data-testid={testId}>
        <div className="vrows-inner" style={{ height: virtualizer.getTotalSize(), width: wrap ? '100%' : contentWidth }}>
          {items.map((item) => {
            const index = start + item.index;
            const isTarget = target !== undefined && target.row === index;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={wrap ? virtualizer.measureElement : undefined}
                className={isTarget ? 'vrow target' : 'vrow'}
                style={{ transform: `translateY(${item.start}px)`, height: wrap ? undefined : rowHeight }}
                {...rowAttributes?.(index)}
              >
                {renderRow(index)}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
