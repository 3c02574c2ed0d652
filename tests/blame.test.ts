import { describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { fromHex } from '../src/core/hash/hex.ts';
import { Blame, unchangedLineMap } from '../src/core/history/blame.ts';
import { writeBlamePorcelain } from '../src/core/history/blame-porcelain.ts';
import { commitInfo } from '../src/core/history/commit-info.ts';
import { Mailmap } from '../src/core/history/mailmap.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectDatabase } from '../src/core/odb/database.ts';
import { Session } from '../src/worker/session.ts';
import { builtFixtures, cli, git, type Fixture } from './support/cli.ts';
import { scratchRepo } from './support/git-env.ts';
import { gitDirOf, gitWithPath, mergeSide, pathsAt, revParse } from './support/history-paths.ts';

/**
 * `git blame --porcelain` against git, byte for byte: every file of several commits of the
 * fixtures (renamed and copied files, merges with a hand-resolved conflict, an octopus, CRLF,
 * no newline at the end, binary files, symlinks, non-UTF-8 names and a Latin-1 message).
 */

const fixtures = builtFixtures();
const byName = (name: string) => fixtures.find((f) => f.name === name) as Fixture;

function porcelain(db: ObjectDatabase, commit: string, path: Buffer): Buffer {
  const blame = new Blame(db, fromHex(commit), new Uint8Array(path));
  while (!blame.step(3)); // small budgets: the blame resumes where it paused
  const parts: Uint8Array[] = [];
  writeBlamePorcelain(db, blame, (b) => parts.push(b.slice()));
  return Buffer.concat(parts);
}

async function compare(f: Fixture, revs: string[]): Promise<{ files: number; passedOn: number }> {
  const session = await Session.open(f.name, fsDirectoryReader(f.path));
  let files = 0;
  let passedOn = 0;
  for (const rev of revs) {
    const commit = revParse(f, rev);
    for (const { path } of pathsAt(f, commit, false)) {
      const expected = gitWithPath(f, ['blame', '--porcelain', commit], path);
      const got = porcelain(session.db, commit, path);
      expect(got.toString('latin1'), `blame ${rev} -- ${path.toString()}`).toBe(expected.toString('latin1'));
      files++;
      // Lines blamed on a commit older than the final one: blame was passed on.
      if (/^previous /m.test(expected.toString('latin1'))) passedOn++;
    }
  }
  return { files, passedOn };
}

describe('git blame --porcelain', () => {
  it.runIf(byName('history'))(
    'equals git on every file of the history fixture at several commits',
    async () => {
      const r = await compare(byName('history'), ['HEAD', 'HEAD^', 'HEAD~2', 'HEAD~3', mergeSide(byName('history')), 'v1.0']);
      expect(r.files).toBeGreaterThan(100);
      expect(r.passedOn).toBeGreaterThan(20);
    },
    120_000,
  );

  it.runIf(byName('varied'))(
    'equals git on every file of the varied fixture',
    async () => {
      const r = await compare(byName('varied'), ['HEAD', 'HEAD~5', 'HEAD~9']);
      expect(r.files).toBeGreaterThan(50);
    },
    120_000,
  );

  it.runIf(byName('commit-graph'))(
    'equals git where git reads a commit-graph (generation numbers, Bloom filters)',
    async () => {
      const r = await compare(byName('commit-graph'), ['HEAD']);
      expect(r.files).toBeGreaterThan(15);
    },
    120_000,
  );

  it.runIf(byName('demo'))(
    'equals git on every file of the demo repository',
    async () => {
      const r = await compare(byName('demo'), ['HEAD']);
      expect(r.files).toBeGreaterThan(3);
    },
    120_000,
  );

  it('maps unchanged lines to the parent, past the trimmed common tail too', () => {
    const enc = new TextEncoder();
    const tail = Array.from({ length: 400 }, (_, i) => `common tail line ${i}\n`).join('');
    const before = enc.encode(`a\nb\nc\n${tail}`);
    const after = enc.encode(`a\nB\nnew\nc\n${tail}`);
    const map = Array.from(unchangedLineMap(before, after));
    expect(map.slice(0, 4)).toEqual([0, -1, -1, 2]);
    expect(map.length).toBe(404);
    expect(map[403]).toBe(402);
  });

  it('reads author lines and subjects as git does, bytes kept', () => {
    const enc = new TextEncoder();
    const raw = enc.encode('tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor  A  U <a@b>  1700000000   -0130\ncommitter broken\n\n\n  \nSubject line\nbody\n');
    const info = commitInfo(raw, 'f'.repeat(40));
    expect(Buffer.from(info.author.name).toString()).toBe(' A  U');
    expect(Buffer.from(info.author.mail).toString()).toBe('<a@b>');
    expect(info.author.time).toBe('1700000000');
    expect(Buffer.from(info.author.tz).toString()).toBe('-0130');
    expect(Buffer.from(info.committer.name).toString()).toBe('(unknown)');
    expect(Buffer.from(info.summary).toString()).toBe('Subject line');
    const latin1 = Uint8Array.from([...enc.encode('tree x\nauthor Ren\xe9 <r@x> 1 +0000\nencoding ISO-8859-1\n\ncaf'), 0xe9, 0x0a].map((c) => c & 0xff));
    expect(Buffer.from(commitInfo(latin1, 'e'.repeat(40)).summary).toString('utf8')).toBe('café');
  });

  it('maps people through a mailmap as git check-mailmap does', () => {
    const { dir, git: g } = scratchRepo('packscope-mailmap-');
    const text = [
      '# a comment <not@an.entry>',
      'Proper One <one@example.com>',
      '<two-proper@example.com> <TWO@example.com>',
      'Proper Three <three-proper@example.com> <three@example.com>',
      'Proper Four <four-proper@example.com> Old Four <four@example.com>',
      'Other Four <four-other@example.com> Another Four <FOUR@example.com>',
      '   Spaced   Name    <spaced@example.com>   ',
      'no address here',
      '',
    ].join('\n');
    writeFileSync(join(dir, '.mailmap'), text);
    const contacts = [
      'Someone <one@example.com>',
      'X <two@example.com>',
      'Y <three@EXAMPLE.com>',
      'Old Four <four@example.com>',
      'another four <four@example.com>',
      'Nobody <four@example.com>',
      'Z <spaced@example.com>',
      'Unmapped <none@example.com>',
    ];
    const expected = g('check-mailmap', ...contacts)
      .split('\n')
      .filter(Boolean);
    const map = new Mailmap();
    map.addText(new TextEncoder().encode(text));
    const got = contacts.map((c) => {
      const m = /^(.*) <(.*)>$/.exec(c) as RegExpExecArray;
      const r = map.map(m[1], m[2]);
      return `${r.name} <${r.email}>`;
    });
    expect(got).toEqual(expected);
    expect(new Set(got).size).toBeGreaterThan(5);
  });

  it.runIf(byName('history'))('the CLI prints the same as git blame --porcelain', () => {
    const f = byName('history');
    for (const path of ['lib/helpers.py', 'src/main.c', 'nonl.txt']) {
      const expected = git(['--git-dir', gitDirOf(f), 'blame', '--porcelain', 'HEAD', '--', path]).stdout;
      const r = cli(['blame', '--porcelain', 'HEAD', '--', path, f.path]);
      expect(r.stderr).toBe('');
      expect(r.stdout.equals(expected)).toBe(true);
    }
    expect(cli(['blame', '--porcelain', 'HEAD', '--', 'no/such/file', f.path]).status).toBe(1);
  });
});
