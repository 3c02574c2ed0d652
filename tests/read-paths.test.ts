import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../src/core/bytes/source.ts';
import { SequentialReader } from '../src/core/bytes/sequential-reader.ts';
import { type CachedFile, WindowCache, readExact } from '../src/core/bytes/window-cache.ts';
import { toHex } from '../src/core/hash/hex.ts';
import { typeName } from '../src/core/objects/types.ts';
import { ObjectDatabase } from '../src/core/odb/database.ts';
import { ObjectTableBuilder, type ObjectTable } from '../src/core/odb/object-table.ts';
import { LinkPrefetch } from '../src/core/reach/link-prefetch.ts';
import { ReachabilityWalk } from '../src/core/reach/reachability.ts';
import { PackScan } from '../src/core/scan/pack-scan.ts';
import { PackChecker } from '../src/core/verify/pack-check.ts';
import { discover, nodeHasher, nodeInflater } from '../src/cli/node-host.ts';
import { builtFixtures, expected, modernFixtures, type Fixture } from './support/cli.ts';
import { copyFixture, editFile } from './support/damage.ts';
import { parseEntryHeader } from '../src/core/format/pack.ts';

/**
 * The two ways of reading (DESIGN.md, "Reading at scale"): point reads touch small pages or an
 * entry's exact extent, never a whole window; scans read the pack front to back, each byte once.
 * Counted on a pack many times larger than the budget, where the old window-per-lookup reads
 * thrashed.
 */

const fixtures = [...builtFixtures(), ...modernFixtures()];
const big = fixtures.find((f) => f.name === 'big') as Fixture;

async function open(fixture: Fixture, windowCache: { windowSize: number; budget: number; pageSize?: number; exactPageSize?: number }): Promise<ObjectDatabase> {
  return new ObjectDatabase(await discover(fixture.path), { inflater: nodeInflater, windowCache });
}

/** A fixed pseudo-random sample of the listing's ids (the same every run). */
function sampleIds(fixture: Fixture, count: number): Uint8Array[] {
  const lines = (expected(fixture, 'batch-check.txt') as Buffer).toString('latin1').trim().split('\n');
  let seed = 12345;
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out.push(Buffer.from(lines[seed % lines.length].slice(0, 40), 'hex'));
  }
  return out;
}

describe('window cache: point reads', () => {
  it('serves a held window, loads one small page for a small miss, reads a long miss exactly', () => {
    const bytes = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
    const cache = new WindowCache({ windowSize: 64 << 10, pageSize: 4096, budget: 256 << 10 });
    const file = cache.open(memorySource('f', bytes));
    // A small miss: one 4 KiB page, no window.
    expect(file.readPoint(10_000, 100)[0]).toBe(10_000 & 0xff);
    expect(cache.stats).toMatchObject({ pointReads: 1, bytesRead: 4096, misses: 1 });
    // A neighbour on the same page: a hit, nothing read.
    expect(file.readPoint(9_000, 50)[0]).toBe(9_000 & 0xff);
    expect(cache.stats.bytesRead).toBe(4096);
    // Straddling two pages: the exact extent, not kept.
    expect(file.readPoint(12_250, 200).length).toBe(200);
    expect(cache.stats.bytesRead).toBe(4096 + 200);
    expect(cache.stats.windowsOpen).toBe(1);
    // A window already held serves point reads without touching the source.
    file.read(200_000, 10);
    const before = cache.stats.bytesRead;
    expect(file.readPoint(200_100, 1000)[0]).toBe(200_100 & 0xff);
    expect(cache.stats.bytesRead).toBe(before);
  });

  it('random object reads on a pack 10x the budget read a small multiple of the bytes they use, not a window per lookup', async () => {
    const ids = sampleIds(big, 2000);
    const budget = { windowSize: 256 << 10, budget: 1 << 20 };
    const db = await open(big, budget);
    const pack = db.packs[0];
    expect(pack.data.size).toBeGreaterThan(10 * budget.budget);
    let objectBytes = 0;
    for (const oid of ids) objectBytes += db.read(oid).data.length;
    const stats = db.windows.stats;
    // Every lookup that missed (idx or pack) cost one 16 KiB page or the entry's own extent,
    // never a 256 KiB window: the only windows are the pack order's blocks of the idx.
    expect(stats.bytesRead / stats.pointReads).toBeLessThanOrEqual(db.windows.pageSize * 1.5);
    expect(stats.misses - stats.pointReads).toBeLessThanOrEqual(Math.ceil(pack.idx.source.size / (128 << 10)) + 2);
    // A few pages per object (its delta chain, the idx search), not a window per lookup.
    expect(stats.bytesRead).toBeLessThan(ids.length * 8 * db.windows.pageSize);
    expect(objectBytes).toBeGreaterThan(0);
  });
});

