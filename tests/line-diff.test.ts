import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeRanges, diffLines } from '../src/core/diff/line-diff.ts';
import { countLines, decodePatch, formatPatchBody, isBinaryBlob, type PatchOptions } from '../src/core/diff/patch.ts';
import { BUILD, git } from './support/cli.ts';
import { seededRandom as random } from './support/random.ts';

/**
 * The line diff against git 2.39 itself: every file pair a fixture commit changed, hand-written
 * edge cases and seeded random pairs that drive xdiff's discarding, sliding and cost heuristics,
 * each compared byte for byte with the hunks `git diff --no-index` prints.
 */

const work = mkdtempSync(join(tmpdir(), 'line-diff-'));
const enc = new TextEncoder();
let fileNo = 0;

function toFile(bytes: Uint8Array | null): string {
  if (bytes === null) return '/dev/null';
  const path = join(work, `f${fileNo++}`);
  writeFileSync(path, bytes);
  return path;
}

/** What git prints after the "+++ " line (or its "Binary files" line), and its --numstat. */
function gitDiff(a: Uint8Array | null, b: Uint8Array | null, flags: string[] = []): { body: Buffer; numstat: string } {
  const fa = toFile(a);
  const fb = toFile(b);
  // Run outside any repository so no attributes or config apply. --numstat -p prints the
  // numstat row first, then the patch.
  const run = git(['diff', '--no-index', '--no-color', '--numstat', '-p', ...flags, fa, fb], { cwd: work });
  expect(run.status === 0 || run.status === 1, run.stderr).toBe(true);
  const out = run.stdout;
  const firstLine = out.subarray(0, Math.max(0, out.indexOf(10))).toString('latin1');
  const numstat = firstLine.split('\t').slice(0, 2).join('\t');
  const plus = out.indexOf('\n+++ ');
  const body = plus === -1 ? Buffer.alloc(0) : out.subarray(out.indexOf(10, plus + 1) + 1);
  return { body, numstat };
}

function flagsOf(options: PatchOptions): string[] {
  const flags: string[] = [];
  if (options.context !== undefined) flags.push(`-U${options.context}`);
  if (options.interHunkContext !== undefined) flags.push(`--inter-hunk-context=${options.interHunkContext}`);
  if (options.indentHeuristic === false) flags.push('--no-indent-heuristic');
  return flags;
}

/** Asserts our hunks and counts equal git's for one pair. */
function expectSameAsGit(a: Uint8Array, b: Uint8Array, options: PatchOptions = {}, label = ''): void {
  const want = gitDiff(a, b, flagsOf(options));
  const ours = Buffer.from(formatPatchBody(a, b, options));
  if (!ours.equals(want.body)) {
    // Show the texts on failure; equality of bytes is what is asserted.
    expect(ours.toString('latin1'), label).toBe(want.body.toString('latin1'));
  }
  expect(ours.equals(want.body), label).toBe(true);
  const counts = countLines(a, b, options);
  if (want.numstat) expect(`${counts.added}\t${counts.deleted}`, label).toBe(want.numstat);
}

function lines(...ls: string[]): Uint8Array {
  return enc.encode(ls.map((l) => `${l}\n`).join(''));
}

/** Random edits of a line list: deletions, insertions, replacements and moved blocks. */
function edit(rand: () => number, base: string[], alphabet: string[], rate: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < base.length; i++) {
    const r = rand();
    if (r < rate / 3) continue;
    if (r < (2 * rate) / 3) out.push(alphabet[Math.floor(rand() * alphabet.length)]);
    else if (r < rate) {
      out.push(base[i]);
      const n = 1 + Math.floor(rand() * 5);
      for (let k = 0; k < n; k++) out.push(alphabet[Math.floor(rand() * alphabet.length)]);
      continue;
    }
    out.push(base[i]);
  }
  if (rand() < 0.5 && out.length > 20) {
    // Move a block.
    const from = Math.floor(rand() * (out.length - 10));
    const block = out.splice(from, 5 + Math.floor(rand() * 5));
    out.splice(Math.floor(rand() * out.length), 0, ...block);
  }
  return out;
}

