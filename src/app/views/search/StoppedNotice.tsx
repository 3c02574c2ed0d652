import type { BlobPlaces, SearchSummary } from '../../../protocol/search.ts';
import { useHref } from '../../lib/route.ts';

/**
 * What the page says when the engine stopped a text search because the pattern ran past the
 * time limit on one blob: how long, which blob (and where it appears, once known), what was
 * found before, and what to do about the pattern.
 */
export function StoppedNotice({ summary, places, found }: { summary: SearchSummary; places: BlobPlaces | undefined; found: number }) {
  const href = useHref();
  const t = summary.timedOut;
  if (!t) return null;
  const seconds = Math.max(1, Math.round(t.ms / 1000));
  const place = places?.places[0];
  return (
    <div className="sr-stopped" role="alert" data-testid="search-stopped" data-oid={t.oid ?? ''}>
      <p>
        <strong>
          Stopped after {seconds} s because the pattern took too long on{' '}
          {t.oid ? (
            <>
              blob{' '}
              <a href={href({ view: 'object', oid: t.oid })} className="oid" title={t.oid} data-testid="search-stopped-blob">
                {t.oid.slice(0, 12)}
              </a>
            </>
          ) : (
            'the first blob it was given'
          )}
        </strong>
        {t.oid && place && (
          <>
            {' '}
            (
            <a
              href={href({ view: 'browse', rev: place.commit, path: place.path })}
              className="sr-path"
              data-testid="search-stopped-path"
              title={`Open ${place.path.join('/')} as of commit ${place.commit}`}
            >
              {place.path.join('/')}
            </a>{' '}
            <span className="muted">at</span> {place.commit.slice(0, 10)})
          </>
        )}
        .
      </p>
      <p className="muted">
        A regular expression cannot be interrupted once it runs on a line, so the search runs in a helper, and the helper was stopped after {Math.round(t.limitMs / 1000)} s on this one blob; the rest
        of the app was not held up.{found > 0 && ' What matched in the blobs searched before it stays below.'} Patterns where two branches or repetitions can match the same text, like{' '}
        <code>(a|a)*</code> or <code>(a|ab)*c</code>, can take exponential time: make the alternatives exclusive, or search for plain text.
      </p>
    </div>
  );
}
