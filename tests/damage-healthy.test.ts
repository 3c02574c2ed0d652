import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PackscopeError } from '../src/core/errors.ts';
import { fromHex, toHex } from '../src/core/hash/hex.ts';
import { ObjectDatabase } from '../src/core/odb/database.ts';
import { discover, nodeInflater } from '../src/cli/node-host.ts';
import { objectDetail, objectRow } from '../src/core/odb/object-detail.ts';
import { CLI, builtFixtures, cli, git, type Run } from './support/cli.ts';
import { batchRecords, copyFixture, editFile, entryHeaderLength, idxLayout, rel, verifyRows, type DamagedCopy } from './support/damage.ts';

/**
 * Issue 10, "Damage must not hide healthy objects": damaged copies of real fixture packs where
 * one index entry cannot say where its object is, or one copy of an object is corrupt while
 * another pack holds a good one, and the empty tree no pack holds. Every other object must read
 * as git reads it (byte for byte against git's run on the same files where git succeeds, and
 * against git's answers for the intact copy where git dies), in the CLI and through the calls
 * the app's worker makes.
 */

const EMPTY_TREE_SHA1 = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const EMPTY_TREE_SHA256 = '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321';

const copies: DamagedCopy[] = [];
function copyOf(name: string): DamagedCopy {
  const copy = copyFixture(name);
  copies.push(copy);
  return copy;
}
afterEach(() => {
  for (const c of copies.splice(0)) c.remove();
});

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('run node scripts/build-cli.mjs first');
});

/** Runs the CLI with PACKSCOPE_WORKERS set (1: single thread; 2: the pool of worker threads). */
function cliWith(workers: string, args: string[], input?: string): Run {
  const before = process.env.PACKSCOPE_WORKERS;
  process.env.PACKSCOPE_WORKERS = workers;
  try {
    return cli(args, input === undefined ? {} : { input });
  } finally {
    if (before === undefined) delete process.env.PACKSCOPE_WORKERS;
    else process.env.PACKSCOPE_WORKERS = before;
  }
}

/** git's intact `--batch` output with the records of `lost` replaced by `<oid> missing`. */
function intactBatchExcept(copy: DamagedCopy, lost: Set<string>): Buffer {
  const records = batchRecords(copy.fixture);
  return Buffer.concat([...records].map(([oid, rec]) => (lost.has(oid) ? Buffer.from(`${oid} missing\n`) : rec)));
}

/** git's intact `--batch-check` lines with those of `lost` replaced by `<oid> missing`. */
function intactCheckExcept(copy: DamagedCopy, lost: Set<string>): string {
  const text = readFileSync(join(copy.fixture.expect, 'batch-check.txt'), 'latin1');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (lost.has(l.split(' ')[0]) ? `${l.split(' ')[0]} missing` : l))
    .map((l) => `${l}\n`)
    .join('');
}

async function openDb(copy: DamagedCopy): Promise<ObjectDatabase> {
  return new ObjectDatabase(await discover(copy.gitDir), { inflater: nodeInflater });
}

/** Every object the app's object list and object page would show, with the ids that failed. */
async function appView(copy: DamagedCopy): Promise<{ listed: string[]; failed: string[] }> {
  const db = await openDb(copy);
  const listed: string[] = [];
  const failed: string[] = [];
  let i = 0;
  for (const { oid, location } of db.allObjects()) {
    const hex = toHex(oid);
    listed.push(hex);
    const row = objectRow(db, i++, oid, location);
    let detailError = false;
    try {
      detailError = objectDetail(db, hex).error !== undefined;
    } catch {
      detailError = true;
    }
    if (row.error || detailError) failed.push(hex);
  }
  return { listed, failed };
}

/** Points idx entry `victim`'s offset word at 64-bit entry `large` (past the table when large >= its size). */
function pointPastLargeTable(copy: DamagedCopy, victim: string, extra = 0): { at: number; large: number } {
  const pack = copy.packs[0];
  const layout = idxLayout(copy, pack);
  const path = join(copy.packDir, `${pack}.idx`);
  const H = copy.hash === 'sha256' ? 32 : 20;
  const largeCount = (readFileSync(path).length - 2 * H - layout.largeAt) / 8;
  const at = layout.offsetsAt + layout.position(victim) * 4;
  const large = largeCount + extra;
  editFile(
    copy,
    path,
    (b) => {
      b.writeUInt32BE(0x80000000 + large, at);
    },
    true,
  );
  return { at, large };
}

