import { u32, u64 } from '../../bytes/be.ts';
import type { PackIndex } from '../../format/idx.ts';
import { toHex } from '../../hash/hex.ts';
import type { PackFile } from '../../odb/pack-file.ts';
import { annotateFanout } from './fanout.ts';
import { type AnnotationSink, at, hashName } from './sink.ts';

/**
 * Annotates a `.idx` from the layout `PackIndex.layout()` gives (H = hash length, N objects,
 * M 64-bit offsets):
 *
 * Version 1                                  Version 2
 * | offset        | bytes     | field     |  | offset   | bytes | field                        |
 * |---------------|-----------|-----------|  |----------|-------|------------------------------|
 * | 0             | 256 x 4   | fanout    |  | 0        | 4     | signature ff 74 4f 63        |
 * | 1024          | N x (4+H) | offset,id |  | 4        | 4     | version = 2                  |
 * | end - 2H      | H         | pack sum  |  | 8        | 1024  | fanout                       |
 * | end - H       | H         | idx sum   |  | 1032     | N x H | object ids                   |
 *                                            |          | N x 4 | CRC32s                       |
 *                                            |          | N x 4 | 31-bit offset, MSB = 64-bit  |
 *                                            |          | M x 8 | 64-bit offsets               |
 *                                            | end - 2H | 2H    | pack checksum, idx checksum  |
 */
