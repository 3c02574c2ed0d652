import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, unlinkSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorySource, type ByteSource } from '../src/core/bytes/source.ts';
import { putU32, putU64 } from '../src/core/bytes/be.ts';
import { PackscopeError, type ErrorKind } from '../src/core/errors.ts';
import { SHA1, SHA256, type HashAlgo } from '../src/core/hash/algo.ts';
import { fromHex, parsePrefix, toHex } from '../src/core/hash/hex.ts';
import { portableHasher, type HasherFactory } from '../src/core/hash/hasher.ts';
import { PackIndex } from '../src/core/format/idx.ts';
import { MultiPackIndex, type MidxLike } from '../src/core/format/midx.ts';
import { MultiPackIndexChain, layerFileName } from '../src/core/format/midx-chain.ts';
import type { Finding } from '../src/core/finding.ts';
import { verifyMidx, verifyMidxSource, checksumMatches } from '../src/core/verify/midx-verify.ts';
import { gitTestIdentity, isolatedGitEnv } from './support/git-env.ts';

const MODERN = '/work/shared/fixtures/modern';

// ---------------------------------------------------------------- helpers

function fileSource(path: string, name: string): ByteSource {
  return memorySource(name, new Uint8Array(readFileSync(path)));
}

/** `git show-index` output: hex id -> offset. */
function parseShowIndex(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [offset, hex] = line.split(' ');
    map.set(hex, Number(offset));
  }
  return map;
}

/** Throws, and returns the PackscopeError for assertions. */
function catchError(fn: () => unknown): PackscopeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PackscopeError) return err;
    throw err;
  }
  throw new Error('expected a PackscopeError, nothing was thrown');
}

/** `offset`: the exact byte offset, 'any' (some offset), or 'none' (the error has no place in the file). */
function expectError(fn: () => unknown, kind: ErrorKind, file: string, offset: number | 'any' | 'none', text?: string | RegExp): PackscopeError {
  const err = catchError(fn);
  expect(err.kind, err.message).toBe(kind);
  expect(err.file).toBe(file);
  if (offset === 'any') expect(err.offset, err.message).toBeTypeOf('number');
  else if (offset === 'none') expect(err.offset, err.message).toBeUndefined();
  else expect(err.offset, err.message).toBe(offset);
  if (text !== undefined) expect(err.detail).toMatch(text);
  return err;
}

const nodeHasher: HasherFactory = (algo) => {
  const h = createHash(algo.name);
  return {
    update: (bytes) => void h.update(bytes),
    digest: () => new Uint8Array(h.digest()),
  };
};

/** Checks every midx entry against the show-index of the pack it names. */
function checkEntriesAgainstPacks(midx: MidxLike, showIndex: (packName: string) => Map<string, number>): number {
  let n = 0;
  let previousLayer = -1;
  let previousHex = '';
  for (const e of midx.entries()) {
    const hex = toHex(e.oid);
    if (e.layer === previousLayer) expect(hex > previousHex).toBe(true);
    previousLayer = e.layer;
    previousHex = hex;
    expect(e.position).toBe(n);
    const packName = midx.packNames[e.packId];
    const offsets = showIndex(packName);
    expect(offsets.get(hex), `${hex} in ${packName}`).toBe(e.offset);
    n++;
  }
  expect(n).toBe(midx.count);
  return n;
}

// ---------------------------------------------------------------- a midx writer for hostile inputs

interface Obj {
  oid: Uint8Array;
  packId: number;
  offset: number;
}

interface MidxSpec {
  version?: number;
  algo?: HashAlgo;
  packNames: string[];
  objects: Obj[]; // sorted by oid
  extraChunks?: { id: string; data: Uint8Array }[];
  omit?: string[];
  /** Put offsets >= 2^31 in LOFF (default: when any needs it). */
  loff?: boolean;
}

function idValue(id: string): number {
  return ((id.charCodeAt(0) << 24) >>> 0) + (id.charCodeAt(1) << 16) + (id.charCodeAt(2) << 8) + id.charCodeAt(3);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function buildMidx(spec: MidxSpec): Uint8Array {
  const algo = spec.algo ?? SHA1;
  const enc = new TextEncoder();
  const names = concat(spec.packNames.map((n) => concat([enc.encode(n), new Uint8Array(1)])));
  const pnam = new Uint8Array(Math.ceil(names.length / 4) * 4);
  pnam.set(names);
  const oidf = new Uint8Array(1024);
  const counts = new Array<number>(256).fill(0);
  for (const o of spec.objects) counts[o.oid[0]]++;
  let run = 0;
  for (let i = 0; i < 256; i++) {
    run += counts[i];
    putU32(oidf, i * 4, run);
  }
  const oidl = concat(spec.objects.map((o) => o.oid));
  const ooff = new Uint8Array(spec.objects.length * 8);
  const useLoff = spec.loff ?? spec.objects.some((o) => o.offset >= 0x80000000);
  const large: number[] = [];
  spec.objects.forEach((o, i) => {
    putU32(ooff, i * 8, o.packId);
    if (useLoff && o.offset >= 0x80000000) {
      putU32(ooff, i * 8 + 4, 0x80000000 + large.length);
      large.push(o.offset);
    } else {
      putU32(ooff, i * 8 + 4, o.offset);
    }
  });
  const chunks: { id: string; data: Uint8Array }[] = [
    { id: 'PNAM', data: pnam },
    { id: 'OIDF', data: oidf },
    { id: 'OIDL', data: oidl },
    { id: 'OOFF', data: ooff },
  ];
  if (useLoff) {
    const loff = new Uint8Array(large.length * 8);
    large.forEach((v, i) => putU64(loff, i * 8, v));
    chunks.push({ id: 'LOFF', data: loff });
  }
  const used = [...chunks.filter((c) => !(spec.omit ?? []).includes(c.id)), ...(spec.extraChunks ?? [])];
  const header = new Uint8Array(12);
  header.set(enc.encode('MIDX'));
  header[4] = spec.version ?? 1;
  header[5] = algo.formatId;
  header[6] = used.length;
  header[7] = 0;
  putU32(header, 8, spec.packNames.length);
  const table = new Uint8Array((used.length + 1) * 12);
  let at = 12 + table.length;
  used.forEach((c, i) => {
    putU32(table, i * 12, idValue(c.id));
    putU64(table, i * 12 + 4, at);
    at += c.data.length;
  });
  putU64(table, used.length * 12 + 4, at);
  const body = concat([header, table, ...used.map((c) => c.data)]);
  return concat([body, new Uint8Array(createHash(algo.name).update(body).digest())]);
}

/** Recomputes the trailer after a mutation. */
function rehash(bytes: Uint8Array, algo: HashAlgo = SHA1): Uint8Array {
  const H = algo.size;
  const out = bytes.slice();
  out.set(
    createHash(algo.name)
      .update(out.subarray(0, out.length - H))
      .digest(),
    out.length - H,
  );
  return out;
}

function oidOf(i: number, algo: HashAlgo = SHA1): Uint8Array {
  return new Uint8Array(createHash(algo.name).update(`object ${i}`).digest());
}

function sampleSpec(n = 40, packs = 3, algo: HashAlgo = SHA1): MidxSpec {
  const oids = Array.from({ length: n }, (_, i) => oidOf(i, algo)).sort((a, b) => Buffer.compare(a, b));
  const packNames = Array.from({ length: packs }, (_, i) => `pack-${String(i).repeat(algo.hexSize)}.idx`);
  return { packNames, objects: oids.map((oid, i) => ({ oid, packId: i % packs, offset: 12 + i * 100 })), algo };
}

/** Chunk table entry of `id` in a built midx: [entry offset, chunk offset]. */
function chunkAt(bytes: Uint8Array, id: string): { entry: number; offset: number; length: number } {
  const m = MultiPackIndex.open(memorySource('x', bytes));
  const c = m.chunk(id);
  if (!c) throw new Error(`no ${id}`);
  return { entry: c.tableOffset, offset: c.offset, length: c.length };
}

// ---------------------------------------------------------------- modern fixtures (git 2.55)

function readMeta(dir: string): Map<string, string> {
  const meta = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'expect/meta.txt'), 'utf8').split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) meta.set(line.slice(0, i), line.slice(i + 2));
  }
  return meta;
}

