import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { zlibSync } from 'fflate';
import { memorySource } from '../src/core/bytes/source.ts';
import { PackIndex } from '../src/core/format/idx.ts';
import { SHA1, SHA256, type HashAlgo } from '../src/core/hash/algo.ts';
import { portableHasher } from '../src/core/hash/hasher.ts';
import { toHex } from '../src/core/hash/hex.ts';
import { PackIndexer } from '../src/core/index-pack/indexer.ts';
import { fflateInflater } from '../src/core/inflate/inflater.ts';
import { adler32 } from '../src/core/hash/adler32.ts';
import { InflateInputEnded, inflateMeasured, portableMeasuringInflater } from '../src/core/inflate/measured.ts';
import { InflateFailure } from '../src/core/inflate/inflater.ts';
import { fsDirectoryReader, nodeMeasuringInflater } from '../src/cli/node-host.ts';
import { Session } from '../src/worker/session.ts';
import { IndexPackJob } from '../src/worker/forensics/index-pack/job.ts';
import type { HandlerContext } from '../src/protocol/rpc.ts';
import { hashObject } from '../src/core/hash/hasher.ts';
import { BUILD, MODERN, cli, git } from './support/cli.ts';
import { buildPack, enc, insertDelta, oidOf } from './support/pack-builder.ts';

/**
 * index-pack must write the very bytes `git index-pack` writes, for every fixture pack, and
 * survive damaged packs: a non-zero exit naming the file and offset, never a hang, and (with
 * --partial) an index whose every entry equals git's entry for the intact pack.
 */

interface PackCase {
  label: string;
  pack: string;
  algo: HashAlgo;
  /** Extra git/packscope options that reproduce the fixture's own idx. */
  options: string[];
}

function packCases(): PackCase[] {
  const cases: PackCase[] = [];
  const seen = new Set<string>();
  const add = (label: string, dir: string, algo: HashAlgo, options: string[]) => {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir)
      .filter((f) => f.endsWith('.pack'))
      .sort()) {
      const key = `${f} ${options.join(' ')}`;
      if (seen.has(key)) continue; // the same pack bytes in several fixtures
      seen.add(key);
      cases.push({ label: `${label}/${f.slice(0, 16)}`, pack: join(dir, f), algo, options });
    }
  };
  for (const name of readdirSync(BUILD).sort()) {
    if (name === 'big') continue; // once, timed, below
    const gitdirFile = join(BUILD, name, 'gitdir');
    if (!existsSync(gitdirFile)) continue;
    const gitdir = join(BUILD, name, readFileSync(gitdirFile, 'utf8').trim());
    const algo = readFileSync(join(BUILD, name, 'expect/meta.txt'), 'utf8').includes('hash_algo: sha256') ? SHA256 : SHA1;
    const options = name === 'idx-v1' ? ['--index-version=1'] : name === 'idx-v2-large' ? ['--index-version=2,64'] : [];
    add(name, join(gitdir, 'objects/pack'), algo, options);
  }
  if (existsSync(MODERN)) for (const name of readdirSync(MODERN).sort()) add(`modern/${name}`, join(MODERN, name, 'pack'), SHA1, []);
  return cases;
}

const formatOption = (algo: HashAlgo) => (algo === SHA256 ? ['--object-format=sha256'] : []);

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'h2-index-pack-'));
  return () => rmSync(work, { recursive: true, force: true });
});

/** Copies a pack alone into a fresh folder and returns its path there. */
function lonePack(from: string, tag: string): string {
  const dir = mkdtempSync(join(work, `${tag}-`));
  const to = join(dir, 'lone.pack');
  copyFileSync(from, to);
  return to;
}

/** git's idx for a pack (on its own copy). */
function gitIdx(pack: string, algo: HashAlgo, options: string[] = []): Buffer {
  const copy = lonePack(pack, 'git');
  const r = git(['index-pack', ...formatOption(algo), ...options, copy]);
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(copy.replace(/\.pack$/, '.idx'));
}

