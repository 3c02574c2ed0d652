import { describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { fromHex } from '../src/core/hash/hex.ts';
import { PathLog } from '../src/core/history/path-log.ts';
import type { ObjectDatabase } from '../src/core/odb/database.ts';
import { Session } from '../src/worker/session.ts';
import { builtFixtures, cli, git, type Fixture } from './support/cli.ts';
import { scratchRepo } from './support/git-env.ts';
import { gitDirOf, gitWithPath, mergeSide, pathsAt, revParse } from './support/history-paths.ts';

/**
 * `git log -- <path>` against git: for every file and folder of several commits of the
 * fixtures, the commits PathLog lists equal `git log --format=%H <rev> -- <path>` (history
 * simplification), and for every file `git log --follow` (renames and copies followed).
 */

const fixtures = builtFixtures();
const byName = (name: string) => fixtures.find((f) => f.name === name) as Fixture;

function ours(db: ObjectDatabase, start: string, path: Buffer, follow: boolean): string[] {
  const walk = new PathLog(db, [fromHex(start)], [new Uint8Array(path)], { follow });
  const out: string[] = [];
  for (;;) {
    const shown = walk.next(7); // small budgets: the walk resumes where it paused
    if (shown) out.push(shown.oid);
    else if (walk.done) return out;
  }
}

/** Our shown commits with their rewritten parents, as `git log --parents --format='%H %P'` prints them. */
function oursWithParents(db: ObjectDatabase, start: string, path: Buffer): string[] {
  const walk = new PathLog(db, [fromHex(start)], [new Uint8Array(path)]);
  const out: string[] = [];
  for (let shown = walk.next(); shown; shown = walk.next()) out.push(`${shown.oid} ${walk.rewrittenParents(shown.oid).join(' ')}`);
  return out;
}

async function compare(f: Fixture, revs: string[]): Promise<{ compared: number; renamesFollowed: number }> {
  const session = await Session.open(f.name, fsDirectoryReader(f.path));
  let compared = 0;
  let renamesFollowed = 0;
  for (const rev of revs) {
    const start = revParse(f, rev);
    for (const { path, folder } of pathsAt(f, start, true)) {
      const expected = gitWithPath(f, ['log', '--format=%H', start], path).toString().split('\n').filter(Boolean);
      expect(ours(session.db, start, path, false), `log ${rev} -- ${path.toString()}`).toEqual(expected);
      compared++;
      // --parents rewrites each parent to its nearest shown ancestor (what a graph of the path draws).
      // git may queue commits of equal dates in another order when it rewrites, so compare per commit.
      const withParents = gitWithPath(f, ['log', '--parents', '--format=%H %P', start], path).toString().split('\n').filter(Boolean);
      expect(oursWithParents(session.db, start, path).sort(), `log --parents ${rev} -- ${path.toString()}`).toEqual(withParents.sort());
      if (folder) continue;
      const followed = gitWithPath(f, ['log', '--follow', '--format=%H', start], path).toString().split('\n').filter(Boolean);
      expect(ours(session.db, start, path, true), `log --follow ${rev} -- ${path.toString()}`).toEqual(followed);
      if (followed.length > expected.length) renamesFollowed++;
      compared++;
    }
  }
  return { compared, renamesFollowed };
}

describe('git log -- <path>', () => {
  it.runIf(byName('history'))(
    'equals git on every file and folder of the history fixture, with and without --follow',
    async () => {
      const r = await compare(byName('history'), ['HEAD', 'HEAD^', 'HEAD~2', 'HEAD~3', 'HEAD~4', mergeSide(byName('history')), 'v1.0']);
      expect(r.compared).toBeGreaterThan(200);
      // The fixture renames and copies files: --follow must have gone past some of them.
      expect(r.renamesFollowed).toBeGreaterThan(3);
    },
    120_000,
  );

  it.runIf(byName('varied'))(
    'equals git on the varied fixture (merges, odd names, a submodule)',
    async () => {
      const r = await compare(byName('varied'), ['HEAD', 'HEAD~4', 'HEAD~8']);
      expect(r.compared).toBeGreaterThan(100);
    },
    120_000,
  );

  it.runIf(byName('commit-graph'))(
    'equals git where git reads a commit-graph with changed-path Bloom filters',
    async () => {
      const r = await compare(byName('commit-graph'), ['HEAD']);
      expect(r.compared).toBeGreaterThan(30);
    },
    120_000,
  );

  it.runIf(byName('history'))('the whole tree (an empty path) and a path that never existed', async () => {
    const f = byName('history');
    const session = await Session.open(f.name, fsDirectoryReader(f.path));
    const head = revParse(f, 'HEAD');
    const all = git(['--git-dir', gitDirOf(f), 'log', '--format=%H', head, '--', '.'])
      .stdout.toString()
      .split('\n')
      .filter(Boolean);
    expect(ours(session.db, head, Buffer.alloc(0), false)).toEqual(all);
    expect(ours(session.db, head, Buffer.from('no/such/file'), false)).toEqual([]);
  });

  it('finds names among their neighbours in the tree order of git (foo, foo-bar, foo.c, foo/, foo0) as file and folder', async () => {
    // A tree sorts a folder as if its name ended in '/': "foo/" comes after "foo.c" and before "foo0".
    const { dir, git: g, commit } = scratchRepo('packscope-pathlog-');
    commit('neighbours', { foo: 'a file\n', 'foo-bar': '1\n', 'foo.c': '2\n', foo0: '3\n' });
    commit('change the neighbours', { 'foo-bar': '11\n', 'foo.c': '22\n', foo0: '33\n' });
    commit('foo becomes a folder', { foo: null });
    commit('fill it', { 'foo/x': 'x\n', 'foo/y': 'y\n' });
    commit('change foo/x and foo.c', { 'foo/x': 'xx\n', 'foo.c': '222\n' });
    commit('foo is a file again', { foo: null });
    commit('back', { foo: 'a file again\n' });
    const session = await Session.open('neighbours', fsDirectoryReader(dir));
    const head = g('rev-parse', 'HEAD').trim();
    let checked = 0;
    for (const path of ['foo', 'foo/x', 'foo/y', 'foo-bar', 'foo.c', 'foo0', 'fo', 'foo/z']) {
      const expected = g('log', '--format=%H', head, '--', path).split('\n').filter(Boolean);
      expect(ours(session.db, head, Buffer.from(path), false), path).toEqual(expected);
      checked += expected.length;
    }
    expect(checked).toBeGreaterThan(12);
  });

  it.runIf(byName('history'))('the CLI prints git log --format=%H, --follow included', () => {
    const f = byName('history');
    for (const [args, path] of [
      [['--follow'], 'lib/helpers.py'],
      [[], 'src'],
      [[], '.'],
    ] as const) {
      const expected = git(['--git-dir', gitDirOf(f), 'log', ...args, '--format=%H', 'HEAD', '--', path]).stdout.toString();
      const r = cli(['log', ...args, '--format=%H', 'HEAD', '--', path, f.path]);
      expect(r.stderr).toBe('');
      expect(r.stdout.toString()).toBe(expected);
    }
  });
});
