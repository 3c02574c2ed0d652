import { useState } from 'react';
import type { SizePathDetail, SizePathName, SizeRemovalBlob } from '../../../protocol/analysis.ts';
import { OidLink } from '../../components/Link.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';

/** Blob rows of the removal estimate shown before "All". */
const BLOBS_SHOWN = 12;

/**
 * One path of the analysis: its sizes over history, the versions that weigh most and the
 * commits that added them, the names it carried, and what removing it from history would save,
 * blob by blob with the reason each one stays or goes.
 */
export function PathDetail({ detail, onZoom, onClose }: { detail: SizePathDetail; onZoom: (folder: number) => void; onClose: () => void }) {
  const { row, largest, renames, removal } = detail;
  const [allBlobs, setAllBlobs] = useState(false);
  // The blobs that stay first (their reasons are the news), then the freed ones, largest first in each.
  const blobs = [...removal.blobs].sort((a, b) => Number(a.reason === 'freed') - Number(b.reason === 'freed') || b.stored - a.stored);
  const shownBlobs = allBlobs ? blobs : blobs.slice(0, BLOBS_SHOWN);
  return (
    <section className="sz-detail" data-testid="size-path-detail" aria-label="Selected path">
      <header className="sz-detail-head">
        <h3>
          <span className="mono sz-path" title={row.quoted ?? row.path} data-testid="size-detail-path">
            <MarkedText text={row.path} />
            {row.kind === 'dir' ? '/' : ''}
          </span>
          {row.pathBytes !== undefined && <span className="muted"> (first part of a {formatCount(row.pathBytes)}-byte path)</span>}
        </h3>
        <span className="spacer" />
        {row.kind === 'dir' && (
          <button type="button" className="small" onClick={() => onZoom(row.id)}>
            Zoom to it
          </button>
        )}
        <button type="button" className="small" onClick={onClose} aria-label="Close the selected path">
          Close
        </button>
      </header>
      <dl className="sz-facts">
        <dt>Stored</dt>
        <dd data-testid="size-detail-stored" data-bytes={row.stored}>
          {formatBytes(row.stored)} <span className="muted">({formatCount(row.stored)} bytes)</span>
        </dd>
        <dt>Inflated</dt>
        <dd>
          {formatBytes(row.inflated)} <span className="muted">({formatCount(row.inflated)} bytes)</span>
        </dd>
        <dt>Versions</dt>
        <dd>{formatCount(row.versions)}</dd>
        {row.kind === 'dir' && (
          <>
            <dt>Files</dt>
            <dd>{formatCount(row.files)}</dd>
          </>
        )}
        <dt>Deleted</dt>
        <dd>
          {row.deleted ? (
            <>
              {row.deleted.date} in <OidLink oid={row.deleted.commit} />
            </>
          ) : (
            <span className="muted">present</span>
          )}
        </dd>
        {(row.reportStored !== row.stored || row.reportInflated !== row.inflated) && (
          <>
            <dt>filter-repo</dt>
            <dd className="muted">
              {formatCount(row.reportStored)} packed, {formatCount(row.reportInflated)} unpacked: git filter-repo --analyze counts a blob once per path it had
            </dd>
          </>
        )}
      </dl>
      {largest.length > 0 && (
        <>
          <h4>Largest versions</h4>
          <table className="sz-table compact">
            <thead>
              <tr>
                <th>Blob</th>
                <th className="num">Inflated</th>
                <th className="num">Stored</th>
                <th>Added by</th>
              </tr>
            </thead>
            <tbody>
              {largest.map((v) => (
                <tr key={`${v.blob}-${v.commit}`}>
                  <td>
                    <OidLink oid={v.blob} />
                  </td>
                  <td className="num">{formatBytes(v.inflated)}</td>
                  <td className="num">{formatBytes(v.stored)}</td>
                  <td>
                    <OidLink oid={v.commit} /> <span className="muted nowrap">{v.date}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {renames.length > 0 && (
        <>
          <h4>Names it carried</h4>
          <ul className="sz-renames">
            {renames.map((group, i) => (
              <li key={i}>
                {group.map((n, j) => (
                  <span key={n.id}>
                    {j > 0 && ' → '}
                    <span className="mono">
                      <MarkedText text={n.path} />
                    </span>
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>Removing it from history</h4>
      <div className="sz-removal" data-testid="size-removal">
        {removal.counts.freed + removal.counts.deltaBase + removal.counts.otherPath === 0 ? (
          <p className="muted">No blob is stored for this path.</p>
        ) : (
          <>
            <p>
              Removing it from every commit (<code>git filter-repo --invert-paths</code> with this path) and repacking would save about{' '}
              <strong data-testid="size-removal-saved">{formatBytes(removal.saved)}</strong>
              {removal.upTo > removal.saved && (
                <>
                  , up to <strong>{formatBytes(removal.upTo)}</strong>
                </>
              )}{' '}
              of blobs{removal.paths > 1 ? ` over ${formatCount(removal.paths)} paths` : ''}.
            </p>
            <ul className="sz-removal-counts">
              <li>
                <span className="sz-reason freed">freed</span> {blobCount(removal.counts.freed)} ({formatBytes(removal.saved)}): only this path has them and no kept blob is a delta of them.
              </li>
              {removal.counts.deltaBase > 0 && (
                <li>
                  <span className="sz-reason delta-base">delta base</span> {blobCount(removal.counts.deltaBase)} ({formatBytes(removal.upTo - removal.saved)}): a kept blob is stored as a delta of
                  them, so the packs as written keep them; a repack that finds those blobs another base frees them too.
                </li>
              )}
              {removal.counts.otherPath > 0 && (
                <li>
                  <span className="sz-reason other-path">other path</span> {blobCount(removal.counts.otherPath)} ({formatBytes(removal.keptElsewhere)}): the same content is also at a path that stays.
                </li>
              )}
            </ul>
            <p className="muted">Trees and commits are rewritten too (one entry less in each tree that held it); their bytes are not counted.</p>
            <table className="sz-table compact" data-testid="size-removal-blobs">
              <thead>
                <tr>
                  <th>Blob</th>
                  <th className="num">Stored</th>
                  <th>Outcome</th>
                </tr>
              </thead>
              <tbody>
                {shownBlobs.map((b) => (
                  <tr key={b.blob}>
                    <td>
                      <OidLink oid={b.blob} />
                    </td>
                    <td className="num">{formatBytes(b.stored)}</td>
                    <td>
                      <Reason blob={b} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {blobs.length > BLOBS_SHOWN && (
              <button type="button" className="small" onClick={() => setAllBlobs((a) => !a)}>
                {allBlobs ? 'Fewer' : `All ${formatCount(blobs.length)} listed blobs`}
              </button>
            )}
            {removal.blobs.length < removal.counts.freed + removal.counts.deltaBase + removal.counts.otherPath && (
              <p className="muted">The {formatCount(removal.blobs.length)} largest blobs are listed.</p>
            )}
          </>
        )}
      </div>
    </section>
  );
}

function blobCount(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'blob' : 'blobs'}`;
}

function PathText({ name }: { name: SizePathName }) {
  return (
    <span className="mono" title={name.quoted ?? name.path}>
      <MarkedText text={name.path} />
    </span>
  );
}

function Reason({ blob }: { blob: SizeRemovalBlob }) {
  if (blob.reason === 'freed') return <span className="sz-reason freed">freed</span>;
  if (blob.reason === 'other-path')
    return (
      <>
        <span className="sz-reason other-path">kept</span> also at {blob.otherPath ? <PathText name={blob.otherPath} /> : 'another path'}
      </>
    );
  return (
    <>
      <span className="sz-reason delta-base">kept</span> delta base of {blob.dependent ? <OidLink oid={blob.dependent.blob} /> : 'a kept blob'}
      {blob.dependent?.path && (
        <>
          {' '}
          at <PathText name={blob.dependent.path} />
        </>
      )}
    </>
  );
}