function fixtureShowIndex(dir: string): (packName: string) => Map<string, number> {
  const cache = new Map<string, Map<string, number>>();
  return (packName) => {
    const stem = packName.replace(/\.idx$/, '');
    let m = cache.get(stem);
    if (!m) {
      m = parseShowIndex(readFileSync(join(dir, 'expect', `show-index-${stem}.txt`), 'utf8'));
      cache.set(stem, m);
    }
    return m;
  };
}

function fixtureOpenIdx(packDir: string, algo: HashAlgo): (name: string) => PackIndex {
  return (name) => PackIndex.open(fileSource(join(packDir, name), name), algo);
}

describe('modern fixture: flat midx version 2', () => {
  const dir = join(MODERN, 'midx-v2');
  const packDir = join(dir, 'pack');
  const meta = readMeta(dir);
  const midx = MultiPackIndex.open(fileSource(join(packDir, 'multi-pack-index'), 'multi-pack-index'), { expectedAlgo: SHA1 });

  it('reads the header and chunks git wrote', () => {
    expect(midx.version).toBe(2);
    expect(meta.get('midx_version')).toBe('2 (from file)');
    expect(midx.algo).toBe(SHA1);
    expect(String(midx.algo.formatId)).toBe(meta.get('midx_hash_version'));
    expect(String(midx.baseCount)).toBe(meta.get('midx_base_byte'));
    expect(String(midx.packCount)).toBe(meta.get('midx_packs'));
    expect(String(midx.count)).toBe(meta.get('midx_objects'));
    expect(midx.chunks.map((c) => c.id).join(' ')).toBe(meta.get('midx_chunks'));
    expect(toHex(midx.checksum())).toBe(meta.get('midx_checksum'));
    expect(midx.packNames).toEqual([...midx.packNames].sort());
    const outside = meta.get('packs_not_in_midx')!;
    expect(midx.containsPack(`${outside}.pack`)).toBe(false);
    expect(midx.packNames.every((n) => midx.containsPack(n.replace(/\.idx$/, '.pack')))).toBe(true);
    const layout = midx.layout();
    expect(layout.chunkTable).toEqual({ offset: 12, length: 60 });
    expect(layout.trailer).toEqual({ offset: 3964 - 20, length: 20 });
    expect(layout.packNames[0]).toEqual({ offset: midx.chunk('PNAM')!.offset, length: midx.packNames[0].length + 1 });
  });

  it('gives every object the offset its pack idx gives, and covers every object of its packs', () => {
    const showIndex = fixtureShowIndex(dir);
    checkEntriesAgainstPacks(midx, showIndex);
    const union = new Set<string>();
    for (const name of midx.packNames) for (const hex of showIndex(name).keys()) union.add(hex);
    expect(union.size).toBe(midx.count);
    for (const hex of union) {
      const pos = midx.find(fromHex(hex));
      expect(pos).toBeGreaterThanOrEqual(0);
      expect(midx.oidHexAt(pos)).toBe(hex);
      const hit = midx.locate(fromHex(hex))!;
      expect(showIndex(midx.packNames[hit.packId]).get(hex)).toBe(hit.offset);
      const p = midx.findPrefix(parsePrefix(hex.slice(0, 12)))!;
      expect(p).toEqual({ position: pos, layer: 0, layerPosition: pos, ambiguous: false });
    }
    expect(midx.find(new Uint8Array(20))).toBe(-1);
    expect(midx.find(new Uint8Array(19))).toBe(-1);
    expect(midx.findPrefix(parsePrefix('0000000000'))).toBeUndefined();
    expect(midx.findPrefix(parsePrefix(''))?.ambiguous).toBe(true);
  });

  it('verifies clean, as git 2.55 did', () => {
    expect(readFileSync(join(dir, 'expect/midx-verify.txt'), 'utf8')).toBe('');
    expect(verifyMidx(midx, { hasher: nodeHasher, openIdx: fixtureOpenIdx(packDir, SHA1) })).toEqual([]);
    expect(checksumMatches(midx.source, SHA1, portableHasher, 1000)).toBe(true);
  });
});

