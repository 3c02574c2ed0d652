import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRepository } from '../src/cli/repository.ts';
import { type ChangeNotes, commitChanges, databaseTrees } from '../src/core/analysis/commit-changes.ts';
import { commitLinks, databaseBlobs } from '../src/core/diff/changes.ts';
import { modeOctal } from '../src/core/diff/tree-diff.ts';
import { fromHex, toHex } from '../src/core/hash/hex.ts';
import { BUILD } from './support/cli.ts';

/**
 * Each commit's changes as the size analysis reads them, against `git diff-tree -z --root -M -t
 * -c --combined-all-paths --raw` (what filter-repo --analyze reads) for every commit of the
 * fixtures with renames and merges, and of a repository built here with a folder renamed, a
 * file renamed on a branch and edited in the merge, a file that becomes a folder, an octopus.
 */

const temp = mkdtempSync(join(tmpdir(), 'packscope-changes-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const ENV = {
  ...process.env,
  LC_ALL: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  HOME: '/nonexistent',
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@e',
  GIT_AUTHOR_DATE: '@1700000000 +0000',
  GIT_COMMITTER_DATE: '@1700000000 +0000',
};

function git(args: string[], cwd: string): Buffer {
  const r = spawnSync('git', args, { cwd, env: ENV, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout;
}

/** git's lines for one commit, one string each: status, modes, ids, paths (bytes as latin1). */
function gitLines(gitDir: string, commit: string): string[] {
  const tokens = git(['--git-dir', gitDir, 'diff-tree', '-z', '--no-commit-id', '--root', '-M', '-t', '-c', '--combined-all-paths', '--raw', commit], temp).toString('latin1').split('\0');
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length && tokens[i] !== '') {
    const meta = tokens[i++];
    const colons = meta.match(/^:+/)![0].length;
    const fields = meta.slice(colons).split(' ');
    const n = colons; // parents
    const modes = fields.slice(0, n + 1);
    const ids = fields.slice(n + 1, 2 * n + 2);
    // A rename's score is dropped (filter-repo drops it too).
    const status = n === 1 ? fields[2 * n + 2].replace(/\d+$/, '') : fields[2 * n + 2];
    const pathCount = n === 1 ? (status === 'R' || status === 'C' ? 2 : 1) : n + 1;
    const paths = tokens.slice(i, i + pathCount);
    i += pathCount;
    out.push([status, modes.join(' '), ids[n], paths.join(' | ')].join(' ; '));
  }
  return out;
}

async function oursFor(gitDir: string): Promise<(commit: string) => string[]> {
  const { db } = await openRepository(gitDir);
  const trees = databaseTrees(db);
  const blobs = databaseBlobs(db);
  const notes: ChangeNotes = { renameLimitHit: 0, missingBlobs: new Set() };
  return (commit) => {
    const links = commitLinks(db, fromHex(commit));
    const parentTrees = links.parents.map((p) => commitLinks(db, p).tree);
    return commitChanges(trees, blobs, db.algo.size, links.tree, parentTrees, notes).map((c) => {
      const n = Math.max(1, parentTrees.length);
      const modes = [...c.parentModes, c.mode].map(modeOctal).join(' ');
      const id = c.oid ? toHex(c.oid) : '0'.repeat(db.algo.hexSize);
      const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
      // git prints one path for a plain change, the old and new for a rename, every parent's for a merge.
      const paths = n === 1 ? (c.status === 'R' ? [c.parentPaths[0], c.path] : [c.path]) : [...c.parentPaths, c.path];
      return [c.status, modes, id, paths.map(latin1).join(' | ')].join(' ; ');
    });
  };
}

async function expectAllCommits(gitDir: string): Promise<number> {
  const ours = await oursFor(gitDir);
  const commits = git(['--git-dir', gitDir, 'rev-list', '--all'], temp).toString().trim().split('\n');
  let lines = 0;
  for (const commit of commits) {
    const theirs = gitLines(gitDir, commit);
    expect({ commit, lines: ours(commit) }).toEqual({ commit, lines: theirs });
    lines += theirs.length;
  }
  return lines;
}

describe('each commit as diff-tree -M -t -c --combined-all-paths shows it', () => {
  for (const name of ['history', 'varied']) {
    it(name, async () => {
      const gitDir = join(BUILD, name, readFileSync(join(BUILD, name, 'gitdir'), 'utf8').trim());
      expect(await expectAllCommits(gitDir)).toBeGreaterThan(20);
    });
  }

  it('folder renames, renames merged with edits, a file that becomes a folder, an octopus', async () => {
    const dir = join(temp, 'built');
    spawnSync('mkdir', ['-p', dir]);
    const script = String.raw`
set -e
git init -q -b main .
mkdir -p tools/deep; seq 1 200 > tools/deep/run.sh; seq 1 100 > keep.txt; printf x > x
git add -A; git commit -q -m root
git mv tools utils; git commit -q -m folder-rename
git checkout -q -b side; seq 1 101 > keep.txt; git mv keep.txt kept.txt; git commit -q -am side
git checkout -q main; seq 2 200 > utils/deep/run.sh; git commit -q -am main
git merge -q --no-commit side || true; seq 1 102 > kept.txt; git add -A; git commit -q -m evil
git rm -q x; mkdir x; printf y > x/y; git add -A; git commit -q -m file-to-folder
git checkout -q -b a; printf a > a; git add a; git commit -q -m a
git checkout -q main; git checkout -q -b b; printf b > b; git add b; git commit -q -m b
git checkout -q main; git merge -q --no-edit a b -m octopus
`;
    const r = spawnSync('bash', ['-c', script], { cwd: dir, env: ENV });
    expect(r.status).toBe(0);
    const gitDir = join(dir, '.git');
    const lines = await expectAllCommits(gitDir);
    expect(lines).toBeGreaterThan(10);
    // The merge's kept.txt is a rename against main and a modification against side.
    const merge = git(['--git-dir', gitDir, 'rev-parse', ':/^evil'], temp).toString().trim();
    expect(gitLines(gitDir, merge).some((l) => l.startsWith('RM ;') && l.endsWith('keep.txt | kept.txt | kept.txt'))).toBe(true);
  });
});
