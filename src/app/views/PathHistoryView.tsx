import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import type { WireError } from '../../core/errors.ts';
import type { PathCommitRow } from '../../protocol/blame.ts';
import { engine } from '../client.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { MarkedText } from '../components/MarkedText.tsx';
import { formatCount, formatGitDate } from '../lib/format.ts';
import { navigate, useHref } from '../lib/route.ts';
import { asWire } from '../stores/repo.ts';
import { isCancelled, runTask } from '../stores/tasks.ts';
import './blame/blame.css';

/** Commits per request. */
const PAGE = 100;
const PREFETCH_ROWS = 20;

/** The commits that changed a file or folder (`git log -- <path>`), following renames of a file when asked. */
export function PathHistoryView({ rev, path, follow }: { rev: string; path: string[]; follow: boolean }) {
  return <PathHistoryList key={`${rev}\u0000${path.join('/')}\u0000${follow}`} rev={rev} path={path} follow={follow} />;
}

function PathHistoryList({ rev, path, follow }: { rev: string; path: string[]; follow: boolean }) {
  const href = useHref();
  const [rows, setRows] = useState<PathCommitRow[]>([]);
  const [done, setDone] = useState(false);
  const [walked, setWalked] = useState(0);
  const [folder, setFolder] = useState(false);
  const [status, setStatus] = useState<'idle' | 'loading' | 'error' | 'cancelled'>('idle');
  const [error, setError] = useState<WireError | undefined>();
  const controller = useRef<AbortController | undefined>(undefined);
  const inFlight = useRef(false);
  const count = useRef(0);
  const list = useRef<HTMLDivElement>(null);
  const [margin, setMargin] = useState(0);
  const name = path.join('/');

  // biome-ignore lint/correctness/useExhaustiveDependencies: path (a new array on every render) is compared through `name`.
  const loadMore = useCallback(() => {
    const c = controller.current;
    if (!c || c.signal.aborted || inFlight.current) return;
    inFlight.current = true;
    setStatus('loading');
    runTask(`History of ${name || 'the whole tree'}`, (signal, onProgress) => engine.call('pathHistory', { rev, path, follow, skip: count.current, limit: PAGE }, { signal, onProgress }), c.signal)
      .then(
        (page) => {
          if (c.signal.aborted) return;
          count.current += page.commits.length;
          setRows((prev) => [...prev, ...page.commits]);
          setDone(page.done || page.commits.length === 0);
          setWalked(page.walked);
          setFolder(page.folder);
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
        inFlight.current = false;
      });
  }, [rev, name, follow]);

  useEffect(() => {
    const c = new AbortController();
    controller.current = c;
    loadMore();
    return () => c.abort();
  }, [loadMore]);

  useLayoutEffect(() => {
    if (list.current) setMargin(list.current.getBoundingClientRect().top + window.scrollY);
  }, [status, rows.length === 0]);

  const virtualizer = useWindowVirtualizer({ count: rows.length, estimateSize: () => 48, overscan: 12, scrollMargin: margin, useFlushSync: false });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (status === 'idle' && !done && rows.length > 0 && lastIndex >= rows.length - PREFETCH_ROWS) loadMore();
  }, [lastIndex, rows.length, done, status, loadMore]);

  const crumbs = path.map((part, i) => ({ part, to: path.slice(0, i + 1) }));
  return (
    <div className="ph-page" data-testid="path-history-view">
      <div className="ph-head">
        <h1>History</h1>
        <span className="ph-path" data-testid="path-history-path">
          <a href={href({ view: 'browse', rev, path: [] })}>
            <MarkedText text={rev} />
          </a>
          {crumbs.map(({ part, to }) => (
            <span key={to.join('/')}>
              {' / '}
              <a href={href({ view: 'browse', rev, path: to })}>
                <MarkedText text={part} />
              </a>
            </span>
          ))}
        </span>
        <label className="ph-follow" title="Follow the file through renames and copies (git log --follow); only for a single file">
          <input type="checkbox" checked={follow} disabled={path.length === 0 || folder} onChange={(e) => navigate({ view: 'path-history', rev, path, follow: e.target.checked }, { replace: true })} />{' '}
          Follow renames
        </label>
        <span className="muted" role="status" data-testid="path-history-count">
          {rows.length === 0 && status === 'loading' ? 'Walking history…' : `${formatCount(rows.length)} commit${rows.length === 1 ? '' : 's'}${done ? '' : ' so far'} · ${formatCount(walked)} read`}
        </span>
      </div>
      {status === 'error' && error && <ErrorBox error={error} title={`The history of ${name || rev} could not be read`} />}
      {done && rows.length === 0 && status === 'idle' && <p className="muted">No commit changed this path.</p>}
      {status === 'cancelled' && (
        <p className="notice">
          Walking the history was cancelled.{' '}
          <button type="button" className="small" onClick={loadMore}>
            Continue
          </button>
        </p>
      )}
      <div ref={list} className="ph-list" role="list" aria-label={`Commits that changed ${name}`} style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const c = rows[item.index];
          const { local, original } = formatGitDate(c.author.time, c.author.zone);
          const parts = c.path.split('/');
          return (
            <div
              key={c.oid}
              ref={virtualizer.measureElement}
              data-index={item.index}
              data-testid="path-history-row"
              data-oid={c.oid}
              role="listitem"
              className="ph-row"
              style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
            >
              <a href={href({ view: 'object', oid: c.oid })} className="oid" title={c.oid}>
                {c.oid.slice(0, 12)}
              </a>
              <span className="ph-summary">
                <a href={href({ view: 'object', oid: c.oid })} title={c.summary}>
                  {c.summary ? <MarkedText text={c.summary} /> : <span className="muted">(no message)</span>}
                </a>
                {c.renamedFrom && (
                  <span
                    className="badge ph-rename"
                    data-testid="path-history-rename"
                    title={`${c.renamedFrom.status === 'R' ? 'Renamed' : 'Copied'} from ${c.renamedFrom.path} (${c.renamedFrom.similarity}% similar)`}
                  >
                    {c.renamedFrom.status === 'R' ? 'renamed from' : 'copied from'} <MarkedText text={c.renamedFrom.path} />
                  </span>
                )}
                {c.parentCount > 1 && <span className="badge">merge</span>}
                {c.path !== name && !c.renamedFrom && (
                  <span className="muted ph-old-path" title={`The file was ${c.path} in this commit`}>
                    <MarkedText text={c.path} />
                  </span>
                )}
              </span>
              <span className="ph-author" title={`${c.author.name} <${c.author.email}>`}>
                <MarkedText text={c.author.name} />
              </span>
              <time className="ph-date" dateTime={new Date(c.author.time * 1000).toISOString()} title={`${local} in your time zone; ${original} as recorded`}>
                {local}
              </time>
              <span className="ph-links">
                <a href={href({ view: 'browse', rev: c.oid, path: parts })} title={`${c.path} at this commit`}>
                  View
                </a>
                {!folder && (
                  <a href={href({ view: 'blame', rev: c.oid, path: parts })} title={`Blame ${c.path} at this commit`}>
                    Blame
                  </a>
                )}
              </span>
            </div>
          );
        })}
      </div>
      {rows.length > 0 && (
        <div className="ph-foot">
          {done ? (
            <span className="muted">End of history.</span>
          ) : status === 'loading' ? (
            <span className="muted">Loading more…</span>
          ) : status === 'cancelled' ? null : (
            <button type="button" onClick={loadMore}>
              Load more
            </button>
          )}
        </div>
      )}
    </div>
  );
}
