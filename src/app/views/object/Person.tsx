import type { PersonInfo } from '../../../protocol/messages.ts';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatGitDate } from '../../lib/format.ts';

/** A git date: the viewer's local time, then the time and zone the author's clock said. */
export function GitDate({ time, zone, showOriginal = true }: { time: number; zone: string; showOriginal?: boolean }) {
  const { local, original } = formatGitDate(time, zone);
  return (
    <span className="git-date">
      <time dateTime={new Date(time * 1000).toISOString()} title={`${local} in your time zone; ${original} as recorded`}>
        {local}
      </time>
      {showOriginal && <span className="muted git-date-original"> ({original})</span>}
    </span>
  );
}

/** A person line: name, email (hidden characters marked), and the date. */
export function Person({ who }: { who: PersonInfo }) {
  return (
    <span className="git-person">
      <span className="git-person-name">
        <MarkedText text={who.name} />
      </span>
      {who.email !== '' && (
        <span className="muted git-person-email">
          {' '}
          &lt;
          <MarkedText text={who.email} />
          &gt;
        </span>
      )}
      <span className="git-person-date">
        {' '}
        <GitDate time={who.time} zone={who.zone} />
      </span>
    </span>
  );
}
