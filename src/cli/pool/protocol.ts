import type { MessagePort } from 'node:worker_threads';
import type { Piece } from './chunk.ts';

/** What the main thread and a `cat-file --batch-all-objects --batch` worker say to each other. */

/** `workerData` of a pool worker. */
export interface BatchWorkerData {
  /** The repository path, as given on the command line (workers share the process's cwd). */
  path: string;
  slot: number;
  generation: number;
  /**
   * One Int32 per slot: pieces the worker may still post before it must wait. The main thread
   * gives one back for each piece it has written or had room to keep (see batch-all.ts).
   */
  credits: SharedArrayBuffer;
  /** Credits a freshly started worker begins with. */
  initialCredits: number;
  pieceBytes: number;
  /** Byte budgets of the worker's window cache and delta base cache. */
  windowBudget: number;
  baseCacheBudget: number;
  /**
   * Piece buffers the main thread has written come back here (an ArrayBuffer of `pieceBytes`
   * per message), so a worker reuses a few buffers instead of allocating gigabytes of them.
   */
  recycled: MessagePort;
}

/** Format a chunk: `count` objects whose raw ids lie back to back in `oids`. */
export interface ChunkJob {
  chunk: number;
  attempt: number;
  count: number;
  oids: Uint8Array;
}

/** A piece of a chunk's output. */
export interface ChunkPiece extends Piece {
  chunk: number;
  attempt: number;
  /** The worker that formatted it (where to send its buffer back). */
  slot: number;
  generation: number;
}

/** The chunk is complete: every piece has been posted before this. */
export interface ChunkDone {
  chunk: number;
  attempt: number;
  objects: number;
}
