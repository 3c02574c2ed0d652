import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SizeAnalysisQueries, cutTreemap } from '../src/core/analysis/analysis-queries.ts';
import { analyzeSizes } from '../src/core/analysis/size-analysis.ts';
import type { TreemapNode } from '../src/core/analysis/types.ts';
import { toHex } from '../src/core/hash/hex.ts';
import { openRepository, type CliRepository } from '../src/cli/repository.ts';
import { builtFixtures, git, type Fixture } from './support/cli.ts';

/**
 * core/analysis/analysis-queries.ts on the history fixture against git 2.39: the file paths
 * history names (every commit's ls-tree), their byte order, the folders' contents, blob sizes
 * as cat-file gives them, the first and last committer dates, a path's folders; and the
 * treemap cut's caps.
 */

const history = builtFixtures().find((f) => f.name === 'history') as Fixture;
const gitDir = join(history.packDir, '../..');
const run = (args: string[]): string => git(['--git-dir', gitDir, ...args]).stdout.toString('latin1');
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe('size analysis queries', () => {
  let repo: CliRepository;
  let q: SizeAnalysisQueries;
  /** Every file path of every commit's tree, in byte order (git's ls-tree -r -z). */
  let gitPaths: string[];
  beforeAll(async () => {
    repo = await openRepository(history.path);
    q = new SizeAnalysisQueries(analyzeSizes(repo.db, repo.refs).analysis);
    const all = new Set<string>();
    for (const c of run(['rev-list', '--all']).trim().split('\n')) for (const p of run(['ls-tree', '-r', '-z', '--name-only', c]).split('\0')) if (p) all.add(p);
    gitPaths = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  });

  it('orders the file paths git names by their bytes, either way', () => {
    const ascending = [...q.pathOrder('file', 'path', false)].map((id) => text(q.analysis.paths[id].path));
    expect(ascending).toEqual(gitPaths);
    expect([...q.pathOrder('file', 'path', true)].map((id) => text(q.analysis.paths[id].path))).toEqual([...gitPaths].reverse());
    expect(q.pathOrder('file', 'path', false)).toBe(q.pathOrder('file', 'path', false));
  });

  it("orders by stored bytes, ties in path order, and lists a folder's files and text matches", () => {
    const order = [...q.pathOrder('file', 'stored', true)];
    const paths = q.analysis.paths;
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [paths[order[i - 1]], paths[order[i]]];
      expect(a.file?.stored ?? 0).toBeGreaterThanOrEqual(b.file?.stored ?? 0);
      if (a.file?.stored === b.file?.stored) expect(text(a.path) < text(b.path)).toBe(true);
    }
    const data = q.analysis.findPath(new TextEncoder().encode('data')) as number;
    expect(data).toBeGreaterThan(0);
    const under = [...q.under(q.pathOrder('file', 'path', false), data)].map((id) => text(paths[id].path));
    expect(under).toEqual(gitPaths.filter((p) => p.startsWith('data/')));
    expect(q.under(q.pathOrder('file', 'path', false), 0).length).toBe(gitPaths.length);
    const readme = [...q.matching(q.pathOrder('file', 'path', false), '  ReadMe ')].map((id) => text(paths[id].path));
    expect(readme).toEqual(gitPaths.filter((p) => p.toLowerCase().includes('readme')));
    expect(readme.length).toBeGreaterThan(1);
    const removal = q.removal(data);
    expect(removal.paths).toBe(under.length);
    expect(removal.estimate.blobs.length).toBeGreaterThan(0);
    expect(q.ancestry(q.analysis.findPath(new TextEncoder().encode('data/notes.txt')) as number).map((id) => text(paths[id].path))).toEqual(['', 'data', 'data/notes.txt']);
  });

  it('orders blobs by their size as git cat-file gives it', () => {
    const sizes = new Map<string, number>();
    for (const line of run(['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(objectsize)']).trim().split('\n')) {
      const [oid, type, size] = line.split(' ');
      if (type === 'blob') sizes.set(oid, Number(size));
    }
    const blobs = q.analysis.blobs;
    const order = [...q.blobOrder('inflated')];
    const got = order.map((b) => sizes.get(toHex(blobs.ids, b * blobs.hashSize, blobs.hashSize)));
    expect(got).toEqual([...sizes.values()].sort((a, b) => b - a));
  });

  it('spans the first and last committer dates git log gives', () => {
    const dates = run(['log', '--all', '--format=%ct %cs'])
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    dates.sort((a, b) => Number(a[0]) - Number(b[0]));
    const span = q.commitSpan();
    if (!span) throw new Error('the fixture has commits');
    expect([q.analysis.commits.shortDate(span.first), q.analysis.commits.shortDate(span.last)]).toEqual([dates[0][1], dates[dates.length - 1][1]]);
    const growth = q.growth(2);
    expect(growth.length).toBeLessThanOrEqual(2);
    const g = q.analysis.growth;
    expect(growth[growth.length - 1].storedBlobs).toBe(g.storedBlobs[g.storedBlobs.length - 1]);
  });

  it('cuts a treemap to its depth and node caps, counting what it left out', () => {
    const tree = q.treemap(repo.db, 'stored', undefined).tree;
    expect(q.treemap(repo.db, 'stored', undefined).tree).toBe(tree);
    const copy = (n: TreemapNode): { id: number; children?: { id: number }[] } => ({ id: n.path });
    const count = (n: { children?: unknown[] }): number => 1 + (n.children ?? []).reduce<number>((s, c) => s + count(c as { children?: unknown[] }), 0);
    const whole = cutTreemap(tree, 100, 100_000, copy);
    expect(count(whole.node)).toBe(whole.nodes);
    expect(whole.nodes + whole.leftOut).toBeGreaterThan(gitPaths.length);
    const one = cutTreemap(tree, 1, 100_000, copy);
    expect(one.node.children?.length).toBe((tree.children ?? []).filter((c) => c.value > tree.value * 2e-6).length);
    const none = cutTreemap(tree, 4, 1, copy);
    expect(none).toEqual({ node: { id: 0 }, nodes: 1, leftOut: (tree.children ?? []).length });
    // Sizes as git stores them: HEAD~2's tree is ls-tree -r -l's files.
    const commit = q.analysis.commits.find(Buffer.from(run(['rev-parse', 'main~2']).trim(), 'hex'));
    const atCommit = q.treemap(repo.db, 'inflated', commit).tree;
    const lsTree = run(['ls-tree', '-r', '-l', 'main~2'])
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[3])
      .filter((s) => s !== '-');
    expect(atCommit.value).toBe(lsTree.reduce((s, v) => s + Number(v), 0));
  });
});
