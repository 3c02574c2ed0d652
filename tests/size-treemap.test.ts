import { describe, expect, it } from 'vitest';
import { layoutTreemap, type TreemapTile } from '../src/core/analysis/treemap-layout.ts';
import { pathSizesFromGit, type PathSizes } from './support/size-from-git.ts';

/**
 * The treemap's folder sums and geometry on a fixture, with sizes from git: each path's blobs
 * over history (`git log --all --raw`), their inflated sizes (`cat-file --batch-check`) and their
 * stored sizes (`verify-pack -v`), and whether HEAD still has the path (`ls-tree -r HEAD`).
 */

type Measure = 'stored' | 'inflated' | 'deleted';

/** A tree as the analysis gives one (core/analysis/treemap-tree.ts): folders hold the sum of their contents. */
interface Node {
  name: string;
  path: string[];
  value: number;
  folder?: boolean;
  children?: Node[];
}

function treeOf(paths: PathSizes[], measure: Measure): Node {
  const root: Node = { name: '', path: [], value: 0, folder: true, children: [] };
  for (const p of paths) {
    const value = measure === 'stored' ? p.stored : measure === 'inflated' ? p.inflated : p.deleted ? p.stored : 0;
    let at = root;
    at.value += value;
    for (let i = 0; i < p.path.length - 1; i++) {
      const children = at.children as Node[];
      let next = children.find((c) => c.folder && c.name === p.path[i]);
      if (!next) children.push((next = { name: p.path[i], path: p.path.slice(0, i + 1), value: 0, folder: true, children: [] }));
      next.value += value;
      at = next;
    }
    at.children?.push({ name: p.path[p.path.length - 1], path: p.path, value });
  }
  return root;
}

function folderAt(root: Node, path: string[]): Node | undefined {
  let at: Node | undefined = root;
  for (const name of path) at = at?.children?.find((c) => c.folder && c.name === name);
  return at;
}

function inside(inner: TreemapTile<Node>, outer: { x0: number; y0: number; x1: number; y1: number }): boolean {
  const e = 1e-6;
  return inner.x0 >= outer.x0 - e && inner.y0 >= outer.y0 - e && inner.x1 <= outer.x1 + e && inner.y1 <= outer.y1 + e;
}

function overlap(a: TreemapTile<Node>, b: TreemapTile<Node>): number {
  return Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
}

