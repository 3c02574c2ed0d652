import type { HasherFactory } from '../hash/hasher.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { Pacing } from '../pacing.ts';
import { DuplicateFinder, compareCopies } from './duplicates.ts';
import type { DuplicateRow, DuplicatesResult } from './types.ts';

/**
 * Objects stored more than once: the idx files and loose objects are merged in slices of about
 * 10 ms, then every copy of every duplicate is read and hashed (so a copy with other bytes is
 * named). Reports and yields through `pacing` between slices.
 */

const SLICE_MS = 10;

/** Every object stored more than once, each copy checked. */
export async function duplicateReport(db: ObjectDatabase, hasher: HasherFactory, pacing: Pacing): Promise<DuplicatesResult> {
  const started = performance.now();
  const finder = new DuplicateFinder(db);
  let slice = performance.now();
  while (!finder.step(2_000)) {
    if (performance.now() - slice >= SLICE_MS) {
      const p = finder.progress;
      pacing.progress(p.done, p.total, 'Merging the indexes and loose objects');
      await pacing.pause();
      slice = performance.now();
    }
  }
  const found = finder.duplicates;
  const rows: DuplicateRow[] = [];
  for (let i = 0; i < found.length; i++) {
    const dup = found[i];
    const verdict = compareCopies(db, dup, hasher);
    const good = verdict.checks.find((c) => c.idMatches);
    rows.push({ ...dup, ...(good?.type ? { type: good.type, size: good.size } : {}), identical: verdict.identical, checks: verdict.checks });
    if (performance.now() - slice >= SLICE_MS) {
      pacing.progress(i, found.length, 'Reading and hashing every copy');
      await pacing.pause();
      slice = performance.now();
    }
  }
  return {
    duplicates: rows,
    packedOnly: rows.filter((r) => r.copies.every((c) => c.kind === 'packed')).length,
    withLoose: rows.filter((r) => r.copies.some((c) => c.kind === 'loose')).length,
    differing: rows.filter((r) => !r.identical).length,
    copiesScanned: finder.progress.done,
    ms: Math.round(performance.now() - started),
  };
}
