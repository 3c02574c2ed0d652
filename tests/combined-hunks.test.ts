import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { combinedDiff, decodeCombined, formatCombinedHunks } from '../src/core/diff/combined-hunks.ts';
import { isBinaryBlob } from '../src/core/diff/binary.ts';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import type { HandlerContext } from '../src/protocol/rpc.ts';
import { diffCombined, diffCombinedHunks } from '../src/worker/diff.ts';
import { Session } from '../src/worker/session.ts';
import { BUILD, builtFixtures, cli, git } from './support/cli.ts';
import { seededRandom as random } from './support/random.ts';

/**
 * Combined hunks against git's own `diff-tree --cc -p` and `-c -p`: on the fixtures' merges and
 * on merges made with git's plumbing from seeded parents and results.
 */

const enc = new TextEncoder();

/** The hunk text of each file in a combined patch, keyed by path (null when binary). */
function sections(out: Buffer): Map<string, Buffer | null> {
  const files = new Map<string, Buffer | null>();
  const text = out.toString('latin1');
  const starts: number[] = [];
  const re = /^diff --(?:cc|combined) (.*)$/gm;
  let m: RegExpExecArray | null;
  const names: string[] = [];
  while ((m = re.exec(text))) {
    starts.push(m.index);
    names.push(m[1]);
  }
  starts.push(text.length);
  for (let i = 0; i < names.length; i++) {
    const part = out.subarray(starts[i], starts[i + 1]);
    const plus = part.indexOf('\n+++ ');
    if (plus === -1) {
      files.set(names[i], part.includes('Binary files differ') ? null : Buffer.alloc(0));
      continue;
    }
    files.set(names[i], part.subarray(part.indexOf(10, plus + 1) + 1));
  }
  return files;
}

function expectMergeSameAsGit(gitdir: string, merge: string, label: string, context = 3): number {
  const g = (args: string[]) => git(['--git-dir', gitdir, ...args]);
  const parents = g(['rev-list', '--parents', '-n1', merge]).stdout.toString().trim().split(' ').slice(1);
  let compared = 0;
  for (const dense of [true, false]) {
    const out = g(['diff-tree', dense ? '--cc' : '-c', '-p', `-U${context}`, '--no-commit-id', merge]).stdout;
    for (const [path, body] of sections(out)) {
      const blob = (rev: string): Uint8Array => {
        const r = g(['cat-file', 'blob', `${rev}:${path}`]);
        return r.status === 0 ? r.stdout : new Uint8Array(0);
      };
      const result = blob(merge);
      const sides = parents.map(blob);
      if (body === null) {
        expect(isBinaryBlob(result) || sides.some(isBinaryBlob), `${label} ${path}`).toBe(true);
        continue;
      }
      const ours = Buffer.from(formatCombinedHunks(combinedDiff(sides, result, { dense, context }).hunks));
      expect(ours.toString('latin1'), `${label} ${path} ${dense ? '--cc' : '-c'} -U${context}`).toBe(body.toString('latin1'));
      compared++;
    }
  }
  return compared;
}

describe('fixture merges', () => {
  for (const name of ['history', 'varied', 'demo']) {
    it(name, () => {
      const gitdir = join(BUILD, name, readFileSync(join(BUILD, name, 'gitdir'), 'utf8').trim());
      const merges = git(['--git-dir', gitdir, 'rev-list', '--all', '--merges']).stdout.toString().trim().split('\n').filter(Boolean);
      let compared = 0;
      for (const merge of merges) compared += expectMergeSameAsGit(gitdir, merge, `${name} ${merge}`);
      if (name === 'history') expect(compared).toBeGreaterThan(0);
    });
  }
});

/** Edits some lines of a list: removals, replacements, insertions (lines from a small pool, so parents share some). */
function edit(rand: () => number, base: string[], rate: number, tag: string): string[] {
  const out: string[] = [];
  for (const line of base) {
    const r = rand();
    if (r < rate / 3) continue;
    if (r < (2 * rate) / 3) out.push(rand() < 0.5 ? `${tag}${Math.floor(rand() * 4)}` : `shared${Math.floor(rand() * 3)}`);
    else if (r < rate) out.push(line, rand() < 0.5 ? `${tag} new` : `shared${Math.floor(rand() * 3)}`);
    else out.push(line);
  }
  return out;
}

