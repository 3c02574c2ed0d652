import { describe, expect, it } from 'vitest';
import { zlibSync } from 'fflate';
import { putU32 } from '../src/core/bytes/be.ts';
import { memorySource } from '../src/core/bytes/source.ts';
import { WindowCache } from '../src/core/bytes/window-cache.ts';
import { PackscopeError, type ErrorKind } from '../src/core/errors.ts';
import { applyDelta } from '../src/core/format/delta.ts';
import { PackIndex } from '../src/core/format/idx.ts';
import { SHA1 } from '../src/core/hash/algo.ts';
import { toHex } from '../src/core/hash/hex.ts';
import { fflateInflater, type Inflater } from '../src/core/inflate/inflater.ts';
import { ObjectDatabase } from '../src/core/odb/database.ts';
import { nodeInflater } from '../src/cli/node-host.ts';
import { buildPack, enc, entryHeader, insertDelta, memoryRepository, oidOf, rawDelta, type EntrySpec } from './support/pack-builder.ts';

/**
 * Hostile input: every malformed structure gives a PackscopeError with a kind, the file and
 * the offset; nothing hangs or allocates more than the file justifies; and the healthy objects
 * of the same pack stay readable.
 */

function thrown(fn: () => unknown): PackscopeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PackscopeError) return err;
    throw new Error(`expected a PackscopeError, got ${String(err)}`);
  }
  throw new Error('expected an error, nothing was thrown');
}

function expectError(fn: () => unknown, kind: ErrorKind, file?: string, offset?: number): PackscopeError {
  const err = thrown(fn);
  expect(err.kind, err.message).toBe(kind);
  if (file !== undefined) expect(err.file).toBe(file);
  if (offset !== undefined) expect(err.offset).toBe(offset);
  expect(err.message).toContain(err.kind);
  return err;
}

const alpha = enc('alpha: the first blob\n'.repeat(20));
const beta = enc('beta: a second blob with other words\n'.repeat(10));
const gamma = enc('gamma\n');

/** A healthy pack of three objects plus whatever hostile entries a test appends. */
function packWith(extra: EntrySpec[]): ReturnType<typeof buildPack> {
  return buildPack([{ kind: 'object', type: 'blob', data: alpha }, { kind: 'object', type: 'blob', data: beta }, { kind: 'object', type: 'blob', data: gamma }, ...extra]);
}

function open(built: { pack: Uint8Array; idx: Uint8Array }, inflater: Inflater = fflateInflater): ObjectDatabase {
  return new ObjectDatabase(memoryRepository({ 'pack-test.pack': built.pack, 'pack-test.idx': built.idx }), { inflater });
}

function expectHealthyReadable(db: ObjectDatabase): void {
  for (const data of [alpha, beta, gamma]) {
    const obj = db.read(oidOf('blob', data));
    expect(obj.type).toBe('blob');
    expect(Buffer.from(obj.data).equals(Buffer.from(data))).toBe(true);
  }
}

const fakeOid = (n: number): Uint8Array => {
  const o = new Uint8Array(20);
  o.fill(n);
  return o;
};

describe('idx', () => {
  const good = packWith([]).idx;
  const idxOf = (bytes: Uint8Array) => PackIndex.open(memorySource('x.idx', bytes), SHA1);

  it('opens the healthy idx', () => {
    expect(idxOf(good).count).toBe(3);
  });
  it('truncated anywhere: Truncated or BadSize, never a crash', () => {
    for (const cut of [0, 7, 100, 1031, 1040, good.length - 1]) {
      const err = thrown(() => idxOf(good.subarray(0, cut)));
      expect(['Truncated', 'BadSize']).toContain(err.kind);
      expect(err.file).toBe('x.idx');
    }
  });
  it('wrong version', () => {
    const bad = good.slice();
    putU32(bad, 4, 3);
    expectError(() => idxOf(bad), 'UnsupportedVersion', 'x.idx', 4);
  });
  it('non-monotonic fanout names the entry', () => {
    const bad = good.slice();
    putU32(bad, 8 + 100 * 4, 2); // entry 100 = 2, then entry 101.. = smaller? make 101 smaller
    putU32(bad, 8 + 101 * 4, 1);
    expectError(() => idxOf(bad), 'BadFanout', 'x.idx', 8 + 101 * 4);
  });
  it('a count the file is too small for', () => {
    const bad = good.slice();
    putU32(bad, 8 + 255 * 4, 1_000_000);
    expectError(() => idxOf(bad), 'BadSize', 'x.idx');
  });
  it('a 64-bit offset index beyond the table', () => {
    const bad = good.slice();
    const offsetsAt = 1032 + 3 * 20 + 3 * 4;
    putU32(bad, offsetsAt, 0x80000005);
    const idx = idxOf(bad);
    expectError(() => idx.offsetAt(0), 'OutOfRange', 'x.idx', offsetsAt);
  });
});

