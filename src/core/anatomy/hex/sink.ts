import type { HexAnnotation } from '../types.ts';

/**
 * Collects the annotations of one hex window. Annotators describe a file's structures by their
 * byte ranges; the sink keeps those that overlap the window [start, end) and leaves the rest
 * out, so an annotator may offer more than the window needs. Ranges keep their true extent
 * (a zlib stream longer than the window is reported whole), so the view can say where it ends.
 */
export class AnnotationSink {
  private readonly list: HexAnnotation[] = [];

  constructor(
    /** First byte of the window. */
    readonly start: number,
    /** One past the window's last byte. */
    readonly end: number,
  ) {}

  /** True when [start, end) overlaps the window: annotators use it to skip work. */
  overlaps(start: number, end: number): boolean {
    return start < this.end && end > this.start && end > start;
  }

  /** Adds a labelled range if it overlaps the window. */
  add(start: number, end: number, kind: HexAnnotation['kind'], label: string, extra: { detail?: string; oid?: string; target?: HexAnnotation['target'] } = {}): void {
    if (!this.overlaps(start, end)) return;
    const a: HexAnnotation = { start, end, kind, label };
    if (extra.detail !== undefined) a.detail = extra.detail;
    if (extra.oid !== undefined) a.oid = extra.oid;
    if (extra.target !== undefined) a.target = extra.target;
    this.list.push(a);
  }

  /**
   * The first and last index of a table of `count` entries of `stride` bytes at `at` that
   * overlap the window, or undefined when none does.
   */
  tableRange(at: number, stride: number, count: number): [first: number, last: number] | undefined {
    if (count <= 0 || !this.overlaps(at, at + stride * count)) return undefined;
    const first = Math.max(0, Math.floor((this.start - at) / stride));
    const last = Math.min(count - 1, Math.floor((this.end - 1 - at) / stride));
    return first <= last ? [first, last] : undefined;
  }

  /** The annotations, by start (then the longer first). */
  annotations(): HexAnnotation[] {
    return this.list.sort((a, b) => a.start - b.start || b.end - a.end);
  }
}

/** `0x1f3a (7994)`: an offset as the views write it, hex then decimal. */
export function at(n: number): string {
  return `0x${n.toString(16)} (${n})`;
}

/** `[0x10, 0x20)`: a byte range in hex. */
export function range(start: number, end: number): string {
  return `[0x${start.toString(16)}, 0x${end.toString(16)})`;
}

/** `0x3f`: a byte value in hex. */
export function byteHex(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

/** `1 object`, `2 objects`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `SHA-1` or `SHA-256`. */
export function hashName(algo: { name: 'sha1' | 'sha256' }): string {
  return algo.name === 'sha1' ? 'SHA-1' : 'SHA-256';
}
