import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { GRAPH_GLYPHS, type GraphLabel, type GraphQuery, type GraphRowInfo } from '../../protocol/history-graph.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { MarkedText } from '../components/MarkedText.tsx';
import { formatCount, formatGitDate } from '../lib/format.ts';
import { navigate, useHref, type HistoryGraphParams } from '../lib/route.ts';
import { RefSelector } from './browse/RefSelector.tsx';
import { StartPoints } from './browse/StartPoints.tsx';
import { CELL_W, GraphCells, LINE_H } from './history/GraphCells.tsx';
import { useHistoryGraph } from './history/use-history-graph.ts';
import './history/history.css';

type Mode = 'first-parent' | 'all';

/** Graph characters a row draws at most (32 lanes); wider rows are cut, marked, at the edge. */
const MAX_GRAPH_CELLS = 64;
/** Labels shown on one commit before "+N". */
const MAX_LABELS = 6;

/**
 * The history as a commit graph (`git log --graph`): one ref or every ref, optionally with the
 * commits nothing reaches, filtered by author and date; virtualized rows whose height is the
 * number of graph lines git draws for the commit.
 */
export function HistoryView({ rev, mode, graph }: { rev: string; mode: Mode; graph?: HistoryGraphParams }) {
  const query = useMemo<GraphQuery>(() => {
    const q: GraphQuery = { scope: graph?.allRefs ? { kind: 'all-refs' } : { kind: 'rev', rev: `${rev}` }, firstParent: mode === 'first-parent', unreachable: graph?.unreachable === true };
    if (graph?.path) {
      // git log --graph -- <path>: every parent, no other limit (the worker refuses the mix).
      q.path = graph.path;
      q.firstParent = false;
      return q;
    }
    if (graph?.author) q.author = graph.author;
    const since = dayStart(graph?.since);
    const until = dayStart(graph?.until);
    if (since !== undefined) q.since = since;
    if (until !== undefined) q.until = until + 86_399;
    return q;
  }, [rev, mode, graph?.allRefs, graph?.unreachable, graph?.author, graph?.since, graph?.until, graph?.path]);
  // Another query is another graph: start with a clean list and scroll position.
  return <HistoryGraphPage key={JSON.stringify(query)} rev={rev} mode={mode} params={graph ?? {}} query={query} />;
}

/** Seconds at 00:00 UTC of a YYYY-MM-DD day. */
function dayStart(day: string | undefined): number | undefined {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(t) ? t / 1000 : undefined;
}

