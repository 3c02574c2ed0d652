import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRepository } from '../src/cli/repository.ts';
import { commitTreeFiles } from '../src/core/analysis/commit-tree-files.ts';
import { backslashReplace, filterRepoReport, REPORT_FILE_NAMES } from '../src/core/analysis/filter-repo-report.ts';
import { pythonDirname, pythonExtension } from '../src/core/analysis/python-path.ts';
import { analyzeSizes, SizeAnalysisRun } from '../src/core/analysis/size-analysis.ts';
import { buildTreemapTree } from '../src/core/analysis/treemap-tree.ts';
import type { SizeAnalysis, TreemapNode } from '../src/core/analysis/types.ts';
import { toHex } from '../src/core/hash/hex.ts';
import { BUILD, cli } from './support/cli.ts';

/**
 * The size analysis against `git filter-repo --analyze` (Debian's 2.38): filter-repo runs on a
 * copy of each repository (it writes its report inside the git dir), packscope's engine on the
 * original, and every report file must be equal line for line. The fixtures, then repositories
 * built here with git for what they lack: renames (exact, edited, of a folder, on a branch and
 * merged), deletions of files and folders, a name brought back after its rename, a file that
 * becomes a folder, submodules, octopus and evil merges, zones that move the date across
 * midnight, and hostile names (newline, tab, Latin-1, right-to-left override, leading dash).
 * Then where packscope's own numbers differ from filter-repo's, and the CLI's folder rules.
 */

