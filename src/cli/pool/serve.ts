import { parentPort } from 'node:worker_threads';
import type { WorkerEnvelope } from './pool.ts';

/** Posts one partial result of the running job, transferring `transfer`. */
export type PostPartial<P> = (partial: P, transfer?: readonly ArrayBuffer[]) => void;

/**
 * The worker side of WorkerPool: `setup` runs once, then every job posted by the pool is
 * handled in turn. An exception escaping `handle` is not caught: it kills the worker, which
 * the pool reports and restarts.
 */
export function serveJobs<C, J, P, R>(setup: () => Promise<C>, handle: (context: C, job: J, post: PostPartial<P>) => R): void {
  const port = parentPort;
  if (!port) throw new Error('serveJobs runs in a worker thread');
  const ready = setup();
  const post: PostPartial<P> = (partial, transfer = []) => {
    port.postMessage({ t: 'partial', m: partial } satisfies WorkerEnvelope<P, R>, transfer as ArrayBuffer[]);
  };
  // Jobs arrive one at a time (the pool waits for each result), so chaining keeps them ordered
  // even while `setup` is still running.
  let queue: Promise<unknown> = ready;
  port.on('message', (job: J) => {
    queue = queue.then(async () => {
      const result = handle(await ready, job, post);
      port.postMessage({ t: 'result', m: result } satisfies WorkerEnvelope<P, R>);
    });
  });
}
