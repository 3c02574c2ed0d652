import { PackscopeError } from '../../errors.ts';
import type { ByteSource } from '../../bytes/source.ts';
import type { HashAlgo } from '../../hash/algo.ts';
import { PACK_HEADER_SIZE, readPackHeader, readPackTrailer, type PackEntryHeader, type PackHeader } from '../../format/pack.ts';
import { toHex } from '../../hash/hex.ts';
import { PACK_OFS_DELTA, PACK_REF_DELTA, typeName } from '../../objects/types.ts';
import type { PackFile } from '../../odb/pack-file.ts';
import { type AnnotationSink, at, hashName } from './sink.ts';
import { annotateZlib } from './zlib.ts';

/**
 * Annotates a `.pack`: its header, the entries that overlap the window (found in the pack's
 * offset order, `PackFile.packOrder()`, by binary search), and its trailer. Each entry is read
 * with the engine's `readEntryHeader` (through `PackFile.entryHeader`):
 *
 * | offset   | bytes | field                                                           |
 * |----------|-------|-----------------------------------------------------------------|
 * | 0        | 4     | signature "PACK"                                                |
 * | 4        | 4     | version: 2 or 3                                                 |
 * | 8        | 4     | number of entries                                               |
 * | entry    | 1..n  | type (bits 4-6) and size (bits 0-3, then 7 bits a byte, MSB =   |
 * |          |       | more): the object's size, or for deltas the delta data's size   |
 * | ofs-delta| 1..n  | distance back to the base entry, 7 bits a byte, big-endian      |
 * | ref-delta| H     | the base object's id                                            |
 * |          | ...   | zlib stream, ending where the next entry begins                 |
 * | end - H  | H     | checksum of every byte before it                                |
 *
 * Returns the first entry that could not be read, if any (the others are still annotated).
 */
export function annotatePack(sink: AnnotationSink, pack: PackFile): PackscopeError | undefined {
  const data = pack.data;
  const file = data.name;
  const H = pack.ctx.algo.size;
  const trailerAt = data.size - H;
  annotatePackEnds(sink, data, pack.ctx.algo, pack.header, ` (the .idx lists ${pack.count})`);

  const order = pack.packOrder();
  const offsets = order.offsets;
  const n = offsets.length;
  // The last entry starting at or before the window, then every entry starting inside it.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid] <= sink.start) lo = mid + 1;
    else hi = mid;
  }
  let firstError: PackscopeError | undefined;
  for (let rank = Math.max(0, lo - 1); rank < n && offsets[rank] < sink.end; rank++) {
    const offset = offsets[rank];
    const end = rank + 1 < n ? offsets[rank + 1] : trailerAt;
    if (!sink.overlaps(offset, end)) continue;
    const oid = pack.idx.oidHexAt(order.positions[rank]);
    try {
      annotateEntry(sink, pack, pack.entryHeader(offset), end, oid);
    } catch (err) {
      const error = err instanceof PackscopeError ? err : new PackscopeError('CorruptObject', String(err), { file, offset });
      firstError ??= error;
      sink.add(offset, end, 'other', 'unreadable entry', { detail: `${error.detail} (entry of ${oid}, ${end - offset} bytes)`, oid });
    }
  }
  return firstError;
}

/**
 * The header and the trailing checksum: all a pack shows without its .idx (entries cannot be
 * found without it: their ends are only known from the offsets the .idx lists).
 */
export function annotatePackEnds(sink: AnnotationSink, data: ByteSource, algo: HashAlgo, header: PackHeader = readPackHeader(data, algo), countNote = ''): void {
  if (sink.overlaps(0, PACK_HEADER_SIZE)) {
    sink.add(0, 4, 'header', 'signature', { detail: '"PACK"' });
    sink.add(4, 8, 'header', 'version', { detail: `pack version ${header.version}` });
    sink.add(8, 12, 'header', 'number of entries', { detail: `${header.count} entries${countNote}` });
  }
  sink.add(data.size - algo.size, data.size, 'trailer', 'pack checksum', { detail: `${toHex(readPackTrailer(data, algo))}: ${hashName(algo)} of every byte before it; the .idx keeps a copy` });
}

const ENTRY_NAMES: Record<number, string> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag', 6: 'ofs-delta', 7: 'ref-delta' };

function annotateEntry(sink: AnnotationSink, pack: PackFile, header: PackEntryHeader, end: number, oid: string): void {
  const file = pack.data.name;
  const offset = header.offset;
  const isDelta = header.type === PACK_OFS_DELTA || header.type === PACK_REF_DELTA;
  const head = pack.data.read(offset, Math.min(header.dataOffset + 2, end) - offset).slice();
  let sizeBytes = 1;
  while (sizeBytes < head.length && head[sizeBytes - 1] & 0x80) sizeBytes++;
  const entryName = ENTRY_NAMES[header.type];

  let resolved: string;
  try {
    const info = pack.objectInfo(offset);
    resolved = isDelta
      ? `${entryName} (type ${header.type}) of a ${info.type}: ${header.size} bytes of delta data; the ${info.type} is ${info.size} bytes`
      : `${info.type}, ${header.size} bytes (type ${header.type})`;
  } catch (err) {
    const why = err instanceof PackscopeError ? err.detail : String(err);
    resolved = isDelta
      ? `${entryName} (type ${header.type}): ${header.size} bytes of delta data; the object's type could not be resolved: ${why}`
      : `${typeName(header.type)}, ${header.size} bytes (type ${header.type})`;
  }
  sink.add(offset, offset + sizeBytes, 'entry-header', `type+size: ${entryName}`, {
    detail: `${resolved}. Entry of ${oid} at ${at(offset)}, ${end - offset} bytes stored; size as a varint over ${sizeBytes} byte${sizeBytes === 1 ? '' : 's'}.`,
    oid,
  });

  if (header.type === PACK_OFS_DELTA) {
    const base = header.baseOffset as number;
    const basePos = pack.positionAtOffset(base);
    const baseOid = basePos >= 0 ? pack.idx.oidHexAt(basePos) : undefined;
    sink.add(offset + sizeBytes, header.dataOffset, 'delta-base', 'ofs-delta base distance', {
      detail: `${offset - base} bytes back: the base entry is at ${at(base)}${baseOid ? ` (${baseOid})` : ' (no idx entry starts there)'}`,
      ...(baseOid !== undefined ? { oid: baseOid } : {}),
      target: { file, offset: base },
    });
  } else if (header.type === PACK_REF_DELTA) {
    const H = pack.ctx.algo.size;
    const baseOid = toHex(header.baseOid as Uint8Array);
    const basePos = pack.idx.find(header.baseOid as Uint8Array);
    const base = basePos >= 0 ? pack.idx.offsetAt(basePos) : undefined;
    sink.add(header.dataOffset - H, header.dataOffset, 'delta-base', 'ref-delta base id', {
      detail: `base ${baseOid}` + (base !== undefined ? `, at ${at(base)} in this pack` : ', which this pack does not hold (a thin pack, or damage)'),
      oid: baseOid,
      ...(base !== undefined ? { target: { file, offset: base } } : {}),
    });
  }

  const zhead = head.subarray(header.dataOffset - offset);
  const what = isDelta ? `the ${header.size}-byte delta of ${oid}` : `the ${header.size} bytes of ${oid}`;
  annotateZlib(sink, header.dataOffset, end, zhead, what, oid);
}
