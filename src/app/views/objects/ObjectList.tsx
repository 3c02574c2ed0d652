import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useImperativeHandle, useLayoutEffect, useRef, useState, useSyncExternalStore, type KeyboardEvent, type MouseEvent, type Ref } from 'react';
import { useHref } from '../../lib/route.ts';
import { COLUMNS, ObjectRowView, rowId } from './ObjectRowView.tsx';
import type { PageCache } from './page-cache.ts';
import { MAX_SCROLL_HEIGHT, ROW_HEIGHT, ScrollMapper } from './scroll-mapper.ts';

/**
 * The virtualized grid of object rows. The virtualizer (@tanstack/react-virtual) decides
 * which rows exist in the DOM; ScrollMapper maps its offsets onto a scrollbar that browsers
 * can draw; PageCache brings the rows.
 *
 * With millions of rows the virtualizer's own bookkeeping (two numbers per item) would cost
 * hundreds of MB, so above MAX_ITEMS rows each virtual item is a block of a few rows of the
 * same height; the rows of the blocks in range are rendered.
 */

/** The most virtual items the virtualizer is given. */
const MAX_ITEMS = 500_000;

/** In scaled mode rows are placed relative to an anchor that moves in steps this big. */
const ANCHOR_STEP = 1_000_000;

/** What the view can ask of the list. */
export interface ObjectListHandle {
  /** Scrolls row `index` into view: to the middle, or just enough. */
  reveal(index: number, how: 'center' | 'nearest'): void;
  /** Moves keyboard focus to the list. */
  focus(): void;
}

interface Props {
  cache: PageCache;
  total: number;
  /** Changes when pages arrive, so rows re-render. */
  version: number;
  selected: number | undefined;
  hexLength: number;
  label: string;
  onSelect: (index: number, how: 'key' | 'pointer') => void;
  onOpen: (index: number) => void;
  handle: Ref<ObjectListHandle>;
}

