import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { Cancelled, yieldNow, type HandlerContext } from '../src/protocol/rpc.ts';
import { Session } from '../src/worker/session.ts';
import { setSession } from '../src/worker/state.ts';
import { packHandlers } from '../src/worker/anatomy/pack-handlers.ts';
import { PackScan } from '../src/core/scan/pack-scan.ts';
import { scanOf } from '../src/worker/anatomy/pack/scan.ts';
import { histogramLines } from '../src/app/views/pack/histogram.ts';
import type { ObjectType } from '../src/core/objects/types.ts';
import { builtFixtures, type Fixture } from './support/cli.ts';

/**
 * The pack and idx anatomy requests against git's own answers on the fixtures:
 * `git verify-pack -v` (rows in offset order, the chain histogram), `git show-index`, and
 * `git cat-file --batch-check` (object sizes).
 */

const ctx: HandlerContext = { progress: () => {}, checkCancelled: () => {}, pause: async () => {}, transfer: () => {} };
const fixtures = builtFixtures();
const fixture = (name: string) => fixtures.find((f) => f.name === name) as Fixture;

interface VerifyRow {
  oid: string;
  type: ObjectType;
  size: number;
  stored: number;
  offset: number;
  depth: number;
  base?: string;
}

/** `git verify-pack -v` output: the rows, and the summary lines after them. */
function verifyPack(f: Fixture, pack: string): { rows: VerifyRow[]; summary: string[] } {
  const lines = readFileSync(join(f.expect, `verify-pack-${pack}.txt`), 'latin1').split('\n');
  const rows: VerifyRow[] = [];
  const summary: string[] = [];
  for (const line of lines) {
    const p = line.split(/\s+/);
    if (/^[0-9a-f]{40,64}$/.test(p[0]) && (p.length === 5 || p.length === 7)) {
      const row: VerifyRow = { oid: p[0], type: p[1] as ObjectType, size: Number(p[2]), stored: Number(p[3]), offset: Number(p[4]), depth: p.length === 7 ? Number(p[5]) : 0 };
      if (p.length === 7) row.base = p[6];
      rows.push(row);
    } else if (/^(non delta|chain length)/.test(line)) summary.push(line);
  }
  return { rows, summary };
}

/** `git cat-file --batch-all-objects --batch-check`: id -> size. */
function objectSizes(f: Fixture): Map<string, number> {
  const lines = readFileSync(join(f.expect, 'batch-check.txt'), 'latin1').trim().split('\n');
  return new Map(lines.map((l) => l.split(' ')).map(([oid, , size]) => [oid, Number(size)]));
}

/** The entry kinds git's meta.txt records for each pack (`entries=blob:29,ofs-delta:57,…`). */
function entryKinds(f: Fixture, pack: string): Record<string, number> {
  const meta = readFileSync(join(f.expect, 'meta.txt'), 'utf8');
  const line = meta.split('\n').find((l) => l.startsWith(`pack ${pack}:`)) as string;
  const kinds: Record<string, number> = { commit: 0, tree: 0, blob: 0, tag: 0, 'ofs-delta': 0, 'ref-delta': 0 };
  for (const part of (/entries=(\S+)/.exec(line) as RegExpExecArray)[1].split(',')) {
    const [k, v] = part.split(':');
    kinds[k] = Number(v);
  }
  return kinds;
}

async function open(f: Fixture): Promise<Session> {
  return setSession(await Session.open(f.name, fsDirectoryReader(f.path)));
}

const statsCases = ['varied', 'long-chains', 'ref-delta', 'multi-pack', 'sha256', 'large-blobs'].flatMap((name) => {
  const f = fixture(name);
  return f ? f.packs.map((pack) => [`${name} ${pack.slice(0, 12)}`, f, pack] as [string, Fixture, string]) : [];
});

