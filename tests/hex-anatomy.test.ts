import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { fromHex } from '../src/core/hash/hex.ts';
import type { HexAnnotation, HexWindow } from '../src/protocol/anatomy.ts';
import { deltaSteps } from '../src/core/anatomy/hex/delta-steps.ts';
import { folderFileList } from '../src/core/anatomy/hex/files.ts';
import { MAX_HEX_WINDOW, hexWindow } from '../src/core/anatomy/hex/window.ts';
import { Session } from '../src/worker/session.ts';
import { MODERN, builtFixtures, type Fixture } from './support/cli.ts';

/**
 * The annotated hex view and the delta instructions, checked against git's own answers on the
 * fixtures: `verify-pack -v` rows (type, size, stored size, offset, depth, base) and
 * `show-index` lines (offset, id, CRC32).
 */

const fixtures = builtFixtures();
const fixture = (name: string): Fixture => fixtures.find((f) => f.name === name) as Fixture;

interface VerifyRow {
  oid: string;
  type: string;
  size: number;
  stored: number;
  offset: number;
  depth: number;
  base?: string;
}

function verifyRows(f: Fixture, pack: string): VerifyRow[] {
  return readFileSync(join(f.expect, `verify-pack-${pack}.txt`), 'latin1')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((p) => (p.length === 5 || p.length === 7) && /^[0-9a-f]{40}$/.test(p[0]))
    .map((p) => ({ oid: p[0], type: p[1], size: Number(p[2]), stored: Number(p[3]), offset: Number(p[4]), depth: p.length === 7 ? Number(p[5]) : 0, ...(p.length === 7 ? { base: p[6] } : {}) }));
}

function showIndex(f: Fixture, pack: string): { offset: number; oid: string; crc?: string }[] {
  return readFileSync(join(f.expect, `show-index-${pack}.txt`), 'latin1')
    .trim()
    .split('\n')
    .map((l) => {
      const m = /^(\d+) ([0-9a-f]+)(?: \(([0-9a-f]{8})\))?$/.exec(l) as RegExpExecArray;
      return { offset: Number(m[1]), oid: m[2], ...(m[3] ? { crc: m[3] } : {}) };
    });
}

/** Every annotation of a whole file, read window by window as the view does. */
function wholeFile(session: Session, file: string, size: number): HexAnnotation[] {
  const all = new Map<string, HexAnnotation>();
  for (let at = 0; at < size; at += MAX_HEX_WINDOW) {
    const w = hexWindow(session, file, at, MAX_HEX_WINDOW);
    expect(w.error).toBeUndefined();
    for (const a of w.annotations) all.set(`${a.start}:${a.end}:${a.label}`, a);
  }
  return [...all.values()];
}

const open = (f: Fixture) => Session.open(f.name, fsDirectoryReader(f.path));
const pathOf = (s: Session, suffix: string) => folderFileList(s.files).find((f) => f.path.endsWith(suffix))?.path as string;

describe('folder files', () => {
  it('lists every file the session knows with its kind and size', async () => {
    const f = fixture('multi-pack');
    const s = await open(f);
    const files = folderFileList(s.files);
    for (const pack of f.packs) {
      const packFile = files.find((x) => x.path.endsWith(`${pack}.pack`));
      expect(packFile?.kind).toBe('pack');
      expect(packFile?.size).toBe(statSync(join(f.packDir, `${pack}.pack`)).size);
      expect(files.find((x) => x.path.endsWith(`${pack}.idx`))?.kind).toBe('idx');
    }
    expect(files.find((x) => x.path.endsWith('multi-pack-index'))?.kind).toBe('midx');
    expect(files.find((x) => x.path.endsWith('.keep'))?.kind).toBe('keep');
    expect(files.some((x) => x.kind === 'ref' && x.path.endsWith('HEAD'))).toBe(true);
  });
});

