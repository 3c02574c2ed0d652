import { describe, expect, it } from 'vitest';
import { putU64 } from '../src/core/bytes/be.ts';
import { memorySource } from '../src/core/bytes/source.ts';
import { CHUNK_CDAT, CHUNK_OIDF, CHUNK_OIDL, CHUNK_PNAM, chunkTableSize, readChunkTable, writeChunkTable } from '../src/core/format/chunk-table.ts';

/**
 * The chunk table shared by the midx reader and writer and the commit-graph reader: what the
 * writer lays out reads back, and each reader's dialect keeps its git's checks and words.
 */

const TRAILER = 20;

function file(chunks: { id: number; length: number }[], tableAt = 12): Uint8Array {
  const size = tableAt + chunkTableSize(chunks.length) + chunks.reduce((s, c) => s + c.length, 0) + TRAILER;
  const out = new Uint8Array(size);
  writeChunkTable(out, tableAt, chunks);
  return out;
}

const read = (bytes: Uint8Array, count: number, dialect: 'midx' | 'commit-graph', tableAt = 12) => readChunkTable(memorySource('f', bytes), tableAt, count, bytes.length - TRAILER, dialect);

describe('chunk table', () => {
  it('what the writer lays out reads back, in both dialects', () => {
    const chunks = [
      { id: CHUNK_PNAM, length: 52 },
      { id: CHUNK_OIDF, length: 1024 },
      { id: CHUNK_OIDL, length: 40 },
    ];
    const bytes = file(chunks);
    const { starts, end } = writeChunkTable(new Uint8Array(bytes.length), 12, chunks);
    for (const dialect of ['midx', 'commit-graph'] as const) {
      const table = read(bytes, 3, dialect);
      expect(table.map((c) => [c.id, c.offset, c.length, c.tableOffset])).toEqual([
        ['PNAM', starts[0], 52, 12],
        ['OIDF', starts[1], 1024, 24],
        ['OIDL', starts[2], 40, 36],
      ]);
    }
    expect(end).toBe(bytes.length - TRAILER);
    expect(starts[0]).toBe(12 + 4 * 12);
  });

  it('a misaligned chunk: the midx reader refuses it, the commit-graph reader (as git 2.39) does not', () => {
    const bytes = file(
      [
        { id: CHUNK_OIDF, length: 1022 },
        { id: CHUNK_CDAT, length: 40 },
      ],
      8,
    );
    expect(() => read(bytes, 2, 'midx', 8)).toThrow(/chunk id 43444154 not 4-byte aligned/);
    expect(read(bytes, 2, 'commit-graph', 8)[1]).toMatchObject({ id: 'CDAT', length: 40 });
  });

  it('offsets out of order: each dialect in its own words, with the file and the entry offset', () => {
    const bytes = file([
      { id: CHUNK_OIDF, length: 1024 },
      { id: CHUNK_OIDL, length: 40 },
    ]);
    putU64(bytes, 12 + 12 + 4, 8); // OIDL starts before OIDF
    expect(() => read(bytes, 2, 'midx')).toThrow(expect.objectContaining({ kind: 'BadChunk', file: 'f', offset: 12 + 12 + 4, message: expect.stringContaining('chunks are non-monotonic') }));
    expect(() => read(bytes, 2, 'commit-graph')).toThrow(expect.objectContaining({ kind: 'BadChunk', offset: 12 + 4, message: expect.stringMatching(/improper chunk offset\(s\) [0-9a-f]+ and 8$/) }));
  });

  it('a duplicate id, an early terminator, a non-zero final id', () => {
    const dup = file([
      { id: CHUNK_OIDF, length: 4 },
      { id: CHUNK_OIDF, length: 4 },
    ]);
    for (const d of ['midx', 'commit-graph'] as const) expect(() => read(dup, 2, d)).toThrow(/duplicate chunk ID 4f494446 found/);
    const early = file([{ id: CHUNK_OIDF, length: 100 }]);
    expect(() => read(early, 2, 'midx')).toThrow(/terminating chunk id appears earlier than expected/);
    const final = file([{ id: CHUNK_OIDF, length: 4 }]);
    final.set([1, 2, 3, 4], 12 + 12);
    expect(() => read(final, 1, 'commit-graph')).toThrow(/final chunk has non-zero id 1020304/);
  });
});
