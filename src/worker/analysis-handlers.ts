import { estimateRemoval } from '../core/analysis/removal-estimate.ts';
import { SizeAnalysisRun } from '../core/analysis/size-analysis.ts';
import { commitTreeFiles } from '../core/analysis/commit-tree-files.ts';
import { buildTreemapTree } from '../core/analysis/treemap-tree.ts';
import type { PathId, SizeAnalysis, SizeSums, TreemapMeasure, TreemapNode } from '../core/analysis/types.ts';
import { resolveToOid } from '../core/browse/browse.ts';
import { fail } from '../core/errors.ts';
import { toHex } from '../core/hash/hex.ts';
import { utf8Boundary } from '../core/objects/header-scan.ts';
import { quotePathBytes } from '../core/objects/quote.ts';
import {
  SIZE_LIMITS,
  type AnalysisRequests,
  type SizeBlobRow,
  type SizePathName,
  type SizePathRow,
  type SizePathSort,
  type SizeRemoval,
  type SizeSummary,
  type SizeTree,
  type SizeTreeNode,
  type SizeVersionRow,
} from '../protocol/analysis.ts';
import type { HandlerContext, Handlers, StreamContext } from '../protocol/rpc.ts';
import type { AnalysisSoFar } from '../core/analysis/types.ts';
import { jobs, ownerKey } from './jobs.ts';
import type { Session } from './session.ts';
import { current } from './state.ts';

/**
 * The size view's requests. The analysis (core/analysis/size-analysis.ts) runs as one job of the
 * worker's queue, resumable: a run whose callers all cancelled stays with the session and the
 * next request continues it. The finished analysis is kept while the repository is open; every
 * answer here reads it and sends a capped slice. Nothing here reads objects except the tree of a
 * commit, through core.
 */

/** How often a running analysis tells the view what is known so far. */
const SO_FAR_MS = 300;

interface Kept {
  analysis: SizeAnalysis;
  ms: number;
  /** Each path's position in a pre-order walk, and the last position under it: `under(d)` is a range. */
  pre: Uint32Array;
  last: Uint32Array;
  names: Map<PathId, SizePathName>;
  lower: Map<PathId, string>;
  orders: Map<string, Uint32Array>;
  rank?: Uint32Array;
  blobOrders: Map<string, Uint32Array>;
  trees: Map<string, { tree: TreemapNode; folders: Map<PathId, TreemapNode>; commit?: { oid: string; date: string } }>;
  summary?: SizeSummary;
}

const kept = new WeakMap<Session, Kept>();
const runs = new WeakMap<Session, { run: SizeAnalysisRun; started: number }>();
const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** The kept analysis, or the job that makes it (joined when it is already running). */
async function analysisOf(session: Session, ctx: HandlerContext): Promise<Kept> {
  const done = kept.get(session);
  if (done) return done;
  let entry = runs.get(session);
  if (!entry) runs.set(session, (entry = { run: new SizeAnalysisRun(session.db, session.refs), started: performance.now() }));
  const { run, started } = entry;
  const analysis = await jobs.run(
    {
      key: `${ownerKey(session)}:size-analysis`,
      step: (ms) => run.step(ms),
      progress: () => {
        const p = run.progress();
        return { done: p.done, total: p.total, label: p.label, unit: p.phase === 'sizes' ? 'objects' : 'commits' };
      },
      finish: () => run.result(),
    },
    ctx,
    'size',
  );
  const joined = kept.get(session);
  if (joined) return joined;
  const made = keep(analysis, performance.now() - started);
  kept.set(session, made);
  runs.delete(session);
  return made;
}

function keep(analysis: SizeAnalysis, ms: number): Kept {
  const n = analysis.paths.length;
  const pre = new Uint32Array(n);
  const last = new Uint32Array(n);
  // Iterative pre-order (hostile histories nest folders thousands deep).
  let position = 0;
  const stack: { id: PathId; child: number }[] = [{ id: 0, child: 0 }];
  pre[0] = position++;
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const children = analysis.paths[top.id].children;
    if (top.child < children.length) {
      const id = children[top.child++];
      pre[id] = position++;
      stack.push({ id, child: 0 });
    } else {
      last[top.id] = position - 1;
      stack.pop();
    }
  }
  return { analysis, ms, pre, last, names: new Map(), lower: new Map(), orders: new Map(), blobOrders: new Map(), trees: new Map() };
}

