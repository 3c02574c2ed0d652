import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRepository, type CliRepository } from '../src/cli/repository.ts';
import { GraphLayout } from '../src/core/history/commit-graph-layout.ts';
import { generationGraph } from '../src/core/history/generation-numbers.ts';
import { onelineSubject } from '../src/core/history/commit-subject.ts';
import { GraphOrder, wholeGraphOrder } from '../src/core/history/graph-order.ts';
import { HistoryGraph, GLYPHS } from '../src/core/history/history-graph.ts';
import { allRefStarts, labelsByCommit, peelToCommit } from '../src/core/history/log-starts.ts';
import { LOG_LIMITS, LogWalk } from '../src/core/history/log-walk.ts';
import { fromHex } from '../src/core/hash/hex.ts';
import { resolveRef } from '../src/core/repo/refs.ts';
import { builtFixtures, cli, git, type Fixture } from './support/cli.ts';

/**
 * The commit graph against git 2.39: for every fixture, from every ref, from all of them
 * (`--all`) and along first parents, the layout drawn as text equals
 * `git log --graph --format=%H` byte for byte (order, lanes, merge and collapsing lines,
 * padding), and the streamed order equals the exact sort.
 */

const fixtures = builtFixtures();
const gitDirOf = (f: Fixture) => join(f.packDir, '../..');

function gitText(gitDir: string, args: string[]): string {
  const r = git(['--git-dir', gitDir, ...args]);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString('latin1');
}

/** The layout as `git log --graph --format=%H` prints it. */
function drawn(repo: CliRepository, starts: string[], firstParent = false, slop?: number): { text: string; broken: boolean } {
  const walk = new LogWalk(repo.db, starts, { firstParent, graph: generationGraph(repo.db, repo.refs) });
  const { order, broken } = wholeGraphOrder(walk, slop);
  const layout = new GraphLayout();
  let text = '';
  for (const n of order) {
    const row = layout.next(n, walk.parents[n]);
    row.lines.forEach((line, i) => {
      text += line.text + (i === row.commitLine ? walk.oids[n] : '') + '\n';
    });
  }
  return { text, broken };
}

function startsOf(repo: CliRepository, rev: string): string[] {
  const oid = resolveRef(repo.refs, rev);
  const commit = oid === undefined ? undefined : peelToCommit(repo.db, oid);
  return commit === undefined ? [] : [commit];
}

describe('commit graph layout equals git log --graph', () => {
  it('has fixtures to compare with', () => {
    expect(fixtures.map((f) => f.name)).toContain('history');
  });

  for (const f of fixtures) {
    it(`${f.name}: --all, HEAD, every ref, --first-parent`, async () => {
      const repo = await openRepository(f.path);
      const gitDir = gitDirOf(f);
      let compared = 0;
      const check = (args: string[], starts: string[], firstParent = false) => {
        const expected = gitText(gitDir, ['log', '--graph', '--format=%H', ...(firstParent ? ['--first-parent'] : []), ...args]);
        expect(drawn(repo, starts, firstParent).text, `${f.name}: git log --graph ${args.join(' ')}${firstParent ? ' --first-parent' : ''}`).toBe(expected);
        compared++;
      };
      check(['--all'], allRefStarts(repo.refs));
      check(['--all'], allRefStarts(repo.refs), true);
      if (resolveRef(repo.refs, 'HEAD')) {
        check(['HEAD'], startsOf(repo, 'HEAD'));
        check(['HEAD'], startsOf(repo, 'HEAD'), true);
      }
      for (const name of [...repo.refs.keys()].filter((n) => n.startsWith('refs/')).sort()) {
        const starts = startsOf(repo, name);
        if (starts.length === 0) continue;
        check([name], starts);
      }
      expect(compared).toBeGreaterThan(2);
    });
  }

  it("generation numbers: found in the commit-graph fixtures, not elsewhere (they change --first-parent's order)", async () => {
    for (const f of fixtures) {
      const repo = await openRepository(f.path);
      expect(generationGraph(repo.db, repo.refs) !== undefined, f.name).toBe(f.name.startsWith('commit-graph'));
    }
  });

  it('history: the octopus and the hand-resolved merge are drawn as git draws them', async () => {
    const f = fixtures.find((x) => x.name === 'history') as Fixture;
    const repo = await openRepository(f.path);
    const { text } = drawn(repo, allRefStarts(repo.refs));
    // The octopus line with its dashes and the expansion below it are in the text at all.
    expect(text).toMatch(/^\*---\.\s+[0-9a-f]{40}$/m);
    expect(text).toMatch(/^\|\\ \\ \\\s*$/m);
    expect(text).toMatch(/^\| \|_\|\/\s*$/m);
  });

  it('labels: HEAD, branches and peeled tags sit on their commits', async () => {
    const f = fixtures.find((x) => x.name === 'history') as Fixture;
    const repo = await openRepository(f.path);
    const labels = labelsByCommit(repo.db, repo.refs);
    const gitDir = gitDirOf(f);
    const decorated = gitText(gitDir, ['log', '--all', '--format=%H %D', '--decorate=short'])
      .split('\n')
      .filter((l) => l.length > 41);
    expect(decorated.length).toBeGreaterThan(3);
    for (const line of decorated) {
      const oid = line.slice(0, 40);
      const names = line
        .slice(41)
        .split(', ')
        .map((d) => d.replace(/^tag: /, '').replace(/^HEAD -> /, ''));
      const ours = (labels.get(oid) ?? []).map((l) => l.name);
      for (const n of names) expect(ours, `${oid} ${line}`).toContain(n);
    }
  });
});

