import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { putU32, putU64 } from '../src/core/bytes/be.ts';
import { memorySource, type ByteSource } from '../src/core/bytes/source.ts';
import { PackscopeError, type ErrorKind } from '../src/core/errors.ts';
import { SHA1, SHA256, type HashAlgo } from '../src/core/hash/algo.ts';
import type { HasherFactory } from '../src/core/hash/hasher.ts';
import { toHex } from '../src/core/hash/hex.ts';
import { fflateInflater } from '../src/core/inflate/inflater.ts';
import { PackIndex, guessIdxAlgo } from '../src/core/format/idx.ts';
import { ReverseIndex } from '../src/core/format/rev.ts';
import { PackMtimes } from '../src/core/format/mtimes.ts';
import { BITMAP_OPT_FULL_DAG, BITMAP_OPT_HASH_CACHE, BITMAP_OPT_LOOKUP_TABLE, PackBitmap, type BitmapEntry } from '../src/core/format/bitmap.ts';
import { DeltaBaseCache } from '../src/core/odb/delta-base-cache.ts';
import { PackFile } from '../src/core/odb/pack-file.ts';
import { checksumMatches } from '../src/core/verify/midx-verify.ts';
import { modernFixtures, type Fixture } from './support/cli.ts';
import { gitTestIdentity, isolatedGitEnv } from './support/git-env.ts';

// ---------------------------------------------------------------- helpers

function fileSource(path: string, name: string): ByteSource {
  return memorySource(name, new Uint8Array(readFileSync(path)));
}

const nodeHasher: HasherFactory = (algo) => {
  const h = createHash(algo.name);
  return {
    update: (bytes) => void h.update(bytes),
    digest: () => new Uint8Array(h.digest()),
  };
};

function catchError(fn: () => unknown): PackscopeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PackscopeError) return err;
    throw err;
  }
  throw new Error('expected a PackscopeError, nothing was thrown');
}

/** `offset`: the exact byte offset, 'any' (some offset), or 'none' (no place in the file). */
function expectError(fn: () => unknown, kind: ErrorKind, file: string, offset: number | 'any' | 'none', text?: RegExp): PackscopeError {
  const err = catchError(fn);
  expect(err.kind, err.message).toBe(kind);
  expect(err.file).toBe(file);
  if (offset === 'any') expect(err.offset, err.message).toBeTypeOf('number');
  else if (offset === 'none') expect(err.offset, err.message).toBeUndefined();
  else expect(err.offset, err.message).toBe(offset);
  if (text !== undefined) expect(err.detail).toMatch(text);
  return err;
}

/** The pack's idx and the .pack itself, read the engine's way. */
function openPack(base: string, algo: HashAlgo): { idx: PackIndex; pack: PackFile } {
  const name = base.replace(/^.*\//, '');
  const idx = PackIndex.open(fileSource(`${base}.idx`, `${name}.idx`), algo);
  const pack = new PackFile(idx, fileSource(`${base}.pack`, `${name}.pack`), {
    algo,
    inflater: fflateInflater,
    baseCache: new DeltaBaseCache(),
    maxDeltaDepth: 10_000,
    maxObjectBytes: 1 << 30,
  });
  return { idx, pack };
}

/** Pack order computed independently of PackFile: idx positions sorted by offset. */
function orderFromOffsets(idx: PackIndex): Uint32Array {
  const positions = Array.from({ length: idx.count }, (_, i) => i);
  const offsets = positions.map((i) => idx.offsetAt(i));
  positions.sort((a, b) => offsets[a] - offsets[b]);
  return Uint32Array.from(positions);
}

/** `<oid> <type> …` lines (batch-check, verify-pack -v) to a map oid -> type. */
function typesOf(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40}|[0-9a-f]{64}) (commit|tree|blob|tag) /.exec(line);
    if (m) map.set(m[1], m[2]);
  }
  return map;
}

function countTypes(types: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = { commit: 0, tree: 0, blob: 0, tag: 0 };
  for (const t of types) out[t]++;
  return out;
}

/** Resolves every entry's XOR chain: entry index -> set pack positions. */
function resolveEntries(bitmap: PackBitmap): { entry: BitmapEntry; bits: Set<number> }[] {
  const out: { entry: BitmapEntry; bits: Set<number> }[] = [];
  for (const entry of bitmap.entries()) {
    const bits = new Set(bitmap.setPositions(entry.bitmap));
    if (entry.xorOffset > 0) {
      for (const b of out[entry.index - entry.xorOffset].bits) {
        if (bits.has(b)) bits.delete(b);
        else bits.add(b);
      }
    }
    out.push({ entry, bits });
  }
  return out;
}

/**
 * Checks a bitmap against its pack: type popcounts equal the pack's type counts, each set bit
 * of a type bitmap is an object of that type (pack position -> .rev -> idx -> oid), every
 * entry names a commit whose resolved bitmap holds the commit itself, and the entries fill
 * their region exactly.
 */
