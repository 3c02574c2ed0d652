import { Link, OidLink } from '../../components/Link.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { GitDate } from '../object/Person.tsx';
import { useWorkerRequest } from '../../lib/request.ts';

/** The commit being browsed: short id, summary, author and date, with its object page and history. */
export function CommitBanner({ commit, rootTree }: { commit: string; rootTree: string }) {
  const req = useWorkerRequest('Reading the commit', 'object', commit ? { oid: commit } : undefined, [commit]);
  if (!commit) {
    return (
      <div className="commit-banner" data-testid="commit-banner">
        <span className="muted">Browsing a tree without a commit:</span> <OidLink oid={rootTree} />
      </div>
    );
  }
  const content = req.data?.content;
  const info = content?.kind === 'commit' ? content : undefined;
  const summary = firstLine(info?.message ?? '');
  return (
    <div className="commit-banner" data-testid="commit-banner" data-oid={commit}>
      <div className="banner-main">
        <OidLink oid={commit} />
        <span className="banner-summary" title={info ? firstLine(info.message, 2000, true) : undefined}>
          {info ? (
            summary ? (
              <MarkedText text={summary} />
            ) : (
              <span className="muted">(no message)</span>
            )
          ) : req.status === 'error' ? (
            <span className="warn">{req.error.detail}</span>
          ) : (
            <span className="muted">…</span>
          )}
        </span>
      </div>
      <div className="banner-side">
        {info && (
          <span className="banner-author">
            <span className="git-person-name">
              <MarkedText text={info.author.name} />
            </span>{' '}
            <GitDate time={info.author.time} zone={info.author.zone} showOriginal={false} />
          </span>
        )}
        {info && info.parentCount > 1 && <span className="badge">merge</span>}
        <Link to={{ view: 'history', rev: commit, mode: 'first-parent' }} className="banner-link">
          History
        </Link>
      </div>
    </div>
  );
}

/** The message's first line (or its start, up to `max` characters; `whole` takes every line). */
function firstLine(message: string, max = 500, whole = false): string {
  const nl = whole ? -1 : message.indexOf('\n');
  const line = nl < 0 ? message : message.slice(0, nl);
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