function codeAlphabet(rand: () => number, size: number): string[] {
  const fixed = ['', '}', '\t}', '{', '\treturn 0;', '\t\treturn -1;', '  ', '#include <stdio.h>', ' */', '/*'];
  const out = [...fixed];
  for (let i = out.length; i < size; i++) {
    const depth = Math.floor(rand() * 4);
    const kind = rand();
    const word = `w${Math.floor(rand() * size * 3)}`;
    if (kind < 0.15) out.push(`int ${word}(void)`);
    else if (kind < 0.2) out.push(`static void _${word}(int x)`);
    else out.push(`${'\t'.repeat(depth)}${word} = ${word}(x);`);
  }
  return out;
}

describe('fixture histories: every changed file of every commit, as git prints it', () => {
  const names = ['varied', 'demo', 'history'];
  for (const name of names) {
    it(name, () => {
      const gitdir = join(BUILD, name, readFileSync(join(BUILD, name, 'gitdir'), 'utf8').trim());
      const g = (args: string[]) => git(['--git-dir', gitdir, ...args]);
      const commits = g(['rev-list', '--all']).stdout.toString().trim().split('\n');
      expect(commits.length).toBeGreaterThan(5);
      const seen = new Set<string>();
      let compared = 0;
      let binary = 0;
      for (const commit of commits) {
        const raw = g(['diff-tree', '-r', '--no-renames', '--root', '-m', '--no-commit-id', commit]).stdout.toString();
        for (const line of raw.split('\n')) {
          const m = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) ([AMD])/.exec(line);
          if (!m) continue;
          const key = `${m[3]} ${m[4]}`;
          if (seen.has(key) || m[3] === m[4]) continue;
          seen.add(key);
          const regular = (mode: string) => mode.startsWith('100');
          const read = (oid: string, mode: string): Uint8Array | null => (/^0+$/.test(oid) || !regular(mode) ? null : g(['cat-file', 'blob', oid]).stdout);
          if ((m[5] !== 'A' && !regular(m[1])) || (m[5] !== 'D' && !regular(m[2]))) continue;
          const a = read(m[3], m[1]);
          const b = read(m[4], m[2]);
          const want = gitDiff(a, b);
          const empty = new Uint8Array(0);
          if (isBinaryBlob(a ?? empty) || isBinaryBlob(b ?? empty)) {
            // git's own verdict: no hunks, "-\t-" in --numstat.
            expect(want.numstat, `${commit} ${line}`).toBe('-\t-');
            binary++;
            continue;
          }
          expect(want.numstat).not.toBe('-\t-');
          if (want.numstat === '') {
            // Same content (an empty file added or removed): git prints no hunks, diff-tree 0 and 0.
            expect(formatPatchBody(a ?? empty, b ?? empty).length).toBe(0);
            expect(countLines(a ?? empty, b ?? empty)).toEqual({ added: 0, deleted: 0 });
            continue;
          }
          const ours = Buffer.from(formatPatchBody(a ?? empty, b ?? empty));
          expect(ours.toString('latin1'), `${commit} ${line}`).toBe(want.body.toString('latin1'));
          const counts = countLines(a ?? empty, b ?? empty);
          expect(`${counts.added}\t${counts.deleted}`).toBe(want.numstat);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(10);
      if (name === 'history') expect(binary).toBeGreaterThan(0);
    });
  }
});

describe('edge cases against git diff --no-index', () => {
  const cases: [string, Uint8Array, Uint8Array][] = [
    ['empty to text', new Uint8Array(0), lines('a', 'b')],
    ['text to empty', lines('a', 'b'), new Uint8Array(0)],
    ['empty to one line without newline', new Uint8Array(0), enc.encode('x')],
    ['newline added at end', enc.encode('a\nb'), enc.encode('a\nb\n')],
    ['newline removed at end', enc.encode('a\nb\n'), enc.encode('a\nb')],
    ['last line changed, neither has a newline', enc.encode('a\nb\nc\nd\ne'), enc.encode('a\nb\nc\nd\nE')],
    ['only a newline', enc.encode('\n'), enc.encode('\n\n')],
    ['whitespace only', lines('int f(void)', '{', '\treturn 1;', '}'), lines('int f(void)', '{', '    return 1; ', '}')],
    ['CRLF against LF', enc.encode('a\r\nb\r\nc\r\n'), enc.encode('a\nb\r\nc\n')],
    ['repeated lines', lines('x', 'x', 'x', 'y', 'x', 'x', 'x', 'x', 'y', 'x'), lines('x', 'x', 'y', 'x', 'x', 'x', 'y', 'y', 'x', 'x', 'x')],
    ['moved block', lines(...Array.from({ length: 30 }, (_, i) => `line ${i}`)), lines(...Array.from({ length: 30 }, (_, i) => `line ${(i + 10) % 30}`))],
    [
      // The indent heuristic puts the added function between the two, not across a brace.
      'function added between two functions',
      lines('int a(void)', '{', '\treturn 1;', '}', '', 'int c(void)', '{', '\treturn 3;', '}'),
      lines('int a(void)', '{', '\treturn 1;', '}', '', 'int b(void)', '{', '\treturn 2;', '}', '', 'int c(void)', '{', '\treturn 3;', '}'),
    ],
    [
      'python block inserted (sliding over blank and dedent)',
      lines('def f():', '    if x:', '        a()', '', '    b()', '', 'def g():', '    pass'),
      lines('def f():', '    if x:', '        a()', '', '    if y:', '        c()', '', '    b()', '', 'def g():', '    pass'),
    ],
    [
      'function line carried over and cut at 80 bytes',
      lines(
        `function_with_a_very_long_name_${'x'.repeat(90)}(int a, int b)   `,
        ...Array.from({ length: 20 }, (_, i) => `\tstatement ${i};`),
        '$dollar = 1;',
        ...Array.from({ length: 20 }, (_, i) => `\tmore ${i};`),
      ),
      lines(
        `function_with_a_very_long_name_${'x'.repeat(90)}(int a, int b)   `,
        ...Array.from({ length: 20 }, (_, i) => (i === 10 || i === 18 ? `\tchanged ${i};` : `\tstatement ${i};`)),
        '$dollar = 1;',
        ...Array.from({ length: 20 }, (_, i) => (i === 15 ? '\tchanged;' : `\tmore ${i};`)),
      ),
    ],
    ['function line with trailing CR and tab', enc.encode(`_init(void) \t\r\n${'\tx;\n'.repeat(8)}`), enc.encode(`_init(void) \t\r\n${'\tx;\n'.repeat(6)}\ty;\n\tx;\n`)],
    ...(
      [
        ['a UTF-8 character split by the cut', `${'x'.repeat(79)}\u00bb`],
        ['a 3-byte character split by the cut', `${'x'.repeat(78)}\u2019`],
      ] as const
    ).map(([label, first]): [string, Uint8Array, Uint8Array] => [
      `function line with ${label}`,
      lines(first, ...Array.from({ length: 10 }, (_, i) => ` ${i}`)),
      lines(first, ...Array.from({ length: 10 }, (_, i) => (i === 8 ? ' X' : ` ${i}`))),
    ]),
    ...[
      [0x61, 0xc2],
      [0x61, 0xff, 0x62],
      [0x5f, 0x80],
      [0x61, 0xc0, 0x80],
      [0x61, 0xe0, 0x80, 0x80],
      [0x61, 0xed, 0xa0, 0x80],
      [0x61, 0xef, 0xbf, 0xbe],
      [0x61, 0xf4, 0x90, 0x80, 0x80],
      [0x61, 0xf0, 0x9f, 0x98, 0x80, 0x62],
      [0x61, 0xe2, 0x82, 0xac, 0xf5, 0x62],
    ].map((first): [string, Uint8Array, Uint8Array] => {
      const body = (changed: boolean) => Array.from({ length: 10 }, (_, i) => (changed && i === 8 ? ' X\n' : ` ${i}\n`)).join('');
      const head = new Uint8Array([...first, 0x0a]);
      return [`function line bytes ${first.map((b) => b.toString(16)).join(' ')}`, new Uint8Array([...head, ...enc.encode(body(false))]), new Uint8Array([...head, ...enc.encode(body(true))])];
    }),
    ['non-UTF-8 bytes', new Uint8Array([0x61, 0x0a, 0xff, 0xfe, 0x0a, 0x62, 0x0a]), new Uint8Array([0x61, 0x0a, 0xff, 0x0a, 0x62, 0x0a, 0xc3, 0x28, 0x0a])],
  ];
  for (const [label, a, b] of cases) {
    it(label, () => {
      expectSameAsGit(a, b, {}, label);
      expectSameAsGit(b, a, {}, `${label} (reversed)`);
    });
  }

  it('identical files give no hunks', () => {
    const a = lines('a', 'b');
    expect(formatPatchBody(a, a).length).toBe(0);
    expect(gitDiff(a, a).body.length).toBe(0);
    expect(formatPatchBody(new Uint8Array(0), new Uint8Array(0)).length).toBe(0);
  });

  it('context, inter-hunk context and the indent heuristic switched off', () => {
    const rand = random(11);
    const alphabet = codeAlphabet(rand, 40);
    const base = Array.from({ length: 300 }, () => alphabet[Math.floor(rand() * alphabet.length)]);
    const a = lines(...base);
    const b = lines(...edit(rand, base, alphabet, 0.05));
    for (const options of [{ context: 0 }, { context: 1 }, { context: 10 }, { context: 3, interHunkContext: 4 }, { indentHeuristic: false }]) {
      expectSameAsGit(a, b, options, JSON.stringify(options));
    }
  });
});

/** Unique statements with frequent blank and brace lines, in functions. */
function codeFile(rand: () => number, count: number, tag: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    out.push(`int ${tag}_fn${i}(int x)`, '{');
    const body = 3 + Math.floor(rand() * 12);
    for (let k = 0; k < body; k++) {
      const r = rand();
      if (r < 0.15) out.push('');
      else if (r < 0.22) out.push('\t}');
      else if (r < 0.27) out.push('\treturn 0;');
      else out.push(`\t${tag}_stmt_${i}_${k}(x);`);
    }
    out.push('}', '');
  }
  return out;
}