describe('history graph filters', () => {
  /** Graph text with each line's trailing spaces dropped and one space before a commit's id (cells keep no padding). */
  const normal = (text: string) =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.replace(/^(.*?)([0-9a-f]{40})$/, (_m, graph: string, oid: string) => `${graph.trimEnd()} ${oid}`).trimEnd())
      .join('\n');
  /** The graph's rows as text, the commit's id after its `*` line. */
  function rowsText(g: HistoryGraph): string {
    g.produce(Infinity);
    return g.rows.map((r) => r.lines.map((l, i) => Array.from(l, (c) => GLYPHS[c >> 4]).join('') + (i === r.commitLine ? g.walk.oids[r.commit] : '')).join('\n')).join('\n');
  }

  // commit-graph: the same history walked through the graph (authors are read only for the filter).
  for (const name of ['history', 'commit-graph']) {
    it(`author (${name}): the commits and graph of git log --graph -i --author, case-insensitively`, async () => {
      const f = fixtures.find((x) => x.name === name) as Fixture;
      const repo = await openRepository(f.path);
      // git's --author is case-sensitive; -i (authorIgnoreCase) folds ASCII letters.
      const g = new HistoryGraph(repo.db, allRefStarts(repo.refs), { author: 'NOOR@example', authorIgnoreCase: true, graph: generationGraph(repo.db, repo.refs) });
      expect(g.walk.byGeneration).toBe(name === 'commit-graph');
      const ours = normal(rowsText(g));
      expect(ours.split('\n').filter((l) => /[0-9a-f]{40}$/.test(l)).length).toBe(4);
      expect(ours).toBe(normal(gitText(gitDirOf(f), ['log', '--graph', '--format=%H', '--all', '-i', '--author=NOOR@example'])));
      // Without -i the upper-case pattern matches nobody, as in git.
      const strict = new HistoryGraph(repo.db, allRefStarts(repo.refs), { author: 'NOOR@example', graph: generationGraph(repo.db, repo.refs) });
      expect(normal(rowsText(strict))).toBe(normal(gitText(gitDirOf(f), ['log', '--graph', '--format=%H', '--all', '--author=NOOR@example'])));
      expect(g.done).toBe(true);
    });
  }

  it('dates: exactly the commits whose committer date lies in the range', async () => {
    const f = fixtures.find((x) => x.name === 'history') as Fixture;
    const repo = await openRepository(f.path);
    const dated = gitText(gitDirOf(f), ['log', '--all', '--format=%H %ct'])
      .trim()
      .split('\n')
      .map((l) => ({ oid: l.slice(0, 40), t: Number(l.slice(41)) }));
    const times = [...new Set(dated.map((d) => d.t))].sort((a, b) => a - b);
    const since = times[2];
    const until = times[times.length - 3];
    const g = new HistoryGraph(repo.db, allRefStarts(repo.refs), { since, until });
    g.produce(Infinity);
    const want = dated
      .filter((d) => d.t >= since && d.t <= until)
      .map((d) => d.oid)
      .sort();
    expect(want.length).toBeGreaterThan(2);
    expect(want.length).toBeLessThan(dated.length);
    expect(g.rows.map((r) => g.walk.oids[r.commit]).sort()).toEqual(want);
  });
});

describe('packscope log --graph --oneline equals git byte for byte', () => {
  // Abbreviated ids (git's length rule and uniqueness), subjects (first paragraph joined, Latin-1
  // messages re-encoded), trailing spaces of merge lines: the whole output, as git writes to a pipe.
  for (const f of fixtures) {
    it(f.name, () => {
      const gitDir = gitDirOf(f);
      for (const args of [['--all'], [], ['--all', '--first-parent']]) {
        const expected = git(['--git-dir', gitDir, 'log', '--graph', '--oneline', ...args]);
        if (expected.status !== 0) continue; // no HEAD commit
        const got = cli(['log', '--graph', '--oneline', ...args, f.path]);
        expect(got.stderr.toString(), `${f.name} ${args.join(' ')}`).toBe('');
        expect(got.stdout.toString('latin1'), `${f.name} log --graph --oneline ${args.join(' ')}`).toBe(expected.stdout.toString('latin1'));
      }
    });
  }
});

