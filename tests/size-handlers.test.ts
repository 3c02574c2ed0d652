import { beforeAll, describe, expect, it } from 'vitest';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import { layoutTreemap } from '../src/core/analysis/treemap-layout.ts';
import type { AnalysisSoFar, SizeTreeNode } from '../src/protocol/analysis.ts';
import { SIZE_LIMITS } from '../src/protocol/analysis.ts';
import { Cancelled, type StreamContext } from '../src/protocol/rpc.ts';
import { analysisHandlers } from '../src/worker/analysis-handlers.ts';
import { Session } from '../src/worker/session.ts';
import { setSession } from '../src/worker/state.ts';
import { builtFixtures } from './support/cli.ts';
import { filterRepoPaths, gitDirOf, gitIn, pathSizesFromGit, storedSizes, type FilterRepoPath, type PathSizes } from './support/size-from-git.ts';

/**
 * The size view's worker requests on the history fixture, against git's own answers: each
 * path's sizes and deletion date from `git filter-repo --analyze`, its versions from `git log
 * --raw`, stored bytes from `verify-pack -v`, the tree of a commit (`ls-tree -r`), the largest
 * blobs, a deletion's commit, and the job's cancel and resume.
 */

const history = builtFixtures().find((f) => f.name === 'history');
if (!history) throw new Error('fixtures/build/history is missing: run npm run fixtures');

function context(options: { cancelAfter?: number; partials?: AnalysisSoFar[] } = {}): StreamContext<AnalysisSoFar> & { progressCalls: number } {
  let calls = 0;
  const ctx = {
    progressCalls: 0,
    request: 'sizeAnalysis',
    progress() {
      ctx.progressCalls++;
    },
    checkCancelled() {
      calls++;
      if (options.cancelAfter !== undefined && calls > options.cancelAfter) throw new Cancelled();
    },
    pause: async () => undefined,
    transfer: () => undefined,
    emit: (chunk: AnalysisSoFar) => options.partials?.push(chunk),
  };
  return ctx;
}

