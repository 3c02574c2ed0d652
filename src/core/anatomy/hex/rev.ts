import { u32 } from '../../bytes/be.ts';
import type { ReverseIndex } from '../../format/rev.ts';
import { toHex } from '../../hash/hex.ts';
import { type AnnotationSink, at, hashName } from './sink.ts';
import type { Described } from './structures.ts';

/**
 * Annotates a `.rev` from `ReverseIndex.layout()` (N objects, H hash length):
 *
 * | offset      | bytes | field                                               |
 * |-------------|-------|-----------------------------------------------------|
 * | 0           | 4     | signature "RIDX"                                    |
 * | 4           | 4     | version = 1                                         |
 * | 8           | 4     | hash id: 1 = SHA-1, 2 = SHA-256                     |
 * | 12          | N x 4 | idx position of the i-th object in pack order       |
 * | 12 + 4N     | H     | checksum of the .pack (or of the midx)              |
 * | 12 + 4N + H | H     | checksum of everything before it                    |
 */
export function annotateRev(sink: AnnotationSink, rev: ReverseIndex, of: Described): void {
  const layout = rev.layout();
  const head = rev.source.read(0, 12).slice();
  sink.add(0, 4, 'header', 'signature', { detail: '"RIDX"' });
  sink.add(4, 8, 'header', 'version', { detail: `${u32(head, 4)}` });
  sink.add(8, 12, 'header', 'hash id', { detail: `${u32(head, 8)}: ${hashName(rev.algo)}` });
  const span = sink.tableRange(layout.entries.offset, 4, rev.count);
  if (span) {
    // The pack order as the engine computes it from the idx, to say where each entry points.
    const order = of.kind === 'pack' ? of.pack.packOrder() : undefined;
    for (let i = span[0]; i <= span[1]; i++) {
      const e = rev.entryOffset(i);
      const stored = u32(rev.source.read(e, 4), 0);
      if (stored >= rev.count) {
        sink.add(e, e + 4, 'offset', `rev[${i}]`, { detail: `${stored}: not an idx position (the ${of.kind} has ${rev.count} objects)` });
        continue;
      }
      if (of.kind === 'pack') {
        const oid = of.pack.idx.oidHexAt(stored);
        const offset = of.pack.idx.offsetAt(stored);
        const expected = order?.positions[i];
        sink.add(e, e + 4, 'offset', `rev[${i}]`, {
          detail:
            `pack-order ${i}: idx position ${stored}, object ${oid} at pack offset ${at(offset)}` +
            (expected !== undefined && expected !== stored ? `. The idx's offsets put idx position ${expected} here: this entry is wrong.` : ''),
          oid,
          target: { file: of.pack.data.name, offset },
        });
      } else {
        const oid = of.ref.midx.oidHexAt(stored);
        sink.add(e, e + 4, 'offset', `rev[${i}]`, {
          detail: `pseudo-pack position ${i}: midx position ${stored} (${oid})`,
          oid,
          target: { file: of.ref.midx.source.name, offset: of.ref.midx.oidOffset(stored) },
        });
      }
    }
  }
  const what = of.kind === 'pack' ? '.pack' : 'multi-pack-index';
  sink.add(layout.packChecksum.offset, layout.packChecksum.offset + layout.packChecksum.length, 'trailer', `${what} checksum`, {
    detail: `${toHex(rev.packChecksum())}: the checksum of the ${what} this file was written for`,
  });
  sink.add(layout.checksum.offset, layout.checksum.offset + layout.checksum.length, 'trailer', 'checksum', { detail: `${toHex(rev.checksum())}: ${hashName(rev.algo)} of every byte before it` });
}
