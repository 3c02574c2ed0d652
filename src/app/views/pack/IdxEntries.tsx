import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { IdxAnatomy } from '../../../protocol/anatomy.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { OidLink } from '../../components/Link.tsx';
import { formatCount } from '../../lib/format.ts';
import { hex8 } from './format.ts';
import { idxEntryOffsets } from './idx-layout.ts';
import { IDX_PAGE, useIdxEntryPages, useLargeOffsetRows } from './idx-entry-pages.ts';
import { HexLink, OffsetText } from '../../components/HexLink.tsx';

/**
 * Every idx entry in id order, virtualized (only the rows in view exist) and fetched a page at
 * a time. Browsers cap an element's height near 16M px, so past WINDOW rows the list is shown
 * a window at a time; "Go to position" picks the window.
 */

const ROW = 28;
/** Rows per window: 400,000 × 28 px stays under every browser's height limit. */
const WINDOW = 400_000;

/** The entries table of one idx. */
export function IdxEntries({ anatomy, packFile, hashBytes }: { anatomy: IdxAnatomy; packFile: string; hashBytes: number }) {
  const total = anatomy.objects;
  const [windowStart, setWindowStart] = useState(0);
  const [target, setTarget] = useState<number | undefined>(undefined);
  const [goto, setGoto] = useState('');
  const { fetchPage, rowAt, version, error } = useIdxEntryPages(anatomy.pack);
  const scrollRef = useRef<HTMLDivElement>(null);
  const inWindow = Math.max(0, Math.min(WINDOW, total - windowStart));

  const virtualizer = useVirtualizer({ count: inWindow, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 12, useFlushSync: false });
  const items = virtualizer.getVirtualItems();

  const first = items.length ? windowStart + items[0].index : 0;
  const last = items.length ? windowStart + items[items.length - 1].index : -1;
  useEffect(() => {
    for (let p = Math.floor(first / IDX_PAGE); p <= Math.floor(last / IDX_PAGE); p++) fetchPage(p);
  }, [first, last, fetchPage]);

  useEffect(() => {
    if (target === undefined || target < windowStart || target >= windowStart + inWindow) return;
    virtualizer.scrollToIndex(target - windowStart, { align: 'center' });
    // Scroll once the target's window is shown.
  }, [target, windowStart, inWindow]);

  const onGoto = (e: FormEvent) => {
    e.preventDefault();
    const text = goto.trim();
    const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : Number(text.replace(/[,_\s]/g, ''));
    if (!Number.isInteger(n) || n < 0 || n >= total) return;
    setWindowStart(Math.floor(n / WINDOW) * WINDOW);
    setTarget(n);
  };
  const gotoValid = (() => {
    const text = goto.trim();
    if (text === '') return true;
    const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : Number(text.replace(/[,_\s]/g, ''));
    return Number.isInteger(n) && n >= 0 && n < total;
  })();

  void version;
  return (
    <div className="pk-entries">
      <form className="toolbar" onSubmit={onGoto}>
        <label className="pk-goto">
          Go to position{' '}
          <input type="text" inputMode="numeric" value={goto} onChange={(e) => setGoto(e.target.value)} placeholder={`0 – ${formatCount(total - 1)}`} aria-invalid={!gotoValid} size={12} />
        </label>
        <button type="submit" disabled={!gotoValid || goto.trim() === ''}>
          Go
        </button>
        {!gotoValid && <span className="warn">Positions run from 0 to {formatCount(total - 1)}.</span>}
        {total > WINDOW && (
          <span className="pk-window" role="group" aria-label="Entries window">
            <span className="muted">
              Entries {formatCount(windowStart)}–{formatCount(windowStart + inWindow - 1)} of {formatCount(total)}
            </span>
            <button type="button" className="small" disabled={windowStart === 0} onClick={() => setWindowStart(Math.max(0, windowStart - WINDOW))}>
              Previous
            </button>
            <button type="button" className="small" disabled={windowStart + inWindow >= total} onClick={() => setWindowStart(windowStart + WINDOW)}>
              Next
            </button>
          </span>
        )}
      </form>
      {error && <ErrorBox error={error} title="Entries of the idx could not be read" />}
      <div className="pk-entries-wide">
        <div className="pk-entries-head" aria-hidden="true">
          <span className="num">Position</span>
          <span>Object id</span>
          <span>Offset in the pack</span>
          <span>CRC32</span>
          <span>8-byte offset</span>
          <span>In the idx</span>
        </div>
        <div ref={scrollRef} className="pk-entries-scroll" tabIndex={0} role="region" aria-label={`Entries of ${anatomy.file}, in object id order`} data-testid="idx-entries">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const i = windowStart + item.index;
              const row = rowAt(i);
              const at = idxEntryOffsets(anatomy, hashBytes, i);
              return (
                <div
                  key={item.key}
                  className={i === target ? 'pk-entry target' : 'pk-entry'}
                  style={{ transform: `translateY(${item.start}px)` }}
                  data-testid={row ? 'idx-entry' : 'idx-entry-loading'}
                  data-oid={row?.oid}
                  data-position={i}
                >
                  <span className="num mono">{formatCount(i)}</span>
                  {row ? (
                    <>
                      <span className="pk-entry-oid">
                        <OidLink oid={row.oid} full />
                      </span>
                      <span className="nowrap">
                        <HexLink file={packFile} at={row.offset} label="the entry in the pack" />
                      </span>
                      <span className="mono">{row.crc === undefined ? <span className="muted">— (v1)</span> : hex8(row.crc)}</span>
                      <span>
                        {row.large ? (
                          <span className="badge on" title={`The 4-byte offset has its high bit set: the offset is in slot ${row.largeIndex} of the 8-byte table`}>
                            slot {formatCount(row.largeIndex ?? 0)}
                          </span>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </span>
                      <span className="nowrap">
                        <HexLink file={anatomy.file} at={at.id} label="this entry's object id in the idx">
                          id
                        </HexLink>
                        {at.crc !== undefined && (
                          <>
                            {' · '}
                            <HexLink file={anatomy.file} at={at.crc} label="this entry's CRC32 in the idx">
                              crc
                            </HexLink>
                          </>
                        )}
                        {' · '}
                        <HexLink file={anatomy.file} at={at.offset} label="this entry's 4-byte offset in the idx">
                          offset
                        </HexLink>
                      </span>
                    </>
                  ) : (
                    <span className="muted pk-entry-loading">reading…</span>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}

/** The entries whose offsets live in the 8-byte table, in table order. */
export function LargeOffsets({ anatomy, packFile, tableAt }: { anatomy: IdxAnatomy; packFile: string; tableAt: number }) {
  const { rows, error, loading, more } = useLargeOffsetRows(anatomy.pack);
  return (
    <div className="pk-large">
      {error && <ErrorBox error={error} title="The 8-byte offset table could not be read" />}
      <div className="table-scroll pk-large-scroll">
        <table className="data" data-testid="large-offsets">
          <thead>
            <tr>
              <th className="num">Slot</th>
              <th>Slot bytes in the idx</th>
              <th>Offset in the pack</th>
              <th className="num">Entry position</th>
              <th>Object id</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.largeIndex} data-testid="large-offset" data-oid={r.oid}>
                <td className="num mono">{formatCount(r.largeIndex ?? 0)}</td>
                <td>
                  <HexLink file={anatomy.file} at={tableAt + (r.largeIndex ?? 0) * 8} label={`8-byte offset slot ${r.largeIndex}`} />
                </td>
                <td>{r.position >= 0 ? <HexLink file={packFile} at={r.offset} label="the entry in the pack" /> : <OffsetText value={r.offset} />}</td>
                <td className="num">{r.position >= 0 ? formatCount(r.position) : <span className="warn">no entry points here</span>}</td>
                <td>{r.oid ? <OidLink oid={r.oid} /> : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        {formatCount(rows.length)} of {formatCount(anatomy.largeOffsets)} slots shown.{' '}
        {rows.length < anatomy.largeOffsets && (
          <button type="button" className="small" onClick={more} disabled={loading}>
            {loading ? 'Reading…' : 'Show 200 more'}
          </button>
        )}
      </p>
    </div>
  );
}