/** Bytes decoded for display, cut at `SIZE_LIMITS.pathBytes`. */
function decodeCut(bytes: Uint8Array): { text: string; cut?: number } {
  if (bytes.length <= SIZE_LIMITS.pathBytes) return { text: utf8.decode(bytes) };
  return { text: utf8.decode(bytes.subarray(0, utf8Boundary(bytes, 0, SIZE_LIMITS.pathBytes))), cut: bytes.length };
}

function nameOf(k: Kept, id: PathId): SizePathName {
  let name = k.names.get(id);
  if (name) return name;
  const node = k.analysis.paths[id];
  const path = decodeCut(node.path);
  name = { id, path: path.text, name: decodeCut(node.name).text };
  if (path.cut !== undefined) name.pathBytes = path.cut;
  const quoted = quotePathBytes(node.path);
  if (quoted !== node.path) name.quoted = latin1.decode(quoted.subarray(0, SIZE_LIMITS.pathBytes));
  k.names.set(id, name);
  return name;
}

function rowOf(k: Kept, id: PathId, kind: 'file' | 'dir'): SizePathRow {
  const node = k.analysis.paths[id];
  const stats = kind === 'file' ? node.file : node.dir;
  if (!stats) return fail('NotFound', `path ${id} has no ${kind === 'file' ? 'file' : 'directory'} history`);
  const row: SizePathRow = {
    ...nameOf(k, id),
    kind,
    versions: stats.versions,
    inflated: stats.inflated,
    stored: stats.stored,
    reportInflated: stats.reportInflated,
    reportStored: stats.reportStored,
  };
  if (stats.deleted) row.deleted = { date: stats.deleted.date, commit: commitHex(k.analysis, stats.deleted.commit) };
  if (node.dir && kind === 'dir') row.files = node.dir.files;
  if (kind === 'file' && node.dir) row.alsoDir = true;
  const top = kind === 'file' ? node.file?.largest[0] : undefined;
  if (top) row.largest = versionRow(k.analysis, top.blob, top.commit);
  return row;
}

function versionRow(a: SizeAnalysis, blob: number, commit: number): SizeVersionRow {
  return { blob: blobHex(a, blob), inflated: a.blobs.inflated[blob], stored: a.blobs.stored[blob], commit: commitHex(a, commit), date: a.commits.shortDate(commit) };
}

function commitHex(a: SizeAnalysis, commit: number): string {
  return toHex(a.commits.ids, commit * a.commits.hashSize, a.commits.hashSize);
}

function blobHex(a: SizeAnalysis, blob: number): string {
  return toHex(a.blobs.ids, blob * a.blobs.hashSize, a.blobs.hashSize);
}

/** Path ids of one kind in one order, made once per order. */
function orderOf(k: Kept, kind: 'file' | 'dir', sort: SizePathSort, descending: boolean): Uint32Array {
  const cacheKey = `${kind}:${sort}:${descending}`;
  let order = k.orders.get(cacheKey);
  if (order) return order;
  const paths = k.analysis.paths;
  const ids: number[] = [];
  for (const node of paths) if ((kind === 'file' ? node.file : node.dir) && !(kind === 'dir' && node.id === 0)) ids.push(node.id);
  // Keys in typed arrays and ties by the paths' byte order: a comparator that reaches into the
  // path objects costs seconds on git.git's 84k paths.
  const key = new Float64Array(paths.length);
  for (const id of ids) {
    const stats = (kind === 'file' ? paths[id].file : paths[id].dir) as SizeSums & { deleted?: { date: string } };
    key[id] = sort === 'stored' ? stats.stored : sort === 'inflated' ? stats.inflated : sort === 'versions' ? stats.versions : sort === 'deleted' ? dateNumber(stats.deleted?.date) : 0;
  }
  const rank = pathRank(k);
  const sign = descending ? -1 : 1;
  order = Uint32Array.from(ids);
  order.sort((a, b) => (key[a] - key[b]) * sign || (rank[a] - rank[b]) * (sort === 'path' ? sign : 1));
  k.orders.set(cacheKey, order);
  return order;
}

/** `YYYY-MM-DD` as YYYYMMDD; 0 for none (present). */
function dateNumber(date: string | undefined): number {
  return date ? Number(date.replace(/-/g, '')) || 0 : 0;
}

