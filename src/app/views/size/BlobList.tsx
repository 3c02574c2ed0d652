import { useState } from 'react';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Link, OidLink } from '../../components/Link.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { useLargestBlobs } from './size-requests.ts';

/** Rows per "Show more". */
const STEP = 50;

/**
 * The largest blobs (by stored bytes or by inflated size) with the paths they appeared at, where
 * they are stored, their delta base and the commit that first brought them: links to each.
 */
export function BlobList({ onSelect }: { onSelect: (path: number) => void }) {
  const [sort, setSort] = useState<'stored' | 'inflated'>('stored');
  const { rows, total, error, more } = useLargestBlobs(sort, STEP);

  return (
    <section className="sz-blobs" aria-label="Largest blobs" data-testid="size-blobs">
      <div className="toolbar" role="group" aria-label="Order">
        <button type="button" className={`small${sort === 'stored' ? ' primary' : ''}`} aria-pressed={sort === 'stored'} onClick={() => setSort('stored')}>
          By stored bytes
        </button>
        <button type="button" className={`small${sort === 'inflated' ? ' primary' : ''}`} aria-pressed={sort === 'inflated'} onClick={() => setSort('inflated')}>
          By inflated size
        </button>
        {total !== undefined && <span className="muted">{formatCount(total)} blobs</span>}
      </div>
      {error && <ErrorBox error={error} title="The blobs could not be listed" />}
      <table className="sz-table">
        <thead>
          <tr>
            <th>Blob</th>
            <th className="num">Stored</th>
            <th className="num">Inflated</th>
            <th>Where</th>
            <th>Paths</th>
            <th>First added</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((b) => (
            <tr key={b.oid} data-testid="size-blob-row">
              <td>
                <OidLink oid={b.oid} />
                {b.deltaBase && (
                  <div className="muted small-text">
                    delta of <OidLink oid={b.deltaBase} /> · <Link to={{ view: 'delta', oid: b.oid }}>chain</Link>
                  </div>
                )}
              </td>
              <td className="num">{formatBytes(b.stored)}</td>
              <td className="num">{formatBytes(b.inflated)}</td>
              <td className="mono small-text">
                {b.where === 'loose' || b.where === 'missing' ? b.where : <Link to={{ view: 'pack', name: b.where.replace(/\.pack$/, '') }}>{b.where.replace(/^pack-(.{8}).*$/, 'pack-$1…')}</Link>}
                {b.offset !== undefined && <span className="muted"> @{b.offset.toString(16)}</span>}
              </td>
              <td>
                {b.paths.map((p) => (
                  <div key={p.id}>
                    <button type="button" className="link-button mono sz-path-button" title={p.quoted ?? p.path} onClick={() => onSelect(p.id)}>
                      <MarkedText text={p.path} />
                    </button>
                  </div>
                ))}
                {b.pathCount > b.paths.length && <div className="muted">and {formatCount(b.pathCount - b.paths.length)} more</div>}
              </td>
              <td>
                {b.commit ? (
                  <>
                    {b.commit.date} <OidLink oid={b.commit.oid} />
                  </>
                ) : (
                  <span className="muted">no commit names it</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {total !== undefined && rows.length < total && (
        <button type="button" onClick={more}>
          Show {formatCount(Math.min(STEP, total - rows.length))} more
        </button>
      )}
    </section>
  );
}