describe('modern fixture: incremental chain', () => {
  const dir = join(MODERN, 'midx-incremental');
  const packDir = join(dir, 'pack');
  const meta = readMeta(dir);
  const chainNames = meta.get('midx_chain')!.split(' ');
  const layerSource = (hex: string): ByteSource | undefined => {
    const path = join(packDir, layerFileName(hex));
    return existsSync(path) ? fileSource(path, layerFileName(hex)) : undefined;
  };
  const chainSource = (): ByteSource => fileSource(join(packDir, 'multi-pack-index.d/multi-pack-index-chain'), 'multi-pack-index.d/multi-pack-index-chain');
  const chain = MultiPackIndexChain.open(chainSource(), layerSource, { expectedAlgo: SHA1 });

  it('loads every layer, base first, as meta.txt describes them', () => {
    expect(chain.complete).toBe(true);
    expect(chain.error).toBeUndefined();
    expect(chain.layerNames).toEqual(chainNames);
    expect(chain.layers.length).toBe(Number(meta.get('midx_layers')));
    const allPacks: string[] = [];
    chain.layers.forEach((layer, k) => {
      const line = [...meta.entries()].find(([key]) => key.startsWith(`midx_layer ${k + 1} `))!;
      const fields = Object.fromEntries(
        line[1]
          .split(' ')
          .filter((w) => w.includes('='))
          .map((w) => w.split('=')),
      );
      expect(String(layer.version)).toBe(fields.version);
      expect(String(layer.algo.formatId)).toBe(fields.hash_version);
      expect(String(layer.baseCount)).toBe(fields.base_byte);
      expect(String(layer.packCount)).toBe(fields.packs);
      expect(String(layer.count)).toBe(fields.objects);
      expect(layer.chunks.map((c) => c.id).join(',')).toBe(fields.chunks);
      expect(toHex(layer.checksum())).toBe(chainNames[k]);
      expect(layer.packNames.join(' ')).toBe(meta.get(`midx_layer_packs ${k + 1}`));
      allPacks.push(...layer.packNames);
    });
    expect(chain.packNames).toEqual(allPacks);
    expect(chain.packCount).toBe(Number(meta.get('midx_packs')));
    expect(chain.count).toBe(16 + 27 + 16 + 11);
    expect(chain.layerBase(2)).toEqual({ objects: 43, packs: 3 });
    expect(chain.layerOf(43)).toEqual({ layer: 2, layerPosition: 0 });
    expect(chain.layerOf(42)).toEqual({ layer: 1, layerPosition: 26 });
    expect(chain.packLayerOf(3)).toEqual({ layer: 2, layerPackId: 0 });
  });

  it('numbers positions and pack ids across layers, and every entry matches its pack idx', () => {
    const showIndex = fixtureShowIndex(dir);
    checkEntriesAgainstPacks(chain, showIndex);
    // git's writer leaves objects of lower layers out of new ones: each id is in one layer.
    const seen = new Set<string>();
    for (const e of chain.entries()) {
      const hex = toHex(e.oid);
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
      expect(chain.find(e.oid)).toBe(e.position);
      expect(chain.locate(e.oid)).toEqual({ packId: e.packId, offset: e.offset, position: e.position, layer: e.layer, layerPosition: e.layerPosition });
      expect(chain.entryAt(e.position)).toEqual(e);
      expect(chain.packIdAt(e.layer, e.layerPosition)).toBe(e.packId);
      expect(chain.offsetAt(e.layer, e.layerPosition)).toBe(e.offset);
      expect(toHex(chain.oidAt(e.layer, e.layerPosition))).toBe(hex);
      expect(chain.findPrefix(parsePrefix(hex.slice(0, 9)))).toEqual({ position: e.position, layer: e.layer, layerPosition: e.layerPosition, ambiguous: false });
    }
    // The chain covers exactly the objects of its five packs (81 objects live in six packs).
    const union = new Set<string>();
    for (const name of chain.packNames) for (const hex of showIndex(name).keys()) union.add(hex);
    expect(union).toEqual(seen);
    const all = new Set(union);
    for (const hex of showIndex(`${meta.get('packs_not_in_midx')}.idx`).keys()) all.add(hex);
    expect(all.size).toBe(Number(meta.get('objects')));
    expect(chain.containsPack(`${meta.get('packs_not_in_midx')}.pack`)).toBe(false);
    expect(chain.containsPack(chain.packNames[4])).toBe(true);
  });

  it('verifies clean, as git 2.55 did', () => {
    expect(readFileSync(join(dir, 'expect/midx-verify.txt'), 'utf8')).toBe('');
    expect(verifyMidx(chain, { hasher: portableHasher, openIdx: fixtureOpenIdx(packDir, SHA1) })).toEqual([]);
  });

  it('keeps the readable prefix when a layer is missing', () => {
    const missing = chainNames[2];
    const c = MultiPackIndexChain.open(chainSource(), (hex) => (hex === missing ? undefined : layerSource(hex)));
    expect(c.layers.length).toBe(2);
    expect(c.complete).toBe(false);
    expect(c.error?.kind).toBe('NotFound');
    expect(c.error?.file).toBe('multi-pack-index.d/multi-pack-index-chain');
    expect(c.error?.offset).toBe(2 * 41);
    expect(c.error?.detail).toContain(layerFileName(missing));
    expect(c.unusedLayers).toEqual(chainNames.slice(2));
    expect(c.count).toBe(16 + 27);
    expect(c.packNames.length).toBe(3);
    checkEntriesAgainstPacks(c, fixtureShowIndex(dir));
    expect(verifyMidx(c, { hasher: nodeHasher, openIdx: fixtureOpenIdx(packDir, SHA1) })).toEqual([]);
  });

  it('stops at a layer whose trailer is not its name', () => {
    const c = MultiPackIndexChain.open(chainSource(), (hex) => (hex === chainNames[1] ? layerSource(chainNames[3]) : layerSource(hex)));
    expect(c.layers.length).toBe(1);
    expect(c.error?.kind).toBe('Mismatch');
    expect(c.error?.file).toBe(layerFileName(chainNames[3]));
    expect(c.error?.offset).toBe(1476 - 20);
    expect(c.unusedLayers).toEqual(chainNames.slice(1));
    const lax = MultiPackIndexChain.open(chainSource(), (hex) => (hex === chainNames[1] ? layerSource(chainNames[3]) : layerSource(hex)), { checkLayerNames: false });
    expect(lax.layers.length).toBe(4);
  });

  it('stops at a layer that does not parse, or has another hash', () => {
    const broken = readFileSync(join(packDir, layerFileName(chainNames[1])));
    broken[0] = 0x4e;
    const c = MultiPackIndexChain.open(chainSource(), (hex) => (hex === chainNames[1] ? memorySource(layerFileName(hex), broken) : layerSource(hex)));
    expect(c.layers.length).toBe(1);
    expect(c.error?.kind).toBe('BadSignature');
    expect(c.error?.file).toBe(layerFileName(chainNames[1]));
    expect(c.error?.offset).toBe(0);
    const sha = readFileSync(join(packDir, layerFileName(chainNames[0])));
    sha[5] = 2;
    const d = MultiPackIndexChain.open(chainSource(), (hex) => (hex === chainNames[0] ? memorySource(layerFileName(hex), sha) : layerSource(hex)));
    expect(d.layers.length).toBe(0);
    expect(d.error?.kind).toBe('Mismatch');
    expect(d.error?.offset).toBe(5);
    expect(d.count).toBe(0);
    expect(d.find(fromHex(chainNames[0]))).toBe(-1);
  });

  it('reads chain files the way git does', () => {
    const text = chainNames.join('\n') + '\n';
    const open = (t: string) => MultiPackIndexChain.open(memorySource('chain', new TextEncoder().encode(t)), layerSource);
    expect(open(text).layers.length).toBe(4);
    expect(open(text).algo).toBe(SHA1);
    expect(open(text.toUpperCase()).layers.length).toBe(4);
    // The last line without its newline is not read by git: 163 bytes hold 3 lines of 41.
    const noNewline = open(text.slice(0, -1));
    expect(noNewline.layers.length).toBe(3);
    expect(noNewline.error?.kind).toBe('Truncated');
    expect(noNewline.unusedLayers).toEqual([chainNames[3]]);
    const bad = open(`${chainNames[0]}\nnot-a-hash-${'x'.repeat(40)}\n${chainNames[2]}\n`);
    expect(bad.layers.length).toBe(1);
    expect(bad.error?.kind).toBe('BadName');
    expect(bad.error?.offset).toBe(41);
    expect(bad.error?.detail).toMatch(/^invalid multi-pack-index chain: line 'not-a-hash-x+' not a hash$/);
    const empty = open('');
    expect(empty.layers.length).toBe(0);
    expect(empty.error).toBeUndefined();
    expect(open('abc\n').error?.kind).toBe('Truncated');
    expect(open('abc\n').layers.length).toBe(0);
  });
});

