import { commitQueryOf, commitScan, limits, oidPrefixScan, scopeFacts, searchSummary } from '../../../core/search/query-scan.ts';
import type { ObjectScan } from '../../../core/search/scan.ts';
import { buildTimeline } from '../../../core/search/timeline.ts';
import type { StreamContext } from '../../../protocol/rpc.ts';
import type { SearchChunk, SearchQuery, SearchScope, SearchSummary } from '../../../protocol/search.ts';
import type { Session } from '../../session.ts';
import { jobs, ownerKey } from '../../jobs.ts';
import { runTextSearch, type TextSearchOptions } from './text-search.ts';
import { scopeOf } from './scope.ts';
import type { ScopeWalk } from '../../../core/search/scope.ts';

/**
 * Runs one search over the open repository: candidates come from the session's object table
 * (types read once and shared with the objects list), the core engine runs in slices of the
 * worker's job queue (which engine answers a query is core/search/query-scan.ts), and after each slice what was found goes to the page and the worker
 * yields, so other requests are answered and a cancel stops the search at its next turn.
 * Text in blobs reads here and matches in a helper the engine can terminate (text-search.ts).
 */

let searchCount = 0;

export async function runSearch(session: Session, query: SearchQuery, ctx: StreamContext<SearchChunk>, textOptions: TextSearchOptions = {}, scope?: SearchScope): Promise<SearchSummary> {
  // Text in blobs is matched in a disposable helper (text-search.ts): a pattern may never end.
  if (query.kind === 'text') return runTextSearch(session, query, ctx, textOptions, scope);
  const started = performance.now();
  // Ids are not in commits: a limit means nothing to an id search.
  const inScope = query.kind !== 'oid' && limits(scope) ? await scopeOf(session, scope, false, ctx) : undefined;
  const scan = await createScan(session, query, ctx, inScope);
  const label = query.kind === 'oid' ? 'Searching ids' : 'Searching commits and tags';
  const times: number[] = [];
  const send = (): void => {
    const { matches, notes } = scan.take();
    for (const m of matches) if (m.kind === 'commit' && m.author) times.push(m.author.time);
    if (matches.length > 0 || notes.length > 0) ctx.emit({ matches, notes, scanned: scan.stats.scanned, total: scan.stats.total });
  };
  // Each search is its own job in the worker's queue (a query is not shared); matches go out after each slice.
  await jobs.run(
    {
      key: `${ownerKey(session)}:search:${++searchCount}`,
      step: (ms) => {
        const done = scan.step(ms);
        send();
        return done;
      },
      progress: () => ({ done: scan.stats.scanned, total: scan.stats.total, label, unit: 'objects' }),
      finish: () => undefined,
    },
    ctx,
  );
  const summary = searchSummary(scan.stats, started);
  if (query.kind === 'message' || query.kind === 'author' || query.kind === 'date') summary.timeline = buildTimeline(times);
  if (inScope) summary.scope = scopeFacts(inScope, false);
  return summary;
}

/** The engine for a query; the pattern is checked before the (possibly long) type scan, so a typo is reported at once. */
async function createScan(session: Session, query: Exclude<SearchQuery, { kind: 'text' }>, ctx: StreamContext<SearchChunk>, inScope: ScopeWalk | undefined): Promise<ObjectScan> {
  if (query.kind === 'oid') return oidPrefixScan(session.db, await session.objectTable(ctx), query.prefix);
  const q = commitQueryOf(query);
  return commitScan(session.db, await session.scanTypes(ctx), q, inScope);
}
