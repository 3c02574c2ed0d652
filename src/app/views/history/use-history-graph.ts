import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { GraphQuery, GraphRowInfo } from '../../../protocol/history-graph.ts';
import { engine } from '../../client.ts';
import { asWire } from '../../stores/repo.ts';
import { isCancelled, runTask } from '../../stores/tasks.ts';

/** Rows in the first page: what fills a screen, fast (each row more may need the walk to go further). */
const FIRST_PAGE = 50;
/** Rows in later pages. */
const PAGE = 1_000;
/** Keep this many rows loaded beyond the last one on screen. */
const AHEAD = 2_000;

/** What the graph view holds. */
export interface HistoryGraphState {
  rows: GraphRowInfo[];
  done: boolean;
  status: 'loading' | 'idle' | 'error' | 'cancelled';
  error?: WireError;
  /** Commits the worker's walk has read. */
  walked: number;
  unreachableCommits?: number;
  /** Milliseconds from asking to the first rows, and to the last (when done). */
  firstRowsMs?: number;
  allRowsMs?: number;
  /** Times the rows were started over (a skewed clock). */
  restarts: number;
}

/**
 * Pages of the history graph from the worker: the first small page at once, then more while
 * the rows on screen come within AHEAD of the end (or all of them when `loadAll`). A change of
 * generation drops everything and starts again from row 0.
 */
export function useHistoryGraph(query: GraphQuery, lastVisible: number, loadAll: boolean): HistoryGraphState & { retry: () => void } {
  const [state, setState] = useState<HistoryGraphState>({ rows: [], done: false, status: 'loading', walked: 0, restarts: 0 });
  const generation = useRef(0);
  const inFlight = useRef(false);
  const began = useRef(performance.now());
  const controller = useRef<AbortController | undefined>(undefined);
  const key = JSON.stringify(query);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const c = new AbortController();
    controller.current = c;
    generation.current = 0;
    inFlight.current = false;
    began.current = performance.now();
    setState({ rows: [], done: false, status: 'loading', walked: 0, restarts: 0 });
    return () => c.abort();
  }, [key, attempt]);

  const load = useCallback(
    (start: number, count: number) => {
      const c = controller.current;
      if (!c || c.signal.aborted || inFlight.current) return;
      inFlight.current = true;
      setState((s) => ({ ...s, status: 'loading' }));
      runTask('Drawing the history graph', (signal, onProgress) => engine.call('historyGraph', { query: JSON.parse(key) as GraphQuery, start, count }, { signal, onProgress }), c.signal).then(
        (page) => {
          if (c.signal.aborted) return;
          inFlight.current = false;
          setState((s) => {
            const restarted = page.generation !== generation.current;
            generation.current = page.generation;
            // Rows of an older generation are wrong: start over from what this page holds, if it starts at 0.
            const base = restarted ? [] : s.rows;
            const rows = base.length === page.start ? base.concat(page.rows) : restarted && page.start === 0 ? page.rows : base;
            const now = performance.now();
            return {
              rows,
              done: page.done && rows.length === page.produced,
              status: 'idle',
              walked: page.walked,
              unreachableCommits: page.unreachableCommits,
              firstRowsMs: s.firstRowsMs ?? (rows.length > 0 || page.done ? now - began.current : undefined),
              allRowsMs: page.done && rows.length === page.produced ? (s.allRowsMs ?? now - began.current) : undefined,
              restarts: s.restarts + (restarted ? 1 : 0),
            };
          });
        },
        (err: unknown) => {
          if (c.signal.aborted) return;
          inFlight.current = false;
          if (isCancelled(err)) setState((s) => ({ ...s, status: 'cancelled' }));
          else setState((s) => ({ ...s, status: 'error', error: asWire(err) }));
        },
      );
    },
    [key],
  );

  // Ask for the next page whenever the last one has arrived and more rows are wanted.
  const { rows, done, status } = state;
  useEffect(() => {
    if (status === 'error' || status === 'cancelled' || done || inFlight.current) return;
    const wanted = loadAll || rows.length === 0 || lastVisible + AHEAD > rows.length;
    if (!wanted) return;
    load(rows.length, rows.length === 0 ? FIRST_PAGE : PAGE);
  }, [rows.length, done, status, lastVisible, loadAll, load]);

  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { ...state, retry };
}
