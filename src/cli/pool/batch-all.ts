import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { toHex } from '../../core/hash/hex.ts';
import type { ObjectDatabase, ObjectLocation } from '../../core/odb/database.ts';
import { UsageError } from '../errors.ts';
import { Output } from '../output.ts';
import { PieceBuilder, formatChunk, type ChunkEvent, type Piece } from './chunk.ts';
import { OrderedMerge } from './ordered.ts';
import { WorkerFailure, WorkerPool } from './pool.ts';
import type { BatchWorkerData, ChunkDone, ChunkJob, ChunkPiece } from './protocol.ts';

/**
 * `cat-file --batch-all-objects --batch` on a pool of worker threads.
 *
 * The main thread walks db.allObjects() (git's id order) and cuts it into chunks of consecutive
 * ids; each worker opens the repository once and formats whole chunks (chunk.ts), posting the
 * output as pieces of at most `pieceBytes` (transferred, not copied). The main thread writes the
 * pieces strictly in chunk order (ordered.ts), and prints the stderr line of an unreadable
 * object when stdout has reached it, so both streams are what the single-threaded batchAll
 * prints.
 *
 * Memory is bounded twice: a worker posts a piece only with a credit (a shared Int32 per
 * worker, taken with Atomics), and the main thread gives a credit back for a piece only once it
 * has written it or has room to keep it (`budgetBytes` of pieces of chunks waiting their turn);
 * the worker of the chunk being written always gets its credit back. At most
 * `budgetBytes + workers × credits × pieceBytes` of output is held, whatever the object sizes,
 * and at most `aheadChunks` chunks are handed out past the one being written.
 *
 * A worker that dies is reported on stderr with the chunk it held, started again, and the chunk
 * handed out again; what of it was already written is skipped (chunks are formatted the same
 * every time). A chunk whose worker died `MAX_WORKER_ATTEMPTS` times, or any chunk once no
 * worker is left, is formatted on the main thread when its turn comes.
 *
 * Settings (environment): PACKSCOPE_WORKERS=<n> (1: the single-threaded code path; default:
 * cores - 1 up to 8 workers from 4 cores, single-threaded below that and below MIN_POOLED_OBJECTS objects);
 * PACKSCOPE_POOL_CHUNK_OBJECTS (objects per chunk, default 2048) and PACKSCOPE_POOL_PIECE_BYTES
 * (default 2 MiB) for tuning and tests. The test hook PACKSCOPE_POOL_CRASH_AFTER is read by
 * the worker (worker.ts).
 */

export interface PoolSettings {
  workers: number;
  chunkObjects: number;
  pieceBytes: number;
  budgetBytes: number;
  aheadChunks: number;
  credits: number;
  /**
   * Per worker, the window cache and delta base cache budgets (single-threaded: 64 and 96 MiB).
   * Every worker holds its own, so they are smaller: on git.git two workers with 32 + 48 MiB
   * peaked at 640 MB RSS against 540 MB with 16 + 32 MiB, at no measurable cost in time.
   */
  windowBudget: number;
  baseCacheBudget: number;
  /**
   * V8's young generation of a worker. Every object read allocates; with the workers' default
   * the scavenges cost the worker ~15% more CPU and the GC threads ~60% more (libgit2,
   * measured); 64 MB was fastest, 32 keeps most of that at less memory.
   */
  youngGenerationMb: number;
  script: URL;
}

const MAX_DEFAULT_WORKERS = 8;
/** Fewest cores for the pool to be the default (see batchPoolSettings). */
const MIN_DEFAULT_CORES = 4;
const MAX_WORKERS = 64;
/** Below this many objects starting workers costs more than it saves. */
const MIN_POOLED_OBJECTS = 20_000;
/** Times a chunk is handed to a worker before the main thread formats it. */
const MAX_WORKER_ATTEMPTS = 2;

/**
 * The pool settings for this run, or undefined for the single-threaded path
 * (PACKSCOPE_WORKERS=1, one core, a small repository, or no bundled worker next to the CLI).
 */