function HistoryGraphPage({ rev, mode, params, query }: { rev: string; mode: Mode; params: HistoryGraphParams; query: GraphQuery }) {
  const href = useHref();
  const list = useRef<HTMLDivElement>(null);
  const [margin, setMargin] = useState(0);
  const [topbar, setTopbar] = useState(0);
  const [active, setActive] = useState(0);
  const [lastVisible, setLastVisible] = useState(0);
  const [loadAll, setLoadAll] = useState(false);
  const state = useHistoryGraph(query, lastVisible, loadAll);
  const { rows } = state;

  const go = (next: Partial<HistoryGraphParams> & { mode?: Mode; rev?: string }) => {
    const g: HistoryGraphParams = { ...params, ...next };
    delete (g as { mode?: Mode }).mode;
    delete (g as { rev?: string }).rev;
    for (const k of Object.keys(g) as (keyof HistoryGraphParams)[]) if (!g[k]) delete g[k];
    navigate({ view: 'history', rev: next.rev ?? rev, mode: next.mode ?? mode, ...(Object.keys(g).length ? { graph: g } : {}) }, { replace: true });
  };

  useLayoutEffect(() => {
    const measure = () => {
      if (list.current) setMargin(list.current.getBoundingClientRect().top + window.scrollY);
      setTopbar(document.querySelector('.topbar')?.getBoundingClientRect().height ?? 0);
    };
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [rows.length === 0, state.status === 'error']);

  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    // Exact: a row is as tall as the graph lines git draws for it.
    estimateSize: (i) => Math.max(1, rows[i]?.lines.length ?? 1) * LINE_H,
    overscan: 10,
    scrollMargin: margin,
    scrollPaddingStart: topbar + 8,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.length ? items[items.length - 1].index : 0;
  useEffect(() => setLastVisible(last), [last]);

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    requestAnimationFrame(() => list.current?.querySelector<HTMLElement>(`[data-row="${next}"]`)?.focus({ preventScroll: true }));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const page = Math.max(1, Math.floor((window.innerHeight - topbar) / LINE_H) - 2);
    if (e.key === 'ArrowDown') moveTo(active + 1);
    else if (e.key === 'ArrowUp') moveTo(active - 1);
    else if (e.key === 'PageDown') moveTo(active + page);
    else if (e.key === 'PageUp') moveTo(active - page);
    else if (e.key === 'Home') moveTo(0);
    else if (e.key === 'End') {
      setLoadAll(true);
      moveTo(rows.length - 1);
    } else if (e.key === 'Enter' && !(e.target as HTMLElement).closest('a')) navigate({ view: 'object', oid: rows[active].oid });
    else return;
    e.preventDefault();
  };

  const countText =
    rows.length === 0 && state.status === 'loading'
      ? `Walking history… ${state.walked ? `${formatCount(state.walked)} commits read` : ''}`
      : `${formatCount(rows.length)} commit${rows.length === 1 ? '' : 's'}${state.done ? '' : ' so far'}`;

  return (
    <div className="history-page" data-testid="history-view">
      <div className="history-head">
        <h1>History</h1>
        <div className="history-mode" role="group" aria-label="Which refs">
          <button type="button" className="small" aria-pressed={!params.allRefs} onClick={() => go({ allRefs: false })} title="The history of one branch, tag or commit">
            One ref
          </button>
          <button type="button" className="small" aria-pressed={params.allRefs === true} onClick={() => go({ allRefs: true })} title="Every branch, tag and remote ref, and HEAD (git log --all)">
            All refs
          </button>
        </div>
        {!params.allRefs && <RefSelector rev={rev} onSelect={(r) => go({ rev: r })} label="History of" />}
        <div className="history-mode" role="group" aria-label="Which parents">
          <button type="button" className="small" aria-pressed={mode === 'all'} onClick={() => go({ mode: 'all' })} title="Every parent of merges: the whole graph">
            All parents
          </button>
          <button type="button" className="small" aria-pressed={mode === 'first-parent'} onClick={() => go({ mode: 'first-parent' })} title="Only the first parent of merges (the main line)">
            First parent
          </button>
        </div>
        <label className="history-check" title="Add the commits no ref, HEAD or index entry reaches (git fsck --unreachable), marked">
          <input type="checkbox" checked={params.unreachable === true} onChange={(e) => go({ unreachable: e.target.checked })} /> Unreachable commits
        </label>
      </div>
      <HistoryFilters params={params} onChange={go} rev={rev} />
      <div className="history-status">
        <span className="muted history-count" role="status" data-testid="history-count" data-restarts={state.restarts}>
          {countText}
        </span>
        {state.unreachableCommits !== undefined && <span className="muted"> · {formatCount(state.unreachableCommits)} unreachable commits added</span>}
        {state.firstRowsMs !== undefined && (
          <span
            className="muted history-timing"
            data-testid="history-timing"
            data-first-ms={Math.round(state.firstRowsMs)}
            data-all-ms={state.allRowsMs === undefined ? '' : Math.round(state.allRowsMs)}
          >
            {' '}
            · first rows in {formatMs(state.firstRowsMs)}
            {state.allRowsMs !== undefined ? `, all in ${formatMs(state.allRowsMs)}` : ''}
          </span>
        )}
        {!state.done && rows.length > 0 && !loadAll && (
          <button type="button" className="small" onClick={() => setLoadAll(true)}>
            Load all
          </button>
        )}
      </div>

      {state.status === 'error' && state.error && rows.length === 0 && rev === 'HEAD' && state.error.kind === 'NotFound' && <StartPoints failed="HEAD has no history to show" />}
      {state.status === 'error' && state.error && !(rows.length === 0 && rev === 'HEAD' && state.error.kind === 'NotFound') && (
        <div data-testid="history-error">
          <ErrorBox error={state.error} title={rows.length ? 'The rest of the history could not be read' : `The history of ${rev} could not be read`} />
          <button type="button" onClick={state.retry}>
            Try again
          </button>
        </div>
      )}
      {state.done && rows.length === 0 && state.status === 'idle' && <p className="muted">No commits{query.author || query.since || query.until || query.path ? ' match the filters' : ''}.</p>}
      {state.status === 'cancelled' && (
        <p className="notice">
          Walking the history was cancelled.{' '}
          <button type="button" className="small" onClick={state.retry}>
            Start again
          </button>
        </p>
      )}

      <div
        ref={list}
        className="history-list graph-list"
        role="list"
        aria-label={params.allRefs ? 'Commits of every ref' : `Commits from ${rev}`}
        onKeyDown={onKeyDown}
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((item) => {
          const r = rows[item.index];
          const prev = rows[item.index - 1];
          const next = rows[item.index + 1];
          return (
            <GraphRow
              key={`${item.index}:${r.oid}`}
              row={r}
              index={item.index}
              active={item.index === active}
              top={item.start - virtualizer.options.scrollMargin}
              above={prev ? { line: prev.lines[prev.lines.length - 1], starDown: prev.shownParents > 0 } : undefined}
              below={next?.lines[0]}
              objectHref={href({ view: 'object', oid: r.oid })}
              browseHref={href({ view: 'browse', rev: r.oid, path: [] })}
              onFocus={() => setActive(item.index)}
            />
          );
        })}
      </div>
      {rows.length > 0 && (
        <div className="history-foot">
          <span className="muted">{state.done ? 'End of history.' : state.status === 'loading' ? 'Loading more…' : ''}</span>
        </div>
      )}
    </div>
  );
}