describe('packStats against git verify-pack -v', () => {
  it.each(statsCases)('%s', async (_label, f, pack) => {
    await open(f);
    const { rows, summary } = verifyPack(f, pack);
    const stats = await packHandlers.packStats({ pack }, ctx);
    expect(stats.objects).toBe(rows.length);
    expect(stats.unreadable).toBe(0);
    expect(stats.problems).toEqual([]);
    // The histogram, line for line as git prints it.
    expect(histogramLines(stats)).toEqual(summary);
    expect(stats.nonDelta).toBe(rows.filter((r) => r.depth === 0).length);
    // Objects by resolved type.
    const byType: Record<string, number> = { commit: 0, tree: 0, blob: 0, tag: 0 };
    for (const r of rows) byType[r.type]++;
    expect(stats.byType).toEqual(byType);
    // Entries by stored kind.
    expect(stats.byEntryType).toEqual(entryKinds(f, pack));
    expect(stats.ofsDeltas).toBe(stats.byEntryType['ofs-delta']);
    expect(stats.refDeltas).toBe(stats.byEntryType['ref-delta']);
    // Stored bytes: the sum of the stored-size column, per type and in all.
    const stored = rows.reduce((s, r) => s + r.stored, 0);
    expect(stats.storedBytes).toBe(stored);
    expect(stats.storedBytes).toBe(stats.packBytes - 12 - (f.name === 'sha256' ? 32 : 20));
    for (const t of ['commit', 'tree', 'blob', 'tag'] as const) expect(stats.storedByType[t]).toBe(rows.filter((r) => r.type === t).reduce((s, r) => s + r.stored, 0));
    // Inflated bytes: every object's own size (a delta's target size), as cat-file reports it.
    const sizes = objectSizes(f);
    for (const t of ['commit', 'tree', 'blob', 'tag'] as const) expect(stats.sizeByType[t]).toBe(rows.filter((r) => r.type === t).reduce((s, r) => s + (sizes.get(r.oid) as number), 0));
    expect(stats.inflatedBytes).toBe(rows.reduce((s, r) => s + (sizes.get(r.oid) as number), 0));
    // The largest objects, by size.
    const bySize = rows.map((r) => sizes.get(r.oid) as number).sort((a, b) => b - a);
    expect(stats.largest.map((l) => l.size)).toEqual(bySize.slice(0, 20));
    for (const l of stats.largest) {
      const row = rows.find((r) => r.oid === l.oid) as VerifyRow;
      expect([l.type, l.offset, l.storedSize, l.depth]).toEqual([row.type, row.offset, row.stored, row.depth]);
    }
  });
});

describe('packMap against git verify-pack -v', () => {
  it.each(['varied', 'ref-delta', 'long-chains'])('%s: offsets, stored sizes, types and depths of every entry', async (name) => {
    const f = fixture(name);
    const session = await open(f);
    const pack = f.packs[0];
    const { rows } = verifyPack(f, pack);
    const transferred: ArrayBuffer[] = [];
    const map = await packHandlers.packMap({ pack }, { ...ctx, transfer: (...b) => transferred.push(...b) });
    const sorted = [...rows].sort((a, b) => a.offset - b.offset);
    expect(Array.from(map.offsets)).toEqual(sorted.map((r) => r.offset));
    expect(Array.from(map.storedSizes)).toEqual(sorted.map((r) => r.stored));
    expect(Array.from(map.depths)).toEqual(sorted.map((r) => r.depth));
    const numbers: Record<string, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };
    expect(Array.from(map.types)).toEqual(sorted.map((r) => numbers[r.type]));
    expect(Array.from(map.entryTypes)).toEqual(sorted.map((r) => (r.depth === 0 ? numbers[r.type] : name === 'ref-delta' ? 7 : 6)));
    // Positions name the right ids (the idx is sorted by id).
    const byId = [...rows].map((r) => r.oid).sort();
    expect(Array.from(map.positions).map((p) => byId[p])).toEqual(sorted.map((r) => r.oid));
    expect(map.packBytes).toBe(sorted[sorted.length - 1].offset + sorted[sorted.length - 1].stored + 20);
    // Every array moves, none is the scan's own.
    expect(transferred.length).toBe(6);
    expect(scanOf(session, pack).offsets).not.toBe(map.offsets);
  });
});

