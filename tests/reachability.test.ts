import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitObjectHashSlot, reachabilityReport } from '../src/cli/commands/fsck-reach.ts';
import { openRepository, type CliRepository } from '../src/cli/repository.ts';
import { SHA1 } from '../src/core/hash/algo.ts';
import { toHex } from '../src/core/hash/hex.ts';
import { ObjectDatabase } from '../src/core/odb/database.ts';
import { ObjectTableBuilder, type ObjectTable } from '../src/core/odb/object-table.ts';
import { parseDirCache } from '../src/core/reach/dircache.ts';
import { ReachabilityWalk } from '../src/core/reach/reachability.ts';
import { BUILD, cli, git } from './support/cli.ts';
import { buildPack, enc, memoryRepository, oidOf } from './support/pack-builder.ts';

/**
 * Reachability against `git fsck --no-reflogs` on the `dangling` fixture (a deleted branch, an
 * amended commit, blobs and a tree nothing uses, a tag whose ref was deleted, an index with a
 * staged file and a cache-tree that names trees no commit has, reflogs naming some of them).
 */

const FIXTURE = join(BUILD, 'dangling');
const EXPECT = join(FIXTURE, 'expect');
const REPO = join(FIXTURE, 'repo');
const have = existsSync(join(EXPECT, 'fsck-unreachable.txt'));

const lines = (file: string): string[] => readFileSync(join(EXPECT, file), 'utf8').split('\n').filter(Boolean).sort();
const sorted = (a: string[]): string[] => [...a].sort();

function table(repo: CliRepository): ObjectTable {
  const b = new ObjectTableBuilder(repo.db);
  while (!b.step(10_000));
  return b.finish();
}

/**
 * fsck's `missing`/`unreachable`/`dangling` lines as runs of git's hash-table slot, each run's
 * lines sorted: the order git prints them in, except among objects that share a slot, whose
 * order follows git's insertion order (which we do not reproduce; see gitObjectHashSlot).
 */
function inSlotGroups(lines: string[], objects: number): { slot: number; lines: string[] }[] {
  const slotOf = gitObjectHashSlot(objects);
  const runs: { slot: number; lines: string[] }[] = [];
  for (const line of lines) {
    const slot = slotOf(line.split(' ')[2]);
    if (runs.length > 0 && runs[runs.length - 1].slot === slot) runs[runs.length - 1].lines.push(line);
    else runs.push({ slot, lines: [line] });
  }
  for (const run of runs) run.lines.sort();
  return runs;
}

