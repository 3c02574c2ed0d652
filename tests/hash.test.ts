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
