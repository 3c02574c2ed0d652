import { u32 } from '../bytes/be.ts';
import { PackscopeError } from '../errors.ts';
import { type CommitGraph, commitGraphFilesFrom, loadCommitGraph, type CommitGraphLoad } from '../format/commit-graph-chain.ts';
import { BLOOM_HEADER_SIZE, EXTRA_EDGES_NEEDED, GENERATION_OVERFLOW, PARENT_NONE, type CommitGraphFile } from '../format/commit-graph.ts';
import { toHex } from '../hash/hex.ts';
import { prefetchedCommitReader, verifyCommitGraph } from '../verify/commit-graph-verify.ts';
import type { FieldInfo } from './types.ts';
import type { BloomAnatomy, CommitGraphAnatomy, CommitGraphLayerAnatomy, CommitGraphRow, CommitGraphVerifyReport } from './commit-graph-types.ts';
import type { HasherFactory } from '../hash/hasher.ts';
import type { RepositoryFiles } from '../repo/discover.ts';
import type { OpenRepository } from '../repo/open-repository.ts';

/**
 * The commit-graph view's answers: the files as loaded by core/format/commit-graph*.ts (the flat
 * file, or the chain's layers base first), each layer's header, chunks, generations, octopus
 * edges and Bloom filter sizes; rows of commits page by page; and `git commit-graph verify`.
 * The loaded graph is kept per opened folder (its files).
 */

const loads = new WeakMap<RepositoryFiles, CommitGraphLoad>();

/** The repository's commit-graph as git loads it (kept). */
export function loadedCommitGraph(repo: OpenRepository): CommitGraphLoad {
  let load = loads.get(repo.files);
  if (!load) {
    load = loadCommitGraph(commitGraphFilesFrom(repo.files.commitGraphFiles ?? []), { expectedAlgo: repo.db.algo });
    loads.set(repo.files, load);
  }
  return load;
}

const ROWS_MAX = 500;
/** A message quotes a chain line as written (git prints all of it); the view gets this much. */
const MESSAGE_CHARS = 600;

/**
 * A message for the view: the core keeps a chain line's bytes one character each (so the CLI
 * prints git's bytes); here they are read as UTF-8, and capped.
 */
function capText(text: string): string {
  const bytes = Uint8Array.from(text.slice(0, MESSAGE_CHARS * 4), (c) => c.charCodeAt(0) & 0xff);
  const shown = new TextDecoder().decode(bytes);
  return text.length > MESSAGE_CHARS ? `${shown.slice(0, MESSAGE_CHARS)}… (${text.length} bytes)` : shown;
}
const LARGEST_SHOWN = 10;
/** Bloom filter size buckets, in bytes. */
const BUCKETS: [number, number][] = [
  [0, 0],
  [1, 1],
  [2, 4],
  [5, 8],
  [9, 16],
  [17, 32],
  [33, 64],
  [65, 128],
  [129, 256],
  [257, 512],
  [513, Number.MAX_SAFE_INTEGER],
];

/** Every layer's header, chunks, generations, octopus edges and Bloom sizes; `checkCancelled` runs between layers. */
export function commitGraphAnatomy(repo: OpenRepository, checkCancelled: () => void = () => {}): CommitGraphAnatomy {
  const load = loadedCommitGraph(repo);
  const graph = load.graph;
  const layers: CommitGraphLayerAnatomy[] = [];
  if (graph)
    graph.layers.forEach((layer, k) => {
      checkCancelled();
      layers.push(layerAnatomy(graph, layer, k));
    });
  const files = (repo.files.commitGraphFiles ?? []).map((f) => ({ path: f.path, size: f.source.size }));
  const chainFile = (repo.files.commitGraphFiles ?? []).find((f) => f.path.endsWith('commit-graphs/commit-graph-chain'))?.path;
  const messages = load.messages.slice(0, 64).map((m) => ({ ...m, text: capText(m.text) }));
  const anatomy: CommitGraphAnatomy = { kind: load.kind, chainLines: load.chainLines.slice(0, 256).map(capText), layers, messages, totalCommits: graph?.count ?? 0, files };
  if (load.kind === 'chain' && chainFile !== undefined) anatomy.chainFile = chainFile;
  return anatomy;
}

function field(name: string, offset: number, length: number, value: string): FieldInfo {
  return { name, offset, length, value };
}

