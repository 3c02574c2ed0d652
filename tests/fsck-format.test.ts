import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './support/cli.ts';
import { isolatedGitEnv, scratchRepo, type ScratchRepo } from './support/git-env.ts';
import { checkObjectFormat, FsckPolicy } from '../src/core/verify/object-format.ts';

/**
 * git's per-object format checks (fsck.c: fsck_commit, fsck_tag, fsck_tree) in `packscope fsck`:
 * malformed objects written with `git hash-object --literally`, one or more per message id, and
 * `packscope fsck` compared with `git fsck` byte for byte (stdout, stderr, exit status), loose and
 * then packed, with the repository's `fsck.<id>` settings, `fsck.skipList` and `--strict`.
 */

const repos: ScratchRepo[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r.dir, { recursive: true, force: true });
});

/** Writes an object of any shape, as git's own tests do. */
function writeLiterally(repo: ScratchRepo, type: string, body: Buffer | string): string {
  const r = spawnSync('git', ['-C', repo.dir, 'hash-object', '--literally', '-t', type, '-w', '--stdin'], { env: isolatedGitEnv(), input: body });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout.toString().trim();
}

/** A raw tree from `[mode, name, id]` entries, in the order given. */
function rawTree(entries: [string, string, string][]): Buffer {
  return Buffer.concat(entries.map(([mode, name, id]) => Buffer.concat([Buffer.from(`${mode} ${name}\0`, 'latin1'), Buffer.from(id, 'hex')])));
}

/** What a run printed, one character per byte (so equal strings are equal bytes). */
interface Printed {
  status: number;
  stdout: string;
  stderr: string;
}