/** Regions rewritten with new unique lines while blank and brace lines stay (xdiff's discard step). */
function rewriteRegions(rand: () => number, base: string[], seed: number): string[] {
  const out = [...base];
  const regions = 3 + Math.floor(rand() * 6);
  for (let r = 0; r < regions; r++) {
    const at = Math.floor(rand() * out.length);
    const length = 5 + Math.floor(rand() * 150);
    for (let i = at; i < Math.min(out.length, at + length); i++) {
      if (out[i].startsWith('\t') && out[i].endsWith('(x);') && rand() < 0.9) out[i] = `\tnew_${seed}_${r}_${i}(x);`;
      else if (rand() < 0.05) out.splice(i, 0, rand() < 0.5 ? '' : '\t}');
    }
  }
  return out;
}

/** Blocks of 21-40 lines moved around: a high edit cost made of long snakes (xdiff's cut-offs). */
function moveBlocks(rand: () => number, base: string[]): string[] {
  const blocks: string[][] = [];
  for (let i = 0; i < base.length; ) {
    const size = 21 + Math.floor(rand() * 20);
    blocks.push(base.slice(i, i + size));
    i += size;
  }
  for (let i = 0; i < blocks.length; i++) {
    if (rand() < 0.3) {
      const j = Math.floor(rand() * blocks.length);
      [blocks[i], blocks[j]] = [blocks[j], blocks[i]];
    }
  }
  return blocks.flat();
}

