import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import type { WireError } from '../../core/errors.ts';
import type { CommitRow } from '../../protocol/messages.ts';
import { engine } from '../client.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { MarkedText } from '../components/MarkedText.tsx';
import { formatCount, formatGitDate } from '../lib/format.ts';
import { navigate, useHref } from '../lib/route.ts';
import { asWire } from '../stores/repo.ts';
import { isCancelled, runTask } from '../stores/tasks.ts';
import { RefSelector } from './browse/RefSelector.tsx';
import { StartPoints } from './browse/StartPoints.tsx';
import './history/history.css';

/** Commits per request. */
const PAGE = 100;
/** Start the next page when the last rendered row is this close to the end. */
const PREFETCH_ROWS = 20;

type Mode = 'first-parent' | 'all';

/** The commits reachable from a revision, newest first, paged as you scroll. */
export function HistoryView({ rev, mode }: { rev: string; mode: Mode }) {
  // Another start or mode is another walk: start with a clean list.
  return <HistoryList key={`${rev}\u0000${mode}`} rev={rev} mode={mode} />;
}

function HistoryList({ rev, mode }: { rev: string; mode: Mode }) {
  const href = useHref();
  const [rows, setRows] = useState<CommitRow[]>([]);
  const [done, setDone] = useState(false);
  const [status, setStatus] = useState<'idle' | 'loading' | 'error' | 'cancelled'>('idle');
  const [error, setError] = useState<WireError | undefined>();
  const [active, setActive] = useState(0);
  const controller = useRef<AbortController | undefined>(undefined);
  const inFlight = useRef<AbortController | undefined>(undefined);
  const count = useRef(0);
  const focusWanted = useRef(false);
  const list = useRef<HTMLDivElement>(null);
  const [margin, setMargin] = useState(0);
  const [topbar, setTopbar] = useState(0);

  const loadMore = useCallback(() => {
    const c = controller.current;
    if (!c || c.signal.aborted || inFlight.current === c) return;
    inFlight.current = c;
    setStatus('loading');
    // `^{commit}` peels an annotated tag to its commit, so tags have a history too.
    runTask('Walking history', (signal, onProgress) => engine.call('history', { from: `${rev}^{commit}`, mode, skip: count.current, limit: PAGE }, { signal, onProgress }), c.signal)
      .then(
        (page) => {
          if (c.signal.aborted) return;
          count.current += page.commits.length;
          setRows((prev) => [...prev, ...page.commits]);
          setDone(page.done || page.commits.length === 0);
          setStatus('idle');
        },
        (err: unknown) => {
          if (c.signal.aborted) return;
          if (isCancelled(err)) setStatus('cancelled');
          else {
            setError(asWire(err));
            setStatus('error');
          }
        },
      )
      .finally(() => {
        if (inFlight.current === c) inFlight.current = undefined;
      });
  }, [rev, mode]);

  useEffect(() => {
    const c = new AbortController();
    controller.current = c;
    loadMore();
    return () => c.abort();
  }, [loadMore]);

  // The list's distance from the top of the page, and the sticky top bar's height.
  useLayoutEffect(() => {
    const measure = () => {
      if (list.current) setMargin(list.current.getBoundingClientRect().top + window.scrollY);
      setTopbar(document.querySelector('.topbar')?.getBoundingClientRect().height ?? 0);
    };
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [status, rows.length === 0]);

  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => 44,
    overscan: 12,
    scrollMargin: margin,
    scrollPaddingStart: topbar + 8,
    scrollPaddingEnd: 8,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;

  // Infinite scroll: the next page when the end comes into view.
  useEffect(() => {
    if (status === 'idle' && !done && rows.length > 0 && lastIndex >= rows.length - PREFETCH_ROWS) loadMore();
  }, [lastIndex, rows.length, done, status, loadMore]);

  // Keyboard focus follows the active row once it is rendered.
  useEffect(() => {
    if (!focusWanted.current) return;
    let tries = 0;
    let frame = 0;
    const focus = () => {
      const el = list.current?.querySelector<HTMLElement>(`[data-row="${active}"]`);
      if (el) {
        focusWanted.current = false;
        el.focus({ preventScroll: true });
      } else if (tries++ < 10) frame = requestAnimationFrame(focus);
    };
    focus();
    return () => cancelAnimationFrame(frame);
  }, [active]);

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    focusWanted.current = true;
    setActive(next);
    if (next === 0) window.scrollTo({ top: 0 });
    else virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const page = Math.max(1, Math.floor((window.innerHeight - topbar) / 44) - 1);
    switch (e.key) {
      case 'ArrowDown':
        moveTo(active + 1);
        break;
      case 'ArrowUp':
        moveTo(active - 1);
        break;
      case 'PageDown':
        moveTo(active + page);
        break;
      case 'PageUp':
        moveTo(active - page);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'Enter':
        if ((e.target as HTMLElement).closest('a')) return;
        navigate({ view: 'object', oid: rows[active].oid });
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const setMode = (m: Mode) => navigate({ view: 'history', rev, mode: m }, { replace: true });

  return (
    <div className="history-page" data-testid="history-view">
      <div className="history-head">
        <h1>History</h1>
        <RefSelector rev={rev} onSelect={(r) => navigate({ view: 'history', rev: r, mode })} label="History of" />
        <div className="history-mode" role="group" aria-label="Which commits">
          <button type="button" className="small" aria-pressed={mode === 'first-parent'} onClick={() => setMode('first-parent')} title="Follow only the first parent of merges (the main line)">
            First parent
          </button>
          <button type="button" className="small" aria-pressed={mode === 'all'} onClick={() => setMode('all')} title="Every ancestor, newest first by commit date">
            All commits
          </button>
        </div>
        <span className="muted history-count" role="status">
          {rows.length === 0 && status === 'loading'
            ? 'Walking history…'
            : rows.length === 0 && status === 'error'
              ? ''
              : `${formatCount(rows.length)} commit${rows.length === 1 ? '' : 's'}${done ? '' : ' so far'}`}
        </span>
      </div>

      {status === 'error' && error && rows.length === 0 && rev === 'HEAD' && error.kind === 'NotFound' && <StartPoints failed="HEAD has no history to show" />}
      {status === 'error' && error && !(rows.length === 0 && rev === 'HEAD' && error.kind === 'NotFound') && (
        <div data-testid="history-error">
          <ErrorBox error={error} title={rows.length ? 'The rest of the history could not be read' : `The history of ${rev} could not be read`} />
          {(rows.length > 0 || error.kind === 'Io' || error.kind === 'Internal') && (
            <button
              type="button"
              onClick={() => {
                setStatus('idle');
                setError(undefined);
                loadMore();
              }}
            >
              Try again
            </button>
          )}
        </div>
      )}
      {done && rows.length === 0 && status === 'idle' && <p className="muted">No commits.</p>}
      {status === 'cancelled' && (
        <p className="notice">
          Walking the history was cancelled.{' '}
          <button type="button" className="small" onClick={loadMore}>
            Continue
          </button>
        </p>
      )}

      <div
        ref={list}
        className="history-list"
        role="list"
        aria-label={`Commits from ${rev}`}
        onKeyDown={onKeyDown}
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((item) => {
          const c = rows[item.index];
          const { local, original } = formatGitDate(c.author.time, c.author.zone);
          const objectHref = href({ view: 'object', oid: c.oid });
          return (
            <div
              key={c.oid}
              ref={virtualizer.measureElement}
              data-index={item.index}
              data-row={item.index}
              data-testid="history-row"
              data-oid={c.oid}
              role="listitem"
              tabIndex={item.index === active ? 0 : -1}
              className={`history-row${item.index === active ? ' active' : ''}${item.index === rows.length - 1 ? ' last' : ''}`}
              style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
              onFocus={() => setActive(item.index)}
              aria-label={`${c.oid.slice(0, 12)} ${c.summary}`}
            >
              <a href={objectHref} className="oid hist-oid" tabIndex={-1} title={c.oid}>
                {c.oid.slice(0, 12)}
              </a>
              <span className="hist-summary">
                <a href={objectHref} tabIndex={-1} title={c.summary}>
                  {c.summary ? <MarkedText text={c.summary} /> : <span className="muted">(no message)</span>}
                </a>
                {c.parentCount > 1 && (
                  <span className="badge merge-badge" title={`A merge of ${formatCount(c.parentCount)} parents`}>
                    merge · {formatCount(c.parentCount)} parents
                  </span>
                )}
                {c.parentCount === 0 && <span className="badge">root</span>}
              </span>
              <span className="hist-author" title={`${c.author.name} <${c.author.email}>`}>
                <MarkedText text={c.author.name} />
              </span>
              <time className="hist-date" dateTime={new Date(c.author.time * 1000).toISOString()} title={`${local} in your time zone; ${original} as recorded`}>
                {local}
              </time>
              <a href={href({ view: 'browse', rev: c.oid, path: [] })} className="hist-browse" tabIndex={-1} title="Browse the files at this commit">
                Files
              </a>
            </div>
          );
        })}
      </div>

      {rows.length > 0 && (
        <div className="history-foot">
          {done ? (
            <span className="muted">End of history.</span>
          ) : status === 'loading' ? (
            <span className="muted">Loading more…</span>
          ) : status === 'cancelled' ? null : (
            <button type="button" onClick={loadMore} disabled={status === 'error'}>
              Load more
            </button>
          )}
        </div>
      )}
    </div>
  );
}