describe('pack entries', () => {
  let session: Session;
  let packPath: string;
  let rows: VerifyRow[];
  beforeAll(async () => {
    const f = fixture('varied');
    session = await open(f);
    packPath = pathOf(session, `${f.packs[0]}.pack`);
    rows = verifyRows(f, f.packs[0]);
  });

  it('labels each entry header with the type and size git verify-pack prints', () => {
    expect(rows.length).toBeGreaterThan(100);
    const byOid = new Map(rows.map((r) => [r.oid, r]));
    for (const row of rows) {
      const w = hexWindow(session, packPath, row.offset, 64);
      const header = w.annotations.find((a) => a.kind === 'entry-header' && a.start === row.offset) as HexAnnotation;
      expect(header, `entry at ${row.offset}`).toBeDefined();
      expect(header.oid).toBe(row.oid);
      expect(header.detail).toContain(row.depth > 0 ? `of a ${row.type}: ${row.size} bytes of delta data` : `${row.type}, ${row.size} bytes`);
      expect(header.label).toBe(row.depth > 0 ? 'type+size: ofs-delta' : `type+size: ${row.type}`);
      // The zlib stream ends where git says the entry ends.
      const wEnd = hexWindow(session, packPath, row.offset, row.stored);
      const adler = wEnd.annotations.find((a) => a.label === 'Adler-32' && a.oid === row.oid) as HexAnnotation;
      expect(adler.end).toBe(row.offset + row.stored);
      if (row.depth > 0) {
        const base = w.annotations.find((a) => a.kind === 'delta-base' && a.oid !== undefined && a.start > row.offset && a.start < row.offset + 16) as HexAnnotation;
        expect(base.oid).toBe(row.base);
        expect(base.target).toEqual({ file: packPath, offset: byOid.get(row.base as string)?.offset });
      }
    }
  });

  it('annotates the pack header and trailer, and every entry overlapping a window', () => {
    const w = hexWindow(session, packPath, 0, MAX_HEX_WINDOW);
    expect(w.bytes.length).toBe(statSync(join(fixture('varied').packDir, `${fixture('varied').packs[0]}.pack`)).size);
    expect(w.annotations.slice(0, 3).map((a) => [a.start, a.end, a.label])).toEqual([
      [0, 4, 'signature'],
      [4, 8, 'version'],
      [8, 12, 'number of entries'],
    ]);
    expect(w.annotations.find((a) => a.label === 'number of entries')?.detail).toContain(`${rows.length} entries`);
    const headers = w.annotations.filter((a) => a.kind === 'entry-header');
    expect(headers.map((a) => a.start).sort((a, b) => a - b)).toEqual(rows.map((r) => r.offset).sort((a, b) => a - b));
    expect(w.annotations[w.annotations.length - 1]).toMatchObject({ kind: 'trailer', end: w.fileSize });
    // A window starting inside an entry still names that entry.
    const mid = rows[10];
    const inside = hexWindow(session, packPath, mid.offset + 5, 16);
    expect(inside.annotations.some((a) => a.oid === mid.oid && a.start <= mid.offset + 5 && a.end > mid.offset + 5)).toBe(true);
  });

  it('names the base id of ref-delta entries', async () => {
    const f = fixture('ref-delta');
    const s = await open(f);
    const pack = f.packs[0];
    const path = pathOf(s, `${pack}.pack`);
    const refRows = verifyRows(f, pack);
    const byOid = new Map(refRows.map((r) => [r.oid, r]));
    const deltas = refRows.filter((r) => r.depth > 0);
    expect(deltas.length).toBeGreaterThan(0);
    for (const row of deltas) {
      const w = hexWindow(s, path, row.offset, 64);
      const header = w.annotations.find((a) => a.kind === 'entry-header' && a.start === row.offset) as HexAnnotation;
      expect(header.label).toBe('type+size: ref-delta');
      const base = w.annotations.find((a) => a.label === 'ref-delta base id') as HexAnnotation;
      expect(base.end - base.start).toBe(20);
      expect(base.oid).toBe(row.base);
      expect(Buffer.from(w.bytes.subarray(base.start - row.offset, base.end - row.offset)).toString('hex')).toBe(row.base);
      expect(base.target?.offset).toBe(byOid.get(row.base as string)?.offset);
    }
  });

  it('refuses offsets outside the file, naming file and offset', () => {
    expect(() => hexWindow(session, packPath, 10 ** 9, 16)).toThrow(/OutOfRange at .*\.pack:0x3b9aca00/);
    expect(() => hexWindow(session, 'no/such/file', 0, 16)).toThrow(/NotFound at no\/such\/file/);
  });
});