function checkBitmapAgainstPack(bitmap: PackBitmap, idx: PackIndex, order: Uint32Array, types: Map<string, string>): void {
  const packTypes = countTypes(Array.from({ length: idx.count }, (_, i) => types.get(idx.oidHexAt(i)) ?? 'missing'));
  for (const t of bitmap.typeBitmaps) {
    expect(t.setBits, `${bitmap.name} ${t.type}`).toBe(packTypes[t.type]);
    for (const packPos of bitmap.setPositions(t)) expect(types.get(idx.oidHexAt(order[packPos]))).toBe(t.type);
  }
  expect(bitmap.typeBitmaps.reduce((n, t) => n + t.setBits, 0)).toBe(idx.count);
  const packPosOf = new Map<number, number>();
  order.forEach((idxPos, packPos) => packPosOf.set(idxPos, packPos));
  const resolved = resolveEntries(bitmap);
  expect(resolved.length).toBe(bitmap.entryCount);
  const last = resolved[resolved.length - 1].entry;
  expect(last.offset + last.byteSize).toBe(bitmap.entriesEnd);
  for (const { entry, bits } of resolved) {
    expect(types.get(idx.oidHexAt(entry.objectPosition))).toBe('commit');
    expect(bits.has(packPosOf.get(entry.objectPosition) as number)).toBe(true);
    for (const b of bits) expect(b).toBeLessThan(idx.count);
  }
}

// ---------------------------------------------------------------- synthetic files

function header(signature: string, version: number, hashId: number): number[] {
  const out = new Uint8Array(12);
  for (let i = 0; i < 4; i++) out[i] = signature.charCodeAt(i);
  putU32(out, 4, version);
  putU32(out, 8, hashId);
  return [...out];
}

function u32s(values: number[]): number[] {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => putU32(out, i * 4, v));
  return [...out];
}

/** A `.rev`/`.mtimes` shaped file: header, the u32 table, pack checksum, own checksum. */
function tableFile(signature: string, values: number[], algo: HashAlgo = SHA1, over: { version?: number; hashId?: number } = {}): Uint8Array {
  const H = algo.size;
  return Uint8Array.from([...header(signature, over.version ?? 1, over.hashId ?? algo.formatId), ...u32s(values), ...new Array<number>(2 * H).fill(0xab)]);
}

/** An EWAH from raw 64-bit words given as [high, low] pairs. */
function ewah(bitCount: number, words: [number, number][], rlw = 0, declaredWords = words.length): number[] {
  return [...u32s([bitCount, declaredWords]), ...u32s(words.flat()), ...u32s([rlw])];
}

/** A literal-only EWAH of positions < 64 * n. */
function ewahOf(positions: number[], n = 1): number[] {
  const words: [number, number][] = [[n * 2, 0]]; // RLW: run 0, n literal words (n << 33)
  for (let w = 0; w < n; w++) {
    let hi = 0;
    let lo = 0;
    for (const p of positions) {
      if (p >= w * 64 && p < w * 64 + 64) {
        const b = p - w * 64;
        if (b < 32) lo |= 1 << b;
        else hi |= 1 << (b - 32);
      }
    }
    words.push([hi >>> 0, lo >>> 0]);
  }
  return ewah(positions.length ? Math.max(...positions) + 1 : 0, words);
}

interface BitmapSpec {
  objectCount: number;
  flags?: number;
  version?: number;
  signature?: string;
  entryCount?: number;
  types?: number[][];
  entries?: number[][];
  lookup?: number[][];
  tail?: number[];
}

/** A small SHA-1 bitmap: header, four type bitmaps, entries, optional lookup and hash cache. */
function bitmapFile(spec: BitmapSpec): Uint8Array {
  const flags = spec.flags ?? BITMAP_OPT_FULL_DAG | BITMAP_OPT_HASH_CACHE;
  const head = new Uint8Array(32);
  const sig = spec.signature ?? 'BITM';
  for (let i = 0; i < 4; i++) head[i] = sig.charCodeAt(i);
  head[5] = spec.version ?? 1;
  head[7] = flags;
  const entries = spec.entries ?? [];
  putU32(head, 8, spec.entryCount ?? entries.length);
  head.fill(0xcd, 12, 32);
  const types = spec.types ?? [ewahOf([0]), ewahOf([1]), ewahOf([2]), ewahOf([])];
  const bytes = [...head, ...types.flat(), ...entries.flat(), ...(spec.tail ?? [])];
  if (flags & BITMAP_OPT_LOOKUP_TABLE) for (const row of spec.lookup ?? []) bytes.push(...row);
  if (flags & BITMAP_OPT_HASH_CACHE) bytes.push(...u32s(new Array<number>(spec.objectCount).fill(7)));
  bytes.push(...new Array<number>(20).fill(0xee));
  return Uint8Array.from(bytes);
}

function entry(position: number, xor: number, flags: number, bits: number[]): number[] {
  return [...u32s([position]), xor, flags, ...ewahOf(bits)];
}