describe('window cache: exact reads (each range visited once)', () => {
  it('serves held pages and windows, and reads a miss alone without loading a page', () => {
    const bytes = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 0xff);
    const cache = new WindowCache({ windowSize: 64 << 10, pageSize: 4096, budget: 256 << 10 });
    const file = cache.open(memorySource('f', bytes));
    expect(readExact(file, 10_000, 100)[5]).toBe((10_005 * 7) & 0xff);
    expect(cache.stats).toMatchObject({ pointReads: 1, bytesRead: 100, windowsOpen: 0 });
    // A page a point read loaded is used, not read again.
    file.readPoint(20_000, 10);
    const afterPage = cache.stats.bytesRead;
    expect(readExact(file, 18_000, 300)[0]).toBe((18_000 * 7) & 0xff);
    expect(cache.stats.bytesRead).toBe(afterPage);
    // So is a window.
    file.read(300_000, 10);
    const afterWindow = cache.stats.bytesRead;
    expect(readExact(file, 300_100, 5000).length).toBe(5000);
    expect(cache.stats.bytesRead).toBe(afterWindow);
    // Where a read costs a page whatever its length (the browser), the miss loads the page.
    const browser = new WindowCache({ windowSize: 64 << 10, pageSize: 16384, budget: 256 << 10, exactPageSize: 4096 });
    const blob = browser.open(memorySource('b', bytes));
    expect(readExact(blob, 10_000, 100)[5]).toBe((10_005 * 7) & 0xff);
    expect(readExact(blob, 10_200, 100)[0]).toBe((10_200 * 7) & 0xff);
    expect(browser.stats).toMatchObject({ pointReads: 1, bytesRead: 4096 });
  });

  it('verify on a pack 10x the budget reads about the pack once through the cache, not a page per entry', async () => {
    const db = await open(big, { windowSize: 256 << 10, budget: 1 << 20 });
    const pack = db.packs[0];
    expect(pack.data.size).toBeGreaterThan(10 * (1 << 20));
    const before = db.windows.stats.bytesRead;
    const checker = new PackChecker(pack, { hasher: nodeHasher, verifyObjects: true, keepRows: false });
    for (const _ of checker.run());
    expect(checker.findings).toEqual([]);
    expect(checker.nonDelta + checker.chainHistogram.reduce((a, b) => a + b, 0)).toBe(pack.idx.count);
    // Entry bytes once (the CRC pass reads the raw file through its own window, not counted
    // here), plus the idx and headers: with a 16 KiB page per entry this was ~20x the pack.
    expect(db.windows.stats.bytesRead - before).toBeLessThan(2 * pack.data.size);
  });

  it('verify reads the deltas of many trees together: few source reads where each costs (the browser)', async () => {
    // The browser's configuration (worker/session.ts), scaled down: a read costs ~1.3 ms there.
    const db = await open(big, { windowSize: 256 << 10, budget: 1 << 20, pageSize: 64 << 10, exactPageSize: 16 << 10 });
    const pack = db.packs[0];
    const raw = (pack.data as CachedFile).source;
    let reads = 0;
    const read = raw.read.bind(raw);
    raw.read = (offset, length) => {
      reads++;
      return read(offset, length);
    };
    const checker = new PackChecker(pack, { hasher: nodeHasher, verifyObjects: true, keepRows: false });
    for (const _ of checker.run());
    expect(checker.findings).toEqual([]);
    const deltas = pack.idx.count - checker.nonDelta;
    expect(deltas).toBeGreaterThan(3_000);
    // 3,872 deltas in a 15 MB pack: 21 reads when the deltas the forward window had passed were
    // read one page at a time, 8 now (4 for the batches). On git.git: 45k reads -> ~2,000.
    expect(checker.deltaBatchReads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(12);
  });
});

describe('transient reads (parsed and dropped: the reachability walk)', () => {
  it('give the bytes a plain read gives, in a buffer the next transient read reuses', async () => {
    const db = await open(big, { windowSize: 256 << 10, budget: 1 << 20 });
    const pack = db.packs[0];
    const { offsets } = pack.packOrder();
    let deltas = 0;
    let reused = 0;
    let previous: Uint8Array | undefined;
    for (let r = 0; r < offsets.length; r++) {
      if (pack.entryHeader(offsets[r]).type < 6) continue; // whole objects are inflated, never reused
      const transient = pack.readObject(offsets[r], true);
      const copy = transient.data.slice();
      if (previous && transient.data.buffer === previous.buffer) reused++;
      const plain = pack.readObject(offsets[r]);
      expect(transient.type).toBe(plain.type);
      expect(Buffer.from(copy).equals(Buffer.from(plain.data))).toBe(true);
      deltas++;
      previous = transient.data;
    }
    expect(deltas).toBeGreaterThan(500);
    expect(reused).toBeGreaterThan(100);
  });
});

