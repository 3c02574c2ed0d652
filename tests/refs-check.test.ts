import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover, nodeHasher, nodeInflater } from '../src/cli/node-host.ts';
import { SHA1 } from '../src/core/hash/algo.ts';
import { ObjectDatabase } from '../src/core/odb/database.ts';
import { refnameProblem } from '../src/core/repo/ref-names.ts';
import { RefStore } from '../src/core/repo/ref-store.ts';
import type { FileEntry } from '../src/core/repo/discover.ts';
import type { Finding } from '../src/core/verify/findings.ts';
import { RefsCheck, gitFsckRefs, type RefObjects } from '../src/core/verify/refs-check.ts';
import { RepositoryVerifier } from '../src/core/verify/verify-repository.ts';
import { cli, git } from './support/cli.ts';
import { enc } from './support/pack-builder.ts';
import { gitTestIdentity } from './support/git-env.ts';

/**
 * The `refs` check (issue 10, defect 8): loose refs, packed-refs, HEAD and reflogs that do not
 * parse, name missing objects, loop, or carry names git refuses. Each case damages a copy of a
 * small repository made by git 2.39, then (a) the CLI's `fsck` must print exactly what git's
 * prints, on both streams, and exit with git's status; (b) Verify's findings must name the file
 * (and line) and say what is wrong.
 */

const ENV = gitTestIdentity('1700000000 +0000');
const GHOST = 'f'.repeat(40);
const ZERO = '0'.repeat(40);

let tmp: string;
let template: string;
/** main (3 commits, loose), side and old (packed), topic (loose), annotated tag v0 (packed, peeled). */
let ids: { main: string; old: string; blob: string; tag: string };

function run(args: string[], cwd: string): string {
  const r = git(args, { cwd, env: ENV });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString().trim();
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'packscope-refs-'));
  template = join(tmp, 'template');
  run(['init', '-q', '-b', 'main', template], tmp);
  writeFileSync(join(template, 'a'), 'a\n');
  run(['add', 'a'], template);
  run(['commit', '-q', '-m', 'one'], template);
  run(['tag', '-a', '-m', 'tag', 'v0'], template);
  writeFileSync(join(template, 'b'), 'b\n');
  run(['add', 'b'], template);
  run(['commit', '-q', '-m', 'two'], template);
  run(['branch', 'side'], template);
  run(['branch', 'old', 'HEAD~1'], template);
  run(['pack-refs', '--all'], template);
  run(['branch', 'topic'], template);
  writeFileSync(join(template, 'c'), 'c\n');
  run(['add', 'c'], template);
  run(['commit', '-q', '-m', 'three'], template);
  ids = { main: run(['rev-parse', 'main'], template), old: run(['rev-parse', 'old'], template), blob: run(['rev-parse', 'main:a'], template), tag: run(['rev-parse', 'v0'], template) };
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let copies = 0;
/** A fresh copy of the template with `damage` applied to its .git folder; returns the work tree. */
function damaged(damage: (gitDir: string) => void): string {
  const copy = join(tmp, `copy-${++copies}`);
  cpSync(template, copy, { recursive: true });
  damage(join(copy, '.git'));
  return copy;
}

/** Runs git fsck and ours on the copy and expects the same bytes on both streams and the same status. */
function expectFsckAsGit(copy: string, flags: string[] = []): { stderr: string; status: number } {
  const theirs = git(['fsck', ...flags], { cwd: copy, env: ENV });
  const ours = cli(['fsck', ...flags, copy]);
  expect(ours.stderr).toBe(theirs.stderr);
  expect(ours.stdout.toString()).toBe(theirs.stdout.toString());
  expect(ours.status).toBe(theirs.status);
  return { stderr: theirs.stderr, status: theirs.status };
}

/** Verify's findings of the `refs` check on the copy. */
async function refFindings(copy: string): Promise<Finding[]> {
  const db = new ObjectDatabase(await discover(copy), { inflater: nodeInflater });
  const verifier = new RepositoryVerifier(db, { hasher: nodeHasher });
  while (!verifier.step(Infinity));
  return verifier.report().findings.filter((f) => f.check === 'refs');
}

