import type { ObjectDatabase } from '../odb/database.ts';
import { commitTreeFiles } from './commit-tree-files.ts';
import { estimateRemoval, type RemovalEstimate } from './removal-estimate.ts';
import { buildTreemapTree } from './treemap-tree.ts';
import type { BlobIndex, CommitIndex, ExtensionStats, PathId, SizeAnalysis, SizeSums, TreemapMeasure, TreemapNode } from './types.ts';

/**
 * Questions the size view asks of a finished analysis, answered from indexes made once and
 * kept beside it: paths of one kind in an order, paths under a folder or matching a text,
 * blobs by size, what removing a path would free, the treemap tree of a measure (and of one
 * commit's tree), a path's folders and rename groups, growth thinned for a chart. Ids only:
 * the caller names and caps what it sends.
 */

/** Orders of the path lists. */
export type PathSort = 'stored' | 'inflated' | 'versions' | 'path' | 'deleted';

/** A treemap tree with its folders by path id (to start a view at any folder). */
export interface TreemapEntry {
  tree: TreemapNode;
  folders: Map<PathId, TreemapNode>;
  /** The commit whose tree it is; undefined: all of history. */
  commit?: CommitIndex;
}

/** One point of a thinned growth series (the last day of its step). */
export interface GrowthPoint {
  day: number;
  storedBlobs: number;
  inflatedBlobs: number;
  storedCommitsAndTrees: number;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** Bytes in unsigned order, then shorter first. */
export function compareByteStrings(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** `YYYY-MM-DD` as YYYYMMDD; 0 for none (present). */
function dateNumber(date: string | undefined): number {
  return date ? Number(date.replace(/-/g, '')) || 0 : 0;
}

/** Indexes over one finished analysis, made on first use and kept. */
export class SizeAnalysisQueries {
  readonly analysis: SizeAnalysis;
  /** Each path's position in a pre-order walk, and the last position under it: a subtree is a range. */
  readonly pre: Uint32Array;
  readonly last: Uint32Array;
  private readonly lower = new Map<PathId, string>();
  private readonly orders = new Map<string, Uint32Array>();
  private rank?: Uint32Array;
  private readonly blobOrders = new Map<string, Uint32Array>();
  private readonly trees = new Map<string, TreemapEntry>();

  constructor(analysis: SizeAnalysis) {
    this.analysis = analysis;
    const n = analysis.paths.length;
    this.pre = new Uint32Array(n);
    this.last = new Uint32Array(n);
    if (n === 0) return;
    // Iterative pre-order (hostile histories nest folders thousands deep).
    let position = 0;
    const stack: { id: PathId; child: number }[] = [{ id: 0, child: 0 }];
    this.pre[0] = position++;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const children = analysis.paths[top.id].children;
      if (top.child < children.length) {
        const id = children[top.child++];
        this.pre[id] = position++;
        stack.push({ id, child: 0 });
      } else {
        this.last[top.id] = position - 1;
        stack.pop();
      }
    }
  }

  /** Path ids of one kind (files, or folders other than the top level) in one order, made once per order; ties in byte order of the paths. */
  pathOrder(kind: 'file' | 'dir', sort: PathSort, descending: boolean): Uint32Array {
    const cacheKey = `${kind}:${sort}:${descending}`;
    let order = this.orders.get(cacheKey);
    if (order) return order;
    const paths = this.analysis.paths;
    const ids: number[] = [];
    for (const node of paths) if ((kind === 'file' ? node.file : node.dir) && !(kind === 'dir' && node.id === 0)) ids.push(node.id);
    // Keys in typed arrays and ties by the paths' byte order: a comparator that reaches into the
    // path objects costs seconds on git.git's 84k paths.
    const key = new Float64Array(paths.length);
    for (const id of ids) {
      const stats = (kind === 'file' ? paths[id].file : paths[id].dir) as SizeSums & { deleted?: { date: string } };
      key[id] = sort === 'stored' ? stats.stored : sort === 'inflated' ? stats.inflated : sort === 'versions' ? stats.versions : sort === 'deleted' ? dateNumber(stats.deleted?.date) : 0;
    }
    const rank = this.pathRank();
    const sign = descending ? -1 : 1;
    order = Uint32Array.from(ids);
    order.sort((a, b) => (key[a] - key[b]) * sign || (rank[a] - rank[b]) * (sort === 'path' ? sign : 1));
    this.orders.set(cacheKey, order);
    return order;
  }

  /** Each path's position in byte order of the whole paths (Latin-1 strings compare as their bytes), made once. */
  private pathRank(): Uint32Array {
    if (this.rank) return this.rank;
    const paths = this.analysis.paths;
    const text = paths.map((p) => latin1.decode(p.path));
    const ids = Uint32Array.from(paths.keys());
    ids.sort((a, b) => (text[a] < text[b] ? -1 : text[a] > text[b] ? 1 : 0));
    const rank = new Uint32Array(paths.length);
    ids.forEach((id, i) => (rank[id] = i));
    this.rank = rank;
    return rank;
  }

  /** The ids of `order` strictly under folder `folder` (the top level, or an unknown id: all of them). */
  under(order: Uint32Array, folder: PathId): Uint32Array {
    if (!(folder > 0 && folder < this.analysis.paths.length)) return order;
    const from = this.pre[folder];
    const to = this.last[folder];
    return order.filter((id) => id !== folder && this.pre[id] >= from && this.pre[id] <= to);
  }

  /** The ids of `order` whose path, decoded and lower-cased, contains `text` lower-cased (blank: all). */
  matching(order: Uint32Array, text: string | undefined): Uint32Array {
    const needle = text?.trim().toLowerCase();
    if (!needle) return order;
    return order.filter((id) => this.lowerPath(id).includes(needle));
  }

  private lowerPath(id: PathId): string {
    let s = this.lower.get(id);
    if (s === undefined) this.lower.set(id, (s = utf8.decode(this.analysis.paths[id].path).toLowerCase()));
    return s;
  }

  /** Blob indexes by `sort`, largest first (ties by index), made once per measure. */
  blobOrder(sort: 'stored' | 'inflated'): Uint32Array {
    let order = this.blobOrders.get(sort);
    if (order) return order;
    const blobs = this.analysis.blobs;
    const column = sort === 'stored' ? blobs.stored : blobs.inflated;
    order = new Uint32Array(blobs.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => column[b] - column[a] || a - b);
    this.blobOrders.set(sort, order);
    return order;
  }

  /** A mask of the file paths at or under `id`, and how many. */
  subtreeFiles(id: PathId): { mask: Uint8Array; count: number } {
    const paths = this.analysis.paths;
    const mask = new Uint8Array(paths.length);
    const from = this.pre[id];
    const to = this.last[id];
    let count = 0;
    for (let p = 0; p < paths.length; p++) {
      if (this.pre[p] >= from && this.pre[p] <= to && paths[p].file) {
        mask[p] = 1;
        count++;
      }
    }
    return { mask, count };
  }

  /** What removing path `id` and everything under it would free (removal-estimate.ts), and how many file paths that is. */
  removal(id: PathId): { paths: number; estimate: RemovalEstimate } {
    const { mask, count } = this.subtreeFiles(id);
    return { paths: count, estimate: estimateRemoval(this.analysis.blobs, mask) };
  }

  /** The first path a blob appears at, if any. */
  firstPathOf(blob: BlobIndex): PathId | undefined {
    const { pathStart, pathIds } = this.analysis.blobs;
    const start = pathStart[blob];
    return start < pathStart[blob + 1] ? pathIds[start] : undefined;
  }

  /** The treemap tree of a measure, over all of history or over commit `commit`'s tree (read from `db`); made once each. */
  treemap(db: ObjectDatabase, measure: TreemapMeasure, commit: CommitIndex | undefined): TreemapEntry {
    const key = `${measure}:${commit ?? 'all'}`;
    let entry = this.trees.get(key);
    if (entry) return entry;
    const files = commit !== undefined ? commitTreeFiles(db, this.analysis, commit) : undefined;
    const tree = buildTreemapTree(this.analysis, measure, files);
    const folders = new Map<PathId, TreemapNode>();
    const stack = [tree];
    while (stack.length > 0) {
      const n = stack.pop() as TreemapNode;
      if (!n.children) continue;
      folders.set(n.path, n);
      for (const c of n.children) stack.push(c);
    }
    entry = { tree, folders, ...(commit !== undefined ? { commit } : {}) };
    this.trees.set(key, entry);
    return entry;
  }

  /** The folders from the top level (0) down to `id`, `id` last. */
  ancestry(id: PathId): PathId[] {
    const out: PathId[] = [];
    for (let at = id; at > 0; at = this.analysis.paths[at].parent) out.push(at);
    out.push(0);
    return out.reverse();
  }

  /** The rename groups that name file path `id` (at most `maxGroups`), each as the path ids of its first `maxNames` names. */
  renameGroups(id: PathId, maxGroups: number, maxNames: number): PathId[][] {
    const a = this.analysis;
    const node = a.paths[id];
    if (!node?.file) return [];
    return a.renames
      .filter((g) => g.names.some((n) => compareByteStrings(n, node.path) === 0))
      .slice(0, maxGroups)
      .map((g) =>
        g.names
          .slice(0, maxNames)
          .map((n) => a.findPath(n))
          .filter((p): p is number => p !== undefined),
      );
  }

  /** The growth series thinned to at most `points`: every step-th day, and always the last (the total). */
  growth(points: number): GrowthPoint[] {
    const g = this.analysis.growth;
    const step = Math.max(1, Math.ceil(g.days.length / points));
    const out: GrowthPoint[] = [];
    for (let i = 0; i < g.days.length; i += step) {
      const j = Math.min(g.days.length - 1, i + step - 1);
      out.push({ day: g.days[j], storedBlobs: g.storedBlobs[j], inflatedBlobs: g.inflatedBlobs[j], storedCommitsAndTrees: g.storedCommitsAndTrees[j] });
    }
    return out;
  }

  /** Extensions by stored bytes, largest first (ties in byte order). */
  extensionsBySize(): ExtensionStats[] {
    return [...this.analysis.extensions].sort((x, y) => y.stored - x.stored || compareByteStrings(x.extension, y.extension));
  }

  /** The first and the last commit by committer time (the first of equals); undefined with no commits. */
  commitSpan(): { first: CommitIndex; last: CommitIndex } | undefined {
    const commits = this.analysis.commits;
    if (commits.count === 0) return undefined;
    let first = 0;
    let last = 0;
    for (let c = 1; c < commits.count; c++) {
      if (commits.times[c] < commits.times[first]) first = c;
      if (commits.times[c] > commits.times[last]) last = c;
    }
    return { first, last };
  }
}

/**
 * A copy of treemap tree `root` cut to `depth` levels and `maxNodes` nodes, breadth first (whole
 * folders: one is opened only when all its contents fit), leaving out nodes too small to be
 * drawn at any screen size (under 2e-6 of the root). A folder keeps its value, so what was left
 * out shows as room. `copy` makes a node of the result (without children).
 */
export function cutTreemap<T extends { children?: T[] }>(root: TreemapNode, depth: number, maxNodes: number, copy: (node: TreemapNode) => T): { node: T; nodes: number; leftOut: number } {
  const tiny = root.value * 2e-6;
  const top = copy(root);
  let nodes = 1;
  let leftOut = 0;
  let level: { from: TreemapNode; to: T }[] = [{ from: root, to: top }];
  for (let d = 0; d < depth && level.length > 0; d++) {
    const next: typeof level = [];
    for (const { from, to } of level) {
      const children = (from.children ?? []).filter((c) => c.value > tiny);
      leftOut += (from.children?.length ?? 0) - children.length;
      if (nodes + children.length > maxNodes) {
        leftOut += children.length;
        continue;
      }
      children.sort((a, b) => b.value - a.value);
      to.children = children.map((c) => {
        const made = copy(c);
        if (c.children) next.push({ from: c, to: made });
        return made;
      });
      nodes += children.length;
    }
    level = next;
  }
  return { node: top, nodes, leftOut };
}
