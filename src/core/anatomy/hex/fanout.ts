import { type AnnotationSink, byteHex, plural } from './sink.ts';

/**
 * A fanout table, as the idx and the midx's OIDF chunk store it: 256 big-endian u32s, entry b
 * the number of objects whose first id byte is <= b (so entry 255 is the object count).
 *
 * | offset      | bytes | field                                   |
 * |-------------|-------|-----------------------------------------|
 * | at + 4b     | 4     | objects with first byte <= b (cumulative) |
 */
export function annotateFanout(
  sink: AnnotationSink,
  at: number,
  /** The cumulative count at b, as the format module read it. */
  fanout: (b: number) => number,
  /** Where the id at a position sits, for a jump to the bucket's first id. */
  idAt: ((position: number) => { file: string; offset: number }) | undefined,
  name = 'fanout',
): void {
  const span = sink.tableRange(at, 4, 256);
  if (!span) return;
  for (let b = span[0]; b <= span[1]; b++) {
    const n = fanout(b);
    const before = b === 0 ? 0 : fanout(b - 1);
    const here = n - before;
    const detail =
      `${plural(n, 'object')} ${n === 1 ? 'has' : 'have'} a first id byte <= ${byteHex(b)}; ${here === 0 ? 'none starts' : `${plural(here, 'starts', 'start')}`} with ${byteHex(b)}` +
      (here === 1 ? ` (position ${before})` : here > 1 ? ` (positions ${before} to ${n - 1})` : '') +
      (b === 255 ? `. Entry 255 is the number of objects: ${n}.` : '');
    sink.add(at + 4 * b, at + 4 * b + 4, 'fanout', `${name}[${byteHex(b)}]`, { detail, ...(here > 0 && idAt ? { target: idAt(before) } : {}) });
  }
}
