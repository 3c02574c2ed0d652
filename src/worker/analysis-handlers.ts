import { SizeAnalysisQueries, cutTreemap, type TreemapEntry } from '../core/analysis/analysis-queries.ts';
import { SizeAnalysisRun } from '../core/analysis/size-analysis.ts';
import type { PathId, SizeAnalysis, TreemapMeasure, TreemapNode } from '../core/analysis/types.ts';
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
 * answer here asks core's indexes over it (core/analysis/analysis-queries.ts) and sends a capped
 * slice, named (decoded, quoted, cut) and in hex.
 */

/** How often a running analysis tells the view what is known so far. */
const SO_FAR_MS = 300;

interface Kept {
  analysis: SizeAnalysis;
  queries: SizeAnalysisQueries;
  ms: number;
  names: Map<PathId, SizePathName>;
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
  return { analysis, queries: new SizeAnalysisQueries(analysis), ms, names: new Map() };
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

function removalOf(k: Kept, id: PathId): SizeRemoval {
  const a = k.analysis;
  const { paths, estimate: e } = k.queries.removal(id);
  return {
    paths,
    saved: e.saved,
    upTo: e.upTo,
    keptElsewhere: e.keptElsewhere,
    counts: e.counts,
    blobs: e.blobs.slice(0, SIZE_LIMITS.removalBlobs).map((b) => {
      const row: SizeRemoval['blobs'][number] = { blob: blobHex(a, b.blob), stored: b.stored, inflated: Math.max(0, a.blobs.inflated[b.blob]), reason: b.reason.kind };
      if (b.reason.kind === 'other-path') row.otherPath = nameOf(k, b.reason.path);
      if (b.reason.kind === 'delta-base') {
        const dependent = b.reason.dependent;
        const path = k.queries.firstPathOf(dependent);
        row.dependent = { blob: blobHex(a, dependent), ...(path !== undefined ? { path: nameOf(k, path) } : {}) };
      }
      return row;
    }),
  };
}

function summaryOf(k: Kept): SizeSummary {
  const a = k.analysis;
  const t = a.totals;
  const growth: SizeSummary['growth'] = k.queries.growth(SIZE_LIMITS.growthPoints);
  const extensions = k.queries.extensionsBySize();
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
  const span = k.queries.commitSpan();
  if (span) {
    summary.firstDate = a.commits.shortDate(span.first);
    summary.lastDate = a.commits.shortDate(span.last);
  }
  return summary;
}

/** The treemap tree for a measure (and the commit `rev` names, which the analysis must have walked). */
function treeOf(k: Kept, session: Session, measure: TreemapMeasure, rev: string | undefined): TreemapEntry {
  let commit: number | undefined;
  if (rev !== undefined) {
    const commitOid = resolveToOid(session.db, session.refs, `${rev}^{commit}`);
    commit = k.analysis.commits.find(commitOid);
    if (commit < 0) fail('NotFound', `commit ${toHex(commitOid)} is not in the analysed history`);
  }
  return k.queries.treemap(session.db, measure, commit);
}

function treeNode(k: Kept, n: TreemapNode): SizeTreeNode {
  return {
    id: n.path,
    name: n.path === 0 ? '' : nameOf(k, n.path).name,
    value: n.value,
    stored: n.stored,
    inflated: n.inflated,
    versions: n.versions,
    deleted: n.deleted,
    folder: n.children !== undefined,
  };
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
    let order = k.queries.pathOrder(kind, sort, descending);
    if (under !== undefined) order = k.queries.under(order, under);
    order = k.queries.matching(order, filter);
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
    const renames = k.queries.renameGroups(path, 20, 50).map((group) => group.map((id) => nameOf(k, id)));
    return { row, largest, renames, removal: removalOf(k, path) };
  },

  async sizeTree({ root, measure, rev, depth }, ctx): Promise<SizeTree> {
    const session = current();
    const k = await analysisOf(session, ctx);
    const entry = treeOf(k, session, measure, rev);
    const folder = entry.folders.get(root) ?? entry.tree;
    const cut = cutTreemap(folder, Math.min(Math.max(1, depth ?? 4), SIZE_LIMITS.treeDepth), SIZE_LIMITS.treeNodes, (n) => treeNode(k, n));
    const crumbs = k.queries.ancestry(folder.path).map((id) => nameOf(k, id));
    const commit = entry.commit !== undefined ? { commit: { oid: commitHex(k.analysis, entry.commit), date: k.analysis.commits.shortDate(entry.commit) } } : {};
    return { root: cut.node, crumbs, ...commit, nodes: cut.nodes, leftOut: cut.leftOut };
  },

  async sizeBlobs({ sort, start, count }, ctx) {
    const k = await analysisOf(current(), ctx);
    const order = k.queries.blobOrder(sort);
    return { rows: page(start, count, order.length, (i) => blobRow(k, order[i])), total: order.length };
  },

  async sizeFindPath({ path }, ctx) {
    const k = await analysisOf(current(), ctx);
    const id = k.analysis.findPath(new TextEncoder().encode(path.replace(/^\/+|\/+$/g, '')));
    return id !== undefined ? { id } : {};
  },
};
