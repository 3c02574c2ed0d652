import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObjectDatabase } from '../src/core/odb/database.ts';
import type { PackFile } from '../src/core/odb/pack-file.ts';
import { DeltaTreeWalk, splitRoots, type DeltaTreeHelpers, type DeltaTreePlan, type DeltaTreeResult, type RankRange } from '../src/core/verify/delta-trees.ts';
import { PackChecker } from '../src/core/verify/pack-check.ts';
import { discover, nodeHasher, nodeInflater } from '../src/cli/node-host.ts';
import { copyFixture, editFile, verifyRows, type DamagedCopy } from './support/damage.ts';

/**
 * The delta trees of a pack split over helper threads (the browser's verify pool): the ranges,
 * walked apart and merged in range order, give exactly the findings, counts and checked entries
 * of one walk, on an intact pack and on a damaged one; a helper that fails has its range walked
 * by the caller, with the same result. Helpers here run in-process, on a later turn of the
 * event loop, as a worker's answer arrives.
 */

async function openCopy(copy: DamagedCopy): Promise<PackFile> {
  const db = new ObjectDatabase(await discover(copy.gitDir), { inflater: nodeInflater });
  return db.packs[0];
}

/** Runs a checker to the end, waiting whenever it waits on a helper. */
async function runChecker(checker: PackChecker): Promise<void> {
  const run = checker.run();
  for (;;) {
    const next = run.next();
    if (next.done) return;
    const waiting = checker.waiting;
    if (waiting) {
      await waiting;
      // Settled: a scheduler that skips waiting jobs must see it so, or it never steps again.
      expect(checker.waiting).toBeUndefined();
    }
  }
}

/** In-process helpers: `parts` ranges each, a walk per range; `failing` ranges reject. */
function helpers(parts: number, failing: (index: number) => boolean = () => false): DeltaTreeHelpers & { started: RankRange[]; cancelled: RankRange[] } {
  const started: RankRange[] = [];
  const cancelled: RankRange[] = [];
  return {
    started,
    cancelled,
    partsFor: () => parts,
    start(pack: PackFile, plan: DeltaTreePlan, range: RankRange) {
      const index = started.push(range) - 1;
      const walk = new DeltaTreeWalk(pack, plan, nodeHasher, range);
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settle: (result: DeltaTreeResult) => void = () => undefined;
      const result = new Promise<DeltaTreeResult>((resolve, reject) => {
        settle = resolve;
        timer = setTimeout(() => {
          if (failing(index)) return reject(new Error(`helper ${index} died`));
          for (const _ of walk.run());
          resolve({ entriesDone: walk.entriesDone, ok: walk.ok, findings: walk.findings });
        }, 5);
      });
      return {
        get entriesDone() {
          return walk.entriesDone;
        },
        result,
        cancel() {
          clearTimeout(timer);
          cancelled.push(range);
          settle({ entriesDone: 0, failure: 'cancelled' });
        },
      };
    },
  };
}

async function check(copy: DamagedCopy, treeHelpers?: DeltaTreeHelpers): Promise<PackChecker> {
  const pack = await openCopy(copy);
  const checker = new PackChecker(pack, { hasher: nodeHasher, verifyObjects: true, keepRows: true, ...(treeHelpers ? { treeHelpers } : {}) });
  await runChecker(checker);
  return checker;
}

function outcome(checker: PackChecker): unknown {
  return { findings: checker.findings, nonDelta: checker.nonDelta, chains: checker.chainHistogram, done: checker.entriesDone, rows: [...checker.rows()] };
}

const packName = (copy: DamagedCopy): string => (readdirSync(copy.packDir).find((f) => f.endsWith('.pack')) as string).replace(/\.pack$/, '');