describe('reachability: commits and trees pinned before the walk', () => {
  /** The big fixture in the browser's configuration, its pack's raw reads counted; the table's types known. */
  async function walkSetup() {
    const db = await open(big, { windowSize: 256 << 10, budget: 1 << 20, pageSize: 64 << 10, exactPageSize: 16 << 10 });
    const raw = (db.packs[0].data as CachedFile).source;
    const counter = { reads: 0 };
    const read = raw.read.bind(raw);
    raw.read = (offset, length) => {
      counter.reads++;
      return read(offset, length);
    };
    const builder = new ObjectTableBuilder(db);
    while (!builder.step(10_000));
    const table = builder.finish();
    while (!table.scanTypes(10_000));
    return { db, table, counter };
  }

  function walk(table: ObjectTable) {
    const reach = new ReachabilityWalk(table, { refs: new Map() }).run();
    return { mode: reach.mode, reachable: reach.reachableCount, unreachable: [...reach.unreachableRows], roots: reach.roots.length, missing: reach.missing, unreadable: reach.unreadable.length };
  }

  it('reads the commits and trees in a few large reads, then walks without reading, to the same answer', async () => {
    const plain = await walkSetup();
    const before = plain.counter.reads;
    const expectedWalk = walk(plain.table);
    const plainReads = plain.counter.reads - before;
    expect(expectedWalk.reachable).toBeGreaterThan(1000);

    const pinned = await walkSetup();
    const start = pinned.counter.reads;
    const prefetch = new LinkPrefetch(pinned.table, { budgetBytes: 64 << 20, batchBytes: 1 << 20, gapBytes: 128 << 10, maxReadBytes: 4 << 20 });
    let steps = 0;
    while (!prefetch.step()) steps++;
    expect(steps).toBeGreaterThan(0);
    expect(prefetch.loadedBytes).toBe(prefetch.plannedBytes);
    expect(prefetch.overBudgetExtents).toBe(0);
    const prefetchReads = pinned.counter.reads - start;
    expect(prefetchReads).toBe(prefetch.sourceReads);
    const afterPrefetch = pinned.counter.reads;
    expect(walk(pinned.table)).toEqual(expectedWalk);
    // The walk read nothing: every commit, tree and tag (and their delta bases) was pinned.
    expect(pinned.counter.reads - afterPrefetch).toBe(0);
    expect(prefetchReads).toBeLessThan(plainReads / 4);
    prefetch.release();
    // Released: reads go to the source again.
    pinned.db.windows.clear();
    walk(pinned.table);
    expect(pinned.counter.reads).toBeGreaterThan(afterPrefetch);
  });

  it('pins no more than its budget; the walk reads the rest and answers the same', async () => {
    const plain = await walkSetup();
    const expectedWalk = walk(plain.table);
    const small = await walkSetup();
    const prefetch = new LinkPrefetch(small.table, { budgetBytes: 256 << 10, batchBytes: 64 << 10, gapBytes: 16 << 10, maxReadBytes: 1 << 20 });
    while (!prefetch.step());
    expect(prefetch.plannedBytes).toBeLessThanOrEqual(256 << 10);
    expect(prefetch.overBudgetExtents).toBeGreaterThan(0);
    const afterPrefetch = small.counter.reads;
    expect(walk(small.table)).toEqual(expectedWalk);
    expect(small.counter.reads).toBeGreaterThan(afterPrefetch);
    prefetch.release();
  });
});

describe('sequential reader', () => {
  it('reads a file front to back once, in windows, and keeps only one', () => {
    const bytes = new Uint8Array(1_000_000).map((_, i) => (i * 7) & 0xff);
    const reader = new SequentialReader(memorySource('f', bytes), 1 << 16);
    for (let at = 0; at + 300 <= bytes.length; at += 250) {
      const view = reader.read(at, 300);
      expect(view[299]).toBe(((at + 299) * 7) & 0xff);
    }
    // Each window starts where a read left the previous one: at most 300 bytes read twice per window.
    expect(reader.bytesRead).toBeLessThan(bytes.length * 1.01);
    expect(reader.sourceReads).toBeLessThanOrEqual(Math.ceil(bytes.length / ((1 << 16) - 300)) + 1);
  });
});

