import { checkZlibHeader } from '../../inflate/inflater.ts';
import type { AnnotationSink } from './sink.ts';

/**
 * A zlib stream (RFC 1950) as git stores every object: two header bytes, the deflate data,
 * and the Adler-32 of the inflated bytes.
 *
 * | bytes | field                                                                  |
 * |-------|------------------------------------------------------------------------|
 * | 1     | CMF: bits 0-3 method (8 = deflate), bits 4-7 log2(window) - 8          |
 * | 1     | FLG: bits 0-4 check (CMF*256 + FLG is a multiple of 31), bit 5 preset  |
 * |       | dictionary, bits 6-7 level (0 fastest, 1 fast, 2 default, 3 best)      |
 * | ...   | deflate blocks                                                         |
 * | 4     | Adler-32 of the inflated data, big-endian                              |
 */

const LEVELS = ['fastest', 'fast', 'default', 'best'];

/** What the two header bytes say, or why the engine refuses them. */
export function describeZlibHeader(cmf: number, flg: number): string {
  const bytes = `${cmf.toString(16).padStart(2, '0')} ${flg.toString(16).padStart(2, '0')}`;
  try {
    checkZlibHeader(new Uint8Array([cmf, flg]));
  } catch (err) {
    return `${bytes}: ${err instanceof Error ? err.message : String(err)}`;
  }
  const window = 2 ** ((cmf >> 4) + 8);
  return `${bytes}: deflate, ${window >= 1024 ? `${window / 1024} KiB` : `${window} bytes`} window, ${LEVELS[flg >> 6]} compression level`;
}

/**
 * Annotates the zlib stream filling [start, end): its header, its deflate data and its Adler-32
 * (git writes each stream to end exactly where the next entry, or the file, begins).
 */
export function annotateZlib(sink: AnnotationSink, start: number, end: number, header: Uint8Array, what: string, oid: string | undefined): void {
  const extra = oid !== undefined ? { oid } : {};
  if (end - start < 6) {
    sink.add(start, end, 'zlib', 'zlib stream', { detail: `${end - start} bytes: too short for a zlib header and checksum (${what})`, ...extra });
    return;
  }
  sink.add(start, start + 2, 'zlib', 'zlib header', { detail: `${describeZlibHeader(header[0], header[1])}. The stream holds ${what}.`, ...extra });
  sink.add(start + 2, end - 4, 'zlib', 'deflate data', { detail: `${end - start - 6} bytes of deflate data (${end - start} with header and checksum) holding ${what}`, ...extra });
  sink.add(end - 4, end, 'zlib', 'Adler-32', { detail: `checksum of the inflated bytes: the zlib stream's last 4 bytes (${what})`, ...extra });
}
