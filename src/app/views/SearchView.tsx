import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { TEXT_SEARCH_BLOB_LIMIT_MS, type BlobMatch, type SearchMatch, type SearchQuery, type SearchScope } from '../../protocol/search.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { formatCount } from '../lib/format.ts';
import { navigate, useLocation, type SearchKind } from '../lib/route.ts';
import { BlobRow, CommitRow, ObjectRow } from './search/MatchRows.tsx';
import { NotesPanel } from './search/NotesPanel.tsx';
import { StoppedNotice } from './search/StoppedNotice.tsx';
import { KINDS, formatRange, parseRange, periodLabel, takesBinary, takesCase, takesDates, takesPath, takesRef, toQuery, toScope, type SearchLimits } from './search/query.ts';
import { groupByPath, placesFor, type PathGroup } from './search/grouping.ts';
import { PathGroupCard } from './search/PathGroupCard.tsx';
import { useRepo } from '../stores/repo.ts';
import { TimelineChart } from './search/TimelineChart.tsx';
import { useBlobPlaces, useSearch } from './search/useSearch.ts';
import './search/search.css';

/**
 * Search the whole object store: text in blobs (plain or regular expression), commit and tag
 * messages, people, object ids, and commits by date on a timeline. The query lives in the URL;
 * results stream in while the worker scans, with a live count and a Cancel button.
 */