/** Regions rewritten around a run of blank lines on both sides (the discard scan's window). */
function blankRunsInRewrites(rand: () => number, base: string[], seed: number): [string[], string[]] {
  const a = [...base];
  const b = [...base];
  for (let r = 0; r < 5; r++) {
    const at = Math.floor(rand() * (a.length - 200));
    const length = 60 + Math.floor(rand() * 120);
    const runA = 8 + Math.floor(rand() * 20);
    const runB = 8 + Math.floor(rand() * 20);
    const fresh = (side: string) => Array.from({ length }, (_, i) => `\t${side}_${seed}_${r}_${i}(x);`);
    const withRun = (body: string[], run: number, where: number) => [...body.slice(0, where), ...Array.from({ length: run }, () => (rand() < 0.1 ? '\t}' : '')), ...body.slice(where)];
    const mid = Math.floor(length / 2);
    a.splice(at, length, ...withRun(fresh('old'), runA, mid + Math.floor(rand() * 30) - 15));
    b.splice(at, length, ...withRun(fresh('new'), runB, mid + Math.floor(rand() * 30) - 15));
  }
  return [a, b];
}

describe('seeded random pairs against git (discarding, sliding, cost heuristics)', () => {
  it('runs of blank lines inside rewritten regions', () => {
    for (let seed = 1; seed <= 24; seed++) {
      const rand = random(seed * 7727);
      const [a, b] = blankRunsInRewrites(rand, codeFile(rand, 800 + Math.floor(rand() * 2000), 'r'), seed);
      expectSameAsGit(lines(...a), lines(...b), {}, `blank runs seed ${seed}`);
    }
  });

  it('moved blocks in files past 32k lines (the cut-offs under a larger cost bound)', () => {
    const rand = random(31337);
    const base = codeFile(rand, 36_000, 'h');
    expectSameAsGit(lines(...base), lines(...rewriteRegions(rand, moveBlocks(rand, base), 1)), {}, 'huge');
  });

  it('rewritten regions among frequent lines', () => {
    for (let seed = 1; seed <= 16; seed++) {
      const rand = random(seed * 104729);
      const base = codeFile(rand, 500 + Math.floor(rand() * 3000), 'f');
      const a = lines(...base);
      const b = lines(...rewriteRegions(rand, base, seed));
      expectSameAsGit(a, b, {}, `rewritten regions seed ${seed}`);
    }
  });

  it('many moved blocks in a large file', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const rand = random(seed * 15485863);
      const base = codeFile(rand, 4000 + Math.floor(rand() * 8000), 'm');
      const a = lines(...base);
      const b = lines(...rewriteRegions(rand, moveBlocks(rand, base), seed));
      expectSameAsGit(a, b, {}, `moved blocks seed ${seed}`);
    }
  });

  const profiles = [
    { name: 'few distinct lines', seeds: 12, lines: 400, alphabet: 12, rate: 0.1 },
    { name: 'code-like', seeds: 12, lines: 800, alphabet: 300, rate: 0.05 },
    // Thousands of edits: the edit cost passes 256, where xdiff cuts the search short.
    { name: 'heavy rewrite of a large file', seeds: 4, lines: 8000, alphabet: 4000, rate: 0.4 },
    { name: 'heavy rewrite, many repeats', seeds: 4, lines: 6000, alphabet: 60, rate: 0.3 },
  ];
  for (const profile of profiles) {
    it(profile.name, () => {
      for (let seed = 1; seed <= profile.seeds; seed++) {
        const rand = random(seed * 7919 + profile.lines);
        const alphabet = codeAlphabet(rand, profile.alphabet);
        const base = Array.from({ length: profile.lines }, () => alphabet[Math.floor(rand() * alphabet.length)]);
        const next = edit(rand, base, alphabet, profile.rate);
        const a = enc.encode(base.join('\n') + (rand() < 0.3 ? '' : '\n'));
        const b = enc.encode(next.join('\n') + (rand() < 0.3 ? '' : '\n'));
        expectSameAsGit(a, b, {}, `${profile.name} seed ${seed}`);
      }
    });
  }
});

