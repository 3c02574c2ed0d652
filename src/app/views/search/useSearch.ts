import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { BlobPlaces, SearchMatch, SearchNote, SearchQuery, SearchScope, SearchSummary } from '../../../protocol/search.ts';
import { engine } from '../../client.ts';
import { asWire } from '../../stores/repo.ts';
import { isCancelled, runTask } from '../../stores/tasks.ts';

/**
 * One streamed search: matches arrive in chunks while the worker scans and are shown at once
 * (gathered for at most FLUSH_MS so a fast scan does not re-render per chunk). Cancel stops
 * the worker's loop; what was found so far stays on screen.
 */

const FLUSH_MS = 80;

export interface SearchState {
  /** `stopped`: the engine stopped a text search whose pattern ran past the time limit on one blob (`summary.timedOut`). */
  status: 'idle' | 'running' | 'done' | 'stopped' | 'cancelled' | 'error';
  matches: SearchMatch[];
  notes: SearchNote[];
  scanned: number;
  total: number;
  label: string;
  summary?: SearchSummary;
  error?: WireError;
}

const IDLE: SearchState = { status: 'idle', matches: [], notes: [], scanned: 0, total: 0, label: '' };

/** Runs `query` (within `scope`, when set) whenever `key` changes; `cancel` stops it. */
export function useSearch(query: SearchQuery | undefined, key: string, scope?: SearchScope): SearchState & { cancel: () => void; rerun: () => void } {
  const [state, setState] = useState<SearchState>(IDLE);
  const [attempt, setAttempt] = useState(0);
  const controller = useRef<AbortController | undefined>(undefined);
  const queryRef = useRef(query);
  queryRef.current = query;
  const scopeRef = useRef(scope);
  scopeRef.current = scope;

  useEffect(() => {
    const q = queryRef.current;
    if (!q) {
      setState(IDLE);
      return;
    }
    const c = new AbortController();
    controller.current = c;
    // False once another search replaced this one (its late answers are ignored).
    let live = true;
    let pending: { matches: SearchMatch[]; notes: SearchNote[]; scanned: number; total: number; label: string } = { matches: [], notes: [], scanned: 0, total: 0, label: 'Starting' };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = (): void => {
      timer = undefined;
      if (!live) return;
      const p = pending;
      pending = { ...p, matches: [], notes: [] };
      setState((s) => ({
        ...s,
        matches: p.matches.length ? s.matches.concat(p.matches) : s.matches,
        notes: p.notes.length ? s.notes.concat(p.notes) : s.notes,
        scanned: p.scanned,
        total: p.total,
        label: p.label,
      }));
    };
    const schedule = (): void => {
      timer ??= setTimeout(flush, FLUSH_MS);
    };
    setState({ ...IDLE, status: 'running', label: 'Starting' });
    runTask(
      'Searching',
      (signal, onProgress) =>
        engine.call('search', scopeRef.current ? { query: q, scope: scopeRef.current } : { query: q }, {
          signal,
          onProgress: (p) => {
            onProgress(p);
            pending.scanned = p.done;
            pending.total = p.total;
            pending.label = p.label;
            schedule();
          },
          onPartial: (chunk) => {
            pending.matches.push(...chunk.matches);
            pending.notes.push(...chunk.notes);
            pending.scanned = chunk.scanned;
            pending.total = chunk.total;
            schedule();
          },
        }),
      c.signal,
    ).then(
      (summary) => {
        if (timer) clearTimeout(timer);
        flush();
        if (live) setState((s) => ({ ...s, status: summary.timedOut ? 'stopped' : 'done', summary, scanned: summary.scanned, total: summary.total }));
      },
      (err: unknown) => {
        if (timer) clearTimeout(timer);
        if (!live) return;
        // What was found before the cancel stays.
        const stopped = isCancelled(err);
        const p = pending;
        setState((s) => ({
          ...s,
          matches: s.matches.concat(p.matches),
          notes: s.notes.concat(p.notes),
          status: stopped ? 'cancelled' : 'error',
          error: stopped ? undefined : asWire(err),
        }));
      },
    );
    return () => {
      live = false;
      c.abort();
      if (timer) clearTimeout(timer);
    };
  }, [key, attempt]);

  const cancel = useCallback(() => controller.current?.abort(), []);
  const rerun = useCallback(() => setAttempt((a) => a + 1), []);
  return { ...state, cancel, rerun };
}

/** Where each blob of the results (and each of `more`) appears; asked in batches as blob matches arrive. */
export function useBlobPlaces(matches: SearchMatch[], key: string, more: string | undefined = undefined): { places: Map<string, BlobPlaces>; error: WireError | undefined } {
  const [places, setPlaces] = useState<Map<string, BlobPlaces>>(new Map());
  const [error, setError] = useState<WireError | undefined>();
  const asked = useRef(new Set<string>());
  const queue = useRef<string[]>([]);
  const running = useRef(false);
  const controller = useRef<AbortController>(new AbortController());

  useEffect(() => {
    const c = new AbortController();
    controller.current = c;
    asked.current = new Set();
    queue.current = [];
    running.current = false;
    setPlaces(new Map());
    setError(undefined);
    return () => c.abort();
  }, [key]);

  useEffect(() => {
    // A limited search's blobs carry their places (within its scope): only the others are looked up.
    for (const oid of [...matches.filter((m) => m.kind === 'blob' && !m.places).map((m) => m.oid), ...(more ? [more] : [])]) {
      if (asked.current.has(oid)) continue;
      asked.current.add(oid);
      queue.current.push(oid);
    }
    if (running.current || queue.current.length === 0) return;
    running.current = true;
    const c = controller.current;
    void (async () => {
      try {
        while (queue.current.length > 0 && !c.signal.aborted) {
          const oids = queue.current.splice(0, 100);
          const answer = await runTask('Finding where the blobs appear', (signal, onProgress) => engine.call('blobPlaces', { oids, limit: 5 }, { signal, onProgress }), c.signal);
          if (c.signal.aborted) return;
          setPlaces((prev) => {
            const next = new Map(prev);
            for (const b of answer.blobs) next.set(b.oid, b);
            return next;
          });
        }
      } catch (err) {
        if (!c.signal.aborted && !isCancelled(err)) setError(asWire(err));
      } finally {
        if (controller.current === c) running.current = false;
      }
    })();
  }, [matches, key, more]);

  return { places, error };
}
