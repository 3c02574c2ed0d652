import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ResultOf, TypeFilter } from '../../../protocol/messages.ts';
import { Cancelled } from '../../client.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { formatCount } from '../../lib/format.ts';
import { navigate, useHref } from '../../lib/route.ts';
import { asWire } from '../../stores/repo.ts';
import { runTask } from '../../stores/tasks.ts';
import { ObjectList, type ObjectListHandle } from './ObjectList.tsx';
import { locateInList, openPageCache, type PageCache } from './page-cache.ts';
import type { RequestState } from '../../lib/request.ts';

const FILTERS: { value: TypeFilter; label: string; one: string; many: string }[] = [
  { value: 'all', label: 'All', one: 'object', many: 'objects' },
  { value: 'commit', label: 'Commits', one: 'commit', many: 'commits' },
  { value: 'tree', label: 'Trees', one: 'tree', many: 'trees' },
  { value: 'blob', label: 'Blobs', one: 'blob', many: 'blobs' },
  { value: 'tag', label: 'Tags', one: 'tag', many: 'tags' },
];

function nounFor(filter: TypeFilter, n: number): string {
  const f = FILTERS.find((x) => x.value === filter) ?? FILTERS[0];
  return n === 1 ? f.one : f.many;
}

type JumpState =
  | { kind: 'idle' }
  | { kind: 'busy'; prefix: string }
  | { kind: 'ambiguous'; prefix: string; candidates: string[] }
  | { kind: 'none'; prefix: string }
  | { kind: 'invalid'; message: string };

/** How long keyboard selection waits before it is written into the URL (arrow keys repeat fast). */
const URL_DELAY_MS = 400;

/**
 * The objects list of one repository and one type filter: toolbar (filter, total, jump) and the
 * grid. The first page is fetched as a visible, cancellable task, since it builds the object
 * index (and, for a type filter, reads every object's type) in the worker.
 */