/** `git verify-pack -v` rows: `<oid> <type> <size> <size-in-pack> <offset> [<depth> <base>]`. */
function verifyPackRows(text: string): Map<string, { type: string; size: number; stored: number; offset: number; depth: number; base?: string }> {
  const rows = new Map();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40,64}) (\w+)\s+(\d+) (\d+) (\d+)(?: (\d+) ([0-9a-f]+))?$/.exec(line);
    if (!m) continue;
    rows.set(m[1], { type: m[2], size: Number(m[3]), stored: Number(m[4]), offset: Number(m[5]), depth: m[6] ? Number(m[6]) : 0, base: m[7] });
  }
  return rows;
}

describe("the object table's types against git cat-file --batch-check", () => {
  const withListing = fixtures.map((f) => ({ fixture: f, text: expected(f, 'batch-check.txt') })).filter((c) => c.text && c.text.length > 0);

  it('has fixtures to compare (several packs, a multi-pack-index, loose objects)', () => {
    expect(withListing.length).toBeGreaterThan(5);
  });

  for (const { fixture, text } of withListing) {
    it(`${fixture.name}: every row's type, from the scan's arrays by idx position or by lookup`, async () => {
      const db = await open(fixture, { windowSize: 1 << 16, budget: 4 << 20 });
      const builder = new ObjectTableBuilder(db);
      while (!builder.step(1000));
      const table = builder.finish();
      while (!table.scanTypes(500));
      const git = new Map(
        (text as Buffer)
          .toString('latin1')
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(' ')), line.split(' ')[1]] as const),
      );
      expect(table.count).toBe(git.size);
      const mismatches: string[] = [];
      for (let r = 0; r < table.count && mismatches.length < 5; r++) {
        const oid = table.oidHexAt(r);
        if (typeName(table.types[r]) !== git.get(oid)) mismatches.push(`${oid}: git ${git.get(oid)}, ours ${table.types[r]}`);
      }
      expect(mismatches).toEqual([]);
    });
  }
});