describe('delta trees split over helpers', () => {
  it('splits the roots into ranges of about equal stored bytes, trees whole', async () => {
    const copy = copyFixture('big');
    const pack = await openCopy(copy);
    const plans: DeltaTreePlan[] = [];
    const inner = helpers(2);
    const spy: DeltaTreeHelpers = {
      partsFor: () => 2,
      start: (p, plan, range) => {
        plans.push(plan);
        return inner.start(p, plan, range);
      },
    };
    await runChecker(new PackChecker(pack, { hasher: nodeHasher, verifyObjects: true, keepRows: false, treeHelpers: spy }));
    copy.remove();
    const plan = plans[0];
    const ranges = splitRoots(plan, 3);
    expect(ranges[0].from).toBe(0);
    expect(ranges[2].to).toBe(plan.types.length);
    const weights = ranges.map((r) => {
      let w = 0;
      const stack: number[] = [];
      for (let root = r.from; root < r.to; root++) if (plan.depths[root] === 0) stack.push(root);
      while (stack.length) {
        const x = stack.pop() as number;
        w += plan.ends[x] - plan.offsets[x];
        for (let c = plan.childStart[x]; c < plan.childStart[x + 1]; c++) stack.push(plan.children[c]);
      }
      return w;
    });
    const total = weights.reduce((a, b) => a + b, 0);
    for (const w of weights) expect(w / total).toBeGreaterThan(0.2);
  });

  it('gives the findings, rows and counts of one walk on an intact pack (3 threads)', async () => {
    const copy = copyFixture('big');
    const one = await check(copy);
    const pool = helpers(2);
    const split = await check(copy, pool);
    expect(pool.started.length).toBe(2);
    expect(split.treeThreads).toBe(3);
    copy.remove();
    expect(one.findings).toEqual([]);
    expect(outcome(split)).toEqual(outcome(one));
  });

  it('gives the same findings in the same order on a pack damaged in every range', async () => {
    const copy = copyFixture('big');
    const name = packName(copy);
    const rows = verifyRows(copy, name).sort((a, b) => a.offset - b.offset);
    // One byte inside the stream of a whole object near the start, the middle and the end.
    const targets = [0.1, 0.5, 0.9].map((f) => rows.slice(Math.floor(rows.length * f)).find((r) => r.depth === 0 && r.storedSize > 40) as (typeof rows)[number]);
    editFile(copy, join(copy.packDir, `${name}.pack`), (bytes) => {
      for (const t of targets) bytes[t.offset + Math.floor(t.storedSize / 2)] ^= 0x5a;
    });
    const one = await check(copy);
    expect(one.findings.length).toBeGreaterThanOrEqual(3);
    for (const t of targets) expect(one.findings.some((f) => f.oid === t.oid)).toBe(true);
    const split = await check(copy, helpers(2));
    copy.remove();
    expect(outcome(split)).toEqual(outcome(one));
  });

  it('walks the range of a helper that failed itself, with the same result, and says so', async () => {
    const copy = copyFixture('big');
    const one = await check(copy);
    const split = await check(
      copy,
      helpers(2, (i) => i === 0),
    );
    copy.remove();
    expect(split.helperFailures).toEqual(['helper 0 died']);
    expect(outcome(split)).toEqual(outcome(one));
  });

  it('stops the helpers when paused and starts their ranges again when stepped: the same result', async () => {
    const copy = copyFixture('big');
    const one = await check(copy);
    const pool = helpers(2);
    const pack = await openCopy(copy);
    const checker = new PackChecker(pack, { hasher: nodeHasher, verifyObjects: true, keepRows: true, treeHelpers: pool });
    const run = checker.run();
    // Into the walk of this thread's range (the helpers have started), then paused as a cancelled request pauses it.
    while (pool.started.length === 0) run.next();
    for (let i = 0; i < 100; i++) run.next();
    checker.pauseHelpers();
    expect(pool.cancelled).toEqual(pool.started);
    await new Promise((r) => setTimeout(r, 20)); // the helpers' timers would have fired by now
    for (;;) {
      const next = run.next();
      if (next.done) break;
      if (checker.waiting) await checker.waiting;
    }
    copy.remove();
    // Each range started twice, walked once.
    expect(pool.started.length).toBe(4);
    expect(pool.started.slice(2)).toEqual(pool.started.slice(0, 2));
    expect(checker.helperFailures).toEqual([]);
    expect(outcome(checker)).toEqual(outcome(one));
  });
});
