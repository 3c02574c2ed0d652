import type { DeltaTreePlan, DeltaTreeResult, RankRange } from '../../core/verify/delta-trees.ts';

/**
 * Messages between the engine worker and a tree helper (a worker that walks one range of a
 * pack's delta trees while the engine walks another: see core/verify/delta-trees.ts).
 *
 *   engine -> helper   TreeHelperStart         once: the files, the plan, the range
 *   helper -> engine   TreeHelperProgress      every ~100 ms: entries built
 *                      TreeHelperDone          once: ok flags (transferred) and findings
 *                      TreeHelperFailed        once, instead of Done: why
 */
export interface TreeHelperStart {
  packPath: string;
  pack: Blob;
  idxPath: string;
  idx: Blob;
  algo: 'sha1' | 'sha256';
  plan: DeltaTreePlan;
  range: RankRange;
  /**
   * Test hook (e2e/verify.spec.ts): the helper throws at once, uncaught, as a crash would. Set
   * by the engine when `self.packscopeCrashHelpersForTest` is true; nothing else sets it.
   */
  crashForTest?: true;
}

export type TreeHelperMessage = { t: 'progress'; entriesDone: number } | ({ t: 'done' } & DeltaTreeResult) | { t: 'failed'; message: string };
