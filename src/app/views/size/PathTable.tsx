import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { SizePathName, SizePathSort } from '../../../protocol/analysis.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { OidLink } from '../../components/Link.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { useSizePathPages } from './size-requests.ts';

/**
 * Every path (or directory) of history in a table sorted by stored bytes, inflated bytes,
 * versions, deletion date or name, fetched a page at a time as rows scroll into view (git.git
 * has about 10k paths). A row selects its path; the folder the treemap is zoomed into can limit
 * the table.
 */

const ROW = 30;
const PAGE = 200;
/** The table's height when it has more rows than fit. */
const GRID_HEIGHT = 440;

interface Props {
  kind: 'file' | 'dir';
  onKind: (kind: 'file' | 'dir') => void;
  /** The treemap's folder (0: everything). */
  folder: SizePathName | undefined;
  selected: number | undefined;
  onSelect: (path: number) => void;
}

const COLUMNS: { key: SizePathSort; label: string; num: boolean }[] = [
  { key: 'path', label: 'Path', num: false },
  { key: 'versions', label: 'Versions', num: true },
  { key: 'inflated', label: 'Inflated', num: true },
  { key: 'stored', label: 'Stored', num: true },
  { key: 'deleted', label: 'Deleted', num: false },
];

/** The table; see the file comment. */
export function PathTable({ kind, onKind, folder, selected, onSelect }: Props) {
  const [sort, setSort] = useState<SizePathSort>('stored');
  const [descending, setDescending] = useState(true);
  const [filter, setFilter] = useState('');
  const [inFolder, setInFolder] = useState(true);
  const under = inFolder && folder && folder.id > 0 ? folder.id : undefined;
  const scrollRef = useRef<HTMLDivElement>(null);
  const query = `${kind}|${sort}|${descending}|${under ?? ''}|${filter}`;
  const { total, error, version, load, rowAt } = useSizePathPages({ kind, sort, descending, under, filter }, query, PAGE);

  // A new query starts from its first page, at the top.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [query]);

  const count = total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const first = items.length ? items[0].index : 0;
  const last = items.length ? items[items.length - 1].index : 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` reads the current query through refs; the rows in view, the total and the version decide when.
  useEffect(() => {
    if (total === undefined) {
      load(0);
      return;
    }
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) load(p);
  }, [first, last, total, version]);

  const onHeader = (key: SizePathSort) => {
    if (key === sort) setDescending((d) => !d);
    else {
      setSort(key);
      setDescending(key !== 'path');
    }
  };

  return (
    <section className="sz-paths" aria-label="Paths by size" data-testid="size-paths">
      <div className="toolbar sz-paths-tools">
        <div role="group" aria-label="Show">
          <button type="button" className={`small${kind === 'file' ? ' primary' : ''}`} aria-pressed={kind === 'file'} onClick={() => onKind('file')}>
            Files
          </button>{' '}
          <button type="button" className={`small${kind === 'dir' ? ' primary' : ''}`} aria-pressed={kind === 'dir'} onClick={() => onKind('dir')}>
            Directories
          </button>
        </div>
        <input type="search" placeholder="Filter paths" aria-label="Filter paths" value={filter} onChange={(e) => setFilter(e.target.value)} />
        {folder && folder.id > 0 && (
          <label>
            <input type="checkbox" checked={inFolder} onChange={(e) => setInFolder(e.target.checked)} /> only in{' '}
            <span className="mono">
              <MarkedText text={folder.path} />/
            </span>
          </label>
        )}
        <span className="muted">{total !== undefined ? `${formatCount(total)} ${kind === 'file' ? 'files' : 'directories'}` : 'Loading…'}</span>
      </div>
      {error && <ErrorBox error={error} title="The paths could not be listed" />}
      <div className="sz-grid-head" role="row">
        {COLUMNS.map((c) => (
          <button
            key={c.key}
            type="button"
            role="columnheader"
            className={`sz-col ${c.key}${c.num ? ' num' : ''}${sort === c.key ? ' sorted' : ''}`}
            aria-sort={sort === c.key ? (descending ? 'descending' : 'ascending') : 'none'}
            onClick={() => onHeader(c.key)}
          >
            {c.label}
            {sort === c.key ? (descending ? ' ▼' : ' ▲') : ''}
          </button>
        ))}
        <span className="sz-col largest" role="columnheader" title="The largest version and the commit that added it">
          Largest version, added by
        </span>
      </div>
      <div ref={scrollRef} className="sz-grid" role="grid" aria-label="Paths" aria-rowcount={count} tabIndex={0} style={{ height: Math.min(GRID_HEIGHT, Math.max(ROW, count * ROW) + 2) }}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rowAt(item.index);
            return (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard reaches the row through the button in its first cell, whose click is the row's.
              <div
                key={item.index}
                role="row"
                aria-rowindex={item.index + 1}
                className={`sz-row${row && row.id === selected ? ' selected' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${item.start}px)` }}
                data-testid={row ? 'size-path-row' : undefined}
                data-path={row?.path}
                onClick={() => row && onSelect(row.id)}
              >
                {row ? (
                  <>
                    {/* A button so the keyboard reaches the row; its click is the row's. */}
                    <button type="button" className="sz-col path mono link-button sz-path-button" title={row.quoted ?? row.path} aria-current={row.id === selected ? 'true' : undefined}>
                      <MarkedText text={row.path} />
                      {row.kind === 'dir' ? '/' : ''}
                    </button>
                    <span className="sz-col versions num">{formatCount(row.versions)}</span>
                    <span className="sz-col inflated num">{formatBytes(row.inflated)}</span>
                    <span className="sz-col stored num" data-bytes={row.stored}>
                      {formatBytes(row.stored)}
                    </span>
                    <span className="sz-col deleted">{row.deleted ? <CommitAt date={row.deleted.date} commit={row.deleted.commit} /> : <span className="muted">present</span>}</span>
                    <span className="sz-col largest">{row.largest ? <CommitAt date={`${formatBytes(row.largest.inflated)} ·`} commit={row.largest.commit} /> : ''}</span>
                  </>
                ) : (
                  <span className="muted sz-col path">…</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}

function CommitAt({ date, commit }: { date: string; commit: string }) {
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: only stops a click on the commit link from also selecting the row; it does nothing itself.
    <span onClick={(e) => e.stopPropagation()}>
      {date} <OidLink oid={commit} />
    </span>
  );
}