describe('merges made with git plumbing from seeded contents', () => {
  it('two and three parents, --cc and -c', () => {
    const dir = mkdtempSync(join(tmpdir(), 'combined-'));
    const gitdir = join(dir, 'repo.git');
    git(['init', '-q', '--bare', gitdir]);
    const g = (args: string[], input?: string) => git(['--git-dir', gitdir, ...args], { input });
    const env = { GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@b', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@b' };
    const blob = (text: string) => g(['hash-object', '-w', '--stdin'], text).stdout.toString().trim();
    const tree = (text: string | null) =>
      g(['mktree'], text === null ? '' : `100644 blob ${blob(text)}\tf\n`)
        .stdout.toString()
        .trim();
    const commit = (treeId: string, parents: string[]) =>
      git(['--git-dir', gitdir, 'commit-tree', treeId, ...parents.flatMap((p) => ['-p', p])], { input: 'm\n', env })
        .stdout.toString()
        .trim();

    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const rand = random(seed * 2654435761);
      const base = Array.from({ length: 20 + Math.floor(rand() * 60) }, (_, i) => (rand() < 0.1 ? '' : i % 7 === 0 ? `fn${i}()` : `\tline ${i}`));
      const parentCount = seed % 4 === 0 ? 3 : 2;
      const parents = Array.from({ length: parentCount }, (_, p) => edit(rand, base, 0.15, `p${p}`));
      // The result: mostly one parent's lines or the other's, region by region, plus its own edits.
      let resultLines = edit(rand, parents[Math.floor(rand() * parentCount)], 0.1, 'r');
      if (rand() < 0.5) resultLines = resultLines.concat(parents[1].slice(-3));
      const join2 = (ls: string[], eol: boolean) => (ls.length ? ls.join('\n') + (eol ? '\n' : '') : '');
      const parentTexts = parents.map((ls) => join2(ls, rand() > 0.15));
      const resultText = join2(resultLines, rand() > 0.15);
      if (parentTexts.includes(resultText)) continue;
      const parentIds = parentTexts.map((t) => commit(tree(rand() < 0.05 ? null : t), []));
      const merge = commit(tree(resultText), parentIds);
      compared += expectMergeSameAsGit(gitdir, merge, `seed ${seed}`, seed % 5 === 0 ? 0 : seed % 5 === 1 ? 1 : 3);
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('the same lost line in both parents shows once, with two columns', () => {
    const parents = [enc.encode('a\nold\nb\n'), enc.encode('a\nold\nb\nc\n')];
    const result = enc.encode('a\nnew\nb\n');
    const text = Buffer.from(formatCombinedHunks(combinedDiff(parents, result).hunks)).toString();
    expect(text).toBe('@@@ -1,3 -1,4 +1,3 @@@\n  a\n--old\n++new\n  b\n -c\n');
  });

  it('decodes for the screen, within caps', () => {
    const parents = [enc.encode('a\nold\nb\n'), enc.encode('a\nold\nb\nc\n')];
    const result = enc.encode('a\nnew\nb\n');
    const decoded = decodeCombined(parents, result);
    expect(decoded.hunks.map((h) => h.header)).toEqual(['@@@ -1,3 -1,4 +1,3 @@@']);
    expect(decoded.hunks[0].lines.map((l) => `${l.markers}|${l.text}|${l.newNo ?? '-'}`)).toEqual(['  |a|1', '--|old|-', '++|new|2', '  |b|3', ' -|c|-']);
    const capped = decodeCombined(parents, result, { maxLines: 2, maxLineBytes: 1 });
    expect(capped.hunks[0].lines.length).toBe(2);
    expect(capped.cut.lines).toBe(3);
    expect(capped.cut.longLines).toBe(1);
    expect(decodeCombined([new Uint8Array([0, 1]), result], result).binary).toBe(true);
    expect(decodeCombined(parents, result, { maxInputLines: 5 }).tooLarge).toBe(true);
  });
});

describe('the worker request', () => {
  it('diffCombinedHunks gives the hunks git diff-tree --cc -p prints, for every file of every merge of history', async () => {
    const history = builtFixtures().find((f) => f.name === 'history');
    expect(history).toBeDefined();
    const session = await Session.open('history', fsDirectoryReader(history!.path));
    const ctx: HandlerContext = { progress: () => {}, checkCancelled: () => {}, pause: async () => {}, transfer: () => {} };
    const gitdir = join(BUILD, 'history', readFileSync(join(BUILD, 'history', 'gitdir'), 'utf8').trim());
    const merges = git(['--git-dir', gitdir, 'rev-list', '--all', '--merges']).stdout.toString().trim().split('\n');
    let compared = 0;
    for (const merge of merges) {
      const want = sections(git(['--git-dir', gitdir, 'diff-tree', '--cc', '-p', '--no-commit-id', merge]).stdout);
      const page = await diffCombined(session, { rev: merge, start: 0, count: 1000 }, ctx);
      for (const file of page.files) {
        const got = diffCombinedHunks(session, { oid: file.oid, mode: file.mode, parents: file.parents.map((p) => ({ oid: p.oid, mode: p.mode })) });
        const body = want.get(file.path);
        if (body === null) {
          expect(got.binary).toBe(true);
          continue;
        }
        const text = got.hunks.map((h) => `${h.header}\n${h.lines.map((l) => `${l.markers}${l.text}\n`).join('')}`).join('');
        expect(text, `${merge} ${file.path}`).toBe((body ?? Buffer.alloc(0)).toString('utf8'));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});

describe('CLI diff-tree --cc / -c -p', () => {
  it("equals git on the fixtures' merges", () => {
    for (const name of ['history', 'varied']) {
      const repo = join(BUILD, name, 'repo');
      const gitdir = join(BUILD, name, readFileSync(join(BUILD, name, 'gitdir'), 'utf8').trim());
      for (const merge of git(['--git-dir', gitdir, 'rev-list', '--all', '--merges']).stdout.toString().trim().split('\n')) {
        for (const flags of [['--cc'], ['-c', '-p'], ['--cc', '--raw']]) {
          const want = git(['--git-dir', gitdir, 'diff-tree', ...flags, merge]).stdout;
          const run = cli(['diff-tree', ...flags, merge, repo]);
          expect(run.stderr).toBe('');
          expect(run.stdout.toString('latin1'), `${name} ${flags.join(' ')} ${merge}`).toBe(want.toString('latin1'));
        }
      }
    }
  });

  it('equals git on added, deleted, mode-changed, binary and oddly named paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'combined-cli-'));
    const gitdir = join(dir, 'repo.git');
    git(['init', '-q', '--bare', gitdir]);
    const g = (args: string[], input?: string | Buffer) => git(['--git-dir', gitdir, ...args], { input });
    const env = { GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@b', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@b', GIT_AUTHOR_DATE: '1700000000 +0000', GIT_COMMITTER_DATE: '1700000000 +0000' };
    const blob = (content: string | Buffer) => g(['hash-object', '-w', '--stdin'], content).stdout.toString().trim();
    const tree = (entries: [string, string, string | Buffer][]) =>
      g(['mktree'], entries.map(([mode, name, content]) => `${mode} blob ${blob(content)}\t${name}\n`).join(''))
        .stdout.toString()
        .trim();
    const commit = (treeId: string, parents: string[]) =>
      git(['--git-dir', gitdir, 'commit-tree', treeId, ...parents.flatMap((p) => ['-p', p])], { input: 'm\n', env })
        .stdout.toString()
        .trim();
    const base = 'one\ntwo\nthree\nfour\nfive\n';
    const p1 = commit(
      tree([
        ['100644', 'gone.txt', 'keep\nme\n'],
        ['100644', 'mode.sh', 'echo a\n'],
        ['100644', 'bin.dat', Buffer.from([1, 0, 2])],
        ['100644', 'na\u00efve name.txt', base],
      ]),
      [],
    );
    const p2 = commit(
      tree([
        ['100644', 'gone.txt', 'keep\nyou\n'],
        ['100644', 'mode.sh', 'echo b\n'],
        ['100644', 'bin.dat', Buffer.from([3, 0, 4])],
        ['100644', 'na\u00efve name.txt', base.replace('two', 'TWO')],
      ]),
      [],
    );
    const merge = commit(
      tree([
        ['100644', 'new.txt', 'fresh\n'],
        ['100755', 'mode.sh', 'echo c\n'],
        ['100644', 'bin.dat', Buffer.from([5, 0, 6])],
        ['100644', 'na\u00efve name.txt', base.replace('two', 'TWO').replace('four', 'FOUR!')],
      ]),
      [p1, p2],
    );
    for (const flags of [['--cc'], ['-c', '-p']]) {
      const want = g(['diff-tree', ...flags, merge]).stdout;
      expect(want.toString()).toContain('Binary files differ');
      const run = cli(['diff-tree', ...flags, merge, gitdir]);
      expect(run.stderr).toBe('');
      expect(run.stdout.toString('latin1'), flags.join(' ')).toBe(want.toString('latin1'));
    }
  });
});