/** The chunk offsets of a midx (id -> offset). */
function midxChunks(bytes: Buffer): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < bytes[6]; i++) {
    const at = 12 + i * 12;
    out.set(bytes.subarray(at, at + 4).toString('latin1'), Number(bytes.readBigUInt64BE(at + 4)));
  }
  return out;
}

describe('an idx offset entry past the 64-bit offset table fails only its object', () => {
  for (const [fixture, extra] of [
    ['varied', 5],
    ['idx-v2-large', 0],
  ] as const) {
    it(`${fixture}: 64-bit entry ${extra === 0 ? 'just' : 'far'} past the table`, async () => {
      const copy = copyOf(fixture);
      const records = batchRecords(copy.fixture);
      const names = [...records.keys()];
      const victim = names[3];
      const { at } = pointPastLargeTable(copy, victim, extra);
      const idxFile = rel(copy, join(copy.packDir, `${copy.packs[0]}.idx`));
      const lost = new Set([victim]);

      // Every object listed and read; the victim says `missing` and why (file and offset).
      for (const workers of ['1', '2']) {
        const all = cliWith(workers, ['cat-file', '--batch-all-objects', '--batch', copy.gitDir]);
        expect(all.stdout.equals(intactBatchExcept(copy, lost)), all.stderr.slice(0, 1000)).toBe(true);
        expect(all.status).toBe(1);
        expect(all.stderr).toContain(`error: cannot read ${victim}: OutOfRange at ${idxFile}:0x${at.toString(16)}`);
      }
      const check = cli(['cat-file', '--batch-all-objects', '--batch-check', copy.gitDir]);
      expect(check.stdout.toString('latin1')).toBe(intactCheckExcept(copy, lost));
      expect(check.status).toBe(1);

      // Named one by one: git reads every other object from the damaged copy; so do we, byte for byte.
      const others = names.filter((o) => o !== victim);
      const theirs = git(['-C', copy.gitDir, 'cat-file', '--batch'], { input: others.join('\n') + '\n' });
      expect(theirs.status).toBe(0);
      const ours = cli(['cat-file', '--batch', copy.gitDir], { input: others.join('\n') + '\n' });
      expect(ours.stdout.equals(theirs.stdout)).toBe(true);
      expect(ours.status).toBe(0);
      // With the victim among them, git dies at it (its output ends there); we answer the rest.
      const mixed = cli(['cat-file', '--batch', copy.gitDir], { input: names.join('\n') + '\n' });
      expect(mixed.stdout.equals(intactBatchExcept(copy, lost))).toBe(true);
      expect(mixed.status).toBe(1);

      // The app: every object listed, only the victim's row and page fail.
      const app = await appView(copy);
      expect(app.listed).toEqual(names.slice().sort());
      expect(app.failed).toEqual([victim]);
    }, 60_000);
  }
});

describe('a multi-pack-index entry naming a pack id that does not exist fails nothing', () => {
  it('multi-pack: the object is read through its own pack idx', async () => {
    const copy = copyOf('multi-pack');
    const path = join(copy.packDir, 'multi-pack-index');
    let victim = '';
    editFile(
      copy,
      path,
      (b) => {
        const chunks = midxChunks(b);
        const position = 12;
        b.writeUInt32BE(99, (chunks.get('OOFF') as number) + position * 8);
        const oidl = chunks.get('OIDL') as number;
        victim = b.subarray(oidl + position * 20, oidl + position * 20 + 20).toString('hex');
      },
      true,
    );
    // git dies at that entry (`fatal: bad pack-int-id: 99 (6 total packs)`), printing what came before.
    const theirs = git(['-C', copy.gitDir, 'cat-file', '--batch-all-objects', '--batch']);
    expect(theirs.status).toBe(128);
    expect(theirs.stderr).toContain('bad pack-int-id');
    for (const workers of ['1', '2']) {
      const all = cliWith(workers, ['cat-file', '--batch-all-objects', '--batch', copy.gitDir]);
      expect(theirs.stdout.equals(all.stdout.subarray(0, theirs.stdout.length))).toBe(true);
      expect(all.stdout.equals(intactBatchExcept(copy, new Set())), all.stderr).toBe(true);
      expect(all.status).toBe(0);
    }
    const check = cli(['cat-file', '--batch-all-objects', '--batch-check', copy.gitDir]);
    expect(check.stdout.toString('latin1')).toBe(intactCheckExcept(copy, new Set()));
    const names = [...batchRecords(copy.fixture).keys()];
    const ours = cli(['cat-file', '--batch', copy.gitDir], { input: names.join('\n') + '\n' });
    expect(ours.stdout.equals(intactBatchExcept(copy, new Set()))).toBe(true);
    expect(ours.status).toBe(0);
    const p = cli(['cat-file', '-p', victim, copy.gitDir]);
    expect(p.status).toBe(0);

    const app = await appView(copy);
    expect(app.listed).toEqual(names.slice().sort());
    expect(app.failed).toEqual([]);
  }, 60_000);
});

