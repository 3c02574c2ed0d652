import { useEffect, useRef, useState, type DependencyList } from 'react';
import type { AnalysisSoFar, SizeBlobRow, SizePathRow, SizePathSort } from '../../../protocol/analysis.ts';
import type { WireError } from '../../../protocol/messages.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import { engine } from '../../client.ts';
import { useRequest } from '../../lib/request.ts';
import { asWire } from '../../stores/repo.ts';

/**
 * The size page's worker requests: the analysis (a visible task, with what is known so far
 * while it runs), pages of the path table, and the largest blobs a step at a time.
 */

/** The analysis of the open repository, asked again when `deps` change; its last progress and partial counts for the page. */
export function useSizeAnalysis(deps: DependencyList) {
  const [soFar, setSoFar] = useState<AnalysisSoFar | undefined>(undefined);
  const [progress, setProgress] = useState<Progress | undefined>(undefined);
  const analysis = useRequest(
    'Analysing sizes over history',
    (signal, onProgress) =>
      engine.call(
        'sizeAnalysis',
        {},
        {
          signal,
          onProgress: (p) => {
            onProgress(p);
            setProgress(p);
          },
          onPartial: setSoFar,
        },
      ),
    deps,
  );
  return { analysis, soFar, progress };
}

/** What the path table asks for: one kind, in one order, under a folder, matching a text. */
export interface PathQuery {
  kind: 'file' | 'dir';
  sort: SizePathSort;
  descending: boolean;
  under: number | undefined;
  filter: string;
}

/**
 * Pages of `pageSize` rows of the path table for `query` (`key` names it): `load(page)` asks
 * for one once; a new key starts over (answers to an older one are dropped). `version`
 * changes when a page arrives or the query changes.
 */
export function useSizePathPages(query: PathQuery, key: string, pageSize: number) {
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [error, setError] = useState<WireError | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const pages = useRef(new Map<number, SizePathRow[]>());
  const loading = useRef(new Set<number>());
  const keyRef = useRef(key);

  useEffect(() => {
    keyRef.current = key;
    pages.current = new Map();
    loading.current = new Set();
    setTotal(undefined);
    setError(undefined);
    setVersion((v) => v + 1);
  }, [key]);

  const load = (pageIndex: number) => {
    if (pages.current.has(pageIndex) || loading.current.has(pageIndex)) return;
    loading.current.add(pageIndex);
    const asked = keyRef.current;
    const { kind, sort, descending, under, filter } = query;
    engine
      .call('sizePaths', { kind, sort, descending, start: pageIndex * pageSize, count: pageSize, ...(under !== undefined ? { under } : {}), ...(filter.trim() ? { filter } : {}) })
      .then(
        (answer) => {
          if (keyRef.current !== asked) return;
          pages.current.set(pageIndex, answer.rows);
          setTotal(answer.total);
          setVersion((v) => v + 1);
        },
        (err: unknown) => {
          if (keyRef.current === asked) setError(asWire(err));
        },
      )
      .finally(() => loading.current.delete(pageIndex));
  };
  const rowAt = (i: number): SizePathRow | undefined => pages.current.get(Math.floor(i / pageSize))?.[i % pageSize];
  return { total, error, version, load, rowAt };
}

/** The largest blobs by `sort`, `step` rows at first and `step` more at each `more()`; a new sort starts over. */
export function useLargestBlobs(sort: 'stored' | 'inflated', step: number) {
  const [rows, setRows] = useState<SizeBlobRow[]>([]);
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [want, setWant] = useState(step);
  const [error, setError] = useState<WireError | undefined>(undefined);

  useEffect(() => {
    setRows([]);
    setWant(step);
  }, [sort, step]);
  useEffect(() => {
    if (rows.length >= want) return;
    let live = true;
    engine.call('sizeBlobs', { sort, start: rows.length, count: want - rows.length }).then(
      (answer) => {
        if (!live) return;
        setRows((r) => [...r, ...answer.rows]);
        setTotal(answer.total);
      },
      (err: unknown) => live && setError(asWire(err)),
    );
    return () => {
      live = false;
    };
  }, [sort, want, rows.length]);
  return { rows, total, error, more: () => setWant((w) => w + step) };
}
