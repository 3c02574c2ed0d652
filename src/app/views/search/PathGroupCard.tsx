import { useState } from 'react';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { useHref } from '../../lib/route.ts';
import type { BlobMatch } from '../../../protocol/search.ts';
import { blocksOf, HitBlock } from './MatchRows.tsx';
import type { PathGroup, PathVersion } from './grouping.ts';

/** Versions shown in a card before "Show all". */
const FIRST_VERSIONS = 3;

/** The matching lines of one blob, with the count past the shown ones. */
function Hits({ match }: { match: BlobMatch }) {
  const href = useHref();
  return (
    <div className="sr-hits">
      {blocksOf(match.hits).map((lines) => (
        <HitBlock key={lines[0].line} lines={lines} />
      ))}
      {match.moreLines > 0 && (
        <div className="sr-more muted">
          {match.moreLines} more matching line{match.moreLines === 1 ? '' : 's'} in this version — <a href={href({ view: 'object', oid: match.oid })}>open the blob</a>
        </div>
      )}
      {match.stoppedEarly && <div className="sr-more warn">{match.stoppedEarly}</div>}
    </div>
  );
}

function VersionHead({ v, path, first }: { v: PathVersion; path: string[]; first: boolean }) {
  const href = useHref();
  const lines = v.match.hits.length + v.match.moreLines;
  return (
    <div className="sr-version-head">
      <span className="badge">{first ? 'newest' : 'older'}</span>
      <a href={href({ view: 'browse', rev: v.commit, path })} title={`${path.join('/')} as of commit ${v.commit}`}>
        at <span className="oid">{v.commit.slice(0, 10)}</span>
      </a>
      <time className="muted sr-when" dateTime={new Date(v.time * 1000).toISOString()}>
        {new Date(v.time * 1000).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })}
      </time>
      <span className="muted">
        blob{' '}
        <a href={href({ view: 'object', oid: v.match.oid })} className="oid" title={v.match.oid}>
          {v.match.oid.slice(0, 10)}
        </a>{' '}
        · {formatBytes(v.match.size)}
      </span>
      {v.match.binary && <span className="badge">binary</span>}
      <span className="muted sr-count">
        {lines} matching line{lines === 1 ? '' : 's'}
      </span>
    </div>
  );
}

/** One card per path: the path, how many versions match, the versions newest first with their lines. */
export function PathGroupCard({ group }: { group: PathGroup }) {
  const href = useHref();
  const [all, setAll] = useState(false);
  if (group.kind !== 'path') {
    const pending = group.kind === 'pending';
    return (
      <article className="sr-result sr-group" data-testid="search-group" data-group={group.kind}>
        <header className="sr-result-head">
          <span className="sr-group-title muted">{pending ? 'Finding the commits and paths where these blobs appear…' : 'In no commit: unreachable blobs (or named only by a tag or the index)'}</span>
          <span className="muted sr-count">
            {formatCount(group.blobs.length)} blob{group.blobs.length === 1 ? '' : 's'}
          </span>
        </header>
        {group.blobs.slice(0, all ? undefined : FIRST_VERSIONS).map((m) => (
          <section key={m.oid} className="sr-version" data-testid="search-version" data-oid={m.oid}>
            <div className="sr-version-head">
              <span className="badge type-blob">blob</span>
              <a href={href({ view: 'object', oid: m.oid })} className="oid" title={m.oid}>
                {m.oid.slice(0, 12)}
              </a>
              <span className="muted">{formatBytes(m.size)}</span>
            </div>
            <Hits match={m} />
          </section>
        ))}
        {!all && group.blobs.length > FIRST_VERSIONS && (
          <button type="button" className="small link-button" onClick={() => setAll(true)}>
            Show all {formatCount(group.blobs.length)}
          </button>
        )}
      </article>
    );
  }
  const path = group.path.join('/');
  const shown = all ? group.versions : group.versions.slice(0, FIRST_VERSIONS);
  return (
    <article className="sr-result sr-group" data-testid="search-group" data-group="path" data-path={path} data-versions={group.versions.length}>
      <header className="sr-result-head">
        <a
          href={href({ view: 'browse', rev: group.versions[0].commit, path: group.path })}
          className="sr-path sr-group-title"
          data-testid="search-group-path"
          title={`Open ${path} at its newest matching commit`}
        >
          <MarkedText text={path} />
        </a>
        <span className="muted sr-count" data-testid="search-group-count">
          {formatCount(group.versions.length)} version{group.versions.length === 1 ? '' : 's'} match{group.more ? ' (at least)' : ''}
        </span>
      </header>
      {shown.map((v, i) => (
        <section key={v.match.oid} className="sr-version" data-testid="search-version" data-oid={v.match.oid} data-commit={v.commit}>
          <VersionHead v={v} path={group.path} first={i === 0} />
          <Hits match={v.match} />
        </section>
      ))}
      {!all && group.versions.length > FIRST_VERSIONS && (
        <button type="button" className="small link-button" onClick={() => setAll(true)} data-testid="search-group-all">
          Show all {formatCount(group.versions.length)} versions
        </button>
      )}
    </article>
  );
}
