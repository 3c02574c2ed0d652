import { useMemo, useState } from 'react';
import { formatCount } from '../lib/format.ts';
import { useRepo } from '../stores/repo.ts';
import { useWorkerRequest } from '../lib/request.ts';
import { DuplicatesTable } from './duplicates/DuplicatesTable.tsx';
import './duplicates/duplicates.css';
import { RequestStatus } from '../components/RequestStatus.tsx';

/**
 * Objects stored more than once: in several packs (overlapping repacks, packs copied in from
 * another clone), or loose and packed. Each copy is read and hashed, so a copy whose bytes are
 * not the object's is named, and the copy git reads is marked.
 */

type Show = 'all' | 'packs' | 'loose' | 'differ';

/** The Duplicates page. */
export function DuplicatesView() {
  const summary = useRepo((s) => s.summary);
  const req = useWorkerRequest('Finding objects stored more than once', 'duplicates', {}, [summary]);
  const [show, setShow] = useState<Show>('all');
  const data = req.data;
  const rows = useMemo(() => {
    if (!data) return [];
    if (show === 'packs') return data.duplicates.filter((d) => d.copies.every((c) => c.kind === 'packed'));
    if (show === 'loose') return data.duplicates.filter((d) => d.copies.some((c) => c.kind === 'loose'));
    if (show === 'differ') return data.duplicates.filter((d) => !d.identical);
    return data.duplicates;
  }, [data, show]);
  if (!summary) return null;
  const options: [Show, string, number][] = data
    ? [
        ['all', 'All', data.duplicates.length],
        ['packs', 'In several packs', data.packedOnly],
        ['loose', 'Loose and packed', data.withLoose],
        ['differ', 'Copies differ', data.differing],
      ]
    : [];

  return (
    <div className="dp-page" data-testid="duplicates-view">
      <header>
        <h1>Duplicated objects</h1>
      </header>
      <p className="muted dp-lead">
        Every pack’s .idx and every loose object, merged in id order: an id stored more than once is listed with each copy. Git reads one: the copy the multi-pack-index records, else the one in the
        newest pack it does not cover, and a loose copy only when no pack has the object. Every copy is read and hashed; copies of one id must hold the same bytes.
      </p>
      <RequestStatus req={req} loading="Merging the indexes…" failed="The copies could not be compared" again="Search again" />
      {data && (
        <>
          <p data-testid="duplicates-total">
            {data.duplicates.length === 0 ? (
              `No object is stored more than once (${formatCount(data.copiesScanned)} stored copies merged).`
            ) : (
              <>
                <strong>{formatCount(data.duplicates.length)}</strong> {data.duplicates.length === 1 ? 'object is' : 'objects are'} stored more than once: {formatCount(data.packedOnly)} in several
                packs, {formatCount(data.withLoose)} loose and packed.{' '}
                {data.differing === 0 ? (
                  <span className="dp-ok">Every copy holds the object’s bytes.</span>
                ) : (
                  <span className="dp-bad" data-testid="duplicates-differ">
                    {formatCount(data.differing)} {data.differing === 1 ? 'object has copies' : 'objects have copies'} that differ or cannot be read.
                  </span>
                )}
              </>
            )}
          </p>
          {data.duplicates.length > 0 && (
            <>
              <div className="toolbar" role="group" aria-label="Show">
                {options.map(([key, label, count]) => (
                  <button key={key} type="button" className={`small${show === key ? ' primary' : ''}`} aria-pressed={show === key} onClick={() => setShow(key)} disabled={count === 0 && key !== 'all'}>
                    {label} ({formatCount(count)})
                  </button>
                ))}
              </div>
              <DuplicatesTable rows={rows} />
            </>
          )}
          {data.ms > 0 && <p className="muted dp-time">Merged and compared in {formatCount(data.ms)} ms.</p>}
        </>
      )}
    </div>
  );
}