describe('change ranges with the tail trimmed (what git diff -U0 and blame see)', () => {
  it('equal the -U0 hunks of git', () => {
    const rand = random(5);
    const alphabet = codeAlphabet(rand, 200);
    const base = Array.from({ length: 3000 }, () => alphabet[Math.floor(rand() * alphabet.length)]);
    const a = lines(...base);
    const b = lines(...edit(rand, base, alphabet, 0.2));
    const want = gitDiff(a, b, ['-U0']).body.toString('latin1');
    const headers = want.split('\n').filter((l) => l.startsWith('@@'));
    const ranges = changeRanges(diffLines(a, b, { trimCommonTail: true }));
    const fmt = (s: number, c: number) => (c === 1 ? `${s + 1}` : c === 0 ? `${s},0` : `${s + 1},${c}`);
    expect(ranges.map((r) => `@@ -${fmt(r.oldStart, r.oldCount)} +${fmt(r.newStart, r.newCount)} @@`)).toEqual(headers.map((h) => h.replace(/ @@.*$/, ' @@')));
    expectSameAsGit(a, b, { context: 0 }, '-U0');
  });
});

describe('binary rule', () => {
  it('is a NUL in the first 8000 bytes, as git decides', () => {
    const late = new Uint8Array(9000).fill(0x61);
    late[8500] = 0;
    const early = new Uint8Array(9000).fill(0x61);
    early[7999] = 0;
    expect(isBinaryBlob(late)).toBe(false);
    expect(isBinaryBlob(early)).toBe(true);
    expect(gitDiff(lines('x'), late).numstat).not.toBe('-\t-');
    expect(gitDiff(lines('x'), early).numstat).toBe('-\t-');
    expect(decodePatch(lines('x'), early).binary).toBe(true);
  });
});