export function ObjectsPanel({ filter, at, hexLength }: { filter: TypeFilter; at: string | undefined; hexLength: number }) {
  const [status, setStatus] = useState<RequestState<void>>({ status: 'loading', data: undefined });
  const [attempt, setAttempt] = useState(0);
  const [cache, setCache] = useState<PageCache | undefined>();
  const [version, setVersion] = useState(0);
  const [selected, setSelected] = useState<number | undefined>();
  const [jump, setJump] = useState<JumpState>({ kind: 'idle' });
  const [query, setQuery] = useState('');
  const list = useRef<ObjectListHandle>(null);
  /** The `at` this panel wrote (or already jumped to), so a URL change it caused is not a jump. */
  const urlAt = useRef<string | undefined>(undefined);
  const urlTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  /** How the current selection was made: a pointer (or a jump) writes the URL at once, keys after a pause. */
  const selectedBy = useRef<'key' | 'pointer'>('pointer');
  const href = useHref();

  useEffect(() => {
    const outer = new AbortController();
    let made: PageCache | undefined;
    setStatus({ status: 'loading', data: undefined });
    const label = filter === 'all' ? 'Listing objects' : `Listing ${nounFor(filter, 2)}`;
    runTask(
      label,
      (signal, onProgress) =>
        openPageCache(
          filter,
          () => setVersion((v) => v + 1),
          signal,
          (p) => {
            onProgress(p);
            if (!outer.signal.aborted) setStatus({ status: 'loading', data: undefined, progress: p });
          },
        ),
      outer.signal,
    ).then(
      (opened) => {
        if (outer.signal.aborted) {
          opened.dispose();
          return;
        }
        made = opened;
        setCache(made);
        setStatus({ status: 'done', data: undefined });
      },
      (err: unknown) => {
        if (outer.signal.aborted) return;
        setStatus(err instanceof Cancelled ? { status: 'cancelled', data: undefined } : { status: 'error', error: asWire(err), data: undefined });
      },
    );
    return () => {
      outer.abort();
      made?.dispose();
      clearTimeout(urlTimer.current);
    };
  }, [filter, attempt]);

  const writeAt = useCallback(
    (oid: string) => {
      clearTimeout(urlTimer.current);
      urlAt.current = oid;
      navigate({ view: 'objects', filter, at: oid }, { replace: true });
    },
    [filter],
  );

  const locate = useCallback(
    async (input: string) => {
      const prefix = input.trim().toLowerCase();
      if (prefix === '') {
        setJump({ kind: 'idle' });
        return;
      }
      if (!/^[0-9a-f]+$/.test(prefix) || prefix.length > hexLength) {
        setJump({ kind: 'invalid', message: `“${input.trim()}” is not an object id: type up to ${hexLength} hex digits (0-9, a-f).` });
        return;
      }
      setJump({ kind: 'busy', prefix });
      let result: ResultOf<'locateInList'>;
      try {
        result = await locateInList(prefix, filter);
      } catch (err) {
        setJump({ kind: 'invalid', message: asWire(err).detail });
        return;
      }
      if (result.kind === 'found') {
        setJump({ kind: 'idle' });
        selectedBy.current = 'pointer';
        setSelected(result.index);
        list.current?.reveal(result.index, 'center');
        if (urlAt.current !== result.oid) writeAt(result.oid);
      } else if (result.kind === 'ambiguous') {
        setJump({ kind: 'ambiguous', prefix, candidates: result.candidates });
      } else {
        setJump({ kind: 'none', prefix });
      }
    },
    [filter, hexLength, writeAt],
  );

  // A URL naming a position (a shared link, back/forward, a candidate link): go there.
  useEffect(() => {
    if (status.status !== 'done' || !at || at === urlAt.current) return;
    urlAt.current = at;
    setQuery(at);
    void locate(at);
  }, [status.status, at, locate]);

  const total = cache?.total ?? 0;

  const onSelect = useCallback((index: number, how: 'key' | 'pointer') => {
    selectedBy.current = how;
    setSelected(index);
  }, []);

  // The URL follows the selection (once its row has arrived), so a reload or Back returns to it.
  useEffect(() => {
    if (selected === undefined || !cache) return;
    const oid = cache.row(selected)?.oid;
    if (!oid || oid === urlAt.current) return;
    clearTimeout(urlTimer.current);
    if (selectedBy.current === 'pointer') writeAt(oid);
    else urlTimer.current = setTimeout(() => writeAt(oid), URL_DELAY_MS);
  }, [selected, version, cache, writeAt]);

  const onOpen = useCallback(
    (index: number) => {
      const oid = cache?.row(index)?.oid;
      if (!oid) return;
      // Back from the object page returns to this row.
      writeAt(oid);
      navigate({ view: 'object', oid });
    },
    [cache, writeAt],
  );

  const changeFilter = (next: TypeFilter) => {
    if (next === filter) return;
    const row = selected !== undefined ? cache?.row(selected) : undefined;
    // Keep the selected object when the new list holds it.
    const keep = row && !row.error && (next === 'all' || row.type === next) ? row.oid : undefined;
    navigate({ view: 'objects', filter: next, ...(keep ? { at: keep } : {}) }, { replace: true });
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void locate(query);
  };

  return (
    <div className="objects-view">
      <div className="toolbar objects-toolbar">
        <div className="segmented" role="group" aria-label="Object type">
          {FILTERS.map((f) => (
            <button key={f.value} type="button" aria-pressed={f.value === filter} className={f.value === filter ? 'active' : undefined} onClick={() => changeFilter(f.value)}>
              {f.label}
            </button>
          ))}
        </div>
        <span className="objects-count" aria-live="polite">
          {status.status === 'done' ? (
            <>
              <span data-testid="objects-total">{formatCount(total)}</span> {nounFor(filter, total)}
            </>
          ) : status.status === 'loading' ? (
            <span className="muted">counting…</span>
          ) : null}
        </span>
        <span className="spacer" />
        <form className="jump" onSubmit={onSubmit} role="search">
          <input
            type="search"
            data-testid="jump-input"
            aria-label="Jump to an object id or prefix"
            placeholder="Jump to id or prefix…"
            spellCheck={false}
            autoComplete="off"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setJump({ kind: 'idle' });
            }}
            disabled={status.status !== 'done'}
          />
          <button type="submit" disabled={status.status !== 'done' || jump.kind === 'busy'}>
            Jump
          </button>
        </form>
      </div>

      {jump.kind === 'invalid' && (
        <p className="jump-message warn" role="status">
          {jump.message}
        </p>
      )}
      {jump.kind === 'none' && (
        <p className="jump-message" role="status" data-testid="jump-none">
          No {nounFor(filter, 1)} {filter === 'all' ? 'in this repository' : 'in this list'} starts with <code>{jump.prefix}</code>.
          {filter !== 'all' && (
            <>
              {' '}
              <a href={href({ view: 'objects', filter: 'all', at: jump.prefix })}>Look among all objects</a>
            </>
          )}
        </p>
      )}
      {jump.kind === 'ambiguous' && (
        <div className="jump-message" role="status">
          <code>{jump.prefix}</code> is the start of {jump.candidates.length >= 50 ? 'at least ' : ''}
          {jump.candidates.length} {nounFor(filter, 2)}; type more of the id, or pick one:
          <ul className="jump-candidates" data-testid="jump-candidates">
            {jump.candidates.map((oid) => (
              <li key={oid}>
                <a className="oid" href={href({ view: 'objects', filter, at: oid })} title="Show it in the list">
                  {oid}
                </a>{' '}
                <a className="small-link" href={href({ view: 'object', oid })}>
                  open
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}

      {status.status === 'loading' && (
        <div className="objects-status" role="status">
          <p>
            {status.progress?.label || (filter === 'all' ? 'Listing objects' : `Reading object types`)}
            {status.progress && status.progress.total > 0 ? ` — ${formatCount(status.progress.done)} of ${formatCount(status.progress.total)}` : '…'}
          </p>
          <p className="muted">The first visit builds the sorted list of every object; it stays ready for the rest of the session.</p>
        </div>
      )}
      {status.status === 'cancelled' && (
        <div className="objects-status">
          <p>Listing was cancelled.</p>
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            List again
          </button>
        </div>
      )}
      {status.status === 'error' && (
        <div className="objects-status">
          <ErrorBox error={status.error} title="The objects could not be listed" />
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      )}
      {status.status === 'done' && cache && total === 0 && (
        <p className="objects-status muted">{filter === 'all' ? 'This repository holds no objects.' : `This repository holds no ${nounFor(filter, 2)}.`}</p>
      )}
      {status.status === 'done' && cache && total > 0 && (
        <ObjectList
          cache={cache}
          total={total}
          version={version}
          selected={selected}
          hexLength={hexLength}
          label={`${formatCount(total)} ${nounFor(filter, total)}, sorted by id`}
          onSelect={onSelect}
          onOpen={onOpen}
          handle={list}
        />
      )}
    </div>
  );
}