/** A git path (bytes read as Latin-1) as the worker decodes it (UTF-8, replacement characters for invalid bytes). */
function decoded(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

function shown(p: PathSizes): string {
  return decoded(p.path.join('/'));
}

let paths: PathSizes[];
let report: FilterRepoPath[];
const gitDir = gitDirOf('history');

beforeAll(async () => {
  setSession(await Session.open('history', fsDirectoryReader(history.path)));
  paths = pathSizesFromGit('history');
  report = filterRepoPaths('history');
});

describe('size analysis in the worker', () => {
  it('can be cancelled and resumes where it stopped, then answers the totals git gives', async () => {
    // A cancel on the first slice check: the waiter is rejected; the run stays with the session.
    await expect(analysisHandlers.sizeAnalysis({}, context({ cancelAfter: 0 }))).rejects.toBeInstanceOf(Cancelled);
    const ctx = context();
    const summary = await analysisHandlers.sizeAnalysis({}, ctx);
    expect(ctx.progressCalls).toBeGreaterThan(0);
    const stored = storedSizes(gitDir);
    const named = new Set(paths.flatMap((p) => p.blobs));
    expect(summary.versions).toBe(named.size);
    expect(summary.blobs).toBe(named.size + summary.unnamedBlobs);
    expect(summary.stored).toBe([...named].reduce((s, o) => s + (stored.get(o) ?? 0), 0));
    expect(summary.commits).toBe(gitIn(gitDir, ['rev-list', '--all']).trim().split('\n').length);
    expect(summary.files).toBe(paths.length);
    expect(summary.growth.length).toBeGreaterThan(1);
    expect(summary.packs.map((p) => p.name)).toEqual(history.packs.map((p) => `${p}.pack`));
    // Kept: the second answer costs nothing.
    expect((await analysisHandlers.sizeAnalysis({}, context())).ms).toBe(0);
  });

  it("lists every path with filter-repo's sizes and deletion dates, largest first, and filters by folder and text", async () => {
    const page = await analysisHandlers.sizePaths({ kind: 'file', sort: 'stored', descending: true, start: 0, count: 1000 }, context());
    expect(page.total).toBe(report.length);
    const want = new Map(report.map((r) => [decoded(r.path), r]));
    const versions = new Map(paths.map((p) => [shown(p), p.blobs.length]));
    for (const row of page.rows) {
      const line = want.get(row.path);
      expect(line, row.path).toBeDefined();
      expect(row.stored, row.path).toBe(line?.packed);
      expect(row.inflated, row.path).toBe(line?.unpacked);
      expect(row.deleted?.date, row.path).toBe(line?.deleted);
      expect(row.versions, row.path).toBe(versions.get(row.path));
    }
    const storedOrder = page.rows.map((r) => r.stored);
    expect(storedOrder).toEqual([...storedOrder].sort((a, b) => b - a));
    const src = await analysisHandlers.sizeFindPath({ path: 'src' }, context());
    expect(src.id).toBeDefined();
    const under = await analysisHandlers.sizePaths({ kind: 'file', sort: 'path', descending: false, start: 0, count: 100, under: src.id }, context());
    expect(under.rows.map((r) => r.path)).toEqual(
      paths
        .filter((p) => p.path[0] === 'src' && p.path.length > 1)
        .map(shown)
        .sort(),
    );
    const filtered = await analysisHandlers.sizePaths({ kind: 'file', sort: 'stored', descending: true, start: 0, count: 100, filter: 'HELPERS' }, context());
    expect(filtered.rows.map((r) => r.path).sort()).toEqual(['lib/helpers.py', 'src/helpers.py']);
    const dirs = await analysisHandlers.sizePaths({ kind: 'dir', sort: 'stored', descending: true, start: 0, count: 100 }, context());
    expect(dirs.rows.map((r) => r.path)).toContain('src');
    // Pages are capped.
    const big = await analysisHandlers.sizePaths({ kind: 'file', sort: 'path', descending: false, start: 0, count: 1_000_000 }, context());
    expect(big.rows.length).toBeLessThanOrEqual(SIZE_LIMITS.pageRows);
  });

  it("sends the treemap tree with git's sums, lays out in proportion, and zooms into a folder", async () => {
    const all = await analysisHandlers.sizeTree({ root: 0, measure: 'stored' }, context());
    expect(all.root.value).toBe(paths.reduce((s, p) => s + p.stored, 0));
    expect(all.crumbs.map((c) => c.path)).toEqual(['']);
    const layout = layoutTreemap(all.root, { width: 1000, height: 600, padding: 0, labelHeight: 0, minArea: 0, maxDepth: 8 });
    const files = layout.tiles.filter((t) => !t.node.folder);
    expect(files.length).toBe(paths.filter((p) => p.stored > 0).length);
    for (const t of files) expect(((t.x1 - t.x0) * (t.y1 - t.y0)) / 600_000).toBeCloseTo(t.value / all.root.value, 6);
    const data = (await analysisHandlers.sizeFindPath({ path: 'data' }, context())).id as number;
    const zoomed = await analysisHandlers.sizeTree({ root: data, measure: 'inflated' }, context());
    expect(zoomed.crumbs.map((c) => c.path)).toEqual(['', 'data']);
    const inData = paths.filter((p) => p.path[0] === 'data');
    expect(zoomed.root.value).toBe(inData.reduce((s, p) => s + p.inflated, 0));
    expect((zoomed.root.children ?? []).map((c) => c.name).sort()).toEqual(inData.map((p) => p.path[1]).sort());
    // Deleted but still stored: the paths filter-repo reports deleted.
    const deleted = await analysisHandlers.sizeTree({ root: 0, measure: 'deletedStored' }, context());
    const leaves: SizeTreeNode[] = [];
    const walk = (n: SizeTreeNode) => (n.children ? n.children.forEach(walk) : leaves.push(n));
    walk(deleted.root);
    expect(leaves.every((l) => l.deleted)).toBe(true);
    const gone = report.filter((r) => r.deleted !== undefined);
    expect(gone.length).toBeGreaterThan(0);
    expect(leaves.map((l) => l.name).sort()).toEqual(gone.map((r) => decoded(r.path).split('/').pop()).sort());
    expect(deleted.root.value).toBe(gone.reduce((s, r) => s + r.packed, 0));
  });

  it("shows the tree of one commit with each file's blob as git lists it", async () => {
    const tree = await analysisHandlers.sizeTree({ root: 0, measure: 'inflated', rev: 'HEAD~3', depth: 6 }, context());
    expect(tree.commit?.oid).toBe(gitIn(gitDir, ['rev-parse', 'HEAD~3']).trim());
    const lsTree = gitIn(gitDir, ['ls-tree', '-r', '-l', 'HEAD~3'])
      .trim()
      .split('\n')
      .filter((l) => l.includes(' blob '))
      .map((l) => Number(l.split(/\s+/)[3]));
    expect(tree.root.value).toBe(lsTree.reduce((s, n) => s + n, 0));
    await expect(analysisHandlers.sizeTree({ root: 0, measure: 'stored', rev: 'no-such-ref' }, context())).rejects.toThrow();
  });

  it("gives a path's versions, deletion and removal estimate", async () => {
    const id = (await analysisHandlers.sizeFindPath({ path: 'src/app-copy.ts' }, context())).id as number;
    const detail = await analysisHandlers.sizePath({ path: id }, context());
    const deletedBy = gitIn(gitDir, ['log', '--all', '--diff-filter=D', '--format=%H %cs', '--', 'src/app-copy.ts']).trim().split('\n')[0].split(' ');
    expect(detail.row.deleted).toEqual({ commit: deletedBy[0], date: deletedBy[1] });
    const git = paths.find((p) => p.path.join('/') === 'src/app-copy.ts') as PathSizes;
    expect(detail.largest.map((v) => v.blob).sort()).toEqual([...git.blobs].sort());
    for (const v of detail.largest) expect(gitIn(gitDir, ['cat-file', '-t', v.commit]).trim()).toBe('commit');
    const r = detail.removal;
    expect(r.blobs.map((b) => b.blob).sort()).toEqual([...git.blobs].sort());
    expect(r.counts.freed + r.counts.deltaBase + r.counts.otherPath).toBe(git.blobs.length);
    expect(r.saved + (r.upTo - r.saved) + r.keptElsewhere).toBe(git.stored);
    // A folder: every path under it.
    const src = (await analysisHandlers.sizeFindPath({ path: 'src' }, context())).id as number;
    const folder = await analysisHandlers.sizePath({ path: src }, context());
    expect(folder.row.kind).toBe('dir');
    expect(folder.removal.paths).toBe(paths.filter((p) => p.path[0] === 'src' && p.path.length > 1).length);
  });

  it('lists the largest blobs by stored bytes with their paths', async () => {
    const stored = storedSizes(gitDir);
    const page = await analysisHandlers.sizeBlobs({ sort: 'stored', start: 0, count: 5 }, context());
    // Every blob in the pack, named by a commit or not.
    const blobs = gitIn(gitDir, ['cat-file', '--batch-all-objects', '--batch-check'])
      .split('\n')
      .filter((l) => l.includes(' blob '))
      .map((l) => stored.get(l.split(' ')[0]) ?? 0)
      .sort((a, b) => b - a);
    expect(page.rows.map((r) => r.stored)).toEqual(blobs.slice(0, 5));
    expect(page.total).toBe(blobs.length);
    const top = page.rows[0];
    expect(top.paths.map((p) => p.path)).toEqual(
      paths
        .filter((p) => p.blobs.includes(top.oid))
        .map(shown)
        .sort(),
    );
    expect(top.where).toBe(`${history.packs[0]}.pack`);
  });
});