function layerAnatomy(graph: CommitGraph, layer: CommitGraphFile, k: number): CommitGraphLayerAnatomy {
  const H = layer.algo.size;
  const b = layer.bytes;
  const N = layer.count;
  const header = [
    field('signature', 0, 4, 'CGPH'),
    field('version', 4, 1, String(layer.version)),
    field('hash version', 5, 1, `${layer.hashVersion} (${layer.algo.name === 'sha1' ? 'SHA-1' : 'SHA-256'})`),
    field('number of chunks', 6, 1, String(layer.chunkCount)),
    field('number of base graphs', 7, 1, String(layer.baseCount)),
  ];
  const fanout: number[] = [];
  for (let i = 0; i < 256; i++) fanout.push(layer.oidf.offset + 4 * i + 4 <= layer.size ? layer.fanout(i) : 0);
  const baseIds: string[] = [];
  if (layer.base) for (let i = 0; i < layer.baseCount && layer.base.offset + H * (i + 1) <= layer.size; i++) baseIds.push(layer.baseId(i));

  let maxTopoLevel = 0;
  let maxOffset = 0;
  let shifted = 0;
  let octopus = 0;
  const cdatEnd = Math.min(N, Math.floor((layer.size - layer.cdat.offset) / (H + 16)));
  const gdaEnd = layer.gda2 ? Math.min(N, Math.floor((layer.size - layer.gda2.offset) / 4)) : 0;
  for (let i = 0; i < cdatEnd; i++) {
    const at = layer.cdat.offset + (H + 16) * i;
    const level = u32(b, at + H + 8) >>> 2;
    if (level > maxTopoLevel) maxTopoLevel = level;
    const p2 = u32(b, at + H + 4);
    if (p2 !== PARENT_NONE && (p2 & EXTRA_EDGES_NEEDED) !== 0) octopus++;
    if (i < gdaEnd && layer.gda2) {
      const word = u32(b, layer.gda2.offset + 4 * i);
      if ((word & GENERATION_OVERFLOW) === 0) {
        if (word > maxOffset) maxOffset = word;
        if (word > 0) shifted++;
      } else shifted++;
    }
  }
  const anatomy: CommitGraphLayerAnatomy = {
    file: layer.name,
    fileSize: layer.size,
    version: layer.version,
    hashVersion: layer.hashVersion,
    commits: N,
    commitBase: graph.bases[k],
    header,
    chunkTable: { name: 'chunk table', offset: 8, length: (layer.chunkCount + 1) * 12 },
    chunks: layer.chunks.map((c) => ({ id: c.id, offset: c.offset, length: c.length, tableOffset: c.tableOffset })),
    fanout,
    checksum: layer.checksum,
    baseIds,
    generation: {
      corrected: graph.readGenerationData[k],
      hasGda2: layer.gda2 !== undefined,
      overflowEntries: layer.gdo2 ? Math.floor(layer.gdo2.length / 8) : 0,
      maxTopoLevel,
      maxOffset,
      shifted,
    },
    octopus: { commits: octopus, edgeEntries: layer.edge ? Math.floor(layer.edge.length / 4) : 0 },
    problems: layer.shapeProblems(),
  };
  const bloom = bloomAnatomy(layer);
  if (bloom) anatomy.bloom = bloom;
  return anatomy;
}

function bloomAnatomy(layer: CommitGraphFile): BloomAnatomy | undefined {
  const { bidx, bdat, bloom } = layer;
  if (!bidx || !bdat || !bloom) return undefined;
  const b = layer.bytes;
  const N = Math.min(layer.count, Math.floor((layer.size - bidx.offset) / 4));
  const dataBytes = Math.max(0, bdat.length - BLOOM_HEADER_SIZE);
  const histogram = BUCKETS.map(([min, max]) => ({ label: min === max ? `${min}` : max === Number.MAX_SAFE_INTEGER ? `${min}+` : `${min}–${max}`, min, max, count: 0 }));
  const sizes: { position: number; bytes: number }[] = [];
  let previous = 0;
  let tooLarge = 0;
  let empty = 0;
  let badEnds = 0;
  for (let i = 0; i < N; i++) {
    const end = u32(b, bidx.offset + 4 * i);
    if (end < previous || end > dataBytes) {
      badEnds++;
      previous = Math.min(Math.max(end, previous), dataBytes);
      continue;
    }
    const size = end - previous;
    if (size === 0) empty++;
    if (size === 1 && b[bdat.offset + BLOOM_HEADER_SIZE + previous] === 0xff) tooLarge++;
    const bucket = histogram.find((h) => size >= h.min && size <= h.max);
    if (bucket) bucket.count++;
    sizes.push({ position: i, bytes: size });
    previous = end;
  }
  sizes.sort((x, y) => y.bytes - x.bytes || x.position - y.position);
  return {
    hashVersion: bloom.hashVersion,
    numHashes: bloom.numHashes,
    bitsPerEntry: bloom.bitsPerEntry,
    filters: N,
    filterBytes: dataBytes,
    histogram,
    largest: sizes.slice(0, LARGEST_SHOWN).map((s) => ({ position: s.position, oid: layer.oidHexAt(s.position), bytes: s.bytes })),
    tooLarge,
    empty,
    badEnds,
  };
}

