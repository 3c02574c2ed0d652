import type { ReactNode } from 'react';
import type { BlobMatch, BlobPlaces, CommitMatch, LineHit, ObjectMatch, TextRange } from '../../../protocol/search.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { formatBytes, formatGitDate } from '../../lib/format.ts';
import { useHref } from '../../lib/route.ts';

/** One result of each kind: a blob with its matching lines and places, a commit or tag, an object. */

/** `text` with the ranges wrapped in <mark>. */
export function Highlighted({ text, ranges }: { text: string; ranges: TextRange[] }) {
  const parts: ReactNode[] = [];
  let at = 0;
  ranges.forEach((r, i) => {
    if (r.start < at) return;
    if (r.start > at) parts.push(text.slice(at, r.start));
    parts.push(
      <mark key={i} className="sr-mark">
        {text.slice(r.start, r.start + r.length) || '\u200b'}
      </mark>,
    );
    at = r.start + r.length;
  });
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

/** One shown line: a matching line (with its ranges) or a context line. */
export interface ShownLine {
  line: number;
  text: string;
  hit?: LineHit;
}

/**
 * The hits of a blob as blocks of consecutive lines: hits whose context lines touch share one
 * block, so no line is shown twice.
 */
export function blocksOf(hits: LineHit[]): ShownLine[][] {
  const lines = new Map<number, ShownLine>();
  for (const h of hits) {
    h.before.forEach((text, i) => {
      const n = h.line - h.before.length + i;
      if (!lines.has(n)) lines.set(n, { line: n, text });
    });
    lines.set(h.line, { line: h.line, text: h.text, hit: h });
    h.after.forEach((text, i) => {
      const n = h.line + 1 + i;
      if (!lines.get(n)?.hit) lines.set(n, { line: n, text });
    });
  }
  const blocks: ShownLine[][] = [];
  for (const l of [...lines.values()].sort((a, b) => a.line - b.line)) {
    const last = blocks[blocks.length - 1];
    if (last && last[last.length - 1].line === l.line - 1) last.push(l);
    else blocks.push([l]);
  }
  return blocks;
}

export function HitBlock({ lines }: { lines: ShownLine[] }) {
  return (
    <div className="sr-hit">
      {lines.map((l) =>
        l.hit ? (
          <div key={l.line} className="sr-line sr-matched" data-testid="search-hit" data-line={l.line} data-column={l.hit.column}>
            <span className="sr-ln">{l.line}</span>
            <span className="sr-code">
              {l.hit.textOffset > 0 && <span className="muted">…</span>}
              <Highlighted text={l.text} ranges={l.hit.ranges} />
            </span>
          </div>
        ) : (
          <div key={l.line} className="sr-line sr-context">
            <span className="sr-ln">{l.line}</span>
            <span className="sr-code">{l.text}</span>
          </div>
        ),
      )}
    </div>
  );
}

function Places({ places }: { places: BlobPlaces | undefined }) {
  const href = useHref();
  if (!places) return <div className="sr-places muted">Finding the commits and paths where this blob appears…</div>;
  if (places.places.length === 0) {
    return <div className="sr-places muted">No commit of this repository names this blob: it is unreachable (or only a tag names it).</div>;
  }
  return (
    <ul className="sr-places" aria-label="Where this blob appears">
      {places.places.map((p) => {
        const path = p.path.join('/');
        return (
          <li key={`${p.commit}/${path}`}>
            <a
              href={href({ view: 'browse', rev: p.commit, path: p.path })}
              className="sr-path"
              data-testid="search-place"
              data-commit={p.commit}
              data-path={path}
              title={`Open ${path} as of commit ${p.commit}`}
            >
              {path}
            </a>{' '}
            <span className="muted">at</span>{' '}
            <a href={href({ view: 'object', oid: p.commit })} className="oid" title={p.commit}>
              {p.commit.slice(0, 10)}
            </a>{' '}
            <time className="muted sr-when" dateTime={new Date(p.time * 1000).toISOString()}>
              {new Date(p.time * 1000).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })}
            </time>
          </li>
        );
      })}
      {places.more && <li className="muted">and more commits (the newest are shown)</li>}
    </ul>
  );
}

