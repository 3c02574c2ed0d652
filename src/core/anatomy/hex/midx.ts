import { u32, u64 } from '../../bytes/be.ts';
import { CHUNK_BTMP, CHUNK_LOFF, CHUNK_OIDF, CHUNK_OIDL, CHUNK_OOFF, CHUNK_PNAM, CHUNK_RIDX, type MidxChunk } from '../../format/midx.ts';
import type { ObjectDatabase } from '../../odb/database.ts';
import { annotateFanout } from './fanout.ts';
import { type AnnotationSink, at, hashName } from './sink.ts';
import type { MidxLayerRef } from './structures.ts';
import { toHex } from '../../hash/hex.ts';

/**
 * Annotates a multi-pack-index file (flat, or one layer of a chain) from `MultiPackIndex.layout()`:
 *
 * | offset | bytes        | field                                                       |
 * |--------|--------------|-------------------------------------------------------------|
 * | 0      | 4            | signature "MIDX"                                            |
 * | 4      | 1            | version                                                     |
 * | 5      | 1            | hash version: 1 = SHA-1, 2 = SHA-256                         |
 * | 6      | 1            | number of chunks                                            |
 * | 7      | 1            | number of base multi-pack-index files                       |
 * | 8      | 4            | number of packs                                             |
 * | 12     | (C + 1) x 12 | chunk table: u32 id, u64 offset; a 0 id ends it             |
 * |        |              | PNAM names, OIDF fanout, OIDL ids, OOFF (pack-int-id,       |
 * |        |              | offset), LOFF 64-bit offsets, RIDX, BTMP, others by id      |
 * | end - H| H            | checksum                                                    |
 */

const MEANING: Record<string, string> = {
  PNAM: 'pack names',
  OIDF: 'object id fanout',
  OIDL: 'object id lookup (sorted ids)',
  OOFF: 'object offsets (pack-int-id, offset)',
  LOFF: 'large (64-bit) offsets',
  RIDX: 'reverse index (pseudo-pack order)',
  BTMP: 'bitmapped packs',
};

