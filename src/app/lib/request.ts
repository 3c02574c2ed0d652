import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import type { WireError } from '../../core/errors.ts';
import type { ArgsOf, RequestName, ResultOf } from '../../protocol/messages.ts';
import type { Progress } from '../../protocol/rpc.ts';
import { engine } from '../client.ts';
import { asWire } from '../stores/repo.ts';
import { isCancelled, runTask } from '../stores/tasks.ts';

/**
 * The one shape of a request's state in the app, whoever asks (a view's request, a load on
 * demand, a store's long job): not asked, under way (with progress where the asker follows it),
 * answered, failed, or cancelled. `data` keeps the last answer while the next loads.
 */
export type RequestState<T> =
  | { status: 'idle'; data: undefined }
  | { status: 'loading'; data: T | undefined; progress?: Progress }
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

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps (and a retry's attempt) decide when to ask again; `work` is read through a ref and `label` only names the task.
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
  }, [...deps, attempt]);

  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { ...state, retry };
}

/**
 * One worker request as a view's state, typed from the protocol map: `args` undefined means
 * nothing to ask yet. The hook beside the client that views use instead of calling the worker.
 */
export function useWorkerRequest<K extends RequestName>(label: string, name: K, args: ArgsOf<K> | undefined, deps: DependencyList): RequestState<ResultOf<K>> & { retry: () => void } {
  return useRequest<ResultOf<K>>(label, args === undefined ? undefined : (signal, onProgress) => engine.call(name, args, { signal, onProgress }), deps);
}

/**
 * A request started on demand (a click), at most one at a time, run as a visible cancellable
 * task and cancelled when the component unmounts. A cancel from the task bar returns to `idle`.
 */
export function useOnDemand<T>(): [RequestState<T>, (label: string, work: RequestWork<T>) => Promise<T | undefined>] {
  const [state, setState] = useState<RequestState<T>>({ status: 'idle', data: undefined });
  const controller = useRef<AbortController | undefined>(undefined);
  const pending = useRef<Promise<T | undefined> | undefined>(undefined);

  useEffect(() => {
    const c = new AbortController();
    controller.current = c;
    return () => {
      c.abort();
      pending.current = undefined;
    };
  }, []);

  const start = useCallback((label: string, work: RequestWork<T>) => {
    if (pending.current) return pending.current;
    const signal = controller.current?.signal;
    setState({ status: 'loading', data: undefined });
    const p = runTask(label, work, signal).then(
      (data) => {
        if (!signal?.aborted) setState({ status: 'done', data });
        return data;
      },
      (err: unknown) => {
        pending.current = undefined;
        if (!signal?.aborted) setState(isCancelled(err) ? { status: 'idle', data: undefined } : { status: 'error', error: asWire(err), data: undefined });
        return undefined;
      },
    );
    pending.current = p;
    return p;
  }, []);

  return [state, start];
}

/** A worker request started on demand, typed from the protocol map (useOnDemand over `engine.call`). */
export function useWorkerOnDemand<K extends RequestName>(): [RequestState<ResultOf<K>>, (label: string, name: K, args: ArgsOf<K>) => Promise<ResultOf<K> | undefined>] {
  const [state, start] = useOnDemand<ResultOf<K>>();
  const ask = useCallback((label: string, name: K, args: ArgsOf<K>) => start(label, (signal, onProgress) => engine.call(name, args, { signal, onProgress })), [start]);
  return [state, ask];
}
