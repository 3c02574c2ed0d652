import { countAtMost } from '../sorted.ts';
import type { ByteSource } from './source.ts';
import { CachedFile } from './window-cache.ts';

/**
 * Many scattered extents of one file, read with few source reads: extents closer than `gapBytes`
 * share one read (the bytes between them are read and dropped), each read at most
 * `maxReadBytes`, and every extent's bytes are copied into one arena. Where a read costs far
 * more than its bytes (a browser `Blob.slice` costs ~1.3 ms whatever its size), a few hundred
 * large reads replace tens of thousands of small ones: the delta trees of git.git's pack need
 * 300k extents (292 MB of deltas) scattered over 496 MB; in batches of 64 MiB with 128 KiB gaps
 * they are read in ~2,000 reads.
 *
 *   extents:  [a)  [b)        [c)                          [d)
 *   reads:    [=========== one read ===========)          [=)   (gap a-c <= gapBytes)
 *   arena:    [a)[b)[c)[d)                                      (only the extents are kept)
 */
export interface ExtentBatchOptions {
  /** Extents at most this far apart share one read. */
  gapBytes: number;
  /** The longest single read (a longer extent is read alone). */
  maxReadBytes: number;
}

export class ExtentBatch {
  /** Reads issued to the source, and the bytes they returned (gaps included). */
  sourceReads = 0;
  bytesRead = 0;
  private readonly arena: Uint8Array;
  /** Where extent i starts in the arena. */
  private readonly arenaStarts: Float64Array;

  /**
   * `starts` ascending, `ends[i] > starts[i]`, extents not overlapping. Reads the raw source
   * under a window cache, so the batch does not flush the windows that point lookups share.
   */
  constructor(
    source: ByteSource,
    private readonly starts: Float64Array,
    private readonly ends: Float64Array,
    options: ExtentBatchOptions,
  ) {
    const raw = source instanceof CachedFile ? source.source : source;
    const n = starts.length;
    this.arenaStarts = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      this.arenaStarts[i] = total;
      total += ends[i] - starts[i];
    }
    this.arena = new Uint8Array(total);
    let i = 0;
    while (i < n) {
      // One read from starts[i] to the end of the last extent it can take.
      const from = starts[i];
      let to = ends[i];
      let j = i + 1;
      while (j < n && starts[j] - to <= options.gapBytes && ends[j] - from <= options.maxReadBytes) to = Math.max(to, ends[j++]);
      const bytes = raw.read(from, to - from);
      this.sourceReads++;
      this.bytesRead += bytes.length;
      for (let k = i; k < j; k++) this.arena.set(bytes.subarray(starts[k] - from, ends[k] - from), this.arenaStarts[k]);
      i = j;
    }
  }

  /** Bytes held. */
  get size(): number {
    return this.arena.length;
  }

  /** The bytes [offset, offset + length) when one extent of the batch holds them, else undefined. */
  get(offset: number, length: number): Uint8Array | undefined {
    const starts = this.starts;
    const i = countAtMost(starts, offset) - 1;
    if (i < 0 || offset + length > this.ends[i]) return undefined;
    const at = this.arenaStarts[i] + (offset - starts[i]);
    return this.arena.subarray(at, at + length);
  }
}