describe('pack-order scan against git verify-pack -v', () => {
  const withExpectations = fixtures.flatMap((f) => f.packs.map((p) => ({ fixture: f, pack: p, text: expected(f, `verify-pack-${p}.txt`) }))).filter((c) => c.text && c.text.length > 0);

  it('has packs to compare', () => {
    expect(withExpectations.length).toBeGreaterThan(5);
  });

  for (const { fixture, pack: name, text } of withExpectations) {
    it(`${fixture.name}/${name}: every entry's type, declared size, stored size, offset, depth and base`, async () => {
      const db = await open(fixture, { windowSize: 1 << 16, budget: 4 << 20 });
      const pack = db.packs.find((p) => p.name === name);
      expect(pack).toBeDefined();
      if (!pack) return;
      const git = verifyPackRows((text as Buffer).toString('latin1'));
      const scan = new PackScan(pack, 1 << 16);
      let slices = 0;
      while (!scan.step(2)) slices++;
      expect(slices).toBeGreaterThanOrEqual(0);
      // The scan read the pack once, front to back, outside the window cache (which holds only
      // what building the pack order read: the idx's offsets and the .rev).
      expect(scan.readStats.bytesRead).toBeLessThanOrEqual(pack.data.size * 1.05 + 4096);
      expect(db.windows.stats.bytesRead).toBeLessThan(pack.idx.source.size + pack.count * 4 + 65536 * 2);
      expect(scan.unreadable).toBe(0);
      expect(scan.count).toBe(git.size);
      const mismatches: string[] = [];
      for (let r = 0; r < scan.count && mismatches.length < 5; r++) {
        const oid = pack.idx.oidHexAt(scan.positions[r]);
        const row = git.get(oid);
        const stored = (r + 1 < scan.count ? scan.offsets[r + 1] : scan.entriesEnd) - scan.offsets[r];
        const ours = {
          type: typeName(scan.types[r]),
          size: scan.declaredSizes[r],
          stored,
          offset: scan.offsets[r],
          depth: scan.depths[r],
          base: scan.baseRanks[r] >= 0 ? pack.idx.oidHexAt(scan.positions[scan.baseRanks[r]]) : undefined,
        };
        if (!row || row.type !== ours.type || row.size !== ours.size || row.stored !== ours.stored || row.offset !== ours.offset || row.depth !== ours.depth || row.base !== ours.base) {
          mismatches.push(`${oid}: git ${JSON.stringify(row)}, ours ${JSON.stringify(ours)}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('types first (the type filter): no delta is inflated until sizes are wanted; then the same arrays as one pass', async () => {
    for (const fixture of fixtures.filter((f) => ['varied', 'long-chains', 'ref-delta', 'multi-pack'].includes(f.name))) {
      let prefixes = 0;
      const counting = {
        ...nodeInflater,
        inflatePrefix: (input: Uint8Array, want: number, varints?: number) => {
          prefixes++;
          return nodeInflater.inflatePrefix(input, want, varints);
        },
      };
      const onePass = await open(fixture, { windowSize: 1 << 16, budget: 4 << 20 });
      const twoPass = new ObjectDatabase(await discover(fixture.path), { inflater: counting, windowCache: { windowSize: 1 << 16, budget: 4 << 20 } });
      for (let i = 0; i < onePass.packs.length; i++) {
        const a = new PackScan(onePass.packs[i], 1 << 16);
        a.step(Infinity);
        const b = new PackScan(twoPass.packs[i], 1 << 16);
        prefixes = 0;
        while (!b.step(1, 'types'));
        expect(b.done).toBe(false);
        expect(prefixes, `${fixture.name}: delta starts inflated by the types pass`).toBe(0);
        expect(Buffer.from(b.types)).toEqual(Buffer.from(a.types));
        expect(Array.from(b.depths)).toEqual(Array.from(a.depths));
        // The object list's types answer from the header pass already.
        for (let r = 0; r < Math.min(500, a.count); r++) expect(twoPass.packs[i].scannedTypeAt(a.positions[r])).toBe(a.types[r]);
        while (!b.step(1));
        const deltas = Array.from(a.entryTypes).filter((t) => t === 6 || t === 7).length;
        expect(prefixes).toBe(deltas);
        expect(Array.from(b.sizes)).toEqual(Array.from(a.sizes));
        expect(Array.from(b.baseRanks)).toEqual(Array.from(a.baseRanks));
        expect(b.unreadable).toBe(a.unreadable);
        // Two passes, each reading the pack about once.
        expect(b.readStats.bytesRead).toBeLessThanOrEqual(2 * (onePass.packs[i].data.size * 1.05 + 4096));
      }
    }
  });

  it('types first on a damaged pack: a delta whose data does not inflate is unreadable with every delta built on it, as in one pass', async () => {
    const copy = copyFixture('long-chains');
    try {
      const packPath = join(copy.packDir, `${copy.packs[0]}.pack`);
      const intact = await new ObjectDatabase(await discover(copy.gitDir), { inflater: nodeInflater });
      const scan = new PackScan(intact.packs[0]);
      scan.step(Infinity);
      // A delta that other deltas are built on, near the middle of the pack.
      const bases = new Set(Array.from(scan.baseRanks).filter((b) => b >= 0));
      const victim = [...bases].find((r) => r > scan.count / 2 && (scan.entryTypes[r] === 6 || scan.entryTypes[r] === 7)) as number;
      expect(victim).toBeDefined();
      const bytes = readFileSync(packPath);
      const header = parseEntryHeader(bytes, scan.offsets[victim], scan.offsets[victim], bytes.length, intact.ctx.algo, 'p');
      editFile(copy, packPath, (b) => {
        b[header.dataOffset] = 0xff; // not a zlib header
      });
      const results = [];
      for (const want of ['all', 'types'] as const) {
        const db = new ObjectDatabase(await discover(copy.gitDir), { inflater: nodeInflater });
        const s = new PackScan(db.packs[0]);
        s.step(Infinity, want);
        s.step(Infinity);
        results.push({ unreadable: s.unreadable, depths: Array.from(s.depths), types: Buffer.from(s.types) });
      }
      expect(results[0].unreadable).toBeGreaterThan(1);
      expect(results[1]).toEqual(results[0]);
    } finally {
      copy.remove();
    }
  });

  it('answers objectInfo from the scan without reading the pack again', async () => {
    const db = await open(big, { windowSize: 1 << 20, budget: 4 << 20 });
    db.scanAllPacks();
    const before = db.windows.stats.pointReads;
    const lines = readFileSync(join(big.expect, 'batch-check.txt'), 'latin1').trim().split('\n');
    for (const line of lines.slice(0, 5000)) {
      const [hex, type, size] = line.split(' ');
      const oid = Buffer.from(hex, 'hex');
      const loc = db.locate(oid);
      if (!loc) throw new Error(`${hex} not found`);
      expect(db.infoAt(loc), hex).toEqual({ type, size: Number(size) });
      expect(toHex(oid)).toBe(hex);
    }
    // Only the idx's pages were read (to find each id), none of the pack's.
    expect(db.windows.stats.pointReads - before).toBeLessThanOrEqual(Math.ceil(db.packs[0].idx.source.size / db.windows.pageSize));
  });
});