describe('pack header and idx agreement', () => {
  it('wrong signature', () => {
    const b = packWith([]);
    b.pack[0] = 0x51;
    const db = open(b);
    expect(db.packs.length).toBe(0);
    expect(db.problems[0].kind).toBe('BadSignature');
    expect(db.problems[0].file).toBe('pack-test.pack');
  });
  it('wrong version', () => {
    const b = packWith([]);
    putU32(b.pack, 4, 4);
    const db = open(b);
    expect(db.problems[0].kind).toBe('UnsupportedVersion');
    expect(db.problems[0].offset).toBe(4);
  });
  it('count differs from the idx', () => {
    const b = packWith([]);
    putU32(b.pack, 8, 4);
    expect(open(b).problems[0].kind).toBe('Mismatch');
  });
  it('an idx of another pack (trailer copy differs)', () => {
    const b = packWith([]);
    const other = buildPack([
      { kind: 'object', type: 'blob', data: enc('x') },
      { kind: 'object', type: 'blob', data: enc('y') },
      { kind: 'object', type: 'blob', data: enc('z') },
    ]);
    const db = open({ pack: b.pack, idx: other.idx });
    expect(db.problems[0].kind).toBe('Mismatch');
    expect(db.problems[0].message).toContain('pack-test.idx');
  });
  it('a truncated pack', () => {
    const b = packWith([]);
    const db = open({ pack: b.pack.subarray(0, 20), idx: b.idx });
    expect(db.problems.length).toBe(1);
    expect(db.packs.length).toBe(0);
  });
});