export function annotateIdx(sink: AnnotationSink, idx: PackIndex, pack: PackFile | undefined): void {
  const file = idx.source.name;
  const H = idx.algo.size;
  const N = idx.count;
  const layout = idx.layout();
  const packFile = pack?.data.name;
  const toPack = (offset: number) => (packFile !== undefined ? { target: { file: packFile, offset } } : {});
  const idAt = (position: number) => ({ file, offset: idx.idOffset(position) });

  if (idx.version === 2) {
    sink.add(0, 4, 'header', 'signature', { detail: 'ff 74 4f 63 ("\\377tOc"): a version 2 or later index; version 1 has no header and starts with its fanout' });
    sink.add(4, 8, 'header', 'version', { detail: `${u32(idx.source.read(4, 4), 0)}` });
  }
  annotateFanout(sink, layout.fanoutAt, (b) => idx.fanout(b), idAt);

  if (idx.version === 1) {
    // One table of (offset, id) pairs.
    const span = sink.tableRange(layout.offsetsAt, 4 + H, N);
    if (span) {
      for (let i = span[0]; i <= span[1]; i++) {
        const entryAt = layout.offsetsAt + i * (4 + H);
        const oid = idx.oidHexAt(i);
        const offset = idx.offsetAt(i);
        sink.add(entryAt, entryAt + 4, 'offset', `offset[${i}]`, { detail: `the object is at pack offset ${at(offset)}`, oid, ...toPack(offset) });
        sink.add(entryAt + 4, entryAt + 4 + H, 'oid', `oid[${i}]`, { detail: `${oid}, idx position ${i}, at pack offset ${at(offset)}`, oid, ...toPack(offset) });
      }
    }
  } else {
    let span = sink.tableRange(layout.idsAt, H, N);
    if (span) {
      for (let i = span[0]; i <= span[1]; i++) {
        const oid = idx.oidHexAt(i);
        const offset = safeOffset(idx, i);
        sink.add(layout.idsAt + i * H, layout.idsAt + (i + 1) * H, 'oid', `oid[${i}]`, {
          detail: `${oid}, idx position ${i}${offset !== undefined ? `, at pack offset ${at(offset)}` : ''}`,
          oid,
          ...(offset !== undefined ? toPack(offset) : {}),
        });
      }
    }
    const crcsAt = layout.crcsAt as number;
    span = sink.tableRange(crcsAt, 4, N);
    if (span) {
      for (let i = span[0]; i <= span[1]; i++) {
        const crc = (idx.crcAt(i) as number).toString(16).padStart(8, '0');
        const offset = safeOffset(idx, i);
        sink.add(crcsAt + 4 * i, crcsAt + 4 * i + 4, 'crc', `crc32[${i}]`, {
          detail: `${crc}: CRC-32 of the packed bytes (entry header and zlib stream) of object ${idx.oidHexAt(i)}`,
          oid: idx.oidHexAt(i),
          ...(offset !== undefined ? toPack(offset) : {}),
        });
      }
    }
    span = sink.tableRange(layout.offsetsAt, 4, N);
    if (span) {
      for (let i = span[0]; i <= span[1]; i++) {
        const wordAt = layout.offsetsAt + 4 * i;
        const word = u32(idx.source.read(wordAt, 4), 0);
        const oid = idx.oidHexAt(i);
        if (word < 0x80000000) {
          sink.add(wordAt, wordAt + 4, 'offset', `offset[${i}]`, { detail: `MSB clear: object ${oid} is at pack offset ${at(word)}`, oid, ...toPack(word) });
          continue;
        }
        const k = word - 0x80000000;
        const largeAt = (layout.largeOffsetsAt as number) + 8 * k;
        const offset = safeOffset(idx, i);
        sink.add(wordAt, wordAt + 4, 'offset', `offset[${i}]`, {
          detail:
            `0x${word.toString(16)}: MSB set, so the offset of ${oid} is 64-bit entry ${k}` +
            (offset !== undefined ? ` at idx ${at(largeAt)}: pack offset ${at(offset)}` : `, but the table holds only ${idx.largeOffsetCount}`),
          oid,
          target: { file, offset: largeAt },
        });
      }
    }
    const largeAt = layout.largeOffsetsAt as number;
    span = sink.tableRange(largeAt, 8, idx.largeOffsetCount);
    if (span) {
      const owners = largeOffsetOwners(idx);
      for (let k = span[0]; k <= span[1]; k++) {
        const value = u64(idx.source.read(largeAt + 8 * k, 8), 0);
        const owner = owners[k];
        const oid = owner !== undefined ? idx.oidHexAt(owner) : undefined;
        sink.add(largeAt + 8 * k, largeAt + 8 * k + 8, 'large-offset', `64-bit offset[${k}]`, {
          detail: `pack offset ${Number.isFinite(value) ? at(value) : 'beyond 2^53'}` + (owner !== undefined ? `, of object ${oid} (offset[${owner}] points here)` : '; no offset entry points here'),
          ...(oid !== undefined ? { oid } : {}),
          ...(Number.isFinite(value) ? toPack(value) : {}),
        });
      }
    }
  }
  const size = idx.source.size;
  sink.add(size - 2 * H, size - H, 'trailer', 'pack checksum', { detail: `${toHex(idx.packChecksum())}: the ${hashName(idx.algo)} the .pack ends with, copied here so the two can be matched` });
  sink.add(size - H, size, 'trailer', 'idx checksum', { detail: `${toHex(idx.idxChecksum())}: ${hashName(idx.algo)} of every byte before it` });
}

/** The offset of `position`, or undefined when its 64-bit entry is out of range (shown, not thrown). */
function safeOffset(idx: PackIndex, position: number): number | undefined {
  try {
    return idx.offsetAt(position);
  } catch {
    return undefined;
  }
}

const owners = new WeakMap<PackIndex, (number | undefined)[]>();

/** For each 64-bit offset entry, the idx position whose offset word points to it (one pass, kept). */
function largeOffsetOwners(idx: PackIndex): (number | undefined)[] {
  let list = owners.get(idx);
  if (list) return list;
  list = new Array<number | undefined>(idx.largeOffsetCount);
  const at = idx.layout().offsetsAt;
  const BLOCK = 4096;
  for (let start = 0; start < idx.count; start += BLOCK) {
    const n = Math.min(BLOCK, idx.count - start);
    const words = idx.source.read(at + 4 * start, 4 * n);
    for (let i = 0; i < n; i++) {
      const w = u32(words, 4 * i);
      if (w >= 0x80000000 && w - 0x80000000 < list.length) list[w - 0x80000000] = start + i;
    }
  }
  owners.set(idx, list);
  return list;
}