/** Deterministic PRNG for the mutation tests. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

// ---------------------------------------------------------------- modern fixtures (git 2.55)

const modern = modernFixtures();
const byName = (name: string): Fixture | undefined => modern.find((f) => f.name === `modern/${name}`);

function metaOf(fixture: Fixture): string {
  return readFileSync(join(fixture.expect, 'meta.txt'), 'utf8');
}

describe('.rev in the modern fixtures', () => {
  const cases = modern.flatMap((f) => f.packs.filter((p) => existsSync(join(f.packDir, `${p}.rev`))).map((p) => ({ f, p })));

  it('finds the fixtures', () => {
    expect(modern.map((f) => f.name)).toEqual(expect.arrayContaining(['modern/cruft', 'modern/midx-incremental', 'modern/midx-v2', 'modern/rev-default']));
    expect(cases.length).toBe(2 + 6 + 7 + 1);
  });

  it.each(cases.map(({ f, p }) => [`${f.name} ${p}`, f, p] as const))('%s: order_matches_idx as meta.txt says', (_label, f, p) => {
    const line = metaOf(f)
      .split('\n')
      .find((l) => l.startsWith(`rev ${p}:`));
    expect(line).toBeDefined();
    const want = Object.fromEntries(
      (line as string)
        .replace(/ \(from file\)$/, '')
        .split(' ')
        .slice(2)
        .map((kv) => kv.split('=')),
    );
    const { idx, pack } = openPack(join(f.packDir, p), SHA1);
    const source = fileSource(join(f.packDir, `${p}.rev`), `${p}.rev`);
    const rev = ReverseIndex.open(source, idx.count, SHA1);
    expect(want.magic).toBe('RIDX');
    expect(String(rev.hashId)).toBe(want.hash_id);
    rev.validate();
    const engineOrder = pack.packOrder().positions;
    expect(engineOrder).toEqual(orderFromOffsets(idx));
    const finding = rev.checkAgainst(engineOrder);
    expect(finding === undefined ? 'yes' : 'no').toBe(want.order_matches_idx);
    expect(rev.positions()).toEqual(engineOrder);
    for (let i = 0; i < idx.count; i++) expect(rev.positionAt(i)).toBe(engineOrder[i]);
    expect(rev.matchesPack(idx.packChecksum())).toBe(true);
    expect(checksumMatches(source, SHA1, nodeHasher)).toBe(true);
    expect(rev.layout().checksum.offset + 20).toBe(source.size);
  });

  it('names the first differing index when the order is not the idx order', () => {
    const f = byName('rev-default') as Fixture;
    const p = f.packs[0];
    const { idx } = openPack(join(f.packDir, p), SHA1);
    const rev = ReverseIndex.open(fileSource(join(f.packDir, `${p}.rev`), `${p}.rev`), idx.count, SHA1);
    const order = orderFromOffsets(idx);
    [order[40], order[41]] = [order[41], order[40]];
    const finding = rev.checkAgainst(order);
    expect(finding).toEqual({
      severity: 'error',
      check: 'cross-check',
      kind: 'Mismatch',
      file: `${p}.rev`,
      offset: 12 + 40 * 4,
      revEntry: { index: 40, expected: order[40], found: order[41] },
      message: finding?.message,
    });
    expect(finding?.message).toBe(`invalid rev-index position at 40: ${order[41]} != ${order[40]}`);
    expect(rev.checkAgainst(order.subarray(0, 100))?.revEntry).toMatchObject({ index: 40 });
    expect(rev.checkAgainst(orderFromOffsets(idx).subarray(0, 100))?.revEntry).toEqual({ index: 100 });
  });
});

describe('.bitmap in the modern fixtures', () => {
  const cases: [string, string][] = [
    ['rev-default', 'pack-f519646b74515c44ee7d85e13f89563556aafa21'],
    ['cruft', 'pack-fded45fa59682ed76afa32caffebb27fa05850d4'],
  ];

  it.each(cases)('%s %s: type popcounts equal the pack’s type counts (verify-pack -v)', (name, p) => {
    const f = byName(name) as Fixture;
    const { idx, pack } = openPack(join(f.packDir, p), SHA1);
    const types = typesOf(readFileSync(join(f.expect, `verify-pack-${p}.txt`), 'utf8'));
    expect(types.size).toBe(idx.count);
    const source = fileSource(join(f.packDir, `${p}.bitmap`), `${p}.bitmap`);
    const bitmap = PackBitmap.open(source, idx.count, SHA1, { packChecksum: idx.packChecksum() });
    expect(bitmap.header).toMatchObject({ version: 1, flags: BITMAP_OPT_FULL_DAG | BITMAP_OPT_HASH_CACHE, unknownFlags: 0 });
    expect(bitmap.typeBitmaps.map((t) => t.type)).toEqual(['commit', 'tree', 'blob', 'tag']);
    const counts = countTypes(types.values());
    expect(Object.fromEntries(bitmap.typeBitmaps.map((t) => [t.type, t.setBits]))).toEqual(counts);
    if (name === 'rev-default') {
      // meta.txt: objects_by_type: blob=43 commit=17 tag=1 tree=51 (the only pack).
      expect(counts).toEqual({ blob: 43, commit: 17, tag: 1, tree: 51 });
      expect(bitmap.entryCount).toBe(17);
    }
    checkBitmapAgainstPack(bitmap, idx, pack.packOrder().positions, types);
    expect(bitmap.hashCache).toEqual({ offset: source.size - 20 - 4 * idx.count, length: 4 * idx.count });
    expect(bitmap.lookupTable).toBeUndefined();
    expect(checksumMatches(source, SHA1, nodeHasher)).toBe(true);
    // The .rev and the bitmap agree on the pack order the bits use.
    const rev = ReverseIndex.open(fileSource(join(f.packDir, `${p}.rev`), `${p}.rev`), idx.count, SHA1);
    expect(rev.checkAgainst(pack.packOrder().positions)).toBeUndefined();
  });
});

describe('.mtimes in the modern cruft fixture', () => {
  const p = 'pack-3c8034cbb5f345ce04772d0d95c257f0fea54c71';

  it('matches expect/mtimes-<pack>.txt line for line, and the meta.txt summary', () => {
    const f = byName('cruft') as Fixture;
    const { idx } = openPack(join(f.packDir, p), SHA1);
    const source = fileSource(join(f.packDir, `${p}.mtimes`), `${p}.mtimes`);
    const mtimes = PackMtimes.open(source, idx.count, SHA1);
    let text = '';
    for (let i = 0; i < idx.count; i++) text += `${idx.oidHexAt(i)} ${mtimes.mtimeAt(i)}\n`;
    expect(text).toBe(readFileSync(join(f.expect, `mtimes-${p}.txt`), 'utf8'));
    expect(metaOf(f)).toContain(
      `cruft ${p}: mtimes_version=1 hash_id=${mtimes.hashId} objects=${idx.count} mtime_min=${mtimes.min()} mtime_max=${mtimes.max()} distinct_mtimes=${mtimes.summary().distinct} (from file)`,
    );
    expect(mtimes.summary()).toEqual({ min: 1640000000, max: 1640108000, distinct: 7 });
    expect(Array.from(mtimes.mtimes())).toEqual(Array.from({ length: idx.count }, (_, i) => mtimes.mtimeAt(i)));
    expect(mtimes.matchesPack(idx.packChecksum())).toBe(true);
    expect(checksumMatches(source, SHA1, nodeHasher)).toBe(true);
  });
});

// ---------------------------------------------------------------- files written now by the installed git

const gitEnv = isolatedGitEnv(gitTestIdentity('1600000000 +0000'));

function run(cwd: string, args: string[], input?: string): string {
  const r = spawnSync('git', args, { cwd, env: gitEnv, input, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

const TMP = mkdtempSync(join(tmpdir(), 'packscope-companions-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/**
 * A repository with history worth bitmapping, written in one `git fast-import` run: 200
 * commits (enough that git stores some bitmaps XORed against earlier ones), files in
 * subdirectories changed often, an annotated tag.
 */
