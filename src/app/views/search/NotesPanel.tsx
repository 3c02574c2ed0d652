import type { SearchNote } from '../../../protocol/search.ts';
import { formatCount } from '../../lib/format.ts';
import { useHref } from '../../lib/route.ts';

const REASONS: Record<SearchNote['reason'], string> = {
  unreadable: 'could not be read',
  'too-large': 'too large to search',
  binary: 'binary',
  'time-box': 'searched only in part',
};

/** What the search could not look at, and why: nothing is skipped silently. */
export function NotesPanel({ notes, dropped }: { notes: SearchNote[]; dropped: number }) {
  const href = useHref();
  const unreadable = notes.filter((n) => n.reason === 'unreadable').length;
  return (
    <details className="sr-notes" data-testid="search-notes" open={unreadable > 0}>
      <summary>
        {formatCount(notes.length + dropped)} object{notes.length + dropped === 1 ? '' : 's'} not fully searched
        {unreadable > 0 && <span className="warn"> · {formatCount(unreadable)} unreadable</span>}
      </summary>
      <ul>
        {notes.map((n) => (
          <li key={`${n.reason}:${n.oid}`} data-testid="search-note" data-reason={n.reason}>
            <a href={href({ view: 'object', oid: n.oid })} className="oid" title={n.oid}>
              {n.oid.slice(0, 12)}
            </a>{' '}
            <span className="badge">{REASONS[n.reason]}</span> <span className="sr-note-detail">{n.error ? n.error.message : n.detail}</span>
          </li>
        ))}
        {dropped > 0 && <li className="muted">and {formatCount(dropped)} more not listed</li>}
      </ul>
    </details>
  );
}
