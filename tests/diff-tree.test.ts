import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { changesBetween, commitLinks } from '../src/core/diff/changes.ts';
import { detectRenames, type BlobReader } from '../src/core/diff/renames.ts';
import { countChanges, spanTable } from '../src/core/diff/spanhash.ts';
import { MODE_FILE, MODE_LINK, runToEnd, walkTreeDiff, type FilePair } from '../src/core/diff/tree-diff.ts';
import { fromHex } from '../src/core/hash/hex.ts';
import { Cancelled, type HandlerContext } from '../src/protocol/rpc.ts';
import { Session } from '../src/worker/session.ts';
import { diffBlobLines, diffCombined, diffFiles, diffHunks } from '../src/worker/diff.ts';
import { builtFixtures, cli, git, type Fixture } from './support/cli.ts';

/**
 * diff-tree against git 2.39, byte for byte: every commit of every fixture (git runs live on
 * the same repositories) in --raw with renames, --numstat and -p; the history fixture adds
 * renames, a copy, binary, mode and type changes, odd names and merges. Then the worker's diff
 * requests against git's own answers, and the rename rules git's fixtures cannot reach.
 */

const fixtures = builtFixtures();
const history = fixtures.find((f) => f.name === 'history') as Fixture;
const gitDir = (f: Fixture): string => join(f.packDir, '../..');
const ctx: HandlerContext = { progress: () => {}, checkCancelled: () => {}, pause: async () => {}, transfer: () => {} };

/** The fixture's commits, newest first (all of them, or the newest `max`). */
function allCommits(f: Fixture, max = Infinity): string {
  return git(['--git-dir', gitDir(f), 'rev-list', '--all', ...(max < Infinity ? [`--max-count=${max}`] : [])]).stdout.toString();
}