function makeRepo(name: string, format: 'sha1' | 'sha256'): string {
  const dir = join(TMP, name);
  mkdirSync(dir);
  run(dir, ['init', '-q', `--object-format=${format}`, '-b', 'main']);
  let stream = '';
  const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
  for (let i = 1; i <= 200; i++) {
    stream += `commit refs/heads/main\nmark :${i}\ncommitter C O Mitter <committer@example.com> ${1600000000 + i * 60} +0000\n${data(`commit ${i}`)}`;
    if (i > 1) stream += `from :${i - 1}\n`;
    stream += `M 100644 inline d${i % 3}/f${i % 50}.txt\n${data(`file ${i % 50}, version ${i}\n`.repeat(1 + (i % 5)))}`;
    if (i % 7 === 0) stream += `M 100644 inline top${i % 4}.txt\n${data(`top ${i}\n`)}`;
    stream += '\n';
    if (i === 100) stream += `tag v1\nfrom :100\ntagger T Agger <tagger@example.com> 1600010000 +0000\n${data('tag v1')}`;
  }
  run(dir, ['fast-import', '--quiet'], stream);
  run(dir, ['checkout', '-q', 'main']);
  return dir;
}

function packBases(dir: string): string[] {
  const packDir = join(dir, '.git/objects/pack');
  return readdirSync(packDir)
    .filter((n) => n.endsWith('.idx'))
    .map((n) => join(packDir, n.slice(0, -4)));
}

