import { useCallback, useEffect, useRef, useState } from 'react';
import type { WireError } from '../../../core/errors.ts';
import type { Progress } from '../../../protocol/rpc.ts';
import { asWire } from '../../stores/repo.ts';
import { isCancelled, runTask } from '../../stores/tasks.ts';

/** One on-demand load (the whole blob, its whole text): not asked yet, under way, there, or failed. */
export type Load<T> = { status: 'idle' } | { status: 'loading' } | { status: 'done'; value: T } | { status: 'error'; error: WireError };

/**
 * A load started on demand, at most once at a time, run as a visible cancellable task and
 * cancelled when the component unmounts. A cancel from the task bar returns to `idle`.
 */
export function useLoad<T>(): [Load<T>, (label: string, work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<T>) => Promise<T | undefined>] {
  const [state, setState] = useState<Load<T>>({ status: 'idle' });
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

  const start = useCallback((label: string, work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<T>) => {
    if (pending.current) return pending.current;
    const signal = controller.current?.signal;
    setState({ status: 'loading' });
    const p = runTask(label, work, signal).then(
      (value) => {
        if (!signal?.aborted) setState({ status: 'done', value });
        return value;
      },
      (err: unknown) => {
        pending.current = undefined;
        if (!signal?.aborted) setState(isCancelled(err) ? { status: 'idle' } : { status: 'error', error: asWire(err) });
        return undefined;
      },
    );
    pending.current = p;
    return p;
  }, []);

  return [state, start];
}