// ---------------------------------------------------------------- midx v1 written by the local git

const GIT_ENV = isolatedGitEnv(gitTestIdentity('2005-04-07T22:13:13Z'));

function git(cwd: string, args: string[], input?: string | Buffer): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** git's stderr and exit code for `multi-pack-index verify`. */
function gitVerify(repo: string): { stderr: string; status: number | null } {
  const r = spawnSync('git', ['multi-pack-index', 'verify'], { cwd: repo, env: GIT_ENV, encoding: 'utf8' });
  return { stderr: r.stderr, status: r.status };
}

interface LocalRepo {
  dir: string;
  packDir: string;
  algo: HashAlgo;
}

function makeRepo(root: string, name: string, algo: HashAlgo, rounds: number): LocalRepo {
  const dir = join(root, name);
  execFileSync('git', ['init', '-q', `--object-format=${algo.name}`, dir], { env: GIT_ENV });
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    for (let c = 0; c < 3; c++) {
      n++;
      writeFileSync(join(dir, `file${n % 4}.txt`), `round ${r} commit ${c}\n${'line\n'.repeat(n)}`);
      git(dir, ['add', '-A']);
      git(dir, ['commit', '-q', '-m', `commit ${n}`]);
    }
    git(dir, ['repack', '-d', '-q']);
  }
  // A pack that repeats objects of the others, so the midx has to choose one copy.
  git(dir, ['pack-objects', '-q', '--revs', '.git/objects/pack/pack'], 'HEAD\n^HEAD~4\n');
  git(dir, ['multi-pack-index', 'write']);
  return { dir, packDir: join(dir, '.git/objects/pack'), algo };
}

function repoShowIndex(repo: LocalRepo): (packName: string) => Map<string, number> {
  const cache = new Map<string, Map<string, number>>();
  return (packName) => {
    let m = cache.get(packName);
    if (!m) {
      m = parseShowIndex(git(repo.dir, ['show-index'], readFileSync(join(repo.packDir, packName))));
      cache.set(packName, m);
    }
    return m;
  };
}

function openRepoMidx(repo: LocalRepo, bytes?: Uint8Array): MultiPackIndex {
  const data = bytes ?? new Uint8Array(readFileSync(join(repo.packDir, 'multi-pack-index')));
  return MultiPackIndex.open(memorySource('multi-pack-index', data), { expectedAlgo: repo.algo });
}

function repoVerify(repo: LocalRepo, midx: MidxLike): Finding[] {
  return verifyMidx(midx, {
    hasher: nodeHasher,
    openIdx: (name) => PackIndex.open(fileSource(join(repo.packDir, name), name), repo.algo),
    packExists: (name) => existsSync(join(repo.packDir, name.replace(/\.idx$/, '.pack'))),
    windowSize: 256,
  });
}