/**
 * A whole object held by two packs, not a delta base in the pack where it is corrupted: its
 * copy in `db`'s first choice gets its zlib header damaged.
 */
async function corruptFirstCopy(copy: DamagedCopy): Promise<{ victim: string; pack: string; offset: number }> {
  const db = await openDb(copy);
  const rowsBy = new Map(copy.packs.map((p) => [p, verifyRows(copy, p)]));
  for (const [pack, rows] of rowsBy) {
    for (const row of rows) {
      if (row.depth !== 0 || rows.some((r) => r.baseOid === row.oid)) continue;
      const others = [...rowsBy].filter(([p, rs]) => p !== pack && rs.some((r) => r.oid === row.oid));
      if (others.length === 0) continue;
      const loc = db.locate(fromHex(row.oid));
      if (loc?.kind !== 'packed' || loc.pack.name !== pack) continue;
      // The zlib header: every reader fails there (a flipped bit mid-stream can inflate to the
      // declared size, and only the Adler-32 would tell; see the note in the report).
      editFile(copy, join(copy.packDir, `${pack}.pack`), (b) => {
        const h = entryHeaderLength(b, row.offset, 20);
        b[row.offset + h.length] ^= 0x55;
      });
      return { victim: row.oid, pack, offset: row.offset };
    }
  }
  throw new Error('no object of the fixture fits');
}

describe('a corrupt copy is passed over for a good copy in another pack', () => {
  it('packs only (no midx): as git, which retries the other packs', async () => {
    const copy = copyOf('multi-pack');
    rmSync(join(copy.packDir, 'multi-pack-index'));
    const { victim, pack, offset } = await corruptFirstCopy(copy);
    const names = [...batchRecords(copy.fixture).keys()];
    const theirs = git(['-C', copy.gitDir, 'cat-file', '--batch'], { input: names.join('\n') + '\n' });
    expect(theirs.status).toBe(0);
    expect(theirs.stdout.equals(intactBatchExcept(copy, new Set()))).toBe(true);
    const ours = cli(['cat-file', '--batch', copy.gitDir], { input: names.join('\n') + '\n' });
    expect(ours.stdout.equals(theirs.stdout), ours.stderr).toBe(true);
    expect(ours.status).toBe(0);
    // The bad copy is reported: its file and offset.
    expect(ours.stderr).toContain(`${victim}: copy unreadable, read from `);
    expect(ours.stderr).toContain(`CorruptObject at objects/pack/${pack}.pack:0x${offset.toString(16)}`);
    const allTheirs = git(['-C', copy.gitDir, 'cat-file', '--batch-all-objects', '--batch']);
    for (const workers of ['1', '2']) {
      const all = cliWith(workers, ['cat-file', '--batch-all-objects', '--batch', copy.gitDir]);
      expect(all.stdout.equals(allTheirs.stdout)).toBe(true);
      expect(all.status).toBe(0);
    }
    const db = await openDb(copy);
    expect(db.read(fromHex(victim)).data.length).toBeGreaterThan(0);
    expect(db.badCopies.map((b) => [b.oid, b.error.offset])).toEqual([[victim, offset]]);
  }, 60_000);

  it('the copy the multi-pack-index points to (git dies there; we read the good copy)', async () => {
    const copy = copyOf('multi-pack');
    const { victim, pack } = await corruptFirstCopy(copy);
    const names = [...batchRecords(copy.fixture).keys()];
    const theirs = git(['-C', copy.gitDir, 'cat-file', '--batch'], { input: names.join('\n') + '\n' });
    // git does not search the packs a midx covers outside the midx, so it gives up on this one.
    expect(theirs.status).toBe(128);
    expect(theirs.stderr).toContain(`packed object ${victim} (stored in ./objects/pack/${pack}.pack) is corrupt`);
    const ours = cli(['cat-file', '--batch', copy.gitDir], { input: names.join('\n') + '\n' });
    expect(ours.stdout.subarray(0, theirs.stdout.length).equals(theirs.stdout)).toBe(true);
    expect(ours.stdout.equals(intactBatchExcept(copy, new Set())), ours.stderr).toBe(true);
    expect(ours.status).toBe(0);
    expect(ours.stderr).toContain(`${victim}: copy unreadable, read from `);
    expect(ours.stderr).toContain(`objects/pack/${pack}.pack`);
    for (const workers of ['1', '2']) {
      const all = cliWith(workers, ['cat-file', '--batch-all-objects', '--batch', copy.gitDir]);
      expect(all.stdout.equals(intactBatchExcept(copy, new Set()))).toBe(true);
      expect(all.status).toBe(0);
    }
    const app = await appView(copy);
    expect(app.failed).toEqual([]);
  }, 60_000);
});

