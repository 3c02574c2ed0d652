/// <reference lib="webworker" />
import type { BlobBatch } from '../../core/search/blob-batches.ts';
import type { BlobTextOptions } from '../../core/search/blob-text.ts';
import { BatchMatcher } from './batch-matcher.ts';
import type { SearchHelperMessage, SearchHelperRequest } from './protocol.ts';

/**
 * Starts the matcher of one blob-text search: a disposable dedicated worker where workers
 * exist (the browser's engine), or the same code in-process where they do not (Node tests),
 * behind one small interface. `terminate()` stops a worker at once, even in the middle of a
 * regular expression; the in-process matcher can only stop between batches.
 */

/** The engine's handle on a search helper. */
export interface SearchHelper {
  /** Sends a batch; its buffer moves to the helper (the batch must not be used afterwards). */
  send(batch: BlobBatch): void;
  /** Stops the helper; nothing more is delivered. Safe to call twice. */
  terminate(): void;
}

/** Starts a helper for `pattern`; every message it sends (or a failure to start) goes to `listen`. */
export type StartSearchHelper = (pattern: string, options: BlobTextOptions, listen: (message: SearchHelperMessage) => void) => SearchHelper;

/** A dedicated worker when the global `Worker` exists, else in-process. */
export const startSearchHelper: StartSearchHelper = (pattern, options, listen) => (typeof Worker !== 'undefined' ? workerHelper(pattern, options, listen) : inProcessHelper(pattern, options, listen));

function workerHelper(pattern: string, options: BlobTextOptions, listen: (message: SearchHelperMessage) => void): SearchHelper {
  const worker = new Worker(new URL('./helper.ts', import.meta.url), { type: 'module', name: 'packscope search helper' });
  let live = true;
  const deliver = (m: SearchHelperMessage): void => {
    if (live) listen(m);
  };
  worker.onmessage = (event: MessageEvent<SearchHelperMessage>) => deliver(event.data);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    deliver({ t: 'failed', message: event.message || 'the search helper could not start or threw' });
  };
  worker.onmessageerror = () => deliver({ t: 'failed', message: 'a message from the search helper could not be read' });
  const post = (m: SearchHelperRequest, transfer: Transferable[] = []): void => worker.postMessage(m, transfer);
  post({ t: 'start', pattern, options });
  return {
    send(batch) {
      post({ t: 'batch', batch }, [batch.bytes.buffer as ArrayBuffer]);
    },
    terminate() {
      live = false;
      worker.terminate();
    },
  };
}

function inProcessHelper(pattern: string, options: BlobTextOptions, listen: (message: SearchHelperMessage) => void): SearchHelper {
  const matcher = new BatchMatcher(pattern, options);
  let live = true;
  return {
    send(batch) {
      // Answered on a later turn, as a worker would.
      setTimeout(() => {
        if (!live) return;
        const answer = matcher.run(batch, (seq, index) => {
          if (live) listen({ t: 'at', seq, index });
        });
        if (live) listen({ t: 'done', ...answer });
      }, 0);
    },
    terminate() {
      live = false;
    },
  };
}
