import { adler32 } from '../src/core/hash/adler32.ts';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { portableHasher } from '../src/core/hash/hasher.ts';
import { SHA1, SHA256 } from '../src/core/hash/algo.ts';
import { toHex } from '../src/core/hash/hex.ts';

describe('portable hashers agree with node:crypto', () => {
  const lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 65537];
  for (const algo of [SHA1, SHA256]) {
    for (const n of lengths) {
      it(`${algo.name} of ${n} bytes, fed in uneven pieces`, () => {
        const data = new Uint8Array(n);
        for (let i = 0; i < n; i++) data[i] = (i * 7 + 3) & 0xff;
        const h = portableHasher(algo);
        let pos = 0;
        let step = 1;
        while (pos < n) {
          h.update(data.subarray(pos, pos + step));
          pos += step;
          step = step * 3 + 1;
        }
        expect(toHex(h.digest())).toBe(createHash(algo.name).update(data).digest('hex'));
      });
    }
  }
});

describe('adler32', () => {
  /** RFC 1950's definition, reduced at every byte. */
  function reference(bytes: Uint8Array): number {
    let a = 1;
    let b = 0;
    for (const byte of bytes) {
      a = (a + byte) % 65521;
      b = (b + a) % 65521;
    }
    return b * 65536 + a;
  }

  it('equals the definition on lengths around its 2,048-byte runs, on random and all-0xff bytes', () => {
    let state = 99;
    for (const length of [0, 1, 3, 4, 5, 2047, 2048, 2049, 4099, 70_001, 1 << 20]) {
      const random = new Uint8Array(length).map(() => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24);
      expect(adler32(random)).toBe(reference(random));
      const worst = new Uint8Array(length).fill(0xff); // the largest sums a run can reach
      expect(adler32(worst)).toBe(reference(worst));
    }
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
  });
});