export function batchPoolSettings(db: ObjectDatabase, env: NodeJS.ProcessEnv = process.env): PoolSettings | undefined {
  const explicit = env.PACKSCOPE_WORKERS;
  let workers: number;
  if (explicit !== undefined && explicit !== '') {
    workers = positiveInteger('PACKSCOPE_WORKERS', explicit);
    workers = Math.min(workers, MAX_WORKERS);
  } else {
    // On two cores the main thread (merge, write) competes with the workers: measured on libgit2,
    // 2 workers 15.9 s vs one thread 17.1 s at +160 MB; so the pool is the default from 4 cores.
    const cores = availableParallelism();
    workers = cores >= MIN_DEFAULT_CORES ? Math.min(cores - 1, MAX_DEFAULT_WORKERS) : 1;
    if (db.sourceObjectCount() < MIN_POOLED_OBJECTS) return undefined;
  }
  if (workers < 2) return undefined;
  // The worker is bundled next to the CLI (scripts/build-cli.mjs); run from sources it is absent.
  const script = new URL('./pool-worker.mjs', import.meta.url);
  if (script.protocol !== 'file:' || !existsSync(fileURLToPath(script))) return undefined;
  const chunkObjects = env.PACKSCOPE_POOL_CHUNK_OBJECTS ? positiveInteger('PACKSCOPE_POOL_CHUNK_OBJECTS', env.PACKSCOPE_POOL_CHUNK_OBJECTS) : 2048;
  const pieceBytes = env.PACKSCOPE_POOL_PIECE_BYTES ? Math.max(256, positiveInteger('PACKSCOPE_POOL_PIECE_BYTES', env.PACKSCOPE_POOL_PIECE_BYTES)) : 2 << 20;
  return {
    workers,
    chunkObjects,
    pieceBytes,
    budgetBytes: Math.max(32 << 20, 4 * pieceBytes),
    aheadChunks: 4 * workers,
    credits: 2,
    windowBudget: 16 << 20,
    baseCacheBudget: 32 << 20,
    youngGenerationMb: 32,
    script,
  };
}

function positiveInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${name} must be a positive integer, not '${value}'`);
  return Number(value);
}

interface Chunk {
  index: number;
  count: number;
  /** Raw ids back to back. */
  oids: Uint8Array;
  /** Where the main thread reads them, should the chunk fall back to it. */
  locations: ObjectLocation[];
  /** Where it is: waiting for a worker, on one, to be formatted on the main thread, or complete. */
  state: 'waiting' | 'running' | 'main' | 'complete';
  /** Times handed to a worker. */
  attempt: number;
  failures: number;
  /** What of its output is already on stdout and stderr (an attempt after a failure skips it). */
  emittedBytes: number;
  emittedEvents: number;
  /** Objects reported finished by the latest piece of the running attempt. */
  objectsSeen: number;
}

/** Prints every object as batchAll in cat-file.ts does, on `settings.workers` threads; the exit status. */
export function batchAllPooled(db: ObjectDatabase, out: Output, path: string, settings: PoolSettings): Promise<number> {
  const H = db.algo.size;
  const objects = db.allObjects()[Symbol.iterator]();
  let exhausted = false;
  let nextIndex = 0;
  let status = 0;
  const chunks = new Map<number, Chunk>();
  const redo: Chunk[] = [];
  /** Slots whose worker waits for a credit, with the chunk it is on. */
  const deferred = new Map<number, number>();
  const credits = new Int32Array(new SharedArrayBuffer(4 * settings.workers));

  /** Per slot, the port on which written piece buffers go back to its current worker. */
  const recycle: { port: MessagePort; generation: number }[] = [];

  const merge = new OrderedMerge<ChunkPiece>(
    (p) => p.bytes.length,
    (seq, piece) => {
      writePiece(chunks.get(seq) as Chunk, piece);
      // Written synchronously: the buffer is free again. Sent back only to the worker that
      // made it, and only whole piece buffers (small tails are exact-size copies).
      const back = recycle[piece.slot];
      const buffer = piece.bytes.buffer as ArrayBuffer;
      if (back && back.generation === piece.generation && buffer.byteLength === settings.pieceBytes) back.port.postMessage(buffer, [buffer]);
    },
  );

  const pool = new WorkerPool<ChunkJob, ChunkPiece, ChunkDone>({
    script: settings.script,
    size: settings.workers,
    resourceLimits: { maxYoungGenerationSizeMb: settings.youngGenerationMb },
    workerData: (slot, generation) => {
      recycle[slot]?.port.close();
      const channel = new MessageChannel();
      recycle[slot] = { port: channel.port1, generation };
      const data: BatchWorkerData = {
        path,
        slot,
        generation,
        credits: credits.buffer as SharedArrayBuffer,
        initialCredits: settings.credits,
        pieceBytes: settings.pieceBytes,
        windowBudget: settings.windowBudget,
        baseCacheBudget: settings.baseCacheBudget,
        recycled: channel.port2,
      };
      return { data, transferList: [channel.port2] };
    },
    onFailure: (failure) => {
      deferred.delete(failure.slot);
      if (failure.job === undefined) warn(`worker ${failure.slot} died while idle: ${failure.reason}${failure.retired ? '; it is not started again' : '; started again'}`);
    },
  });

  /**
   * Standard error, written synchronously through its descriptor: initialising
   * process.stderr would make a pipe shared with stdout (2>&1) non-blocking.
   */
  const stderr = new Output(2);
  function toStderr(text: string): void {
    out.flush();
    stderr.text(text);
    stderr.flush();
  }

  function warn(message: string): void {
    toStderr(`warning: cat-file: ${message}\n`);
  }

  function writePiece(chunk: Chunk, piece: Piece): void {
    let at = piece.start;
    piece.events.forEach((event, k) => {
      writeRange(chunk, piece, at, event.at);
      at = event.at;
      const n = piece.firstEvent + k;
      if (n < chunk.emittedEvents) return;
      chunk.emittedEvents = n + 1;
      emitEvent(event);
    });
    writeRange(chunk, piece, at, piece.start + piece.bytes.length);
  }

  function writeRange(chunk: Chunk, piece: Piece, from: number, to: number): void {
    const a = Math.max(from, chunk.emittedBytes);
    if (to <= a) return;
    out.bytes(piece.bytes.subarray(a - piece.start, to - piece.start));
    chunk.emittedBytes = to;
  }

  function emitEvent(event: ChunkEvent): void {
    if (event.kind === 'fatal') throw new Error(event.text);
    toStderr(event.text);
    status = 1;
  }

  function nextChunk(): Chunk | undefined {
    if (exhausted) return undefined;
    const oids = new Uint8Array(settings.chunkObjects * H);
    const locations: ObjectLocation[] = [];
    while (locations.length < settings.chunkObjects) {
      const r = objects.next();
      if (r.done) {
        exhausted = true;
        break;
      }
      oids.set(r.value.oid, locations.length * H);
      locations.push(r.value.location);
    }
    // The walk reads the idx files front to back through the window cache, which would keep
    // up to its whole budget of windows nobody reads again (40 MB on git.git). Ids already
    // taken stay valid: windows are dropped, never overwritten.
    if (db.windows.stats.bytesHeld > 8 << 20) db.windows.clear();
    if (locations.length === 0) return undefined;
    const chunk: Chunk = {
      index: nextIndex++,
      count: locations.length,
      oids: oids.subarray(0, locations.length * H),
      locations,
      state: 'waiting',
      attempt: 0,
      failures: 0,
      emittedBytes: 0,
      emittedEvents: 0,
      objectsSeen: 0,
    };
    chunks.set(chunk.index, chunk);
    return chunk;
  }

  function describe(chunk: Chunk): string {
    const first = toHex(chunk.oids.subarray(0, H));
    const last = toHex(chunk.oids.subarray((chunk.count - 1) * H, chunk.count * H));
    return `chunk ${chunk.index} (${chunk.count} objects, ${first}..${last})`;
  }

  function grant(slot: number): void {
    Atomics.add(credits, slot, 1);
    Atomics.notify(credits, slot);
  }

  /** Gives credits back to waiting workers: the head chunk's always, the others while there is room. */
  function release(): void {
    const waiting = [...deferred].sort((a, b) => a[1] - b[1]);
    for (const [slot, index] of waiting) {
      if (index !== merge.head && merge.storedBytes >= settings.budgetBytes) continue;
      deferred.delete(slot);
      grant(slot);
    }
  }

  return new Promise<number>((resolve, reject) => {
    let finished = false;
    const finish = (err?: unknown): void => {
      if (finished) return;
      finished = true;
      for (const r of recycle) r.port.close();
      pool.close().then(
        () => (err === undefined ? resolve(status) : reject(err)),
        () => (err === undefined ? resolve(status) : reject(err)),
      );
    };
    const guarded =
      <A extends unknown[]>(f: (...args: A) => void) =>
      (...args: A): void => {
        if (finished) return;
        try {
          f(...args);
        } catch (err) {
          finish(err);
        }
      };

    const onPiece = (chunk: Chunk, slot: number, piece: ChunkPiece): void => {
      if (piece.attempt !== chunk.attempt || chunk.state !== 'running') return;
      chunk.objectsSeen = piece.objects;
      const written = merge.push(chunk.index, piece);
      if (written || merge.storedBytes < settings.budgetBytes) grant(slot);
      else deferred.set(slot, chunk.index);
    };

    const onDone = (chunk: Chunk, done: ChunkDone): void => {
      if (done.attempt !== chunk.attempt || chunk.state !== 'running') return;
      chunk.state = 'complete';
      merge.complete(chunk.index);
      pump();
    };

    const onFailure = (chunk: Chunk, err: unknown): void => {
      if (chunk.state !== 'running') return;
      const failure = err instanceof WorkerFailure ? err : undefined;
      merge.discard(chunk.index);
      chunk.failures++;
      const where = `worker ${failure?.slot ?? '?'} died while formatting ${describe(chunk)}, attempt ${chunk.attempt}, after ${chunk.objectsSeen} objects: ${failure?.reason ?? String(err)}`;
      const restarted = failure?.retired ? '; the worker is not started again' : '; the worker was started again';
      if (chunk.failures >= MAX_WORKER_ATTEMPTS || pool.liveCount() === 0) {
        chunk.state = 'main';
        warn(`${where}${restarted}; the chunk is read on the main thread`);
      } else {
        chunk.state = 'waiting';
        redo.push(chunk);
        redo.sort((a, b) => a.index - b.index);
        warn(`${where}${restarted}; the chunk is done again`);
      }
      pump();
    };

    const dispatch = (slot: number, chunk: Chunk): void => {
      chunk.state = 'running';
      chunk.attempt++;
      chunk.objectsSeen = 0;
      const job: ChunkJob = { chunk: chunk.index, attempt: chunk.attempt, count: chunk.count, oids: chunk.oids };
      pool
        .run(
          slot,
          job,
          [],
          guarded((piece: ChunkPiece) => onPiece(chunk, slot, piece)),
        )
        .then(
          guarded((done: ChunkDone) => onDone(chunk, done)),
          guarded((err: unknown) => onFailure(chunk, err)),
        );
    };

    /** Formats a chunk on the main thread; it is the head, so it goes straight out. */
    const runOnMain = (chunk: Chunk): void => {
      const builder = new PieceBuilder(settings.pieceBytes, (piece) => merge.push(chunk.index, { ...piece, chunk: chunk.index, attempt: chunk.attempt, slot: -1, generation: -1 }));
      formatChunk(db, chunk.oids, chunk.count, (i) => chunk.locations[i], builder);
      chunk.state = 'complete';
      merge.complete(chunk.index);
    };

    const pump = guarded((): void => {
      for (;;) {
        for (const index of [...chunks.keys()]) if (index < merge.head) chunks.delete(index);
        release();
        const head = chunks.get(merge.head);
        if (head?.state === 'waiting' && pool.idleSlots().length === 0) {
          // Its turn has come and every worker is busy (maybe waiting for this very chunk to
          // be written): read it here rather than wait.
          redo.splice(redo.indexOf(head), 1);
          head.state = 'main';
        }
        if (head?.state === 'main') {
          runOnMain(head);
          continue;
        }
        if (pool.liveCount() === 0) {
          // No worker left: everything not yet formatted is read here, in order.
          for (const c of redo.splice(0)) c.state = 'main';
          if (!head && !exhausted && nextChunk()) {
            (chunks.get(merge.head) as Chunk).state = 'main';
            continue;
          }
          if (head?.state === 'waiting') {
            head.state = 'main';
            continue;
          }
        } else {
          const idle = pool.idleSlots();
          if (idle.length > 0) {
            let chunk = redo.shift();
            if (!chunk && nextIndex - merge.head < settings.aheadChunks && merge.storedBytes < settings.budgetBytes) chunk = nextChunk();
            if (chunk) {
              dispatch(idle[0], chunk);
              continue;
            }
          }
        }
        break;
      }
      if (exhausted && merge.head === nextIndex) finish();
    });

    pump();
  });
}
