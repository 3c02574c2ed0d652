import type { ObjectContent } from '../../../protocol/messages.ts';
import { Link, OidLink } from '../../components/Link.tsx';
import { Person } from './Person.tsx';

type Commit = Extract<ObjectContent, { kind: 'commit' }>;

/** Headers shown in their own places; anything else goes under "Other headers". */
const SHOWN = new Set(['tree', 'parent', 'author', 'committer']);

/** A commit: message, people and dates, tree and parents, and every other header. */
export function CommitContent({ oid, commit }: { oid: string; commit: Commit }) {
  const others = commit.headers.filter((h) => !SHOWN.has(h.key));
  return (
    <div className="commit-content">
      <div className="object-actions">
        <Link to={{ view: 'browse', rev: oid, path: [] }} className="button">
          Browse files
        </Link>
        <Link to={{ view: 'history', rev: oid, mode: 'first-parent' }} className="button">
          History
        </Link>
      </div>
      <pre className={commit.message === '' ? 'object-message empty' : 'object-message'} data-testid="commit-message">
        {commit.message}
      </pre>
      <dl className="facts">
        <dt>Author</dt>
        <dd data-testid="commit-author">
          <Person who={commit.author} />
        </dd>
        <dt>Committer</dt>
        <dd data-testid="commit-committer">
          <Person who={commit.committer} />
        </dd>
        <dt>Tree</dt>
        <dd>
          <OidLink oid={commit.tree} full />
        </dd>
        <dt>{commit.parents.length === 1 ? 'Parent' : 'Parents'}</dt>
        <dd className="commit-parents">
          {commit.parents.length === 0 ? (
            <span className="muted">none: a root commit</span>
          ) : (
            commit.parents.map((p, i) => (
              <span key={`${p}-${i}`} className="commit-parent">
                <OidLink oid={p} full />
              </span>
            ))
          )}
        </dd>
      </dl>
      {others.length > 0 && <OtherHeaders headers={others} />}
    </div>
  );
}

/** Headers beyond the usual ones; long ones (gpgsig, mergetag) folded until opened. */
export function OtherHeaders({ headers }: { headers: { key: string; value: string }[] }) {
  return (
    <details className="other-headers" open data-testid="other-headers">
      <summary>
        Other headers <span className="muted">({headers.map((h) => h.key).join(', ')})</span>
      </summary>
      <dl className="facts">
        {headers.map((h, i) => {
          const lines = h.value.split('\n');
          return (
            <div key={`${h.key}-${i}`} className="header-field">
              <dt className="mono">{h.key}</dt>
              <dd>
                {lines.length > 1 ? (
                  <details className="header-value">
                    <summary>
                      <span className="mono">{lines[0] === '' ? lines[1] : lines[0]}</span> <span className="muted">({lines.length} lines)</span>
                    </summary>
                    <pre className="text header-pre">{h.value}</pre>
                  </details>
                ) : (
                  <span className="mono">{h.value}</span>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
    </details>
  );
}
