import { u16, u32 } from '../../bytes/be.ts';
import { PackscopeError } from '../../errors.ts';
import { BITMAP_FLAG_REUSE, BITMAP_OPT_FULL_DAG, BITMAP_OPT_HASH_CACHE, BITMAP_OPT_LOOKUP_TABLE, BITMAP_OPT_PSEUDO_MERGES, type Ewah, type PackBitmap } from '../../format/bitmap.ts';
import { toHex } from '../../hash/hex.ts';
import { type AnnotationSink, at, hashName, plural } from './sink.ts';
import type { Described } from './structures.ts';

/**
 * Annotates a `.bitmap` from `PackBitmap.layout()`, its type bitmaps and its entries as the
 * format module walks them (H = hash length, N objects, E entries):
 *
 * | offset   | bytes  | field                                                       |
 * |----------|--------|-------------------------------------------------------------|
 * | 0        | 4      | signature "BITM"                                            |
 * | 4        | 2      | version = 1                                                 |
 * | 6        | 2      | flags                                                       |
 * | 8        | 4      | E = number of entries                                       |
 * | 12       | H      | checksum of the pack (or midx)                              |
 * | 12 + H   | ...    | EWAH bitmaps of commits, trees, blobs, tags                 |
 * | ...      | ...    | entries: u32 object position, u8 XOR offset, u8 flags, EWAH |
 * | ...      | ...    | pseudo-merges, lookup table (E x 16), name-hash cache (N x 4)|
 * | end - H  | H      | checksum                                                    |
 *
 * An EWAH: u32 bit count, u32 word count W, W x 8 words, u32 position of the last run-length word.
 * Returns the first entry that could not be read (those before it are annotated).
 */