function gitFsck(repo: ScratchRepo, args: string[] = ['--no-dangling']): Printed {
  const r = spawnSync('git', ['-C', repo.dir, 'fsck', ...args], { env: isolatedGitEnv() });
  return { status: r.status ?? -1, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1') };
}

function packscopeFsck(repo: ScratchRepo, args: string[] = ['--no-dangling']): Printed {
  const r = spawnSync(process.execPath, [CLI, 'fsck', ...args, repo.dir], { env: isolatedGitEnv() });
  return { status: r.status ?? -1, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1') };
}

/** Both commands on the repository: everything equal, and git said what the case expects. */
function expectSameAsGit(repo: ScratchRepo, expectedIds: string[], args: string[] = ['--no-dangling']): string {
  const git = gitFsck(repo, args);
  const ours = packscopeFsck(repo, args);
  for (const id of expectedIds) expect(git.stderr, `git reports ${id}`).toContain(`: ${id}: `);
  expect(ours.stderr).toBe(git.stderr);
  expect(ours.stdout).toBe(git.stdout);
  expect(ours.status).toBe(git.status);
  return git.stderr;
}

let repo: ScratchRepo;
let blob: string;
let tree: string;
const ids: string[] = [];

const commitCases: [string, string][] = [
  ['zeroPaddedDate', 'author A <a@b> 0123 +0000\ncommitter C <c@d> 1 +0000\n\nm\n'],
  ['badDate', 'author A <a@b> abc +0000\ncommitter C <c@d> 1 +0000\n\nm\n'],
  ['badDateOverflow', 'author A <a@b> 99999999999999999999 +0000\ncommitter C <c@d> 1 +0000\n\nm\n'],
  ['badEmail', 'author A <a@b 1 +0000\ncommitter C <c@d> 1 +0000\n\nm\n'],
  ['missingEmail', 'author A 1 +0000\ncommitter C <c@d> 1 +0000\n\nm\n'],
  ['badName', 'author A> <a@b> 1 +0000\ncommitter C <c@d> 1 +0000\n\nm\n'],
  ['missingNameBeforeEmail', 'author <a@b> 1 +0000\ncommitter C <c@d> 1 +0000\n\nm\n'],
  ['missingSpaceBeforeEmail', 'author A<a@b> 1 +0000\ncommitter C <c@d> 1 +0000\n\nm\n'],
  ['missingSpaceBeforeDate', 'author A <a@b>1 +0000\ncommitter C <c@d> 1 +0000\n\nm\n'],
  ['badTimezone', 'author A <a@b> 1 +000\ncommitter C <c@d> 1 +0000\n\nm\n'],
  ['missingAuthor', 'committer C <c@d> 1 +0000\n\nm\n'],
  ['multipleAuthors', 'author A <a@b> 1 +0000\nauthor B <a@b> 1 +0000\ncommitter C <c@d> 1 +0000\n\nm\n'],
  ['missingCommitter', 'author A <a@b> 1 +0000\n\nm\n'],
  ['nulInCommit', 'author A <a@b> 1 +0000\ncommitter C <c@d> 1 +0000\n\nm\0x\n'],
  ['nulInHeader', 'author A <a@b> 1 +0000\ncommitter C <c@d> 1 +0000\nx\0y\n\nm\n'],
  ['unterminatedHeader', 'author A <a@b> 1 +0000\ncommitter C <c@d> 1 +0000'],
  ['badParentSha1', 'parent 1234\n'],
  // A bad date that is read as an integer overflow through a minus sign, as strtoumax does.
  ['badDateOverflow', 'author A <a@b> -5 +0000\ncommitter C <c@d> 1 +0000\n\nm\n'],
];

const tagCases = (target: string): [string, string][] => [
  ['missingTaggerEntry', `object ${target}\ntype tree\ntag v1\n\nmsg\n`],
  ['badTagName', `object ${target}\ntype tree\ntag v..1\ntagger T <t@t> 1 +0000\n\nmsg\n`],
  ['badEmail', `object ${target}\ntype tree\ntag v2\ntagger T <t@t 1 +0000\n\nmsg\n`],
  // A name git prints as the tag has it: UTF-8 bytes and a control character, unchanged.
  ['badTagName', `object ${target}\ntype tree\ntag vé\x01\ntagger T <t@t> 1 +0000\n\nmsg\n`],
  ['zeroPaddedDate', `object ${target}\ntype tree\ntag v3\ntagger T <t@t> 01 +0000\n\nmsg\n`],
  // An extra header is ignored by default (and reported when the config asks).
  ['', `object ${target}\ntype tree\ntag v4\ntagger T <t@t> 1 +0000\nextra x\n\nmsg\n`],
];

const treeCases = (b: string, t: string): [string[], [string, string, string][]][] => [
  [
    ['duplicateEntries'],
    [
      ['100644', 'a', b],
      ['100644', 'a', b],
    ],
  ],
  [
    ['treeNotSorted'],
    [
      ['100644', 'b', b],
      ['100644', 'a', b],
    ],
  ],
  // `foo` the file, then `foo.bar`, then `foo` the folder: a duplicate two entries apart.
  [
    ['duplicateEntries'],
    [
      ['100644', 'foo', b],
      ['100644', 'foo.bar', b],
      ['40000', 'foo', t],
    ],
  ],
  [
    ['zeroPaddedFilemode'],
    [
      ['040000', 'd', t],
      ['100644', 'e', b],
    ],
  ],
  [['hasDot'], [['100644', '.', b]]],
  [['hasDotdot'], [['100644', '..', b]]],
  [['hasDotgit'], [['100644', '.GIT', b]]],
  [['hasDotgit'], [['100644', 'git~1', b]]],
  [['hasDotgit'], [['40000', '.git\u200c', t]]],
  [['hasDotgit'], [['100644', 'a\\.git', b]]],
  [['fullPathname'], [['100644', 'a/b', b]]],
  [['nullSha1'], [['100644', 'z', '0'.repeat(40)]]],
  [['badFilemode'], [['100600', 'm', b]]],
  [['gitmodulesSymlink'], [['120000', '.gitmodules', b]]],
  [
    ['gitignoreSymlink', 'gitattributesSymlink', 'mailmapSymlink'],
    [
      ['120000', '.gitattributes', b],
      ['120000', '.gitignore', b],
      ['120000', '.mailmap', b],
    ],
  ],
  [['gitmodulesSymlink'], [['120000', 'GITMOD~1', b]]],
  [
    ['hasDot', 'hasDotdot', 'zeroPaddedFilemode', 'duplicateEntries', 'treeNotSorted'],
    [
      ['100644', '.', b],
      ['100644', '..', b],
      ['0100644', 'x', b],
      ['100644', 'x', b],
      ['100644', 'w', b],
    ],
  ],
];

beforeAll(() => {
  repo = scratchRepo('packscope-fsck-format-');
  repos.push(repo);
  repo.commit('init', { a: 'a\n' });
  blob = repo.git('rev-parse', 'HEAD:a').trim();
  tree = repo.git('rev-parse', 'HEAD^{tree}').trim();
  for (const [, body] of commitCases) ids.push(writeLiterally(repo, 'commit', `tree ${tree}\n${body}`));
  for (const [, body] of tagCases(tree)) ids.push(writeLiterally(repo, 'tag', body));
  for (const [, entries] of treeCases(blob, tree)) ids.push(writeLiterally(repo, 'tree', rawTree(entries)));
  // Trees git's walk cannot read: an empty name, a mode with a digit past 7, a cut last entry.
  ids.push(writeLiterally(repo, 'tree', rawTree([['100644', '', blob]])));
  ids.push(writeLiterally(repo, 'tree', rawTree([['100648', 'x', blob]])));
  ids.push(writeLiterally(repo, 'tree', Buffer.concat([rawTree([['100644', 'x', blob]]), Buffer.from('100644 y\0abc', 'latin1')])));
});

describe('packscope fsck: git fsck format checks', () => {
  it('loose objects: every message, in git order, with git exit status', () => {
    const expected = [
      ...commitCases.map(([id]) => id),
      ...tagCases(tree)
        .map(([id]) => id)
        .filter((id) => id !== ''),
      ...treeCases(blob, tree).flatMap(([list]) => list),
      'badTree',
    ];
    const stderr = expectSameAsGit(repo, expected);
    expect(stderr).toContain('error: empty filename in tree entry');
    expect(stderr).toContain('error: malformed mode in tree entry');
    expect(stderr).toContain('error: too-short tree object');
    expect(stderr).toContain('broken links');
  });

  it('fsck.<msg-id> and fsck.skipList from the config change levels and skip objects', () => {
    const skip = join(repo.dir, 'skip.txt');
    writeFileSync(skip, `# skipped\n${ids[commitCases.findIndex(([id]) => id === 'badEmail')]}\n`);
    repo.git('config', 'fsck.missingTaggerEntry', 'error');
    repo.git('config', 'fsck.zeroPaddedDate', 'ignore');
    repo.git('config', 'fsck.extraHeaderEntry', 'warn');
    repo.git('config', 'fsck.hasDotgit', 'error');
    repo.git('config', 'fsck.skipList', 'skip.txt');
    try {
      const stderr = expectSameAsGit(repo, ['missingTaggerEntry', 'extraHeaderEntry']);
      expect(stderr).toContain('error in tag');
      expect(stderr).not.toContain('zeroPaddedDate');
      expect(stderr).toContain('error in tree');
    } finally {
      repo.git('config', '--unset-all', 'fsck.missingTaggerEntry');
      repo.git('config', '--unset-all', 'fsck.zeroPaddedDate');
      repo.git('config', '--unset-all', 'fsck.extraHeaderEntry');
      repo.git('config', '--unset-all', 'fsck.hasDotgit');
      repo.git('config', '--unset-all', 'fsck.skipList');
    }
  });

  it('dies as git does on a setting it cannot take', () => {
    writeFileSync(join(repo.dir, 'bad-skip.txt'), `${blob}\n  xyz # not an id\n`);
    for (const [key, value] of [
      ['fsck.nulInHeader', 'warn'],
      ['fsck.noSuchThing', 'warn'],
      ['fsck.badDate', 'loud'],
      ['fsck.skipList', 'no-such-file'],
      ['fsck.skipList', 'bad-skip.txt'],
    ]) {
      repo.git('config', key, value);
      try {
        const git = gitFsck(repo);
        expect(git.status).toBe(128);
        const ours = packscopeFsck(repo);
        expect(ours.stderr).toBe(git.stderr);
        expect(ours.status).toBe(git.status);
      } finally {
        repo.git('config', '--unset-all', key);
      }
    }
  });

  it('--strict turns warnings into errors', () => {
    expectSameAsGit(repo, ['hasDotgit', 'badFilemode'], ['--strict', '--no-dangling']);
  });

  it('packed objects: the same messages in pack order, and git exit status', () => {
    const packed = scratchRepo('packscope-fsck-format-packed-');
    repos.push(packed);
    packed.commit('init', { a: 'a\n' });
    const objects = spawnSync('git', ['-C', repo.dir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)'], { env: isolatedGitEnv() }).stdout.toString();
    // Every object of the loose repository, in one pack (pack-objects keeps what it is given).
    const pack = spawnSync('git', ['-C', repo.dir, 'pack-objects', '-q', join(packed.dir, '.git/objects/pack/pack')], { env: isolatedGitEnv(), input: objects });
    expect(pack.status).toBe(0);
    packed.git('prune-packed');
    expect(readdirSync(join(packed.dir, '.git/objects/pack')).some((f) => f.endsWith('.pack'))).toBe(true);
    expectSameAsGit(packed, ['missingTaggerEntry', 'duplicateEntries', 'zeroPaddedDate', 'nulInHeader']);
    // Objects both loose and packed: git checks each once, the loose copy (and sets only its bit).
    expect(writeLiterally(packed, 'commit', `tree ${tree}\n${commitCases[0][1]}`)).toBe(ids[0]);
    expect(writeLiterally(packed, 'tree', rawTree(treeCases(blob, tree)[0][1]))).toBe(ids[commitCases.length + tagCases(tree).length]);
    const twice = expectSameAsGit(packed, ['zeroPaddedDate', 'duplicateEntries']);
    expect(twice.split(`${ids[0]}: zeroPaddedDate`).length).toBe(2);
    // And after `git repack -a -d`, which keeps only what refs reach: the same as git again.
    packed.git('update-ref', 'refs/tags/bad', ids[commitCases.length]);
    packed.git('repack', '-a', '-d', '-q');
    expectSameAsGit(packed, []);
  });
});

describe('object-format core', () => {
  it('reports missingTaggerEntry with its default level and text', () => {
    const body = Buffer.from(`object ${'a'.repeat(40)}\ntype commit\ntag v1\n\nm\n`);
    const result = checkObjectFormat('d'.repeat(40), 'tag', body, 40, new FsckPolicy());
    expect(result.findings.map((f) => f.line)).toEqual([`warning in tag ${'d'.repeat(40)}: missingTaggerEntry: invalid format - expected 'tagger' line`]);
    expect(result.failed).toBe(false);
  });

  it('keeps its work bounded on a large hostile tree', () => {
    // 200k entries with the same name: one duplicate report, no per-entry strings.
    const entry = Buffer.concat([Buffer.from('100644 x\0'), Buffer.alloc(20, 1)]);
    const big = Buffer.concat(Array.from({ length: 200_000 }, () => entry));
    const started = performance.now();
    const result = checkObjectFormat('e'.repeat(40), 'tree', big, 40, new FsckPolicy());
    expect(result.findings.map((f) => f.id)).toEqual(['duplicateEntries']);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
