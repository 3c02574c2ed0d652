import { DuplicateFinder, compareCopies } from '../../../core/find/duplicates.ts';
import type { DuplicateRow, DuplicatesResult } from '../../../protocol/find.ts';
import type { HandlerContext } from '../../../protocol/rpc.ts';
import type { Session } from '../../session.ts';
import { hashersReady, wasmHasher } from '../../hashing.ts';

/**
 * Objects stored more than once, for the open session: the idx files and loose objects are
 * merged in slices of about 10 ms, then every copy of every duplicate is read and hashed (so a
 * copy with other bytes is named). The answer is kept per session.
 */

const kept = new WeakMap<Session, DuplicatesResult>();
const SLICE_MS = 10;

export async function duplicates(session: Session, ctx: HandlerContext): Promise<DuplicatesResult> {
  const done = kept.get(session);
  if (done) return { ...done, ms: 0 };
  await hashersReady();
  const started = performance.now();
  const finder = new DuplicateFinder(session.db);
  let slice = performance.now();
  while (!finder.step(2_000)) {
    if (performance.now() - slice >= SLICE_MS) {
      const p = finder.progress;
      ctx.progress(p.done, p.total, 'Merging the indexes and loose objects');
      await ctx.pause();
      slice = performance.now();
    }
  }
  const found = finder.duplicates;
  const rows: DuplicateRow[] = [];
  for (let i = 0; i < found.length; i++) {
    const dup = found[i];
    const verdict = compareCopies(session.db, dup, wasmHasher);
    const good = verdict.checks.find((c) => c.idMatches);
    rows.push({ ...dup, ...(good?.type ? { type: good.type, size: good.size } : {}), identical: verdict.identical, checks: verdict.checks });
    if (performance.now() - slice >= SLICE_MS) {
      ctx.progress(i, found.length, 'Reading and hashing every copy');
      await ctx.pause();
      slice = performance.now();
    }
  }
  const result: DuplicatesResult = {
    duplicates: rows,
    packedOnly: rows.filter((r) => r.copies.every((c) => c.kind === 'packed')).length,
    withLoose: rows.filter((r) => r.copies.some((c) => c.kind === 'loose')).length,
    differing: rows.filter((r) => !r.identical).length,
    copiesScanned: finder.progress.done,
    ms: Math.round(performance.now() - started),
  };
  kept.set(session, result);
  return result;
}
