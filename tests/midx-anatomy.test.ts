import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { u32 } from '../src/core/bytes/be.ts';
import { memorySource } from '../src/core/bytes/source.ts';
import { MultiPackIndex } from '../src/core/format/midx.ts';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import type { HandlerContext } from '../src/protocol/rpc.ts';
import type { DuplicateObject, MidxLayerAnatomy } from '../src/protocol/anatomy.ts';
import { midxHandlers } from '../src/worker/anatomy/midx-handlers.ts';
import { companions } from '../src/core/anatomy/companions.ts';
import { midxAnatomy } from '../src/core/anatomy/midx-anatomy.ts';
import { midxDuplicates } from '../src/core/anatomy/midx-duplicates.ts';
import { writeMidx } from '../src/core/anatomy/midx-write.ts';
import { portableHasher } from '../src/core/hash/hasher.ts';
import { Session } from '../src/worker/session.ts';
import { setSession } from '../src/worker/state.ts';
import { MODERN, builtFixtures, git, type Fixture } from './support/cli.ts';

/**
 * The multi-pack-index area of the worker (anatomy, duplicates, write, companions), run in Node
 * over the fixtures and compared with git's answers: the recorded meta.txt of each case, the midx
 * file's own bytes read here independently, git 2.39's `multi-pack-index write` and
 * `cat-file --batch-check` on copies of the fixtures.
 */

const transfers: ArrayBuffer[] = [];
const ctx: HandlerContext = { progress: () => {}, checkCancelled: () => {}, pause: async () => {}, transfer: (...b) => void transfers.push(...b) };

