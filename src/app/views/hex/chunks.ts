import type { WireError } from '../../../core/errors.ts';
import type { HexAnnotation, HexWindow } from '../../../protocol/anatomy.ts';
import { asWire } from '../../stores/repo.ts';

/** Bytes per request: the largest window the worker returns. */
export const CHUNK_BYTES = 64 * 1024;

/** Chunks kept in memory (4 MiB of bytes and their annotations). */
const KEEP_CHUNKS = 64;

/** A chunk that arrived: its window, and for each of its bytes the annotation covering it. */
export interface LoadedChunk {
  window: HexWindow;
  /** Index into `window.annotations` per byte of the chunk, -1 where nothing is annotated. */
  annotationAt: Int32Array;
}

type Entry = { status: 'loading'; promise: Promise<LoadedChunk | undefined> } | { status: 'done'; chunk: LoadedChunk } | { status: 'error'; error: WireError };

/** Fetches one window of the file. */
export type FetchWindow = (offset: number, length: number, signal: AbortSignal) => Promise<HexWindow>;

/**
 * The hex view's cache of one file: 64 KiB chunks fetched from the worker as rows scroll into
 * view, the least recently used dropped past 64. Views subscribe to `version`, which changes
 * whenever a chunk arrives or fails. The UI never parses bytes: annotations come from the worker.
 */
export class HexChunks {
  private readonly entries = new Map<number, Entry>();
  private readonly listeners = new Set<() => void>();
  private readonly controller = new AbortController();
  private versionValue = 0;

  constructor(
    readonly file: string,
    readonly size: number,
    private readonly fetchWindow: FetchWindow,
  ) {}

  /** For useSyncExternalStore. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes whenever a chunk arrives or fails. */
  readonly version = (): number => this.versionValue;

  /** Number of chunks in the file. */
  get chunkCount(): number {
    return Math.ceil(this.size / CHUNK_BYTES);
  }

  /** Adds a window fetched by someone else (the first one, fetched to learn the file's size). */
  seed(window: HexWindow): void {
    if (window.offset % CHUNK_BYTES !== 0) return;
    this.entries.set(window.offset / CHUNK_BYTES, { status: 'done', chunk: index(window) });
    this.changed();
  }

  /** The chunk if it arrived. */
  chunk(i: number): LoadedChunk | undefined {
    const e = this.entries.get(i);
    return e?.status === 'done' ? e.chunk : undefined;
  }

  /** Why a chunk could not be fetched, if it failed. */
  error(i: number): WireError | undefined {
    const e = this.entries.get(i);
    return e?.status === 'error' ? e.error : undefined;
  }

  /** The first error among the chunks held: a failed fetch, or a structure the worker could not annotate. */
  firstError(): WireError | undefined {
    for (const e of this.entries.values()) {
      if (e.status === 'error') return e.error;
      if (e.status === 'done' && e.chunk.window.error) return e.chunk.window.error;
    }
    return undefined;
  }

  /** The annotation covering byte `offset`, if its chunk arrived. */
  annotationAt(offset: number): HexAnnotation | undefined {
    const c = this.chunk(Math.floor(offset / CHUNK_BYTES));
    if (!c) return undefined;
    const k = c.annotationAt[offset - c.window.offset];
    return k === undefined || k < 0 ? undefined : c.window.annotations[k];
  }

  /** The byte at `offset`, if its chunk arrived. */
  byteAt(offset: number): number | undefined {
    const c = this.chunk(Math.floor(offset / CHUNK_BYTES));
    return c ? c.window.bytes[offset - c.window.offset] : undefined;
  }

  /** Starts fetching chunk `i` unless it is held or on its way; resolves when it is there (undefined on failure). */
  load(i: number): Promise<LoadedChunk | undefined> {
    if (i < 0 || i >= this.chunkCount) return Promise.resolve(undefined);
    const e = this.entries.get(i);
    if (e) {
      // Most recently used last.
      this.entries.delete(i);
      this.entries.set(i, e);
      if (e.status === 'done') return Promise.resolve(e.chunk);
      if (e.status === 'loading') return e.promise;
      return Promise.resolve(undefined);
    }
    const offset = i * CHUNK_BYTES;
    const promise = this.fetchWindow(offset, Math.min(CHUNK_BYTES, this.size - offset), this.controller.signal).then(
      (window) => {
        const chunk = index(window);
        if (this.entries.get(i)?.status === 'loading') {
          this.entries.set(i, { status: 'done', chunk });
          this.changed();
        }
        return chunk;
      },
      (err: unknown) => {
        if (this.controller.signal.aborted) return undefined;
        this.entries.set(i, { status: 'error', error: asWire(err) });
        this.changed();
        return undefined;
      },
    );
    this.entries.set(i, { status: 'loading', promise });
    this.evict();
    return promise;
  }

  /** Stops every fetch (the view went away or opened another file). */
  dispose(): void {
    this.controller.abort();
  }

  private evict(): void {
    if (this.entries.size <= KEEP_CHUNKS) return;
    for (const [i, e] of this.entries) {
      if (this.entries.size <= KEEP_CHUNKS) break;
      if (e.status !== 'loading') this.entries.delete(i);
    }
  }

  private changed(): void {
    this.versionValue++;
    for (const l of this.listeners) l();
  }
}

/**
 * For each byte, the annotation to show: annotations come sorted by start (longer first), so a
 * nested one, coming later, wins over the one around it.
 */
function index(window: HexWindow): LoadedChunk {
  const n = window.bytes.length;
  const at = new Int32Array(n).fill(-1);
  window.annotations.forEach((a, k) => {
    const from = Math.max(0, a.start - window.offset);
    const to = Math.min(n, a.end - window.offset);
    for (let i = from; i < to; i++) at[i] = k;
  });
  return { window, annotationAt: at };
}

/** The next (dir 1) or previous (dir -1) annotation start from `offset`, fetching chunks as needed (up to `maxChunks`). */
export async function findAnnotationStart(chunks: HexChunks, offset: number, dir: 1 | -1, maxChunks = 32): Promise<number | undefined> {
  const here = chunks.annotationAt(offset);
  if (dir === 1) {
    // Skip the rest of the annotation under the cursor: the next one starts at or after its end.
    let from = here ? Math.max(offset + 1, here.end) : offset + 1;
    for (let n = 0; n < maxChunks && from < chunks.size; n++) {
      const i = Math.floor(from / CHUNK_BYTES);
      const c = await chunks.load(i);
      if (!c) return undefined;
      let best: number | undefined;
      for (const a of c.window.annotations) if (a.start >= from && (best === undefined || a.start < best)) best = a.start;
      if (best !== undefined) return best;
      from = (i + 1) * CHUNK_BYTES;
    }
    return undefined;
  }
  let before = here ? Math.min(offset, here.start) : offset;
  for (let n = 0; n < maxChunks && before > 0; n++) {
    const i = Math.floor((before - 1) / CHUNK_BYTES);
    const c = await chunks.load(i);
    if (!c) return undefined;
    let best: number | undefined;
    for (const a of c.window.annotations) if (a.start < before && (best === undefined || a.start > best)) best = a.start;
    if (best !== undefined) return best;
    before = i * CHUNK_BYTES;
  }
  return undefined;
}