describe('files written by the installed git', () => {
  const gitVersion = run(TMP, ['--version']).trim();
  let sha1Repo = '';
  let sha256Repo = '';

  beforeAll(() => {
    sha1Repo = makeRepo('sha1', 'sha1');
    sha256Repo = makeRepo('sha256', 'sha256');
  });

  it(`${gitVersion}: repack -a -d with pack.writeReverseIndex=true writes a .rev in the idx's offset order`, () => {
    for (const [dir, algo] of [
      [sha1Repo, SHA1],
      [sha256Repo, SHA256],
    ] as const) {
      run(dir, ['-c', 'pack.writeReverseIndex=true', 'repack', '-a', '-d', '-q']);
      const bases = packBases(dir);
      expect(bases.length).toBe(1);
      const base = bases[0];
      expect(existsSync(`${base}.rev`)).toBe(true);
      expect(guessIdxAlgo(fileSource(`${base}.idx`, 'x.idx'))).toBe(algo);
      const { idx, pack } = openPack(base, algo);
      const source = fileSource(`${base}.rev`, 'p.rev');
      const rev = ReverseIndex.open(source, idx.count, algo);
      expect(rev.hashId).toBe(algo.formatId);
      rev.validate();
      expect(rev.checkAgainst(pack.packOrder().positions)).toBeUndefined();
      expect(rev.checkAgainst(orderFromOffsets(idx))).toBeUndefined();
      expect(rev.matchesPack(idx.packChecksum())).toBe(true);
      expect(checksumMatches(source, algo, nodeHasher)).toBe(true);
      // The other hash's reader refuses it: the size is wrong for it.
      expectError(() => ReverseIndex.open(source, idx.count, algo === SHA1 ? SHA256 : SHA1), 'BadSize', 'p.rev', 12);
    }
  });

  it.each([
    ['sha1', false],
    ['sha1', true],
    ['sha256', false],
    ['sha256', true],
  ] as const)('repack -a -d -b (%s, lookup table %s): type popcounts equal batch-check type counts', (format, lookup) => {
    const dir = format === 'sha1' ? sha1Repo : sha256Repo;
    const algo = format === 'sha1' ? SHA1 : SHA256;
    run(dir, ['-c', 'repack.writeBitmaps=true', '-c', `pack.writeBitmapLookupTable=${lookup}`, '-c', 'pack.writeReverseIndex=true', 'repack', '-a', '-d', '-b', '-q']);
    const bases = packBases(dir);
    expect(bases.length).toBe(1);
    const base = bases[0];
    const { idx, pack } = openPack(base, algo);
    const types = typesOf(run(dir, ['cat-file', '--batch-all-objects', '--batch-check']));
    expect(types.size).toBe(idx.count);
    const source = fileSource(`${base}.bitmap`, 'p.bitmap');
    const bitmap = PackBitmap.open(source, idx.count, algo, { packChecksum: idx.packChecksum() });
    const want = BITMAP_OPT_FULL_DAG | BITMAP_OPT_HASH_CACHE | (lookup ? BITMAP_OPT_LOOKUP_TABLE : 0);
    expect(bitmap.header.flags).toBe(want);
    expect(Object.fromEntries(bitmap.typeBitmaps.map((t) => [t.type, t.setBits]))).toEqual(countTypes(types.values()));
    expect(bitmap.typeBitmap('tag').setBits).toBe(1);
    expect(bitmap.typeBitmap('commit').setBits).toBe(200);
    checkBitmapAgainstPack(bitmap, idx, pack.packOrder().positions, types);
    expect(checksumMatches(source, algo, nodeHasher)).toBe(true);
    const entries = [...bitmap.entries()];
    expect(entries.some((e) => e.xorOffset > 0)).toBe(true);
    if (lookup) {
      expect(bitmap.lookupTable?.length).toBe(16 * bitmap.entryCount);
      const byOffset = new Map(entries.map((e) => [e.offset, e]));
      let previous = -1;
      for (let row = 0; row < bitmap.entryCount; row++) {
        const r = bitmap.lookupAt(row);
        expect(r.objectPosition).toBeGreaterThan(previous);
        previous = r.objectPosition;
        const e = byOffset.get(r.entryOffset) as BitmapEntry;
        expect(e.objectPosition).toBe(r.objectPosition);
        expect(bitmap.entryAt(r.entryOffset, e.index)).toEqual(e);
        if (e.xorOffset === 0) expect(r.xorRow).toBeUndefined();
        else expect(bitmap.lookupAt(r.xorRow as number).entryOffset).toBe(entries[e.index - e.xorOffset].offset);
      }
      expectError(() => bitmap.lookupAt(bitmap.entryCount), 'OutOfRange', 'p.bitmap', bitmap.lookupTable?.offset as number, /triplet position/);
    } else {
      expect(bitmap.lookupTable).toBeUndefined();
      expectError(() => bitmap.lookupAt(0), 'NotFound', 'p.bitmap', 'none');
    }
    // Commits have no path, so their name-hash is 0; blobs and trees have one.
    for (let i = 0; i < idx.count; i++) if (types.get(idx.oidHexAt(i)) === 'commit') expect(bitmap.nameHashAt(i)).toBe(0);
    expect(Array.from({ length: idx.count }, (_, i) => bitmap.nameHashAt(i)).some((h) => h !== 0)).toBe(true);
  });

  it('repack --cruft -d writes .mtimes holding the loose objects’ file times, in idx order', () => {
    for (const [dir, algo] of [
      [sha1Repo, SHA1],
      [sha256Repo, SHA256],
    ] as const) {
      run(dir, ['repack', '-a', '-d', '-q']);
      const times = new Map<string, number>();
      for (let i = 0; i < 5; i++) {
        const oid = run(dir, ['hash-object', '-w', '--stdin'], `dangling ${i}\n`).trim();
        const t = 1650000000 + i * 1000;
        utimesSync(join(dir, '.git/objects', oid.slice(0, 2), oid.slice(2)), t, t);
        times.set(oid, t);
      }
      run(dir, ['repack', '--cruft', '-d', '-q']);
      const cruft = packBases(dir).filter((b) => existsSync(`${b}.mtimes`));
      expect(cruft.length).toBe(1);
      const { idx } = openPack(cruft[0], algo);
      expect(idx.count).toBe(5);
      const source = fileSource(`${cruft[0]}.mtimes`, 'c.mtimes');
      const mtimes = PackMtimes.open(source, idx.count, algo);
      expect(mtimes.hashId).toBe(algo.formatId);
      for (let i = 0; i < idx.count; i++) expect(mtimes.mtimeAt(i)).toBe(times.get(idx.oidHexAt(i)));
      expect(mtimes.summary()).toEqual({ min: 1650000000, max: 1650004000, distinct: 5 });
      expect(mtimes.matchesPack(idx.packChecksum())).toBe(true);
      expect(checksumMatches(source, algo, nodeHasher)).toBe(true);
      expectError(() => mtimes.mtimeAt(5), 'OutOfRange', 'c.mtimes', 'none');
    }
  });
});

// ---------------------------------------------------------------- hostile input

