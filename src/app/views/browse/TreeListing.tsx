import type { KeyboardEvent, MouseEvent, Ref } from 'react';
import type { TreeEntryInfo } from '../../../protocol/messages.ts';
import { formatCount } from '../../lib/format.ts';
import { navigate, useHref, type Route } from '../../lib/route.ts';
import { EntryName } from '../object/EntryName.tsx';
import { entryKind, formatMode, moveRowFocus, nameIsOpaque } from '../object/entries.ts';
import { TreeRows } from '../object/TreeRows.tsx';
import { EntryIcon } from './EntryIcon.tsx';

export interface TreeListingProps {
  rev: string;
  path: string[];
  tree: string;
  /** The first entries in browse order, and how many the folder holds (the rest are paged in). */
  entries: TreeEntryInfo[];
  total: number;
  /** Called before a row is opened from the keyboard (so the next listing can take focus). */
  onKeyboardOpen: () => void;
  /** The rows' container, for focusing a row after navigation. */
  bodyRef: Ref<HTMLTableSectionElement>;
}

/**
 * A folder: sub-folders first, then files, each with a glyph for its kind. Every name is a
 * link; arrow keys move between rows, Enter opens, a click anywhere on a row opens it. A large
 * folder is virtualized and paged (TreeRows); names show hidden characters marked.
 */
export function TreeListing({ rev, path, tree, entries, total, onKeyboardOpen, bodyRef }: TreeListingProps) {
  const href = useHref();
  // A name cut by the worker cannot be walked by path: its row opens the object instead.
  const routeOf = (e: TreeEntryInfo): Route => (e.nameBytes === undefined ? { view: 'browse', rev, path: [...path, e.name] } : { view: 'object', oid: e.oid });
  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    if (moveRowFocus(e, e.currentTarget)) return;
    if (e.key === 'Enter') onKeyboardOpen();
  };
  return (
    <div className="browse-listing">
      <div className="browse-listing-head">
        <span data-testid="tree-count">
          {formatCount(total)} entr{total === 1 ? 'y' : 'ies'}
        </span>
        <span className="muted">
          tree <a href={href({ view: 'object', oid: tree })} className="oid" title={tree}>{tree.slice(0, 12)}</a>
        </span>
      </div>
      <TreeRows
        oid={tree}
        order="browse"
        first={entries}
        total={total}
        columns={4}
        tableClass="browse-table"
        testId="tree-listing"
        label={`Folder ${path.length ? path.join('/') : '/'}`}
        bodyRef={bodyRef}
        onBodyKeyDown={onKeyDown}
        before={
          path.length > 0 && (
            <tr className="parent-row" data-testid="tree-parent" onClick={(e) => rowClick(e, { view: 'browse', rev, path: path.slice(0, -1) })}>
              <td className="entry-icon-cell">
                <EntryIcon kind="folder" />
              </td>
              <td className="entry-name" colSpan={3}>
                <a href={href({ view: 'browse', rev, path: path.slice(0, -1) })} data-row-focus title="Up one folder (Backspace)">
                  ..
                </a>
              </td>
            </tr>
          )
        }
        empty={
          <tr>
            <td colSpan={4} className="muted empty-tree">
              This folder is empty.
            </td>
          </tr>
        }
        renderRow={(e, i, hooks) => {
          const kind = entryKind(e);
          return (
            <tr key={`${i}-${e.name}`} {...hooks} data-testid="tree-entry" data-name={e.name} data-kind={kind} onClick={(ev) => rowClick(ev, routeOf(e))}>
              <td className="entry-icon-cell">
                <EntryIcon kind={kind} />
              </td>
              <td className={nameIsOpaque(e) ? 'entry-name mono' : 'entry-name'}>
                <a href={href(routeOf(e))} data-row-focus>
                  <EntryName entry={e} />
                </a>
                {kind === 'submodule' && <span className="muted mono submodule-at"> @ {e.oid.slice(0, 12)}</span>}
              </td>
              <td className="entry-mode mono muted">{formatMode(e.mode)}</td>
              <td className="entry-oid mono">
                <span className="muted" title={e.oid}>
                  {e.oid.slice(0, 7)}
                </span>
              </td>
            </tr>
          );
        }}
      />
    </div>
  );
}

/** A click on a row that did not land on a link (or a text selection) opens the row. */
function rowClick(e: MouseEvent, route: Route): void {
  if ((e.target as HTMLElement).closest('a, button, input, select')) return;
  if (window.getSelection()?.toString()) return;
  navigate(route);
}
