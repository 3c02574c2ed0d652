import type { BlobIndex, PathId, PathNode, SizeAnalysis, TreeFile, TreemapMeasure, TreemapNode } from './types.ts';

/**
 * The tree a treemap lays out: directories nesting file paths, each leaf sized by the chosen
 * measure. For all history a leaf is a path's every version; for one commit's tree it is the
 * blob the commit has there. Nodes whose measure is zero are left out (a rectangle of no area
 * cannot be drawn or clicked), so a directory's children hold only what it weighs.
 *
 * A path that was a file at one time and a directory at another gets both: the directory node,
 * and inside it a leaf with the same path id for the file's versions. A directory's value is
 * the sum of its leaves, so a blob at two paths under it counts twice there (as in filter-repo's
 * sums), while `DirStats.stored` counts it once.
 */
export function buildTreemapTree(analysis: SizeAnalysis, measure: TreemapMeasure, commitFiles?: readonly TreeFile[]): TreemapNode {
  const leaves = commitFiles ? commitLeaves(analysis, measure, commitFiles) : historyLeaves(analysis, measure);
  // Build upwards from the leaves: a directory exists in the result when one leaf lies below it.
  const dirs = new Map<PathId, TreemapNode>();
  const root = dirNode(analysis.paths[0]);
  dirs.set(0, root);
  for (const [pathId, leaf] of leaves) {
    const node = analysis.paths[pathId];
    let parentId = node.parent;
    // A file that is also a directory: its leaf hangs inside its own directory node.
    if (node.dir && node.id !== 0) parentId = node.id;
    ensureDir(parentId, analysis, dirs).children!.push(leaf);
  }
  sumUp(root);
  return root;
}

/** The directory's node, made with its missing ancestors (iteratively: hostile trees nest deep). */
function ensureDir(id: PathId, analysis: SizeAnalysis, dirs: Map<PathId, TreemapNode>): TreemapNode {
  const missing: PathId[] = [];
  let at = id;
  while (!dirs.has(at)) {
    missing.push(at);
    at = analysis.paths[at].parent;
  }
  let parent = dirs.get(at)!;
  for (let i = missing.length - 1; i >= 0; i--) {
    const made = dirNode(analysis.paths[missing[i]]);
    dirs.set(missing[i], made);
    parent.children!.push(made);
    parent = made;
  }
  return parent;
}

function dirNode(node: PathNode): TreemapNode {
  const stats = node.dir;
  return {
    path: node.id,
    name: node.name,
    value: 0,
    inflated: 0,
    stored: 0,
    versions: 0,
    deleted: stats?.deleted !== undefined,
    children: [],
  };
}

function measureOf(measure: TreemapMeasure, inflated: number, stored: number, deleted: boolean): number {
  if (measure === 'inflated') return inflated;
  if (measure === 'stored') return stored;
  return deleted ? stored : 0;
}

function historyLeaves(analysis: SizeAnalysis, measure: TreemapMeasure): [PathId, TreemapNode][] {
  const out: [PathId, TreemapNode][] = [];
  for (const node of analysis.paths) {
    const file = node.file;
    if (!file) continue;
    const deleted = file.deleted !== undefined;
    const value = measureOf(measure, file.inflated, file.stored, deleted);
    if (!(value > 0)) continue;
    out.push([node.id, { path: node.id, name: node.name, value, inflated: file.inflated, stored: file.stored, versions: file.versions, deleted }]);
  }
  return out;
}

function commitLeaves(analysis: SizeAnalysis, measure: TreemapMeasure, files: readonly TreeFile[]): [PathId, TreemapNode][] {
  const out: [PathId, TreemapNode][] = [];
  const { inflated, stored } = analysis.blobs;
  for (const { path, blob } of files) {
    const node = analysis.paths[path];
    const deleted = node.file?.deleted !== undefined;
    const size = sizeOf(inflated, blob);
    const disk = sizeOf(stored, blob);
    const value = measureOf(measure, size, disk, deleted);
    if (!(value > 0)) continue;
    out.push([path, { path, name: node.name, value, inflated: size, stored: disk, versions: 1, deleted }]);
  }
  return out;
}

function sizeOf(column: Float64Array, blob: BlobIndex): number {
  const v = blob >= 0 ? column[blob] : -1;
  return Math.max(v, 0);
}

/** Sums values bottom-up (iteratively: a hostile repository can nest directories thousands deep). */
function sumUp(root: TreemapNode): void {
  const order: TreemapNode[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    order.push(n);
    if (n.children) for (const c of n.children) stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    if (!n.children) continue;
    let value = 0;
    let inflated = 0;
    let stored = 0;
    let versions = 0;
    for (const c of n.children) {
      value += c.value;
      inflated += c.inflated;
      stored += c.stored;
      versions += c.versions;
    }
    n.value = value;
    n.inflated = inflated;
    n.stored = stored;
    n.versions = versions;
  }
}
