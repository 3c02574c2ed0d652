import { mkdtempSync, mkdirSync, rmSync, writeFileSync, appendFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRepository, type CliRepository } from '../src/cli/repository.ts';
import { bloomKey, murmur3SeededV1 } from '../src/core/format/commit-graph-bloom.ts';
import { commitGraphSettings } from '../src/core/format/commit-graph-config.ts';
import { fromHex } from '../src/core/hash/hex.ts';
import { Blame } from '../src/core/history/blame.ts';
import { writeBlamePorcelain } from '../src/core/history/blame-porcelain.ts';
import { repositoryCommitGraph } from '../src/core/history/generation-numbers.ts';
import { PathLog } from '../src/core/history/path-log.ts';
import { ObjectTableBuilder } from '../src/core/odb/object-table.ts';
import { ReachabilityWalk } from '../src/core/reach/reachability.ts';
import { builtFixtures, git } from './support/cli.ts';

/**
 * The commit-graph used where git uses it (issue 12): path-limited log and blame ask the
 * changed-path Bloom filters before reading trees, walks take parents from the graph, and
 * reachability takes commits' links from it. Every answer must equal git's (and the answer
 * without the graph); the filters must actually be used (they skip commits); and the config
 * switches (core.commitGraph, commitGraph.readChangedPaths, commitGraph.generationVersion) must
 * be honoured.
 */

const enc = new TextEncoder();
const hex32 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

describe('murmur3 and Bloom keys as git computes them (t0095-bloom.sh)', () => {
  it('murmur3 of the test strings', () => {
    expect(hex32(murmur3SeededV1(0, enc.encode('')))).toBe('0x00000000');
    expect(hex32(murmur3SeededV1(0, enc.encode('Hello world!')))).toBe('0x627b0c2c');
    expect(hex32(murmur3SeededV1(0, enc.encode('The quick brown fox jumps over the lazy dog')))).toBe('0x2e4ff723');
  });
  it('the seven hashes of a key', () => {
    const settings = { hashVersion: 1, numHashes: 7, bitsPerEntry: 10 };
    const keyOf = (s: string) => Array.from(bloomKey(enc.encode(s), settings), hex32).join('|');
    expect(keyOf('')).toBe('0x5615800c|0x5b966560|0x61174ab4|0x66983008|0x6c19155c|0x7199fab0|0x771ae004');
    expect(keyOf(' ')).toBe('0xf178874c|0x5f3d6eb6|0xcd025620|0x3ac73d8a|0xa88c24f4|0x16510c5e|0x8415f3c8');
    expect(keyOf('Hello world!')).toBe('0xb270de9b|0x1bb6f26e|0x84fd0641|0xee431a14|0x57892de7|0xc0cf41ba|0x2a15558d');
    expect(keyOf('file.txt')).toBe('0x20ab385b|0xf5237fe2|0xc99bc769|0x9e140ef0|0x728c5677|0x47049dfe|0x1b7ce585');
  });
});

describe('commit-graph config', () => {
  const of = (text: string) => commitGraphSettings(enc.encode(text));
  it('defaults, booleans, integers, bare keys, quotes, comments, last value wins', () => {
    expect(of('')).toEqual({ enabled: true, generationVersion: 2, readChangedPaths: true });
    expect(of('[core]\n\tcommitGraph = false\n')).toMatchObject({ enabled: false });
    expect(of('[CORE]\n\tCommitGraph = No ; off\n[core]\ncommitgraph\n')).toMatchObject({ enabled: true });
    expect(of('[commitGraph]\n\tgenerationVersion = 1 # v1\n\treadChangedPaths = "off"\n')).toEqual({ enabled: true, generationVersion: 1, readChangedPaths: false });
    expect(of('[commitGraph "x"]\n\treadChangedPaths = false\n')).toMatchObject({ readChangedPaths: true });
    expect(of('[commitgraph]\n\tchangedPathsVersion = 0\n\treadChangedPaths = true\n')).toMatchObject({ readChangedPaths: false });
    expect(of('[core]\n\tcommitGraph = 0\n[core]\n\tcommitGraph = yes\n')).toMatchObject({ enabled: true });
  });
});

