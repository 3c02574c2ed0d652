import { describe, expect, it } from 'vitest';
import { zlibSync } from 'fflate';
import { deflateSync, inflateSync } from 'node:zlib';
import { inflatePrefix } from '../src/core/inflate/prefix.ts';
import { fflateInflater, InflateFailure } from '../src/core/inflate/inflater.ts';
import { nodeInflater } from '../src/cli/node-host.ts';

/** The prefix inflater must give exactly the first bytes a full inflate gives, for every block type. */

function sample(kind: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = kind === 'random' ? x >>> 24 : kind === 'text' ? 97 + ((x >>> 24) % 7) : i % 3;
  }
  return out;
}

describe('inflatePrefix', () => {
  const cases: [string, Uint8Array][] = [];
  for (const kind of ['random', 'text', 'runs']) {
    for (const n of [0, 1, 5, 24, 100, 5000]) {
      const data = sample(kind, n);
      for (const level of [0, 1, 6, 9]) cases.push([`${kind} ${n} bytes, node level ${level}`, new Uint8Array(deflateSync(data, { level }))]);
      cases.push([`${kind} ${n} bytes, fflate`, zlibSync(data)]);
    }
  }
  it.each(cases)('%s', (_name, z) => {
    const full = new Uint8Array(inflateSync(z));
    expect(Buffer.from(fflateInflater.inflate(z, full.length)).equals(Buffer.from(full))).toBe(true);
    expect(Buffer.from(nodeInflater.inflate(z, full.length)).equals(Buffer.from(full))).toBe(true);
    for (const want of [1, 2, 10, 24, 300]) {
      const got = inflatePrefix(z, want);
      expect(Buffer.from(got).equals(Buffer.from(full.subarray(0, want)))).toBe(true);
    }
    // A cut input gives a correct (shorter or equal) prefix, never garbage.
    for (const cut of [3, 8, 20]) {
      if (cut >= z.length) continue;
      const got = inflatePrefix(z.subarray(0, cut), 24);
      expect(Buffer.from(got).equals(Buffer.from(full.subarray(0, got.length)))).toBe(true);
    }
  });

  it('refuses a block of type 3 and a bad zlib header', () => {
    expect(() => inflatePrefix(Uint8Array.of(0x78, 0x9c, 0x07, 0, 0), 4)).toThrow(InflateFailure);
    expect(() => inflatePrefix(Uint8Array.of(0x12, 0x34, 0, 0), 4)).toThrow(InflateFailure);
  });
});

describe('zlib bombs (issue 10 defect 4): decoding stops at the declared size', () => {
  // 1 GiB of zeros in a 1 MB stream, declared as 100 bytes. Decoded to its end this took 4.8 s
  // here (and 30-45 s for 3 GB); stopped after the first chunk that passes the size, ~0.4 s.
  const bomb = deflateSync(Buffer.alloc(1 << 30));

  for (const [name, inflater] of [
    ['fflate', fflateInflater],
    ['node (small declared size: fflate inside)', nodeInflater],
  ] as const) {
    it(`${name}: a 100-byte entry holding 1 GiB fails as "runs long" in well under the time to decode it`, () => {
      const started = performance.now();
      expect(() => inflater.inflate(bomb, 100)).toThrow(/runs long/);
      expect(performance.now() - started).toBeLessThan(1500);
    });
  }

  it('a stored block longer than the declared size fails as "runs long" (fflate threw "offset is out of bounds")', () => {
    const data = Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 7919) & 0xff));
    const stored = deflateSync(data, { level: 0 });
    for (const inflater of [fflateInflater, nodeInflater]) {
      expect(() => inflater.inflate(stored, 50)).toThrow(/^zlib stream runs long: more than the 50 bytes/);
      expect(Buffer.from(inflater.inflate(stored, 100)).equals(data)).toBe(true);
    }
  });

  it('large honest streams that could expand far still inflate whole, through the bounded decoder', () => {
    const data = Buffer.concat([Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 31) & 0xff)), Buffer.alloc(40 << 20, 7)]);
    const out = fflateInflater.inflate(deflateSync(data), data.length);
    expect(Buffer.from(out).equals(data)).toBe(true);
    expect(() => fflateInflater.inflate(deflateSync(data), data.length + 1)).toThrow(/ends after/);
  });
});

describe('the Adler-32 at the end of a zlib stream (fflate does not check it; git does)', () => {
  it('a stream whose data was changed but still inflates to the declared size fails with the checksum', async () => {
    const { deflateSync } = await import('node:zlib');
    const data = Buffer.from('a'.repeat(20) + 'the quick brown fox jumps over the lazy dog, '.repeat(8));
    const stream = new Uint8Array(deflateSync(data, { level: 0 })); // stored blocks: bytes as they are
    expect(Buffer.from(fflateInflater.inflate(stream, data.length)).equals(data)).toBe(true);
    const damaged = stream.slice();
    damaged[20] ^= 0x01; // one data byte inside the stored block: same length, different bytes
    expect(() => fflateInflater.inflate(damaged, data.length)).toThrow(InflateFailure);
    expect(() => fflateInflater.inflate(damaged, data.length)).toThrow(/Adler-32/);
  });

  it('input that runs past the stream (a recovery read) still inflates when the checksum is right', async () => {
    const { deflateSync } = await import('node:zlib');
    const data = Buffer.from('x'.repeat(300) + 'tail');
    const stream = new Uint8Array(deflateSync(data));
    const longer = new Uint8Array(stream.length + 16);
    longer.set(stream);
    longer.fill(0xee, stream.length);
    expect(Buffer.from(fflateInflater.inflate(longer, data.length)).equals(data)).toBe(true);
  });
});