describe('entries and deltas', () => {
  it('an idx offset past the end of the pack: that object fails, the others read', () => {
    const b = packWith([]);
    const offsetsAt = 1032 + 3 * 20 + 3 * 4;
    const idx = b.idx.slice();
    putU32(idx, offsetsAt + 4, b.pack.length + 100);
    // The idx checksum is now wrong, but reading does not hash it (verify does).
    const db = open({ pack: b.pack, idx });
    const err = thrown(() => db.read(idx.subarray(1032 + 20, 1032 + 40)));
    expect(err.kind).toBe('OutOfRange');
    expect(err.file).toBe('pack-test.idx');
  });

  it('an entry of type 5', () => {
    const oid = fakeOid(0xe1);
    const b = packWith([{ kind: 'raw', bytes: Uint8Array.from([0x50, ...zlibSync(enc('x'))]), oid }]);
    const db = open(b);
    expectError(() => db.read(oid), 'CorruptObject', 'pack-test.pack', b.offsets[3]);
    expectHealthyReadable(db);
  });

  it('ofs-delta base before the start of the pack', () => {
    const oid = fakeOid(0xe2);
    const delta = insertDelta(5, enc('hello'));
    // Distance 0x8f 0x7f = (0x0f + 1) * 128 + 0x7f = 2175, far more than the entry's offset.
    const entry = Uint8Array.from([...entryHeader(6, delta.length), 0x8f, 0x7f, ...zlibSync(delta)]);
    const b = packWith([{ kind: 'raw', bytes: entry, oid }]);
    expect(b.offsets[3]).toBeLessThan(2175);
    const db = open(b);
    expectError(() => db.read(oid), 'OutOfRange', 'pack-test.pack', b.offsets[3]);
    expectHealthyReadable(db);
  });

  it('ref-delta cycle: A on B, B on A', () => {
    const a = fakeOid(0xa0);
    const bOid = fakeOid(0xb0);
    const delta = insertDelta(3, enc('abc'));
    const b = packWith([
      { kind: 'ref', baseOid: bOid, delta, oid: a },
      { kind: 'ref', baseOid: a, delta, oid: bOid },
    ]);
    const db = open(b);
    expectError(() => db.read(a), 'DeltaCycle', 'pack-test.pack');
    expectError(() => db.info(a), 'DeltaCycle', 'pack-test.pack');
    expectHealthyReadable(db);
  });

  it('ref-delta whose base is in no pack', () => {
    const oid = fakeOid(0xc0);
    const b = packWith([{ kind: 'ref', baseOid: fakeOid(0x99), delta: insertDelta(3, enc('abc')), oid }]);
    const db = open(b);
    expectError(() => db.read(oid), 'MissingBase', 'pack-test.pack', b.offsets[3]);
    expectHealthyReadable(db);
  });

  it('delta copy outside its base', () => {
    const oid = fakeOid(0xc1);
    // copy offset 0 length 0x7f from a base of gamma's 6 bytes.
    const delta = rawDelta(gamma.length, 0x7f, [0x90, 0x7f]);
    const b = packWith([{ kind: 'ofs', base: 2, delta, oid }]);
    const db = open(b);
    expectError(() => db.read(oid), 'CorruptObject', 'pack-test.pack', b.offsets[3]);
    expectHealthyReadable(db);
  });

  it('delta expecting another base size', () => {
    const oid = fakeOid(0xc2);
    const b = packWith([{ kind: 'ofs', base: 2, delta: insertDelta(999, enc('x')), oid }]);
    expectError(() => open(b).read(oid), 'CorruptObject');
  });

  it('delta with the reserved instruction 0', () => {
    expectError(() => applyDelta(enc('abc'), rawDelta(3, 1, [0])), 'CorruptObject');
  });

  it('long chains of ofs-deltas resolve without recursion', () => {
    const specs: EntrySpec[] = [{ kind: 'object', type: 'blob', data: enc('v0\n') }];
    let prev = enc('v0\n');
    for (let i = 1; i <= 5000; i++) {
      const next = enc(`v${i}\n`);
      specs.push({ kind: 'ofs', base: i - 1, delta: insertDelta(prev.length, next), oid: oidOf('blob', next) });
      prev = next;
    }
    const b = buildPack(specs);
    const db = new ObjectDatabase(memoryRepository({ 'pack-c.pack': b.pack, 'pack-c.idx': b.idx }), { deltaBaseCacheBytes: 0 });
    const obj = db.read(oidOf('blob', prev));
    expect(new TextDecoder().decode(obj.data)).toBe('v5000\n');
    expect(db.info(oidOf('blob', prev))).toEqual({ type: 'blob', size: 6 });
  });

  it('a chain deeper than the limit is refused', () => {
    const specs: EntrySpec[] = [{ kind: 'object', type: 'blob', data: enc('v0\n') }];
    let prev = enc('v0\n');
    for (let i = 1; i <= 20; i++) {
      const next = enc(`v${i}\n`);
      specs.push({ kind: 'ofs', base: i - 1, delta: insertDelta(prev.length, next), oid: oidOf('blob', next) });
      prev = next;
    }
    const b = buildPack(specs);
    const db = new ObjectDatabase(memoryRepository({ 'pack-c.pack': b.pack, 'pack-c.idx': b.idx }), { maxDeltaDepth: 10 });
    expectError(() => db.read(oidOf('blob', prev)), 'DeltaTooDeep');
  });
});

describe.each([
  ['fflate', fflateInflater],
  ['node zlib', nodeInflater],
] as [string, Inflater][])('zlib streams (%s)', (_name, inflater) => {
  it('a stream that ends early', () => {
    const data = enc('some content that will be cut off before its end '.repeat(30));
    const z = zlibSync(data);
    const oid = fakeOid(0xd1);
    const b = packWith([{ kind: 'raw', bytes: Uint8Array.from([...entryHeader(3, data.length), ...z.subarray(0, z.length / 2)]), oid }]);
    const db = open(b, inflater);
    const err = expectError(() => db.read(oid), 'CorruptObject', 'pack-test.pack', b.offsets[3]);
    expect(err.detail).toMatch(/ends|corrupt/);
    expectHealthyReadable(db);
  });

  it('a stream that runs longer than the header says', () => {
    const data = enc('0123456789'.repeat(50));
    const oid = fakeOid(0xd2);
    const b = packWith([{ kind: 'raw', bytes: Uint8Array.from([...entryHeader(3, 100), ...zlibSync(data)]), oid }]);
    const db = open(b, inflater);
    const err = expectError(() => db.read(oid), 'CorruptObject', 'pack-test.pack', b.offsets[3]);
    expect(err.detail).toContain('runs long');
    expectHealthyReadable(db);
  });

  it('a stream shorter than the header says', () => {
    const data = enc('short');
    const oid = fakeOid(0xd3);
    const b = packWith([{ kind: 'raw', bytes: Uint8Array.from([...entryHeader(3, 50), ...zlibSync(data)]), oid }]);
    const err = expectError(() => open(b, inflater).read(oid), 'CorruptObject');
    expect(err.detail).toMatch(/ends after 5 bytes/);
  });

  it('garbage instead of zlib', () => {
    const oid = fakeOid(0xd4);
    const b = packWith([{ kind: 'raw', bytes: Uint8Array.from([...entryHeader(3, 10), 1, 2, 3, 4, 5, 6, 7, 8]), oid }]);
    expectError(() => open(b, inflater).read(oid), 'CorruptObject', 'pack-test.pack', b.offsets[3]);
  });

  it('a declared size far larger than the file is refused before any allocation', () => {
    const oid = fakeOid(0xd5);
    const b = packWith([{ kind: 'raw', bytes: Uint8Array.from([...entryHeader(3, 2 ** 40), ...zlibSync(enc('tiny'))]), oid }]);
    const db = open(b, inflater);
    const err = expectError(() => db.read(oid), 'TooLarge', 'pack-test.pack', b.offsets[3]);
    expect(err.detail).toContain(String(2 ** 40));
    expectHealthyReadable(db);
  });

  it('a delta declaring an absurd result size', () => {
    const oid = fakeOid(0xd6);
    const b = packWith([{ kind: 'ofs', base: 2, delta: rawDelta(gamma.length, 2 ** 45, [0x01, 0x41]), oid }]);
    expectError(() => open(b, inflater).read(oid), 'TooLarge', 'pack-test.pack', b.offsets[3]);
  });
});