/** Rows [start, start + count) of one layer (at most ROWS_MAX), with parents and generations as the graph records them. */
export function commitGraphRows(repo: OpenRepository, layerIndex: number, start: number, count: number): { rows: CommitGraphRow[]; total: number } {
  const graph = loadedCommitGraph(repo).graph;
  if (!graph) throw new PackscopeError('NotFound', 'no commit-graph loaded');
  const layer = graph.layers[layerIndex];
  if (!layer) throw new PackscopeError('OutOfRange', `no layer ${layerIndex}: the commit-graph has ${graph.layers.length}`);
  const total = layer.count;
  const first = Math.max(0, Math.min(Math.floor(start), total));
  const last = Math.min(total, first + Math.max(0, Math.min(Math.floor(count), ROWS_MAX)));
  const rows: CommitGraphRow[] = [];
  const base = graph.bases[layerIndex];
  for (let i = first; i < last; i++) {
    const data = layer.commitData(i);
    const row: CommitGraphRow = {
      position: base + i,
      oid: layer.oidHexAt(i),
      tree: toHex(data.tree),
      parents: [],
      topoLevel: data.topoLevel,
      time: data.time,
      dataOffset: layer.dataOffset(i),
    };
    try {
      row.parents = graph.parentPositions(base + i).map((p) => ({ position: p, oid: graph.oidHexAt(p) }));
    } catch (err) {
      if (!(err instanceof PackscopeError)) throw err;
      row.parentsError = err.message;
    }
    if (graph.readGenerationData[layerIndex]) {
      try {
        row.corrected = Number(graph.generation(base + i));
      } catch (err) {
        if (!(err instanceof PackscopeError)) throw err;
      }
    }
    const range = layer.bidx ? safeBloomRange(layer, i) : undefined;
    if (range !== undefined) row.bloomBytes = range;
    rows.push(row);
  }
  return { rows, total };
}

function safeBloomRange(layer: CommitGraphFile, i: number): number | undefined {
  try {
    const r = layer.bloomRange(i);
    return r && r.end >= r.start ? r.end - r.start : undefined;
  } catch {
    return undefined;
  }
}

/** What reports a verify's progress: (done, total, phase); it may throw to stop the run. */
export type VerifyProgressSink = (done: number, total: number, label: string) => void;

/** `git commit-graph verify [--shallow]`: the loader's messages, then the verifier's lines. */
export function commitGraphVerify(repo: OpenRepository, shallow: boolean, hasher: HasherFactory, onProgress: VerifyProgressSink = () => {}): CommitGraphVerifyReport {
  const load = loadedCommitGraph(repo);
  const started = performance.now();
  const lines = load.messages.map((m) => ({ text: capText(`${m.level}: ${m.text}`), ...(m.file !== undefined ? { file: m.file } : {}), ...(m.offset !== undefined ? { offset: m.offset } : {}) }));
  if (!load.graph) return { lines, exitCode: load.flatExists ? 1 : 0, commits: 0, ms: performance.now() - started };
  const graph = load.graph;
  const total = shallow ? graph.layers[graph.layers.length - 1].count : graph.count;
  const read = prefetchedCommitReader(repo.db, graph, {
    shallow,
    onProgress: (done, all) => onProgress(done, all, 'Reading commits in pack order'),
  });
  let done = 0;
  const readCommit = (hex: string, position: number) => {
    if (++done % 2048 === 0) onProgress(done, total, 'Verifying commits in commit graph');
    return read(hex, position);
  };
  const result = verifyCommitGraph(graph, { algo: repo.db.algo, hasher, readCommit, shallow });
  const report: CommitGraphVerifyReport = { lines: [...lines, ...result.lines], exitCode: result.exitCode, commits: total, ms: performance.now() - started };
  if (result.beyondGit) report.beyondGit = true;
  return report;
}

/** For the summary: which commit-graph files exist, without loading them (a flat file wins, as in git). */
export function commitGraphPresence(files: RepositoryFiles): { commitGraph?: { kind: 'flat' | 'chain'; files: number; bytes: number } } {
  const list = files.commitGraphFiles ?? [];
  if (list.length === 0) return {};
  const flat = list.some((f) => f.path === 'info/commit-graph' || f.path.endsWith('/info/commit-graph'));
  return { commitGraph: { kind: flat ? 'flat' : 'chain', files: list.length, bytes: list.reduce((s, f) => s + f.source.size, 0) } };
}
