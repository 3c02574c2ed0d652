import { countAtMost } from '../../../core/sorted.ts';
import type { PackMap } from '../../../protocol/anatomy.ts';

/**
 * What the byte map draws, computed without the DOM: every byte of the pack file belongs to
 * a category (an object type, a delta-depth band, the pack's header and trailer, or an
 * unreadable entry). Zoomed out, a pixel column spans many entries, so columns are summed from
 * a bucket table built once (a fixed number of equal byte ranges over the file, with the bytes
 * of each category in each); zoomed in, the visible entries are walked directly.
 */

/** How the map colours entries. */
export type MapMode = 'type' | 'depth';

/** Category of entries that could not be read (both modes). */
export const CAT_UNREADABLE = 0;
/** Category of the bytes that are not entries: the 12-byte header and the trailing checksum. */
export const CAT_STRUCTURE = 1;
/** Type mode: category = CAT_TYPE0 + type number - 1 (commit, tree, blob, tag). */
export const CAT_TYPE0 = 2;
/** Depth mode: category = CAT_DEPTH0 + depth band. */
export const CAT_DEPTH0 = 2;

/** Buckets of the table used when zoomed out. */
const BUCKETS = 1 << 16;

/** The depth band of a delta depth: 0, 1, 2-3, 4-7, 8-15, … */
export function depthBand(depth: number): number {
  return depth === 0 ? 0 : 1 + Math.floor(Math.log2(depth));
}

/** The depths a band covers, [low, high]. */
export function bandRange(band: number, maxDepth: number): [number, number] {
  if (band === 0) return [0, 0];
  const low = 2 ** (band - 1);
  return [low, Math.min(maxDepth, 2 * low - 1)];
}

/** Bytes and entries per category, for the legend. */
export interface CategoryTotals {
  entries: Float64Array;
  bytes: Float64Array;
}

/** The columns of one frame: for each column, bytes per category. */
export interface Columns {
  /** columns * categories, row-major by column. */
  bytes: Float64Array;
  count: number;
}

/** An entry wide enough to draw as its own rectangle. */
export interface WideEntry {
  rank: number;
  x0: number;
  x1: number;
  category: number;
}

/** One mode's colouring of the map, with its bucket table. */
export class MapLayer {
  readonly categories: number;
  readonly categoryOf: Uint8Array;
  readonly totals: CategoryTotals;
  private table: Float32Array | undefined;

  constructor(
    readonly model: MapModel,
    readonly mode: MapMode,
  ) {
    const map = model.map;
    const n = model.count;
    this.categories = mode === 'type' ? CAT_TYPE0 + 4 : CAT_DEPTH0 + model.depthBands;
    const cats = new Uint8Array(n);
    for (let r = 0; r < n; r++) {
      const t = map.types[r];
      if (t === 0) cats[r] = CAT_UNREADABLE;
      else cats[r] = mode === 'type' ? CAT_TYPE0 + t - 1 : CAT_DEPTH0 + depthBand(map.depths[r]);
    }
    this.categoryOf = cats;
    const entries = new Float64Array(this.categories);
    const bytes = new Float64Array(this.categories);
    for (let r = 0; r < n; r++) {
      entries[cats[r]]++;
      bytes[cats[r]] += map.storedSizes[r];
    }
    bytes[CAT_STRUCTURE] = model.headerEnd + (model.packBytes - model.entriesEnd);
    this.totals = { entries, bytes };
  }

  /** The bucket table, built on first use: O(entries + buckets). */
  private buckets(): Float32Array {
    if (this.table) return this.table;
    const m = this.model;
    const K = this.categories;
    const table = new Float32Array(m.buckets * K);
    const add = (from: number, to: number, cat: number) => {
      let b = Math.floor(from / m.bucketSize);
      let at = from;
      while (at < to && b < m.buckets) {
        const bucketEnd = Math.min(to, (b + 1) * m.bucketSize);
        table[b * K + cat] += bucketEnd - at;
        at = bucketEnd;
        b++;
      }
    };
    add(0, m.headerEnd, CAT_STRUCTURE);
    const map = m.map;
    for (let r = 0; r < m.count; r++) add(map.offsets[r], map.offsets[r] + map.storedSizes[r], this.categoryOf[r]);
    add(m.entriesEnd, m.packBytes, CAT_STRUCTURE);
    this.table = table;
    return table;
  }

  /**
   * The bytes of each category in `count` columns of `bytesPerColumn` bytes starting at byte
   * `start`, plus the entries wide enough (at least `minWide` columns) to draw on their own.
   */
  columns(start: number, bytesPerColumn: number, count: number, minWide: number): { columns: Columns; wide: WideEntry[] } {
    const K = this.categories;
    const out = new Float64Array(count * K);
    const wide: WideEntry[] = [];
    const m = this.model;
    // Walk the entries while they are few (a few per column); past that, sum buckets, which
    // costs the same however many entries the view holds.
    const visible = m.rankAt(start + count * bytesPerColumn) - m.rankAt(start);
    if (visible > 4 * count && bytesPerColumn >= 2 * m.bucketSize) this.columnsFromBuckets(out, start, bytesPerColumn, count);
    else this.columnsFromEntries(out, wide, start, bytesPerColumn, count, minWide);
    return { columns: { bytes: out, count }, wide };
  }

