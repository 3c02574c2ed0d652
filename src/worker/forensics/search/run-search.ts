import { fail } from '../../../core/errors.ts';
import { CommitSearch } from '../../../core/search/commit-search.ts';
import { compileMatcher } from '../../../core/search/matcher.ts';
import { OidPrefixSearch, normalisePrefix } from '../../../core/search/oid-search.ts';
import type { Candidate, ObjectScan } from '../../../core/search/scan.ts';
import { DEFAULT_CAPS } from '../../../core/search/scan.ts';
import { buildTimeline } from '../../../core/search/timeline.ts';
import type { ObjectTable } from '../../../core/odb/object-table.ts';
import type { ObjectType } from '../../../core/objects/types.ts';
import type { StreamContext } from '../../../protocol/rpc.ts';
import type { SearchChunk, SearchQuery, SearchScope, SearchSummary } from '../../../protocol/search.ts';
import type { Session } from '../../session.ts';
import { jobs, ownerKey } from '../../jobs.ts';
import { runTextSearch, type TextSearchOptions } from './text-search.ts';
import { limits, scopeFacts, scopeOf } from './scope.ts';
import type { ScopeWalk } from '../../../core/search/scope.ts';

/**
 * Runs one search over the open repository: candidates come from the session's object table
 * (types read once and shared with the objects list), the core engine runs in slices of the
 * worker's job queue, and after each slice what was found goes to the page and the worker
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
  const s = scan.stats;
  const summary: SearchSummary = {
    matched: s.matched,
    shown: s.shown,
    scanned: s.scanned,
    total: s.total,
    truncated: s.truncated,
    countStopped: s.countStopped,
    maxMatches: DEFAULT_CAPS.maxMatches,
    binarySkipped: s.binarySkipped,
    notes: s.notes,
    notesDropped: s.notesDropped,
    ms: Math.round(performance.now() - started),
  };
  if (query.kind === 'message' || query.kind === 'author' || query.kind === 'date') summary.timeline = buildTimeline(times);
  if (inScope) summary.scope = scopeFacts(inScope, false);
  return summary;
}

/** The engine for a query; the pattern is checked before the (possibly long) type scan, so a typo is reported at once. */
async function createScan(session: Session, query: Exclude<SearchQuery, { kind: 'text' }>, ctx: StreamContext<SearchChunk>, inScope: ScopeWalk | undefined): Promise<ObjectScan> {
  const db = session.db;
  switch (query.kind) {
    case 'oid': {
      const prefix = normalisePrefix(query.prefix, db.algo.hexSize);
      const table = await session.objectTable(ctx);
      const first = table.rowsWithPrefix(prefix, 1)[0] ?? table.count;
      return new OidPrefixSearch(db, rowsFrom(table, first), table.count - first, prefix);
    }
    case 'message':
    case 'author':
    case 'date': {
      const q =
        query.kind === 'date'
          ? { field: 'date' as const, from: query.from ?? -Infinity, to: query.to ?? Infinity }
          : { field: query.kind === 'message' ? ('message' as const) : ('person' as const), pattern: query.pattern, regex: query.regex, caseSensitive: query.caseSensitive };
      if (q.field === 'date' && q.from > q.to) fail('BadName', 'the start of the date range is after its end');
      if (q.field !== 'date') compileMatcher(q.pattern, q);
      const table = await session.scanTypes(ctx);
      const commits = table.rowsOfType('commit');
      const tags = table.rowsOfType('tag');
      if (inScope) {
        // A limited search looks at the scope's commits only (a tag has no place in a ref's history).
        const picked = Uint32Array.from(Array.from(commits).filter((r) => inScope.commits.has(table.oidHexAt(r))));
        return new CommitSearch(db, rowsOf(table, [picked], 'commit'), picked.length, q);
      }
      return new CommitSearch(db, rowsOf(table, [commits, tags], undefined), commits.length + tags.length, q);
    }
  }
}

/** Table rows from `first` on, in id order. */
function* rowsFrom(table: ObjectTable, first: number): Generator<Candidate> {
  for (let r = first; r < table.count; r++) yield { oid: table.oidAt(r), location: table.locationAt(r) };
}

/** The rows of some type lists, with their known types. */
function* rowsOf(table: ObjectTable, lists: Uint32Array[], type: ObjectType | undefined): Generator<Candidate> {
  for (const rows of lists) {
    for (const r of rows) yield { oid: table.oidAt(r), location: table.locationAt(r), type: type ?? table.knownType(r) };
  }
}