describe('the scan', () => {
  it('is kept in the session, and resumes where a cancelled request stopped', async () => {
    const f = fixture('big');
    const session = await open(f);
    const pack = f.packs[0];
    // Cancelled after its first slice (the job queue checks each waiter between slices).
    let checks = 0;
    const cancelling: HandlerContext = {
      ...ctx,
      checkCancelled: () => {
        if (++checks > 1) throw new Cancelled();
      },
    };
    await expect(packHandlers.packStats({ pack }, cancelling)).rejects.toBeInstanceOf(Cancelled);
    const scan = scanOf(session, pack);
    const read = scan.scanned;
    expect(read).toBeGreaterThan(0);
    expect(scan.done).toBe(false);
    let firstProgress = -1;
    const stats = await packHandlers.packStats({ pack }, { ...ctx, progress: (done) => void (firstProgress < 0 && (firstProgress = done)) });
    expect(firstProgress).toBeGreaterThan(read);
    expect(scanOf(session, pack)).toBe(scan);
    expect(histogramLines(stats)).toEqual(verifyPack(f, pack).summary);
    // Asked again: the same answer, not a second scan.
    expect(await packHandlers.packStats({ pack }, ctx)).toBe(stats);
  });

  it('answers other requests while it scans', async () => {
    const f = fixture('big');
    await open(f);
    const pack = f.packs[0];
    const yielding: HandlerContext = { ...ctx, pause: () => yieldNow() };
    let scanned = false;
    const scanning = Promise.resolve(packHandlers.packStats({ pack }, yielding)).then(() => (scanned = true));
    await yieldNow();
    const page = await packHandlers.idxEntries({ pack, start: 5, count: 3 }, ctx);
    expect(page.rows.map((r) => r.position)).toEqual([5, 6, 7]);
    expect(scanned).toBe(false);
    await scanning;
    expect(scanned).toBe(true);
  });

  it('reports progress and yields between slices', async () => {
    const f = fixture('long-chains');
    const session = await open(f);
    const scan = new PackScan(session.db.packs[0]);
    let slices = 0;
    while (!scan.step(0)) slices++;
    expect(slices).toBeGreaterThan(10);
    expect(scan.unreadable).toBe(0);
  });

  it('counts damaged entries, names each with file and offset, and keeps reading the rest', async () => {
    const f = fixture('varied');
    const dir = mkdtempSync(join(tmpdir(), 'pk-damaged-'));
    try {
      cpSync(join(f.path, '.git'), join(dir, '.git'), { recursive: true });
      const pack = f.packs[0];
      const packPath = join(dir, '.git/objects/pack', `${pack}.pack`);
      const bytes = readFileSync(packPath);
      const rows = verifyPack(f, pack).rows.sort((a, b) => a.offset - b.offset);
      // A whole object with a broken type, and the base of a chain (its deltas fail with it).
      const broken = rows.find((r) => r.type === 'commit' && r.depth === 0) as VerifyRow;
      const base = rows.find((r) => r.depth === 0 && rows.some((d) => d.base === r.oid)) as VerifyRow;
      bytes[broken.offset] &= 0x8f;
      bytes[base.offset] &= 0x8f;
      writeFileSync(packPath, bytes);
      await open({ ...f, path: dir });
      const stats = await packHandlers.packStats({ pack }, ctx);
      // The chain below the base: every delta whose chain reaches it.
      const below = new Set<string>([base.oid]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const r of rows) {
          if (r.base && below.has(r.base) && !below.has(r.oid)) {
            below.add(r.oid);
            grew = true;
          }
        }
      }
      expect(stats.unreadable).toBe(1 + below.size);
      expect(stats.objects).toBe(rows.length);
      const problems = stats.problems ?? [];
      expect(problems.map((p) => p.offset)).toContain(broken.offset);
      expect(problems.map((p) => p.offset)).toContain(base.offset);
      for (const p of problems) expect(p.file).toBe(`.git/objects/pack/${pack}.pack`);
      expect(problems.find((p) => p.offset === broken.offset)?.kind).toBe('CorruptObject');
      const firstDelta = rows.find((r) => r.base === base.oid) as VerifyRow;
      expect(problems.find((p) => p.offset === firstDelta.offset)?.detail).toBe(`the delta's base, the entry at offset ${base.offset}, could not be read`);
      // Everything else still counts.
      expect(stats.byType.commit + stats.byType.tree + stats.byType.blob + stats.byType.tag).toBe(rows.length - stats.unreadable);
      const map = await packHandlers.packMap({ pack }, ctx);
      expect(Array.from(map.offsets)).toEqual(rows.map((r) => r.offset));
      expect(map.types.filter((t) => t === 0).length).toBe(stats.unreadable);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a pack that is not there', async () => {
    await open(fixture('varied'));
    await expect(packHandlers.packStats({ pack: 'pack-0000' }, ctx)).rejects.toMatchObject({ kind: 'NotFound' });
    await expect(Promise.resolve().then(() => packHandlers.idxAnatomy({ pack: 'pack-0000' }, ctx))).rejects.toMatchObject({ kind: 'NotFound' });
  });
});

/** `git show-index` lines: `offset oid (crc)` (v2) or `offset oid` (v1), in idx order. */
function showIndex(f: Fixture, pack: string): { offset: number; oid: string; crc?: number }[] {
  return readFileSync(join(f.expect, `show-index-${pack}.txt`), 'latin1')
    .trim()
    .split('\n')
    .map((l) => {
      const [offset, oid, crc] = l.split(' ');
      const row: { offset: number; oid: string; crc?: number } = { offset: Number(offset), oid };
      if (crc) row.crc = parseInt(crc.slice(1, -1), 16);
      return row;
    });
}