describe('hostile .rev', () => {
  const good = (): Uint8Array => tableFile('RIDX', [2, 0, 3, 1]);
  const open = (bytes: Uint8Array, count = 4, algo: HashAlgo = SHA1): ReverseIndex => ReverseIndex.open(memorySource('p.rev', bytes), count, algo);

  it('opens a well-formed one', () => {
    const rev = open(good());
    rev.validate();
    expect([0, 1, 2, 3].map((i) => rev.positionAt(i))).toEqual([2, 0, 3, 1]);
    expect(rev.checkAgainst(Uint32Array.from([2, 0, 3, 1]))).toBeUndefined();
    expect(toHex(rev.packChecksum())).toBe('ab'.repeat(20));
  });

  it('refuses truncation, a wrong size, signature, version and hash id, naming file and offset', () => {
    expectError(() => open(good().subarray(0, 51)), 'Truncated', 'p.rev', 0, /too small/);
    expectError(() => open(good().subarray(0, good().length - 1)), 'BadSize', 'p.rev', 12);
    expectError(() => open(good(), 5), 'BadSize', 'p.rev', 12, /5 objects/);
    expectError(() => open(good(), 3), 'BadSize', 'p.rev', 12);
    expectError(() => open(tableFile('RIDY', [2, 0, 3, 1])), 'BadSignature', 'p.rev', 0, /unknown signature/);
    expectError(() => open(tableFile('RIDX', [2, 0, 3, 1], SHA1, { version: 2 })), 'UnsupportedVersion', 'p.rev', 4, /version 2/);
    expectError(() => open(tableFile('RIDX', [2, 0, 3, 1], SHA1, { hashId: 3 })), 'UnsupportedVersion', 'p.rev', 8, /hash id 3/);
    expectError(() => open(tableFile('RIDX', [2, 0, 3, 1], SHA1, { hashId: 2 })), 'Mismatch', 'p.rev', 8, /sha256/);
    expectError(() => open(tableFile('RIDX', [2, 0, 3, 1], SHA256), 4, SHA1), 'BadSize', 'p.rev', 12);
    const sha256 = open(tableFile('RIDX', [2, 0, 3, 1], SHA256), 4, SHA256);
    expect(sha256.packChecksum().length).toBe(32);
  });

  it('refuses entries >= count and duplicate positions', () => {
    const wild = open(tableFile('RIDX', [2, 0, 9, 1]));
    expectError(() => wild.positionAt(2), 'OutOfRange', 'p.rev', 12 + 8, /idx position 9/);
    expectError(() => wild.validate(), 'OutOfRange', 'p.rev', 20);
    const huge = open(tableFile('RIDX', [0xffffffff, 0, 1, 2]));
    expectError(() => huge.validate(), 'OutOfRange', 'p.rev', 12);
    const twice = open(tableFile('RIDX', [2, 0, 3, 0]));
    expectError(() => twice.validate(), 'Mismatch', 'p.rev', 24, /entries 1 and 3 both name idx position 0/);
    expectError(() => twice.positionAt(4), 'OutOfRange', 'p.rev', 'none');
  });

  it('an empty pack has an empty .rev', () => {
    const rev = open(tableFile('RIDX', []), 0);
    rev.validate();
    expect(rev.checkAgainst(new Uint32Array(0))).toBeUndefined();
  });
});

describe('hostile .mtimes', () => {
  const open = (bytes: Uint8Array, count = 3, algo: HashAlgo = SHA1): PackMtimes => PackMtimes.open(memorySource('c.mtimes', bytes), count, algo);

  it('opens a well-formed one and summarises it', () => {
    const m = open(tableFile('MTME', [30, 10, 30]));
    expect([0, 1, 2].map((i) => m.mtimeAt(i))).toEqual([30, 10, 30]);
    expect(m.summary()).toEqual({ min: 10, max: 30, distinct: 2 });
    expect(open(tableFile('MTME', []), 0).summary()).toEqual({ min: undefined, max: undefined, distinct: 0 });
    expect(open(tableFile('MTME', [0xffffffff, 1, 2])).max()).toBe(0xffffffff);
  });

  it('refuses truncation, a wrong size, signature, version and hash id, naming file and offset', () => {
    const good = tableFile('MTME', [30, 10, 30]);
    expectError(() => open(good.subarray(0, 11)), 'Truncated', 'c.mtimes', 0, /too small/);
    expectError(() => open(good.subarray(0, 40)), 'Truncated', 'c.mtimes', 12);
    expectError(() => open(good.subarray(0, good.length - 4)), 'BadSize', 'c.mtimes', 12);
    expectError(() => open(good, 4), 'BadSize', 'c.mtimes', 12);
    expectError(() => open(tableFile('MTMF', [30, 10, 30])), 'BadSignature', 'c.mtimes', 0);
    expectError(() => open(tableFile('MTME', [30, 10, 30], SHA1, { version: 0 })), 'UnsupportedVersion', 'c.mtimes', 4);
    expectError(() => open(tableFile('MTME', [30, 10, 30], SHA1, { hashId: 0 })), 'UnsupportedVersion', 'c.mtimes', 8);
    expectError(() => open(tableFile('MTME', [30, 10, 30], SHA256)), 'Mismatch', 'c.mtimes', 8);
    expectError(() => open(good).mtimeAt(-1), 'OutOfRange', 'c.mtimes', 'none');
  });
});