describe('midx v1 written by the local git', () => {
  let root = '';
  const repos: LocalRepo[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'packscope-midx-'));
    repos.push(makeRepo(root, 'sha1', SHA1, 4));
    repos.push(makeRepo(root, 'sha256', SHA256, 3));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  for (const [i, algo] of [SHA1, SHA256].entries()) {
    it(`${algo.name}: every object, against git show-index`, () => {
      const repo = repos[i];
      const midx = openRepoMidx(repo);
      expect(midx.version).toBe(1);
      expect(midx.algo).toBe(algo);
      const idxFiles = readdirSync(repo.packDir)
        .filter((f) => f.endsWith('.idx'))
        .sort();
      expect(midx.packNames).toEqual(idxFiles);
      expect(midx.packCount).toBeGreaterThanOrEqual(4);
      const showIndex = repoShowIndex(repo);
      checkEntriesAgainstPacks(midx, showIndex);
      const union = new Set<string>();
      let copies = 0;
      for (const name of idxFiles) {
        for (const hex of showIndex(name).keys()) {
          union.add(hex);
          copies++;
        }
      }
      expect(copies).toBeGreaterThan(union.size); // the overlapping pack repeats objects
      expect(midx.count).toBe(union.size);
      for (const hex of union) expect(midx.find(fromHex(hex))).toBeGreaterThanOrEqual(0);
      expect(gitVerify(repo.dir)).toEqual({ stderr: '', status: 0 });
      expect(repoVerify(repo, midx)).toEqual([]);
      // Opening with the other hash is refused, naming the header byte.
      expectError(
        () => MultiPackIndex.open(memorySource('multi-pack-index', readFileSync(join(repo.packDir, 'multi-pack-index'))), { expectedAlgo: algo === SHA1 ? SHA256 : SHA1 }),
        'Mismatch',
        'multi-pack-index',
        5,
        /^multi-pack-index hash version \d does not match version \d$/,
      );
    });
  }

  /** Damages the repo's midx (or packs) in a copy, runs git verify and ours, compares the lines. */
  function compareWithGit(name: string, damage: (repo: LocalRepo, midx: Uint8Array, m: MultiPackIndex) => Uint8Array | void): { ours: Finding[]; gitLines: string[] } {
    const base = repos[0];
    const dir = join(root, name);
    execFileSync('cp', ['-r', base.dir, dir]);
    const repo: LocalRepo = { dir, packDir: join(dir, '.git/objects/pack'), algo: base.algo };
    const path = join(repo.packDir, 'multi-pack-index');
    const bytes = new Uint8Array(readFileSync(path));
    const changed = damage(repo, bytes, openRepoMidx(repo, bytes)) ?? bytes;
    chmodSync(path, 0o644);
    writeFileSync(path, changed);
    const { stderr } = gitVerify(dir);
    const gitLines = stderr.split('\n').filter((l) => l !== '');
    const ours = repoVerify(repo, openRepoMidx(repo, changed));
    return { ours, gitLines };
  }

  it("verify: a changed offset gives git's lines, in git's order", () => {
    const { ours, gitLines } = compareWithGit('offsets', (_repo, bytes, m) => {
      const ooff = m.chunk('OOFF')!;
      for (let i = 0; i < m.count; i += 3) bytes[ooff.offset + i * 8 + 7] ^= 1;
    });
    expect(gitLines[0]).toBe('incorrect checksum');
    expect(gitLines.length).toBeGreaterThan(5);
    expect(ours.map((f) => f.message)).toEqual(gitLines);
    expect(ours.every((f) => f.severity === 'error' && !f.fatal && f.check === 'midx' && f.file === 'multi-pack-index')).toBe(true);
    expect(ours[1].message).toMatch(/^incorrect object offset for oid\[\d+\] = [0-9a-f]{40}: [0-9a-f]+ != [0-9a-f]+$/);
  });

  it("verify: ids out of order give git's lines", () => {
    const { ours, gitLines } = compareWithGit('order', (_repo, bytes, m) => {
      bytes[m.oidOffset(5)] = 0; // oid[5] now sorts before oid[4]
    });
    expect(gitLines.some((l) => l.startsWith('oid lookup out of order: oid[4] = '))).toBe(true);
    expect(ours.map((f) => f.message)).toEqual(gitLines);
  });

  it("verify: a checksum-only change and a missing .pack give git's lines", () => {
    const a = compareWithGit('checksum', (_repo, bytes) => {
      bytes[bytes.length - 1] ^= 0xff;
    });
    expect(a.gitLines).toEqual(['incorrect checksum']);
    expect(a.ours.map((f) => f.message)).toEqual(a.gitLines);
    const b = compareWithGit('nopack', (repo, _bytes, m) => {
      unlinkSync(join(repo.packDir, m.packNames[1].replace(/\.idx$/, '.pack')));
    });
    expect(b.gitLines[0]).toBe('failed to load pack in position 1');
    expect(b.ours.map((f) => f.message)).toEqual(b.gitLines);
  });

  it('verify: a pack-int-id out of range is fatal, as in git', () => {
    const { ours, gitLines } = compareWithGit('packid', (_repo, bytes, m) => {
      putU32(bytes, m.chunk('OOFF')!.offset + 3 * 8, m.packCount + 3);
    });
    expect(gitLines.length).toBe(2);
    expect(gitLines[0]).toBe('incorrect checksum');
    expect(gitLines[1]).toMatch(/^fatal: bad pack-int-id: \d+ \(\d+ total packs\)$/);
    expect(ours.map((f) => (f.fatal ? `fatal: ${f.message}` : f.message))).toEqual(gitLines);
  });
});

// ---------------------------------------------------------------- hostile input

