import { useRef } from 'react';
import type { TreeEntryInfo } from '../../../protocol/messages.ts';
import { Link } from '../../components/Link.tsx';
import { useHref } from '../../lib/route.ts';
import { formatCount } from '../../lib/format.ts';
import { EntryName } from './EntryName.tsx';
import { entryKind, formatMode, moveRowFocus, nameIsOpaque } from './entries.ts';
import { TreeRows } from './TreeRows.tsx';

/**
 * A tree object's entries in git's order: mode, type, name, id. Arrow keys move, Enter opens.
 * The first entries come with the object; a larger tree is virtualized and paged (TreeRows).
 */
export function TreeTable({ oid, entries, total }: { oid: string; entries: TreeEntryInfo[]; total: number }) {
  const href = useHref();
  const body = useRef<HTMLTableSectionElement>(null);
  return (
    <div className="tree-object">
      <div className="object-actions">
        <Link to={{ view: 'browse', rev: oid, path: [] }} className="button">
          Browse this tree
        </Link>
        <span className="muted" data-testid="tree-count">
          {formatCount(total)} entr{total === 1 ? 'y' : 'ies'}
        </span>
      </div>
      {total === 0 ? (
        <p className="muted">This tree is empty.</p>
      ) : (
        <div className="tree-table-scroll">
          <TreeRows
            oid={oid}
            order="git"
            first={entries}
            total={total}
            columns={4}
            tableClass="data tree-table"
            testId="tree-table"
            label={`Entries of tree ${oid.slice(0, 12)}`}
            head={
              <thead>
                <tr>
                  <th scope="col">Mode</th>
                  <th scope="col">Type</th>
                  <th scope="col">Name</th>
                  <th scope="col">Id</th>
                </tr>
              </thead>
            }
            bodyRef={body}
            onBodyKeyDown={(e) => moveRowFocus(e, body.current)}
            renderRow={(e, i, hooks) => {
              const kind = entryKind(e);
              return (
                <tr key={`${i}-${e.oid}`} {...hooks} data-testid="tree-entry" data-name={e.name}>
                  <td className="mono muted">{formatMode(e.mode)}</td>
                  <td>
                    <span className={`type-${e.type}`}>{e.type}</span>
                  </td>
                  <td className={nameIsOpaque(e) ? 'entry-name mono' : 'entry-name'}>
                    {kind === 'submodule' ? (
                      <span data-row-focus tabIndex={0} title="A submodule: its commit lives in another repository">
                        <EntryName entry={e} />
                        <span className="badge">submodule</span>
                      </span>
                    ) : (
                      <a href={href({ view: 'object', oid: e.oid })} data-row-focus>
                        <EntryName entry={e} />
                      </a>
                    )}
                    {kind === 'symlink' && <span className="badge">symlink</span>}
                    {kind === 'executable' && <span className="badge">executable</span>}
                  </td>
                  <td className="mono">
                    {kind === 'submodule' ? (
                      <span title={e.oid}>{e.oid.slice(0, 12)}</span>
                    ) : (
                      <a href={href({ view: 'object', oid: e.oid })} className="oid" tabIndex={-1} title={e.oid}>
                        {e.oid.slice(0, 12)}
                      </a>
                    )}
                  </td>
                </tr>
              );
            }}
          />
        </div>
      )}
    </div>
  );
}
