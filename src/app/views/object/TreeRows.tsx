import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactElement, type ReactNode, type Ref } from 'react';
import type { TreeEntryInfo, TreeOrder } from '../../../protocol/messages.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { formatCount } from '../../lib/format.ts';
import { useTreePages } from './useTreePages.ts';
import './tree-rows.css';

/**
 * The rows of a tree listing (the object page's table, Browse's folder). A tree whose entries all
 * came with the answer is rendered whole; a larger one (a hostile tree may hold millions) is
 * virtualized: only the rows in view exist, in a scroll box, between two spacer rows, and their
 * entries are asked for a page at a time. Browsers cap an element's height near 16-33 million
 * px, so past WINDOW rows the tree is shown a window at a time.
 */

/** Rows per window: 400,000 rows of ~31 px stay under every browser's height limit. */
const WINDOW = 400_000;
const ROW_ESTIMATE = 31;

/** Attributes the virtualizer needs on each rendered row (spread them on the <tr>). */
export interface RowHooks {
  ref?: (el: HTMLTableRowElement | null) => void;
  'data-index'?: number;
}

export interface TreeRowsProps {
  oid: string;
  order: TreeOrder;
  /** The entries that came with the answer, and how many the tree holds. */
  first: TreeEntryInfo[];
  total: number;
  columns: number;
  tableClass: string;
  testId: string;
  /** Accessible name of the scroll box. */
  label: string;
  head?: ReactNode;
  /** Rows before the entries (Browse's `..`). */
  before?: ReactNode;
  /** What the body shows when the tree is empty (a row), if anything. */
  empty?: ReactNode;
  /** One entry's row; spread `hooks` on the <tr> and give it a key. */
  renderRow: (entry: TreeEntryInfo, index: number, hooks: RowHooks) => ReactElement;
  bodyRef?: Ref<HTMLTableSectionElement>;
  onBodyKeyDown?: (e: KeyboardEvent<HTMLTableSectionElement>) => void;
}

/** A tree's rows, whole or virtualized; see the file comment. */
export function TreeRows(props: TreeRowsProps) {
  const { first, total, tableClass, testId, head, before, empty, renderRow, bodyRef, onBodyKeyDown } = props;
  if (first.length >= total) {
    return (
      <table className={tableClass} data-testid={testId}>
        {head}
        <tbody ref={bodyRef} onKeyDown={onBodyKeyDown}>
          {before}
          {first.map((e, i) => renderRow(e, i, {}))}
          {total === 0 && empty}
        </tbody>
      </table>
    );
  }
  return <VirtualTreeRows {...props} />;
}

function VirtualTreeRows({ oid, order, first, total, columns, tableClass, testId, label, head, before, renderRow, bodyRef, onBodyKeyDown }: TreeRowsProps) {
  const pages = useTreePages(oid, order, first, total);
  const [windowStart, setWindowStart] = useState(0);
  const inWindow = Math.max(0, Math.min(WINDOW, total - windowStart));
  const scrollRef = useRef<HTMLDivElement>(null);
  const topRef = useRef<HTMLTableRowElement>(null);
  // How far the first entry row sits below the top of the scrolled content (the head, `..`).
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const box = scrollRef.current;
    const top = topRef.current;
    if (!box || !top) return;
    const m = Math.round(top.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop);
    if (m !== margin) setMargin(m);
  });

  const virtualizer = useVirtualizer({
    count: inWindow,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 20,
    scrollMargin: margin,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const firstShown = items.length ? windowStart + items[0].index : windowStart;
  const lastShown = items.length ? windowStart + items[items.length - 1].index : windowStart - 1;
  const { want } = pages;
  useEffect(() => {
    if (lastShown >= firstShown) want(firstShown, lastShown);
  }, [firstShown, lastShown, want]);

  const padTop = items.length ? Math.max(0, items[0].start - margin) : 0;
  const padBottom = items.length ? Math.max(0, virtualizer.getTotalSize() + margin - items[items.length - 1].end) : 0;
  const moveWindow = (to: number) => {
    setWindowStart(to);
    scrollRef.current?.scrollTo({ top: 0 });
  };

  return (
    <div className="tree-rows">
      {total > WINDOW && (
        <div className="tree-rows-window" role="group" aria-label="Entries window">
          <span>
            Entries {formatCount(windowStart + 1)}–{formatCount(windowStart + inWindow)} of {formatCount(total)}
          </span>
          <button type="button" className="small" disabled={windowStart === 0} onClick={() => moveWindow(Math.max(0, windowStart - WINDOW))}>
            Previous
          </button>
          <button type="button" className="small" disabled={windowStart + inWindow >= total} onClick={() => moveWindow(windowStart + WINDOW)}>
            Next
          </button>
        </div>
      )}
      {pages.error && <ErrorBox error={pages.error} title="Entries of this tree could not be read" />}
      <div ref={scrollRef} className="tree-rows-scroll" role="region" aria-label={label} data-testid={`${testId}-scroll`}>
        <table className={tableClass} data-testid={testId} aria-rowcount={total}>
          {head}
          <tbody ref={bodyRef} onKeyDown={onBodyKeyDown}>
            {before}
            {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row standing for the rows scrolled out of view holds nothing focusable. */}
            <tr ref={topRef} aria-hidden="true" className="tree-rows-spacer" style={{ height: padTop }}>
              <td colSpan={columns} />
            </tr>
            {items.map((item) => {
              const i = windowStart + item.index;
              const entry = pages.at(i);
              const hooks: RowHooks = { ref: virtualizer.measureElement, 'data-index': item.index };
              if (entry) return renderRow(entry, i, hooks);
              return (
                <tr key={`loading-${i}`} {...hooks} className="tree-row-loading" data-testid="tree-entry-loading">
                  <td colSpan={columns} className="muted">
                    …
                  </td>
                </tr>
              );
            })}
            {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row standing for the rows scrolled out of view holds nothing focusable. */}
            <tr aria-hidden="true" className="tree-rows-spacer" style={{ height: padBottom }}>
              <td colSpan={columns} />
            </tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}
