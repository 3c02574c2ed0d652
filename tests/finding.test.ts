import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { fromHex } from '../src/core/hash/hex.ts';
import { PathListBuilder } from '../src/core/history/path-list.ts';
import { findPaths, matchPath, normaliseQuery } from '../src/core/search/fuzzy-path.ts';
import { BlobTextSearch, DEFAULT_BLOB_OPTIONS } from '../src/core/search/blob-search.ts';
import { ScopeWalk } from '../src/core/search/scope.ts';
import type { HandlerContext } from '../src/protocol/rpc.ts';
import { browse } from '../src/core/browse/browse.ts';
import { startPoints } from '../src/worker/browse-extras/start-points.ts';
import { Session } from '../src/worker/session.ts';
import { builtFixtures, git, type Fixture } from './support/cli.ts';

/**
 * Finding one's way, against git: where to start when HEAD names a missing branch or there are
 * no refs, the file finder's path list and ranking, a search's scope (ref, path, dates) and its
 * count of matches past the ones shown.
 */

const ctx: HandlerContext = { progress: () => {}, checkCancelled: () => {}, pause: async () => {}, transfer: () => {} };
const fixtures = builtFixtures();
const byName = (name: string) => fixtures.find((f) => f.name === name) as Fixture;
const gitDirOf = (f: Fixture) => join(f.packDir, '../..');
const lines = (f: Fixture | string, args: string[]) => {
  const dir = typeof f === 'string' ? f : gitDirOf(f);
  const r = git(['--git-dir', dir, ...args]);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
};
const work = mkdtempSync(join(tmpdir(), 'packscope-finding-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function copyOf(name: string, as: string): string {
  const dir = join(work, as);
  cpSync(gitDirOf(byName(name)), dir, { recursive: true });
  return dir;
}

describe('where to start when HEAD leads nowhere', () => {
  it('HEAD naming a missing branch: HEAD fails, the refs are offered, and Browse opens on the first branch tip', async () => {
    const dir = copyOf('history', 'missing.git');
    writeFileSync(join(dir, 'HEAD'), 'ref: refs/heads/gone\n');
    const session = await Session.open('missing', fsDirectoryReader(dir));
    expect(() => browse(session.db, session.refs, 'HEAD', [])).toThrow(/no object or ref named HEAD/);
    const answer = await startPoints(session, 50, ctx);
    expect(answer.head).toMatchObject({ symbolic: 'refs/heads/gone', resolves: false });
    expect(answer.head.problem).toMatch(/refs\/heads\/gone, which is not in this repository/);
    const refs = lines(dir, ['for-each-ref', '--format=%(refname)']);
    expect(answer.refs.map((r) => r.ref).sort()).toEqual([...refs].sort());
    // Each offered commit is git's peeled ref.
    for (const r of answer.refs) expect(r.commit).toBe(lines(dir, ['rev-parse', `${r.ref}^{commit}`])[0]);
    // Branches first, newest commit first among them.
    const branches = answer.refs.filter((r) => r.kind === 'branch');
    expect(answer.refs.slice(0, branches.length)).toEqual(branches);
    expect(branches.map((b) => b.time)).toEqual([...branches.map((b) => b.time)].sort((a, b) => b - a));
    const first = browse(session.db, session.refs, answer.refs[0].rev, []);
    expect(first.commit).toBe(answer.refs[0].commit);
    expect(answer.tips).toEqual([]);
  });

  it('no refs at all: the tip commits are the commits no commit names as parent, as git rev-list --parents says', async () => {
    const dir = copyOf('varied', 'norefs.git');
    rmSync(join(dir, 'refs'), { recursive: true, force: true });
    rmSync(join(dir, 'packed-refs'), { force: true });
    mkdirSync(join(dir, 'refs'));
    const all = lines(dir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)'])
      .filter((l) => l.endsWith(' commit'))
      .map((l) => l.split(' ')[0]);
    const r = git(['--git-dir', dir, 'rev-list', '--no-walk', '--parents', '--stdin'], { input: all.join('\n') + '\n' });
    const named = new Set(
      r.stdout
        .toString()
        .trim()
        .split('\n')
        .flatMap((l) => l.split(' ').slice(1)),
    );
    const tips = all.filter((c) => !named.has(c));
    const session = await Session.open('norefs', fsDirectoryReader(dir));
    const answer = await startPoints(session, 50, ctx);
    expect(answer.refs).toEqual([]);
    expect(answer.tipCount).toBe(tips.length);
    expect(answer.tips.map((t) => t.commit).sort()).toEqual([...tips].sort());
    const times = answer.tips.map((t) => t.time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

describe('file finder', () => {
  it('lists every file path of a commit as git ls-tree -r does', async () => {
    for (const name of ['history', 'varied']) {
      const f = byName(name);
      const session = await Session.open(name, fsDirectoryReader(f.path));
      const tree = lines(f, ['rev-parse', 'HEAD^{tree}'])[0];
      const builder = new PathListBuilder(session.db, fromHex(tree));
      while (!builder.step(50));
      const list = builder.finish();
      const r = git(['--git-dir', gitDirOf(f), 'ls-tree', '-r', '-z', '--name-only', 'HEAD']);
      const want = r.stdout.toString('utf8').split('\0').filter(Boolean).sort();
      expect([...list.paths].sort(), name).toEqual(want);
      expect(list.capped).toBeUndefined();
    }
  });

  it('stops at its cap and says why', async () => {
    const f = byName('big');
    const session = await Session.open('big', fsDirectoryReader(f.path));
    const builder = new PathListBuilder(session.db, fromHex(lines(f, ['rev-parse', 'HEAD^{tree}'])[0]), { maxPaths: 500, maxTrees: 100_000, maxDepth: 64 });
    while (!builder.step(50));
    const list = builder.finish();
    expect(list.paths.length).toBe(500);
    expect(list.capped).toBe('more than 500 files');
  });

  it('fuzzy matching: letters in order, case and spaces ignored; the file name and runs rank first', () => {
    const q = normaliseQuery('App tsx');
    expect(
      matchPath('src/app/App.tsx', q)
        ?.positions.map((i) => 'src/app/App.tsx'[i])
        .join(''),
    ).toBe('App.tsx'.replace('.', ''));
    expect(matchPath('src/worker/x.ts', q)).toBeUndefined();
    const paths = ['docs/application-notes.txt', 'src/app/App.tsx', 'src/app/views/AppendixTable.tsx', 'README.md'];
    const { matches, total } = findPaths(paths, 'apptsx', 10);
    expect(total).toBe(3);
    expect(matches[0].path).toBe('src/app/App.tsx');
    expect(findPaths(paths, 'readme', 10).matches.map((m) => m.path)).toEqual(['README.md']);
    expect(findPaths(paths, '', 2)).toMatchObject({ total: 4 });
  });
});

describe('search scope and counts', () => {
  it('commits reachable from a ref within dates: git rev-list --since --until <ref>', async () => {
    for (const [name, ref] of [
      ['history', 'main'],
      ['history', 'topic'],
      ['varied', 'HEAD'],
    ]) {
      const f = byName(name);
      const session = await Session.open(name, fsDirectoryReader(f.path));
      const ids = lines(f, ['rev-list', ref]);
      const times = [...new Set(lines(f, ['rev-list', '--format=%ct', '--no-commit-header', ref]).map(Number))].sort((a, b) => a - b);
      for (const [from, to] of [
        [times[1], undefined],
        [times[2], times[times.length - 2]],
        [undefined, times[times.length - 3]],
      ]) {
        const walk = new ScopeWalk(session.db, [fromHex(ids[0])], true, { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }, false);
        while (!walk.step(50));
        const want = lines(f, ['rev-list', ...(from !== undefined ? [`--since=${from}`] : []), ...(to !== undefined ? [`--until=${to}`] : []), ref]);
        expect(want.length, `${name} ${ref} ${from}..${to}`).toBeLessThan(ids.length);
        expect([...walk.commits].sort(), `${name} ${ref} ${from}..${to}`).toEqual([...want].sort());
      }
    }
  });

  it('blobs under a path in a ref: every blob git ls-tree -r lists there at every commit of the ref, with places', async () => {
    const f = byName('history');
    const session = await Session.open('history', fsDirectoryReader(f.path));
    const commits = lines(f, ['rev-list', 'main']);
    const want = new Set<string>();
    for (const c of commits) for (const l of lines(f, ['ls-tree', '-r', c, '--', 'src/'])) want.add(l.split(/\s+/)[2]);
    const walk = new ScopeWalk(session.db, [fromHex(commits[0])], true, { path: 'src/' }, true);
    while (!walk.step(50));
    expect([...walk.blobs.keys()].sort()).toEqual([...want].sort());
    for (const [oid, places] of walk.blobs) {
      expect(places.length).toBeGreaterThan(0);
      for (const p of places) {
        expect(p.path.join('/').startsWith('src/')).toBe(true);
        expect(lines(f, ['rev-parse', `${p.commit}:${p.path.join('/')}`])[0], `${oid} at ${p.commit}`).toBe(oid);
      }
    }
  });

  it('past the shown cap, matches are counted, not sent', () => {
    const f = byName('varied');
    return Session.open('varied', fsDirectoryReader(f.path)).then((session) => {
      const db = session.db;
      const all = new BlobTextSearch(db, db.allObjects(), db.sourceObjectCount(), 'e', { ...DEFAULT_BLOB_OPTIONS, regex: false, caseSensitive: true });
      while (!all.step(50));
      const total = all.take().matches.length;
      expect(total).toBeGreaterThan(5);
      const capped = new BlobTextSearch(db, db.allObjects(), db.sourceObjectCount(), 'e', { ...DEFAULT_BLOB_OPTIONS, regex: false, caseSensitive: true }, { maxMatches: 3, maxNotes: 10 });
      while (!capped.step(50));
      expect(capped.take().matches.length).toBe(3);
      expect(capped.stats).toMatchObject({ matched: total, shown: 3, truncated: true, countStopped: false });
    });
  });
});