const temp = mkdtempSync(join(tmpdir(), 'packscope-analyze-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const ENV = {
  ...process.env,
  LC_ALL: 'C',
  TZ: 'UTC',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  HOME: '/nonexistent',
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@e',
};

function run(cmd: string, args: string[], cwd: string, input?: string): string {
  const r = spawnSync(cmd, args, { cwd, env: ENV, input, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.toString()}`);
  return r.stdout.toString('latin1');
}

let copies = 0;
/** filter-repo's report on a copy of `gitDir`: file name to bytes. */
function filterRepoFiles(gitDir: string): Map<string, Buffer> {
  const copy = join(temp, `copy-${copies++}.git`);
  cpSync(gitDir, copy, { recursive: true });
  run('git', ['filter-repo', '--analyze'], copy);
  const dir = join(copy, 'filter-repo', 'analysis');
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) out.set(name, readFileSync(join(dir, name)));
  rmSync(copy, { recursive: true, force: true });
  return out;
}

async function analysisOf(path: string): Promise<SizeAnalysis> {
  const { db, refs } = await openRepository(path);
  return analyzeSizes(db, refs).analysis;
}

/** Every file equal, compared as lines (bytes kept: latin1), so a difference names its line. */
function expectSameReport(ours: Map<string, Uint8Array>, theirs: Map<string, Buffer>): void {
  expect([...theirs.keys()].sort()).toEqual([...REPORT_FILE_NAMES].sort());
  for (const name of REPORT_FILE_NAMES) {
    const a = Buffer.from(ours.get(name) as Uint8Array)
      .toString('latin1')
      .split('\n');
    const b = (theirs.get(name) as Buffer).toString('latin1').split('\n');
    expect({ name, lines: a }).toEqual({ name, lines: b });
  }
}

function gitDirOf(name: string): string {
  return join(BUILD, name, readFileSync(join(BUILD, name, 'gitdir'), 'utf8').trim());
}

describe('the fixtures: every report file equals filter-repo --analyze', () => {
  for (const name of ['varied', 'history', 'multi-pack', 'dangling', 'demo', 'long-chains', 'sha256', 'commit-graph-split']) {
    it(name, async () => {
      const gitDir = gitDirOf(name);
      const theirs = filterRepoFiles(gitDir);
      const analysis = await analysisOf(gitDir);
      expectSameReport(filterRepoReport(analysis), theirs);
      // The files are not trivially empty: every fixture has paths and commits.
      expect(analysis.totals.commits).toBeGreaterThan(0);
      expect(analysis.totals.files).toBeGreaterThan(0);
    });
  }
});

/** A repository built step by step with git, dates and zones pinned. */
function buildScenario(): string {
  const dir = join(temp, 'scenario');
  mkdirSync(dir);
  const script = String.raw`
set -e
git init -q -b main .
n=0
A() { git add -A -- . ':(exclude)sub'; } # a gitlink has no folder here: never stage its removal
c() { # c <zone> <message>: commit with the next pinned date in that zone
  n=$((n+1)); export GIT_AUTHOR_DATE="@$((1700000000 + n*50000)) $1" GIT_COMMITTER_DATE="@$((1700000000 + n*50000 + 80000)) $1"
  git -c user.name=T -c user.email=t@e commit -q --allow-empty -m "$2"
}
seq 1 400 > a.txt
mkdir -p dir/sub dir.d folder/deep
seq 1 300 | sed 's/^/line /' > dir/sub/b.c
printf 'same\n' > same1.txt; printf 'same\n' > same2.txt; printf 'same\n' > folder/same3.txt
: > empty.txt
printf 'x' > .bashrc; printf 'tgz' > arch.tar.gz; printf 'noext' > dir.d/noext
printf 'nl' > "$(printf 'new\nline.txt')"
printf 'tab' > "$(printf 'tab\tname.md')"
printf 'lat' > "$(printf 'lat\351n.txt')"
printf 'utf' > "$(printf 'caf\303\251.txt')"
printf 'rtl' > "$(printf '\342\200\256evil.txt')"
printf 'dash' > ./-dash.txt
printf 'q' > 'quo"te.txt'; printf 'b' > 'back\slash.txt'
head -c 20000 /dev/zero | tr '\0' 'z' > folder/deep/data.bin
ln -s a.txt link
printf 'x1' > x
A; c -0800 root
seq 1 401 > a.txt; git mv dir/sub/b.c dir/sub/c.c; c +1345 exact-rename
seq 1 290 | sed 's/^/line /' > dir/sub/c.c; git mv dir/sub/c.c dir/sub/d.c; A; c +0530 edited-rename
git rm -q -r dir.d folder/deep/data.bin; c -1100 deletions
git rm -q x; mkdir x; printf 'inner' > x/inner.txt; A; c +0000 file-becomes-folder
git mv folder moved-folder; c +0200 folder-rename
git update-index --add --cacheinfo 160000,1111111111111111111111111111111111111111,sub; c +0000 submodule
git checkout -q -b side
seq 1 401 > a.txt; mkdir -p lib; git mv a.txt lib/a.txt; A; c +0900 side-rename
git checkout -q main
printf 'main change\n' >> same1.txt; A; c -0330 main-edit
git merge -q --no-commit side || true
seq 1 402 > lib/a.txt; A; c +0100 evil-merge
seq 1 10 > a.txt; A; c -0500 old-name-back
git checkout -q -b o1; printf 'o1' > o1.txt; A; c +0000 o1
git checkout -q main; git checkout -q -b o2; printf 'o2' > o2.txt; A; c +0000 o2
git checkout -q main; git merge -q --no-edit o1 o2 -m octopus
git checkout -q -b del1; printf 'd1' > same2.txt; A; c +0000 del1
git checkout -q main; git merge -q --no-commit del1 || true; git rm -q same2.txt; c +0000 evil-deletion
seq 1 400 > moved-folder/same3.txt; A; c +0000 grow
printf 'same\n' > moved-folder/same3.txt; A; c +0000 revert
git rm -q --cached sub; c +0000 submodule-gone
git checkout -q --orphan lonely; git rm -q -r --cached . >/dev/null; printf 'alone' > alone.txt; git add alone.txt; c -1200 orphan-root
git checkout -q -f main
git branch -q temp lonely; git tag kept temp; git branch -q -D temp
`;
  run('bash', ['-c', script], dir);
  return join(dir, '.git');
}

describe('a repository built for the rules filter-repo follows', () => {
  const gitDir = buildScenario();

  it('loose objects: every file equals filter-repo (stored size is the loose file size)', async () => {
    const analysis = await analysisOf(gitDir);
    expectSameReport(filterRepoReport(analysis), filterRepoFiles(gitDir));
    // The scenario reached what it was built for.
    const renames = Buffer.from(filterRepoReport(analysis).get('renames.txt') as Uint8Array).toString();
    expect(renames).toContain('dir/sub/b.c ->\n    dir/sub/c.c\n    dir/sub/d.c\n');
    // a.txt was renamed to lib/a.txt on a branch, then a new a.txt was added after the merge: the
    // group breaks, as filter-repo breaks it.
    expect(analysis.findPath(Buffer.from('lib/a.txt'))).toBeDefined();
    expect(renames).not.toContain('a.txt ->\n    lib/a.txt');
    expect(Buffer.from(filterRepoReport(analysis).get('directories-deleted-sizes.txt') as Uint8Array).toString('latin1')).toContain(' dir.d\n');
    expect(analysis.blobs.pack.every((p) => p === -1)).toBe(true);
  });

  it('packed: every file equals filter-repo after git repack -a -d', async () => {
    const packed = join(temp, 'scenario-packed.git');
    cpSync(gitDir, packed, { recursive: true });
    run('git', ['--git-dir', packed, 'repack', '-q', '-a', '-d'], temp);
    const analysis = await analysisOf(packed);
    expect(analysis.blobs.pack.some((p) => p >= 0)).toBe(true);
    expectSameReport(filterRepoReport(analysis), filterRepoFiles(packed));
  });

  it('keeps each blob once in a directory, where filter-repo adds it once per path', async () => {
    const analysis = await analysisOf(gitDir);
    // same1.txt and same2.txt (and folder/same3.txt) first held one blob: filter-repo's top-level
    // sum counts it at each path, packscope's once.
    const same = analysis.blobs.find(Buffer.from(run('git', ['hash-object', '--stdin'], temp, 'same\n').trim(), 'hex'));
    expect(same).toBeGreaterThanOrEqual(0);
    const at = analysis.blobs.pathIds.slice(analysis.blobs.pathStart[same], analysis.blobs.pathStart[same + 1]);
    expect([...at].map((p) => Buffer.from(analysis.paths[p].path).toString())).toEqual(['folder/same3.txt', 'moved-folder/same3.txt', 'same1.txt', 'same2.txt']);
    const top = analysis.paths[0].dir!;
    expect(top.reportStored - top.stored).toBeGreaterThanOrEqual(3 * analysis.blobs.stored[same]);
    let pairs = 0;
    let distinct = 0;
    for (let b = 0; b < analysis.blobs.count; b++) {
      const k = analysis.blobs.pathStart[b + 1] - analysis.blobs.pathStart[b];
      pairs += k * analysis.blobs.stored[b];
      if (k > 0) distinct += analysis.blobs.stored[b];
    }
    expect(top.reportStored).toBe(pairs);
    expect(top.stored).toBe(distinct);
    expect(analysis.totals.stored).toBe(distinct);
    // And README's "Total packed size" is filter-repo's sum, not the repository's stored bytes.
    expect(Buffer.from(filterRepoReport(analysis).get('README') as Uint8Array).toString()).toContain(`Total packed size (bytes): ${pairs}\n`);
  });

  it('dates a deletion in the committer zone, as --date=short does', async () => {
    const analysis = await analysisOf(gitDir);
    const dirD = analysis.paths[analysis.findPath(Buffer.from('dir.d')) as number];
    const shown = run('git', ['--git-dir', gitDir, 'log', '-1', '--format=%cd', '--date=short', `${toHex(analysis.commits.ids, dirD.dir!.deleted!.commit * 20, 20)}`], temp).trim();
    expect(dirD.dir!.deleted!.date).toBe(shown);
    // -1100 at that second (04:00 UTC) is the day before.
    const utc = run('git', ['--git-dir', gitDir, 'log', '-1', '--format=%cd', '--date=format-local:%Y-%m-%d', `${toHex(analysis.commits.ids, dirD.dir!.deleted!.commit * 20, 20)}`], temp).trim();
    expect(shown).not.toBe(utc);
  });
});

describe('a partial clone that lacks blobs (as the git.git mirror here lacks 25)', () => {
  it('filter-repo stops; analyze counts them as 0 bytes, leaves them out of the blob list and warns', () => {
    const dir = join(temp, 'partial');
    mkdirSync(dir);
    const script = String.raw`
set -e
git init -q -b main src; cd src
seq 1 500 > big.txt; printf small > small.txt; git add -A; git commit -q -m one
seq 1 501 > big.txt; git mv big.txt bigger.txt; git commit -q -am two
git config uploadpack.allowFilter true; cd ..
git clone -q --bare --no-local --filter=blob:limit=100 "file://$PWD/src" part.git
git -C part.git config --remove-section remote.origin
`;
    run('bash', ['-c', script], dir);
    const part = join(dir, 'part.git');
    expect(run('git', ['--git-dir', part, 'rev-list', '--all', '--objects', '--missing=print'], temp).match(/^\?/gm)).toHaveLength(2);
    // filter-repo: git diff-tree -M cannot read the renamed blob to score the rename.
    const theirs = spawnSync('git', ['filter-repo', '--analyze'], { cwd: part, env: ENV });
    expect(theirs.status).not.toBe(0);
    expect(theirs.stderr.toString()).toMatch(/fatal: unable to read [0-9a-f]{40}/);
    const out = join(dir, 'report');
    const ours = cli(['analyze', part, '--report-dir', out]);
    expect(ours.status).toBe(0);
    expect(ours.stderr).toContain('warning: 2 blobs history names are not in this repository');
    expect(
      readFileSync(join(out, 'blob-shas-and-paths.txt'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('  ')),
    ).toHaveLength(1);
    // Without the blobs the rename cannot be scored: big.txt reads as deleted, as git would see it unscored.
    expect(readFileSync(join(out, 'path-all-sizes.txt'), 'utf8')).toMatch(/ {11}0 {10}0 \d{4}-\d\d-\d\d big\.txt\n/);
  });
});

describe('a damaged object', () => {
  it('filter-repo stops; analyze leaves out the commits it cannot read, says which, and exits 1', () => {
    const dir = join(temp, 'damaged');
    mkdirSync(dir);
    run(
      'bash',
      ['-c', 'set -e; git init -q -b main .; printf a > a; git add a; git commit -q -m 1; mkdir d; printf b > d/b; git add d; git commit -q -m 2; printf c > c; git add c; git commit -q -m 3'],
      dir,
    );
    // Commit 2's folder d: its loose tree file cut short.
    const tree = run('git', ['rev-parse', 'HEAD~1:d'], dir).trim();
    const file = join(dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2));
    rmSync(file, { force: true });
    writeFileSync(file, Buffer.from([0x78, 0x01]));
    expect(spawnSync('git', ['filter-repo', '--analyze'], { cwd: join(dir, '.git'), env: ENV }).status).not.toBe(0);
    const out = join(dir, 'report');
    const ours = cli(['analyze', dir, '--report-dir', out]);
    expect(ours.status).toBe(1);
    const second = run('git', ['rev-parse', 'HEAD~1'], dir).trim();
    expect(ours.stderr).toContain(`error: commit ${second} left out: CorruptObject at .git/objects/${tree.slice(0, 2)}/${tree.slice(2)}`);
    // Commit 3's tree holds the same folder: it cannot be read either.
    expect(ours.stderr).toMatch(/warning: 2 commits could not be read and were left out/);
    const paths = readFileSync(join(out, 'path-all-sizes.txt'), 'utf8');
    expect(paths).toMatch(/ a\n/);
    expect(paths).not.toContain('d/b');
  });
});

describe('the pieces', () => {
  it("Python's dirname, splitext and backslashreplace", () => {
    const names = ['a/b/c.txt', '.bashrc', 'dir.d/noext', 'a.tar.gz', 'x/..dots', 'x/.a.b', 'nodir', 'trail.', 'a//b'];
    const py = run(
      'python3',
      ['-c', 'import os,sys\nfor n in sys.stdin.read().split("\\0"): print(os.path.dirname(n.encode()).decode(), os.path.splitext(n.encode())[1].decode(), sep="|")'],
      temp,
      names.join('\0'),
    );
    const ours = names.map((n) => `${Buffer.from(pythonDirname(Buffer.from(n))).toString()}|${Buffer.from(pythonExtension(Buffer.from(n))).toString()}`);
    expect(ours.join('\n') + '\n').toBe(py);
    const bytes = Buffer.from([0x61, 0xff, 0xc3, 0xa9, 0xe2, 0x80, 0xae, 0xc3, 0x28, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80]);
    const python = spawnSync('python3', ['-c', 'import sys\nsys.stdout.buffer.write(sys.stdin.buffer.read().decode("utf-8","backslashreplace").encode())'], { input: bytes });
    expect(backslashReplace(bytes)).toBe(python.stdout.toString('utf8'));
    expect(backslashReplace(bytes)).toContain('\\xff');
  });

  it('the treemap tree nests paths by folder and sums them; one commit lists its own blobs', async () => {
    const gitDir = gitDirOf('history');
    const { db, refs } = await openRepository(gitDir);
    const { analysis } = analyzeSizes(db, refs);
    const tree = buildTreemapTree(analysis, 'stored');
    const leaves: TreemapNode[] = [];
    const stack = [tree];
    while (stack.length) {
      const n = stack.pop() as TreemapNode;
      if (n.children) {
        expect(n.value).toBe(n.children.reduce((s, c) => s + c.value, 0));
        stack.push(...n.children);
      } else leaves.push(n);
    }
    let sum = 0;
    for (const node of analysis.paths) if (node.file) sum += node.file.stored;
    expect(tree.value).toBe(sum);
    expect(leaves.length).toBe(analysis.paths.filter((n) => n.file && n.file.stored > 0).length);
    // HEAD's tree: the paths ls-tree lists (files and links; the analysis has every one).
    const head = run('git', ['--git-dir', gitDir, 'rev-parse', 'HEAD'], temp).trim();
    const lsTree = run('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', 'HEAD'], temp).split('\0').filter(Boolean);
    const files = commitTreeFiles(db, analysis, analysis.commits.find(Buffer.from(head, 'hex')));
    expect(files.map((f) => Buffer.from(analysis.paths[f.path].path).toString('latin1')).sort()).toEqual(lsTree.map((l) => l.slice(l.indexOf('\t') + 1)).sort());
    const headTree = buildTreemapTree(analysis, 'inflated', files);
    expect(headTree.value).toBe(files.reduce((s, f) => s + analysis.blobs.inflated[f.blob], 0));
  });

  it('runs in slices with progress, and its result waits for the end', async () => {
    const { db, refs } = await openRepository(gitDirOf('long-chains'));
    const job = new SizeAnalysisRun(db, refs);
    expect(() => job.result()).toThrow();
    const phases = new Set<string>();
    let steps = 0;
    while (!job.step(5)) {
      phases.add(job.progress().phase);
      steps++;
    }
    expect(steps).toBeGreaterThan(3);
    expect(phases.has('history')).toBe(true);
    expect(job.progress().phase).toBe('done');
    expect(job.soFar().commits).toBe(3000);
    expect(job.result().totals.commits).toBe(3000);
  });
});

describe('packscope analyze (CLI)', () => {
  it("writes filter-repo's files and its own, and refuses a folder that holds something", () => {
    const out = join(temp, 'cli-report');
    const first = cli(['analyze', gitDirOf('demo'), '--report-dir', out]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout.toString()).toBe(`Writing reports to ${out}...done.\n`);
    expect(readdirSync(out).sort()).toEqual([...REPORT_FILE_NAMES, 'packscope-sizes.txt'].sort());
    const theirs = filterRepoFiles(gitDirOf('demo'));
    for (const name of REPORT_FILE_NAMES) expect(readFileSync(join(out, name)).equals(theirs.get(name) as Buffer)).toBe(true);
    expect(readFileSync(join(out, 'packscope-sizes.txt'), 'utf8')).toMatch(/Their stored size \(bytes\): \d+/);

    const again = cli(['analyze', gitDirOf('demo'), '--report-dir', out]);
    expect(again.status).toBe(1);
    expect(again.stdout.toString()).toContain('dir already exists');
    writeFileSync(join(out, 'README'), 'stale');
    const forced = cli(['analyze', gitDirOf('demo'), '--report-dir', out, '--force']);
    expect(forced.status).toBe(0);
    expect(readFileSync(join(out, 'README')).equals(theirs.get('README') as Buffer)).toBe(true);

    const empty = join(temp, 'cli-empty');
    mkdirSync(empty);
    expect(cli(['analyze', gitDirOf('demo'), '--report-dir', empty]).status).toBe(0);
    expect(cli(['analyze', gitDirOf('demo')]).status).toBe(2);
  });
});
