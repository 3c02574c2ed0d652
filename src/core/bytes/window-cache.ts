import type { PinnedExtents } from './pinned-extents.ts';
import type { ByteSource } from './source.ts';

/**
 * The window cache is our mmap (after libgit2's mwindow): files are read in fixed-size windows
 * whose starts are multiples of half the window size, so two nearby reads share a window and
 * any read no longer than half a window fits inside one. All files share one byte budget;
 * the least recently used window is dropped first. Reads larger than half a window (big
 * objects) go straight to the source and are counted, not cached. A window's half that a
 * neighbour already holds is copied from it, so scans read each byte once.
 *
 * Two ways of reading (DESIGN.md, "Reading at scale"):
 * - `read` loads the window around the range: for small files read often (idx, midx, .rev).
 * - `readPoint` serves the range from a window already held; otherwise a range that fits in one
 *   small aligned page (16 KiB) loads that page (kept in the same LRU and budget: neighbouring
 *   entries of a delta chain share it), and a longer one is read at its exact extent and not
 *   kept. One object, its header or a delta base: a pack far larger than the budget is then read
 *   the way git's mmap touches pages, not a whole 1 MiB window per lookup.
 *
 *   file:   |-------- window k ---------|
 *                        |-------- window k+1 --------|
 *           0           half          2*half        3*half
 */

/** Counters the window-cache panel shows. */
export interface WindowCacheStats {
  /** Bytes fetched from the sources, cached or not. */
  bytesRead: number;
  /** Number of reads issued to the sources. */
  sourceReads: number;
  /** Windows currently held. */
  windowsOpen: number;
  /** Bytes currently held in windows. */
  bytesHeld: number;
  /** Highest `bytesHeld` ever reached. */
  peakBytesHeld: number;
  /** Reads served from a window already held. */
  hits: number;
  /** Reads that had to load a window. */
  misses: number;
  /** Reads too large for a window, sent straight to the source. */
  directReads: number;
  /** Point reads no held window or page covered: a page loaded, or the exact extent read. */
  pointReads: number;
}

/** Options: window size (a power of two), point-read page size, and the byte budget over all files. */
export interface WindowCacheOptions {
  windowSize?: number;
  pageSize?: number;
  budget?: number;
  /**
   * Where a read of a few bytes costs about what a page costs (the browser: each `Blob.slice`
   * + `FileReaderSync` has a fixed cost of a millisecond or more), a miss of `readExact` loads
   * an aligned page of this size (kept in the same LRU and budget), as its neighbours come
   * cheaper from it than from reads of their own. Smaller than `pageSize`: exact reads jump
   * (the verifier's delta children), so more, smaller pages hit more often. 0 (the default, the
   * CLI's `pread`): exact reads stay exact.
   */
  exactPageSize?: number;
}

interface Window {
  file: CachedFile;
  /** A point-read page (start = index * pageSize), or a window (start = index * half). */
  page: boolean;
  /** An exact-read page (start = index * exactPageSize), kept in `exactPages`. */
  small: boolean;
  index: number; // window start = index * half
  bytes: Uint8Array;
  prev: Window | null; // towards most recently used
  next: Window | null; // towards least recently used
}

/** One budget, one LRU list, many files. */
export class WindowCache {
  readonly windowSize: number;
  readonly half: number;
  readonly pageSize: number;
  readonly budget: number;
  readonly exactPageSize: number;
  readonly stats: WindowCacheStats = {
    bytesRead: 0,
    sourceReads: 0,
    windowsOpen: 0,
    bytesHeld: 0,
    peakBytesHeld: 0,
    hits: 0,
    misses: 0,
    directReads: 0,
    pointReads: 0,
  };
  private head: Window | null = null; // most recently used
  private tail: Window | null = null; // least recently used
  /** One wrapper per source: every reader of a file (engine, hex view, verify) shares its windows. */
  private readonly wrappers = new WeakMap<ByteSource, CachedFile>();

