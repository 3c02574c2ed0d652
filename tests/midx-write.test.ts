import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { u32 } from '../src/core/bytes/be.ts';
import { memorySource } from '../src/core/bytes/source.ts';
import { PackscopeError } from '../src/core/errors.ts';
import { SHA1, SHA256, type HashAlgo } from '../src/core/hash/algo.ts';
import { portableHasher } from '../src/core/hash/hasher.ts';
import { toHex } from '../src/core/hash/hex.ts';
import { PackIndex } from '../src/core/format/idx.ts';
import { MultiPackIndex } from '../src/core/format/midx.ts';
import { gitPackMtime, writeMultiPackIndex, type MidxWritePack } from '../src/core/format/midx-write.ts';
import { builtFixtures, cli, git } from './support/cli.ts';
import { buildIdx } from './support/pack-builder.ts';

/**
 * `multi-pack-index write` against git 2.39's own `git multi-pack-index write` on the same
 * packs: the fixtures (from scratch and on top of their existing midx), repositories with
 * overlapping packs and chosen mtimes (SHA-1 and SHA-256), and synthetic idx files whose offsets
 * need the LOFF chunk (git only reads the idx, so a tiny stand-in .pack is enough).
 */

const TMP = mkdtempSync(join(tmpdir(), 'packscope-midx-write-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
let serial = 0;

function tempDir(label: string): string {
  const dir = join(TMP, `${label}-${serial++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function mustGit(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): string {
  const r = git(args, options);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout.toString();
}

/** A bare repository of the given hash whose pack folder is a copy of `packDir` (times kept). */
function bareCopy(packDir: string, algo: HashAlgo): string {
  const dir = tempDir('bare');
  mustGit(['init', '-q', '--bare', `--object-format=${algo.name}`, dir]);
  cpSync(packDir, join(dir, 'objects/pack'), { recursive: true, preserveTimestamps: true });
  return dir;
}

/** A bare repository holding these idx files, each with a 32-byte stand-in .pack. */
function bareWithIdx(algo: HashAlgo, idx: Record<string, Uint8Array>, mtimes: Record<string, number>): string {
  const dir = tempDir('synthetic');
  mustGit(['init', '-q', '--bare', `--object-format=${algo.name}`, dir]);
  const packDir = join(dir, 'objects/pack');
  for (const [name, bytes] of Object.entries(idx)) {
    writeFileSync(join(packDir, `${name}.idx`), bytes);
    writeFileSync(join(packDir, `${name}.pack`), new Uint8Array(32));
    utimesSync(join(packDir, `${name}.pack`), mtimes[name], mtimes[name]);
  }
  return dir;
}

function midxPath(gitDir: string): string {
  return join(gitDir, 'objects/pack/multi-pack-index');
}

/** git 2.39 writes the midx of `gitDir`; returns the file's bytes. */
function gitWrite(gitDir: string, extra: string[] = []): Buffer {
  mustGit(['--git-dir', gitDir, 'multi-pack-index', `--object-dir=${join(gitDir, 'objects')}`, 'write', ...extra]);
  return readFileSync(midxPath(gitDir));
}

/** Ours with --output (the pack folder is not touched). */
function oursToFile(gitDir: string, extra: string[] = []): Buffer {
  const out = join(TMP, `ours-${serial++}.midx`);
  const r = cli(['multi-pack-index', 'write', gitDir, '--output', out, ...extra]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout.length).toBe(0);
  return readFileSync(out);
}

/** Chunk ids of a midx, in table order. */
function chunkIds(bytes: Uint8Array): string[] {
  const ids: string[] = [];
  for (let i = 0; i < bytes[6]; i++) ids.push(String.fromCharCode(...bytes.subarray(12 + i * 12, 16 + i * 12)));
  return ids;
}

/** Compares two midx files; on a difference, says where (header, chunk, entry). */
function expectSameBytes(ours: Uint8Array, theirs: Uint8Array): void {
  if (Buffer.compare(Buffer.from(ours), Buffer.from(theirs)) === 0) return;
  let at = 0;
  while (at < ours.length && at < theirs.length && ours[at] === theirs[at]) at++;
  throw new Error(`midx differs at byte ${at} (ours ${ours.length} bytes, git ${theirs.length}); git's chunks ${chunkIds(theirs).join(',')}, ours ${chunkIds(ours).join(',')}`);
}

function packNamesIn(gitDir: string): string[] {
  return readdirSync(join(gitDir, 'objects/pack'))
    .filter((n) => n.endsWith('.pack'))
    .sort();
}

function setPackMtime(gitDir: string, pack: string, seconds: number): void {
  const p = join(gitDir, 'objects/pack', pack);
  utimesSync(p, seconds, seconds);
  utimesSync(p.replace(/\.pack$/, '.idx'), seconds, seconds);
}

/** The pack each object of a midx is taken from: hex id -> pack name. */
function winners(bytes: Uint8Array, algo: HashAlgo): Map<string, string> {
  const midx = MultiPackIndex.open(memorySource('m', bytes), { expectedAlgo: algo });
  const map = new Map<string, string>();
  for (const e of midx.entries()) map.set(toHex(e.oid), midx.packNames[e.packId]);
  return map;
}

// ------------------------------------------------------------------------------ fixtures

const fixtures = builtFixtures().filter((f) => f.packs.length > 0);
const algoOf = (name: string): HashAlgo => (name === 'sha256' ? SHA256 : SHA1);

describe('multi-pack-index write: fixtures, byte for byte with git 2.39', () => {
  it('has the fixtures the suite is about', () => {
    const names = fixtures.map((f) => f.name);
    expect(names).toContain('multi-pack');
    expect(names).toContain('demo');
  });

  for (const fixture of fixtures) {
    it(`${fixture.name}: from scratch (no midx in the folder)`, () => {
      const dir = bareCopy(fixture.packDir, algoOf(fixture.name));
      if (existsSync(midxPath(dir))) unlinkSync(midxPath(dir));
      const ours = oursToFile(dir);
      expect(existsSync(midxPath(dir))).toBe(false);
      const theirs = gitWrite(dir);
      expectSameBytes(ours, theirs);
      expect(chunkIds(theirs)).toEqual(['PNAM', 'OIDF', 'OIDL', 'OOFF']);
      expect(u32(theirs, 8)).toBe(fixture.packs.length);
    });
  }

  it('multi-pack: the 8 packs include the .keep one, and duplicates go to the newest pack', () => {
    const fixture = fixtures.find((f) => f.name === 'multi-pack');
    if (!fixture) throw new Error('multi-pack fixture missing');
    const dir = bareCopy(fixture.packDir, SHA1);
    unlinkSync(midxPath(dir));
    const bytes = oursToFile(dir);
    const midx = MultiPackIndex.open(memorySource('m', bytes), { expectedAlgo: SHA1 });
    expect(midx.packCount).toBe(8);
    expect(midx.packNames).toEqual(fixture.packs.map((p) => `${p}.idx`));
    expect(readdirSync(join(dir, 'objects/pack')).some((n) => n.endsWith('.keep'))).toBe(true);
    // Every duplicated object is taken from the pack with the newest mtime among those holding it.
    const holders = new Map<string, string[]>();
    for (const p of fixture.packs) {
      const idx = PackIndex.open(memorySource(p, readFileSync(join(dir, 'objects/pack', `${p}.idx`))), SHA1);
      for (let i = 0; i < idx.count; i++) holders.set(idx.oidHexAt(i), [...(holders.get(idx.oidHexAt(i)) ?? []), p]);
    }
    const mtime = (p: string): number => Math.floor(statSync(join(dir, 'objects/pack', `${p}.pack`)).mtimeMs / 1000);
    let duplicates = 0;
    for (const [hex, packs] of winners(bytes, SHA1)) {
      const held = holders.get(hex) ?? [];
      if (held.length < 2) continue;
      duplicates++;
      const newest = Math.max(...held.map(mtime));
      expect(mtime(packs.replace(/\.idx$/, ''))).toBe(newest);
    }
    expect(duplicates).toBeGreaterThanOrEqual(16);
  });

  it('multi-pack: on top of the existing midx (6 of 8 packs), as git reuses it', () => {
    const fixture = fixtures.find((f) => f.name === 'multi-pack');
    if (!fixture) throw new Error('multi-pack fixture missing');
    const dir = bareCopy(fixture.packDir, SHA1);
    const before = readFileSync(midxPath(dir));
    expect(u32(before, 8)).toBe(6);
    const ours = oursToFile(dir);
    expectSameBytes(readFileSync(midxPath(dir)), before); // --output leaves the folder alone
    const theirs = gitWrite(dir);
    expect(u32(theirs, 8)).toBe(8);
    expectSameBytes(ours, theirs);
  });

  it('multi-pack: default destination writes <pack dir>/multi-pack-index via a lock file, prints nothing', () => {
    const fixture = fixtures.find((f) => f.name === 'multi-pack');
    if (!fixture) throw new Error('multi-pack fixture missing');
    const theirsDir = bareCopy(fixture.packDir, SHA1);
    const theirs = gitWrite(theirsDir);
    const dir = bareCopy(fixture.packDir, SHA1);
    // Stale midx bitmaps and reverse indexes go, as git's clear_midx_files_ext removes them.
    writeFileSync(join(dir, 'objects/pack/multi-pack-index-0123.bitmap'), 'x');
    writeFileSync(join(dir, 'objects/pack/multi-pack-index-0123.rev'), 'x');
    const r = cli(['multi-pack-index', 'write', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toBe('');
    expectSameBytes(readFileSync(midxPath(dir)), theirs);
    const names = readdirSync(join(dir, 'objects/pack'));
    expect(names.filter((n) => n.startsWith('multi-pack-index'))).toEqual(['multi-pack-index']);
    expect(statSync(midxPath(dir)).mode & 0o777).toBe(statSync(midxPath(theirsDir)).mode & 0o777);
    expect(mustGit(['--git-dir', dir, 'multi-pack-index', `--object-dir=${join(dir, 'objects')}`, 'verify'])).toBe('');
  });

  it('demo: the midx already covers both packs, so nothing is rewritten (as git)', () => {
    const fixture = fixtures.find((f) => f.name === 'demo');
    if (!fixture) throw new Error('demo fixture missing');
    const dir = bareCopy(fixture.packDir, SHA1);
    const before = readFileSync(midxPath(dir));
    const mtimeBefore = statSync(midxPath(dir)).mtimeMs;
    expectSameBytes(oursToFile(dir), before);
    writeFileSync(join(dir, 'objects/pack/multi-pack-index-0123.bitmap'), 'x');
    writeFileSync(join(dir, 'objects/pack/multi-pack-index-0123.rev'), 'x');
    expect(cli(['multi-pack-index', 'write', dir]).status).toBe(0);
    expect(statSync(midxPath(dir)).mtimeMs).toBe(mtimeBefore);
    // git's no-op path drops midx bitmaps (none was asked for) and keeps .rev files.
    expect(readdirSync(join(dir, 'objects/pack')).filter((n) => n.startsWith('multi-pack-index-'))).toEqual(['multi-pack-index-0123.rev']);
    const gitDir = bareCopy(fixture.packDir, SHA1);
    expectSameBytes(gitWrite(gitDir), before);
  });
});

// ------------------------------------------------------------------------------ overlapping packs

/**
 * A repository with `rounds` incremental packs, then two packs overlapping them (objects
 * reachable from HEAD~3..HEAD, and everything): the duplicates' winners depend on the mtimes.
 */
function overlappingRepo(algo: HashAlgo, rounds: number): string {
  const dir = tempDir(`overlap-${algo.name}`);
  mustGit(['init', '-q', `--object-format=${algo.name}`, dir]);
  const env = ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', '-c', 'gc.auto=0', '-c', 'pack.threads=1', '-c', 'pack.writeReverseIndex=false'];
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    for (let c = 0; c < 2; c++, n++) {
      writeFileSync(join(dir, `f${n % 3}.txt`), `round ${r} commit ${c}\n`.repeat(n + 1));
      mustGit(['-C', dir, ...env, 'add', '-A']);
      // Both dates fixed: the pack names (their hashes) then repeat from run to run, and with
      // them the name order that breaks mtime ties, so the winners asserted below are stable.
      const date = `${1600000000 + n * 100} +0000`;
      mustGit(['-C', dir, ...env, 'commit', '-q', '-m', `c${n}`], { env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
    }
    mustGit(['-C', dir, ...env, 'repack', '-d', '-q']);
  }
  const packDir = join(dir, '.git/objects/pack');
  mustGit(['-C', dir, ...env, 'pack-objects', '--revs', '-q', join(packDir, 'pack')], { input: 'HEAD\n^HEAD~3\n' });
  mustGit(['-C', dir, ...env, 'pack-objects', '--revs', '-q', join(packDir, 'pack')], { input: 'HEAD\n' });
  return join(dir, '.git');
}

describe('multi-pack-index write: overlapping packs, mtimes, ties, preferred pack', () => {
  for (const algo of [SHA1, SHA256]) {
    it(`${algo.name}: every mtime arrangement gives git's bytes, and the arrangements change the winners`, () => {
      const gitDir = overlappingRepo(algo, algo === SHA256 ? 3 : 4);
      const packs = packNamesIn(gitDir);
      expect(packs.length).toBe(algo === SHA256 ? 5 : 6);
      const arrangements: ((i: number) => number)[] = [
        (i) => 1600000000 + i * 1000, // name order = age order
        (i) => 1700000000 - i * 1000, // reversed
        (i) => 1650000000 + ((i * 7) % packs.length) * 10, // shuffled
        () => 1650000000, // all equal: the pack met first in readdir order wins
        (i) => 1650000000 + (i % 2), // pairs of ties
      ];
      const results = new Set<string>();
      for (const mtimeOf of arrangements) {
        packs.forEach((p, i) => setPackMtime(gitDir, p, mtimeOf(i)));
        // Sub-second parts must not matter: git compares whole seconds.
        utimesSync(join(gitDir, 'objects/pack', packs[0]), mtimeOf(0) + 0.9, mtimeOf(0) + 0.9);
        const ours = oursToFile(gitDir);
        const theirs = gitWrite(gitDir);
        unlinkSync(midxPath(gitDir));
        expectSameBytes(ours, theirs);
        results.add(toHex(theirs.subarray(theirs.length - algo.size)));
      }
      expect(results.size).toBeGreaterThanOrEqual(3);
    });
  }

  it('an existing midx is built upon: a new pack wins its duplicates even when it is the oldest', () => {
    const gitDir = overlappingRepo(SHA1, 3);
    const packDir = join(gitDir, 'objects/pack');
    const packs = packNamesIn(gitDir);
    packs.forEach((p, i) => setPackMtime(gitDir, p, 1600000000 + i * 1000));
    // The pack of everything, made last, is set oldest and left out of the first midx.
    const all = readdirSync(packDir)
      .filter((n) => n.endsWith('.pack'))
      .map((n) => ({ n, size: statSync(join(packDir, n)).size }))
      .sort((a, b) => b.size - a.size)[0].n;
    setPackMtime(gitDir, all, 1500000000);
    const aside = tempDir('aside');
    for (const ext of ['.pack', '.idx']) cpSync(join(packDir, all.replace(/\.pack$/, ext)), join(aside, ext), { preserveTimestamps: true });
    for (const ext of ['.pack', '.idx']) rmSync(join(packDir, all.replace(/\.pack$/, ext)), { force: true });
    gitWrite(gitDir);
    for (const ext of ['.pack', '.idx']) cpSync(join(aside, ext), join(packDir, all.replace(/\.pack$/, ext)), { preserveTimestamps: true });

    const ours = oursToFile(gitDir);
    const theirs = gitWrite(gitDir);
    expectSameBytes(ours, theirs);
    const won = [...winners(theirs, SHA1).values()].filter((p) => p === all.replace(/\.pack$/, '.idx')).length;
    unlinkSync(midxPath(gitDir));
    const scratch = gitWrite(gitDir);
    const wonFromScratch = [...winners(scratch, SHA1).values()].filter((p) => p === all.replace(/\.pack$/, '.idx')).length;
    expect(won).toBeGreaterThan(wonFromScratch);
    expectSameBytes(oursToFile(gitDir), scratch); // with the new midx in place: nothing to add, same file
  });

  it('--preferred-pack wins every duplicate, as git', () => {
    const gitDir = overlappingRepo(SHA1, 3);
    const packs = packNamesIn(gitDir);
    packs.forEach((p, i) => setPackMtime(gitDir, p, 1600000000 + i * 1000));
    for (const preferred of [packs[0], packs[packs.length - 1].replace(/\.pack$/, '.idx')]) {
      const ours = oursToFile(gitDir, [`--preferred-pack=${preferred}`]);
      const theirs = gitWrite(gitDir, [`--preferred-pack=${preferred}`]);
      unlinkSync(midxPath(gitDir));
      expectSameBytes(ours, theirs);
      expect(chunkIds(theirs)).toEqual(['PNAM', 'OIDF', 'OIDL', 'OOFF']); // no RIDX without --bitmap
    }
    // Unknown: git warns and writes as if none was given.
    const r = cli(['multi-pack-index', 'write', gitDir, '--output', join(TMP, 'unknown.midx'), '--preferred-pack=pack-nope.pack']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("unknown preferred pack: 'pack-nope.pack'");
    expectSameBytes(readFileSync(join(TMP, 'unknown.midx')), gitWrite(gitDir));
  });

  it('sha256: three packs of a new repository, byte for byte', () => {
    const dir = tempDir('sha256-three');
    mustGit(['init', '-q', '--object-format=sha256', dir]);
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(dir, `file-${i}.txt`), `content ${i}\n`);
      mustGit(['-C', dir, '-c', 'user.name=A', '-c', 'user.email=a@b', 'add', '-A']);
      mustGit(['-C', dir, '-c', 'user.name=A', '-c', 'user.email=a@b', 'commit', '-q', '-m', `c${i}`]);
      mustGit(['-C', dir, '-c', 'pack.writeReverseIndex=false', 'repack', '-d', '-q']);
    }
    const gitDir = join(dir, '.git');
    expect(packNamesIn(gitDir).length).toBe(3);
    const ours = oursToFile(gitDir);
    const theirs = gitWrite(gitDir);
    expectSameBytes(ours, theirs);
    expect(theirs[5]).toBe(2);
    // Header, 4 chunks + terminator, PNAM (3 x 74 bytes padded to 224), OIDF, OIDL + OOFF, trailer.
    const count = MultiPackIndex.open(memorySource('m', theirs), { expectedAlgo: SHA256 }).count;
    expect(theirs.length).toBe(12 + 5 * 12 + 224 + 1024 + count * (32 + 8) + 32);
  });

  it("skips an idx without its .pack (with git's warning), and refuses an empty folder", () => {
    const gitDir = overlappingRepo(SHA1, 2);
    const packDir = join(gitDir, 'objects/pack');
    const orphan = 'pack-0000000000000000000000000000000000000000.idx';
    cpSync(join(packDir, packNamesIn(gitDir)[0].replace(/\.pack$/, '.idx')), join(packDir, orphan));
    const out = join(TMP, `orphan-${serial++}.midx`);
    const r = cli(['multi-pack-index', 'write', gitDir, '--output', out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`failed to add packfile '${join(packDir, orphan)}'`);
    const theirs = gitWrite(gitDir);
    expectSameBytes(readFileSync(out), theirs);
    expect(new TextDecoder().decode(theirs)).not.toContain(orphan);

    const empty = tempDir('empty');
    mustGit(['init', '-q', '--bare', empty]);
    const ours = cli(['multi-pack-index', 'write', empty]);
    expect(ours.status).toBe(1);
    expect(ours.stderr).toContain('no pack files to index.');
    const g = git(['--git-dir', empty, 'multi-pack-index', 'write']);
    expect(g.status).toBe(1);
    expect(g.stderr).toContain('no pack files to index.');
    expect(existsSync(join(empty, 'objects/pack/multi-pack-index'))).toBe(false);
    expect(existsSync(join(empty, 'objects/pack/multi-pack-index.lock'))).toBe(false);
  });
});

// ------------------------------------------------------------------------------ large offsets

/** Deterministic pseudo-random ids (xorshift32). */
function ids(count: number, seed: number, H: number): Uint8Array[] {
  let x = seed >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x & 0xff;
  };
  return Array.from({ length: count }, () => Uint8Array.from({ length: H }, next));
}

/** Synthetic packs: ids shared between packs, offsets chosen per test. */
function syntheticPacks(algo: HashAlgo, offsetOf: (pack: number, i: number) => number): { name: string; bytes: Uint8Array; oids: Uint8Array[]; offsets: number[] }[] {
  const shared = ids(40, 99, algo.size);
  return [0, 1, 2].map((p) => {
    const oids = [...ids(60, p + 1, algo.size), ...shared.slice(p * 10, p * 10 + 20)];
    const offsets = oids.map((_, i) => offsetOf(p, i));
    const name = `pack-${String(p + 1).repeat(algo.hexSize)}`;
    return {
      name,
      bytes: buildIdx(
        oids,
        offsets,
        oids.map(() => 0),
        new Uint8Array(algo.size),
        algo,
      ),
      oids,
      offsets,
    };
  });
}

describe('multi-pack-index write: large offsets (LOFF)', () => {
  const cases: { label: string; offsetOf: (pack: number, i: number) => number; loff: boolean }[] = [
    { label: 'all below 2^31: no LOFF', offsetOf: (p, i) => 12 + i * 999 + p, loff: false },
    { label: 'some in [2^31, 2^32) only: no LOFF, the MSB kept in OOFF', offsetOf: (p, i) => (i % 3 === 0 ? 2 ** 31 + i * 4099 + p : 12 + i * 77), loff: false },
    { label: 'one >= 2^32: LOFF holds every offset >= 2^31', offsetOf: (p, i) => (i % 5 === 0 ? 2 ** 32 + i * 2 ** 20 + p : i % 5 === 1 ? 2 ** 31 + i : 12 + i * 31), loff: true },
    { label: 'near 2^53', offsetOf: (p, i) => (i % 2 === 0 ? 2 ** 52 + i * 8 + p : 12 + i), loff: true },
  ];
  for (const algo of [SHA1, SHA256]) {
    for (const c of cases) {
      it(`${algo.name}: ${c.label}; our reader reads back every offset, and git writes the same bytes`, () => {
        const packs = syntheticPacks(algo, c.offsetOf);
        const mtimes = [1600003000, 1600001000, 1600002000];
        const input: MidxWritePack[] = packs.map((p, k) => ({
          name: `${p.name}.idx`,
          idx: PackIndex.open(memorySource(`${p.name}.idx`, p.bytes), algo),
          mtime: mtimes[k],
        }));
        const bytes = writeMultiPackIndex(input, algo, portableHasher);
        expect(chunkIds(bytes).includes('LOFF')).toBe(c.loff);

        // Expected winner of each id: the pack with the newest mtime.
        const expected = new Map<string, { pack: number; offset: number }>();
        for (const k of [0, 2, 1]) {
          packs[k].oids.forEach((oid, i) => {
            if (!expected.has(toHex(oid))) expected.set(toHex(oid), { pack: k, offset: packs[k].offsets[i] });
          });
        }
        const midx = MultiPackIndex.open(memorySource('multi-pack-index', bytes), { expectedAlgo: algo });
        expect(midx.count).toBe(expected.size);
        for (const e of midx.entries()) {
          const want = expected.get(toHex(e.oid));
          expect(want).toBeDefined();
          expect(midx.packNames[e.packId]).toBe(`${packs[want?.pack ?? -1].name}.idx`);
          expect(e.offset).toBe(want?.offset);
          expect(midx.offsetAt(e.position)).toBe(want?.offset);
          expect(midx.usesLargeOffset(e.position)).toBe(c.loff && (want?.offset ?? 0) >= 2 ** 31);
        }
        const large = [...expected.values()].filter((v) => v.offset >= 2 ** 31).length;
        expect(midx.largeOffsetCount).toBe(c.loff ? large : 0);

        const dir = bareWithIdx(algo, Object.fromEntries(packs.map((p) => [p.name, p.bytes])), Object.fromEntries(packs.map((p, k) => [p.name, mtimes[k]])));
        expectSameBytes(oursToFile(dir), gitWrite(dir));
        expectSameBytes(bytes, readFileSync(midxPath(dir)));
      });
    }
  }
});

// ------------------------------------------------------------------------------ the core API

describe('writeMultiPackIndex (core)', () => {
  const packs = syntheticPacks(SHA1, (p, i) => 12 + i * 10 + p);
  const open = (k: number, mtime: number): MidxWritePack => ({ name: `${packs[k].name}.idx`, idx: PackIndex.open(memorySource(packs[k].name, packs[k].bytes), SHA1), mtime });

  it('pads PNAM to 4 bytes and sorts the names whatever the input order', () => {
    const a = writeMultiPackIndex([open(2, 5), open(0, 5), open(1, 5)], SHA1, portableHasher);
    const midx = MultiPackIndex.open(memorySource('m', a), { expectedAlgo: SHA1 });
    expect(midx.packNames).toEqual(packs.map((p) => `${p.name}.idx`));
    const pnam = midx.chunk('PNAM');
    expect(pnam?.length).toBe(3 * 50 + 2);
    expect(pnam?.offset).toBe(12 + 5 * 12);
  });

  it('breaks an mtime tie by the order the packs are given (git: readdir order)', () => {
    const first = winners(writeMultiPackIndex([open(0, 7), open(1, 7), open(2, 7)], SHA1, portableHasher), SHA1);
    const second = winners(writeMultiPackIndex([open(2, 7), open(1, 7), open(0, 7)], SHA1, portableHasher), SHA1);
    const sharedHex = toHex(packs[0].oids[70]); // in packs 0 and 1
    expect(first.get(sharedHex)).toBe(`${packs[0].name}.idx`);
    expect(second.get(sharedHex)).toBe(`${packs[1].name}.idx`);
  });

  it('builds on an existing midx: its packs keep their entries and count as the oldest', () => {
    const base = writeMultiPackIndex([open(0, 9), open(1, 8)], SHA1, portableHasher);
    const existing = MultiPackIndex.open(memorySource('multi-pack-index', base), { expectedAlgo: SHA1 });
    const grown = winners(writeMultiPackIndex([open(0, 9), open(2, 1)], SHA1, portableHasher, { existing }), SHA1);
    // Pack 2 is older than 0 and 1, but it is new to the midx, so it wins what it shares.
    expect(grown.get(toHex(packs[2].oids[60]))).toBe(`${packs[2].name}.idx`);
    expect(grown.get(toHex(packs[0].oids[0]))).toBe(`${packs[0].name}.idx`);
  });

  it('refuses what git refuses', () => {
    const err = (fn: () => unknown): PackscopeError => {
      try {
        fn();
      } catch (e) {
        if (e instanceof PackscopeError) return e;
        throw e;
      }
      throw new Error('no error');
    };
    expect(err(() => writeMultiPackIndex([], SHA1, portableHasher)).detail).toBe('no pack files to index.');
    expect(err(() => writeMultiPackIndex([open(0, 1)], SHA1, portableHasher, { preferredPack: 'pack-x.pack' })).kind).toBe('NotFound');
    expect(err(() => writeMultiPackIndex([open(0, 1)], SHA256, portableHasher)).kind).toBe('Mismatch');
    const base = MultiPackIndex.open(memorySource('m', writeMultiPackIndex([open(0, 1)], SHA1, portableHasher)), { expectedAlgo: SHA1 });
    expect(err(() => writeMultiPackIndex([open(1, 1)], SHA1, portableHasher, { existing: base, preferredPack: `${packs[0].name}.pack` })).kind).toBe('Mismatch');
  });

  it('gitPackMtime floors milliseconds to whole seconds', () => {
    expect(gitPackMtime(1600000000999)).toBe(1600000000);
    expect(gitPackMtime(-1)).toBe(-1);
  });
});
