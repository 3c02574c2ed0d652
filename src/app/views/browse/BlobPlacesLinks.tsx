import { useState } from 'react';
import type { BlobPlace } from '../../../protocol/search.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Link } from '../../components/Link.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import type { BlobPlaceRef } from '../../lib/route.ts';
import { useWorkerRequest } from '../../lib/request.ts';
import './reading.css';

/** Places listed by "Where is this file?" (the newest first). */
const PLACES_LIMIT = 10;

/**
 * On a blob's object page: "View at this commit" when the page was reached from a file (the
 * commit and path came with the link), and on request the commits and paths where the blob
 * appears (the reverse index of blobPlaces, built once per repository: on git.git it walks
 * every tree, so it waits for a click).
 */
export function BlobPlacesLinks({ oid, at }: { oid: string; at?: BlobPlaceRef | undefined }) {
  const [asked, setAsked] = useState(false);
  const req = useWorkerRequest('Finding where the blob appears', 'blobPlaces', asked ? { oids: [oid], limit: PLACES_LIMIT } : undefined, [oid, asked]);
  const found = req.status === 'done' ? req.data.blobs.find((b) => b.oid === oid) : undefined;
  return (
    <section className="blob-places" data-testid="blob-places" aria-label="Where this blob appears">
      {at && (
        <p>
          <Link to={{ view: 'browse', rev: at.commit, path: at.path }} className="button small">
            View at this commit
          </Link>
          <span className="mono">
            <MarkedText text={at.path.join('/')} />
          </span>
          <span className="muted">at</span>
          <Link to={{ view: 'object', oid: at.commit }} className="oid" title={at.commit}>
            {at.commit.slice(0, 12)}
          </Link>
        </p>
      )}
      {!asked && (
        <button type="button" className="small" onClick={() => setAsked(true)}>
          {at ? 'Other commits with this blob' : 'Find the commits and paths with this blob'}
        </button>
      )}
      {req.status === 'loading' && <p className="muted">Finding where this blob appears…</p>}
      {req.status === 'error' && <ErrorBox error={req.error} title="Could not find where this blob appears" />}
      {req.status === 'done' && (!found || found.places.length === 0) && <p className="muted">No commit reachable from a ref has this blob in its tree.</p>}
      {found && found.places.length > 0 && (
        <ul className="blob-place-list">
          {found.places.map((p: BlobPlace) => (
            <li key={`${p.commit}:${p.path.join('/')}`}>
              <Link to={{ view: 'browse', rev: p.commit, path: p.path }}>
                <span className="mono">
                  <MarkedText text={p.path.join('/')} />
                </span>
              </Link>{' '}
              <span className="muted">at</span>{' '}
              <Link to={{ view: 'object', oid: p.commit }} className="oid" title={p.commit}>
                {p.commit.slice(0, 12)}
              </Link>{' '}
              <span className="muted">{new Date(p.time * 1000).toISOString().slice(0, 10)}</span>
            </li>
          ))}
          {found.more && <li className="muted">… and more places (the first {PLACES_LIMIT} are listed, newest first).</li>}
        </ul>
      )}
    </section>
  );
}
