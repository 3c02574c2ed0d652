import { constants, createDeflate, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { fromHex } from '../src/core/hash/hex.ts';
import { readCommitHeadBytes } from '../src/core/history/commit-head-read.ts';
import { readCommitHead } from '../src/core/history/log-walk.ts';
import { inflatePrefix } from '../src/core/inflate/prefix.ts';
import { Session } from '../src/worker/session.ts';
import { builtFixtures, git } from './support/cli.ts';
import { gitDirOf } from './support/history-paths.ts';

/**
 * The history walk reads only each commit's header (commit-head-read.ts) through the prefix
 * decoder's fast literal loop: every prefix must equal the same bytes of a full inflate, across
 * block boundaries (dynamic, fixed and stored blocks in one stream), and every commit of the
 * fixtures must give the walk the same parents, date and author as the whole commit does.
 */

/** A zlib stream in several blocks: each piece flushed with `flush` (sync flushes add empty stored blocks). */
async function blocks(pieces: Uint8Array[], flush: number, level: number): Promise<Uint8Array> {
  const d = createDeflate({ level });
  const out: Buffer[] = [];
  d.on('data', (c: Buffer) => out.push(c));
  for (const p of pieces) {
    d.write(p);
    await new Promise<void>((resolve) => d.flush(flush, () => resolve()));
  }
  const ended = new Promise<void>((resolve) => d.on('end', () => resolve()));
  d.end();
  await ended;
  return new Uint8Array(Buffer.concat(out));
}

function text(seed: number, n: number, alphabet: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = 32 + ((x >>> 20) % alphabet);
  }
  return out;
}

describe('inflatePrefix across blocks', () => {
  const shapes: [string, Uint8Array[]][] = [
    ['header-like text then random bytes', [new TextEncoder().encode('tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@b> 1 +0000\n'), text(7, 700, 200)]],
    ['short pieces', [text(1, 3, 20), text(2, 1, 5), text(3, 40, 90), text(4, 2, 2)]],
    ['long runs and matches', [text(5, 2000, 4), text(6, 500, 60), text(8, 3000, 3)]],
  ];
  for (const [name, pieces] of shapes) {
    for (const [flushName, flush] of [
      ['sync', constants.Z_SYNC_FLUSH],
      ['full', constants.Z_FULL_FLUSH],
      ['block', constants.Z_BLOCK],
    ] as const) {
      for (const level of [0, 1, 9]) {
        it(`${name}, ${flushName} flushes, level ${level}`, async () => {
          const z = await blocks(pieces, flush, level);
          const full = new Uint8Array(inflateSync(z));
          for (let want = 1; want <= full.length; want += want < 64 ? 1 : 37) {
            expect(Buffer.from(inflatePrefix(z, want)).equals(Buffer.from(full.subarray(0, want))), `want ${want}`).toBe(true);
          }
          expect(Buffer.from(inflatePrefix(z, full.length + 10)).equals(Buffer.from(full))).toBe(true);
          // Cut input: a correct prefix, never garbage.
          for (let cut = 3; cut < z.length; cut += 13) {
            const got = inflatePrefix(z.subarray(0, cut), full.length);
            expect(Buffer.from(got).equals(Buffer.from(full.subarray(0, got.length))), `cut ${cut}`).toBe(true);
          }
        });
      }
    }
  }

  it('a dynamic block with codes longer than 9 bits (a skewed alphabet) decodes through the slow path', () => {
    // Many distinct symbols with very uneven counts give long codes to the rare ones.
    const data = new Uint8Array(20_000);
    let x = 99;
    for (let i = 0; i < data.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const r = x >>> 16;
      data[i] = r % 1000 < 900 ? 97 : r % 256;
    }
    const z = new Uint8Array(deflateSync(data, { level: 9 }));
    for (const want of [1, 100, 999, 5000, 20_000]) expect(Buffer.from(inflatePrefix(z, want)).equals(Buffer.from(data.subarray(0, want)))).toBe(true);
  });
});

describe('commit headers read as a prefix', () => {
  for (const f of builtFixtures()) {
    it(`${f.name}: every commit's parents, date and author equal the whole commit's`, async () => {
      const session = await Session.open(f.name, fsDirectoryReader(f.path));
      const db = session.db;
      const r = git(['--git-dir', gitDirOf(f), 'rev-list', '--all', '--reflog']);
      const commits = r.stdout.toString().split('\n').filter(Boolean);
      let prefixed = 0;
      for (const oid of commits) {
        const loc = db.locate(fromHex(oid));
        if (!loc) continue;
        const whole = db.read(fromHex(oid)).data;
        const head = readCommitHeadBytes(db, loc);
        if (head === undefined) continue;
        prefixed++;
        expect(Buffer.from(whole.subarray(0, head.length)).equals(Buffer.from(head)), oid).toBe(true);
        expect(readCommitHead(head), oid).toEqual(readCommitHead(whole));
      }
      // Packed whole commits are read this way (loose fixtures and delta commits are not).
      if (f.name !== 'loose') expect(prefixed).toBeGreaterThan(0);
    });
  }
});
