import type { ByteSource } from './source.ts';
import { CachedFile } from './window-cache.ts';

/**
 * The scan's way of reading (DESIGN.md, "Reading at scale"): a file front to back through one
 * large window that moves forward and drops what it has passed. Each byte is read from the
 * source once (plus the few bytes of an entry that straddles two windows), and memory stays at
 * one window whatever the file's size. Reads behind the window (a delta's base, earlier in the
 * pack) go to `readPoint` on the file instead: a scan never moves backwards.
 *
 *   file:  ....|==== window [start, end) ====|........
 *                   ^ reads here are views       ^ a read past `end` refills from its offset
 *
 * It reads the raw source under a window cache, so a scan does not flush the windows that
 * point lookups (the object list, the hex view) share.
 */
export class SequentialReader {
  private buffer: Uint8Array = new Uint8Array(0);
  private start = 0;
  /** Bytes fetched from the source (for the scan's counters and the tests). */
  bytesRead = 0;
  /** Reads issued to the source. */
  sourceReads = 0;
  private readonly raw: ByteSource;

  constructor(
    readonly source: ByteSource,
    readonly windowSize = 8 << 20,
  ) {
    this.raw = source instanceof CachedFile ? source.source : source;
  }

  /**
   * The bytes [offset, offset + length), inside the file. A view into the window while the
   * range lies in it; the view stays valid after the window moves (a new buffer is read, the
   * old one is never overwritten), but read it before the next call to keep memory flat.
   */
  read(offset: number, length: number): Uint8Array {
    const rel = offset - this.start;
    if (rel >= 0 && rel + length <= this.buffer.length) return this.buffer.subarray(rel, rel + length);
    if (length >= this.windowSize) {
      // A big entry: read it alone, and leave the window where it is.
      this.bytesRead += length;
      this.sourceReads++;
      return this.raw.read(offset, length);
    }
    const size = Math.min(this.windowSize, this.raw.size - offset);
    this.buffer = this.raw.read(offset, size);
    this.start = offset;
    this.bytesRead += size;
    this.sourceReads++;
    return this.buffer.subarray(0, length);
  }

  /**
   * The bytes [offset, offset + length) when the current window holds them, else undefined:
   * never reads. For a caller that also jumps (a delta tree's children): an entry the window
   * already passed over or holds ahead costs nothing.
   */
  peek(offset: number, length: number): Uint8Array | undefined {
    const rel = offset - this.start;
    return rel >= 0 && rel + length <= this.buffer.length ? this.buffer.subarray(rel, rel + length) : undefined;
  }

  /** Drops the window (a paused scan keeps no bytes). */
  release(): void {
    this.buffer = new Uint8Array(0);
    this.start = 0;
  }
}
