import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { CombinedFileInfo, DiffEnds, DiffFileInfo, DiffTarget } from '../../../protocol/diff.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import { engine } from '../../client.ts';
import { asWire } from '../../stores/repo.ts';
import { isCancelled, runTask } from '../../stores/tasks.ts';

/** Files asked for per page: the worker counts lines for these only. */
export const FILES_PAGE = 500;

/** A comparison's file list as it arrives, page by page. */
export interface DiffList<F> {
  files: F[];
  /** Files in the whole comparison (as far as the worker went: see `truncated`). */
  total: number | undefined;
  truncated: boolean;
  ends: DiffEnds | undefined;
  renames: 'full' | 'exact-only' | 'off';
  /** Sums of the line counts of the files loaded so far. */
  added: number;
  deleted: number;
  status: 'loading' | 'idle' | 'error' | 'cancelled';
  error: WireError | undefined;
  /** Everything is loaded. */
  done: boolean;
}

const EMPTY = { files: [], total: undefined, truncated: false, ends: undefined, renames: 'off', added: 0, deleted: 0, status: 'loading', error: undefined, done: false } as const;

type Page<F> = { files: F[]; total: number; truncated: boolean; ends: DiffEnds; renames: DiffList<F>['renames']; added: number; deleted: number };

/**
 * Pages of a comparison's file list: the first page at once, the next when `more()` is called
 * (the views call it when the end of what they show comes near). A new target starts over.
 */
function usePagedList<F>(
  key: string,
  label: string,
  fetchPage: (start: number, signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<Page<F>>,
): DiffList<F> & { more: () => void; retry: () => void } {
  const [list, setList] = useState<DiffList<F>>({ ...EMPTY, files: [] });
  const latest = useRef(list);
  latest.current = list;
  const controller = useRef<AbortController | undefined>(undefined);
  const busy = useRef(false);
  const loaded = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = useCallback(() => {
    const c = controller.current;
    if (!c || c.signal.aborted || busy.current) return;
    busy.current = true;
    setList((l) => ({ ...l, status: 'loading', error: undefined }));
    runTask(label, (signal, onProgress) => fetchRef.current(loaded.current, signal, onProgress), c.signal)
      .then(
        (page) => {
          if (c.signal.aborted) return;
          loaded.current += page.files.length;
          setList((l) => {
            const files = [...l.files, ...page.files];
            return {
              files,
              total: page.total,
              truncated: page.truncated,
              ends: page.ends,
              renames: page.renames,
              added: page.added,
              deleted: page.deleted,
              status: 'idle',
              error: undefined,
              done: files.length >= page.total || page.files.length === 0,
            };
          });
        },
        (err: unknown) => {
          if (c.signal.aborted) return;
          setList((l) => (isCancelled(err) ? { ...l, status: 'cancelled' } : { ...l, status: 'error', error: asWire(err) }));
        },
      )
      .finally(() => {
        if (controller.current === c) busy.current = false;
      });
  }, [label]);

  useEffect(() => {
    const c = new AbortController();
    controller.current = c;
    busy.current = false;
    loaded.current = 0;
    setList({ ...EMPTY, files: [] });
    load();
    return () => c.abort();
  }, [key, load]);

  const more = useCallback(() => {
    const l = latest.current;
    if (!l.done && l.status === 'idle') load();
  }, [load]);

  return { ...list, more, retry: load };
}

/** What a commit changed against one parent, or what differs between two names: `git diff-tree -r -M`. */
export function useDiffFiles(target: DiffTarget) {
  const key = JSON.stringify(target);
  return usePagedList<DiffFileInfo>(key, 'Comparing trees', async (start, signal, onProgress) => {
    const page = await engine.call('diffFiles', { target, start, count: FILES_PAGE }, { signal, onProgress });
    return { files: page.files, total: page.total, truncated: page.truncated, ends: page.ends, renames: page.renames, added: page.addedSoFar, deleted: page.deletedSoFar };
  });
}

/**
 * A merge's combined view: the files that differ from every parent, all of them (`git diff-tree
 * -c`) or, `dense`, those with a hunk of the merge's own (`--cc`).
 */
export function useCombinedFiles(rev: string, dense: boolean) {
  return usePagedList<CombinedFileInfo>(`combined:${rev}:${dense}`, 'Comparing with every parent', async (start, signal, onProgress) => {
    const page = await engine.call('diffCombined', { rev, start, count: FILES_PAGE, dense }, { signal, onProgress });
    return { files: page.files, total: page.total, truncated: page.truncated, ends: page.ends, renames: 'off', added: 0, deleted: 0 };
  });
}
