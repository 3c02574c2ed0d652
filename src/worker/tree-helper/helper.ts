/// <reference lib="webworker" />
import { SHA1, SHA256 } from '../../core/hash/algo.ts';
import { ObjectDatabase } from '../../core/odb/database.ts';
import type { RepositoryFiles } from '../../core/repo/discover.ts';
import { DeltaTreeWalk } from '../../core/verify/delta-trees.ts';
import { blobSource } from '../blob-source.ts';
import { hashersReady, wasmHasher } from '../hashing.ts';
import { BROWSER_DATABASE_OPTIONS } from '../database-options.ts';
import type { TreeHelperMessage, TreeHelperStart } from './protocol.ts';

/**
 * A tree helper: opens one pack (and its idx) from the Blobs it is given, walks one range of
 * the pack's delta trees (core `DeltaTreeWalk`, the engine's own code) and posts what it found.
 * It reads the files itself (a `Blob` crosses workers without copying its bytes) and needs
 * nothing else from the engine.
 */

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: TreeHelperMessage, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

scope.onmessage = (event: MessageEvent<TreeHelperStart>) => {
  if (event.data.crashForTest) throw new Error('the test hook crashed this helper');
  void walkRange(event.data);
};

async function walkRange(start: TreeHelperStart): Promise<void> {
  try {
    await hashersReady();
    const files: RepositoryFiles = {
      rootKind: 'pack',
      gitDir: undefined,
      objectsDir: undefined,
      packDir: '',
      packDirFiles: [
        { path: start.packPath, source: blobSource(start.packPath, start.pack), mtimeMs: 0 },
        { path: start.idxPath, source: blobSource(start.idxPath, start.idx), mtimeMs: 0 },
      ],
      midxChainFiles: [],
      looseObjects: [],
      refFiles: [],
      config: undefined,
      problems: [],
    };
    const db = new ObjectDatabase(files, { ...BROWSER_DATABASE_OPTIONS, algo: start.algo === 'sha256' ? SHA256 : SHA1 });
    const pack = db.packs[0];
    if (!pack) throw new Error(`the helper could not open ${start.packPath}: ${db.problems.map((p) => p.message).join('; ') || 'no pack'}`);
    const walk = new DeltaTreeWalk(pack, start.plan, wasmHasher, start.range);
    let reported = performance.now();
    for (const _ of walk.run()) {
      const now = performance.now();
      if (now - reported >= 100) {
        reported = now;
        post({ t: 'progress', entriesDone: walk.entriesDone });
      }
    }
    post({ t: 'done', entriesDone: walk.entriesDone, ok: walk.ok, findings: walk.findings }, [walk.ok.buffer]);
  } catch (err) {
    post({ t: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
}