export function SearchView({ kind, q }: { kind: SearchKind; q: string }) {
  const { route } = useLocation();
  const caseSensitive = route.view === 'search' && route.caseSensitive === true;
  const binary = route.view === 'search' && route.binary === true;
  const limits: SearchLimits = route.view === 'search' ? { ref: route.ref, path: route.path, since: route.since, until: route.until } : {};
  const key = `${kind}\u0000${q}\u0000${caseSensitive}\u0000${binary}\u0000${limits.ref ?? ''}\u0000${limits.path ?? ''}\u0000${limits.since ?? ''}\u0000${limits.until ?? ''}`;

  let query: SearchQuery | undefined;
  let scope: SearchScope | undefined;
  let queryError: string | undefined;
  try {
    query = toQuery(kind, q, caseSensitive, binary);
    scope = toScope(kind, limits);
  } catch (err) {
    queryError = err instanceof Error ? err.message : String(err);
  }
  const search = useSearch(query, queryError ? '' : key, scope);
  const stuckBlob = search.status === 'stopped' ? search.summary?.timedOut?.oid : undefined;
  const { places, error: placesError } = useBlobPlaces(search.matches, key, stuckBlob);
  const [bucket, setBucket] = useState<number | undefined>(undefined);
  useEffect(() => setBucket(undefined), [key]);

  const go = (next: SearchChange) => {
    const k = next.kind ?? kind;
    const l = next.limits ?? limits;
    const kept: SearchLimits = {};
    for (const key of ['ref', 'path', 'since', 'until'] as const) if (l[key]?.trim()) kept[key] = l[key]?.trim();
    navigate(
      { view: 'search', kind: k, q: next.q ?? q, ...((next.caseSensitive ?? caseSensitive) ? { caseSensitive: true } : {}), ...((next.binary ?? binary) ? { binary: true } : {}), ...kept },
      { replace: true },
    );
  };

  const timeline = search.summary?.timeline;
  const byCommits = kind === 'message' || kind === 'author' || kind === 'timeline';
  const shown = useMemo(() => {
    const b = bucket !== undefined ? timeline?.buckets[bucket] : undefined;
    const inBucket = b ? search.matches.filter((m) => m.kind === 'commit' && m.author !== undefined && m.author.time >= b.start && m.author.time < b.end) : search.matches;
    // Commits read best newest first; blobs and ids stay in id order (the order they stream in).
    return byCommits ? [...inBucket].sort((x, y) => timeOf(y) - timeOf(x)) : inBucket;
  }, [search.matches, bucket, timeline, byCommits]);

  const badQuery = search.status === 'error' && search.error?.kind === 'BadName' ? search.error.detail : queryError;
  const what = kind === 'text' || kind === 'regex' ? 'blobs' : kind === 'oid' ? 'objects' : 'commits and tags';

  return (
    <div className="sr-page" data-testid="search-view">
      <div className="sr-head">
        <h1>Search</h1>
        <SearchForm key={key} kind={kind} q={q} caseSensitive={caseSensitive} binary={binary} limits={limits} onSubmit={go} />
      </div>

      {badQuery && (
        <p className="sr-query-error" role="alert" data-testid="search-query-error">
          {badQuery}
        </p>
      )}
      {search.status === 'error' && search.error && search.error.kind !== 'BadName' && <ErrorBox error={search.error} title="The search stopped" />}

      {search.status !== 'idle' && !badQuery && (
        <div className="sr-status" role="status" data-testid="search-status" data-state={search.status}>
          {search.status === 'running' && (
            <>
              <span>
                {search.label || 'Searching'}… {search.total > 0 && `${formatCount(search.scanned)} of ${formatCount(search.total)}`}
              </span>
              <span className="sr-found" data-testid="search-count">
                {formatCount(search.matches.length)} found{search.matches.length >= 2000 ? ' (more are being counted)' : ''}
              </span>
              <button type="button" className="small" onClick={search.cancel} data-testid="search-cancel">
                Cancel
              </button>
            </>
          )}
          {search.status === 'done' && search.summary && (
            <span data-testid="search-count">
              {doneSentence(kind, q, search.summary.matched, search.summary.scanned)} · {search.summary.ms} ms
              {search.summary.truncated && (
                <span className="warn" data-testid="search-shown">
                  {' '}
                  · the first {formatCount(search.summary.shown)} are shown{search.summary.countStopped ? ' (counting stopped at a million)' : ''}: refine the search
                  {takesRef(kind) ? ' or limit it' : ''} to see the rest
                </span>
              )}
              {search.summary.scope && (
                <span className="muted" data-testid="search-scope">
                  {' '}
                  · within {formatCount(search.summary.scope.commits)} commit{search.summary.scope.commits === 1 ? '' : 's'}
                  {search.summary.scope.blobs !== undefined && ` and ${formatCount(search.summary.scope.blobs)} blob${search.summary.scope.blobs === 1 ? '' : 's'}`}
                  {search.summary.scope.capped && ` (the scope stopped at ${search.summary.scope.capped})`}
                </span>
              )}
              {search.summary.binarySkipped > 0 && (
                <span className="muted">
                  {' '}
                  · {formatCount(search.summary.binarySkipped)} binary blob{search.summary.binarySkipped === 1 ? '' : 's'} not searched
                  {!binary && (
                    <>
                      {' '}
                      (
                      <button type="button" className="link-button" onClick={() => go({ binary: true })}>
                        include them
                      </button>
                      )
                    </>
                  )}
                </span>
              )}
            </span>
          )}
          {search.status === 'stopped' && search.summary && (
            <span data-testid="search-count">
              Searched {formatCount(search.summary.scanned)} of {formatCount(search.summary.total)} {what} before stopping · {formatCount(search.matches.length)} found
            </span>
          )}
          {search.status === 'cancelled' && (
            <>
              <span data-testid="search-count">
                Cancelled after {formatCount(search.scanned)} of {formatCount(search.total)} {what} · {formatCount(search.matches.length)} found so far
              </span>
              <button type="button" className="small" onClick={search.rerun}>
                Search again
              </button>
            </>
          )}
        </div>
      )}

      {search.status === 'stopped' && search.summary?.timedOut && <StoppedNotice summary={search.summary} places={stuckBlob ? places.get(stuckBlob) : undefined} found={search.matches.length} />}
      {search.notes.length > 0 && <NotesPanel notes={search.notes} dropped={search.summary?.notesDropped ?? 0} />}
      {placesError && <ErrorBox error={placesError} title="Where the blobs appear could not be worked out" />}
      {timeline && timeline.buckets.length > 0 && <TimelineChart timeline={timeline} selected={bucket} onSelect={setBucket} what={kind === 'timeline' ? 'commits and tags' : 'matches'} />}
      {bucket !== undefined && timeline?.buckets[bucket] && (
        <p className="muted" data-testid="search-filter">
          Showing {formatCount(shown.length)} from {periodLabel(timeline.buckets[bucket].start, timeline.unit, timeline.step)}.{' '}
          <button type="button" className="link-button" onClick={() => setBucket(undefined)}>
            Show all
          </button>
        </p>
      )}
      {search.status === 'idle' && !badQuery && <p className="muted">{hintFor(kind)}</p>}
      {search.status === 'done' && search.matches.length === 0 && <p className="muted">Nothing matches.</p>}

      {kind === 'text' || kind === 'regex' ? <GroupedResults matches={shown} places={places} /> : <ResultList matches={shown} places={places} prefix={kind === 'oid' ? q : ''} />}
    </div>
  );
}

/** What a finished search found, in words; the count comes first. */
function doneSentence(kind: SearchKind, q: string, matched: number, scanned: number): string {
  const n = formatCount(matched);
  switch (kind) {
    case 'text':
    case 'regex':
      return `${n} ${matched === 1 ? 'blob matches' : 'blobs match'}, of ${formatCount(scanned)} searched`;
    case 'message':
    case 'author':
      return `${n} of ${formatCount(scanned)} commits and tags match`;
    case 'timeline':
      return `${n} commits and tags${q ? ' dated in the range' : ''}`;
    case 'oid':
      return `${n} object${matched === 1 ? '' : 's'} with an id starting ${q.trim().toLowerCase()}`;
  }
}