export function BlobRow({ match, places }: { match: BlobMatch; places: BlobPlaces | undefined }) {
  const href = useHref();
  const lines = match.hits.length + match.moreLines;
  return (
    <article className="sr-result" data-testid="search-result" data-kind="blob" data-oid={match.oid}>
      <header className="sr-result-head">
        <span className="badge type-blob">blob</span>
        <a href={href({ view: 'object', oid: match.oid })} className="oid" title={match.oid}>
          {match.oid.slice(0, 12)}
        </a>
        <span className="muted">{formatBytes(match.size)}</span>
        {match.binary && <span className="badge">binary</span>}
        <span className="muted sr-count">
          {lines} matching line{lines === 1 ? '' : 's'}
        </span>
      </header>
      <Places places={places} />
      <div className="sr-hits">
        {blocksOf(match.hits).map((lines) => (
          <HitBlock key={lines[0].line} lines={lines} />
        ))}
        {match.moreLines > 0 && (
          <div className="sr-more muted">
            {match.moreLines} more matching line{match.moreLines === 1 ? '' : 's'} in this blob — <a href={href({ view: 'object', oid: match.oid })}>open the blob</a>
          </div>
        )}
        {match.stoppedEarly && <div className="sr-more warn">{match.stoppedEarly}</div>}
      </div>
    </article>
  );
}

export function CommitRow({ match }: { match: CommitMatch }) {
  const href = useHref();
  const who = match.author;
  const date = who ? formatGitDate(who.time, who.zone) : undefined;
  const showHit = match.hit && match.hit.line > 1;
  return (
    <article className="sr-result sr-commit" data-testid="search-result" data-kind={match.type} data-oid={match.oid}>
      <header className="sr-result-head">
        <span className={`badge type-${match.type}`}>{match.type}</span>
        <a href={href({ view: 'object', oid: match.oid })} className="oid" title={match.oid}>
          {match.oid.slice(0, 12)}
        </a>
        <a href={href({ view: 'object', oid: match.oid })} className="sr-summary" title={match.summary}>
          {match.tagName && <span className="sr-tagname">{match.tagName}: </span>}
          {match.hit && match.hit.line === 1 ? <Highlighted text={match.hit.text} ranges={match.hit.ranges} /> : match.summary || <span className="muted">(no message)</span>}
        </a>
      </header>
      {showHit && match.hit && (
        <div className="sr-msg-hit">
          <span className="sr-ln">{match.hit.line}</span>
          <span className="sr-code">
            <Highlighted text={match.hit.text} ranges={match.hit.ranges} />
          </span>
        </div>
      )}
      <div className="sr-meta">
        {who && (
          <span className={match.matched.includes('author') || match.matched.includes('tagger') ? 'sr-hl-field' : undefined} title={`${who.name} <${who.email}>`}>
            {who.name} <span className="muted">&lt;{who.email}&gt;</span>
          </span>
        )}
        {match.committer && match.matched.includes('committer') && (
          <span className="sr-hl-field" title={`${match.committer.name} <${match.committer.email}>`}>
            committed by {match.committer.name} <span className="muted">&lt;{match.committer.email}&gt;</span>
          </span>
        )}
        {date && (
          <time className="muted" dateTime={new Date((who?.time ?? 0) * 1000).toISOString()} title={`${date.original} as recorded`}>
            {date.local}
          </time>
        )}
        {match.type === 'commit' && (
          <a href={href({ view: 'browse', rev: match.oid, path: [] })} className="sr-browse">
            Files
          </a>
        )}
      </div>
    </article>
  );
}

export function ObjectRow({ match, prefix }: { match: ObjectMatch; prefix: string }) {
  const href = useHref();
  const n = Math.min(prefix.trim().length, match.oid.length);
  return (
    <article className="sr-result sr-object" data-testid="search-result" data-kind="object" data-oid={match.oid}>
      <header className="sr-result-head">
        {match.type ? <span className={`badge type-${match.type}`}>{match.type}</span> : <span className="badge">unreadable</span>}
        <a href={href({ view: 'object', oid: match.oid })} className="oid sr-full-oid">
          <mark className="sr-mark">{match.oid.slice(0, n)}</mark>
          {match.oid.slice(n)}
        </a>
        {match.size !== undefined && <span className="muted">{formatBytes(match.size)}</span>}
      </header>
      {match.error && <ErrorBox error={match.error} title="This object's header cannot be read" />}
    </article>
  );
}
