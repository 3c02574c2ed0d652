import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { DuplicateRow, StoredCopy } from '../../../protocol/find.ts';
import { HexLink } from '../../components/HexLink.tsx';
import { Link, OidLink } from '../../components/Link.tsx';
import { formatBytes, formatCount } from '../../lib/format.ts';

/**
 * One block per duplicated object: its copies (pack and offset, or loose file), how each is
 * stored, which copy git reads, and whether every copy holds the object's bytes. Virtualized:
 * a folder copied together from several clones can hold many thousands.
 */

const HEAD_HEIGHT = 34;
const COPY_HEIGHT = 28;

function rowHeight(row: DuplicateRow): number {
  return HEAD_HEIGHT + row.copies.length * COPY_HEIGHT + 10;
}

/** `blob, 408 B` or `ref-delta, 4 B of delta`. */
function StoredAs({ copy }: { copy: StoredCopy }) {
  const delta = copy.stored === 'ofs-delta' || copy.stored === 'ref-delta';
  return (
    <>
      <span className="mono">{copy.stored}</span>
      <span className="muted">
        , {formatBytes(copy.storedSize)}
        {delta ? ' of delta' : ''}
      </span>
    </>
  );
}

function Copy({ copy, check }: { copy: StoredCopy; check: DuplicateRow['checks'][number] | undefined }) {
  const where =
    copy.kind === 'loose' ? (
      <HexLink file={copy.file} at={0} title={`open the loose file ${copy.file} in the hex view`}>
        <span className="mono">{copy.file.replace(/^.*objects\//, 'objects/')}</span>
      </HexLink>
    ) : (
      <>
        <Link to={{ view: 'pack', name: copy.pack as string }} className="mono" title={copy.pack}>
          {(copy.pack as string).replace(/^pack-/, '').slice(0, 10)}
        </Link>{' '}
        {copy.offset !== undefined && <HexLink file={copy.file} at={copy.offset} label="entry" />}
      </>
    );
  return (
    <div className={`dp-copy${copy.read ? ' read' : ''}`} data-testid="duplicate-copy" data-kind={copy.kind} data-read={copy.read ? 'yes' : 'no'}>
      <span className="dp-kind">{copy.kind === 'loose' ? 'loose' : 'pack'}</span>
      <span className="dp-where">{where}</span>
      <span className="dp-stored" title={copy.error ?? 'How this copy is stored: the entry header’s type and size (for a delta, the size of the delta data)'}>
        {copy.error ? <span className="dp-bad">{copy.error}</span> : <StoredAs copy={copy} />}
      </span>
      <span className="dp-disk muted">{copy.diskBytes !== undefined ? `${formatBytes(copy.diskBytes)} on disk` : ''}</span>
      <span className="dp-check">
        {check?.idMatches ? (
          <span className="dp-ok">✓ id matches</span>
        ) : (
          <span className="dp-bad" title={check?.error}>
            ✗ {check?.error ?? 'not read'}
          </span>
        )}
      </span>
      <span className="dp-read">{copy.read ? <span className="badge on">git reads this</span> : ''}</span>
    </div>
  );
}

/** The list of duplicated objects. */
export function DuplicatesTable({ rows }: { rows: DuplicateRow[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: (i) => rowHeight(rows[i]), overscan: 6 });
  const total = virtualizer.getTotalSize();
  return (
    <div className="dp-list" ref={scrollRef} style={{ maxHeight: `min(${total + 2}px, 75vh)` }} data-testid="duplicates-list">
      <div style={{ height: total, position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rows[v.index];
          return (
            <div
              key={row.oid}
              className={`dp-item${row.identical ? '' : ' differs'}`}
              style={{ transform: `translateY(${v.start}px)`, height: rowHeight(row) }}
              data-testid="duplicate-row"
              data-oid={row.oid}
            >
              <div className="dp-head">
                <span className={`dp-type type-${row.type ?? 'unknown'}`}>{row.type ?? '?'}</span>
                <OidLink oid={row.oid} />
                <span className="muted">{row.size !== undefined ? formatBytes(row.size) : ''}</span>
                <span className="muted">{formatCount(row.copies.length)} copies</span>
                {row.identical ? <span className="badge on">identical</span> : <span className="badge dp-differs">copies differ</span>}
                <span className="dp-why muted" title={row.reason}>
                  {row.reason}
                </span>
              </div>
              {row.copies.map((c, i) => (
                <Copy key={`${c.file}@${c.offset ?? 0}`} copy={c} check={row.checks[i]} />
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
