import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { authorMatcher, basicToJs } from '../src/core/history/author-match.ts';
import { builtFixtures, cliAsync, git, mapConcurrent, type Fixture } from './support/cli.ts';
import { gitDirOf } from './support/history-paths.ts';

/**
 * The graph's limits as git applies them, byte for byte against `git log --graph --oneline`:
 * - paths: the graph of the simplified history (`-- <path>`), for every file and folder at HEAD,
 *   from HEAD and from every ref (`--all`);
 * - `--since` (stops the walk) and `--until` (leaves newer commits out of the order), at dates
 *   spread over each fixture's history, as ISO dates with a zone and as `@<seconds>`;
 * - `--author`: git's basic regular expressions, case-sensitive, `-i`, several `--author`s.
 * On the fixtures (two of them with a commit-graph file, where git streams by generation) and,
 * when PACKSCOPE_GITGIT names a clone of git.git, on a slice of git.git.
 */

const fixtures = builtFixtures().filter((f) => ['history', 'varied', 'demo', 'commit-graph', 'commit-graph-split'].includes(f.name));

async function compare(f: Fixture | { name: string; path: string; gitDir: string }, args: string[]): Promise<void> {
  const gitDir = 'gitDir' in f ? f.gitDir : gitDirOf(f);
  const want = git(['--git-dir', gitDir, 'log', '--graph', '--oneline', ...args]);
  expect(want.status, want.stderr).toBe(0);
  const dashes = args.indexOf('--');
  const ours = await cliAsync(['log', '--graph', '--oneline', ...(dashes < 0 ? args : [...args.slice(0, dashes), '--', ...args.slice(dashes + 1)]), f.path]);
  expect(ours.stderr, `log --graph --oneline ${args.join(' ')}`).toBe('');
  expect(ours.stdout.toString('latin1'), `log --graph --oneline ${args.join(' ')}`).toBe(want.stdout.toString('latin1'));
}

const lines = (b: Buffer) => b.toString('utf8').split('\n').filter(Boolean);

describe('log --graph -- <path> (history simplification)', () => {
  for (const f of fixtures) {
    it(`${f.name}: every file and folder at HEAD, from HEAD and --all`, async () => {
      const gd = gitDirOf(f);
      const paths = [
        ...lines(git(['--git-dir', gd, 'ls-tree', '-r', '--name-only', 'HEAD']).stdout),
        ...lines(git(['--git-dir', gd, 'ls-tree', '-r', '-d', '--name-only', 'HEAD']).stdout),
        'no-such-path',
      ];
      const runs = paths.flatMap((p) => [
        ['--', p],
        ['--all', '--', p],
      ]);
      await mapConcurrent(runs, 2, (args) => compare(f, args));
      // A merge is drawn with its rewritten parents somewhere: the graph is not a flat list.
      const drawn = await Promise.all(paths.map((p) => cliAsync(['log', '--graph', '--oneline', '--all', '--', p, f.path])));
      if (f.name === 'history') expect(drawn.some((r) => r.stdout.toString().includes('|\\'))).toBe(true);
    }, 300_000);
  }
});

describe('log --graph --since/--until/--author', () => {
  for (const f of fixtures) {
    it(`${f.name}: dates across the history, authors as patterns`, async () => {
      const gd = gitDirOf(f);
      const dates = [...new Set(lines(git(['--git-dir', gd, 'log', '--all', '--format=%ct']).stdout).map(Number))].sort((a, b) => a - b);
      const picked = dates.filter((_, i) => i % Math.max(1, Math.floor(dates.length / 5)) === 0);
      const iso = (t: number) => `${new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ')} +0000`;
      const authors = [...new Set(lines(git(['--git-dir', gd, 'log', '--all', '--format=%an']).stdout))].slice(0, 3);
      const runs: string[][] = [];
      for (const all of [[], ['--all']]) {
        for (const t of picked) runs.push([...all, `--since=${iso(t)}`], [...all, `--until=${iso(t)}`], [...all, `--since=@${t - 1}`, `--until=@${t + 86_400}`]);
        for (const a of authors) runs.push([...all, `--author=${a}`], [...all, `--author=^${a.slice(0, 2)}`], [...all, '-i', `--author=${a.toUpperCase()}`], [...all, `--author=${a.toUpperCase()}`]);
        if (authors.length > 1) runs.push([...all, `--author=${authors[0]}`, `--author=${authors[1]}`]);
        runs.push([...all, '--author=\\(nobody\\|@\\)', `--since=@${picked[1] ?? 0}`]);
      }
      await mapConcurrent(runs, 2, (args) => compare(f, args));
    }, 300_000);
  }
});

describe('--author patterns are POSIX basic regular expressions', () => {
  it('operators escaped, literals plain, as grep -G reads them', () => {
    expect(basicToJs('a\\(b\\|c\\)d+')).toBe('a(b|c)d\\+');
    expect(basicToJs('*x')).toBe('\\*x');
    expect(basicToJs('[]a]\\.')).toBe('[\\]a]\\.');
    const m = authorMatcher(['^A. U\\(thor\\|ser\\) <']);
    expect(m('A U Thor <a@x>')).toBe(false);
    expect(m('A. Uthor <a@x>')).toBe(true);
    expect(m('A. User <a@x>')).toBe(true);
    expect(authorMatcher(['thor'], true)('A U THOR <a@x>')).toBe(true);
    expect(authorMatcher(['thor'])('A U THOR <a@x>')).toBe(false);
  });
});

const gitgit = process.env.PACKSCOPE_GITGIT;
describe.skipIf(!gitgit || !existsSync(gitgit))('git.git slice', () => {
  const repo = { name: 'git.git', path: gitgit as string, gitDir: gitgit as string };
  it("the last months of every ref, an author, and a file's graph", async () => {
    const head = Number(git(['--git-dir', repo.gitDir, 'log', '-1', '--format=%ct', 'HEAD']).stdout.toString().trim());
    await compare(repo, ['--all', `--since=@${head - 120 * 86_400}`]);
    await compare(repo, [`--since=@${head - 365 * 86_400}`, '--author=Junio']);
    await compare(repo, ['--', 'builtin/mv.c']);
  }, 900_000);
});
