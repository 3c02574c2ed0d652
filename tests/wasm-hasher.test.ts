import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { SHA1, SHA256 } from '../src/core/hash/algo.ts';
import { hashObject, type Hasher } from '../src/core/hash/hasher.ts';
import { toHex } from '../src/core/hash/hex.ts';
import { hashersReady, hashingBackend, wasmHasher } from '../src/worker/hashing.ts';

/** Bytes that differ at every position (so a piece hashed twice or skipped changes the digest). */
function pattern(n: number, seed = 3): Uint8Array {
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = (i * 7 + seed + (i >>> 8)) & 0xff;
  return data;
}

const node = (algo: string, ...pieces: Uint8Array[]): string => {
  const h = createHash(algo);
  for (const p of pieces) h.update(p);
  return h.digest('hex');
};

describe('the worker hashers (hash-wasm, pooled)', () => {
  it('hand out the portable hashers until ready, with the same digests', () => {
    expect(hashingBackend()).toBe('portable');
    const h = wasmHasher(SHA1);
    h.update(pattern(100));
    expect(toHex(h.digest())).toBe(node('sha1', pattern(100)));
  });

  it('instantiate in Node, and after that hand out WASM hashers', async () => {
    await hashersReady();
    await hashersReady(); // a second call shares the first
    expect(hashingBackend()).toBe('wasm');
  });

  for (const algo of [SHA1, SHA256]) {
    describe(algo.name, () => {
      const cases: [string, Uint8Array][] = [
        ['empty', new Uint8Array(0)],
        ['3 bytes', pattern(3)],
        ['one block minus padding (55 bytes)', pattern(55)],
        ['64 bytes', pattern(64)],
        ['200 bytes', pattern(200)],
        ['1 MiB', pattern(1 << 20)],
      ];
      for (const [name, data] of cases) {
        it(`${name} in one piece equals node:crypto`, async () => {
          await hashersReady();
          const h = wasmHasher(algo);
          h.update(data);
          expect(toHex(h.digest())).toBe(node(algo.name, data));
        });
      }

      it('1 MiB + 17 bytes in uneven pieces (an empty one among them) equals node:crypto', async () => {
        await hashersReady();
        const data = pattern((1 << 20) + 17, 11);
        const h = wasmHasher(algo);
        let pos = 0;
        let step = 1;
        h.update(new Uint8Array(0));
        while (pos < data.length) {
          h.update(data.subarray(pos, pos + step));
          pos += step;
          step = step * 3 + 1;
        }
        expect(toHex(h.digest())).toBe(node(algo.name, data));
      });

      it('names a git object as git does', async () => {
        await hashersReady();
        const content = new TextEncoder().encode('hello\n');
        const expected = algo.name === 'sha1' ? 'ce013625030ba8dba906f756967f9e9ca394464a' : '2cf8d83d9ee29543b34a87727421fdecb7e3f3a183d337639025de576db9ebb4';
        expect(toHex(hashObject(wasmHasher, algo, 'blob', content))).toBe(expected);
      });

      it('two interleaved hashes each get their own digest', async () => {
        await hashersReady();
        const a = pattern(300_000, 1);
        const b = pattern(250_001, 2);
        const ha = wasmHasher(algo);
        const hb = wasmHasher(algo);
        for (let at = 0; at < Math.max(a.length, b.length); at += 65_536) {
          if (at < a.length) ha.update(a.subarray(at, at + 65_536));
          if (at < b.length) hb.update(b.subarray(at, at + 65_536));
          // Small objects named in between, as verify does while a trailer hash is open.
          const obj = pattern(200, at & 0xff);
          expect(toHex(hashObject(wasmHasher, algo, 'blob', obj))).toBe(node(algo.name, new TextEncoder().encode('blob 200\0'), obj));
        }
        expect(toHex(hb.digest())).toBe(node(algo.name, b));
        expect(toHex(ha.digest())).toBe(node(algo.name, a));
      });

      it('more open hashes than the pool holds are parked and resumed correctly', async () => {
        await hashersReady();
        const n = 11;
        const inputs = Array.from({ length: n }, (_, i) => pattern(5_000 + i * 97, i));
        const hashers: Hasher[] = inputs.map(() => wasmHasher(algo));
        // Round-robin pieces so every hash loses and regains an instance many times.
        for (let at = 0; at < 7_000; at += 333) {
          for (let i = 0; i < n; i++) if (at < inputs[i].length) hashers[i].update(inputs[i].subarray(at, at + 333));
        }
        // Finish in an order unlike the creation order.
        for (const i of [5, 0, 10, 3, 7, 1, 9, 2, 8, 4, 6]) expect(toHex(hashers[i].digest())).toBe(node(algo.name, inputs[i]));
      });

      it('a hash dropped without its digest does not hold an instance for ever', async () => {
        await hashersReady();
        for (let i = 0; i < 20; i++) wasmHasher(algo).update(pattern(100, i));
        const h = wasmHasher(algo);
        h.update(pattern(1000));
        expect(toHex(h.digest())).toBe(node(algo.name, pattern(1000)));
      });

      it('refuses to be used after its digest, as the portable hasher does', async () => {
        await hashersReady();
        const h = wasmHasher(algo);
        h.update(pattern(10));
        h.digest();
        expect(() => h.update(pattern(1))).toThrow('hasher already finished');
        expect(() => h.digest()).toThrow('hasher already finished');
      });
    });
  }

  it('a digest is a copy: a later hash does not change it', async () => {
    await hashersReady();
    const h = wasmHasher(SHA1);
    h.update(pattern(10));
    const first = h.digest();
    const copy = first.slice();
    const g = wasmHasher(SHA1);
    g.update(pattern(20));
    g.digest();
    expect(first).toEqual(copy);
  });
});
