import { useMemo, useState } from 'react';
import type { RefSummary, RepoSummary } from '../../../protocol/messages.ts';
import { Link, OidLink } from '../../components/Link.tsx';

/**
 * The revision to put in Browse / History links for a branch: its short name when git would
 * resolve that short name to this very branch (no `refs/<x>` or `refs/tags/<x>` shadows it),
 * else the full ref name.
 */
function revFor(name: string, names: Set<string>): string {
  if (!name.startsWith('refs/heads/')) return name;
  const short = name.slice('refs/heads/'.length);
  return names.has(`refs/${short}`) || names.has(`refs/tags/${short}`) || short === 'HEAD' ? name : short;
}

function Target({ oid, target }: { oid: string | undefined; target?: string | undefined }) {
  return (
    <>
      {target !== undefined && (
        <span className="ref-symbolic">
          → <span className="mono">{target}</span>{' '}
        </span>
      )}
      {oid !== undefined ? <OidLink oid={oid} full /> : <span className="warn">{target !== undefined ? 'dangling' : 'no target'}</span>}
    </>
  );
}

function RevLinks({ rev }: { rev: string }) {
  return (
    <span className="ref-links">
      <Link to={{ view: 'browse', rev, path: [] }}>Browse</Link>
      <Link to={{ view: 'history', rev, mode: 'first-parent' }}>History</Link>
    </span>
  );
}

/** Rows drawn at first and added per "Show more": git.git has 4,295 refs, and drawing all of them took a second of the overview's first paint. */
const PAGE = 100;

/** The revision Browse and History take for a ref: a branch's short name where unambiguous, a tag's name. */
function linkRev(ref: RefSummary, names: Set<string>): string | undefined {
  if (ref.oid === undefined) return undefined;
  if (ref.name.startsWith('refs/heads/')) return revFor(ref.name, names);
  if (ref.name.startsWith('refs/tags/')) return ref.name;
  return undefined;
}

/**
 * HEAD and the refs: where each points (linked to the object), what an annotated tag peels to,
 * Browse and History for branches and tags. A filter box narrows the list by name; the first
 * 100 matches are drawn, more on request.
 */
export function RefsTable({ head, refs }: { head: RepoSummary['head']; refs: RefSummary[] }) {
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState(PAGE);
  const names = useMemo(() => new Set(refs.map((r) => r.name)), [refs]);
  const matching = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q === '' ? refs : refs.filter((r) => r.name.toLowerCase().includes(q));
  }, [refs, query]);
  if (!head && refs.length === 0) return <p className="muted">No HEAD and no refs: this folder holds objects only.</p>;
  const rows = matching.slice(0, shown);
  const left = matching.length - rows.length;
  return (
    <>
      {refs.length > 10 && (
        <div className="refs-filter">
          <input
            type="search"
            data-testid="refs-filter"
            aria-label="Filter refs by name"
            placeholder={`Filter ${refs.length.toLocaleString('en-US')} refs by name`}
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setShown(PAGE);
            }}
          />
          <span className="muted" data-testid="refs-count">
            {query.trim() === '' ? `${refs.length.toLocaleString('en-US')} refs` : `${matching.length.toLocaleString('en-US')} of ${refs.length.toLocaleString('en-US')} refs match`}
          </span>
        </div>
      )}
      <div className="table-scroll">
        <table className="data refs-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Target</th>
              <th>Peeled</th>
              <th>
                <span className="visually-hidden">Links</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {head && (
              <tr data-testid="head-row" data-ref="HEAD" className="head-row">
                <td className="mono ref-name">HEAD</td>
                <td>
                  <Target oid={head.oid} target={head.symbolic} />
                  {head.symbolic === undefined && head.oid !== undefined && <span className="badge detached">detached</span>}
                </td>
                <td />
                <td>{head.oid !== undefined && <RevLinks rev="HEAD" />}</td>
              </tr>
            )}
            {rows.map((r) => {
              const rev = linkRev(r, names);
              return (
                <tr key={r.name} data-testid="ref-row" data-ref={r.name}>
                  <td className="mono ref-name">{r.name}</td>
                  <td>
                    <Target oid={r.oid} target={r.target} />
                  </td>
                  <td>{r.peeled !== undefined && <OidLink oid={r.peeled} full />}</td>
                  <td>{rev !== undefined && <RevLinks rev={rev} />}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {matching.length === 0 && <p className="muted">No ref name contains “{query.trim()}”.</p>}
      {left > 0 && (
        <p className="refs-more">
          <button type="button" data-testid="refs-more" onClick={() => setShown((n) => n + PAGE * 10)}>
            Show {Math.min(left, PAGE * 10).toLocaleString('en-US')} more
          </button>{' '}
          <span className="muted">{left.toLocaleString('en-US')} not shown</span>
        </p>
      )}
    </>
  );
}
