import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { FORMATS, MODERN, casesByFormat, loadCorpus } from './fuzz/corpus.ts';
import { buildWorker, formatSummary, fuzzFormat, loadRegressions, type Finding, type FuzzOptions } from './fuzz/runner.ts';
import { intactProblems } from './fuzz/targets.ts';

/**
 * The fuzz slice of `npm test` (issue 10): every format's real files damaged by the seeded
 * mutator (tests/fuzz/mutate.ts) and read through the engine's entry points, each input in a
 * worker thread with a time limit and a heap limit. A PackscopeError is an answer; anything
 * else thrown, a hang, a crash or a memory blow-up is a finding, saved under
 * tests/fuzz-regressions/<format>/ and replayed here ever after. `npm run fuzz` is the long run.
 *
 * The slice takes FUZZ_SLICE_S seconds (default 90) split over the formats, from run seed
 * FUZZ_SEED (default: the day's number, so each day tries new inputs; the seed is printed).
 */

const SLICE_S = Number(process.env.FUZZ_SLICE_S ?? 90);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Date.now() / 86_400_000));
const LIMITS: Omit<FuzzOptions, 'inputs' | 'budgetMs' | 'save'> = { runSeed: SEED, timeLimitMs: 10_000, heapLimitMb: 512, rssLimitMb: 1024 };

function describeFinding(f: Finding): string {
  return `${f.format} ${f.kind} (case ${f.caseId}, input ${f.index}, seed ${SEED}${f.file ? `, saved as ${f.file}` : ''}): ${f.name}: ${f.message}\n${f.stack.split('\n').slice(0, 6).join('\n')}`;
}

describe('fuzzing', () => {
  beforeAll(async () => {
    await buildWorker();
  });

  it('has real seeds for every format, and each reads without a finding when intact', () => {
    const byFormat = casesByFormat(loadCorpus());
    // rev, bitmap, mtimes and midx chains come from git 2.55's files in ../shared/fixtures/modern.
    const modernOnly = new Set(['midx-chain', 'rev', 'bitmap', 'mtimes']);
    for (const format of FORMATS) {
      if (modernOnly.has(format) && !existsSync(MODERN)) continue;
      expect((byFormat.get(format) ?? []).length, `${format} has no seed files (run npm run fixtures)`).toBeGreaterThan(0);
    }
    const problems = [...byFormat.values()].flat().flatMap(intactProblems);
    expect(problems).toEqual([]);
  });

  it('replays every stored failing input: fixed ones pass, open ones are listed', async () => {
    const stored = loadRegressions();
    const failures: string[] = [];
    for (const format of FORMATS) {
      const replay = stored.filter((s) => s.record.format === format);
      if (replay.length === 0) continue;
      // Open hangs are expected to fail: a short limit keeps their replay cheap.
      const s = await fuzzFormat(format, { ...LIMITS, timeLimitMs: 3000, inputs: replay.length, budgetMs: 60_000, save: false, replay });
      for (const f of s.findings) {
        const r = replay[f.index];
        if (r?.record.open) console.log(`open (known, not fixed): ${r.file}: ${f.kind}: ${f.message.slice(0, 200)}`);
        else failures.push(`${r?.file ?? '?'} fails again: ${describeFinding(f)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it(
    `runs a ${SLICE_S} s slice over every format with no new finding`,
    async () => {
      const perFormat = (SLICE_S * 1000) / FORMATS.length;
      const fresh: string[] = [];
      console.log(`fuzz slice: seed ${SEED}, ${(perFormat / 1000).toFixed(1)} s per format`);
      for (const format of FORMATS) {
        const s = await fuzzFormat(format, { ...LIMITS, inputs: 1_000_000, budgetMs: perFormat, save: true });
        console.log(formatSummary(s));
        if (s.inputs === 0) console.log(`${format}: no seed files, skipped`);
        for (const f of s.findings) if (!f.known) fresh.push(describeFinding(f));
      }
      expect(fresh).toEqual([]);
    },
    SLICE_S * 1000 + 60_000,
  );
});