/** Annotates one midx file; `db` names the packs and their files for jumps. */
export function annotateMidx(sink: AnnotationSink, ref: MidxLayerRef, db: ObjectDatabase): void {
  const m = ref.midx;
  const file = m.source.name;
  const H = m.algo.size;
  const layout = m.layout();
  const head = m.source.read(0, 12).slice();
  const chain = ref.layer > 0 || ref.objectBase > 0 ? ` (chain layer ${ref.layer}: positions start at ${ref.objectBase}, pack ids at ${ref.packBase})` : '';
  sink.add(0, 4, 'header', 'signature', { detail: '"MIDX"' });
  sink.add(4, 5, 'header', 'version', { detail: `${m.version}${m.version === 2 ? ' (git 2.54+: pack names need not be sorted)' : ''}` });
  sink.add(5, 6, 'header', 'hash version', { detail: `${head[5]}: ${hashName(m.algo)}` });
  sink.add(6, 7, 'header', 'number of chunks', { detail: `${head[6]}` });
  sink.add(7, 8, 'header', 'number of base multi-pack-index files', { detail: `${m.baseCount} (git writes 0, even in chain layers)` });
  sink.add(8, 12, 'header', 'number of packs', { detail: `${m.packCount}${chain}` });

  // The chunk table: one 12-byte entry per chunk, then the terminating entry.
  const chunks = layout.chunks;
  chunks.forEach((c, i) => {
    const meaning = MEANING[c.id] ?? 'a chunk this reader does not parse';
    sink.add(c.tableOffset, c.tableOffset + 4, 'chunk-table', `chunk id: ${c.id}`, {
      detail: `chunk ${i + 1} of ${chunks.length}: ${c.id}, ${meaning}; ${c.length} bytes at ${at(c.offset)}`,
      target: { file, offset: c.offset },
    });
    sink.add(c.tableOffset + 4, c.tableOffset + 12, 'chunk-table', `chunk offset: ${c.id}`, {
      detail: `${c.id} starts at ${at(c.offset)} and runs to the next entry's offset, ${at(c.offset + c.length)} (${c.length} bytes)`,
      target: { file, offset: c.offset },
    });
  });
  const endAt = layout.chunkTable.offset + chunks.length * 12;
  if (sink.overlaps(endAt, endAt + 12)) {
    const last = u64(m.source.read(endAt + 4, 8), 0);
    sink.add(endAt, endAt + 4, 'chunk-table', 'terminating chunk id', { detail: '0: the table ends here' });
    sink.add(endAt + 4, endAt + 12, 'chunk-table', 'end of the last chunk', { detail: `${at(last)}: where the last chunk ends (the checksum starts at ${at(layout.trailer.offset)})` });
  }

  const packPath = (packId: number): string | undefined => {
    const name = m.packNames[packId];
    if (name === undefined) return undefined;
    const stem = name.replace(/\.(idx|pack)$/, '');
    return db.packs.find((p) => p.name === stem)?.data.name;
  };
  /** Where the object at a position lives, or just its id when OOFF/LOFF is damaged there. */
  const objectAt = (i: number): { oid: string; where?: string; target?: { file: string; offset: number } } => {
    const oid = m.oidHexAt(i);
    try {
      const packId = m.packIdAt(i);
      const offset = m.offsetAt(i);
      const path = packPath(packId);
      return { oid, where: `: pack ${packId} (${m.packNames[packId]}) at ${at(offset)}`, ...(path !== undefined ? { target: { file: path, offset } } : {}) };
    } catch (err) {
      return { oid, where: ` (${err instanceof Error ? err.message : String(err)})` };
    }
  };

  for (const c of chunks) {
    if (!sink.overlaps(c.offset, c.offset + c.length)) continue;
    switch (c.idValue) {
      case CHUNK_PNAM:
        annotatePnam(sink, c, layout.packNames, m.packNames, ref.packBase);
        break;
      case CHUNK_OIDF:
        annotateFanout(
          sink,
          c.offset,
          (b) => m.fanout(b),
          (p) => ({ file, offset: m.oidOffset(p) }),
          'OIDF',
        );
        break;
      case CHUNK_OIDL: {
        const span = sink.tableRange(c.offset, H, m.count);
        if (!span) break;
        for (let i = span[0]; i <= span[1]; i++) {
          const o = objectAt(i);
          sink.add(m.oidOffset(i), m.oidOffset(i) + H, 'oid', `OIDL[${i}]`, {
            detail: `${o.oid}, midx position ${ref.objectBase + i}${o.where ?? ''}`,
            oid: o.oid,
            ...(o.target !== undefined ? { target: o.target } : {}),
          });
        }
        break;
      }
      case CHUNK_OOFF: {
        const span = sink.tableRange(c.offset, 8, m.count);
        if (!span) break;
        for (let i = span[0]; i <= span[1]; i++) {
          const e = m.objectOffsetEntryAt(i);
          const oid = m.oidHexAt(i);
          const stored = m.storedPackIdAt(i);
          const name = m.packNames[stored];
          const path = packPath(stored);
          sink.add(e, e + 4, 'offset', `OOFF[${i}] pack-int-id`, {
            detail:
              name !== undefined
                ? `pack ${stored}${ref.packBase ? ` (${ref.packBase + stored} over the chain)` : ''}: ${name}, holding ${oid}`
                : `pack-int-id ${stored} is not below the ${m.packCount} packs of this file`,
            oid,
          });
          const word = u32(m.source.read(e + 4, 4), 0);
          let detail: string;
          let offset: number | undefined;
          try {
            offset = m.offsetAt(i);
            detail = m.usesLargeOffset(i) ? `0x${word.toString(16)}: MSB set, so the offset is LOFF entry ${word - 0x80000000}: ${at(offset)}` : `${oid} is at ${at(offset)} in its pack`;
          } catch (err) {
            detail = `0x${word.toString(16)}: ${err instanceof Error ? err.message : String(err)}`;
          }
          sink.add(e + 4, e + 8, 'offset', `OOFF[${i}] offset`, { detail, oid, ...(offset !== undefined && path !== undefined ? { target: { file: path, offset } } : {}) });
        }
        break;
      }
      case CHUNK_LOFF: {
        const span = sink.tableRange(c.offset, 8, m.largeOffsetCount);
        if (!span) break;
        for (let k = span[0]; k <= span[1]; k++) {
          const value = u64(m.source.read(c.offset + 8 * k, 8), 0);
          sink.add(c.offset + 8 * k, c.offset + 8 * k + 8, 'large-offset', `LOFF[${k}]`, {
            detail: `64-bit pack offset ${Number.isFinite(value) ? at(value) : 'beyond 2^53'} (an OOFF offset of 0x${(0x80000000 + k).toString(16)} points here)`,
          });
        }
        break;
      }
      case CHUNK_RIDX: {
        const span = sink.tableRange(c.offset, 4, Math.floor(c.length / 4));
        if (!span) break;
        for (let i = span[0]; i <= span[1]; i++) {
          const v = u32(m.source.read(c.offset + 4 * i, 4), 0);
          const local = v - ref.objectBase;
          const oid = local >= 0 && local < m.count ? m.oidHexAt(local) : undefined;
          sink.add(c.offset + 4 * i, c.offset + 4 * i + 4, 'offset', `RIDX[${i}]`, {
            detail: `pseudo-pack position ${i}: midx position ${v}` + (oid ? ` (${oid})` : ", outside this file's objects"),
            ...(oid !== undefined ? { oid, target: { file, offset: m.oidOffset(local) } } : {}),
          });
        }
        break;
      }
      case CHUNK_BTMP: {
        const span = sink.tableRange(c.offset, 8, Math.floor(c.length / 8));
        if (!span) break;
        for (let p = span[0]; p <= span[1]; p++) {
          const row = m.source.read(c.offset + 8 * p, 8).slice();
          const name = m.packNames[p] ?? `pack ${p}`;
          sink.add(c.offset + 8 * p, c.offset + 8 * p + 4, 'offset', `BTMP[${p}] first bit`, { detail: `${name}: its objects start at bit ${u32(row, 0)} of the midx bitmap` });
          sink.add(c.offset + 8 * p + 4, c.offset + 8 * p + 8, 'offset', `BTMP[${p}] objects`, { detail: `${name}: ${u32(row, 4)} objects in the midx bitmap` });
        }
        break;
      }
      default:
        sink.add(c.offset, c.offset + c.length, 'chunk', `chunk ${c.id}`, {
          detail: `${c.length} bytes of ${MEANING[c.id] ?? `a chunk this reader does not parse (id 0x${c.idValue.toString(16).padStart(8, '0')})`}`,
        });
    }
  }

  const trailer = layout.trailer;
  sink.add(trailer.offset, trailer.offset + trailer.length, 'trailer', 'checksum', {
    detail: `${toHex(m.checksum())}: ${hashName(m.algo)} of every byte before it${ref.layer > 0 || ref.objectBase > 0 || /\.midx$/.test(file) ? '; a chain layer is named for it' : ''}`,
  });
}

/** PNAM: NUL-terminated `pack-….idx` names, then NUL padding to a 4-byte boundary. */
function annotatePnam(sink: AnnotationSink, c: MidxChunk, ranges: readonly { offset: number; length: number }[], names: readonly string[], packBase: number): void {
  ranges.forEach((r, i) => {
    sink.add(r.offset, r.offset + r.length, 'pack-name', `PNAM[${i}]`, { detail: `pack ${i}${packBase ? ` (${packBase + i} over the chain)` : ''}: ${names[i]}, NUL-terminated` });
  });
  const last = ranges.length > 0 ? ranges[ranges.length - 1] : { offset: c.offset, length: 0 };
  const end = c.offset + c.length;
  const padAt = last.offset + last.length;
  if (padAt < end) sink.add(padAt, end, 'other', 'PNAM padding', { detail: `${end - padAt} NUL bytes: chunks start on 4-byte boundaries` });
}