function gitDiffTree(f: Fixture, args: string[], input?: string): Buffer {
  const run = git(['--git-dir', gitDir(f), 'diff-tree', ...args], { input });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

function ours(f: Fixture, args: string[], input?: string): Buffer {
  const run = cli(['diff-tree', ...args, f.path], { input });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

it('has the history fixture (renames, copies, merges, odd names)', () => {
  expect(history).toBeDefined();
});

const FORMATS = [
  ['--root', '-r', '-M', '--raw'],
  ['--root', '-M', '--numstat'],
  ['--root', '-p', '-M'],
];

describe.each(fixtures.map((f) => [f.name, f] as [string, Fixture]))('%s: every commit', (_name, fx) => {
  // --raw on every commit; the line diffs of --numstat and -p on the newest 300 (big and
  // long-chains have 2,000 and 3,000 commits: 40 s more of the same code paths).
  it.each(FORMATS.map((f) => [f.join(' '), f]))('diff-tree --stdin %s', (_label, flags) => {
    const input = allCommits(fx, (flags as string[]).includes('--raw') ? Infinity : 300);
    const want = gitDiffTree(fx, ['--stdin', ...(flags as string[])], input);
    expect(want.length).toBeGreaterThan(0);
    const got = ours(fx, ['--stdin', ...(flags as string[])], input);
    expect(got.toString('latin1')).toBe(want.toString('latin1'));
  });
});

describe('history fixture, more forms', () => {
  it.each([
    ['-C --raw (copies)', ['-r', '-C', '--raw']],
    ['-M without -r (trees as entries)', ['-M', '--raw']],
    ['--raw without renames', ['-r', '--raw']],
    ['-p without renames', ['-p']],
    ['--numstat with copies', ['-C', '--numstat']],
    ['-p -M40% (a lower minimum)', ['-p', '-M40%']],
    ['-M9 (a fraction: 90%)', ['-r', '-M9', '--raw']],
    ['-c (merges as combined raw lines)', ['-c']],
    ['--cc --raw', ['--cc', '--raw']],
  ])('%s equals git on every commit', (_label, flags) => {
    const input = allCommits(history);
    const want = gitDiffTree(history, ['--stdin', '--root', ...flags], input);
    expect(want.length).toBeGreaterThan(0);
    expect(ours(history, ['--stdin', '--root', ...flags], input).toString('latin1')).toBe(want.toString('latin1'));
  });

  it('one commit at a time: merges and the root print nothing, as in git', () => {
    const commits = allCommits(history).trim().split('\n');
    let empty = 0;
    for (const c of commits) {
      const want = gitDiffTree(history, ['-r', '-M', c]);
      if (want.length === 0) empty++;
      expect(ours(history, ['-r', '-M', c]).toString('latin1'), c).toBe(want.toString('latin1'));
    }
    // The root, the merge of topic and the octopus.
    expect(empty).toBe(3);
  });

  it('two tree-ishes: no commit line, the changes between them', () => {
    const commits = allCommits(history).trim().split('\n');
    const [tip, root] = [commits[0], commits[commits.length - 1]];
    for (const flags of [
      ['-r', '-M'],
      ['-p', '-M'],
      ['-M', '--numstat'],
    ]) {
      const want = gitDiffTree(history, [...flags, root, `${tip}^{tree}`]);
      expect(want.length).toBeGreaterThan(0);
      expect(ours(history, [...flags, root, `${tip}^{tree}`]).toString('latin1')).toBe(want.toString('latin1'));
    }
  });

  it('past the rename limit (-l) skips inexact renames and warns as git does', () => {
    const commits = allCommits(history).trim().split('\n');
    const [tip, root] = [commits[0], commits[commits.length - 1]];
    for (const limit of ['-l1', '-l2', '-l100']) {
      const want = git(['--git-dir', gitDir(history), 'diff-tree', '-r', '-M', limit, root, tip]);
      const got = cli(['diff-tree', '-r', '-M', limit, root, tip, history.path]);
      expect(got.stdout.toString('latin1')).toBe(want.stdout.toString('latin1'));
      expect(got.stderr).toBe(want.stderr);
      if (limit === '-l1') expect(want.stderr).toMatch(/renameLimit variable to at least \d+/);
    }
  });

  it('refuses an unknown option, and a combined numstat it does not write, with status 2', () => {
    expect(cli(['diff-tree', '--bogus', 'HEAD', history.path]).status).toBe(2);
    // The combined patch (--cc, -c -p) is written (tests/combined-hunks.test.ts); its numstat is not.
    expect(cli(['diff-tree', '--cc', '--numstat', 'HEAD', history.path]).status).toBe(2);
  });
});

describe("rename rules on a repository made for them (git's choices, not only its answers)", () => {
  // Each commit exercises one rule where a plausible shortcut gives another answer: the
  // same-name shortcut (75%) beating a better-scoring other name, exact renames preferring the
  // same file name, equal scores broken by the same file name, file names that are not unique
  // (no shortcut), copies of a modified file, CRLF endings ignored in the similarity, a
  // symlink renamed exactly, and empty files.
  const script = `
    set -e
    export GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com GIT_COMMITTER_NAME=A GIT_COMMITTER_EMAIL=a@example.com
    export GIT_AUTHOR_DATE=2020-01-01T00:00:00Z GIT_COMMITTER_DATE=2020-01-01T00:00:00Z
    git init -q -b main .
    lines() { for i in $(seq 1 $1); do echo "common line number $i"; done; }
    mkdir -p a b c x y z m n p q
    lines 20 > a/foo.txt; lines 30 > x/same.txt; lines 30 > y/other.txt
    lines 40 > m/Makefile; (lines 38; echo m1; echo m2) > n/Makefile
    (lines 24; echo tail) > p/tie.txt; (lines 24; echo tail) > q/tie2.txt
    lines 25 > crlf.txt; : > empty1; ln -s a/foo.txt link
    git add . && git commit -qm base
    git rm -q a/foo.txt
    (lines 16; for i in 17 18 19 20; do echo "changed $i"; done) > b/foo.txt
    (lines 19; echo "other 20") > c/bar.txt
    git add . && git commit -qm 'same name at 79% beats another at 94%'
    git rm -q x/same.txt y/other.txt && mkdir -p w && lines 30 > w/other.txt
    git add . && git commit -qm 'exact: same file name first'
    git rm -q p/tie.txt q/tie2.txt && mkdir -p t && (lines 24; echo changed) > t/tie2.txt
    git add . && git commit -qm 'equal scores: same file name first'
    git rm -q m/Makefile n/Makefile && mkdir -p o && (lines 39; echo o1) > o/Makefile
    git add . && git commit -qm 'names not unique: no shortcut'
    (lines 20; echo more) > c/bar.txt && cp c/bar.txt copy1.txt && (lines 20; echo more; echo again) > copy2.txt
    git add . && git commit -qm 'copies of a modified file'
    git rm -q crlf.txt && lines 25 | sed 's/$/\r/' > crlf-moved.txt
    git add . && git commit -qm 'CRLF endings ignored in similarity'
    git mv link link2 && git mv empty1 empty2
    git commit -qm 'symlink and empty file renamed'
  `;
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'packscope-renames-'));
    const r = spawnSync('bash', ['-c', script], { cwd: dir, env: { ...process.env, HOME: '/nonexistent', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
    expect(r.status, r.stderr.toString()).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['-r -M --raw', ['-r', '-M', '--raw']],
    ['-r -C --raw', ['-r', '-C', '--raw']],
    ['-M --numstat', ['-M', '--numstat']],
    ['-p -M', ['-p', '-M']],
  ])('%s equals git on every commit', (_label, flags) => {
    const input = git(['-C', dir, 'rev-list', 'HEAD']).stdout.toString();
    const want = git(['-C', dir, 'diff-tree', '--stdin', ...flags], { input }).stdout.toString('latin1');
    expect(want).toContain(flags.includes('--numstat') ? '{a => b}/foo.txt' : 'a/foo.txt');
    expect(cli(['diff-tree', '--stdin', ...flags, dir], { input }).stdout.toString('latin1')).toBe(want);
  });
});

describe('worker diff requests', () => {
  let session: Session;
  beforeAll(async () => {
    session = await Session.open('history', fsDirectoryReader(history.path));
  });

  it('diffFiles lists what git diff-tree -r -M lists, with numstat counts, for every non-merge commit', async () => {
    const commits = allCommits(history).trim().split('\n');
    let files = 0;
    for (const c of commits) {
      const parents =
        git(['--git-dir', gitDir(history), 'rev-list', '--parents', '-n1', c])
          .stdout.toString()
          .trim()
          .split(' ').length - 1;
      if (parents > 1) continue;
      const raw = gitDiffTree(history, ['--root', '-r', '-M', '--raw', c]).toString('latin1').split('\n').slice(1, -1);
      const numstat = gitDiffTree(history, ['--root', '-r', '-M', '--numstat', c]).toString('latin1').split('\n').slice(1, -1);
      const page = await diffFiles(session, { target: { kind: 'commit', rev: c, parent: 1 }, start: 0, count: 1000 }, ctx);
      // Paths as git prints them: quoted when git quotes, else the UTF-8 bytes.
      const asGit = (side: { path: string; quoted?: string }): string => side.quoted ?? Buffer.from(side.path, 'utf8').toString('latin1');
      const got = page.files.map((f) => {
        const status = f.similarity !== undefined ? `${f.status}${String(f.similarity).padStart(3, '0')}` : f.status;
        const paths = f.status === 'R' || f.status === 'C' ? [asGit(f.old), asGit(f.new)] : [asGit(f.old.path ? f.old : f.new)];
        return `:${f.old.mode} ${f.new.mode} ${f.old.oid} ${f.new.oid} ${status}\t${paths.join('\t')}`;
      });
      expect(got, c).toEqual(raw);
      expect(page.total).toBe(raw.length);
      const counts = numstat.map((l) => l.split('\t').slice(0, 2).join('\t'));
      const shown = page.files.filter((f) => !(f.status === 'M' && f.added === 0 && f.deleted === 0 && f.old.mode === f.new.mode));
      expect(
        shown.map((f) => (f.binary ? '-\t-' : `${f.added}\t${f.deleted}`)),
        c,
      ).toEqual(counts);
      files += page.files.length;
    }
    expect(files).toBeGreaterThan(20);
  });

  it('diffFiles pages: the same files in slices, with the total', async () => {
    // A session of its own: counts computed by earlier requests are kept and would show.
    const session = await Session.open('history', fsDirectoryReader(history.path));
    const root = allCommits(history).trim().split('\n').pop() as string;
    const whole = await diffFiles(session, { target: { kind: 'commit', rev: root, parent: 1 }, start: 0, count: 1000, stats: false }, ctx);
    expect(whole.total).toBeGreaterThan(5);
    const a = await diffFiles(session, { target: { kind: 'commit', rev: root, parent: 1 }, start: 0, count: 3 }, ctx);
    const b = await diffFiles(session, { target: { kind: 'commit', rev: root, parent: 1 }, start: 3, count: 1000 }, ctx);
    expect([...a.files, ...b.files].map((f) => f.new.path)).toEqual(whole.files.map((f) => f.new.path));
    expect(a.total).toBe(whole.total);
    expect(whole.files[0].added).toBeUndefined();
    expect(a.files[0].added).toBeDefined();
  });

  it('diffFiles compares any two names as git diff-tree does', async () => {
    const commits = allCommits(history).trim().split('\n');
    const [tip, root] = [commits[0], commits[commits.length - 1]];
    const want = gitDiffTree(history, ['-r', '-M', '--name-status', root, tip]).toString('utf8').trim().split('\n');
    const page = await diffFiles(session, { target: { kind: 'pair', from: root, to: `${tip}^{tree}` }, start: 0, count: 1000 }, ctx);
    expect(page.files.map((f) => f.status)).toEqual(want.map((l) => l[0]));
    expect(page.ends.fromCommit).toBe(root);
    const blobs = await diffFiles(session, { target: { kind: 'pair', from: `${root}:README.md`, to: `${tip}:README.md` }, start: 0, count: 10 }, ctx);
    const stat = git(['--git-dir', gitDir(history), 'diff', '--numstat', `${root}:README.md`, `${tip}:README.md`])
      .stdout.toString()
      .split('\t');
    expect(blobs.files.length).toBe(1);
    expect([blobs.files[0].added, blobs.files[0].deleted]).toEqual([Number(stat[0]), Number(stat[1])]);
  });

  it('diffCombined lists the paths git diff-tree -c -r lists for each merge, with each parent', async () => {
    const merges = git(['--git-dir', gitDir(history), 'rev-list', '--merges', '--all'])
      .stdout.toString()
      .trim()
      .split('\n');
    expect(merges.length).toBeGreaterThanOrEqual(2);
    let seen = 0;
    for (const m of merges) {
      const lines = gitDiffTree(history, ['-c', '-r', '--raw', m])
        .toString('utf8')
        .trim()
        .split('\n')
        .slice(1)
        .filter((l) => l);
      const page = await diffCombined(session, { rev: m, start: 0, count: 1000, dense: false }, ctx);
      const got = page.files.map((f) => {
        const colons = ':'.repeat(f.parents.length);
        return `${colons}${f.parents.map((p) => p.mode).join(' ')} ${f.mode} ${f.parents.map((p) => p.oid).join(' ')} ${f.oid} ${f.parents.map((p) => p.status).join('')}\t${f.quoted ?? f.path}`;
      });
      expect(got, m).toEqual(lines);
      seen += got.length;
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('diffCombined dense leaves out what git diff-tree --cc leaves out (each hunk taken from one parent)', async () => {
    // A merge of two branches that changed different lines: -c lists the file (it differs
    // from both parents), --cc does not (every hunk is one parent's version). A third file
    // is resolved by hand (both shown), a fourth differs only in the result (both shown).
    const dir = mkdtempSync(join(tmpdir(), 'packscope-cc-'));
    const env = {
      GIT_AUTHOR_NAME: 'A',
      GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'A',
      GIT_COMMITTER_EMAIL: 'a@example.com',
      GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z',
    };
    const run = (...args: string[]) => {
      const r = git(['-C', dir, ...args], { env });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.toString();
    };
    const lines = (edit: (i: number) => string) => Array.from({ length: 30 }, (_, i) => edit(i)).join('\n') + '\n';
    try {
      run('init', '-q', '-b', 'main');
      writeFileSync(
        join(dir, 'auto.txt'),
        lines((i) => `line ${i}`),
      );
      writeFileSync(
        join(dir, 'hand.txt'),
        lines((i) => `line ${i}`),
      );
      writeFileSync(
        join(dir, 'evil.txt'),
        lines((i) => `line ${i}`),
      );
      run('add', '.');
      run('commit', '-q', '-m', 'base');
      run('checkout', '-q', '-b', 'side');
      writeFileSync(
        join(dir, 'auto.txt'),
        lines((i) => (i === 25 ? 'side 25' : `line ${i}`)),
      );
      writeFileSync(
        join(dir, 'hand.txt'),
        lines((i) => (i === 10 ? 'side 10' : `line ${i}`)),
      );
      writeFileSync(
        join(dir, 'evil.txt'),
        lines((i) => (i === 5 ? 'side 5' : `line ${i}`)),
      );
      run('commit', '-q', '-am', 'side');
      run('checkout', '-q', 'main');
      writeFileSync(
        join(dir, 'auto.txt'),
        lines((i) => (i === 2 ? 'main 2' : `line ${i}`)),
      );
      writeFileSync(
        join(dir, 'hand.txt'),
        lines((i) => (i === 10 ? 'main 10' : `line ${i}`)),
      );
      writeFileSync(
        join(dir, 'evil.txt'),
        lines((i) => (i === 20 ? 'main 20' : `line ${i}`)),
      );
      run('commit', '-q', '-am', 'main');
      git(['-C', dir, 'merge', '-q', 'side', '-m', 'merge'], { env });
      writeFileSync(
        join(dir, 'hand.txt'),
        lines((i) => (i === 10 ? 'both 10' : `line ${i}`)),
      );
      writeFileSync(
        join(dir, 'evil.txt'),
        lines((i) => (i === 5 ? 'side 5' : i === 20 ? 'main 20' : i === 29 ? 'neither 29' : `line ${i}`)),
      );
      run('add', '.');
      run('commit', '-q', '--no-edit');
      const cc = run('diff-tree', '--cc', 'HEAD')
        .split('\n')
        .filter((l) => l.startsWith('diff --cc '))
        .map((l) => l.slice(10));
      const c = run('diff-tree', '-c', '-r', '--name-only', 'HEAD').trim().split('\n').slice(1);
      expect(c).toEqual(['auto.txt', 'evil.txt', 'hand.txt']);
      expect(cc).toEqual(['evil.txt', 'hand.txt']);
      const s = await Session.open('cc', fsDirectoryReader(dir));
      const dense = await diffCombined(s, { rev: 'HEAD', start: 0, count: 100 }, ctx);
      const loose = await diffCombined(s, { rev: 'HEAD', start: 0, count: 100, dense: false }, ctx);
      expect(dense.files.map((f) => f.path)).toEqual(cc);
      expect(loose.files.map((f) => f.path)).toEqual(c);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('diffHunks gives the hunks of git diff -p, and the whole file on asking', async () => {
    const c = git(['--git-dir', gitDir(history), 'log', '--format=%H', '-n1', '--all', '--', 'src/main.c'])
      .stdout.toString()
      .trim();
    const page = await diffFiles(session, { target: { kind: 'commit', rev: c, parent: 1 }, start: 0, count: 1000 }, ctx);
    const file = page.files.find((f) => f.new.path === 'src/main.c' && f.status === 'M');
    expect(file).toBeDefined();
    const f = file as NonNullable<typeof file>;
    const patch = git(['--git-dir', gitDir(history), 'diff', `${c}^`, c, '--', 'src/main.c']).stdout.toString();
    const headers = patch.split('\n').filter((l) => l.startsWith('@@'));
    const hunks = diffHunks(session, { oldOid: f.old.oid, newOid: f.new.oid, oldMode: f.old.mode, newMode: f.new.mode });
    expect(hunks.hunks.map((h) => h.header)).toEqual(headers);
    expect([hunks.added, hunks.deleted]).toEqual([f.added, f.deleted]);
    const whole = diffHunks(session, { oldOid: f.old.oid, newOid: f.new.oid, whole: true });
    expect(whole.hunks.length).toBe(1);
    expect(whole.hunks[0].lines.filter((l) => l.kind !== 'del').length).toBe(whole.newLines);
    const added = diffHunks(session, { oldOid: '', newOid: f.new.oid });
    expect(added.added).toBe(whole.newLines);
  });

  it('diffHunks marks a binary pair and diffBlobLines reads lines as git cat-file has them', async () => {
    const blob = git(['--git-dir', gitDir(history), 'rev-parse', 'HEAD:data/blob.bin'])
      .stdout.toString()
      .trim();
    expect(diffHunks(session, { oldOid: '', newOid: blob }).binary).toBe(true);
    const readme = git(['--git-dir', gitDir(history), 'rev-parse', 'HEAD:README.md'])
      .stdout.toString()
      .trim();
    const text = git(['--git-dir', gitDir(history), 'cat-file', 'blob', readme])
      .stdout.toString('utf8')
      .split('\n');
    const lines = diffBlobLines(session, { oid: readme, start: 2, count: 3 });
    expect(lines.lines).toEqual(text.slice(1, 4));
    expect(lines.total).toBe(text[text.length - 1] === '' ? text.length - 1 : text.length);
  });

  it('an unreachable commit compares like any other (what did this lost commit change?)', async () => {
    const dangling = fixtures.find((f) => f.name === 'dangling') as Fixture;
    const lost = git(['--git-dir', gitDir(dangling), 'fsck', '--unreachable', '--no-reflogs'])
      .stdout.toString()
      .split('\n')
      .filter((l) => l.startsWith('unreachable commit '))
      .map((l) => l.split(' ')[2]);
    expect(lost.length).toBeGreaterThan(0);
    const s = await Session.open('dangling', fsDirectoryReader(dangling.path));
    for (const c of lost) {
      const want = gitDiffTree(dangling, ['--root', '-r', '-M', '--name-status', c]).toString('utf8').trim().split('\n').slice(1);
      const page = await diffFiles(s, { target: { kind: 'commit', rev: c, parent: 1 }, start: 0, count: 100 }, ctx);
      expect(
        page.files.map((f) => `${f.status}\t${f.new.path || f.old.path}`),
        c,
      ).toEqual(want);
    }
  });

  it('a long comparison can be cancelled between slices', async () => {
    const big = fixtures.find((f) => f.name === 'big') as Fixture;
    const s = await Session.open('big', fsDirectoryReader(big.path));
    const commits = allCommits(big).trim().split('\n');
    let pauses = 0;
    const cancelling: HandlerContext = {
      ...ctx,
      pause: async () => {
        if (++pauses > 1) throw new Cancelled();
      },
    };
    const target = { kind: 'pair', from: commits[commits.length - 1], to: commits[0] } as const;
    await expect(diffFiles(s, { target, start: 0, count: 10 }, cancelling)).rejects.toBeInstanceOf(Cancelled);
    expect(pauses).toBe(2);
    // Not kept half-done: asked again, it runs to the end.
    const page = await diffFiles(s, { target, start: 0, count: 10, stats: false }, ctx);
    expect(page.total).toBe(
      gitDiffTree(big, ['-r', '-M', '--name-only', commits[commits.length - 1], commits[0]])
        .toString()
        .trim()
        .split('\n').length,
    );
  });

  it('a folder whose tree is missing is one entry with the reason; the other files are listed (the CLI fails as git does)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packscope-damaged-'));
    const env = {
      GIT_AUTHOR_NAME: 'A',
      GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'A',
      GIT_COMMITTER_EMAIL: 'a@example.com',
      GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z',
    };
    const run = (...args: string[]) =>
      git(['-C', dir, ...args], { env })
        .stdout.toString()
        .trim();
    try {
      run('init', '-q');
      mkdirSync(join(dir, 'lost'));
      writeFileSync(join(dir, 'lost/a.txt'), 'one\n');
      writeFileSync(join(dir, 'top.txt'), 'one\n');
      run('add', '.');
      run('commit', '-q', '-m', 'one');
      writeFileSync(join(dir, 'lost/a.txt'), 'two\n');
      writeFileSync(join(dir, 'top.txt'), 'two\n');
      run('commit', '-q', '-am', 'two');
      const tree = run('rev-parse', 'HEAD:lost');
      rmSync(join(dir, '.git/objects', tree.slice(0, 2), tree.slice(2)));
      expect(git(['-C', dir, 'diff-tree', '-r', 'HEAD'], { env }).status).not.toBe(0);
      expect(cli(['diff-tree', '-r', 'HEAD', dir]).status).not.toBe(0);
      const s = await Session.open('damaged', fsDirectoryReader(dir));
      const page = await diffFiles(s, { target: { kind: 'commit', rev: 'HEAD', parent: 1 }, start: 0, count: 10 }, ctx);
      expect(page.files.map((f) => [f.status, f.new.path, f.new.mode, f.skipped])).toEqual([
        ['M', 'lost', '040000', 'unreadable'],
        ['M', 'top.txt', '100644', undefined],
      ]);
      expect(page.files[0].error?.message).toContain(tree);
      expect([page.files[1].added, page.files[1].deleted]).toEqual([1, 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a parent number past the parents, and a missing name, fail with a reason', async () => {
    await expect(diffFiles(session, { target: { kind: 'commit', rev: 'HEAD', parent: 5 }, start: 0, count: 10 }, ctx)).rejects.toThrow(/parent/);
    await expect(diffFiles(session, { target: { kind: 'pair', from: 'HEAD', to: 'no-such-ref' }, start: 0, count: 10 }, ctx)).rejects.toThrow(/no-such-ref/);
  });
});

describe('core rules git fixtures do not reach', () => {
  const file = (path: string, oid: number, mode = MODE_FILE) => ({ path: new TextEncoder().encode(path), mode, oid: fromHex(oid.toString(16).padStart(40, '0')) });
  const blobs = (contents: Map<number, string>): BlobReader => {
    const byHex = new Map([...contents].map(([k, v]) => [k.toString(16).padStart(40, '0'), new TextEncoder().encode(v)]));
    const hex = (oid: Uint8Array) => Buffer.from(oid).toString('hex');
    return { size: (oid) => byHex.get(hex(oid))?.length, data: (oid) => byHex.get(hex(oid)) };
  };
  const text = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `line ${i} ${tag}\n`).join('');

  it('skips the inexact pass past the rename limit, as git does, and keeps exact renames', () => {
    const pairs: FilePair[] = [
      { status: 'D', old: file('a', 1), new: undefined, score: 0 },
      { status: 'D', old: file('b', 2), new: undefined, score: 0 },
      { status: 'D', old: file('same', 5), new: undefined, score: 0 },
      { status: 'A', old: undefined, new: file('c', 3), score: 0 },
      { status: 'A', old: undefined, new: file('d', 4), score: 0 },
      { status: 'A', old: undefined, new: file('moved', 5), score: 0 },
    ];
    const reader = blobs(
      new Map([
        [1, text(20, 'x')],
        [2, text(20, 'y')],
        [3, text(20, 'x') + 'z\n'],
        [4, text(20, 'y') + 'z\n'],
        [5, 'same'],
      ]),
    );
    const limited = runToEnd(detectRenames(pairs, reader, { renameLimit: 1 }));
    expect(limited.inexact).toBe('skipped');
    expect(limited.pairs.map((p) => p.status)).toEqual(['D', 'D', 'A', 'A', 'R']);
    const full = runToEnd(detectRenames(pairs, reader));
    expect(full.inexact).toBe('done');
    expect(full.pairs.map((p) => `${p.status} ${p.score}`)).toEqual(['R 59375', 'R 59375', 'R 60000']);
  });

  it('renames symlinks only exactly, and scores a missing blob 0 (reported)', () => {
    const pairs: FilePair[] = [
      { status: 'D', old: file('link', 1, MODE_LINK), new: undefined, score: 0 },
      { status: 'D', old: file('gone', 7), new: undefined, score: 0 },
      { status: 'A', old: undefined, new: file('link2', 2, MODE_LINK), score: 0 },
      { status: 'A', old: undefined, new: file('here', 8), score: 0 },
    ];
    const found = runToEnd(
      detectRenames(
        pairs,
        blobs(
          new Map([
            [1, 'target'],
            [2, 'target2'],
            [8, 'x\n'],
          ]),
        ),
      ),
    );
    expect(found.pairs.map((p) => p.status)).toEqual(['D', 'D', 'A', 'A']);
    expect(found.missing).toEqual(['7'.padStart(40, '0')]);
  });

  it('the span estimate ignores CR before LF in text, not in binary', () => {
    const lf = new TextEncoder().encode(text(50, 'a'));
    const crlf = new TextEncoder().encode(text(50, 'a').replace(/\n/g, '\r\n'));
    expect(countChanges(spanTable(lf), spanTable(crlf))).toEqual({ copied: lf.length, added: 0 });
    const bin = (b: Uint8Array) => Uint8Array.from([0, ...b]);
    expect(countChanges(spanTable(bin(lf)), spanTable(bin(crlf))).copied).toBeLessThan(lf.length / 2);
  });

  it('a tree walk stops at its pair limit and refuses nesting past its depth limit', async () => {
    const s = await Session.open('history', fsDirectoryReader(history.path));
    const root = allCommits(history).trim().split('\n').pop() as string;
    const tree = commitLinks(s.db, fromHex(root)).tree;
    const all = changesBetween(s.db, undefined, tree);
    expect(all.truncated).toBe(false);
    const capped = runToEnd(walkTreeDiff(s.db, undefined, tree, { limits: { maxPairs: 3 } }));
    expect(capped.pairs.length).toBe(3);
    expect(capped.truncated).toBe(true);
    expect(() => runToEnd(walkTreeDiff(s.db, undefined, tree, { limits: { maxDepth: 0 } }))).toThrow(/deeper/);
  });
});
