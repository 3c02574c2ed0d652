import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { ObjectDatabase } from '../../core/odb/database.ts';
import { openRepository } from '../repository.ts';
import { PieceBuilder, formatChunk } from './chunk.ts';
import type { BatchWorkerData, ChunkDone, ChunkJob, ChunkPiece } from './protocol.ts';
import { serveJobs } from './serve.ts';

/**
 * The pool worker entry (bundled as dist-cli/pool-worker.mjs): opens the repository once and
 * formats the chunks of `cat-file --batch-all-objects --batch` it is given.
 *
 * Test hook: PACKSCOPE_POOL_CRASH_AFTER=<n> makes each worker's first start die of an uncaught
 * exception (outside any object read) once it has formatted <n> objects; `<n>:always` makes
 * every start die so. Only this file reads it; it exists to test failure handling.
 */

const data = workerData as BatchWorkerData;
const credits = new Int32Array(data.credits);
Atomics.store(credits, data.slot, data.initialCredits);

const crash = parseCrashHook(process.env.PACKSCOPE_POOL_CRASH_AFTER);
let formatted = 0;

serveJobs(
  async () => {
    // Opened as the CLI opens it, then the database made again over the same files with this
    // worker's share of the cache budgets (opening reads headers and fanouts only).
    const { db } = await openRepository(data.path);
    return {
      db: new ObjectDatabase(db.files, {
        inflater: db.ctx.inflater,
        windowCache: { budget: data.windowBudget },
        deltaBaseCacheBytes: data.baseCacheBudget,
      }),
    };
  },
  ({ db }, job: ChunkJob, post): ChunkDone => {
    const out = new PieceBuilder(
      data.pieceBytes,
      (piece) => {
        takeCredit();
        const message: ChunkPiece = { ...piece, chunk: job.chunk, attempt: job.attempt, slot: data.slot, generation: data.generation };
        post(message, [piece.bytes.buffer as ArrayBuffer]);
      },
      recycledBuffer,
    );
    formatChunk(db, job.oids, job.count, (_i, oid) => db.locate(oid), out, crash ? afterObject : undefined);
    return { chunk: job.chunk, attempt: job.attempt, objects: out.objects };
  },
);

/** Waits until the main thread lets this worker post another piece. */
function takeCredit(): void {
  for (;;) {
    const have = Atomics.load(credits, data.slot);
    if (have > 0) {
      if (Atomics.compareExchange(credits, data.slot, have, have - 1) === have) return;
      continue;
    }
    Atomics.wait(credits, data.slot, have, 1000);
  }
}

/** Spare piece buffers the main thread sent back. */
const spares: ArrayBuffer[] = [];
/** Spares kept: enough to never allocate in the steady state, few enough to hold little. */
const MAX_SPARES = 2;

/** A buffer the main thread sent back, or a new one. */
function recycledBuffer(): Uint8Array {
  for (let back = receiveMessageOnPort(data.recycled); back; back = receiveMessageOnPort(data.recycled)) {
    // When a backlog of kept pieces is written at once, more come back than are needed: drop those.
    if (spares.length < MAX_SPARES) spares.push(back.message as ArrayBuffer);
  }
  const buffer = spares.pop();
  return buffer ? new Uint8Array(buffer) : new Uint8Array(data.pieceBytes);
}

function afterObject(): void {
  formatted++;
  if (crash && formatted >= crash.after && (crash.always || data.generation === 0)) {
    throw new Error(`injected crash after ${formatted} objects (PACKSCOPE_POOL_CRASH_AFTER)`);
  }
}

function parseCrashHook(value: string | undefined): { after: number; always: boolean } | undefined {
  const m = value ? /^(\d+)(:always)?$/.exec(value) : null;
  if (!m) return undefined;
  return { after: Number(m[1]), always: m[2] !== undefined };
}