describe("git's built-in empty tree, which no pack holds", () => {
  for (const [fixture, empty] of [
    ['varied', EMPTY_TREE_SHA1],
    ['sha256', EMPTY_TREE_SHA256],
  ] as const) {
    it(`${fixture}: cat-file -t/-s/-p/-e, --batch, --batch-check and the object page`, async () => {
      const f = builtFixtures().find((x) => x.name === fixture);
      if (!f) throw new Error(`fixture ${fixture} is missing`);
      expect(readFileSync(join(f.expect, 'batch-check.txt'), 'latin1')).not.toContain(empty);
      for (const mode of ['-t', '-s', '-p', '-e']) {
        const theirs = git(['-C', f.path, 'cat-file', mode, empty]);
        const ours = cli(['cat-file', mode, empty, f.path]);
        expect([ours.status, ours.stdout.toString('latin1')], mode).toEqual([theirs.status, theirs.stdout.toString('latin1')]);
        expect(theirs.status).toBe(0);
      }
      const other = [...batchRecords(f).keys()][0];
      const input = `${empty}\n${other}\n${empty}\n`;
      for (const mode of ['--batch', '--batch-check']) {
        const theirs = git(['-C', f.path, 'cat-file', mode], { input });
        const ours = cli(['cat-file', mode, f.path], { input });
        expect(ours.stdout.equals(theirs.stdout), mode).toBe(true);
        expect(ours.status).toBe(theirs.status);
      }
      // --batch-all-objects does not list it (git does not either).
      const listed = cli(['cat-file', '--batch-all-objects', '--batch-check', f.path]);
      expect(listed.stdout.toString('latin1')).not.toContain(empty);
      // The app's object page.
      const db = new ObjectDatabase(await discover(f.path), { inflater: nodeInflater });
      const detail = objectDetail(db, empty);
      expect(detail.error).toBeUndefined();
      expect([detail.type, detail.size]).toEqual(['tree', 0]);
      expect(db.read(fromHex(empty))).toMatchObject({ type: 'tree' });
    }, 60_000);
  }

  it("a corrupt copy is still an error, and the other hash's empty tree is not answered", async () => {
    const f = builtFixtures().find((x) => x.name === 'varied');
    if (!f) throw new Error('fixture varied is missing');
    const db = new ObjectDatabase(await discover(f.path), { inflater: nodeInflater });
    expect(db.locate(fromHex(EMPTY_TREE_SHA256.slice(0, 40)))).toBeUndefined();
    expect(() => db.read(fromHex('4b825dc642cb6eb9a060e54bf8d69288fbee4905'))).toThrow(PackscopeError);
  });
});