let tmp: string;
beforeAll(() => {
  if (!have) throw new Error(`the dangling fixture is missing (${EXPECT}): run bash fixtures/build.sh`);
  tmp = mkdtempSync(join(tmpdir(), 'packscope-reach-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('reachability on the dangling fixture', () => {
  it('lists exactly what `git fsck --unreachable --no-reflogs` lists', async () => {
    const repo = await openRepository(REPO);
    const report = reachabilityReport(repo, { unreachable: true, dangling: true });
    expect(sorted([...report.stdout()])).toEqual(lines('fsck-unreachable.txt'));
    expect([...report.stdout()].length).toBe(13);
    expect(report.errors).toBe(false);
  });

  it('lists exactly the dangling objects of `git fsck --no-reflogs` (every type)', async () => {
    const repo = await openRepository(join(REPO, '.git'));
    const report = reachabilityReport(repo, { unreachable: false, dangling: true });
    expect(sorted([...report.stdout()])).toEqual(lines('fsck-dangling.txt'));
    expect(new Set([...report.stdout()].map((l) => l.split(' ')[1]))).toEqual(new Set(['commit', 'tree', 'blob', 'tag']));
  });

  it('reflogs are not roots: the amended commit is unreachable here but reachable through the reflog for git', () => {
    const withReflogs = new Set(lines('fsck-unreachable-reflogs.txt'));
    const withoutReflogs = lines('fsck-unreachable.txt');
    const amended = withoutReflogs.filter((l) => l.startsWith('unreachable commit') && !withReflogs.has(l));
    expect(amended.length).toBeGreaterThan(0);
  });

  it('counts the index as roots: staged blobs and cache-tree trees are reachable, and only through the index', async () => {
    const repo = await openRepository(REPO);
    const staged = git(['--git-dir', join(REPO, '.git'), 'ls-files', '-s'])
      .stdout.toString()
      .trim()
      .split('\n');
    const stagedOids = staged.filter((l) => !l.startsWith('160000')).map((l) => l.split(' ')[1]);
    const stagedTree = git(['--git-dir', join(REPO, '.git'), 'rev-parse', 'HEAD:src'])
      .stdout.toString()
      .trim();
    expect(stagedOids.length).toBeGreaterThan(3);
    const t = table(repo);
    const index = parseDirCache(readFileSync(join(REPO, '.git/index')), SHA1);
    const stagedDir = index.cacheTree.find((n) => n.path === 'staged');
    expect(stagedDir).toBeDefined();

    const full = new ReachabilityWalk(t, { refs: repo.refs, index }).run();
    const unreachable = new Set([...full.unreachableRows].map((r) => t.oidHexAt(r)));
    for (const oid of stagedOids) expect(unreachable.has(oid)).toBe(false);
    expect(unreachable.has(stagedDir?.oid as string)).toBe(false);
    expect(full.indexEntries).toBe(stagedOids.length);
    expect(full.roots.filter((r) => r.kind === 'cache-tree').map((r) => r.name)).toEqual([':src/', ':staged/']);

    const noIndex = new ReachabilityWalk(t, { refs: repo.refs }).run();
    const lost = new Set([...noIndex.unreachableRows].map((r) => t.oidHexAt(r)));
    const onlyInIndex = stagedOids.filter((o) => lost.has(o));
    expect(onlyInIndex.length).toBe(2); // staged/new.txt and later.txt
    expect(lost.has(stagedDir?.oid as string)).toBe(true);
    expect(lost.has(stagedTree)).toBe(false);

    const noCacheTree = new ReachabilityWalk(t, { refs: repo.refs, index: { ...index, cacheTree: [] } }).run();
    const row = t.find(Uint8Array.from(Buffer.from(stagedDir?.oid as string, 'hex')));
    expect(noCacheTree.isReachable(row)).toBe(false);
  });

  it('without refs or index (the objects folder alone), the roots are the tips; tips + dangling = what git calls dangling there', async () => {
    const repo = await openRepository(join(REPO, '.git/objects'));
    expect(repo.refs.size).toBe(0);
    const t = table(repo);
    const reach = new ReachabilityWalk(t, { refs: repo.refs }).run();
    expect(reach.mode).toBe('tips');
    const git = lines('fsck-norefs.txt');
    const tipLines = reach.roots.map((r) => {
      const row = t.find(Uint8Array.from(Buffer.from(r.oid, 'hex')));
      return `dangling ${reach.typeOf(row)} ${r.oid}`;
    });
    expect(sorted(tipLines)).toEqual(git.filter((l) => / (commit|tag) /.test(l)));
    const dangling = [...reach.unreachableRows].filter((r) => reach.isDangling(r)).map((r) => `dangling ${reach.typeOf(r)} ${t.oidHexAt(r)}`);
    expect(sorted([...tipLines, ...dangling])).toEqual(git);
  });

  it('writes the lost-found files git writes, into the folder given, and nothing with --unreachable', async () => {
    const repo = await openRepository(REPO);
    const dir = join(tmp, 'lost-found');
    const report = reachabilityReport(repo, { unreachable: false, dangling: true, lostFound: dir });
    const want = join(EXPECT, 'lost-found');
    const list = (root: string): string[] => ['commit', 'other'].flatMap((d) => (existsSync(join(root, d)) ? readdirSync(join(root, d)).map((f) => `${d}/${f}`) : [])).sort();
    expect(list(dir)).toEqual(list(want));
    expect(report.lostFoundWritten).toBe(list(want).length);
    for (const f of list(want)) expect(readFileSync(join(dir, f)).equals(readFileSync(join(want, f)))).toBe(true);
    expect(sorted([...report.stdout()])).toEqual(lines('fsck-lost-found.txt'));

    const none = join(tmp, 'lost-found-none');
    reachabilityReport(repo, { unreachable: true, dangling: true, lostFound: none });
    expect(existsSync(none)).toBe(false);
  });

  it('a reachable object that is missing: the same missing/unreachable lines as git, and a broken link', async () => {
    const copy = join(tmp, 'missing');
    cpSync(REPO, copy, { recursive: true });
    const gd = join(copy, '.git');
    const tree = git(['--git-dir', gd, 'rev-parse', 'HEAD^{tree}']).stdout.toString().trim();
    const loose = join(gd, 'objects', tree.slice(0, 2), tree.slice(2));
    expect(existsSync(loose)).toBe(true);
    unlinkSync(loose);
    const theirs = git(['--git-dir', gd, 'fsck', '--unreachable', '--no-reflogs']).stdout.toString().split('\n').filter(Boolean);
    const report = reachabilityReport(await openRepository(copy), { unreachable: true, dangling: true });
    expect(report.errors).toBe(true);
    // Broken links in the walk's order, then the rest in git's hash-table order.
    const links = (l: string[]): string[] => l.filter((x) => /^( |broken)/.test(x));
    expect(links([...report.stdout()])).toEqual(links(theirs));
    const count = table(await openRepository(copy)).count + 1;
    expect(
      inSlotGroups(
        [...report.stdout()].filter((l) => !/^( |broken)/.test(l)),
        count,
      ),
    ).toEqual(
      inSlotGroups(
        theirs.filter((l) => !/^( |broken)/.test(l)),
        count,
      ),
    );
    expect([...report.stdout()]).toContain(`missing tree ${tree}`);
    expect([...report.stdout()]).toContain(`              to    tree ${tree}`);
    expect(theirs).toContain(`              to    tree ${tree}`);
  });

  const reachLines = (out: Buffer | string): string[] =>
    sorted(
      out
        .toString()
        .split('\n')
        .filter((l) => /^(unreachable|dangling|missing) /.test(l)),
    );

  it('the CLI: `fsck --unreachable --no-reflogs` prints git’s lines in git’s order (its object hash table’s)', async () => {
    const r = cli(['fsck', '--unreachable', '--no-reflogs', REPO]);
    const theirs = readFileSync(join(EXPECT, 'fsck-unreachable.txt'), 'utf8').split('\n').filter(Boolean);
    const ours = r.stdout.toString().split('\n').filter(Boolean);
    expect(ours).not.toEqual(sorted(ours)); // not id order
    expect(inSlotGroups(ours, table(await openRepository(REPO)).count)).toEqual(inSlotGroups(theirs, table(await openRepository(REPO)).count));
  });

  it('the CLI without --no-reflogs counts the reflogs as roots, as git fsck does', () => {
    for (const flags of [['--unreachable'], []]) {
      const theirs = reachLines(git(['fsck', ...flags], { cwd: REPO }).stdout);
      const ours = reachLines(cli(['fsck', ...flags, REPO]).stdout);
      expect(ours, `fsck ${flags.join(' ')}`).toEqual(theirs);
      // The reflogs keep something alive here, or this test could not tell the two apart.
      expect(ours.length, `fsck ${flags.join(' ')}`).toBeLessThan(reachLines(cli(['fsck', ...flags, '--no-reflogs', REPO]).stdout).length);
    }
  });

  it('a reflog entry naming a missing object: git’s “invalid reflog entry”, and a non-zero exit', () => {
    const copy = join(tmp, 'bad-reflog');
    cpSync(REPO, copy, { recursive: true });
    const ghost = 'f'.repeat(40);
    const log = join(copy, '.git/logs/HEAD');
    writeFileSync(log, readFileSync(log, 'latin1') + `${'0'.repeat(40)} ${ghost} A U Thor <a@example.com> 1700000000 +0000\tforged\n`, 'latin1');
    const theirs = git(['fsck'], { cwd: copy });
    const ours = cli(['fsck', copy]);
    expect(theirs.stderr).toContain(`error: HEAD: invalid reflog entry ${ghost}`);
    expect(ours.stderr).toContain(`error: HEAD: invalid reflog entry ${ghost}`);
    expect(theirs.status).not.toBe(0);
    expect(ours.status).not.toBe(0);
    expect(reachLines(ours.stdout)).toEqual(reachLines(theirs.stdout));
  });
});

describe('the staging index parser', () => {
  it('reads versions 2, 3 and 4 as git ls-files -s does', () => {
    const copy = join(tmp, 'index-versions');
    cpSync(REPO, copy, { recursive: true });
    const gd = join(copy, '.git');
    const check = (version: number): void => {
      const index = parseDirCache(readFileSync(join(gd, 'index')), SHA1);
      expect(index.version).toBe(version);
      const ours = index.entries.map((e) => `${e.mode.toString(8).padStart(6, '0')} ${e.oid} ${e.stage}\t${e.path}`);
      expect(ours.join('\n')).toBe(git(['ls-files', '-s'], { cwd: copy }).stdout.toString().trim());
    };
    check(2);
    git(['update-index', '--skip-worktree', 'README.md'], { cwd: copy }); // an extended flag: version 3
    check(3);
    git(['update-index', '--index-version', '4'], { cwd: copy });
    check(4);
  });

  it('rejects what is not an index, naming the offset', () => {
    expect(() => parseDirCache(enc('DIRX' + '\0'.repeat(40)), SHA1)).toThrow(/BadSignature at index:0x0/);
    const truncated = new Uint8Array(40);
    truncated.set(enc('DIRC'));
    truncated[7] = 2;
    truncated[11] = 200; // 200 entries in 40 bytes
    expect(() => parseDirCache(truncated, SHA1)).toThrow(/BadSize/);
  });
});

describe('hostile shapes', () => {
  it('a 30 000-deep chain of trees and a tree that names itself: no stack overflow, no endless walk', () => {
    const DEPTH = 30_000;
    const specs: Parameters<typeof buildPack>[0] = [];
    let child = oidOf('blob', enc('leaf\n'));
    specs.push({ kind: 'object', type: 'blob', data: enc('leaf\n') });
    const entry = (mode: string, name: string, oid: Uint8Array): Uint8Array => {
      const head = enc(`${mode} ${name}\0`);
      const out = new Uint8Array(head.length + oid.length);
      out.set(head);
      out.set(oid, head.length);
      return out;
    };
    for (let i = 0; i < DEPTH; i++) {
      const data = entry(i === 0 ? '100644' : '40000', 'd', child);
      specs.push({ kind: 'object', type: 'tree', data });
      child = oidOf('tree', data);
    }
    const commit = enc(`tree ${toHex(child)}\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\n\ndeep\n`);
    specs.push({ kind: 'object', type: 'commit', data: commit });
    // A tree whose only entry is its own (forged) id.
    const selfId = new Uint8Array(20).fill(0xee);
    specs.push({ kind: 'object', type: 'tree', data: entry('40000', 'loop', selfId), oid: selfId });
    const built = buildPack(specs);
    const db = new ObjectDatabase(memoryRepository({ 'pack-deep.pack': built.pack, 'pack-deep.idx': built.idx }));
    const b = new ObjectTableBuilder(db);
    while (!b.step(100_000));
    const t = b.finish();
    const started = performance.now();
    const reach = new ReachabilityWalk(t, { refs: new Map() }).run();
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(reach.mode).toBe('tips');
    expect(reach.roots.map((r) => r.oid)).toEqual([toHex(oidOf('commit', commit))]);
    expect(reach.reachableCount).toBe(DEPTH + 2);
    expect([...reach.unreachableRows].map((r) => t.oidHexAt(r))).toEqual([toHex(selfId)]);
    // The looping tree names itself, so git would not call it dangling either.
    expect(reach.isDangling(t.find(selfId))).toBe(false);
  });
});
