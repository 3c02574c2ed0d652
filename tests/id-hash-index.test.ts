import { describe, expect, it } from 'vitest';
import { IdHashIndex } from '../src/core/odb/id-hash-index.ts';

/** `count` sorted distinct ids of `size` bytes; `shared` leading bytes equal in all (crafted clustering). */
function sortedIds(count: number, size: number, shared: number, seed: number): Uint8Array {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24;
  const set = new Set<string>();
  const rows: number[][] = [];
  while (rows.length < count) {
    const id = Array.from({ length: size }, (_, i) => (i < shared ? 0xab : next()));
    const key = id.join(',');
    if (!set.has(key)) {
      set.add(key);
      rows.push(id);
    }
  }
  rows.sort((a, b) => {
    for (let i = 0; i < size; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  });
  return Uint8Array.from(rows.flat());
}

describe('IdHashIndex', () => {
  for (const size of [20, 32]) {
    it(`finds every ${size}-byte id at any offset and answers -1 for absent ones`, () => {
      const count = 5000;
      const ids = sortedIds(count, size, 0, size);
      const index = new IdHashIndex(ids, count, size);
      expect(index.byteLength).toBeGreaterThan(0);
      const buffer = new Uint8Array(size + 7);
      // Twice: the second time from the front cache of recent finds.
      for (let pass = 0; pass < 2; pass++) {
        for (let row = 0; row < count; row++) {
          buffer.set(ids.subarray(row * size, row * size + size), 7);
          expect(index.findAt(buffer, 7)).toBe(row);
        }
      }
      // Absent: an existing id with its last byte changed (equal in every word but the last, and
      // in the front cache's slot of the id it was made from).
      let absent = 0;
      for (let row = 0; row < count; row += 37) {
        buffer.set(ids.subarray(row * size, row * size + size), 7);
        buffer[7 + size - 1] ^= 0x5a;
        const expected = index.findBySearch(buffer, 7);
        expect(index.findAt(buffer, 7)).toBe(expected);
        if (expected < 0) absent++;
      }
      expect(absent).toBeGreaterThan(100);
    });
  }

  it('builds its index for a million ids (a probe cap below the longest run would drop it)', () => {
    const count = 1_000_000;
    const ids = new Uint8Array(count * 20);
    // Sorted and distinct: the row number in the first 4 bytes, pseudo-random bytes after it.
    let state = 1;
    for (let row = 0; row < count; row++) {
      const at = row * 20;
      ids[at] = row >>> 24;
      ids[at + 1] = (row >>> 16) & 0xff;
      ids[at + 2] = (row >>> 8) & 0xff;
      ids[at + 3] = row & 0xff;
      for (let i = 4; i < 20; i++) ids[at + i] = (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24;
    }
    const index = new IdHashIndex(ids, count, 20);
    expect(index.byteLength).toBe(2 ** 21 * 24);
    for (let row = 0; row < count; row += 9973) expect(index.findAt(ids, row * 20)).toBe(row);
  });

  it('stays exact and fast on crafted ids that share their first 12 bytes', () => {
    const count = 20_000;
    const ids = sortedIds(count, 20, 12, 7);
    const started = performance.now();
    const index = new IdHashIndex(ids, count, 20);
    // Equal first 8 bytes collide whatever the seed: the build's probe budget gives up.
    expect(index.byteLength).toBe(0);
    const probe = new Uint8Array(20);
    for (let row = 0; row < count; row++) {
      probe.set(ids.subarray(row * 20, row * 20 + 20));
      expect(index.findAt(probe, 0)).toBe(row);
    }
    probe.fill(0xab, 0, 12);
    probe.fill(0, 12);
    expect(index.findAt(probe, 0)).toBe(index.findBySearch(probe, 0));
    // A prefix-keyed table would put all 20,000 in one run: 200 million probes to build.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