/** A repository built here: files in folders, names with bytes >= 0x80, a rename, a merge, an unreachable commit. */
function buildRepo(): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'h2-graph-use-'));
  const env = { GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'C', GIT_COMMITTER_EMAIL: 'c@x' };
  let t = 1_700_000_000;
  const run = (...args: string[]) => {
    t += 60;
    const r = git(['-C', dir, ...args], { env: { ...env, GIT_AUTHOR_DATE: `${t} +0000`, GIT_COMMITTER_DATE: `${t} +0000` } });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  };
  run('init', '-q', '-b', 'main');
  const files = ['a.txt', 'dir/b.txt', 'dir/sub/c.txt', 'é/ü.txt', 'dir/ñandú-ÿ.txt', 'x/y/z/deep.txt', 'other.md'];
  let x = 7;
  const rand = (n: number) => {
    x = (x * 1103515245 + 12345) >>> 0;
    return (x >>> 16) % n;
  };
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), `${f}\n`);
  }
  run('add', '-A');
  run('commit', '-q', '-m', 'root');
  for (let i = 0; i < 40; i++) {
    if (i === 15) run('checkout', '-q', '-b', 'side');
    if (i === 25) {
      run('checkout', '-q', 'main');
      run('merge', '-q', '--no-ff', '-m', 'merge side', 'side');
    }
    if (i === 30) {
      renameSync(join(dir, 'other.md'), join(dir, 'dir/renamed.md'));
      run('add', '-A');
      run('commit', '-q', '-m', 'rename');
      continue;
    }
    const f = files[rand(files.length)];
    const target = f === 'other.md' && i > 30 ? 'dir/renamed.md' : f;
    appendFileSync(join(dir, target), `line ${i}\n`);
    run('commit', '-q', '-am', `change ${i} in ${target}`);
  }
  // An unreachable commit (the graph is written from the refs, so it does not hold it).
  run('checkout', '-q', '-b', 'gone');
  appendFileSync(join(dir, 'a.txt'), 'lost\n');
  run('commit', '-q', '-am', 'lost');
  run('checkout', '-q', 'main');
  run('branch', '-q', '-D', 'gone');
  run('commit-graph', 'write', '--reachable', '--changed-paths');
  const paths = [...files, 'dir/renamed.md', 'dir', 'dir/sub', 'é', 'x', 'x/y', 'x/y/z', 'missing.txt', 'dir/missing'];
  return { dir, paths };
}

const repo = buildRepo();
afterAll(() => rmSync(repo.dir, { recursive: true, force: true }));

function logOf(r: CliRepository, path: string, graph: boolean): { oids: string[]; walk: PathLog } {
  const head = git(['-C', repo.dir, 'rev-parse', 'HEAD']).stdout.toString().trim();
  const walk = new PathLog(r.db, [fromHex(head)], [enc.encode(path)], graph ? { graph: repositoryCommitGraph(r.db, r.refs) } : {});
  const oids: string[] = [];
  for (let e = walk.next(); e; e = walk.next()) oids.push(e.oid);
  return { oids, walk };
}

function setConfig(key: string, value: string | undefined): void {
  if (value === undefined) git(['-C', repo.dir, 'config', '--unset-all', key]);
  else git(['-C', repo.dir, 'config', key, value]);
}

describe('log -- <path> with the commit-graph', () => {
  it('equals git log for every path, and the Bloom filters skip commits', async () => {
    const r = await openRepository(join(repo.dir, '.git'));
    expect(repositoryCommitGraph(r.db, r.refs)?.layers[0].bloom).toBeDefined();
    let definitelyNot = 0;
    let maybe = 0;
    for (const path of repo.paths) {
      const expected = git(['-C', repo.dir, 'log', '--format=%H', '--', path]).stdout.toString().split('\n').filter(Boolean);
      const withGraph = logOf(r, path, true);
      expect(withGraph.oids, path).toEqual(expected);
      expect(logOf(r, path, false).oids, path).toEqual(expected);
      definitelyNot += withGraph.walk.bloom.definitelyNot;
      maybe += withGraph.walk.bloom.maybe;
      // Every commit shown changed the path: a filter that said "not changed" for one would have hidden it.
    }
    expect(definitelyNot).toBeGreaterThan(100);
    expect(maybe).toBeGreaterThan(0);
  });

  it('commitGraph.readChangedPaths=false leaves the filters out; core.commitGraph=false the whole graph', async () => {
    try {
      setConfig('commitGraph.readChangedPaths', 'false');
      let r = await openRepository(join(repo.dir, '.git'));
      expect(repositoryCommitGraph(r.db, r.refs)?.layers[0].bloom).toBeUndefined();
      const { walk } = logOf(r, 'dir/b.txt', true);
      expect(walk.bloom.definitelyNot).toBe(0);
      setConfig('commitGraph.readChangedPaths', undefined);
      setConfig('commitGraph.generationVersion', '1');
      r = await openRepository(join(repo.dir, '.git'));
      expect(repositoryCommitGraph(r.db, r.refs)?.layers[0].gda2).toBeUndefined();
      setConfig('commitGraph.generationVersion', undefined);
      setConfig('core.commitGraph', 'false');
      r = await openRepository(join(repo.dir, '.git'));
      expect(repositoryCommitGraph(r.db, r.refs)).toBeUndefined();
    } finally {
      setConfig('core.commitGraph', undefined);
      setConfig('commitGraph.readChangedPaths', undefined);
      setConfig('commitGraph.generationVersion', undefined);
    }
  });
});

