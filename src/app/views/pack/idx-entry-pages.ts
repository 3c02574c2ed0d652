import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { IdxEntryRow } from '../../../protocol/anatomy.ts';
import { engine } from '../../client.ts';
import { asWire } from '../../stores/repo.ts';

/** The idx entries table's worker requests: pages of entries in id order, and the 8-byte offset table's entries. */

/** Rows per page of the entries table. */
export const IDX_PAGE = 500;

/** Pages of the idx `pack`'s entries, fetched once each when asked; `version` changes when one arrives. */
export function useIdxEntryPages(pack: string): { fetchPage: (page: number) => void; rowAt: (i: number) => IdxEntryRow | undefined; version: number; error: WireError | undefined } {
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<WireError | undefined>(undefined);
  const pages = useRef(new Map<number, IdxEntryRow[] | 'loading'>());
  const fetchPage = useCallback(
    (page: number) => {
      if (pages.current.has(page)) return;
      pages.current.set(page, 'loading');
      engine.call('idxEntries', { pack, start: page * IDX_PAGE, count: IDX_PAGE }).then(
        (r) => {
          pages.current.set(page, r.rows);
          setVersion((v) => v + 1);
        },
        (err: unknown) => {
          pages.current.delete(page);
          setError(asWire(err));
        },
      );
    },
    [pack],
  );
  const rowAt = (i: number): IdxEntryRow | undefined => {
    const page = pages.current.get(Math.floor(i / IDX_PAGE));
    return page && page !== 'loading' ? page[i % IDX_PAGE] : undefined;
  };
  return { fetchPage, rowAt, version, error };
}

/** The entries whose offsets live in the 8-byte table, in table order, 200 more at each `more()` (the first at once). */
export function useLargeOffsetRows(pack: string): { rows: IdxEntryRow[]; error: WireError | undefined; loading: boolean; more: () => void } {
  const [rows, setRows] = useState<IdxEntryRow[]>([]);
  const [error, setError] = useState<WireError | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const more = useCallback(() => {
    setLoading(true);
    engine.call('idxEntries', { pack, start: rows.length, count: 200, largeOnly: true }).then(
      (r) => {
        setRows((prev) => [...prev, ...r.rows]);
        setLoading(false);
      },
      (err: unknown) => {
        setError(asWire(err));
        setLoading(false);
      },
    );
  }, [pack, rows.length]);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    more();
  }, [more]);
  return { rows, error, loading, more };
}