/** The grid; see the file comment. */
export function ObjectList({ cache, total, version, selected, hexLength, label, onSelect, onOpen, handle }: Props) {
  const [mapper] = useState(() => new ScrollMapper());
  const scrollRef = useRef<HTMLDivElement>(null);
  const headerRef = useRef<HTMLDivElement>(null);
  const rowsRef = useRef<HTMLDivElement>(null);
  const anchorRef = useRef(0);
  const href = useHref();
  const viewport = useSyncExternalStore(mapper.onViewport, () => mapper.viewportHeight);

  const perItem = Math.max(1, Math.ceil(total / MAX_ITEMS));
  const itemCount = Math.ceil(total / perItem);
  const virtualTotal = total * ROW_HEIGHT;
  const scaled = virtualTotal > MAX_SCROLL_HEIGHT;

  const virtualizer = useVirtualizer({
    count: itemCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (Math.min(total, (i + 1) * perItem) - i * perItem) * ROW_HEIGHT,
    overscan: Math.max(1, Math.ceil(8 / perItem)),
    observeElementOffset: mapper.observe,
    scrollToFn: (offset) => mapper.place(offset),
    initialOffset: () => mapper.current,
  });

  useLayoutEffect(() => mapper.attach(scrollRef.current as HTMLDivElement, headerRef.current), [mapper]);
  useLayoutEffect(() => {
    mapper.setTotal(virtualTotal);
    virtualizer.measure();
  }, [mapper, virtualizer, virtualTotal]);

  // In scaled mode the row layer is pinned to the viewport; move the rows on every offset change
  // without a render (renders happen only when the range of rows changes).
  const moveRows = useCallback(
    (offset: number) => {
      if (rowsRef.current) rowsRef.current.style.transform = scaled ? `translateY(${anchorRef.current - offset}px)` : '';
    },
    [scaled],
  );
  useLayoutEffect(() => mapper.onMove(moveRows), [mapper, moveRows]);

  const items = virtualizer.getVirtualItems();
  const indices: number[] = [];
  for (const item of items) {
    const end = Math.min(total, (item.index + 1) * perItem);
    for (let r = item.index * perItem; r < end; r++) indices.push(r);
  }
  const offset = mapper.current;
  const anchor = scaled ? Math.floor(offset / ANCHOR_STEP) * ANCHOR_STEP : 0;
  const first = indices.length ? indices[0] : 0;
  const last = indices.length ? indices[indices.length - 1] : -1;

  useLayoutEffect(() => {
    anchorRef.current = anchor;
    moveRows(mapper.current);
    cache.show(first, last);
  }, [anchor, cache, first, last, mapper, moveRows, version]);

  const reveal = useCallback(
    (index: number, how: 'center' | 'nearest') => {
      const top = index * ROW_HEIGHT;
      const height = mapper.viewportHeight;
      if (how === 'center') mapper.scrollTo(top - (height - ROW_HEIGHT) / 2);
      else if (top < mapper.current) mapper.scrollTo(top);
      else if (top + ROW_HEIGHT > mapper.current + height) mapper.scrollTo(top + ROW_HEIGHT - height);
    },
    [mapper],
  );
  useImperativeHandle(handle, () => ({ reveal, focus: () => scrollRef.current?.focus({ preventScroll: true }) }), [reveal]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey || total === 0) return;
    const height = mapper.viewportHeight;
    const pageRows = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const topRow = Math.min(total - 1, Math.ceil(mapper.current / ROW_HEIGHT));
    const from = selected ?? topRow;
    let next: number;
    switch (e.key) {
      case 'ArrowDown':
        next = selected === undefined ? topRow : from + 1;
        break;
      case 'ArrowUp':
        next = selected === undefined ? topRow : from - 1;
        break;
      case 'PageDown':
        next = from + pageRows;
        break;
      case 'PageUp':
        next = from - pageRows;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = total - 1;
        break;
      case 'Enter':
        if (selected !== undefined) {
          e.preventDefault();
          onOpen(selected);
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    next = Math.max(0, Math.min(total - 1, next));
    onSelect(next, 'key');
    reveal(next, 'nearest');
  };

  const rowIndexOf = (e: MouseEvent<HTMLDivElement>): number | undefined => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    return el ? Number(el.dataset.index) : undefined;
  };
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const index = rowIndexOf(e);
    if (index === undefined) return;
    onSelect(index, 'pointer');
    if (!(e.target as HTMLElement).closest('a, button')) scrollRef.current?.focus({ preventScroll: true });
  };
  const onDoubleClick = (e: MouseEvent<HTMLDivElement>) => {
    const index = rowIndexOf(e);
    if (index !== undefined && !(e.target as HTMLElement).closest('a, button')) onOpen(index);
  };
  const retry = useCallback((index: number) => cache.retry(index), [cache]);

  const activeRendered = selected !== undefined && selected >= first && selected <= last;
  // The grid is the scroll container (so a wheel anywhere on it scrolls, and it takes focus); its
  // header row is sticky at the top, in flow before the spacer (see ScrollMapper.attach).
  return (
    <div
      ref={scrollRef}
      className="obj-grid"
      role="grid"
      aria-label={label}
      aria-rowcount={total + 1}
      aria-colcount={COLUMNS.length}
      aria-activedescendant={activeRendered ? rowId(selected) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onClick={onClick}
      onDoubleClick={onDoubleClick}
      style={{ ['--hexlen' as string]: hexLength }}
    >
      <div ref={headerRef} className="obj-header obj-cols" role="row" aria-rowindex={1}>
        {COLUMNS.map((c) => (
          <div key={c.key} role="columnheader" className={`c-${c.key}${c.key === 'size' || c.key === 'stored' || c.key === 'offset' || c.key === 'depth' ? ' num' : ''}`} title={c.title}>
            {c.label}
          </div>
        ))}
      </div>
      <div className="obj-spacer" style={{ height: Math.min(virtualTotal, MAX_SCROLL_HEIGHT) }}>
        <div className={scaled ? 'obj-layer scaled' : 'obj-layer'} style={scaled ? { height: viewport } : undefined}>
          {/* In scaled mode the transform is set by moveRows only, so a render never writes a stale one. */}
          <div ref={rowsRef} className="obj-rows">
            {indices.map((i) => {
              const row = cache.row(i);
              return (
                <ObjectRowView
                  key={i}
                  index={i}
                  row={row}
                  failure={row ? undefined : cache.failure(i)}
                  selected={i === selected}
                  y={i * ROW_HEIGHT - anchor}
                  href={row ? href({ view: 'object', oid: row.oid }) : undefined}
                  onRetry={retry}
                />
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
