import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDelta, readDeltaHeader } from '../src/core/format/delta.ts';
import { applyDeltaChain } from '../src/core/format/delta-chain.ts';
import { PackscopeError } from '../src/core/errors.ts';
import { ObjectDatabase } from '../src/core/odb/database.ts';
import { discover, nodeInflater } from '../src/cli/node-host.ts';
import { builtFixtures, type Fixture } from './support/cli.ts';
import { seededRandom } from './support/random.ts';

/**
 * A delta chain applied in one pass (src/core/format/delta-chain.ts) must give exactly what
 * applying its deltas one by one gives, fail where that fails with the same error, and stay
 * bounded on chains built to fragment it.
 */

/** git's delta encoding of copy and insert instructions, for building test deltas. */
function encodeDelta(baseSize: number, targetSize: number, ops: ({ copy: [number, number] } | { insert: Uint8Array })[]): Uint8Array {
  const out: number[] = [];
  const varint = (n: number) => {
    do {
      let b = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) b |= 0x80;
      out.push(b);
    } while (n > 0);
  };
  varint(baseSize);
  varint(targetSize);
  for (const op of ops) {
    if ('copy' in op) {
      const [offset, length] = op.copy;
      let cmd = 0x80;
      const bytes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const b = (offset >>> (8 * i)) & 0xff;
        if (b) {
          cmd |= 1 << i;
          bytes.push(b);
        }
      }
      const len = length === 0x10000 ? 0 : length;
      for (let i = 0; i < 3; i++) {
        const b = (len >>> (8 * i)) & 0xff;
        if (b) {
          cmd |= 0x10 << i;
          bytes.push(b);
        }
      }
      out.push(cmd, ...bytes);
    } else {
      for (let at = 0; at < op.insert.length; at += 127) {
        const part = op.insert.subarray(at, at + 127);
        out.push(part.length, ...part);
      }
    }
  }
  return Uint8Array.from(out);
}

function randomBytes(random: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (random() * 256) | 0;
  return out;
}

/** A random delta over a base of `baseSize` bytes: copies of random ranges and random inserts. */
function randomDelta(random: () => number, baseSize: number, maxOps: number, maxCopy: number): Uint8Array {
  const ops: ({ copy: [number, number] } | { insert: Uint8Array })[] = [];
  let size = 0;
  const count = 1 + Math.floor(random() * maxOps);
  for (let i = 0; i < count; i++) {
    if (baseSize > 0 && random() < 0.7) {
      const offset = Math.floor(random() * baseSize);
      const length = 1 + Math.floor(random() * Math.min(maxCopy, baseSize - offset));
      ops.push({ copy: [offset, length] });
      size += length;
    } else {
      const insert = randomBytes(random, 1 + Math.floor(random() * 300));
      ops.push({ insert });
      size += insert.length;
    }
  }
  return encodeDelta(baseSize, size, ops);
}

function oneByOne(base: Uint8Array, deltas: Uint8Array[]): Uint8Array {
  let data = base;
  deltas.forEach((d, i) => (data = applyDelta(data, d, { file: 'p.pack', offset: i })));
  return data;
}