/** The row's graph as git's characters, one line per text line, without trailing spaces (for tests and copying). */
function graphText(lines: Uint8Array[]): string {
  return lines
    .map((l) =>
      Array.from(l, (c) => GRAPH_GLYPHS[c >> 4])
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function HistoryFilters({ params, onChange, rev }: { params: HistoryGraphParams; onChange: (p: Partial<HistoryGraphParams>) => void; rev: string }) {
  const [author, setAuthor] = useState(params.author ?? '');
  const href = useHref();
  const [path, setPath] = useState(params.path ?? '');
  useEffect(() => setAuthor(params.author ?? ''), [params.author]);
  useEffect(() => setPath(params.path ?? ''), [params.path]);
  // A path graph is git log --graph -- <path> alone: setting one clears the other limits and back.
  const limit = (next: Partial<HistoryGraphParams>) => onChange(next.path ? { author: '', since: '', until: '', ...next } : { path: '', ...next });
  return (
    <form
      className="history-filters"
      role="search"
      aria-label="Filter commits"
      onSubmit={(e) => {
        e.preventDefault();
        limit({ author: author.trim() });
      }}
    >
      <label>
        Author{' '}
        <input
          type="search"
          value={author}
          placeholder="name or email"
          onChange={(e) => setAuthor(e.target.value)}
          onKeyDown={(e) => {
            // Two fields and no button: the form does not submit on Enter by itself.
            if (e.key !== 'Enter') return;
            e.preventDefault();
            limit({ author: author.trim() });
          }}
          onBlur={() => author.trim() !== (params.author ?? '') && limit({ author: author.trim() })}
          data-testid="history-author"
        />
      </label>
      <label title="Committer date, as git log --since">
        From <input type="date" value={params.since ?? ''} onChange={(e) => limit({ since: e.target.value })} data-testid="history-since" />
      </label>
      <label title="Committer date, as git log --until">
        To <input type="date" value={params.until ?? ''} onChange={(e) => limit({ until: e.target.value })} data-testid="history-until" />
      </label>
      <label title="The graph of the commits that changed a file or folder, simplified as git log --graph -- <path> draws it">
        Path{' '}
        <input
          type="search"
          value={path}
          placeholder="file or folder"
          onChange={(e) => setPath(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            limit({
              path: path
                .split('/')
                .filter((p) => p !== '' && p !== '.')
                .join('/'),
            });
          }}
          data-testid="history-path"
        />
      </label>
      {(params.author || params.since || params.until || params.path) && (
        <button type="button" className="small" onClick={() => onChange({ author: '', since: '', until: '', path: '' })}>
          Clear filters
        </button>
      )}
      {params.path ? (
        <span className="muted history-filter-note">
          The commits that changed {params.path}, joined to their nearest shown ancestors as git log --graph -- {params.path} draws them.{' '}
          <a href={href({ view: 'path-history', rev: params.allRefs ? 'HEAD' : rev, path: params.path.split('/'), follow: false })}>As a list, following renames</a>
        </span>
      ) : (
        <span className="muted history-filter-note">
          Limits as git log --graph --author/--since/--until: the author is a regular expression (case-sensitive), --since stops the walk, edges to hidden commits are not drawn.
        </span>
      )}
    </form>
  );
}

function GraphRow({
  row,
  index,
  active,
  top,
  above,
  below,
  objectHref,
  browseHref,
  onFocus,
}: {
  row: GraphRowInfo;
  index: number;
  active: boolean;
  top: number;
  above?: { line: Uint8Array; starDown: boolean };
  below?: Uint8Array;
  objectHref: string;
  browseHref: string;
  onFocus: () => void;
}) {
  const { local, original } = formatGitDate(row.authorTime, row.authorZone);
  const height = Math.max(1, row.lines.length) * LINE_H;
  // As in git's own output, the text of each commit starts right after that commit's lanes.
  let cells = 4;
  for (const l of row.lines) if (l.length > cells) cells = l.length;
  const cut = cells > MAX_GRAPH_CELLS || row.cut > 0;
  const graphWidth = (Math.min(cells, MAX_GRAPH_CELLS) + 1) * CELL_W;
  return (
    <div
      data-index={index}
      data-row={index}
      data-testid="history-row"
      data-oid={row.oid}
      data-lines={row.lines.length}
      data-graph={graphText(row.lines)}
      data-unreachable={row.unreachable ? 'true' : undefined}
      role="listitem"
      tabIndex={active ? 0 : -1}
      className={`graph-row${active ? ' active' : ''}${row.unreachable ? ' unreachable' : ''}`}
      style={{ transform: `translateY(${top}px)`, height, gridTemplateColumns: `${graphWidth}px minmax(0, 1fr)` }}
      onFocus={onFocus}
      aria-label={`${row.oid.slice(0, 12)} ${row.subject}${row.unreachable ? ' (unreachable)' : ''}`}
    >
      <div className="graph-col">
        <GraphCells row={row} above={above} below={below} width={graphWidth} unreachable={row.unreachable} />
        {cut && (
          <span className="graph-cut" title="More lanes to the right are not drawn">
            …
          </span>
        )}
      </div>
      <div className="graph-text" style={{ paddingTop: row.commitLine * LINE_H }}>
        <span className="graph-summary">
          {row.unreachable && (
            <span className="badge unreachable-badge" title="No ref, HEAD or index entry reaches this commit">
              unreachable
            </span>
          )}
          <Labels labels={row.labels} />
          <a href={objectHref} tabIndex={-1} title={row.subject} className="graph-subject">
            {row.error ? <span className="error-text">{row.error}</span> : row.subject ? <MarkedText text={row.subject} /> : <span className="muted">(no message)</span>}
          </a>
          {row.parentCount > 2 && (
            <span className="badge merge-badge" title={`A merge of ${formatCount(row.parentCount)} parents`}>
              {formatCount(row.parentCount)} parents
            </span>
          )}
        </span>
        <span className="hist-author" title={`${row.authorName} <${row.authorEmail}>`}>
          <MarkedText text={row.authorName} />
        </span>
        <time className="hist-date" dateTime={new Date(row.authorTime * 1000).toISOString()} title={`${local} in your time zone; ${original} as recorded`}>
          {local}
        </time>
        <a href={objectHref} className="oid hist-oid" tabIndex={-1} title={row.oid}>
          {row.oid.slice(0, 8)}
        </a>
        <a href={browseHref} className="hist-browse" tabIndex={-1} title="Browse the files at this commit">
          Files
        </a>
      </div>
    </div>
  );
}

function Labels({ labels }: { labels: GraphLabel[] }) {
  // "HEAD → main" says the branch already.
  const head = labels.find((l) => l.kind === 'head');
  const all = head?.target ? labels.filter((l) => !(l.kind === 'branch' && l.name === head.target)) : labels;
  if (all.length === 0) return null;
  const shown = all.slice(0, MAX_LABELS);
  return (
    <span className="graph-labels">
      {shown.map((l, i) => (
        <span
          key={i}
          className={`ref-label ${l.kind}`}
          data-testid="ref-label"
          data-kind={l.kind}
          title={l.kind === 'head' ? (l.target ? `HEAD, on branch ${l.target}` : 'HEAD (detached)') : `${l.kind}: ${l.name}`}
        >
          {l.kind === 'tag' ? 'tag: ' : ''}
          <MarkedText text={l.kind === 'head' && l.target ? `HEAD → ${l.target}` : l.name} />
        </span>
      ))}
      {all.length > MAX_LABELS && (
        <span
          className="ref-label more"
          title={all
            .slice(MAX_LABELS)
            .map((l) => l.name)
            .join(', ')}
        >
          +{formatCount(all.length - MAX_LABELS)}
        </span>
      )}
    </span>
  );
}
