import { fail } from '../errors.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { ObjectTable } from '../odb/object-table.ts';
import type { ObjectType } from '../objects/types.ts';
import { CommitSearch, type CommitQuery } from './commit-search.ts';
import { compileMatcher } from './matcher.ts';
import { OidPrefixSearch, normalisePrefix } from './oid-search.ts';
import { DEFAULT_CAPS, type Candidate, type ObjectScan, type ScanStats } from './scan.ts';
import type { ScopeWalk } from './scope.ts';
import type { ScopeFacts, SearchQuery, SearchScope, SearchSummary } from './types.ts';

/**
 * From a person's query to the engine that answers it: which objects of the table are
 * candidates (all, or those of a limited scope), which scan reads them, and the summary of a
 * finished scan. The caller builds the table (types read once) and drives the scan in slices.
 */

/** True when the scope limits anything. */
export function limits(scope: SearchScope | undefined): scope is SearchScope {
  return scope !== undefined && (Boolean(scope.ref) || Boolean(scope.path) || scope.from !== undefined || scope.to !== undefined);
}

/** What the scope held, for the summary. */
export function scopeFacts(walk: ScopeWalk, wantBlobs: boolean): ScopeFacts {
  const facts: ScopeFacts = { commits: walk.stats.commitsInScope };
  if (wantBlobs) facts.blobs = walk.stats.blobs;
  if (walk.stats.capped !== undefined) facts.capped = walk.stats.capped;
  return facts;
}

/** The engine's query for a message, people or date search; a bad pattern or range fails here, before any scan. */
export function commitQueryOf(query: Extract<SearchQuery, { kind: 'message' | 'author' | 'date' }>): CommitQuery {
  const q: CommitQuery =
    query.kind === 'date'
      ? { field: 'date', from: query.from ?? -Infinity, to: query.to ?? Infinity }
      : { field: query.kind === 'message' ? 'message' : 'person', pattern: query.pattern, regex: query.regex, caseSensitive: query.caseSensitive };
  if (q.field === 'date' && q.from > q.to) fail('BadName', 'the start of the date range is after its end');
  if (q.field !== 'date') compileMatcher(q.pattern, q);
  return q;
}

/** Objects whose id starts with `prefix`, from the table (in id order). */
export function oidPrefixScan(db: ObjectDatabase, table: ObjectTable, prefixText: string): ObjectScan {
  const prefix = normalisePrefix(prefixText, db.algo.hexSize);
  const first = table.rowsWithPrefix(prefix, 1)[0] ?? table.count;
  return new OidPrefixSearch(db, rowsFrom(table, first), table.count - first, prefix);
}

/** Commits and tags of a typed table (a limited search: the scope's commits only; a tag has no place in a ref's history). */
export function commitScan(db: ObjectDatabase, table: ObjectTable, q: CommitQuery, inScope: ScopeWalk | undefined): ObjectScan {
  const commits = table.rowsOfType('commit');
  if (inScope) {
    const picked = Uint32Array.from(Array.from(commits).filter((r) => inScope.commits.has(table.oidHexAt(r))));
    return new CommitSearch(db, rowsOf(table, [picked], 'commit'), picked.length, q);
  }
  const tags = table.rowsOfType('tag');
  return new CommitSearch(db, rowsOf(table, [commits, tags], undefined), commits.length + tags.length, q);
}

/** The blob rows a text search reads: all, or those of the scope. */
export function blobRowsIn(table: ObjectTable, inScope: ScopeWalk | undefined): Uint32Array {
  const all = table.rowsOfType('blob');
  return inScope ? Uint32Array.from(Array.from(all).filter((r) => inScope.blobs.has(table.oidHexAt(r)))) : all;
}

/** Table rows as candidates of a known type (`undefined`: the table's type of each row). */
export function* rowsOf(table: ObjectTable, lists: Uint32Array[], type: ObjectType | undefined): Generator<Candidate> {
  for (const rows of lists) {
    for (const r of rows) yield { oid: table.oidAt(r), location: table.locationAt(r), type: type ?? table.knownType(r) };
  }
}

/** Table rows from `first` on, in id order, types unknown. */
function* rowsFrom(table: ObjectTable, first: number): Generator<Candidate> {
  for (let r = first; r < table.count; r++) yield { oid: table.oidAt(r), location: table.locationAt(r) };
}

/** The summary of a finished scan (`scanned`: objects looked at, when the caller counts otherwise). */
export function searchSummary(s: ScanStats, started: number, scanned: number = s.scanned): SearchSummary {
  return {
    matched: s.matched,
    shown: s.shown,
    scanned,
    total: s.total,
    truncated: s.truncated,
    countStopped: s.countStopped,
    maxMatches: DEFAULT_CAPS.maxMatches,
    binarySkipped: s.binarySkipped,
    notes: s.notes,
    notesDropped: s.notesDropped,
    ms: Math.round(performance.now() - started),
  };
}