describe('inflateMeasured (the portable decoder that says where a zlib stream ends)', () => {
  function sample(kind: number, n: number, seed: number): Uint8Array {
    const out = new Uint8Array(n);
    let x = seed;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      out[i] = kind === 0 ? x >>> 24 : kind === 1 ? 97 + ((x >>> 24) % 5) : i % 7;
    }
    return out;
  }

  it('consumes exactly what native zlib consumes, with junk after the stream, at every level', () => {
    let checked = 0;
    for (const kind of [0, 1, 2]) {
      for (const n of [0, 1, 100, 4000, 70_000]) {
        for (const level of [0, 1, 6, 9]) {
          const data = sample(kind, n, n + level + kind);
          const z = new Uint8Array(deflateSync(data, { level }));
          const withJunk = new Uint8Array(z.length + 7).fill(0x78);
          withJunk.set(z);
          const ours = inflateMeasured(withJunk, n);
          const native = inflateSync(withJunk, { info: true }) as unknown as { engine: { bytesWritten: number } };
          expect(ours.consumed).toBe(z.length);
          expect(native.engine.bytesWritten).toBe(z.length);
          expect(Buffer.from(ours.data).equals(Buffer.from(data))).toBe(true);
          const viaNode = nodeMeasuringInflater.inflateMeasured(withJunk, n);
          expect(viaNode.consumed).toBe(z.length);
          checked++;
        }
        const f = zlibSync(sample(kind, n, 7));
        expect(inflateMeasured(f, n).consumed).toBe(f.length);
      }
    }
    expect(checked).toBe(60);
  });

  it('says the input ended (so the caller reads more) rather than calling a cut stream corrupt', () => {
    const data = sample(1, 20_000, 3);
    const z = new Uint8Array(deflateSync(data));
    for (const cut of [2, 3, 10, z.length - 5, z.length - 1]) {
      expect(() => inflateMeasured(z.subarray(0, cut), data.length)).toThrow(InflateInputEnded);
      expect(() => nodeMeasuringInflater.inflateMeasured(z.subarray(0, cut), data.length)).toThrow(InflateInputEnded);
    }
  });

  it('rejects a wrong Adler-32, a stream longer or shorter than declared, and a bad block type', () => {
    const data = sample(1, 3000, 5);
    const z = new Uint8Array(deflateSync(data));
    const badAdler = z.slice();
    badAdler[badAdler.length - 1] ^= 1;
    expect(() => inflateMeasured(badAdler, data.length)).toThrow(/Adler-32/);
    expect(() => inflateMeasured(z, data.length - 1)).toThrow(/runs long/);
    expect(() => inflateMeasured(z, data.length + 1)).toThrow(/ends after 3000 bytes/);
    const badType = Uint8Array.of(0x78, 0x9c, 0x07, 0, 0, 0, 0, 0);
    expect(() => inflateMeasured(badType, 1)).toThrow(InflateFailure);
    expect(adler32(enc('Wikipedia'))).toBe(0x11e60398);
  });
});

describe('index-pack equals git index-pack on every fixture pack', () => {
  const cases = packCases();
  it('finds the fixture packs (SHA-1, SHA-256, v1, 64-bit offsets, ref-deltas, modern)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(cases.some((c) => c.algo === SHA256)).toBe(true);
    expect(cases.some((c) => c.options.includes('--index-version=2,64'))).toBe(true);
  });

  it.each(cases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const expected = gitIdx(c.pack, c.algo, c.options);
    const ours = lonePack(c.pack, 'ours');
    const r = cli(['index-pack', ...formatOption(c.algo), ...c.options, ours]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const idx = readFileSync(ours.replace(/\.pack$/, '.idx'));
    expect(idx.equals(expected)).toBe(true);
    // git prints the pack's checksum; so do we.
    const packBytes = readFileSync(c.pack);
    expect(r.stdout.toString()).toBe(`${packBytes.subarray(packBytes.length - c.algo.size).toString('hex')}\n`);
    // The fixture's own idx (written by git when the fixture was made) is the same bytes too.
    const own = c.pack.replace(/\.pack$/, '.idx');
    if (existsSync(own)) expect(idx.equals(readFileSync(own))).toBe(true);
  });

  it("in pure TypeScript (the browser's engines), in small slices, with a tiny base budget", () => {
    // long-chains has chains of 2699 deltas: a 4 KiB base budget forces bases to be dropped and rebuilt.
    for (const name of ['long-chains', 'ref-delta', 'sha256']) {
      const c = cases.find((x) => x.label.startsWith(`${name}/`));
      expect(c, name).toBeDefined();
      if (!c) continue;
      const bytes = new Uint8Array(readFileSync(c.pack));
      const indexer = new PackIndexer(memorySource('lone.pack', bytes), {
        algo: c.algo,
        hasher: portableHasher,
        inflater: fflateInflater,
        measuring: portableMeasuringInflater,
        baseBytes: 4096,
      });
      let slices = 0;
      while (!indexer.step(5)) slices++;
      const result = indexer.result();
      expect(result.problems.map((p) => p.message)).toEqual([]);
      expect(result.complete).toBe(true);
      expect(Buffer.from(result.idx).equals(gitIdx(c.pack, c.algo))).toBe(true);
      if (name === 'long-chains') {
        expect(slices).toBeGreaterThan(3);
        expect(result.maxChain).toBe(2699);
        expect(result.types).toEqual({ commit: 3000, tree: 3000, blob: 3001, tag: 1 });
      }
      if (name === 'ref-delta') expect(result.refDeltas).toBeGreaterThan(0);
    }
  }, 60_000);

  it('the big fixture (210k objects), once, timed against git', () => {
    const dir = join(BUILD, 'big/repo.git/objects/pack');
    if (!existsSync(dir)) return;
    const pack = join(dir, readdirSync(dir).find((f) => f.endsWith('.pack')) as string);
    const gitCopy = lonePack(pack, 'git-big');
    let t = performance.now();
    expect(git(['index-pack', gitCopy]).status).toBe(0);
    const gitMs = performance.now() - t;
    const ours = lonePack(pack, 'ours-big');
    t = performance.now();
    const r = cli(['index-pack', ours]);
    const ourMs = performance.now() - t;
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(ours.replace(/\.pack$/, '.idx')).equals(readFileSync(gitCopy.replace(/\.pack$/, '.idx')))).toBe(true);
    console.log(`index-pack big: packscope ${ourMs.toFixed(0)} ms, git ${gitMs.toFixed(0)} ms (${(ourMs / gitMs).toFixed(1)}x)`);
  }, 60_000);
});