/** Each path's position in byte order of the whole paths (Latin-1 strings compare as their bytes), made once. */
function pathRank(k: Kept): Uint32Array {
  if (k.rank) return k.rank;
  const paths = k.analysis.paths;
  const text = paths.map((p) => latin1.decode(p.path));
  const ids = Uint32Array.from(paths.keys());
  ids.sort((a, b) => (text[a] < text[b] ? -1 : text[a] > text[b] ? 1 : 0));
  const rank = new Uint32Array(paths.length);
  ids.forEach((id, i) => (rank[id] = i));
  k.rank = rank;
  return rank;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function lowerPath(k: Kept, id: PathId): string {
  let s = k.lower.get(id);
  if (s === undefined) k.lower.set(id, (s = utf8.decode(k.analysis.paths[id].path).toLowerCase()));
  return s;
}

/** A mask of the path and every path under it. */
function subtreeMask(k: Kept, id: PathId): { mask: Uint8Array; count: number } {
  const n = k.analysis.paths.length;
  const mask = new Uint8Array(n);
  const from = k.pre[id];
  const to = k.last[id];
  let count = 0;
  for (let p = 0; p < n; p++) {
    if (k.pre[p] >= from && k.pre[p] <= to && k.analysis.paths[p].file) {
      mask[p] = 1;
      count++;
    }
  }
  return { mask, count };
}

function firstPathOf(a: SizeAnalysis, blob: number): PathId | undefined {
  const start = a.blobs.pathStart[blob];
  return start < a.blobs.pathStart[blob + 1] ? a.blobs.pathIds[start] : undefined;
}

function removalOf(k: Kept, id: PathId): SizeRemoval {
  const a = k.analysis;
  const { mask, count } = subtreeMask(k, id);
  const e = estimateRemoval(a.blobs, mask);
  return {
    paths: count,
    saved: e.saved,
    upTo: e.upTo,
    keptElsewhere: e.keptElsewhere,
    counts: e.counts,
    blobs: e.blobs.slice(0, SIZE_LIMITS.removalBlobs).map((b) => {
      const row: SizeRemoval['blobs'][number] = { blob: blobHex(a, b.blob), stored: b.stored, inflated: Math.max(0, a.blobs.inflated[b.blob]), reason: b.reason.kind };
      if (b.reason.kind === 'other-path') row.otherPath = nameOf(k, b.reason.path);
      if (b.reason.kind === 'delta-base') {
        const dependent = b.reason.dependent;
        const path = firstPathOf(a, dependent);
        row.dependent = { blob: blobHex(a, dependent), ...(path !== undefined ? { path: nameOf(k, path) } : {}) };
      }
      return row;
    }),
  };
}

function summaryOf(k: Kept): SizeSummary {
  const a = k.analysis;
  const t = a.totals;
  const g = a.growth;
  // Thinned to the cap: every step-th day, and always the last (the total).
  const step = Math.max(1, Math.ceil(g.days.length / SIZE_LIMITS.growthPoints));
  const growth: SizeSummary['growth'] = [];
  for (let i = 0; i < g.days.length; i += step) {
    const j = Math.min(g.days.length - 1, i + step - 1);
    growth.push({ day: g.days[j], storedBlobs: g.storedBlobs[j], inflatedBlobs: g.inflatedBlobs[j], storedCommitsAndTrees: g.storedCommitsAndTrees[j] });
  }
  const extensions = [...a.extensions].sort((x, y) => y.stored - x.stored || compareBytes(x.extension, y.extension));
  const summary: SizeSummary = {
    refs: a.refs.length,
    commits: t.commits,
    files: t.files,
    directories: t.directories,
    blobs: a.blobs.count,
    versions: t.versions,
    inflated: t.inflated,
    stored: t.stored,
    missingBlobs: t.missingBlobs,
    unnamedBlobs: t.unnamedBlobs,
    unnamedStored: t.unnamedStored,
    storedAllObjects: t.storedAllObjects,
    growth,
    packs: a.packs.slice(0, SIZE_LIMITS.packs).map((p) => ({
      name: p.name,
      size: p.size,
      entries: p.entries,
      storedByType: { ...p.storedByType },
      storedUnnamedBlobs: p.storedUnnamedBlobs,
      paths: p.paths.slice(0, SIZE_LIMITS.packPaths).map((x) => ({ ...nameOf(k, x.path), stored: x.stored, blobs: x.blobs })),
      pathCount: p.paths.length,
    })),
    packCount: a.packs.length,
    extensions: extensions.slice(0, SIZE_LIMITS.extensions).map((x) => ({
      extension: decodeCut(x.extension).text,
      versions: x.versions,
      inflated: x.inflated,
      stored: x.stored,
      files: x.files,
      ...(x.deleted !== undefined ? { deleted: x.deleted } : {}),
    })),
    extensionCount: a.extensions.length,
    ms: Math.round(k.ms),
  };
  if (a.commits.count > 0) {
    let first = 0;
    let lastCommit = 0;
    for (let c = 1; c < a.commits.count; c++) {
      if (a.commits.times[c] < a.commits.times[first]) first = c;
      if (a.commits.times[c] > a.commits.times[lastCommit]) lastCommit = c;
    }
    summary.firstDate = a.commits.shortDate(first);
    summary.lastDate = a.commits.shortDate(lastCommit);
  }
  return summary;
}

/** The treemap tree for a measure (and a commit), with its folders by path id; made once. */
function treeOf(k: Kept, session: Session, measure: TreemapMeasure, rev: string | undefined): NonNullable<ReturnType<Kept['trees']['get']>> {
  let commit: number | undefined;
  if (rev !== undefined) {
    const commitOid = resolveToOid(session.db, session.refs, `${rev}^{commit}`);
    commit = k.analysis.commits.find(commitOid);
    if (commit < 0) fail('NotFound', `commit ${toHex(commitOid)} is not in the analysed history`);
  }
  const key = `${measure}:${commit ?? 'all'}`;
  let entry = k.trees.get(key);
  if (entry) return entry;
  const files = commit !== undefined ? commitTreeFiles(session.db, k.analysis, commit) : undefined;
  const tree = buildTreemapTree(k.analysis, measure, files);
  const folders = new Map<PathId, TreemapNode>();
  const stack = [tree];
  while (stack.length > 0) {
    const n = stack.pop() as TreemapNode;
    if (!n.children) continue;
    folders.set(n.path, n);
    for (const c of n.children) stack.push(c);
  }
  entry = { tree, folders, ...(commit !== undefined ? { commit: { oid: commitHex(k.analysis, commit), date: k.analysis.commits.shortDate(commit) } } : {}) };
  k.trees.set(key, entry);
  return entry;
}


/**
 * A copy of `root` cut to `depth` levels and `SIZE_LIMITS.treeNodes` nodes, breadth first
 * (whole folders: one is opened only when all its contents fit), leaving out nodes too small to
 * be drawn at any screen size. A folder keeps its value, so what was left out shows as room.
 */
function cutTree(k: Kept, root: TreemapNode, depth: number): { node: SizeTreeNode; nodes: number; leftOut: number } {
  const tiny = root.value * 2e-6;
  const copy = (n: TreemapNode): SizeTreeNode => ({
    id: n.path,
    name: n.path === 0 ? '' : nameOf(k, n.path).name,
    value: n.value,
    stored: n.stored,
    inflated: n.inflated,
    versions: n.versions,
    deleted: n.deleted,
    folder: n.children !== undefined,
  });
  const top = copy(root);
  let nodes = 1;
  let leftOut = 0;
  let level: { from: TreemapNode; to: SizeTreeNode }[] = [{ from: root, to: top }];
  for (let d = 0; d < depth && level.length > 0; d++) {
    const next: typeof level = [];
    for (const { from, to } of level) {
      const children = (from.children ?? []).filter((c) => c.value > tiny);
      leftOut += (from.children?.length ?? 0) - children.length;
      if (nodes + children.length > SIZE_LIMITS.treeNodes) {
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

function crumbsOf(k: Kept, id: PathId): SizePathName[] {
  const out: SizePathName[] = [];
  for (let at = id; at > 0; at = k.analysis.paths[at].parent) out.push(nameOf(k, at));
  out.push(nameOf(k, 0));
  return out.reverse();
}

function blobOrderOf(k: Kept, sort: 'stored' | 'inflated'): Uint32Array {
  let order = k.blobOrders.get(sort);
  if (order) return order;
  const column = sort === 'stored' ? k.analysis.blobs.stored : k.analysis.blobs.inflated;
  order = new Uint32Array(k.analysis.blobs.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => column[b] - column[a] || a - b);
  k.blobOrders.set(sort, order);
  return order;
}

function blobRow(k: Kept, blob: number): SizeBlobRow {
  const a = k.analysis;
  const b = a.blobs;
  const pack = b.pack[blob];
  const start = b.pathStart[blob];
  const end = b.pathStart[blob + 1];
  const paths: SizePathName[] = [];
  for (let i = start; i < end && paths.length < SIZE_LIMITS.blobPaths; i++) paths.push(nameOf(k, b.pathIds[i]));
  const row: SizeBlobRow = {
    oid: blobHex(a, blob),
    inflated: b.inflated[blob],
    stored: b.stored[blob],
    where: pack >= 0 ? (a.packs[pack]?.name ?? `pack ${pack}`) : pack === -1 ? 'loose' : 'missing',
    paths,
    pathCount: end - start,
  };
  if (pack >= 0) row.offset = b.offset[blob];
  const base = b.deltaBaseId(blob);
  if (base) row.deltaBase = toHex(base);
  const commit = b.firstCommit[blob];
  if (commit >= 0) row.commit = { oid: commitHex(a, commit), date: a.commits.shortDate(commit) };
  return row;
}

function page<T>(start: number, count: number, total: number, make: (i: number) => T): T[] {
  const out: T[] = [];
  const end = Math.min(total, Math.max(0, start) + Math.min(Math.max(0, count), SIZE_LIMITS.pageRows));
  for (let i = Math.max(0, start); i < end; i++) out.push(make(i));
  return out;
}

type AnalysisHandlers = Pick<Handlers, keyof AnalysisRequests>;

export const analysisHandlers: AnalysisHandlers = {
  async sizeAnalysis(_args, ctx: StreamContext<AnalysisSoFar>) {
    const session = current();
    const fresh = !kept.has(session);
    // What is known so far, while the job runs (the queue yields between slices, so the timer fires).
    const timer = fresh
      ? setInterval(() => {
          const entry = runs.get(session);
          if (entry) ctx.emit(entry.run.soFar());
        }, SO_FAR_MS)
      : undefined;
    try {
      const k = await analysisOf(session, ctx);
      k.summary ??= summaryOf(k);
      return fresh ? k.summary : { ...k.summary, ms: 0 };
    } finally {
      if (timer !== undefined) clearInterval(timer);
    }
  },

  async sizePaths({ kind, sort, descending, start, count, under, filter }, ctx) {
    const k = await analysisOf(current(), ctx);
    let order = orderOf(k, kind, sort, descending);
    if (under !== undefined && under > 0 && under < k.analysis.paths.length) {
      const from = k.pre[under];
      const to = k.last[under];
      order = order.filter((id) => id !== under && k.pre[id] >= from && k.pre[id] <= to);
    }
    const needle = filter?.trim().toLowerCase();
    if (needle) order = order.filter((id) => lowerPath(k, id).includes(needle));
    const rows = page(start, count, order.length, (i) => rowOf(k, order[i], kind));
    return { rows, total: order.length };
  },

  async sizePath({ path }, ctx) {
    const k = await analysisOf(current(), ctx);
    const a = k.analysis;
    const node = a.paths[path];
    if (!node || path === 0) fail('NotFound', `no path ${path} in the analysis`);
    const row = rowOf(k, path, node.file ? 'file' : 'dir');
    const largest = (node.file?.largest ?? []).map((v) => versionRow(a, v.blob, v.commit));
    const renames = node.file
      ? a.renames
          .filter((g) => g.names.some((n) => compareBytes(n, node.path) === 0))
          .slice(0, 20)
          .map((g) =>
            g.names
              .slice(0, 50)
              .map((n) => a.findPath(n))
              .filter((id): id is number => id !== undefined)
              .map((id) => nameOf(k, id)),
          )
      : [];
    return { row, largest, renames, removal: removalOf(k, path) };
  },

  async sizeTree({ root, measure, rev, depth }, ctx): Promise<SizeTree> {
    const session = current();
    const k = await analysisOf(session, ctx);
    const entry = treeOf(k, session, measure, rev);
    const folder = entry.folders.get(root) ?? entry.tree;
    const cut = cutTree(k, folder, Math.min(Math.max(1, depth ?? 4), SIZE_LIMITS.treeDepth));
    return { root: cut.node, crumbs: crumbsOf(k, folder.path), ...(entry.commit ? { commit: entry.commit } : {}), nodes: cut.nodes, leftOut: cut.leftOut };
  },

  async sizeBlobs({ sort, start, count }, ctx) {
    const k = await analysisOf(current(), ctx);
    const order = blobOrderOf(k, sort);
    return { rows: page(start, count, order.length, (i) => blobRow(k, order[i])), total: order.length };
  },

  async sizeFindPath({ path }, ctx) {
    const k = await analysisOf(current(), ctx);
    const id = k.analysis.findPath(new TextEncoder().encode(path.replace(/^\/+|\/+$/g, '')));
    return id !== undefined ? { id } : {};
  },
};
