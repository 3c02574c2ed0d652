/// <reference lib="webworker" />
import type { SearchHelperMessage, SearchHelperRequest } from './protocol.ts';
import { BatchMatcher } from './batch-matcher.ts';

/**
 * A search helper: matches the blobs the engine sends against one pattern and posts what it
 * finds. It holds nothing else; the engine terminates it whenever it likes.
 */

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: SearchHelperMessage): void => scope.postMessage(message);
let matcher: BatchMatcher | undefined;

scope.onmessage = (event: MessageEvent<SearchHelperRequest>) => {
  const m = event.data;
  try {
    if (m.t === 'start') matcher = new BatchMatcher(m.pattern, m.options);
    else if (!matcher) throw new Error('a batch came before the pattern');
    else post({ t: 'done', ...matcher.run(m.batch, (seq, index) => post({ t: 'at', seq, index })) });
  } catch (err) {
    post({ t: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
};