describe('blame with the commit-graph', () => {
  it('porcelain equals git blame for every file, and the filters pass blame without reading trees', async () => {
    const r = await openRepository(join(repo.dir, '.git'));
    const head = git(['-C', repo.dir, 'rev-parse', 'HEAD']).stdout.toString().trim();
    let definitelyNot = 0;
    for (const path of ['a.txt', 'dir/b.txt', 'dir/sub/c.txt', 'é/ü.txt', 'dir/ñandú-ÿ.txt', 'x/y/z/deep.txt', 'dir/renamed.md']) {
      const expected = git(['-C', repo.dir, 'blame', '--porcelain', head, '--', path]).stdout;
      const job = new Blame(r.db, fromHex(head), enc.encode(path), { graph: repositoryCommitGraph(r.db, r.refs) });
      job.step();
      const parts: Uint8Array[] = [];
      writeBlamePorcelain(r.db, job, (b) => parts.push(b.slice()));
      expect(Buffer.concat(parts).toString('latin1'), path).toBe(expected.toString('latin1'));
      definitelyNot += job.bloom.definitelyNot;
    }
    expect(definitelyNot).toBeGreaterThan(50);
  });
});

describe('reachability with the commit-graph', () => {
  const targets = [
    { name: 'built here', path: join(repo.dir, '.git') },
    ...builtFixtures()
      .filter((f) => f.name.startsWith('commit-graph'))
      .map((f) => ({ name: f.name, path: f.path })),
  ];
  for (const t of targets) {
    it(`${t.name}: the same reachable, unreachable and dangling objects, with commits taken from the graph`, async () => {
      const run = async (useGraph: boolean) => {
        const r = await openRepository(t.path);
        const b = new ObjectTableBuilder(r.db);
        while (!b.step(10_000));
        const table = b.finish();
        let commitReads = 0;
        const read = r.db.readTransientAt.bind(r.db);
        r.db.readTransientAt = (loc) => {
          const o = read(loc);
          if (o.type === 'commit') commitReads++;
          return o;
        };
        const graph = useGraph ? repositoryCommitGraph(r.db, r.refs) : undefined;
        const reach = new ReachabilityWalk(table, { refs: r.refs, ...(graph ? { graph } : {}) }).run();
        const rows = (xs: ArrayLike<number>) => Array.from(xs, (row) => table.oidHexAt(row));
        return {
          commitReads,
          answer: {
            reachable: reach.reachableCount,
            unreachable: rows(reach.unreachableRows),
            dangling: Array.from(reach.unreachableRows)
              .filter((row) => reach.isDangling(row))
              .map((row) => table.oidHexAt(row)),
            types: Array.from(reach.unreachableRows, (row) => reach.typeOf(row)),
            missing: reach.missing,
          },
        };
      };
      const plain = await run(false);
      const graphed = await run(true);
      expect(graphed.answer).toEqual(plain.answer);
      expect(graphed.answer.unreachable.length + graphed.answer.reachable).toBeGreaterThan(0);
      // Only commits the graph does not hold (unreachable ones) are read.
      expect(graphed.commitReads).toBeLessThan(plain.commitReads);
    });
  }
});