describe('treemap layout', () => {
  const paths = pathSizesFromGit('history');
  const stored = treeOf(paths, 'stored');
  const isFile = (t: TreemapTile<Node>) => !t.node.folder;

  it('gives each tile an area in proportion to its value, inside its folder, without overlaps', () => {
    const W = 1000;
    const H = 600;
    const layout = layoutTreemap(stored, { width: W, height: H, padding: 0, labelHeight: 0, minArea: 0, maxDepth: 8 });
    expect(layout.total).toBe(paths.reduce((s, p) => s + p.stored, 0));
    expect(layout.omitted.tiles).toBe(0);
    // With no padding, every file's area is its share of the whole map.
    const files = layout.tiles.filter(isFile);
    expect(files).toHaveLength(paths.filter((p) => p.stored > 0).length);
    for (const t of files) {
      const area = (t.x1 - t.x0) * (t.y1 - t.y0);
      expect(area / (W * H)).toBeCloseTo(t.value / layout.total, 6);
      expect(t.value).toBe(paths.find((p) => p.path.join('/') === t.node.path.join('/'))?.stored);
    }
    expect(files.reduce((s, t) => s + (t.x1 - t.x0) * (t.y1 - t.y0), 0)).toBeCloseTo(W * H, 3);
    for (const t of layout.tiles) expect(inside(t, { x0: 0, y0: 0, x1: W, y1: H })).toBe(true);
    for (let i = 0; i < files.length; i++) for (let j = i + 1; j < files.length; j++) expect(overlap(files[i], files[j])).toBeLessThan(1e-6);
    // Each tile lies inside its folder's tile.
    const folders = new Map(layout.tiles.filter((t) => t.node.folder).map((t) => [t.node.path.join('/'), t]));
    for (const t of layout.tiles) {
      const parent = folders.get(t.node.path.slice(0, -1).join('/'));
      if (t.depth > 1) expect(parent && inside(t, parent)).toBe(true);
    }
  });

  it('nests folders with room for their label, folds the depth limit into one tile, and parents paint first', () => {
    const layout = layoutTreemap(stored, { width: 800, height: 500, maxDepth: 1, minArea: 0 });
    expect(layout.tiles.every((t) => t.depth === 1)).toBe(true);
    expect(layout.tiles.filter((t) => t.node.folder).every((t) => t.collapsed)).toBe(true);
    expect(layout.tiles.filter(isFile).every((t) => !t.collapsed)).toBe(true);
    const deep = layoutTreemap(stored, { width: 800, height: 500, maxDepth: 3, labelHeight: 16, padding: 2, minArea: 0 });
    const src = deep.tiles.find((t) => t.depth === 1 && t.node.name === 'src');
    const child = deep.tiles.find((t) => t.depth === 2 && t.node.path[0] === 'src');
    expect(src && child).toBeTruthy();
    expect(src?.collapsed).toBe(false);
    // Contents start below the folder's label strip.
    expect((child as TreemapTile<Node>).y0).toBeGreaterThanOrEqual((src as TreemapTile<Node>).y0 + 16 - 1e-6);
    const depths = deep.tiles.map((t) => t.depth);
    expect(depths).toEqual([...depths].sort((a, b) => a - b));
  });

  it('zooms into a folder: its contents fill the map', () => {
    const docs = folderAt(treeOf(paths, 'inflated'), ['docs']) as Node;
    expect(docs.value).toBe(paths.filter((p) => p.path[0] === 'docs' && p.path.length > 1).reduce((s, p) => s + p.inflated, 0));
    const layout = layoutTreemap(docs, { width: 400, height: 300, minArea: 0 });
    expect(layout.total).toBe(docs.value);
    const top = layout.tiles.filter((t) => t.depth === 1);
    expect(top.length).toBeGreaterThan(1);
    expect(top.every((t) => t.node.path[0] === 'docs' && t.node.path.length === 2)).toBe(true);
    expect(top.reduce((s, t) => s + t.value, 0)).toBe(docs.value);
  });

  it('draws only deleted paths for the deleted measure, and a folder sent without its contents as one tile', () => {
    const deleted = treeOf(paths, 'deleted');
    const layout = layoutTreemap(deleted, { width: 600, height: 400, minArea: 0, maxDepth: 8 });
    expect(layout.total).toBe(paths.filter((p) => p.deleted).reduce((s, p) => s + p.stored, 0));
    expect(layout.total).toBeGreaterThan(0);
    const files = layout.tiles.filter(isFile);
    expect(files.map((t) => t.node.path.join('/')).sort()).toEqual(
      paths
        .filter((p) => p.deleted && p.stored > 0)
        .map((p) => p.path.join('/'))
        .sort(),
    );
    const cut: Node = { ...stored, children: stored.children?.map((c) => (c.folder ? { ...c, children: undefined } : c)) };
    const cutLayout = layoutTreemap(cut, { width: 600, height: 400, minArea: 0, maxDepth: 8 });
    expect(cutLayout.tiles.every((t) => t.depth === 1)).toBe(true);
    expect(cutLayout.tiles.filter((t) => t.node.folder).every((t) => t.collapsed)).toBe(true);
  });

  it("keeps a folder's contents in proportion when the sender left some out", () => {
    const partial: Node = { name: '', path: [], value: 100, folder: true, children: [{ name: 'a', path: ['a'], value: 25 }] };
    const layout = layoutTreemap(partial, { width: 100, height: 100, padding: 0, labelHeight: 0, minArea: 0 });
    const a = layout.tiles[0];
    expect((a.x1 - a.x0) * (a.y1 - a.y0)).toBeCloseTo(2500, 6);
  });

  it('leaves out tiles too small to see and beyond the cap, and accounts for them', () => {
    const small = layoutTreemap(stored, { width: 200, height: 120, minArea: 400, maxDepth: 1 });
    expect(small.omitted.tiles).toBeGreaterThan(0);
    expect(small.tiles.reduce((s, t) => s + t.value, 0) + small.omitted.value).toBe(stored.value);
    const capped = layoutTreemap(stored, { width: 1000, height: 600, minArea: 0, maxDepth: 1, maxTiles: 3 });
    expect(capped.tiles).toHaveLength(3);
    const values = (stored.children ?? []).map((n) => n.value).sort((a, b) => b - a);
    expect(capped.tiles.map((t) => t.value).sort((a, b) => b - a)).toEqual(values.slice(0, 3));
    expect(capped.tiles.reduce((s, t) => s + t.value, 0) + capped.omitted.value).toBe(stored.value);
  });

  it('returns nothing to draw for an empty tree or size', () => {
    expect(layoutTreemap(treeOf([], 'stored'), { width: 100, height: 100 }).tiles).toEqual([]);
    expect(layoutTreemap(stored, { width: 0, height: 100 }).tiles).toEqual([]);
  });
});