function hintFor(kind: SearchKind): string {
  switch (kind) {
    case 'text':
      return 'Every blob of the repository is searched, reachable or not; matches appear as they are found, with the commits and paths where each blob appears.';
    case 'regex':
      return `A JavaScript regular expression, matched against each line of every blob. Patterns that repeat a repetition, like (a+)+, are refused: they can take exponential time. A search whose pattern runs for more than ${TEXT_SEARCH_BLOB_LIMIT_MS / 1000} s on one blob is stopped, and the blob named.`;
    case 'message':
      return 'Every commit and annotated tag is searched, dangling ones included.';
    case 'author':
      return 'Matches the name or email of authors, committers and taggers.';
    case 'oid':
      return 'Any number of hex digits; loose and packed objects are both listed.';
    case 'timeline':
      return '';
  }
}

/** A change the form asks for. */
interface SearchChange {
  kind?: SearchKind;
  q?: string;
  caseSensitive?: boolean;
  binary?: boolean;
  limits?: SearchLimits;
}

function SearchForm({
  kind,
  q,
  caseSensitive,
  binary,
  limits,
  onSubmit,
}: {
  kind: SearchKind;
  q: string;
  caseSensitive: boolean;
  binary: boolean;
  limits: SearchLimits;
  onSubmit: (next: SearchChange) => void;
}) {
  const [text, setText] = useState(kind === 'timeline' ? '' : q);
  const [limit, setLimit] = useState<SearchLimits>(limits);
  const refs = useRepo((s) => s.summary?.refs);
  const listId = useId();
  const range = parseRange(kind === 'timeline' ? q : '');
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  const input = useRef<HTMLInputElement>(null);
  const placeholder = KINDS.find((k) => k.kind === kind)?.placeholder ?? '';

  useLayoutEffect(() => {
    if (kind !== 'timeline' && q === '') input.current?.focus();
  }, [kind, q]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(kind === 'timeline' ? { q: formatRange({ from, to }), limits: limit } : { q: text.trim() === '' ? '' : text, limits: limit });
  };
  const setPart = (part: keyof SearchLimits, value: string) => setLimit((l) => ({ ...l, [part]: value }));
  const switchKind = (next: SearchKind) => {
    // A date range means nothing to a text search and the other way round.
    const keep = (next === 'timeline') === (kind === 'timeline');
    onSubmit({ kind: next, q: keep ? (kind === 'timeline' ? q : text) : '' });
  };

  return (
    <form className="sr-form" role="search" onSubmit={submit} data-testid="search-form">
      <select aria-label="Search in" value={kind} onChange={(e) => switchKind(e.target.value as SearchKind)} data-testid="search-kind">
        {KINDS.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.label}
          </option>
        ))}
      </select>
      {kind === 'timeline' ? (
        <>
          <label className="sr-date">
            From <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="search-from" />
          </label>
          <label className="sr-date">
            To <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="search-to" />
          </label>
        </>
      ) : (
        <input
          ref={input}
          type="search"
          className={`sr-input${kind === 'regex' || kind === 'oid' ? ' mono' : ''}`}
          aria-label={placeholder}
          placeholder={placeholder}
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
          autoComplete="off"
          data-testid="search-input"
        />
      )}
      <button type="submit" className="primary" data-testid="search-submit">
        {kind === 'timeline' ? 'Show' : 'Search'}
      </button>
      {takesCase(kind) && (
        <label className="sr-option">
          <input type="checkbox" checked={caseSensitive} onChange={(e) => onSubmit({ q: text, caseSensitive: e.target.checked })} /> Case-sensitive
        </label>
      )}
      {takesBinary(kind) && (
        <label className="sr-option">
          <input type="checkbox" checked={binary} onChange={(e) => onSubmit({ q: text, binary: e.target.checked })} /> Include binary files
        </label>
      )}
      {takesRef(kind) && (
        <div className="sr-limits" role="group" aria-label="Limit the search" data-testid="search-limits">
          <span>Limit to</span>
          <label title="Only commits reachable from this branch, tag or commit (blank: every object, reachable or not)">
            ref
            <input
              type="text"
              list={listId}
              value={limit.ref ?? ''}
              onChange={(e) => setPart('ref', e.target.value)}
              placeholder="any"
              spellCheck={false}
              autoComplete="off"
              data-testid="search-ref"
            />
          </label>
          <datalist id={listId}>
            {(refs ?? []).slice(0, 500).map((r) => (
              <option key={r.name} value={r.name.replace(/^refs\/(heads|tags)\//, '')} />
            ))}
          </datalist>
          <label title={takesPath(kind) ? 'Only files whose path starts with this (a folder ends with /)' : 'Paths hold files: this limit applies to text searches'}>
            path
            <input
              type="text"
              value={takesPath(kind) ? (limit.path ?? '') : ''}
              disabled={!takesPath(kind)}
              onChange={(e) => setPart('path', e.target.value)}
              placeholder="any"
              spellCheck={false}
              autoComplete="off"
              data-testid="search-path"
            />
          </label>
          {takesDates(kind) && (
            <>
              <label title="Commits dated on or after this day (committer date, UTC)">
                since <input type="date" value={limit.since ?? ''} onChange={(e) => setPart('since', e.target.value)} data-testid="search-since" />
              </label>
              <label title="Commits dated on or before this day (committer date, UTC)">
                until <input type="date" value={limit.until ?? ''} onChange={(e) => setPart('until', e.target.value)} data-testid="search-until" />
              </label>
            </>
          )}
          {(limits.ref || limits.path || limits.since || limits.until) && (
            <button type="button" className="small link-button" onClick={() => onSubmit({ q: kind === 'timeline' ? q : text, limits: {} })} data-testid="search-limits-clear">
              No limits
            </button>
          )}
        </div>
      )}
    </form>
  );
}

