import { useState } from 'react';
import type { RepoSummary } from '../../../protocol/messages.ts';
import { OffsetText } from '../../components/HexLink.tsx';
import { Link, OidLink } from '../../components/Link.tsx';
import { formatCount } from '../../lib/format.ts';
import { useWorkerRequest } from '../../lib/request.ts';
import { shortPack } from './names.ts';
import { RequestStatus } from '../../components/RequestStatus.tsx';

/** Rows asked for at first, and added by "Show more". */
const PAGE = 100;

function localTime(ms: number): string {
  if (!(ms > 0)) return 'time unknown';
  return new Date(ms).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Objects stored in several packs: every copy, the one git reads, and why. */
export function DuplicatesPanel({ summary }: { summary: RepoSummary }) {
  const [limit, setLimit] = useState(PAGE);
  const req = useWorkerRequest('Finding objects stored in several packs', 'midxDuplicates', { limit }, [summary, limit]);
  const data = req.data;
  return (
    <div className="mx-dups" data-testid="midx-duplicates">
      <p className="muted mx-note">
        Every pack’s .idx merged in id order. Git reads an object from the multi-pack-index when it covers it; when git wrote the file it kept the copy in the pack with the newest modification time
        (whole seconds; ties go to the pack it listed first; objects carried over from an existing multi-pack-index count as the oldest). The reasons below use the packs’ present times, which a copy
        of the folder may not have kept.
      </p>
      <RequestStatus req={req} loading="Merging the indexes…" failed="The packs’ indexes could not be merged" again="Search again" />
      {data && (
        <>
          <p data-testid="midx-duplicates-total">
            {data.total === 0 ? (
              summary.packs.length < 2 ? (
                'One pack: no object can be stored twice.'
              ) : (
                'No object is stored in more than one pack.'
              )
            ) : (
              <>
                <strong>{formatCount(data.total)}</strong> {data.total === 1 ? 'object is' : 'objects are'} stored in more than one pack
                {data.duplicates.length < data.total ? `; the first ${formatCount(data.duplicates.length)} in id order:` : ':'}
              </>
            )}
          </p>
          {data.duplicates.length > 0 && (
            <div className="mx-scroll">
              <table className="data mx-table mx-dup-table">
                <thead>
                  <tr>
                    <th>Object</th>
                    <th>Copies (pack, offset, pack modified)</th>
                    <th>Read from</th>
                    <th>Why</th>
                  </tr>
                </thead>
                <tbody>
                  {data.duplicates.map((d) => (
                    <tr key={d.oid}>
                      <td data-label="Object">
                        <OidLink oid={d.oid} />
                      </td>
                      <td data-label="Copies">
                        <ul className="mx-copies">
                          {d.copies.map((c) => (
                            <li key={c.pack} className={c.pack === d.chosen ? 'chosen' : undefined}>
                              <Link to={{ view: 'pack', name: c.pack }} className="mono" title={c.pack}>
                                {shortPack(c.pack)}
                              </Link>{' '}
                              <OffsetText value={c.offset} /> <span className="muted mx-small">{localTime(c.mtimeMs)}</span>{' '}
                              {c.covered ? <span className="badge on">in the midx</span> : <span className="badge">outside</span>}
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td data-label="Read from" className="mono mx-read">
                        {d.chosen ? (
                          <Link to={{ view: 'object', oid: d.oid }} title={d.chosen}>
                            {shortPack(d.chosen)}
                          </Link>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td data-label="Why" className="mx-why">
                        {d.reason}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {data.duplicates.length < data.total && (
            <p>
              <button type="button" onClick={() => setLimit(limit + 10 * PAGE)} disabled={req.status === 'loading'}>
                Show {formatCount(Math.min(10 * PAGE, data.total - data.duplicates.length))} more
              </button>
            </p>
          )}
        </>
      )}
    </div>
  );
}
