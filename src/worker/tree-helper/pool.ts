/// <reference lib="webworker" />
import type { PackFile } from '../../core/odb/pack-file.ts';
import type { DeltaTreeHelpers, DeltaTreePlan, DeltaTreeResult, DeltaTreeTask, RankRange } from '../../core/verify/delta-trees.ts';
import { blobOf } from '../blob-source.ts';
import type { TreeHelperMessage, TreeHelperStart } from './protocol.ts';

/**
 * The browser's verify pool: the engine worker walks one range of a pack's delta trees and
 * starts a tree helper (a nested dedicated worker) for each other range, one per spare core
 * (`navigator.hardwareConcurrency - 1`, at most 2). Each helper reads the pack itself from the
 * same `Blob`. A small pack is walked by the engine alone: a helper costs ~100-200 ms to start
 * and a copy of the plan (~50 bytes an entry).
 *
 * git.git (849k entries, 496 MB) on 2 cores: see the README's benchmark table.
 */

/** Below this many entries a pack's trees are walked by the engine alone. */
const MIN_ENTRIES = 20_000;
/**
 * Each helper adds ~95 MB to the renderer (its window cache, a 64 MiB delta batch, its tree
 * stack, a copy of the plan): on git.git three helpers took the renderer to 1,043 MB, over the
 * 1 GB we hold to; two kept it at 954 MB (both measured with 2 real cores).
 */
const MAX_HELPERS = 2;

function spareCores(): number {
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1;
  return Math.max(0, Math.min(MAX_HELPERS, cores - 1));
}

export const browserTreeHelpers: DeltaTreeHelpers = {
  partsFor(pack: PackFile): number {
    if (typeof Worker === 'undefined' || pack.count < MIN_ENTRIES) return 0;
    if (!blobOf(pack.data) || !blobOf(pack.idx.source)) return 0; // an idx built in memory, a demo
    return spareCores();
  },

  start(pack: PackFile, plan: DeltaTreePlan, range: RankRange): DeltaTreeTask {
    const worker = new Worker(new URL('./helper.ts', import.meta.url), { type: 'module', name: 'packscope tree helper' });
    let entriesDone = 0;
    let settle: (result: DeltaTreeResult) => void = () => undefined;
    const result = new Promise<DeltaTreeResult>((resolve) => (settle = resolve));
    const fail = (message: string): void => {
      worker.terminate();
      settle({ entriesDone: 0, failure: `a verify helper stopped: ${message}` });
    };
    worker.onmessage = (event: MessageEvent<TreeHelperMessage>) => {
      const m = event.data;
      if (m.t === 'progress') entriesDone = m.entriesDone;
      else if (m.t === 'failed') fail(m.message);
      else {
        worker.terminate();
        entriesDone = m.entriesDone;
        settle(m);
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      fail(event.message || 'the worker could not start or threw');
    };
    worker.onmessageerror = () => fail('a message from it could not be read');
    const start: TreeHelperStart = {
      packPath: pack.data.name,
      pack: blobOf(pack.data) as Blob,
      idxPath: pack.idx.name,
      idx: blobOf(pack.idx.source) as Blob,
      algo: pack.ctx.algo.name === 'sha256' ? 'sha256' : 'sha1',
      plan,
      range,
    };
    if ((self as { packscopeCrashHelpersForTest?: boolean }).packscopeCrashHelpersForTest === true) start.crashForTest = true;
    worker.postMessage(start);
    return {
      get entriesDone() {
        return entriesDone;
      },
      result,
      cancel() {
        worker.terminate();
        settle({ entriesDone: 0, failure: 'cancelled' });
      },
    };
  },
};