  constructor(options: WindowCacheOptions = {}) {
    const windowSize = options.windowSize ?? 1 << 20;
    if (windowSize < 64 || (windowSize & (windowSize - 1)) !== 0) {
      throw new RangeError(`window size must be a power of two >= 64, got ${windowSize}`);
    }
    this.windowSize = windowSize;
    this.half = windowSize / 2;
    const pageSize = options.pageSize ?? 16 << 10;
    if (pageSize < 64 || (pageSize & (pageSize - 1)) !== 0) throw new RangeError(`page size must be a power of two >= 64, got ${pageSize}`);
    this.pageSize = Math.min(pageSize, this.half);
    this.budget = Math.max(options.budget ?? 64 << 20, windowSize * 2);
    const exactPageSize = options.exactPageSize ?? 0;
    if (exactPageSize !== 0 && (exactPageSize < 64 || (exactPageSize & (exactPageSize - 1)) !== 0)) throw new RangeError(`exact page size must be 0 or a power of two >= 64, got ${exactPageSize}`);
    this.exactPageSize = Math.min(exactPageSize, this.half);
  }

  /** Wraps a source so that its reads go through this cache; the same source gets the same wrapper. */
  open(source: ByteSource): CachedFile {
    if (source instanceof CachedFile && source.cache === this) return source;
    let file = this.wrappers.get(source);
    if (!file) this.wrappers.set(source, (file = new CachedFile(this, source)));
    return file;
  }

  /** Drops every window (for example before a rescan). */
  clear(): void {
    while (this.tail) this.evict(this.tail);
  }

  /** @internal */
  touch(w: Window): void {
    if (this.head === w) return;
    this.unlink(w);
    w.next = this.head;
    w.prev = null;
    if (this.head) this.head.prev = w;
    this.head = w;
    if (!this.tail) this.tail = w;
  }

  /** @internal */
  load(file: CachedFile, index: number): Window {
    const start = index * this.half;
    const length = Math.min(this.windowSize, file.size - start);
    while (this.tail && this.stats.bytesHeld + length > this.budget) this.evict(this.tail);
    const bytes = this.fill(file, index, start, length);
    const s = this.stats;
    s.misses++;
    s.windowsOpen++;
    s.bytesHeld += length;
    if (s.bytesHeld > s.peakBytesHeld) s.peakBytesHeld = s.bytesHeld;
    const w: Window = { file, page: false, small: false, index, bytes, prev: null, next: null };
    file.windows.set(index, w);
    this.touch(w);
    return w;
  }

  /** @internal Loads the point-read page `index` of a file (`small`: an exact-read page). */
  loadPage(file: CachedFile, index: number, small = false): Window {
    const size = small ? this.exactPageSize : this.pageSize;
    const start = index * size;
    const length = Math.min(size, file.size - start);
    while (this.tail && this.stats.bytesHeld + length > this.budget) this.evict(this.tail);
    const bytes = file.source.read(start, length);
    const s = this.stats;
    s.misses++;
    s.pointReads++;
    s.sourceReads++;
    s.bytesRead += length;
    s.windowsOpen++;
    s.bytesHeld += length;
    if (s.bytesHeld > s.peakBytesHeld) s.peakBytesHeld = s.bytesHeld;
    const w: Window = { file, page: true, small, index, bytes, prev: null, next: null };
    (small ? file.exactPages : file.pages).set(index, w);
    this.touch(w);
    return w;
  }