  private columnsFromBuckets(out: Float64Array, start: number, bpc: number, count: number): void {
    const K = this.categories;
    const m = this.model;
    const table = this.buckets();
    const bs = m.bucketSize;
    for (let c = 0; c < count; c++) {
      const from = Math.max(0, start + c * bpc);
      const to = Math.min(m.packBytes, start + (c + 1) * bpc);
      if (to <= from) continue;
      const b0 = Math.floor(from / bs);
      const b1 = Math.min(m.buckets - 1, Math.floor((to - 1e-9) / bs));
      for (let b = b0; b <= b1; b++) {
        // The share of bucket b inside [from, to); buckets are assumed uniform inside.
        const lo = Math.max(from, b * bs);
        const hi = Math.min(to, (b + 1) * bs);
        const f = (hi - lo) / bs;
        if (f <= 0) continue;
        for (let k = 0; k < K; k++) out[c * K + k] += table[b * K + k] * f;
      }
    }
  }

  private columnsFromEntries(out: Float64Array, wide: WideEntry[], start: number, bpc: number, count: number, minWide: number): void {
    const K = this.categories;
    const m = this.model;
    const map = m.map;
    const end = start + count * bpc;
    const spread = (from: number, to: number, cat: number) => {
      const x0 = (from - start) / bpc;
      const x1 = (to - start) / bpc;
      const c0 = Math.max(0, Math.floor(x0));
      const c1 = Math.min(count - 1, Math.ceil(x1) - 1);
      for (let c = c0; c <= c1; c++) {
        const cover = Math.min(x1, c + 1) - Math.max(x0, c);
        if (cover > 0) out[c * K + cat] += cover * bpc;
      }
    };
    if (start < m.headerEnd) spread(0, m.headerEnd, CAT_STRUCTURE);
    if (end > m.entriesEnd) spread(m.entriesEnd, m.packBytes, CAT_STRUCTURE);
    for (let r = Math.max(0, m.rankAt(start)); r < m.count && map.offsets[r] < end; r++) {
      const off = map.offsets[r];
      const len = map.storedSizes[r];
      const x0 = (off - start) / bpc;
      const x1 = (off + len - start) / bpc;
      if (x1 <= 0) continue;
      if (x1 - x0 >= minWide) wide.push({ rank: r, x0, x1, category: this.categoryOf[r] });
      else spread(off, off + len, this.categoryOf[r]);
    }
  }
}

/** The pack's entries, ready for drawing and hit testing. */
export class MapModel {
  readonly count: number;
  readonly packBytes: number;
  /** Where the entries begin (after the 12-byte header). */
  readonly headerEnd: number;
  /** Where the entries end (the trailer's checksum begins). */
  readonly entriesEnd: number;
  readonly maxDepth: number;
  readonly depthBands: number;
  readonly buckets: number;
  readonly bucketSize: number;
  private readonly layers = new Map<MapMode, MapLayer>();

  constructor(readonly map: PackMap) {
    const n = map.offsets.length;
    this.count = n;
    this.packBytes = map.packBytes;
    this.headerEnd = n > 0 ? map.offsets[0] : Math.min(12, map.packBytes);
    this.entriesEnd = n > 0 ? map.offsets[n - 1] + map.storedSizes[n - 1] : this.headerEnd;
    let max = 0;
    for (let r = 0; r < n; r++) if (map.types[r] !== 0 && map.depths[r] > max) max = map.depths[r];
    this.maxDepth = max;
    this.depthBands = depthBand(max) + 1;
    this.buckets = Math.max(1, Math.min(BUCKETS, Math.ceil(map.packBytes)));
    this.bucketSize = map.packBytes / this.buckets;
  }

  /** The colouring for a mode (built once). */
  layer(mode: MapMode): MapLayer {
    let l = this.layers.get(mode);
    if (!l) this.layers.set(mode, (l = new MapLayer(this, mode)));
    return l;
  }

  /** Rank of the last entry starting at or before `byte` (-1 before the first). */
  rankAt(byte: number): number {
    return countAtMost(this.map.offsets, byte) - 1;
  }

  /** The entry whose stored bytes contain `byte`, or -1 (header, trailer, outside). */
  entryAt(byte: number): number {
    const r = this.rankAt(byte);
    if (r < 0) return -1;
    return byte < this.map.offsets[r] + this.map.storedSizes[r] ? r : -1;
  }
}