describe('multi-pack-index that fails to load', () => {
  it('is reported, and every object is still found through the idx files', () => {
    const b = packWith([]);
    const garbage = enc('MIDX but not really a multi-pack-index at all, just text');
    const db = new ObjectDatabase(memoryRepository({ 'pack-test.pack': b.pack, 'pack-test.idx': b.idx, 'multi-pack-index': garbage }));
    expect(db.midx).toBeUndefined();
    expect(db.problems.some((p) => p.file === 'multi-pack-index')).toBe(true);
    expectHealthyReadable(db);
    expect([...db.allObjects()].map((o) => toHex(o.oid)).sort()).toEqual([alpha, beta, gamma].map((d) => toHex(oidOf('blob', d))).sort());
  });
});

describe('window cache', () => {
  it('random reads return exactly the source bytes, reading each byte about once', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31 + (i >> 8)) & 0xff);
    const cache = new WindowCache({ windowSize: 4096, budget: 1 << 20 });
    const f = cache.open(memorySource('f', bytes));
    let x = 7;
    for (let k = 0; k < 5000; k++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const off = x % (bytes.length - 64);
      const len = 1 + (x % 63);
      expect(Buffer.from(f.read(off, len)).equals(Buffer.from(bytes.subarray(off, off + len)))).toBe(true);
    }
    // Every window was loaded, but overlapping halves were copied, not read again.
    expect(cache.stats.bytesRead).toBeLessThan(bytes.length * 1.2);
  });

  it('reads through aligned windows under a budget and counts', () => {
    const bytes = new Uint8Array(10_000).map((_, i) => i & 0xff);
    const cache = new WindowCache({ windowSize: 1024, budget: 2048 });
    const f = cache.open(memorySource('f', bytes));
    for (let off = 0; off < 9000; off += 100) {
      const got = f.read(off, 200);
      expect(got[0]).toBe(off & 0xff);
      expect(got[199]).toBe((off + 199) & 0xff);
    }
    expect(cache.stats.bytesHeld).toBeLessThanOrEqual(2048);
    expect(cache.stats.peakBytesHeld).toBeLessThanOrEqual(2048);
    expect(cache.stats.hits).toBeGreaterThan(cache.stats.misses);
    const big = f.read(10, 5000);
    expect(big[4999]).toBe(5009 & 0xff);
    expect(cache.stats.directReads).toBe(1);
  });

  it('two readers of one file share its windows: the bytes are read from the source once', () => {
    const bytes = new Uint8Array(8192).map((_, i) => i & 0xff);
    const cache = new WindowCache({ windowSize: 4096, budget: 1 << 20 });
    const source = memorySource('f', bytes);
    const engine = cache.open(source);
    const hexView = cache.open(source);
    expect(hexView).toBe(engine);
    expect(cache.open(engine)).toBe(engine);
    engine.read(0, 1500);
    const before = cache.stats.bytesRead;
    expect(hexView.read(100, 1000)[0]).toBe(100);
    expect(cache.stats.bytesRead).toBe(before);
  });
});
