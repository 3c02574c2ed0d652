import { useState } from 'react';
import { HexLink } from '../../components/HexLink.tsx';
import { Link } from '../../components/Link.tsx';
import { RequestStatus } from '../../components/RequestStatus.tsx';
import { formatCount, shortOid } from '../../lib/format.ts';
import { useWorkerRequest } from '../../lib/request.ts';

const PAGE = 50;

function utc(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? String(seconds) : d.toISOString().replace('T', ' ').replace('.000Z', ' UTC');
}

/** A layer's commits in id order, a page at a time: what each CDAT row says. */
export function CommitRows({ layer, total, file }: { layer: number; total: number; file: string }) {
  const [start, setStart] = useState(0);
  const req = useWorkerRequest('Reading commit-graph rows', 'commitGraphRows', { layer, start, count: PAGE }, [layer, start]);
  const rows = req.data?.rows ?? [];
  return (
    <div data-testid="commit-graph-rows">
      <div className="cg-pager">
        <button type="button" className="small" disabled={start === 0} onClick={() => setStart(Math.max(0, start - PAGE))}>
          Previous
        </button>
        <span className="muted">{total === 0 ? 'no commits' : `${formatCount(start + 1)}–${formatCount(Math.min(total, start + PAGE))} of ${formatCount(total)} in id order`}</span>
        <button type="button" className="small" disabled={start + PAGE >= total} onClick={() => setStart(start + PAGE)}>
          Next
        </button>
      </div>
      <RequestStatus req={req} loading="Reading rows…" failed="These rows could not be read" />
      <div className="mx-scroll">
        <table className="data mx-table cg-rows">
          <thead>
            <tr>
              <th className="num">Position</th>
              <th>Commit</th>
              <th>Parents (positions)</th>
              <th className="num">Level</th>
              <th>Commit time</th>
              <th className="num">Corrected − time</th>
              <th className="num">Bloom bytes</th>
              <th>Row</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.position}>
                <td className="num">{formatCount(r.position)}</td>
                <td>
                  <Link to={{ view: 'object', oid: r.oid }} className="mono">
                    {shortOid(r.oid)}
                  </Link>
                </td>
                <td>
                  {r.parentsError ? (
                    <span className="warn">{r.parentsError}</span>
                  ) : r.parents.length === 0 ? (
                    <span className="muted">root</span>
                  ) : (
                    r.parents.map((p, i) => (
                      <span key={`${i}:${p.position}`}>
                        {i > 0 && ', '}
                        <Link to={{ view: 'object', oid: p.oid }} className="mono">
                          {shortOid(p.oid)}
                        </Link>{' '}
                        <span className="muted">({formatCount(p.position)})</span>
                      </span>
                    ))
                  )}
                </td>
                <td className="num">{formatCount(r.topoLevel)}</td>
                <td className="nowrap">{utc(r.time)}</td>
                <td className="num">{r.corrected === undefined ? '—' : formatCount(r.corrected - r.time)}</td>
                <td className="num">{r.bloomBytes === undefined ? '—' : formatCount(r.bloomBytes)}</td>
                <td>
                  <HexLink file={file} at={r.dataOffset} label={`CDAT row of ${r.oid}`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