  /**
   * Reads a window's bytes. Neighbouring windows overlap by half, so a half already held by
   * window k-1 or k+1 is copied instead of read again: a scan reads each byte once, not twice.
   */
  private fill(file: CachedFile, index: number, start: number, length: number): Uint8Array {
    const half = this.half;
    const before = file.windows.get(index - 1);
    const after = file.windows.get(index + 1);
    const s = this.stats;
    if (length > half && before && after && before.bytes.length >= 2 * half) {
      const bytes = new Uint8Array(length);
      bytes.set(before.bytes.subarray(half, 2 * half), 0);
      bytes.set(after.bytes.subarray(0, length - half), half);
      return bytes;
    }
    if (length > half && before && before.bytes.length >= 2 * half) {
      const bytes = new Uint8Array(length);
      bytes.set(before.bytes.subarray(half, 2 * half), 0);
      bytes.set(file.source.read(start + half, length - half), half);
      s.bytesRead += length - half;
      s.sourceReads++;
      return bytes;
    }
    if (length > half && after) {
      // After's first half is our second half; after may be shorter only at the end of the file.
      const bytes = new Uint8Array(length);
      bytes.set(file.source.read(start, half), 0);
      bytes.set(after.bytes.subarray(0, length - half), half);
      s.bytesRead += half;
      s.sourceReads++;
      return bytes;
    }
    return this.readWhole(file, start, length);
  }

  private readWhole(file: CachedFile, start: number, length: number): Uint8Array {
    this.stats.bytesRead += length;
    this.stats.sourceReads++;
    return file.source.read(start, length);
  }

  private unlink(w: Window): void {
    if (w.prev) w.prev.next = w.next;
    if (w.next) w.next.prev = w.prev;
    if (this.head === w) this.head = w.next;
    if (this.tail === w) this.tail = w.prev;
    w.prev = w.next = null;
  }

  private evict(w: Window): void {
    this.unlink(w);
    if (w.page) (w.small ? w.file.exactPages : w.file.pages).delete(w.index);
    else w.file.windows.delete(w.index);
    if (w.file.cursor === w) w.file.cursor = null;
    if (w.file.pageCursor === w) w.file.pageCursor = null;
    this.stats.windowsOpen--;
    this.stats.bytesHeld -= w.bytes.length;
  }
}

/** A file read through the window cache; itself a ByteSource, so parsers need not know. */
export class CachedFile implements ByteSource {
  readonly name: string;
  readonly size: number;
  /** @internal */
  readonly windows = new Map<number, Window>();
  /** @internal point-read pages, by start / pageSize */
  readonly pages = new Map<number, Window>();
  /** @internal exact-read pages (`exactPageSize`), by start / exactPageSize */
  readonly exactPages = new Map<number, Window>();
  /** @internal the page of the last point read: a walk through an idx stays on one page. */
  pageCursor: Window | null = null;
  /** @internal the window of the last read: sequential reads skip the map lookup. */
  cursor: Window | null = null;
  /** Extents a walk holds for its length (see `pin`); point reads look here first. */
  private pinned: PinnedExtents | null = null;

  constructor(
    readonly cache: WindowCache,
    readonly source: ByteSource,
  ) {
    this.name = source.name;
    this.size = source.size;
  }

  /**
   * Holds `extents` for point reads until `unpin` (one walk's working set, outside the LRU
   * budget: the walk that pins them accounts for their memory). A later pin replaces it.
   */
  pin(extents: PinnedExtents): void {
    this.pinned = extents;
  }

  /** Drops the pinned extents, if they are still `extents`. */
  unpin(extents: PinnedExtents): void {
    if (this.pinned === extents) this.pinned = null;
  }

  read(offset: number, length: number): Uint8Array {
    const cache = this.cache;
    const half = cache.half;
    const cursor = this.cursor;
    if (cursor !== null) {
      const start = cursor.index * half;
      if (offset >= start && offset + length <= start + cursor.bytes.length) {
        cache.stats.hits++;
        cache.touch(cursor);
        return cursor.bytes.subarray(offset - start, offset - start + length);
      }
    }
    if (length > half) {
      // A big read: a window would not hold it, and caching it would flush everything else.
      const index = Math.floor(offset / half);
      const start = index * half;
      if (offset + length > start + cache.windowSize) {
        cache.stats.directReads++;
        cache.stats.sourceReads++;
        cache.stats.bytesRead += length;
        return this.source.read(offset, length);
      }
    }
    const index = Math.floor(offset / half);
    let w = this.windows.get(index);
    if (w) {
      cache.stats.hits++;
      cache.touch(w);
    } else {
      w = cache.load(this, index);
    }
    this.cursor = w;
    const rel = offset - index * half;
    return w.bytes.subarray(rel, rel + length);
  }

