import { useRef, useState, type KeyboardEvent, type MouseEvent, type ReactElement, type Ref } from 'react';
import type { TreeEntryInfo } from '../../../protocol/messages.ts';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatBytes, formatCount, formatGitDate } from '../../lib/format.ts';
import { formatRelative } from '../../lib/relative-date.ts';
import { navigate, useHref, type Route } from '../../lib/route.ts';
import { EntryName } from '../object/EntryName.tsx';
import { entryKind, formatMode, moveRowFocus, nameIsOpaque } from '../object/entries.ts';
import { TreeRows, type RowHooks } from '../object/TreeRows.tsx';
import { EntryIcon } from './EntryIcon.tsx';
import { openFileFinder } from './FileFinder.tsx';
import { useLastChanges, type LastChanges } from './useLastChanges.ts';
import { useTreeFilter } from './browse-requests.ts';
import './finding.css';

export interface TreeListingProps {
  rev: string;
  path: string[];
  tree: string;
  /** The commit browsed (full id), or '' when a tree is browsed without one: no last commits then. */
  commit?: string;
  /** The first entries in browse order, and how many the folder holds (the rest are paged in). */
  entries: TreeEntryInfo[];
  total: number;
  /** Called before a row is opened from the keyboard (so the next listing can take focus). */
  onKeyboardOpen: () => void;
  /** The rows' container, for focusing a row after navigation. */
  bodyRef: Ref<HTMLTableSectionElement>;
}

/** Table columns: glyph, name, last commit, size, date, id. */
const COLUMNS = 6;
/** Most filtered entries shown (the count says how many matched). */
const FILTER_LIMIT = 2_000;

/**
 * A folder: sub-folders first, then files, each with a glyph for its kind, its last commit
 * (message, author, how long ago; filled in as the worker finds them) and its size. Every name
 * is a link; arrow keys move between rows, Enter opens, a click anywhere on a row opens it. A
 * large folder is virtualized and paged (TreeRows); the filter box narrows it by name (asked of
 * the worker, which holds every entry); "Go to file" (or `t`) opens Browse's file finder.
 */
export function TreeListing({ rev, path, tree, commit = '', entries, total, onKeyboardOpen, bodyRef }: TreeListingProps) {
  const href = useHref();
  const last = useLastChanges(commit, path, `${commit}\u0000${path.join('\u0000')}`);
  const [filter, setFilter] = useState('');
  const filtered = useTreeFilter(tree, filter, FILTER_LIMIT);
  const filterBox = useRef<HTMLInputElement>(null);

  // A cut name cannot be walked by path: its row opens the object instead.
  const routeOf = (e: TreeEntryInfo): Route => (e.nameBytes === undefined ? { view: 'browse', rev, path: [...path, e.name] } : { view: 'object', oid: e.oid });
  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    if (moveRowFocus(e, e.currentTarget)) return;
    if (e.key === 'Enter') onKeyboardOpen();
  };
  const row = (e: TreeEntryInfo, position: number, key: string, hooks: RowHooks): ReactElement => {
    const kind = entryKind(e);
    return (
      <tr key={key} {...hooks} data-testid="tree-entry" data-name={e.name} data-kind={kind} onClick={(ev) => rowClick(ev, routeOf(e))}>
        <td className="entry-icon-cell">
          <EntryIcon kind={kind} />
        </td>
        <td className={nameIsOpaque(e) ? 'entry-name mono' : 'entry-name'}>
          <a href={href(routeOf(e))} data-row-focus title={`${formatMode(e.mode)} ${e.type} ${e.oid}`}>
            <EntryName entry={e} />
          </a>
          {kind === 'submodule' && <span className="muted mono submodule-at"> @ {e.oid.slice(0, 12)}</span>}
        </td>
        <LastCommitCells last={last} position={position} commit={commit} />
        <td className="entry-size muted" data-testid="entry-size">
          {formatBytes(last.sizes.get(position))}
        </td>
        <td className="entry-oid mono">
          <span className="muted" title={e.oid}>
            {e.oid.slice(0, 7)}
          </span>
        </td>
      </tr>
    );
  };

  const parentRow = path.length > 0 && (
    <tr className="parent-row" data-testid="tree-parent" onClick={(e) => rowClick(e, { view: 'browse', rev, path: path.slice(0, -1) })}>
      <td className="entry-icon-cell">
        <EntryIcon kind="folder" />
      </td>
      <td className="entry-name" colSpan={COLUMNS - 1}>
        <a href={href({ view: 'browse', rev, path: path.slice(0, -1) })} data-row-focus title="Up one folder (Backspace)">
          ..
        </a>
      </td>
    </tr>
  );

  const onFilterKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') {
      setFilter('');
      return;
    }
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      filterBox.current?.closest('.browse-listing')?.querySelector<HTMLElement>('tbody [data-testid=tree-entry] [data-row-focus]')?.focus();
    }
    if (e.key === 'Enter' && filtered.answer && filtered.answer.entries.length > 0) {
      e.preventDefault();
      onKeyboardOpen();
      navigate(routeOf(filtered.answer.entries[0]));
    }
  };

  return (
    <div className="browse-listing">
      <div className="browse-listing-head">
        <span data-testid="tree-count">
          {formatCount(total)} entr{total === 1 ? 'y' : 'ies'}
        </span>
        <input
          ref={filterBox}
          type="search"
          className="listing-filter"
          placeholder="Filter this folder…"
          aria-label="Filter this folder by name"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={onFilterKey}
          spellCheck={false}
          autoComplete="off"
          data-testid="listing-filter"
        />
        {commit && (
          <button type="button" className="small" onClick={openFileFinder} title="Find a file anywhere in this commit (t)" data-testid="open-finder">
            Go to file <kbd>t</kbd>
          </button>
        )}
        <LastChangeStatus last={last} />
        <span className="muted">
          tree{' '}
          <a href={href({ view: 'object', oid: tree })} className="oid" title={tree}>
            {tree.slice(0, 12)}
          </a>
        </span>
      </div>
      {filter !== '' ? (
        <table className="browse-table" data-testid="tree-listing" aria-label={`Entries of ${path.length ? path.join('/') : '/'} matching ${filter}`}>
          <tbody ref={bodyRef} onKeyDown={onKeyDown}>
            {filtered.answer?.entries.map((e, i) => row(e, filtered.answer?.positions[i] ?? -1, `f${i}-${e.name}`, {}))}
            <tr className="filter-note">
              <td colSpan={COLUMNS} className="muted" data-testid="filter-count">
                {filtered.status === 'loading' && !filtered.answer
                  ? 'Filtering…'
                  : filtered.error
                    ? `The filter failed: ${filtered.error}`
                    : filtered.answer
                      ? filtered.answer.total === 0
                        ? `No entry's name contains “${filter}”.`
                        : `${formatCount(filtered.answer.total)} of ${formatCount(total)} entries match${filtered.answer.total > filtered.answer.entries.length ? ` (the first ${formatCount(filtered.answer.entries.length)} shown)` : ''}.`
                      : ''}
              </td>
            </tr>
          </tbody>
        </table>
      ) : (
        <TreeRows
          oid={tree}
          order="browse"
          first={entries}
          total={total}
          columns={COLUMNS}
          tableClass="browse-table"
          testId="tree-listing"
          label={`Folder ${path.length ? path.join('/') : '/'}`}
          bodyRef={bodyRef}
          onBodyKeyDown={onKeyDown}
          before={parentRow}
          empty={
            <tr>
              <td colSpan={COLUMNS} className="muted empty-tree">
                This folder is empty.
              </td>
            </tr>
          }
          renderRow={(e, i, hooks) => row(e, i, `${i}-${e.name}`, hooks)}
        />
      )}
    </div>
  );
}