describe('streamed graph order', () => {
  const temp = mkdtempSync(join(tmpdir(), 'packscope-graph-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  /** A repository made with one `git fast-import`: `spec` lists [name, parents, committer date]; each name is a branch. */
  function makeRepo(name: string, spec: [string, string[], number][]): string {
    const dir = join(temp, name);
    git(['init', '-q', '--bare', dir]);
    const mark = new Map(spec.map(([label], i) => [label, i + 1]));
    let stream = '';
    for (const [label, parents, date] of spec) {
      const message = Buffer.byteLength(label);
      stream += `commit refs/heads/${label}\nmark :${mark.get(label)}\ncommitter A <a@x> ${date} +0000\ndata ${message}\n${label}\n`;
      parents.forEach((p, i) => (stream += `${i === 0 ? 'from' : 'merge'} :${mark.get(p)}\n`));
      if (parents.length === 0) stream += 'deleteall\n';
      stream += '\n';
    }
    const r = git(['--git-dir', dir, 'fast-import', '--quiet'], { input: stream });
    if (r.status !== 0) throw new Error(`fast-import: ${r.stderr}`);
    git(['--git-dir', dir, 'symbolic-ref', 'HEAD', `refs/heads/${spec[spec.length - 1][0]}`]);
    return dir;
  }

  it('a clock skewed past the slop breaks the stream, which is noticed; the exact sort equals git', async () => {
    const day = 86_400;
    const t = 1_700_000_000;
    // "late" is a child of "base" dated ten days before it: the walk meets it only after "side"
    // was shown and "base", its count of children then final in appearance, was decided.
    const dir = makeRepo('skew', [
      ['base', [], t],
      ['late', ['base'], t - 10 * day],
      ['old', ['late'], t - 9 * day],
      ['side', ['base'], t + 1 * day],
    ]);
    const repo = await openRepository(dir);
    const starts = allRefStarts(repo.refs);
    const walk = new LogWalk(repo.db, starts);
    const stream = new GraphOrder(walk);
    while (!stream.broken && stream.next(100).length > 0);
    walk.step();
    expect(stream.broken).toBe(true);
    expect(stream.confirmed).toBe(false);
    const result = drawn(repo, starts);
    expect(result.broken).toBe(true);
    expect(result.text).toBe(gitText(dir, ['log', '--graph', '--format=%H', '--all']));
  });

  it("with a commit-graph the walk goes by generation: the same skew breaks nothing, the order is git's", async () => {
    const day = 86_400;
    const t = 1_700_000_000;
    const dir = makeRepo('skew-graph', [
      ['base', [], t],
      ['late', ['base'], t - 10 * day],
      ['old', ['late'], t - 9 * day],
      ['side', ['base'], t + 1 * day],
    ]);
    git(['--git-dir', dir, 'commit-graph', 'write', '--reachable']);
    const repo = await openRepository(dir);
    const graph = generationGraph(repo.db, repo.refs);
    expect(graph).toBeDefined();
    const walk = new LogWalk(repo.db, allRefStarts(repo.refs), { graph });
    const stream = new GraphOrder(walk);
    const order: number[] = [];
    for (let page = stream.next(1); page.length > 0; page = stream.next(1)) order.push(...page);
    walk.step();
    expect(stream.broken).toBe(false);
    expect(stream.confirmed).toBe(true);
    expect(order.map((n) => walk.oids[n]).join('\n')).toBe(gitText(dir, ['log', '--format=%H', '--topo-order', '--all']).trim());
  });

  it('without skew the stream is confirmed and gives pages before the walk has ended', async () => {
    const spec: [string, string[], number][] = [['c0', [], 1_600_000_000]];
    for (let i = 1; i < 400; i++) spec.push([`c${i}`, [`c${i - 1}`], 1_600_000_000 + i * 3600]);
    const dir = makeRepo('long', spec);
    const repo = await openRepository(dir);
    const walk = new LogWalk(repo.db, startsOf(repo, 'HEAD'));
    const stream = new GraphOrder(walk);
    const first = stream.next(20);
    expect(first.length).toBe(20);
    // One day of slop at one commit an hour: the walk is only a little ahead of the page.
    expect(walk.walked.length).toBeLessThan(60);
    expect(walk.done).toBe(false);
    while (stream.next(100).length > 0);
    expect(stream.confirmed).toBe(true);
    expect(drawn(repo, startsOf(repo, 'HEAD')).text).toBe(gitText(dir, ['log', '--graph', '--format=%H']));
  });

  it('a commit naming more parents than the cap keeps the first ones and counts them all', async () => {
    const spec: [string, string[], number][] = [];
    const many = LOG_LIMITS.maxParents + 6;
    for (let i = 0; i < many; i++) spec.push([`p${i}`, [], 1_600_000_000 + i]);
    spec.push(['octo', spec.map(([n]) => n), 1_700_000_000]);
    const dir = makeRepo('wide', spec);
    const repo = await openRepository(dir);
    const walk = new LogWalk(repo.db, startsOf(repo, 'HEAD'));
    walk.step();
    const octo = walk.numberOfId(startsOf(repo, 'HEAD')[0]);
    expect(walk.parentCount[octo]).toBe(many);
    expect(walk.parents[octo].length).toBe(LOG_LIMITS.maxParents);
    // The subject of a commit is git's: read from the bytes.
    expect(new TextDecoder().decode(onelineSubject(repo.db.read(fromHex(walk.oids[octo])).data))).toBe('octo');
  });
});