export function annotateBitmap(sink: AnnotationSink, bitmap: PackBitmap, of: Described): PackscopeError | undefined {
  const file = bitmap.source.name;
  const H = bitmap.algo.size;
  const h = bitmap.header;
  const layout = bitmap.layout();
  const what = of.kind === 'pack' ? 'pack' : 'multi-pack-index';
  const flags = [
    [BITMAP_OPT_FULL_DAG, 'FULL_DAG'],
    [BITMAP_OPT_HASH_CACHE, 'HASH_CACHE'],
    [BITMAP_OPT_LOOKUP_TABLE, 'LOOKUP_TABLE'],
    [BITMAP_OPT_PSEUDO_MERGES, 'PSEUDO_MERGES'],
  ]
    .filter(([bit]) => (h.flags & (bit as number)) !== 0)
    .map(([, name]) => name);
  if (h.unknownFlags) flags.push(`unknown 0x${h.unknownFlags.toString(16)}`);
  sink.add(0, 4, 'header', 'signature', { detail: '"BITM"' });
  sink.add(4, 6, 'header', 'version', { detail: `${u16(bitmap.source.read(4, 2), 0)}` });
  sink.add(6, 8, 'header', 'flags', { detail: `0x${h.flags.toString(16)}: ${flags.join(', ') || 'none'}` });
  sink.add(8, 12, 'header', 'number of entries', { detail: `${h.entryCount} commit bitmaps` });
  sink.add(12, 12 + H, 'trailer', `${what} checksum`, { detail: `${toHex(h.packChecksum)}: the checksum of the ${what} this bitmap was written for` });

  const position = (p: number): { oid?: string; target?: { file: string; offset: number } } => {
    try {
      if (of.kind === 'pack') return { oid: of.pack.idx.oidHexAt(p), target: { file: of.pack.data.name, offset: of.pack.idx.offsetAt(p) } };
      const local = p - of.ref.objectBase;
      if (local >= 0 && local < of.ref.midx.count) return { oid: of.ref.midx.oidHexAt(local), target: { file: of.ref.midx.source.name, offset: of.ref.midx.oidOffset(local) } };
    } catch {
      // A damaged position: shown without a link.
    }
    return {};
  };
  const positionWord = of.kind === 'pack' ? 'idx position' : 'midx position';

  for (const t of bitmap.typeBitmaps) annotateEwah(sink, t, `${t.type} type bitmap`, `${plural(t.setBits, t.type)} in the ${what}`);

  let error: PackscopeError | undefined;
  if (sink.overlaps(layout.entries.offset, layout.entries.offset + layout.entries.length)) {
    try {
      for (const e of bitmap.entries()) {
        if (e.offset >= sink.end) break;
        if (!sink.overlaps(e.offset, e.offset + e.byteSize)) continue;
        const commit = position(e.objectPosition);
        sink.add(e.offset, e.offset + 4, 'offset', `entry ${e.index}: commit`, { detail: `${positionWord} ${e.objectPosition}${commit.oid ? `: commit ${commit.oid}` : ''}`, ...commit });
        sink.add(e.offset + 4, e.offset + 5, 'entry-header', `entry ${e.index}: XOR offset`, {
          detail: e.xorOffset === 0 ? '0: the bitmap is stored as is' : `${e.xorOffset}: XOR-ed with entry ${e.index - e.xorOffset}'s bitmap`,
        });
        sink.add(e.offset + 5, e.offset + 6, 'entry-header', `entry ${e.index}: flags`, {
          detail: `0x${e.flags.toString(16)}${e.flags & BITMAP_FLAG_REUSE ? ': REUSE (may be reused as is when packing)' : ''}`,
        });
        annotateEwah(sink, e.bitmap, `entry ${e.index} bitmap`, commit.oid ? `what ${commit.oid.slice(0, 12)} reaches${e.xorOffset ? ' (XOR-compressed)' : ''}` : 'a commit bitmap');
      }
    } catch (err) {
      error = err instanceof PackscopeError ? err : new PackscopeError('CorruptObject', String(err), { file });
    }
  }
  const pm = layout.pseudoMerges;
  if (pm) sink.add(pm.offset, pm.offset + pm.length, 'chunk', 'pseudo-merge table', { detail: `${pm.length} bytes of pseudo-merge bitmaps; the table's size is in its last 8 bytes` });
  const lt = layout.lookupTable;
  if (lt) {
    const span = sink.tableRange(lt.offset, 16, h.entryCount) ?? [0, -1];
    for (let r = span[0]; r <= span[1]; r++) {
      const rowAt = lt.offset + 16 * r;
      try {
        const row = bitmap.lookupAt(r);
        const commit = position(row.objectPosition);
        sink.add(rowAt, rowAt + 4, 'offset', `lookup[${r}] commit`, {
          detail: `${positionWord} ${row.objectPosition}${commit.oid ? `: ${commit.oid}` : ''}`,
          ...(commit.oid ? { oid: commit.oid } : {}),
        });
        sink.add(rowAt + 4, rowAt + 12, 'offset', `lookup[${r}] entry offset`, { detail: `its entry starts at ${at(row.entryOffset)}`, target: { file, offset: row.entryOffset } });
        sink.add(rowAt + 12, rowAt + 16, 'offset', `lookup[${r}] XOR row`, {
          detail: row.xorRow === undefined ? '0xffffffff: not XOR-ed' : `XOR-ed with row ${row.xorRow}`,
          ...(row.xorRow !== undefined ? { target: { file, offset: lt.offset + 16 * row.xorRow } } : {}),
        });
      } catch (err) {
        sink.add(rowAt, rowAt + 16, 'other', `lookup[${r}]`, { detail: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  const hc = layout.hashCache;
  if (hc) {
    const span = sink.tableRange(hc.offset, 4, Math.floor(hc.length / 4)) ?? [0, -1];
    for (let p = span[0]; p <= span[1]; p++) {
      const obj = position(p);
      const hash = u32(bitmap.source.read(hc.offset + 4 * p, 4), 0)
        .toString(16)
        .padStart(8, '0');
      sink.add(hc.offset + 4 * p, hc.offset + 4 * p + 4, 'other', `name-hash[${p}]`, {
        detail: `0x${hash}: hash of the path ${obj.oid ?? `the object at ${positionWord} ${p}`} was found at (packing sorts by it)`,
        ...(obj.oid ? { oid: obj.oid } : {}),
      });
    }
  }
  sink.add(layout.checksum.offset, layout.checksum.offset + layout.checksum.length, 'trailer', 'checksum', { detail: `${toHex(bitmap.checksum())}: ${hashName(bitmap.algo)} of every byte before it` });
  return error;
}

/** The four fields of an EWAH bitmap. */
function annotateEwah(sink: AnnotationSink, e: Ewah, name: string, meaning: string): void {
  if (!sink.overlaps(e.offset, e.offset + e.byteSize)) return;
  const wordsAt = e.offset + 8;
  const rlwAt = wordsAt + 8 * e.wordCount;
  sink.add(e.offset, e.offset + 4, 'chunk', `${name}: bit count`, { detail: `${e.bitCount} bits (${meaning})` });
  sink.add(e.offset + 4, e.offset + 8, 'chunk', `${name}: word count`, { detail: `${e.wordCount} 64-bit words follow` });
  if (e.wordCount > 0)
    sink.add(wordsAt, rlwAt, 'chunk', `${name}: words`, {
      detail: `${e.wordCount} EWAH words: run-length words (bit 0 the run's bit, bits 1-32 its length, bits 33-63 the literal words after it) and literal words (${meaning})`,
    });
  sink.add(rlwAt, rlwAt + 4, 'chunk', `${name}: last RLW`, { detail: `word ${e.rlwPosition} is the last run-length word` });
}