function timeOf(m: SearchMatch): number {
  return m.kind === 'commit' ? (m.author?.time ?? 0) : 0;
}

function estimate(m: SearchMatch): number {
  if (m.kind === 'blob') return 92 + m.hits.reduce((s, h) => s + (1 + h.before.length + h.after.length) * 19 + 6, 0);
  if (m.kind === 'commit') return m.hit && m.hit.line > 1 ? 86 : 64;
  return 44;
}

/**
 * A list of result cards scrolled with the page, virtualized (only the cards in view exist);
 * its place on the page is measured again whenever what is above it grows.
 */
function WindowList<T>({
  items,
  estimate,
  keyOf,
  overscan,
  label,
  render,
}: {
  items: T[];
  estimate: (item: T) => number;
  keyOf: (item: T) => string;
  overscan: number;
  label: string;
  render: (item: T) => ReactNode;
}) {
  const list = useRef<HTMLDivElement>(null);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const measure = () => {
      if (list.current) setMargin(list.current.getBoundingClientRect().top + window.scrollY);
    };
    measure();
    const observer = new ResizeObserver(measure);
    if (list.current?.parentElement) observer.observe(list.current.parentElement);
    return () => observer.disconnect();
  }, []);
  const virtualizer = useWindowVirtualizer({
    count: items.length,
    estimateSize: (i) => estimate(items[i]),
    overscan,
    scrollMargin: margin,
    getItemKey: (i) => keyOf(items[i]),
    useFlushSync: false,
  });
  return (
    <div ref={list} className="sr-list" role="list" aria-label={label} data-testid="search-results" style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((item) => (
        <div
          key={item.key}
          ref={virtualizer.measureElement}
          data-index={item.index}
          role="listitem"
          className="sr-item"
          style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
        >
          {render(items[item.index])}
        </div>
      ))}
    </div>
  );
}

function ResultList({ matches, places, prefix }: { matches: SearchMatch[]; places: ReturnType<typeof useBlobPlaces>['places']; prefix: string }) {
  return (
    <WindowList
      items={matches}
      estimate={estimate}
      keyOf={(m) => `${m.kind}:${m.oid}`}
      overscan={6}
      label="Results"
      render={(m) => (m.kind === 'blob' ? <BlobRow match={m} places={places.get(m.oid)} /> : m.kind === 'commit' ? <CommitRow match={m} /> : <ObjectRow match={m} prefix={prefix} />)}
    />
  );
}

function groupEstimate(g: PathGroup): number {
  const blobs = g.kind === 'path' ? g.versions.slice(0, 3).map((v) => v.match) : g.blobs.slice(0, 3);
  return 56 + blobs.reduce((s, m) => s + 40 + m.hits.reduce((t, h) => t + (1 + h.before.length + h.after.length) * 19 + 6, 0), 0);
}

/** Blob matches as one card per path, versions inside (the place index answers for unlimited searches). */
function GroupedResults({ matches, places }: { matches: SearchMatch[]; places: ReturnType<typeof useBlobPlaces>['places'] }) {
  const groups = useMemo(
    () =>
      groupByPath(
        matches.filter((m): m is BlobMatch => m.kind === 'blob'),
        (m) => placesFor(m, places),
      ),
    [matches, places],
  );
  const files = groups.filter((g) => g.kind === 'path').length;
  return (
    <>
      {groups.length > 0 && (
        <p className="muted" data-testid="search-groups">
          {formatCount(files)} file path{files === 1 ? '' : 's'}; each card holds the matching versions of one path, newest first.
        </p>
      )}
      <WindowList items={groups} estimate={groupEstimate} keyOf={(g) => g.key} overscan={4} label="Results by path" render={(g) => <PathGroupCard group={g} />} />
    </>
  );
}