function errorOf(f: () => unknown): PackscopeError {
  try {
    f();
  } catch (err) {
    if (err instanceof PackscopeError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('applyDeltaChain', () => {
  it('equals applying each delta in turn, on 200 random chains up to 40 deltas deep', () => {
    const random = seededRandom(99);
    for (let trial = 0; trial < 200; trial++) {
      const base = randomBytes(random, Math.floor(random() * 5000));
      const deltas: Uint8Array[] = [];
      let size = base.length;
      const depth = 1 + Math.floor(random() * 40);
      for (let d = 0; d < depth; d++) {
        // Long copies now and then (up to 64 KiB, the longest one instruction can say), while
        // the object stays under 256 KiB.
        const delta = randomDelta(random, size, size > 1 << 18 ? 4 : 40, trial % 3 === 0 ? 0x10000 : 600);
        deltas.push(delta);
        size = readDeltaHeader(delta).targetSize;
      }
      const places = deltas.map((_, i) => ({ file: 'p.pack', offset: i }));
      expect(Buffer.from(applyDeltaChain(base, deltas, places)).equals(oneByOne(base, deltas))).toBe(true);
    }
  });

  it('fails at the same delta with the same error as applying them in turn', () => {
    const random = seededRandom(7);
    const base = randomBytes(random, 3000);
    const good = [randomDelta(random, 3000, 30, 500)];
    const size1 = applyDelta(base, good[0]).length;
    good.push(randomDelta(random, size1, 30, 500));
    const size2 = oneByOne(base, good).length;
    const broken: Uint8Array[] = [
      encodeDelta(size2 + 1, 10, [{ copy: [0, 10] }]), // expects another base size
      encodeDelta(size2, 10, [{ copy: [size2 - 5, 10] }]), // copies past the base's end
      encodeDelta(size2, 20, [{ copy: [0, 10] }]), // produces less than it declares
      Uint8Array.from([...encodeDelta(size2, 5, []), 0]), // the reserved instruction
      Uint8Array.from([...encodeDelta(size2, 5, []), 0x91]), // a copy cut off
      Uint8Array.from([...encodeDelta(size2, 5, []), 5, 1, 2]), // an insert past the delta's end
    ];
    for (const bad of broken) {
      const deltas = [...good, bad, randomDelta(random, 10, 3, 5)];
      const places = deltas.map((_, i) => ({ file: 'p.pack', offset: 1000 + i }));
      const expected = errorOf(() => {
        let data = base;
        deltas.forEach((d, i) => (data = applyDelta(data, d, places[i])));
      });
      const actual = errorOf(() => applyDeltaChain(base, deltas, places));
      expect({ kind: actual.kind, detail: actual.detail, offset: actual.offset }).toEqual({ kind: expected.kind, detail: expected.detail, offset: 1002 });
    }
  });

  it('builds a fragmented intermediate instead of tracing through millions of pieces', () => {
    // Each delta reverses the object one byte per copy: the pieces never merge, so without the
    // fallback every level would trace 60,000 one-byte pieces through the one below.
    const size = 60_000;
    const base = Uint8Array.from({ length: size }, (_, i) => i % 251);
    const reverse = encodeDelta(
      size,
      size,
      Array.from({ length: size }, (_, i) => ({ copy: [size - 1 - i, 1] as [number, number] })),
    );
    const deltas = Array.from({ length: 30 }, () => reverse);
    const started = performance.now();
    const result = applyDeltaChain(base, deltas, []);
    expect(Buffer.from(result).equals(base)).toBe(true); // an even number of reversals
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('reading packs through delta chains', () => {
  const chains = builtFixtures().filter((f): f is Fixture => f.name === 'long-chains' || f.name === 'varied');

  it.each(chains.map((f) => [f.name, f] as const))('%s: every object read in id order equals git cat-file --batch', async (_name, fixture) => {
    const gitdir = join(fixture.packDir, '..', '..');
    const list = spawnSync('git', ['--git-dir', gitdir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)'], { encoding: 'latin1' });
    const ids = list.stdout.trim().split('\n');
    const git = spawnSync('git', ['--git-dir', gitdir, 'cat-file', '--batch'], { input: `${ids.join('\n')}\n`, maxBuffer: 1 << 30 }).stdout;
    // varied: a small cache (256 KiB), so that in id order most chains are found cold and
    // applied in one pass. long-chains (chains thousands deep): the usual cache, and chains past
    // MAX_COMPOSED_CHAIN applied one by one, their intermediates cached for the next reads.
    const cacheBytes = fixture.name === 'varied' ? 256 << 10 : undefined;
    const db = new ObjectDatabase(await discover(fixture.path), { inflater: nodeInflater, deltaBaseCacheBytes: cacheBytes });
    const parts: Buffer[] = [];
    for (const id of ids) {
      const object = db.read(Buffer.from(id, 'hex'));
      parts.push(Buffer.from(`${id} ${object.type} ${object.data.length}\n`), Buffer.from(object.data), Buffer.from('\n'));
    }
    const pack = db.packs[0];
    if (fixture.name === 'varied') expect(pack.chainStats.composed).toBeGreaterThan(10);
    else expect(pack.chainStats.stepwise).toBeGreaterThan(0);
    expect(Buffer.concat(parts).equals(git)).toBe(true);
  });
});