describe('idxAnatomy and idxEntries against git show-index', () => {
  it.each(['idx-v1', 'idx-v2-large', 'varied', 'sha256'])('%s', async (name) => {
    const f = fixture(name);
    await open(f);
    const pack = f.packs[0];
    const expected = showIndex(f, pack);
    const H = name === 'sha256' ? 32 : 20;
    const anatomy = await packHandlers.idxAnatomy({ pack }, ctx);
    const size = readFileSync(join(f.packDir, `${pack}.idx`)).length;
    expect(anatomy.file.endsWith(`objects/pack/${pack}.idx`)).toBe(true);
    expect(anatomy.fileSize).toBe(size);
    expect(anatomy.objects).toBe(expected.length);
    expect(anatomy.version).toBe(name === 'idx-v1' ? 1 : 2);
    expect(anatomy.fanout[255]).toBe(expected.length);
    for (let b = 0; b < 256; b++) expect(anatomy.fanout[b]).toBe(expected.filter((e) => parseInt(e.oid.slice(0, 2), 16) <= b).length);
    // The regions tile the file, in order, without gaps.
    let at = 0;
    for (const r of anatomy.regions) {
      expect(r.offset).toBe(at);
      at += r.length;
    }
    expect(at).toBe(size);
    const bytes = readFileSync(join(f.packDir, `${pack}.idx`));
    expect(anatomy.checksum).toBe(bytes.subarray(size - H).toString('hex'));
    expect(anatomy.packChecksum).toBe(bytes.subarray(size - 2 * H, size - H).toString('hex'));
    expect(anatomy.packChecksum).toBe(
      readFileSync(join(f.packDir, `${pack}.pack`))
        .subarray(-H)
        .toString('hex'),
    );
    for (const field of anatomy.header) {
      if (field.name === 'version') expect(bytes.readUInt32BE(field.offset)).toBe(2);
      if (field.name.startsWith('fanout')) expect(bytes.readUInt32BE(field.offset)).toBe(expected.length);
    }

    const rows = [];
    for (let start = 0; start < expected.length; start += 50) rows.push(...(await packHandlers.idxEntries({ pack, start, count: 50 }, ctx)).rows);
    expect(rows.map((r) => ({ offset: r.offset, oid: r.oid, ...(r.crc !== undefined ? { crc: r.crc } : {}) }))).toEqual(expected);
    expect(rows.map((r) => r.position)).toEqual(expected.map((_, i) => i));

    const large = rows.filter((r) => r.large);
    expect(large.length).toBe(anatomy.largeOffsets);
    const regionOf = (n: string) => anatomy.regions.find((r) => r.name === n);
    if (name === 'idx-v2-large') {
      expect(anatomy.largeOffsets).toBe(167);
      expect(regionOf('8-byte offsets')?.length).toBe(167 * 8);
      // Each 64-bit slot holds the offset of the entry that points to it.
      const table = await packHandlers.idxEntries({ pack, start: 0, count: 1000, largeOnly: true }, ctx);
      expect(table.rows.map((r) => r.largeIndex)).toEqual(large.map((_, k) => k));
      const slotAt = regionOf('8-byte offsets')?.offset as number;
      for (const r of table.rows) {
        expect(r.position).toBeGreaterThanOrEqual(0);
        expect(r.offset).toBe(expected[r.position].offset);
        expect(Number(bytes.readBigUInt64BE(slotAt + (r.largeIndex as number) * 8))).toBe(r.offset);
      }
      expect(new Set(table.rows.map((r) => r.position))).toEqual(new Set(large.map((r) => r.position)));
    } else {
      expect(anatomy.largeOffsets).toBe(0);
      expect((await packHandlers.idxEntries({ pack, start: 0, count: 10, largeOnly: true }, ctx)).rows).toEqual([]);
    }
  });

  it('caps a page and refuses a negative start', async () => {
    const f = fixture('long-chains');
    await open(f);
    const pack = f.packs[0];
    expect((await packHandlers.idxEntries({ pack, start: 0, count: 1e9 }, ctx)).rows.length).toBe(2000);
    expect((await packHandlers.idxEntries({ pack, start: 9000, count: 100 }, ctx)).rows.length).toBe(2);
    await expect(Promise.resolve().then(() => packHandlers.idxEntries({ pack, start: -1, count: 5 }, ctx))).rejects.toMatchObject({ kind: 'OutOfRange' });
  });
});
