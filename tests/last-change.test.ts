import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { PackscopeError } from '../src/core/errors.ts';
import { fromHex, toHex } from '../src/core/hash/hex.ts';
import { LastChangeWalk } from '../src/core/history/last-change.ts';
import { entryNameRange } from '../src/core/history/tree-compare.ts';
import { CommitQueue } from '../src/core/history/commit-queue.ts';
import { Session } from '../src/worker/session.ts';
import { builtFixtures, git, type Fixture } from './support/cli.ts';

/**
 * The folder walker against git: for every entry of several folders at several commits of the
 * fixtures, the commit it names is `git log -1 --format=%H <commit> -- <folder>/<entry>`.
 */

const fixtures = builtFixtures();
const byName = (name: string) => fixtures.find((f) => f.name === name) as Fixture;
const gitDirOf = (f: Fixture) => join(f.packDir, '../..');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function gitLines(f: Fixture, args: string[]): string[] {
  const r = git(['--git-dir', gitDirOf(f), ...args], { env: { GIT_LITERAL_PATHSPECS: '1' } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
}

/** Folders of a commit (the root first) as path components. */
function foldersAt(f: Fixture, commit: string, max: number): string[][] {
  // ls-tree -d lists gitlinks too: only mode 040000 is a folder.
  const dirs = gitLines(f, ['ls-tree', '-r', '-d', commit])
    .filter((l) => l.startsWith('040000 '))
    .map((l) => l.slice(l.indexOf('\t') + 1).split('/'));
  return [[], ...dirs].slice(0, max);
}

interface Checked {
  entries: number;
  skipped: number;
}

async function check(f: Fixture, commits: string[], maxFolders: number): Promise<Checked> {
  const session = await Session.open(f.name, fsDirectoryReader(f.path));
  const enc = new TextEncoder();
  let entries = 0;
  let skipped = 0;
  for (const commit of commits) {
    for (const folder of foldersAt(f, commit, maxFolders)) {
      const walk = new LastChangeWalk(
        session.db,
        fromHex(commit),
        folder.map((p) => enc.encode(p)),
      );
      while (!walk.step(50));
      const got = new Map(walk.take().map((r) => [r.entry, r.commit]));
      expect(walk.stats.bounded).toBe(false);
      for (let i = 0; i < walk.folder.count; i++) {
        const r = entryNameRange(walk.folder, i);
        let name: string;
        try {
          name = utf8.decode(walk.folder.data.subarray(r.start, r.end));
        } catch {
          // git cannot be handed a name that is not UTF-8 on this command line.
          skipped++;
          continue;
        }
        const path = [...folder, name].join('/');
        const want = gitLines(f, ['log', '-1', '--format=%H', commit, '--', path])[0];
        expect(got.get(i), `${f.name} ${commit.slice(0, 7)} ${path}`).toBe(want);
        entries++;
      }
    }
  }
  return { entries, skipped };
}

describe('last commit of each folder entry (git log -1 -- <path>)', () => {
  it.each(['history', 'varied', 'loose', 'multi-pack', 'sha256', 'demo'])('%s: every folder at every commit', async (name) => {
    const f = byName(name);
    const commits = gitLines(f, ['rev-list', '--all']);
    const { entries } = await check(f, commits.slice(0, 14), 12);
    expect(entries).toBeGreaterThan(20);
  });

  it('big: 2,000 commits deep, the root and some folders', async () => {
    const f = byName('big');
    const commits = gitLines(f, ['rev-list', 'HEAD']);
    const { entries } = await check(f, [commits[0], commits[1000]], 3);
    expect(entries).toBeGreaterThan(40);
  });

  it('history: merges hand each entry to the parent git follows (walk from each merge and the octopus)', async () => {
    const f = byName('history');
    const merges = gitLines(f, ['rev-list', '--merges', '--all']);
    expect(merges.length).toBeGreaterThanOrEqual(2);
    await check(f, merges, 12);
  });

  it('stops at its bound with entries unresolved', async () => {
    const f = byName('big');
    const session = await Session.open(f.name, fsDirectoryReader(f.path));
    const head = gitLines(f, ['rev-parse', 'HEAD'])[0];
    const walk = new LastChangeWalk(session.db, fromHex(head), [new TextEncoder().encode('d')], { maxCommits: 5, treeCache: 4 });
    while (!walk.step(50));
    expect(walk.stats.bounded).toBe(true);
    expect(walk.stats.commitsWalked).toBe(5);
    expect(walk.stats.resolved).toBeLessThan(walk.stats.total);
  });

  it("a commit that cannot be read ends the lines through it; every other entry still gets git's answer", async () => {
    const f = byName('history');
    const session = await Session.open(f.name, fsDirectoryReader(f.path));
    const db = session.db;
    const head = gitLines(f, ['rev-parse', 'HEAD'])[0];
    const bad = gitLines(f, ['rev-parse', 'HEAD~2'])[0];
    const damaged = Object.create(db) as typeof db;
    damaged.read = (oid: Uint8Array) => {
      if (toHex(oid) === bad) throw new PackscopeError('CorruptObject', 'damaged for the test');
      return db.read(oid);
    };
    const walk = new LastChangeWalk(damaged, fromHex(head), []);
    while (!walk.step(50));
    const got = new Map(walk.take().map((r) => [r.entry, r.commit]));
    expect(walk.stats.unreadable).toBe(1);
    expect(String(walk.stats.firstError)).toMatch(/damaged for the test/);
    expect(got.size).toBeGreaterThan(0);
    expect(got.size).toBeLessThan(walk.folder.count);
    for (const [i, commit] of got) {
      const r = entryNameRange(walk.folder, i);
      const name = new TextDecoder().decode(walk.folder.data.subarray(r.start, r.end));
      if (!/^[\x20-\x7e]+$/.test(name)) continue;
      expect(commit, name).toBe(gitLines(f, ['log', '-1', '--format=%H', head, '--', name])[0]);
    }
  });

  it('a path that is not a folder fails with NotFound', async () => {
    const f = byName('varied');
    const session = await Session.open(f.name, fsDirectoryReader(f.path));
    const head = gitLines(f, ['rev-parse', 'HEAD'])[0];
    expect(() => new LastChangeWalk(session.db, fromHex(head), [new TextEncoder().encode('no-such-folder')])).toThrow(/not a folder/);
  });
});

describe('commit queue', () => {
  it('pops newest first, equal dates in the order queued', () => {
    const q = new CommitQueue<string>();
    q.push('a', 5);
    q.push('b', 9);
    q.push('c', 5);
    q.push('d', 9);
    q.push('e', 1);
    q.push('f', 5);
    expect([q.pop(), q.pop(), q.pop(), q.pop(), q.pop(), q.pop(), q.pop()]).toEqual(['b', 'd', 'a', 'c', 'f', 'e', undefined]);
  });
});
