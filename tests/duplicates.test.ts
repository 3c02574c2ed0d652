import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRepository } from '../src/cli/repository.ts';
import { duplicateReport } from '../src/core/find/duplicate-report.ts';
import { DuplicateFinder, compareCopies, type DuplicateObject } from '../src/core/find/duplicates.ts';
import { portableHasher } from '../src/core/hash/hasher.ts';
import { BUILD, git } from './support/cli.ts';

/**
 * Duplicated objects against git's own listings: `git show-index` of every pack (which pack
 * holds which id at which offset), the loose object files, and `cat-file --batch-check` with
 * `%(objectsize:disk) %(deltabase)`, which describe the copy git actually reads.
 */

const MULTI = join(BUILD, 'multi-pack');
const LOOSE = join(BUILD, 'loose');
const have = existsSync(join(MULTI, 'expect')) && existsSync(join(LOOSE, 'expect'));

/** id -> [{pack, offset}] from the recorded show-index files. */
function showIndex(fixture: string): Map<string, { pack: string; offset: number }[]> {
  const out = new Map<string, { pack: string; offset: number }[]>();
  const expect = join(fixture, 'expect');
  for (const f of readdirSync(expect).filter((n) => n.startsWith('show-index-'))) {
    const pack = f.replace(/^show-index-/, '').replace(/\.txt$/, '');
    for (const line of readFileSync(join(expect, f), 'utf8').split('\n').filter(Boolean)) {
      const [offset, oid] = line.split(' ');
      out.set(oid, [...(out.get(oid) ?? []), { pack, offset: Number(offset) }]);
    }
  }
  return out;
}

function looseIds(gitDir: string): string[] {
  const objects = join(gitDir, 'objects');
  return readdirSync(objects)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => readdirSync(join(objects, d)).map((f) => d + f));
}

/** `<oid> <disk size> <delta base>` of the copy git reads. */
function gitReads(gitDir: string, oids: string[]): Map<string, { disk: number; base: string }> {
  const out = git(['--git-dir', gitDir, 'cat-file', '--batch-check=%(objectname) %(objectsize:disk) %(deltabase)'], { input: oids.join('\n') + '\n' }).stdout.toString();
  return new Map(
    out
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([oid, disk, base]) => [oid, { disk: Number(disk), base }]),
  );
}

async function findAll(path: string): Promise<{ dups: DuplicateObject[]; repo: Awaited<ReturnType<typeof openRepository>> }> {
  const repo = await openRepository(path);
  const finder = new DuplicateFinder(repo.db);
  let slices = 0;
  while (!finder.step(7)) slices++;
  expect(slices).toBeGreaterThan(3); // really sliced
  return { dups: [...finder.duplicates], repo };
}