const TMP = mkdtempSync(join(tmpdir(), 'packscope-midx-anatomy-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
let serial = 0;

const fixture = (name: string): Fixture => {
  const f = builtFixtures().find((x) => x.name === name);
  if (!f) throw new Error(`fixture ${name} is missing: run npm run fixtures`);
  return f;
};
const open = (path: string): Promise<Session> => Session.open(path, fsDirectoryReader(path));
const modern = (name: string): string => join(MODERN, name, 'pack');

/** `key: value` lines of a meta.txt (the first occurrence of each key). */
function meta(path: string): { get(key: string): string; all: string[] } {
  const all = readFileSync(path, 'utf8').split('\n');
  return {
    all,
    get(key) {
      const line = all.find((l) => l.startsWith(`${key}: `) || l.startsWith(`${key} `));
      if (line === undefined) throw new Error(`${key} not in ${path}`);
      return line
        .slice(key.length + 1)
        .trim()
        .replace(/^: /, '');
    },
  };
}

/** The midx file read independently of the engine: header bytes and chunk table. */
function rawMidx(bytes: Uint8Array): { version: number; hashVersion: number; chunks: number; base: number; packs: number; table: { id: string; offset: number; length: number }[] } {
  const n = bytes[6];
  const table: { id: string; offset: number; length: number }[] = [];
  for (let i = 0; i < n; i++) {
    const at = 12 + i * 12;
    const offset = u32(bytes, at + 8);
    table.push({ id: String.fromCharCode(...bytes.subarray(at, at + 4)), offset, length: u32(bytes, at + 20) - offset });
  }
  return { version: bytes[4], hashVersion: bytes[5], chunks: n, base: bytes[7], packs: u32(bytes, 8), table };
}

/** idx entries of a pack from git's `show-index` output: oid -> offset. */
function showIndex(f: Fixture, pack: string): Map<string, number> {
  const lines = readFileSync(join(f.expect, `show-index-${pack}.txt`), 'utf8')
    .trim()
    .split('\n');
  return new Map(lines.map((l) => l.split(' ')).map(([offset, oid]) => [oid, Number(offset)]));
}

function expectHeader(layer: MidxLayerAnatomy, bytes: Uint8Array): void {
  const raw = rawMidx(bytes);
  const value = (name: string): string | undefined => layer.header.find((h) => h.name === name)?.value;
  expect(value('signature')).toBe('MIDX');
  expect(value('version')).toBe(String(raw.version));
  expect(value('hash version')).toMatch(new RegExp(`^${raw.hashVersion} `));
  expect(value('number of chunks')).toBe(String(raw.chunks));
  expect(value('number of base multi-pack-index files')).toBe(String(raw.base));
  expect(value('number of packs')).toBe(String(raw.packs));
  expect(layer.header.map((h) => [h.offset, h.length])).toEqual([
    [0, 4],
    [4, 1],
    [5, 1],
    [6, 1],
    [7, 1],
    [8, 4],
  ]);
  expect(layer.chunkTable).toEqual({ name: 'chunk table', offset: 12, length: (raw.chunks + 1) * 12 });
  expect(layer.chunks.map(({ id, offset, length }) => ({ id, offset, length }))).toEqual(raw.table);
  expect(layer.chunks.map((c) => c.tableOffset)).toEqual(raw.table.map((_, i) => 12 + i * 12));
  expect(layer.version).toBe(raw.version);
  expect(layer.fileSize).toBe(bytes.length);
  const H = raw.hashVersion === 2 ? 32 : 20;
  expect(layer.checksum).toBe(Buffer.from(bytes.subarray(bytes.length - H)).toString('hex'));
  // The PNAM offsets point at the names, NUL-terminated.
  for (const p of layer.packs) {
    expect(Buffer.from(bytes.subarray(p.namedAt, p.namedAt + p.name.length)).toString()).toBe(p.name);
    expect(bytes[p.namedAt + p.name.length]).toBe(0);
  }
  // Objects per pack, counted from the OOFF chunk here.
  const ooff = raw.table.find((c) => c.id === 'OOFF');
  if (!ooff) throw new Error('no OOFF');
  const counts = new Array<number>(raw.packs).fill(0);
  for (let i = 0; i < layer.objects; i++) counts[u32(bytes, ooff.offset + i * 8)]++;
  expect(layer.packs.map((p) => p.objectsInMidx)).toEqual(counts);
  expect(layer.fanout[255]).toBe(layer.objects);
}

// ------------------------------------------------------------------------------------ anatomy

describe('midxAnatomy', () => {
  it('multi-pack (git 2.39, flat v1): header, chunks, packs, fanout and checksum as git wrote them', async () => {
    const f = fixture('multi-pack');
    const m = meta(join(f.expect, 'meta.txt'));
    const a = await midxAnatomy(await open(f.path), ctx);
    expect(a.kind).toBe('flat');
    expect(a.error).toBeUndefined();
    expect(a.layers).toHaveLength(1);
    const layer = a.layers[0];
    expect(layer.file).toBe('.git/objects/pack/multi-pack-index');
    const bytes = new Uint8Array(readFileSync(join(f.packDir, 'multi-pack-index')));
    expectHeader(layer, bytes);
    expect(m.get('midx')).toBe(`yes version=${layer.version} hash_id=${layer.hashVersion} packs=${layer.packs.length} objects=${layer.objects} chunks=${layer.chunks.map((c) => c.id).join(',')}`);
    const covered = m.all.filter((l) => l.startsWith('midx_covers ') && l.endsWith(': yes')).map((l) => l.split(' ')[1].replace(/:$/, ''));
    const outside = m.all.filter((l) => l.startsWith('midx_covers ') && l.endsWith(': no')).map((l) => l.split(' ')[1].replace(/:$/, ''));
    expect(layer.packs.map((p) => p.name)).toEqual(covered.map((p) => `${p}.idx`));
    expect(a.uncoveredPacks).toEqual(outside);
    expect(layer.objectBase).toBe(0);
    expect(layer.packBase).toBe(0);
    expect(layer.ridx).toBeUndefined();

    // The fanout is the union of the covered packs' ids (git show-index), counted by first byte.
    const ids = new Set(covered.flatMap((p) => [...showIndex(f, p).keys()]));
    expect(ids.size).toBe(layer.objects);
    const perByte = new Array<number>(256).fill(0);
    for (const id of ids) perByte[parseInt(id.slice(0, 2), 16)]++;
    let sum = 0;
    expect(layer.fanout).toEqual(perByte.map((n) => (sum += n)));

    // git itself finds nothing wrong with the file whose anatomy this is.
    expect(readFileSync(join(f.expect, 'midx-verify.rc'), 'utf8').trim()).toBe('0');
    const verify = git(['--git-dir', join(f.packDir, '../..'), 'multi-pack-index', `--object-dir=${join(f.packDir, '..')}`, 'verify']);
    expect(verify.status).toBe(0);
  });

  it('modern midx-v2 (git 2.55): version 2, chunks, packs, objects and checksum as meta.txt records', async () => {
    const m = meta(join(MODERN, 'midx-v2/expect/meta.txt'));
    const a = await midxAnatomy(await open(modern('midx-v2')), ctx);
    expect(a.kind).toBe('flat');
    expect(a.error).toBeUndefined();
    const layer = a.layers[0];
    expectHeader(layer, new Uint8Array(readFileSync(join(modern('midx-v2'), 'multi-pack-index'))));
    expect(String(layer.version)).toBe(m.get('midx_version').split(' ')[0]);
    expect(String(layer.hashVersion)).toBe(m.get('midx_hash_version'));
    expect(layer.chunks.map((c) => c.id).join(' ')).toBe(m.get('midx_chunks'));
    expect(String(layer.packs.length)).toBe(m.get('midx_packs'));
    expect(String(layer.objects)).toBe(m.get('midx_objects'));
    expect(layer.checksum).toBe(m.get('midx_checksum'));
    expect(a.uncoveredPacks).toEqual(m.get('packs_not_in_midx').split(' '));
  });

  it('modern midx-incremental (git 2.55): the chain layer by layer, with positions and pack ids continuing', async () => {
    const m = meta(join(MODERN, 'midx-incremental/expect/meta.txt'));
    const a = await midxAnatomy(await open(modern('midx-incremental')), ctx);
    expect(a.kind).toBe('chain');
    expect(a.error).toBeUndefined();
    expect(a.chainFile).toBe('multi-pack-index.d/multi-pack-index-chain');
    const names = m.get('midx_chain').split(' ');
    expect(a.layers).toHaveLength(Number(m.get('midx_layers')));
    let objects = 0;
    let packs = 0;
    a.layers.forEach((layer, k) => {
      const line = m.all.find((l) => l.startsWith(`midx_layer ${k + 1} `)) ?? '';
      const fields = Object.fromEntries(
        line
          .split(': ')[1]
          .split(' ')
          .map((kv) => kv.split('=')),
      );
      expect(line.split(' ')[2].replace(/:$/, '')).toBe(names[k]);
      expect(layer.file).toBe(`multi-pack-index.d/multi-pack-index-${names[k]}.midx`);
      expect(layer.checksum).toBe(names[k]); // trailer_is_name=yes
      expect(String(layer.version)).toBe(fields.version);
      expect(String(layer.hashVersion)).toBe(fields.hash_version);
      expect(String(layer.objects)).toBe(fields.objects);
      expect(String(layer.packs.length)).toBe(fields.packs);
      expect(layer.chunks.map((c) => c.id).join(',')).toBe(fields.chunks);
      expect(layer.packs.map((p) => p.name).join(' ')).toBe(m.get(`midx_layer_packs ${k + 1}`));
      expect(layer.objectBase).toBe(objects);
      expect(layer.packBase).toBe(packs);
      expect(layer.packs.map((p) => p.packId)).toEqual(layer.packs.map((_, i) => packs + i));
      expectHeader(layer, new Uint8Array(readFileSync(join(modern('midx-incremental'), layer.file))));
      objects += layer.objects;
      packs += layer.packs.length;
    });
    expect(String(packs)).toBe(m.get('midx_packs'));
    expect(a.uncoveredPacks).toEqual(m.get('packs_not_in_midx').split(' '));
  });

  it('no midx (modern cruft): kind none, every pack outside', async () => {
    const a = await midxAnatomy(await open(modern('cruft')), ctx);
    expect(a).toEqual({ kind: 'none', layers: [], uncoveredPacks: ['pack-3c8034cbb5f345ce04772d0d95c257f0fea54c71', 'pack-fded45fa59682ed76afa32caffebb27fa05850d4'] });
  });

  it('a midx that does not load: the error names file and offset, and every pack is read through its .idx', async () => {
    const dir = join(TMP, `bad-${serial++}`);
    cpSync(fixture('multi-pack').packDir, dir, { recursive: true });
    const file = join(dir, 'multi-pack-index');
    const bytes = new Uint8Array(readFileSync(file));
    const oidf = rawMidx(bytes).table.find((c) => c.id === 'OIDF')?.offset ?? 0;
    bytes.set([0xff, 0xff, 0xff, 0xff], oidf + 40); // fanout[10] > fanout[11]
    writeFileSync(file, bytes);
    const s = await open(dir);
    const a = await midxAnatomy(s, ctx);
    expect(a.kind).toBe('flat');
    expect(a.layers).toEqual([]);
    expect(a.error).toMatchObject({ kind: 'BadFanout', file: 'multi-pack-index', offset: oidf + 44 });
    expect(a.uncoveredPacks).toEqual(fixture('multi-pack').packs);
    expect(s.db.uncoveredPacks.length).toBe(8);
  });

  it('a chain whose last layer is missing keeps the layers before it and says why', async () => {
    const dir = join(TMP, `chain-${serial++}`);
    cpSync(modern('midx-incremental'), dir, { recursive: true });
    const names = readFileSync(join(dir, 'multi-pack-index.d/multi-pack-index-chain'), 'utf8').trim().split('\n');
    rmSync(join(dir, `multi-pack-index.d/multi-pack-index-${names[3]}.midx`), { force: true });
    const a = await midxAnatomy(await open(dir), ctx);
    expect(a.kind).toBe('chain');
    expect(a.layers).toHaveLength(3);
    expect(a.error).toMatchObject({ kind: 'NotFound', file: 'multi-pack-index.d/multi-pack-index-chain', offset: 3 * 41 });
    expect(a.uncoveredPacks).toContain('pack-c934365825382ceac248664393be9aa967950db5');
  });

  it('is answered through the handler map from the session in state', async () => {
    setSession(await open(modern('midx-v2')));
    const a = await midxHandlers.midxAnatomy({}, ctx);
    expect(a.layers[0].checksum).toBe('4912b954019b02fc2067f896cc749e2f13a3e9cd');
  });
});

// ------------------------------------------------------------------------------------ duplicates

describe('midxDuplicates', () => {
  /** pack -> (oid -> offset), from git show-index. */
  function holders(f: Fixture): Map<string, Map<string, number>> {
    return new Map(f.packs.map((p) => [p, showIndex(f, p)]));
  }

  it('multi-pack: every object in two or more packs, each copy where git show-index puts it', async () => {
    const f = fixture('multi-pack');
    const s = await open(f.path);
    const all = await midxDuplicates(s, 1_000_000, ctx);
    const byPack = holders(f);
    const copies = new Map<string, string[]>();
    for (const [p, entries] of byPack) for (const oid of entries.keys()) copies.set(oid, [...(copies.get(oid) ?? []), p]);
    const expected = [...copies]
      .filter(([, ps]) => ps.length > 1)
      .map(([oid]) => oid)
      .sort();
    expect(all.total).toBe(expected.length);
    expect(all.total).toBeGreaterThanOrEqual(16);
    expect(all.duplicates.map((d) => d.oid)).toEqual(expected);
    for (const d of all.duplicates) {
      expect(d.copies.map((c) => c.pack).sort()).toEqual([...(copies.get(d.oid) ?? [])].sort());
      for (const c of d.copies) expect(c.offset).toBe(byPack.get(c.pack)?.get(d.oid));
    }
    const some = await midxDuplicates(s, 5, ctx);
    expect(some.total).toBe(all.total);
    expect(some.duplicates).toEqual(all.duplicates.slice(0, 5));
  });

  it('multi-pack: the copy chosen is the midx OOFF entry, the newest covered pack, what the database reads, and what git reads', async () => {
    const f = fixture('multi-pack');
    const s = await open(f.path);
    const { duplicates } = await midxDuplicates(s, 1_000_000, ctx);
    const midx = MultiPackIndex.open(memorySource('m', new Uint8Array(readFileSync(join(f.packDir, 'multi-pack-index')))));
    const seconds = (c: DuplicateObject['copies'][number]): number => Math.floor(c.mtimeMs / 1000);
    let covered = 0;
    let outside = 0;
    for (const d of duplicates) {
      const hit = midx.locate(Buffer.from(d.oid, 'hex'));
      const loc = s.db.locate(Buffer.from(d.oid, 'hex'));
      expect(loc?.kind === 'packed' && loc.pack.name).toBe(d.chosen);
      if (hit) {
        covered++;
        expect(d.chosen).toBe(midx.packNames[hit.packId].replace(/\.idx$/, ''));
        const chosen = d.copies.find((c) => c.pack === d.chosen);
        const newest = Math.max(...d.copies.filter((c) => c.covered).map(seconds));
        expect(chosen && seconds(chosen)).toBe(newest);
        expect(d.reason).toMatch(/^newest pack: modified last/);
      } else {
        outside++;
        expect(d.copies.every((c) => !c.covered)).toBe(true);
        const newest = Math.max(...d.copies.map((c) => c.mtimeMs));
        expect(d.copies.find((c) => c.pack === d.chosen)?.mtimeMs).toBe(newest);
        expect(d.reason).toMatch(/^not in the multi-pack-index: the packs outside it are searched newest first/);
      }
    }
    expect(covered).toBeGreaterThan(0);
    expect(outside).toBeGreaterThan(0);

    // git 2.39 on the same repository: %(objectsize:disk) tells which copy it read (one process per
    // object, so its most-recently-used pack order starts fresh each time, as ours does).
    const sizeOf = (pack: string, offset: number): number => {
      const p = s.db.packs.find((x) => x.name === pack);
      if (!p) throw new Error(pack);
      return p.entryEnd(offset) - offset;
    };
    let telling = 0;
    for (const d of duplicates) {
      const sizes = d.copies.map((c) => sizeOf(c.pack, c.offset));
      if (new Set(sizes).size < 2) continue;
      const r = git(['--git-dir', join(f.packDir, '../..'), 'cat-file', '--batch-check=%(objectsize:disk)'], { input: `${d.oid}\n` });
      expect(r.status).toBe(0);
      const chosen = d.copies.find((c) => c.pack === d.chosen);
      expect(Number(r.stdout.toString().trim()), d.oid).toBe(chosen && sizeOf(chosen.pack, chosen.offset));
      telling++;
    }
    expect(telling).toBeGreaterThan(3);
  });

  it('modern midx-v2 and midx-incremental: the chosen copy is the one the midx records, with the reason git has', async () => {
    for (const name of ['midx-v2', 'midx-incremental']) {
      const s = await open(modern(name));
      const { total, duplicates } = await midxDuplicates(s, 1_000_000, ctx);
      expect(total, name).toBeGreaterThan(0);
      expect(duplicates).toHaveLength(total);
      for (const d of duplicates) {
        const hit = s.db.midx?.midx.locate(Buffer.from(d.oid, 'hex'));
        if (hit) expect(d.chosen).toBe(s.db.midx?.midx.packNames[hit.packId].replace(/\.idx$/, ''));
        const loc = s.db.locate(Buffer.from(d.oid, 'hex'));
        expect(loc?.kind === 'packed' && loc.pack.name).toBe(d.chosen);
        expect(d.reason.length).toBeGreaterThan(20);
      }
      if (name === 'midx-incremental') expect(duplicates.some((d) => d.reason.startsWith('layer '))).toBe(true);
      if (name === 'midx-v2') expect(duplicates.some((d) => d.reason.includes('searched before the pack it does not cover'))).toBe(true);
    }
  });

  it('one pack: nothing is duplicated', async () => {
    expect(await midxDuplicates(await open(modern('rev-default')), 10, ctx)).toEqual({ total: 0, duplicates: [] });
  });
});

// ------------------------------------------------------------------------------------ write

describe('writeMidx', () => {
  function mustGit(args: string[]): void {
    const r = git(args);
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  }
  /** A bare repository whose pack folder is a copy of the fixture's (file times kept). */
  function bareCopy(f: Fixture): string {
    const dir = join(TMP, `bare-${serial++}`);
    mkdirSync(dir);
    mustGit(['init', '-q', '--bare', dir]);
    cpSync(f.packDir, join(dir, 'objects/pack'), { recursive: true, preserveTimestamps: true });
    return dir;
  }
  function gitWrite(dir: string): Uint8Array {
    mustGit(['--git-dir', dir, 'multi-pack-index', `--object-dir=${join(dir, 'objects')}`, 'write']);
    return new Uint8Array(readFileSync(join(dir, 'objects/pack/multi-pack-index')));
  }

  it('multi-pack: on top of the existing midx, the bytes git 2.39 writes; then the same file again', async () => {
    const dir = bareCopy(fixture('multi-pack'));
    const ours = await writeMidx(await open(dir), portableHasher, ctx);
    expect(ours.sameAsExisting).toBe(false);
    expect(ours.packs).toBe(8);
    expect(ours.objects).toBe(91);
    const theirs = gitWrite(dir);
    expect(Buffer.from(ours.bytes).equals(Buffer.from(theirs))).toBe(true);
    const again = await writeMidx(await open(dir), portableHasher, ctx);
    expect(again.sameAsExisting).toBe(true);
    expect(Buffer.from(again.bytes).equals(Buffer.from(theirs))).toBe(true);
  });

  it('multi-pack: from scratch (no midx), the bytes git 2.39 writes', async () => {
    const dir = bareCopy(fixture('multi-pack'));
    unlinkSync(join(dir, 'objects/pack/multi-pack-index'));
    const ours = await writeMidx(await open(dir), portableHasher, ctx);
    expect(ours.sameAsExisting).toBe(false);
    const theirs = gitWrite(dir);
    expect(Buffer.from(ours.bytes).equals(Buffer.from(theirs))).toBe(true);
    expect(rawMidx(theirs).table.map((c) => c.id)).toEqual(['PNAM', 'OIDF', 'OIDL', 'OOFF']);
  });

  it('demo: the midx already covers both packs, so git keeps it: same bytes', async () => {
    const dir = bareCopy(fixture('demo'));
    const before = new Uint8Array(readFileSync(join(dir, 'objects/pack/multi-pack-index')));
    const ours = await writeMidx(await open(dir), portableHasher, ctx);
    expect(ours.sameAsExisting).toBe(true);
    expect(Buffer.from(ours.bytes).equals(Buffer.from(before))).toBe(true);
    expect(Buffer.from(gitWrite(dir)).equals(Buffer.from(before))).toBe(true);
    unlinkSync(join(dir, 'objects/pack/multi-pack-index'));
    const scratch = await writeMidx(await open(dir), portableHasher, ctx);
    expect(Buffer.from(scratch.bytes).equals(Buffer.from(gitWrite(dir)))).toBe(true);
  });

  it('a version 2 midx is not reused (git 2.39 does not read it): a v1 file over all seven packs', async () => {
    const ours = await writeMidx(await open(modern('midx-v2')), portableHasher, ctx);
    expect(ours.sameAsExisting).toBe(false);
    expect(ours.bytes[4]).toBe(1);
    expect(ours.packs).toBe(7);
    expect(ours.objects).toBe(102);
  });

  it('the handler moves the bytes as a transferable', async () => {
    setSession(await open(fixture('demo').path));
    transfers.length = 0;
    const r = await midxHandlers.writeMidx({}, ctx);
    expect(transfers).toEqual([r.bytes.buffer]);
  });
});

// ------------------------------------------------------------------------------------ companions

describe('companions', () => {
  it('modern cruft: .mtimes times in idx order as git recorded them, the range, the .rev and the .bitmap', async () => {
    const s = await open(modern('cruft'));
    const m = meta(join(MODERN, 'cruft/expect/meta.txt'));
    const cruft = 'pack-3c8034cbb5f345ce04772d0d95c257f0fea54c71';
    transfers.length = 0;
    setSession(s);
    const c = await midxHandlers.companions({ pack: cruft }, ctx);
    const recorded = readFileSync(join(MODERN, `cruft/expect/mtimes-${cruft}.txt`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(l.split(' ')[1]));
    expect(c.mtimes?.error).toBeUndefined();
    expect([...(c.mtimes?.times ?? [])]).toEqual(recorded);
    expect(transfers).toEqual([c.mtimes?.times.buffer]);
    const line = m.get(`cruft ${cruft}`);
    expect(line).toContain(`mtime_min=${c.mtimes?.min}`);
    expect(line).toContain(`mtime_max=${c.mtimes?.max}`);
    expect(line).toContain(`objects=${c.mtimes?.times.length}`);
    expect(c.mtimes?.file).toBe(`${cruft}.mtimes`);
    expect(c.rev).toEqual({ file: `${cruft}.rev`, size: 128, matchesIdx: true });
    expect(c.bitmap).toBeUndefined();
    // A second request hands out a fresh copy: the first one's buffer may have been moved.
    const again = await companions(s, `${cruft}.pack`, ctx);
    expect(again.mtimes?.times).not.toBe(c.mtimes?.times);
    expect([...(again.mtimes?.times ?? [])]).toEqual(recorded);

    // The other pack's bitmap: the type bitmaps' popcounts are its objects by type (git batch-check).
    const other = 'pack-fded45fa59682ed76afa32caffebb27fa05850d4';
    const b = (await companions(s, other, ctx)).bitmap;
    const types = new Map(
      readFileSync(join(MODERN, 'cruft/expect/batch-check.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    const oids = readFileSync(join(MODERN, `cruft/expect/show-index-${other}.txt`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[1]);
    const count = (t: string): number => oids.filter((o) => types.get(o) === t).length;
    expect(b?.typeBitmaps.map((t) => [t.type, t.setBits])).toEqual(['commit', 'tree', 'blob', 'tag'].map((t) => [t, count(t)]));
  });

  it('modern rev-default: bitmap popcounts are the object counts by type; every .rev matches its idx', async () => {
    const s = await open(modern('rev-default'));
    const m = meta(join(MODERN, 'rev-default/expect/meta.txt'));
    const c = await companions(s, 'pack-f519646b74515c44ee7d85e13f89563556aafa21', ctx);
    const byType = Object.fromEntries(
      m
        .get('objects_by_type')
        .split(' ')
        .map((kv) => kv.split('=')),
    );
    expect(c.bitmap?.error).toBeUndefined();
    expect(c.bitmap?.version).toBe(1);
    expect(c.bitmap?.flags).toContain('BITMAP_OPT_FULL_DAG');
    expect(c.bitmap?.entryCount).toBeGreaterThan(0);
    for (const t of c.bitmap?.typeBitmaps ?? []) expect(String(t.setBits), t.type).toBe(byType[t.type]);
    expect(c.bitmap?.typeBitmaps[0].offset).toBe(12 + 20);
    expect(c.rev?.matchesIdx).toBe(true);
    for (const name of ['midx-v2', 'midx-incremental']) {
      const s2 = await open(modern(name));
      for (const g of s2.db.packFiles) expect((await companions(s2, g.name, ctx)).rev?.matchesIdx, `${name} ${g.name}`).toBe(true);
    }
  });

  it('multi-pack: the .keep text; a pack with no companions; an unknown pack is NotFound', async () => {
    const f = fixture('multi-pack');
    const s = await open(f.path);
    const keep = await companions(s, 'pack-1bdc9be111db36f5135a60326728e9c343613110', ctx);
    expect(keep.keep).toEqual({
      file: '.git/objects/pack/pack-1bdc9be111db36f5135a60326728e9c343613110.keep',
      text: readFileSync(join(f.packDir, 'pack-1bdc9be111db36f5135a60326728e9c343613110.keep'), 'utf8'),
    });
    expect(await companions(s, 'pack-ab43fa123a8f32145f40bacd8087e209d57fc641', ctx)).toEqual({ pack: 'pack-ab43fa123a8f32145f40bacd8087e209d57fc641' });
    await expect(companions(s, 'pack-0000', ctx)).rejects.toMatchObject({ kind: 'NotFound' });
  });

  it('a damaged .rev and a .bitmap for another pack are reported with file and offset; the rest still reads', async () => {
    const dir = join(TMP, `companions-${serial++}`);
    cpSync(modern('rev-default'), dir, { recursive: true });
    const pack = 'pack-f519646b74515c44ee7d85e13f89563556aafa21';
    const rev = new Uint8Array(readFileSync(join(dir, `${pack}.rev`)));
    const a = u32(rev, 12 + 5 * 4);
    const b = u32(rev, 12 + 6 * 4);
    rev.set([...rev.subarray(12 + 6 * 4, 12 + 7 * 4)], 12 + 5 * 4);
    rev.set([(a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255], 12 + 6 * 4);
    expect(u32(rev, 12 + 5 * 4)).toBe(b);
    writeFileSync(join(dir, `${pack}.rev`), rev);
    const bitmap = new Uint8Array(readFileSync(join(dir, `${pack}.bitmap`)));
    bitmap[12] ^= 0xff; // the pack checksum it was written for
    writeFileSync(join(dir, `${pack}.bitmap`), bitmap);
    const c = await companions(await open(dir), pack, ctx);
    expect(c.rev?.matchesIdx).toBe(false);
    expect(c.rev?.mismatch?.revEntry?.index).toBe(5);
    expect(c.rev?.mismatch).toMatchObject({ severity: 'error', check: 'cross-check', kind: 'Mismatch', file: `${pack}.rev`, offset: 12 + 5 * 4 });
    expect(c.rev?.error).toBeUndefined();
    expect(c.bitmap?.error).toMatchObject({ kind: 'Mismatch', file: `${pack}.bitmap`, offset: 12 });
    expect(c.bitmap?.typeBitmaps).toEqual([]);
  });
});
