import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import { asWire } from '../../stores/repo.ts';
import { isCancelled, runTask } from '../../stores/tasks.ts';

/** The state of one engine request a view waits for. `data` keeps the last answer while the next loads. */
export type RequestState<T> =
  | { status: 'idle'; data: undefined }
  | { status: 'loading'; data: T | undefined }
  | { status: 'done'; data: T }
  | { status: 'error'; error: WireError; data: T | undefined }
  | { status: 'cancelled'; data: T | undefined };

/** Work handed to `runTask`: honours the signal, reports progress. */
export type RequestWork<T> = (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<T>;

/**
 * Runs a request as a visible, cancellable task whenever `deps` change, and cancels it when
 * the view goes away or asks for something else. `work` undefined means nothing to ask yet.
 * A cancel from the task bar leaves the view in `cancelled`, with `retry` to ask again.
 */
export function useRequest<T>(label: string, work: RequestWork<T> | undefined, deps: DependencyList): RequestState<T> & { retry: () => void } {
  const [state, setState] = useState<RequestState<T>>(work ? { status: 'loading', data: undefined } : { status: 'idle', data: undefined });
  const [attempt, setAttempt] = useState(0);
  const workRef = useRef(work);
  workRef.current = work;

  useEffect(() => {
    const current = workRef.current;
    if (!current) {
      setState({ status: 'idle', data: undefined });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ status: 'loading', data: s.data }));
    runTask(label, current, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'done', data });
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        if (isCancelled(err)) setState((s) => ({ status: 'cancelled', data: s.data }));
        else setState((s) => ({ status: 'error', error: asWire(err), data: s.data }));
      },
    );
    return () => controller.abort();
    // The caller's deps decide when to ask again; `work` is read through a ref.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);

  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { ...state, retry };
}