describe('hostile midx files', () => {
  const good = buildMidx(sampleSpec());
  const open = (bytes: Uint8Array, options = {}) => MultiPackIndex.open(memorySource('multi-pack-index', bytes), options);

  it('the writer used here makes files the reader and verifier accept', () => {
    const spec = sampleSpec();
    const m = open(good);
    expect(m.count).toBe(40);
    expect(m.packNames).toEqual(spec.packNames);
    spec.objects.forEach((o, i) => {
      expect(m.find(o.oid)).toBe(i);
      expect(m.packIdAt(i)).toBe(o.packId);
      expect(m.offsetAt(i)).toBe(o.offset);
    });
    const sha256 = buildMidx(sampleSpec(10, 2, SHA256));
    expect(open(sha256).algo).toBe(SHA256);
    expect(verifyMidxSource(memorySource('multi-pack-index', sha256), { hasher: portableHasher, openIdx: () => fail() })[0].message).toBe(
      'failed to load pack entry for oid[1] = ' + toHex(open(sha256).oidAt(1)),
    );
  });

  it('truncated anywhere: Truncated, naming the file and an offset', () => {
    const cuts = [0, 3, 4, 11, 12, 20, 31, 40, 70, 100, 200, 1000, 1500, good.length - 21, good.length - 1];
    for (const cut of cuts) {
      const err = catchError(() => open(good.subarray(0, cut)));
      expect(err.kind, `cut at ${cut}: ${err.message}`).toBe('Truncated');
      expect(err.file).toBe('multi-pack-index');
      expect(err.offset).toBeTypeOf('number');
    }
  });

  it('wrong signature, version 3, unknown or unexpected hash version', () => {
    const b = good.slice();
    b[0] = 0x6d;
    expectError(() => open(b), 'BadSignature', 'multi-pack-index', 0, 'multi-pack-index signature 0x6d494458 does not match signature 0x4d494458');
    const v = good.slice();
    v[4] = 3;
    expectError(() => open(v), 'UnsupportedVersion', 'multi-pack-index', 4, 'multi-pack-index version 3 not recognized');
    const h = good.slice();
    h[5] = 3;
    expectError(() => open(h), 'UnsupportedVersion', 'multi-pack-index', 5);
    expectError(() => open(h, { expectedAlgo: SHA1 }), 'Mismatch', 'multi-pack-index', 5, 'multi-pack-index hash version 3 does not match version 1');
    const s = good.slice();
    s[5] = 2;
    expectError(() => open(s, { expectedAlgo: SHA1 }), 'Mismatch', 'multi-pack-index', 5);
    // Read as SHA-256, the 32-byte trailer starts inside the last chunk.
    expectError(() => open(s), 'Truncated', 'multi-pack-index', 'any', /extends beyond the checksum/);
  });

  it('a huge chunk count: the table runs past the checksum', () => {
    const b = good.slice();
    b[6] = 255;
    expectError(() => open(b), 'Truncated', 'multi-pack-index', 12, /^chunk table of 255 chunks/);
  });

  it('chunk offsets non-monotonic, past the end, unaligned; ids duplicated or terminating early', () => {
    const oidl = chunkAt(good, 'OIDL');
    const ooff = chunkAt(good, 'OOFF');
    const back = good.slice();
    putU64(back, ooff.entry + 4, oidl.offset - 4);
    expectError(() => open(back), 'BadChunk', 'multi-pack-index', oidl.entry + 16, /^improper chunk offset\(s\) [0-9a-f]+ and [0-9a-f]+: chunks are non-monotonic$/);
    const past = good.slice();
    putU64(past, ooff.entry + 12 + 4, good.length + 100);
    expectError(() => open(past), 'Truncated', 'multi-pack-index', ooff.entry + 16, /^improper chunk offset\(s\)/);
    const huge = good.slice();
    putU32(huge, ooff.entry + 4, 0xffffffff);
    putU32(huge, ooff.entry + 8, 0xffffffff);
    expectError(() => open(huge), 'Truncated', 'multi-pack-index', ooff.entry + 4, /^improper chunk offset\(s\) [0-9a-f]+ and ffffffffffffffff: chunk OIDL extends beyond/);
    const unaligned = good.slice();
    putU64(unaligned, ooff.entry + 4, ooff.offset + 2);
    expectError(() => open(unaligned), 'BadChunk', 'multi-pack-index', ooff.entry, /^chunk id 4f4f4646 not 4-byte aligned/);
    const dup = good.slice();
    dup.set(new TextEncoder().encode('OIDL'), ooff.entry);
    expectError(() => open(dup), 'BadChunk', 'multi-pack-index', ooff.entry, 'duplicate chunk ID 4f49444c found');
    const early = good.slice();
    putU32(early, oidl.entry, 0);
    expectError(() => open(early), 'BadChunk', 'multi-pack-index', oidl.entry, 'terminating chunk id appears earlier than expected');
    const final = good.slice();
    putU32(final, 12 + 4 * 12, idValue('ZZZZ'));
    expectError(() => open(final), 'BadChunk', 'multi-pack-index', 12 + 4 * 12, 'final chunk has non-zero id 5a5a5a5a');
  });

  it("required chunks missing: git's words", () => {
    const spec = sampleSpec();
    const cases: [string, string][] = [
      ['PNAM', 'multi-pack-index required pack-name chunk missing or corrupted'],
      ['OIDF', 'multi-pack-index required OID fanout chunk missing or corrupted'],
      ['OIDL', 'multi-pack-index required OID lookup chunk missing or corrupted'],
      ['OOFF', 'multi-pack-index required object offsets chunk missing or corrupted'],
    ];
    for (const [id, text] of cases) {
      expectError(() => open(buildMidx({ ...spec, omit: [id] })), 'BadChunk', 'multi-pack-index', 12, text);
    }
  });

  it('chunks of the wrong size', () => {
    const spec = sampleSpec();
    const bigger = buildMidx({ ...spec, omit: ['OIDL'], extraChunks: [{ id: 'OIDL', data: new Uint8Array(40 * 20 + 4) }] });
    expectError(() => open(bigger), 'BadChunk', 'multi-pack-index', 'any', /^multi-pack-index OID lookup chunk is the wrong size/);
    const ooff = buildMidx({ ...spec, omit: ['OOFF'], extraChunks: [{ id: 'OOFF', data: new Uint8Array(8) }] });
    expectError(() => open(ooff), 'BadChunk', 'multi-pack-index', 'any', /^multi-pack-index object offset chunk is the wrong size/);
    const oidf = buildMidx({ ...spec, omit: ['OIDF'], extraChunks: [{ id: 'OIDF', data: new Uint8Array(1020) }] });
    expectError(() => open(oidf), 'BadChunk', 'multi-pack-index', 'any', /^multi-pack-index OID fanout is of the wrong size/);
  });

  it('pack names: sorted in v1, any order in v2; too short; too many', () => {
    const spec = sampleSpec();
    const unsorted = { ...spec, packNames: [spec.packNames[1], spec.packNames[0], spec.packNames[2]] };
    const v1 = buildMidx(unsorted);
    const pnam = chunkAt(buildMidx(spec), 'PNAM').offset;
    expectError(() => open(v1), 'BadChunk', 'multi-pack-index', pnam + spec.packNames[1].length + 1, `multi-pack-index pack names out of order: '${spec.packNames[1]}' before '${spec.packNames[0]}'`);
    const v2 = open(buildMidx({ ...unsorted, version: 2 }));
    expect(v2.version).toBe(2);
    expect(v2.packNames).toEqual(unsorted.packNames);
    expect(v2.containsPack(spec.packNames[0])).toBe(true);
    const same = buildMidx({ ...spec, packNames: [spec.packNames[0], spec.packNames[0], spec.packNames[2]] });
    expectError(() => open(same), 'BadChunk', 'multi-pack-index', 'any', /pack names out of order/);
    // Three names declared, the chunk has no NUL at all.
    const noNul = buildMidx({ ...spec, omit: ['PNAM'], extraChunks: [{ id: 'PNAM', data: new TextEncoder().encode('pack-aaaaaaaaaaaa') }] });
    expectError(() => open(noNul), 'BadChunk', 'multi-pack-index', 'any', /^multi-pack-index pack-name chunk is too short/);
    // 2^32 - 1 packs declared: fails at once, without reading or allocating for them.
    const many = good.slice();
    putU32(many, 8, 0xffffffff);
    const t = performance.now();
    expectError(() => open(many), 'BadChunk', 'multi-pack-index', pnam, /^multi-pack-index pack-name chunk is too short/);
    expect(performance.now() - t).toBeLessThan(100);
    // A name longer than any real one.
    const long = buildMidx({ ...spec, packNames: ['x'.repeat(70000), 'y', 'z'] });
    expectError(() => open(long), 'BadChunk', 'multi-pack-index', pnam, /longer than 4096 bytes/);
  });

  it('fanout not monotonic', () => {
    const oidf = chunkAt(good, 'OIDF').offset;
    const b = good.slice();
    putU32(b, oidf + 100 * 4, 0xffff);
    expectError(() => open(b), 'BadFanout', 'multi-pack-index', oidf + 101 * 4, /^oid fanout out of order: fanout\[100\] = ffff > [0-9a-f]+ = fanout\[101\]$/);
  });

  it('pack-int-id out of range: OutOfRange at the OOFF entry when read; verify is fatal', () => {
    const ooff = chunkAt(good, 'OOFF').offset;
    const b = good.slice();
    putU32(b, ooff + 7 * 8, 9);
    const m = open(b);
    expect(m.packIdAt(6)).toBe(0);
    expectError(() => m.packIdAt(7), 'OutOfRange', 'multi-pack-index', ooff + 7 * 8, 'bad pack-int-id: 9 (3 total packs) for object 7');
    expectError(() => m.locate(m.oidAt(7).slice()), 'OutOfRange', 'multi-pack-index', ooff + 7 * 8);
    expectError(() => [...m.entries()], 'OutOfRange', 'multi-pack-index', ooff + 7 * 8);
    expect(m.storedPackIdAt(7)).toBe(9);
    const findings = verifyMidx(m, { hasher: nodeHasher, openIdx: () => fail() });
    expect(findings.map((f) => `${f.fatal ? 'fatal' : f.severity}: ${f.message}`)).toEqual(['error: incorrect checksum', 'fatal: bad pack-int-id: 9 (3 total packs)']);
    expect(findings[1].offset).toBe(ooff + 7 * 8);
  });

  it('64-bit offsets through LOFF; an index past LOFF is OutOfRange; no LOFF means the 32 bits as they are', () => {
    const spec = sampleSpec(20, 2);
    spec.objects[3].offset = 0x123456789;
    spec.objects[9].offset = 0x80000010;
    const bytes = buildMidx(spec);
    const m = open(bytes);
    expect(m.chunks.map((c) => c.id)).toEqual(['PNAM', 'OIDF', 'OIDL', 'OOFF', 'LOFF']);
    expect(m.largeOffsetCount).toBe(2);
    expect(m.offsetAt(3)).toBe(0x123456789);
    expect(m.offsetAt(9)).toBe(0x80000010);
    expect(m.usesLargeOffset(3)).toBe(true);
    expect(m.usesLargeOffset(4)).toBe(false);
    const ooff = m.chunk('OOFF')!.offset;
    const b = bytes.slice();
    putU32(b, ooff + 5 * 8 + 4, 0x80000002);
    expectError(() => open(b).offsetAt(5), 'OutOfRange', 'multi-pack-index', ooff + 5 * 8 + 4, /^multi-pack-index large offset out of bounds/);
    const findings = verifyMidx(open(rehash(b)), { hasher: nodeHasher, openIdx: () => fail() });
    expect(findings.at(-1)).toMatchObject({ fatal: true, kind: 'OutOfRange', message: 'multi-pack-index large offset out of bounds', offset: ooff + 5 * 8 + 4 });
    const noLoff = buildMidx({ ...sampleSpec(20, 2), loff: false });
    const n = noLoff.slice();
    const nOoff = chunkAt(noLoff, 'OOFF').offset;
    putU32(n, nOoff + 4, 0x80000010);
    expect(open(n).offsetAt(0)).toBe(0x80000010);
  });

  it('other chunks are kept and shown; RIDX and BTMP are decoded', () => {
    const spec = sampleSpec(8, 2);
    const ridx = new Uint8Array(8 * 4);
    for (let i = 0; i < 8; i++) putU32(ridx, i * 4, 7 - i);
    const btmp = new Uint8Array(2 * 8);
    putU32(btmp, 0, 0);
    putU32(btmp, 4, 5);
    putU32(btmp, 8, 5);
    putU32(btmp, 12, 3);
    const m = open(
      buildMidx({
        ...spec,
        extraChunks: [
          { id: 'RIDX', data: ridx },
          { id: 'BTMP', data: btmp },
          { id: 'XTRA', data: new Uint8Array(12) },
          { id: '\x01\x02\x03\x04', data: new Uint8Array(4) },
        ],
      }),
    );
    expect(m.chunks.map((c) => c.id)).toEqual(['PNAM', 'OIDF', 'OIDL', 'OOFF', 'RIDX', 'BTMP', 'XTRA', '0x01020304']);
    const xtra = m.chunk('XTRA')!;
    expect(xtra.length).toBe(12);
    expect(xtra.offset % 4).toBe(0);
    expect(m.chunk(0x01020304)?.length).toBe(4);
    expect(m.ridxAt(0)).toBe(7);
    expect(m.ridxAt(7)).toBe(0);
    expect(m.bitmappedPack(1)).toEqual({ bitmapPosition: 5, bitmapCount: 3 });
    expectError(() => m.bitmappedPack(2), 'OutOfRange', 'multi-pack-index', 'none');
    const short = open(buildMidx({ ...spec, extraChunks: [{ id: 'RIDX', data: new Uint8Array(4) }] }));
    expectError(() => short.ridxAt(0), 'BadChunk', 'multi-pack-index', short.chunk('RIDX')!.tableOffset, /reverse-index chunk is the wrong size/);
    expectError(() => open(good).ridxAt(0), 'NotFound', 'multi-pack-index', 'none');
  });

  it('positions outside the table are refused', () => {
    const m = open(good);
    for (const bad of [-1, 40, 1.5, Number.NaN]) {
      expect(catchError(() => m.oidAt(bad)).kind).toBe('OutOfRange');
      expect(catchError(() => m.offsetAt(bad)).kind).toBe('OutOfRange');
    }
  });

  it('an empty midx opens; verify says it has no oid', () => {
    const empty = buildMidx({ packNames: ['pack-a.idx'], objects: [] });
    const m = open(empty);
    expect(m.count).toBe(0);
    expect(m.findPrefix(parsePrefix('a'))).toBeUndefined();
    expect([...m.entries()]).toEqual([]);
    expect(verifyMidx(m, { hasher: nodeHasher, openIdx: () => fail() }).map((f) => f.message)).toEqual(['the midx contains no oid']);
  });

  it('a midx that does not open is one fatal finding', () => {
    const b = good.slice();
    b[4] = 3;
    const findings = verifyMidxSource(memorySource('multi-pack-index', b), { hasher: nodeHasher, openIdx: () => fail() });
    expect(findings).toEqual([
      {
        severity: 'error',
        fatal: true,
        check: 'midx',
        kind: 'UnsupportedVersion',
        file: 'multi-pack-index',
        offset: 4,
        message: 'multi-pack-index version 3 not recognized',
        reason: 'UnsupportedVersion at multi-pack-index:0x4: multi-pack-index version 3 not recognized',
      },
    ]);
  });
});