/** The last-commit cells of a row: message (a link to the commit) and author, then how long ago. */
function LastCommitCells({ last, position, commit }: { last: LastChanges; position: number; commit: string }) {
  const href = useHref();
  const c = last.commits.get(position);
  if (!c) {
    const pending = commit !== '' && last.status === 'running';
    return (
      <>
        <td className="entry-commit muted" data-testid="entry-commit" data-state={pending ? 'pending' : 'none'}>
          {pending ? <span className="lc-pending" role="img" aria-label="Looking for the last commit" /> : ''}
        </td>
        <td className="entry-date" />
      </>
    );
  }
  const { local } = formatGitDate(c.time, '+0000');
  return (
    <>
      <td className="entry-commit" data-testid="entry-commit" data-commit={c.oid}>
        <a href={href({ view: 'object', oid: c.oid })} className="lc-message" title={`${c.oid.slice(0, 12)} ${c.summary}`}>
          {c.summary ? <MarkedText text={c.summary} /> : <span className="muted">(no message)</span>}
        </a>
        <span className="lc-author muted">
          <MarkedText text={c.author} />
        </span>
      </td>
      <td className="entry-date muted" data-testid="entry-date">
        <time dateTime={new Date(c.time * 1000).toISOString()} title={local}>
          {formatRelative(c.time)}
        </time>
      </td>
    </>
  );
}

/** How far the last-commit walk is, in the listing's head. */
function LastChangeStatus({ last }: { last: LastChanges }) {
  if (last.status === 'running') {
    return (
      <span className="muted lc-status" role="status" data-testid="last-change-status" data-state="running">
        Finding last commits… {formatCount(last.resolved)} found, {formatCount(last.walked)} commits read
      </span>
    );
  }
  if (last.status === 'error' && last.error) {
    return (
      <span className="warn lc-status" data-testid="last-change-status" data-state="error" title={last.error.message}>
        Last commits could not be found: {last.error.detail}
      </span>
    );
  }
  const s = last.summary;
  if (last.status === 'done' && s) {
    const left = s.total - s.resolved;
    const why =
      s.unreadable > 0
        ? `: ${formatCount(s.unreadable)} commit${s.unreadable === 1 ? '' : 's'} or folder${s.unreadable === 1 ? '' : 's'} could not be read (${s.problem ?? 'damaged'})`
        : s.missingParents > 0
          ? `: the history stops at ${formatCount(s.missingParents)} parent${s.missingParents === 1 ? '' : 's'} not in this folder (a shallow or partial copy)`
          : '';
    const note =
      s.skipped ??
      (s.bounded
        ? `${formatCount(left)} entries were last changed before the ${formatCount(s.walked)} commits read`
        : left > 0
          ? `${formatCount(left)} entr${left === 1 ? 'y has' : 'ies have'} no last commit${why}`
          : why
            ? `Last commits found${why}; older ones may be missing`
            : '');
    return (
      <span className="muted lc-status" data-testid="last-change-status" data-state="done" title={`${formatCount(s.walked)} commits read in ${formatCount(s.ms)} ms`}>
        {note}
      </span>
    );
  }
  return null;
}

/** A click on a row that did not land on a link (or a text selection) opens the row. */
function rowClick(e: MouseEvent, route: Route): void {
  if ((e.target as HTMLElement).closest('a, button, input, select')) return;
  if (window.getSelection()?.toString()) return;
  navigate(route);
}