describe('hostile .bitmap', () => {
  const open = (bytes: Uint8Array, count = 4): PackBitmap => PackBitmap.open(memorySource('p.bitmap', bytes), count, SHA1);
  const entries = [entry(0, 0, 1, [0, 3]), entry(1, 1, 0, [1]), entry(2, 2, 0, [2])];

  it('opens a well-formed one', () => {
    const b = open(bitmapFile({ objectCount: 4, entries }));
    expect(b.typeBitmaps.map((t) => [t.type, t.setBits, t.bitCount, t.wordCount])).toEqual([
      ['commit', 1, 1, 2],
      ['tree', 1, 2, 2],
      ['blob', 1, 3, 2],
      ['tag', 0, 0, 2],
    ]);
    expect([...b.entries()].map((e) => [e.objectPosition, e.xorOffset, e.flags, e.byteSize])).toEqual([
      [0, 0, 1, 34],
      [1, 1, 0, 34],
      [2, 2, 0, 34],
    ]);
    expect(b.nameHashAt(3)).toBe(7);
    expect(b.setPositions(b.typeBitmap('blob'))).toEqual(Uint32Array.from([2]));
  });

  it('decodes runs of ones and zeros and literal words', () => {
    // RLW: run of 1 word of ones, 1 literal; then RLW: run of 2 zero words, 1 literal.
    const words: [number, number][] = [
      [2, 3], // literals 1 (2 << 32 >> 33 = 1), run length 1, run bit 1
      [0, 0b101],
      [2, 4], // literals 1, run length 2, run bit 0
      [0x80000000, 0],
    ];
    const types = [ewah(320, words, 2), ewahOf([]), ewahOf([]), ewahOf([])];
    const b = open(bitmapFile({ objectCount: 320, types }), 320);
    const commit = b.typeBitmap('commit');
    expect(commit.setBits).toBe(64 + 2 + 1);
    const positions = Array.from(b.setPositions(commit));
    expect(positions.slice(0, 64)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(positions.slice(64)).toEqual([64, 66, 4 * 64 + 63]);
  });

  it('refuses truncation, signature, version, missing FULL_DAG, naming file and offset', () => {
    const good = bitmapFile({ objectCount: 4, entries });
    expectError(() => open(good.subarray(0, 39)), 'Truncated', 'p.bitmap', 0, /too small/);
    expectError(() => open(bitmapFile({ objectCount: 4, signature: 'BITN' })), 'BadSignature', 'p.bitmap', 0, /wrong header/);
    expectError(() => open(bitmapFile({ objectCount: 4, version: 2 })), 'UnsupportedVersion', 'p.bitmap', 4, /version '2'/);
    expectError(() => open(bitmapFile({ objectCount: 4, flags: BITMAP_OPT_HASH_CACHE })), 'UnsupportedVersion', 'p.bitmap', 6, /FULL_DAG/);
    expectError(() => PackBitmap.open(memorySource('p.bitmap', good), 4, SHA1, { packChecksum: new Uint8Array(20) }), 'Mismatch', 'p.bitmap', 12);
    // Cut anywhere: an error of a known kind, never a crash or a hang.
    for (let n = 0; n < good.length; n++) {
      const err = catchError(() => {
        const b = open(good.subarray(0, n));
        for (const e of b.entries()) b.popcount(e.bitmap);
      });
      expect(['Truncated', 'BadSize', 'OutOfRange']).toContain(err.kind);
      expect(err.file).toBe('p.bitmap');
      expect(err.offset).toBeTypeOf('number');
    }
  });

  it('refuses optional tables that do not fit', () => {
    // A hash cache for a billion objects in a 200-byte file.
    expectError(() => PackBitmap.open(memorySource('p.bitmap', bitmapFile({ objectCount: 4 })), 1e9, SHA1), 'Truncated', 'p.bitmap', 'any', /hash cache/);
    const lookup = bitmapFile({ objectCount: 4, flags: BITMAP_OPT_FULL_DAG | BITMAP_OPT_LOOKUP_TABLE, entryCount: 0x10000000 });
    expectError(() => open(lookup), 'Truncated', 'p.bitmap', 'any', /lookup table/);
    expectError(() => open(bitmapFile({ objectCount: 4, entryCount: 0xffffffff })), 'BadSize', 'p.bitmap', 8);
  });

  it('refuses EWAH word counts past the end, literal counts past the words, and bits past the objects', () => {
    const typesWith = (first: number[]): number[][] => [first, ewahOf([]), ewahOf([]), ewahOf([])];
    expectError(
      () =>
        open(
          bitmapFile({
            objectCount: 4,
            types: typesWith(
              ewah(
                4,
                [
                  [2, 0],
                  [0, 1],
                ],
                0,
                0xffffffff,
              ),
            ),
          }),
        ),
      'Truncated',
      'p.bitmap',
      36,
      /eof in data/,
    );
    expectError(
      () =>
        open(
          bitmapFile({
            objectCount: 4,
            types: typesWith(
              ewah(4, [
                [6, 0],
                [0, 1],
              ]),
            ),
          }),
        ),
      'OutOfRange',
      'p.bitmap',
      40,
      /3 literal words/,
    );
    expectError(
      () =>
        open(
          bitmapFile({
            objectCount: 4,
            types: typesWith(
              ewah(4, [
                [2, 0],
                [0, 0x10],
              ]),
            ),
          }),
        ),
      'OutOfRange',
      'p.bitmap',
      48,
      /bit 4/,
    );
    expectError(() => open(bitmapFile({ objectCount: 4, types: typesWith(ewah(4, [[0, 3]])) })), 'OutOfRange', 'p.bitmap', 40, /up to 63/);
    expectError(
      () =>
        open(
          bitmapFile({
            objectCount: 4,
            types: typesWith(
              ewah(
                4,
                [
                  [2, 0],
                  [0, 1],
                ],
                2,
              ),
            ),
          }),
        ),
      'OutOfRange',
      'p.bitmap',
      56,
      /run-length word at 2/,
    );
    // A run of 2^32 - 1 zero words costs nothing to skip; a later set bit is still caught.
    const zeros: [number, number][] = [
      [2, 0xfffffffe],
      [0, 1],
    ];
    expectError(() => open(bitmapFile({ objectCount: 4, types: typesWith(ewah(4, zeros)) })), 'OutOfRange', 'p.bitmap', 48);
    const onlyZeros = open(bitmapFile({ objectCount: 4, types: [ewah(0, [[0, 0xfffffffe]]), ewahOf([]), ewahOf([]), ewahOf([])] }));
    expect(onlyZeros.typeBitmap('commit').setBits).toBe(0);
  });

  it('refuses bad entries as they are read', () => {
    const read = (list: number[][], count = 4): void => {
      const b = open(bitmapFile({ objectCount: count, entries: list }), count);
      for (const e of b.entries()) b.popcount(e.bitmap);
    };
    const at = 32 + 4 * 28; // first entry: after the header and four 28-byte type bitmaps
    expectError(() => read([entry(4, 0, 0, [0])]), 'OutOfRange', 'p.bitmap', at, /commit index 4 out of range/);
    expectError(() => read([entry(0, 1, 0, [0])]), 'OutOfRange', 'p.bitmap', at + 4, /XOR offset 1/);
    expectError(() => read([entry(0, 0, 0, [0]), entry(1, 161, 0, [1])]), 'OutOfRange', 'p.bitmap', at + 34 + 4, /XOR offset 161/);
    expectError(() => read([entry(0, 0, 0, [5])]), 'OutOfRange', 'p.bitmap', 'any', /bit 5/);
    const longWords = [
      ...u32s([0]),
      0,
      0,
      ...ewah(
        4,
        [
          [2, 0],
          [0, 1],
        ],
        0,
        1000,
      ),
    ];
    expectError(() => read([longWords]), 'Truncated', 'p.bitmap', at + 6 + 4, /eof in data/);
    // An entry count above what is there: the region ends in the middle of the second entry.
    const b = open(bitmapFile({ objectCount: 4, entries: [entry(0, 0, 0, [0])], entryCount: 2, tail: new Array<number>(12).fill(0) }));
    expectError(() => [...b.entries()], 'Truncated', 'p.bitmap', 'any');
  });

  it('checks lookup rows as git does when it uses them', () => {
    const rows = (r: number[][]): number[][] =>
      r.map(([pos, off, xor]) => {
        const out = new Uint8Array(16);
        putU32(out, 0, pos);
        putU64(out, 4, off);
        putU32(out, 12, xor);
        return [...out];
      });
    const first = 32 + 4 * 28;
    const spec = (lookup: number[][]): BitmapSpec => ({ objectCount: 4, flags: BITMAP_OPT_FULL_DAG | BITMAP_OPT_LOOKUP_TABLE, entries: entries.slice(0, 2), lookup: rows(lookup) });
    const ok = open(
      bitmapFile(
        spec([
          [0, first, 0xffffffff],
          [1, first + 34, 0],
        ]),
      ),
    );
    expect(ok.lookupAt(1)).toEqual({ row: 1, objectPosition: 1, entryOffset: first + 34, xorRow: 0 });
    const table = ok.lookupTable?.offset as number;
    expectError(
      () =>
        open(
          bitmapFile(
            spec([
              [9, first, 0xffffffff],
              [1, first + 34, 0],
            ]),
          ),
        ).lookupAt(0),
      'OutOfRange',
      'p.bitmap',
      table,
      /commit index 9/,
    );
    expectError(
      () =>
        open(
          bitmapFile(
            spec([
              [0, 5, 0xffffffff],
              [1, first + 34, 0],
            ]),
          ),
        ).lookupAt(0),
      'OutOfRange',
      'p.bitmap',
      table + 4,
      /offset 5/,
    );
    expectError(
      () =>
        open(
          bitmapFile(
            spec([
              [0, first, 2],
              [1, first + 34, 0],
            ]),
          ),
        ).lookupAt(0),
      'OutOfRange',
      'p.bitmap',
      table + 12,
      /XOR row 2/,
    );
  });

  it('survives random damage to real files: a PackscopeError or a clean read, never a hang', () => {
    const f = byName('rev-default') as Fixture;
    const p = f.packs[0];
    const { idx } = openPack(join(f.packDir, p), SHA1);
    const originals: [string, Uint8Array][] = [
      ['bitmap', new Uint8Array(readFileSync(join(f.packDir, `${p}.bitmap`)))],
      ['rev', new Uint8Array(readFileSync(join(f.packDir, `${p}.rev`)))],
    ];
    const random = prng(42);
    const started = Date.now();
    let errors = 0;
    for (let round = 0; round < 600; round++) {
      for (const [ext, original] of originals) {
        const bytes = original.slice();
        const flips = 1 + Math.floor(random() * 4);
        for (let k = 0; k < flips; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        const cut = random() < 0.2 ? Math.floor(random() * bytes.length) : bytes.length;
        const source = memorySource(`p.${ext}`, bytes.subarray(0, cut));
        try {
          if (ext === 'bitmap') {
            const b = PackBitmap.open(source, idx.count, SHA1);
            for (const e of b.entries()) expect(b.setPositions(e.bitmap).length).toBeLessThanOrEqual(idx.count);
          } else {
            const r = ReverseIndex.open(source, idx.count, SHA1);
            r.validate();
          }
        } catch (err) {
          if (!(err instanceof PackscopeError)) throw err;
          expect(err.file).toBe(`p.${ext}`);
          errors++;
        }
      }
    }
    expect(errors).toBeGreaterThan(100);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