describe('verify findings on a built midx', () => {
  // The packs' idx files are stand-ins answering find/offsetAt from the spec.
  const spec = sampleSpec(30, 2);
  const stubIdx = (packId: number): PackIndex => {
    const mine = spec.objects.filter((o) => o.packId === packId);
    return {
      name: `pack-${packId}.idx`,
      find: (oid: Uint8Array) => mine.findIndex((o) => Buffer.compare(o.oid, oid) === 0),
      offsetAt: (i: number) => mine[i].offset,
    } as unknown as PackIndex;
  };
  const options = { hasher: nodeHasher, openIdx: (name: string) => stubIdx(spec.packNames.indexOf(name)) };
  const open = (bytes: Uint8Array) => MultiPackIndex.open(memorySource('multi-pack-index', bytes));

  it('clean', () => {
    expect(verifyMidx(open(buildMidx(spec)), options)).toEqual([]);
  });

  it('two ids swapped in OIDL', () => {
    const bytes = buildMidx(spec);
    const m = open(bytes);
    const a = m.oidAt(10).slice();
    const b = m.oidAt(11).slice();
    const swapped = bytes.slice();
    swapped.set(b, m.oidOffset(10));
    swapped.set(a, m.oidOffset(11));
    const findings = verifyMidx(open(rehash(swapped)), options);
    expect(findings[0]).toEqual({
      severity: 'error',
      check: 'midx',
      kind: 'BadFanout',
      file: 'multi-pack-index',
      offset: m.oidOffset(11),
      oid: toHex(b),
      message: `oid lookup out of order: oid[10] = ${toHex(b)} >= ${toHex(a)} = oid[11]`,
    });
    // The swapped entries keep their old pack and offset; looked up again by id (as git does)
    // they are either not found (the fanout bucket no longer holds them) or found with the
    // other entry's offset.
    expect(findings.length).toBe(3);
    for (const f of findings.slice(1)) expect(f.message).toMatch(/^(incorrect object offset|failed to load pack entry) for oid\[1[01]\] = /);
  });

  it('one offset changed in OOFF, and the checksum then fails', () => {
    const bytes = buildMidx(spec);
    const m = open(bytes);
    const changed = bytes.slice();
    putU32(changed, m.objectOffsetEntryAt(4) + 4, 0xabc);
    const findings = verifyMidx(open(changed), options);
    expect(findings).toEqual([
      { severity: 'error', check: 'midx', kind: 'BadChecksum', file: 'multi-pack-index', offset: changed.length - 20, message: 'incorrect checksum' },
      {
        severity: 'error',
        check: 'midx',
        kind: 'Mismatch',
        file: 'multi-pack-index',
        offset: m.objectOffsetEntryAt(4) + 4,
        oid: m.oidHexAt(4),
        message: `incorrect object offset for oid[4] = ${m.oidHexAt(4)}: abc != ${spec.objects[4].offset.toString(16)}`,
      },
    ]);
  });

  it('a pack idx that does not load', () => {
    const findings = verifyMidx(open(buildMidx(spec)), {
      hasher: nodeHasher,
      openIdx: (name: string) => {
        if (name === spec.packNames[1]) throw new PackscopeError('BadFanout', 'fanout is not monotonic', { file: name, offset: 8 });
        return stubIdx(0);
      },
    });
    expect(findings.length).toBe(15);
    expect(findings[0]).toMatchObject({ severity: 'error', file: spec.packNames[1], message: `failed to load pack entry for oid[1] = ${toHex(spec.objects[1].oid)}` });
    expect(findings[0].reason).toContain('fanout is not monotonic');
  });
});