let tmp: string;
beforeAll(() => {
  if (!have) throw new Error('the multi-pack and loose fixtures are missing: run bash fixtures/build.sh');
  tmp = mkdtempSync(join(tmpdir(), 'packscope-dups-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('duplicated objects', () => {
  it('multi-pack: every id show-index lists in more than one pack, with each pack and offset', async () => {
    const { dups } = await findAll(join(MULTI, 'repo'));
    const byId = showIndex(MULTI);
    const want = [...byId.entries()].filter(([, c]) => c.length > 1);
    expect(want.length).toBe(16);
    expect(dups.map((d) => d.oid)).toEqual(want.map(([oid]) => oid).sort());
    for (const d of dups) {
      const ours = d.copies.map((c) => `${c.pack} ${c.offset}`).sort();
      const theirs = (byId.get(d.oid) ?? []).map((c) => `${c.pack} ${c.offset}`).sort();
      expect(ours).toEqual(theirs);
      expect(d.copies.every((c) => c.kind === 'packed' && c.stored !== undefined && c.error === undefined)).toBe(true);
      expect(d.copies.filter((c) => c.read)).toHaveLength(1);
    }
  });

  it('multi-pack: the copy marked as read is the one git reads (its size on disk and delta base)', async () => {
    const { dups } = await findAll(join(MULTI, 'repo'));
    const reads = gitReads(
      join(MULTI, 'repo/.git'),
      dups.map((d) => d.oid),
    );
    let told = 0;
    for (const d of dups) {
      const read = d.copies.find((c) => c.read);
      const theirs = reads.get(d.oid);
      expect(read?.diskBytes).toBe(theirs?.disk);
      const isDelta = read?.stored === 'ofs-delta' || read?.stored === 'ref-delta';
      expect(isDelta).toBe(theirs?.base !== '0'.repeat(40));
      // Where the copies differ on disk, git's answer singles one out.
      if (new Set(d.copies.map((c) => c.diskBytes)).size > 1) told++;
    }
    expect(told).toBeGreaterThan(0);
  });

  it('the report (what the worker sends): every duplicate with its type and size as git gives them, the counts', async () => {
    const repo = await openRepository(join(MULTI, 'repo'));
    const reported: string[] = [];
    const report = await duplicateReport(repo.db, portableHasher, { progress: (_d, _t, label) => void reported.push(label), pause: async () => undefined });
    const byId = showIndex(MULTI);
    expect(report.duplicates.map((d) => d.oid)).toEqual(
      [...byId.entries()]
        .filter(([, c]) => c.length > 1)
        .map(([oid]) => oid)
        .sort(),
    );
    const sizes = git(['--git-dir', join(MULTI, 'repo/.git'), 'cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], {
      input: report.duplicates.map((d) => d.oid).join('\n') + '\n',
    }).stdout.toString();
    expect(report.duplicates.map((d) => `${d.oid} ${d.type} ${d.size}`).join('\n')).toBe(sizes.trim());
    expect(report.duplicates.every((d) => d.identical)).toBe(true);
    expect([report.packedOnly, report.withLoose, report.differing]).toEqual([16, 0, 0]);
    expect(report.copiesScanned).toBeGreaterThan(report.duplicates.length);
  });

  it('loose: the loose copy of a packed blob, and git reads the packed one', async () => {
    const { dups } = await findAll(join(LOOSE, 'repo'));
    const packed = showIndex(LOOSE);
    const want = looseIds(join(LOOSE, 'repo/.git')).filter((oid) => packed.has(oid));
    expect(want).toHaveLength(1);
    expect(dups.map((d) => d.oid)).toEqual(want);
    const [dup] = dups;
    expect(dup.copies.map((c) => c.kind)).toEqual(['packed', 'loose']);
    expect(dup.copies[1].file).toBe(`.git/objects/${dup.oid.slice(0, 2)}/${dup.oid.slice(2)}`);
    expect(dup.copies[0].read).toBe(true);
    expect(dup.copies[1].read).toBe(false);
    const size = Number(git(['--git-dir', join(LOOSE, 'repo/.git'), 'cat-file', '-s', dup.oid]).stdout.toString());
    expect(dup.copies[1].stored).toBe('blob');
    expect(dup.copies[1].storedSize).toBe(size);
    expect(gitReads(join(LOOSE, 'repo/.git'), [dup.oid]).get(dup.oid)?.disk).toBe(dup.copies[0].diskBytes);
  });

  it('copies hold identical bytes; a loose copy with other content is named', async () => {
    const { dups, repo } = await findAll(join(MULTI, 'repo'));
    for (const d of dups) expect(compareCopies(repo.db, d, portableHasher).identical).toBe(true);

    const copy = join(tmp, 'loose');
    cpSync(join(LOOSE, 'repo/.git'), join(copy, '.git'), { recursive: true }); // the work tree has names cpSync cannot copy
    const [dup] = (await findAll(copy)).dups;
    const path = join(copy, '.git/objects', dup.oid.slice(0, 2), dup.oid.slice(2));
    chmodSync(path, 0o644);
    writeFileSync(path, deflateSync(Buffer.from('blob 9\0forged!!\n')));
    const damaged = await findAll(copy);
    const verdict = compareCopies(damaged.repo.db, damaged.dups[0], portableHasher);
    expect(verdict.identical).toBe(false);
    expect(verdict.checks[0].idMatches).toBe(true);
    expect(verdict.checks[1]).toMatchObject({ idMatches: false, type: 'blob', size: 9 });
    expect(verdict.checks[1].error).toMatch(/hashes to [0-9a-f]{40}, not to/);
  });
});