const shown = (findings: Finding[]): string => findings.map((f) => `${f.severity} ${f.kind} ${f.file}@${f.offset}: ${f.message}`).join('\n');

/** Expects a finding on `file` whose message matches `message`. */
function expectFinding(findings: Finding[], file: string, message: RegExp, extra: Partial<Finding> = {}): Finding {
  const hit = findings.find((f) => f.file === file && message.test(f.message) && Object.entries(extra).every(([k, v]) => f[k as keyof Finding] === v));
  expect(hit, `${file} ${message} in\n${shown(findings)}`).toBeDefined();
  return hit as Finding;
}

describe('refs: git fsck and Verify on damaged refs', () => {
  it('an intact repository: no findings, and the CLI prints what git prints', async () => {
    const copy = damaged(() => {});
    expect(expectFsckAsGit(copy).status).toBe(0);
    expect(shown(await refFindings(copy))).toBe('');
  });

  it('a loose ref holding garbage: "invalid sha1 pointer 0000…", exit 2; Verify names the file', async () => {
    const copy = damaged((g) => writeFileSync(join(g, 'refs/heads/garbage'), 'hello\n'));
    const { stderr, status } = expectFsckAsGit(copy);
    expect(stderr).toBe(`error: refs/heads/garbage: invalid sha1 pointer ${ZERO}\n`);
    expect(status).toBe(2);
    const f = expectFinding(await refFindings(copy), '.git/refs/heads/garbage', /neither a 40-digit object id nor "ref: <name>".*"hello"/);
    expect(f).toMatchObject({ severity: 'error', kind: 'BadRef', offset: 0 });
  });

  it('loose, packed and HEAD refs naming a missing object', async () => {
    const copy = damaged((g) => {
      writeFileSync(join(g, 'refs/heads/ghost'), `${GHOST}\n`);
      appendFileSync(join(g, 'packed-refs'), `${'e'.repeat(40)} refs/tags/ghost-tag\n`);
      writeFileSync(join(g, 'refs/heads/via'), 'ref: refs/heads/ghost\n');
    });
    const { stderr, status } = expectFsckAsGit(copy);
    expect(stderr).toContain(`error: refs/heads/ghost: invalid sha1 pointer ${GHOST}`);
    expect(stderr).toContain(`error: refs/tags/ghost-tag: invalid sha1 pointer ${'e'.repeat(40)}`);
    expect(status).toBe(2);
    const findings = await refFindings(copy);
    expectFinding(findings, '.git/refs/heads/ghost', /names f{40}, which the repository lacks/, { kind: 'NotFound', oid: GHOST });
    expectFinding(findings, '.git/packed-refs', /^line 7: refs\/tags\/ghost-tag names e{40}, which the repository lacks/, { kind: 'NotFound' });
    expectFinding(findings, '.git/refs/heads/via', /refs\/heads\/via \(refs\/heads\/via → refs\/heads\/ghost\) names f{40}/);

    const detached = damaged((g) => writeFileSync(join(g, 'HEAD'), `${GHOST}\n`));
    expect(expectFsckAsGit(detached).stderr).toBe(`error: HEAD: invalid sha1 pointer ${GHOST}\n`);
    expectFinding(await refFindings(detached), '.git/HEAD', /^HEAD names f{40}, which the repository lacks/);
  });

  it('a packed-refs line git cannot read: git dies after the refs before it, exit 128; Verify gives the line', async () => {
    const copy = damaged((g) => {
      const lines = readFileSync(join(g, 'packed-refs'), 'utf8').split('\n');
      lines[2] = `X${lines[2].slice(1)}`; // refs/heads/old
      writeFileSync(join(g, 'packed-refs'), lines.join('\n'));
      writeFileSync(join(g, 'refs/heads/0first'), `${GHOST}\n`);
    });
    const { stderr, status } = expectFsckAsGit(copy);
    expect(stderr).toBe(`error: refs/heads/0first: invalid sha1 pointer ${GHOST}\nfatal: unexpected line in .git/packed-refs: X${ids.old.slice(1)} refs/heads/old\n`);
    expect(status).toBe(128);
    const findings = await refFindings(copy);
    const offset = readFileSync(join(copy, '.git/packed-refs'), 'utf8').indexOf('X');
    expectFinding(findings, '.git/packed-refs', /^line 3: it does not start with a 40-digit object id/, { offset, kind: 'BadRef' });
    expectFinding(findings, '.git/packed-refs', /git dies reading this file \("fatal: unexpected line in \.git\/packed-refs/);

    for (const [name, tail] of [
      ['junk', 'junk\n'],
      ['unterminated', `${ids.main} refs/heads/zz`],
      ['peel', '^zzz\n'],
      ['dangerous', `${ids.main} refs/heads//x\n`],
    ]) {
      const other = damaged((g) => appendFileSync(join(g, 'packed-refs'), tail));
      expect(expectFsckAsGit(other).status, name).toBe(128);
    }
  });

  it('symbolic refs that loop, or chain deeper than git follows', async () => {
    const copy = damaged((g) => {
      writeFileSync(join(g, 'refs/heads/la'), 'ref: refs/heads/lb\n');
      writeFileSync(join(g, 'refs/heads/lb'), 'ref: refs/heads/la\n');
      for (let i = 0; i < 5; i++) writeFileSync(join(g, `refs/heads/d${i}`), `ref: refs/heads/d${i + 1}\n`);
      writeFileSync(join(g, 'refs/heads/d5'), `${ids.main}\n`);
    });
    const { stderr, status } = expectFsckAsGit(copy);
    expect(stderr).toBe(
      [`error: refs/heads/d0: invalid sha1 pointer ${ZERO}`, `error: refs/heads/la: invalid sha1 pointer ${ZERO}`, `error: refs/heads/lb: invalid sha1 pointer ${ZERO}`, ''].join('\n'),
    );
    expect(status).toBe(2);
    const findings = await refFindings(copy);
    expectFinding(findings, '.git/refs/heads/la', /refs\/heads\/la → refs\/heads\/lb → refs\/heads\/la.*the symbolic refs loop/);
    expectFinding(findings, '.git/refs/heads/d0', /longer than the 5 reads git follows/);
    expect(findings.some((f) => f.file === '.git/refs/heads/d1')).toBe(false); // 4 reads: git resolves it
  });

  it('names git refuses: broken refs; a control character is shown as git shows it ("?")', async () => {
    const copy = damaged((g) => {
      writeFileSync(join(g, 'refs/heads/bad..name'), `${ids.main}\n`);
      writeFileSync(join(g, 'refs/heads/red\x1b[31m'), `${ids.main}\n`);
      writeFileSync(join(g, 'refs/heads/main.lock'), `${ids.main}\n`);
      appendFileSync(join(g, 'packed-refs'), `${ids.main} refs/tags/sp ace\n`);
    });
    const { stderr } = expectFsckAsGit(copy);
    expect(stderr).toContain(`error: refs/heads/red?[31m: invalid sha1 pointer ${ZERO}`);
    const findings = await refFindings(copy);
    expectFinding(findings, '.git/refs/heads/bad..name', /contains "\.\."/, { kind: 'BadName' });
    expectFinding(findings, '.git/refs/heads/red\x1b[31m', /red\\u\{1b\}\[31m contains a control character/);
    expectFinding(findings, '.git/refs/heads/main.lock', /lock file left by a ref update/, { severity: 'warning' });
    expectFinding(findings, '.git/packed-refs', /^line 7: refs\/tags\/sp ace: the name contains a space/);
  });

  it('git check-ref-format agrees with refnameProblem', () => {
    const names = [
      'refs/heads/main',
      'HEAD',
      'refs/heads/a..b',
      'refs/heads/.x',
      'refs/heads/x.lock',
      'refs/heads/x.',
      'refs/heads//x',
      'refs/heads/x/',
      '/refs/x',
      'refs/heads/a@{b',
      'refs/heads/a@b',
      '@',
      'refs/heads/a b',
      'refs/heads/a:b',
      'refs/heads/a?b',
      'refs/heads/a[b',
      'refs/heads/a\\b',
      'refs/heads/a^b',
      'refs/heads/a~b',
      'refs/heads/a*b',
      'refs/heads/a\x7fb',
      'refs/heads/ünï',
      'refs/heads/a.lock/b',
      'refs/heads/{x}',
      'x',
      '',
    ];
    for (const name of names) {
      const gitSays = git(['check-ref-format', '--allow-onelevel', name]).status === 0;
      expect(refnameProblem(name) === undefined, JSON.stringify(name)).toBe(gitSays);
    }
  });

  it('reflogs: a line that does not parse, and entries naming missing objects (old and new; the null id names nothing)', async () => {
    const copy = damaged((g) => {
      appendFileSync(join(g, 'logs/refs/heads/main'), 'garbage\n');
      appendFileSync(join(g, 'logs/HEAD'), `${ZERO} ${GHOST} A <a@b> 1700000000 +0000\tforged\n${'e'.repeat(40)} ${ids.main} A <a@b> 1700000001 +0000\tforged\n`);
    });
    const { stderr, status } = expectFsckAsGit(copy);
    expect(stderr).toBe(`error: HEAD: invalid reflog entry ${GHOST}\nerror: HEAD: invalid reflog entry ${'e'.repeat(40)}\n`);
    expect(status).toBe(2);
    expectFsckAsGit(copy, ['--no-reflogs']);
    const findings = await refFindings(copy);
    expectFinding(findings, '.git/logs/refs/heads/main', /^line 4 is not a reflog entry git can read \(it does not start with a 40-digit old id\)/, { severity: 'warning' });
    expectFinding(findings, '.git/logs/HEAD', /^line 4: the new id f{40} names an object the repository lacks/, { oid: GHOST });
    expectFinding(findings, '.git/logs/HEAD', /^line 5: the old id e{40} names an object/);
    expect(findings.some((f) => f.file === '.git/logs/HEAD' && f.message.includes(ZERO))).toBe(false);
  });

  it('a reflog whose ref is broken is skipped by git ("bad ref for"), after the ref and HEAD errors', async () => {
    const copy = damaged((g) => writeFileSync(join(g, 'refs/heads/main'), 'junk\n'));
    const { stderr, status } = expectFsckAsGit(copy);
    // The two "bad ref for" lines come in the order the logs folder lists its entries, as in git.
    expect(stderr.split('\n')).toEqual(
      expect.arrayContaining([`error: refs/heads/main: invalid sha1 pointer ${ZERO}`, 'error: invalid HEAD', 'error: bad ref for .git/logs/HEAD', 'error: bad ref for .git/logs/refs/heads/main']),
    );
    expect(status).toBe(10);
    const findings = await refFindings(copy);
    expectFinding(findings, '.git/HEAD', /HEAD does not resolve \(HEAD → refs\/heads\/main\)/);
    expectFinding(findings, '.git/logs/refs/heads/main', /git skips this reflog/);
  });

  it('HEAD: unreadable (git: not a git repository), unborn, pointing outside refs/heads, naming a blob', async () => {
    const garbage = damaged((g) => writeFileSync(join(g, 'HEAD'), 'junk\n'));
    const r = expectFsckAsGit(garbage);
    expect(r).toEqual({ stderr: 'fatal: not a git repository (or any of the parent directories): .git\n', status: 128 });
    expectFinding(await refFindings(garbage), '.git/HEAD', /git does not take this folder for a repository/);

    const unborn = damaged((g) => writeFileSync(join(g, 'HEAD'), 'ref: refs/heads/nope\n'));
    expect(expectFsckAsGit(unborn)).toEqual({ stderr: 'notice: HEAD points to an unborn branch (nope)\n', status: 0 });
    expectFinding(await refFindings(unborn), '.git/HEAD', /unborn branch/, { severity: 'info' });

    const strange = damaged((g) => writeFileSync(join(g, 'HEAD'), 'ref: refs/tags/v0\n'));
    expect(expectFsckAsGit(strange)).toEqual({ stderr: 'error: HEAD points to something strange (refs/tags/v0)\nerror: HEAD: not a commit\n', status: 8 });
    const findings = await refFindings(strange);
    expectFinding(findings, '.git/HEAD', /points to refs\/tags\/v0, which is not a branch/);
    expectFinding(findings, '.git/HEAD', /is a branch but names a tag/, { kind: 'Mismatch' });

    const blobBranch = damaged((g) => writeFileSync(join(g, 'refs/heads/blobby'), `${ids.blob}\n`));
    expect(expectFsckAsGit(blobBranch)).toEqual({ stderr: 'error: refs/heads/blobby: not a commit\n', status: 8 });
  });

  it('a bare repository: git names its files from inside it ("./packed-refs")', () => {
    const bare = join(tmp, 'bare.git');
    run(['clone', '-q', '--bare', template, bare], tmp);
    appendFileSync(join(bare, 'packed-refs'), 'junk\n');
    const theirs = git(['fsck'], { cwd: bare, env: ENV });
    const ours = cli(['fsck', bare]);
    expect(theirs.stderr).toBe('fatal: unexpected line in ./packed-refs: junk\n');
    expect(ours.stderr).toBe(theirs.stderr);
    expect(ours.status).toBe(theirs.status);
  });
});

describe('refs: hostile input stays bounded', () => {
  const memoryFile = (path: string, bytes: Uint8Array): FileEntry => ({
    path,
    mtimeMs: 0,
    source: { size: bytes.length, read: (offset: number, length: number) => bytes.subarray(offset, offset + length) } as FileEntry['source'],
  });
  const noObjects: RefObjects = { typeOf: () => 'missing', has: () => false };

  it('a 4 MiB loose ref, 100,000 bad packed-refs lines and a 50,000-long symbolic chain: findings capped, no hang', () => {
    const refFiles = [memoryFile('HEAD', enc('ref: refs/heads/c0\n')), memoryFile('refs/heads/huge', new Uint8Array(4 << 20).fill(0x41)), memoryFile('packed-refs', enc('x\n'.repeat(100_000)))];
    for (let i = 0; i < 50_000; i++) refFiles.push(memoryFile(`refs/heads/c${i}`, enc(`ref: refs/heads/c${i + 1}\n`)));
    const store = new RefStore(refFiles, '', SHA1);
    const findings: Finding[] = [];
    const started = performance.now();
    const check = new RefsCheck(store, [], noObjects, findings).run();
    while (!check.next().done);
    expect(performance.now() - started).toBeLessThan(20_000);
    const packed = findings.filter((f) => f.file === 'packed-refs');
    expect(packed.length).toBe(101); // git's fatal, 99 lines, and the count of the rest
    expect(packed.some((f) => /more problems in this file are not listed/.test(f.message))).toBe(true);
    expect(findings.find((f) => f.file === 'refs/heads/huge')?.message).toMatch(/is 4194304 bytes long/);
    const git = gitFsckRefs(store, noObjects, { reflogs: false, reflogFiles: [] });
    expect(git.died).toBe(true);
    expect(git.lines.at(-1)?.text).toBe('unexpected line in ./packed-refs: x');
  }, 60_000);

  it('a ref name that is hostile text is escaped in findings (controls, bidi) and cut', () => {
    const name = `refs/heads/\u202eevil\u0007${'z'.repeat(400)}`;
    const store = new RefStore([memoryFile(name, enc('junk\n'))], '', SHA1);
    const findings: Finding[] = [];
    const check = new RefsCheck(store, [], noObjects, findings).run();
    while (!check.next().done);
    const f = findings.find((x) => x.file === name) as Finding;
    expect(f.message).toContain('\\u{202e}evil\\u{7}');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test asserts the raw BEL never reaches the message.
    expect(f.message).not.toMatch(/[\u0007\u202e]/);
    expect(f.message).toContain('… (');
  });
});