describe('decoded form for the screen', () => {
  it('numbers lines as the patch does', () => {
    const a = enc.encode('one\ntwo\nthree\nfour\nfive\nsix\nseven\neight');
    const b = enc.encode('one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\nnine');
    const decoded = decodePatch(a, b);
    expect(decoded.binary).toBe(false);
    expect(decoded.added).toBe(3);
    expect(decoded.deleted).toBe(2);
    expect(decoded.hunks.map((h) => h.header)).toEqual(['@@ -1,8 +1,9 @@']);
    const shown = decoded.hunks[0].lines.map((l) => `${l.kind[0]} ${l.oldNo ?? '-'} ${l.newNo ?? '-'} ${l.text}${l.noNewline ? ' (no newline)' : ''}`);
    expect(shown).toEqual([
      'c 1 1 one',
      'c 2 2 two',
      'd 3 - three',
      'a - 3 THREE',
      'c 4 4 four',
      'c 5 5 five',
      'c 6 6 six',
      'c 7 7 seven',
      'd 8 - eight (no newline)',
      'a - 8 eight',
      'a - 9 nine (no newline)',
    ]);
    // The patch text says the same.
    const text = Buffer.from(formatPatchBody(a, b)).toString();
    expect(text.split('\n').filter((l) => /^[-+ ]/.test(l)).length).toBe(shown.length);
  });

  it('cuts long lines and many lines, and says what it cut', () => {
    const long = new Uint8Array(1_000_000).fill(0x41);
    const decoded = decodePatch(new Uint8Array(0), long, { maxLineBytes: 100 });
    expect(decoded.hunks[0].lines[0].text.length).toBe(100);
    expect(decoded.hunks[0].lines[0].cut).toBe(true);
    expect(decoded.cut.longLines).toBe(1);

    const many = lines(...Array.from({ length: 5000 }, (_, i) => `l${i}`));
    const fewer = decodePatch(new Uint8Array(0), many, { maxLines: 1000 });
    expect(fewer.hunks[0].lines.length).toBe(1000);
    expect(fewer.cut.lines).toBe(4000);
    expect(fewer.added).toBe(5000);

    const spread = lines(...Array.from({ length: 200 }, (_, i) => `l${i}`));
    const changed = lines(...Array.from({ length: 200 }, (_, i) => (i % 20 === 0 ? `L${i}` : `l${i}`)));
    const capped = decodePatch(spread, changed, { maxLines: 12 });
    expect(capped.hunks.length).toBe(2);
    expect(capped.cut.hunks).toBe(8);
    expect(capped.hunks[1].lines.length).toBe(12 - capped.hunks[0].lines.length);
  });

  it('cuts a long line at a character boundary', () => {
    const text = 'é'.repeat(100);
    const decoded = decodePatch(new Uint8Array(0), enc.encode(`${text}\n`), { maxLineBytes: 51 });
    expect(decoded.hunks[0].lines[0].text).toBe('é'.repeat(25));
    expect(decoded.hunks[0].lines[0].cut).toBe(true);
  });

  it('refuses inputs with more lines than maxInputLines', () => {
    const newlines = new Uint8Array(3000).fill(0x0a);
    const refused = decodePatch(newlines, newlines.subarray(1), { maxInputLines: 5000 });
    expect(refused.tooLarge).toBe(true);
    expect(refused.hunks).toEqual([]);
    const accepted = decodePatch(newlines, newlines.subarray(1), { maxInputLines: 6000 });
    expect(accepted.tooLarge).toBe(false);
    expect(accepted.deleted).toBe(1);
  });

  it('shows the whole file as one hunk with unlimited context, as git -U<large> does', () => {
    const a = lines(...Array.from({ length: 50 }, (_, i) => `l${i}`));
    const b = lines(...Array.from({ length: 50 }, (_, i) => (i === 10 || i === 40 ? `L${i}` : `l${i}`)));
    const whole = decodePatch(a, b, { context: Infinity });
    expect(whole.hunks.length).toBe(1);
    expect(whole.hunks[0].header).toBe('@@ -1,50 +1,50 @@');
    expect(whole.hunks[0].lines.length).toBe(52);
    expect(Buffer.from(formatPatchBody(a, b, { context: Infinity })).equals(gitDiff(a, b, ['-U1000']).body)).toBe(true);
  });

  it('decodes invalid UTF-8 with replacement characters', () => {
    const decoded = decodePatch(lines('a'), new Uint8Array([0x61, 0x0a, 0xff, 0x62, 0x0a]));
    expect(decoded.hunks[0].lines[1].text).toBe('\ufffdb');
  });
});

describe('speed', () => {
  it('diffs a 100,000-line file with scattered edits well under a second', () => {
    const rand = random(99);
    const base = Array.from({ length: 100_000 }, (_, i) => `\tvalue_${i % 5000} = compute(${i}, ${Math.floor(rand() * 1000)});`);
    const next = edit(rand, base, base.slice(0, 5000), 0.01);
    const a = lines(...base);
    const b = lines(...next);
    const cpu = process.cpuUsage();
    const body = formatPatchBody(a, b);
    const used = process.cpuUsage(cpu);
    expect(body.length).toBeGreaterThan(0);
    // CPU time, not wall time: on a shared machine the wall clock measures the others. About
    // 140 ms here; git itself takes some 80 ms.
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });

  it('a hostile rewrite (every line different) stays bounded', () => {
    const a = lines(...Array.from({ length: 60_000 }, (_, i) => `a${i}`));
    const b = lines(...Array.from({ length: 60_000 }, (_, i) => `b${i}`));
    const cpu = process.cpuUsage();
    const counts = countLines(a, b);
    expect(counts).toEqual({ added: 60_000, deleted: 60_000 });
    const used = process.cpuUsage(cpu);
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });
});
