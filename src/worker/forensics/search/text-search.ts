import { BlobBatchScan } from '../../../core/search/blob-batch-scan.ts';
import { DEFAULT_BLOB_OPTIONS } from '../../../core/search/blob-search.ts';
import type { BlobTextOptions } from '../../../core/search/blob-text.ts';
import { compileMatcher } from '../../../core/search/matcher.ts';
import type { StreamContext } from '../../../protocol/rpc.ts';
import { TEXT_SEARCH_BLOB_LIMIT_MS, type SearchChunk, type SearchQuery, type SearchScope, type SearchSummary } from '../../../protocol/search.ts';
import { scopeOf } from './scope.ts';
import { blobRowsIn, limits, rowsOf, scopeFacts, searchSummary } from '../../../core/search/query-scan.ts';
import type { Session } from '../../session.ts';
import { jobs, ownerKey } from '../../jobs.ts';
import { HelperDeadline } from '../../search-helper/deadline.ts';
import { startSearchHelper, type StartSearchHelper } from '../../search-helper/host.ts';

/**
 * Text in blobs, with the matching outside the engine: the engine reads the blobs (in slices of
 * its job queue, as every scan) and sends their bytes in batches to a disposable search helper
 * (search-helper/), which matches them against the pattern and answers each batch. A pattern
 * that backtracks without end can only hold the helper: the engine keeps answering, terminates
 * the helper on cancel, and stops the search when one blob has run past the time limit, naming
 * it. Reading the next batch while the helper matches this one also puts a second core to work.
 */

/** Batches sent and not yet answered: one being matched, one waiting, while the engine reads the next. */
const IN_FLIGHT = 2;
/** Batch limits: a few MB moved at a time, and not so many blobs that progress looks stuck. */
const BATCH = { bytes: 2 * 1024 * 1024, blobs: 512 };

/** Test hooks: a shorter limit, another helper. */
export interface TextSearchOptions {
  timeLimitMs?: number;
  startHelper?: StartSearchHelper;
}

type TextQuery = Extract<SearchQuery, { kind: 'text' }>;

let textSearches = 0;

/** Runs one blob text search; resolves with its summary (with `timedOut` when a blob ran too long). */
export async function runTextSearch(session: Session, query: TextQuery, ctx: StreamContext<SearchChunk>, options: TextSearchOptions = {}, scope?: SearchScope): Promise<SearchSummary> {
  const started = performance.now();
  const limitMs = options.timeLimitMs ?? TEXT_SEARCH_BLOB_LIMIT_MS;
  // A typo or a refused pattern is reported before the (possibly long) type scan.
  compileMatcher(query.pattern, query);
  const table = await session.scanTypes(ctx);
  // A limited search reads only the blobs of its scope, and says where each appears within it.
  const inScope = limits(scope) ? await scopeOf(session, scope, true, ctx) : undefined;
  const rows = blobRowsIn(table, inScope);
  const scan = new BlobBatchScan(session.db, rowsOf(table, [rows], 'blob'), rows.length, { includeBinary: query.includeBinary, maxBlobBytes: DEFAULT_BLOB_OPTIONS.maxBlobBytes, batch: BATCH });
  const textOptions: BlobTextOptions = {
    regex: query.regex,
    caseSensitive: query.caseSensitive,
    maxLinesPerBlob: DEFAULT_BLOB_OPTIONS.maxLinesPerBlob,
    context: DEFAULT_BLOB_OPTIONS.context,
    blobTimeBoxMs: DEFAULT_BLOB_OPTIONS.blobTimeBoxMs,
  };

  const deadline = new HelperDeadline(limitMs);
  const inFlight = new Map<number, number>(); // batch seq -> blobs in it
  let failure: string | undefined;
  let timedOut: SearchSummary['timedOut'];
  // Settles when the helper says something, so the job queue sleeps while it works.
  let wake: () => void = () => undefined;
  let woken = new Promise<void>((resolve) => (wake = resolve));
  const signal = (): void => {
    wake();
    woken = new Promise<void>((resolve) => (wake = resolve));
  };

  const helper = (options.startHelper ?? startSearchHelper)(query.pattern, textOptions, (m) => {
    if (m.t === 'at') deadline.started(m.seq, m.index);
    else if (m.t === 'done') {
      deadline.answered(m.seq);
      scan.accept(inFlight.get(m.seq) ?? 0, m.matches, m.notes);
      inFlight.delete(m.seq);
    } else failure ??= m.message;
    signal();
  });

  const send = (): void => {
    const { matches, notes } = scan.take();
    if (inScope) for (const m of matches) if (m.kind === 'blob') m.places = inScope.blobs.get(m.oid) ?? [];
    if (matches.length > 0 || notes.length > 0) ctx.emit({ matches, notes, scanned: searched(), total: scan.stats.total });
  };
  const searched = (): number => scan.stats.scanned - scan.pendingBlobs;
  const pump = (): void => {
    while (inFlight.size < IN_FLIGHT) {
      const batch = scan.nextBatch();
      if (!batch) return;
      inFlight.set(batch.seq, batch.oids.length);
      deadline.sent(batch.seq, batch.oids);
      helper.send(batch);
    }
  };
  /** True when the next step has something to do (else the job waits for the helper). */
  const canStep = (): boolean =>
    failure !== undefined || deadline.overdue() !== undefined || scan.capped || inFlight.size === 0 || (!scan.done && !scan.batchWaiting) || (inFlight.size < IN_FLIGHT && scan.hasBatch);

  try {
    await jobs.run(
      {
        key: `${ownerKey(session)}:text-search:${++textSearches}`,
        step: (ms) => {
          if (failure !== undefined) throw new Error(`the search helper failed: ${failure}`);
          const over = deadline.overdue();
          if (over) {
            helper.terminate();
            timedOut = { ms: Math.round(over.ms), limitMs, ...(over.oid !== undefined ? { oid: over.oid } : {}) };
            send();
            return true;
          }
          if (!scan.done) scan.step(ms);
          pump();
          send();
          // Once every blob was read, pump has sent the last batch: the end is its answer.
          return scan.capped || (scan.done && inFlight.size === 0);
        },
        waiting: () => (canStep() ? undefined : woken),
        progress: () => ({ done: searched(), total: scan.stats.total, label: 'Searching blobs', unit: 'objects' }),
        finish: () => undefined,
      },
      ctx,
    );
  } finally {
    // Cancelled, stopped, failed or finished: the helper is not needed any more.
    helper.terminate();
  }
  const summary = searchSummary(scan.stats, started, searched());
  if (timedOut) summary.timedOut = timedOut;
  if (inScope) summary.scope = scopeFacts(inScope, true);
  return summary;
}
