import { u32 } from '../../bytes/be.ts';
import type { PackMtimes } from '../../format/mtimes.ts';
import { toHex } from '../../hash/hex.ts';
import type { PackFile } from '../../odb/pack-file.ts';
import { type AnnotationSink, hashName } from './sink.ts';

/**
 * Annotates a cruft pack's `.mtimes` from `PackMtimes.layout()` (N objects, H hash length):
 *
 * | offset      | bytes | field                                          |
 * |-------------|-------|------------------------------------------------|
 * | 0           | 4     | signature "MTME"                               |
 * | 4           | 4     | version = 1                                    |
 * | 8           | 4     | hash id: 1 = SHA-1, 2 = SHA-256                |
 * | 12          | N x 4 | mtime (seconds) of the object at each idx position |
 * | 12 + 4N     | H     | checksum of the .pack                          |
 * | 12 + 4N + H | H     | checksum of everything before it               |
 */
export function annotateMtimes(sink: AnnotationSink, mtimes: PackMtimes, pack: PackFile): void {
  const layout = mtimes.layout();
  const head = mtimes.source.read(0, 12).slice();
  sink.add(0, 4, 'header', 'signature', { detail: '"MTME"' });
  sink.add(4, 8, 'header', 'version', { detail: `${u32(head, 4)}` });
  sink.add(8, 12, 'header', 'hash id', { detail: `${u32(head, 8)}: ${hashName(mtimes.algo)}` });
  const span = sink.tableRange(layout.mtimes.offset, 4, mtimes.count);
  if (span) {
    for (let p = span[0]; p <= span[1]; p++) {
      const e = mtimes.entryOffset(p);
      const t = mtimes.mtimeAt(p);
      const oid = pack.idx.oidHexAt(p);
      sink.add(e, e + 4, 'other', `mtime[${p}]`, {
        detail: `${t} = ${new Date(t * 1000).toISOString().replace('.000Z', 'Z')}: when ${oid} (idx position ${p}) was last written or found unreachable`,
        oid,
        target: { file: pack.data.name, offset: pack.idx.offsetAt(p) },
      });
    }
  }
  sink.add(layout.packChecksum.offset, layout.packChecksum.offset + layout.packChecksum.length, 'trailer', '.pack checksum', {
    detail: `${toHex(mtimes.packChecksum())}: the checksum of the .pack this file was written for`,
  });
  sink.add(layout.checksum.offset, layout.checksum.offset + layout.checksum.length, 'trailer', 'checksum', { detail: `${toHex(mtimes.checksum())}: ${hashName(mtimes.algo)} of every byte before it` });
}