  /**
   * A point read: the bytes [offset, offset + length) from a held window or page when one covers
   * them; else, when they fit in one page, from that page, loaded; else exactly those bytes from
   * the source, not kept. `exact` skips loading a page: a range no held window or page covers
   * is read alone (see `readExact`). Do not keep or mutate the result.
   */
  readPoint(offset: number, length: number, exact = false): Uint8Array {
    const cache = this.cache;
    if (this.pinned !== null) {
      const held = this.pinned.get(offset, length);
      if (held !== undefined) {
        cache.stats.hits++;
        return held;
      }
    }
    const half = cache.half;
    const index = Math.floor(offset / half);
    const cursor = this.cursor;
    const w = cursor !== null && !cursor.page && cursor.index === index ? cursor : this.windows.get(index);
    if (w !== undefined && offset + length <= index * half + w.bytes.length) {
      cache.stats.hits++;
      cache.touch(w);
      const rel = offset - index * half;
      return w.bytes.subarray(rel, rel + length);
    }
    const pageSize = cache.pageSize;
    const pageIndex = Math.floor(offset / pageSize);
    if (exact) {
      const page = this.pageCursor !== null && this.pageCursor.index === pageIndex ? this.pageCursor : this.pages.get(pageIndex);
      if (page !== undefined && offset + length <= (pageIndex + 1) * pageSize) {
        cache.stats.hits++;
        cache.touch(page);
        const rel = offset - pageIndex * pageSize;
        return page.bytes.subarray(rel, rel + length);
      }
      const small = cache.exactPageSize;
      const smallIndex = Math.floor(offset / small);
      if (small > 0 && offset + length <= (smallIndex + 1) * small) {
        let smallPage = this.exactPages.get(smallIndex);
        if (smallPage) {
          cache.stats.hits++;
          cache.touch(smallPage);
        } else {
          smallPage = cache.loadPage(this, smallIndex, true);
        }
        const rel = offset - smallIndex * small;
        return smallPage.bytes.subarray(rel, rel + length);
      }
    } else if (offset + length <= (pageIndex + 1) * pageSize) {
      let page = this.pageCursor !== null && this.pageCursor.index === pageIndex ? this.pageCursor : this.pages.get(pageIndex);
      if (page) {
        cache.stats.hits++;
        cache.touch(page);
      } else {
        page = cache.loadPage(this, pageIndex);
      }
      this.pageCursor = page;
      const rel = offset - pageIndex * pageSize;
      return page.bytes.subarray(rel, rel + length);
    }
    const s = cache.stats;
    s.pointReads++;
    s.sourceReads++;
    s.bytesRead += length;
    return this.source.read(offset, length);
  }
}

/**
 * A point read from any source: through the window cache's point path when the source is a
 * cached file, else a plain read (sources in memory, tests).
 */
export function readPoint(source: ByteSource, offset: number, length: number): Uint8Array {
  return source instanceof CachedFile ? source.readPoint(offset, length) : source.read(offset, length);
}

/**
 * A read of exactly [offset, offset + length) for a caller that visits each range once (the
 * verifier's delta trees jump across the whole pack): served from a window or page already
 * held, otherwise read alone and not kept. A page or window loaded here would be dropped before
 * its neighbours were asked for, so it would only multiply the bytes read (16 KiB for an
 * average entry of a few hundred bytes). Where reads cost pages (`exactPageSize`, the browser)
 * a miss loads a small page instead.
 */
export function readExact(source: ByteSource, offset: number, length: number): Uint8Array {
  return source instanceof CachedFile ? source.readPoint(offset, length, true) : source.read(offset, length);
}