describe('idx files', () => {
  it('idx-v1: offsets and ids equal git show-index', async () => {
    const f = fixture('idx-v1');
    const s = await open(f);
    const pack = f.packs[0];
    const path = pathOf(s, `${pack}.idx`);
    const size = statSync(join(f.packDir, `${pack}.idx`)).size;
    const annotations = wholeFile(s, path, size);
    const lines = showIndex(f, pack);
    const sorted = [...lines].sort((a, b) => (a.oid < b.oid ? -1 : 1));
    const packPath = pathOf(s, `${pack}.pack`);
    sorted.forEach((line, i) => {
      const entryAt = 1024 + i * 24;
      expect(annotations.find((a) => a.start === entryAt)).toMatchObject({ kind: 'offset', label: `offset[${i}]`, oid: line.oid, target: { file: packPath, offset: line.offset } });
      expect(annotations.find((a) => a.start === entryAt + 4)).toMatchObject({ kind: 'oid', label: `oid[${i}]`, oid: line.oid });
    });
    expect(annotations.filter((a) => a.kind === 'fanout')).toHaveLength(256);
    expect(annotations.some((a) => a.kind === 'crc')).toBe(false);
    expect(annotations.filter((a) => a.kind === 'trailer').map((a) => [a.start, a.end])).toEqual([
      [size - 40, size - 20],
      [size - 20, size],
    ]);
  });

  it('idx-v2-large: CRCs, 31-bit words and 64-bit offsets equal git show-index', async () => {
    const f = fixture('idx-v2-large');
    const s = await open(f);
    const pack = f.packs[0];
    const path = pathOf(s, `${pack}.idx`);
    const size = statSync(join(f.packDir, `${pack}.idx`)).size;
    const annotations = wholeFile(s, path, size);
    const lines = showIndex(f, pack);
    const large = annotations.filter((a) => a.kind === 'large-offset');
    const meta = readFileSync(join(f.expect, 'meta.txt'), 'latin1');
    expect(large).toHaveLength(Number(/large_offsets=(\d+)/.exec(meta)?.[1]));
    for (const line of lines) {
      expect(annotations.find((a) => a.kind === 'oid' && a.oid === line.oid)?.detail).toContain(line.oid);
      expect(annotations.find((a) => a.kind === 'crc' && a.oid === line.oid)?.detail).toMatch(new RegExp(`^${line.crc}:`));
      const word = annotations.find((a) => a.kind === 'offset' && a.oid === line.oid) as HexAnnotation;
      if (line.offset > 64) {
        // The 31-bit word has its MSB set and points into the 64-bit table, whose entry holds git's offset.
        expect(word.detail).toContain('MSB set');
        const entry = large.find((a) => a.start === word.target?.offset) as HexAnnotation;
        expect(entry.oid).toBe(line.oid);
        expect(entry.target?.offset).toBe(line.offset);
      } else {
        expect(word.target?.offset).toBe(line.offset);
      }
    }
    expect(annotations.slice(0, 2).map((a) => a.label)).toEqual(['signature', 'version']);
  });
});