describe('index-pack on damaged packs', () => {
  const varied = (() => {
    const dir = join(BUILD, 'varied/repo/.git/objects/pack');
    return join(dir, readdirSync(dir).find((f) => f.endsWith('.pack')) as string);
  })();

  /** git's entries (id -> [offset, crc]) for the intact pack. */
  function gitEntries(): Map<string, [number, number | undefined]> {
    const idx = PackIndex.open(memorySource('git.idx', new Uint8Array(gitIdx(varied, SHA1))), SHA1);
    const map = new Map<string, [number, number | undefined]>();
    for (let i = 0; i < idx.count; i++) map.set(idx.oidHexAt(i), [idx.offsetAt(i), idx.crcAt(i)]);
    return map;
  }

  /** Writes a damaged copy of varied's pack. */
  function damaged(tag: string, change: (b: Buffer) => Buffer): string {
    const path = lonePack(varied, tag);
    writeFileSync(path, change(readFileSync(path)));
    return path;
  }

  /** Every entry of our partial idx equals git's entry for the intact pack. */
  function expectSubsetOfGit(idxPath: string): number {
    const ours = PackIndex.open(memorySource('ours.idx', new Uint8Array(readFileSync(idxPath))), SHA1);
    const theirs = gitEntries();
    for (let i = 0; i < ours.count; i++) {
      expect(theirs.get(ours.oidHexAt(i))).toEqual([ours.offsetAt(i), ours.crcAt(i)]);
    }
    return ours.count;
  }

  it('a truncated pack: exit 1, Truncated at the entry that is cut, no idx unless --partial', () => {
    const path = damaged('cut', (b) => b.subarray(0, 30_000));
    const r = cli(['index-pack', path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Truncated at .*lone\.pack:0x[0-9a-f]+: the zlib stream of the entry at \d+ runs past the end of the file/);
    expect(existsSync(path.replace(/\.pack$/, '.idx'))).toBe(false);
    const p = cli(['index-pack', '--partial', path]);
    expect(p.status).toBe(1);
    expect(p.stderr).toMatch(/warning: .* (\d+) of 168 objects could be indexed; writing a partial index/);
    const kept = expectSubsetOfGit(path.replace(/\.pack$/, '.idx'));
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(168);
  }, 20_000);

  it("broken zlib inside an entry: CorruptObject at that entry's offset; the entries before it stay indexed", () => {
    const entries = [...gitEntries().values()].map(([o]) => o).sort((a, b) => a - b);
    const victim = entries[100];
    const path = damaged('zlib', (b) => {
      const c = Buffer.from(b);
      // Past the entry header and zlib header: garble the deflate data.
      for (let i = victim + 6; i < victim + 12; i++) c[i] ^= 0xff;
      return c;
    });
    const r = cli(['index-pack', '--partial', path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`CorruptObject at ${path}:0x${victim.toString(16)}: zlib stream`);
    expect(r.stderr).toContain('; the walk stops at entry 101 of 168, so the 67 entries after it cannot be located (the 100 before it are indexed)');
    const kept = expectSubsetOfGit(path.replace(/\.pack$/, '.idx'));
    expect(kept).toBeGreaterThan(50);
  }, 20_000);

  it('a bad trailer: BadChecksum with both sums, and (with --partial) an idx of all 168 objects', () => {
    const path = damaged('trailer', (b) => {
      const c = Buffer.from(b);
      c[c.length - 1] ^= 0x55;
      return c;
    });
    const r = cli(['index-pack', '--partial', path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`BadChecksum at ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:0x${(59257 - 20).toString(16)}: the pack's trailing checksum is [0-9a-f]{40}, but its content hashes to 359dca35`),
    );
    expect(expectSubsetOfGit(path.replace(/\.pack$/, '.idx'))).toBe(168);
  }, 20_000);

  it('a thin pack (ref-delta whose base is not in it): MissingBase naming the base id', () => {
    const base = enc('base content, long enough to be a delta base\n'.repeat(4));
    const target = enc('the target\n');
    const baseOid = oidOf('blob', base);
    const built = buildPack([
      { kind: 'object', type: 'blob', data: enc('a lone blob\n') },
      { kind: 'ref', baseOid, delta: insertDelta(base.length, target), oid: oidOf('blob', target) },
    ]);
    const path = join(mkdtempSync(join(work, 'thin-')), 'thin.pack');
    writeFileSync(path, built.pack);
    const r = cli(['index-pack', path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`MissingBase at ${path}:0x${built.offsets[1].toString(16)}: ref-delta base ${toHex(baseOid)} is not in this pack: a thin pack`);
    expect(r.stderr).toContain('1 of 2 objects could be indexed');
  });

  it('refuses to replace an existing, different idx (git 2.39 would); accepts an identical one', () => {
    const path = lonePack(varied, 'exists');
    const idxPath = path.replace(/\.pack$/, '.idx');
    writeFileSync(idxPath, 'not an index');
    const r = cli(['index-pack', path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('already exists and differs');
    expect(readFileSync(idxPath, 'utf8')).toBe('not an index');
    const again = lonePack(varied, 'same');
    expect(cli(['index-pack', again]).status).toBe(0);
    expect(cli(['index-pack', again]).status).toBe(0);
  });

  it('not a pack, and an absurd object count: clear errors, no hang', () => {
    const notPack = join(mkdtempSync(join(work, 'np-')), 'x.pack');
    writeFileSync(notPack, Buffer.alloc(64, 0x41));
    const r = cli(['index-pack', notPack]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/BadSignature at .*x\.pack:0x0: not a pack/);
    const lying = damaged('count', (b) => {
      const c = Buffer.from(b);
      c.writeUInt32BE(0xfffffff0, 8);
      return c;
    });
    const l = cli(['index-pack', lying]);
    expect(l.status).toBe(1);
    expect(l.stderr).toMatch(/BadSize at .*lone\.pack:0x8: the header declares 4294967280 objects/);
  });
});

describe('index-pack in the worker: the session reads the pack through the idx held in memory', () => {
  const ctx: HandlerContext = { progress: () => {}, checkCancelled: () => {}, pause: async () => {}, transfer: () => {} };

  it.each([
    ['varied', SHA1],
    ['sha256', SHA256],
  ] as const)('%s: a lone .pack (its hash told from its trailer), indexed, then every object reads and hashes to its id', async (name, algo) => {
    const gitdir = join(BUILD, name, readFileSync(join(BUILD, name, 'gitdir'), 'utf8').trim());
    const packDir = join(gitdir, 'objects/pack');
    const file = readdirSync(packDir).find((f) => f.endsWith('.pack')) as string;
    const dir = mkdtempSync(join(work, 'session-'));
    copyFileSync(join(packDir, file), join(dir, file));
    const before = await Session.open('lone', fsDirectoryReader(dir));
    expect(before.summary().packsWithoutIdx).toEqual([{ name: file.slice(0, -5), path: file, bytes: readFileSync(join(dir, file)).length, indexedInMemory: false }]);
    expect(before.db.problems.map((p) => p.kind)).toEqual(['NotFound']);

    let attached: Session | undefined;
    const outcome = await new IndexPackJob(before, file.slice(0, -5)).run(ctx, (next) => (attached = next));
    expect(outcome.hashAlgo).toBe(algo.name);
    expect(outcome.complete).toBe(true);
    expect(outcome.attached).toBe(true);
    expect(Buffer.from(outcome.idx).equals(gitIdx(join(packDir, file), algo))).toBe(true);
    expect(readdirSync(dir)).toEqual([file]); // nothing written into the folder

    const after = attached as Session;
    expect(after.db.problems).toEqual([]);
    expect(after.db.algo).toBe(algo);
    const summary = after.summary();
    expect(summary.packsWithoutIdx?.[0]).toMatchObject({ indexedInMemory: true, objects: outcome.indexedCount });
    const idx = PackIndex.open(memorySource('i', outcome.idx), algo);
    for (let i = 0; i < idx.count; i++) {
      const oid = idx.oidAt(i);
      const obj = after.db.read(oid);
      expect(toHex(hashObject(portableHasher, algo, obj.type, obj.data))).toBe(toHex(oid));
    }
    expect(idx.count).toBe(outcome.indexedCount);
  });
});