describe('chains built by hand', () => {
  const spec0 = sampleSpec(12, 2);
  const shared = spec0.objects[5].oid;
  // Layer 1 repeats one id of layer 0 (git's writer never does) and adds its own.
  const extra = Array.from({ length: 6 }, (_, i) => oidOf(1000 + i));
  const objects1 = [...extra.map((oid, i) => ({ oid, packId: i % 1, offset: 500 + i })), { oid: shared, packId: 0, offset: 4242 }].sort((a, b) => Buffer.compare(a.oid, b.oid));
  const layer0 = buildMidx(spec0);
  const layer1 = buildMidx({ packNames: ['pack-ffff.idx'], objects: objects1 });
  const name = (bytes: Uint8Array) => toHex(bytes.subarray(bytes.length - 20));
  const files = new Map([
    [name(layer0), layer0],
    [name(layer1), layer1],
  ]);
  const chainText = `${name(layer0)}\n${name(layer1)}\n`;
  const chain = MultiPackIndexChain.open(memorySource('chain', new TextEncoder().encode(chainText)), (hex) => {
    const b = files.get(hex);
    return b ? memorySource(layerFileName(hex), b) : undefined;
  });

  it("a duplicate id: the newest layer's copy, as git's bsearch_midx", () => {
    expect(chain.layers.length).toBe(2);
    expect(chain.count).toBe(19);
    expect(chain.packNames).toEqual([...spec0.packNames, 'pack-ffff.idx']);
    const hit = chain.locate(shared)!;
    expect(hit.layer).toBe(1);
    expect(hit.packId).toBe(2);
    expect(hit.offset).toBe(4242);
    expect(chain.find(shared)).toBe(12 + hit.layerPosition);
    // The same id in two layers is not ambiguous; two ids are.
    expect(chain.findPrefix(parsePrefix(toHex(shared)))).toMatchObject({ layer: 1, ambiguous: false });
    expect(chain.findPrefix(parsePrefix(''))?.ambiguous).toBe(true);
    const first = [...chain.entries()].map((e) => toHex(e.oid)).sort()[0];
    expect(toHex(chain.entryAt(chain.findPrefix(parsePrefix(''))!.position).oid)).toBe(first);
  });

  it('pack ids of a layer are offset by the packs below it', () => {
    const entries = [...chain.entries()];
    expect(entries.slice(12).every((e) => e.packId === 2 && e.layer === 1)).toBe(true);
    expect(entries.slice(0, 12).every((e) => e.packId < 2 && e.layer === 0)).toBe(true);
    expect(entries.map((e) => e.position)).toEqual([...Array(19).keys()]);
  });

  it('verify covers every layer and uses global positions', () => {
    const bad1 = layer1.slice();
    bad1[bad1.length - 1] ^= 1; // the checksum (and so the name) no longer matches
    const c = MultiPackIndexChain.open(memorySource('chain', new TextEncoder().encode(chainText)), (hex) => memorySource(layerFileName(hex), hex === name(layer1) ? bad1 : files.get(hex)!), {
      checkLayerNames: false,
    });
    expect(c.layers.length).toBe(2);
    const findings = verifyMidx(c, {
      hasher: nodeHasher,
      openIdx: (n) =>
        ({
          name: n,
          find: () => 0,
          offsetAt: () => 0,
        }) as unknown as PackIndex,
    });
    expect(findings[0]).toEqual({ severity: 'error', check: 'midx', kind: 'BadChecksum', file: layerFileName(name(layer1)), offset: layer1.length - 20, message: 'incorrect checksum' });
    // Every entry's offset differs from the stub's 0; positions run over both layers.
    const positions = findings.slice(1).map((f) => Number(/oid\[(\d+)\]/.exec(f.message)![1]));
    expect(new Set(positions).size).toBe(19); // each entry once, by its own global position
    expect(Math.max(...positions)).toBe(18);
  });
});

function fail(): never {
  throw new Error('not expected to be called');
}