describe('multi-pack-index', () => {
  it('chunk table entries, OIDL ids and OOFF offsets agree with the file and git', async () => {
    const f = fixture('multi-pack');
    const s = await open(f);
    const path = pathOf(s, 'multi-pack-index');
    const raw = readFileSync(join(f.packDir, 'multi-pack-index'));
    const w: HexWindow = hexWindow(s, path, 0, MAX_HEX_WINDOW);
    expect(w.kind).toBe('midx');
    expect(w.bytes.length).toBe(raw.length);
    // The chunk table as the bytes say, read here independently.
    const count = raw[6];
    for (let i = 0; i <= count; i++) {
      const at = 12 + 12 * i;
      const id = raw.subarray(at, at + 4).toString('latin1');
      const offset = Number(raw.readBigUInt64BE(at + 4));
      if (i < count) {
        expect(w.annotations.find((a) => a.start === at)).toMatchObject({ kind: 'chunk-table', label: `chunk id: ${id}`, target: { file: path, offset } });
        expect(w.annotations.find((a) => a.start === at + 4)).toMatchObject({ kind: 'chunk-table', label: `chunk offset: ${id}` });
      } else {
        expect(w.annotations.find((a) => a.start === at)?.label).toBe('terminating chunk id');
      }
    }
    expect(new Set(w.annotations.filter((a) => a.label.startsWith('chunk id: ')).map((a) => a.label.slice(10)))).toEqual(new Set(['PNAM', 'OIDF', 'OIDL', 'OOFF']));
    // Every OOFF offset points at the object's offset in its pack, as git show-index says.
    const offsets = new Map<string, number>();
    for (const pack of f.packs) for (const line of showIndex(f, pack)) offsets.set(`${pack}.pack ${line.oid}`, line.offset);
    const ooff = w.annotations.filter((a) => /^OOFF\[\d+\] offset$/.test(a.label));
    expect(ooff).toHaveLength(82);
    for (const a of ooff) {
      const packName = (a.target?.file ?? '').replace(/^.*\//, '');
      expect(offsets.get(`${packName} ${a.oid}`)).toBe(a.target?.offset);
    }
    expect(w.annotations.filter((a) => a.kind === 'pack-name').map((a) => a.detail?.replace(/^pack \d+: (\S+),.*$/, '$1'))).toEqual([...(s.db.midx?.packNames ?? [])]);
  });
});

describe('delta steps', () => {
  it('long-chains: the deepest chain, step by step, as git verify-pack -v sees it', async () => {
    const f = fixture('long-chains');
    const s = await open(f);
    const pack = f.packs[0];
    const rows = verifyRows(f, pack);
    const byOid = new Map(rows.map((r) => [r.oid, r]));
    const deepest = rows.reduce((a, b) => (b.depth > a.depth ? b : a));
    expect(deepest.depth).toBeGreaterThan(1000);
    const chain = deltaSteps(s, deepest.oid, 1000);
    expect(chain.error).toBeUndefined();
    expect(chain.storedIn?.kind).toBe('pack');
    expect(chain.steps).toHaveLength(deepest.depth + 1);
    const top = chain.steps[chain.steps.length - 1];
    expect(top.oid).toBe(deepest.oid);
    expect(top.baseOid).toBe(deepest.base);
    expect(chain.steps[0].entryType).toBe(deepest.type);
    const sizes = new Map(
      readFileSync(join(f.expect, 'batch-check.txt'), 'latin1')
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
        .map((p) => [p[0], Number(p[2])]),
    );
    chain.steps.forEach((step, i) => {
      const row = byOid.get(step.oid as string) as VerifyRow;
      expect(step.offset).toBe(row.offset);
      expect(step.storedSize).toBe(row.stored);
      expect(step.size).toBe(row.size);
      if (i === 0) return;
      expect(row.depth).toBe(i);
      expect(step.baseOid).toBe(row.base);
      expect(step.baseOffset).toBe(chain.steps[i - 1].offset);
      // Each delta starts from the result of the step below and produces this object.
      expect(step.baseSize).toBe(i === 1 ? chain.steps[0].size : chain.steps[i - 1].resultSize);
      expect(step.resultSize).toBe(sizes.get(step.oid as string));
      expect(step.moreInstructions).toBeUndefined();
      const ins = step.instructions ?? [];
      expect(ins.reduce((n, x) => n + x.length, 0)).toBe(step.resultSize);
      expect((step.copiedBytes ?? 0) + (step.insertedBytes ?? 0)).toBe(step.resultSize);
      let at = 0;
      for (const x of ins) {
        expect(x.at).toBe(at);
        at += x.length;
      }
    });
  });

  it('copy instructions copy the bytes the base holds there (varied)', async () => {
    const f = fixture('varied');
    const s = await open(f);
    const rows = verifyRows(f, f.packs[0]).filter((r) => r.depth > 0);
    for (const row of rows) {
      const chain = deltaSteps(s, row.oid, 100_000);
      const top = chain.steps[chain.steps.length - 1];
      const target = s.db.read(fromHex(row.oid)).data;
      const base = s.db.read(fromHex(top.baseOid as string)).data;
      expect(top.resultSize).toBe(target.length);
      expect(top.baseSize).toBe(base.length);
      for (const x of top.instructions ?? []) {
        if (x.op !== 'copy') continue;
        expect(Buffer.from(target.subarray(x.at, x.at + x.length)).equals(Buffer.from(base.subarray(x.baseOffset as number, (x.baseOffset as number) + x.length)))).toBe(true);
      }
    }
  });

  it('caps the instructions listed and says how many more there are', async () => {
    const f = fixture('varied');
    const s = await open(f);
    const row = verifyRows(f, f.packs[0]).find((r) => r.depth > 0) as VerifyRow;
    const full = deltaSteps(s, row.oid, 100_000);
    const capped = deltaSteps(s, row.oid, 1);
    const a = full.steps[full.steps.length - 1];
    const b = capped.steps[capped.steps.length - 1];
    expect(b.instructions).toHaveLength(Math.min(1, a.instructions?.length ?? 0));
    expect((b.instructions?.length ?? 0) + (b.moreInstructions ?? 0)).toBe(a.instructions?.length);
    expect(b.copiedBytes).toBe(a.copiedBytes);
  });
});

describe('companion files (git 2.55 fixtures)', () => {
  it('cruft: .mtimes entries equal the mtimes git lists, .rev entries follow git show-index offsets', async () => {
    const dir = join(MODERN, 'cruft');
    const s = await Session.open('cruft', fsDirectoryReader(join(dir, 'pack')));
    const files = folderFileList(s.files);
    const mtimesFile = files.find((f) => f.kind === 'mtimes') as { path: string; size: number };
    const stem = mtimesFile.path.replace(/\.mtimes$/, '');
    const times = readFileSync(join(dir, 'expect', `mtimes-${stem}.txt`), 'latin1')
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    const annotations = wholeFile(s, mtimesFile.path, mtimesFile.size);
    const entries = annotations.filter((a) => a.label.startsWith('mtime['));
    expect(entries.map((a) => [a.oid, a.detail?.split(' ')[0]])).toEqual(times);

    const lines = readFileSync(join(dir, 'expect', `show-index-${stem}.txt`), 'latin1')
      .trim()
      .split('\n')
      .map((l) => /^(\d+) ([0-9a-f]+)/.exec(l) as RegExpExecArray);
    const byOffset = [...lines].sort((a, b) => Number(a[1]) - Number(b[1]));
    const revFile = files.find((f) => f.path === `${stem}.rev`) as { path: string; size: number };
    const rev = wholeFile(s, revFile.path, revFile.size).filter((a) => a.label.startsWith('rev['));
    expect(rev.map((a) => [a.target?.offset, a.oid])).toEqual(byOffset.map((m) => [Number(m[1]), m[2]]));
  });

  it('incremental midx chain: each line names a layer; layers count positions over the chain', async () => {
    const dir = join(MODERN, 'midx-incremental', 'pack');
    const s = await Session.open('chain', fsDirectoryReader(dir));
    const files = folderFileList(s.files);
    const chain = files.find((f) => f.kind === 'midx-chain') as { path: string; size: number };
    const names = readFileSync(join(dir, 'multi-pack-index.d', 'multi-pack-index-chain'), 'latin1')
      .trim()
      .split('\n');
    const lines = wholeFile(s, chain.path, chain.size).filter((a) => a.label.startsWith('layer '));
    expect(lines.map((a) => a.target?.file)).toEqual(names.map((n) => `multi-pack-index.d/multi-pack-index-${n}.midx`));
    const top = files.find((f) => f.path.endsWith(`${names[names.length - 1]}.midx`)) as { path: string; size: number };
    const w = hexWindow(s, top.path, 0, MAX_HEX_WINDOW);
    expect(w.error).toBeUndefined();
    const base = /chain layer \d+: positions start at (\d+)/.exec(w.annotations.find((a) => a.label === 'number of packs')?.detail ?? '')?.[1];
    expect(Number(base)).toBeGreaterThan(0);
    expect(w.annotations.find((a) => a.label === 'OIDL[0]')?.detail).toContain(`midx position ${base}:`);
    // Every OOFF offset of the top layer points where git's show-index puts that object.
    const shown = new Map<string, number>();
    for (const f of readdirSync(join(MODERN, 'midx-incremental', 'expect')).filter((n) => n.startsWith('show-index-'))) {
      const pack = f.slice('show-index-'.length, -4);
      for (const l of readFileSync(join(MODERN, 'midx-incremental', 'expect', f), 'latin1')
        .trim()
        .split('\n')) {
        const m = /^(\d+) ([0-9a-f]+)/.exec(l) as RegExpExecArray;
        shown.set(`${pack}.pack ${m[2]}`, Number(m[1]));
      }
    }
    const ooff = w.annotations.filter((a) => /^OOFF\[\d+\] offset$/.test(a.label));
    expect(ooff.length).toBeGreaterThan(0);
    for (const a of ooff) expect(shown.get(`${a.target?.file} ${a.oid}`)).toBe(a.target?.offset);
  });
});

describe('damaged files', () => {
  const f = () => fixture('varied');
  const made: string[] = [];
  const temp = (name: string): string => {
    const dir = mkdtempSync(join(tmpdir(), `hex-${name}-`));
    made.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  const copy = (name: string, damage: (dir: string, stem: string) => void): string => {
    const dir = temp(name);
    const stem = f().packs[0];
    for (const ext of ['pack', 'idx']) copyFileSync(join(f().packDir, `${stem}.${ext}`), join(dir, `${stem}.${ext}`));
    damage(dir, stem);
    return dir;
  };

  it('a corrupt entry header: the error names file and offset, every other entry is still annotated', async () => {
    const row = verifyRows(f(), f().packs[0])[20];
    const dir = copy('entry', (d, stem) => {
      const p = join(d, `${stem}.pack`);
      const bytes = readFileSync(p);
      bytes[row.offset] = (bytes[row.offset] & 0x8f) | 0x50; // type 5 does not exist
      writeFileSync(p, bytes);
    });
    const s = await Session.open('bad', fsDirectoryReader(dir));
    const path = pathOf(s, '.pack');
    const w = hexWindow(s, path, 0, MAX_HEX_WINDOW);
    expect(w.error).toMatchObject({ kind: 'CorruptObject', file: path, offset: row.offset });
    expect(w.annotations.find((a) => a.start === row.offset)).toMatchObject({ label: 'unreadable entry', oid: row.oid, end: row.offset + row.stored });
    expect(w.annotations.filter((a) => a.kind === 'entry-header')).toHaveLength(verifyRows(f(), f().packs[0]).length - 1);
    const chain = deltaSteps(s, row.oid, 10);
    expect(chain.steps).toHaveLength(0);
    expect(chain.error).toMatchObject({ kind: 'CorruptObject', file: path, offset: row.offset });
  });

  it('a pack without its .idx: the bytes, the header and the trailer, and why the entries cannot be found', async () => {
    const dir = copy('noidx', () => {});
    const stem = f().packs[0];
    const only = temp('only');
    copyFileSync(join(dir, `${stem}.pack`), join(only, `${stem}.pack`));
    const s = await Session.open('noidx', fsDirectoryReader(only));
    const w = hexWindow(s, `${stem}.pack`, 0, 64);
    expect(w.bytes.length).toBe(64);
    expect(w.annotations.map((a) => a.label)).toEqual(['signature', 'version', 'number of entries']);
    expect(w.error).toMatchObject({ kind: 'NotFound', file: `${stem}.pack` });
    expect(w.error?.detail).toContain('.idx is missing');
  });

  it('a damaged idx fanout: bytes shown, the error at the fanout entry', async () => {
    const dir = copy('fanout', (d, stem) => {
      const p = join(d, `${stem}.idx`);
      const bytes = readFileSync(p);
      bytes.fill(0xff, 8 + 4 * 10, 8 + 4 * 11);
      writeFileSync(p, bytes);
    });
    const s = await Session.open('badidx', fsDirectoryReader(dir));
    const path = pathOf(s, '.idx');
    const w = hexWindow(s, path, 0, 128);
    expect(w.bytes.length).toBe(128);
    expect(w.error).toMatchObject({ kind: 'BadFanout', file: path, offset: 8 + 4 * 11 });
  });
});
