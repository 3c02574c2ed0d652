import { fail } from '../../../core/errors.ts';
import { resolveName } from '../../../core/odb/names.ts';
import { ScopeWalk } from '../../../core/search/scope.ts';
import type { HandlerContext } from '../../../protocol/rpc.ts';
import type { SearchScope } from '../../../protocol/search.ts';
import type { Session } from '../../session.ts';
import { jobs, ownerKey } from '../../jobs.ts';

/**
 * The scope of a limited search (core/search/scope.ts), worked out as a job of the worker's
 * queue and kept for the last scope asked (a person refines the text, not the limits, most
 * often).
 */

const lastScope = new WeakMap<Session, { key: string; walk: ScopeWalk }>();

/** The scope's commits (and, for a text search, blobs with their places). */
export async function scopeOf(session: Session, scope: SearchScope, wantBlobs: boolean, ctx: HandlerContext): Promise<ScopeWalk> {
  const key = JSON.stringify([scope.ref ?? '', scope.path ?? '', scope.from ?? null, scope.to ?? null, wantBlobs]);
  const kept = lastScope.get(session);
  if (kept?.key === key) return kept.walk;
  if (scope.from !== undefined && scope.to !== undefined && scope.from > scope.to) fail('BadName', 'the start of the date range is after its end');
  const db = session.db;
  let walk: ScopeWalk;
  if (scope.ref) {
    const r = resolveName(db, session.refs, `${scope.ref}^{commit}`);
    if (r.kind === 'ambiguous') fail('BadName', `"${scope.ref}" matches ${r.candidates.length} objects; type more of the id`);
    if (r.kind === 'missing') fail('BadName', `no branch, tag or commit named "${scope.ref}" (${r.reason})`);
    walk = new ScopeWalk(db, [r.oid], true, scope, wantBlobs);
  } else {
    const table = await session.scanTypes(ctx);
    const commits = Array.from(table.rowsOfType('commit'), (row) => table.oidAt(row).slice());
    walk = new ScopeWalk(db, commits, false, scope, wantBlobs);
  }
  await jobs.run(
    {
      key: `${ownerKey(session)}:scope:${key}`,
      step: (ms) => walk.step(ms),
      progress: () => {
        const s = walk.stats;
        return s.treesWalked === 0
          ? { done: s.commitsRead, total: s.commitsRead + 1, label: 'Finding the commits in the limits', unit: 'commits' }
          : { done: s.treesWalked, total: s.treesWalked + 1, label: 'Finding the files in the limits', unit: 'trees' };
      },
      finish: () => undefined,
    },
    ctx,
    'search',
  );
  lastScope.set(session, { key, walk });
  return walk;
}
