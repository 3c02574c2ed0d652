import type { HeaderInfo, ObjectContent } from '../../../protocol/messages.ts';
import { Link, OidLink } from '../../components/Link.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { CommitChanges } from '../diff/CommitChanges.tsx';
import { Person } from './Person.tsx';

type Commit = Extract<ObjectContent, { kind: 'commit' }>;

/** A message longer than this (characters) scrolls in its own box, so the facts below stay in reach. */
const LONG_MESSAGE = 4000;

/**
 * A commit: message, people and dates, tree and parents, and every other header. A hostile
 * commit may hold a million parents or a message of megabytes: the worker sends the first of
 * them with the counts and sizes, and `onShowRaw` opens the raw object for the rest.
 */
export function CommitContent({ oid, commit, onShowRaw }: { oid: string; commit: Commit; onShowRaw: () => void }) {
  const more = commit.parentCount - commit.parents.length;
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
      <Message text={commit.message} bytes={commit.messageBytes} testId="commit-message" onShowRaw={onShowRaw} />
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
        <dt>
          {commit.parentCount === 1 ? 'Parent' : 'Parents'}
          {commit.parentCount > 1 && (
            <span className="muted parent-count" data-testid="parent-count">
              {' '}
              ({formatCount(commit.parentCount)})
            </span>
          )}
        </dt>
        <dd>
          {commit.parentCount === 0 ? (
            <span className="muted">none: a root commit</span>
          ) : (
            <div className={commit.parents.length > 12 ? 'commit-parents many' : 'commit-parents'}>
              {commit.parents.map((p, i) => (
                <span key={`${p}-${i}`} className="commit-parent">
                  <OidLink oid={p} full />
                </span>
              ))}
            </div>
          )}
          {more > 0 && (
            <p className="cut-note" data-testid="parents-cut">
              The first {formatCount(commit.parents.length)} of {formatCount(commit.parentCount)} parents; {formatCount(more)} more are in the{' '}
              <button type="button" className="link-button" onClick={onShowRaw}>
                raw object
              </button>
              .
            </p>
          )}
        </dd>
      </dl>
      {commit.headerCount > 0 && <OtherHeaders headers={commit.headers} count={commit.headerCount} onShowRaw={onShowRaw} />}
      <CommitChanges oid={oid} parents={commit.parents} parentCount={commit.parentCount} />
    </div>
  );
}

/** A commit or tag message, hidden characters marked; a cut message says so. */
export function Message({ text, bytes, testId, onShowRaw }: { text: string; bytes: number | undefined; testId: string; onShowRaw: () => void }) {
  return (
    <>
      <pre
        className={text === '' ? 'object-message empty' : text.length > LONG_MESSAGE ? 'object-message long' : 'object-message'}
        data-testid={testId}
        tabIndex={text.length > LONG_MESSAGE ? 0 : undefined}
      >
        <MarkedText text={text} multiline />
      </pre>
      {bytes !== undefined && (
        <p className="cut-note" data-testid={`${testId}-cut`}>
          The message is {formatBytes(bytes)} ({formatCount(bytes)} bytes); the first {formatBytes(new TextEncoder().encode(text).length)} are shown. All of it is in the{' '}
          <button type="button" className="link-button" onClick={onShowRaw}>
            raw object
          </button>
          .
        </p>
      )}
    </>
  );
}

/** Headers beyond the usual ones; long ones (gpgsig, mergetag) folded until opened; the first of many, with the count. */
export function OtherHeaders({ headers, count, onShowRaw }: { headers: HeaderInfo[]; count: number; onShowRaw: () => void }) {
  const keys =
    headers
      .slice(0, 8)
      .map((h) => h.key)
      .join(', ') + (count > 8 ? ', …' : '');
  return (
    <details className="other-headers" open data-testid="other-headers">
      <summary>
        Other headers{' '}
        <span className="muted">
          ({count > headers.length ? `${formatCount(count)}: ` : ''}
          {keys})
        </span>
      </summary>
      <dl className="facts">
        {headers.map((h, i) => {
          const lines = h.value.split('\n');
          return (
            <div key={`${h.key}-${i}`} className="header-field">
              <dt className="mono">
                <MarkedText text={h.key} />
              </dt>
              <dd>
                {lines.length > 1 ? (
                  <details className="header-value">
                    <summary>
                      <span className="mono">
                        <MarkedText text={lines[0] === '' ? lines[1] : lines[0]} />
                      </span>{' '}
                      <span className="muted">({h.valueBytes === undefined ? `${formatCount(lines.length)} lines` : `${formatBytes(h.valueBytes)}, cut`})</span>
                    </summary>
                    <pre className="text header-pre">
                      <MarkedText text={h.value} multiline />
                    </pre>
                  </details>
                ) : (
                  <span className="mono">
                    <MarkedText text={h.value} />
                  </span>
                )}
                {h.valueBytes !== undefined && (
                  <span className="cut-note">
                    {' '}
                    The first {formatBytes(new TextEncoder().encode(h.value).length)} of {formatBytes(h.valueBytes)} are shown.
                  </span>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
      {count > headers.length && (
        <p className="cut-note" data-testid="headers-cut">
          The first {formatCount(headers.length)} of {formatCount(count)} headers; the rest are in the{' '}
          <button type="button" className="link-button" onClick={onShowRaw}>
            raw object
          </button>
          .
        </p>
      )}
    </details>
  );
}
