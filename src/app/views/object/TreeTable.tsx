import { useRef, useState } from 'react';
import type { TreeEntryInfo } from '../../../protocol/messages.ts';
import { Link } from '../../components/Link.tsx';
import { useHref } from '../../lib/route.ts';
import { formatCount } from '../../lib/format.ts';
import { entryKind, formatMode, moveRowFocus, nameIsOpaque, shownName } from './entries.ts';

/** Rows rendered before "Show all": a tree of 100,000 entries should not freeze the page. */
const FIRST_ROWS = 1000;

/** A tree object's entries in git's order: mode, type, name, id. Arrow keys move, Enter opens. */
export function TreeTable({ oid, entries }: { oid: string; entries: TreeEntryInfo[] }) {
  const href = useHref();
  const body = useRef<HTMLTableSectionElement>(null);
  const [all, setAll] = useState(entries.length <= FIRST_ROWS);
  const shown = all ? entries : entries.slice(0, FIRST_ROWS);
  return (
    <div className="tree-object">
      <div className="object-actions">
        <Link to={{ view: 'browse', rev: oid, path: [] }} className="button">
          Browse this tree
        </Link>
        <span className="muted">
          {formatCount(entries.length)} entr{entries.length === 1 ? 'y' : 'ies'}
        </span>
      </div>
      {entries.length === 0 ? (
        <p className="muted">This tree is empty.</p>
      ) : (
        <div className="tree-table-scroll">
          <table className="data tree-table" data-testid="tree-table">
            <thead>
              <tr>
                <th scope="col">Mode</th>
                <th scope="col">Type</th>
                <th scope="col">Name</th>
                <th scope="col">Id</th>
              </tr>
            </thead>
            <tbody ref={body} onKeyDown={(e) => moveRowFocus(e, body.current)}>
              {shown.map((e, i) => {
                const kind = entryKind(e);
                const opaque = nameIsOpaque(e);
                return (
                  <tr key={`${i}-${e.oid}`} data-testid="tree-entry" data-name={e.name}>
                    <td className="mono muted">{formatMode(e.mode)}</td>
                    <td>
                      <span className={`type-${e.type}`}>{e.type}</span>
                    </td>
                    <td className={opaque ? 'entry-name mono' : 'entry-name'} title={e.quoted ? `git quotes this name as ${e.quoted}` : undefined}>
                      {kind === 'submodule' ? (
                        <span data-row-focus tabIndex={0} title="A submodule: its commit lives in another repository">
                          {shownName(e)}
                          <span className="badge">submodule</span>
                        </span>
                      ) : (
                        <a href={href({ view: 'object', oid: e.oid })} data-row-focus>
                          {shownName(e)}
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
              })}
            </tbody>
          </table>
        </div>
      )}
      {!all && (
        <p>
          <button type="button" onClick={() => setAll(true)}>
            Show all {formatCount(entries.length)} entries
          </button>
        </p>
      )}
    </div>
  );
}
